/* Tests of the form, multipart and cookie parsers (fcgi/lib/form.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"

#define NELEM(x)	(sizeof(x) / sizeof((x)[0]))
/* A string literal and its length, NUL bytes included. */
#define BIN(x)		x, sizeof(x) - 1

/* Small limits so that each one is reached at its exact boundary. */
static const struct form_limits small = {
	3,	/* max_fields */
	4,	/* max_name_len */
	5,	/* max_value_len */
	10,	/* max_file_len */
};

struct kv {
	const char	*name;
	const char	*value;
	size_t		 value_len;	/* 0: strlen(value) */
	const char	*filename;
	const char	*ctype;
};

static void
check_pairs(const char *what, const struct params *p, size_t n,
    const struct kv *want, bool multipart)
{
	size_t i, vlen;

	ck_assert_msg(p->n == n, "%s: %zu pairs, want %zu", what, p->n, n);
	for (i = 0; i < n; i++) {
		const struct param *got = &p->v[i];

		vlen = want[i].value_len ? want[i].value_len :
		    strlen(want[i].value);
		ck_assert_msg(strcmp(got->name, want[i].name) == 0,
		    "%s: pair %zu name \"%s\", want \"%s\"", what, i,
		    got->name, want[i].name);
		ck_assert_msg(got->value_len == vlen,
		    "%s: pair %zu value_len %zu, want %zu", what, i,
		    got->value_len, vlen);
		ck_assert_msg(memcmp(got->value, want[i].value, vlen) == 0,
		    "%s: pair %zu value differs", what, i);
		ck_assert_msg(got->value[vlen] == '\0',
		    "%s: pair %zu value not NUL-terminated", what, i);
		if (want[i].filename == NULL)
			ck_assert_msg(got->filename == NULL,
			    "%s: pair %zu has filename \"%s\"", what, i,
			    got->filename);
		else
			ck_assert_msg(got->filename != NULL &&
			    strcmp(got->filename, want[i].filename) == 0,
			    "%s: pair %zu filename \"%s\", want \"%s\"", what,
			    i, got->filename ? got->filename : "(null)",
			    want[i].filename);
		if (!multipart)
			ck_assert_msg(got->content_type == NULL,
			    "%s: pair %zu has a content type", what, i);
		else if (want[i].ctype != NULL)
			ck_assert_msg(got->content_type != NULL &&
			    strcmp(got->content_type, want[i].ctype) == 0,
			    "%s: pair %zu content type \"%s\", want \"%s\"",
			    what, i, got->content_type ? got->content_type :
			    "(null)", want[i].ctype);
	}
}

/* utf8_valid ---------------------------------------------------------- */

static const struct {
	const char	*s;
	size_t		 n;
	bool		 ok;
} utf8_cases[] = {
	{ BIN(""), true },
	{ BIN("abc"), true },
	{ BIN("\x7f"), true },
	{ BIN("\xc2\x80"), true },			/* U+0080 */
	{ BIN("\xc3\xa9t\xc3\xa9"), true },		/* "été" */
	{ BIN("\xdf\xbf"), true },			/* U+07FF */
	{ BIN("\xe0\xa0\x80"), true },			/* U+0800 */
	{ BIN("\xe2\x82\xac"), true },			/* U+20AC */
	{ BIN("\xed\x9f\xbf"), true },			/* U+D7FF */
	{ BIN("\xee\x80\x80"), true },			/* U+E000 */
	{ BIN("\xef\xbf\xbf"), true },			/* U+FFFF */
	{ BIN("\xf0\x90\x80\x80"), true },		/* U+10000 */
	{ BIN("\xf0\x9d\x84\x9e"), true },		/* U+1D11E */
	{ BIN("\xf3\xbf\xbf\xbf"), true },		/* U+FFFFF */
	{ BIN("\xf4\x8f\xbf\xbf"), true },		/* U+10FFFF */
	{ BIN("\0"), false },				/* NUL */
	{ BIN("a\0b"), false },
	{ BIN("\x80"), false },				/* lone continuation */
	{ BIN("\xbf"), false },
	{ BIN("\xc0\x80"), false },			/* overlong NUL */
	{ BIN("\xc1\xbf"), false },			/* overlong */
	{ BIN("\xe0\x80\x80"), false },			/* overlong */
	{ BIN("\xe0\x9f\xbf"), false },			/* overlong */
	{ BIN("\xf0\x80\x80\x80"), false },		/* overlong */
	{ BIN("\xf0\x8f\xbf\xbf"), false },		/* overlong */
	{ BIN("\xed\xa0\x80"), false },			/* U+D800 */
	{ BIN("\xed\xbf\xbf"), false },			/* U+DFFF */
	{ BIN("\xf4\x90\x80\x80"), false },		/* U+110000 */
	{ BIN("\xf5\x80\x80\x80"), false },
	{ BIN("\xf8\x88\x80\x80\x80"), false },
	{ BIN("\xfe"), false },
	{ BIN("\xff"), false },
	{ BIN("\xc3"), false },				/* truncated */
	{ BIN("\xe2\x82"), false },
	{ BIN("\xf0\x9d\x84"), false },
	{ BIN("\xc3\x41"), false },			/* bad continuation */
	{ BIN("\xe2\x28\xa1"), false },
	{ BIN("\xe2\x82\x28"), false },
	{ BIN("\xf0\x9d\x84\x28"), false },
	{ BIN("ok\xc3\xa9\xc3"), false },
};

START_TEST(test_utf8)
{
	ck_assert_msg(utf8_valid(utf8_cases[_i].s, utf8_cases[_i].n) ==
	    utf8_cases[_i].ok, "utf8 case %d", _i);
}
END_TEST

/* form_parse_urlencoded ----------------------------------------------- */

static const struct {
	const char		*s;
	size_t			 len;
	const struct form_limits *lim;	/* NULL: defaults */
	enum form_err		 err;
	size_t			 n;
	struct kv		 want[4];
} url_cases[] = {
	{ BIN(""), NULL, FORM_OK, 0, { { 0 } } },
	{ BIN("a=1"), NULL, FORM_OK, 1, { { "a", "1", 0, 0, 0 } } },
	{ BIN("a=1&b=x+y%21"), NULL, FORM_OK, 2,
	    { { "a", "1", 0, 0, 0 }, { "b", "x y!", 0, 0, 0 } } },
	{ BIN("a=1&&b=2&"), NULL, FORM_OK, 2,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 } } },
	{ BIN("&&&"), NULL, FORM_OK, 0, { { 0 } } },
	{ BIN("flag"), NULL, FORM_OK, 1, { { "flag", "", 0, 0, 0 } } },
	{ BIN("a="), NULL, FORM_OK, 1, { { "a", "", 0, 0, 0 } } },
	{ BIN("=v"), NULL, FORM_OK, 1, { { "", "v", 0, 0, 0 } } },
	{ BIN("a=b=c"), NULL, FORM_OK, 1, { { "a", "b=c", 0, 0, 0 } } },
	{ BIN("a=1&a=2"), NULL, FORM_OK, 2,
	    { { "a", "1", 0, 0, 0 }, { "a", "2", 0, 0, 0 } } },
	{ BIN("n%C3%A9=%c3%a9t%C3%a9"), NULL, FORM_OK, 1,
	    { { "n\xc3\xa9", "\xc3\xa9t\xc3\xa9", 0, 0, 0 } } },
	{ BIN("a=%2B%26%3D%25"), NULL, FORM_OK, 1,
	    { { "a", "+&=%", 0, 0, 0 } } },
	{ BIN("a=\xc3\xa9"), NULL, FORM_OK, 1,
	    { { "a", "\xc3\xa9", 0, 0, 0 } } },
	/* Bad escapes. */
	{ BIN("a=%G1"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("a=%1G"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("a=%"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("a=%4"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("a=%4&b=1"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("%zz=1"), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ BIN("ok=1&a=%"), NULL, FORM_ERR_SYNTAX, 1,
	    { { "ok", "1", 0, 0, 0 } } },
	/* UTF-8 after decoding, and NUL. */
	{ BIN("a=%00"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a%00=1"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a=x\0y"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a=%FF"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a=%C0%80"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a=%ED%A0%80"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("%C3=1"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ BIN("a=\xff"), NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	/* Limits: exactly at the limit, then one past it. */
	{ BIN("a=1&b=2&c=3"), &small, FORM_OK, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ BIN("a=1&&b=2&&c=3&&"), &small, FORM_OK, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ BIN("a=1&b=2&c=3&d=4"), &small, FORM_ERR_TOO_MANY, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ BIN("abcd=1"), &small, FORM_OK, 1, { { "abcd", "1", 0, 0, 0 } } },
	{ BIN("abcde=1"), &small, FORM_ERR_NAME_TOO_LONG, 0, { { 0 } } },
	{ BIN("%61%62%63%64=1"), &small, FORM_OK, 1,
	    { { "abcd", "1", 0, 0, 0 } } },
	{ BIN("a=12345"), &small, FORM_OK, 1, { { "a", "12345", 0, 0, 0 } } },
	{ BIN("a=123456"), &small, FORM_ERR_VALUE_TOO_LONG, 0, { { 0 } } },
	{ BIN("a=%31%32%33%34%35"), &small, FORM_OK, 1,
	    { { "a", "12345", 0, 0, 0 } } },
	{ BIN("a=%31%32%33%34%35%36"), &small, FORM_ERR_VALUE_TOO_LONG, 0,
	    { { 0 } } },
	{ BIN("a=\xc3\xa9\xc3\xa9\xc3\xa9"), &small, FORM_ERR_VALUE_TOO_LONG,
	    0, { { 0 } } },
};

START_TEST(test_urlencoded)
{
	struct arena a;
	struct params p = { NULL, 0, 0 };
	char what[32];
	enum form_err e;

	snprintf(what, sizeof(what), "urlencoded case %d", _i);
	arena_init(&a, 0);
	e = form_parse_urlencoded(&a, url_cases[_i].s, url_cases[_i].len,
	    url_cases[_i].lim, &p);
	ck_assert_msg(e == url_cases[_i].err, "%s: error %d, want %d", what,
	    (int)e, (int)url_cases[_i].err);
	check_pairs(what, &p, url_cases[_i].n, url_cases[_i].want, false);
	arena_free(&a);
}
END_TEST

/* The default limits, at the boundary and one past it. */
START_TEST(test_urlencoded_defaults)
{
	struct arena a;
	struct params p = { NULL, 0, 0 };
	size_t n, i, cap = 70 * 1024 * 3 + 1024;
	char *s = malloc(cap);

	ck_assert_ptr_nonnull(s);
	arena_init(&a, 0);
	ck_assert_uint_eq(form_default_limits.max_fields, 200);
	ck_assert_uint_eq(form_default_limits.max_name_len, 100);
	ck_assert_uint_eq(form_default_limits.max_value_len, 64 * 1024);
	ck_assert_uint_eq(form_default_limits.max_file_len, 5 * 1024 * 1024);

	/* 200 fields, then 201. */
	for (n = 0, i = 0; i < 200; i++) {
		memcpy(s + n, "x=1&", 4);
		n += 4;
	}
	ck_assert_int_eq(form_parse_urlencoded(&a, s, n, NULL, &p), FORM_OK);
	ck_assert_uint_eq(p.n, 200);
	memcpy(s + n, "x=1", 3);
	p.n = 0;
	ck_assert_int_eq(form_parse_urlencoded(&a, s, n + 3, NULL, &p),
	    FORM_ERR_TOO_MANY);

	/* A 100-byte name, then 101; a 64 KiB value, then one byte more,
	 * percent-encoded so the limit is on decoded bytes. */
	memset(s, 'n', 101);
	s[101] = '=';
	p.n = 0;
	ck_assert_int_eq(form_parse_urlencoded(&a, s + 1, 101, NULL, &p),
	    FORM_OK);
	ck_assert_uint_eq(strlen(p.v[0].name), 100);
	ck_assert_int_eq(form_parse_urlencoded(&a, s, 102, NULL, &p),
	    FORM_ERR_NAME_TOO_LONG);
	memcpy(s, "v=", 2);
	for (n = 2, i = 0; i < 64 * 1024; i++) {
		memcpy(s + n, "%41", 3);
		n += 3;
	}
	p.n = 0;
	ck_assert_int_eq(form_parse_urlencoded(&a, s, n, NULL, &p), FORM_OK);
	ck_assert_uint_eq(p.v[0].value_len, 64 * 1024);
	s[n++] = 'B';
	ck_assert_int_eq(form_parse_urlencoded(&a, s, n, NULL, &p),
	    FORM_ERR_VALUE_TOO_LONG);
	ck_assert_int_eq(form_parse_urlencoded(&a, NULL, 0, NULL, &p),
	    FORM_OK);
	arena_free(&a);
	free(s);
}
END_TEST

/* form_parse_multipart ------------------------------------------------ */

#define CT	"multipart/form-data; boundary=XyZ"
#define CD(n)	"Content-Disposition: form-data; name=\"" n "\"\r\n"
/* File content with bytes that look like, but are not, delimiters. */
#define FAKE	"\0\xff\r\n--Xy\r\n--XyZa\r\nx--XyZ\r\n\r\n--XyZ-\r\n-"
#define CDF(n, f) \
	"Content-Disposition: form-data; name=\"" n "\"; filename=\"" f "\"\r\n"

static const struct {
	const char		*what;
	const char		*ct;
	const char		*body;
	size_t			 len;
	const struct form_limits *lim;
	enum form_err		 err;
	size_t			 n;
	struct kv		 want[4];
} mp_cases[] = {
	{ "one text field", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "hello", 0, NULL, "text/plain" } } },
	{ "two fields, preamble, epilogue, no final CRLF", CT,
	    BIN("preamble --XyZ\r\nignored\r\n"
	    "--XyZ\r\n" CD("a") "\r\n1\r\n"
	    "--XyZ\r\n" CD("b") "\r\n\xc3\xa9t\xc3\xa9\r\nligne 2\r\n"
	    "--XyZ--\r\nepilogue --XyZ\r\n\x01\xff"),
	    NULL, FORM_OK, 2, { { "a", "1", 0, NULL, "text/plain" },
	    { "b", "\xc3\xa9t\xc3\xa9\r\nligne 2", 0, NULL, NULL } } },
	{ "close delimiter ends the body", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nv\r\n--XyZ--"),
	    NULL, FORM_OK, 1, { { "a", "v", 0, NULL, NULL } } },
	{ "empty value", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "", 0, NULL, NULL } } },
	{ "no parts at all", CT, BIN("--XyZ--\r\n"), NULL, FORM_OK, 0,
	    { { 0 } } },
	{ "binary file with CRLFs and fake boundaries", CT,
	    BIN("--XyZ\r\n" CDF("f", "a.bin")
	    "Content-Type: application/octet-stream\r\n\r\n"
	    FAKE "\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "f", FAKE, sizeof(FAKE) - 1,
	    "a.bin", "application/octet-stream" } } },
	{ "file and text fields", CT,
	    BIN("--XyZ\r\n" CD("t") "\r\nx\r\n"
	    "--XyZ\r\n" CDF("f", "rapport.pdf")
	    "Content-Type: application/pdf\r\n\r\n%PDF\r\n"
	    "--XyZ\r\n" CDF("g", "") "Content-Type: "
	    "application/octet-stream\r\n\r\n\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 3, { { "t", "x", 0, NULL, "text/plain" },
	    { "f", "%PDF", 0, "rapport.pdf", "application/pdf" },
	    { "g", "", 0, "", "application/octet-stream" } } },
	{ "file part without a content type", CT,
	    BIN("--XyZ\r\n" CDF("f", "a") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1,
	    { { "f", "z", 0, "a", "application/octet-stream" } } },
	{ "quoted boundary with space and specials",
	    "multipart/form-data; boundary=\"a b:c=d?\"",
	    BIN("--a b:c=d?\r\n" CD("a") "\r\n1\r\n--a b:c=d?--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	{ "case-insensitive type and parameter, other parameters",
	    "Multipart/Form-Data ; charset=utf-8; BOUNDARY=XyZ ;",
	    BIN("--XyZ\r\n" CD("a") "\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	{ "unquoted boundary with a slash",
	    "multipart/form-data; boundary=a/b",
	    BIN("--a/b\r\n" CD("a") "\r\n1\r\n--a/b--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	{ "70-character boundary",
	    "multipart/form-data; boundary="
	    "0123456789012345678901234567890123456789012345678901234567890123456789",
	    BIN("--0123456789012345678901234567890123456789012345678901234567890123456789\r\n"
	    CD("a") "\r\n1\r\n"
	    "--0123456789012345678901234567890123456789012345678901234567890123456789--"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	{ "transport padding after delimiters", CT,
	    BIN("--XyZ \t\r\n" CD("a") "\r\n1\r\n--XyZ-- \r\n"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	{ "header names case-insensitive, unknown headers ignored", CT,
	    BIN("--XyZ\r\ncontent-disposition: Form-Data; NAME=a\r\n"
	    "X-Other: y\r\nCONTENT-TYPE: text/plain; charset=utf-8\r\n\r\n"
	    "1\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1,
	    { { "a", "1", 0, NULL, "text/plain; charset=utf-8" } } },
	{ "escaped quote in name", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data; name=\"a\\\"b\"\r\n"
	    "\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "a\"b", "1", 0, NULL, NULL } } },
	{ "Windows path stripped from filename", CT,
	    BIN("--XyZ\r\n" CDF("f", "C:\\Users\\moi\\\xc3\xa9t\xc3\xa9.txt")
	    "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1,
	    { { "f", "z", 0, "\xc3\xa9t\xc3\xa9.txt", NULL } } },
	{ "Unix path stripped from filename", CT,
	    BIN("--XyZ\r\n" CDF("f", "../../etc/passwd") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "f", "z", 0, "passwd", NULL } } },
	{ "file content not UTF-8 checked", CT,
	    BIN("--XyZ\r\n" CDF("f", "x") "\r\n\xc0\x80\0\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "f", "\xc0\x80\0", 3, "x", NULL } } },
	{ "eight headers", CT,
	    BIN("--XyZ\r\n" CD("a") "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n"
	    "F: 6\r\nG: 7\r\n\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_OK, 1, { { "a", "1", 0, NULL, NULL } } },
	/* Limits at the boundary and one past it. */
	{ "max_fields parts", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n1\r\n--XyZ\r\n" CD("b") "\r\n2\r\n"
	    "--XyZ\r\n" CD("c") "\r\n3\r\n--XyZ--\r\n"),
	    &small, FORM_OK, 3, { { "a", "1", 0, NULL, NULL },
	    { "b", "2", 0, NULL, NULL }, { "c", "3", 0, NULL, NULL } } },
	{ "max_fields + 1 parts", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n1\r\n--XyZ\r\n" CD("b") "\r\n2\r\n"
	    "--XyZ\r\n" CD("c") "\r\n3\r\n--XyZ\r\n" CD("d") "\r\n4\r\n"
	    "--XyZ--\r\n"),
	    &small, FORM_ERR_TOO_MANY, 3, { { "a", "1", 0, NULL, NULL },
	    { "b", "2", 0, NULL, NULL }, { "c", "3", 0, NULL, NULL } } },
	{ "name at max_name_len", CT,
	    BIN("--XyZ\r\n" CD("abcd") "\r\n1\r\n--XyZ--\r\n"),
	    &small, FORM_OK, 1, { { "abcd", "1", 0, NULL, NULL } } },
	{ "name past max_name_len", CT,
	    BIN("--XyZ\r\n" CD("abcde") "\r\n1\r\n--XyZ--\r\n"),
	    &small, FORM_ERR_NAME_TOO_LONG, 0, { { 0 } } },
	{ "text at max_value_len", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n12345\r\n--XyZ--\r\n"),
	    &small, FORM_OK, 1, { { "a", "12345", 0, NULL, NULL } } },
	{ "text past max_value_len", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n123456\r\n--XyZ--\r\n"),
	    &small, FORM_ERR_VALUE_TOO_LONG, 0, { { 0 } } },
	{ "file at max_file_len", CT,
	    BIN("--XyZ\r\n" CDF("f", "x") "\r\n0123456789\r\n--XyZ--\r\n"),
	    &small, FORM_OK, 1, { { "f", "0123456789", 0, "x", NULL } } },
	{ "file past max_file_len", CT,
	    BIN("--XyZ\r\n" CDF("f", "x") "\r\n0123456789A\r\n--XyZ--\r\n"),
	    &small, FORM_ERR_FILE_TOO_LONG, 0, { { 0 } } },
	/* Content types without a usable boundary. */
	{ "no content type", NULL, BIN("--XyZ--\r\n"), NULL,
	    FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "not multipart/form-data", "multipart/mixed; boundary=XyZ",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "urlencoded type", "application/x-www-form-urlencoded",
	    BIN("a=1"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "no boundary parameter", "multipart/form-data; charset=utf-8",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "empty boundary", "multipart/form-data; boundary=",
	    BIN("----\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "empty quoted boundary", "multipart/form-data; boundary=\"\"",
	    BIN("----\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "71-character boundary",
	    "multipart/form-data; boundary="
	    "0123456789012345678901234567890123456789012345678901234567890123456789A",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "boundary ending with a space",
	    "multipart/form-data; boundary=\"XyZ \"",
	    BIN("--XyZ --\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "boundary with a forbidden character",
	    "multipart/form-data; boundary=\"Xy;Z\"",
	    BIN("--Xy;Z--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "unterminated quoted boundary",
	    "multipart/form-data; boundary=\"XyZ",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "two boundary parameters",
	    "multipart/form-data; boundary=XyZ; boundary=Abc",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	{ "garbage after the type", "multipart/form-data boundary=XyZ",
	    BIN("--XyZ--\r\n"), NULL, FORM_ERR_BOUNDARY, 0, { { 0 } } },
	/* Framing errors. */
	{ "empty body", CT, BIN(""), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "no delimiter", CT, BIN("hello"), NULL, FORM_ERR_SYNTAX, 0,
	    { { 0 } } },
	{ "missing final boundary", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nhello"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "missing final boundary after a delimiter", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ\r\n"),
	    NULL, FORM_ERR_SYNTAX, 1, { { "a", "hello", 0, NULL, NULL } } },
	{ "final boundary without its dashes", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "final boundary followed by garbage", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nhello\r\n--XyZ--junk"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "wrong boundary in body", CT,
	    BIN("--Abc\r\n" CD("a") "\r\nhello\r\n--Abc--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "bare LF framing", CT,
	    BIN("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n"
	    "hello\n--XyZ--\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "bare LF in headers", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\n\r\n"
	    "hello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "bare CR in a header", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data;\r name=\"a\"\r\n\r\n"
	    "hello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "headers cut by the end of the body", CT,
	    BIN("--XyZ\r\n" CD("a")), NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "no Content-Disposition", CT,
	    BIN("--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "no headers", CT, BIN("--XyZ\r\n\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "Content-Disposition without a name", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data; filename=\"x\"\r\n"
	    "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "Content-Disposition not form-data", CT,
	    BIN("--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n"
	    "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "two names", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n"
	    "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "two Content-Disposition headers", CT,
	    BIN("--XyZ\r\n" CD("a") CD("b") "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "unterminated quoted name", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n"
	    "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "header without a colon", CT,
	    BIN("--XyZ\r\n" CD("a") "Oops\r\n\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "folded header", CT,
	    BIN("--XyZ\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n"
	    "\r\nhello\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "nine headers", CT,
	    BIN("--XyZ\r\n" CD("a") "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n"
	    "F: 6\r\nG: 7\r\nH: 8\r\n\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "empty part Content-Type", CT,
	    BIN("--XyZ\r\n" CD("a") "Content-Type:\r\n\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	{ "filename \"..\"", CT,
	    BIN("--XyZ\r\n" CDF("f", "a/..") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_SYNTAX, 0, { { 0 } } },
	/* UTF-8. */
	{ "text part with invalid UTF-8", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\n\xc3\x28\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ "text part with a NUL", CT,
	    BIN("--XyZ\r\n" CD("a") "\r\nx\0y\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ "name with invalid UTF-8", CT,
	    BIN("--XyZ\r\n" CD("\xff") "\r\n1\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ "filename with invalid UTF-8", CT,
	    BIN("--XyZ\r\n" CDF("f", "\xed\xa0\x80.txt") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ "filename with a control character", CT,
	    BIN("--XyZ\r\n" CDF("f", "a\x01.txt") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
	{ "filename with a tab", CT,
	    BIN("--XyZ\r\n" CDF("f", "a\t.txt") "\r\nz\r\n--XyZ--\r\n"),
	    NULL, FORM_ERR_UTF8, 0, { { 0 } } },
};

START_TEST(test_multipart)
{
	struct arena a;
	struct params p = { NULL, 0, 0 };
	enum form_err e;

	arena_init(&a, 0);
	e = form_parse_multipart(&a, mp_cases[_i].ct, mp_cases[_i].body,
	    mp_cases[_i].len, mp_cases[_i].lim, &p);
	ck_assert_msg(e == mp_cases[_i].err, "%s: error %d, want %d",
	    mp_cases[_i].what, (int)e, (int)mp_cases[_i].err);
	check_pairs(mp_cases[_i].what, &p, mp_cases[_i].n, mp_cases[_i].want,
	    true);
	arena_free(&a);
}
END_TEST

/* Header lines of exactly 1024 bytes pass, 1025 do not. */
START_TEST(test_multipart_header_line)
{
	static const char head[] = "--XyZ\r\n" CD("a") "X-Pad: ";
	static const char tail[] = "\r\n\r\n1\r\n--XyZ--\r\n";
	struct arena a;
	struct params p = { NULL, 0, 0 };
	char body[2048];
	size_t n, pad;

	arena_init(&a, 0);
	pad = 1024 - strlen("X-Pad: ");
	n = sizeof(head) - 1;
	memcpy(body, head, n);
	memset(body + n, 'p', pad);
	memcpy(body + n + pad, tail, sizeof(tail) - 1);
	ck_assert_int_eq(form_parse_multipart(&a, CT, body,
	    n + pad + sizeof(tail) - 1, NULL, &p), FORM_OK);
	ck_assert_uint_eq(p.n, 1);
	memset(body + n, 'p', pad + 1);
	memcpy(body + n + pad + 1, tail, sizeof(tail) - 1);
	p.n = 0;
	ck_assert_int_eq(form_parse_multipart(&a, CT, body,
	    n + pad + 1 + sizeof(tail) - 1, NULL, &p), FORM_ERR_SYNTAX);
	ck_assert_uint_eq(p.n, 0);
	arena_free(&a);
}
END_TEST

/*
 * A file made of near-miss delimiters ("\r\n--XyZ!") is content, kept
 * byte for byte.  (Its speed is a benchmark's business, not this test's:
 * the size is kept small enough for valgrind on a loaded machine.)
 */
START_TEST(test_multipart_linear)
{
	static const char head[] = "--XyZ\r\n" CDF("f", "big.bin") "\r\n";
	static const char tail[] = "\r\n--XyZ--\r\n";
	static const char miss[] = "\r\n--XyZ!";
	const size_t filelen = 256 * 1024;
	struct arena a;
	struct params p = { NULL, 0, 0 };
	size_t n, i, len = sizeof(head) - 1 + filelen + sizeof(tail) - 1;
	char *body = malloc(len);

	ck_assert_ptr_nonnull(body);
	arena_init(&a, 0);
	n = sizeof(head) - 1;
	memcpy(body, head, n);
	for (i = 0; i < filelen; i += sizeof(miss) - 1)
		memcpy(body + n + i, miss, sizeof(miss) - 1);
	memcpy(body + n + filelen, tail, sizeof(tail) - 1);
	ck_assert_int_eq(form_parse_multipart(&a, CT, body, len, NULL, &p),
	    FORM_OK);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_uint_eq(p.v[0].value_len, filelen);
	ck_assert(memcmp(p.v[0].value, body + n, filelen) == 0);
	arena_free(&a);
	free(body);
}
END_TEST

/* form_parse_cookies -------------------------------------------------- */

static const struct {
	const char		*h;
	const struct form_limits *lim;
	enum form_err		 err;
	size_t			 n;
	struct kv		 want[4];
} cookie_cases[] = {
	{ NULL, NULL, FORM_OK, 0, { { 0 } } },
	{ "", NULL, FORM_OK, 0, { { 0 } } },
	{ "a=1; b=2", NULL, FORM_OK, 2,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 } } },
	{ "  a = 1 ;b=2 ;\t c\t=\t3\t", NULL, FORM_OK, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ "a=\"x y\"; b=\"\"", NULL, FORM_OK, 2,
	    { { "a", "x y", 0, 0, 0 }, { "b", "", 0, 0, 0 } } },
	{ "a=\"; b=x\"", NULL, FORM_OK, 2,
	    { { "a", "\"", 0, 0, 0 }, { "b", "x\"", 0, 0, 0 } } },
	{ "t=ab==; u=%41", NULL, FORM_OK, 2,
	    { { "t", "ab==", 0, 0, 0 }, { "u", "%41", 0, 0, 0 } } },
	{ "a=; b", NULL, FORM_OK, 1, { { "a", "", 0, 0, 0 } } },
	{ ";;a=1;;", NULL, FORM_OK, 1, { { "a", "1", 0, 0, 0 } } },
	/* Malformed pieces are skipped. */
	{ "junk; a=1; =2;  = 3; b=2", NULL, FORM_OK, 2,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 } } },
	{ "a=\xff; b=2; \xc0\x80=1; c=\xc3\xa9", NULL, FORM_OK, 2,
	    { { "b", "2", 0, 0, 0 }, { "c", "\xc3\xa9", 0, 0, 0 } } },
	{ "a=\xed\xa0\x80", NULL, FORM_OK, 0, { { 0 } } },
	/* Limits. */
	{ "a=1; b=2; c=3", &small, FORM_OK, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ "a=1; junk; b=2; =; c=3; d=\xff", &small, FORM_OK, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ "a=1; b=2; c=3; d=4", &small, FORM_ERR_TOO_MANY, 3,
	    { { "a", "1", 0, 0, 0 }, { "b", "2", 0, 0, 0 },
	      { "c", "3", 0, 0, 0 } } },
	{ "abcd=1", &small, FORM_OK, 1, { { "abcd", "1", 0, 0, 0 } } },
	{ "abcde=1", &small, FORM_ERR_NAME_TOO_LONG, 0, { { 0 } } },
	{ "a=12345", &small, FORM_OK, 1, { { "a", "12345", 0, 0, 0 } } },
	{ "a=\"12345\"", &small, FORM_OK, 1, { { "a", "12345", 0, 0, 0 } } },
	{ "a=123456", &small, FORM_ERR_VALUE_TOO_LONG, 0, { { 0 } } },
};

START_TEST(test_cookies)
{
	struct arena a;
	struct params p = { NULL, 0, 0 };
	char what[32];
	enum form_err e;

	snprintf(what, sizeof(what), "cookie case %d", _i);
	arena_init(&a, 0);
	e = form_parse_cookies(&a, cookie_cases[_i].h, cookie_cases[_i].lim,
	    &p);
	ck_assert_msg(e == cookie_cases[_i].err, "%s: error %d, want %d",
	    what, (int)e, (int)cookie_cases[_i].err);
	check_pairs(what, &p, cookie_cases[_i].n, cookie_cases[_i].want,
	    false);
	arena_free(&a);
}
END_TEST

/* params_* ------------------------------------------------------------ */

START_TEST(test_params)
{
	static const char *names[] = { "a", "b", "a", "" };
	struct arena a;
	struct params p = { NULL, 0, 0 };
	const struct param *f;
	char *name;
	size_t i;

	arena_init(&a, 0);
	ck_assert_ptr_null(params_get(&p, "a"));
	ck_assert_ptr_null(params_find(&p, "a"));
	for (i = 0; i < NELEM(names); i++)
		params_add(&a, &p, names[i], arena_printf(&a, "%zu", i), 1);
	ck_assert_uint_eq(p.n, 4);
	ck_assert_str_eq(params_get(&p, "a"), "0");
	ck_assert_str_eq(params_get(&p, "b"), "1");
	ck_assert_str_eq(params_get(&p, ""), "3");
	ck_assert_ptr_null(params_get(&p, "c"));
	ck_assert_ptr_null(params_get(&p, "A"));
	ck_assert_ptr_null(params_get(&p, NULL));
	ck_assert_ptr_null(params_get(NULL, "a"));
	f = params_find(&p, "b");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->value_len, 1);
	ck_assert_ptr_null(f->filename);
	ck_assert_ptr_null(f->content_type);

	/* Growth keeps earlier pairs and doubles the capacity. */
	for (i = 4; i < 1000; i++) {
		name = arena_printf(&a, "k%zu", i);
		params_add(&a, &p, name, name, strlen(name));
		ck_assert_uint_ge(p.cap, p.n);
		ck_assert_uint_eq(p.cap & (p.cap - 1), 0);
	}
	ck_assert_uint_eq(p.n, 1000);
	ck_assert_uint_eq(p.cap, 1024);
	ck_assert_str_eq(params_get(&p, "a"), "0");
	ck_assert_str_eq(params_get(&p, "k999"), "k999");
	ck_assert_str_eq(params_get(&p, "k500"), "k500");
	params_add(&a, &p, "nil", NULL, 5);
	ck_assert_str_eq(params_get(&p, "nil"), "");
	ck_assert_uint_eq(params_find(&p, "nil")->value_len, 0);
	arena_free(&a);
}
END_TEST

/* form_strerror ------------------------------------------------------- */

START_TEST(test_strerror)
{
	static const enum form_err errs[] = { FORM_OK, FORM_ERR_TOO_MANY,
	    FORM_ERR_NAME_TOO_LONG, FORM_ERR_VALUE_TOO_LONG,
	    FORM_ERR_FILE_TOO_LONG, FORM_ERR_UTF8, FORM_ERR_SYNTAX,
	    FORM_ERR_BOUNDARY };
	size_t i, j;
	const char *s;

	ck_assert_str_eq(form_strerror(FORM_ERR_TOO_MANY),
	    "Le formulaire contient trop de champs.");
	ck_assert_str_eq(form_strerror(FORM_ERR_UTF8),
	    "Le formulaire contient des caract\xc3\xa8res invalides "
	    "(encodage UTF-8 attendu).");
	for (i = 0; i < NELEM(errs); i++) {
		s = form_strerror(errs[i]);
		ck_assert_ptr_nonnull(s);
		ck_assert(utf8_valid(s, strlen(s)));
		ck_assert(s[strlen(s) - 1] == '.');
		for (j = 0; j < i; j++)
			ck_assert_str_ne(s, form_strerror(errs[j]));
	}
	ck_assert_ptr_nonnull(form_strerror((enum form_err)99));
}
END_TEST

static Suite *
form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc;

	tc = tcase_create("utf8_valid");
	tcase_add_loop_test(tc, test_utf8, 0, NELEM(utf8_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("urlencoded");
	tcase_add_loop_test(tc, test_urlencoded, 0, NELEM(url_cases));
	tcase_add_test(tc, test_urlencoded_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("multipart");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_multipart, 0, NELEM(mp_cases));
	tcase_add_test(tc, test_multipart_header_line);
	tcase_add_test(tc, test_multipart_linear);
	suite_add_tcase(s, tc);

	tc = tcase_create("cookies");
	tcase_add_loop_test(tc, test_cookies, 0, NELEM(cookie_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("params");
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_strerror);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(form_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
