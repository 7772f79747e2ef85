/*
 * The service centre (/support/, role support, strong authentication):
 * the queue of account requests, validated (the account is created
 * without a password and its user receives the identifier and an
 * activation link) or refused with a reason; and the users: status, lock,
 * recent logins, with disable / re-enable / unlock / new activation link.
 * Every action is audited in its transaction and confirmed on the page it
 * redirects to by a fixed message chosen with ?ok=.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "audit.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "libsql.h"
#include "log.h"
#include "outbox.h"
#include "portal.h"
#include "textfold.h"
#include "valid.h"

enum {
	SUP_QUEUE_COUNTS,
	SUP_QUEUE_COUNT,
	SUP_QUEUE_LIST,
	SUP_REQUEST_GET,
	SUP_REQUEST_LOCK,
	SUP_USER_BY_EMAIL,
	SUP_LOGIN_EXISTS,
	SUP_USER_INSERT,
	SUP_ROLE_INSERT,
	SUP_REQUEST_VALIDATE,
	SUP_REQUEST_REFUSE,
	SUP_USERS_COUNT,
	SUP_USERS_LIST,
	SUP_USER_GET,
	SUP_USER_ROLES,
	SUP_USER_ATTEMPTS,
	SUP_USER_LINK_LIVE,
	SUP_USER_REQUEST,
	SUP_USER_LOCK,
	SUP_USER_STATUS,
	SUP_USER_UNLOCK,
	SUP_IDNPS_OWNER,
	SUP__MAX
};
#define Q(i)	DB_STMT(PA_SUPPORT, (i))

#define QUEUE_FILTER \
	" WHERE status = ? AND (? = '' OR CONCAT_WS(' ', first_name, last_name)" \
	" LIKE ? ESCAPE '!' OR CONCAT_WS(' ', last_name, first_name) LIKE ? ESCAPE '!'" \
	" OR email LIKE ? ESCAPE '!' OR structure LIKE ? ESCAPE '!')"
#define USERS_FILTER \
	" WHERE ? = '' OR login LIKE ? ESCAPE '!' OR email LIKE ? ESCAPE '!'" \
	" OR CONCAT_WS(' ', first_name, last_name) LIKE ? ESCAPE '!'" \
	" OR CONCAT_WS(' ', last_name, first_name) LIKE ? ESCAPE '!'"

static const char *const support_sql[SUP__MAX] = {
	[SUP_QUEUE_COUNTS] =
	    "SELECT status, COUNT(*) FROM account_request GROUP BY status",
	[SUP_QUEUE_COUNT] =
	    "SELECT COUNT(*) FROM account_request" QUEUE_FILTER,
	/* Pending: oldest first (first come, first served); handled: the
	 * latest decisions first. */
	[SUP_QUEUE_LIST] =
	    "SELECT id, civility, first_name, last_name, profession, structure,"
	    " email, UNIX_TIMESTAMP(created_at), requested_by IS NOT NULL,"
	    " COALESCE(UNIX_TIMESTAMP(handled_at), 0)"
	    " FROM account_request" QUEUE_FILTER
	    " ORDER BY CASE WHEN ? THEN created_at END,"
	    " COALESCE(handled_at, created_at) DESC, id LIMIT ? OFFSET ?",
	[SUP_REQUEST_GET] =
	    "SELECT r.id, r.civility, r.first_name, r.last_name, r.profession,"
	    " r.rpps_adeli, r.structure, r.email, r.mobile, r.status,"
	    " r.refusal_reason, r.user_id, UNIX_TIMESTAMP(r.created_at),"
	    " COALESCE(UNIX_TIMESTAMP(r.handled_at), 0), r.ip,"
	    " b.login, b.first_name, b.last_name, h.login, u.login"
	    " FROM account_request r LEFT JOIN app_user b ON b.id = r.requested_by"
	    " LEFT JOIN app_user h ON h.id = r.handled_by"
	    " LEFT JOIN app_user u ON u.id = r.user_id WHERE r.id = ?",
	[SUP_REQUEST_LOCK] =
	    "SELECT r.id, r.civility, r.first_name, r.last_name, r.profession,"
	    " r.rpps_adeli, r.structure, r.email, r.mobile, r.status,"
	    " b.email, b.first_name"
	    " FROM account_request r LEFT JOIN app_user b ON b.id = r.requested_by"
	    " WHERE r.id = ? FOR UPDATE",
	[SUP_USER_BY_EMAIL] =
	    "SELECT id, login, status FROM app_user WHERE email = ?",
	/* One account per RPPS/ADELI identifier (sql/011_cpts_admin.sql). */
	[SUP_IDNPS_OWNER] =
	    "SELECT login FROM app_user WHERE idnps = ?",
	[SUP_LOGIN_EXISTS] =
	    "SELECT 1 FROM app_user WHERE login = ?",
	[SUP_USER_INSERT] =
	    "INSERT INTO app_user (login, email, civility, first_name, last_name,"
	    " mobile, profession, idnps, structure, password_hash, status,"
	    " created_at, updated_at, updated_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'active', FROM_UNIXTIME(?),"
	    " FROM_UNIXTIME(?), ?)",
	[SUP_ROLE_INSERT] =
	    "INSERT INTO user_role (user_id, role, scope_type, scope_id, granted_by,"
	    " granted_at) VALUES (?, 'pro', 'none', 0, ?, FROM_UNIXTIME(?))",
	[SUP_REQUEST_VALIDATE] =
	    "UPDATE account_request SET status = 'validated', user_id = ?,"
	    " handled_by = ?, handled_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status = 'pending'",
	[SUP_REQUEST_REFUSE] =
	    "UPDATE account_request SET status = 'refused', refusal_reason = ?,"
	    " handled_by = ?, handled_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status = 'pending'",
	[SUP_USERS_COUNT] =
	    "SELECT COUNT(*) FROM app_user" USERS_FILTER,
	[SUP_USERS_LIST] =
	    "SELECT id, login, first_name, last_name, email, status,"
	    " COALESCE(locked_until > FROM_UNIXTIME(?), 0), password_hash IS NULL"
	    " FROM app_user" USERS_FILTER
	    " ORDER BY last_name, first_name, id LIMIT ? OFFSET ?",
	[SUP_USER_GET] =
	    "SELECT id, login, civility, first_name, last_name, email, mobile,"
	    " profession, idnps, structure, status, password_hash IS NOT NULL,"
	    " failed_logins, COALESCE(UNIX_TIMESTAMP(locked_until), 0),"
	    " COALESCE(UNIX_TIMESTAMP(last_login_at), 0),"
	    " COALESCE(UNIX_TIMESTAMP(password_changed_at), 0),"
	    " UNIX_TIMESTAMP(created_at), COALESCE(UNIX_TIMESTAMP(last_failed_at), 0)"
	    " FROM app_user WHERE id = ?",
	[SUP_USER_ROLES] =
	    "SELECT role, scope_type, scope_id FROM user_role WHERE user_id = ?"
	    " ORDER BY role, scope_type, scope_id",
	[SUP_USER_ATTEMPTS] =
	    "SELECT UNIX_TIMESTAMP(at), ip, success, kind FROM login_attempt"
	    " WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT 20",
	[SUP_USER_LINK_LIVE] =
	    "SELECT COALESCE(UNIX_TIMESTAMP(MAX(expires_at)), 0) FROM user_token"
	    " WHERE user_id = ? AND kind = 'activation' AND used_at IS NULL"
	    " AND expires_at > FROM_UNIXTIME(?)",
	[SUP_USER_REQUEST] =
	    "SELECT id FROM account_request WHERE user_id = ? ORDER BY id DESC LIMIT 1",
	[SUP_USER_LOCK] =
	    "SELECT id, login, email, first_name, status, password_hash IS NULL,"
	    " EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = app_user.id"
	    " AND ur.role IN ('admin', 'support'))"
	    " FROM app_user WHERE id = ? FOR UPDATE",
	[SUP_USER_STATUS] =
	    "UPDATE app_user SET status = ?, updated_by = ? WHERE id = ?",
	[SUP_USER_UNLOCK] =
	    "UPDATE app_user SET failed_logins = 0, locked_until = NULL,"
	    " updated_by = ? WHERE id = ?",
};

#define PAGE_SIZE	20

/* ---- small helpers ---- */

static const char *
id_str(struct req *r, long long id)
{
	return arena_printf(&r->arena, "%lld", id);
}

/* The confirmation of the action just done: a fixed message per ?ok=. */
static const char *
ok_message(struct req *r)
{
	static const struct http_message msgs[] = {
		{ "valide", "La demande est validée : le compte est créé, et son "
		    "titulaire reçoit deux e-mails, l'un avec son identifiant, "
		    "l'autre avec le lien pour choisir son mot de passe." },
		{ "refuse", "La demande est refusée : le motif a été envoyé par "
		    "e-mail au demandeur." },
		{ "lien", "Un nouveau lien d'activation a été envoyé ; les liens "
		    "précédents ne fonctionnent plus." },
		{ "desactive", "Le compte est désactivé et ses sessions sont fermées." },
		{ "reactive", "Le compte est réactivé." },
		{ "debloque", "Le compte est débloqué : son titulaire peut de nouveau "
		    "se connecter." },
	};
	return http_ok_message(r, msgs, sizeof(msgs) / sizeof(msgs[0]));
}

static const struct code_label request_status_labels[] = {
	{ "pending", "En attente" },
	{ "validated", "Validée" },
	{ "refused", "Refusée" },
	{ NULL, NULL },
};

static const struct code_label user_status_labels[] = {
	{ "active", "Actif" },
	{ "disabled", "Désactivé" },
	{ "pending", "En attente" },
	{ NULL, NULL },
};

/* "/support/?statut=refused&q=dupont&page=2" */
static const char *
queue_url(struct req *r, const char *status, const char *q, long long page)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_puts(&b, "/support/?statut=");
	buf_url(&b, status);
	if (q != NULL && *q != '\0') {
		buf_puts(&b, "&q=");
		buf_url(&b, q);
	}
	if (page > 1)
		buf_printf(&b, "&page=%lld", page);
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static const char *
users_url(struct req *r, const char *q, long long page)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_puts(&b, "/support/utilisateurs?q=");
	buf_url(&b, q != NULL ? q : "");
	if (page > 1)
		buf_printf(&b, "&page=%lld", page);
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* Sets page, pages, prev_url, next_url; url(page) builds the links. */
static void
pager_ctx(struct req *r, struct tdict *ctx, long long page, long long total,
    const char *status, const char *q)
{
	long long pages = (total + PAGE_SIZE - 1) / PAGE_SIZE;

	if (pages < 1)
		pages = 1;
	tdict_int(ctx, "page", page);
	tdict_int(ctx, "pages", pages);
	tdict_bool(ctx, "paged", pages > 1);
	if (page > 1)
		tdict_str(ctx, "prev_url", status != NULL ?
		    queue_url(r, status, q, page - 1) : users_url(r, q, page - 1));
	if (page < pages)
		tdict_str(ctx, "next_url", status != NULL ?
		    queue_url(r, status, q, page + 1) : users_url(r, q, page + 1));
}

/* ---- the queue of requests ---- */

static const char *const request_statuses[] = { "pending", "validated",
    "refused", NULL };

static const struct account_field queue_fields[] = {
	{ "q", "Recherche", valid_text, 0, 100, true },
	{ "page", "Page", valid_uint, 1, 100000, true },
};

static int
queue_get(struct req *r)
{
	const char *status = http_query(r, "statut"), *values[2], *errors[2];
	struct db *db = r->app->db;
	struct db_result counts, total, rows;
	struct tdict *ctx, *it;
	struct tlist *list, *tabs;
	const char *q, *like;
	long long page = 1;
	size_t i;

	if (status == NULL || *status == '\0')
		status = "pending";
	if (valid_enum(status, request_statuses) != NULL)
		return http_error(r, 400, "Ce filtre n'existe pas.");
	if (account_form_read(r, queue_fields, 2, true, values, errors) > 0)
		return http_error(r, 400, "La recherche est invalide : 100 caractères "
		    "au plus, sur une ligne.");
	q = values[0] != NULL ? values[0] : "";
	if (values[1] != NULL)
		(void)valid_parse_ll(values[1], 1, 100000, &page);
	like = account_like(r, q);

	if (db_query(db, &r->arena, Q(SUP_QUEUE_COUNTS), DB_NOPARAMS, &counts) != DB_OK ||
	    db_query_row(db, &r->arena, Q(SUP_QUEUE_COUNT), DB_PARAMS(
	    DBP_STR(status), DBP_STR(q), DBP_STR(like), DBP_STR(like), DBP_STR(like),
	    DBP_STR(like)), &total) != DB_OK ||
	    db_query(db, &r->arena, Q(SUP_QUEUE_LIST), DB_PARAMS(
	    DBP_STR(status), DBP_STR(q), DBP_STR(like), DBP_STR(like), DBP_STR(like),
	    DBP_STR(like), DBP_INT(strcmp(status, "pending") == 0),
	    DBP_INT(PAGE_SIZE), DBP_INT((page - 1) * PAGE_SIZE)), &rows) != DB_OK)
		return -1;

	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Centre de services : demandes de compte");
	tdict_str(ctx, "ok", ok_message(r));
	tdict_str(ctx, "q", q);
	tdict_str(ctx, "statut", status);
	tdict_str(ctx, "status_label", code_label(request_status_labels, status));
	tdict_bool(ctx, "pending", strcmp(status, "pending") == 0);
	tdict_int(ctx, "total", db_cell_int(&total, 0, 0));
	tabs = tdict_list(ctx, "tabs");
	for (i = 0; request_statuses[i] != NULL; i++) {
		long long n = 0;
		size_t k;

		for (k = 0; k < counts.nrows; k++)
			if (strcmp(db_cell(&counts, k, 0), request_statuses[i]) == 0)
				n = db_cell_int(&counts, k, 1);
		it = tlist_add(tabs);
		tdict_str(it, "label", code_label(request_status_labels, request_statuses[i]));
		tdict_int(it, "count", n);
		tdict_str(it, "url", queue_url(r, request_statuses[i], q, 1));
		tdict_bool(it, "current", strcmp(status, request_statuses[i]) == 0);
	}
	list = tdict_list(ctx, "requests");
	for (i = 0; i < rows.nrows; i++) {
		it = tlist_add(list);
		tdict_str(it, "id", db_cell(&rows, i, 0));
		tdict_str(it, "civility", db_cell(&rows, i, 1));
		tdict_str(it, "first_name", db_cell(&rows, i, 2));
		tdict_str(it, "last_name", db_cell(&rows, i, 3));
		tdict_str(it, "profession", db_cell(&rows, i, 4));
		tdict_str(it, "structure", db_cell(&rows, i, 5));
		tdict_str(it, "email", db_cell(&rows, i, 6));
		tdict_str(it, "created", http_date_fr(r, db_cell_int(&rows, i, 7), true));
		tdict_bool(it, "colleague", db_cell_int(&rows, i, 8) != 0);
		tdict_str(it, "handled", http_date_fr(r, db_cell_int(&rows, i, 9), true));
	}
	tdict_bool(ctx, "has_requests", rows.nrows > 0);
	pager_ctx(r, ctx, page, db_cell_int(&total, 0, 0), status, q);
	return http_render(r, 200, "portal/support_queue", ctx);
}

static int
support_root(struct req *r)
{
	return http_redirect(r, "/support/");
}

/* ---- one request ---- */

static const struct account_field refuse_fields[] = {
	{ "motif", "Motif du refus", valid_multiline, 5, 1000, false },
};

static int
request_page(struct req *r, int status, long long id, const char **values,
    const char **errors, const char *error)
{
	struct db *db = r->app->db;
	struct db_result res, other;
	struct tdict *ctx;
	const char *st;

	switch (db_query_row(db, &r->arena, Q(SUP_REQUEST_GET), DB_PARAMS(
	    DBP_INT(id)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette demande de compte n'existe pas.");
	default:
		return -1;
	}
	st = db_cell(&res, 0, 9);
	ctx = http_ctx(r);
	tdict_strf(ctx, "title", "Demande de %s %s", db_cell(&res, 0, 2),
	    db_cell(&res, 0, 3));
	tdict_str(ctx, "ok", ok_message(r));
	tdict_str(ctx, "error", error);
	tdict_str(ctx, "id", db_cell(&res, 0, 0));
	tdict_str(ctx, "civility", db_cell(&res, 0, 1));
	tdict_str(ctx, "first_name", db_cell(&res, 0, 2));
	tdict_str(ctx, "last_name", db_cell(&res, 0, 3));
	tdict_str(ctx, "profession", db_cell(&res, 0, 4));
	tdict_str(ctx, "rpps_adeli", db_cell(&res, 0, 5));
	tdict_str(ctx, "rpps_kind", db_cell(&res, 0, 5) == NULL ? NULL :
	    strlen(db_cell(&res, 0, 5)) == 11 ? "RPPS" : "ADELI");
	tdict_str(ctx, "structure", db_cell(&res, 0, 6));
	tdict_str(ctx, "email", db_cell(&res, 0, 7));
	tdict_str(ctx, "mobile", db_cell(&res, 0, 8));
	tdict_str(ctx, "status_label", code_label(request_status_labels, st));
	tdict_bool(ctx, "pending", strcmp(st, "pending") == 0);
	tdict_bool(ctx, "refused", strcmp(st, "refused") == 0);
	tdict_str(ctx, "reason", db_cell(&res, 0, 10));
	tdict_str(ctx, "user_id", db_cell(&res, 0, 11));
	tdict_str(ctx, "created", http_date_fr(r, db_cell_int(&res, 0, 12), true));
	tdict_str(ctx, "handled", http_date_fr(r, db_cell_int(&res, 0, 13), true));
	tdict_str(ctx, "ip", db_cell(&res, 0, 14));
	if (db_cell(&res, 0, 15) != NULL)
		tdict_strf(ctx, "requested_by", "%s %s (%s)", db_cell(&res, 0, 16),
		    db_cell(&res, 0, 17), db_cell(&res, 0, 15));
	tdict_str(ctx, "handled_by", db_cell(&res, 0, 18));
	tdict_str(ctx, "user_login", db_cell(&res, 0, 19));
	if (strcmp(st, "pending") == 0) {
		/* Whether the address already belongs to an account: the service
		 * centre may see it (the requester never does). */
		switch (db_query_row(db, &r->arena, Q(SUP_USER_BY_EMAIL), DB_PARAMS(
		    DBP_STR(db_cell(&res, 0, 7))), &other)) {
		case DB_OK:
			tdict_str(ctx, "existing_id", db_cell(&other, 0, 0));
			tdict_str(ctx, "existing_login", db_cell(&other, 0, 1));
			break;
		case DB_NOT_FOUND:
			break;
		default:
			return -1;
		}
	}
	account_form_ctx(r, ctx, refuse_fields, 1, values, errors);
	return http_render(r, status, "portal/support_request", ctx);
}

static int
request_get(struct req *r)
{
	long long id = http_path_id(r, "id");

	if (id == 0)
		return http_error(r, 404, "Cette demande de compte n'existe pas.");
	return request_page(r, 200, id, NULL, NULL, NULL);
}

/* Begins the transaction and locks pending account request id (its row
 * into req).  Returns true, or false with *answer set to the handler's
 * answer (404 page, 409 page when already handled, -1 after a database
 * failure) and the transaction ended. */
static bool
request_lock(struct req *r, long long id, struct db_result *req, int *answer)
{
	struct db *db = r->app->db;

	if (!http_begin_locked(r, Q(SUP_REQUEST_LOCK), id, req,
	    "Cette demande de compte n'existe pas.", answer))
		return false;
	if (strcmp(db_cell(req, 0, 9), "pending") != 0) {
		db_rollback(db);
		*answer = request_page(r, 409, id, NULL, NULL,
		    "Cette demande a déjà été traitée.");
		return false;
	}
	return true;
}

/* Appends s folded to lower-case ASCII letters and digits to b: Latin
 * letters lose their accent as textfold has them (é -> e, œ -> oe),
 * apostrophes vanish, anything else becomes one '-' between letters.  At
 * most max bytes. */
static void
login_part(struct buf *b, const char *s, size_t max)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const unsigned char *p = (const unsigned char *)s;
	size_t start = b->len, n = strlen(s), i = 0, len;
	bool sep = false;
	uint32_t cp;
	char one[5], out[9];

	while (i < n) {
		/* One code point at a time: a letter's fold ("oe") is added
		 * whole or not at all. */
		if ((len = utf8_next(p + i, n - i, &cp)) == 0) {
			len = 1;
			cp = 0xfffd;
		}
		memcpy(one, p + i, len);
		one[len] = '\0';
		i += len;
		if (cp == '\'' || cp == 0x2019)
			continue;
		if (textfold(one, out, sizeof(out), TEXTFOLD_LOWER |
		    TEXTFOLD_STRIP_ACCENTS) == TEXTFOLD_ERROR || out[0] == '\0' ||
		    strspn(out, alnum) != strlen(out)) {
			sep = b->len > start;
			continue;
		}
		if (b->len - start + (sep ? 1 : 0) + strlen(out) > max)
			break;
		if (sep)
			buf_putc(b, '-');
		sep = false;
		buf_puts(b, out);
	}
}

/* prenom.nom, made unique with a number: jean.dupont, jean.dupont2... */
static enum db_rc
login_make(struct req *r, const char *first, const char *last, const char **login)
{
	struct buf b = BUF_INIT;
	struct db_result res;
	const char *base, *candidate;
	enum db_rc rc;
	size_t mark;
	int i;

	login_part(&b, first, 28);
	mark = b.len;
	buf_putc(&b, '.');
	login_part(&b, last, 30);
	if (b.len == mark + 1 || mark == 0) {
		/* Names without any Latin letter. */
		buf_clear(&b);
		buf_puts(&b, "utilisateur");
	}
	base = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	for (i = 1; i < 1000; i++) {
		candidate = i == 1 ? base : arena_printf(&r->arena, "%s%d", base, i);
		rc = db_query_row(r->app->db, &r->arena, Q(SUP_LOGIN_EXISTS),
		    DB_PARAMS(DBP_STR(candidate)), &res);
		if (rc == DB_NOT_FOUND) {
			*login = candidate;
			return DB_OK;
		}
		if (rc != DB_OK)
			return rc;
	}
	log_error("no free login for %s", base);
	return DB_ERROR;
}

/* The national identifier: '8' + RPPS, '0' + ADELI. */
static const char *
idnps_of(struct req *r, const char *number)
{
	if (number == NULL)
		return NULL;
	return arena_printf(&r->arena, "%c%s", strlen(number) == 11 ? '8' : '0',
	    number);
}

static int
request_validate(struct req *r)
{
	long long id = http_path_id(r, "id"), uid;
	struct db *db = r->app->db;
	struct db_result req, other;
	unsigned long long n = 0;
	const char *login = NULL, *email, *first, *idnps;
	enum db_rc rc;
	int answer;

	if (id == 0)
		return http_error(r, 404, "Cette demande de compte n'existe pas.");
	if (!request_lock(r, id, &req, &answer))
		return answer;
	email = db_cell(&req, 0, 7);
	first = db_cell(&req, 0, 2);
	switch (db_query_row(db, &r->arena, Q(SUP_USER_BY_EMAIL), DB_PARAMS(
	    DBP_STR(email)), &other)) {
	case DB_OK:
		db_rollback(db);
		return request_page(r, 409, id, NULL, NULL, "Un compte existe déjà "
		    "avec cette adresse e-mail : refusez la demande en l'indiquant.");
	case DB_NOT_FOUND:
		break;
	default:
		goto fail;
	}
	/* The request's RPPS/ADELI number becomes the account's identifier:
	 * one account per professional. */
	idnps = idnps_of(r, db_cell(&req, 0, 5));
	if (idnps != NULL) {
		switch (db_query_row(db, &r->arena, Q(SUP_IDNPS_OWNER),
		    DB_PARAMS(DBP_STR(idnps)), &other)) {
		case DB_OK:
			db_rollback(db);
			return request_page(r, 409, id, NULL, NULL, arena_printf(
			    &r->arena, "Le compte %s est déjà relié à ce numéro "
			    "RPPS/ADELI : un professionnel n'a qu'un compte. "
			    "Refusez la demande en l'indiquant.",
			    db_cell(&other, 0, 0)));
		case DB_NOT_FOUND:
			break;
		default:
			goto fail;
		}
	}
	if (login_make(r, first, db_cell(&req, 0, 3), &login) != DB_OK)
		goto fail;
	rc = db_exec(db, Q(SUP_USER_INSERT), DB_PARAMS(DBP_STR(login),
	    DBP_STR(email), DBP_STR(db_cell(&req, 0, 1)), DBP_STR(first),
	    DBP_STR(db_cell(&req, 0, 3)), DBP_STR(db_cell(&req, 0, 8)),
	    DBP_STR(db_cell(&req, 0, 4)), DBP_STR(idnps),
	    DBP_STR(db_cell(&req, 0, 6)), DBP_INT(r->now), DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL);
	if (rc == DB_DUPLICATE) {
		/* A login or the address taken meanwhile by another action. */
		db_rollback(db);
		return request_page(r, 409, id, NULL, NULL, "Le compte n'a pas pu "
		    "être créé : l'identifiant, l'adresse e-mail ou le numéro "
		    "RPPS/ADELI vient d'être pris. Réessayez.");
	}
	if (rc != DB_OK)
		goto fail;
	uid = (long long)db_insert_id(db);
	if (db_exec(db, Q(SUP_ROLE_INSERT), DB_PARAMS(DBP_INT(uid),
	    DBP_INT(r->session->user_id), DBP_INT(r->now)), NULL) != DB_OK ||
	    db_exec(db, Q(SUP_REQUEST_VALIDATE), DB_PARAMS(DBP_INT(uid),
	    DBP_INT(r->session->user_id), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_INT(id)), &n) != DB_OK || n != 1 ||
	    account_identifier_send(r, email, first, login) != DB_OK ||
	    account_activation_send(r, uid, email, first, login) != DB_OK ||
	    audit(r, "user.create", "user", login, 0, AUDIT_OK,
	    arena_printf(&r->arena, "demande %lld, rôle pro%s%s", id,
	    idnps != NULL ? ", RPPS/ADELI " : "", idnps != NULL ? idnps :
	    "")) != DB_OK ||
	    audit(r, "account_request.validate", "account_request", id_str(r, id),
	    0, AUDIT_OK, arena_printf(&r->arena, "compte %s", login)) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/support/demandes/%lld?ok=valide", id));
fail:
	db_rollback(db);
	return -1;
}

static int
request_refuse(struct req *r)
{
	long long id = http_path_id(r, "id");
	struct db *db = r->app->db;
	const char *values[1], *errors[1];
	struct db_result req;
	unsigned long long n = 0;
	char *body;
	int answer;

	if (id == 0)
		return http_error(r, 404, "Cette demande de compte n'existe pas.");
	if (account_form_read(r, refuse_fields, 1, false, values, errors) > 0)
		return request_page(r, 422, id, values, errors, NULL);
	if (!request_lock(r, id, &req, &answer))
		return answer;
	body = arena_printf(&r->arena,
	    "Bonjour,\n\n"
	    "Le centre de services n'a pas pu accepter la demande de compte Parvis "
	    "faite pour %s %s, pour la raison suivante :\n\n%s\n\n"
	    "Vous pouvez faire une nouvelle demande en tenant compte de ce motif :\n"
	    "%s\n" ACCOUNT_MAIL_SIGNATURE, db_cell(&req, 0, 2), db_cell(&req, 0, 3),
	    values[0], account_url(r, "/compte/demande"));
	if (db_exec(db, Q(SUP_REQUEST_REFUSE), DB_PARAMS(DBP_STR(values[0]),
	    DBP_INT(r->session->user_id), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_INT(id)), &n) != DB_OK || n != 1 ||
	    outbox_email(db, db_cell(&req, 0, 7), "Votre demande de compte Parvis",
	    body) != DB_OK)
		goto fail;
	/* A referent's request: the referent is told too. */
	if (db_cell(&req, 0, 10) != NULL && outbox_email(db, db_cell(&req, 0, 10),
	    "Demande de compte pour un collègue", body) != DB_OK)
		goto fail;
	if (audit(r, "account_request.refuse", "account_request", id_str(r, id), 0,
	    AUDIT_OK, values[0]) != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/support/demandes/%lld?ok=refuse", id));
fail:
	db_rollback(db);
	return -1;
}

/* ---- users ---- */

static int
users_get(struct req *r)
{
	const char *values[2], *errors[2], *q, *like;
	struct db *db = r->app->db;
	struct db_result total, rows;
	struct tdict *ctx, *it;
	struct tlist *list;
	long long page = 1;
	size_t i;

	if (account_form_read(r, queue_fields, 2, true, values, errors) > 0)
		return http_error(r, 400, "La recherche est invalide : 100 caractères "
		    "au plus, sur une ligne.");
	q = values[0] != NULL ? values[0] : "";
	if (values[1] != NULL)
		(void)valid_parse_ll(values[1], 1, 100000, &page);
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Centre de services : utilisateurs");
	tdict_str(ctx, "q", q);
	if (*q != '\0') {
		like = account_like(r, q);
		if (db_query_row(db, &r->arena, Q(SUP_USERS_COUNT), DB_PARAMS(
		    DBP_STR(q), DBP_STR(like), DBP_STR(like), DBP_STR(like),
		    DBP_STR(like)), &total) != DB_OK ||
		    db_query(db, &r->arena, Q(SUP_USERS_LIST), DB_PARAMS(
		    DBP_INT(r->now), DBP_STR(q), DBP_STR(like), DBP_STR(like),
		    DBP_STR(like), DBP_STR(like), DBP_INT(PAGE_SIZE),
		    DBP_INT((page - 1) * PAGE_SIZE)), &rows) != DB_OK)
			return -1;
		tdict_bool(ctx, "searched", true);
		tdict_int(ctx, "total", db_cell_int(&total, 0, 0));
		list = tdict_list(ctx, "users");
		for (i = 0; i < rows.nrows; i++) {
			it = tlist_add(list);
			tdict_str(it, "id", db_cell(&rows, i, 0));
			tdict_str(it, "login", db_cell(&rows, i, 1));
			tdict_str(it, "first_name", db_cell(&rows, i, 2));
			tdict_str(it, "last_name", db_cell(&rows, i, 3));
			tdict_str(it, "email", db_cell(&rows, i, 4));
			tdict_str(it, "status_label", code_label(user_status_labels, db_cell(&rows, i, 5)));
			tdict_bool(it, "locked", db_cell_int(&rows, i, 6) != 0);
			tdict_bool(it, "not_activated", db_cell_int(&rows, i, 7) != 0);
		}
		tdict_bool(ctx, "has_users", rows.nrows > 0);
		pager_ctx(r, ctx, page, db_cell_int(&total, 0, 0), NULL, q);
	}
	return http_render(r, 200, "portal/support_users", ctx);
}

/* Whether the account id (agent: it holds admin or support) is one only
 * an administrator may act on: one agent's account, misused, must not be
 * able to lock everyone else out (or let someone in).  Users act on their
 * own account as the page allows. */
static bool
admin_only(struct req *r, long long id, bool agent)
{
	return agent && !req_has_role(r, "admin") && id != r->session->user_id;
}

static int
user_page(struct req *r, int status, long long id, const char *error)
{
	struct db *db = r->app->db;
	struct db_result u, roles, attempts, link, req;
	struct tdict *ctx, *it;
	struct tlist *list;
	time_t locked_until;
	size_t i;

	switch (db_query_row(db, &r->arena, Q(SUP_USER_GET), DB_PARAMS(DBP_INT(id)),
	    &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	default:
		return -1;
	}
	if (db_query(db, &r->arena, Q(SUP_USER_ROLES), DB_PARAMS(DBP_INT(id)),
	    &roles) != DB_OK ||
	    db_query(db, &r->arena, Q(SUP_USER_ATTEMPTS), DB_PARAMS(DBP_INT(id)),
	    &attempts) != DB_OK ||
	    db_query_row(db, &r->arena, Q(SUP_USER_LINK_LIVE), DB_PARAMS(
	    DBP_INT(id), DBP_INT(r->now)), &link) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_strf(ctx, "title", "%s %s", db_cell(&u, 0, 3), db_cell(&u, 0, 4));
	tdict_str(ctx, "ok", ok_message(r));
	tdict_str(ctx, "error", error);
	tdict_str(ctx, "id", db_cell(&u, 0, 0));
	tdict_str(ctx, "login", db_cell(&u, 0, 1));
	tdict_str(ctx, "civility", db_cell(&u, 0, 2));
	tdict_str(ctx, "first_name", db_cell(&u, 0, 3));
	tdict_str(ctx, "last_name", db_cell(&u, 0, 4));
	tdict_str(ctx, "email", db_cell(&u, 0, 5));
	tdict_str(ctx, "mobile", db_cell(&u, 0, 6));
	tdict_str(ctx, "profession", db_cell(&u, 0, 7));
	tdict_str(ctx, "idnps", db_cell(&u, 0, 8));
	tdict_str(ctx, "structure", db_cell(&u, 0, 9));
	tdict_str(ctx, "status_label", code_label(user_status_labels, db_cell(&u, 0, 10)));
	tdict_bool(ctx, "active", strcmp(db_cell(&u, 0, 10), "active") == 0);
	tdict_bool(ctx, "disabled", strcmp(db_cell(&u, 0, 10), "disabled") == 0);
	tdict_bool(ctx, "self", id == r->session->user_id);
	tdict_bool(ctx, "has_password", db_cell_int(&u, 0, 11) != 0);
	tdict_int(ctx, "failed_logins", db_cell_int(&u, 0, 12));
	locked_until = (time_t)db_cell_int(&u, 0, 13);
	tdict_bool(ctx, "locked", locked_until > r->now);
	tdict_str(ctx, "locked_until", http_date_fr(r, locked_until, true));
	tdict_bool(ctx, "can_unlock", locked_until > r->now || db_cell_int(&u, 0, 12) > 0);
	tdict_str(ctx, "last_login", http_date_fr(r, db_cell_int(&u, 0, 14), true));
	tdict_str(ctx, "password_changed", http_date_fr(r, db_cell_int(&u, 0, 15), true));
	tdict_str(ctx, "created", http_date_fr(r, db_cell_int(&u, 0, 16), true));
	tdict_str(ctx, "last_failed", http_date_fr(r, db_cell_int(&u, 0, 17), true));
	tdict_str(ctx, "link_until", http_date_fr(r, db_cell_int(&link, 0, 0), true));
	switch (db_query_row(db, &r->arena, Q(SUP_USER_REQUEST), DB_PARAMS(
	    DBP_INT(id)), &req)) {
	case DB_OK:
		tdict_str(ctx, "request_id", db_cell(&req, 0, 0));
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	list = tdict_list(ctx, "roles");
	for (i = 0; i < roles.nrows; i++) {
		if (admin_only(r, id, strcmp(db_cell(&roles, i, 0), "admin") == 0 ||
		    strcmp(db_cell(&roles, i, 0), "support") == 0))
			tdict_bool(ctx, "protected", true);
		it = tlist_add(list);
		tdict_str(it, "role", db_cell(&roles, i, 0));
		if (strcmp(db_cell(&roles, i, 1), "none") != 0)
			tdict_strf(it, "scope", "%s %s", db_cell(&roles, i, 1),
			    db_cell(&roles, i, 2));
	}
	list = tdict_list(ctx, "attempts");
	for (i = 0; i < attempts.nrows; i++) {
		it = tlist_add(list);
		tdict_str(it, "at", http_date_fr(r, db_cell_int(&attempts, i, 0), true));
		tdict_str(it, "ip", db_cell(&attempts, i, 1));
		tdict_bool(it, "success", db_cell_int(&attempts, i, 2) != 0);
		tdict_str(it, "kind", strcmp(db_cell(&attempts, i, 3), "code") == 0 ?
		    "code à usage unique" : "mot de passe");
	}
	tdict_bool(ctx, "has_attempts", attempts.nrows > 0);
	/* Login history is personal data: its reading is traced. */
	if (audit(r, "support.user_view", "user", db_cell(&u, 0, 1), 0, AUDIT_OK,
	    NULL) != DB_OK)
		return -1;
	return http_render(r, status, "portal/support_user", ctx);
}

static int
user_get(struct req *r)
{
	long long id = http_path_id(r, "id");

	if (id == 0)
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	return user_page(r, 200, id, NULL);
}

enum user_action { UA_LINK, UA_DISABLE, UA_ENABLE, UA_UNLOCK };

/* The user actions share their frame: lock the row, check the action
 * fits the account's state, change, audit, commit, redirect with ?ok=. */
static int
user_action(struct req *r, enum user_action action)
{
	long long id = http_path_id(r, "id");
	struct db *db = r->app->db;
	struct db_result u;
	const char *login, *status, *refusal = NULL, *ok = NULL;
	bool no_password;

	if (id == 0)
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	if (db_begin(db) != DB_OK)
		return -1;
	switch (db_query_row(db, &r->arena, Q(SUP_USER_LOCK), DB_PARAMS(DBP_INT(id)),
	    &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		db_rollback(db);
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	default:
		goto fail;
	}
	login = db_cell(&u, 0, 1);
	status = db_cell(&u, 0, 4);
	no_password = db_cell_int(&u, 0, 5) != 0;
	if (admin_only(r, id, db_cell_int(&u, 0, 6) != 0)) {
		static const char *const names[] = { "user.activation_link",
		    "user.disable", "user.enable", "user.unlock" };

		db_rollback(db);
		if (audit(r, names[action], "user", login, 0, AUDIT_DENIED,
		    "compte d'agent ou d'administrateur") != DB_OK)
			return -1;
		return http_error(r, 403, "Seul un administrateur peut agir sur le "
		    "compte d'un administrateur ou d'un agent du centre de services.");
	}
	switch (action) {
	case UA_LINK:
		if (strcmp(status, "active") != 0)
			refusal = "Ce compte est désactivé : réactivez-le d'abord.";
		else if (!no_password)
			refusal = "Ce compte a déjà un mot de passe : son titulaire "
			    "peut utiliser « Mot de passe oublié ».";
		else if (account_activation_send(r, id, db_cell(&u, 0, 2),
		    db_cell(&u, 0, 3), login) != DB_OK ||
		    audit(r, "user.activation_link", "user", login, 0, AUDIT_OK,
		    "anciens liens annulés") != DB_OK)
			goto fail;
		ok = "lien";
		break;
	case UA_DISABLE:
		if (id == r->session->user_id)
			refusal = "Vous ne pouvez pas désactiver votre propre compte.";
		else if (strcmp(status, "disabled") == 0)
			refusal = "Ce compte est déjà désactivé.";
		else if (db_exec(db, Q(SUP_USER_STATUS), DB_PARAMS(DBP_STR("disabled"),
		    DBP_INT(r->session->user_id), DBP_INT(id)), NULL) != DB_OK ||
		    db_exec(db, DB_LIB(LSQL_SESSION_DELETE_USER), DB_PARAMS(
		    DBP_INT(id)), NULL) != DB_OK ||
		    db_exec(db, AQ(ACC_TOKEN_VOID_USER), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(id), DBP_STR("activation")), NULL) != DB_OK ||
		    db_exec(db, AQ(ACC_TOKEN_VOID_USER), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(id), DBP_STR("reset")), NULL) != DB_OK ||
		    audit(r, "user.disable", "user", login, 0, AUDIT_OK,
		    "sessions fermées") != DB_OK)
			goto fail;
		ok = "desactive";
		break;
	case UA_ENABLE:
		if (strcmp(status, "disabled") != 0)
			refusal = "Ce compte n'est pas désactivé.";
		else if (db_exec(db, Q(SUP_USER_STATUS), DB_PARAMS(DBP_STR("active"),
		    DBP_INT(r->session->user_id), DBP_INT(id)), NULL) != DB_OK ||
		    audit(r, "user.enable", "user", login, 0, AUDIT_OK, NULL) != DB_OK)
			goto fail;
		ok = "reactive";
		break;
	case UA_UNLOCK:
		if (db_exec(db, Q(SUP_USER_UNLOCK), DB_PARAMS(
		    DBP_INT(r->session->user_id), DBP_INT(id)), NULL) != DB_OK ||
		    audit(r, "user.unlock", "user", login, 0, AUDIT_OK, NULL) != DB_OK)
			goto fail;
		ok = "debloque";
		break;
	}
	if (refusal != NULL) {
		db_rollback(db);
		return user_page(r, 409, id, refusal);
	}
	if (db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/support/utilisateurs/%lld?ok=%s", id, ok));
fail:
	db_rollback(db);
	return -1;
}

static int user_link(struct req *r) { return user_action(r, UA_LINK); }
static int user_disable(struct req *r) { return user_action(r, UA_DISABLE); }
static int user_enable(struct req *r) { return user_action(r, UA_ENABLE); }
static int user_unlock(struct req *r) { return user_action(r, UA_UNLOCK); }

#define SUPPORT	ACCESS_ROLE, AUTH_LEVEL_2, "support", 0

static const struct route support_routes[] = {
	{ "GET",  "/support",				support_root,     SUPPORT },
	{ "GET",  "/support/",				queue_get,        SUPPORT },
	{ "GET",  "/support/demandes/{id}",		request_get,      SUPPORT },
	{ "POST", "/support/demandes/{id}/valider",	request_validate, SUPPORT },
	{ "POST", "/support/demandes/{id}/refuser",	request_refuse,   SUPPORT },
	{ "GET",  "/support/utilisateurs",		users_get,        SUPPORT },
	{ "GET",  "/support/utilisateurs/{id}",		user_get,         SUPPORT },
	{ "POST", "/support/utilisateurs/{id}/lien",	user_link,        SUPPORT },
	{ "POST", "/support/utilisateurs/{id}/desactiver", user_disable,  SUPPORT },
	{ "POST", "/support/utilisateurs/{id}/reactiver", user_enable,    SUPPORT },
	{ "POST", "/support/utilisateurs/{id}/debloquer", user_unlock,    SUPPORT },
};

const struct app_area portal_support_area = {
	"support", support_routes, sizeof(support_routes) / sizeof(support_routes[0]),
	support_sql, SUP__MAX,
};
