/* Route matching: 404 versus 405, parameters, specificity, HEAD. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router.h"

static int h(struct req *r) { (void)r; return 0; }

static const struct route routes[] = {
	{ "GET",  "/",				h, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/connexion",			h, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "POST", "/connexion",			h, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET",  "/annuaire/pro/{idnps}",	h, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/annuaire/pro/{idnps}/statut", h, ACCESS_ROLE, AUTH_LEVEL_1, "cpts_manager", 0 },
	{ "GET",  "/annuaire/pro/nouveaux",	h, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/step1/{sid}", h, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

struct match_case {
	const char	*method;
	const char	*path;
	enum route_result expect;
	int		 route;		/* index when found */
	const char	*param;		/* name=value of the first param, or NULL */
	const char	*allow;		/* expected Allow on 405 */
};

static const struct match_case cases[] = {
	{ "GET", "/", ROUTE_FOUND, 0, NULL, NULL },
	{ "HEAD", "/", ROUTE_FOUND, 0, NULL, NULL },
	{ "GET", "/connexion", ROUTE_FOUND, 1, NULL, NULL },
	{ "POST", "/connexion", ROUTE_FOUND, 2, NULL, NULL },
	{ "PUT", "/connexion", ROUTE_BAD_METHOD, 0, NULL, "GET, HEAD, POST" },
	{ "DELETE", "/", ROUTE_BAD_METHOD, 0, NULL, "GET, HEAD" },
	{ "POST", "/", ROUTE_BAD_METHOD, 0, NULL, "GET, HEAD" },
	{ "GET", "/connexion/", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "/connexionX", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "//", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "/annuaire/pro/810001045367", ROUTE_FOUND, 3, "idnps=810001045367", NULL },
	{ "GET", "/annuaire/pro/nouveaux", ROUTE_FOUND, 5, NULL, NULL },
	{ "GET", "/annuaire/pro/", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "/annuaire/pro/a/b", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "POST", "/annuaire/pro/81/statut", ROUTE_FOUND, 4, "idnps=81", NULL },
	{ "GET", "/annuaire/pro/81/statut", ROUTE_BAD_METHOD, 0, NULL, "POST" },
	{ "GET", "/annuaire/pro/\xff\xfe", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "GET", "/icope/usagers/12/step1/7", ROUTE_FOUND, 6, "id=12", NULL },
	{ "GET", "/icope/usagers/12/step1/", ROUTE_NOT_FOUND, 0, NULL, NULL },
};

START_TEST(test_match_table)
{
	const struct match_case *c = &cases[_i];
	const struct route *found = NULL;
	struct params params = { 0 };
	struct arena a;
	char allow[64];
	enum route_result rr;

	arena_init(&a, 0);
	rr = router_match(routes, NROUTES, c->method, c->path, &a, &found,
	    &params, allow, sizeof(allow));
	ck_assert_msg(rr == c->expect, "%s %s: got %d, want %d", c->method,
	    c->path, rr, c->expect);
	if (rr == ROUTE_FOUND) {
		ck_assert_ptr_eq(found, &routes[c->route]);
		if (c->param != NULL) {
			char want[64];

			ck_assert_uint_ge(params.n, 1);
			snprintf(want, sizeof(want), "%s=%s", params.v[0].name,
			    params.v[0].value);
			ck_assert_str_eq(want, c->param);
		}
	}
	if (rr == ROUTE_BAD_METHOD)
		ck_assert_str_eq(allow, c->allow);
	arena_free(&a);
}
END_TEST

START_TEST(test_two_params)
{
	const struct route *found = NULL;
	struct params params = { 0 };
	struct arena a;
	char allow[64];

	arena_init(&a, 0);
	ck_assert_int_eq(router_match(routes, NROUTES, "GET",
	    "/icope/usagers/42/step1/9", &a, &found, &params, allow,
	    sizeof(allow)), ROUTE_FOUND);
	ck_assert_str_eq(params_get(&params, "id"), "42");
	ck_assert_str_eq(params_get(&params, "sid"), "9");
	arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("router");
	TCase *tc = tcase_create("match");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_match_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_two_params);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
