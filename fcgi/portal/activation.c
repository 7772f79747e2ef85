/*
 * Activation (/activation/{token}): the single-use link the service centre
 * sends when it validates a request lets the new user choose a password.
 * Also here, shared with reset.c and support.c: single-use tokens (only
 * their SHA-256 is stored), and the flow of a link that ends by choosing a
 * password (account_link_*, for activation and reset): the form with the
 * rules of pwpolicy beside the field, checked again on the server.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "password.h"
#include "pwpolicy.h"

/* ---- single-use tokens ---- */

enum db_rc
account_token_find(struct req *r, const char *raw, const char *kind, bool lock,
    struct account_token *t)
{
	char hash[CRYPTO_SHA256_HEX + 1];
	struct db_result res;
	enum db_rc rc;

	memset(t, 0, sizeof(*t));
	if (raw == NULL || !crypto_token_valid(raw))
		return DB_NOT_FOUND;
	crypto_sha256_hex(raw, strlen(raw), hash);
	rc = db_query_row(r->app->db, &r->arena,
	    AQ(lock ? ACC_TOKEN_FIND_LOCK : ACC_TOKEN_FIND), DB_PARAMS(
	    DBP_STR(hash), DBP_STR(kind), DBP_INT(r->now)), &res);
	if (rc != DB_OK)
		return rc;
	t->id = db_cell_int(&res, 0, 0);
	t->user_id = db_cell_int(&res, 0, 1);
	t->step = (int)db_cell_int(&res, 0, 2);
	t->attempts = (int)db_cell_int(&res, 0, 3);
	t->login = db_cell(&res, 0, 4);
	t->first_name = db_cell(&res, 0, 5);
	t->last_name = db_cell(&res, 0, 6);
	t->email = db_cell(&res, 0, 7);
	t->question = db_cell(&res, 0, 8);
	t->answer_hash = db_cell(&res, 0, 9);
	if (t->question != NULL && *t->question == '\0')
		t->question = NULL;
	if (t->answer_hash != NULL && *t->answer_hash == '\0')
		t->answer_hash = NULL;
	return DB_OK;
}

enum db_rc
account_token_issue(struct req *r, long long uid, const char *kind, long ttl,
    char *raw, size_t rawlen)
{
	char hash[CRYPTO_SHA256_HEX + 1];
	struct db *db = r->app->db;
	enum db_rc rc;

	if (crypto_token(raw, rawlen) != 0) {
		log_error("no random bytes for a %s token", kind);
		return DB_ERROR;
	}
	crypto_sha256_hex(raw, strlen(raw), hash);
	if ((rc = db_exec(db, AQ(ACC_TOKEN_VOID_USER), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(uid), DBP_STR(kind)), NULL)) != DB_OK)
		return rc;
	return db_exec(db, AQ(ACC_TOKEN_INSERT), DB_PARAMS(DBP_STR(hash),
	    DBP_INT(uid), DBP_STR(kind), DBP_INT(r->now + ttl), DBP_INT(r->now)),
	    NULL);
}

/* ---- the mails of a validated account ---- */

enum db_rc
account_activation_send(struct req *r, long long uid, const char *email,
    const char *first_name, const char *login)
{
	long days = (long)config_int("activation_link_days", 14, 1, 90);
	char raw[CRYPTO_TOKEN_LEN + 1];
	enum db_rc rc;
	char *body;

	if ((rc = account_token_issue(r, uid, "activation", days * 86400L, raw,
	    sizeof(raw))) != DB_OK)
		return rc;
	body = arena_printf(&r->arena,
	    "Bonjour %s,\n\n"
	    "Votre compte Parvis (identifiant : %s) est prêt. Pour choisir votre "
	    "mot de passe, ouvrez ce lien :\n\n%s\n\n"
	    "Il ne sert qu'une fois et reste valable %ld jours, jusqu'au %s. "
	    "Passé ce délai, demandez-en un nouveau au centre de services.\n\n"
	    "Si vous n'avez pas demandé de compte, ignorez ce message.\n"
	    ACCOUNT_MAIL_SIGNATURE, first_name, login,
	    account_url(r, arena_printf(&r->arena, "/activation/%s", raw)), days,
	    http_date_fr(r, r->now + days * 86400L, false));
	return outbox_email(r->app->db, email, "Choisissez votre mot de passe Parvis",
	    body);
}

enum db_rc
account_identifier_send(struct req *r, const char *email, const char *first_name,
    const char *login)
{
	char *body = arena_printf(&r->arena,
	    "Bonjour %s,\n\n"
	    "Votre demande de compte Parvis est acceptée. Votre identifiant est :\n\n"
	    "    %s\n\n"
	    "Vous pourrez aussi vous connecter avec votre adresse e-mail. Un "
	    "second e-mail vous donne le lien pour choisir votre mot de passe ; "
	    "ensuite, connectez-vous ici :\n%s\n"
	    ACCOUNT_MAIL_SIGNATURE, first_name, login, account_url(r, "/connexion"));

	return outbox_email(r->app->db, email, "Votre identifiant Parvis", body);
}

/* ---- the new-password form ---- */

/* Checks the two fields against the policy and the user's personal
 * strings.  Returns true when the password may be set; otherwise fills ctx
 * with the messages. */
static bool
password_check(struct req *r, const struct account_token *t, struct tdict *ctx,
    const char **password)
{
	const char *pw = http_form(r, "mot_de_passe");
	const char *again = http_form(r, "confirmation");
	const char *personal[4];
	struct pwpolicy p;
	struct pw_verdict v;
	struct tlist *msgs, *summary;
	struct tdict *it;
	bool ok = true;
	size_t i;

	personal[0] = t->first_name;
	personal[1] = t->last_name;
	personal[2] = t->login;
	personal[3] = t->email;
	pwpolicy_from_config(&p);
	pwpolicy_check(&p, pw, personal, 4, &v);
	pwpolicy_tdict(ctx, &p, &v);
	summary = tdict_list(ctx, "errors");
	if (v.failed != 0) {
		ok = false;
		msgs = tdict_list(ctx, "password_errors");
		for (i = 0; i < v.nmsg; i++)
			tlist_add_str(msgs, v.msg[i]);
		tdict_bool(ctx, "password_invalid", true);
		it = tlist_add(summary);
		tdict_str(it, "id", "mot_de_passe");
		tdict_str(it, "label", "Nouveau mot de passe");
		tdict_str(it, "message", "il ne respecte pas toutes les règles.");
	} else if (pw == NULL || again == NULL || strcmp(pw, again) != 0) {
		ok = false;
		tdict_str(ctx, "confirmation_error", "Les deux saisies ne sont pas "
		    "identiques : saisissez à nouveau le même mot de passe.");
		it = tlist_add(summary);
		tdict_str(it, "id", "confirmation");
		tdict_str(it, "label", "Confirmation");
		tdict_str(it, "message", "les deux saisies ne sont pas identiques.");
	}
	tdict_int(ctx, "error_count", (long long)tlist_len(summary));
	tdict_bool(ctx, "error_plural", tlist_len(summary) > 1);
	*password = pw;
	return ok;
}

/* Renders the new-password form (template portal/account_password) with
 * the rules beside the field; ctx may already hold messages. */
static int
password_form(struct req *r, int status, struct tdict *ctx,
    const struct account_token *t, bool reset)
{
	struct pwpolicy p;

	if (ctx == NULL) {
		ctx = http_ctx(r);
		pwpolicy_from_config(&p);
		pwpolicy_tdict(ctx, &p, NULL);
	}
	account_no_referrer(r);
	tlist_add_str(tdict_list(ctx, "scripts"), "password-rules.js");
	tdict_str(ctx, "title", reset ? "Choisir un nouveau mot de passe" :
	    "Choisir votre mot de passe");
	tdict_bool(ctx, "reset", reset);
	tdict_str(ctx, "login", t->login);
	tdict_str(ctx, "first_name", t->first_name);
	return http_render(r, status, "portal/account_password", ctx);
}

/* ---- a link that ends by choosing a password (activation, reset) ---- */

int
account_link_find(struct req *r, const struct account_link *l, bool lock,
    struct account_token *t)
{
	switch (account_token_find(r, http_path_param(r, "token"), l->kind, lock,
	    t)) {
	case DB_OK:
		return 1;
	case DB_NOT_FOUND:
		if (lock)
			db_rollback(r->app->db);
		http_error(r, 410, l->dead);
		return 0;
	default:
		return -1;
	}
}

int
account_link_get(struct req *r, const struct account_link *l)
{
	struct account_token t;
	int found;

	if ((found = account_link_find(r, l, false, &t)) != 1)
		return found;
	if (l->pending != NULL && l->pending(&t))
		return l->pending_get(r, &t);
	return password_form(r, 200, NULL, &t, l->reset);
}

int
account_link_post(struct req *r, const struct account_link *l)
{
	struct db *db = r->app->db;
	struct account_token t;
	unsigned long long n = 0;
	struct tdict *ctx;
	const char *pw;
	char hash[256];
	int found;

	if ((found = account_link_find(r, l, false, &t)) != 1)
		return found;
	if (l->pending != NULL && l->pending(&t))
		return l->pending_post(r, l, &t);
	ctx = http_ctx(r);
	if (!password_check(r, &t, ctx, &pw))
		return password_form(r, 422, ctx, &t, l->reset);
	if (password_hash(pw, hash, sizeof(hash)) != 0)
		return -1;

	if (db_begin(db) != DB_OK)
		return -1;
	/* Again under the row lock: a concurrent submission may have used
	 * the link meanwhile. */
	if ((found = account_link_find(r, l, true, &t)) != 1) {
		if (found < 0)
			goto fail;
		return 0;
	}
	if (l->pending != NULL && l->pending(&t)) {
		/* A step added since the page was shown: ask it first. */
		db_rollback(db);
		return http_redirect(r, r->path);
	}
	if (db_exec(db, AQ(ACC_USER_SET_PASSWORD), DB_PARAMS(DBP_STR(hash),
	    DBP_INT(r->now), DBP_INT(t.user_id), DBP_INT(t.user_id)), NULL) != DB_OK ||
	    db_exec(db, AQ(ACC_TOKEN_USE), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(t.id)), &n) != DB_OK || n != 1 ||
	    db_exec(db, AQ(ACC_TOKEN_VOID_USER), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(t.user_id), DBP_STR(l->kind)), NULL) != DB_OK ||
	    (l->changed != NULL && l->changed(r, &t) != DB_OK) ||
	    audit(r, l->audit_action, "user", t.login, 0, AUDIT_OK,
	    l->audit_detail) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, l->done);
fail:
	db_rollback(db);
	return -1;
}

/* ---- /activation/{token} ---- */

static const struct account_link activation_link = {
	.kind = "activation",
	.reset = false,
	.dead = "Ce lien a expiré ou a déjà servi : demandez-en un nouveau au "
	    "centre de services.",
	.audit_action = "user.activate",
	.audit_detail = "mot de passe choisi",
	.done = "/connexion?active=1",
};

int
activation_get(struct req *r)
{
	return account_link_get(r, &activation_link);
}

int
activation_post(struct req *r)
{
	return account_link_post(r, &activation_link);
}
