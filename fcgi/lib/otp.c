#include "otp.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "http.h"
#include "libsql.h"
#include "log.h"
#include "outbox.h"

/* HMAC(secret, "otp:<session id>:<purpose>:<code>"): bound to the session
 * and the purpose, so a code never serves elsewhere. */
static void
otp_mac(struct req *r, const char *purpose, const char *code, char *out)
{
	char msg[128];
	int n = snprintf(msg, sizeof(msg), "otp:%lld:%s:%s", r->session->id,
	    purpose, code);

	crypto_hmac_hex(r->app->secret, msg, (size_t)n, out);
}

enum otp_result
otp_send(struct req *r, const char *purpose, const char *channel,
    const char *target, const char *purpose_text, long *wait)
{
	struct db_result res;
	char code[OTP_DIGITS + 1], mac[CRYPTO_SHA256_HEX + 1];
	struct db *db = r->app->db;
	bool own_tx = !db_in_transaction(db);
	long sends, last;
	char *text;

	*wait = 0;
	if (r->session == NULL)
		return OTP_DB_ERROR;
	if (db_query_row(db, &r->arena, DB_LIB(LSQL_OTP_RECENT), DB_PARAMS(
	    DBP_INT(r->session->id), DBP_STR(purpose),
	    DBP_INT(r->now - OTP_TTL_SECONDS)), &res) != DB_OK)
		return OTP_DB_ERROR;
	sends = (long)db_cell_int(&res, 0, 0);
	last = (long)db_cell_int(&res, 0, 1);
	if (sends > 0 && r->now - last < OTP_RESEND_SECONDS) {
		*wait = OTP_RESEND_SECONDS - (r->now - last);
		return OTP_THROTTLED;
	}
	if (sends >= OTP_MAX_SENDS) {
		*wait = OTP_TTL_SECONDS - (r->now - last);
		return OTP_THROTTLED;
	}
	if (crypto_digits(code, OTP_DIGITS) != 0)
		return OTP_DB_ERROR;
	otp_mac(r, purpose, code, mac);
	if (own_tx && db_begin(db) != DB_OK)
		return OTP_DB_ERROR;
	if (db_exec(db, DB_LIB(LSQL_OTP_VOID), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(r->session->id), DBP_STR(purpose)), NULL) != DB_OK ||
	    db_exec(db, DB_LIB(LSQL_OTP_INSERT), DB_PARAMS(DBP_INT(r->session->id),
	    DBP_INT(r->session->user_id), DBP_STR(purpose), DBP_STR(channel),
	    DBP_STR(target), DBP_STR(mac), DBP_INT(r->now + OTP_TTL_SECONDS),
	    DBP_INT(r->now)), NULL) != DB_OK)
		goto fail;
	if (strcmp(channel, "sms") == 0) {
		text = arena_printf(&r->arena, "Parvis : votre code est %s "
		    "(valable 10 minutes). Ne le communiquez à personne.", code);
		if (outbox_sms(db, target, text) != DB_OK)
			goto fail;
	} else {
		text = arena_printf(&r->arena, "Bonjour,\n\n"
		    "Voici votre code à usage unique pour %s :\n\n    %s\n\n"
		    "Il est valable 10 minutes et ne sert qu'une fois.\n"
		    "Ne le communiquez à personne : aucun agent ne vous le demandera.\n"
		    "Si vous n'êtes pas à l'origine de cette demande, changez votre "
		    "mot de passe et prévenez le centre de services.\n\n"
		    "-- \nParvis, services numériques en santé\n", purpose_text, code);
		if (outbox_email(db, target, arena_printf(&r->arena,
		    "Votre code Parvis : %s", code), text) != DB_OK)
			goto fail;
	}
	if (own_tx && db_commit(db) != DB_OK)
		return OTP_DB_ERROR;
	return OTP_OK;
fail:
	if (own_tx)
		db_rollback(db);
	return OTP_DB_ERROR;
}

enum otp_result
otp_verify(struct req *r, const char *purpose, const char *code,
    const char **target)
{
	char mac[CRYPTO_SHA256_HEX + 1];
	struct db_result res;
	struct db *db = r->app->db;
	unsigned long long n = 0;
	long long id, attempts;

	if (r->session == NULL)
		return OTP_DB_ERROR;
	switch (db_query_row(db, &r->arena, DB_LIB(LSQL_OTP_LIVE), DB_PARAMS(
	    DBP_INT(r->session->id), DBP_STR(purpose), DBP_INT(r->now)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return OTP_EXPIRED;
	default:
		return OTP_DB_ERROR;
	}
	id = db_cell_int(&res, 0, 0);
	attempts = db_cell_int(&res, 0, 2);
	if (attempts >= OTP_MAX_ATTEMPTS)
		return OTP_EXHAUSTED;
	otp_mac(r, purpose, code, mac);
	if (!crypto_equal(mac, db_cell(&res, 0, 1))) {
		if (db_exec(db, DB_LIB(LSQL_OTP_FAIL), DB_PARAMS(DBP_INT(id)),
		    NULL) != DB_OK)
			return OTP_DB_ERROR;
		return attempts + 1 >= OTP_MAX_ATTEMPTS ? OTP_EXHAUSTED : OTP_WRONG;
	}
	/* Single use: the update only succeeds once, even under a race. */
	if (db_exec(db, DB_LIB(LSQL_OTP_USE), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(id)), &n) != DB_OK)
		return OTP_DB_ERROR;
	if (n != 1)
		return OTP_EXPIRED;
	if (target != NULL)
		*target = db_cell(&res, 0, 3);
	return OTP_OK;
}

bool
otp_pending(struct req *r, const char *purpose, const char **channel)
{
	struct db_result res;

	if (r->session == NULL)
		return false;
	if (db_query_row(r->app->db, &r->arena, DB_LIB(LSQL_OTP_LIVE), DB_PARAMS(
	    DBP_INT(r->session->id), DBP_STR(purpose), DBP_INT(r->now)),
	    &res) != DB_OK)
		return false;
	if (db_cell_int(&res, 0, 2) >= OTP_MAX_ATTEMPTS)
		return false;
	if (channel != NULL)
		*channel = db_cell(&res, 0, 4);
	return true;
}
