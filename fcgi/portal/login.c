/*
 * Login: identifier (or e-mail) and password give a level-1 session; a
 * one-time code sent by e-mail or SMS raises it to level 2, at login or
 * later from a greyed tile (step-up).  Throttling per account and per
 * address with growing delays; the same message for every failure.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "otp.h"
#include "password.h"
#include "portal.h"
#include "session.h"
#include "valid.h"

enum {
	LOGIN_USER_FIND,
	LOGIN_IP_FAILURES,
	LOGIN_USER_FAILED,
	LOGIN_USER_SUCCEEDED,
	LOGIN_USER_REHASH,
	LOGIN_USER_CONTACT,
	LOGIN__MAX
};
#define Q(i)	DB_STMT(PA_LOGIN, (i))

static const char *const login_sql[LOGIN__MAX] = {
	[LOGIN_USER_FIND] =
	    "SELECT id, password_hash, status, failed_logins,"
	    " COALESCE(UNIX_TIMESTAMP(last_failed_at), 0),"
	    " COALESCE(UNIX_TIMESTAMP(locked_until), 0), login"
	    " FROM app_user WHERE login = ? OR email = ? ORDER BY login = ? DESC LIMIT 1",
	[LOGIN_IP_FAILURES] =
	    "SELECT COUNT(*), COALESCE(UNIX_TIMESTAMP(MAX(at)), 0) FROM login_attempt"
	    " WHERE ip = ? AND success = FALSE AND at >= FROM_UNIXTIME(?)",
	[LOGIN_USER_FAILED] =
	    /* MariaDB assigns left to right: test before the increment. */
	    "UPDATE app_user SET last_failed_at = FROM_UNIXTIME(?),"
	    " locked_until = IF(failed_logins + 1 >= ?, FROM_UNIXTIME(?), locked_until),"
	    " failed_logins = failed_logins + 1"
	    " WHERE id = ?",
	[LOGIN_USER_SUCCEEDED] =
	    "UPDATE app_user SET failed_logins = 0, locked_until = NULL,"
	    " last_login_at = FROM_UNIXTIME(?) WHERE id = ?",
	[LOGIN_USER_REHASH] =
	    "UPDATE app_user SET password_hash = ? WHERE id = ?",
	[LOGIN_USER_CONTACT] =
	    "SELECT email, mobile, otp_channel FROM app_user WHERE id = ?",
};

/* Throttling (OWASP ASVS 2.2.1): after FREE_FAILURES consecutive failures
 * an account waits 2^(n - FREE_FAILURES) seconds between attempts, capped;
 * at LOCK_FAILURES it is locked for LOCK_SECONDS (the service centre can
 * unlock it).  An address gets the same growing delays over a window.
 * At most ~30 attempts an hour reach an account's password check. */
#define FREE_FAILURES	5
#define MAX_DELAY	900
#define LOCK_FAILURES	20
#define LOCK_SECONDS	1800
#define IP_WINDOW	900
#define IP_FREE		20

static const char login_failed_msg[] =
    "Identifiant ou mot de passe incorrect. Après plusieurs erreurs, "
    "les essais sont ralentis puis le compte est bloqué pour 30 minutes : "
    "en cas de doute, utilisez « Mot de passe oublié ».";

static long
backoff(long long failures, long long free_failures)
{
	long long n = failures - free_failures;

	if (n < 0)
		return 0;
	return n >= 10 ? MAX_DELAY : (1L << n) > MAX_DELAY ? MAX_DELAY : (1L << n);
}

/* The page to go to after login: a local path from suite=, else the
 * user's home page, else the tiles. */
static const char *
next_path(struct req *r, const char *suite)
{
	if (suite != NULL && http_local_path(suite) && strncmp(suite, "/connexion", 10) != 0)
		return suite;
	if (r->session != NULL && r->session->home_page != NULL &&
	    http_local_path(r->session->home_page))
		return r->session->home_page;
	return "/";
}

static const char *
suite_param(struct req *r)
{
	const char *s = http_form(r, "suite");

	if (s == NULL)
		s = http_query(r, "suite");
	return s != NULL && http_local_path(s) ? s : NULL;
}

static int
login_form(struct req *r, int status, const char *identifier, const char *error)
{
	struct tdict *ctx = http_ctx(r);

	tdict_str(ctx, "title", "Connexion");
	tdict_str(ctx, "identifier", identifier);
	tdict_str(ctx, "error", error);
	tdict_str(ctx, "suite", suite_param(r));
	tdict_bool(ctx, "logged_out", http_query(r, "fin") != NULL);
	tdict_bool(ctx, "expired", http_query(r, "expiree") != NULL);
	tdict_bool(ctx, "activated", http_query(r, "active") != NULL);
	tdict_bool(ctx, "reset_done", http_query(r, "reinitialise") != NULL);
	return http_render(r, status, "portal/login", ctx);
}

static int
login_get(struct req *r)
{
	if (r->session != NULL)
		return http_redirect(r, next_path(r, suite_param(r)));
	return login_form(r, 200, NULL, NULL);
}

static int
login_post(struct req *r)
{
	const char *identifier = http_form(r, "identifiant");
	const char *password = http_form(r, "mot_de_passe");
	const char *ip = r->remote_addr ? r->remote_addr : "-";
	struct db *db = r->app->db;
	struct db_result res, ipres;
	long long uid = 0, failures = 0, last_failed = 0, locked_until = 0;
	const char *hash = NULL, *status = NULL;
	char newhash[256];
	bool ok = false;

	if (identifier == NULL || *identifier == '\0' || password == NULL ||
	    *password == '\0')
		return login_form(r, 422, identifier,
		    "Saisissez votre identifiant (ou votre adresse e-mail) et votre mot de passe.");
	if (valid_text(identifier, 1, 254) != NULL || strlen(password) > 1024)
		return login_form(r, 422, NULL, login_failed_msg);

	/* Per-address brake before any password work. */
	if (db_query_row(db, &r->arena, Q(LOGIN_IP_FAILURES), DB_PARAMS(
	    DBP_STR(ip), DBP_INT(r->now - IP_WINDOW)), &ipres) != DB_OK)
		return -1;
	{
		long wait = backoff(db_cell_int(&ipres, 0, 0), IP_FREE);

		if (wait > 0 && r->now - db_cell_int(&ipres, 0, 1) < wait) {
			char *msg = arena_printf(&r->arena, "Trop d'essais depuis votre "
			    "connexion : réessayez dans %ld secondes.",
			    wait - (long)(r->now - db_cell_int(&ipres, 0, 1)));

			http_header(r, "Retry-After", arena_printf(&r->arena, "%ld", wait));
			return login_form(r, 429, identifier, msg);
		}
	}

	switch (db_query_row(db, &r->arena, Q(LOGIN_USER_FIND), DB_PARAMS(
	    DBP_STR(identifier), DBP_STR(identifier), DBP_STR(identifier)), &res)) {
	case DB_OK:
		uid = db_cell_int(&res, 0, 0);
		hash = db_cell(&res, 0, 1);
		status = db_cell(&res, 0, 2);
		failures = db_cell_int(&res, 0, 3);
		last_failed = db_cell_int(&res, 0, 4);
		locked_until = db_cell_int(&res, 0, 5);
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}

	/* At most argon2_max_concurrent hashes at once on this host, so a
	 * login flood leaves a core to every other page. */
	if (password_slot_acquire() != 0) {
		http_header(r, "Retry-After", "2");
		return login_form(r, 503, identifier, "Trop de connexions sont en "
		    "cours : réessayez dans quelques secondes.");
	}
	if (uid == 0 || hash == NULL) {
		/* Same cost as a real check: no enumeration by timing. */
		password_dummy_verify(password);
	} else if (locked_until > r->now ||
	    (backoff(failures, FREE_FAILURES) > 0 &&
	    r->now - last_failed < backoff(failures, FREE_FAILURES))) {
		/* Throttled: the password is not even checked. */
		password_dummy_verify(password);
	} else
		ok = password_verify(hash, password) && strcmp(status, "active") == 0;
	if (ok && password_needs_rehash(hash) &&
	    password_hash(password, newhash, sizeof(newhash)) != 0)
		newhash[0] = '\0';
	else if (!ok || !password_needs_rehash(hash))
		newhash[0] = '\0';
	password_slot_release();

	if (db_begin(db) != DB_OK)
		return -1;
	if (!ok) {
		if (uid != 0 && locked_until <= r->now && db_exec(db,
		    Q(LOGIN_USER_FAILED), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(LOCK_FAILURES), DBP_INT(r->now + LOCK_SECONDS),
		    DBP_INT(uid)), NULL) != DB_OK)
			goto fail;
		if (login_attempt_record(r, uid, identifier, false, "password") != DB_OK ||
		    audit(r, "login.failed", "user", uid ? db_cell(&res, 0, 6) : NULL,
		    0, AUDIT_DENIED, NULL) != DB_OK || db_commit(db) != DB_OK)
			goto fail;
		log_info("login failed for %s from %s", uid ? "an account" : "no account", ip);
		return login_form(r, 401, identifier, login_failed_msg);
	}
	if (db_exec(db, Q(LOGIN_USER_SUCCEEDED), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(uid)), NULL) != DB_OK ||
	    login_attempt_record(r, uid, identifier, true, "password") != DB_OK)
		goto fail;
	if (newhash[0] != '\0' && db_exec(db, Q(LOGIN_USER_REHASH),
	    DB_PARAMS(DBP_STR(newhash), DBP_INT(uid)), NULL) != DB_OK)
		goto fail;
	if (session_create(r, uid, AUTH_LEVEL_1) != DB_OK ||
	    audit(r, "login", "user", db_cell(&res, 0, 6), 0, AUDIT_OK,
	    "niveau 1") != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	{
		/* Next: the one-time code (the page lets the user stop at
		 * level 1); the terms of use come first if pending. */
		struct buf b = BUF_INIT;
		char *target;

		buf_puts(&b, "/connexion/code?suite=");
		buf_url(&b, next_path(r, suite_param(r)));
		target = arena_strdup(&r->arena, buf_str(&b));
		buf_free(&b);
		if (r->session->cgu_pending != NULL &&
		    strncmp(r->session->cgu_pending, "portal", 6) == 0) {
			struct buf c = BUF_INIT;

			buf_puts(&c, "/cgu/portal?suite=");
			buf_url(&c, target);
			target = arena_strdup(&r->arena, buf_str(&c));
			buf_free(&c);
		}
		return http_redirect(r, target);
	}
fail:
	db_rollback(db);
	return -1;
}

/* "claire.martin@exemple.fr" -> "c•••••••••••@exemple.fr" */
static const char *
mask_email(struct req *r, const char *email)
{
	const char *at = email ? strchr(email, '@') : NULL;

	if (at == NULL || at == email)
		return "";
	return arena_printf(&r->arena, "%c•••@%s", email[0], at + 1);
}

/* "0612345678" -> "06 •• •• •• 78" */
static const char *
mask_mobile(struct req *r, const char *m)
{
	size_t n = m ? strlen(m) : 0;

	if (n < 4)
		return "";
	return arena_printf(&r->arena, "%.2s •• •• •• %s", m, m + n - 2);
}

static int
code_page(struct req *r, int status, const char *error, const char *info)
{
	struct db_result res;
	struct tdict *ctx;
	const char *channel = NULL, *suite = suite_param(r);
	bool pending;

	if (r->session->level >= AUTH_LEVEL_2)
		return http_redirect(r, next_path(r, suite));
	if (db_query_row(r->app->db, &r->arena, Q(LOGIN_USER_CONTACT),
	    DB_PARAMS(DBP_INT(r->session->user_id)), &res) != DB_OK)
		return -1;
	pending = otp_pending(r, "login", &channel);
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Code de connexion");
	tdict_str(ctx, "suite", suite != NULL ? suite : next_path(r, NULL));
	tdict_str(ctx, "email_masked", mask_email(r, db_cell(&res, 0, 0)));
	tdict_str(ctx, "mobile_masked", mask_mobile(r, db_cell(&res, 0, 1)));
	tdict_bool(ctx, "has_mobile", db_cell(&res, 0, 1) != NULL);
	tdict_bool(ctx, "pending", pending);
	tdict_bool(ctx, "sent_sms", pending && channel && strcmp(channel, "sms") == 0);
	tdict_str(ctx, "error", error);
	tdict_str(ctx, "info", info);
	tdict_bool(ctx, "step_up", suite != NULL && strcmp(suite, "/") != 0);
	return http_render(r, status, "portal/code", ctx);
}

static int
code_get(struct req *r)
{
	return code_page(r, 200, NULL, NULL);
}

static int
code_send(struct req *r)
{
	const char *channel = http_form(r, "canal");
	struct db_result res;
	const char *target;
	long wait;

	if (channel == NULL || (strcmp(channel, "email") != 0 && strcmp(channel, "sms") != 0))
		return code_page(r, 422, "Choisissez comment recevoir le code.", NULL);
	if (db_query_row(r->app->db, &r->arena, Q(LOGIN_USER_CONTACT),
	    DB_PARAMS(DBP_INT(r->session->user_id)), &res) != DB_OK)
		return -1;
	target = db_cell(&res, 0, strcmp(channel, "sms") == 0 ? 1 : 0);
	if (target == NULL)
		return code_page(r, 422, "Aucun numéro de téléphone mobile n'est "
		    "enregistré sur votre compte : choisissez l'e-mail.", NULL);
	switch (code_brake_check(r, false)) {
	case CODE_BRAKE_OK:
		break;
	case CODE_BRAKE_LOCKED:
		http_header(r, "Retry-After", "3600");
		return code_page(r, 429, code_brake_msg, NULL);
	default:
		return -1;
	}
	/* The code and its audit row together. */
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	switch (otp_send(r, "login", channel, target, "vous connecter", &wait)) {
	case OTP_OK:
		break;
	case OTP_THROTTLED:
		db_rollback(r->app->db);
		return code_page(r, 429, arena_printf(&r->arena, "Un code vient "
		    "d'être envoyé : attendez %ld secondes avant d'en demander un "
		    "autre.", wait), NULL);
	default:
		db_rollback(r->app->db);
		return -1;
	}
	if (audit(r, "otp.sent", "user", r->session->login, 0, AUDIT_OK,
	    channel) != DB_OK || db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return code_page(r, 200, NULL, strcmp(channel, "sms") == 0 ?
	    "Le code a été envoyé par SMS." : "Le code a été envoyé par e-mail.");
}

static int
code_verify(struct req *r)
{
	const char *code = http_form(r, "code");
	struct db *db = r->app->db;
	enum otp_result res;
	bool locked = false;
	char clean[OTP_DIGITS + 1];
	size_t i, n = 0;

	/* Accept "123 456" as people type it. */
	for (i = 0; code != NULL && code[i] != '\0' && n <= OTP_DIGITS; i++) {
		if (code[i] == ' ')
			continue;
		if (code[i] < '0' || code[i] > '9' || n == OTP_DIGITS) {
			n = OTP_DIGITS + 1;
			break;
		}
		clean[n++] = code[i];
	}
	if (n != OTP_DIGITS)
		return code_page(r, 422, "Saisissez les 6 chiffres du code reçu.", NULL);
	clean[n] = '\0';
	if (db_begin(db) != DB_OK)
		return -1;
	switch (code_brake_check(r, true)) {
	case CODE_BRAKE_OK:
		break;
	case CODE_BRAKE_LOCKED:
		if (audit(r, "otp.refused", "user", r->session->login, 0,
		    AUDIT_DENIED, "compte freiné") != DB_OK || db_commit(db) != DB_OK)
			goto fail;
		http_header(r, "Retry-After", "3600");
		return code_page(r, 429, code_brake_msg, NULL);
	default:
		goto fail;
	}
	switch ((res = otp_verify(r, "login", clean, NULL))) {
	case OTP_OK:
		break;
	case OTP_WRONG:
	case OTP_EXHAUSTED:
		if (code_brake_failed(r, "connexion", &locked) != DB_OK ||
		    audit(r, "otp.failed", "user", r->session->login, 0,
		    AUDIT_DENIED, res == OTP_WRONG ? NULL : "5 essais") != DB_OK ||
		    db_commit(db) != DB_OK)
			goto fail;
		if (locked) {
			http_header(r, "Retry-After", "3600");
			return code_page(r, 429, code_brake_msg, NULL);
		}
		return code_page(r, 401, res == OTP_WRONG ? "Ce code est incorrect. "
		    "Vérifiez-le et réessayez." : "Trop d'essais pour ce code : "
		    "demandez-en un nouveau.", NULL);
	case OTP_EXPIRED:
		db_rollback(db);
		return code_page(r, 401, "Ce code a expiré ou a déjà servi : "
		    "demandez-en un nouveau.", NULL);
	default:
		goto fail;
	}
	/* The level, its attempt row and its audit row together. */
	if (login_attempt_record(r, r->session->user_id, r->session->login, true,
	    "code") != DB_OK || session_set_level(r, AUTH_LEVEL_2) != DB_OK ||
	    audit(r, "login.strong", "user", r->session->login, 0, AUDIT_OK,
	    "niveau 2") != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, next_path(r, suite_param(r)));
fail:
	db_rollback(db);
	return -1;
}

static int
logout(struct req *r)
{
	if (r->session != NULL) {
		/* The session goes with its audit row, or neither does. */
		if (db_begin(r->app->db) != DB_OK)
			return -1;
		if (audit(r, "logout", "user", r->session->login, 0, AUDIT_OK,
		    NULL) != DB_OK || session_end(r) != DB_OK ||
		    db_commit(r->app->db) != DB_OK) {
			db_rollback(r->app->db);
			return -1;
		}
	}
	return http_redirect(r, "/connexion?fin=1");
}

static const struct route login_routes[] = {
	{ "GET",  "/connexion",	      login_get,   ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/connexion",	      login_post,  ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/connexion/code",  code_get,    ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, ROUTE_BEFORE_CGU },
	{ "POST", "/connexion/code",  code_verify, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, ROUTE_BEFORE_CGU },
	{ "POST", "/connexion/envoi", code_send,   ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, ROUTE_BEFORE_CGU },
	{ "POST", "/deconnexion",     logout,	   ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
};

const struct app_area portal_login_area = {
	"login", login_routes, sizeof(login_routes) / sizeof(login_routes[0]),
	login_sql, LOGIN__MAX,
};
