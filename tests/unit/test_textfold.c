/*
 * Unit tests for fcgi/lib/textfold.c: each folding flag alone and combined,
 * valid and invalid input side by side, the bounds of the output buffer,
 * the UTF-8 decoder, and the secret answer's normalisation.
 *
 * Stored secret-answer hashes were made with the normalisation
 * fcgi/portal/settings.c had before textfold.c existed: a frozen copy of it
 * (legacy_answer_normalise below, renamed, otherwise as it was) is the
 * oracle secret_answer_normalise must match byte for byte, on every code
 * point and on pseudo-random strings.  Never edit the copy: a difference
 * means the new code would make stored answers unusable.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textfold.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define L	TEXTFOLD_LOWER
#define S	TEXTFOLD_STRIP_ACCENTS
#define W	TEXTFOLD_SPACES
#define A	TEXTFOLD_APOSTROPHE
#define C	TEXTFOLD_COMBINING
#define M	TEXTFOLD_MICRO
#define ALL	(L | S | W | A | C | M)

static const struct {
	unsigned	 flags;
	const char	*in;
	const char	*out;	/* NULL: refused */
	size_t		 chars;
} folds[] = {
	/* no flag: a copy of valid text */
	{ 0, "Été à Paris", "Été à Paris", 11 },
	{ 0, "  l’Œuvre\u00a0", "  l’Œuvre\u00a0", 10 },
	{ 0, "", "", 0 },
	/* lower case, accents kept */
	{ L, "ÉTÉ À PARIS", "été à paris", 11 },
	{ L, "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ",
	    "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ", 30 },
	{ L, "×÷ß", "×÷ß", 3 },			/* not capitals */
	{ L, "ĀĂĄĆČĎĐĒĚĞĦĨİĲĴĶĹĻĽĿŁŃŇŊŌŐŒŔŘŚŠŢŤŦŨŮŰŲŴŶŸŹŻŽ",
	    "āăąćčďđēěğħĩiĳĵķĺļľŀłńňŋōőœŕřśšţťŧũůűųŵŷÿźżž", 44 },
	{ L, "ıĸŉſ", "ıĸŉſ", 4 },		/* small letters without a pair */
	{ L, "ΑΒΓ МОСКВА", "ΑΒΓ МОСКВА", 10 },	/* other scripts kept */
	/* accents stripped, case kept */
	{ S, "Été", "Ete", 3 },
	{ S, "ŒUVRE œuvre Æsir", "OEUVRE oeuvre AEsir", 19 },
	{ S, "Straße", "Strasse", 7 },
	{ S, "Þór ĲSSEL", "THor IJSSEL", 11 },
	{ S, "Łódź Ñandú Çà", "Lodz Nandu Ca", 13 },
	{ S, "ª º µ × ÷", "a o µ × ÷", 9 },	/* µ is not an accented letter */
	{ S, "e\u0301", "e\u0301", 2 },		/* decomposed: the accent stays */
	/* both: plain lower-case ASCII */
	{ L | S, "Œdipe", "oedipe", 6 },
	{ L | S, "ÇA VA, ÉLOÏSE ?", "ca va, eloise ?", 15 },
	{ L | S, "İstanbul ĸ ŉ ſ", "istanbul k n s", 14 },
	{ L | S, "ÿ Ÿ", "y y", 3 },
	/* combining accents and the micro sign */
	{ C, "e\u0301le\u0300ve", "eleve", 5 },
	{ L | S | C, "E\u0301le\u0301onore", "eleonore", 8 },
	{ C, "\u036f\u0300x\u0370", "x\u0370", 2 },	/* U+0370 is no accent */
	{ M, "5 µg", "5 mg", 4 },
	{ L | S | M, "µÉ", "me", 2 },
	/* blanks */
	{ W, "  a \t b\u00a0\u202f c  ", "a b c", 5 },
	{ W, "   \t\u00a0", "", 0 },
	{ W, "a\u2009b", "a\u2009b", 3 },	/* a thin space is not a blank */
	{ W, "\nx\r", "\nx\r", 3 },		/* nor are line ends */
	{ W | C, "a \u0301 b", "a b", 3 },
	/* the apostrophe */
	{ A, "l’école", "l'école", 7 },
	{ A, "‘quoted’", "‘quoted'", 8 },	/* U+2018 is kept */
	{ L | S | A, "L’ÉCOLE", "l'ecole", 7 },
	/* everything at once */
	{ ALL, "  Saint-ÉTIENNE   du  Rouvray ", "saint-etienne du rouvray",
	    24 },
	{ ALL, "🐈 Москва 東京", "🐈 Москва 東京", 11 },
	/* invalid UTF-8 is refused, whatever the flags */
	{ 0, "a\xff", NULL, 0 },
	{ ALL, "\xc3\x28", NULL, 0 },
	{ L, "\xe0\x80\xaf", NULL, 0 },		/* overlong */
	{ S, "\xc0\xaf", NULL, 0 },		/* overlong */
	{ W, "\xed\xa0\x80", NULL, 0 },		/* surrogate */
	{ A, "\xf4\x90\x80\x80", NULL, 0 },	/* above U+10FFFF */
	{ C, "\xc3", NULL, 0 },			/* truncated */
	{ M, "\x80", NULL, 0 },			/* stray continuation */
	{ ALL, "   \xf8\x88\x80\x80\x80", NULL, 0 },
};

START_TEST(test_textfold)
{
	char out[256];
	size_t n = textfold(folds[_i].in, out, sizeof(out), folds[_i].flags);

	if (folds[_i].out == NULL) {
		ck_assert_uint_eq(n, TEXTFOLD_ERROR);
		ck_assert_str_eq(out, "");
		return;
	}
	ck_assert_str_eq(out, folds[_i].out);
	ck_assert_uint_eq(n, folds[_i].chars);
}
END_TEST

START_TEST(test_textfold_bounds)
{
	char out[8];

	/* A result that does not fit is refused, never cut. */
	ck_assert_uint_eq(textfold("abc", out, 4, 0), 3);
	ck_assert_str_eq(out, "abc");
	ck_assert_uint_eq(textfold("abcd", out, 4, 0), TEXTFOLD_ERROR);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(textfold("", out, 1, ALL), 0);
	ck_assert_uint_eq(textfold("a", out, 0, 0), TEXTFOLD_ERROR);
	ck_assert_uint_eq(textfold("Œ", out, 2, S), TEXTFOLD_ERROR);
	ck_assert_uint_eq(textfold("Œ", out, 3, S), 2);
	ck_assert_str_eq(out, "OE");
	/* The space between words takes room too; the blanks dropped none. */
	ck_assert_uint_eq(textfold("a   b", out, 3, W), TEXTFOLD_ERROR);
	ck_assert_uint_eq(textfold("a   b   ", out, 4, W), 3);
	ck_assert_str_eq(out, "a b");
}
END_TEST

/* xorshift64: the same pseudo-random strings on every run. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static size_t
put_cp(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* A string of up to 47 characters, weighted towards what the folds touch:
 * letters, blanks, apostrophes, combining accents, Latin-1, Latin
 * Extended-A, and now and then an invalid sequence. */
static void
random_text(char *s)
{
	static const uint32_t blanks[] = { ' ', '\t', 0xa0, 0x202f, 0x2019,
	    '\'', 0x2018, 0x2009 };
	static const char *const invalid[] = { "\xff", "\xc3", "\xed\xa0\x80",
	    "\xe0\x80\xaf", "\xf4\x90\x80\x80", "\x80", "\xc0\xaf" };
	size_t n = rng() % 48, o = 0, i;
	uint32_t k, c;

	for (i = 0; i < n; i++) {
		k = rng() % 100;
		if (k < 25)
			c = 'A' + rng() % 58;
		else if (k < 35)
			c = blanks[rng() % NELEM(blanks)];
		else if (k < 45)
			c = 0x300 + rng() % 0x70;
		else if (k < 60)
			c = 0x80 + rng() % 0x80;
		else if (k < 80)
			c = 0x100 + rng() % 0x80;
		else if (k < 85)
			c = 1 + rng() % 0x7f;
		else if (k < 92) {
			do
				c = 1 + rng() % 0xffff;
			while (c >= 0xd800 && c <= 0xdfff);
		} else if (k < 97)
			c = 0x10000 + rng() % 0x100000;
		else {
			const char *b = invalid[rng() % NELEM(invalid)];

			memcpy(s + o, b, strlen(b));
			o += strlen(b);
			continue;
		}
		o += put_cp(s + o, c);
	}
	s[o] = '\0';
}

/* What every flag promises: never longer in bytes than the input. */
START_TEST(test_textfold_never_longer)
{
	char in[256], out[256];
	size_t n, i;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < 20000; i++) {
		random_text(in);
		n = strlen(in);
		if (textfold(in, out, n + 1, (unsigned)i & ALL) !=
		    TEXTFOLD_ERROR)
			ck_assert_uint_le(strlen(out), n);
		else
			ck_assert_uint_eq(textfold(in, out, sizeof(out),
			    (unsigned)i & ALL), TEXTFOLD_ERROR);
	}
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;	/* NULL: refused (-1) */
	long		 chars;
} answers[] = {
	{ "Lyon", "lyon", 4 },
	{ "  Saint-ÉTIENNE   du  Rouvray ", "saint-etienne du rouvray", 24 },
	{ "\tÀ\u00a0bientôt\u202f", "a bientot", 9 },
	{ "Œdipe", "oedipe", 6 },
	{ "Straße", "strasse", 7 },
	{ "Ærø", "aero", 4 },
	{ "ÇA VA", "ca va", 5 },
	{ "l’école", "l'ecole", 7 },
	{ "Łódź", "lodz", 4 },
	{ "ÿ Ÿ", "y y", 3 },
	{ "ª º", "a o", 3 },
	{ "µ", "µ", 1 },			/* kept: not in the rule */
	{ "E\u0301cole", "e\u0301cole", 6 },	/* decomposed: kept */
	{ "Москва", "Москва", 6 },		/* kept as it is */
	{ "東京", "東京", 2 },
	{ "🐈 chat", "🐈 chat", 6 },
	{ "a\u2009b", "a\u2009b", 3 },		/* a thin space is no blank */
	{ "   ", "", 0 },
	{ "", "", 0 },
	{ "a\xff", NULL, -1 },			/* invalid UTF-8 */
	{ "\xc3\x28", NULL, -1 },
	{ "\xe0\x80\xaf", NULL, -1 },		/* overlong */
	{ "\xed\xa0\x80", NULL, -1 },		/* surrogate */
	{ "\xf4\x90\x80\x80", NULL, -1 },	/* above U+10FFFF */
	{ "\xc3", NULL, -1 },			/* truncated */
};

START_TEST(test_secret_answer)
{
	char out[401];
	long n = secret_answer_normalise(answers[_i].in, out, sizeof(out));

	if (answers[_i].out == NULL) {
		ck_assert_int_eq(n, -1);
		return;
	}
	ck_assert_int_eq(n, answers[_i].chars);
	ck_assert_str_eq(out, answers[_i].out);
}
END_TEST

START_TEST(test_secret_answer_bounds)
{
	char big[100 * 4 + 1], out[100 * 4 + 1], tiny[4];
	size_t i;

	/* The longest answer settings.c accepts, in 4-byte characters, fits. */
	for (i = 0; i < 100; i++)
		memcpy(big + 4 * i, "\xf0\x9f\x90\x88", 4);
	big[4 * 100] = '\0';
	ck_assert_int_eq(secret_answer_normalise(big, out, sizeof(out)), 100);
	ck_assert_str_eq(out, big);
	/* A result that does not fit is refused, never cut. */
	ck_assert_int_eq(secret_answer_normalise("abcd", tiny, sizeof(tiny)),
	    -1);
	ck_assert_int_eq(secret_answer_normalise("abc", tiny, sizeof(tiny)),
	    3);
	ck_assert_int_eq(secret_answer_normalise("Œ", tiny, 2), -1);
	ck_assert_int_eq(secret_answer_normalise("a", tiny, 0), -1);
}
END_TEST

/* ---- the oracle: settings.c's answer_normalise as stored hashes know it
 * (frozen copy; do not edit) ---- */

/* Decodes one code point of valid UTF-8 at s into *cp; returns its length
 * in bytes, or 0 for an invalid sequence. */
static size_t
legacy_utf8_next(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return *cp >= 0x80 ? 2 : 0;
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return *cp >= 0x800 && (*cp < 0xd800 || *cp > 0xdfff) ? 3 : 0;
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((uint32_t)(s[0] & 0x07) << 18) |
		    ((uint32_t)(s[1] & 0x3f) << 12) |
		    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
		return *cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0;
	}
	return 0;
}

/* What letters of U+00AA..U+017F fold to: lower-case ASCII without the
 * accent (œ gives "oe", ß "ss").  Code points not listed are kept. */
static const struct {
	uint16_t	 lo, hi;
	const char	*ascii;
} legacy_answer_folds[] = {
	{ 0x00aa, 0x00aa, "a" }, { 0x00ba, 0x00ba, "o" },
	{ 0x00c0, 0x00c5, "a" }, { 0x00c6, 0x00c6, "ae" },
	{ 0x00c7, 0x00c7, "c" }, { 0x00c8, 0x00cb, "e" },
	{ 0x00cc, 0x00cf, "i" }, { 0x00d0, 0x00d0, "d" },
	{ 0x00d1, 0x00d1, "n" }, { 0x00d2, 0x00d6, "o" },
	{ 0x00d8, 0x00d8, "o" }, { 0x00d9, 0x00dc, "u" },
	{ 0x00dd, 0x00dd, "y" }, { 0x00de, 0x00de, "th" },
	{ 0x00df, 0x00df, "ss" },
	{ 0x00e0, 0x00e5, "a" }, { 0x00e6, 0x00e6, "ae" },
	{ 0x00e7, 0x00e7, "c" }, { 0x00e8, 0x00eb, "e" },
	{ 0x00ec, 0x00ef, "i" }, { 0x00f0, 0x00f0, "d" },
	{ 0x00f1, 0x00f1, "n" }, { 0x00f2, 0x00f6, "o" },
	{ 0x00f8, 0x00f8, "o" }, { 0x00f9, 0x00fc, "u" },
	{ 0x00fd, 0x00fd, "y" }, { 0x00fe, 0x00fe, "th" },
	{ 0x00ff, 0x00ff, "y" },
	{ 0x0100, 0x0105, "a" }, { 0x0106, 0x010d, "c" },
	{ 0x010e, 0x0111, "d" }, { 0x0112, 0x011b, "e" },
	{ 0x011c, 0x0123, "g" }, { 0x0124, 0x0127, "h" },
	{ 0x0128, 0x0131, "i" }, { 0x0132, 0x0133, "ij" },
	{ 0x0134, 0x0135, "j" }, { 0x0136, 0x0138, "k" },
	{ 0x0139, 0x0142, "l" }, { 0x0143, 0x014b, "n" },
	{ 0x014c, 0x0151, "o" }, { 0x0152, 0x0153, "oe" },
	{ 0x0154, 0x0159, "r" }, { 0x015a, 0x0161, "s" },
	{ 0x0162, 0x0167, "t" }, { 0x0168, 0x0173, "u" },
	{ 0x0174, 0x0175, "w" }, { 0x0176, 0x0178, "y" },
	{ 0x0179, 0x017e, "z" }, { 0x017f, 0x017f, "s" },
};

/*
 * The secret answer as it is hashed and compared, so that "Saint-Étienne"
 * and "  saint-etienne " match:
 *   1. tab, space, no-break spaces (U+00A0, U+202F) are blanks: blanks at
 *      both ends are dropped, a run of blanks inside becomes one space;
 *   2. A-Z become a-z;
 *   3. letters of Latin-1 and Latin Extended-A lose their accent and case
 *      (é, É -> e; ç -> c; œ -> oe; ß -> ss; see legacy_answer_folds);
 *   4. the typographic apostrophe (U+2019) becomes "'";
 *   5. every other character is kept as it is.
 * Writes the result into out (outlen >= ANSWER_BYTES for an answer of at
 * most ANSWER_MAX code points) and returns its length in code points, or
 * -1 when s is not valid UTF-8 or the result does not fit.
 */
static long
legacy_answer_normalise(const char *s, char *out, size_t outlen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, len, i;
	bool blank = false;
	long chars = 0;
	uint32_t cp;

	if (outlen == 0)
		return -1;
	while (*p != '\0') {
		char one[5];
		const char *add = one;
		size_t addlen;

		if ((len = legacy_utf8_next(p, &cp)) == 0)
			return -1;
		if (cp == '\t' || cp == ' ' || cp == 0xa0 || cp == 0x202f) {
			blank = o > 0;
			p += len;
			continue;
		}
		if (cp >= 'A' && cp <= 'Z') {
			one[0] = (char)(cp - 'A' + 'a');
			addlen = 1;
		} else if (cp == 0x2019) {
			one[0] = '\'';
			addlen = 1;
		} else {
			memcpy(one, p, len);
			addlen = len;
			for (i = 0; i < sizeof(legacy_answer_folds) / sizeof(legacy_answer_folds[0]); i++)
				if (cp >= legacy_answer_folds[i].lo && cp <= legacy_answer_folds[i].hi) {
					add = legacy_answer_folds[i].ascii;
					addlen = strlen(add);
					break;
				}
		}
		if (o + (blank ? 1 : 0) + addlen >= outlen)
			return -1;
		if (blank) {
			out[o++] = ' ';
			chars++;
			blank = false;
		}
		memcpy(out + o, add, addlen);
		o += addlen;
		/* A fold of several letters counts as that many. */
		chars += add == one ? 1 : (long)addlen;
		p += len;
	}
	out[o] = '\0';
	return chars;
}

/* Both give the same result and the same count for s, with out buffers of
 * the first nsizes sizes below (the refusal of what does not fit must
 * match too). */
static void
same_as_legacy(const char *s, size_t nsizes)
{
	static const size_t sizes[] = { 401, 4, 0, 1, 2, 3, 5, 8, 13, 40 };
	char a[401], b[401];
	long na, nb;
	size_t k;

	for (k = 0; k < nsizes && k < NELEM(sizes); k++) {
		na = legacy_answer_normalise(s, a, sizes[k]);
		nb = secret_answer_normalise(s, b, sizes[k]);
		ck_assert_int_eq(na, nb);
		if (na >= 0)
			ck_assert_str_eq(a, b);
	}
}

START_TEST(test_secret_answer_every_code_point)
{
	char s[16];
	uint32_t c;
	size_t n;

	/* Each code point alone, then between blanks and letters; the
	 * supplementary planes by samples (nothing there folds). */
	for (c = 1; c <= 0x10ffff; c += c < 0x10000 ? 1 : 97) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = put_cp(s, c);
		s[n] = '\0';
		same_as_legacy(s, 2);
		n = 0;
		s[n++] = ' ';
		n += put_cp(s + n, c);
		s[n++] = 'X';
		n += put_cp(s + n, c);
		s[n++] = ' ';
		s[n] = '\0';
		same_as_legacy(s, 2);
	}
}
END_TEST

START_TEST(test_secret_answer_random)
{
	char s[256];
	size_t i;

	rng_state = 88172645463325252ull;
	for (i = 0; i < 100000; i++) {
		random_text(s);
		same_as_legacy(s, 10);
	}
}
END_TEST

/* utf8_next: one code point, valid and invalid side by side. */
static const struct {
	const char	*s;
	size_t		 n;
	size_t		 len;		/* 0: refused */
	uint32_t	 cp;
} decodes[] = {
	{ "a", 1, 1, 'a' },
	{ "", 1, 1, 0 },			/* a NUL is a code point */
	{ "\x7f", 1, 1, 0x7f },
	{ "\xc2\x80", 2, 2, 0x80 },
	{ "\xc3\xa9x", 3, 2, 0xe9 },		/* only the first is read */
	{ "\xdf\xbf", 2, 2, 0x7ff },
	{ "\xe0\xa0\x80", 3, 3, 0x800 },
	{ "\xe2\x80\x99", 3, 3, 0x2019 },
	{ "\xed\x9f\xbf", 3, 3, 0xd7ff },
	{ "\xee\x80\x80", 3, 3, 0xe000 },
	{ "\xef\xbf\xbf", 3, 3, 0xffff },
	{ "\xf0\x90\x80\x80", 4, 4, 0x10000 },
	{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
	/* refused */
	{ "a", 0, 0, 0 },			/* nothing to read */
	{ "\x80", 1, 0, 0 },			/* lone continuation */
	{ "\xbf", 1, 0, 0 },
	{ "\xc0\xaf", 2, 0, 0 },		/* overlong */
	{ "\xc1\xbf", 2, 0, 0 },
	{ "\xe0\x9f\xbf", 3, 0, 0 },
	{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },
	{ "\xed\xa0\x80", 3, 0, 0 },		/* surrogates */
	{ "\xed\xbf\xbf", 3, 0, 0 },
	{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* past U+10FFFF */
	{ "\xf5\x80\x80\x80", 4, 0, 0 },
	{ "\xff", 1, 0, 0 },
	{ "\xc3", 1, 0, 0 },			/* truncated */
	{ "\xc3\xa9", 1, 0, 0 },		/* cut by n */
	{ "\xe2\x80", 2, 0, 0 },
	{ "\xf0\x90\x80", 3, 0, 0 },
	{ "\xc3\x28", 2, 0, 0 },		/* bad continuation */
	{ "\xe2\x28\xa1", 3, 0, 0 },
	{ "\xf0\x90\x28\xbc", 4, 0, 0 },
};

START_TEST(test_utf8_next)
{
	uint32_t cp = 0xdeadbeef;
	size_t len;

	len = utf8_next((const unsigned char *)decodes[_i].s, decodes[_i].n,
	    &cp);
	ck_assert_msg(len == decodes[_i].len, "case %d: length %zu, expected "
	    "%zu", _i, len, decodes[_i].len);
	if (len > 0)
		ck_assert_msg(cp == decodes[_i].cp, "case %d: U+%04X, expected "
		    "U+%04X", _i, (unsigned)cp, (unsigned)decodes[_i].cp);
}
END_TEST

static Suite *
textfold_suite(void)
{
	Suite *s = suite_create("textfold");
	TCase *tc = tcase_create("textfold");
	TCase *ta = tcase_create("secret answer");

	tcase_add_loop_test(tc, test_textfold, 0, NELEM(folds));
	tcase_add_test(tc, test_textfold_bounds);
	tcase_add_test(tc, test_textfold_never_longer);
	tcase_add_loop_test(tc, test_utf8_next, 0, NELEM(decodes));
	suite_add_tcase(s, tc);
	tcase_set_timeout(ta, 120);
	tcase_add_loop_test(ta, test_secret_answer, 0, NELEM(answers));
	tcase_add_test(ta, test_secret_answer_bounds);
	tcase_add_test(ta, test_secret_answer_every_code_point);
	tcase_add_test(ta, test_secret_answer_random);
	suite_add_tcase(s, ta);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(textfold_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
