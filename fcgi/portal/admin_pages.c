/*
 * Administration (/admin/): users, their roles with scopes and the
 * RPPS/ADELI identifier their account is linked to (one account per
 * identifier, shown with what the directory says of it), the
 * applications shown as tiles, the terms of use (CGU) and their versions,
 * and a read-only view of the audit log.  Every route needs the admin role
 * at the strong level (the pipeline checks both before any handler runs).
 * Every change runs in one transaction with its audit row, and answers
 * with a redirect to a page that says, in a fixed sentence, what was done.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin_cpts.h"
#include "audit.h"
#include "db.h"
#include "formerr.h"
#include "http.h"
#include "portal.h"
#include "roles.h"
#include "valid.h"

enum {
	ADM_USERS_BY_STATUS,
	ADM_REQUESTS_PENDING,
	ADM_APPS_COUNT,
	ADM_CGU_COUNT,
	ADM_AUDIT_RECENT,
	ADM_USER_SEARCH,
	ADM_USER_SEARCH_COUNT,
	ADM_USER_GET,
	ADM_USER_ROLES,
	ADM_ROLE_GRANT,
	ADM_ROLE_REVOKE,
	ADM_APP_LIST,
	ADM_APP_GET,
	ADM_APP_ROLES,
	ADM_APP_INSERT,
	ADM_APP_UPDATE,
	ADM_APP_ROLES_CLEAR,
	ADM_APP_ROLE_ADD,
	ADM_CGU_DOCS,
	ADM_CGU_DOC_GET,
	ADM_CGU_DOC_INSERT,
	ADM_CGU_VERSIONS,
	ADM_CGU_LATEST_BODY,
	ADM_CGU_PUBLISH,
	ADM_AUDIT_USER_ID,
	ADM_AUDIT_OLDER,
	ADM_AUDIT_NEWER,
	ADM_CPTS_COUNT,
	ADM_PRO_GET,
	ADM_USER_LOCK,
	ADM_IDNPS_OWNER,
	ADM_USER_SET_IDNPS,
	ADM__MAX
};
#define Q(i)	DB_STMT(PA_ADMIN, (i))

/* The filters of the audit view, shared by both directions of paging:
 * a NULL parameter switches its filter off. */
#define AUDIT_SELECT \
	"SELECT a.id, FLOOR(UNIX_TIMESTAMP(a.at)), u.login, a.ip, a.program," \
	" a.action, a.object_type, a.object_id, a.patient_id, a.outcome, a.detail" \
	" FROM audit_log a LEFT JOIN app_user u ON u.id = a.user_id" \
	" WHERE (? IS NULL OR a.at >= FROM_UNIXTIME(?))" \
	" AND (? IS NULL OR a.at < FROM_UNIXTIME(?))" \
	" AND (? IS NULL OR a.user_id = ?)" \
	" AND (? IS NULL OR LEFT(a.action, CHAR_LENGTH(?)) = ?)" \
	" AND (? IS NULL OR a.object_type = ?)" \
	" AND (? IS NULL OR a.object_id = ?)" \
	" AND (? IS NULL OR a.outcome = ?)"

/* Name, login and e-mail search; '!' escapes LIKE's wildcards. */
#define USER_WHERE \
	" WHERE (? = '' OR u.login LIKE ? ESCAPE '!' OR u.email LIKE ? ESCAPE '!'" \
	" OR u.last_name LIKE ? ESCAPE '!' OR u.first_name LIKE ? ESCAPE '!'" \
	" OR CONCAT(u.first_name, ' ', u.last_name) LIKE ? ESCAPE '!'" \
	" OR CONCAT(u.last_name, ' ', u.first_name) LIKE ? ESCAPE '!')" \
	" AND (? = '' OR u.status = ?)"

/* The latest version of a document, as the CGU gate (libsql.c) sees it. */
#define CGU_LATEST_ID(doc) \
	"(SELECT v2.id FROM cgu_version v2 WHERE v2.document_id = " doc \
	" ORDER BY v2.published_at DESC, v2.id DESC LIMIT 1)"

static const char *const admin_sql[ADM__MAX] = {
	[ADM_USERS_BY_STATUS] =
	    "SELECT status, COUNT(*) FROM app_user GROUP BY status",
	[ADM_REQUESTS_PENDING] =
	    "SELECT COUNT(*) FROM account_request WHERE status = 'pending'",
	[ADM_APPS_COUNT] =
	    "SELECT COUNT(*), COALESCE(SUM(enabled), 0) FROM application",
	[ADM_CGU_COUNT] =
	    "SELECT COUNT(*) FROM cgu_document",
	[ADM_AUDIT_RECENT] =
	    "SELECT COUNT(*), COALESCE(SUM(outcome <> 'ok'), 0) FROM audit_log"
	    " WHERE at >= FROM_UNIXTIME(?)",
	[ADM_USER_SEARCH] =
	    "SELECT u.id, u.login, u.email, u.first_name, u.last_name, u.status,"
	    " (SELECT GROUP_CONCAT(DISTINCT r.role ORDER BY r.role SEPARATOR ',')"
	    "  FROM user_role r WHERE r.user_id = u.id)"
	    " FROM app_user u" USER_WHERE
	    " ORDER BY u.last_name, u.first_name, u.id LIMIT ? OFFSET ?",
	[ADM_USER_SEARCH_COUNT] =
	    "SELECT COUNT(*) FROM app_user u" USER_WHERE,
	[ADM_USER_GET] =
	    "SELECT id, login, email, civility, first_name, last_name, mobile,"
	    " profession, idnps, structure, status, UNIX_TIMESTAMP(created_at),"
	    " COALESCE(UNIX_TIMESTAMP(last_login_at), 0),"
	    " COALESCE(UNIX_TIMESTAMP(locked_until), 0)"
	    " FROM app_user WHERE id = ?",
	[ADM_USER_ROLES] =
	    "SELECT r.role, r.scope_type, r.scope_id, UNIX_TIMESTAMP(r.granted_at),"
	    " g.login FROM user_role r LEFT JOIN app_user g ON g.id = r.granted_by"
	    " WHERE r.user_id = ? ORDER BY r.role, r.scope_type, r.scope_id",
	[ADM_ROLE_GRANT] =
	    "INSERT INTO user_role (user_id, role, scope_type, scope_id,"
	    " granted_by, granted_at) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?))",
	[ADM_ROLE_REVOKE] =
	    "DELETE FROM user_role WHERE user_id = ? AND role = ?"
	    " AND scope_type = ? AND scope_id = ?",
	[ADM_APP_LIST] =
	    "SELECT a.id, a.code, a.name, a.url, a.required_level, a.position,"
	    " a.enabled, d.code,"
	    " (SELECT GROUP_CONCAT(ar.role ORDER BY ar.role SEPARATOR ',')"
	    "  FROM application_role ar WHERE ar.application_id = a.id)"
	    " FROM application a LEFT JOIN cgu_document d ON d.id = a.cgu_document_id"
	    " ORDER BY a.position, a.name, a.id",
	[ADM_APP_GET] =
	    "SELECT id, code, name, description, url, icon, required_level,"
	    " position, enabled, COALESCE(cgu_document_id, 0)"
	    " FROM application WHERE id = ?",
	[ADM_APP_ROLES] =
	    "SELECT role FROM application_role WHERE application_id = ?",
	[ADM_APP_INSERT] =
	    "INSERT INTO application (code, name, description, url, icon,"
	    " required_level, position, cgu_document_id, enabled, updated_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ADM_APP_UPDATE] =
	    "UPDATE application SET name = ?, description = ?, url = ?, icon = ?,"
	    " required_level = ?, position = ?, cgu_document_id = ?, enabled = ?,"
	    " updated_by = ? WHERE id = ?",
	[ADM_APP_ROLES_CLEAR] =
	    "DELETE FROM application_role WHERE application_id = ?",
	[ADM_APP_ROLE_ADD] =
	    "INSERT INTO application_role (application_id, role) VALUES (?, ?)",
	[ADM_CGU_DOCS] =
	    "SELECT d.id, d.code, d.title, v.version,"
	    " COALESCE(UNIX_TIMESTAMP(v.published_at), 0),"
	    " (SELECT COUNT(*) FROM cgu_version v3 WHERE v3.document_id = d.id),"
	    " (SELECT COUNT(*) FROM cgu_acceptance a WHERE a.version_id = v.id)"
	    " FROM cgu_document d LEFT JOIN cgu_version v ON v.id = "
	    CGU_LATEST_ID("d.id") " ORDER BY d.code",
	[ADM_CGU_DOC_GET] =
	    "SELECT id, code, title FROM cgu_document WHERE code = ?",
	[ADM_CGU_DOC_INSERT] =
	    "INSERT INTO cgu_document (code, title) VALUES (?, ?)",
	[ADM_CGU_VERSIONS] =
	    "SELECT v.id, v.version, UNIX_TIMESTAMP(v.published_at), p.login,"
	    " (SELECT COUNT(*) FROM cgu_acceptance a WHERE a.version_id = v.id),"
	    " CHAR_LENGTH(v.body) FROM cgu_version v"
	    " LEFT JOIN app_user p ON p.id = v.published_by"
	    " WHERE v.document_id = ? ORDER BY v.published_at DESC, v.id DESC",
	[ADM_CGU_LATEST_BODY] =
	    "SELECT body FROM cgu_version WHERE id = " CGU_LATEST_ID("?"),
	/* Never dated before the current latest version: the new one must be
	 * the latest for the gate even if the clock stepped back. */
	[ADM_CGU_PUBLISH] =
	    "INSERT INTO cgu_version (document_id, version, body, published_at,"
	    " published_by) SELECT ?, ?, ?, GREATEST(FROM_UNIXTIME(?),"
	    " COALESCE(MAX(published_at), FROM_UNIXTIME(?))), ?"
	    " FROM cgu_version WHERE document_id = ?",
	[ADM_AUDIT_USER_ID] =
	    "SELECT id FROM app_user WHERE login = ?",
	[ADM_AUDIT_OLDER] =
	    AUDIT_SELECT " AND a.id < ? ORDER BY a.id DESC LIMIT ?",
	[ADM_AUDIT_NEWER] =
	    AUDIT_SELECT " AND a.id > ? ORDER BY a.id ASC LIMIT ?",
	[ADM_CPTS_COUNT] =
	    "SELECT COUNT(*) FROM cpts",
	/* The directory's record of an RPPS/ADELI identifier. */
	[ADM_PRO_GET] =
	    "SELECT p.last_name, p.first_name, p.last_key, p.first_key,"
	    " COALESCE(pr.label, p.profession_code), p.file_status"
	    " FROM professional p"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " WHERE p.idnps = ?",
	[ADM_USER_LOCK] =
	    "SELECT login, idnps FROM app_user WHERE id = ? FOR UPDATE",
	/* One account per identifier (sql/011_cpts_admin.sql). */
	[ADM_IDNPS_OWNER] =
	    "SELECT id, login FROM app_user WHERE idnps = ? AND id <> ?",
	[ADM_USER_SET_IDNPS] =
	    "UPDATE app_user SET idnps = ?, updated_at = FROM_UNIXTIME(?),"
	    " updated_by = ? WHERE id = ?",
};

#define USERS_PER_PAGE	50
#define AUDIT_PER_PAGE	100
#define ID_MAX		9007199254740991LL	/* 2^53 - 1: safe everywhere */

/* ---- roles and their scopes (the table is fcgi/lib/roles.c) ---- */

static const char *
scope_text(struct req *r, const char *type, long long id)
{
	const struct scope_kind *sk = scope_find(type);

	if (sk == NULL || strcmp(type, "none") == 0)
		return "";
	return arena_printf(&r->arena, "%s n° %lld", sk->label, id);
}

/* "pro,support" -> "Professionnel, Centre de services" */
static const char *
role_list_text(struct req *r, const char *csv)
{
	struct buf b = BUF_INIT;
	char *copy, *item, *save = NULL;
	const char *out;

	if (csv == NULL || *csv == '\0')
		return "";
	copy = arena_strdup(&r->arena, csv);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, role_label(item));
	}
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* ---- small helpers ---- */

static const struct http_message ok_messages[] = {
	{ "role-attribue",	 "Le rôle a été attribué." },
	{ "role-retire",	 "Le rôle a été retiré." },
	{ "rpps-relie",		 "Le compte est relié à cet identifiant RPPS/ADELI : "
				 "le professionnel peut remplir sa fiche de "
				 "l'annuaire." },
	{ "rpps-retire",	 "Le compte n'est plus relié à un identifiant "
				 "RPPS/ADELI." },
	{ "application-creee",	 "L'application a été ajoutée." },
	{ "application-modifiee", "L'application a été modifiée." },
	{ "document-cree",	 "Le document a été créé : publiez maintenant sa "
				 "première version." },
	{ "version-publiee",	 "La nouvelle version a été publiée : chaque "
				 "utilisateur devra l'accepter de nouveau à sa "
				 "prochaine page." },
};

static const char *const user_statuses[] = { "pending", "active", "disabled", NULL };
static const char *const outcomes[] = { "ok", "denied", "error", NULL };

static const struct code_label user_status_labels[] = {
	{ "pending", "En attente d'activation" },
	{ "active", "Actif" },
	{ "disabled", "Désactivé" },
	{ NULL, NULL },
};

static const struct code_label outcome_labels[] = {
	{ "ok", "Réussi" },
	{ "denied", "Refusé" },
	{ "error", "Erreur" },
	{ NULL, NULL },
};

static const char *
form_trim(struct req *r, const char *name)
{
	return http_trim(r, http_form(r, name));
}

static const char *
query_trim(struct req *r, const char *name)
{
	return http_trim(r, http_query(r, name));
}

/* True when s is min..max bytes of [a-z0-9] and the characters of extra. */
static bool
ascii_code(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr(extra, c) != NULL)
			continue;
		return false;
	}
	return true;
}

static bool
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* "%s%" for LIKE, with '!' escaping the wildcards of s. */
static const char *
like_pattern(struct req *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_putc(&b, '%');
	for (; *s != '\0'; s++) {
		if (*s == '!' || *s == '%' || *s == '_')
			buf_putc(&b, '!');
		buf_putc(&b, *s);
	}
	buf_putc(&b, '%');
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* The base context of an admin page: title, the section for the menu,
 * and the fixed success message named by ?ok=. */
static struct tdict *
admin_ctx(struct req *r, const char *title, const char *section)
{
	struct tdict *ctx = http_ctx(r);
	const char *ok;

	tdict_str(ctx, "title", title);
	tdict_bool(ctx, arena_printf(&r->arena, "nav_%s", section), true);
	if ((ok = http_ok_message(r, ok_messages,
	    sizeof(ok_messages) / sizeof(ok_messages[0]))) != NULL)
		tdict_str(ctx, "ok_message", ok);
	return ctx;
}

/* ---- dashboard ---- */

static int
admin_root(struct req *r)
{
	return http_redirect(r, "/admin/");
}

static int
admin_home(struct req *r)
{
	struct db_result st, rq, ap, cg, au, cp;
	struct tdict *ctx;
	long long total = 0;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(ADM_USERS_BY_STATUS), DB_NOPARAMS,
	    &st) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(ADM_REQUESTS_PENDING),
	    DB_NOPARAMS, &rq) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(ADM_APPS_COUNT), DB_NOPARAMS,
	    &ap) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(ADM_CGU_COUNT), DB_NOPARAMS,
	    &cg) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(ADM_AUDIT_RECENT),
	    DB_PARAMS(DBP_INT(r->now - 86400)), &au) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(ADM_CPTS_COUNT), DB_NOPARAMS,
	    &cp) != DB_OK)
		return -1;
	ctx = admin_ctx(r, "Administration", "home");
	tdict_int(ctx, "users_pending", 0);
	tdict_int(ctx, "users_active", 0);
	tdict_int(ctx, "users_disabled", 0);
	for (i = 0; i < st.nrows; i++) {
		const char *s = db_cell(&st, i, 0);

		total += db_cell_int(&st, i, 1);
		if (s != NULL && in_list(s, user_statuses))
			tdict_int(ctx, arena_printf(&r->arena, "users_%s", s),
			    db_cell_int(&st, i, 1));
	}
	tdict_int(ctx, "users_total", total);
	tdict_int(ctx, "requests_pending", db_cell_int(&rq, 0, 0));
	tdict_int(ctx, "apps_total", db_cell_int(&ap, 0, 0));
	tdict_int(ctx, "apps_enabled", db_cell_int(&ap, 0, 1));
	tdict_int(ctx, "cgu_documents", db_cell_int(&cg, 0, 0));
	tdict_int(ctx, "cpts_total", db_cell_int(&cp, 0, 0));
	tdict_int(ctx, "audit_day", db_cell_int(&au, 0, 0));
	tdict_int(ctx, "audit_day_denied", db_cell_int(&au, 0, 1));
	return http_render(r, 200, "portal/admin_home", ctx);
}

/* ---- users ---- */

static const char *
users_link(struct req *r, const char *q, const char *status, long long page)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_puts(&b, "/admin/utilisateurs?q=");
	buf_url(&b, q);
	buf_puts(&b, "&statut=");
	buf_url(&b, status);
	buf_printf(&b, "&page=%lld", page);
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static int
admin_users(struct req *r)
{
	const char *q = query_trim(r, "q"), *status = query_trim(r, "statut");
	const char *page_s = query_trim(r, "page"), *like;
	struct db_result res, cnt;
	struct form_errors fe = { .n = 0 };
	struct tdict *ctx;
	struct tlist *rows, *opts;
	long long page = 1, total, npages;
	size_t i;

	form_error_add(&fe, "q", valid_text(q, 0, 100));
	if (*status != '\0' && !in_list(status, user_statuses))
		form_error_add(&fe, "statut", "Choisissez un état de la liste.");
	if (*page_s != '\0' && valid_parse_ll(page_s, 1, 1000000, &page) != 0)
		form_error_add(&fe, "page", "Le numéro de page est invalide.");
	ctx = admin_ctx(r, "Utilisateurs", "users");
	tdict_str(ctx, "q", q);
	opts = tdict_list(ctx, "statuses");
	for (i = 0; user_statuses[i] != NULL; i++) {
		struct tdict *o = tlist_add(opts);

		tdict_str(o, "value", user_statuses[i]);
		tdict_str(o, "label", code_label(user_status_labels, user_statuses[i]));
		tdict_bool(o, "selected", strcmp(status, user_statuses[i]) == 0);
	}
	form_errors_tdict(&r->arena, ctx, &fe);
	if (fe.n > 0)
		return http_render(r, 422, "portal/admin_users", ctx);

	like = like_pattern(r, q);
#define USER_WHERE_PARAMS \
	DBP_STR(q), DBP_STR(like), DBP_STR(like), DBP_STR(like), DBP_STR(like), \
	DBP_STR(like), DBP_STR(like), DBP_STR(status), DBP_STR(status)
	if (db_query_row(r->app->db, &r->arena, Q(ADM_USER_SEARCH_COUNT),
	    DB_PARAMS(USER_WHERE_PARAMS), &cnt) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(ADM_USER_SEARCH), DB_PARAMS(
	    USER_WHERE_PARAMS, DBP_INT(USERS_PER_PAGE),
	    DBP_INT((page - 1) * USERS_PER_PAGE)), &res) != DB_OK)
		return -1;
#undef USER_WHERE_PARAMS
	total = db_cell_int(&cnt, 0, 0);
	npages = total == 0 ? 1 : (total + USERS_PER_PAGE - 1) / USERS_PER_PAGE;
	rows = tdict_list(ctx, "users");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *u = tlist_add(rows);

		tdict_str(u, "id", db_cell(&res, i, 0));
		tdict_str(u, "login", db_cell(&res, i, 1));
		tdict_str(u, "email", db_cell(&res, i, 2));
		tdict_str(u, "first_name", db_cell(&res, i, 3));
		tdict_str(u, "last_name", db_cell(&res, i, 4));
		tdict_str(u, "status", db_cell(&res, i, 5));
		tdict_str(u, "status_label", code_label(user_status_labels, db_cell(&res, i, 5)));
		tdict_bool(u, "active", strcmp(db_cell(&res, i, 5), "active") == 0);
		tdict_str(u, "roles", role_list_text(r, db_cell(&res, i, 6)));
	}
	tdict_int(ctx, "total", total);
	tdict_bool(ctx, "none", res.nrows == 0);
	tdict_bool(ctx, "searched", *q != '\0' || *status != '\0');
	tdict_int(ctx, "page", page);
	tdict_int(ctx, "npages", npages);
	tdict_bool(ctx, "paged", npages > 1);
	if (page > 1)
		tdict_str(ctx, "prev_url", users_link(r, q, status, page - 1));
	if (page < npages)
		tdict_str(ctx, "next_url", users_link(r, q, status, page + 1));
	return http_render(r, 200, "portal/admin_users", ctx);
}

/* What the grant form holds when it is shown again. */
struct grant_form {
	const char	*role;
	const char	*scope;
	const char	*scope_id;
	struct form_errors	 fe;
};

/* What the RPPS/ADELI form holds when it is shown again. */
struct idnps_form {
	const char	*typed;
	const char	*error;
};

/* The directory's record of the account's identifier beside it: name and
 * profession when found, a warning when it is not, or when the names
 * differ.  Returns 0, or -1 on a database failure. */
static int
user_idnps_ctx(struct req *r, struct tdict *ctx, const struct db_result *u)
{
	const char *idnps = db_cell(u, 0, 8);
	struct db_result p;
	struct tdict *d;
	char ka[256], kf[256];

	if (idnps == NULL || *idnps == '\0')
		return 0;
	switch (db_query_row(r->app->db, &r->arena, Q(ADM_PRO_GET),
	    DB_PARAMS(DBP_STR(idnps)), &p)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		tdict_bool(ctx, "idnps_unknown", true);
		return 0;
	default:
		return -1;
	}
	d = tdict_dict(ctx, "pro");
	tdict_str(d, "first_name", db_cell(&p, 0, 1));
	tdict_str(d, "last_name", db_cell(&p, 0, 0));
	tdict_str(d, "profession", db_cell(&p, 0, 4));
	tdict_str(d, "url", arena_printf(&r->arena, "/annuaire/pro/%s", idnps));
	tdict_bool(d, "disappeared", strcmp(db_cell(&p, 0, 5), "present") != 0);
	/* Compared as the directory's search keys: accents, case, hyphens
	 * and apostrophes do not count. */
	if (!cpts_name_key(db_cell(u, 0, 5), ka, sizeof(ka)) ||
	    !cpts_name_key(db_cell(u, 0, 4), kf, sizeof(kf)) ||
	    strcasecmp(ka, db_cell(&p, 0, 2)) != 0 ||
	    strcasecmp(kf, db_cell(&p, 0, 3)) != 0)
		tdict_bool(d, "name_differs", true);
	return 0;
}

static int
user_page_full(struct req *r, long long uid, int status,
    const struct grant_form *g, const struct idnps_form *rf, const char *error)
{
	struct db_result u, roles;
	struct tdict *ctx, *d;
	struct tlist *l;
	const char *role = g ? g->role : "", *scope = g ? g->scope : "none";
	size_t i;

	switch (db_query_row(r->app->db, &r->arena, Q(ADM_USER_GET),
	    DB_PARAMS(DBP_INT(uid)), &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	default:
		return -1;
	}
	if (db_query(r->app->db, &r->arena, Q(ADM_USER_ROLES),
	    DB_PARAMS(DBP_INT(uid)), &roles) != DB_OK)
		return -1;
	ctx = admin_ctx(r, arena_printf(&r->arena, "%s %s", db_cell(&u, 0, 4),
	    db_cell(&u, 0, 5)), "users");
	d = tdict_dict(ctx, "target");
	tdict_str(d, "id", db_cell(&u, 0, 0));
	tdict_str(d, "login", db_cell(&u, 0, 1));
	tdict_str(d, "email", db_cell(&u, 0, 2));
	tdict_str(d, "civility", db_cell(&u, 0, 3));
	tdict_str(d, "first_name", db_cell(&u, 0, 4));
	tdict_str(d, "last_name", db_cell(&u, 0, 5));
	tdict_str(d, "mobile", db_cell(&u, 0, 6));
	tdict_str(d, "profession", db_cell(&u, 0, 7));
	tdict_str(d, "idnps", db_cell(&u, 0, 8));
	tdict_str(d, "structure", db_cell(&u, 0, 9));
	tdict_str(d, "status_label", code_label(user_status_labels, db_cell(&u, 0, 10)));
	tdict_str(d, "created", http_date_fr(r, (time_t)db_cell_int(&u, 0, 11), true));
	tdict_str(d, "last_login", http_date_fr(r, (time_t)db_cell_int(&u, 0, 12), true));
	if (db_cell_int(&u, 0, 13) > r->now)
		tdict_str(d, "locked_until", http_date_fr(r,
		    (time_t)db_cell_int(&u, 0, 13), true));
	{
		struct buf b = BUF_INIT;

		buf_puts(&b, "/admin/journal?login=");
		buf_url(&b, db_cell(&u, 0, 1));
		tdict_str(d, "journal_by", buf_str(&b));
		buf_clear(&b);
		buf_puts(&b, "/admin/journal?objet=user&objet_id=");
		buf_url(&b, db_cell(&u, 0, 1));
		tdict_str(d, "journal_on", buf_str(&b));
		buf_free(&b);
	}
	tdict_bool(ctx, "self", uid == r->session->user_id);
	if (user_idnps_ctx(r, ctx, &u) != 0)
		return -1;
	tdict_str(ctx, "idnps_typed", rf != NULL ? rf->typed : "");
	/* Its own message, apart from the role form's summary. */
	if (rf != NULL && rf->error != NULL)
		tdict_str(ctx, "err_idnps", rf->error);

	l = tdict_list(ctx, "roles");
	for (i = 0; i < roles.nrows; i++) {
		struct tdict *x = tlist_add(l);
		const char *rl = db_cell(&roles, i, 0);

		tdict_str(x, "role", rl);
		tdict_str(x, "label", role_label(rl));
		tdict_str(x, "scope_type", db_cell(&roles, i, 1));
		tdict_str(x, "scope_id", db_cell(&roles, i, 2));
		tdict_str(x, "scope", scope_text(r, db_cell(&roles, i, 1),
		    db_cell_int(&roles, i, 2)));
		tdict_str(x, "granted", http_date_fr(r,
		    (time_t)db_cell_int(&roles, i, 3), false));
		tdict_str(x, "granted_by", db_cell(&roles, i, 4));
		/* An admin keeps their own admin role: no lock-out. */
		tdict_bool(x, "locked", uid == r->session->user_id &&
		    strcmp(rl, "admin") == 0);
	}
	tdict_bool(ctx, "no_roles", roles.nrows == 0);

	l = tdict_list(ctx, "role_options");
	for (i = 0; i < ROLE_COUNT; i++) {
		struct tdict *o = tlist_add(l);

		tdict_str(o, "value", role_rules[i].role);
		tdict_str(o, "label", role_rules[i].label);
		tdict_str(o, "scope_label", scope_find(role_rules[i].scope_type)->label);
		tdict_bool(o, "selected", strcmp(role, role_rules[i].role) == 0);
	}
	l = tdict_list(ctx, "scope_options");
	for (i = 0; i < SCOPE_COUNT; i++) {
		struct tdict *o = tlist_add(l);

		tdict_str(o, "value", scope_kinds[i].type);
		tdict_str(o, "label", scope_kinds[i].label);
		tdict_bool(o, "selected", strcmp(scope, scope_kinds[i].type) == 0);
	}
	tdict_str(ctx, "scope_id", g ? g->scope_id : "");
	if (g != NULL)
		form_errors_tdict(&r->arena, ctx, &g->fe);
	tdict_str(ctx, "error", error);
	return http_render(r, status, "portal/admin_user", ctx);
}

static int
user_page(struct req *r, long long uid, int status, const struct grant_form *g,
    const char *error)
{
	return user_page_full(r, uid, status, g, NULL, error);
}

static int
admin_user(struct req *r)
{
	long long uid = http_path_id(r, "id");

	if (uid == 0)
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	return user_page(r, uid, 200, NULL, NULL);
}

/* The account the path names: its id into *uid, its login into *login.
 * Returns true, or false with *answer set to the handler's answer (404
 * page, or -1 after a database failure). */
static bool
path_user(struct req *r, long long *uid, const char **login, int *answer)
{
	struct db_result u;

	*answer = -1;
	if ((*uid = http_path_id(r, "id")) == 0) {
		*answer = http_error(r, 404, "Cet utilisateur n'existe pas.");
		return false;
	}
	switch (db_query_row(r->app->db, &r->arena, Q(ADM_USER_GET),
	    DB_PARAMS(DBP_INT(*uid)), &u)) {
	case DB_OK:
		*login = db_cell(&u, 0, 1);
		return true;
	case DB_NOT_FOUND:
		*answer = http_error(r, 404, "Cet utilisateur n'existe pas.");
		return false;
	default:
		return false;
	}
}

static int
admin_role_grant(struct req *r)
{
	long long uid, scope_id = 0;
	struct grant_form g = { .fe = { .n = 0 } };
	const char *login = NULL, *spec;
	char why[ROLE_MSG_MAX];
	enum role_fault fault;
	int answer;

	if (!path_user(r, &uid, &login, &answer))
		return answer;
	g.role = form_trim(r, "role");
	g.scope = form_trim(r, "portee");
	g.scope_id = form_trim(r, "portee_id");
	if (role_find(g.role) == NULL)
		form_error_add(&g.fe, "role", "Choisissez un rôle de la liste.");
	if (scope_find(g.scope) == NULL)
		form_error_add(&g.fe, "portee", "Choisissez une portée de la liste.");
	if (*g.scope_id != '\0' && valid_parse_ll(g.scope_id, 0, ID_MAX,
	    &scope_id) != 0)
		form_error_add(&g.fe, "portee_id", "Le numéro de la portée est un "
		    "nombre entier positif.");
	if (g.fe.n == 0 && (fault = role_scope_check(g.role, g.scope, scope_id,
	    why)) != ROLE_OK)
		/* The scope itself or its number is what to change. */
		form_error_add(&g.fe, fault == ROLE_FAULT_SCOPE_ID ? "portee_id" :
		    "portee", arena_strdup(&r->arena, why));
	if (g.fe.n > 0)
		return user_page(r, uid, 422, &g, NULL);

	spec = arena_printf(&r->arena, "%s:%s:%lld", g.role, g.scope, scope_id);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	switch (db_exec(r->app->db, Q(ADM_ROLE_GRANT), DB_PARAMS(DBP_INT(uid),
	    DBP_STR(g.role), DBP_STR(g.scope), DBP_INT(scope_id),
	    DBP_INT(r->session->user_id), DBP_INT(r->now)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(r->app->db);
		form_error_add(&g.fe, "role", "Cet utilisateur a déjà ce rôle avec "
		    "cette portée.");
		return user_page(r, uid, 422, &g, NULL);
	default:
		return http_fail_rollback(r);
	}
	if (audit(r, "role.grant", "user", login, 0, AUDIT_OK, spec) != DB_OK ||
	    db_commit(r->app->db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/utilisateurs/%lld?ok=role-attribue", uid));
}

static int
admin_role_revoke(struct req *r)
{
	long long uid, scope_id = 0;
	const char *login = NULL, *role, *scope, *spec;
	unsigned long long affected = 0;
	int answer;

	if (!path_user(r, &uid, &login, &answer))
		return answer;
	role = form_trim(r, "role");
	scope = form_trim(r, "portee");
	if (role_find(role) == NULL || scope_find(scope) == NULL ||
	    valid_parse_ll(form_trim(r, "portee_id"), 0, ID_MAX, &scope_id) != 0)
		return user_page(r, uid, 422, NULL, "Ce rôle est inconnu : "
		    "rechargez la page, puis recommencez.");
	spec = arena_printf(&r->arena, "%s:%s:%lld", role, scope, scope_id);
	if (uid == r->session->user_id && strcmp(role, "admin") == 0) {
		if (audit(r, "role.revoke", "user", login, 0, AUDIT_DENIED,
		    "propre rôle admin") != DB_OK)
			return -1;
		return user_page(r, uid, 409, NULL, "Vous ne pouvez pas retirer "
		    "votre propre rôle d'administrateur : demandez-le à un autre "
		    "administrateur.");
	}
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_exec(r->app->db, Q(ADM_ROLE_REVOKE), DB_PARAMS(DBP_INT(uid),
	    DBP_STR(role), DBP_STR(scope), DBP_INT(scope_id)), &affected) != DB_OK)
		return http_fail_rollback(r);
	if (affected == 0) {
		db_rollback(r->app->db);
		return user_page(r, uid, 409, NULL, "Cet utilisateur n'a pas (ou "
		    "plus) ce rôle : la page a été mise à jour.");
	}
	if (audit(r, "role.revoke", "user", login, 0, AUDIT_OK, spec) != DB_OK ||
	    db_commit(r->app->db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/utilisateurs/%lld?ok=role-retire", uid));
}

/* ---- the account's RPPS/ADELI identifier (app_user.idnps) ---- */

/* Begins the transaction and locks account uid (login and IDNPS into u).
 * Returns true, or false with *answer set to the handler's answer (404
 * page, or -1 after a database failure) and the transaction ended. */
static bool
user_lock(struct req *r, long long uid, struct db_result *u, int *answer)
{
	return http_begin_locked(r, Q(ADM_USER_LOCK), uid, u,
	    "Cet utilisateur n'existe pas.", answer);
}

/* The audit detail of a link: "old → new" and what the directory says. */
static const char *
idnps_detail(struct req *r, const char *old, const char *new)
{
	struct db_result p;
	const char *dir = "";

	if (new != NULL) {
		switch (db_query_row(r->app->db, &r->arena, Q(ADM_PRO_GET),
		    DB_PARAMS(DBP_STR(new)), &p)) {
		case DB_OK:
			dir = arena_printf(&r->arena, "; annuaire : %s %s",
			    db_cell(&p, 0, 1), db_cell(&p, 0, 0));
			break;
		case DB_NOT_FOUND:
			dir = "; absent de l'annuaire";
			break;
		default:
			return NULL;
		}
	}
	return arena_printf(&r->arena, "%s → %s%s", old != NULL ? old : "-",
	    new != NULL ? new : "-", dir);
}

static int
admin_idnps_set(struct req *r)
{
	struct db *db = r->app->db;
	struct db_result u, owner;
	struct idnps_form rf = { .typed = form_trim(r, "idnps") };
	long long uid = http_path_id(r, "id");
	const char *login, *old, *detail;
	char idnps[16];
	int answer;

	if (uid == 0)
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	if (!cpts_idnps_parse(rf.typed, idnps)) {
		rf.error = "Indiquez un numéro RPPS (11 chiffres), ADELI "
		    "(9 chiffres) ou l'identifiant national IDNPS (8 ou 0 suivi "
		    "du numéro) valide.";
		return user_page_full(r, uid, 422, NULL, &rf, NULL);
	}
	if (!user_lock(r, uid, &u, &answer))
		return answer;
	login = db_cell(&u, 0, 0);
	old = db_cell(&u, 0, 1);
	if (old != NULL && strcmp(old, idnps) == 0) {
		db_rollback(db);
		return http_redirect(r, arena_printf(&r->arena,
		    "/admin/utilisateurs/%lld?ok=rpps-relie", uid));
	}
	switch (db_query_row(db, &r->arena, Q(ADM_IDNPS_OWNER),
	    DB_PARAMS(DBP_STR(idnps), DBP_INT(uid)), &owner)) {
	case DB_OK:
		db_rollback(db);
		rf.error = arena_printf(&r->arena, "Ce numéro est déjà relié au "
		    "compte %s : un professionnel n'a qu'un compte. Retirez-le "
		    "d'abord de ce compte-là.", db_cell(&owner, 0, 1));
		return user_page_full(r, uid, 422, NULL, &rf, NULL);
	case DB_NOT_FOUND:
		break;
	default:
		return http_fail_rollback(r);
	}
	switch (db_exec(db, Q(ADM_USER_SET_IDNPS), DB_PARAMS(DBP_STR(idnps),
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(uid)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(db);
		rf.error = "Ce numéro vient d'être relié à un autre compte : un "
		    "professionnel n'a qu'un compte.";
		return user_page_full(r, uid, 422, NULL, &rf, NULL);
	default:
		return http_fail_rollback(r);
	}
	if ((detail = idnps_detail(r, old, idnps)) == NULL ||
	    audit(r, "user.idnps", "user", login, 0, AUDIT_OK, detail) != DB_OK ||
	    db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/utilisateurs/%lld?ok=rpps-relie", uid));
}

static int
admin_idnps_clear(struct req *r)
{
	struct db *db = r->app->db;
	struct db_result u;
	long long uid = http_path_id(r, "id");
	const char *login, *old;
	int answer;

	if (uid == 0)
		return http_error(r, 404, "Cet utilisateur n'existe pas.");
	if (!user_lock(r, uid, &u, &answer))
		return answer;
	login = db_cell(&u, 0, 0);
	old = db_cell(&u, 0, 1);
	if (old == NULL) {
		db_rollback(db);
		return user_page(r, uid, 409, NULL, "Ce compte n'est relié à "
		    "aucun identifiant RPPS/ADELI : la page a été mise à jour.");
	}
	if (db_exec(db, Q(ADM_USER_SET_IDNPS), DB_PARAMS(DBP_NULL,
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(uid)),
	    NULL) != DB_OK ||
	    audit(r, "user.idnps", "user", login, 0, AUDIT_OK,
	    idnps_detail(r, old, NULL)) != DB_OK || db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/utilisateurs/%lld?ok=rpps-retire", uid));
}

/* ---- applications (tiles) ---- */

static int
admin_apps(struct req *r)
{
	struct db_result res;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(ADM_APP_LIST), DB_NOPARAMS,
	    &res) != DB_OK)
		return -1;
	ctx = admin_ctx(r, "Applications", "apps");
	l = tdict_list(ctx, "apps");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *a = tlist_add(l);

		tdict_str(a, "id", db_cell(&res, i, 0));
		tdict_str(a, "code", db_cell(&res, i, 1));
		tdict_str(a, "name", db_cell(&res, i, 2));
		tdict_str(a, "url", db_cell(&res, i, 3));
		tdict_str(a, "level", db_cell(&res, i, 4));
		tdict_str(a, "position", db_cell(&res, i, 5));
		tdict_bool(a, "enabled", db_cell_int(&res, i, 6) != 0);
		tdict_str(a, "cgu", db_cell(&res, i, 7));
		tdict_str(a, "roles", role_list_text(r, db_cell(&res, i, 8)));
	}
	tdict_bool(ctx, "none", res.nrows == 0);
	return http_render(r, 200, "portal/admin_apps", ctx);
}

static const char *const level_labels[] = {
	NULL,
	"1 – mot de passe",
	"2 – authentification forte (code à usage unique)",
	"3 – Pro Santé Connect",
};

struct app_form {
	long long	 id;		/* 0 while creating */
	struct appdef	 d;
	struct form_errors	 fe;
};

static int
app_form_page(struct req *r, int status, const struct app_form *f)
{
	struct db_result docs;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(ADM_CGU_DOCS), DB_NOPARAMS,
	    &docs) != DB_OK)
		return -1;
	ctx = admin_ctx(r, f->id ? arena_printf(&r->arena, "Application « %s »",
	    f->d.code) : "Nouvelle application", "apps");
	tdict_bool(ctx, "creating", f->id == 0);
	tdict_str(ctx, "action", f->id ? arena_printf(&r->arena,
	    "/admin/applications/%lld", f->id) : "/admin/applications/nouvelle");
	tdict_str(ctx, "code", f->d.code);
	tdict_str(ctx, "name", f->d.name);
	tdict_str(ctx, "description", f->d.description);
	tdict_str(ctx, "url", f->d.url);
	tdict_str(ctx, "icon", f->d.icon);
	tdict_str(ctx, "position", f->d.position);
	tdict_bool(ctx, "enabled", f->d.enabled);
	l = tdict_list(ctx, "levels");
	for (i = 1; i <= 3; i++) {
		struct tdict *o = tlist_add(l);

		tdict_int(o, "value", (long long)i);
		tdict_str(o, "label", level_labels[i]);
		tdict_bool(o, "selected", f->d.level[0] == (char)('0' + i) &&
		    f->d.level[1] == '\0');
	}
	l = tdict_list(ctx, "roles");
	for (i = 0; i < ROLE_COUNT; i++) {
		struct tdict *o = tlist_add(l);

		tdict_str(o, "value", role_rules[i].role);
		tdict_str(o, "label", role_rules[i].label);
		tdict_bool(o, "checked", f->d.roles[i]);
	}
	l = tdict_list(ctx, "cgu_options");
	for (i = 0; i < docs.nrows; i++) {
		struct tdict *o = tlist_add(l);

		tdict_str(o, "value", db_cell(&docs, i, 0));
		tdict_str(o, "code", db_cell(&docs, i, 1));
		tdict_str(o, "label", db_cell(&docs, i, 2));
		tdict_bool(o, "selected",
		    strcmp(f->d.cgu, db_cell(&docs, i, 0)) == 0);
	}
	tdict_bool(ctx, "no_cgu", *f->d.cgu == '\0');
	form_errors_tdict(&r->arena, ctx, &f->fe);
	return http_render(r, status, "portal/admin_app_form", ctx);
}

static int
admin_app_new(struct req *r)
{
	struct app_form f = { .d = { .code = "", .name = "", .description = "",
	    .url = "/", .icon = "app", .level = "1", .position = "100",
	    .cgu = "", .enabled = true } };

	return app_form_page(r, 200, &f);
}

/* Loads the application the path names into f.  Returns true, or false
 * with *answer set to the handler's answer (404 page, or -1 after a
 * database failure). */
static bool
app_load(struct req *r, struct app_form *f, int *answer)
{
	struct db_result a, roles;
	long long id = http_path_id(r, "id");
	size_t i, k;

	memset(f, 0, sizeof(*f));
	*answer = -1;
	switch (id == 0 ? DB_NOT_FOUND : db_query_row(r->app->db, &r->arena,
	    Q(ADM_APP_GET), DB_PARAMS(DBP_INT(id)), &a)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		*answer = http_error(r, 404, "Cette application n'existe pas.");
		return false;
	default:
		return false;
	}
	if (db_query(r->app->db, &r->arena, Q(ADM_APP_ROLES),
	    DB_PARAMS(DBP_INT(id)), &roles) != DB_OK)
		return false;
	f->id = id;
	f->d.code = db_cell(&a, 0, 1);
	f->d.name = db_cell(&a, 0, 2);
	f->d.description = db_cell(&a, 0, 3);
	f->d.url = db_cell(&a, 0, 4);
	f->d.icon = db_cell(&a, 0, 5);
	f->d.level = db_cell(&a, 0, 6);
	f->d.position = db_cell(&a, 0, 7);
	f->d.enabled = db_cell_int(&a, 0, 8) != 0;
	f->d.cgu = db_cell_int(&a, 0, 9) != 0 ? db_cell(&a, 0, 9) : "";
	for (i = 0; i < roles.nrows; i++)
		for (k = 0; k < ROLE_COUNT; k++)
			if (strcmp(db_cell(&roles, i, 0), role_rules[k].role) == 0)
				f->d.roles[k] = true;
	return true;
}

static int
admin_app_edit(struct req *r)
{
	struct app_form f;
	int answer;

	if (!app_load(r, &f, &answer))
		return answer;
	return app_form_page(r, 200, &f);
}

/* Reads and checks the posted form into f (f->id and, when editing,
 * f->d.code already set); the checks are roles.c's, shared with
 * parvis-admin. */
static void
app_form_read(struct req *r, struct app_form *f)
{
	/* The form's names of the fields of enum appdef_field. */
	static const char *const names[APPDEF_NFIELDS] = {
		[APPDEF_CODE] = "code", [APPDEF_NAME] = "nom",
		[APPDEF_DESCRIPTION] = "description", [APPDEF_URL] = "url",
		[APPDEF_ICON] = "icone", [APPDEF_LEVEL] = "niveau",
		[APPDEF_POSITION] = "position", [APPDEF_CGU] = "cgu",
	};
	struct appdef_error errs[APPDEF_NFIELDS];
	size_t i, k, n;
	bool unknown = false;

	if (f->id == 0)
		f->d.code = form_trim(r, "code");
	f->d.name = form_trim(r, "nom");
	f->d.description = form_trim(r, "description");
	f->d.url = form_trim(r, "url");
	f->d.icon = form_trim(r, "icone");
	f->d.level = form_trim(r, "niveau");
	f->d.position = form_trim(r, "position");
	f->d.cgu = form_trim(r, "cgu");
	f->d.enabled = http_form(r, "active") != NULL;
	n = appdef_check(&f->d, f->id == 0, errs);
	for (i = 0; i < n; i++)
		form_error_add(&f->fe, names[errs[i].field], errs[i].msg);
	memset(f->d.roles, 0, sizeof(f->d.roles));
	for (i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.v[i].name, "roles") != 0)
			continue;
		for (k = 0; k < ROLE_COUNT; k++)
			if (strcmp(r->form.v[i].value, role_rules[k].role) == 0)
				break;
		if (k == ROLE_COUNT)
			unknown = true;
		else
			f->d.roles[k] = true;
	}
	if (unknown)
		form_error_add(&f->fe, "roles", "Cochez des rôles de la liste.");
}

/* A short description of the saved application, for the audit log. */
static const char *
app_audit_detail(struct req *r, const struct app_form *f)
{
	struct buf b = BUF_INIT;
	const char *out;

	appdef_audit_detail(&b, &f->d);
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* Saves f (insert when f->id is 0) with its roles and the audit row;
 * returns 0 after answering, -1 on a system failure. */
static int
app_save(struct req *r, struct app_form *f)
{
	struct db *db = r->app->db;
	long long id = f->id;
	enum db_rc rc;
	size_t k;

	app_form_read(r, f);
	if (f->fe.n > 0)
		return app_form_page(r, 422, f);
	if (db_begin(db) != DB_OK)
		return -1;
	if (id == 0)
		rc = db_exec(db, Q(ADM_APP_INSERT), DB_PARAMS(
		    DBP_STR(f->d.code), DBP_STR(f->d.name),
		    DBP_STR(f->d.description), DBP_STR(f->d.url),
		    DBP_STR(f->d.icon), DBP_INT(f->d.level_n),
		    DBP_INT(f->d.position_n), DBP_ID(f->d.cgu_id),
		    DBP_INT(f->d.enabled), DBP_INT(r->session->user_id)), NULL);
	else
		rc = db_exec(db, Q(ADM_APP_UPDATE), DB_PARAMS(
		    DBP_STR(f->d.name), DBP_STR(f->d.description),
		    DBP_STR(f->d.url), DBP_STR(f->d.icon),
		    DBP_INT(f->d.level_n), DBP_INT(f->d.position_n),
		    DBP_ID(f->d.cgu_id), DBP_INT(f->d.enabled),
		    DBP_INT(r->session->user_id), DBP_INT(id)), NULL);
	switch (rc) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(db);
		form_error_add(&f->fe, "code", "Une application a déjà ce code.");
		return app_form_page(r, 422, f);
	case DB_CONSTRAINT:
		/* The document was removed while the form was open. */
		db_rollback(db);
		form_error_add(&f->fe, "cgu", "Choisissez un document de la liste.");
		return app_form_page(r, 422, f);
	default:
		return http_fail_rollback(r);
	}
	if (id == 0)
		id = (long long)db_insert_id(db);
	if (db_exec(db, Q(ADM_APP_ROLES_CLEAR), DB_PARAMS(DBP_INT(id)), NULL) != DB_OK)
		return http_fail_rollback(r);
	for (k = 0; k < ROLE_COUNT; k++)
		if (f->d.roles[k] && db_exec(db, Q(ADM_APP_ROLE_ADD), DB_PARAMS(
		    DBP_INT(id), DBP_STR(role_rules[k].role)), NULL) != DB_OK)
			return http_fail_rollback(r);
	if (audit(r, f->id == 0 ? "application.create" : "application.update",
	    "application", f->d.code, 0, AUDIT_OK,
	    app_audit_detail(r, f)) != DB_OK || db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, f->id == 0 ?
	    "/admin/applications?ok=application-creee" :
	    "/admin/applications?ok=application-modifiee");
}

static int
admin_app_create(struct req *r)
{
	struct app_form f;

	memset(&f, 0, sizeof(f));
	return app_save(r, &f);
}

static int
admin_app_update(struct req *r)
{
	struct app_form f;
	int answer;

	/* The code is immutable: it comes from the database, not the form. */
	if (!app_load(r, &f, &answer))
		return answer;
	f.fe.n = 0;
	return app_save(r, &f);
}

/* ---- terms of use (CGU) ---- */

static int
cgu_list_page(struct req *r, int status, const char *code, const char *title,
    const struct form_errors *fe)
{
	struct db_result docs;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(ADM_CGU_DOCS), DB_NOPARAMS,
	    &docs) != DB_OK)
		return -1;
	ctx = admin_ctx(r, "Conditions d'utilisation", "cgu");
	l = tdict_list(ctx, "documents");
	for (i = 0; i < docs.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "code", db_cell(&docs, i, 1));
		tdict_str(d, "title", db_cell(&docs, i, 2));
		tdict_str(d, "version", db_cell(&docs, i, 3));
		tdict_str(d, "published", http_date_fr(r,
		    (time_t)db_cell_int(&docs, i, 4), false));
		tdict_str(d, "versions", db_cell(&docs, i, 5));
		tdict_str(d, "acceptances", db_cell(&docs, i, 6));
	}
	tdict_str(ctx, "code", code);
	tdict_str(ctx, "doc_title", title);
	form_errors_tdict(&r->arena, ctx, fe);
	return http_render(r, status, "portal/admin_cgu_list", ctx);
}

static int
admin_cgu_list(struct req *r)
{
	struct form_errors fe = { .n = 0 };

	return cgu_list_page(r, 200, "", "", &fe);
}

static int
admin_cgu_create(struct req *r)
{
	const char *code = form_trim(r, "code"), *title = form_trim(r, "titre");
	struct form_errors fe = { .n = 0 };

	form_error_add(&fe, "code", cgudef_code_check(code));
	form_error_add(&fe, "titre", cgudef_title_check(title));
	if (fe.n > 0)
		return cgu_list_page(r, 422, code, title, &fe);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	switch (db_exec(r->app->db, Q(ADM_CGU_DOC_INSERT), DB_PARAMS(
	    DBP_STR(code), DBP_STR(title)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(r->app->db);
		form_error_add(&fe, "code", "Un document a déjà ce code.");
		return cgu_list_page(r, 422, code, title, &fe);
	default:
		return http_fail_rollback(r);
	}
	if (audit(r, "cgu.document.create", "cgu", code, 0, AUDIT_OK, title) != DB_OK ||
	    db_commit(r->app->db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cgu/%s?ok=document-cree", code));
}

/* Loads the document named by {code}; returns DB_OK, DB_NOT_FOUND or an
 * error. */
static enum db_rc
cgu_doc_load(struct req *r, struct db_result *doc)
{
	const char *code = http_path_param(r, "code");

	if (code == NULL || !ascii_code(code, 1, 32, "_"))
		return DB_NOT_FOUND;
	return db_query_row(r->app->db, &r->arena, Q(ADM_CGU_DOC_GET),
	    DB_PARAMS(DBP_STR(code)), doc);
}

static int
cgu_doc_page(struct req *r, int status, const struct db_result *doc,
    const char *version, const char *body, const struct form_errors *fe)
{
	struct db_result vers, latest;
	struct tdict *ctx;
	struct tlist *l;
	long long docid = db_cell_int(doc, 0, 0);
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(ADM_CGU_VERSIONS),
	    DB_PARAMS(DBP_INT(docid)), &vers) != DB_OK)
		return -1;
	if (body == NULL) {
		/* Start the new version from the text in force. */
		switch (db_query_row(r->app->db, &r->arena, Q(ADM_CGU_LATEST_BODY),
		    DB_PARAMS(DBP_INT(docid)), &latest)) {
		case DB_OK:
			body = db_cell(&latest, 0, 0);
			break;
		case DB_NOT_FOUND:
			body = "";
			break;
		default:
			return -1;
		}
	}
	ctx = admin_ctx(r, db_cell(doc, 0, 2), "cgu");
	tdict_str(ctx, "code", db_cell(doc, 0, 1));
	l = tdict_list(ctx, "versions");
	for (i = 0; i < vers.nrows; i++) {
		struct tdict *v = tlist_add(l);

		tdict_str(v, "version", db_cell(&vers, i, 1));
		tdict_str(v, "published", http_date_fr(r,
		    (time_t)db_cell_int(&vers, i, 2), true));
		tdict_str(v, "published_by", db_cell(&vers, i, 3));
		tdict_str(v, "acceptances", db_cell(&vers, i, 4));
		tdict_str(v, "length", db_cell(&vers, i, 5));
		tdict_bool(v, "latest", i == 0);
	}
	tdict_bool(ctx, "no_versions", vers.nrows == 0);
	tdict_str(ctx, "version", version);
	tdict_str(ctx, "body", body);
	form_errors_tdict(&r->arena, ctx, fe);
	return http_render(r, status, "portal/admin_cgu_doc", ctx);
}

static int
admin_cgu_doc(struct req *r)
{
	struct db_result doc;
	struct form_errors fe = { .n = 0 };

	switch (cgu_doc_load(r, &doc)) {
	case DB_OK:
		return cgu_doc_page(r, 200, &doc, "", NULL, &fe);
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ce document n'existe pas.");
	default:
		return -1;
	}
}

static int
admin_cgu_publish(struct req *r)
{
	struct db_result doc;
	struct form_errors fe = { .n = 0 };
	const char *version = form_trim(r, "version");
	const char *texte = http_form(r, "texte");
	const char *body = cgudef_body_normalise(arena_strdup(&r->arena,
	    texte != NULL ? texte : ""));
	const char *code;
	long long docid;

	switch (cgu_doc_load(r, &doc)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ce document n'existe pas.");
	default:
		return -1;
	}
	docid = db_cell_int(&doc, 0, 0);
	code = db_cell(&doc, 0, 1);
	form_error_add(&fe, "version", cgudef_version_check(version));
	form_error_add(&fe, "texte", cgudef_body_check(body));
	if (fe.n > 0)
		return cgu_doc_page(r, 422, &doc, version, body, &fe);
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	switch (db_exec(r->app->db, Q(ADM_CGU_PUBLISH), DB_PARAMS(DBP_INT(docid),
	    DBP_STR(version), DBP_STR(body), DBP_INT(r->now), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_INT(docid)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(r->app->db);
		form_error_add(&fe, "version", "Cette version existe déjà pour ce "
		    "document : choisissez un autre numéro.");
		return cgu_doc_page(r, 422, &doc, version, body, &fe);
	default:
		return http_fail_rollback(r);
	}
	if (audit(r, "cgu.publish", "cgu", arena_printf(&r->arena, "%s:%s", code,
	    version), 0, AUDIT_OK, arena_printf(&r->arena, "%zu octets",
	    strlen(body))) != DB_OK || db_commit(r->app->db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cgu/%s?ok=version-publiee", code));
}

/* ---- audit log (read-only) ---- */

struct journal_filter {
	const char	*from_s, *to_s, *login, *action, *object, *object_id;
	const char	*outcome;
	bool		 has_from, has_to;
	long long	 from, to;	/* Unix times, [from, to) */
	long long	 user_id;	/* 0: any */
};

/* Midnight (Europe/Paris) of the day s names, plus days; -1 if invalid. */
static long long
day_start(const char *s, int days)
{
	struct tm tm;
	int y, m, d;
	time_t t;

	if (valid_date(s, 0, 0) != NULL || valid_date_parse(s, &y, &m, &d) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + days;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	return (long long)t;
}

/* The filters as a query string, for the paging links. */
static const char *
journal_query(struct req *r, const struct journal_filter *f)
{
	struct buf b = BUF_INIT;
	const char *out;
	const struct {
		const char *name, *value;
	} p[] = {
		{ "du", f->from_s }, { "au", f->to_s }, { "login", f->login },
		{ "action", f->action }, { "objet", f->object },
		{ "objet_id", f->object_id }, { "resultat", f->outcome },
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		if (*p[i].value == '\0')
			continue;
		buf_puts(&b, b.len ? "&" : "");
		buf_puts(&b, p[i].name);
		buf_putc(&b, '=');
		buf_url(&b, p[i].value);
	}
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static int
admin_journal(struct req *r)
{
	struct journal_filter f;
	struct form_errors fe = { .n = 0 };
	struct db_result res, u;
	struct tdict *ctx;
	struct tlist *l;
	const char *before_s = query_trim(r, "avant"), *after_s = query_trim(r, "apres");
	const char *filters;
	long long before = 0, after = 0;
	size_t i, shown;
	bool more, newer;

	memset(&f, 0, sizeof(f));
	f.from_s = query_trim(r, "du");
	f.to_s = query_trim(r, "au");
	f.login = query_trim(r, "login");
	f.action = query_trim(r, "action");
	f.object = query_trim(r, "objet");
	f.object_id = query_trim(r, "objet_id");
	f.outcome = query_trim(r, "resultat");
	if (*f.from_s != '\0') {
		if ((f.from = day_start(f.from_s, 0)) < 0)
			form_error_add(&fe, "du", "Indiquez la date de début au format "
			    "JJ/MM/AAAA.");
		f.has_from = f.from >= 0;
	}
	if (*f.to_s != '\0') {
		if ((f.to = day_start(f.to_s, 1)) < 0)
			form_error_add(&fe, "au", "Indiquez la date de fin au format "
			    "JJ/MM/AAAA.");
		f.has_to = f.to >= 0;
	}
	if (f.has_from && f.has_to && f.to <= f.from)
		form_error_add(&fe, "au", "La date de fin précède la date de début.");
	if (*f.login != '\0' && valid_text(f.login, 1, 64) != NULL)
		form_error_add(&fe, "login", "L'identifiant compte 64 caractères au plus.");
	if (*f.action != '\0' && !ascii_code(f.action, 1, 64, "._-"))
		form_error_add(&fe, "action", "Le début d'action s'écrit en minuscules "
		    "sans accent, par exemple « role. » ou « login ».");
	if (*f.object != '\0' && !ascii_code(f.object, 1, 32, "_"))
		form_error_add(&fe, "objet", "Le type d'objet s'écrit en minuscules sans "
		    "accent, par exemple « user ».");
	if (*f.object_id != '\0' && valid_text(f.object_id, 1, 64) != NULL)
		form_error_add(&fe, "objet_id", "L'identifiant d'objet compte 64 "
		    "caractères au plus.");
	if (*f.outcome != '\0' && !in_list(f.outcome, outcomes))
		form_error_add(&fe, "resultat", "Choisissez un résultat de la liste.");
	if ((*before_s != '\0' && valid_parse_ll(before_s, 1, ID_MAX, &before) != 0) ||
	    (*after_s != '\0' && valid_parse_ll(after_s, 0, ID_MAX, &after) != 0))
		form_error_add(&fe, "page", "Le lien de page est invalide.");

	ctx = admin_ctx(r, "Journal d'audit", "journal");
	tdict_str(ctx, "du", f.from_s);
	tdict_str(ctx, "au", f.to_s);
	tdict_str(ctx, "login", f.login);
	tdict_str(ctx, "action", f.action);
	tdict_str(ctx, "objet", f.object);
	tdict_str(ctx, "objet_id", f.object_id);
	l = tdict_list(ctx, "outcomes");
	for (i = 0; outcomes[i] != NULL; i++) {
		struct tdict *o = tlist_add(l);

		tdict_str(o, "value", outcomes[i]);
		tdict_str(o, "label", code_label(outcome_labels, outcomes[i]));
		tdict_bool(o, "selected", strcmp(f.outcome, outcomes[i]) == 0);
	}
	form_errors_tdict(&r->arena, ctx, &fe);
	if (fe.n > 0)
		return http_render(r, 422, "portal/admin_journal", ctx);

	if (*f.login != '\0') {
		switch (db_query_row(r->app->db, &r->arena, Q(ADM_AUDIT_USER_ID),
		    DB_PARAMS(DBP_STR(f.login)), &u)) {
		case DB_OK:
			f.user_id = db_cell_int(&u, 0, 0);
			break;
		case DB_NOT_FOUND:
			tdict_str(ctx, "info", "Aucun utilisateur n'a cet identifiant.");
			tdict_bool(ctx, "none", true);
			return http_render(r, 200, "portal/admin_journal", ctx);
		default:
			return -1;
		}
	}
	filters = journal_query(r, &f);
	/* Reading the log is itself recorded (who looked at what). */
	if (audit(r, "audit.view", "audit_log", NULL, 0, AUDIT_OK,
	    *filters ? filters : NULL) != DB_OK)
		return -1;

	/* Keyset paging on the id: stable while new entries arrive. */
	newer = *after_s != '\0';
#define F_NULLABLE_INT(has, v)	((has) ? DBP_INT(v) : DBP_NULL)
#define F_NULLABLE_STR(s)	(*(s) ? DBP_STR(s) : DBP_NULL)
	if (db_query(r->app->db, &r->arena, Q(newer ? ADM_AUDIT_NEWER : ADM_AUDIT_OLDER),
	    DB_PARAMS(F_NULLABLE_INT(f.has_from, f.from), F_NULLABLE_INT(f.has_from, f.from),
	    F_NULLABLE_INT(f.has_to, f.to), F_NULLABLE_INT(f.has_to, f.to),
	    DBP_ID(f.user_id), DBP_ID(f.user_id),
	    F_NULLABLE_STR(f.action), F_NULLABLE_STR(f.action), F_NULLABLE_STR(f.action),
	    F_NULLABLE_STR(f.object), F_NULLABLE_STR(f.object),
	    F_NULLABLE_STR(f.object_id), F_NULLABLE_STR(f.object_id),
	    F_NULLABLE_STR(f.outcome), F_NULLABLE_STR(f.outcome),
	    DBP_INT(newer ? after : (before ? before : ID_MAX)),
	    DBP_INT(AUDIT_PER_PAGE + 1)), &res) != DB_OK)
		return -1;
#undef F_NULLABLE_INT
#undef F_NULLABLE_STR
	more = res.nrows > AUDIT_PER_PAGE;
	shown = more ? AUDIT_PER_PAGE : res.nrows;
	l = tdict_list(ctx, "entries");
	for (i = 0; i < shown; i++) {
		/* Newest first: the "newer" query came in ascending order. */
		size_t k = newer ? shown - 1 - i : i;
		struct tdict *e = tlist_add(l);
		const char *o = db_cell(&res, k, 9);

		tdict_str(e, "id", db_cell(&res, k, 0));
		tdict_str(e, "at", http_date_fr(r, (time_t)db_cell_int(&res, k, 1), true));
		tdict_str(e, "login", db_cell(&res, k, 2));
		tdict_str(e, "ip", db_cell(&res, k, 3));
		tdict_str(e, "program", db_cell(&res, k, 4));
		tdict_str(e, "action", db_cell(&res, k, 5));
		tdict_str(e, "object_type", db_cell(&res, k, 6));
		tdict_str(e, "object_id", db_cell(&res, k, 7));
		tdict_str(e, "patient_id", db_cell(&res, k, 8));
		tdict_str(e, "outcome", o);
		tdict_str(e, "outcome_label", code_label(outcome_labels, o));
		tdict_bool(e, "denied", o != NULL && strcmp(o, "ok") != 0);
		tdict_str(e, "detail", db_cell(&res, k, 10));
	}
	tdict_bool(ctx, "none", shown == 0);
	if (shown > 0) {
		const char *newest = db_cell(&res, newer ? shown - 1 : 0, 0);
		const char *oldest = db_cell(&res, newer ? 0 : shown - 1, 0);
		const char *sep = *filters ? "&" : "";

		/* Older entries exist when this page came full from the
		 * "older" query, or whenever we came from a newer page. */
		if (newer || more)
			tdict_str(ctx, "older_url", arena_printf(&r->arena,
			    "/admin/journal?%s%savant=%s", filters, sep, oldest));
		if ((newer && more) || (!newer && before != 0))
			tdict_str(ctx, "newer_url", arena_printf(&r->arena,
			    "/admin/journal?%s%sapres=%s", filters, sep, newest));
	}
	return http_render(r, 200, "portal/admin_journal", ctx);
}

#define ADMIN_ROUTE(m, p, h) \
	{ m, p, h, ACCESS_ROLE, AUTH_LEVEL_2, "admin", 0 }

static const struct route admin_routes[] = {
	ADMIN_ROUTE("GET",  "/admin",				admin_root),
	ADMIN_ROUTE("GET",  "/admin/",				admin_home),
	ADMIN_ROUTE("GET",  "/admin/utilisateurs",		admin_users),
	ADMIN_ROUTE("GET",  "/admin/utilisateurs/{id}",		admin_user),
	ADMIN_ROUTE("POST", "/admin/utilisateurs/{id}/roles",	admin_role_grant),
	ADMIN_ROUTE("POST", "/admin/utilisateurs/{id}/roles/retrait", admin_role_revoke),
	ADMIN_ROUTE("POST", "/admin/utilisateurs/{id}/rpps",	admin_idnps_set),
	ADMIN_ROUTE("POST", "/admin/utilisateurs/{id}/rpps/retrait", admin_idnps_clear),
	ADMIN_ROUTE("GET",  "/admin/applications",		admin_apps),
	ADMIN_ROUTE("GET",  "/admin/applications/nouvelle",	admin_app_new),
	ADMIN_ROUTE("POST", "/admin/applications/nouvelle",	admin_app_create),
	ADMIN_ROUTE("GET",  "/admin/applications/{id}",		admin_app_edit),
	ADMIN_ROUTE("POST", "/admin/applications/{id}",		admin_app_update),
	ADMIN_ROUTE("GET",  "/admin/cgu",			admin_cgu_list),
	ADMIN_ROUTE("POST", "/admin/cgu",			admin_cgu_create),
	ADMIN_ROUTE("GET",  "/admin/cgu/{code}",		admin_cgu_doc),
	ADMIN_ROUTE("POST", "/admin/cgu/{code}",		admin_cgu_publish),
	ADMIN_ROUTE("GET",  "/admin/journal",			admin_journal),
};

const struct app_area portal_admin_area = {
	"admin", admin_routes, sizeof(admin_routes) / sizeof(admin_routes[0]),
	admin_sql, ADM__MAX,
};
