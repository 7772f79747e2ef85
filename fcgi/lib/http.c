#include "http.h"

#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "valid.h"

const char *
http_param(struct req *r, const char *name)
{
	if (r->fcgi == NULL)
		return NULL;
	return FCGX_GetParam(name, ((FCGX_Request *)r->fcgi)->envp);
}

const char *
http_query(const struct req *r, const char *name)
{
	return params_get(&r->query, name);
}

const char *
http_form(const struct req *r, const char *name)
{
	return params_get(&r->form, name);
}

char *
http_trim(struct req *r, const char *s)
{
	size_t n;

	if (s == NULL)
		return arena_strdup(&r->arena, "");
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(&r->arena, s, n);
}

const char *
http_path_param(const struct req *r, const char *name)
{
	return params_get(&r->path_params, name);
}

const char *
http_cookie(const struct req *r, const char *name)
{
	return params_get(&r->cookies, name);
}

static bool
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

void
http_header(struct req *r, const char *name, const char *value)
{
	if (!header_safe(name) || !header_safe(value)) {
		log_error("header %s dropped: CR or LF in it", name);
		return;
	}
	buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

void
http_cookie_set(struct req *r, const char *name, const char *value, long max_age)
{
	char *line;

	line = arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
	    name, value, r->app != NULL && r->app->cookie_secure ? "; Secure" : "");
	if (max_age >= 0)
		line = arena_printf(&r->arena, "%s; Max-Age=%ld", line, max_age);
	http_header(r, "Set-Cookie", line);
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

struct tdict *
http_ctx(struct req *r)
{
	struct tdict *ctx = tdict_new(&r->arena);
	struct tdict *user;

	tdict_str(ctx, "site_name", "Parvis");
	tdict_str(ctx, "request_id", r->request_id);
	tdict_str(ctx, "path", r->path != NULL ? r->path : "/");
	if (r->session != NULL) {
		tdict_str(ctx, "csrf", r->session->csrf);
		user = tdict_dict(ctx, "user");
		tdict_str(user, "login", r->session->login);
		tdict_str(user, "first_name", r->session->first_name);
		tdict_str(user, "last_name", r->session->last_name);
		tdict_int(user, "level", r->session->level);
		tdict_bool(user, "strong", r->session->level >= AUTH_LEVEL_2);
		tdict_bool(user, "admin", req_has_role(r, "admin"));
		tdict_bool(user, "support", req_has_role(r, "support"));
	} else if (r->pre_token != NULL)
		tdict_str(ctx, "csrf", r->pre_token);
	return ctx;
}

int
http_render(struct req *r, int status, const char *name, struct tdict *ctx)
{
	struct buf page = BUF_INIT;

	if (ctx == NULL)
		ctx = http_ctx(r);
	if (tmpl_render(r->app->tmpl, name, ctx, &page) != 0) {
		buf_free(&page);
		log_error("no template %s", name);
		return -1;
	}
	tdict_raw_(ctx, "content", arena_strndup(&r->arena, buf_str(&page), page.len));
	buf_free(&page);
	buf_clear(&r->body);
	if (tmpl_render(r->app->tmpl, "layout", ctx, &r->body) != 0) {
		log_error("no layout template");
		return -1;
	}
	r->status = status;
	http_header(r, "Content-Type", "text/html; charset=utf-8");
	r->responded = true;
	return 0;
}

bool
http_local_path(const char *path)
{
	const unsigned char *p;

	if (path == NULL || path[0] != '/')
		return false;
	if (path[1] == '/' || path[1] == '\\')
		return false;
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return utf8_valid(path, strlen(path));
}

int
http_redirect(struct req *r, const char *location)
{
	if (!http_local_path(location)) {
		log_warn("redirect to a non-local target refused");
		location = "/";
	}
	r->status = 303;
	http_header(r, "Location", location);
	buf_clear(&r->body);
	r->responded = true;
	return 0;
}

long long
http_path_id(struct req *r, const char *name)
{
	long long id;

	if (valid_parse_ll(http_path_param(r, name), 1, 9007199254740991LL,
	    &id) != 0)
		return 0;
	return id;
}

const char *
http_ok_message(struct req *r, const struct http_message *msgs, size_t n)
{
	const char *ok = http_query(r, "ok");
	size_t i;

	for (i = 0; ok != NULL && i < n; i++)
		if (strcmp(ok, msgs[i].key) == 0)
			return msgs[i].text;
	return NULL;
}

int
http_fail_rollback(struct req *r)
{
	db_rollback(r->app->db);
	return -1;
}

bool
http_begin_locked(struct req *r, int stmt, long long id, struct db_result *row,
    const char *missing, int *answer)
{
	struct db *db = r->app->db;

	*answer = -1;
	if (db_begin(db) != DB_OK)
		return false;
	switch (db_query_row(db, &r->arena, stmt, DB_PARAMS(DBP_INT(id)), row)) {
	case DB_OK:
		return true;
	case DB_NOT_FOUND:
		db_rollback(db);
		*answer = http_error(r, 404, missing);
		return false;
	default:
		db_rollback(db);
		return false;
	}
}

const char *
http_error_title(int status)
{
	switch (status) {
	case 400: return "Requête incorrecte";
	case 401: return "Connexion nécessaire";
	case 403: return "Accès refusé";
	case 404: return "Page introuvable";
	case 405: return "Action non permise sur cette page";
	case 409: return "Conflit avec une autre modification";
	case 410: return "Lien expiré ou déjà utilisé";
	case 413: return "Envoi trop volumineux";
	case 415: return "Format d'envoi non accepté";
	case 422: return "Formulaire à corriger";
	case 429: return "Trop de tentatives";
	case 503: return "Service momentanément indisponible";
	default: return status >= 500 ? "Erreur du service" : "Erreur";
	}
}

int
http_error(struct req *r, int status, const char *message)
{
	struct tdict *ctx;
	char code[8];

	buf_clear(&r->body);
	r->status = status;
	r->responded = true;
	if (r->app != NULL && r->app->tmpl != NULL &&
	    tmpl_exists(r->app->tmpl, "error")) {
		ctx = http_ctx(r);
		snprintf(code, sizeof(code), "%d", status);
		tdict_str(ctx, "title", http_error_title(status));
		tdict_str(ctx, "status", code);
		tdict_str(ctx, "message", message);
		tdict_bool(ctx, "login_link", status == 401 || status == 403);
		if (http_render(r, status, "error", ctx) == 0)
			return 0;
	}
	/* Templates unavailable: a minimal page, still escaped. */
	buf_clear(&r->body);
	buf_puts(&r->body, "<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\">"
	    "<title>Erreur</title><p>");
	buf_html(&r->body, message, strlen(message));
	buf_puts(&r->body, "</p></html>\n");
	http_header(r, "Content-Type", "text/html; charset=utf-8");
	return 0;
}

int
http_send(struct req *r, int status, const char *content_type, const char *body,
    size_t len)
{
	r->status = status;
	http_header(r, "Content-Type", content_type);
	buf_clear(&r->body);
	buf_append(&r->body, body, len);
	r->responded = true;
	return 0;
}

bool
req_has_role(const struct req *r, const char *role)
{
	size_t i;

	if (r->session == NULL)
		return false;
	for (i = 0; i < r->session->nroles; i++)
		if (strcmp(r->session->roles[i].role, role) == 0)
			return true;
	return false;
}

bool
req_has_scoped_role(const struct req *r, const char *role,
    const char *scope_type, long long scope_id)
{
	size_t i;

	if (r->session == NULL)
		return false;
	for (i = 0; i < r->session->nroles; i++) {
		const struct role_grant *g = &r->session->roles[i];

		if (strcmp(g->role, role) == 0 &&
		    strcmp(g->scope_type, scope_type) == 0 && g->scope_id == scope_id)
			return true;
	}
	return false;
}

const char *
http_date_fr(struct req *r, time_t t, bool with_time)
{
	char out[32];
	struct tm tm;

	if (t <= 0 || localtime_r(&t, &tm) == NULL)
		return "";
	strftime(out, sizeof(out), with_time ? "%d/%m/%Y à %H:%M" : "%d/%m/%Y", &tm);
	return arena_strdup(&r->arena, out);
}

const char *
code_label(const struct code_label *table, const char *code)
{
	if (code == NULL)
		return "";
	for (; table->code != NULL; table++)
		if (strcmp(table->code, code) == 0)
			return table->label;
	return code;
}
