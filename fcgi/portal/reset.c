/*
 * Forgotten password: /mot-de-passe/oubli sends a single-use link valid one
 * hour; the answer is always the same page, whether an account matched or
 * not (throttled per account and per address).  The link asks the secret
 * question first when the user has set one (5 wrong answers void it),
 * then a new password; success ends every session of the user and tells
 * them by mail.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "libsql.h"
#include "log.h"
#include "outbox.h"
#include "password.h"
#include "textfold.h"

#define RESET_TTL		3600	/* seconds a link lives */
#define RESET_PER_ACCOUNT	3	/* mails per account per hour */
#define ANSWER_ATTEMPTS		5	/* wrong secret answers voiding a link */

static const char msg_answers_exhausted[] = "Trop de réponses erronées : "
    "ce lien n'est plus valable. Faites une nouvelle demande depuis "
    "« Mot de passe oublié », ou contactez le centre de services.";

/* ---- /mot-de-passe/oubli ---- */

static const struct account_field forgot_fields[] = {
	{ "identifiant", "Identifiant ou adresse e-mail", valid_text, 1, 254, false },
};

static int
forgot_form(struct req *r, int status, const char **values, const char **errors,
    const char *error)
{
	struct tdict *ctx = http_ctx(r);

	tdict_str(ctx, "title", "Mot de passe oublié");
	tdict_bool(ctx, "sent", status == 200 && http_query(r, "envoye") != NULL);
	account_form_ctx(r, ctx, forgot_fields, 1, values, errors);
	tdict_str(ctx, "error", error);
	return http_render(r, status, "portal/account_forgot", ctx);
}

int
reset_request_get(struct req *r)
{
	return forgot_form(r, 200, NULL, NULL, NULL);
}

static enum db_rc
mail_reset_link(struct req *r, const char *email, const char *first_name,
    const char *raw)
{
	char *body = arena_printf(&r->arena,
	    "Bonjour %s,\n\n"
	    "Une réinitialisation du mot de passe de votre compte Parvis a été "
	    "demandée. Pour choisir un nouveau mot de passe, ouvrez ce lien :\n\n"
	    "%s\n\n"
	    "Il ne sert qu'une fois et reste valable une heure.\n\n"
	    "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe "
	    "actuel reste valable.\n" ACCOUNT_MAIL_SIGNATURE, first_name,
	    account_url(r, arena_printf(&r->arena, "/mot-de-passe/reinitialiser/%s",
	    raw)));

	return outbox_email(r->app->db, email,
	    "Réinitialisation de votre mot de passe Parvis", body);
}

int
reset_request_post(struct req *r)
{
	const char *values[1], *errors[1];
	struct db *db = r->app->db;
	struct db_result res, user;
	long long sent, limit = config_int("reset_ip_hourly", 20, 1, 100000);
	char raw[CRYPTO_TOKEN_LEN + 1];
	long long uid = 0;
	const char *login = NULL;
	enum db_rc rc;

	if (account_form_read(r, forgot_fields, 1, false, values, errors) > 0)
		return forgot_form(r, 422, values, errors, NULL);
	/* Per address: the same for every identifier, so it tells nothing. */
	if (account_throttle_count(r, "reset", &sent) != DB_OK)
		return -1;
	if (sent >= limit) {
		http_header(r, "Retry-After", "3600");
		return forgot_form(r, 429, values, NULL, "Trop de demandes ont été "
		    "faites depuis votre connexion : réessayez dans une heure.");
	}

	if (db_begin(db) != DB_OK)
		return -1;
	if (account_throttle_add(r, "reset") != DB_OK)
		goto fail;
	rc = db_query_row(db, &r->arena, AQ(ACC_RESET_USER_FIND), DB_PARAMS(
	    DBP_STR(values[0]), DBP_STR(values[0]), DBP_STR(values[0])), &user);
	if (rc == DB_OK && strcmp(db_cell(&user, 0, 4), "active") == 0) {
		uid = db_cell_int(&user, 0, 0);
		login = db_cell(&user, 0, 1);
	} else if (rc != DB_OK && rc != DB_NOT_FOUND)
		goto fail;

	if (uid == 0) {
		if (audit(r, "password.reset_request", "user", NULL, 0, AUDIT_DENIED,
		    "aucun compte actif") != DB_OK)
			goto fail;
	} else {
		if (db_query_row(db, &r->arena, AQ(ACC_TOKEN_RECENT), DB_PARAMS(
		    DBP_INT(uid), DBP_STR("reset"), DBP_INT(r->now - 3600)),
		    &res) != DB_OK)
			goto fail;
		if (db_cell_int(&res, 0, 0) >= RESET_PER_ACCOUNT) {
			if (audit(r, "password.reset_request", "user", login, 0,
			    AUDIT_DENIED, "limite de 3 e-mails par heure") != DB_OK)
				goto fail;
		} else if (account_token_issue(r, uid, "reset", RESET_TTL, raw,
		    sizeof(raw)) != DB_OK ||
		    mail_reset_link(r, db_cell(&user, 0, 2), db_cell(&user, 0, 3),
		    raw) != DB_OK ||
		    audit(r, "password.reset_request", "user", login, 0, AUDIT_OK,
		    "lien envoyé") != DB_OK)
			goto fail;
	}
	if (db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, "/mot-de-passe/oubli?envoye=1");
fail:
	db_rollback(db);
	return -1;
}

/* ---- /mot-de-passe/reinitialiser/{token} ---- */

static int
question_form(struct req *r, int status, const struct account_token *t,
    const char *error)
{
	struct tdict *ctx = http_ctx(r);

	account_no_referrer(r);
	tdict_str(ctx, "title", "Question secrète");
	tdict_str(ctx, "question", t->question);
	tdict_str(ctx, "reponse_error", error);
	if (error != NULL) {
		struct tdict *it = tlist_add(tdict_list(ctx, "errors"));

		tdict_str(it, "id", "reponse");
		tdict_str(it, "label", "Réponse");
		tdict_str(it, "message", error);
		tdict_int(ctx, "error_count", 1);
	}
	return http_render(r, status, "portal/account_question", ctx);
}

/* The secret question comes first when the user has set one. */
static bool
question_pending(const struct account_token *t)
{
	return t->question != NULL && t->answer_hash != NULL && t->step == 0;
}

static int
question_get(struct req *r, const struct account_token *t)
{
	return question_form(r, 200, t, NULL);
}

/* The answer as settings.c hashes it (secret_answer_normalise), from the
 * arena; NULL for invalid UTF-8.  The result is never longer than s. */
static const char *
answer_normalise(struct req *r, const char *s)
{
	size_t n = strlen(s) + 1;
	char *out = arena_alloc(&r->arena, n);

	return secret_answer_normalise(s, out, n) < 0 ? NULL : out;
}

/* Returns true when the answer matches: normalised as settings.c stores
 * it, or else exactly as typed (a hash made by other means). */
static bool
answer_matches(struct req *r, const char *hash, const char *answer)
{
	const char *norm = answer_normalise(r, answer);

	if (norm != NULL && *norm != '\0' && password_verify(hash, norm))
		return true;
	return (norm == NULL || strcmp(norm, answer) != 0) &&
	    password_verify(hash, answer);
}

static int
answer_post(struct req *r, const struct account_link *l, struct account_token *t)
{
	const char *answer = http_form(r, "reponse");
	struct db *db = r->app->db;
	bool ok;

	if (answer == NULL || valid_text(answer, 1, 400) != NULL ||
	    strspn(answer, " \t") == strlen(answer))
		return question_form(r, 422, t, "Saisissez la réponse à votre "
		    "question secrète.");
	ok = answer_matches(r, t->answer_hash, answer);

	if (db_begin(db) != DB_OK)
		return -1;
	switch (account_link_find(r, l, true, t)) {
	case 1:
		break;
	case 0:
		return 0;
	default:
		goto fail;
	}
	if (ok) {
		if (db_exec(db, AQ(ACC_TOKEN_STEP), DB_PARAMS(DBP_INT(t->id)),
		    NULL) != DB_OK ||
		    audit(r, "password.reset_answer", "user", t->login, 0, AUDIT_OK,
		    NULL) != DB_OK || db_commit(db) != DB_OK)
			goto fail;
		return http_redirect(r, r->path);
	}
	if (db_exec(db, AQ(ACC_TOKEN_FAIL), DB_PARAMS(DBP_INT(ANSWER_ATTEMPTS),
	    DBP_INT(r->now), DBP_INT(t->id)), NULL) != DB_OK ||
	    audit(r, "password.reset_answer", "user", t->login, 0, AUDIT_DENIED,
	    t->attempts + 1 >= ANSWER_ATTEMPTS ? "lien annulé" : NULL) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	if (t->attempts + 1 >= ANSWER_ATTEMPTS)
		return http_error(r, 410, msg_answers_exhausted);
	return question_form(r, 401, t, arena_printf(&r->arena, "Cette réponse ne "
	    "correspond pas à celle que vous avez enregistrée. Il vous reste %d "
	    "essai%s.", ANSWER_ATTEMPTS - t->attempts - 1,
	    ANSWER_ATTEMPTS - t->attempts - 1 > 1 ? "s" : ""));
fail:
	db_rollback(db);
	return -1;
}

static enum db_rc
mail_changed(struct req *r, const struct account_token *t)
{
	char *body = arena_printf(&r->arena,
	    "Bonjour %s,\n\n"
	    "Le mot de passe de votre compte Parvis (identifiant : %s) vient "
	    "d'être changé, le %s, avec un lien « Mot de passe oublié ». Toutes "
	    "les sessions ouvertes avec votre compte ont été fermées.\n\n"
	    "Si ce n'est pas vous, contactez le centre de services sans "
	    "attendre.\n" ACCOUNT_MAIL_SIGNATURE, t->first_name, t->login,
	    http_date_fr(r, r->now, true));

	return outbox_email(r->app->db, t->email,
	    "Votre mot de passe Parvis a été changé", body);
}

/* With the new password: every session of the user ends, and they are
 * told by mail. */
static enum db_rc
reset_changed(struct req *r, const struct account_token *t)
{
	enum db_rc rc;

	if ((rc = db_exec(r->app->db, DB_LIB(LSQL_SESSION_DELETE_USER), DB_PARAMS(
	    DBP_INT(t->user_id)), NULL)) != DB_OK)
		return rc;
	return mail_changed(r, t);
}

static const struct account_link reset_link = {
	.kind = "reset",
	.reset = true,
	.dead = "Ce lien a expiré ou a déjà servi : faites une nouvelle demande "
	    "depuis « Mot de passe oublié ».",
	.audit_action = "password.reset",
	.audit_detail = "sessions fermées",
	.done = "/connexion?reinitialise=1",
	.pending = question_pending,
	.pending_get = question_get,
	.pending_post = answer_post,
	.changed = reset_changed,
};

int
reset_link_get(struct req *r)
{
	return account_link_get(r, &reset_link);
}

int
reset_link_post(struct req *r)
{
	return account_link_post(r, &reset_link);
}
