#include "pwpolicy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "textfold.h"
#include "tmpl.h"

#define PWPOLICY_DEFAULT_LENGTH	12
/* Personal strings are read up to this many code points: a longer one
 * could not fit whole in a password anyway, and its parts beyond are not
 * worth the time. */
#define PERSONAL_MAX_CHARS	256
/* A folded code point takes at most 4 bytes (one kept as it was). */
#define FOLD_MAX(chars)		((chars) * 4 + 1)
_Static_assert(PWPOLICY_MAX_LENGTH <= PERSONAL_MAX_CHARS,
    "fold() reads a whole password");

static const char msg_utf8[] =
    "Le mot de passe contient des caractères non reconnus : saisissez-le à nouveau.";
static const char msg_ctrl[] =
    "Le mot de passe ne doit pas contenir de caractères de contrôle.";
static const char msg_upper[] = "Au moins une lettre majuscule.";
static const char msg_lower[] = "Au moins une lettre minuscule.";
static const char msg_digit[] = "Au moins un chiffre.";
static const char msg_special[] = "Au moins un caractère spécial.";
static const char msg_common[] = "Ce mot de passe est trop courant.";
static const char msg_personal[] = "Le mot de passe ne doit pas contenir "
    "votre nom, votre prénom ni votre identifiant.";
/* The same two rules as shown beside the field, before any typing. */
static const char desc_common[] = "Pas un mot de passe trop courant.";
static const char desc_personal[] =
    "Ni votre nom, ni votre prénom, ni votre identifiant.";

enum cclass { CC_UPPER, CC_LOWER, CC_LETTER, CC_DIGIT, CC_SPECIAL };

/* C0 controls, DEL and C1 controls. */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static enum cclass
classify(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return CC_UPPER;
	if (cp >= 'a' && cp <= 'z')
		return CC_LOWER;
	if (cp >= '0' && cp <= '9')
		return CC_DIGIT;
	if (cp == 0xaa || cp == 0xba)
		return CC_LETTER;	/* ª º: letters without case */
	if (cp == 0xb5)
		return CC_LOWER;	/* µ */
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return CC_UPPER;
	if (cp >= 0xdf && cp <= 0xff && cp != 0xf7)
		return CC_LOWER;
	if (cp < 0x100 || cp > 0x17f)
		return CC_SPECIAL;
	/* Latin Extended-A: upper and lower case alternate, the upper one on
	 * even code points except in the two runs starting on odd ones. */
	if (cp == 0x138 || cp == 0x149 || cp == 0x17f)
		return CC_LOWER;	/* ĸ ŉ ſ have no upper case */
	if (cp == 0x178)
		return CC_UPPER;	/* Ÿ */
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1) ? CC_UPPER : CC_LOWER;
	return (cp & 1) ? CC_LOWER : CC_UPPER;
}

/* How passwords and personal strings are compared: lower case without
 * accents (É and é give e, Œ gives oe), combining accents dropped (text
 * typed decomposed), µ read as m; everything else kept. */
#define PW_FOLD	(TEXTFOLD_LOWER | TEXTFOLD_STRIP_ACCENTS | \
	TEXTFOLD_COMBINING | TEXTFOLD_MICRO)

/*
 * Folds the first max code points (at most PERSONAL_MAX_CHARS) of s into
 * out (FOLD_MAX(max) bytes) with PW_FOLD.  Returns the number of code
 * points written, or -1 when those code points are not valid UTF-8.
 */
static int
fold(const char *s, size_t max, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	char head[FOLD_MAX(PERSONAL_MAX_CHARS)];
	size_t n = strnlen(s, max * 4), i = 0, read = 0, len, chars;
	uint32_t cp;

	if (max > PERSONAL_MAX_CHARS)
		return -1;
	while (i < n && read < max) {
		if ((len = utf8_next(p + i, n - i, &cp)) == 0)
			return -1;
		read++;
		i += len;
	}
	memcpy(head, s, i);
	head[i] = '\0';
	if ((chars = textfold(head, out, FOLD_MAX(max), PW_FOLD)) ==
	    TEXTFOLD_ERROR)
		return -1;
	return (int)chars;
}

static bool
is_alnum_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Code points in the valid UTF-8 s[0..n). */
static size_t
count_cp(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static int
cmp_common(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

bool
pwpolicy_is_common(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	return bsearch(s, pwpolicy_common, pwpolicy_ncommon,
	    sizeof(pwpolicy_common[0]), cmp_common) != NULL;
}

/* Ends a stripped core: a letter, or a digit when digits are kept. */
static bool
core_end(char c, bool digits)
{
	return (c >= 'a' && c <= 'z') || (digits && c >= '0' && c <= '9');
}

/* Looks up folded with its leading and trailing special characters (and
 * digits, unless digits is true) stripped, when that changes it and
 * leaves at least 4 characters. */
static bool
core_is_common(const char *folded, bool digits)
{
	char core[FOLD_MAX(PWPOLICY_MAX_LENGTH)];
	size_t n = strlen(folded), b = 0, e = n;

	while (b < n && !core_end(folded[b], digits))
		b++;
	while (e > b && !core_end(folded[e - 1], digits))
		e--;
	if ((b == 0 && e == n) || count_cp(folded + b, e - b) < 4 ||
	    e - b >= sizeof(core))
		return false;
	memcpy(core, folded + b, e - b);
	core[e - b] = '\0';
	return pwpolicy_is_common(core);
}

/*
 * The common-password rule.  The folded password (lower case, accents
 * removed) is looked up in the shipped list as it is, then with its
 * leading and trailing special characters stripped ("123456789!"), then
 * with its leading and trailing digits and special characters stripped,
 * so that decorating a common word does not make it acceptable:
 * "Motdepasse2024!" and "Azertyuiop123!" are refused because "motdepasse"
 * and "azertyuiop" are in the list.  A stripped core is looked up only
 * when it keeps at least 4 characters, so that a short word inside an
 * otherwise strong password is not refused (the list holds none shorter).
 */
static bool
is_common_folded(const char *folded)
{
	return pwpolicy_is_common(folded) || core_is_common(folded, true) ||
	    core_is_common(folded, false);
}

/* Returns true when hay[0..n) holds needle[0..m). */
static bool
contains(const char *hay, size_t n, const char *needle, size_t m)
{
	size_t i;

	if (m == 0 || m > n)
		return false;
	for (i = 0; i + m <= n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

/*
 * The personal-information rule.  Each personal string is folded like the
 * password (so "Éloïse" matches "eloise" and "ELOISE"), then looked for
 * whole and by parts: a compound name or identifier ("Marie-Hélène",
 * "jean.dupont") is also split on everything that is not a letter or a
 * digit.  The whole string and each part count only from 3 characters on:
 * a very short name ("Li") would refuse too many passwords.
 */
static bool
has_personal(const char *folded, const char *const *personal,
    size_t npersonal)
{
	char buf[FOLD_MAX(PERSONAL_MAX_CHARS)];
	size_t i, n = strlen(folded), len, b, e;
	int chars;

	for (i = 0; i < npersonal; i++) {
		if (personal[i] == NULL)
			continue;
		if ((chars = fold(personal[i], PERSONAL_MAX_CHARS, buf)) < 0)
			continue;
		len = strlen(buf);
		if (chars >= 3 && contains(folded, n, buf, len))
			return true;
		for (b = 0; b < len; b = e) {
			while (b < len && !is_alnum_ascii(buf[b]))
				b++;
			for (e = b; e < len && is_alnum_ascii(buf[e]); e++)
				continue;
			if (e - b >= 3 && e - b < len &&
			    contains(folded, n, buf + b, e - b))
				return true;
		}
	}
	return false;
}

/* Returns true when cp is one of the policy's forbidden characters. */
static bool
is_forbidden(const struct pwpolicy *p, uint32_t cp)
{
	const unsigned char *f = (const unsigned char *)p->forbidden;
	size_t n = strnlen(p->forbidden, sizeof(p->forbidden)), i = 0, len;
	uint32_t fc;

	while (i < n) {
		if ((len = utf8_next(f + i, n - i, &fc)) == 0)
			return false;
		if (fc == cp)
			return true;
		i += len;
	}
	return false;
}

/* "Sans les caractères . : + /": the forbidden characters, space apart. */
static void
forbidden_text(const struct pwpolicy *p, char *out, size_t outlen)
{
	static const char intro[] = "Sans les caractères";
	const unsigned char *f = (const unsigned char *)p->forbidden;
	size_t n = strnlen(p->forbidden, sizeof(p->forbidden)), i = 0, o, len;
	uint32_t cp;

	o = strlen(intro);
	memcpy(out, intro, o);
	while (i < n && (len = utf8_next(f + i, n - i, &cp)) != 0) {
		if (o + 1 + len + 1 > outlen)
			break;
		out[o++] = ' ';
		memcpy(out + o, f + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
}

static void
add_msg(struct pw_verdict *v, enum pw_rule rule, const char *msg)
{
	v->failed |= rule;
	if (v->nmsg < PW_RULE__COUNT)
		snprintf(v->msg[v->nmsg++], sizeof(v->msg[0]), "%s", msg);
}

unsigned
pwpolicy_check(const struct pwpolicy *p, const char *pw,
    const char *const *personal, size_t npersonal, struct pw_verdict *out)
{
	char folded[FOLD_MAX(PWPOLICY_MAX_LENGTH)], text[PWPOLICY_MSG_MAX];
	const unsigned char *s;
	bool upper = false, lower = false, digit = false, special = false;
	bool forbidden = false;
	size_t n, i = 0, len, chars = 0;
	uint32_t cp;

	memset(out, 0, sizeof(*out));
	if (pw == NULL)
		pw = "";
	s = (const unsigned char *)pw;
	/* The maximum takes at most 4 bytes a code point: one byte more
	 * tells a longer password, however long the input. */
	n = strnlen(pw, PWPOLICY_MAX_LENGTH * 4 + 1);
	while (i < n) {
		if (chars == PWPOLICY_MAX_LENGTH) {
			snprintf(text, sizeof(text), "Au plus %u caractères.",
			    PWPOLICY_MAX_LENGTH);
			add_msg(out, PW_RULE_MAXLENGTH, text);
			return out->failed;
		}
		if ((len = utf8_next(s + i, n - i, &cp)) == 0) {
			add_msg(out, PW_RULE_INVALID, msg_utf8);
			return out->failed;
		}
		if (is_control(cp)) {
			add_msg(out, PW_RULE_INVALID, msg_ctrl);
			return out->failed;
		}
		chars++;
		switch (classify(cp)) {
		case CC_UPPER:
			upper = true;
			break;
		case CC_LOWER:
			lower = true;
			break;
		case CC_LETTER:
			break;
		case CC_DIGIT:
			digit = true;
			break;
		case CC_SPECIAL:
			special = true;
			break;
		}
		if (is_forbidden(p, cp))
			forbidden = true;
		i += len;
	}
	if (chars < p->min_length) {
		snprintf(text, sizeof(text), "Au moins %u caractères.",
		    p->min_length);
		add_msg(out, PW_RULE_LENGTH, text);
	}
	if (p->need_upper && !upper)
		add_msg(out, PW_RULE_UPPER, msg_upper);
	if (p->need_lower && !lower)
		add_msg(out, PW_RULE_LOWER, msg_lower);
	if (p->need_digit && !digit)
		add_msg(out, PW_RULE_DIGIT, msg_digit);
	if (p->need_special && !special)
		add_msg(out, PW_RULE_SPECIAL, msg_special);
	if (forbidden) {
		forbidden_text(p, text, sizeof(text));
		add_msg(out, PW_RULE_FORBIDDEN, text);
	}
	/* Valid and at most PWPOLICY_MAX_LENGTH code points: fold() takes
	 * it whole. */
	(void)fold(pw, PWPOLICY_MAX_LENGTH, folded);
	if (is_common_folded(folded))
		add_msg(out, PW_RULE_COMMON, msg_common);
	if (personal != NULL && has_personal(folded, personal, npersonal))
		add_msg(out, PW_RULE_PERSONAL, msg_personal);
	return out->failed;
}

static struct pw_rule_desc *
desc_add(struct pw_rule_desc *d, enum pw_rule rule, const char *code,
    const char *text)
{
	d->rule = rule;
	d->code = code;
	d->min = 0;
	d->chars = "";
	snprintf(d->text, sizeof(d->text), "%s", text);
	return d;
}

size_t
pwpolicy_describe(const struct pwpolicy *p,
    struct pw_rule_desc out[PW_RULE__COUNT])
{
	struct pw_rule_desc *d;
	size_t n = 0;

	d = desc_add(&out[n++], PW_RULE_LENGTH, "length", "");
	d->min = p->min_length;
	snprintf(d->text, sizeof(d->text), "Au moins %u caractères.",
	    p->min_length);
	if (p->need_upper)
		desc_add(&out[n++], PW_RULE_UPPER, "upper", msg_upper);
	if (p->need_lower)
		desc_add(&out[n++], PW_RULE_LOWER, "lower", msg_lower);
	if (p->need_digit)
		desc_add(&out[n++], PW_RULE_DIGIT, "digit", msg_digit);
	if (p->need_special)
		desc_add(&out[n++], PW_RULE_SPECIAL, "special", msg_special);
	if (p->forbidden[0] != '\0') {
		d = desc_add(&out[n++], PW_RULE_FORBIDDEN, "forbidden", "");
		d->chars = p->forbidden;
		forbidden_text(p, d->text, sizeof(d->text));
	}
	desc_add(&out[n++], PW_RULE_COMMON, "common", desc_common);
	desc_add(&out[n++], PW_RULE_PERSONAL, "personal", desc_personal);
	return n;
}

/*
 * Reads password_forbidden_chars: UTF-8 characters, blanks ignored (so
 * ". : + /" and ".:+/" mean the same), each kept once.  Letters and digits
 * may be listed too.  Returns 0, or -1 when the value is invalid UTF-8,
 * holds a control character or is too long.
 */
static int
forbidden_parse(const char *v, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = strlen(v), i = 0, o = 0, len;
	uint32_t cp;

	out[0] = '\0';
	while (i < n) {
		if ((len = utf8_next(s + i, n - i, &cp)) == 0 ||
		    is_control(cp))
			return -1;
		if (cp != ' ' && cp != 0xa0 && !contains(out, o, v + i, len)) {
			if (o + len + 1 > outlen)
				return -1;
			memcpy(out + o, v + i, len);
			o += len;
			out[o] = '\0';
		}
		i += len;
	}
	return 0;
}

void
pwpolicy_from_config(struct pwpolicy *p)
{
	long long min;
	const char *v;

	memset(p, 0, sizeof(*p));
	min = config_int("password_min_length", PWPOLICY_DEFAULT_LENGTH, 0,
	    PWPOLICY_MAX_LENGTH);
	if (min < PWPOLICY_MIN_LENGTH) {
		log_warn("config: password_min_length %lld raised to %d", min,
		    PWPOLICY_MIN_LENGTH);
		min = PWPOLICY_MIN_LENGTH;
	}
	p->min_length = (unsigned)min;
	p->need_upper = config_bool("password_require_upper", true);
	p->need_lower = config_bool("password_require_lower", true);
	p->need_digit = config_bool("password_require_digit", true);
	p->need_special = config_bool("password_require_special", true);
	v = config_str("password_forbidden_chars", "");
	if (forbidden_parse(v, p->forbidden, sizeof(p->forbidden)) != 0) {
		log_error("config: password_forbidden_chars must be at most %zu"
		    " bytes of printable UTF-8; no character forbidden",
		    sizeof(p->forbidden) - 1);
		p->forbidden[0] = '\0';
	}
}

void
pwpolicy_tdict(struct tdict *ctx, const struct pwpolicy *p,
    const struct pw_verdict *v)
{
	struct pw_rule_desc rules[PW_RULE__COUNT];
	struct tlist *l;
	struct tdict *it;
	size_t i, n;

	n = pwpolicy_describe(p, rules);
	if ((l = tdict_list(ctx, "password_rules")) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if ((it = tlist_add(l)) == NULL)
			return;
		/* Every key set on every item, so that none resolves from an
		 * outer context. */
		tdict_str(it, "code", rules[i].code);
		tdict_str(it, "text", rules[i].text);
		tdict_int(it, "min", rules[i].min);
		tdict_str(it, "chars", rules[i].chars);
		tdict_bool(it, "checked", v != NULL);
		tdict_bool(it, "ok", v != NULL &&
		    (v->failed & (unsigned)rules[i].rule) == 0);
	}
}
