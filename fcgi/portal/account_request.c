/* Portal area "account": not written yet (an empty area keeps the build whole). */
#include "portal.h"

const struct app_area portal_account_area = { "account", NULL, 0, NULL, 0 };
