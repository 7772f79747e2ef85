/*
 * Unit tests for fcgi/lib/formerr.c: what a form page receives for 0, 1,
 * several and too many errors, rendered through a template as the pages
 * use it (summary list, has_errors, err_<field> beside each field).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "formerr.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char page[] =
    "{{#has_errors}}E{{/has_errors}}{{^has_errors}}-{{/has_errors}}|"
    "{{#errors}}{{field}}:{{message}};{{/errors}}|"
    "{{err_nom}}|{{err_mail}}";

static const struct {
	size_t		 n;
	const char	*field[20];
	const char	*message[20];
	const char	*out;
} cases[] = {
	{ 0, { NULL }, { NULL }, "-|||" },
	{ 1, { "nom" }, { "Nom requis" }, "E|nom:Nom requis;|Nom requis|" },
	/* a validator's NULL ("valid") adds nothing */
	{ 2, { "nom", "mail" }, { NULL, "Adresse invalide" },
	    "E|mail:Adresse invalide;||Adresse invalide" },
	{ 1, { "nom" }, { NULL }, "-|||" },
	/* the first message of a field is the one beside it; all are listed */
	{ 3, { "nom", "nom", "mail" }, { "Trop court", "Caractère interdit", "Vide" },
	    "E|nom:Trop court;nom:Caractère interdit;mail:Vide;|Trop court|Vide" },
	/* escaped like every value */
	{ 1, { "nom" }, { "<b>&" }, "E|nom:&lt;b&gt;&amp;;|&lt;b&gt;&amp;|" },
	/* past FORM_ERRORS_MAX (16), dropped */
	{ 18, { "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a",
	    "a", "a", "a", "nom", "mail" },
	    { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
	    "14", "15", "16", "x", "y" },
	    "E|a:1;a:2;a:3;a:4;a:5;a:6;a:7;a:8;a:9;a:10;a:11;a:12;a:13;a:14;"
	    "a:15;a:16;||" },
};

START_TEST(test_form_errors)
{
	struct tmpl_set *set = tmpl_set_new();
	struct form_errors e = { 0 };
	struct arena a;
	struct tdict *ctx;
	struct buf out = BUF_INIT;
	char err[200];
	size_t i;

	ck_assert_int_eq(tmpl_compile(set, "p", page, strlen(page), err,
	    sizeof(err)), 0);
	arena_init(&a, 0);
	ctx = tdict_new(&a);
	for (i = 0; i < cases[_i].n; i++)
		form_error_add(&e, cases[_i].field[i], cases[_i].message[i]);
	form_errors_tdict(&a, ctx, &e);
	ck_assert_int_eq(tmpl_render(set, "p", ctx, &out), 0);
	ck_assert_str_eq(buf_str(&out), cases[_i].out);
	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
}
END_TEST

START_TEST(test_form_errors_null)
{
	struct tmpl_set *set = tmpl_set_new();
	struct arena a;
	struct tdict *ctx;
	struct buf out = BUF_INIT;
	char err[200];

	ck_assert_int_eq(tmpl_compile(set, "p", page, strlen(page), err,
	    sizeof(err)), 0);
	arena_init(&a, 0);
	ctx = tdict_new(&a);
	form_errors_tdict(&a, ctx, NULL);
	ck_assert_int_eq(tmpl_render(set, "p", ctx, &out), 0);
	ck_assert_str_eq(buf_str(&out), "-|||");
	buf_free(&out);
	arena_free(&a);
	tmpl_set_free(set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("formerr");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_form_errors, 0, NELEM(cases));
	tcase_add_test(tc, test_form_errors_null);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
