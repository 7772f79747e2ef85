#include "annuaire_fold.h"

#include <stdbool.h>

/* U+00C0..U+00FF, upper case ASCII ("" for × and ÷). */
static const char *const latin1[64] = {
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E",
	"I", "I", "I", "I", "D", "N", "O", "O", "O", "O", "O", "",
	"O", "U", "U", "U", "U", "Y", "TH", "SS",
	"A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E",
	"I", "I", "I", "I", "D", "N", "O", "O", "O", "O", "O", "",
	"O", "U", "U", "U", "U", "Y", "TH", "Y",
};

/* U+0100..U+017F (Latin Extended-A), in pairs upper/lower mostly. */
static const char *const latin_ext_a[128] = {
	"A", "A", "A", "A", "A", "A", "C", "C", "C", "C", "C", "C", "C", "C",
	"D", "D", "D", "D", "E", "E", "E", "E", "E", "E", "E", "E", "E", "E",
	"G", "G", "G", "G", "G", "G", "G", "G", "H", "H", "H", "H", "I", "I",
	"I", "I", "I", "I", "I", "I", "I", "I", "IJ", "IJ", "J", "J", "K", "K",
	"K", "L", "L", "L", "L", "L", "L", "L", "L", "L", "L", "N", "N", "N",
	"N", "N", "N", "N", "N", "N", "O", "O", "O", "O", "O", "O", "OE", "OE",
	"R", "R", "R", "R", "R", "R", "S", "S", "S", "S", "S", "S", "S", "S",
	"T", "T", "T", "T", "T", "T", "U", "U", "U", "U", "U", "U", "U", "U",
	"U", "U", "U", "U", "W", "W", "Y", "Y", "Y", "Z", "Z", "Z", "Z", "Z",
	"Z", "S",
};

/* Decodes one UTF-8 sequence at s; returns its length (0 at the end or on
 * a malformed byte, which is then skipped as one byte). */
static size_t
decode(const unsigned char *s, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*cp = ((unsigned long)(s[0] & 0x0F) << 12) |
		    ((unsigned long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	    (s[3] & 0xC0) == 0x80) {
		*cp = 0xFFFD;
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

size_t
annuaire_fold(const char *in, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)in;
	const char *t;
	char one[2] = { 0, 0 };
	size_t o = 0, n, k;
	unsigned long cp;
	bool space = false;

	if (outsz == 0)
		return 0;
	while (*p != '\0') {
		n = decode(p, &cp);
		p += n;
		t = NULL;
		if (cp == ' ' || cp == '-' || cp == '\t' || cp == 0xA0 ||
		    cp == 0x2010 || cp == 0x2011 || cp == 0x2013) {
			space = o > 0;
			continue;
		}
		if (cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018 ||
		    cp == 0x60 || cp == 0xB4)
			continue;
		if ((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
		    (cp > ' ' && cp < 0x7F && !(cp >= 'a' && cp <= 'z'))) {
			one[0] = (char)cp;
			t = one;
		} else if (cp >= 'a' && cp <= 'z') {
			one[0] = (char)(cp - 'a' + 'A');
			t = one;
		} else if (cp >= 0xC0 && cp <= 0xFF)
			t = latin1[cp - 0xC0];
		else if (cp >= 0x100 && cp <= 0x17F)
			t = latin_ext_a[cp - 0x100];
		if (t == NULL || *t == '\0')
			continue;
		for (k = 0; t[k] != '\0'; k++)
			;
		if (o + (space ? 1 : 0) + k + 1 > outsz)
			break;
		if (space)
			out[o++] = ' ';
		space = false;
		for (k = 0; t[k] != '\0'; k++)
			out[o++] = t[k];
	}
	out[o] = '\0';
	return o;
}
