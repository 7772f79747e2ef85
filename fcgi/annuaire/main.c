/* parvis-annuaire: the directory of health professionals and the CPTS
 * module.  The areas, in the order of enum annuaire_area: */
#include "annuaire.h"
#include "app.h"

static const struct app_area *const areas[AA__END - 1] = {
	[AA_HOME - 1] = &annuaire_home_area,
	[AA_SEARCH - 1] = &annuaire_search_area,
	[AA_SHEET - 1] = &annuaire_sheet_area,
	[AA_CPTS - 1] = &annuaire_cpts_area,
	[AA_CARD - 1] = &annuaire_card_area,
};

static const struct app_def annuaire_def = {
	.name = "annuaire",
	.binary = "parvis-annuaire",
	.areas = areas,
	.nareas = AA__END - 1,
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, &annuaire_def);
}
