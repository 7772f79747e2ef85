/*
 * Login attempts, and the per-account brake on one-time codes (ASVS
 * 2.2.1), shared by the login (login.c) and the settings' contact codes
 * (settings.c).  An area without routes: it only owns its statements.
 */
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "outbox.h"
#include "portal.h"
#include "session.h"

enum {
	BRAKE_LOCK_USER,
	BRAKE_FAILURES,
	BRAKE_ATTEMPT,
	BRAKE_VOID_ALL,
	BRAKE_USER_EMAIL,
	BRAKE__MAX
};
#define Q(i)	DB_STMT(PA_CODE_BRAKE, (i))

static const char *const brake_sql[BRAKE__MAX] = {
	[BRAKE_LOCK_USER] =
	    "SELECT id FROM app_user WHERE id = ? FOR UPDATE",
	[BRAKE_FAILURES] =
	    "SELECT COUNT(*) FROM login_attempt WHERE user_id = ? AND kind = 'code'"
	    " AND success = FALSE AND at >= FROM_UNIXTIME(?)",
	[BRAKE_ATTEMPT] =
	    "INSERT INTO login_attempt (at, ip, user_id, identifier, success, kind)"
	    " VALUES (FROM_UNIXTIME(?), ?, ?, ?, ?, ?)",
	[BRAKE_VOID_ALL] =
	    "UPDATE otp_code SET used_at = FROM_UNIXTIME(?)"
	    " WHERE user_id = ? AND used_at IS NULL",
	[BRAKE_USER_EMAIL] =
	    "SELECT email FROM app_user WHERE id = ?",
};

enum db_rc
login_attempt_record(struct req *r, long long uid, const char *identifier,
    bool ok, const char *kind)
{
	return db_exec(r->app->db, Q(BRAKE_ATTEMPT), DB_PARAMS(
	    DBP_INT(r->now), DBP_STR(r->remote_addr ? r->remote_addr : "-"),
	    DBP_ID(uid), DBP_STRN(identifier, strnlen(identifier, 254)),
	    DBP_INT(ok), DBP_STR(kind)), NULL);
}

const char code_brake_msg[] =
    "Trop de codes erronés ont été saisis sur ce compte : par précaution, les "
    "codes sont refusés pendant une heure. Si ce n'est pas vous, changez votre "
    "mot de passe (« Mot de passe oublié ») et prévenez le centre de services.";

/*
 * The per-account brake on one-time codes (ASVS 2.2.1): a code allows 5
 * tries and a session 5 codes, but whoever has the password can open
 * sessions at will, from many addresses.  So every wrong code, whatever
 * its purpose or session, is a failed 'code' attempt of the account, and
 * CODE_BRAKE_MAX of them within CODE_BRAKE_WINDOW stop codes from being
 * sent or checked for that account.  With lock (in the caller's
 * transaction), the user's row is locked first, so that parallel guesses
 * are counted one after the other and none slips past the limit.
 */
enum code_brake
code_brake_check(struct req *r, bool lock)
{
	struct db *db = r->app->db;
	struct db_result res;
	long long uid = r->session->user_id;

	if (lock && db_query_row(db, &r->arena, Q(BRAKE_LOCK_USER),
	    DB_PARAMS(DBP_INT(uid)), &res) != DB_OK)
		return CODE_BRAKE_ERROR;
	if (db_query_row(db, &r->arena, Q(BRAKE_FAILURES), DB_PARAMS(
	    DBP_INT(uid), DBP_INT(r->now - CODE_BRAKE_WINDOW)), &res) != DB_OK)
		return CODE_BRAKE_ERROR;
	return db_cell_int(&res, 0, 0) >= CODE_BRAKE_MAX ? CODE_BRAKE_LOCKED :
	    CODE_BRAKE_OK;
}

/* Records a wrong code for purpose in the caller's transaction (after
 * code_brake_check with lock); the one that reaches the limit voids the
 * account's live codes, warns the user by e-mail and is audited.  *locked
 * says whether the account is now braked. */
enum db_rc
code_brake_failed(struct req *r, const char *purpose, bool *locked)
{
	struct db *db = r->app->db;
	struct db_result res;
	long long uid = r->session->user_id;
	enum db_rc rc;

	if ((rc = login_attempt_record(r, uid, r->session->login, false,
	    "code")) != DB_OK ||
	    (rc = db_query_row(db, &r->arena, Q(BRAKE_FAILURES), DB_PARAMS(
	    DBP_INT(uid), DBP_INT(r->now - CODE_BRAKE_WINDOW)), &res)) != DB_OK)
		return rc;
	*locked = db_cell_int(&res, 0, 0) >= CODE_BRAKE_MAX;
	if (db_cell_int(&res, 0, 0) != CODE_BRAKE_MAX)
		return DB_OK;
	if ((rc = db_exec(db, Q(BRAKE_VOID_ALL), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(uid)), NULL)) != DB_OK ||
	    (rc = db_query_row(db, &r->arena, Q(BRAKE_USER_EMAIL),
	    DB_PARAMS(DBP_INT(uid)), &res)) != DB_OK ||
	    (rc = outbox_email(db, db_cell(&res, 0, 0),
	    "Parvis : codes erronés sur votre compte",
	    "Bonjour,\n\n"
	    "Plusieurs codes à usage unique erronés viennent d'être saisis sur "
	    "votre compte Parvis.\nPar précaution, les codes sont refusés sur "
	    "votre compte pendant une heure.\n\n"
	    "Si ce n'est pas vous, quelqu'un connaît sans doute votre mot de "
	    "passe : changez-le dès que possible (« Mot de passe oublié » sur la "
	    "page de connexion) et prévenez le centre de services.\n\n"
	    "-- \nParvis, services numériques en santé\n")) != DB_OK)
		return rc;
	return audit(r, "otp.locked", "user", r->session->login, 0, AUDIT_DENIED,
	    arena_printf(&r->arena, "%d codes erronés en une heure (%s)",
	    CODE_BRAKE_MAX, purpose));
}

const struct app_area portal_code_brake_area = {
	"code_brake", NULL, 0, brake_sql, BRAKE__MAX,
};
