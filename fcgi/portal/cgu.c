/*
 * Terms of use (CGU): the portal's at first login, each application's at
 * its first opening, and again whenever a new version is published.  The
 * gate itself is in libparvis (app.c): it sends any page here while a
 * version waits to be accepted.
 */
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "portal.h"
#include "valid.h"

enum { CGU_LATEST, CGU_ACCEPTED, CGU_ACCEPT, CGU__MAX };
#define Q(i)	DB_STMT(PA_CGU, (i))

static const char *const cgu_sql[CGU__MAX] = {
	[CGU_LATEST] =
	    "SELECT d.title, v.id, v.version, v.body,"
	    " DATE_FORMAT(v.published_at, '%d/%m/%Y') FROM cgu_document d"
	    " JOIN cgu_version v ON v.document_id = d.id WHERE d.code = ?"
	    " ORDER BY v.published_at DESC, v.id DESC LIMIT 1",
	[CGU_ACCEPTED] =
	    "SELECT 1 FROM cgu_acceptance WHERE user_id = ? AND version_id = ?",
	[CGU_ACCEPT] =
	    "INSERT IGNORE INTO cgu_acceptance"
	    " (user_id, version_id, accepted_at, ip)"
	    " VALUES (?, ?, FROM_UNIXTIME(?), ?)",
};

static const char *
cgu_suite(struct req *r)
{
	const char *s = http_form(r, "suite");

	if (s == NULL)
		s = http_query(r, "suite");
	return s != NULL && http_local_path(s) ? s : "/";
}

static int
cgu_load(struct req *r, const char *code, struct db_result *res)
{
	if (valid_text(code, 1, 32) != NULL)
		return DB_NOT_FOUND;
	return db_query_row(r->app->db, &r->arena, Q(CGU_LATEST),
	    DB_PARAMS(DBP_STR(code)), res);
}

static int
cgu_get(struct req *r)
{
	const char *code = http_path_param(r, "code");
	struct db_result res, acc;
	struct tdict *ctx;

	switch (cgu_load(r, code, &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ces conditions d'utilisation n'existent pas.");
	default:
		return -1;
	}
	switch (db_query_row(r->app->db, &r->arena, Q(CGU_ACCEPTED), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(db_cell_int(&res, 0, 1))), &acc)) {
	case DB_OK:
		if (http_query(r, "lire") == NULL)
			return http_redirect(r, cgu_suite(r));
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	ctx = http_ctx(r);
	tdict_str(ctx, "title", db_cell(&res, 0, 0));
	tdict_str(ctx, "code", code);
	tdict_str(ctx, "version_id", db_cell(&res, 0, 1));
	tdict_str(ctx, "version", db_cell(&res, 0, 2));
	tdict_str(ctx, "body", db_cell(&res, 0, 3));
	tdict_str(ctx, "published", db_cell(&res, 0, 4));
	tdict_str(ctx, "suite", cgu_suite(r));
	tdict_bool(ctx, "accepted", acc.nrows > 0);
	return http_render(r, 200, "portal/cgu", ctx);
}

static int
cgu_post(struct req *r)
{
	const char *code = http_path_param(r, "code");
	const char *version = http_form(r, "version");
	struct db_result res;
	long long vid;

	switch (cgu_load(r, code, &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ces conditions d'utilisation n'existent pas.");
	default:
		return -1;
	}
	vid = db_cell_int(&res, 0, 1);
	if (version == NULL || valid_parse_ll(version, 1, 9223372036854775807LL,
	    &vid) != 0 || vid != db_cell_int(&res, 0, 1))
		/* A newer version was published while the page was open. */
		return cgu_get(r);
	if (http_form(r, "accepte") == NULL)
		return http_redirect(r, arena_printf(&r->arena, "/cgu/%s?suite=/", code));
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_exec(r->app->db, Q(CGU_ACCEPT), DB_PARAMS(DBP_INT(r->session->user_id),
	    DBP_INT(vid), DBP_INT(r->now), DBP_STR(r->remote_addr)), NULL) != DB_OK ||
	    audit(r, "cgu.accept", "cgu", arena_printf(&r->arena, "%s:%s", code,
	    db_cell(&res, 0, 2)), 0, AUDIT_OK, NULL) != DB_OK ||
	    db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return http_redirect(r, cgu_suite(r));
}

static const struct route cgu_routes[] = {
	{ "GET",  "/cgu/{code}", cgu_get,  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, ROUTE_BEFORE_CGU },
	{ "POST", "/cgu/{code}", cgu_post, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, ROUTE_BEFORE_CGU },
};

const struct app_area portal_cgu_area = {
	"cgu", cgu_routes, sizeof(cgu_routes) / sizeof(cgu_routes[0]),
	cgu_sql, CGU__MAX,
};
