#include "textfold.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* What letters of U+00AA..U+017F fold to without their accent: lower-case
 * ASCII (upper-cased again for a capital when case is kept).  Code points
 * not listed (×, ÷, symbols, µ) have no such fold.  Sorted, for the binary
 * search. */
static const struct fold_range {
	uint16_t	 lo, hi;
	const char	*ascii;
} folds[] = {
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

size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Writes cp (below U+0800) as UTF-8 into out; returns its length. */
static size_t
utf8_encode2(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	out[0] = (char)(0xc0 | (cp >> 6));
	out[1] = (char)(0x80 | (cp & 0x3f));
	return 2;
}

/* True for the capitals of Latin-1 and Latin Extended-A.  In Extended-A,
 * capital and small letters alternate, the capital on even code points
 * except in the two runs that start on odd ones. */
static bool
latin_upper(uint32_t cp)
{
	if (cp >= 0xc0 && cp <= 0xde)
		return cp != 0xd7;
	if (cp < 0x100 || cp > 0x17f)
		return false;
	if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17f)
		return false;	/* ı ĸ ŉ ſ: small letters without a pair */
	if (cp == 0x178)
		return true;	/* Ÿ */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1) != 0;
	return (cp & 1) == 0;
}

/* The small letter of a capital latin_upper() accepts. */
static uint32_t
latin_lower(uint32_t cp)
{
	if (cp < 0x100)
		return cp + 0x20;
	if (cp == 0x130)
		return 'i';	/* İ: Unicode's simple lower case */
	if (cp == 0x178)
		return 0xff;	/* Ÿ -> ÿ */
	return cp + 1;
}

/* Returns the ASCII fold of a letter of U+00AA..U+017F, or NULL. */
static const char *
fold_find(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(folds) / sizeof(folds[0]), mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cp < folds[mid].lo)
			hi = mid;
		else if (cp > folds[mid].hi)
			lo = mid + 1;
		else
			return folds[mid].ascii;
	}
	return NULL;
}

static bool
is_blank(uint32_t cp)
{
	return cp == '\t' || cp == ' ' || cp == 0xa0 || cp == 0x202f;
}

size_t
textfold(const char *in, char *out, size_t outlen, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = strlen(in), i = 0, o = 0, len, addlen, addchars, k;
	size_t chars = 0;
	bool blank = false;
	char one[4];
	const char *add, *f;
	uint32_t cp;

	if (outlen == 0)
		return TEXTFOLD_ERROR;
	while (i < n) {
		if ((len = utf8_next(p + i, n - i, &cp)) == 0)
			goto fail;
		add = (const char *)p + i;	/* kept as it is, by default */
		addlen = len;
		addchars = 1;
		i += len;
		if ((flags & TEXTFOLD_SPACES) && is_blank(cp)) {
			blank = o > 0;
			continue;
		}
		if ((flags & TEXTFOLD_COMBINING) && cp >= 0x300 && cp <= 0x36f)
			continue;
		if (cp >= 'A' && cp <= 'Z' && (flags & TEXTFOLD_LOWER)) {
			one[0] = (char)(cp - 'A' + 'a');
			add = one;
			addlen = 1;
		} else if (cp == 0x2019 && (flags & TEXTFOLD_APOSTROPHE)) {
			add = "'";
			addlen = 1;
		} else if (cp == 0xb5 && (flags & TEXTFOLD_MICRO)) {
			add = "m";
			addlen = 1;
		} else if ((flags & TEXTFOLD_STRIP_ACCENTS) &&
		    (f = fold_find(cp)) != NULL) {
			add = f;
			addlen = addchars = strlen(add);
			if (!(flags & TEXTFOLD_LOWER) && latin_upper(cp)) {
				for (k = 0; k < addlen; k++)
					one[k] = (char)(add[k] - 'a' + 'A');
				add = one;
			}
		} else if ((flags & TEXTFOLD_LOWER) && latin_upper(cp)) {
			add = one;
			addlen = utf8_encode2(latin_lower(cp), one);
		}
		if (o + (blank ? 1 : 0) + addlen >= outlen)
			goto fail;
		if (blank) {
			out[o++] = ' ';
			chars++;
			blank = false;
		}
		memcpy(out + o, add, addlen);
		o += addlen;
		chars += addchars;
	}
	out[o] = '\0';
	return chars;
fail:
	out[0] = '\0';
	return TEXTFOLD_ERROR;
}

long
secret_answer_normalise(const char *s, char *out, size_t outlen)
{
	size_t n = textfold(s, out, outlen, TEXTFOLD_LOWER |
	    TEXTFOLD_STRIP_ACCENTS | TEXTFOLD_SPACES | TEXTFOLD_APOSTROPHE);

	return n == TEXTFOLD_ERROR ? -1 : (long)n;
}
