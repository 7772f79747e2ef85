/* parvis-icope: patient files and the WHO ICOPE screening. */
#include "app.h"
#include "icope.h"

static const struct route home_routes[] = {
	{ "GET", "/icope/healthz", app_healthz, ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
	{ "GET", "/icope/",	   icope_home, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

static const struct app_area home_area = {
	"home", home_routes, sizeof(home_routes) / sizeof(home_routes[0]), NULL, 0,
};

static const struct app_area *const areas[] = { &home_area };

static const struct app_def icope_def = {
	.name = "icope",
	.binary = "parvis-icope",
	.areas = areas,
	.nareas = sizeof(areas) / sizeof(areas[0]),
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, &icope_def);
}
