/*
 * The tiles page: one tile per application the user's roles allow,
 * favourites first.  A tile whose application needs a higher level than
 * the session has is greyed out, says why, and offers the step-up in place.
 */
#include <stdbool.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "portal.h"
#include "valid.h"

enum {
	TILES_CATALOG, TILES_APP_ID, TILES_FAV_ADD, TILES_FAV_DEL, TILES_IS_FAV,
	TILES_FAV_SYNC, TILES__MAX
};
#define Q(i)	DB_STMT(PA_TILES, (i))

/* Columns of TILES_CATALOG. */
enum { TC_ID, TC_CODE, TC_NAME, TC_DESC, TC_URL, TC_ICON, TC_LEVEL, TC_ROLE };

static const char *const tiles_sql[TILES__MAX] = {
	/* Every enabled application, one row per role it admits, in the
	 * administrators' order; the session's roles are matched in C. */
	[TILES_CATALOG] =
	    "SELECT a.id, a.code, a.name, a.description, a.url, a.icon,"
	    " a.required_level, ar.role FROM application a"
	    " JOIN application_role ar ON ar.application_id = a.id"
	    " WHERE a.enabled ORDER BY a.position, a.name, a.id, ar.role",
	[TILES_APP_ID] =
	    "SELECT a.id FROM application a WHERE a.code = ? AND a.enabled AND EXISTS"
	    " (SELECT 1 FROM application_role ar JOIN user_role ur ON ur.role = ar.role"
	    "  WHERE ar.application_id = a.id AND ur.user_id = ?)",
	[TILES_FAV_ADD] =
	    "INSERT IGNORE INTO user_favorite_app (user_id, application_id) VALUES (?, ?)",
	[TILES_FAV_DEL] =
	    "DELETE FROM user_favorite_app WHERE user_id = ? AND application_id = ?",
	[TILES_IS_FAV] =
	    "SELECT 1 FROM user_favorite_app WHERE user_id = ? AND application_id = ?",
	/* The copy the session query carries (sql/012_tiles_cache.sql). */
	[TILES_FAV_SYNC] =
	    "UPDATE app_user SET favorite_apps = COALESCE((SELECT GROUP_CONCAT("
	    "f.application_id ORDER BY f.application_id SEPARATOR ',')"
	    " FROM user_favorite_app f WHERE f.user_id = ?), '') WHERE id = ?",
};

/*
 * The application catalog of this worker: read again only when the
 * generation the session query reports differs from the one it was read
 * under (triggers bump it on any change of an application or of the roles
 * it admits), so the page needs no query of its own.  A change racing the
 * read only causes one more read at the next request.
 */
static struct {
	bool		 loaded;
	long long	 generation;
	struct arena	 arena;
	struct db_result res;
} catalog;

static const struct db_result *
catalog_get(struct req *r)
{
	long long gen = r->session->catalog_generation;

	if (catalog.loaded && catalog.generation == gen)
		return &catalog.res;
	if (!catalog.loaded)
		arena_init(&catalog.arena, 0);
	else
		arena_reset(&catalog.arena);
	catalog.loaded = false;
	if (db_query(r->app->db, &catalog.arena, Q(TILES_CATALOG), DB_NOPARAMS,
	    &catalog.res) != DB_OK)
		return NULL;
	catalog.loaded = true;
	catalog.generation = gen;
	return &catalog.res;
}

/* Returns whether id is one of the comma-separated ids of list. */
static bool
id_in_list(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p = list;

	if (list == NULL || n == 0)
		return false;
	while (*p != '\0') {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (len == n && memcmp(p, id, n) == 0)
			return true;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return false;
}

static void
tile_add(struct req *r, struct tlist *tiles, const struct db_result *res,
    size_t i, bool favorite)
{
	struct tdict *t = tlist_add(tiles);
	long long level = db_cell_int(res, i, TC_LEVEL);
	struct buf b = BUF_INIT;

	tdict_str(t, "code", db_cell(res, i, TC_CODE));
	tdict_str(t, "name", db_cell(res, i, TC_NAME));
	tdict_str(t, "description", db_cell(res, i, TC_DESC));
	tdict_str(t, "url", db_cell(res, i, TC_URL));
	tdict_str(t, "icon", db_cell(res, i, TC_ICON));
	tdict_bool(t, "favorite", favorite);
	tdict_bool(t, "locked", level > r->session->level);
	buf_puts(&b, "/connexion/code?suite=");
	buf_url(&b, db_cell(res, i, TC_URL));
	tdict_str(t, "step_up_url", buf_str(&b));
	buf_free(&b);
}

static int
tiles_page(struct req *r)
{
	const struct db_result *res;
	struct tdict *ctx;
	struct tlist *tiles;
	size_t i, j, end, shown = 0;
	bool allowed, fav;
	int pass;

	if ((res = catalog_get(r)) == NULL)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Mes applications");
	tiles = tdict_list(ctx, "tiles");
	/* Favourites first, each group in the administrators' order; an
	 * application's rows (one per role) are consecutive. */
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < res->nrows; i = end) {
			allowed = false;
			for (end = i; end < res->nrows && db_cell_int(res, end,
			    TC_ID) == db_cell_int(res, i, TC_ID); end++)
				;
			for (j = i; j < end && !allowed; j++)
				allowed = req_has_role(r, db_cell(res, j, TC_ROLE));
			fav = id_in_list(r->session->favorite_apps,
			    db_cell(res, i, TC_ID));
			if (!allowed || fav != (pass == 1))
				continue;
			tile_add(r, tiles, res, i, fav);
			shown++;
		}
	tdict_bool(ctx, "empty", shown == 0);
	tdict_bool(ctx, "strong", r->session->level >= AUTH_LEVEL_2);
	return http_render(r, 200, "portal/tiles", ctx);
}

static int
favorite_toggle(struct req *r)
{
	const char *code = http_path_param(r, "code");
	struct db *db = r->app->db;
	long long uid = r->session->user_id;
	struct db_result res, fav;
	long long appid;
	enum db_rc rc;

	if (valid_text(code, 1, 32) != NULL)
		return http_error(r, 404, "Cette application n'existe pas.");
	switch (db_query_row(db, &r->arena, Q(TILES_APP_ID), DB_PARAMS(
	    DBP_STR(code), DBP_INT(uid)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette application n'existe pas.");
	default:
		return -1;
	}
	appid = db_cell_int(&res, 0, 0);
	if (db_begin(db) != DB_OK)
		return -1;
	rc = db_query_row(db, &r->arena, Q(TILES_IS_FAV), DB_PARAMS(
	    DBP_INT(uid), DBP_INT(appid)), &fav);
	if ((rc != DB_OK && rc != DB_NOT_FOUND) ||
	    db_exec(db, rc == DB_OK ? Q(TILES_FAV_DEL) : Q(TILES_FAV_ADD),
	    DB_PARAMS(DBP_INT(uid), DBP_INT(appid)), NULL) != DB_OK ||
	    db_exec(db, Q(TILES_FAV_SYNC), DB_PARAMS(DBP_INT(uid), DBP_INT(uid)),
	    NULL) != DB_OK || audit(r, rc == DB_OK ? "tiles.favorite.removed" :
	    "tiles.favorite.added", "application", code, 0, AUDIT_OK, NULL) != DB_OK ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return -1;
	}
	return http_redirect(r, "/");
}

static const struct route tiles_routes[] = {
	{ "GET",  "/",		     tiles_page,      ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/favoris/{code}", favorite_toggle, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
};

const struct app_area portal_tiles_area = {
	"tiles", tiles_routes, sizeof(tiles_routes) / sizeof(tiles_routes[0]),
	tiles_sql, TILES__MAX,
};
