/* The portal's public pages: health check and "about". */
#include "db.h"
#include "http.h"
#include "portal.h"

enum { HOME_SCHEMA_VERSION, HOME__MAX };
#define Q(i)	DB_STMT(PA_HOME, (i))

static const char *const home_sql[HOME__MAX] = {
	[HOME_SCHEMA_VERSION] =
	    "SELECT MAX(version), COUNT(*) FROM schema_migrations",
};

static int
portal_about(struct req *r)
{
	struct db_result res;
	struct tdict *ctx;

	if (db_query_row(r->app->db, &r->arena, Q(HOME_SCHEMA_VERSION),
	    DB_NOPARAMS, &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "À propos");
	tdict_str(ctx, "schema_version", db_cell(&res, 0, 0));
	tdict_str(ctx, "migrations", db_cell(&res, 0, 1));
	return http_render(r, 200, "portal/about", ctx);
}

static const struct route home_routes[] = {
	{ "GET", "/healthz",  app_healthz,  ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET", "/a-propos", portal_about, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
};

const struct app_area portal_home_area = {
	"home", home_routes, sizeof(home_routes) / sizeof(home_routes[0]),
	home_sql, HOME__MAX,
};
