/* What the CPTS administration pages (fcgi/portal/admin_cpts.c), the
 * account page (admin_pages.c) and parvis-admin (fcgi/tools/admin.c) check
 * the same way: a territory typed as a list of postal codes or INSEE
 * commune codes, an RPPS/ADELI identifier as people type it, and a name as
 * the directory compares it.
 *
 * Header only (static functions) so that both programs share it without a
 * library change.  Pure: no I/O, no allocation, no global state. */
#ifndef PARVIS_ADMIN_CPTS_H
#define PARVIS_ADMIN_CPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "textfold.h"
#include "valid.h"

/* At most this many codes of each kind in one territory. */
#define CPTS_CODES_MAX		500
/* A CPTS's name: 2 to this many characters (cpts.name). */
#define CPTS_NAME_MAX		200
/* Bytes of the list of invalid entries kept for the message. */
#define CPTS_BAD_TEXT		200

/* A list of codes as typed, checked and without duplicates. */
struct cpts_codes {
	char	 code[CPTS_CODES_MAX][6];
	size_t	 n;
	size_t	 nbad;			/* entries that are not codes */
	char	 bad[CPTS_BAD_TEXT];	/* the first of them, ", "-separated */
	bool	 too_many;		/* more than CPTS_CODES_MAX */
};

/* Appends the token (len bytes) to the list of invalid entries, cut at a
 * UTF-8 boundary when long; the list ends with "…" when full. */
static inline void
cpts_codes_bad(struct cpts_codes *c, const char *tok, size_t len)
{
	size_t have = strlen(c->bad), room;

	c->nbad++;
	if (len > 20) {
		len = 20;
		while (len > 0 && ((unsigned char)tok[len] & 0xC0) == 0x80)
			len--;
	}
	room = sizeof(c->bad) - have;
	if (have >= 3 && strcmp(c->bad + have - 3, "\xe2\x80\xa6") == 0)
		return;
	if (len + 2 + 4 >= room) {
		if (room > 4)
			memcpy(c->bad + have, "\xe2\x80\xa6", 4);
		return;
	}
	if (have > 0) {
		memcpy(c->bad + have, ", ", 2);
		have += 2;
	}
	memcpy(c->bad + have, tok, len);
	c->bad[have + len] = '\0';
}

/* Reads s (valid UTF-8: the caller checked it), codes separated by
 * blanks, line ends, commas or semicolons, into *c: each checked with
 * valid_postal_code or (insee) valid_insee_commune, Corsican "2a"/"2b"
 * read as "2A"/"2B", duplicates dropped, order kept. */
static inline void
cpts_codes_parse(const char *s, bool insee, struct cpts_codes *c)
{
	const char *sep = " \t\r\n,;";
	char tok[6];
	size_t len, i, k;

	memset(c, 0, sizeof(*c));
	while (s != NULL && *s != '\0') {
		s += strspn(s, sep);
		if (*s == '\0')
			break;
		len = strcspn(s, sep);
		if (len != 5) {
			cpts_codes_bad(c, s, len);
			s += len;
			continue;
		}
		for (i = 0; i < 5; i++)
			tok[i] = (char)(s[i] == 'a' ? 'A' : s[i] == 'b' ? 'B' :
			    s[i]);
		tok[5] = '\0';
		if ((insee ? valid_insee_commune(tok, 0, 0) :
		    valid_postal_code(tok, 0, 0)) != NULL) {
			cpts_codes_bad(c, s, len);
			s += len;
			continue;
		}
		s += len;
		for (k = 0; k < c->n; k++)
			if (strcmp(c->code[k], tok) == 0)
				break;
		if (k < c->n)
			continue;
		if (c->n == CPTS_CODES_MAX) {
			c->too_many = true;
			continue;
		}
		memcpy(c->code[c->n++], tok, sizeof(tok));
	}
}

/* The IDNPS of an identifier as typed: an RPPS number (11 digits, gives
 * '8' + RPPS), an ADELI number (9 digits, '0' + ADELI) or an IDNPS; spaces,
 * dots and hyphens ignored.  Writes it into out and returns true, or
 * returns false when it is none of these. */
static inline bool
cpts_idnps_parse(const char *s, char out[16])
{
	char d[16];
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; s != NULL && s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '.' || s[i] == '-')
			continue;
		if (s[i] < '0' || s[i] > '9' || n + 1 >= sizeof(d))
			return false;
		d[n++] = s[i];
	}
	d[n] = '\0';
	if (n == 11 && valid_rpps(d, 0, 0) == NULL) {
		out[0] = '8';
		memcpy(out + 1, d, n + 1);
		return true;
	}
	if (n == 9 && valid_adeli(d, 0, 0) == NULL) {
		out[0] = '0';
		memcpy(out + 1, d, n + 1);
		return true;
	}
	if (valid_idnps(d, 0, 0) == NULL) {
		memcpy(out, d, n + 1);
		return true;
	}
	return false;
}

/* A name as the directory's search keys hold it (professional.last_key):
 * accents removed, hyphens read as spaces, apostrophes dropped, blanks
 * folded, upper-case ASCII.  Writes into out (outlen bytes); returns
 * false when name is not valid UTF-8 or does not fit. */
static inline bool
cpts_name_key(const char *name, char *out, size_t outlen)
{
	char *w, *p;

	if (textfold(name, out, outlen, TEXTFOLD_STRIP_ACCENTS |
	    TEXTFOLD_APOSTROPHE | TEXTFOLD_COMBINING) == TEXTFOLD_ERROR)
		return false;
	for (w = p = out; *p != '\0'; p++) {
		char c = *p;

		if (c == '\'')
			continue;
		if (c == '-' || c == '\t')
			c = ' ';
		if (c == ' ' && (w == out || w[-1] == ' '))
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		*w++ = c;
	}
	while (w > out && w[-1] == ' ')
		w--;
	*w = '\0';
	return true;
}

#endif
