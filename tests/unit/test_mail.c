/*
 * Unit tests for fcgi/lib/mail.c: the message builder (tables of valid
 * messages, each decoded back and its shape checked, and of refused ones,
 * header injection first), addresses, the SMTP dialogue tracker, HTTP
 * outcomes, retry delays and error texts.
 *
 * Expected base64 was computed with a separate program (Python's base64).
 * Decoding uses the small QP and RFC 2047 decoders below, written from
 * the RFCs, not from mail.c.
 */
#include <check.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define FROM		"Parvis <no-reply@parvis.localhost>"
#define TO		"alice@example.fr"
#define MID		"0123abcd@parvis.localhost"
#define NOW		1751364000	/* Tue, 01 Jul 2025 10:00:00 UTC */

/* ---- decoders ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes quoted-printable (uppercase hex only, as RFC 2045 wants). */
static char *
qp_decode(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = malloc(n + 1);

	ck_assert_ptr_nonnull(out);
	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			out[o++] = s[i];
			continue;
		}
		if (s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
			continue;
		}
		ck_assert_msg(hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0,
		    "bad QP escape at %zu", i);
		out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
		i += 2;
	}
	out[o] = '\0';
	return out;
}

static int
b64val(int c)
{
	const char *t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char *p = c != '\0' ? strchr(t, c) : NULL;

	return p != NULL ? (int)(p - t) : -1;
}

/* Appends the base64 s[0..n) decoded to out at *o. */
static void
b64_decode(const char *s, size_t n, char *out, size_t *o)
{
	unsigned v = 0;
	int bits = 0;
	size_t i;

	ck_assert_msg(n % 4 == 0, "base64 length %zu", n);
	for (i = 0; i < n && s[i] != '='; i++) {
		ck_assert_msg(b64val(s[i]) >= 0, "bad base64 '%c'", s[i]);
		v = v << 6 | (unsigned)b64val(s[i]);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[(*o)++] = (char)(v >> bits & 0xFF);
		}
	}
}

/* Decodes an unfolded unstructured value: either plain text or only
 * encoded words separated by spaces. */
static char *
ew_decode(const char *v)
{
	static const char pre[] = "=?UTF-8?B?";
	size_t o = 0;
	const char *end;
	char *out = malloc(strlen(v) + 1);

	ck_assert_ptr_nonnull(out);
	if (strncmp(v, pre, sizeof(pre) - 1) != 0) {
		memcpy(out, v, strlen(v) + 1);
		return out;
	}
	while (*v != '\0') {
		ck_assert_msg(strncmp(v, pre, sizeof(pre) - 1) == 0,
		    "not an encoded word: %s", v);
		v += sizeof(pre) - 1;
		end = strstr(v, "?=");
		ck_assert_ptr_nonnull(end);
		b64_decode(v, (size_t)(end - v), out, &o);
		v = end + 2;
		while (*v == ' ')
			v++;
	}
	out[o] = '\0';
	return out;
}

/* Returns text with every line end (CRLF, LF, CR) made CRLF and a last
 * line end added when missing: what the body must decode to. */
static char *
normalise(const char *text)
{
	size_t n = strlen(text), i, o = 0;
	char *out = malloc(2 * n + 3);

	ck_assert_ptr_nonnull(out);
	for (i = 0; i < n; i++) {
		if (text[i] == '\r' || text[i] == '\n') {
			if (text[i] == '\r' && text[i + 1] == '\n')
				i++;
			out[o++] = '\r';
			out[o++] = '\n';
		} else
			out[o++] = text[i];
	}
	if (o > 0 && out[o - 1] != '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o] = '\0';
	return out;
}

/* Returns the unfolded value of header name (malloc'd), or NULL. */
static char *
header(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n"), *p = msg, *v;
	size_t nlen = strlen(name), o = 0;
	char *out;

	ck_assert_ptr_nonnull(end);
	while (p < end) {
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':') {
			v = p + nlen + 1;
			if (*v == ' ')
				v++;
			out = malloc((size_t)(end - v) + 1);
			ck_assert_ptr_nonnull(out);
			for (; v < end + 2; v++) {
				if (v[0] == '\r' && v[1] == '\n') {
					if (v[2] != ' ' && v[2] != '\t')
						break;
					v++;
					continue;
				}
				out[o++] = *v;
			}
			out[o] = '\0';
			return out;
		}
		p = strstr(p, "\r\n") + 2;
	}
	return NULL;
}

/* Checks CRLF line ends, ASCII only, lines of at most 76 characters
 * (From's lines excepted when long_from). */
static void
check_shape(const char *msg, size_t len, bool long_from)
{
	size_t i, col = 0;
	bool in_from = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (col == 0) {
			if (strncmp(msg + i, "From:", 5) == 0)
				in_from = true;
			else if (c != ' ')
				in_from = false;
		}
		if (c == '\r') {
			ck_assert_msg(i + 1 < len && msg[i + 1] == '\n',
			    "bare CR at %zu", i);
			ck_assert_msg(col <= 76 || (long_from && in_from),
			    "line of %zu characters before %zu", col, i);
			i++;
			col = 0;
			continue;
		}
		ck_assert_msg(c != '\n', "bare LF at %zu", i);
		ck_assert_msg((c >= 0x20 && c < 0x7F) || c == '\t',
		    "byte 0x%02x at %zu", c, i);
		col++;
	}
	ck_assert_msg(col == 0, "message does not end with CRLF");
}

/* ---- mail_build: messages built ---- */

static char long_line[201];	/* 200 characters */
static char line76[77], line77[78];
static char qp_line[160];	/* '=' in the way of a soft break */
static char subj_words[200];	/* long ASCII subject with spaces */
static char subj_solid[101];	/* 100 characters, no space */
static char subj_accents[400];	/* long non-ASCII subject */
static char subj_emoji[200];	/* 4-byte characters across word ends */
static char big_body[100001];
static char long_name_from[300];

struct build_case {
	const char	*name;
	const char	*from;
	const char	*subject;
	const char	*body;
	const char	*want_body;	/* decoded, line ends CRLF */
	const char	*want_from;	/* unfolded From value, NULL: skip */
	bool		 encoded;	/* Subject must be encoded words */
	bool		 long_from;
};

static const struct build_case build_cases[] = {
	{ "ascii", FROM, "Bonjour", "Bonjour", "Bonjour\r\n",
	    FROM, false, false },
	{ "accented subject", FROM, "Votre compte a été créé",
	    "Bienvenue", "Bienvenue\r\n", NULL, true, false },
	{ "accented body", FROM, "x", "Élodie, votre RDV à 9h30 ✓\n",
	    "Élodie, votre RDV à 9h30 ✓\r\n", NULL, false, false },
	{ "empty subject", FROM, "", "x", "x\r\n", NULL, false, false },
	{ "empty body", FROM, "x", "", "", NULL, false, false },
	{ "blank lines", FROM, "x", "\n\n", "\r\n\r\n", NULL, false, false },
	{ "CRLF kept", FROM, "x", "a\r\nb\r\n", "a\r\nb\r\n", NULL, false, false },
	{ "LF made CRLF", FROM, "x", "a\nb\n", "a\r\nb\r\n", NULL, false, false },
	{ "CR made CRLF", FROM, "x", "a\rb\r", "a\r\nb\r\n", NULL, false, false },
	{ "mixed ends", FROM, "x", "a\r\nb\nc\rd", "a\r\nb\r\nc\r\nd\r\n",
	    NULL, false, false },
	{ "CR CR LF", FROM, "x", "a\r\r\nb", "a\r\n\r\nb\r\n", NULL, false, false },
	{ "trailing spaces", FROM, "x", "fin  \nfin\t\n", "fin  \r\nfin\t\r\n",
	    NULL, false, false },
	{ "equals and controls", FROM, "x", "a=b\x01\x7f", "a=b\x01\x7f\r\n",
	    NULL, false, false },
	{ "leading dot", FROM, "x", ".\n.hidden\n..two\n", ".\r\n.hidden\r\n"
	    "..two\r\n", NULL, false, false },
	{ "long line", FROM, "x", long_line, NULL, NULL, false, false },
	{ "76 characters", FROM, "x", line76, NULL, NULL, false, false },
	{ "77 characters", FROM, "x", line77, NULL, NULL, false, false },
	{ "QP near the edge", FROM, "x", qp_line, NULL, NULL, false, false },
	{ "big body", FROM, "x", big_body, NULL, NULL, false, false },
	{ "long ASCII subject folded", FROM, subj_words, "x", "x\r\n", NULL,
	    false, false },
	{ "solid subject encoded", FROM, subj_solid, "x", "x\r\n", NULL,
	    true, false },
	{ "long accented subject", FROM, subj_accents, "x", "x\r\n", NULL,
	    true, false },
	{ "emoji subject", FROM, subj_emoji, "x", "x\r\n", NULL, true, false },
	{ "encoded-word look-alike", FROM, "=?UTF-8?B?eA==?= pas encodé",
	    "x", "x\r\n", NULL, true, false },
	{ "subject with tab-free spaces", FROM, "  deux  espaces  ", "x",
	    "x\r\n", NULL, false, false },
	{ "bare from", "no-reply@parvis.localhost", "x", "x", "x\r\n",
	    "no-reply@parvis.localhost", false, false },
	{ "quoted from", "\"Dr. Who\" <who@example.fr>", "x", "x", "x\r\n",
	    "\"Dr. Who\" <who@example.fr>", false, false },
	{ "specials quoted", "\"Dr \\\"W\\\\ho\\\"\" <who@example.fr>", "x", "x",
	    "x\r\n", "\"Dr \\\"W\\\\ho\\\"\" <who@example.fr>", false, false },
	{ "name made quoted", "Dr. Who <who@example.fr>", "x", "x", "x\r\n",
	    "\"Dr. Who\" <who@example.fr>", false, false },
	{ "accented from", "Parvis, santé <a@parvis.fr>", "x", "x", "x\r\n",
	    "=?UTF-8?B?UGFydmlzLCBzYW50w6k=?= <a@parvis.fr>", false, false },
	{ "long from", long_name_from, "x", "x", "x\r\n", NULL, false, true },
};

START_TEST(test_build)
{
	const struct build_case *c = &build_cases[_i];
	struct buf out = BUF_INIT;
	char *v, *body;
	const char *sep;

	ck_assert_msg(mail_build(&out, c->from, TO, c->subject, c->body, NOW,
	    MID) == 0, "%s: refused", c->name);
	check_shape(out.data, out.len, c->long_from);
	ck_assert_uint_eq(strlen(out.data), out.len);

	v = header(out.data, "Date");
	ck_assert_str_eq(v, "Tue, 01 Jul 2025 10:00:00 +0000");
	free(v);
	v = header(out.data, "To");
	ck_assert_str_eq(v, TO);
	free(v);
	v = header(out.data, "Message-ID");
	ck_assert_str_eq(v, "<" MID ">");
	free(v);
	v = header(out.data, "Content-Type");
	ck_assert_str_eq(v, "text/plain; charset=utf-8");
	free(v);
	v = header(out.data, "Content-Transfer-Encoding");
	ck_assert_str_eq(v, "quoted-printable");
	free(v);
	v = header(out.data, "MIME-Version");
	ck_assert_str_eq(v, "1.0");
	free(v);
	if (c->want_from != NULL) {
		v = header(out.data, "From");
		ck_assert_str_eq(v, c->want_from);
		free(v);
	}

	v = header(out.data, "Subject");
	ck_assert_ptr_nonnull(v);
	ck_assert_msg((strncmp(v, "=?UTF-8?B?", 10) == 0) == c->encoded,
	    "%s: subject %s", c->name, c->encoded ? "not encoded" : "encoded");
	{
		char *d = ew_decode(v);

		ck_assert_str_eq(d, c->subject);
		free(d);
	}
	free(v);

	sep = strstr(out.data, "\r\n\r\n");
	body = qp_decode(sep + 4);
	if (c->want_body != NULL)
		ck_assert_str_eq(body, c->want_body);
	else {
		char *want = normalise(c->body);

		ck_assert_msg(strcmp(body, want) == 0, "%s: body differs",
		    c->name);
		free(want);
	}
	free(body);
	buf_free(&out);
}
END_TEST

/* The whole message, byte for byte, for the two commonest shapes. */
START_TEST(test_build_exact)
{
	struct buf out = BUF_INIT;

	ck_assert_int_eq(mail_build(&out, FROM, TO, "Bonjour",
	    "Bonjour Alice,\n\nVotre code : 1234 = ok. \n", NOW, MID), 0);
	ck_assert_str_eq(out.data,
	    "Date: Tue, 01 Jul 2025 10:00:00 +0000\r\n"
	    "From: Parvis <no-reply@parvis.localhost>\r\n"
	    "To: alice@example.fr\r\n"
	    "Subject: Bonjour\r\n"
	    "Message-ID: <0123abcd@parvis.localhost>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "Bonjour Alice,\r\n"
	    "\r\n"
	    "Votre code : 1234 =3D ok.=20\r\n");
	buf_clear(&out);
	ck_assert_int_eq(mail_build(&out, FROM, TO,
	    "Réinitialisation de votre mot de passe", "Lien : é", 0, MID), 0);
	ck_assert_str_eq(out.data,
	    "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
	    "From: Parvis <no-reply@parvis.localhost>\r\n"
	    "To: alice@example.fr\r\n"
	    "Subject: =?UTF-8?B?UsOpaW5pdGlhbGlzYXRpb24gZGUgdm90cmUgbW90IGRlIHBh?=\r\n"
	    " =?UTF-8?B?c3Nl?=\r\n"
	    "Message-ID: <0123abcd@parvis.localhost>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n"
	    "Lien : =C3=A9\r\n");
	buf_free(&out);
}
END_TEST

/* Soft breaks: a 76-character line stays whole, 77 is cut after 75. */
START_TEST(test_build_soft_break)
{
	struct buf out = BUF_INIT;
	const char *b;

	ck_assert_int_eq(mail_build(&out, FROM, TO, "x", line76, NOW, MID), 0);
	b = strstr(out.data, "\r\n\r\n") + 4;
	ck_assert_uint_eq(strlen(b), 78);
	buf_clear(&out);
	ck_assert_int_eq(mail_build(&out, FROM, TO, "x", line77, NOW, MID), 0);
	b = strstr(out.data, "\r\n\r\n") + 4;
	ck_assert(strncmp(b + 75, "=\r\n", 3) == 0);
	ck_assert_str_eq(b + 78, "ab\r\n");
	buf_free(&out);
}
END_TEST

/* ---- mail_build: refused ---- */

struct refuse_case {
	const char	*name;
	const char	*from;
	const char	*to;
	const char	*subject;
	const char	*body;
	long long	 now;
	const char	*mid;
};

static const struct refuse_case refuse_cases[] = {
	{ "CRLF in subject", FROM, TO, "Hello\r\nBcc: evil@x.fr", "x", NOW, MID },
	{ "LF in subject", FROM, TO, "Hello\nBcc: evil@x.fr", "x", NOW, MID },
	{ "CR in subject", FROM, TO, "Hello\rBcc: evil@x.fr", "x", NOW, MID },
	{ "CRLF ending subject", FROM, TO, "Hello\r\n", "x", NOW, MID },
	{ "tab in subject", FROM, TO, "a\tb", "x", NOW, MID },
	{ "NUL-ish control in subject", FROM, TO, "a\x01z", "x", NOW, MID },
	{ "DEL in subject", FROM, TO, "a\x7fz", "x", NOW, MID },
	{ "invalid UTF-8 subject", FROM, TO, "caf\xc3", "x", NOW, MID },
	{ "overlong UTF-8 subject", FROM, TO, "\xc0\xaf", "x", NOW, MID },
	{ "surrogate in subject", FROM, TO, "\xed\xa0\x80", "x", NOW, MID },
	{ "above U+10FFFF", FROM, TO, "\xf4\x90\x80\x80", "x", NOW, MID },
	{ "NULL subject", FROM, TO, NULL, "x", NOW, MID },
	{ "CRLF in recipient", FROM, "alice@example.fr\r\nBcc: evil@x.fr",
	    "x", "x", NOW, MID },
	{ "LF in recipient", FROM, "alice@example.fr\nBcc: evil@x.fr",
	    "x", "x", NOW, MID },
	{ "two recipients", FROM, "alice@example.fr, evil@x.fr", "x", "x",
	    NOW, MID },
	{ "recipient with name", FROM, "Alice <alice@example.fr>", "x", "x",
	    NOW, MID },
	{ "recipient in brackets", FROM, "<alice@example.fr>", "x", "x",
	    NOW, MID },
	{ "recipient without @", FROM, "alice", "x", "x", NOW, MID },
	{ "empty recipient", FROM, "", "x", "x", NOW, MID },
	{ "NULL recipient", FROM, NULL, "x", "x", NOW, MID },
	{ "non-ASCII recipient", FROM, "élodie@example.fr", "x", "x", NOW, MID },
	{ "CRLF in from", "Parvis <a@b.fr>\r\nBcc: evil@x.fr", TO, "x", "x",
	    NOW, MID },
	{ "CRLF in from name", "Par\r\nvis <a@b.fr>", TO, "x", "x", NOW, MID },
	{ "from without address", "Parvis", TO, "x", "x", NOW, MID },
	{ "from unclosed", "Parvis <a@b.fr", TO, "x", "x", NOW, MID },
	{ "from text after >", "Parvis <a@b.fr> x", TO, "x", "x", NOW, MID },
	{ "from unclosed quote", "\"Parvis <a@b.fr>", TO, "x", "x", NOW, MID },
	{ "from empty brackets", "Parvis <>", TO, "x", "x", NOW, MID },
	{ "NULL from", NULL, TO, "x", "x", NOW, MID },
	{ "message-id with >", FROM, TO, "x", "x", NOW,
	    "a@b.fr>\r\nBcc: evil@x.fr" },
	{ "message-id without @", FROM, TO, "x", "x", NOW, "abc" },
	{ "NULL message-id", FROM, TO, "x", "x", NOW, NULL },
	{ "invalid UTF-8 body", FROM, TO, "x", "caf\xc3(", NOW, MID },
	{ "stray byte in body", FROM, TO, "x", "\xff", NOW, MID },
	{ "NULL body", FROM, TO, "x", NULL, NOW, MID },
	{ "before 1970", FROM, TO, "x", "x", -1, MID },
	{ "after 9999", FROM, TO, "x", "x", 253402300800LL, MID },
};

START_TEST(test_refuse)
{
	const struct refuse_case *c = &refuse_cases[_i];
	struct buf out = BUF_INIT;

	buf_puts(&out, "keep");
	ck_assert_msg(mail_build(&out, c->from, c->to, c->subject, c->body,
	    (time_t)c->now, c->mid) == -1, "%s: accepted", c->name);
	ck_assert_uint_eq(out.len, 4);
	ck_assert_str_eq(out.data, "keep");
	buf_free(&out);
}
END_TEST

START_TEST(test_build_null_out)
{
	ck_assert_int_eq(mail_build(NULL, FROM, TO, "x", "x", NOW, MID), -1);
}
END_TEST

START_TEST(test_build_last_second)
{
	struct buf out = BUF_INIT;
	char *v;

	ck_assert_int_eq(mail_build(&out, FROM, TO, "x", "x",
	    (time_t)253402300799LL, MID), 0);
	v = header(out.data, "Date");
	ck_assert_str_eq(v, "Fri, 31 Dec 9999 23:59:59 +0000");
	free(v);
	buf_free(&out);
}
END_TEST

/* ---- addresses ---- */

static char addr_254[255], addr_255[256], local_64[80], local_65[80];

struct addr_case {
	const char	*in;
	bool		 valid;
};

static const struct addr_case addr_cases[] = {
	{ "alice@example.fr", true },
	{ "a@b", true },
	{ "no-reply@parvis.localhost", true },
	{ "first.last+tag@sub.example.fr", true },
	{ "o'brien@example.ie", true },
	{ "x@a-b.fr", true },
	{ addr_254, true },
	{ local_64, true },
	{ addr_255, false },
	{ local_65, false },
	{ "", false },
	{ "@example.fr", false },
	{ "alice@", false },
	{ "alice", false },
	{ "a@b@c.fr", false },
	{ ".alice@example.fr", false },
	{ "alice.@example.fr", false },
	{ "al..ice@example.fr", false },
	{ "alice@.example.fr", false },
	{ "alice@example..fr", false },
	{ "alice@example.fr.", false },
	{ "alice@-example.fr", false },
	{ "alice@example-.fr", false },
	{ "alice@exa_mple.fr", false },
	{ "al ice@example.fr", false },
	{ "alice@example.fr ", false },
	{ "<alice@example.fr>", false },
	{ "alice@example.fr>", false },
	{ "\"alice\"@example.fr", false },
	{ "alice@[127.0.0.1]", false },
	{ "alice,bob@example.fr", false },
	{ "alice@example.fr\r\n", false },
	{ "élodie@example.fr", false },
	{ NULL, false },
};

START_TEST(test_addr_valid)
{
	const struct addr_case *c = &addr_cases[_i];

	ck_assert_msg(mail_addr_valid(c->in) == c->valid, "\"%s\": want %s",
	    c->in != NULL ? c->in : "(null)", c->valid ? "valid" : "invalid");
}
END_TEST

struct spec_case {
	const char	*from;
	size_t		 outlen;
	int		 rc;
	const char	*want;
};

static const struct spec_case spec_cases[] = {
	{ FROM, 64, 0, "no-reply@parvis.localhost" },
	{ "no-reply@parvis.localhost", 64, 0, "no-reply@parvis.localhost" },
	{ "  a@b.fr  ", 64, 0, "a@b.fr" },
	{ "\"Parvis <x@y.fr>\" <a@b.fr>", 64, 0, "a@b.fr" },
	{ "\"Par\\\"vis\" <a@b.fr>", 64, 0, "a@b.fr" },
	{ "Parvis Santé <a@b.fr>", 64, 0, "a@b.fr" },
	{ "<a@b.fr>", 64, 0, "a@b.fr" },
	{ "Parvis <a@b.fr>", 7, 0, "a@b.fr" },
	{ "Parvis <a@b.fr>", 6, -1, NULL },
	{ "Parvis", 64, -1, NULL },
	{ "a@b.fr c@d.fr", 64, -1, NULL },
	{ "Parvis <a@b.fr", 64, -1, NULL },
	{ "Par\"vis <a@b.fr>", 64, -1, NULL },
	{ "\"Parvis\" x <a@b.fr>", 64, -1, NULL },
	{ "Parvis <a@b.fr>\n", 64, -1, NULL },
	{ "Parvis <a b@c.fr>", 64, -1, NULL },
	{ "", 64, -1, NULL },
	{ NULL, 64, -1, NULL },
};

START_TEST(test_addr_spec)
{
	const struct spec_case *c = &spec_cases[_i];
	char out[64];

	memset(out, 'z', sizeof(out));
	ck_assert_int_eq(mail_addr_spec(c->from, out, c->outlen), c->rc);
	if (c->rc == 0)
		ck_assert_str_eq(out, c->want);
}
END_TEST

/* ---- the SMTP dialogue ---- */

#define CMD(s)		{ MAIL_SMTP_CMD, s }
#define BODY(s)		{ MAIL_SMTP_BODY, s }
#define REPLY(s)	{ MAIL_SMTP_REPLY, s }

struct feed {
	enum mail_smtp_dir	 dir;
	const char		*data;
};

struct smtp_case {
	const char		*name;
	struct feed		 feed[16];	/* up to a NULL data */
	bool			 ok;
	const char		*curl_err;
	enum mail_outcome	 want;
	const char		*want_error;	/* NULL: not checked (sent) */
};

#define HELLO	REPLY("220 sink ESMTP\r\n"), CMD("EHLO host\r\n"), \
		REPLY("250-sink\r\n"), REPLY("250 HELP\r\n")
#define ENVELOPE HELLO, CMD("MAIL FROM:<a@b.fr>\r\n"), REPLY("250 OK\r\n"), \
		CMD("RCPT TO:<c@d.fr>\r\n")

static const struct smtp_case smtp_cases[] = {
	{ "sent", { ENVELOPE, REPLY("250 OK\r\n"), CMD("DATA\r\n"),
	    REPLY("354 go\r\n"), BODY("Date: x\r\n"), REPLY("250 queued\r\n"),
	    CMD("QUIT\r\n"), REPLY("221 bye\r\n") }, true, NULL, MAIL_SENT,
	    NULL },
	{ "RCPT 550", { ENVELOPE, REPLY("550 5.1.1 No such user\r\n"),
	    CMD("QUIT\r\n"), REPLY("221 bye\r\n") }, false, "RCPT failed: 550",
	    MAIL_DEAD, "SMTP RCPT TO: 550 5.1.1 No such user" },
	{ "RCPT 553 multiline", { ENVELOPE,
	    REPLY("553-5.1.3 bad\r\n553 5.1.3 address\r\n") }, false, "x",
	    MAIL_DEAD, "SMTP RCPT TO: 553 5.1.3 address" },
	{ "RCPT 450", { ENVELOPE, REPLY("450 4.2.0 Mailbox busy\r\n"),
	    CMD("QUIT\r\n"), REPLY("221 bye\r\n") }, false, "x", MAIL_RETRY,
	    "SMTP RCPT TO: 450 4.2.0 Mailbox busy" },
	{ "RCPT lowercase", { HELLO, CMD("rcpt to:<c@d.fr>\r\n"),
	    REPLY("550 no\r\n") }, false, "x", MAIL_DEAD, "SMTP RCPT TO: 550 no" },
	{ "message refused", { ENVELOPE, REPLY("250 OK\r\n"), CMD("DATA\r\n"),
	    REPLY("354 go\r\n"), BODY("Date: x\r\n"),
	    REPLY("554 5.7.1 Rejected\r\n") }, false, "x", MAIL_DEAD,
	    "SMTP end of data: 554 5.7.1 Rejected" },
	{ "message deferred", { ENVELOPE, REPLY("250 OK\r\n"), CMD("DATA\r\n"),
	    REPLY("354 go\r\n"), BODY("Date: x\r\n"),
	    REPLY("451 4.3.0 Try later\r\n") }, false, "x", MAIL_RETRY,
	    "SMTP end of data: 451 4.3.0 Try later" },
	{ "DATA 554", { ENVELOPE, REPLY("250 OK\r\n"), CMD("DATA\r\n"),
	    REPLY("554 no valid recipients\r\n") }, false, "x", MAIL_RETRY,
	    "SMTP DATA: 554 no valid recipients" },
	{ "MAIL FROM 550", { HELLO, CMD("MAIL FROM:<a@b.fr>\r\n"),
	    REPLY("550 sender refused\r\n") }, false, "x", MAIL_RETRY,
	    "SMTP MAIL FROM: 550 sender refused" },
	{ "AUTH 535, secret unread", { HELLO,
	    CMD("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"),
	    REPLY("535 5.7.8 Authentication failed\r\n") }, false,
	    "Login denied", MAIL_RETRY,
	    "SMTP AUTH: 535 5.7.8 Authentication failed" },
	{ "STARTTLS 454", { HELLO, CMD("STARTTLS\r\n"),
	    REPLY("454 TLS not available\r\n") }, false, "x", MAIL_RETRY,
	    "SMTP STARTTLS: 454 TLS not available" },
	{ "greeting 554", { REPLY("554 go away\r\n") }, false, "x",
	    MAIL_RETRY, "SMTP greeting: 554 go away" },
	{ "connection refused", { { MAIL_SMTP_CMD, NULL } }, false,
	    "Failed to connect to 127.0.0.1 port 2525", MAIL_RETRY,
	    "SMTP: Failed to connect to 127.0.0.1 port 2525" },
	{ "no error text", { { MAIL_SMTP_CMD, NULL } }, false, NULL,
	    MAIL_RETRY, "SMTP: unknown error" },
	{ "timeout after RCPT OK", { ENVELOPE, REPLY("250 OK\r\n") }, false,
	    "Operation timed out", MAIL_RETRY, "SMTP: Operation timed out" },
	{ "5xx answered later by 221", { ENVELOPE, REPLY("550 gone\r\n"),
	    CMD("QUIT\r\n"), REPLY("221 bye\r\n") }, false, "x", MAIL_DEAD,
	    "SMTP RCPT TO: 550 gone" },
	{ "garbage replies ignored", { ENVELOPE, REPLY("hello\r\n"),
	    REPLY("55\r\n"), REPLY("5500 x\r\n"), REPLY("650 x\r\n"),
	    REPLY("\r\n"), REPLY("") }, false, "x", MAIL_RETRY, "SMTP: x" },
	{ "reply cleaned", { ENVELOPE, REPLY("550 bad\x01\xff user\r\n") },
	    false, "x", MAIL_DEAD, "SMTP RCPT TO: 550 bad ? user" },
	{ "bare 550", { ENVELOPE, REPLY("550") }, false, "x", MAIL_DEAD,
	    "SMTP RCPT TO: 550" },
	{ "ok despite earlier 4xx", { ENVELOPE, REPLY("250 OK\r\n"),
	    CMD("DATA\r\n"), REPLY("354 go\r\n"), BODY("x"),
	    REPLY("250 OK\r\n"), CMD("QUIT\r\n"), REPLY("421 closing\r\n") },
	    true, NULL, MAIL_SENT, NULL },
};

START_TEST(test_smtp)
{
	const struct smtp_case *c = &smtp_cases[_i];
	char err[MAIL_ERROR_MAX + 1];
	struct mail_smtp s;
	size_t i;

	mail_smtp_init(&s);
	for (i = 0; i < NELEM(c->feed) && c->feed[i].data != NULL; i++)
		mail_smtp_feed(&s, c->feed[i].dir, c->feed[i].data,
		    strlen(c->feed[i].data));
	ck_assert_msg(mail_smtp_outcome(&s, c->ok) == c->want, "%s: outcome %d",
	    c->name, (int)mail_smtp_outcome(&s, c->ok));
	if (c->want_error == NULL)
		return;
	mail_smtp_error(&s, c->curl_err, err, sizeof(err));
	ck_assert_str_eq(err, c->want_error);
	/* Credentials are never kept. */
	ck_assert_ptr_null(strstr(s.text, "AGFsaWNl"));
	ck_assert_ptr_null(strstr(s.verb, "AGFsaWNl"));
}
END_TEST

/* The tracker reads no further than the length it is given. */
START_TEST(test_smtp_bounds)
{
	struct mail_smtp s;
	char err[16];

	mail_smtp_init(&s);
	mail_smtp_feed(&s, MAIL_SMTP_CMD, "RCPTX", 4);
	mail_smtp_feed(&s, MAIL_SMTP_REPLY, "550 no such user", 3);
	ck_assert(mail_smtp_outcome(&s, false) == MAIL_DEAD);
	ck_assert_str_eq(s.text, "550");
	mail_smtp_feed(&s, MAIL_SMTP_CMD, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26);
	ck_assert_uint_eq(strlen(s.verb), sizeof(s.verb) - 1);
	mail_smtp_feed(&s, MAIL_SMTP_CMD, "", 0);
	ck_assert_str_eq(s.verb, "");
	mail_smtp_feed(&s, MAIL_SMTP_BODY, "", 0);
	/* A small output is cut, still terminated. */
	mail_smtp_error(&s, NULL, err, sizeof(err));
	ck_assert_str_eq(err, "SMTP RCPT TO: 5");
}
END_TEST

/* ---- HTTP outcomes, delays, error texts ---- */

struct http_case {
	long			 status;
	enum mail_outcome	 want;
};

static const struct http_case http_cases[] = {
	{ 200, MAIL_SENT }, { 201, MAIL_SENT }, { 204, MAIL_SENT },
	{ 299, MAIL_SENT }, { 0, MAIL_RETRY }, { -1, MAIL_RETRY },
	{ 100, MAIL_RETRY }, { 199, MAIL_RETRY }, { 300, MAIL_RETRY },
	{ 302, MAIL_RETRY }, { 400, MAIL_DEAD }, { 401, MAIL_DEAD },
	{ 403, MAIL_DEAD }, { 404, MAIL_DEAD }, { 422, MAIL_DEAD },
	{ 499, MAIL_DEAD }, { 408, MAIL_RETRY }, { 429, MAIL_RETRY },
	{ 500, MAIL_RETRY }, { 502, MAIL_RETRY }, { 503, MAIL_RETRY },
	{ 599, MAIL_RETRY }, { 600, MAIL_RETRY }, { LONG_MAX, MAIL_RETRY },
};

START_TEST(test_http)
{
	ck_assert_msg(mail_http_outcome(http_cases[_i].status) ==
	    http_cases[_i].want, "HTTP %ld", http_cases[_i].status);
}
END_TEST

struct backoff_case {
	unsigned	 failed;
	long		 want;
};

static const struct backoff_case backoff_cases[] = {
	{ 0, 60 }, { 1, 60 }, { 2, 300 }, { 3, 900 }, { 4, 3600 },
	{ 5, 14400 }, { 6, 14400 }, { 7, 14400 }, { 100, 14400 },
	{ UINT_MAX, 14400 },
};

START_TEST(test_backoff)
{
	ck_assert_int_eq(mail_backoff(backoff_cases[_i].failed),
	    backoff_cases[_i].want);
}
END_TEST

static char err_long[1500], err_long_want[1001];
static char err_accents[1500], err_accents_want[1001];

struct errtext_case {
	const char	*in;
	size_t		 outlen;
	const char	*want;
};

static const struct errtext_case errtext_cases[] = {
	{ "abc", 10, "abc" },
	{ "abc", 3, "ab" },
	{ "abc", 1, "" },
	{ "a\r\nb\tc", 10, "a  b c" },
	{ "é", 3, "é" },
	{ "é", 2, "" },
	{ "aé", 3, "a" },
	{ "a€", 4, "a" },
	{ "a€", 5, "a€" },
	{ "\xff", 10, "?" },
	{ "caf\xc3(", 10, "caf?(" },
	{ "\xed\xa0\x80", 10, "???" },
	{ "\x7f", 10, " " },
	{ NULL, 10, "" },
	{ "", 10, "" },
	{ err_long, MAIL_ERROR_MAX + 1, err_long_want },
	{ err_accents, MAIL_ERROR_MAX + 1, err_accents_want },
};

START_TEST(test_error_text)
{
	const struct errtext_case *c = &errtext_cases[_i];
	char out[MAIL_ERROR_MAX + 1];

	memset(out, 'z', sizeof(out));
	mail_error_text(out, c->outlen, c->in);
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_lt(strlen(out), c->outlen);
}
END_TEST

/* ---- inputs too long to write out ---- */

/* Appends src to dst (cap bytes), aborting rather than overflowing. */
static void
cat(char *dst, size_t cap, const char *src)
{
	size_t d = strlen(dst), n = strlen(src);

	if (d + n >= cap)
		abort();
	memcpy(dst + d, src, n + 1);
}

/* Fills dst with whole copies of unit, at most n bytes. */
static void
fill(char *dst, size_t n, const char *unit)
{
	size_t u = strlen(unit), i;

	for (i = 0; i + u <= n; i += u)
		memcpy(dst + i, unit, u);
	dst[i] = '\0';
}

static void
build_inputs(void)
{
	fill(long_line, 200, "abcdefghij");
	fill(line76, 76, "ab");
	fill(line77, 77, "a");
	line77[75] = 'a';
	line77[76] = 'b';
	/* 73 letters then "=": the escape must not straddle the break. */
	fill(qp_line, 73, "x");
	cat(qp_line, sizeof(qp_line), "=y=z=étail");
	fill(subj_words, 190, "mot ");
	subj_words[strlen(subj_words) - 1] = 'x';	/* no trailing space */
	fill(subj_solid, 100, "x");
	fill(subj_accents, 390, "éàç ");
	subj_accents[strlen(subj_accents) - 1] = 'e';
	fill(subj_emoji, 19, "a");
	cat(subj_emoji, sizeof(subj_emoji), "😀😀😀😀😀"
	    "😀😀😀😀😀😀😀😀"
	    "😀😀😀😀😀😀😀");
	fill(big_body, sizeof(big_body) - 1, "Ligne accentuée é=è, avec des "
	    "espaces   \n.point\r\n\r                                        "
	    "                                                  fin\t\n");
	fill(long_name_from, 200, "Nom ");
	cat(long_name_from, sizeof(long_name_from), "<no-reply@parvis.localhost>");

	/* 64 + '@' + three labels of 61 and dots + 3: 254 bytes. */
	fill(addr_254, 64, "l");
	cat(addr_254, sizeof(addr_254), "@");
	fill(addr_254 + 65, 186, "ddddddddddddddddddddddddddddddddddddddddddddddd"
	    "dddddddddddddd.");
	cat(addr_254, sizeof(addr_254), "ddd");
	if (strlen(addr_254) != 254)
		abort();
	fill(addr_255, 0, "x");
	cat(addr_255, sizeof(addr_255), addr_254);
	cat(addr_255, sizeof(addr_255), "d");
	fill(local_64, 64, "l");
	cat(local_64, sizeof(local_64), "@example.fr");
	fill(local_65, 65, "l");
	cat(local_65, sizeof(local_65), "@example.fr");

	fill(err_long, 1499, "x");
	fill(err_long_want, 1000, "x");
	/* "x" and 499 é take 999 bytes: a 500th é would need 1001. */
	fill(err_accents, 0, "x");
	cat(err_accents, sizeof(err_accents), "x");
	fill(err_accents + 1, 1498, "é");
	fill(err_accents_want, 0, "x");
	cat(err_accents_want, sizeof(err_accents_want), "x");
	fill(err_accents_want + 1, 998, "é");
}

#define ADD_LOOP(tc, fn, table)						\
	tcase_add_loop_test(tc, fn, 0, (int)NELEM(table))

static Suite *
mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("core");

	ADD_LOOP(tc, test_build, build_cases);
	tcase_add_test(tc, test_build_exact);
	tcase_add_test(tc, test_build_soft_break);
	ADD_LOOP(tc, test_refuse, refuse_cases);
	tcase_add_test(tc, test_build_null_out);
	tcase_add_test(tc, test_build_last_second);
	ADD_LOOP(tc, test_addr_valid, addr_cases);
	ADD_LOOP(tc, test_addr_spec, spec_cases);
	ADD_LOOP(tc, test_smtp, smtp_cases);
	tcase_add_test(tc, test_smtp_bounds);
	ADD_LOOP(tc, test_http, http_cases);
	ADD_LOOP(tc, test_backoff, backoff_cases);
	ADD_LOOP(tc, test_error_text, errtext_cases);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	build_inputs();
	sr = srunner_create(mail_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
