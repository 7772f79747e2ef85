/* Portal area "settings": not written yet (an empty area keeps the build whole). */
#include "portal.h"

const struct app_area portal_settings_area = { "settings", NULL, 0, NULL, 0 };
