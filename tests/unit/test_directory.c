/*
 * Unit tests for fcgi/lib/directory.c: the LIKE patterns of a typed name
 * (folded as the directory's keys), profession codes, street lines, phone
 * numbers, and the "pick a professional" search (criteria, statement and
 * parameters, one row a professional), valid and refused input side by
 * side.
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

static const struct {
	const char	*name, *profession, *postal_code;
	unsigned	 bad;
	const char	*full;		/* when bad == 0 */
} criteria[] = {
	{ "dupont", "", "", 0, "DUPONT%" },
	{ "Marie Dupont", "10", "", 0, "MARIE%DUPONT%" },
	{ "dupont", "", "75011", 0, "DUPONT%" },
	{ "dupont", "60", "20090", 0, "DUPONT%" },
	{ "du", "A", "01000", 0, "DU%" },
	/* refused, each field apart and together */
	{ "", "", "", DIR_BAD_NAME, NULL },
	{ "", "10", "75011", DIR_BAD_NAME, NULL },
	{ "d", "", "", DIR_BAD_NAME, NULL },
	{ "%%", "", "", DIR_BAD_NAME, NULL },
	{ "du\xff", "", "", DIR_BAD_NAME, NULL },
	{ "dupont", "1a", "", DIR_BAD_PROFESSION, NULL },
	{ "dupont", "123456789", "", DIR_BAD_PROFESSION, NULL },
	{ "dupont", "", "7501", DIR_BAD_POSTAL_CODE, NULL },
	{ "dupont", "", "750111", DIR_BAD_POSTAL_CODE, NULL },
	{ "dupont", "", "75O11", DIR_BAD_POSTAL_CODE, NULL },
	{ "dupont", "", "00100", DIR_BAD_POSTAL_CODE, NULL },
	{ "x", "?", "1", DIR_BAD_NAME | DIR_BAD_PROFESSION |
	    DIR_BAD_POSTAL_CODE, NULL },
};

START_TEST(test_criteria_check)
{
	struct dir_criteria c = { criteria[_i].name, criteria[_i].profession,
	    criteria[_i].postal_code, { NULL, NULL, NULL } };
	struct arena a;
	unsigned bad;

	arena_init(&a, 0);
	bad = dir_criteria_check(&a, &c);
	ck_assert_msg(bad == criteria[_i].bad, "\"%s\" \"%s\" \"%s\": %#x, "
	    "expected %#x", c.name, c.profession, c.postal_code, bad,
	    criteria[_i].bad);
	if (criteria[_i].bad == 0)
		ck_assert_str_eq(c.np.full, criteria[_i].full);
	arena_free(&a);
}
END_TEST

static const struct dir_search_stmts stmts = { 11, 12, 13, 14 };

static const struct {
	const char	*profession, *postal_code;
	size_t		 nlead;
	int		 rc;
	int		 stmt;
	const char	*params;	/* one letter a parameter */
} binds[] = {
	/* L: lead, C: postal code, P: profession, F/1/2: full, w1, w2 */
	{ "", "", 0, 0, 11, "F1221" },
	{ "", "", 1, 0, 11, "LF1221" },
	{ "10", "", 2, 0, 12, "LLPF1221" },
	{ "", "75011", 1, 0, 13, "LCF1221" },
	{ "10", "75011", 2, 0, 14, "LLCPF1221" },
	{ "10", "75011", DIR_LEAD_MAX, 0, 14, "LLLLCPF1221" },
	/* refused: more caller's parameters than room */
	{ "", "", DIR_LEAD_MAX + 1, -1, 0, NULL },
	{ "10", "75011", 100, -1, 0, NULL },
};

START_TEST(test_search_bind)
{
	struct db_param lead[DIR_LEAD_MAX + 1];
	struct dir_criteria c = { "Marie Dupont", binds[_i].profession,
	    binds[_i].postal_code, { "F", "1", "2" } };
	struct dir_query q;
	size_t k;
	int rc;

	for (k = 0; k < NELEM(lead); k++)
		lead[k] = DBP_INT(7);
	rc = dir_search_bind(&stmts, lead, binds[_i].nlead, &c, &q);
	ck_assert_int_eq(rc, binds[_i].rc);
	if (rc != 0)
		return;
	ck_assert_int_eq(q.stmt, binds[_i].stmt);
	ck_assert_uint_eq(q.n, strlen(binds[_i].params));
	for (k = 0; k < q.n; k++) {
		char want = binds[_i].params[k];

		if (want == 'L') {
			ck_assert_int_eq(q.p[k].type, DB_T_INT);
			ck_assert_int_eq(q.p[k].i, 7);
			continue;
		}
		ck_assert_int_eq(q.p[k].type, DB_T_STR);
		if (want == 'C')
			ck_assert_str_eq(q.p[k].s, "75011");
		else if (want == 'P')
			ck_assert_str_eq(q.p[k].s, "10");
		else
			ck_assert_msg(q.p[k].s[0] == want && q.p[k].s[1] == '\0',
			    "parameter %zu: \"%s\", expected %c", k, q.p[k].s,
			    want);
	}
}
END_TEST

/* Rows as a query returns them: one letter a row for column 0 ('-' is
 * NULL), its position as column 1. */
static const struct {
	const char	*ids;
	size_t		 max;
	const char	*kept;		/* column 0 of the rows kept */
	const char	*from;		/* their position in the query */
	bool		 more;
} uniques[] = {
	{ "", 20, "", "", false },
	{ "abc", 20, "abc", "012", false },
	{ "aab", 20, "ab", "02", false },
	{ "abab", 20, "ab", "01", false },
	{ "abbbcacd", 20, "abcd", "0147", false },
	{ "abc", 3, "abc", "012", false },
	{ "abcc", 3, "abc", "012", false },
	{ "abcd", 3, "abc", "012", true },
	{ "aaab", 1, "a", "0", true },
	{ "aaaa", 1, "a", "0", false },
	{ "abc", 0, "", "", true },
	/* a row without a professional is dropped */
	{ "-a-b", 20, "ab", "13", false },
	{ "---", 20, "", "", false },
};

START_TEST(test_hits_unique)
{
	static char ids[16][2], pos[16][3];
	char *cells[32];
	struct db_result res;
	size_t n = strlen(uniques[_i].ids), k;
	bool more = !uniques[_i].more;

	ck_assert_uint_le(n, 16);
	for (k = 0; k < n; k++) {
		ids[k][0] = uniques[_i].ids[k];
		ids[k][1] = '\0';
		pos[k][0] = (char)('0' + k);
		pos[k][1] = '\0';
		cells[2 * k] = ids[k][0] == '-' ? NULL : ids[k];
		cells[2 * k + 1] = pos[k];
	}
	res.nrows = n;
	res.ncols = 2;
	res.cells = cells;
	dir_hits_unique(&res, uniques[_i].max, &more);
	ck_assert_uint_eq(res.nrows, strlen(uniques[_i].kept));
	ck_assert(more == uniques[_i].more);
	for (k = 0; k < res.nrows; k++) {
		ck_assert_int_eq(db_cell(&res, k, 0)[0], uniques[_i].kept[k]);
		ck_assert_int_eq(db_cell(&res, k, 1)[0], uniques[_i].from[k]);
	}
}
END_TEST

/* Hit rows (idnps, first name, last name, profession, town, own column)
 * and the fields dir_hit_tdict sets from them. */
static char *hit_cells[] = {
	"810001", "Marie", "DUPONT", "Médecin", "PARIS", "1",
	"810002", "Éloïse", "D'ORNANO", "Infirmier", NULL, "0",
	"810003", "Jean", "MARTIN", NULL, "LYON", "0",
};
static const struct {
	const char	*idnps, *name, *profession, *town;
} hits[] = {
	{ "810001", "Marie DUPONT", "Médecin", "PARIS" },
	{ "810002", "Éloïse D'ORNANO", "Infirmier", "" },	/* NULL shows "" */
	{ "810003", "Jean MARTIN", "", "LYON" },
};

START_TEST(test_hit_tdict)
{
	struct db_result res = { NELEM(hits), 6, hit_cells };
	struct arena a;
	struct tdict *d;

	arena_init(&a, 0);
	d = tdict_new(&a);
	dir_hit_tdict(d, &res, (size_t)_i);
	ck_assert_str_eq(tdict_get(d, "idnps"), hits[_i].idnps);
	ck_assert_str_eq(tdict_get(d, "name"), hits[_i].name);
	ck_assert_str_eq(tdict_get(d, "profession"), hits[_i].profession);
	ck_assert_str_eq(tdict_get(d, "town"), hits[_i].town);
	ck_assert_ptr_null(tdict_get(d, "account"));
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
	tcase_add_loop_test(tc, test_criteria_check, 0, NELEM(criteria));
	tcase_add_loop_test(tc, test_search_bind, 0, NELEM(binds));
	tcase_add_loop_test(tc, test_hits_unique, 0, NELEM(uniques));
	tcase_add_loop_test(tc, test_hit_tdict, 0, NELEM(hits));
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
