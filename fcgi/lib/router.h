/* Route tables: (method, path pattern with {params}) -> handler, plus the
 * access requirement the request must meet before the handler runs. */
#ifndef PARVIS_ROUTER_H
#define PARVIS_ROUTER_H

#include <stddef.h>

#include "arena.h"
#include "form.h"

struct req;

/* Who may reach a route.  A role-scoped route names the role in the
 * route's role field; its scope is checked by the handler against the
 * object it touches (a CPTS, a territory). */
enum access {
	ACCESS_PUBLIC,		/* anyone, no session needed */
	ACCESS_LOGGED_IN,	/* any valid session */
	ACCESS_ROLE,		/* a session whose user holds the route's role */
};

enum auth_level {
	AUTH_LEVEL_0 = 0,	/* anonymous */
	AUTH_LEVEL_1 = 1,	/* password */
	AUTH_LEVEL_2 = 2,	/* password + one-time code */
	AUTH_LEVEL_3 = 3,	/* Pro Santé Connect or equivalent */
};

/* A handler writes the whole response; returns 0, or -1 after a system
 * failure it has not answered (the caller then answers 500). */
typedef int (*handler_fn)(struct req *r);

struct route {
	const char	*method;	/* "GET" (HEAD follows GET) or "POST" */
	const char	*pattern;	/* "/annuaire/pro/{id}/statut" */
	handler_fn	 handler;
	enum access	 access;
	enum auth_level	 level;		/* minimum session level */
	const char	*role;		/* for ACCESS_ROLE */
	unsigned	 flags;		/* ROUTE_* below */
};

/* The route stays reachable while terms of use wait to be accepted (the
 * terms page itself, logout, the one-time code pages). */
#define ROUTE_BEFORE_CGU	0x1

enum route_result {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,		/* no pattern matches the path: 404 */
	ROUTE_BAD_METHOD,		/* a pattern matches, not with this method: 405 */
};

/* Matches method and path against the table.  On ROUTE_FOUND *found is the
 * route and the {params} are appended to params (values are the raw path
 * segments, which must be valid UTF-8 and non-empty).  On ROUTE_BAD_METHOD,
 * allow receives the allowed methods ("GET, HEAD, POST") for the Allow
 * header.  Static patterns win over patterns with parameters. */
enum route_result router_match(const struct route *routes, size_t n,
	    const char *method, const char *path, struct arena *a,
	    const struct route **found, struct params *params, char *allow,
	    size_t allowlen);

#endif
