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
	PA_CODE_BRAKE,		/* code_brake.c: no route, the codes' brake */
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
extern const struct app_area portal_code_brake_area;

/* Records a login attempt (kind "password" or "code") of account uid
 * (0: none matched) under identifier; returns the db result. */
enum db_rc login_attempt_record(struct req *r, long long uid,
	    const char *identifier, bool ok, const char *kind);

/* The per-account brake on one-time codes (code_brake.c): at most
 * CODE_BRAKE_MAX wrong codes per account within CODE_BRAKE_WINDOW seconds,
 * whatever the session or the purpose; then none is sent or checked. */
#define CODE_BRAKE_MAX		10
#define CODE_BRAKE_WINDOW	3600
enum code_brake { CODE_BRAKE_OK, CODE_BRAKE_LOCKED, CODE_BRAKE_ERROR };
/* The French message shown to a braked account. */
extern const char code_brake_msg[];
/* Returns whether the session's account is braked; with lock, in the
 * caller's transaction, locks the user's row first. */
enum code_brake code_brake_check(struct req *r, bool lock);
/* Records a wrong code (purpose: French words for the audit row) in the
 * caller's transaction; *locked says whether the account is now braked.
 * Returns the db result. */
enum db_rc code_brake_failed(struct req *r, const char *purpose, bool *locked);

#endif
