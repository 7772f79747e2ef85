#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "crypto.h"
#include "libsql.h"
#include "log.h"

size_t
session_roles_parse(struct arena *a, const char *list, struct role_grant **out,
    size_t *nout)
{
	size_t n = 1, len, bad = 0;
	const char *p, *end, *c1, *c2;
	char *copy, *stop;
	long long id;

	*out = NULL;
	*nout = 0;
	if (list == NULL || *list == '\0')
		return 0;
	for (p = list; *p != '\0'; p++)
		if (*p == ',')
			n++;
	*out = arena_alloc(a, n * sizeof(**out));
	for (p = list; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = p + strcspn(p, ",");
		len = (size_t)(end - p);
		c1 = memchr(p, ':', len);
		c2 = c1 != NULL ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
		if (c1 == NULL || c2 == NULL || c1 == p || c2 == c1 + 1 ||
		    c2 + 1 == end) {
			bad++;
			continue;
		}
		copy = arena_strndup(a, p, len);
		copy[c1 - p] = '\0';
		copy[c2 - p] = '\0';
		errno = 0;
		id = strtoll(copy + (c2 - p) + 1, &stop, 10);
		if (errno != 0 || *stop != '\0' || id < 0 ||
		    !(copy[c2 - p + 1] >= '0' && copy[c2 - p + 1] <= '9')) {
			bad++;
			continue;
		}
		(*out)[*nout].role = copy;
		(*out)[*nout].scope_type = copy + (c1 - p) + 1;
		(*out)[*nout].scope_id = id;
		(*nout)++;
	}
	return bad;
}

/* True when code is an item of the comma-separated list. */
static bool
list_has(const char *list, const char *code)
{
	size_t n = strlen(code);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, code, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, ',')) != NULL)
			p++;
	}
	return false;
}

/*
 * Sets s->cgu_pending: the terms of use (the portal's, then this
 * program's) whose latest version the user has not accepted.  The full
 * check runs once per session and program, and again after any new
 * version is published (the generation moves); a passed check is
 * remembered in the session row.
 */
static enum db_rc
cgu_check(struct req *r, struct session *s, const char *ok, long long gen,
    long long current)
{
	const char *app = r->app->def->name;
	struct db_result res;
	struct buf b = BUF_INIT;
	enum db_rc rc;
	size_t i;

	s->cgu_pending = NULL;
	if (gen == current && ok != NULL && list_has(ok, app))
		return DB_OK;
	if ((rc = db_query(r->app->db, &r->arena, DB_LIB(LSQL_CGU_PENDING),
	    DB_PARAMS(DBP_STR(app), DBP_INT(s->user_id)), &res)) != DB_OK)
		return rc;
	if (res.nrows > 0) {
		for (i = 0; i < res.nrows; i++) {
			if (i > 0)
				buf_putc(&b, ',');
			buf_puts(&b, db_cell(&res, i, 0));
		}
		s->cgu_pending = arena_strdup(&r->arena, buf_str(&b));
		buf_free(&b);
		return DB_OK;
	}
	/* Passed: remember it (a new generation starts the list again). */
	if (gen == current && ok != NULL && *ok != '\0')
		buf_printf(&b, "%s,", ok);
	buf_puts(&b, app);
	if (b.len > 255) {
		buf_clear(&b);
		buf_puts(&b, app);
	}
	rc = db_exec(r->app->db, DB_LIB(LSQL_CGU_PASSED), DB_PARAMS(
	    DBP_STR(buf_str(&b)), DBP_INT(current), DBP_INT(s->id)), NULL);
	buf_free(&b);
	return rc;
}

static void
cookie_clear(struct req *r)
{
	http_cookie_set(r, r->app->cookie_name, "", 0);
}

/* How stale last_seen may get before a request writes it again: a write
 * per request would cost more than the idle timeout needs. */
static long
touch_granularity(const struct app *app)
{
	long g = app->session_idle / 20;

	return g < 1 ? 1 : (g > 60 ? 60 : g);
}

enum db_rc
session_load(struct req *r)
{
	const char *token = http_cookie(r, r->app->cookie_name);
	char hash[CRYPTO_SHA256_HEX + 1];
	struct db_result res;
	struct session *s;
	enum db_rc rc;

	r->session = NULL;
	if (token == NULL)
		return DB_OK;
	if (!crypto_token_valid(token)) {
		cookie_clear(r);
		return DB_OK;
	}
	crypto_sha256_hex(token, strlen(token), hash);
	rc = db_query_row(r->app->db, &r->arena, DB_LIB(LSQL_SESSION_GET),
	    DB_PARAMS(DBP_STR(hash), DBP_INT(r->now - r->app->session_idle),
	    DBP_INT(r->now - r->app->session_absolute)), &res);
	if (rc == DB_NOT_FOUND) {
		cookie_clear(r);
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	s = arena_alloc(&r->arena, sizeof(*s));
	s->id = db_cell_int(&res, 0, 0);
	s->user_id = db_cell_int(&res, 0, 1);
	s->level = (int)db_cell_int(&res, 0, 2);
	s->csrf = db_cell(&res, 0, 3);
	s->created = (time_t)db_cell_int(&res, 0, 4);
	s->last_seen = (time_t)db_cell_int(&res, 0, 5);
	s->login = db_cell(&res, 0, 6);
	s->first_name = db_cell(&res, 0, 7);
	s->last_name = db_cell(&res, 0, 8);
	s->email = db_cell(&res, 0, 9);
	/* The grants travel in session.roles (sql/015_portal_perf.sql); an
	 * item that does not parse grants nothing. */
	if (session_roles_parse(&r->arena, db_cell(&res, 0, 10), &s->roles,
	    &s->nroles) != 0)
		log_error("session %lld: bad grant in session.roles", s->id);
	s->home_page = db_cell(&res, 0, 14);
	s->favorite_apps = db_cell(&res, 0, 15);
	s->catalog_generation = db_cell_int(&res, 0, 16);
	if ((rc = cgu_check(r, s, db_cell(&res, 0, 11), db_cell_int(&res, 0, 12),
	    db_cell_int(&res, 0, 13))) != DB_OK)
		return rc;
	if (r->now - s->last_seen >= touch_granularity(r->app)) {
		rc = db_exec(r->app->db, DB_LIB(LSQL_SESSION_TOUCH),
		    DB_PARAMS(DBP_INT(r->now), DBP_INT(s->id)), NULL);
		if (rc != DB_OK)
			return rc;
		s->last_seen = r->now;
	}
	r->session = s;
	return DB_OK;
}

enum db_rc
session_create(struct req *r, long long user_id, int level)
{
	char token[CRYPTO_TOKEN_LEN + 1], csrf[CRYPTO_TOKEN_LEN + 1];
	char hash[CRYPTO_SHA256_HEX + 1];
	const char *ua = r->user_agent != NULL ? r->user_agent : "";
	enum db_rc rc;

	if (r->session != NULL && (rc = session_end(r)) != DB_OK)
		return rc;
	if (crypto_token(token, sizeof(token)) != 0 ||
	    crypto_token(csrf, sizeof(csrf)) != 0)
		return DB_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	rc = db_exec(r->app->db, DB_LIB(LSQL_SESSION_INSERT), DB_PARAMS(
	    DBP_STR(hash), DBP_INT(user_id), DBP_INT(level), DBP_STR(csrf),
	    DBP_INT(r->now), DBP_INT(r->now), DBP_STR(r->remote_addr),
	    DBP_STRN(ua, strnlen(ua, 255))), NULL);
	if (rc != DB_OK)
		return rc;
	http_cookie_set(r, r->app->cookie_name, token, -1);
	/* Load it back so the rest of the request sees user and roles. */
	params_add(&r->arena, &r->cookies, r->app->cookie_name,
	    arena_strdup(&r->arena, token), strlen(token));
	{
		/* params_get returns the first match: put ours first. */
		struct param mine = r->cookies.v[r->cookies.n - 1];

		memmove(&r->cookies.v[1], &r->cookies.v[0],
		    (r->cookies.n - 1) * sizeof(mine));
		r->cookies.v[0] = mine;
	}
	return session_load(r);
}

enum db_rc
session_set_level(struct req *r, int level)
{
	char token[CRYPTO_TOKEN_LEN + 1], csrf[CRYPTO_TOKEN_LEN + 1];
	char hash[CRYPTO_SHA256_HEX + 1];
	enum db_rc rc;

	if (r->session == NULL)
		return DB_ERROR;
	if (crypto_token(token, sizeof(token)) != 0 ||
	    crypto_token(csrf, sizeof(csrf)) != 0)
		return DB_ERROR;
	crypto_sha256_hex(token, strlen(token), hash);
	rc = db_exec(r->app->db, DB_LIB(LSQL_SESSION_ROTATE), DB_PARAMS(
	    DBP_STR(hash), DBP_INT(level), DBP_STR(csrf), DBP_INT(r->now),
	    DBP_INT(r->session->id)), NULL);
	if (rc != DB_OK)
		return rc;
	http_cookie_set(r, r->app->cookie_name, token, -1);
	r->session->level = level;
	r->session->csrf = arena_strdup(&r->arena, csrf);
	return DB_OK;
}

enum db_rc
session_end(struct req *r)
{
	enum db_rc rc;

	if (r->session == NULL)
		return DB_OK;
	rc = db_exec(r->app->db, DB_LIB(LSQL_SESSION_DELETE),
	    DB_PARAMS(DBP_INT(r->session->id)), NULL);
	cookie_clear(r);
	r->session = NULL;
	return rc;
}

enum db_rc
session_end_others(struct req *r)
{
	if (r->session == NULL)
		return DB_OK;
	return db_exec(r->app->db, DB_LIB(LSQL_SESSION_DELETE_OTHERS),
	    DB_PARAMS(DBP_INT(r->session->user_id), DBP_INT(r->session->id)), NULL);
}

void
csrf_pre_ensure(struct req *r)
{
	const char *pre = http_cookie(r, PRE_COOKIE);
	char fresh[CRYPTO_TOKEN_LEN + 1], mac[CRYPTO_SHA256_HEX + 1];

	if (r->session != NULL || r->pre_token != NULL)
		return;
	if (pre == NULL || !crypto_token_valid(pre)) {
		if (crypto_token(fresh, sizeof(fresh)) != 0)
			return;
		pre = arena_strdup(&r->arena, fresh);
		/* Two hours: long enough to fill in an account request. */
		http_cookie_set(r, PRE_COOKIE, pre, 7200);
	}
	crypto_hmac_hex(r->app->secret, pre, strlen(pre), mac);
	r->pre_token = arena_strdup(&r->arena, mac);
}

static bool
origin_ok(struct req *r)
{
	if (r->sec_fetch_site != NULL && strcmp(r->sec_fetch_site, "same-origin") != 0 &&
	    strcmp(r->sec_fetch_site, "none") != 0)
		return false;
	if (r->origin != NULL && strcmp(r->origin, r->app->origin) != 0) {
		/* A page served with Referrer-Policy: no-referrer makes the
		 * browser send "Origin: null"; Sec-Fetch-Site, which no page
		 * can forge, then says whether the form was ours. */
		return strcmp(r->origin, "null") == 0 && r->sec_fetch_site != NULL &&
		    strcmp(r->sec_fetch_site, "same-origin") == 0;
	}
	return true;
}

bool
csrf_check(struct req *r)
{
	const char *sent = http_form(r, "csrf");
	const char *pre;
	char mac[CRYPTO_SHA256_HEX + 1];

	if (!origin_ok(r)) {
		log_warn("cross-origin state change refused (Origin %s, Sec-Fetch-Site %s)",
		    r->origin ? r->origin : "-",
		    r->sec_fetch_site ? r->sec_fetch_site : "-");
		return false;
	}
	if (sent == NULL)
		return false;
	if (r->session != NULL)
		return crypto_equal(sent, r->session->csrf);
	if ((pre = http_cookie(r, PRE_COOKIE)) == NULL || !crypto_token_valid(pre))
		return false;
	crypto_hmac_hex(r->app->secret, pre, strlen(pre), mac);
	if (!crypto_equal(sent, mac))
		return false;
	r->pre_token = arena_strdup(&r->arena, mac);
	return true;
}
