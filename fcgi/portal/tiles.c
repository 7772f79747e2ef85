/*
 * The tiles page: one tile per application the user's roles allow,
 * favourites first.  A tile whose application needs a higher level than
 * the session has is greyed out, says why, and offers the step-up in place.
 */
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "portal.h"
#include "valid.h"

enum { TILES_LIST, TILES_APP_ID, TILES_FAV_ADD, TILES_FAV_DEL, TILES_IS_FAV, TILES__MAX };
#define Q(i)	DB_STMT(PA_TILES, (i))

static const char *const tiles_sql[TILES__MAX] = {
	/* Every enabled application, one row per role it admits, with the
	 * user's star; the session's roles are matched in C.  (Plain joins:
	 * MariaDB plans them in a fraction of the time correlated subqueries
	 * take, and this is the busiest page.) */
	[TILES_LIST] =
	    "SELECT a.code, a.name, a.description, a.url, a.icon, a.required_level,"
	    " ar.role, f.user_id IS NOT NULL FROM application a"
	    " JOIN application_role ar ON ar.application_id = a.id"
	    " LEFT JOIN user_favorite_app f ON f.user_id = ? AND f.application_id = a.id"
	    " WHERE a.enabled ORDER BY a.position, a.name, a.id",
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
};

static void
tile_add(struct req *r, struct tlist *tiles, const struct db_result *res, size_t i)
{
	struct tdict *t = tlist_add(tiles);
	long long level = db_cell_int(res, i, 5);
	struct buf b = BUF_INIT;

	tdict_str(t, "code", db_cell(res, i, 0));
	tdict_str(t, "name", db_cell(res, i, 1));
	tdict_str(t, "description", db_cell(res, i, 2));
	tdict_str(t, "url", db_cell(res, i, 3));
	tdict_str(t, "icon", db_cell(res, i, 4));
	tdict_bool(t, "favorite", db_cell_int(res, i, 7) != 0);
	tdict_bool(t, "locked", level > r->session->level);
	buf_puts(&b, "/connexion/code?suite=");
	buf_url(&b, db_cell(res, i, 3));
	tdict_str(t, "step_up_url", buf_str(&b));
	buf_free(&b);
}

static int
tiles_page(struct req *r)
{
	struct db_result res;
	struct tdict *ctx;
	struct tlist *tiles;
	size_t i, j, end, shown = 0;
	bool allowed;
	int fav;

	if (db_query(r->app->db, &r->arena, Q(TILES_LIST), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Mes applications");
	tiles = tdict_list(ctx, "tiles");
	/* Favourites first, each group in the administrators' order; an
	 * application's rows (one per role) are consecutive. */
	for (fav = 1; fav >= 0; fav--)
		for (i = 0; i < res.nrows; i = end) {
			allowed = false;
			for (end = i; end < res.nrows && strcmp(db_cell(&res, end, 0),
			    db_cell(&res, i, 0)) == 0; end++)
				;
			for (j = i; j < end && !allowed; j++)
				allowed = req_has_role(r, db_cell(&res, j, 6));
			if (!allowed || (db_cell_int(&res, i, 7) != 0) != (fav == 1))
				continue;
			tile_add(r, tiles, &res, i);
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
	struct db_result res, fav;
	long long appid;
	enum db_rc rc;

	if (valid_text(code, 1, 32) != NULL)
		return http_error(r, 404, "Cette application n'existe pas.");
	switch (db_query_row(r->app->db, &r->arena, Q(TILES_APP_ID), DB_PARAMS(
	    DBP_STR(code), DBP_INT(r->session->user_id)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette application n'existe pas.");
	default:
		return -1;
	}
	appid = db_cell_int(&res, 0, 0);
	rc = db_query_row(r->app->db, &r->arena, Q(TILES_IS_FAV), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(appid)), &fav);
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return -1;
	if (db_exec(r->app->db, rc == DB_OK ? Q(TILES_FAV_DEL) : Q(TILES_FAV_ADD),
	    DB_PARAMS(DBP_INT(r->session->user_id), DBP_INT(appid)), NULL) != DB_OK)
		return -1;
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
