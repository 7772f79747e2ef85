/*
 * Unit tests for fcgi/portal/admin_cpts.h, shared by the CPTS pages, the
 * user page and parvis-admin: a territory typed as lists of codes (valid
 * and invalid entries side by side, separators, duplicates, the limit), an
 * RPPS/ADELI identifier as typed, and a name as the directory's keys.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_cpts.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*in;
	bool		 insee;
	const char	*codes;		/* kept, space-separated */
	size_t		 nbad;
	const char	*bad;		/* the message's list */
} code_cases[] = {
	{ "", false, "", 0, "" },
	{ " \t\r\n,;", false, "", 0, "" },
	{ "56000", false, "56000", 0, "" },
	{ "56000 56100", false, "56000 56100", 0, "" },
	{ "56000,56100;74000\n29200\r\n", false, "56000 56100 74000 29200", 0, "" },
	{ "56000, 56000 ,56000", false, "56000", 0, "" },
	{ "5600", false, "", 1, "5600" },
	{ "560000", false, "", 1, "560000" },
	{ "ABCDE 56000", false, "56000", 1, "ABCDE" },
	{ "00100", false, "", 1, "00100" },	/* no department 00 */
	{ "99000", false, "", 1, "99000" },	/* nor 99 */
	{ "20000", false, "20000", 0, "" },	/* Corsica's postal codes */
	{ "2A004", false, "", 1, "2A004" },	/* an INSEE code, not postal */
	{ "5600, x, 56000", false, "56000", 2, "5600, x" },
	{ "56260", true, "56260", 0, "" },
	{ "2A004 2b033", true, "2A004 2B033", 0, "" },
	{ "2C001", true, "", 1, "2C001" },
	{ "56 260", true, "", 2, "56, 260" },
	{ "97411 97101", true, "97411 97101", 0, "" },
	{ "é5600 56260", true, "56260", 1, "é5600" },
	{ "56260 56260 56121", true, "56260 56121", 0, "" },
};

START_TEST(test_codes)
{
	struct cpts_codes *c = malloc(sizeof(*c));
	char got[512];
	size_t i, o = 0;

	ck_assert_ptr_nonnull(c);
	cpts_codes_parse(code_cases[_i].in, code_cases[_i].insee, c);
	got[0] = '\0';
	for (i = 0; i < c->n; i++)
		o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
		    i ? " " : "", c->code[i]);
	ck_assert_str_eq(got, code_cases[_i].codes);
	ck_assert_uint_eq(c->nbad, code_cases[_i].nbad);
	ck_assert_str_eq(c->bad, code_cases[_i].bad);
	ck_assert(!c->too_many);
	free(c);
}
END_TEST

START_TEST(test_codes_null)
{
	struct cpts_codes *c = malloc(sizeof(*c));

	ck_assert_ptr_nonnull(c);
	cpts_codes_parse(NULL, false, c);
	ck_assert_uint_eq(c->n, 0);
	ck_assert_uint_eq(c->nbad, 0);
	free(c);
}
END_TEST

/* More codes than allowed: the first CPTS_CODES_MAX kept, the rest said. */
START_TEST(test_codes_limit)
{
	struct cpts_codes *c = malloc(sizeof(*c));
	char *in = malloc((CPTS_CODES_MAX + 10) * 6 + 1);
	size_t i, o = 0;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(in);
	for (i = 0; i < CPTS_CODES_MAX + 10; i++)
		o += (size_t)snprintf(in + o, (CPTS_CODES_MAX + 10) * 6 + 1 - o,
		    "%05zu ", 10000 + i);
	cpts_codes_parse(in, false, c);
	ck_assert_uint_eq(c->n, CPTS_CODES_MAX);
	ck_assert(c->too_many);
	ck_assert_str_eq(c->code[0], "10000");
	free(in);
	free(c);
}
END_TEST

/* Many bad entries, long ones among them: the list stays bounded, cut at
 * a character boundary, and ends with an ellipsis. */
START_TEST(test_codes_bad_bounded)
{
	struct cpts_codes *c = malloc(sizeof(*c));
	char in[4096];
	size_t i, o = 0;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(in + o, sizeof(in) - o, "ééééééééééééé%zu ",
		    i);
	cpts_codes_parse(in, true, c);
	ck_assert_uint_eq(c->nbad, 100);
	ck_assert_uint_lt(strlen(c->bad), CPTS_BAD_TEXT);
	ck_assert_str_eq(c->bad + strlen(c->bad) - 3, "\xe2\x80\xa6");
	/* "éééééééééé" (20 bytes) then ", ": never half a character. */
	ck_assert(strncmp(c->bad, "éééééééééé, ", 22) == 0);
	free(c);
}
END_TEST

static const struct {
	const char	*in;
	const char	*idnps;		/* NULL: refused */
} idnps_cases[] = {
	{ "10001045367", "810001045367" },		/* RPPS */
	{ "100 010 453 67", "810001045367" },
	{ "10001-045.367", "810001045367" },
	{ "810001045367", "810001045367" },		/* IDNPS */
	{ "101234567", "0101234567" },			/* ADELI */
	{ "0101234567", "0101234567" },
	{ "10001045368", NULL },			/* wrong key */
	{ "910001045367", NULL },			/* wrong type */
	{ "12345", NULL },
	{ "", NULL },
	{ "1000104536a", NULL },
	{ "123456789012345678", NULL },
	{ "8100010453670", NULL },
};

START_TEST(test_idnps)
{
	char out[16];
	bool ok = cpts_idnps_parse(idnps_cases[_i].in, out);

	if (idnps_cases[_i].idnps == NULL) {
		ck_assert(!ok);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert(ok);
		ck_assert_str_eq(out, idnps_cases[_i].idnps);
	}
}
END_TEST

static const struct {
	const char	*in;
	const char	*key;		/* NULL: refused */
} name_cases[] = {
	{ "Le Gall", "LE GALL" },
	{ "Le-Gall", "LE GALL" },
	{ "  le   gall ", "LE GALL" },
	{ "Maëlle", "MAELLE" },
	{ "D'Almeida", "DALMEIDA" },
	{ "D\xe2\x80\x99" "Almeida", "DALMEIDA" },
	{ "Œdipe", "OEDIPE" },
	{ "Jean--Paul", "JEAN PAUL" },
	{ "", "" },
	{ "\xff", NULL },
};

START_TEST(test_name_key)
{
	char out[64];
	bool ok = cpts_name_key(name_cases[_i].in, out, sizeof(out));

	if (name_cases[_i].key == NULL)
		ck_assert(!ok);
	else {
		ck_assert(ok);
		ck_assert_str_eq(out, name_cases[_i].key);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("admin_cpts");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_codes, 0, NELEM(code_cases));
	tcase_add_test(tc, test_codes_null);
	tcase_add_test(tc, test_codes_limit);
	tcase_add_test(tc, test_codes_bad_bounded);
	tcase_add_loop_test(tc, test_idnps, 0, NELEM(idnps_cases));
	tcase_add_loop_test(tc, test_name_key, 0, NELEM(name_cases));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
