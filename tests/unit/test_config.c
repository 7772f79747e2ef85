/* The configuration file: syntax, program overrides, bounded numbers, and
 * the arena and buffer helpers every module leans on. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "http.h"

static char path[64];

static void
write_config(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/parvis-test-config-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

START_TEST(test_overrides)
{
	write_config("# comment\n"
	    "db_user = generic\n"
	    "portal.db_user = parvis_portal\n"
	    "  session_idle_seconds =  600  \n"
	    "mail_from = \"Parvis <no-reply@x.fr>\"\n"
	    "annuaire.db_user = parvis_annuaire\n"
	    "empty =\n");
	ck_assert_int_eq(config_load(path, "portal"), 0);
	ck_assert_str_eq(config_str("db_user", NULL), "parvis_portal");
	ck_assert_int_eq(config_int("session_idle_seconds", 1, 1, 86400), 600);
	ck_assert_str_eq(config_str("mail_from", NULL), "Parvis <no-reply@x.fr>");
	ck_assert_str_eq(config_str("empty", "def"), "");
	ck_assert_ptr_null(config_str("portal.db_user", NULL));
	ck_assert_str_eq(config_str("missing", "def"), "def");
	config_free();
	ck_assert_int_eq(config_load(path, "icope"), 0);
	ck_assert_str_eq(config_str("db_user", NULL), "generic");
	config_free();
	unlink(path);
}
END_TEST

START_TEST(test_bad_values)
{
	write_config("n = 12x\nbig = 999999\nb = maybe\nt = yes\n");
	ck_assert_int_eq(config_load(path, "portal"), 0);
	ck_assert_int_eq(config_int("n", 7, 0, 100), 7);
	ck_assert_int_eq(config_int("big", 7, 0, 100), 7);
	ck_assert(config_bool("b", true));
	ck_assert(!config_bool("b", false));
	ck_assert(config_bool("t", false));
	config_free();
	unlink(path);
}
END_TEST

START_TEST(test_syntax_errors)
{
	write_config("just a line without equals\n");
	ck_assert_int_eq(config_load(path, "portal"), -1);
	config_free();
	unlink(path);
	write_config(" = value\n");
	ck_assert_int_eq(config_load(path, "portal"), -1);
	config_free();
	unlink(path);
	ck_assert_int_eq(config_load("/nonexistent/parvis.conf", "portal"), -1);
	config_free();
}
END_TEST

START_TEST(test_arena)
{
	struct arena a;
	char *big, *s;
	int i;

	arena_init(&a, 1024);
	for (i = 0; i < 1000; i++) {
		s = arena_printf(&a, "item %d", i);
		ck_assert_str_eq(s, arena_printf(&a, "item %d", i));
	}
	big = arena_alloc(&a, 100000);
	memset(big, 'x', 100000);
	ck_assert_ptr_null(arena_strdup(&a, NULL));
	ck_assert_str_eq(arena_strndup(&a, "abcdef", 3), "abc");
	arena_reset(&a);
	ck_assert_uint_eq(a.total, 0);
	ck_assert_str_eq(arena_strdup(&a, "after reset"), "after reset");
	arena_free(&a);
}
END_TEST

struct esc_case { const char *in, *html, *url, *json; };
static const struct esc_case esc_cases[] = {
	{ "plain", "plain", "plain", "plain" },
	{ "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;",
	  "%3Cscript%3Ealert%28%27x%27%29%3C%2Fscript%3E",
	  "\\u003cscript\\u003ealert('x')\\u003c/script\\u003e" },
	{ "a & \"b\"", "a &amp; &quot;b&quot;", "a%20%26%20%22b%22", "a \\u0026 \\\"b\\\"" },
	{ "é/?#", "é/?#", "%C3%A9%2F%3F%23", "é/?#" },
	{ "line\nnext\t\x01", "line\nnext\t\x01", "line%0Anext%09%01", "line\\nnext\\t\\u0001" },
	{ "", "", "", "" },
};

START_TEST(test_escapers)
{
	const struct esc_case *c = &esc_cases[_i];
	struct buf b = BUF_INIT;

	buf_html(&b, c->in, strlen(c->in));
	ck_assert_str_eq(buf_str(&b), c->html);
	buf_clear(&b);
	buf_url(&b, c->in);
	ck_assert_str_eq(buf_str(&b), c->url);
	buf_clear(&b);
	buf_json(&b, c->in);
	ck_assert_str_eq(buf_str(&b), c->json);
	buf_free(&b);
}
END_TEST

struct path_case { const char *path; bool ok; };
static const struct path_case path_cases[] = {
	{ "/", true }, { "/annuaire/", true }, { "/icope/usagers?x=1", true },
	{ "//evil.example", false }, { "/\\evil.example", false },
	{ "https://evil.example", false }, { "evil", false }, { "", false },
	{ "/a\r\nSet-Cookie: x", false }, { "/\x7f", false }, { "javascript:alert(1)", false },
	{ "/ok/../still-local", true },
};

START_TEST(test_local_path)
{
	ck_assert_msg(http_local_path(path_cases[_i].path) == path_cases[_i].ok,
	    "%s", path_cases[_i].path);
}
END_TEST

START_TEST(test_tokens)
{
	char t1[CRYPTO_TOKEN_LEN + 1], t2[CRYPTO_TOKEN_LEN + 1], d[7];
	char h[CRYPTO_SHA256_HEX + 1];

	ck_assert_int_eq(crypto_token(t1, sizeof(t1)), 0);
	ck_assert_int_eq(crypto_token(t2, sizeof(t2)), 0);
	ck_assert_uint_eq(strlen(t1), CRYPTO_TOKEN_LEN);
	ck_assert(crypto_token_valid(t1));
	ck_assert_str_ne(t1, t2);
	ck_assert(!crypto_token_valid("short"));
	ck_assert(!crypto_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"));
	ck_assert(crypto_equal("abc", "abc"));
	ck_assert(!crypto_equal("abc", "abd"));
	ck_assert(!crypto_equal("abc", "abcd"));
	crypto_sha256_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_hmac_hex("key", "The quick brown fox jumps over the lazy dog", 43, h);
	ck_assert_str_eq(h, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	ck_assert_int_eq(crypto_digits(d, 6), 0);
	ck_assert_uint_eq(strspn(d, "0123456789"), 6);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_overrides);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_syntax_errors);
	tcase_add_test(tc, test_arena);
	tcase_add_loop_test(tc, test_escapers, 0, sizeof(esc_cases) / sizeof(esc_cases[0]));
	tcase_add_loop_test(tc, test_local_path, 0, sizeof(path_cases) / sizeof(path_cases[0]));
	tcase_add_test(tc, test_tokens);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
