/*
 * Unit tests for fcgi/icope/icope_rules.c: the WHO STEP 1 rules of
 * shared/domain/icope.md (one table per function: positive, negative,
 * not assessed, boundaries, invalid inputs), the overall result, a 7th
 * unscored block, decline flags, table checks that must refuse broken
 * forms, and every STEP 2 band edge.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "icope_rules.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MAXANS		16

#define YES(c)		{ c, "1" }
#define NO(c)		{ c, "0" }
#define ANS(c, v)	{ c, v }

#define CHAIR(v)	{ "mob_chair_rise_seconds", v }

#define NA		ICOPE_NOT_ASSESSED
#define NORMAL		ICOPE_NORMAL
#define ALERT		ICOPE_ALERT

/* Answers end at the first NULL code (the rest of the array is zero). */
static size_t
nanswers(const struct icope_answer *a)
{
	size_t n;

	for (n = 0; n < MAXANS && a[n].code != NULL; n++)
		continue;
	return n;
}

static size_t
fn_index(const struct icope_function_def *fns, size_t nfns, const char *code)
{
	size_t i;

	for (i = 0; i < nfns; i++)
		if (strcmp(fns[i].code, code) == 0)
			return i;
	ck_abort_msg("no function %s", code);
	return 0;
}

/* ---- the default tables ---- */

START_TEST(test_default_tables)
{
	ck_assert_int_eq(icope_functions_check(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS), 0);
	ck_assert_int_eq(icope_instruments_check(icope_default_instruments,
	    ICOPE_DEFAULT_NINSTRUMENTS), 0);
}
END_TEST

/* The codes the SQL seed and the forms rely on. */
#define K_YN	ICOPE_KIND_YESNO
#define R_REQ	ICOPE_ROLE_REQUIRED
#define R_ALT	ICOPE_ROLE_ALTERNATIVE

static const struct {
	const char		*item;
	const char		*fn;
	enum icope_item_kind	 kind;
	enum icope_item_role	 role;
} item_codes[] = {
	{ "cog_words_recalled", "cognition", ICOPE_KIND_COUNT, R_REQ },
	{ "cog_orientation_time", "cognition", K_YN, R_REQ },
	{ "cog_orientation_place", "cognition", K_YN, R_REQ },
	{ "cog_memory_worsened", "cognition", K_YN, ICOPE_ROLE_INFO },
	{ "mob_chair_rise_seconds", "mobility", ICOPE_KIND_SECONDS, R_REQ },
	{ "mob_chair_rise_unable", "mobility", K_YN, ICOPE_ROLE_OPTIONAL },
	{ "nut_weight_loss", "nutrition", K_YN, R_REQ },
	{ "nut_appetite_loss", "nutrition", K_YN, R_REQ },
	{ "vis_eye_problem", "vision", K_YN, R_REQ },
	{ "hear_whisper_failed", "hearing", ICOPE_KIND_PASSFAIL, R_ALT },
	{ "hear_audiometry_db", "hearing", ICOPE_KIND_DB, R_ALT },
	{ "hear_hearwho_score", "hearing", ICOPE_KIND_SCORE, R_ALT },
	{ "mood_down", "mood", K_YN, R_REQ },
	{ "mood_interest", "mood", K_YN, R_REQ },
	{ "cog_unknown", NULL, 0, 0 },
	{ "COG_WORDS_RECALLED", NULL, 0, 0 },
	{ "cog_words_recalled ", NULL, 0, 0 },
	{ "", NULL, 0, 0 },
	{ NULL, NULL, 0, 0 },
};

START_TEST(test_item_find)
{
	const struct icope_item_def *d;
	size_t fi = 99, ii = 99;

	d = icope_item_find(icope_default_functions, ICOPE_DEFAULT_NFUNCTIONS,
	    item_codes[_i].item, &fi, &ii);
	if (item_codes[_i].fn == NULL) {
		ck_assert_ptr_null(d);
		return;
	}
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->code, item_codes[_i].item);
	ck_assert_str_eq(icope_default_functions[fi].code, item_codes[_i].fn);
	ck_assert_ptr_eq(&icope_default_functions[fi].items[ii], d);
	ck_assert_int_eq(d->kind, item_codes[_i].kind);
	ck_assert_int_eq(d->role, item_codes[_i].role);
}
END_TEST

/* ---- parsing one answer ---- */

static char long_value[64];	/* 40 digits, built in main() */

static const struct {
	const char	*item;
	const char	*in;
	int		 ret;
	long long	 out;
} parse_cases[] = {
	{ "cog_words_recalled", "0", 0, 0 },
	{ "cog_words_recalled", "2", 0, 2 },
	{ "cog_words_recalled", "3", 0, 3 },
	{ "cog_words_recalled", "03", 0, 3 },
	{ "cog_words_recalled", "4", -1, 0 },
	{ "cog_words_recalled", "-1", -1, 0 },
	{ "cog_words_recalled", "-0", -1, 0 },
	{ "cog_words_recalled", "abc", -1, 0 },
	{ "cog_words_recalled", "", -1, 0 },
	{ "cog_words_recalled", NULL, -1, 0 },
	{ "cog_words_recalled", " 3", -1, 0 },
	{ "cog_words_recalled", "3 ", -1, 0 },
	{ "cog_words_recalled", "+3", -1, 0 },
	{ "cog_words_recalled", "3.0", -1, 0 },
	{ "cog_words_recalled", "trois", -1, 0 },
	{ "cog_words_recalled", "\xd9\xa3", -1, 0 },	/* Arabic-Indic 3 */
	{ "mob_chair_rise_seconds", "14", 0, 1400 },
	{ "mob_chair_rise_seconds", "14.0", 0, 1400 },
	{ "mob_chair_rise_seconds", "14,0", 0, 1400 },
	{ "mob_chair_rise_seconds", "14.00", 0, 1400 },
	{ "mob_chair_rise_seconds", "14.1", 0, 1410 },
	{ "mob_chair_rise_seconds", "14.01", 0, 1401 },
	{ "mob_chair_rise_seconds", "13.5", 0, 1350 },
	{ "mob_chair_rise_seconds", "13,57", 0, 1357 },
	{ "mob_chair_rise_seconds", "0013.5", 0, 1350 },
	{ "mob_chair_rise_seconds", "1", 0, 100 },
	{ "mob_chair_rise_seconds", "300", 0, 30000 },
	{ "mob_chair_rise_seconds", "300.00", 0, 30000 },
	{ "mob_chair_rise_seconds", "300.01", -1, 0 },
	{ "mob_chair_rise_seconds", "0.99", -1, 0 },
	{ "mob_chair_rise_seconds", "0", -1, 0 },
	{ "mob_chair_rise_seconds", "-1", -1, 0 },
	{ "mob_chair_rise_seconds", "-14", -1, 0 },
	{ "mob_chair_rise_seconds", "999999999999999999999", -1, 0 },
	{ "mob_chair_rise_seconds", "9223372036854775807", -1, 0 },
	{ "mob_chair_rise_seconds", "92233720368547758.07", -1, 0 },
	{ "mob_chair_rise_seconds", "92233720368547757.99", -1, 0 },
	{ "mob_chair_rise_seconds", "14.", -1, 0 },
	{ "mob_chair_rise_seconds", ".5", -1, 0 },
	{ "mob_chair_rise_seconds", "14.123", -1, 0 },
	{ "mob_chair_rise_seconds", "14.5.1", -1, 0 },
	{ "mob_chair_rise_seconds", "14.a", -1, 0 },
	{ "mob_chair_rise_seconds", "14.5a", -1, 0 },
	{ "mob_chair_rise_seconds", "14..5", -1, 0 },
	{ "mob_chair_rise_seconds", "14 s", -1, 0 },
	{ "mob_chair_rise_seconds", "1e1", -1, 0 },
	{ "mob_chair_rise_seconds", " 14", -1, 0 },
	{ "mob_chair_rise_seconds", "abc", -1, 0 },
	{ "mob_chair_rise_seconds", "", -1, 0 },
	{ "mob_chair_rise_seconds", long_value, -1, 0 },
	{ "mob_chair_rise_unable", "1", 0, 1 },
	{ "mob_chair_rise_unable", "0", 0, 0 },
	{ "nut_weight_loss", "1", 0, 1 },
	{ "nut_weight_loss", "0", 0, 0 },
	{ "nut_weight_loss", "2", -1, 0 },
	{ "nut_weight_loss", "01", -1, 0 },
	{ "nut_weight_loss", "-0", -1, 0 },
	{ "nut_weight_loss", "oui", -1, 0 },
	{ "nut_weight_loss", "true", -1, 0 },
	{ "nut_weight_loss", "3", -1, 0 },	/* kilograms: not asked so */
	{ "hear_whisper_failed", "1", 0, 1 },
	{ "hear_whisper_failed", "0", 0, 0 },
	{ "hear_whisper_failed", "fail", -1, 0 },
	{ "hear_audiometry_db", "35", 0, 35 },
	{ "hear_audiometry_db", "36", 0, 36 },
	{ "hear_audiometry_db", "-10", 0, -10 },
	{ "hear_audiometry_db", "120", 0, 120 },
	{ "hear_audiometry_db", "-11", -1, 0 },
	{ "hear_audiometry_db", "121", -1, 0 },
	{ "hear_audiometry_db", "35.5", -1, 0 },
	{ "hear_audiometry_db", "35dB", -1, 0 },
	{ "hear_hearwho_score", "50", 0, 50 },
	{ "hear_hearwho_score", "0", 0, 0 },
	{ "hear_hearwho_score", "100", 0, 100 },
	{ "hear_hearwho_score", "101", -1, 0 },
	{ "hear_hearwho_score", long_value, -1, 0 },
};

START_TEST(test_parse)
{
	const struct icope_item_def *d;
	long long out = 12345;
	int ret;

	d = icope_item_find(icope_default_functions, ICOPE_DEFAULT_NFUNCTIONS,
	    parse_cases[_i].item, NULL, NULL);
	ck_assert_ptr_nonnull(d);
	ret = icope_item_parse(d, parse_cases[_i].in, &out);
	ck_assert_msg(ret == parse_cases[_i].ret,
	    "%s = \"%s\": want %d, got %d", parse_cases[_i].item,
	    parse_cases[_i].in ? parse_cases[_i].in : "(null)",
	    parse_cases[_i].ret, ret);
	if (ret == 0)
		ck_assert_int_eq(out, parse_cases[_i].out);
	else
		ck_assert_int_eq(out, 12345);	/* untouched on failure */
}
END_TEST

/* ---- STEP 1, one function at a time ---- */

struct fcase {
	const char		*fn;
	enum icope_result	 want;
	bool			 info;
	struct icope_answer	 a[MAXANS];
};

static const struct fcase fn_cases[] = {
	/* Cognition: orientation in time and place, 3 words recalled. */
	{ "cognition", NORMAL, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "3") } },
	{ "cognition", ALERT, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "2") } },
	{ "cognition", ALERT, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "0") } },
	{ "cognition", ALERT, false, { NO("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "3") } },
	{ "cognition", ALERT, false, { YES("cog_orientation_time"),
	  NO("cog_orientation_place"), ANS("cog_words_recalled", "3") } },
	/* Words < 3 is enough; words = 3 is not, without orientation. */
	{ "cognition", ALERT, false, { ANS("cog_words_recalled", "2") } },
	{ "cognition", NA, false, { ANS("cog_words_recalled", "3") } },
	{ "cognition", NA, false, { ANS("cog_words_recalled", "3"),
	  YES("cog_orientation_time") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place") } },
	{ "cognition", ALERT, false, { NO("cog_orientation_place") } },
	{ "cognition", NA, false, { { NULL, NULL } } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "4") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "-1") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "abc") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", NULL) } },
	{ "cognition", ALERT, false, { NO("cog_orientation_time"),
	  ANS("cog_words_recalled", "abc") } },
	{ "cognition", NA, false, { ANS("cog_orientation_time", "2"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "3") } },
	/* The same item twice is no answer, even with one value positive. */
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "3"),
	  ANS("cog_words_recalled", "3") } },
	{ "cognition", NA, false, { YES("cog_orientation_time"),
	  YES("cog_orientation_place"), ANS("cog_words_recalled", "3"),
	  ANS("cog_words_recalled", "1") } },
	/* Memory worsened is information only. */
	{ "cognition", NORMAL, true, { YES("cog_memory_worsened"),
	  YES("cog_orientation_time"), YES("cog_orientation_place"),
	  ANS("cog_words_recalled", "3") } },
	{ "cognition", NA, true, { YES("cog_memory_worsened") } },
	{ "cognition", NA, false, { NO("cog_memory_worsened") } },
	{ "cognition", ALERT, true, { YES("cog_memory_worsened"),
	  ANS("cog_words_recalled", "1") } },
	{ "cognition", NORMAL, false, { ANS("cog_memory_worsened", "x"),
	  YES("cog_orientation_time"), YES("cog_orientation_place"),
	  ANS("cog_words_recalled", "3") } },

	/* Mobility: 5 chair rises within 14 s; 14.0 s is normal. */
	{ "mobility", NORMAL, false, { CHAIR("14") } },
	{ "mobility", NORMAL, false, { CHAIR("14.0") } },
	{ "mobility", NORMAL, false, { CHAIR("14,00") } },
	{ "mobility", NORMAL, false, { CHAIR("13.5") } },
	{ "mobility", NORMAL, false, { CHAIR("1") } },
	{ "mobility", ALERT, false, { CHAIR("14.1") } },
	{ "mobility", ALERT, false, { CHAIR("14.01") } },
	{ "mobility", ALERT, false, { CHAIR("14,1") } },
	{ "mobility", ALERT, false, { CHAIR("300") } },
	{ "mobility", ALERT, false, { YES("mob_chair_rise_unable") } },
	{ "mobility", ALERT, false, { YES("mob_chair_rise_unable"),
	  ANS("mob_chair_rise_seconds", "10") } },
	{ "mobility", ALERT, false, { YES("mob_chair_rise_unable"),
	  ANS("mob_chair_rise_seconds", "999999999999999999999") } },
	{ "mobility", NORMAL, false, { NO("mob_chair_rise_unable"),
	  ANS("mob_chair_rise_seconds", "12") } },
	{ "mobility", NA, false, { NO("mob_chair_rise_unable") } },
	{ "mobility", NA, false, { ANS("mob_chair_rise_seconds",
	  "999999999999999999999") } },
	{ "mobility", NA, false, { CHAIR("abc") } },
	{ "mobility", NA, false, { CHAIR("") } },
	{ "mobility", NA, false, { CHAIR("-1") } },
	{ "mobility", NA, false, { CHAIR("0") } },
	{ "mobility", NA, false, { CHAIR("14.001") } },
	{ "mobility", NA, false, { ANS("mob_chair_rise_unable", "unable") } },
	{ "mobility", NA, false, { { NULL, NULL } } },

	/* Nutrition: weight loss > 3 kg (a yes/no item) or appetite loss. */
	{ "nutrition", NORMAL, false, { NO("nut_weight_loss"),
	  NO("nut_appetite_loss") } },
	{ "nutrition", ALERT, false, { YES("nut_weight_loss"),
	  NO("nut_appetite_loss") } },
	{ "nutrition", ALERT, false, { NO("nut_weight_loss"),
	  YES("nut_appetite_loss") } },
	{ "nutrition", ALERT, false, { YES("nut_weight_loss") } },
	{ "nutrition", ALERT, false, { YES("nut_appetite_loss") } },
	{ "nutrition", NA, false, { NO("nut_weight_loss") } },
	{ "nutrition", NA, false, { NO("nut_appetite_loss") } },
	{ "nutrition", NA, false, { ANS("nut_weight_loss", "3"),
	  NO("nut_appetite_loss") } },
	{ "nutrition", NA, false, { ANS("nut_weight_loss", "oui"),
	  NO("nut_appetite_loss") } },
	{ "nutrition", ALERT, false, { ANS("nut_weight_loss", "abc"),
	  YES("nut_appetite_loss") } },
	{ "nutrition", NA, false, { { NULL, NULL } } },

	/* Vision: yes to the eye question. */
	{ "vision", ALERT, false, { YES("vis_eye_problem") } },
	{ "vision", NORMAL, false, { NO("vis_eye_problem") } },
	{ "vision", NA, false, { ANS("vis_eye_problem", "abc") } },
	{ "vision", NA, false, { ANS("vis_eye_problem", "") } },
	{ "vision", NA, false, { ANS("vis_eye_problem", "-1") } },
	{ "vision", NA, false, { { NULL, NULL } } },

	/* Hearing: whichever test was used. */
	{ "hearing", NORMAL, false, { NO("hear_whisper_failed") } },
	{ "hearing", ALERT, false, { YES("hear_whisper_failed") } },
	{ "hearing", NORMAL, false, { ANS("hear_audiometry_db", "35") } },
	{ "hearing", ALERT, false, { ANS("hear_audiometry_db", "36") } },
	{ "hearing", NORMAL, false, { ANS("hear_audiometry_db", "-10") } },
	{ "hearing", NORMAL, false, { ANS("hear_hearwho_score", "50") } },
	{ "hearing", ALERT, false, { ANS("hear_hearwho_score", "49") } },
	{ "hearing", NORMAL, false, { ANS("hear_hearwho_score", "100") } },
	{ "hearing", ALERT, false, { ANS("hear_hearwho_score", "0") } },
	{ "hearing", ALERT, false, { NO("hear_whisper_failed"),
	  ANS("hear_audiometry_db", "40") } },
	{ "hearing", NORMAL, false, { ANS("hear_whisper_failed", "abc"),
	  ANS("hear_hearwho_score", "60") } },
	{ "hearing", NA, false, { ANS("hear_whisper_failed", "abc") } },
	{ "hearing", NA, false, { ANS("hear_audiometry_db", "121") } },
	{ "hearing", NA, false, { ANS("hear_audiometry_db", "-11") } },
	{ "hearing", NA, false, { ANS("hear_hearwho_score", "-1") } },
	{ "hearing", NA, false, { { NULL, NULL } } },

	/* Mood: yes to either question. */
	{ "mood", NORMAL, false, { NO("mood_down"), NO("mood_interest") } },
	{ "mood", ALERT, false, { YES("mood_down"), NO("mood_interest") } },
	{ "mood", ALERT, false, { NO("mood_down"), YES("mood_interest") } },
	{ "mood", ALERT, false, { YES("mood_interest") } },
	{ "mood", NA, false, { NO("mood_down") } },
	{ "mood", NA, false, { ANS("mood_down", "x"), NO("mood_interest") } },
	{ "mood", NA, false, { { NULL, NULL } } },
};

START_TEST(test_function)
{
	const struct fcase *c = &fn_cases[_i];
	struct icope_step1_result r;
	size_t fi, i;

	ck_assert_int_eq(icope_step1_eval(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS, c->a, nanswers(c->a), NULL, 0, &r), 0);
	fi = fn_index(icope_default_functions, ICOPE_DEFAULT_NFUNCTIONS,
	    c->fn);
	ck_assert_msg(r.fn[fi].result == c->want, "case %d (%s): want %s, "
	    "got %s", _i, c->fn, icope_result_label(c->want),
	    icope_result_label(r.fn[fi].result));
	ck_assert(r.fn[fi].info == c->info);
	ck_assert_uint_eq(r.fn[fi].decline, 0);
	/* Answers for one function leave the others not assessed. */
	for (i = 0; i < ICOPE_DEFAULT_NFUNCTIONS; i++)
		if (i != fi)
			ck_assert_int_eq(r.fn[i].result, NA);
	ck_assert_uint_eq(r.n_unknown, 0);
}
END_TEST

/* Item states and counts of one mixed answer set. */
START_TEST(test_item_states)
{
	static const struct icope_answer a[] = {
		YES("cog_orientation_time"),
		ANS("cog_orientation_place", "peut-être"),
		ANS("cog_words_recalled", "2"),
		ANS("mob_chair_rise_seconds", ""),
		ANS("mob_chair_rise_unable", NULL),
		NO("vis_eye_problem"),
		ANS("hear_audiometry_db", "30"),
		ANS("hear_audiometry_db", "30"),
	};
	static const enum icope_answer_state cog[] = { ICOPE_ANS_ABSENT,
	    ICOPE_ANS_NEGATIVE, ICOPE_ANS_INVALID, ICOPE_ANS_POSITIVE };
	static const enum icope_answer_state hear[] = { ICOPE_ANS_ABSENT,
	    ICOPE_ANS_INVALID, ICOPE_ANS_ABSENT };
	struct icope_step1_result r;
	size_t i;

	ck_assert_int_eq(icope_step1_eval(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS, a, NELEM(a), NULL, 0, &r), 0);
	for (i = 0; i < NELEM(cog); i++)
		ck_assert_int_eq(r.fn[0].item[i], cog[i]);
	ck_assert_uint_eq(r.fn[0].n_valid, 2);
	ck_assert_uint_eq(r.fn[0].n_invalid, 1);
	ck_assert_int_eq(r.fn[1].item[0], ICOPE_ANS_ABSENT);
	ck_assert_int_eq(r.fn[1].item[1], ICOPE_ANS_ABSENT);
	ck_assert_uint_eq(r.fn[1].n_valid + r.fn[1].n_invalid, 0);
	ck_assert_int_eq(r.fn[3].item[0], ICOPE_ANS_NEGATIVE);
	for (i = 0; i < NELEM(hear); i++)
		ck_assert_int_eq(r.fn[4].item[i], hear[i]);
	ck_assert_int_eq(r.fn[4].result, NA);
	ck_assert_uint_eq(r.n_unknown, 0);
}
END_TEST

/* ---- STEP 1, overall ---- */

#define ALL_NORMAL_COG	YES("cog_orientation_time"), \
	YES("cog_orientation_place"), ANS("cog_words_recalled", "3")
#define ALL_NORMAL_REST	ANS("mob_chair_rise_seconds", "10.2"), \
	NO("nut_weight_loss"), NO("nut_appetite_loss"), NO("vis_eye_problem"), \
	NO("hear_whisper_failed"), NO("mood_down"), NO("mood_interest")

static const struct {
	unsigned int		 alert, not_assessed, assessed, pct, unknown;
	bool			 any;
	struct icope_answer	 a[MAXANS];
} overall_cases[] = {
	{ 0, 0, 6, 100, 0, false, { ALL_NORMAL_COG, ALL_NORMAL_REST } },
	{ 0, 6, 0, 0, 0, false, { { NULL, NULL } } },
	{ 6, 0, 6, 100, 0, true, { ANS("cog_words_recalled", "1"),
	  YES("mob_chair_rise_unable"), YES("nut_appetite_loss"),
	  YES("vis_eye_problem"), ANS("hear_hearwho_score", "20"),
	  YES("mood_down") } },
	{ 1, 4, 2, 33, 0, true, { ANS("cog_words_recalled", "2"),
	  ANS("mob_chair_rise_seconds", "9") } },
	{ 0, 1, 5, 83, 0, false, { ALL_NORMAL_REST } },
	{ 2, 1, 5, 83, 0, true, { YES("vis_eye_problem"),
	  ANS("hear_audiometry_db", "50"), ANS("mob_chair_rise_seconds", "9"),
	  NO("nut_weight_loss"), NO("nut_appetite_loss"), NO("mood_down"),
	  NO("mood_interest") } },
	{ 0, 0, 6, 100, 3, false, { ALL_NORMAL_COG, ALL_NORMAL_REST,
	  YES("soc_lives_alone"), ANS("Mood_down", "1"),
	  ANS("nut_weight_kg", "60") } },
	{ 0, 6, 0, 0, 2, false, { YES("mood_down "), { NULL, "1" } } },
};

START_TEST(test_overall)
{
	struct icope_step1_result r;
	const struct icope_answer *a = overall_cases[_i].a;
	size_t n;

	/* The last case has a NULL code: count it by hand. */
	n = _i == (int)NELEM(overall_cases) - 1 ? 2 : nanswers(a);
	ck_assert_int_eq(icope_step1_eval(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS, a, n, NULL, 0, &r), 0);
	ck_assert_uint_eq(r.nfn, ICOPE_DEFAULT_NFUNCTIONS);
	ck_assert_uint_eq(r.n_scored, 6);
	ck_assert_uint_eq(r.n_alert, overall_cases[_i].alert);
	ck_assert_uint_eq(r.n_not_assessed, overall_cases[_i].not_assessed);
	ck_assert_uint_eq(r.n_assessed, overall_cases[_i].assessed);
	ck_assert_uint_eq(r.completeness, overall_cases[_i].pct);
	ck_assert_uint_eq(r.n_unknown, overall_cases[_i].unknown);
	ck_assert(r.any_alert == overall_cases[_i].any);
	ck_assert_uint_eq(r.n_decline, 0);
}
END_TEST

/* ---- a 7th, unscored block ---- */

static const struct icope_item_def social_items[] = {
	/* "Positive" on purpose: an unscored block must still not count. */
	{ "soc_lives_alone", "Vit seul(e) ?", ICOPE_KIND_YESNO,
	  ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
	{ "soc_notes", "Remarques", ICOPE_KIND_TEXT, ICOPE_ROLE_INFO, 1, 200,
	  ICOPE_POS_NEVER, 0, 0, 0 },
};

static struct icope_function_def seven[ICOPE_DEFAULT_NFUNCTIONS + 1];

static void
build_seven(void)
{
	memcpy(seven, icope_default_functions,
	    sizeof(icope_default_functions));
	seven[6].code = "social";
	seven[6].label = "Situation sociale";
	seven[6].rule = ICOPE_RULE_NONE;
	seven[6].items = social_items;
	seven[6].nitems = NELEM(social_items);
}

static const struct {
	unsigned int		 alert, assessed;
	enum icope_answer_state	 lives_alone, notes;
	struct icope_answer	 a[MAXANS];
} seven_cases[] = {
	{ 0, 6, ICOPE_ANS_POSITIVE, ICOPE_ANS_NEGATIVE, { ALL_NORMAL_COG,
	  ALL_NORMAL_REST, YES("soc_lives_alone"),
	  ANS("soc_notes", "Aidée par sa fille, deux fois par semaine.") } },
	{ 0, 0, ICOPE_ANS_POSITIVE, ICOPE_ANS_ABSENT,
	  { YES("soc_lives_alone") } },
	{ 1, 1, ICOPE_ANS_INVALID, ICOPE_ANS_INVALID, { YES("vis_eye_problem"),
	  ANS("soc_lives_alone", "2"), ANS("soc_notes", "a\x01") } },
};

START_TEST(test_seven_blocks)
{
	struct icope_step1_result r;
	const struct icope_answer *a = seven_cases[_i].a;

	ck_assert_int_eq(icope_functions_check(seven, NELEM(seven)), 0);
	ck_assert_int_eq(icope_step1_eval(seven, NELEM(seven), a, nanswers(a),
	    a, nanswers(a), &r), 0);
	ck_assert_uint_eq(r.nfn, 7);
	ck_assert_uint_eq(r.n_scored, 6);
	ck_assert_uint_eq(r.n_alert, seven_cases[_i].alert);
	ck_assert_uint_eq(r.n_assessed, seven_cases[_i].assessed);
	ck_assert_uint_eq(r.n_not_assessed, 6 - seven_cases[_i].assessed);
	ck_assert_int_eq(r.fn[6].result, ICOPE_NOT_SCORED);
	ck_assert_int_eq(r.fn[6].item[0], seven_cases[_i].lives_alone);
	ck_assert_int_eq(r.fn[6].item[1], seven_cases[_i].notes);
	ck_assert(!r.fn[6].info);
	ck_assert_uint_eq(r.fn[6].decline, 0);
	ck_assert_uint_eq(r.n_unknown, 0);
	ck_assert_str_eq(icope_result_label(r.fn[6].result), "Non coté");
}
END_TEST

/* ---- the rules are data: a region changes a cut-off ---- */

START_TEST(test_thresholds_are_data)
{
	static const struct icope_answer a[] = {
		ANS("mob_chair_rise_seconds", "13"),
		ANS("hear_hearwho_score", "55"),
	};
	struct icope_function_def fns[ICOPE_DEFAULT_NFUNCTIONS];
	struct icope_item_def mob[2], hear[3];
	struct icope_step1_result r;

	memcpy(fns, icope_default_functions, sizeof(fns));
	ck_assert_int_eq(icope_step1_eval(fns, NELEM(fns), a, NELEM(a), NULL,
	    0, &r), 0);
	ck_assert_int_eq(r.fn[1].result, NORMAL);
	ck_assert_int_eq(r.fn[4].result, NORMAL);

	memcpy(mob, fns[1].items, sizeof(mob));
	memcpy(hear, fns[4].items, sizeof(hear));
	mob[0].threshold = 1200;	/* 12 s */
	hear[2].threshold = 60;
	fns[1].items = mob;
	fns[4].items = hear;
	ck_assert_int_eq(icope_functions_check(fns, NELEM(fns)), 0);
	ck_assert_int_eq(icope_step1_eval(fns, NELEM(fns), a, NELEM(a), NULL,
	    0, &r), 0);
	ck_assert_int_eq(r.fn[1].result, ALERT);
	ck_assert_int_eq(r.fn[4].result, ALERT);
}
END_TEST

/* ---- decline since the previous STEP 1 ---- */

#define COG_OK	YES("cog_orientation_time"), YES("cog_orientation_place")

static const struct {
	const char		*fn;
	unsigned int		 want;
	struct icope_answer	 prev[MAXANS];
	struct icope_answer	 cur[MAXANS];
} decline_cases[] = {
	{ "mobility", ICOPE_DECLINE_CHAIR_RISE,
	  { ANS("mob_chair_rise_seconds", "10") },
	  { ANS("mob_chair_rise_seconds", "12") } },
	{ "mobility", ICOPE_DECLINE_CHAIR_RISE,
	  { ANS("mob_chair_rise_seconds", "10,5") },
	  { ANS("mob_chair_rise_seconds", "12.5") } },
	{ "mobility", 0,
	  { ANS("mob_chair_rise_seconds", "10") },
	  { ANS("mob_chair_rise_seconds", "11.99") } },
	{ "mobility", ICOPE_DECLINE_CHAIR_RISE | ICOPE_DECLINE_NEW_ALERT,
	  { ANS("mob_chair_rise_seconds", "13") },
	  { ANS("mob_chair_rise_seconds", "15") } },
	{ "mobility", ICOPE_DECLINE_NEW_ALERT,
	  { ANS("mob_chair_rise_seconds", "13") },
	  { ANS("mob_chair_rise_seconds", "14.5") } },
	{ "mobility", ICOPE_DECLINE_CHAIR_RISE,	/* alert then and now */
	  { ANS("mob_chair_rise_seconds", "15") },
	  { ANS("mob_chair_rise_seconds", "20") } },
	{ "mobility", 0,
	  { ANS("mob_chair_rise_seconds", "15") },
	  { ANS("mob_chair_rise_seconds", "13") } },
	{ "mobility", ICOPE_DECLINE_NEW_ALERT,
	  { ANS("mob_chair_rise_seconds", "12") },
	  { YES("mob_chair_rise_unable") } },
	{ "mobility", 0,
	  { YES("mob_chair_rise_unable") },
	  { ANS("mob_chair_rise_seconds", "14") } },
	{ "mobility", 0,
	  { ANS("mob_chair_rise_seconds", "abc") },
	  { ANS("mob_chair_rise_seconds", "20") } },
	{ "mobility", 0,
	  { { NULL, NULL } },
	  { ANS("mob_chair_rise_seconds", "20") } },
	{ "cognition", ICOPE_DECLINE_WORDS | ICOPE_DECLINE_NEW_ALERT,
	  { COG_OK, ANS("cog_words_recalled", "3") },
	  { COG_OK, ANS("cog_words_recalled", "2") } },
	{ "cognition", ICOPE_DECLINE_WORDS,
	  { COG_OK, ANS("cog_words_recalled", "2") },
	  { COG_OK, ANS("cog_words_recalled", "1") } },
	{ "cognition", ICOPE_DECLINE_WORDS,	/* prev not assessed */
	  { ANS("cog_words_recalled", "3") },
	  { COG_OK, ANS("cog_words_recalled", "0") } },
	{ "cognition", 0,
	  { COG_OK, ANS("cog_words_recalled", "3") },
	  { COG_OK, ANS("cog_words_recalled", "3") } },
	{ "cognition", 0,
	  { COG_OK, ANS("cog_words_recalled", "1") },
	  { COG_OK, ANS("cog_words_recalled", "3") } },
	{ "cognition", 0,
	  { COG_OK, ANS("cog_words_recalled", "abc") },
	  { COG_OK, ANS("cog_words_recalled", "2") } },
	{ "cognition", ICOPE_DECLINE_NEW_ALERT,
	  { COG_OK, ANS("cog_words_recalled", "3") },
	  { NO("cog_orientation_time"), YES("cog_orientation_place"),
	    ANS("cog_words_recalled", "3") } },
	{ "nutrition", ICOPE_DECLINE_NEW_ALERT,
	  { NO("nut_weight_loss"), NO("nut_appetite_loss") },
	  { YES("nut_weight_loss"), NO("nut_appetite_loss") } },
	{ "nutrition", 0,
	  { NO("nut_weight_loss") },
	  { YES("nut_weight_loss"), NO("nut_appetite_loss") } },
	{ "nutrition", 0,
	  { YES("nut_weight_loss"), NO("nut_appetite_loss") },
	  { NO("nut_weight_loss"), NO("nut_appetite_loss") } },
	{ "hearing", ICOPE_DECLINE_NEW_ALERT,
	  { ANS("hear_audiometry_db", "30") },
	  { ANS("hear_audiometry_db", "36") } },
	{ "vision", ICOPE_DECLINE_NEW_ALERT,
	  { NO("vis_eye_problem") }, { YES("vis_eye_problem") } },
	{ "mood", ICOPE_DECLINE_NEW_ALERT,
	  { NO("mood_down"), NO("mood_interest") },
	  { NO("mood_down"), YES("mood_interest") } },
	{ "mood", 0,
	  { NO("mood_down"), NO("mood_interest") },
	  { { NULL, NULL } } },
};

START_TEST(test_decline)
{
	struct icope_step1_result r;
	const struct icope_answer *p = decline_cases[_i].prev;
	const struct icope_answer *c = decline_cases[_i].cur;
	size_t fi, i;

	ck_assert_int_eq(icope_step1_eval(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS, c, nanswers(c), p, nanswers(p), &r), 0);
	fi = fn_index(icope_default_functions, ICOPE_DEFAULT_NFUNCTIONS,
	    decline_cases[_i].fn);
	ck_assert_msg(r.fn[fi].decline == decline_cases[_i].want,
	    "case %d: want 0x%x, got 0x%x", _i, decline_cases[_i].want,
	    r.fn[fi].decline);
	for (i = 0; i < ICOPE_DEFAULT_NFUNCTIONS; i++)
		if (i != fi)
			ck_assert_uint_eq(r.fn[i].decline, 0);
	ck_assert_uint_eq(r.n_decline, decline_cases[_i].want != 0);

	/* Without a previous STEP 1, no flag at all. */
	ck_assert_int_eq(icope_step1_eval(icope_default_functions,
	    ICOPE_DEFAULT_NFUNCTIONS, c, nanswers(c), NULL, 0, &r), 0);
	ck_assert_uint_eq(r.fn[fi].decline, 0);
	ck_assert_uint_eq(r.n_decline, 0);
}
END_TEST

static const struct {
	unsigned int	 flag;
	const char	*label;
} decline_labels[] = {
	{ ICOPE_DECLINE_NEW_ALERT,
	  "Nouvelle alerte depuis le repérage précédent" },
	{ ICOPE_DECLINE_CHAIR_RISE, "Temps de lever de chaise en hausse" },
	{ ICOPE_DECLINE_WORDS, "Moins de mots rappelés" },
	{ 0, NULL },
	{ ICOPE_DECLINE_CHAIR_RISE | ICOPE_DECLINE_WORDS, NULL },
	{ 0x08, NULL },
	{ 0x80000000u, NULL },
};

START_TEST(test_decline_label)
{
	const char *l = icope_decline_label(decline_labels[_i].flag);

	if (decline_labels[_i].label == NULL)
		ck_assert_ptr_null(l);
	else
		ck_assert_str_eq(l, decline_labels[_i].label);
}
END_TEST

/* ---- forms the check must refuse ---- */

static struct icope_function_def mfns[ICOPE_FUNCTIONS_MAX + 1];
static struct icope_item_def
    mitems[ICOPE_DEFAULT_NFUNCTIONS][ICOPE_ITEMS_MAX + 1];
static char code_63[64], code_64[65];

typedef void (*mutate_fn)(void);

static void m_none(void) { }
static void m_code_63(void) { mitems[3][0].code = code_63; }
static void m_code_64(void) { mitems[3][0].code = code_64; }
static void m_code_upper(void) { mitems[3][0].code = "Vis_eye"; }
static void m_code_dash(void) { mitems[3][0].code = "vis-eye"; }
static void m_code_digit(void) { mitems[3][0].code = "1vis"; }
static void m_code_empty(void) { mitems[3][0].code = ""; }
static void m_code_null(void) { mitems[3][0].code = NULL; }
static void m_label_null(void) { mitems[3][0].label = NULL; }
static void m_dup_item(void) { mitems[3][0].code = "mood_down"; }
static void m_dup_fn(void) { mfns[3].code = "mood"; }
static void m_fn_code(void) { mfns[3].code = "Vision"; }
static void m_fn_label(void) { mfns[3].label = NULL; }
static void m_dup_rule(void) { mfns[3].rule = ICOPE_RULE_MOOD; }
static void m_rule_bad(void) { mfns[3].rule = (enum icope_rule)99; }
static void m_kind_bad(void) { mitems[3][0].kind = (enum icope_item_kind)99; }
static void m_role_bad(void) { mitems[3][0].role = (enum icope_item_role)99; }
static void m_cmp_bad(void) { mitems[3][0].cmp = (enum icope_cmp)99; }
static void m_minmax(void) { mitems[2][0].min = 1; mitems[2][0].max = 0; }
static void m_yesno_2(void) { mitems[2][0].max = 2; }
static void m_yesno_above(void) { mitems[2][0].cmp = ICOPE_POS_ABOVE; }
static void m_count_neg(void) { mitems[0][3].min = -1; }
static void m_max_huge(void) { mitems[1][0].max = LLONG_MAX; }
static void m_thr_huge(void) { mitems[1][0].threshold = LLONG_MIN; }
static void m_text_eq(void)
{
	mitems[3][0].kind = ICOPE_KIND_TEXT;
	mitems[3][0].max = 100;
}
static void m_text_ok(void)
{
	mitems[3][1] = mitems[3][0];
	mitems[3][1].code = "vis_notes";
	mitems[3][1].kind = ICOPE_KIND_TEXT;
	mitems[3][1].role = ICOPE_ROLE_INFO;
	mitems[3][1].cmp = ICOPE_POS_NEVER;
	mitems[3][1].max = 100;
	mfns[3].nitems = 2;
}
static void m_decline_eq(void)
{
	mitems[2][0].decline_flag = ICOPE_DECLINE_WORDS;
	mitems[2][0].decline_delta = 1;
}
static void m_decline_nodelta(void) { mitems[1][0].decline_delta = 0; }
static void m_decline_noflag(void) { mitems[1][0].decline_flag = 0; }
static void m_decline_new(void)
{
	mitems[1][0].decline_flag = ICOPE_DECLINE_NEW_ALERT;
}
static void m_decline_two(void)
{
	mitems[1][0].decline_flag = ICOPE_DECLINE_CHAIR_RISE |
	    ICOPE_DECLINE_WORDS;
}
static void m_only_info(void) { mitems[3][0].role = ICOPE_ROLE_INFO; }
static void m_only_optional(void) { mitems[3][0].role = ICOPE_ROLE_OPTIONAL; }
static void m_only_never(void) { mitems[3][0].cmp = ICOPE_POS_NEVER; }
static void m_unscored_never(void)
{
	mitems[3][0].cmp = ICOPE_POS_NEVER;
	mfns[3].rule = ICOPE_RULE_NONE;
}
static void m_unscored_decline(void)
{
	mfns[1].rule = ICOPE_RULE_NONE;
}
static void m_no_items(void) { mfns[3].nitems = 0; }
static void m_items_null(void) { mfns[3].items = NULL; }
static void m_items_17(void)
{
	size_t i;

	for (i = 1; i < ICOPE_ITEMS_MAX + 1; i++) {
		mitems[3][i] = mitems[3][0];
		mitems[3][i].code = NULL;	/* never reached */
	}
	mfns[3].nitems = ICOPE_ITEMS_MAX + 1;
}
static void m_all_unscored(void)
{
	size_t i;

	for (i = 0; i < ICOPE_DEFAULT_NFUNCTIONS; i++)
		mfns[i].rule = ICOPE_RULE_NONE;
	/* Declines belong to scored blocks: drop them, or they would be
	 * the reason for the refusal. */
	mitems[0][3].decline_flag = 0;
	mitems[0][3].decline_delta = 0;
	mitems[1][0].decline_flag = 0;
	mitems[1][0].decline_delta = 0;
}

static const struct {
	const char	*name;
	mutate_fn	 mutate;
	size_t		 nfns;
	int		 ret;
} check_cases[] = {
	{ "default", m_none, 6, 0 },
	{ "code 63 bytes", m_code_63, 6, 0 },
	{ "text info item", m_text_ok, 6, 0 },
	{ "unscored block, never positive", m_unscored_never, 6, 0 },
	{ "fewer blocks", m_none, 3, 0 },
	{ "no block", m_none, 0, -1 },
	{ "17 blocks", m_none, ICOPE_FUNCTIONS_MAX + 1, -1 },
	{ "code 64 bytes", m_code_64, 6, -1 },
	{ "code upper case", m_code_upper, 6, -1 },
	{ "code dash", m_code_dash, 6, -1 },
	{ "code digit first", m_code_digit, 6, -1 },
	{ "code empty", m_code_empty, 6, -1 },
	{ "code NULL", m_code_null, 6, -1 },
	{ "label NULL", m_label_null, 6, -1 },
	{ "item code twice", m_dup_item, 6, -1 },
	{ "function code twice", m_dup_fn, 6, -1 },
	{ "function code upper", m_fn_code, 6, -1 },
	{ "function label NULL", m_fn_label, 6, -1 },
	{ "rule twice", m_dup_rule, 6, -1 },
	{ "unknown rule", m_rule_bad, 6, -1 },
	{ "unknown kind", m_kind_bad, 6, -1 },
	{ "unknown role", m_role_bad, 6, -1 },
	{ "unknown cmp", m_cmp_bad, 6, -1 },
	{ "min > max", m_minmax, 6, -1 },
	{ "yes/no up to 2", m_yesno_2, 6, -1 },
	{ "yes/no above", m_yesno_above, 6, -1 },
	{ "negative count", m_count_neg, 6, -1 },
	{ "max beyond limit", m_max_huge, 6, -1 },
	{ "threshold beyond limit", m_thr_huge, 6, -1 },
	{ "text positive", m_text_eq, 6, -1 },
	{ "decline on yes/no", m_decline_eq, 6, -1 },
	{ "decline without delta", m_decline_nodelta, 6, -1 },
	{ "delta without flag", m_decline_noflag, 6, -1 },
	{ "decline flag new alert", m_decline_new, 6, -1 },
	{ "decline two flags", m_decline_two, 6, -1 },
	{ "decline in unscored block", m_unscored_decline, 6, -1 },
	{ "scored, info only", m_only_info, 6, -1 },
	{ "scored, optional only", m_only_optional, 6, -1 },
	{ "scored, never positive", m_only_never, 6, -1 },
	{ "block without items", m_no_items, 6, -1 },
	{ "items NULL", m_items_null, 6, -1 },
	{ "17 items", m_items_17, 6, -1 },
	{ "nothing scored", m_all_unscored, 6, -1 },
};

START_TEST(test_functions_check)
{
	size_t i;

	memset(mfns, 0, sizeof(mfns));
	memset(mitems, 0, sizeof(mitems));
	for (i = 0; i < ICOPE_DEFAULT_NFUNCTIONS; i++) {
		mfns[i] = icope_default_functions[i];
		memcpy(mitems[i], mfns[i].items,
		    mfns[i].nitems * sizeof(mitems[i][0]));
		mfns[i].items = mitems[i];
	}
	for (; i < NELEM(mfns); i++)
		mfns[i] = mfns[0];	/* only reached by "17 blocks" */
	check_cases[_i].mutate();
	ck_assert_msg(icope_functions_check(mfns, check_cases[_i].nfns) ==
	    check_cases[_i].ret, "%s", check_cases[_i].name);
}
END_TEST

START_TEST(test_functions_check_null)
{
	ck_assert_int_eq(icope_functions_check(NULL, 6), -1);
	ck_assert_int_eq(icope_functions_check(NULL, 0), -1);
}
END_TEST

/* ---- bad arguments to the evaluation ---- */

static const struct icope_answer one[] = { YES("vis_eye_problem") };
static struct icope_function_def bad_fns[2];

static const struct {
	const struct icope_function_def	*fns;
	size_t				 nfns;
	const struct icope_answer	*cur;
	size_t				 ncur;
	const struct icope_answer	*prev;
	size_t				 nprev;
	int				 ret;
} arg_cases[] = {
	{ icope_default_functions, 6, one, 1, NULL, 0, 0 },
	{ icope_default_functions, 6, NULL, 0, NULL, 0, 0 },
	{ icope_default_functions, 6, one, 1, one, 0, 0 },
	{ NULL, 0, one, 1, NULL, 0, 0 },
	{ NULL, 6, one, 1, NULL, 0, -1 },
	{ icope_default_functions, ICOPE_FUNCTIONS_MAX + 1, one, 1, NULL, 0,
	  -1 },
	{ icope_default_functions, 6, NULL, 1, NULL, 0, -1 },
	{ icope_default_functions, 6, one, ICOPE_ANSWERS_MAX + 1, NULL, 0, -1 },
	{ icope_default_functions, 6, one, 1, NULL, 1, -1 },
	{ icope_default_functions, 6, one, 1, one, ICOPE_ANSWERS_MAX + 1, -1 },
	{ bad_fns, 1, one, 1, NULL, 0, -1 },	/* items NULL, nitems 1 */
	{ bad_fns + 1, 1, one, 1, NULL, 0, -1 },	/* 17 items */
};

START_TEST(test_eval_args)
{
	struct icope_step1_result r;
	size_t i;

	bad_fns[0] = icope_default_functions[3];
	bad_fns[0].items = NULL;
	bad_fns[1] = icope_default_functions[3];
	bad_fns[1].nitems = ICOPE_ITEMS_MAX + 1;
	memset(&r, 0xa5, sizeof(r));
	ck_assert_int_eq(icope_step1_eval(arg_cases[_i].fns,
	    arg_cases[_i].nfns, arg_cases[_i].cur, arg_cases[_i].ncur,
	    arg_cases[_i].prev, arg_cases[_i].nprev, &r), arg_cases[_i].ret);
	if (arg_cases[_i].ret == -1) {
		/* Zeroed: nothing reads as normal. */
		ck_assert_uint_eq(r.nfn, 0);
		ck_assert_uint_eq(r.n_assessed, 0);
		ck_assert(!r.any_alert);
		for (i = 0; i < ICOPE_FUNCTIONS_MAX; i++)
			ck_assert_int_eq(r.fn[i].result, NA);
	}
}
END_TEST

START_TEST(test_eval_null_out)
{
	ck_assert_int_eq(icope_step1_eval(icope_default_functions, 6, one, 1,
	    NULL, 0, NULL), -1);
}
END_TEST

/* ---- STEP 2 ---- */

#define B_N	ICOPE_BAND_NORMAL
#define B_R	ICOPE_BAND_RISK
#define B_A	ICOPE_BAND_ABNORMAL
#define COGNITIF "Troubles cognitifs suspectés"
#define DEPRIME	"Symptômes dépressifs probables"
#define OPHTALMO "Acuité insuffisante : orienter vers un ophtalmologiste"

static const struct {
	const char		*ins;
	long long		 score;
	int			 ret;
	enum icope_band_level	 level;
	const char		*label;
} band_cases[] = {
	{ "mmse", -1, -1, 0, NULL },
	{ "mmse", 0, 0, B_A, COGNITIF },
	{ "mmse", 23, 0, B_A, COGNITIF },
	{ "mmse", 24, 0, B_N, "Normal" },
	{ "mmse", 30, 0, B_N, "Normal" },
	{ "mmse", 31, -1, 0, NULL },
	{ "mmse", LLONG_MIN, -1, 0, NULL },
	{ "mmse", LLONG_MAX, -1, 0, NULL },
	{ "moca", -1, -1, 0, NULL },
	{ "moca", 0, 0, B_A, COGNITIF },
	{ "moca", 25, 0, B_A, COGNITIF },
	{ "moca", 26, 0, B_N, "Normal" },
	{ "moca", 30, 0, B_N, "Normal" },
	{ "moca", 31, -1, 0, NULL },
	{ "sppb", -1, -1, 0, NULL },
	{ "sppb", 0, 0, B_A, "Mobilité limitée" },
	{ "sppb", 9, 0, B_A, "Mobilité limitée" },
	{ "sppb", 10, 0, B_N, "Normal" },
	{ "sppb", 12, 0, B_N, "Normal" },
	{ "sppb", 13, -1, 0, NULL },
	{ "mna_sf", -1, -1, 0, NULL },
	{ "mna_sf", 0, 0, B_A, "Dénutrition" },
	{ "mna_sf", 7, 0, B_A, "Dénutrition" },
	{ "mna_sf", 8, 0, B_R, "Risque de dénutrition" },
	{ "mna_sf", 11, 0, B_R, "Risque de dénutrition" },
	{ "mna_sf", 12, 0, B_N, "État nutritionnel normal" },
	{ "mna_sf", 14, 0, B_N, "État nutritionnel normal" },
	{ "mna_sf", 15, -1, 0, NULL },
	{ "phq9", -1, -1, 0, NULL },
	{ "phq9", 0, 0, B_N, "Normal" },
	{ "phq9", 9, 0, B_N, "Normal" },
	{ "phq9", 10, 0, B_A, DEPRIME },
	{ "phq9", 27, 0, B_A, DEPRIME },
	{ "phq9", 28, -1, 0, NULL },
	{ "gds15", -1, -1, 0, NULL },
	{ "gds15", 0, 0, B_N, "Normal" },
	{ "gds15", 5, 0, B_N, "Normal" },
	{ "gds15", 6, 0, B_A, DEPRIME },
	{ "gds15", 15, 0, B_A, DEPRIME },
	{ "gds15", 16, -1, 0, NULL },
	{ "audiometry", -11, -1, 0, NULL },
	{ "audiometry", -10, 0, B_N, "Normal" },
	{ "audiometry", 35, 0, B_N, "Normal" },
	{ "audiometry", 36, 0, B_A, "Déficit auditif : orienter vers un ORL" },
	{ "audiometry", 120, 0, B_A, "Déficit auditif : orienter vers un ORL" },
	{ "audiometry", 121, -1, 0, NULL },
	{ "acuity_distance", -1, -1, 0, NULL },
	{ "acuity_distance", 0, 0, B_A, OPHTALMO },
	{ "acuity_distance", 4, 0, B_A, OPHTALMO },
	{ "acuity_distance", 5, 0, B_N, "Normal" },
	{ "acuity_distance", 10, 0, B_N, "Normal" },
	{ "acuity_distance", 20, 0, B_N, "Normal" },
	{ "acuity_distance", 21, -1, 0, NULL },
	{ "acuity_near", 4, -1, 0, NULL },
	{ "acuity_near", 5, 0, B_N, "Normal" },
	{ "acuity_near", 6, 0, B_N, "Normal" },
	{ "acuity_near", 7, 0, B_A, OPHTALMO },
	{ "acuity_near", 48, 0, B_A, OPHTALMO },
	{ "acuity_near", 49, -1, 0, NULL },
};

START_TEST(test_step2_band)
{
	const struct icope_instrument *ins;
	const struct icope_band *b = NULL;
	int ret;

	ins = icope_instrument_find(icope_default_instruments,
	    ICOPE_DEFAULT_NINSTRUMENTS, band_cases[_i].ins);
	ck_assert_ptr_nonnull(ins);
	ret = icope_step2_interpret(ins, band_cases[_i].score, &b);
	ck_assert_msg(ret == band_cases[_i].ret, "%s %lld: want %d, got %d",
	    band_cases[_i].ins, band_cases[_i].score, band_cases[_i].ret, ret);
	if (ret == -1) {
		ck_assert_ptr_null(b);
		return;
	}
	ck_assert_int_eq(b->level, band_cases[_i].level);
	ck_assert_str_eq(b->label, band_cases[_i].label);
}
END_TEST

static const struct {
	const char	*ins;
	enum icope_rule	 rule;
	const char	*loinc;
} instrument_rules[] = {
	{ "mmse", ICOPE_RULE_COGNITION, "72106-8" },
	{ "moca", ICOPE_RULE_COGNITION, "72172-0" },
	{ "sppb", ICOPE_RULE_MOBILITY, NULL },
	{ "mna_sf", ICOPE_RULE_NUTRITION, NULL },
	{ "acuity_distance", ICOPE_RULE_VISION, NULL },
	{ "acuity_near", ICOPE_RULE_VISION, NULL },
	{ "audiometry", ICOPE_RULE_HEARING, NULL },
	{ "phq9", ICOPE_RULE_MOOD, NULL },
	{ "gds15", ICOPE_RULE_MOOD, NULL },
	{ "mmse2", ICOPE_RULE_NONE, NULL },
	{ "MMSE", ICOPE_RULE_NONE, NULL },
	{ "", ICOPE_RULE_NONE, NULL },
	{ NULL, ICOPE_RULE_NONE, NULL },
};

START_TEST(test_step2_rule)
{
	const struct icope_instrument *ins;

	ins = icope_instrument_find(icope_default_instruments,
	    ICOPE_DEFAULT_NINSTRUMENTS, instrument_rules[_i].ins);
	if (instrument_rules[_i].rule == ICOPE_RULE_NONE) {
		ck_assert_ptr_null(ins);
		return;
	}
	ck_assert_ptr_nonnull(ins);
	ck_assert_int_eq(ins->rule, instrument_rules[_i].rule);
	if (instrument_rules[_i].loinc == NULL)
		ck_assert_ptr_null(ins->loinc);
	else
		ck_assert_str_eq(ins->loinc, instrument_rules[_i].loinc);
}
END_TEST

static const struct {
	const char	*ins;
	const char	*in;
	int		 ret;
	long long	 out;
} step2_parse_cases[] = {
	{ "mmse", "24", 0, 24 },
	{ "mmse", "0", 0, 0 },
	{ "mmse", "30", 0, 30 },
	{ "mmse", "31", -1, 0 },
	{ "mmse", "-1", -1, 0 },
	{ "mmse", "-0", -1, 0 },
	{ "mmse", "abc", -1, 0 },
	{ "mmse", "", -1, 0 },
	{ "mmse", NULL, -1, 0 },
	{ "mmse", "24.5", -1, 0 },
	{ "mmse", " 24", -1, 0 },
	{ "mmse", "999999999999999999999", -1, 0 },
	{ "mmse", long_value, -1, 0 },
	{ "audiometry", "-10", 0, -10 },
	{ "audiometry", "-0", 0, 0 },
	{ "audiometry", "-11", -1, 0 },
	{ "acuity_distance", "5", 0, 5 },
	{ "acuity_distance", "5/10", -1, 0 },
};

START_TEST(test_step2_parse)
{
	const struct icope_instrument *ins;
	long long out = 12345;
	int ret;

	ins = icope_instrument_find(icope_default_instruments,
	    ICOPE_DEFAULT_NINSTRUMENTS, step2_parse_cases[_i].ins);
	ck_assert_ptr_nonnull(ins);
	ret = icope_step2_parse(ins, step2_parse_cases[_i].in, &out);
	ck_assert_int_eq(ret, step2_parse_cases[_i].ret);
	ck_assert_int_eq(out, ret == 0 ? step2_parse_cases[_i].out : 12345);
}
END_TEST

/* Instrument tables the check must refuse. */
static struct icope_instrument mins[ICOPE_DEFAULT_NINSTRUMENTS];
static struct icope_band mbands[ICOPE_BANDS_MAX + 1];

static void i_none(void) { }
static void i_gap(void) { mbands[1].min = 9; }
static void i_overlap(void) { mbands[1].min = 7; }
static void i_short(void) { mbands[2].max = 13; }
static void i_long(void) { mbands[2].max = 15; }
static void i_first(void) { mbands[0].min = 1; }
static void i_reversed(void) { mbands[1].max = 7; }
static void i_level(void) { mbands[1].level = (enum icope_band_level)9; }
static void i_label(void) { mbands[1].label = NULL; }
static void i_rule_none(void) { mins[3].rule = ICOPE_RULE_NONE; }
static void i_rule_bad(void) { mins[3].rule = (enum icope_rule)42; }
static void i_dup(void) { mins[3].code = "mmse"; }
static void i_code(void) { mins[3].code = "MNA-SF"; }
static void i_unit(void) { mins[3].unit = NULL; }
static void i_nbands0(void) { mins[3].nbands = 0; }
static void i_bands_null(void) { mins[3].bands = NULL; }
static void i_minmax(void) { mins[3].min = 15; }
static void i_huge(void)
{
	mins[3].max = LLONG_MAX;
	mbands[2].max = LLONG_MAX;
}
static void i_many(void)
{
	size_t i;

	for (i = 0; i < NELEM(mbands); i++) {
		mbands[i].min = mbands[i].max = (long long)i;
		mbands[i].label = "x";
	}
	mins[3].min = 0;
	mins[3].max = ICOPE_BANDS_MAX;
	mins[3].nbands = ICOPE_BANDS_MAX + 1;
}

static const struct {
	const char	*name;
	mutate_fn	 mutate;
	int		 ret;
} ins_check_cases[] = {
	{ "default", i_none, 0 },
	{ "gap", i_gap, -1 },
	{ "overlap", i_overlap, -1 },
	{ "last band short", i_short, -1 },
	{ "last band long", i_long, -1 },
	{ "first band late", i_first, -1 },
	{ "band min > max", i_reversed, -1 },
	{ "unknown level", i_level, -1 },
	{ "label NULL", i_label, -1 },
	{ "rule none", i_rule_none, -1 },
	{ "unknown rule", i_rule_bad, -1 },
	{ "code twice", i_dup, -1 },
	{ "bad code", i_code, -1 },
	{ "unit NULL", i_unit, -1 },
	{ "no band", i_nbands0, -1 },
	{ "bands NULL", i_bands_null, -1 },
	{ "min > max", i_minmax, -1 },
	{ "beyond limit", i_huge, -1 },
	{ "too many bands", i_many, -1 },
};

START_TEST(test_instruments_check)
{
	const struct icope_band *b = NULL;

	memcpy(mins, icope_default_instruments, sizeof(mins));
	ck_assert_str_eq(mins[3].code, "mna_sf");
	memset(mbands, 0, sizeof(mbands));
	memcpy(mbands, mins[3].bands, mins[3].nbands * sizeof(mbands[0]));
	mins[3].bands = mbands;
	ins_check_cases[_i].mutate();
	ck_assert_msg(icope_instruments_check(mins, NELEM(mins)) ==
	    ins_check_cases[_i].ret, "%s", ins_check_cases[_i].name);
	/* The interpretation never reads past its bands, checked or not. */
	(void)icope_step2_interpret(&mins[3], 12, &b);
}
END_TEST

START_TEST(test_step2_null)
{
	const struct icope_band *b = NULL;
	long long v = 0;

	ck_assert_int_eq(icope_instruments_check(NULL, 3), -1);
	ck_assert_int_eq(icope_instruments_check(icope_default_instruments, 0),
	    -1);
	ck_assert_int_eq(icope_step2_interpret(NULL, 10, &b), -1);
	ck_assert_int_eq(icope_step2_interpret(&icope_default_instruments[0],
	    10, NULL), -1);
	ck_assert_int_eq(icope_step2_parse(NULL, "10", &v), -1);
	ck_assert_int_eq(icope_step2_parse(&icope_default_instruments[0],
	    "10", NULL), -1);
	ck_assert_ptr_null(icope_instrument_find(NULL, 3, "mmse"));
	ck_assert_ptr_null(icope_item_find(NULL, 3, "mood_down", NULL, NULL));
	ck_assert_int_eq(icope_item_parse(NULL, "1", &v), -1);
	ck_assert_int_eq(icope_item_parse(&icope_default_functions[3].items[0],
	    "1", NULL), -1);
	ck_assert(!icope_item_positive(NULL, 1));
}
END_TEST

/* ---- labels ---- */

static const struct {
	int		 v;
	const char	*result, *rule, *code, *level;
} label_cases[] = {
	{ 0, "Non évalué", NULL, "none", "Normal" },
	{ 1, "Normal", "Cognition", "cognition", "À risque" },
	{ 2, "Alerte", "Mobilité (locomotion)", "mobility", "Anormal" },
	{ 3, "Non coté", "Nutrition (vitalité)", "nutrition", NULL },
	{ 4, NULL, "Vision", "vision", NULL },
	{ 5, NULL, "Audition", "hearing", NULL },
	{ 6, NULL, "Humeur (psychologie)", "mood", NULL },
	{ 7, NULL, NULL, NULL, NULL },
	{ -1, NULL, NULL, NULL, NULL },
};

static void
assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, want);
}

START_TEST(test_labels)
{
	int v = label_cases[_i].v;

	assert_str_or_null(icope_result_label((enum icope_result)v),
	    label_cases[_i].result);
	assert_str_or_null(icope_rule_label((enum icope_rule)v),
	    label_cases[_i].rule);
	assert_str_or_null(icope_rule_code((enum icope_rule)v),
	    label_cases[_i].code);
	assert_str_or_null(icope_band_level_label((enum icope_band_level)v),
	    label_cases[_i].level);
}
END_TEST

/* Each default block is labelled as its rule, and has items. */
START_TEST(test_default_labels)
{
	const struct icope_function_def *f = &icope_default_functions[_i];

	ck_assert_str_eq(f->label, icope_rule_label(f->rule));
	ck_assert_str_eq(f->code, icope_rule_code(f->rule));
	ck_assert_uint_gt(f->nitems, 0);
}
END_TEST

/* ---- suite ---- */

static void
build_inputs(void)
{
	memset(long_value, '1', 40);
	long_value[40] = '\0';
	memset(code_63, 'a', 63);
	code_63[63] = '\0';
	memset(code_64, 'a', 64);
	code_64[64] = '\0';
	build_seven();
}

#define ADD_LOOP(tc, fn, table)						\
	tcase_add_loop_test(tc, fn, 0, (int)NELEM(table))

static Suite *
icope_rules_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("icope_rules");
	tc = tcase_create("tables");
	tcase_add_test(tc, test_default_tables);
	ADD_LOOP(tc, test_item_find, item_codes);
	ADD_LOOP(tc, test_parse, parse_cases);
	ADD_LOOP(tc, test_function, fn_cases);
	tcase_add_test(tc, test_item_states);
	ADD_LOOP(tc, test_overall, overall_cases);
	ADD_LOOP(tc, test_seven_blocks, seven_cases);
	tcase_add_test(tc, test_thresholds_are_data);
	ADD_LOOP(tc, test_decline, decline_cases);
	ADD_LOOP(tc, test_decline_label, decline_labels);
	ADD_LOOP(tc, test_functions_check, check_cases);
	tcase_add_test(tc, test_functions_check_null);
	ADD_LOOP(tc, test_eval_args, arg_cases);
	tcase_add_test(tc, test_eval_null_out);
	ADD_LOOP(tc, test_step2_band, band_cases);
	ADD_LOOP(tc, test_step2_rule, instrument_rules);
	ADD_LOOP(tc, test_step2_parse, step2_parse_cases);
	ADD_LOOP(tc, test_instruments_check, ins_check_cases);
	tcase_add_test(tc, test_step2_null);
	ADD_LOOP(tc, test_labels, label_cases);
	tcase_add_loop_test(tc, test_default_labels, 0,
	    ICOPE_DEFAULT_NFUNCTIONS);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	build_inputs();
	sr = srunner_create(icope_rules_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
