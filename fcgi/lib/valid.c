#include "valid.h"

#include <limits.h>
#include <string.h>

/*
 * Messages.  Kept as arrays so that a caller (and valid_idnps) can tell
 * one reason from another by pointer.
 */
static const char msg_required[] = "Ce champ est obligatoire.";
static const char msg_text_short[] = "Ce texte est trop court.";
static const char msg_text_long[] = "Ce texte est trop long : raccourcissez-le.";
static const char msg_text_utf8[] =
    "Ce texte contient des caractères non reconnus : saisissez-le à nouveau.";
static const char msg_text_ctrl[] =
    "Ce texte contient des caractères de contrôle : retirez-les.";
static const char msg_text_line[] = "Saisissez ce texte sur une seule ligne.";

static const char msg_uint[] = "Saisissez un nombre entier positif, en chiffres.";
static const char msg_int[] = "Saisissez un nombre entier, en chiffres.";
static const char msg_num_small[] = "Ce nombre est trop petit.";
static const char msg_num_large[] = "Ce nombre est trop grand.";

static const char msg_email_form[] =
    "Saisissez une adresse e-mail de la forme nom@domaine.fr.";
static const char msg_email_at[] =
    "L'adresse e-mail doit contenir un seul « @ ».";
static const char msg_email_long[] = "L'adresse e-mail est trop longue.";
static const char msg_email_local_long[] =
    "La partie avant « @ » est trop longue (64 caractères au plus).";
static const char msg_email_dot[] =
    "Avant « @ », un point ne peut être ni au début, ni à la fin, ni doublé.";
static const char msg_email_space[] = "Retirez les espaces de l'adresse e-mail.";
static const char msg_email_char[] =
    "L'adresse e-mail contient un caractère non autorisé.";
static const char msg_email_domain[] =
    "Vérifiez le domaine après « @ », par exemple domaine.fr.";

static const char msg_phone_form[] =
    "Saisissez un numéro de téléphone de la forme 01 23 45 67 89.";
static const char msg_phone_char[] =
    "Le numéro de téléphone ne peut contenir que des chiffres, des espaces, des points ou des tirets.";
static const char msg_phone_len[] =
    "Le numéro de téléphone doit comporter 10 chiffres.";
static const char msg_phone_country[] =
    "Seuls les numéros français sont acceptés : 01 23 45 67 89 ou +33 1 23 45 67 89.";
static const char msg_phone_intl0[] = "Après +33, retirez le 0 du numéro.";
static const char msg_phone_00[] =
    "Un numéro français ne commence pas par 00 : vérifiez le numéro.";
static const char msg_mobile[] =
    "Saisissez un numéro de portable commençant par 06 ou 07.";

static const char msg_postal_form[] = "Saisissez un code postal de 5 chiffres.";
static const char msg_postal_dept[] =
    "Ce code postal n'existe pas : vérifiez le département.";

static const char msg_insee_form[] =
    "Saisissez un code commune INSEE de 5 caractères, par exemple 75056 ou 2A004.";
static const char msg_insee_dept[] =
    "Ce code commune INSEE n'existe pas : vérifiez le département.";
static const char msg_insee_commune[] =
    "Ce code commune INSEE n'existe pas : vérifiez les derniers chiffres.";

static const char msg_rpps_form[] = "Saisissez un numéro RPPS de 11 chiffres.";
static const char msg_rpps_key[] =
    "La clé du numéro RPPS est incorrecte : vérifiez le numéro.";
static const char msg_adeli_form[] = "Saisissez un numéro ADELI de 9 chiffres.";
static const char msg_idnps_form[] =
    "Saisissez l'identifiant national : 8 suivi du numéro RPPS, ou 0 suivi du numéro ADELI.";

static const char msg_nir_form[] =
    "Saisissez un numéro de sécurité sociale de 15 caractères, clé comprise.";
static const char msg_nir_sex[] =
    "Le premier chiffre du numéro de sécurité sociale est incorrect.";
static const char msg_nir_month[] =
    "Le mois de naissance du numéro de sécurité sociale est incorrect.";
static const char msg_nir_key[] =
    "La clé du numéro de sécurité sociale est incorrecte : vérifiez le numéro.";

static const char msg_finess_form[] =
    "Saisissez un numéro FINESS de 9 caractères.";
static const char msg_finess_key[] =
    "La clé du numéro FINESS est incorrecte : vérifiez le numéro.";

static const char msg_date_form[] = "Saisissez une date au format JJ/MM/AAAA.";
static const char msg_date_day[] =
    "Cette date n'existe pas : vérifiez le jour et le mois.";
static const char msg_date_year[] =
    "Vérifiez l'année : elle est en dehors de la période acceptée.";

static const char msg_time_form[] =
    "Saisissez une heure au format HH:MM, par exemple 09:30.";
static const char msg_time_range[] =
    "Cette heure n'existe pas : saisissez une heure entre 00:00 et 23:59.";

static const char msg_enum[] = "Choisissez une valeur proposée dans la liste.";

#define EMAIL_MAX	254	/* RFC 5321 path limit minus the brackets */
#define EMAIL_LOCAL_MAX	64
#define EMAIL_LABEL_MAX	63

/* Own digit test: <ctype.h> depends on the locale and on the sign of char. */
static int
isdig(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalnum_ascii(int c)
{
	return isdig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Returns true when s matches pat entirely, '9' in pat standing for any
 * digit and every other character for itself.  Stops at the first
 * difference, so it never reads past the NUL of s.
 */
static bool
match(const char *s, const char *pat)
{
	for (; *pat != '\0'; s++, pat++)
		if (*pat == '9' ? !isdig((unsigned char)*s) : *s != *pat)
			return false;
	return *s == '\0';
}

/* Returns the value of the n digits at s (n small, digits checked). */
static int
num(const char *s, size_t n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/*
 * Decodes the UTF-8 sequence at p (NUL-terminated) into *cp and returns
 * its length, or 0 when it is malformed: bad lead or continuation byte,
 * overlong form, surrogate, or beyond U+10FFFF.  A NUL is never a
 * continuation byte, so this never reads past the end.
 */
static size_t
utf8_decode(const unsigned char *p, unsigned long *cp)
{
	unsigned long c;
	size_t n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
		return 0;
	if (n == 4 && (c < 0x10000 || c > 0x10ffff))
		return 0;
	*cp = c;
	return n;
}

/*
 * Shared by valid_text and valid_multiline.  Control characters are the
 * Unicode Cc category: U+0000..U+001F and U+007F..U+009F.  In multiline
 * text "\r\n" counts as one character, as the browser's maxlength does.
 */
static const char *
text_check(const char *s, long long min, long long max, bool multiline)
{
	const unsigned char *p;
	unsigned long cp;
	long long n = 0;
	size_t len;

	if (s == NULL)
		s = "";
	for (p = (const unsigned char *)s; *p != '\0'; p += len, n++) {
		if (multiline && p[0] == '\r' && p[1] == '\n') {
			len = 2;
			continue;
		}
		if (multiline && (p[0] == '\n' || p[0] == '\t')) {
			len = 1;
			continue;
		}
		if ((len = utf8_decode(p, &cp)) == 0)
			return msg_text_utf8;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			if (!multiline && (cp == '\n' || cp == '\r'))
				return msg_text_line;
			return msg_text_ctrl;
		}
	}
	if (n == 0 && min > 0)
		return msg_required;
	if (n < min)
		return msg_text_short;
	if (n > max)
		return msg_text_long;
	return NULL;
}

const char *
valid_text(const char *s, long long min, long long max)
{
	return text_check(s, min, max, false);
}

const char *
valid_multiline(const char *s, long long min, long long max)
{
	return text_check(s, min, max, true);
}

enum num_err {
	NUM_OK,
	NUM_SYNTAX,
	NUM_SMALL,
	NUM_LARGE,
};

/*
 * Parses s as [-]digits (the '-' only when sign_ok): no space, no '+',
 * nothing after the digits.  Overflow is reported as too small or too
 * large by sign rather than wrapped.
 */
static enum num_err
num_parse(const char *s, bool sign_ok, long long min, long long max,
    long long *out)
{
	unsigned long long v = 0, lim;
	unsigned int d;
	bool neg = false, over = false;
	long long x;

	if (s == NULL)
		return NUM_SYNTAX;
	if (sign_ok && *s == '-') {
		neg = true;
		s++;
	}
	if (!isdig((unsigned char)*s))
		return NUM_SYNTAX;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	for (; *s != '\0'; s++) {
		if (!isdig((unsigned char)*s))
			return NUM_SYNTAX;
		d = (unsigned int)(*s - '0');
		if (over)
			continue;	/* still scan for trailing junk */
		if (v > (lim - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return neg ? NUM_SMALL : NUM_LARGE;
	if (neg)
		x = v == lim ? LLONG_MIN : -(long long)v;
	else
		x = (long long)v;
	if (x < min)
		return NUM_SMALL;
	if (x > max)
		return NUM_LARGE;
	if (out != NULL)
		*out = x;
	return NUM_OK;
}

static const char *
num_msg(enum num_err e, const char *syntax)
{
	switch (e) {
	case NUM_OK:
		return NULL;
	case NUM_SMALL:
		return msg_num_small;
	case NUM_LARGE:
		return msg_num_large;
	default:
		return syntax;
	}
}

const char *
valid_uint(const char *s, long long min, long long max)
{
	return num_msg(num_parse(s, false, min, max, NULL), msg_uint);
}

const char *
valid_int(const char *s, long long min, long long max)
{
	return num_msg(num_parse(s, true, min, max, NULL), msg_int);
}

int
valid_parse_ll(const char *s, long long min, long long max, long long *out)
{
	if (min > max)
		return -1;
	return num_parse(s, true, min, max, out) == NUM_OK ? 0 : -1;
}

static bool
is_atext(unsigned char c)
{
	return isalnum_ascii(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

const char *
valid_email(const char *s, long long min, long long max)
{
	const char *at = NULL, *p, *end;
	unsigned char c;
	size_t len, lab, dots;
	bool alldig;

	(void)min;
	(void)max;
	if (s == NULL || *s == '\0')
		return msg_email_form;
	for (len = 0; len <= EMAIL_MAX && s[len] != '\0'; len++)
		continue;
	if (len > EMAIL_MAX)
		return msg_email_long;
	end = s + len;

	for (p = s; p < end; p++) {
		c = (unsigned char)*p;
		if (c == ' ' || c == '\t')
			return msg_email_space;
		if (c == '@') {
			if (at != NULL)
				return msg_email_at;
			at = p;
		} else if (c >= 0x80 || c < 0x20)
			return msg_email_char;
	}
	if (at == NULL)
		return msg_email_at;

	/* Local part: dot-atom, no quoted strings. */
	if (at == s)
		return msg_email_form;
	if (at - s > EMAIL_LOCAL_MAX)
		return msg_email_local_long;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p + 1 == at || p[1] == '.')
				return msg_email_dot;
		} else if (!is_atext((unsigned char)*p))
			return msg_email_char;
	}

	/*
	 * Domain: labels of letters, digits and hyphens, no hyphen at either
	 * end, at least two labels, and a last label that is not all digits
	 * (no bare IP addresses).
	 */
	lab = dots = 0;
	alldig = true;
	for (p = at + 1; p < end; p++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return msg_email_domain;
			dots++;
			lab = 0;
			alldig = true;
			continue;
		}
		if (!isalnum_ascii((unsigned char)*p) && *p != '-')
			return msg_email_domain;
		if (lab == 0 && *p == '-')
			return msg_email_domain;
		if (++lab > EMAIL_LABEL_MAX)
			return msg_email_domain;
		if (!isdig((unsigned char)*p))
			alldig = false;
	}
	if (lab == 0 || end[-1] == '-' || dots == 0 || alldig)
		return msg_email_domain;
	return NULL;
}

static bool
is_phone_sep(char c)
{
	return c == ' ' || c == '.' || c == '-';
}

/*
 * Checks a French phone number and writes its national form (10 digits
 * and a NUL) into nat.  Separators may only stand alone between two
 * digits; "+33" counts as digits for that rule.
 */
static const char *
phone_parse(const char *s, char nat[11])
{
	const char *p;
	size_t n = 0;
	bool intl = false, after_digit = false;

	if (s == NULL || *s == '\0')
		return msg_phone_form;
	p = s;
	if (strncmp(s, "+33", 3) == 0) {
		intl = true;
		nat[n++] = '0';
		p = s + 3;
		after_digit = true;
	} else if (*s == '+')
		return msg_phone_country;
	for (; *p != '\0'; p++) {
		if (isdig((unsigned char)*p)) {
			if (intl && n == 1 && *p == '0')
				return msg_phone_intl0;
			if (n == 10)
				return msg_phone_len;
			nat[n++] = *p;
			after_digit = true;
		} else if (is_phone_sep(*p)) {
			if (!after_digit)
				return msg_phone_form;
			after_digit = false;
		} else
			return msg_phone_char;
	}
	if (!after_digit)
		return msg_phone_form;
	if (n != 10)
		return msg_phone_len;
	if (nat[0] != '0')
		return msg_phone_form;
	if (nat[1] == '0')
		return msg_phone_00;
	nat[10] = '\0';
	return NULL;
}

const char *
valid_phone_fr(const char *s, long long min, long long max)
{
	char nat[11];

	(void)min;
	(void)max;
	return phone_parse(s, nat);
}

const char *
valid_mobile_fr(const char *s, long long min, long long max)
{
	const char *e;
	char nat[11];

	(void)min;
	(void)max;
	if ((e = phone_parse(s, nat)) != NULL)
		return e;
	if (nat[1] != '6' && nat[1] != '7')
		return msg_mobile;
	return NULL;
}

char *
valid_phone_normalise(char *s)
{
	char *r, *w;

	if (s == NULL)
		return NULL;
	r = w = s;
	if (strncmp(s, "+33", 3) == 0) {
		*w++ = '0';
		r = s + 3;
	}
	for (; *r != '\0'; r++)
		if (isdig((unsigned char)*r))
			*w++ = *r;
	*w = '\0';
	return s;
}

/*
 * Metropolitan departments 01..95 (Corsica's postal codes are 20xxx),
 * overseas 971..976 (Guadeloupe to Mayotte, Saint-Barthélemy and
 * Saint-Martin included), and 98xxx (Monaco, Pacific collectivities).
 */
const char *
valid_postal_code(const char *s, long long min, long long max)
{
	int dept;

	(void)min;
	(void)max;
	if (s == NULL || !match(s, "99999"))
		return msg_postal_form;
	dept = num(s, 2);
	if (dept >= 1 && dept <= 95)
		return NULL;
	if (dept == 97 && s[2] >= '1' && s[2] <= '6')
		return NULL;
	if (dept == 98)
		return NULL;
	return msg_postal_dept;
}

/*
 * Departments 01..95 without 20 (Corsica is 2A/2B), then a commune number
 * 001..999; overseas 971..978 (978 is Saint-Martin) with a commune number
 * 01..99; 98 (Pacific collectivities) with 001..999.
 */
const char *
valid_insee_commune(const char *s, long long min, long long max)
{
	int dept;

	(void)min;
	(void)max;
	if (s == NULL)
		return msg_insee_form;
	if (s[0] == '2' && (s[1] == 'A' || s[1] == 'B')) {
		if (!match(s + 2, "999"))
			return msg_insee_form;
		return num(s + 2, 3) == 0 ? msg_insee_commune : NULL;
	}
	if (!match(s, "99999"))
		return msg_insee_form;
	dept = num(s, 2);
	if (dept == 97) {
		if (s[2] < '1' || s[2] > '8')
			return msg_insee_dept;
		return num(s + 3, 2) == 0 ? msg_insee_commune : NULL;
	}
	if (dept < 1 || dept == 20 || dept == 96 || dept == 99)
		return msg_insee_dept;
	return num(s + 2, 3) == 0 ? msg_insee_commune : NULL;
}

bool
valid_luhn(const char *digits, size_t n)
{
	unsigned int sum = 0, d;
	bool dbl = false;
	size_t i;

	if (digits == NULL || n == 0)
		return false;
	/* Left to right first, so a short string stops at its NUL. */
	for (i = 0; i < n; i++)
		if (!isdig((unsigned char)digits[i]))
			return false;
	for (i = n; i-- > 0; dbl = !dbl) {
		d = (unsigned int)(digits[i] - '0');
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum = (sum + d) % 10;
	}
	return sum == 0;
}

const char *
valid_rpps(const char *s, long long min, long long max)
{
	(void)min;
	(void)max;
	if (s == NULL || !match(s, "99999999999"))
		return msg_rpps_form;
	return valid_luhn(s, 11) ? NULL : msg_rpps_key;
}

const char *
valid_adeli(const char *s, long long min, long long max)
{
	(void)min;
	(void)max;
	if (s == NULL || !match(s, "999999999"))
		return msg_adeli_form;
	return NULL;
}

const char *
valid_idnps(const char *s, long long min, long long max)
{
	const char *e;

	(void)min;
	(void)max;
	if (s == NULL)
		return msg_idnps_form;
	if (s[0] == '8') {
		if ((e = valid_rpps(s + 1, 0, 0)) == msg_rpps_key)
			return e;
		return e == NULL ? NULL : msg_idnps_form;
	}
	if (s[0] == '0')
		return valid_adeli(s + 1, 0, 0) == NULL ? NULL : msg_idnps_form;
	return msg_idnps_form;
}

/*
 * NIR layout: sex (1), year (2), month (2), department (2), commune (3),
 * order (3), key (2).  A single space is accepted after the sex, year,
 * month, department, commune and order groups, and after the third
 * character of the department for the overseas layout (971 23).
 */
static bool
nir_gap(size_t k)
{
	return k == 1 || k == 3 || k == 5 || k == 7 || k == 8 || k == 10 ||
	    k == 13;
}

const char *
valid_nir(const char *s, long long min, long long max)
{
	char n[15];
	const char *p;
	unsigned long long v = 0;
	size_t k = 0, i;
	bool corsica = false, space = false;
	int month, key;

	(void)min;
	(void)max;
	if (s == NULL)
		return msg_nir_form;
	for (p = s; *p != '\0'; p++) {
		if (*p == ' ') {
			if (space || !nir_gap(k))
				return msg_nir_form;
			space = true;
			continue;
		}
		if (k == sizeof(n))
			return msg_nir_form;
		n[k++] = *p;
		space = false;
	}
	if (k != sizeof(n))
		return msg_nir_form;

	if (n[5] == '2' && (n[6] == 'A' || n[6] == 'B'))
		corsica = true;
	for (i = 0; i < sizeof(n); i++)
		if (!isdig((unsigned char)n[i]) && !(corsica && i == 6))
			return msg_nir_form;
	if (strchr("123478", n[0]) == NULL)
		return msg_nir_sex;
	month = num(n + 3, 2);
	if (month == 0 || (month > 12 && month < 20))
		return msg_nir_month;

	for (i = 0; i < 13; i++) {
		if (corsica && i == 5)
			v = v * 10 + 1;
		else if (corsica && i == 6)
			v = v * 10 + (n[6] == 'A' ? 9 : 8);
		else
			v = v * 10 + (unsigned long long)(n[i] - '0');
	}
	key = num(n + 13, 2);
	if (key != 97 - (int)(v % 97))
		return msg_nir_key;
	return NULL;
}

/*
 * Convention: for a Corsican FINESS (2A/2B as department) the Luhn key is
 * computed with the department read as "20".
 */
const char *
valid_finess(const char *s, long long min, long long max)
{
	char d[9];
	size_t i = 0;

	(void)min;
	(void)max;
	if (s == NULL)
		return msg_finess_form;
	if (s[0] == '2' && (s[1] == 'A' || s[1] == 'B')) {
		d[0] = '2';
		d[1] = '0';
		i = 2;
	}
	for (; i < sizeof(d); i++) {
		if (!isdig((unsigned char)s[i]))
			return msg_finess_form;
		d[i] = s[i];
	}
	if (s[sizeof(d)] != '\0')
		return msg_finess_form;
	return valid_luhn(d, sizeof(d)) ? NULL : msg_finess_key;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Splits either date format into numbers; returns false on bad form. */
static bool
date_split(const char *s, int *y, int *m, int *d)
{
	if (s == NULL)
		return false;
	if (match(s, "99/99/9999")) {
		*d = num(s, 2);
		*m = num(s + 3, 2);
		*y = num(s + 6, 4);
		return true;
	}
	if (match(s, "9999-99-99")) {
		*y = num(s, 4);
		*m = num(s + 5, 2);
		*d = num(s + 8, 2);
		return true;
	}
	return false;
}

static bool
date_exists(int y, int m, int d)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	if (m == 2 && is_leap(y))
		return d <= 29;
	return d <= mdays[m - 1];
}

const char *
valid_date(const char *s, long long min, long long max)
{
	int y, m, d;

	if (min == 0)
		min = 1900;
	if (max == 0)
		max = 2100;
	if (!date_split(s, &y, &m, &d))
		return msg_date_form;
	if (!date_exists(y, m, d))
		return msg_date_day;
	if (y < min || y > max)
		return msg_date_year;
	return NULL;
}

int
valid_date_parse(const char *s, int *y, int *m, int *d)
{
	int yy, mm, dd;

	if (!date_split(s, &yy, &mm, &dd) || !date_exists(yy, mm, dd))
		return -1;
	if (y != NULL)
		*y = yy;
	if (m != NULL)
		*m = mm;
	if (d != NULL)
		*d = dd;
	return 0;
}

const char *
valid_time(const char *s, long long min, long long max)
{
	(void)min;
	(void)max;
	if (s == NULL || !match(s, "99:99"))
		return msg_time_form;
	if (num(s, 2) > 23 || num(s + 3, 2) > 59)
		return msg_time_range;
	return NULL;
}

const char *
valid_enum(const char *s, const char *const *allowed)
{
	if (s == NULL || allowed == NULL)
		return msg_enum;
	for (; *allowed != NULL; allowed++)
		if (strcmp(s, *allowed) == 0)
			return NULL;
	return msg_enum;
}
