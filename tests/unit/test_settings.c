/*
 * Unit tests for the pure helpers of fcgi/portal/settings.c: the
 * User-Agent summary of the sessions page, the one-time code as typed, and
 * the partner number (RPPS, ADELI or IDNPS).  The helpers are static, so
 * the file is included whole.  The secret answer's normalisation is in the
 * library now (textfold.c): tests/unit/test_textfold.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "settings.c"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*ua;
	const char	*summary;
} agents[] = {
	{ "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
	    "Firefox 128 sur Linux" },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", "Edge 124 sur Windows" },
	{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome 124 sur Windows" },
	{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
	    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari 17 sur macOS" },
	{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
	    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	    "Safari 17 sur iPhone" },
	{ "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
	    "like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
	    "Chrome 124 sur iPad" },
	{ "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
	    "Samsung Internet 24 sur Android" },
	{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0", "Opera 110 sur Linux" },
	{ "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like "
	    "Gecko) Chrome/124.0.0.0 Safari/537.36", "Chrome 124 sur ChromeOS" },
	{ "curl/8.5.0", "curl 8" },
	{ "Safari/605.1.15", "Safari" },		/* no Version/ */
	{ "Firefox/", "Firefox" },
	{ "Firefox/1234567890", "Firefox 12345" },	/* at most 5 digits */
	{ "\"><script>alert(1)</script>", "Navigateur inconnu" },
	{ "Windows", "Navigateur inconnu sur Windows" },
	{ "", "Navigateur inconnu" },
	{ NULL, "Navigateur inconnu" },
};

START_TEST(test_ua_summary)
{
	char out[96];

	ua_summary(agents[_i].ua, out, sizeof(out));
	ck_assert_str_eq(out, agents[_i].summary);
}
END_TEST

START_TEST(test_ua_summary_small)
{
	char out[8];

	ua_summary(agents[0].ua, out, sizeof(out));
	ck_assert_str_eq(out, "Firefox");
}
END_TEST

static const struct {
	const char	*in;
	const char	*code;	/* NULL: refused */
} codes[] = {
	{ "123456", "123456" },
	{ "123 456", "123456" },
	{ " 0 0 0 0 0 1 ", "000001" },
	{ "12345", NULL },
	{ "1234567", NULL },
	{ "12345a", NULL },
	{ "-12345", NULL },
	{ "", NULL },
	{ NULL, NULL },
	{ "                                        123456", NULL },	/* over 32 */
};

START_TEST(test_code_clean)
{
	char out[OTP_DIGITS + 1];
	bool ok = code_clean(codes[_i].in, out);

	ck_assert_int_eq(ok, codes[_i].code != NULL);
	if (ok)
		ck_assert_str_eq(out, codes[_i].code);
}
END_TEST

static const struct {
	const char	*in;
	const char	*idnps;	/* NULL: refused */
} partners[] = {
	{ "10001060010", "810001060010" },	/* RPPS, Luhn key 0 */
	{ "100 0106 0010", "810001060010" },
	{ "810001060010", "810001060010" },	/* IDNPS of an RPPS */
	{ "751234567", "0751234567" },		/* ADELI */
	{ "75.12.34.567", "0751234567" },
	{ "0751234567", "0751234567" },		/* IDNPS of an ADELI */
	{ "10001060011", NULL },		/* wrong key */
	{ "910001060010", NULL },
	{ "12345", NULL },
	{ "1000106001x", NULL },
	{ "", NULL },
	{ NULL, NULL },
	{ "1234567890123456789", NULL },
};

START_TEST(test_idnps_from_input)
{
	struct req r;
	const char *got;

	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	got = idnps_from_input(&r, partners[_i].in);
	if (partners[_i].idnps == NULL)
		ck_assert_ptr_null(got);
	else {
		ck_assert_ptr_nonnull(got);
		ck_assert_str_eq(got, partners[_i].idnps);
	}
	arena_free(&r.arena);
}
END_TEST

START_TEST(test_tables)
{
	size_t i, j;

	/* The panels are those of the user_favorite_panel enum, once each. */
	ck_assert_uint_eq(NPANELS, 6);
	for (i = 0; i < NPANELS; i++)
		for (j = i + 1; j < NPANELS; j++)
			ck_assert_str_ne(panels[i].code, panels[j].code);
	/* Home pages are local paths a redirect accepts. */
	for (i = 0; i < NHOME; i++)
		ck_assert(http_local_path(home_pages[i].path));
	for (i = 0; i < NELEM(success_messages); i++)
		for (j = i + 1; j < NELEM(success_messages); j++)
			ck_assert_str_ne(success_messages[i].key, success_messages[j].key);
	/* Every statement is there. */
	for (i = 0; i < SET__MAX; i++)
		ck_assert_ptr_nonnull(settings_sql[i]);
}
END_TEST

static Suite *
settings_suite(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("pure");

	tcase_add_loop_test(tc, test_ua_summary, 0, NELEM(agents));
	tcase_add_test(tc, test_ua_summary_small);
	tcase_add_loop_test(tc, test_code_clean, 0, NELEM(codes));
	tcase_add_loop_test(tc, test_idnps_from_input, 0, NELEM(partners));
	tcase_add_test(tc, test_tables);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(settings_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
