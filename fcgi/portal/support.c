/* Portal area "support": not written yet (an empty area keeps the build whole). */
#include "portal.h"

const struct app_area portal_support_area = { "support", NULL, 0, NULL, 0 };
