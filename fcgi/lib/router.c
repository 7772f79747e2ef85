#include "router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/*
 * Matches path against pattern segment by segment.  Returns the number of
 * parameters the pattern has (lower is more specific) or -1 when it does
 * not match.  Parameters are recorded only when params is not NULL.
 */
static int
pattern_match(const char *pattern, const char *path, struct arena *a,
    struct params *params)
{
	const char *p = pattern, *s = path;
	int nparams = 0;

	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t seglen = strcspn(s, "/");

			if (close == NULL || seglen == 0)
				return -1;
			if (!utf8_valid(s, seglen))
				return -1;
			if (params != NULL)
				params_add(a, params,
				    arena_strndup(a, p + 1, (size_t)(close - p - 1)),
				    arena_strndup(a, s, seglen), seglen);
			nparams++;
			p = close + 1;
			s += seglen;
			continue;
		}
		if (*p != *s)
			return -1;
		p++;
		s++;
	}
	return (*p == '\0' && *s == '\0') ? nparams : -1;
}

static bool
method_matches(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void
allow_add(char *allow, size_t allowlen, const char *method)
{
	size_t used = strlen(allow);

	if (strstr(allow, method) != NULL)
		return;
	snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "", method);
	if (strcmp(method, "GET") == 0)
		allow_add(allow, allowlen, "HEAD");
}

enum route_result
router_match(const struct route *routes, size_t n, const char *method,
    const char *path, struct arena *a, const struct route **found,
    struct params *params, char *allow, size_t allowlen)
{
	const struct route *best = NULL;
	int best_params = -1;
	bool path_known = false;
	size_t i;
	int np;

	if (allowlen > 0)
		allow[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((np = pattern_match(routes[i].pattern, path, NULL, NULL)) < 0)
			continue;
		path_known = true;
		if (!method_matches(routes[i].method, method)) {
			if (allowlen > 0)
				allow_add(allow, allowlen, routes[i].method);
			continue;
		}
		if (best == NULL || np < best_params) {
			best = &routes[i];
			best_params = np;
		}
	}
	if (best == NULL)
		return path_known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
	pattern_match(best->pattern, path, a, params);
	*found = best;
	return ROUTE_FOUND;
}
