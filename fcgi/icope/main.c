/* parvis-icope: patient files and the WHO ICOPE screening (STEP 1,
 * alerts, STEP 2, follow-up).  The route tables live with their areas
 * (icope.h lists them); every page needs a strong (level 2) session and
 * a pro or alert_manager role, checked by the handlers. */
#include "app.h"
#include "icope.h"

/* In enum icope_area order: area k owns statement table k + 1. */
static const struct app_area *const areas[] = {
	&icope_common_area,
	&icope_home_area,
	&icope_patient_area,
	&icope_circle_area,
	&icope_step1_area,
	&icope_alert_area,
	&icope_step2_area,
};

static const struct app_def icope_def = {
	.name = "icope",
	.binary = "parvis-icope",
	.areas = areas,
	.nareas = sizeof(areas) / sizeof(areas[0]),
};

int
main(int argc, char **argv)
{
	_Static_assert(sizeof(areas) / sizeof(areas[0]) == IA__END - 1,
	    "one area per enum icope_area value");
	return app_main(argc, argv, &icope_def);
}
