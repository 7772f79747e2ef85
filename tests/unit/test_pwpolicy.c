/*
 * Unit tests for fcgi/lib/pwpolicy.c: one table per rule, accepted and
 * refused passwords side by side, each row naming the rules that must
 * fail; then the messages word for word, the rules shown beside the field,
 * the configuration keys, the shipped list of common passwords, and the
 * partial templates/partials/password_rules.html rendered.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "pwpolicy.h"
#include "tmpl.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define INVALID		PW_RULE_INVALID
#define MAXLEN		PW_RULE_MAXLENGTH
#define LENGTH		PW_RULE_LENGTH
#define UPPER		PW_RULE_UPPER
#define LOWER		PW_RULE_LOWER
#define DIGIT		PW_RULE_DIGIT
#define SPECIAL		PW_RULE_SPECIAL
#define FORBIDDEN	PW_RULE_FORBIDDEN
#define COMMON		PW_RULE_COMMON
#define PERSONAL	PW_RULE_PERSONAL
#define OK		0u

/* Expected messages, copied from pwpolicy.c on purpose: wording is
 * tested. */
#define M_LEN12		"Au moins 12 caractères."
#define M_LEN8		"Au moins 8 caractères."
#define M_UPPER		"Au moins une lettre majuscule."
#define M_LOWER		"Au moins une lettre minuscule."
#define M_DIGIT		"Au moins un chiffre."
#define M_SPECIAL	"Au moins un caractère spécial."
#define M_FORBID	"Sans les caractères . : + /"
#define M_COMMON	"Ce mot de passe est trop courant."
#define M_PERSONAL	"Le mot de passe ne doit pas contenir votre nom, " \
			"votre prénom ni votre identifiant."
#define M_MAXLEN	"Au plus 128 caractères."
#define M_UTF8		"Le mot de passe contient des caractères non reconnus : " \
			"saisissez-le à nouveau."
#define M_CTRL		"Le mot de passe ne doit pas contenir de caractères de " \
			"contrôle."

enum pol { P_DEFAULT, P_FORBID, P_RELAXED, P_UTF8, P_MIN20, P_HTML };

static const struct pwpolicy policies[] = {
	[P_DEFAULT] = { 12, true, true, true, true, "" },
	[P_FORBID] = { 12, true, true, true, true, ".:+/" },
	[P_RELAXED] = { 8, false, false, false, false, "" },
	[P_UTF8] = { 12, false, false, false, false, "é€" },
	[P_MIN20] = { 20, true, true, true, true, "" },
	[P_HTML] = { 10, true, false, false, false, "<&\">" },
};

/* Built in main(): too long to write out. */
static char ascii_128[129];		/* 128 code points, all classes */
static char ascii_129[130];
static char accent_128[257];		/* 128 × 2-byte "é", plus classes */
static char accent_129[259];
static char emoji_128[513];		/* 128 × 4-byte U+1F600 ... */
static char emoji_129[517];
static char huge[10001];		/* 10 000 bytes */
static char long_bad[140];		/* 128 code points, then 0xff */

struct ccase {
	enum pol	 pol;
	const char	*pw;
	unsigned	 want;	/* the PW_RULE_* bits that must fail */
};

static const struct ccase check_cases[] = {
	/* Length: 11 and 12 code points; accents count once. */
	{ P_DEFAULT, "Kx7#mPq2wZrt", OK },
	{ P_DEFAULT, "Kx7#mPq2wZr", LENGTH },
	{ P_DEFAULT, "Ézéquix7#abq", OK },		/* 12 cp, 15 bytes */
	{ P_DEFAULT, "Ézéquix7#ab", LENGTH },		/* 11 cp, 14 bytes */
	{ P_DEFAULT, "Kx7#é€Pq2wZ", LENGTH },		/* 11 cp, 15 bytes */
	{ P_DEFAULT, "Kx7#\xf0\x9f\x98\x80Pq2wZrt", OK },  /* U+1F600 */
	{ P_MIN20, "Kx7#mPq2wZrtKx7#mPq2", OK },	/* 20 */
	{ P_MIN20, "Kx7#mPq2wZrtKx7#mPq", LENGTH },	/* 19 */
	{ P_RELAXED, "kxmpqwzr", OK },			/* 8 */
	{ P_RELAXED, "kxmpqwz", LENGTH },		/* 7 */
	{ P_RELAXED, "", LENGTH },
	{ P_DEFAULT, "", LENGTH | UPPER | LOWER | DIGIT | SPECIAL },
	{ P_DEFAULT, NULL, LENGTH | UPPER | LOWER | DIGIT | SPECIAL },
	{ P_DEFAULT, "abc", LENGTH | UPPER | DIGIT | SPECIAL },
	/* Maximum: 128 code points, whatever their bytes. */
	{ P_DEFAULT, ascii_128, OK },
	{ P_DEFAULT, ascii_129, MAXLEN },
	{ P_DEFAULT, accent_128, OK },
	{ P_DEFAULT, accent_129, MAXLEN },
	{ P_DEFAULT, emoji_128, OK },
	{ P_DEFAULT, emoji_129, MAXLEN },
	{ P_DEFAULT, huge, MAXLEN },
	{ P_DEFAULT, long_bad, MAXLEN },
	/* Upper case, ASCII and accented. */
	{ P_DEFAULT, "kx7#mpq2wzrÉ", OK },
	{ P_DEFAULT, "kx7#mpq2wzrt", UPPER },
	{ P_DEFAULT, "ézéquix7#abq", UPPER },
	{ P_DEFAULT, "œuvre-ça-2024", UPPER },
	{ P_DEFAULT, "Œuvre-ça-2024", OK },		/* Œ U+0152 */
	{ P_DEFAULT, "Łódź-żubr-2024", OK },		/* Ł U+0141 */
	{ P_DEFAULT, "źdźbło-żubr-24", UPPER },	/* U+017A, U+0142 */
	{ P_DEFAULT, "Ÿvette-du-24", OK },		/* Ÿ U+0178 */
	{ P_DEFAULT, "İstanbul#2024", OK },		/* İ U+0130 */
	{ P_DEFAULT, "ßtraße-ĸeine-1", UPPER },	/* ß, ĸ: lower only */
	{ P_DEFAULT, "ªº-kx7#mpq2wz", UPPER },		/* ª º: no case */
	/* Lower case. */
	{ P_DEFAULT, "KX7#MPQ2WZRé", OK },
	{ P_DEFAULT, "KX7#MPQ2WZRT", LOWER },
	{ P_DEFAULT, "ÉZÉQUIX7#ABQ", LOWER },
	{ P_DEFAULT, "ŒUVRE-ÇA-2024", LOWER },
	{ P_DEFAULT, "ŁÓDŹ-ŻUBR-2024", LOWER },
	{ P_DEFAULT, "ĹĽĿ-ŃŇ-ŹŻŽ-24", LOWER },		/* odd-upper runs */
	{ P_DEFAULT, "ĹĽĿ-ŃŇ-ŹŻž-24", OK },		/* ž U+017E */
	{ P_DEFAULT, "KX7#MPQ2WZRµ", OK },		/* µ U+00B5 */
	{ P_DEFAULT, "KX7#MPQ2WZRſ", OK },		/* ſ U+017F */
	/* Digits: 0-9 only. */
	{ P_DEFAULT, "Kx#mPq-wZrt9", OK },
	{ P_DEFAULT, "Kx#mPq-wZrtv", DIGIT },
	{ P_DEFAULT, "Kx٣mPqAwZrtv", DIGIT },		/* Arabic-Indic 3 */
	{ P_DEFAULT, "Kx²mPqAwZrtv", DIGIT },		/* superscript 2 */
	/* Special: anything but a letter or a digit. */
	{ P_DEFAULT, "Kx7mPq2wZrtv", SPECIAL },
	{ P_DEFAULT, "Kx7 mPq2wZrt", OK },		/* space */
	{ P_DEFAULT, "Kx7×mPq2wZrt", OK },		/* U+00D7 */
	{ P_DEFAULT, "Kx7÷mPq2wZrt", OK },		/* U+00F7 */
	{ P_DEFAULT, "Kx7жmPq2wZrt", OK },		/* Cyrillic */
	{ P_DEFAULT, "Kx7\xc2\xa0mPq2wZrt", OK },	/* U+00A0 */
	{ P_DEFAULT, "Kx7€mPq2wZrt", OK },
	{ P_DEFAULT, "Kx7ÉmPq2wZrt", SPECIAL },	/* É is a letter */
	{ P_DEFAULT, "Kx7ǅmPq2wZrt", OK },		/* U+01C5: past Ext-A */
	/* Forbidden characters. */
	{ P_FORBID, "Kx7#mPq2wZrt", OK },
	{ P_FORBID, "Kx7.mPq2wZrt", FORBIDDEN },
	{ P_FORBID, "Kx7:mPq2wZrt", FORBIDDEN },
	{ P_FORBID, "Kx7+mPq2wZrt", FORBIDDEN },
	{ P_FORBID, "Kx7/mPq2wZrt", FORBIDDEN },
	{ P_FORBID, "Kx7/m+q2w.rt", FORBIDDEN },
	{ P_FORBID, "Kx7.mPq2wZr", LENGTH | FORBIDDEN },
	{ P_DEFAULT, "Kx7.mPq2wZrt", OK },
	{ P_UTF8, "kx7empq2wzrt", OK },
	{ P_UTF8, "kx7émpq2wzrt", FORBIDDEN },
	{ P_UTF8, "kx7Émpq2wzrt", OK },		/* only é is */
	{ P_UTF8, "kx7€mpq2wzrt", FORBIDDEN },
	/* Invalid UTF-8 and control characters. */
	{ P_DEFAULT, "\xff", INVALID },
	{ P_DEFAULT, "\x80Kx7#mPq2wZrt", INVALID },	/* lone continuation */
	{ P_DEFAULT, "Kx7#mPq2wZrt\xc3", INVALID },	/* truncated */
	{ P_DEFAULT, "Kx7#mPq2wZrt\xe2\x82", INVALID },
	{ P_DEFAULT, "Kx7#\xe2\x82mPq2wZrt", INVALID },	/* bad continuation */
	{ P_DEFAULT, "Kx7#\xc0\xafmPq2wZrt", INVALID },	/* overlong '/' */
	{ P_DEFAULT, "Kx7#\xe0\x80\xafmPq2wZr", INVALID },
	{ P_DEFAULT, "Kx7#\xf0\x80\x80\xafmPq2w", INVALID },
	{ P_DEFAULT, "Kx7#\xed\xa0\x80mPq2wZr", INVALID }, /* surrogate */
	{ P_DEFAULT, "Kx7#\xf4\x90\x80\x80mPq2w", INVALID }, /* > U+10FFFF */
	{ P_DEFAULT, "Kx7#\xf5\x80\x80\x80mPq2w", INVALID },
	{ P_DEFAULT, "Kx7#mPq2wZrt\n", INVALID },
	{ P_DEFAULT, "Kx7#mPq2\twZrt", INVALID },
	{ P_DEFAULT, "Kx7#mPq2\rwZrt", INVALID },
	{ P_DEFAULT, "\x01Kx7#mPq2wZrt", INVALID },
	{ P_DEFAULT, "Kx7#mPq2wZrt\x7f", INVALID },	/* DEL */
	{ P_DEFAULT, "Kx7#mPq2\xc2\x85wZrt", INVALID },	/* NEL, C1 */
	{ P_DEFAULT, "Kx7#mPq2\xc2\x9fwZrt", INVALID },
	{ P_RELAXED, "\x1f", INVALID },
};

START_TEST(test_check)
{
	const struct ccase *c = &check_cases[_i];
	struct pw_verdict v;
	unsigned got;

	got = pwpolicy_check(&policies[c->pol], c->pw, NULL, 0, &v);
	ck_assert_msg(got == c->want, "row %d: got %#x, want %#x", _i, got,
	    c->want);
	ck_assert_uint_eq(v.failed, got);
	ck_assert_uint_eq(v.nmsg, (size_t)__builtin_popcount(got));
}
END_TEST

/* The common list: exact, any case, accents, decorated. */
struct comcase {
	const char	*pw;
	bool		 common;
};

static const struct comcase common_cases[] = {
	{ "azerty", true },
	{ "AZERTY", true },
	{ "AzErTy", true },
	{ "motdepasse", true },
	{ "MotDePasse", true },
	{ "Motdepasse2024!", true },
	{ "Motdépasse2024!", true },		/* accents folded */
	{ "MOTDÉPASSE!", true },
	{ "Azertyuiop123!", true },
	{ "2024!Soleil", true },
	{ "!!Doudou!!12", true },
	{ "Marseille13", true },		/* exact, digits included */
	{ "#Marseille13#", true },		/* specials only stripped */
	{ "123456789", true },
	{ "123456789!!", true },
	{ "!1234567890?", true },
	{ "P@ssw0rd", true },
	{ "Password123!", true },
	{ "iloveyou2024", true },
	{ "Qwertyuiop1!", true },
	{ "Infirmière2024!", true },		/* the health context */
	{ "Parvis2025!", true },
	/* Not common: the core must be the whole word, of 4+ characters. */
	{ "Kx7#mPq2wZrt", false },
	{ "Motdepasse-Bleu-42", false },
	{ "Soleil#Lune#2024", false },
	{ "Ma-Maison-Bleue-7", false },
	{ "Azerty-Truc-2024", false },
	{ "12ami!!!!!!!!", false },		/* core "ami": 3 characters */
	{ "1234567890x!", false },
	{ "azertyx", false },
	{ "", false },
};

START_TEST(test_common)
{
	const struct comcase *c = &common_cases[_i];
	struct pw_verdict v;
	unsigned got;

	got = pwpolicy_check(&policies[P_RELAXED], c->pw, NULL, 0, &v);
	ck_assert_msg(((got & COMMON) != 0) == c->common, "%s: got %#x",
	    c->pw, got);
}
END_TEST

/* The user's names and identifier. */
struct perscase {
	const char	*pw;
	const char	*personal[3];
	bool		 found;
};

static const struct perscase personal_cases[] = {
	{ "MonEloise#2024", { "Éloïse", "Martin", "emartin" }, true },
	{ "ÉLOÏSE-2024-x", { "eloise", "Martin", "emartin" }, true },
	{ "xx-eLoIsE-xx", { "Éloïse", NULL, NULL }, true },
	{ "Xmartinx!2024", { "Éloïse", "Martin", "emartin" }, true },
	{ "EMARTIN-2024!", { "Éloïse", "Martin", "emartin" }, true },
	{ "Kx7#mPq2wZrt", { "Éloïse", "Martin", "emartin" }, false },
	{ "Elo-ise#2024K", { "Éloïse", "Martin", "emartin" }, false },
	/* Short names ignored, 3 characters counted. */
	{ "Li#Na-2024-Kx", { "Li", "Na", "li" }, false },
	{ "Lea-Kx7#mPq2w", { "Léa", NULL, NULL }, true },
	{ "Léa-Kx7#mPq2w", { "Lea", NULL, NULL }, true },
	{ "Le-a-Kx7#mPq2", { "Léa", NULL, NULL }, false },
	{ "Xo-Kx7#mPq2wZ", { "Xo", NULL, NULL }, false },
	{ "Bo Li#2024xK", { "Bo Li", NULL, NULL }, true },	/* whole */
	/* Compound names and identifiers, by parts. */
	{ "Helene#2024Kx", { "Marie-Hélène", "Dupont", "mhdupont" }, true },
	{ "Aignan!2024Kx", { "Jean", "Dupont-Aignan", NULL }, true },
	{ "Kx!Dupont2024", { "jean.dupont@ch-lyon.fr", NULL, NULL }, true },
	{ "Kx!Jean#20245", { "jean.dupont@ch-lyon.fr", NULL, NULL }, true },
	{ "Kx!Fr#2024Abc", { "jean.dupont@ch-lyon.fr", NULL, NULL }, false },
	{ "Kx!O'Neil#2024", { "O'Neil", NULL, NULL }, true },
	/* Letters folded: ß, æ, œ; decomposed accents. */
	{ "Strauss#2024x", { "Strauß", NULL, NULL }, true },
	{ "Laetitia#2024", { "Lætitia", NULL, NULL }, true },
	{ "Kx7#Coeur2024", { "Cœur", NULL, NULL }, true },
	{ "E\xcc\x81le\xcc\x81onore#24X", { "Éléonore", NULL, NULL }, true },
	{ "Eleonore#24X", { "E\xcc\x81le\xcc\x81onore", NULL, NULL }, true },
	{ "Łukasz#2024x", { "Lukasz", NULL, NULL }, true },
	/* Nothing to compare with. */
	{ "Kx7#mPq2wZrt", { NULL, NULL, NULL }, false },
	{ "Kx7#mPq2wZrt", { "", "", "" }, false },
	{ "Kx7#mPq2wZrt", { "\xff\xfe", "K\xc3", NULL }, false },
	{ "Kx7#mPq2wZrt", { "---", "!!!", "   " }, false },
	{ "Kx7#mPq2wZrt", { "Zkx7mpq2wzrt", NULL, NULL }, false },
	{ "Kx7#mPq2wZrt", { "mPq", NULL, NULL }, true },
};

START_TEST(test_personal)
{
	const struct perscase *c = &personal_cases[_i];
	struct pw_verdict v;
	unsigned got;

	got = pwpolicy_check(&policies[P_RELAXED], c->pw, c->personal, 3,
	    &v);
	ck_assert_msg(((got & PERSONAL) != 0) == c->found, "%s: got %#x",
	    c->pw, got);
	/* No personal strings at all: never this rule. */
	got = pwpolicy_check(&policies[P_RELAXED], c->pw, NULL, 3, &v);
	ck_assert_uint_eq(got & PERSONAL, 0);
	got = pwpolicy_check(&policies[P_RELAXED], c->pw, c->personal, 0, &v);
	ck_assert_uint_eq(got & PERSONAL, 0);
}
END_TEST

/* The messages, word for word and in order. */
struct msgcase {
	enum pol	 pol;
	const char	*pw;
	const char	*want[PW_RULE__COUNT];
};

static const char *const someone[] = { "Zoé", "Dupont", "zdupont" };

static const struct msgcase message_cases[] = {
	{ P_DEFAULT, "Kx7#mPq2wZrt", { NULL } },
	{ P_DEFAULT, "abc", { M_LEN12, M_UPPER, M_DIGIT, M_SPECIAL } },
	{ P_DEFAULT, "ABC", { M_LEN12, M_LOWER, M_DIGIT, M_SPECIAL } },
	{ P_RELAXED, "abc", { M_LEN8 } },
	{ P_FORBID, "a.b", { M_LEN12, M_UPPER, M_DIGIT, M_FORBID } },
	{ P_UTF8, "kx7émpq2wzrt", { "Sans les caractères é €" } },
	{ P_DEFAULT, "Azertyuiop123!", { M_COMMON } },
	{ P_DEFAULT, "Zoe-Kx7#mPq2w", { M_PERSONAL } },
	{ P_DEFAULT, "zdupont", { M_LEN12, M_UPPER, M_DIGIT, M_SPECIAL,
	    M_PERSONAL } },
	{ P_DEFAULT, "doudou", { M_LEN12, M_UPPER, M_DIGIT, M_SPECIAL,
	    M_COMMON } },
	{ P_DEFAULT, ascii_129, { M_MAXLEN } },
	{ P_DEFAULT, "ab\xff", { M_UTF8 } },
	{ P_DEFAULT, "ab\ncd", { M_CTRL } },
};

START_TEST(test_messages)
{
	const struct msgcase *c = &message_cases[_i];
	struct pw_verdict v;
	size_t i, n;

	pwpolicy_check(&policies[c->pol], c->pw, someone, NELEM(someone), &v);
	for (n = 0; n < PW_RULE__COUNT && c->want[n] != NULL; n++)
		continue;
	ck_assert_uint_eq(v.nmsg, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(v.msg[i], c->want[i]);
}
END_TEST

/* The rules shown beside the field. */
struct desccase {
	enum pol	 pol;
	const char	*codes;		/* space-separated data-rule codes */
	const char	*texts[PW_RULE__COUNT];
};

static const struct desccase describe_cases[] = {
	{ P_DEFAULT, "length upper lower digit special common personal",
	    { M_LEN12, M_UPPER, M_LOWER, M_DIGIT, M_SPECIAL,
	    "Pas un mot de passe trop courant.",
	    "Ni votre nom, ni votre prénom, ni votre identifiant." } },
	{ P_FORBID,
	    "length upper lower digit special forbidden common personal",
	    { M_LEN12, M_UPPER, M_LOWER, M_DIGIT, M_SPECIAL, M_FORBID,
	    "Pas un mot de passe trop courant.",
	    "Ni votre nom, ni votre prénom, ni votre identifiant." } },
	{ P_RELAXED, "length common personal",
	    { M_LEN8, "Pas un mot de passe trop courant.",
	    "Ni votre nom, ni votre prénom, ni votre identifiant." } },
	{ P_UTF8, "length forbidden common personal",
	    { M_LEN12, "Sans les caractères é €",
	    "Pas un mot de passe trop courant.",
	    "Ni votre nom, ni votre prénom, ni votre identifiant." } },
};

START_TEST(test_describe)
{
	const struct desccase *c = &describe_cases[_i];
	const struct pwpolicy *p = &policies[c->pol];
	struct pw_rule_desc d[PW_RULE__COUNT];
	char codes[256];
	size_t i, n, o = 0;

	n = pwpolicy_describe(p, d);
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(codes + o, sizeof(codes) - o, "%s%s",
		    i ? " " : "", d[i].code);
		ck_assert_ptr_nonnull(c->texts[i]);
		ck_assert_str_eq(d[i].text, c->texts[i]);
		ck_assert_uint_eq(d[i].min,
		    d[i].rule == PW_RULE_LENGTH ? p->min_length : 0);
		ck_assert_str_eq(d[i].chars,
		    d[i].rule == PW_RULE_FORBIDDEN ? p->forbidden : "");
	}
	ck_assert_str_eq(codes, c->codes);
	ck_assert(n == PW_RULE__COUNT || c->texts[n] == NULL);
}
END_TEST

/* The configuration keys. */
static char forbid_63[64];	/* 63 distinct printable characters */
static char forbid_64[65];	/* one byte too many */

struct cfgcase {
	const char	*min, *upper, *lower, *digit, *special, *forbidden;
	struct pwpolicy	 want;
};

static const struct cfgcase config_cases[] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL,
	    { 12, true, true, true, true, "" } },
	{ "16", NULL, NULL, NULL, NULL, NULL,
	    { 16, true, true, true, true, "" } },
	{ "8", NULL, NULL, NULL, NULL, NULL,
	    { 8, true, true, true, true, "" } },
	{ "7", NULL, NULL, NULL, NULL, NULL,		/* raised to 8 */
	    { 8, true, true, true, true, "" } },
	{ "0", NULL, NULL, NULL, NULL, NULL,
	    { 8, true, true, true, true, "" } },
	{ "128", NULL, NULL, NULL, NULL, NULL,
	    { 128, true, true, true, true, "" } },
	{ "129", NULL, NULL, NULL, NULL, NULL,		/* invalid: default */
	    { 12, true, true, true, true, "" } },
	{ "-1", NULL, NULL, NULL, NULL, NULL,
	    { 12, true, true, true, true, "" } },
	{ "12x", NULL, NULL, NULL, NULL, NULL,
	    { 12, true, true, true, true, "" } },
	{ NULL, "no", "off", "false", "0", NULL,
	    { 12, false, false, false, false, "" } },
	{ NULL, "yes", "on", "true", "1", NULL,
	    { 12, true, true, true, true, "" } },
	{ NULL, "maybe", NULL, NULL, NULL, NULL,	/* invalid: default */
	    { 12, true, true, true, true, "" } },
	{ NULL, NULL, NULL, NULL, NULL, ".:+/",
	    { 12, true, true, true, true, ".:+/" } },
	{ NULL, NULL, NULL, NULL, NULL, ". : + /",
	    { 12, true, true, true, true, ".:+/" } },
	{ NULL, NULL, NULL, NULL, NULL, "..::++//",
	    { 12, true, true, true, true, ".:+/" } },
	{ NULL, NULL, NULL, NULL, NULL, "é € é\xc2\xa0§",
	    { 12, true, true, true, true, "é€§" } },
	{ NULL, NULL, NULL, NULL, NULL, "",
	    { 12, true, true, true, true, "" } },
	{ NULL, NULL, NULL, NULL, NULL, "\xff.",	/* invalid: none */
	    { 12, true, true, true, true, "" } },
	{ NULL, NULL, NULL, NULL, NULL, ".\x01",
	    { 12, true, true, true, true, "" } },
	{ NULL, NULL, NULL, NULL, NULL, forbid_63,	/* kept: see test */
	    { 12, true, true, true, true, "" } },
	{ NULL, NULL, NULL, NULL, NULL, forbid_64,
	    { 12, true, true, true, true, "" } },
};

START_TEST(test_config)
{
	const struct cfgcase *c = &config_cases[_i];
	const char *want_forbidden = c->want.forbidden;
	struct pwpolicy p;

	if (c->min != NULL)
		config_set("password_min_length", c->min);
	if (c->upper != NULL)
		config_set("password_require_upper", c->upper);
	if (c->lower != NULL)
		config_set("password_require_lower", c->lower);
	if (c->digit != NULL)
		config_set("password_require_digit", c->digit);
	if (c->special != NULL)
		config_set("password_require_special", c->special);
	if (c->forbidden != NULL)
		config_set("password_forbidden_chars", c->forbidden);
	memset(&p, 0x55, sizeof(p));
	pwpolicy_from_config(&p);
	config_free();
	if (c->forbidden == forbid_63)
		want_forbidden = forbid_63;
	ck_assert_uint_eq(p.min_length, c->want.min_length);
	ck_assert(p.need_upper == c->want.need_upper);
	ck_assert(p.need_lower == c->want.need_lower);
	ck_assert(p.need_digit == c->want.need_digit);
	ck_assert(p.need_special == c->want.need_special);
	ck_assert_str_eq(p.forbidden, want_forbidden);
}
END_TEST

/* The shipped list: what bsearch needs, and what the brief names. */
START_TEST(test_common_list)
{
	static const char *const must[] = {
		"azerty", "azertyuiop", "motdepasse", "soleil", "doudou",
		"marseille", "123456789", "password", "qwerty", "iloveyou",
		"loulou", "chouchou", "bonjour", "nicolas", "1234567890",
	};
	size_t i, j, len;
	const char *s;

	ck_assert_uint_ge(pwpolicy_ncommon, 1000);
	for (i = 0; i < pwpolicy_ncommon; i++) {
		s = pwpolicy_common[i];
		len = strlen(s);
		ck_assert_msg(len >= 4, "too short: %s", s);
		for (j = 0; j < len; j++)
			ck_assert_msg(s[j] >= ' ' && s[j] <= '~' &&
			    !(s[j] >= 'A' && s[j] <= 'Z'), "not lower ASCII: %s",
			    s);
		if (i > 0)
			ck_assert_msg(strcmp(pwpolicy_common[i - 1], s) < 0,
			    "out of order: %s, %s", pwpolicy_common[i - 1], s);
		ck_assert(pwpolicy_is_common(s));
	}
	for (i = 0; i < NELEM(must); i++)
		ck_assert_msg(pwpolicy_is_common(must[i]), "%s", must[i]);
	ck_assert(!pwpolicy_is_common(""));
	ck_assert(!pwpolicy_is_common(NULL));
	ck_assert(!pwpolicy_is_common("Azerty"));	/* callers fold */
	ck_assert(!pwpolicy_is_common("kx7#mpq2wzrt"));
	ck_assert(!pwpolicy_is_common("0"));
	ck_assert(!pwpolicy_is_common("~~~~~~~~"));
}
END_TEST

/* The partial, from the source tree, rendered by the real engine. */
static const char *
partial_path(void)
{
	static char path[PATH_MAX];
	static const char rel[] = "templates/partials/password_rules.html";
	const char *top[] = { getenv("srcdir"), ".", "..", "../.." };
	struct stat st;
	size_t i;

	for (i = 0; i < NELEM(top); i++) {
		if (top[i] == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", top[i], rel);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			return path;
	}
	return rel;
}

struct rendercase {
	enum pol	 pol;
	const char	*pw;		/* NULL: no verdict */
	const char	*want[6];	/* substrings of the output */
	const char	*unwanted;
};

static const struct rendercase render_cases[] = {
	{ P_DEFAULT, NULL, {
	    "<ul id=\"password-rules\" class=\"password-rules\" "
	    "aria-live=\"polite\">\n",
	    "<li data-rule=\"length\" data-min=\"12\">Au moins 12 caractères."
	    "<span class=\"visually-hidden\"></span></li>\n",
	    "<li data-rule=\"upper\">Au moins une lettre majuscule.<span",
	    "<li data-rule=\"personal\">Ni votre nom, ni votre prénom, ni "
	    "votre identifiant.<span class=\"visually-hidden\"></span></li>\n"
	    "</ul>\n" }, "rule-" },
	{ P_FORBID, NULL, {
	    "<li data-rule=\"forbidden\" data-chars=\".:+/\">Sans les "
	    "caractères . : + /<span" }, "data-min=\"0\"" },
	{ P_FORBID, "kx7.mpq2wzrt", {
	    "<li data-rule=\"length\" data-min=\"12\" class=\"rule-ok\">"
	    "Au moins 12 caractères.<span class=\"visually-hidden\"> – "
	    "respecté</span></li>",
	    "<li data-rule=\"upper\" class=\"rule-ko\">Au moins une lettre "
	    "majuscule.<span class=\"visually-hidden\"> – non respecté</span>",
	    "<li data-rule=\"lower\" class=\"rule-ok\">",
	    "<li data-rule=\"forbidden\" data-chars=\".:+/\" class=\"rule-ko\">",
	    "<li data-rule=\"common\" class=\"rule-ok\">" }, NULL },
	{ P_DEFAULT, "Azertyuiop123!", {
	    "<li data-rule=\"common\" class=\"rule-ko\">",
	    "<li data-rule=\"personal\" class=\"rule-ok\">" }, NULL },
	{ P_HTML, NULL, {
	    "data-chars=\"&lt;&amp;&quot;&gt;\">Sans les caractères "
	    "&lt; &amp; &quot; &gt;<span",
	    "data-min=\"10\"" }, "data-chars=\"<" },
};

START_TEST(test_render)
{
	static const char page[] = "{{>partials/password_rules}}";
	const struct rendercase *c = &render_cases[_i];
	const struct pwpolicy *p;
	struct tmpl_set *set;
	struct buf src = BUF_INIT, out = BUF_INIT;
	struct pw_verdict v;
	struct arena a;
	struct tdict *ctx;
	char err[512], chunk[4096];
	size_t i, n;
	FILE *f;

	p = &policies[c->pol];
	f = fopen(partial_path(), "r");
	ck_assert_msg(f != NULL, "cannot open %s", partial_path());
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&src, chunk, n);
	fclose(f);
	set = tmpl_set_new();
	ck_assert_msg(tmpl_compile(set, "partials/password_rules", src.data,
	    src.len, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(tmpl_compile(set, "page", page, strlen(page), err,
	    sizeof(err)) == 0, "%s", err);

	arena_init(&a, 0);
	ctx = tdict_new(&a);
	/* Keys of the page around it must not leak into the items. */
	tdict_int(ctx, "min", 99);
	tdict_str(ctx, "chars", "X");
	tdict_bool(ctx, "checked", true);
	if (c->pw != NULL) {
		pwpolicy_check(p, c->pw, NULL, 0, &v);
		pwpolicy_tdict(ctx, p, &v);
	} else
		pwpolicy_tdict(ctx, p, NULL);
	ck_assert_int_eq(tmpl_render(set, "page", ctx, &out), 0);
	buf_append(&out, "", 1);
	for (i = 0; i < NELEM(c->want) && c->want[i] != NULL; i++)
		ck_assert_msg(strstr(out.data, c->want[i]) != NULL,
		    "missing %s in:\n%s", c->want[i], out.data);
	if (c->unwanted != NULL)
		ck_assert_msg(strstr(out.data, c->unwanted) == NULL,
		    "unwanted %s in:\n%s", c->unwanted, out.data);
	ck_assert(strstr(out.data, "data-min=\"99\"") == NULL);
	ck_assert(strstr(out.data, "data-chars=\"X\"") == NULL);
	arena_free(&a);
	buf_free(&out);
	buf_free(&src);
	tmpl_set_free(set);
}
END_TEST

static void
repeat(char *dst, const char *unit, size_t times)
{
	size_t len = strlen(unit), i;

	for (i = 0; i < times; i++)
		memcpy(dst + i * len, unit, len);
	dst[times * len] = '\0';
}

static void
build_inputs(void)
{
	size_t o = 0;
	int c;

	/* 124 × 'a' + "A1#b": 128 code points with every class. */
	repeat(ascii_128, "a", 124);
	memcpy(ascii_128 + 124, "A1#b", 5);
	memcpy(ascii_129, ascii_128, 128);
	memcpy(ascii_129 + 128, "c", 2);

	repeat(accent_128, "é", 124);
	memcpy(accent_128 + 248, "A1#b", 5);
	memcpy(accent_129, accent_128, 252);
	memcpy(accent_129 + 252, "é", 3);

	repeat(emoji_128, "\xf0\x9f\x98\x80", 124);
	memcpy(emoji_128 + 496, "A1#b", 5);
	memcpy(emoji_129, emoji_128, 500);
	memcpy(emoji_129 + 500, "\xf0\x9f\x98\x80", 5);

	repeat(huge, "Ab1#", 2500);

	memcpy(long_bad, ascii_128, 128);
	memcpy(long_bad + 128, "\xff", 2);

	/* '!' .. '_' but ' ', 63 distinct characters; then one more. */
	for (c = '!'; o < 63; c++)
		forbid_63[o++] = (char)c;
	forbid_63[o] = '\0';
	memcpy(forbid_64, forbid_63, 63);
	memcpy(forbid_64 + 63, "~", 2);

	/* Outside any test, so no ck_assert here. */
	if (strlen(ascii_128) != 128 || strlen(accent_128) != 252 ||
	    strlen(emoji_128) != 500 || strlen(emoji_129) != 504 ||
	    strlen(huge) != 10000 || strlen(forbid_64) != 64)
		abort();
}

#define ADD_LOOP(tc, fn, table)						\
	tcase_add_loop_test(tc, fn, 0, (int)NELEM(table))

static Suite *
pwpolicy_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("pwpolicy");
	tc = tcase_create("tables");
	ADD_LOOP(tc, test_check, check_cases);
	ADD_LOOP(tc, test_common, common_cases);
	ADD_LOOP(tc, test_personal, personal_cases);
	ADD_LOOP(tc, test_messages, message_cases);
	ADD_LOOP(tc, test_describe, describe_cases);
	ADD_LOOP(tc, test_config, config_cases);
	tcase_add_test(tc, test_common_list);
	ADD_LOOP(tc, test_render, render_cases);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	build_inputs();
	sr = srunner_create(pwpolicy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
