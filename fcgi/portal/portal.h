/* parvis-portal: its areas.  Each area (a file or two) defines its routes
 * and its own statement table; the area at position PA_x owns statement
 * table PA_x, so its statement i is DB_STMT(PA_x, i). */
#ifndef PARVIS_PORTAL_H
#define PARVIS_PORTAL_H

#include "app.h"

enum portal_area {
	PA_HOME = 1,		/* home.c: /healthz, /a-propos */
	PA_LOGIN,		/* login.c: /connexion, codes, step-up, logout */
	PA_TILES,		/* tiles.c: /, favourite tiles */
	PA_CGU,			/* cgu.c: /cgu/{code}, terms of use */
	PA_ACCOUNT,		/* account_request.c, activation.c, reset.c */
	PA_SETTINGS,		/* settings.c: /compte */
	PA_SUPPORT,		/* support.c: /support/ */
	PA_ADMIN,		/* admin_pages.c: /admin/ */
	PA_ADMIN_CPTS,		/* admin_cpts.c: /admin/cpts */
	PA__END
};

extern const struct app_area portal_home_area;
extern const struct app_area portal_login_area;
extern const struct app_area portal_tiles_area;
extern const struct app_area portal_cgu_area;
extern const struct app_area portal_account_area;
extern const struct app_area portal_settings_area;
extern const struct app_area portal_support_area;
extern const struct app_area portal_admin_area;
extern const struct app_area portal_admin_cpts_area;

#endif
