/*
 * Unit tests for fcgi/lib/directory.c: the LIKE patterns of a typed name
 * (folded as the directory's keys), profession codes, street lines and
 * phone numbers, valid and refused input side by side.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*in;
	int		 rc;
	const char	*full, *w1, *w2;	/* when rc == 0 */
} cases[] = {
	/* one word: the three patterns are the same */
	{ "dupont", 0, "DUPONT%", "DUPONT%", "DUPONT%" },
	{ "Dupont", 0, "DUPONT%", "DUPONT%", "DUPONT%" },
	{ "du", 0, "DU%", "DU%", "DU%" },
	/* accents, case, apostrophes, hyphens and blanks as the keys have them */
	{ "Éloïse", 0, "ELOISE%", "ELOISE%", "ELOISE%" },
	{ "d'Ornano", 0, "DORNANO%", "DORNANO%", "DORNANO%" },
	{ "d\u2019Ornano", 0, "DORNANO%", "DORNANO%", "DORNANO%" },
	{ "Œdipe", 0, "OEDIPE%", "OEDIPE%", "OEDIPE%" },
	{ "e\u0301mile", 0, "EMILE%", "EMILE%", "EMILE%" },
	{ "  marie   dupont ", 0, "MARIE%DUPONT%", "MARIE%", "DUPONT%" },
	{ "Jean-Pierre Martin", 0, "JEAN%PIERRE%MARTIN%", "JEAN%", "PIERRE%MARTIN%" },
	{ "marie\u00a0dupont", 0, "MARIE%DUPONT%", "MARIE%", "DUPONT%" },
	{ "- dupont", 0, "DUPONT%", "DUPONT%", "DUPONT%" },
	/* wildcards typed are literal */
	{ "du%pont", 0, "DU\\%PONT%", "DU\\%PONT%", "DU\\%PONT%" },
	{ "du_pont", 0, "DU\\_PONT%", "DU\\_PONT%", "DU\\_PONT%" },
	{ "ab\\c", 0, "AB\\\\C%", "AB\\\\C%", "AB\\\\C%" },
	{ "12", 0, "12%", "12%", "12%" },
	/* refused: fewer than 2 letters or digits, or invalid UTF-8 */
	{ "", -1, NULL, NULL, NULL },
	{ "a", -1, NULL, NULL, NULL },
	{ "%%%", -1, NULL, NULL, NULL },
	{ "' - '", -1, NULL, NULL, NULL },
	{ "\u041c\u041e", -1, NULL, NULL, NULL },	/* no ASCII form */
	{ "du\xff", -1, NULL, NULL, NULL },
	{ "\xc3\x28", -1, NULL, NULL, NULL },
};

START_TEST(test_name_patterns)
{
	struct arena a;
	struct name_patterns np;
	int rc;

	arena_init(&a, 0);
	rc = name_patterns(&a, cases[_i].in, &np);
	ck_assert_msg(rc == cases[_i].rc, "\"%s\": rc %d, expected %d",
	    cases[_i].in, rc, cases[_i].rc);
	if (cases[_i].rc == 0) {
		ck_assert_str_eq(np.full, cases[_i].full);
		ck_assert_str_eq(np.w1, cases[_i].w1);
		ck_assert_str_eq(np.w2, cases[_i].w2);
	}
	arena_free(&a);
}
END_TEST

static const struct {
	const char	*in;
	bool		 ok;
} professions[] = {
	{ "10", true }, { "60", true }, { "A", true }, { "12345678", true },
	{ "", false }, { "123456789", false }, { "1a", false }, { "10 ", false },
	{ "'", false }, { "\xc3\xa9", false },
};

START_TEST(test_profession_code)
{
	ck_assert_msg(dir_profession_code_ok(professions[_i].in) ==
	    professions[_i].ok, "\"%s\"", professions[_i].in);
}
END_TEST

/* Rows of four street columns (number, repetition, type, name) after one
 * leading column, as a query returns them. */
static char *street_cells[] = {
	"x", "12", "bis", "R", "DE LA PAIX",
	"x", NULL, NULL, "AV", "FOCH",
	"x", "", "", "", "",
	"x", NULL, NULL, NULL, NULL,
	"x", "3", NULL, NULL, NULL,
};
static const char *const streets[] = {
	"12 bis R DE LA PAIX", "AV FOCH", "", "", "3",
};

START_TEST(test_street_line)
{
	struct db_result res = { NELEM(streets), 5, street_cells };
	struct arena a;

	arena_init(&a, 0);
	ck_assert_str_eq(dir_street_line(&a, &res, (size_t)_i, 1), streets[_i]);
	arena_free(&a);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} phones[] = {
	{ "0123456789", "01 23 45 67 89" },
	{ "0612345678", "06 12 34 56 78" },
	{ "06123456", "06123456" },		/* not 10 digits: as it is */
	{ "061234567890", "061234567890" },
	{ "+33612345678", "+33612345678" },
	{ "06 12 34 56", "06 12 34 56" },
	{ "06123456a8", "06123456a8" },
	{ "", "" },
};

START_TEST(test_phone_display)
{
	struct arena a;

	arena_init(&a, 0);
	ck_assert_str_eq(phone_display(&a, phones[_i].in), phones[_i].out);
	ck_assert_ptr_null(phone_display(&a, NULL));
	arena_free(&a);
}
END_TEST

static Suite *
directory_suite(void)
{
	Suite *s = suite_create("directory");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_name_patterns, 0, NELEM(cases));
	tcase_add_loop_test(tc, test_profession_code, 0, NELEM(professions));
	tcase_add_loop_test(tc, test_street_line, 0, NELEM(streets));
	tcase_add_loop_test(tc, test_phone_display, 0, NELEM(phones));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(directory_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
