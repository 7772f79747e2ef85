/* annuaire_fold: names folded as the directory stores and searches them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "annuaire_fold.h"

static const struct {
	const char	*in;
	const char	*out;
} cases[] = {
	{ "", "" },
	{ "Dupont", "DUPONT" },
	{ "LEFÈVRE", "LEFEVRE" },
	{ "lefèvre", "LEFEVRE" },
	{ "D'ALMEIDA", "DALMEIDA" },
	{ "d’almeida", "DALMEIDA" },		/* U+2019 */
	{ "LE-GOFF", "LE GOFF" },
	{ "  le   goff  ", "LE GOFF" },
	{ "Jean-François", "JEAN FRANCOIS" },
	{ "MAËLLE", "MAELLE" },
	{ "Œillet", "OEILLET" },
	{ "cœur", "COEUR" },
	{ "Straße", "STRASSE" },
	{ "Ægir", "AEGIR" },
	{ "Łukasz", "LUKASZ" },
	{ "ÇA", "CA" },
	{ "x×y÷z", "XYZ" },			/* signs without ASCII form: dropped */
	{ "Ωmega", "MEGA" },			/* Greek: dropped */
	{ "a\tb", "A B" },
	{ "50%_\\", "50%_\\" },			/* punctuation kept (escaped later) */
	{ "\xC3", "" },				/* truncated sequence */
	{ "a\xFF" "b", "AB" },			/* invalid byte skipped */
	{ "-le-", "LE" },
};

START_TEST(test_fold_table)
{
	char out[64];
	size_t n = annuaire_fold(cases[_i].in, out, sizeof(out));

	ck_assert_str_eq(out, cases[_i].out);
	ck_assert_uint_eq(n, strlen(cases[_i].out));
}
END_TEST

START_TEST(test_fold_bounds)
{
	char out[6];
	size_t n;

	/* What does not fit is dropped, never cut in the middle of "OE". */
	n = annuaire_fold("ABCDŒ", out, sizeof(out));
	ck_assert_str_eq(out, "ABCD");
	ck_assert_uint_eq(n, 4);
	n = annuaire_fold("ABCDEFGH", out, sizeof(out));
	ck_assert_str_eq(out, "ABCDE");
	ck_assert_uint_eq(n, 5);
	n = annuaire_fold("AB CD", out, 4);
	ck_assert_str_eq(out, "AB");
	n = annuaire_fold("A", out, 1);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(annuaire_fold("A", out, 0), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("annuaire_fold");
	TCase *tc = tcase_create("fold");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_fold_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_fold_bounds);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
