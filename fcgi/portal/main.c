/* parvis-portal: the single entry point of the suite. */
#include "app.h"
#include "portal.h"

/* In the order of enum portal_area: position k owns statement table k + 1. */
static const struct app_area *const areas[PA__END - 1] = {
	[PA_HOME - 1] = &portal_home_area,
	[PA_LOGIN - 1] = &portal_login_area,
	[PA_TILES - 1] = &portal_tiles_area,
	[PA_CGU - 1] = &portal_cgu_area,
	[PA_ACCOUNT - 1] = &portal_account_area,
	[PA_SETTINGS - 1] = &portal_settings_area,
	[PA_SUPPORT - 1] = &portal_support_area,
	[PA_ADMIN - 1] = &portal_admin_area,
	[PA_ADMIN_CPTS - 1] = &portal_admin_cpts_area,
	[PA_CODE_BRAKE - 1] = &portal_code_brake_area,
};

static const struct app_def portal_def = {
	.name = "portal",
	.binary = "parvis-portal",
	.areas = areas,
	.nareas = PA__END - 1,
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, &portal_def);
}
