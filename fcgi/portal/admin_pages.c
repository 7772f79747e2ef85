/* Portal area "admin": not written yet (an empty area keeps the build whole). */
#include "portal.h"

const struct app_area portal_admin_area = { "admin", NULL, 0, NULL, 0 };
