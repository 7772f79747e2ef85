/* parvis-annuaire: the directory of health professionals and the CPTS module. */
#include "annuaire.h"
#include "app.h"

static const struct route home_routes[] = {
	{ "GET", "/annuaire/healthz", app_healthz, ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
	{ "GET", "/annuaire/",	   annuaire_home, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
};

static const struct app_area home_area = {
	"home", home_routes, sizeof(home_routes) / sizeof(home_routes[0]), NULL, 0,
};

static const struct app_area *const areas[] = { &home_area };

static const struct app_def annuaire_def = {
	.name = "annuaire",
	.binary = "parvis-annuaire",
	.areas = areas,
	.nareas = sizeof(areas) / sizeof(areas[0]),
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, &annuaire_def);
}
