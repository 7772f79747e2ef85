/* One HTTP request as a FastCGI worker sees it, and its response.
 * Everything a request allocates lives in r->arena, freed after the
 * response is sent. */
#ifndef PARVIS_HTTP_H
#define PARVIS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "form.h"
#include "router.h"
#include "tmpl.h"

struct db;
struct app;

struct role_grant {
	const char	*role;		/* "admin", "cpts_manager", ... */
	const char	*scope_type;	/* "none", "cpts", "territory", ... */
	long long	 scope_id;	/* 0 when unscoped */
};

struct session {
	long long	 id;
	long long	 user_id;
	int		 level;		/* enum auth_level */
	const char	*csrf;		/* the token forms must echo */
	time_t		 created;
	time_t		 last_seen;
	const char	*login;
	const char	*first_name;
	const char	*last_name;
	const char	*email;
	struct role_grant *roles;
	size_t		 nroles;
	const char	*cgu_pending;	/* "portal,icope": CGU to accept, or NULL */
	const char	*home_page;	/* the user's chosen landing page, or NULL */
	const char	*favorite_apps;	/* "3,7": ids of the favourite tiles */
	long long	 catalog_generation; /* bumped on every application change */
};

struct req {
	struct app	*app;
	void		*fcgi;		/* FCGX_Request *, NULL in tests */
	struct arena	 arena;
	time_t		 now;
	char		 request_id[33];

	const char	*method;	/* "GET", "HEAD", "POST", ... */
	const char	*path;		/* decoded? no: raw path, without query */
	const char	*query_string;
	const char	*content_type;
	const char	*remote_addr;
	const char	*user_agent;
	const char	*origin;
	const char	*sec_fetch_site;

	struct params	 query;		/* query string pairs */
	struct params	 form;		/* POST body pairs and file parts */
	struct params	 cookies;
	struct params	 path_params;	/* {name} segments of the route */
	const struct route *route;

	struct session	*session;	/* NULL when anonymous */
	const char	*pre_token;	/* anonymous CSRF token (login forms) */

	/* Response. */
	int		 status;
	struct buf	 headers;	/* extra header lines, CRLF-terminated */
	struct buf	 body;
	bool		 responded;
};

/* Returns the value of a header/FastCGI parameter ("HTTP_COOKIE"), or NULL. */
const char *http_param(struct req *r, const char *name);
/* Returns the query-string value of name, or NULL. */
const char *http_query(const struct req *r, const char *name);
/* Returns a copy of s (from r's arena) without the blanks (space, tab, CR,
 * LF) at both ends; "" for NULL. */
char	*http_trim(struct req *r, const char *s);
/* Returns the form (POST) value of name, or NULL. */
const char *http_form(const struct req *r, const char *name);
/* Returns the {name} path segment, or NULL. */
const char *http_path_param(const struct req *r, const char *name);
/* Returns the cookie value, or NULL. */
const char *http_cookie(const struct req *r, const char *name);

/* Adds a response header; name and value must not contain CR or LF
 * (they are dropped and logged if they do). */
void	 http_header(struct req *r, const char *name, const char *value);
/* Sets a cookie with Path=/, HttpOnly, SameSite=Strict, Secure when
 * configured; max_age < 0 for a session cookie, 0 to delete. */
void	 http_cookie_set(struct req *r, const char *name, const char *value,
	    long max_age);

/* The base template context: site name, user, csrf token, current path,
 * request id.  Handlers add their keys and pass it to http_render. */
struct tdict *http_ctx(struct req *r);
/* Renders template name inside the layout with status; returns 0. */
int	 http_render(struct req *r, int status, const char *name, struct tdict *ctx);
/* Answers 303 See Other to a local path (anything else is refused and
 * answered with "/"); returns 0. */
int	 http_redirect(struct req *r, const char *location);
/* The one error page: status and a French sentence for the user; returns 0. */
int	 http_error(struct req *r, int status, const char *message);
/* Answers with a body as it is (text/plain, text/csv, ...); returns 0. */
int	 http_send(struct req *r, int status, const char *content_type,
	    const char *body, size_t len);

/* Returns true when path is a local path safe to redirect to ("/x", not
 * "//host", not "/\\host", no scheme, no control characters). */
bool	 http_local_path(const char *path);
/* Returns the path parameter name as a positive record id (1..2^53-1), or 0
 * when it is missing or not such a number (the caller answers 404). */
long long http_path_id(struct req *r, const char *name);

/* After a system failure inside a change's transaction: rolls it back (the
 * change and its audit row go together); returns -1 for the handler to
 * return, so that the pipeline answers 500/503. */
int	 http_fail_rollback(struct req *r);

struct db_result;
/* Begins the request's transaction and reads, with statement stmt (one
 * parameter: id, a locking read), the row a change works on into row.
 * Returns true; or false with the transaction ended and *answer set to the
 * handler's answer: the 404 page with the French message missing when there
 * is no such row, -1 after a database failure. */
bool	 http_begin_locked(struct req *r, int stmt, long long id,
	    struct db_result *row, const char *missing, int *answer);

/* A fixed confirmation message, chosen by a page's ?ok= code. */
struct http_message {
	const char	*key;
	const char	*text;
};

/* Returns the text of msgs[0..n) whose key is the query's "ok" value, or
 * NULL (no ?ok=, or an unknown one: nothing is shown). */
const char *http_ok_message(struct req *r, const struct http_message *msgs,
	    size_t n);

/* Returns the reason phrase of a status code. */
const char *http_reason(int status);
/* The French title of an error page for an HTTP status (4xx, 5xx). */
const char *http_error_title(int status);

/* Formats a UTC Unix time for people: "22/11/2026" or "22/11/2026 à 14:05",
 * in Europe/Paris (the program sets TZ at start).  From r's arena. */
const char *http_date_fr(struct req *r, time_t t, bool with_time);

/* A stored code and the French words people read for it. */
struct code_label {
	const char	*code;
	const char	*label;
};

/* Returns the label of code in a table ended by { NULL, NULL }: "" for a
 * NULL code, the code itself when the table does not know it. */
const char *code_label(const struct code_label *table, const char *code);

/* Role checks on the current session. */
bool	 req_has_role(const struct req *r, const char *role);
/* True when the session holds role with exactly this scope. */
bool	 req_has_scoped_role(const struct req *r, const char *role,
	    const char *scope_type, long long scope_id);

#endif
