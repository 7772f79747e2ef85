/* Sessions (DESIGN.md §4): a 256-bit token in the cookie, only its SHA-256
 * in the session table, a level, idle and absolute timeouts; and the CSRF
 * tokens, bound to the session or, before login, to a short-lived cookie. */
#ifndef PARVIS_SESSION_H
#define PARVIS_SESSION_H

#include <stdbool.h>

#include "db.h"
#include "http.h"

#define PRE_COOKIE	"parvis_pre"

/* Parses a session's grants as session.roles holds them (sql/015):
 * "role:scope_type:scope_id" items separated by commas, "" for none.  Sets
 * *out (from a) and *nout to the items that parse; returns how many did not
 * (they grant nothing). */
size_t	 session_roles_parse(struct arena *a, const char *list,
	    struct role_grant **out, size_t *nout);

/* Loads the session named by the request's cookie into r->session (left
 * NULL when absent, expired or unknown; an unknown cookie is deleted).
 * Refreshes the idle timer.  Returns DB_OK or a db error. */
enum db_rc session_load(struct req *r);
/* Creates a session for user_id at level, sets the cookie and loads it into
 * r->session.  Any previous session of this request is ended first
 * (no fixation).  Returns DB_OK or a db error. */
enum db_rc session_create(struct req *r, long long user_id, int level);
/* Raises (or sets) the level of the current session, with a new token and a
 * new CSRF token.  Returns DB_OK or a db error. */
enum db_rc session_set_level(struct req *r, int level);
/* Ends the current session (logout) and deletes the cookie. */
enum db_rc session_end(struct req *r);
/* Ends every other session of the current user (password change). */
enum db_rc session_end_others(struct req *r);

/* Makes sure an anonymous visitor has a pre-login cookie, and sets
 * r->pre_token, the token that its forms carry. */
void	 csrf_pre_ensure(struct req *r);
/* Checks a state-changing request: the form's "csrf" field against the
 * session's token (or the pre-login token), and the Origin and
 * Sec-Fetch-Site headers against the site's origin.  Returns true when
 * the request may go on. */
bool	 csrf_check(struct req *r);

#endif
