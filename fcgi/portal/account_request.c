/*
 * Account requests (/compte/demande): anyone may ask for an account, and a
 * structure's referent may ask for colleagues; the service centre
 * (support.c) then validates or refuses the request.  The page and the
 * mails never tell whether an account or a request already exists for the
 * address: a duplicate gets the same page, and the mail to that address
 * says what exists.
 *
 * The acknowledgement carries a private link to /compte/demande/suivi/{token},
 * where the requester (and the referent, who gets the same link) sees
 * where the request stands: received, being examined, validated or
 * refused with the reason.  Only the token's SHA-256 is stored
 * (account_request.track_hash); the link dies request_status_days after
 * the decision.
 *
 * This file owns the whole PA_ACCOUNT area: the routes of activation.c
 * and reset.c, and the statement table they share (account.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "audit.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "portal.h"
#include "valid.h"

#define TOKEN_COLUMNS \
	"SELECT t.id, t.user_id, t.step, t.attempts, u.login, u.first_name," \
	" u.last_name, u.email, u.secret_question, u.secret_answer_hash" \
	" FROM user_token t JOIN app_user u ON u.id = t.user_id" \
	" WHERE t.token_hash = ? AND t.kind = ? AND t.used_at IS NULL" \
	" AND t.expires_at > FROM_UNIXTIME(?) AND u.status = 'active'"

static const char *const account_sql[ACC__MAX] = {
	[ACC_USER_BY_EMAIL] =
	    "SELECT id, login, status FROM app_user WHERE email = ?",
	[ACC_REQUEST_PENDING_BY_EMAIL] =
	    "SELECT id FROM account_request WHERE email = ? AND status = 'pending'"
	    " LIMIT 1",
	[ACC_REQUEST_INSERT] =
	    "INSERT INTO account_request (civility, first_name, last_name,"
	    " profession, rpps_adeli, structure, email, mobile, requested_by,"
	    " status, ip, track_hash, created_at, updated_at, updated_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, FROM_UNIXTIME(?),"
	    " FROM_UNIXTIME(?), ?)",
	[ACC_THROTTLE_COUNT] =
	    "SELECT COUNT(*) FROM account_throttle WHERE kind = ? AND ip = ?"
	    " AND at >= FROM_UNIXTIME(?)",
	[ACC_THROTTLE_INSERT] =
	    "INSERT INTO account_throttle (at, ip, kind) VALUES (FROM_UNIXTIME(?), ?, ?)",
	[ACC_THROTTLE_PURGE] =
	    "DELETE FROM account_throttle WHERE kind = ? AND ip = ?"
	    " AND at < FROM_UNIXTIME(?)",
	[ACC_TOKEN_FIND] = TOKEN_COLUMNS,
	[ACC_TOKEN_FIND_LOCK] = TOKEN_COLUMNS " FOR UPDATE",
	[ACC_TOKEN_INSERT] =
	    "INSERT INTO user_token (token_hash, user_id, kind, expires_at, created_at)"
	    " VALUES (?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
	[ACC_TOKEN_USE] =
	    "UPDATE user_token SET used_at = FROM_UNIXTIME(?)"
	    " WHERE id = ? AND used_at IS NULL",
	[ACC_TOKEN_VOID_USER] =
	    "UPDATE user_token SET used_at = FROM_UNIXTIME(?)"
	    " WHERE user_id = ? AND kind = ? AND used_at IS NULL",
	/* MariaDB assigns left to right: used_at reads the old attempts. */
	[ACC_TOKEN_FAIL] =
	    "UPDATE user_token SET used_at = IF(attempts + 1 >= ?, FROM_UNIXTIME(?),"
	    " used_at), attempts = attempts + 1 WHERE id = ?",
	[ACC_TOKEN_STEP] =
	    "UPDATE user_token SET step = 1 WHERE id = ?",
	[ACC_TOKEN_RECENT] =
	    "SELECT COUNT(*) FROM user_token WHERE user_id = ? AND kind = ?"
	    " AND created_at >= FROM_UNIXTIME(?)",
	[ACC_USER_SET_PASSWORD] =
	    "UPDATE app_user SET password_hash = ?, password_changed_at = FROM_UNIXTIME(?),"
	    " failed_logins = 0, locked_until = NULL, updated_by = ? WHERE id = ?",
	[ACC_RESET_USER_FIND] =
	    "SELECT id, login, email, first_name, status FROM app_user"
	    " WHERE login = ? OR email = ? ORDER BY login = ? DESC LIMIT 1",
	/* A request from its tracking link: while pending, then until
	 * request_status_days after the decision (a row written by hand
	 * without handled_at counts from its last change). */
	[ACC_REQUEST_TRACK] =
	    "SELECT r.civility, r.first_name, r.last_name, r.status,"
	    " r.refusal_reason, UNIX_TIMESTAMP(r.created_at),"
	    " UNIX_TIMESTAMP(COALESCE(r.handled_at, r.updated_at)),"
	    " r.requested_by IS NOT NULL, COALESCE(u.status, ''),"
	    " COALESCE(u.password_hash IS NOT NULL, 0),"
	    " COALESCE((SELECT UNIX_TIMESTAMP(MAX(t.expires_at)) FROM user_token t"
	    " WHERE t.user_id = r.user_id AND t.kind = 'activation'"
	    " AND t.used_at IS NULL AND t.expires_at > FROM_UNIXTIME(?)), 0)"
	    " FROM account_request r LEFT JOIN app_user u ON u.id = r.user_id"
	    " WHERE r.track_hash = ? AND (r.status = 'pending'"
	    " OR COALESCE(r.handled_at, r.updated_at) > FROM_UNIXTIME(?))",
};

/* ---- shared helpers (account.h) ---- */

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t
account_form_read(struct req *r, const struct account_field *f, size_t n,
    bool query, const char **values, const char **errors)
{
	size_t i, nerr = 0, len;
	const char *s;

	for (i = 0; i < n; i++) {
		s = query ? http_query(r, f[i].name) : http_form(r, f[i].name);
		values[i] = NULL;
		errors[i] = NULL;
		if (s != NULL) {
			while (is_blank(*s))
				s++;
			len = strlen(s);
			while (len > 0 && is_blank(s[len - 1]))
				len--;
			if (len > 0)
				values[i] = arena_strndup(&r->arena, s, len);
		}
		if (values[i] == NULL && f[i].optional)
			continue;
		if ((errors[i] = f[i].valid(values[i], f[i].min, f[i].max)) != NULL)
			nerr++;
	}
	return nerr;
}

void
account_form_ctx(struct req *r, struct tdict *ctx, const struct account_field *f,
    size_t n, const char **values, const char **errors)
{
	struct tlist *summary = tdict_list(ctx, "errors");
	struct tdict *it;
	size_t i;

	for (i = 0; i < n; i++) {
		if (values != NULL)
			tdict_str(ctx, f[i].name, values[i]);
		if (errors == NULL || errors[i] == NULL)
			continue;
		tdict_str(ctx, arena_printf(&r->arena, "%s_error", f[i].name), errors[i]);
		it = tlist_add(summary);
		tdict_str(it, "id", f[i].name);
		tdict_str(it, "label", f[i].label);
		tdict_str(it, "message", errors[i]);
	}
	tdict_int(ctx, "error_count", (long long)tlist_len(summary));
	tdict_bool(ctx, "error_plural", tlist_len(summary) > 1);
}

enum db_rc
account_throttle_count(struct req *r, const char *kind, long long *n)
{
	const char *ip = r->remote_addr ? r->remote_addr : "-";
	struct db_result res;
	enum db_rc rc;

	*n = 0;
	if ((rc = db_exec(r->app->db, AQ(ACC_THROTTLE_PURGE), DB_PARAMS(
	    DBP_STR(kind), DBP_STR(ip), DBP_INT(r->now - 3600)), NULL)) != DB_OK)
		return rc;
	if ((rc = db_query_row(r->app->db, &r->arena, AQ(ACC_THROTTLE_COUNT),
	    DB_PARAMS(DBP_STR(kind), DBP_STR(ip), DBP_INT(r->now - 3600)),
	    &res)) != DB_OK)
		return rc;
	*n = db_cell_int(&res, 0, 0);
	return DB_OK;
}

enum db_rc
account_throttle_add(struct req *r, const char *kind)
{
	return db_exec(r->app->db, AQ(ACC_THROTTLE_INSERT), DB_PARAMS(
	    DBP_INT(r->now), DBP_STR(r->remote_addr ? r->remote_addr : "-"),
	    DBP_STR(kind)), NULL);
}

void
account_no_referrer(struct req *r)
{
	/* After the site-wide same-origin policy: the last one applies. */
	http_header(r, "Referrer-Policy", "no-referrer");
}

const char *
account_url(struct req *r, const char *path)
{
	const char *base = r->app->public_url != NULL ? r->app->public_url :
	    config_str("public_url", "");
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return arena_printf(&r->arena, "%.*s%s", (int)n, base, path);
}

const char *
account_like(struct req *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_putc(&b, '%');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '!')
			buf_putc(&b, '!');
		buf_putc(&b, *s);
	}
	buf_putc(&b, '%');
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* ---- the request form ---- */

static const char msg_civility[] = "Choisissez une civilité.";
static const char msg_number[] = "Le numéro RPPS compte 11 chiffres, le "
    "numéro ADELI 9 : vérifiez-le (ou laissez le champ vide si vous n'en "
    "avez pas).";

static const char *
valid_civility(const char *s, long long min, long long max)
{
	static const char *const allowed[] = { "M", "Mme", NULL };

	(void)min;
	(void)max;
	return valid_enum(s, allowed) == NULL ? NULL : msg_civility;
}

/* Spaces between the digits are allowed; they are removed before storing. */
static char *
digits_only(struct req *r, const char *s)
{
	char *out = arena_strdup(&r->arena, s), *w = out;

	for (; *s != '\0'; s++)
		if (*s != ' ')
			*w++ = *s;
	*w = '\0';
	return out;
}

static const char *
valid_rpps_adeli(const char *s, long long min, long long max)
{
	char d[16];
	size_t n = 0;

	(void)min;
	(void)max;
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (*s < '0' || *s > '9' || n >= sizeof(d) - 1)
			return msg_number;
		d[n++] = *s;
	}
	d[n] = '\0';
	if (n == 11)
		return valid_rpps(d, 0, 0);
	if (n == 9)
		return valid_adeli(d, 0, 0);
	return msg_number;
}

enum { F_CIVILITY, F_FIRST, F_LAST, F_PROFESSION, F_NUMBER, F_STRUCTURE,
    F_EMAIL, F_MOBILE, F__COUNT };

static const struct account_field request_fields[F__COUNT] = {
	[F_CIVILITY] = { "civilite", "Civilité", valid_civility, 0, 0, false },
	[F_FIRST] = { "prenom", "Prénom", valid_text, 1, 100, false },
	[F_LAST] = { "nom", "Nom", valid_text, 1, 100, false },
	[F_PROFESSION] = { "profession", "Profession", valid_text, 2, 100, false },
	[F_NUMBER] = { "rpps_adeli", "Numéro RPPS ou ADELI", valid_rpps_adeli, 0, 0, true },
	[F_STRUCTURE] = { "structure", "Structure d'exercice", valid_text, 2, 200, false },
	[F_EMAIL] = { "email", "Adresse e-mail", valid_email, 0, 0, false },
	[F_MOBILE] = { "mobile", "Téléphone mobile", valid_mobile_fr, 0, 0, false },
};

/* A structure's referent asks for a colleague. */
static bool
for_colleague(struct req *r)
{
	return r->session != NULL && req_has_role(r, "referent");
}

static int
request_form(struct req *r, int status, const char **values, const char **errors,
    const char *error)
{
	struct tdict *ctx = http_ctx(r);
	bool colleague = for_colleague(r);

	tdict_str(ctx, "title", colleague ? "Demander un compte pour un collègue" :
	    "Demander un compte");
	tdict_bool(ctx, "colleague", colleague);
	account_form_ctx(r, ctx, request_fields, F__COUNT, values, errors);
	if (values != NULL && values[F_CIVILITY] != NULL) {
		tdict_bool(ctx, "civ_m", strcmp(values[F_CIVILITY], "M") == 0);
		tdict_bool(ctx, "civ_mme", strcmp(values[F_CIVILITY], "Mme") == 0);
	}
	tdict_str(ctx, "error", error);
	return http_render(r, status, "portal/account_request", ctx);
}

static int
request_get(struct req *r)
{
	return request_form(r, 200, NULL, NULL, NULL);
}

static long
activation_days(void)
{
	return (long)config_int("activation_link_days", 14, 1, 90);
}

/* Days a tracking link keeps working after the service centre's decision. */
static long
track_days(void)
{
	return (long)config_int("request_status_days", 90, 1, 3650);
}

/* The tracking link of a request, absolute, with the rule of its life. */
static const char *
track_paragraph(struct req *r, const char *track_url)
{
	return arena_printf(&r->arena,
	    "Pour suivre l'avancement de la demande, ouvrez ce lien personnel "
	    "(ne le transmettez pas) :\n%s\n"
	    "Il reste valable %ld jours après la décision du centre de "
	    "services.\n", track_url, track_days());
}

/* The acknowledgement of a new request.  Nothing the visitor typed goes
 * into a mail to an address not yet proven (no free text to strangers). */
static enum db_rc
mail_ack(struct req *r, const char *to, bool colleague, const char *track_url)
{
	const char *track = track_paragraph(r, track_url);
	char *body;

	if (colleague)
		body = arena_printf(&r->arena,
		    "Bonjour,\n\n"
		    "%s %s, référent de votre structure, a demandé pour vous un compte "
		    "sur Parvis, la plateforme régionale de services numériques en "
		    "santé.\n\n"
		    "Le centre de services va vérifier cette demande, en général sous "
		    "4 à 7 jours ouvrés. Si elle est acceptée, vous recevrez deux "
		    "e-mails : le premier avec votre identifiant, le second avec un "
		    "lien pour choisir votre mot de passe (valable %ld jours).\n\n"
		    "%s\n"
		    "Si vous ne souhaitez pas de compte, signalez-le au centre de "
		    "services.\n" ACCOUNT_MAIL_SIGNATURE,
		    r->session->first_name, r->session->last_name, activation_days(),
		    track);
	else
		body = arena_printf(&r->arena,
		    "Bonjour,\n\n"
		    "Nous avons bien reçu votre demande de compte sur Parvis, la "
		    "plateforme régionale de services numériques en santé.\n\n"
		    "Le centre de services va la vérifier, en général sous 4 à 7 jours "
		    "ouvrés. Si elle est acceptée, vous recevrez deux e-mails : le "
		    "premier avec votre identifiant, le second avec un lien pour "
		    "choisir votre mot de passe (valable %ld jours).\n\n"
		    "%s\n"
		    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce "
		    "message.\n" ACCOUNT_MAIL_SIGNATURE, activation_days(), track);
	return outbox_email(r->app->db, to, "Votre demande de compte Parvis", body);
}

/* The address already has an account (login != NULL) or a pending
 * request: tell its owner, and only its owner. */
static enum db_rc
mail_already(struct req *r, const char *to, const char *login, const char *status)
{
	char *body;

	if (login == NULL)
		body = arena_printf(&r->arena,
		    "Bonjour,\n\n"
		    "Une demande de compte Parvis vient d'être faite avec cette adresse "
		    "e-mail. Une demande est déjà en cours d'examen pour cette "
		    "adresse : le centre de services la traite, en général sous 4 à 7 "
		    "jours ouvrés. Inutile d'en faire une nouvelle : le lien de suivi "
		    "du premier e-mail reçu pour cette demande montre où elle en "
		    "est.\n\n"
		    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce "
		    "message.\n" ACCOUNT_MAIL_SIGNATURE);
	else if (strcmp(status, "disabled") == 0)
		body = arena_printf(&r->arena,
		    "Bonjour,\n\n"
		    "Une demande de compte Parvis vient d'être faite avec cette adresse "
		    "e-mail. Un compte existe déjà pour cette adresse (identifiant : "
		    "%s), mais il est désactivé : contactez le centre de services pour "
		    "le réactiver.\n\n"
		    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce "
		    "message.\n" ACCOUNT_MAIL_SIGNATURE, login);
	else
		body = arena_printf(&r->arena,
		    "Bonjour,\n\n"
		    "Une demande de compte Parvis vient d'être faite avec cette adresse "
		    "e-mail. Un compte existe déjà pour cette adresse : votre "
		    "identifiant est %s.\n\n"
		    "Si vous avez oublié votre mot de passe, choisissez-en un nouveau "
		    "ici :\n%s\n\n"
		    "Si vous n'êtes pas à l'origine de cette demande, ignorez ce "
		    "message.\n" ACCOUNT_MAIL_SIGNATURE, login,
		    account_url(r, "/mot-de-passe/oubli"));
	return outbox_email(r->app->db, to, "Votre demande de compte Parvis", body);
}

/* The referent's own copy, with the request's tracking link when a request
 * was made (track_url; NULL when the address already had an account or a
 * request). */
static enum db_rc
mail_referent(struct req *r, const char *first, const char *last,
    const char *track_url)
{
	char *body = arena_printf(&r->arena,
	    "Bonjour %s,\n\n"
	    "Votre demande de compte Parvis pour %s %s est bien enregistrée.\n\n"
	    "Le centre de services va la vérifier, en général sous 4 à 7 jours "
	    "ouvrés. Votre collègue recevra alors directement son identifiant et "
	    "un lien pour choisir son mot de passe.\n%s%s"
	    ACCOUNT_MAIL_SIGNATURE, r->session->first_name, first, last,
	    track_url != NULL ? "\n" : "",
	    track_url != NULL ? track_paragraph(r, track_url) : "");

	return outbox_email(r->app->db, r->session->email,
	    "Demande de compte pour un collègue", body);
}

static int
request_post(struct req *r)
{
	const char *values[F__COUNT], *errors[F__COUNT];
	const char *ip = r->remote_addr ? r->remote_addr : "-";
	struct db *db = r->app->db;
	struct db_result found;
	bool colleague = for_colleague(r);
	long long sent, limit = config_int("account_request_ip_hourly", 20, 1, 100000);
	char *mobile, *number = NULL;
	const char *login = NULL, *status = NULL, *track_url = NULL;
	char raw[CRYPTO_TOKEN_LEN + 1], hash[CRYPTO_SHA256_HEX + 1];
	bool exists = false;
	char id[24];

	if (account_form_read(r, request_fields, F__COUNT, false, values, errors) > 0)
		return request_form(r, 422, values, errors, NULL);
	mobile = valid_phone_normalise(arena_strdup(&r->arena, values[F_MOBILE]));
	if (values[F_NUMBER] != NULL)
		number = digits_only(r, values[F_NUMBER]);

	if (account_throttle_count(r, "request", &sent) != DB_OK)
		return -1;
	if (sent >= limit) {
		http_header(r, "Retry-After", "3600");
		return request_form(r, 429, values, NULL, "Trop de demandes ont été "
		    "faites depuis votre connexion : réessayez dans une heure.");
	}

	if (db_begin(db) != DB_OK)
		return -1;
	if (account_throttle_add(r, "request") != DB_OK)
		goto fail;
	switch (db_query_row(db, &r->arena, AQ(ACC_USER_BY_EMAIL), DB_PARAMS(
	    DBP_STR(values[F_EMAIL])), &found)) {
	case DB_OK:
		exists = true;
		login = db_cell(&found, 0, 1);
		status = db_cell(&found, 0, 2);
		break;
	case DB_NOT_FOUND:
		break;
	default:
		goto fail;
	}
	if (!exists) {
		switch (db_query_row(db, &r->arena, AQ(ACC_REQUEST_PENDING_BY_EMAIL),
		    DB_PARAMS(DBP_STR(values[F_EMAIL])), &found)) {
		case DB_OK:
			exists = true;
			break;
		case DB_NOT_FOUND:
			break;
		default:
			goto fail;
		}
	}
	if (exists) {
		if (mail_already(r, values[F_EMAIL], login, status) != DB_OK ||
		    audit(r, "account_request.duplicate", "account_request", NULL, 0,
		    AUDIT_DENIED, login != NULL ? "compte existant" :
		    "demande en cours") != DB_OK)
			goto fail;
	} else {
		/* The tracking link: only its hash is stored. */
		if (crypto_token(raw, sizeof(raw)) != 0) {
			log_error("no random bytes for a request's tracking link");
			goto fail;
		}
		crypto_sha256_hex(raw, strlen(raw), hash);
		track_url = account_url(r, arena_printf(&r->arena,
		    "/compte/demande/suivi/%s", raw));
		if (db_exec(db, AQ(ACC_REQUEST_INSERT), DB_PARAMS(
		    DBP_STR(values[F_CIVILITY]), DBP_STR(values[F_FIRST]),
		    DBP_STR(values[F_LAST]), DBP_STR(values[F_PROFESSION]),
		    DBP_STR(number), DBP_STR(values[F_STRUCTURE]),
		    DBP_STR(values[F_EMAIL]), DBP_STR(mobile),
		    colleague ? DBP_INT(r->session->user_id) : DBP_NULL,
		    DBP_STR(ip), DBP_STR(hash), DBP_INT(r->now), DBP_INT(r->now),
		    r->session != NULL ? DBP_INT(r->session->user_id) : DBP_NULL),
		    NULL) != DB_OK)
			goto fail;
		snprintf(id, sizeof(id), "%llu", db_insert_id(db));
		if (mail_ack(r, values[F_EMAIL], colleague, track_url) != DB_OK ||
		    audit(r, "account_request.create", "account_request", id, 0,
		    AUDIT_OK, colleague ? "pour un collègue" : NULL) != DB_OK)
			goto fail;
	}
	if (colleague && mail_referent(r, values[F_FIRST], values[F_LAST],
	    track_url) != DB_OK)
		goto fail;
	if (db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, colleague ? "/compte/demande/envoyee?collegue=1" :
	    "/compte/demande/envoyee");
fail:
	db_rollback(db);
	return -1;
}

static int
request_sent(struct req *r)
{
	struct tdict *ctx = http_ctx(r);

	tdict_str(ctx, "title", "Demande de compte envoyée");
	tdict_bool(ctx, "colleague", http_query(r, "collegue") != NULL);
	tdict_int(ctx, "days", activation_days());
	tdict_int(ctx, "track_days", track_days());
	return http_render(r, 200, "portal/account_request_sent", ctx);
}

/* ---- /compte/demande/suivi/{token}: where a request stands ---- */

/* The service centre's contact, from the configuration (each line shown
 * only when set). */
static void
contact_ctx(struct tdict *ctx)
{
	static const char *const keys[] = { "service_centre_email",
	    "service_centre_phone", "service_centre_hours" };
	static const char *const names[] = { "contact_email", "contact_phone",
	    "contact_hours" };
	const char *v;
	bool any = false;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = config_str(keys[i], "");
		if (v != NULL && *v != '\0') {
			tdict_str(ctx, names[i], v);
			any = true;
		}
	}
	tdict_bool(ctx, "contact", any);
}

static int
request_status(struct req *r)
{
	const char *raw = http_path_param(r, "token");
	char hash[CRYPTO_SHA256_HEX + 1];
	struct db_result res;
	struct tdict *ctx;
	const char *status, *account;
	time_t decided;
	long long link_until;

	/* A private link: not sent on in Referer, not indexed. */
	account_no_referrer(r);
	http_header(r, "X-Robots-Tag", "noindex");
	if (raw == NULL || !crypto_token_valid(raw))
		goto unknown;
	crypto_sha256_hex(raw, strlen(raw), hash);
	switch (db_query_row(r->app->db, &r->arena, AQ(ACC_REQUEST_TRACK),
	    DB_PARAMS(DBP_INT(r->now), DBP_STR(hash),
	    DBP_INT(r->now - track_days() * 86400L)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		goto unknown;
	default:
		return -1;
	}
	status = db_cell(&res, 0, 3);
	decided = (time_t)db_cell_int(&res, 0, 6);
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Suivi de la demande de compte");
	tdict_str(ctx, "civility", db_cell(&res, 0, 0));
	tdict_str(ctx, "first_name", db_cell(&res, 0, 1));
	tdict_str(ctx, "last_name", db_cell(&res, 0, 2));
	tdict_str(ctx, "received", http_date_fr(r,
	    (time_t)db_cell_int(&res, 0, 5), true));
	tdict_bool(ctx, "colleague", db_cell_int(&res, 0, 7) != 0);
	tdict_int(ctx, "track_days", track_days());
	if (strcmp(status, "pending") == 0) {
		tdict_bool(ctx, "pending", true);
	} else if (strcmp(status, "validated") == 0) {
		tdict_bool(ctx, "validated", true);
		tdict_str(ctx, "decided", http_date_fr(r, decided, false));
		link_until = db_cell_int(&res, 0, 10);
		account = db_cell(&res, 0, 8);
		if (strcmp(account, "disabled") == 0)
			tdict_bool(ctx, "account_closed", true);
		else if (db_cell_int(&res, 0, 9) != 0)
			tdict_bool(ctx, "activated", true);
		else if (link_until > 0)
			tdict_str(ctx, "link_until", http_date_fr(r,
			    (time_t)link_until, true));
		else if (*account != '\0')
			tdict_bool(ctx, "link_dead", true);
	} else {
		tdict_bool(ctx, "refused", true);
		tdict_str(ctx, "decided", http_date_fr(r, decided, false));
		tdict_str(ctx, "reason", db_cell(&res, 0, 4));
	}
	tdict_str(ctx, "forget", http_date_fr(r, decided + track_days() * 86400L,
	    false));
	contact_ctx(ctx);
	return http_render(r, 200, "portal/account_request_status", ctx);
unknown:
	return http_error(r, 404, arena_printf(&r->arena, "Ce lien de suivi "
	    "n'existe pas ou n'est plus valable : il cesse de fonctionner %ld "
	    "jours après la décision du centre de services. Pour toute question "
	    "sur une demande de compte, contactez le centre de services.",
	    track_days()));
}

static const struct route account_routes[] = {
	{ "GET",  "/compte/demande",	     request_get,	 ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/compte/demande",	     request_post,	 ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/compte/demande/envoyee", request_sent,	 ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/compte/demande/suivi/{token}", request_status, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/activation/{token}",     activation_get,	 ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/activation/{token}",     activation_post,	 ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/mot-de-passe/oubli",     reset_request_get,  ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/mot-de-passe/oubli",     reset_request_post, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/mot-de-passe/reinitialiser/{token}", reset_link_get,  ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/mot-de-passe/reinitialiser/{token}", reset_link_post, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
};

const struct app_area portal_account_area = {
	"account", account_routes, sizeof(account_routes) / sizeof(account_routes[0]),
	account_sql, ACC__MAX,
};
