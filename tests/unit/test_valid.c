/*
 * Unit tests for fcgi/lib/valid.c: one table per validator, valid and
 * invalid inputs side by side, each invalid row naming the message the
 * user must see.
 *
 * Check keys (RPPS, FINESS, NIR) were computed with a separate program
 * (Luhn and 97 - N mod 97, the NIR one two ways: replacing 2A/2B by 19/18,
 * and subtracting 1 000 000 / 2 000 000 from the number read with 20),
 * and each valid number has a one-digit-changed twin that must fail.
 */
#include <check.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Expected messages, copied from valid.c on purpose: wording is tested. */
#define REQUIRED	"Ce champ est obligatoire."
#define TEXT_SHORT	"Ce texte est trop court."
#define TEXT_LONG	"Ce texte est trop long : raccourcissez-le."
#define TEXT_UTF8	"Ce texte contient des caractères non reconnus : saisissez-le à nouveau."
#define TEXT_CTRL	"Ce texte contient des caractères de contrôle : retirez-les."
#define TEXT_LINE	"Saisissez ce texte sur une seule ligne."
#define UINT_FORM	"Saisissez un nombre entier positif, en chiffres."
#define INT_FORM	"Saisissez un nombre entier, en chiffres."
#define NUM_SMALL	"Ce nombre est trop petit."
#define NUM_LARGE	"Ce nombre est trop grand."
#define EMAIL_FORM	"Saisissez une adresse e-mail de la forme nom@domaine.fr."
#define EMAIL_AT	"L'adresse e-mail doit contenir un seul « @ »."
#define EMAIL_LONG	"L'adresse e-mail est trop longue."
#define EMAIL_LOCAL_LONG "La partie avant « @ » est trop longue (64 caractères au plus)."
#define EMAIL_DOT	"Avant « @ », un point ne peut être ni au début, ni à la fin, ni doublé."
#define EMAIL_SPACE	"Retirez les espaces de l'adresse e-mail."
#define EMAIL_CHAR	"L'adresse e-mail contient un caractère non autorisé."
#define EMAIL_DOMAIN	"Vérifiez le domaine après « @ », par exemple domaine.fr."
#define PHONE_FORM	"Saisissez un numéro de téléphone de la forme 01 23 45 67 89."
#define PHONE_CHAR	"Le numéro de téléphone ne peut contenir que des chiffres, des espaces, des points ou des tirets."
#define PHONE_LEN	"Le numéro de téléphone doit comporter 10 chiffres."
#define PHONE_COUNTRY	"Seuls les numéros français sont acceptés : 01 23 45 67 89 ou +33 1 23 45 67 89."
#define PHONE_INTL0	"Après +33, retirez le 0 du numéro."
#define PHONE_00	"Un numéro français ne commence pas par 00 : vérifiez le numéro."
#define MOBILE		"Saisissez un numéro de portable commençant par 06 ou 07."
#define POSTAL_FORM	"Saisissez un code postal de 5 chiffres."
#define POSTAL_DEPT	"Ce code postal n'existe pas : vérifiez le département."
#define INSEE_FORM	"Saisissez un code commune INSEE de 5 caractères, par exemple 75056 ou 2A004."
#define INSEE_DEPT	"Ce code commune INSEE n'existe pas : vérifiez le département."
#define INSEE_COMMUNE	"Ce code commune INSEE n'existe pas : vérifiez les derniers chiffres."
#define RPPS_FORM	"Saisissez un numéro RPPS de 11 chiffres."
#define RPPS_KEY	"La clé du numéro RPPS est incorrecte : vérifiez le numéro."
#define ADELI_FORM	"Saisissez un numéro ADELI de 9 chiffres."
#define IDNPS_FORM	"Saisissez l'identifiant national : 8 suivi du numéro RPPS, ou 0 suivi du numéro ADELI."
#define NIR_FORM	"Saisissez un numéro de sécurité sociale de 15 caractères, clé comprise."
#define NIR_SEX		"Le premier chiffre du numéro de sécurité sociale est incorrect."
#define NIR_MONTH	"Le mois de naissance du numéro de sécurité sociale est incorrect."
#define NIR_KEY		"La clé du numéro de sécurité sociale est incorrecte : vérifiez le numéro."
#define FINESS_FORM	"Saisissez un numéro FINESS de 9 caractères."
#define FINESS_KEY	"La clé du numéro FINESS est incorrecte : vérifiez le numéro."
#define DATE_FORM	"Saisissez une date au format JJ/MM/AAAA."
#define DATE_DAY	"Cette date n'existe pas : vérifiez le jour et le mois."
#define DATE_YEAR	"Vérifiez l'année : elle est en dehors de la période acceptée."
#define TIME_FORM	"Saisissez une heure au format HH:MM, par exemple 09:30."
#define TIME_RANGE	"Cette heure n'existe pas : saisissez une heure entre 00:00 et 23:59."
#define ENUM		"Choisissez une valeur proposée dans la liste."

#define OK		NULL

struct vcase {
	const char	*in;
	long long	 min;
	long long	 max;
	const char	*want;	/* OK, or the message expected */
};

/* Built in main(): too long to write out. */
static char email_254[255];	/* 64 + '@' + 189: the longest accepted */
static char email_255[256];	/* one byte more */
static char email_local64[80];
static char email_local65[80];
static char email_label63[80];
static char email_label64[80];
static char text_1000[1001];

static const struct vcase text_cases[] = {
	{ "abc", 1, 3, OK },
	{ "abcd", 1, 3, TEXT_LONG },
	{ "ab", 3, 10, TEXT_SHORT },
	{ "", 0, 10, OK },
	{ "", 1, 10, REQUIRED },
	{ "Hôpital Saint-Louis", 1, 19, OK },	/* 19 code points, 20 bytes */
	{ "Hôpital Saint-Louis!", 1, 19, TEXT_LONG },
	{ "\xc3\xa9\xc3\xa8\xc3\xa0", 3, 3, OK },	/* 3 code points, 6 bytes */
	{ "日本語", 3, 3, OK },
	{ "日本語x", 3, 3, TEXT_LONG },
	{ "\xf0\x9f\x98\x80", 1, 1, OK },	/* U+1F600, 4 bytes */
	{ "\xf4\x8f\xbf\xbf", 1, 1, OK },	/* U+10FFFF */
	{ "\xef\xbf\xbd", 1, 1, OK },		/* U+FFFD */
	{ "\xc2\xa0", 1, 1, OK },		/* U+00A0, not a control */
	{ text_1000, 1, 1000, OK },
	{ text_1000, 1, 999, TEXT_LONG },
	{ "a\nb", 0, 10, TEXT_LINE },
	{ "a\r\nb", 0, 10, TEXT_LINE },
	{ "a\rb", 0, 10, TEXT_LINE },
	{ "a\tb", 0, 10, TEXT_CTRL },
	{ "\x01", 0, 10, TEXT_CTRL },
	{ "\x1f", 0, 10, TEXT_CTRL },
	{ " ~", 0, 10, OK },			/* U+0020 and U+007E bound U+007F */
	{ "a\x7f", 0, 10, TEXT_CTRL },
	{ "\xc2\x80", 0, 10, TEXT_CTRL },	/* U+0080, C1 control */
	{ "\xc2\x9f", 0, 10, TEXT_CTRL },	/* U+009F */
	{ "\xc3", 0, 10, TEXT_UTF8 },		/* truncated */
	{ "\xe2\x82", 0, 10, TEXT_UTF8 },	/* truncated */
	{ "\xe2\x82" "a", 0, 10, TEXT_UTF8 },	/* bad continuation */
	{ "\x80", 0, 10, TEXT_UTF8 },		/* lone continuation */
	{ "\xff", 0, 10, TEXT_UTF8 },
	{ "\xc0\xaf", 0, 10, TEXT_UTF8 },	/* overlong '/' */
	{ "\xc1\xbf", 0, 10, TEXT_UTF8 },	/* overlong */
	{ "\xe0\x80\xaf", 0, 10, TEXT_UTF8 },	/* overlong, 3 bytes */
	{ "\xf0\x80\x80\xaf", 0, 10, TEXT_UTF8 }, /* overlong, 4 bytes */
	{ "\xed\xa0\x80", 0, 10, TEXT_UTF8 },	/* surrogate U+D800 */
	{ "\xed\xbf\xbf", 0, 10, TEXT_UTF8 },	/* surrogate U+DFFF */
	{ "\xed\x9f\xbf", 0, 10, OK },		/* U+D7FF */
	{ "\xf4\x90\x80\x80", 0, 10, TEXT_UTF8 }, /* U+110000 */
	{ "\xf5\x80\x80\x80", 0, 10, TEXT_UTF8 },
};

static const struct vcase multiline_cases[] = {
	{ "a\nb", 3, 3, OK },
	{ "a\r\nb", 3, 3, OK },		/* CRLF counts as one, like maxlength */
	{ "a\r\nb", 0, 2, TEXT_LONG },
	{ "\r\n", 1, 1, OK },
	{ "a\tb\n\tc", 0, 10, OK },
	{ "Ligne 1\r\nLigne 2\r\n", 1, 100, OK },
	{ "é\nè", 3, 3, OK },
	{ "", 1, 10, REQUIRED },
	{ "", 0, 10, OK },
	{ "ab", 3, 10, TEXT_SHORT },
	{ "a\rb", 0, 10, TEXT_CTRL },	/* lone CR */
	{ "a\r", 0, 10, TEXT_CTRL },
	{ "\n\r", 0, 10, TEXT_CTRL },
	{ "a\x0b", 0, 10, TEXT_CTRL },	/* vertical tab */
	{ "a\x7f", 0, 10, TEXT_CTRL },
	{ "a\n\xc3", 0, 10, TEXT_UTF8 },
};

static const struct vcase uint_cases[] = {
	{ "0", 0, 10, OK },
	{ "10", 0, 10, OK },
	{ "11", 0, 10, NUM_LARGE },
	{ "5", 6, 10, NUM_SMALL },
	{ "007", 0, 10, OK },
	{ "9223372036854775807", 0, LLONG_MAX, OK },
	{ "9223372036854775808", 0, LLONG_MAX, NUM_LARGE },
	{ "99999999999999999999999", 0, LLONG_MAX, NUM_LARGE },
	{ "-1", -10, 10, UINT_FORM },
	{ "+1", 0, 10, UINT_FORM },
	{ " 1", 0, 10, UINT_FORM },
	{ "1 ", 0, 10, UINT_FORM },
	{ "", 0, 10, UINT_FORM },
	{ "1a", 0, 10, UINT_FORM },
	{ "1e3", 0, 10000, UINT_FORM },
	{ "0x10", 0, 100, UINT_FORM },
	{ "1.5", 0, 10, UINT_FORM },
	{ "\xd9\xa3", 0, 10, UINT_FORM },	/* ARABIC-INDIC DIGIT THREE */
};

static const struct vcase int_cases[] = {
	{ "-5", -10, 10, OK },
	{ "-0", -10, 10, OK },
	{ "10", -10, 10, OK },
	{ "-11", -10, 10, NUM_SMALL },
	{ "11", -10, 10, NUM_LARGE },
	{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, OK },
	{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, NUM_SMALL },
	{ "9223372036854775807", LLONG_MIN, LLONG_MAX, OK },
	{ "9223372036854775808", LLONG_MIN, LLONG_MAX, NUM_LARGE },
	{ "-99999999999999999999x", LLONG_MIN, LLONG_MAX, INT_FORM },
	{ "-", -10, 10, INT_FORM },
	{ "--1", -10, 10, INT_FORM },
	{ "- 5", -10, 10, INT_FORM },
	{ "+5", -10, 10, INT_FORM },
	{ " 5", -10, 10, INT_FORM },
	{ "12-", -100, 100, INT_FORM },
	{ "", -10, 10, INT_FORM },
};

static const struct vcase email_cases[] = {
	{ "a.b+c@exemple.fr", 0, 0, OK },
	{ "x@sub.domaine-sante.fr", 0, 0, OK },
	{ "jean.dupont@aphp.fr", 0, 0, OK },
	{ "o'brien_2@a-b.c-d.org", 0, 0, OK },
	{ "user@xn--bcher-kva.de", 0, 0, OK },
	{ "Jean.Dupont@Exemple.FR", 0, 0, OK },
	{ "a@b.c1", 0, 0, OK },
	{ email_254, 0, 0, OK },
	{ email_local64, 0, 0, OK },
	{ email_label63, 0, 0, OK },
	{ "", 0, 0, EMAIL_FORM },
	{ "@exemple.fr", 0, 0, EMAIL_FORM },
	{ "a.exemple.fr", 0, 0, EMAIL_AT },
	{ "a@b@exemple.fr", 0, 0, EMAIL_AT },
	{ ".a@exemple.fr", 0, 0, EMAIL_DOT },
	{ "a.@exemple.fr", 0, 0, EMAIL_DOT },
	{ "a..b@exemple.fr", 0, 0, EMAIL_DOT },
	{ ".@exemple.fr", 0, 0, EMAIL_DOT },
	{ "a@localhost", 0, 0, EMAIL_DOMAIN },
	{ "a@", 0, 0, EMAIL_DOMAIN },
	{ "a@.fr", 0, 0, EMAIL_DOMAIN },
	{ "a@b..fr", 0, 0, EMAIL_DOMAIN },
	{ "a@exemple.fr.", 0, 0, EMAIL_DOMAIN },
	{ "a@-exemple.fr", 0, 0, EMAIL_DOMAIN },
	{ "a@exemple-.fr", 0, 0, EMAIL_DOMAIN },
	{ "a@exemple.-fr", 0, 0, EMAIL_DOMAIN },
	{ "a@exemple.fr-", 0, 0, EMAIL_DOMAIN },
	{ "a@exem_ple.fr", 0, 0, EMAIL_DOMAIN },
	{ "a@192.168.0.1", 0, 0, EMAIL_DOMAIN },
	{ "a@[192.168.0.1]", 0, 0, EMAIL_DOMAIN },
	{ email_label64, 0, 0, EMAIL_DOMAIN },
	{ "a b@exemple.fr", 0, 0, EMAIL_SPACE },
	{ "a@exemple .fr", 0, 0, EMAIL_SPACE },
	{ " a@exemple.fr", 0, 0, EMAIL_SPACE },
	{ "a@exemple.fr ", 0, 0, EMAIL_SPACE },
	{ "a\t@exemple.fr", 0, 0, EMAIL_SPACE },
	{ "élodie@exemple.fr", 0, 0, EMAIL_CHAR },
	{ "a@exemplé.fr", 0, 0, EMAIL_CHAR },
	{ "a(b)@exemple.fr", 0, 0, EMAIL_CHAR },
	{ "\"a\"@exemple.fr", 0, 0, EMAIL_CHAR },
	{ "a,b@exemple.fr", 0, 0, EMAIL_CHAR },
	{ "a\n@exemple.fr", 0, 0, EMAIL_CHAR },
	{ email_255, 0, 0, EMAIL_LONG },
	{ email_local65, 0, 0, EMAIL_LOCAL_LONG },
};

static const struct vcase phone_cases[] = {
	{ "06 12 34 56 78", 0, 0, OK },
	{ "0612345678", 0, 0, OK },
	{ "+33 6 12 34 56 78", 0, 0, OK },
	{ "+33612345678", 0, 0, OK },
	{ "01.23.45.67.89", 0, 0, OK },
	{ "01-23-45-67-89", 0, 0, OK },
	{ "09 72-10.20 30", 0, 0, OK },
	{ "+33-1-23-45-67-89", 0, 0, OK },
	{ "0012345678", 0, 0, PHONE_00 },
	{ "00 33 61 23 45", 0, 0, PHONE_00 },
	{ "061234567", 0, 0, PHONE_LEN },	/* 9 digits */
	{ "06123456789", 0, 0, PHONE_LEN },	/* 11 digits */
	{ "+3361234567", 0, 0, PHONE_LEN },	/* 8 after +33 */
	{ "+336123456789", 0, 0, PHONE_LEN },	/* 10 after +33 */
	{ "+33", 0, 0, PHONE_LEN },
	{ "+33 0612345678", 0, 0, PHONE_INTL0 },
	{ "+330612345678", 0, 0, PHONE_INTL0 },
	{ "+44 20 7946 0958", 0, 0, PHONE_COUNTRY },
	{ "+3 3612345678", 0, 0, PHONE_COUNTRY },
	{ "+", 0, 0, PHONE_COUNTRY },
	{ "06 12 34 56 7a", 0, 0, PHONE_CHAR },
	{ "zéro six", 0, 0, PHONE_CHAR },
	{ "06/12/34/56/78", 0, 0, PHONE_CHAR },
	{ "+33 (0)6 12 34 56 78", 0, 0, PHONE_CHAR },
	{ "6123456789", 0, 0, PHONE_FORM },	/* no leading 0 */
	{ "", 0, 0, PHONE_FORM },
	{ " 0612345678", 0, 0, PHONE_FORM },
	{ "0612345678 ", 0, 0, PHONE_FORM },
	{ "06  12 34 56 78", 0, 0, PHONE_FORM },
	{ "06 .12 34 56 78", 0, 0, PHONE_FORM },
	{ "+33  6 12 34 56 78", 0, 0, PHONE_FORM },
};

static const struct vcase mobile_cases[] = {
	{ "06 12 34 56 78", 0, 0, OK },
	{ "07 12 34 56 78", 0, 0, OK },
	{ "+33 6 12 34 56 78", 0, 0, OK },
	{ "+33712345678", 0, 0, OK },
	{ "01 23 45 67 89", 0, 0, MOBILE },
	{ "05 12 34 56 78", 0, 0, MOBILE },
	{ "08 12 34 56 78", 0, 0, MOBILE },
	{ "09 12 34 56 78", 0, 0, MOBILE },
	{ "+33 1 23 45 67 89", 0, 0, MOBILE },
	{ "+33 0612345678", 0, 0, PHONE_INTL0 },
	{ "061234567", 0, 0, PHONE_LEN },
	{ "0012345678", 0, 0, PHONE_00 },
	{ "", 0, 0, PHONE_FORM },
};

static const struct vcase postal_cases[] = {
	{ "75001", 0, 0, OK },
	{ "01000", 0, 0, OK },
	{ "95999", 0, 0, OK },
	{ "20000", 0, 0, OK },		/* Ajaccio: Corsica's codes are 20xxx */
	{ "20200", 0, 0, OK },		/* Bastia */
	{ "97100", 0, 0, OK },		/* Basse-Terre */
	{ "97133", 0, 0, OK },		/* Saint-Barthélemy */
	{ "97400", 0, 0, OK },
	{ "97600", 0, 0, OK },		/* Mayotte */
	{ "98000", 0, 0, OK },		/* Monaco */
	{ "98800", 0, 0, OK },		/* Nouméa */
	{ "98999", 0, 0, OK },
	{ "00100", 0, 0, POSTAL_DEPT },
	{ "00999", 0, 0, POSTAL_DEPT },
	{ "96000", 0, 0, POSTAL_DEPT },
	{ "96999", 0, 0, POSTAL_DEPT },
	{ "97000", 0, 0, POSTAL_DEPT },
	{ "97099", 0, 0, POSTAL_DEPT },
	{ "97700", 0, 0, POSTAL_DEPT },
	{ "99000", 0, 0, POSTAL_DEPT },
	{ "7500", 0, 0, POSTAL_FORM },
	{ "750011", 0, 0, POSTAL_FORM },
	{ "7500A", 0, 0, POSTAL_FORM },
	{ "2A000", 0, 0, POSTAL_FORM },
	{ " 75001", 0, 0, POSTAL_FORM },
	{ "75 001", 0, 0, POSTAL_FORM },
	{ "", 0, 0, POSTAL_FORM },
};

static const struct vcase insee_cases[] = {
	{ "75056", 0, 0, OK },		/* Paris */
	{ "75101", 0, 0, OK },		/* Paris 1er arrondissement */
	{ "01001", 0, 0, OK },
	{ "95690", 0, 0, OK },
	{ "2A004", 0, 0, OK },		/* Ajaccio */
	{ "2B033", 0, 0, OK },		/* Bastia */
	{ "2B366", 0, 0, OK },
	{ "97101", 0, 0, OK },
	{ "97411", 0, 0, OK },		/* Saint-Denis (La Réunion) */
	{ "97617", 0, 0, OK },
	{ "97701", 0, 0, OK },		/* Saint-Barthélemy */
	{ "97801", 0, 0, OK },		/* Saint-Martin */
	{ "98735", 0, 0, OK },		/* Papeete */
	{ "98818", 0, 0, OK },		/* Nouméa */
	{ "20004", 0, 0, INSEE_DEPT },	/* Corsica is 2A/2B, not 20 */
	{ "00001", 0, 0, INSEE_DEPT },
	{ "96001", 0, 0, INSEE_DEPT },
	{ "99138", 0, 0, INSEE_DEPT },	/* a country of birth, not a commune */
	{ "97001", 0, 0, INSEE_DEPT },
	{ "97901", 0, 0, INSEE_DEPT },
	{ "75000", 0, 0, INSEE_COMMUNE },
	{ "2A000", 0, 0, INSEE_COMMUNE },
	{ "97100", 0, 0, INSEE_COMMUNE },
	{ "98000", 0, 0, INSEE_COMMUNE },
	{ "2C004", 0, 0, INSEE_FORM },
	{ "2a004", 0, 0, INSEE_FORM },
	{ "2A04", 0, 0, INSEE_FORM },
	{ "2A0045", 0, 0, INSEE_FORM },
	{ "2A", 0, 0, INSEE_FORM },
	{ "7505", 0, 0, INSEE_FORM },
	{ "750560", 0, 0, INSEE_FORM },
	{ "A7505", 0, 0, INSEE_FORM },
	{ "", 0, 0, INSEE_FORM },
};

static const struct vcase rpps_cases[] = {
	{ "10001045367", 0, 0, OK },
	{ "10001045368", 0, 0, RPPS_KEY },
	{ "10011045367", 0, 0, RPPS_KEY },
	{ "10000000009", 0, 0, OK },
	{ "10000000000", 0, 0, RPPS_KEY },
	{ "10010000009", 0, 0, RPPS_KEY },
	{ "10123456781", 0, 0, OK },
	{ "10123456782", 0, 0, RPPS_KEY },
	{ "10133456781", 0, 0, RPPS_KEY },
	{ "19999999998", 0, 0, OK },
	{ "19999999999", 0, 0, RPPS_KEY },
	{ "19909999998", 0, 0, RPPS_KEY },
	{ "1000104536", 0, 0, RPPS_FORM },
	{ "100010453670", 0, 0, RPPS_FORM },
	{ "1000104536a", 0, 0, RPPS_FORM },
	{ " 10001045367", 0, 0, RPPS_FORM },
	{ "100 01045367", 0, 0, RPPS_FORM },
	{ "", 0, 0, RPPS_FORM },
};

static const struct vcase adeli_cases[] = {
	{ "751234567", 0, 0, OK },
	{ "2A1234567", 0, 0, ADELI_FORM },
	{ "75123456", 0, 0, ADELI_FORM },
	{ "7512345678", 0, 0, ADELI_FORM },
	{ "75123456a", 0, 0, ADELI_FORM },
	{ "", 0, 0, ADELI_FORM },
};

static const struct vcase idnps_cases[] = {
	{ "810001045367", 0, 0, OK },
	{ "810001045368", 0, 0, RPPS_KEY },
	{ "810123456781", 0, 0, OK },
	{ "810133456781", 0, 0, RPPS_KEY },
	{ "0751234567", 0, 0, OK },
	{ "10001045367", 0, 0, IDNPS_FORM },	/* prefix missing */
	{ "910001045367", 0, 0, IDNPS_FORM },
	{ "81000104536", 0, 0, IDNPS_FORM },
	{ "8100010453670", 0, 0, IDNPS_FORM },
	{ "075123456", 0, 0, IDNPS_FORM },
	{ "07512345678", 0, 0, IDNPS_FORM },
	{ "010001045367", 0, 0, IDNPS_FORM },	/* RPPS behind '0' */
	{ "8751234567", 0, 0, IDNPS_FORM },	/* ADELI behind '8' */
	{ "8", 0, 0, IDNPS_FORM },
	{ "", 0, 0, IDNPS_FORM },
};

static const struct vcase nir_cases[] = {
	{ "189127512501282", 0, 0, OK },	/* worked example, key 82 */
	{ "189127512501283", 0, 0, NIR_KEY },
	{ "189127512502282", 0, 0, NIR_KEY },
	{ "1 85 05 78 006 084 91", 0, 0, OK },
	{ "1 85 05 78 006 084 92", 0, 0, NIR_KEY },
	{ "1 85 05 78 006 085 91", 0, 0, NIR_KEY },
	{ "185057800607897", 0, 0, OK },	/* N mod 97 = 0: key 97 */
	{ "185057800607898", 0, 0, NIR_KEY },
	{ "269029934173285", 0, 0, OK },
	{ "269029934173286", 0, 0, NIR_KEY },
	{ "202019881100101", 0, 0, OK },	/* key 01 */
	{ "202019881100102", 0, 0, NIR_KEY },
	{ "1 85 05 971 23 045 84", 0, 0, OK },	/* overseas grouping */
	{ "1 85 05 97 123 045 84", 0, 0, OK },
	{ "1 85 05 971 23 045 85", 0, 0, NIR_KEY },
	/* Corsica: 2A read as 19, 2B as 18. */
	{ "185052A00401072", 0, 0, OK },
	{ "1 85 05 2A 004 010 72", 0, 0, OK },
	{ "185052A00401073", 0, 0, NIR_KEY },
	{ "185052A00401045", 0, 0, NIR_KEY },	/* key as if 2A were 20 */
	{ "185052B00401072", 0, 0, NIR_KEY },	/* 2A key on 2B */
	{ "285052B12345610", 0, 0, OK },
	{ "2 85 05 2B 123 456 10", 0, 0, OK },
	{ "285052B12345611", 0, 0, NIR_KEY },
	{ "285052B12345653", 0, 0, NIR_KEY },	/* key as if 2B were 20 */
	{ "369122A11122265", 0, 0, OK },	/* provisional, sex 3 */
	{ "369122A11122266", 0, 0, NIR_KEY },
	/* Provisional sex digits and unknown-month codes. */
	{ "785429912300175", 0, 0, OK },	/* sex 7, month 42 */
	{ "785429912300176", 0, 0, NIR_KEY },
	{ "899209912300154", 0, 0, OK },	/* sex 8, month 20 */
	{ "899209912300155", 0, 0, NIR_KEY },
	{ "400126012345646", 0, 0, OK },	/* sex 4 */
	{ "400126012345647", 0, 0, NIR_KEY },
	{ "585057800608491", 0, 0, NIR_SEX },
	{ "085057800608491", 0, 0, NIR_SEX },
	{ "985057800608491", 0, 0, NIR_SEX },
	{ "185007800608491", 0, 0, NIR_MONTH },
	{ "185137800608491", 0, 0, NIR_MONTH },
	{ "185197800608491", 0, 0, NIR_MONTH },
	{ "18505780060849", 0, 0, NIR_FORM },	/* 14 characters */
	{ "1850578006084911", 0, 0, NIR_FORM },
	{ "1850578006084", 0, 0, NIR_FORM },	/* key missing */
	{ "185052C00401072", 0, 0, NIR_FORM },
	{ "185052a00401072", 0, 0, NIR_FORM },
	{ "18505A200401072", 0, 0, NIR_FORM },	/* letter misplaced */
	{ "1850578006084A1", 0, 0, NIR_FORM },
	{ " 185057800608491", 0, 0, NIR_FORM },
	{ "185057800608491 ", 0, 0, NIR_FORM },
	{ "1  85 05 78 006 084 91", 0, 0, NIR_FORM },
	{ "18 5 05 78 006 084 91", 0, 0, NIR_FORM },
	{ "1.85.05.78.006.084.91", 0, 0, NIR_FORM },
	{ "", 0, 0, NIR_FORM },
};

static const struct vcase finess_cases[] = {
	{ "750712184", 0, 0, OK },	/* published; Luhn sum 30 */
	{ "750712185", 0, 0, FINESS_KEY },
	{ "750722184", 0, 0, FINESS_KEY },
	{ "130783152", 0, 0, OK },
	{ "130783153", 0, 0, FINESS_KEY },
	{ "690781810", 0, 0, OK },
	{ "690781811", 0, 0, FINESS_KEY },
	/* Corsica: 2A/2B counted as 20 for the key. */
	{ "2A0000008", 0, 0, OK },
	{ "2A0000009", 0, 0, FINESS_KEY },
	{ "2B0000016", 0, 0, OK },
	{ "2B0000017", 0, 0, FINESS_KEY },
	{ "2A0040129", 0, 0, OK },
	{ "2A0040120", 0, 0, FINESS_KEY },
	{ "75071218", 0, 0, FINESS_FORM },
	{ "7507121840", 0, 0, FINESS_FORM },
	{ "75071218A", 0, 0, FINESS_FORM },
	{ "2C0000008", 0, 0, FINESS_FORM },
	{ "2a0000008", 0, 0, FINESS_FORM },
	{ "752A00008", 0, 0, FINESS_FORM },
	{ "2A", 0, 0, FINESS_FORM },
	{ " 750712184", 0, 0, FINESS_FORM },
	{ "", 0, 0, FINESS_FORM },
};

static const struct vcase date_cases[] = {
	{ "29/02/2024", 0, 0, OK },
	{ "2024-02-29", 0, 0, OK },
	{ "29/02/2023", 0, 0, DATE_DAY },
	{ "2023-02-29", 0, 0, DATE_DAY },
	{ "28/02/2023", 0, 0, OK },
	{ "29/02/1900", 0, 0, DATE_DAY },	/* divisible by 100 */
	{ "29/02/2000", 0, 0, OK },		/* divisible by 400 */
	{ "2100-02-29", 0, 0, DATE_DAY },
	{ "31/01/2024", 0, 0, OK },
	{ "31/04/2024", 0, 0, DATE_DAY },
	{ "30/04/2024", 0, 0, OK },
	{ "31/12/2024", 0, 0, OK },
	{ "32/01/2024", 0, 0, DATE_DAY },
	{ "00/01/2024", 0, 0, DATE_DAY },
	{ "01/00/2024", 0, 0, DATE_DAY },
	{ "01/13/2024", 0, 0, DATE_DAY },
	{ "2024-13-01", 0, 0, DATE_DAY },
	{ "01/01/1900", 0, 0, OK },		/* default bounds 1900..2100 */
	{ "31/12/2100", 0, 0, OK },
	{ "31/12/1899", 0, 0, DATE_YEAR },
	{ "2101-01-01", 0, 0, DATE_YEAR },
	{ "15/06/2000", 2000, 2024, OK },
	{ "15/06/1999", 2000, 2024, DATE_YEAR },
	{ "15/06/2025", 2000, 2024, DATE_YEAR },
	{ "15/06/1850", 1800, 0, OK },		/* only max defaulted */
	{ "15/06/2101", 1800, 0, DATE_YEAR },
	{ "0000-01-01", 0, 0, DATE_DAY },
	{ "1/2/2024", 0, 0, DATE_FORM },
	{ "01/02/24", 0, 0, DATE_FORM },
	{ "2024/02/29", 0, 0, DATE_FORM },
	{ "29-02-2024", 0, 0, DATE_FORM },
	{ "29.02.2024", 0, 0, DATE_FORM },
	{ "2024-2-29", 0, 0, DATE_FORM },
	{ "29/02/2024 ", 0, 0, DATE_FORM },
	{ " 29/02/2024", 0, 0, DATE_FORM },
	{ "29/02/2024x", 0, 0, DATE_FORM },
	{ "2024-02-29T00:00", 0, 0, DATE_FORM },
	{ "aa/bb/cccc", 0, 0, DATE_FORM },
	{ "", 0, 0, DATE_FORM },
};

static const struct vcase time_cases[] = {
	{ "00:00", 0, 0, OK },
	{ "09:30", 0, 0, OK },
	{ "12:00", 0, 0, OK },
	{ "23:59", 0, 0, OK },
	{ "24:00", 0, 0, TIME_RANGE },
	{ "23:60", 0, 0, TIME_RANGE },
	{ "99:99", 0, 0, TIME_RANGE },
	{ "9:30", 0, 0, TIME_FORM },
	{ "09h30", 0, 0, TIME_FORM },
	{ "09:30:00", 0, 0, TIME_FORM },
	{ "0930", 0, 0, TIME_FORM },
	{ "09:3", 0, 0, TIME_FORM },
	{ " 09:30", 0, 0, TIME_FORM },
	{ "", 0, 0, TIME_FORM },
};

/* Every validator, for the checks that apply to all of them. */
static const struct {
	const char	*name;
	valid_fn	 fn;
} validators[] = {
	{ "text", valid_text },
	{ "multiline", valid_multiline },
	{ "uint", valid_uint },
	{ "int", valid_int },
	{ "email", valid_email },
	{ "phone", valid_phone_fr },
	{ "mobile", valid_mobile_fr },
	{ "postal", valid_postal_code },
	{ "insee", valid_insee_commune },
	{ "rpps", valid_rpps },
	{ "adeli", valid_adeli },
	{ "idnps", valid_idnps },
	{ "nir", valid_nir },
	{ "finess", valid_finess },
	{ "date", valid_date },
	{ "time", valid_time },
};

static void
run(valid_fn fn, const char *name, const struct vcase *c)
{
	const char *got, *end;

	got = fn(c->in, c->min, c->max);
	if (c->want == NULL) {
		ck_assert_msg(got == NULL, "%s(\"%s\", %lld, %lld): "
		    "want valid, got \"%s\"", name, c->in, c->min, c->max,
		    got);
		return;
	}
	ck_assert_msg(got != NULL, "%s(\"%s\", %lld, %lld): want \"%s\", "
	    "got valid", name, c->in, c->min, c->max, c->want);
	ck_assert_msg(strcmp(got, c->want) == 0, "%s(\"%s\", %lld, %lld): "
	    "want \"%s\", got \"%s\"", name, c->in, c->min, c->max, c->want,
	    got);
	/* Messages are sentences: valid UTF-8 text ending with a full stop. */
	ck_assert_ptr_null(valid_text(got, 1, 200));
	end = got + strlen(got);
	ck_assert_int_eq(end[-1], '.');
}

#define TABLE_TEST(tname, fn, table)					\
START_TEST(tname)							\
{									\
	run(fn, #fn, &table[_i]);					\
}									\
END_TEST

TABLE_TEST(test_text, valid_text, text_cases)
TABLE_TEST(test_multiline, valid_multiline, multiline_cases)
TABLE_TEST(test_uint, valid_uint, uint_cases)
TABLE_TEST(test_int, valid_int, int_cases)
TABLE_TEST(test_email, valid_email, email_cases)
TABLE_TEST(test_phone, valid_phone_fr, phone_cases)
TABLE_TEST(test_mobile, valid_mobile_fr, mobile_cases)
TABLE_TEST(test_postal, valid_postal_code, postal_cases)
TABLE_TEST(test_insee, valid_insee_commune, insee_cases)
TABLE_TEST(test_rpps, valid_rpps, rpps_cases)
TABLE_TEST(test_adeli, valid_adeli, adeli_cases)
TABLE_TEST(test_idnps, valid_idnps, idnps_cases)
TABLE_TEST(test_nir, valid_nir, nir_cases)
TABLE_TEST(test_finess, valid_finess, finess_cases)
TABLE_TEST(test_date, valid_date, date_cases)
TABLE_TEST(test_time, valid_time, time_cases)

START_TEST(test_null_input)
{
	const char *got;

	/* valid_text with min 0 takes NULL as the empty string. */
	got = validators[_i].fn(NULL, 1, 10);
	ck_assert_msg(got != NULL, "%s(NULL) accepted", validators[_i].name);
}
END_TEST

static const struct {
	const char	*in;
	long long	 min;
	long long	 max;
	int		 ret;
	long long	 out;	/* when ret is 0 */
} parse_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "42", 0, 100, 0, 42 },
	{ "-42", -100, 100, 0, -42 },
	{ "007", 0, 10, 0, 7 },
	{ "-0", 0, 0, 0, 0 },
	{ "9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX },
	{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN },
	{ "9223372036854775808", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "184467440737095516160", LLONG_MIN, LLONG_MAX, -1, 0 },
	{ "101", 0, 100, -1, 0 },
	{ "-1", 0, 100, -1, 0 },
	{ "5", 10, 1, -1, 0 },		/* min > max */
	{ "", 0, 10, -1, 0 },
	{ " 5", 0, 10, -1, 0 },
	{ "\t5", 0, 10, -1, 0 },
	{ "+5", 0, 10, -1, 0 },
	{ "5 ", 0, 10, -1, 0 },
	{ "5x", 0, 10, -1, 0 },
	{ "-", -10, 10, -1, 0 },
	{ "0x1", 0, 10, -1, 0 },
	{ NULL, 0, 10, -1, 0 },
};

START_TEST(test_parse_ll)
{
	long long out = 12345;
	int ret;

	ret = valid_parse_ll(parse_cases[_i].in, parse_cases[_i].min,
	    parse_cases[_i].max, &out);
	ck_assert_msg(ret == parse_cases[_i].ret, "valid_parse_ll(\"%s\"): "
	    "want %d, got %d", parse_cases[_i].in ? parse_cases[_i].in :
	    "(null)", parse_cases[_i].ret, ret);
	if (ret == 0)
		ck_assert(out == parse_cases[_i].out);
	else
		ck_assert(out == 12345);	/* untouched on failure */
}
END_TEST

static const struct {
	const char	*in;
	int		 ret;
	int		 y, m, d;
} date_parse_cases[] = {
	{ "29/02/2024", 0, 2024, 2, 29 },
	{ "2024-02-29", 0, 2024, 2, 29 },
	{ "01/12/1850", 0, 1850, 12, 1 },	/* no year bounds here */
	{ "9999-12-31", 0, 9999, 12, 31 },
	{ "29/02/2023", -1, 0, 0, 0 },
	{ "31/06/2024", -1, 0, 0, 0 },
	{ "0000-01-01", -1, 0, 0, 0 },
	{ "2024-02-29 ", -1, 0, 0, 0 },
	{ "29/2/2024", -1, 0, 0, 0 },
	{ "", -1, 0, 0, 0 },
	{ NULL, -1, 0, 0, 0 },
};

START_TEST(test_date_parse)
{
	int y = -1, m = -1, d = -1, ret;

	ret = valid_date_parse(date_parse_cases[_i].in, &y, &m, &d);
	ck_assert_int_eq(ret, date_parse_cases[_i].ret);
	if (ret == 0) {
		ck_assert_int_eq(y, date_parse_cases[_i].y);
		ck_assert_int_eq(m, date_parse_cases[_i].m);
		ck_assert_int_eq(d, date_parse_cases[_i].d);
	} else {
		ck_assert_int_eq(y, -1);
		ck_assert_int_eq(m, -1);
		ck_assert_int_eq(d, -1);
	}
}
END_TEST

static const struct {
	const char	*in;
	const char	*want;
} normalise_cases[] = {
	{ "06 12 34 56 78", "0612345678" },
	{ "0612345678", "0612345678" },
	{ "+33 6 12 34 56 78", "0612345678" },
	{ "+33612345678", "0612345678" },
	{ "01.23.45.67.89", "0123456789" },
	{ "01-23-45-67-89", "0123456789" },
	{ "", "" },
	{ "+", "" },
};

START_TEST(test_phone_normalise)
{
	char s[64];
	size_t n;

	n = strlen(normalise_cases[_i].in);
	ck_assert_uint_lt(n, sizeof(s));
	memcpy(s, normalise_cases[_i].in, n + 1);
	ck_assert_ptr_eq(valid_phone_normalise(s), s);
	ck_assert_str_eq(s, normalise_cases[_i].want);
	/* A normalised number is still valid, and stable. */
	if (valid_phone_fr(normalise_cases[_i].in, 0, 0) == NULL) {
		ck_assert_ptr_null(valid_phone_fr(s, 0, 0));
		valid_phone_normalise(s);
		ck_assert_str_eq(s, normalise_cases[_i].want);
	}
}
END_TEST

START_TEST(test_phone_normalise_null)
{
	ck_assert_ptr_null(valid_phone_normalise(NULL));
}
END_TEST

static const char *const sexes[] = { "M", "F", "I", NULL };
static const char *const empty_list[] = { NULL };

static const struct {
	const char		*in;
	const char *const	*allowed;
	const char		*want;
} enum_cases[] = {
	{ "M", sexes, OK },
	{ "F", sexes, OK },
	{ "I", sexes, OK },
	{ "m", sexes, ENUM },
	{ "MF", sexes, ENUM },
	{ "M ", sexes, ENUM },
	{ "", sexes, ENUM },
	{ NULL, sexes, ENUM },
	{ "M", empty_list, ENUM },
	{ "M", NULL, ENUM },
};

START_TEST(test_enum)
{
	const char *got;

	got = valid_enum(enum_cases[_i].in, enum_cases[_i].allowed);
	if (enum_cases[_i].want == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, enum_cases[_i].want);
}
END_TEST

static const struct {
	const char	*in;
	size_t		 n;
	bool		 want;
} luhn_cases[] = {
	{ "79927398713", 11, true },	/* the textbook example */
	{ "79927398710", 11, false },
	{ "79927398731", 11, false },	/* adjacent digits swapped */
	{ "4111111111111111", 16, true },
	{ "4111111111111112", 16, false },
	{ "750712184", 9, true },
	{ "0", 1, true },
	{ "1", 1, false },
	{ "18", 2, true },
	{ "10001045367xyz", 11, true },	/* only the first n bytes */
	{ "18", 5, false },		/* n beyond the NUL */
	{ "7992739871a", 11, false },
	{ "", 0, false },
	{ NULL, 3, false },
};

START_TEST(test_luhn)
{
	ck_assert_msg(valid_luhn(luhn_cases[_i].in, luhn_cases[_i].n) ==
	    luhn_cases[_i].want, "valid_luhn(\"%s\", %zu)",
	    luhn_cases[_i].in ? luhn_cases[_i].in : "(null)",
	    luhn_cases[_i].n);
}
END_TEST

static void
fill(char *p, char c, size_t n)
{
	memset(p, c, n);
}

/* Builds the long inputs the tables point at. */
static void
build_inputs(void)
{
	char *p;

	/* 64-byte local part, '@', then 63 + 1 + 63 + 1 + 58 + 3 = 189. */
	p = email_254;
	fill(p, 'l', 64);
	p += 64;
	*p++ = '@';
	fill(p, 'a', 63);
	p += 63;
	*p++ = '.';
	fill(p, 'b', 63);
	p += 63;
	*p++ = '.';
	fill(p, 'c', 58);
	p += 58;
	memcpy(p, ".fr", 4);

	/* Same with one more byte in the third label. */
	p = email_255;
	memcpy(p, email_254, 64 + 1 + 63 + 1 + 63 + 1 + 58);
	p += 64 + 1 + 63 + 1 + 63 + 1 + 58;
	memcpy(p, "c.fr", 5);

	fill(email_local64, 'x', 64);
	memcpy(email_local64 + 64, "@a.fr", 6);
	fill(email_local65, 'x', 65);
	memcpy(email_local65 + 65, "@a.fr", 6);

	memcpy(email_label63, "a@", 2);
	fill(email_label63 + 2, 'd', 63);
	memcpy(email_label63 + 2 + 63, ".fr", 4);
	memcpy(email_label64, "a@", 2);
	fill(email_label64 + 2, 'd', 64);
	memcpy(email_label64 + 2 + 64, ".fr", 4);

	fill(text_1000, 'x', 1000);
	text_1000[1000] = '\0';

	/* Outside any test, so no ck_assert here. */
	if (strlen(email_254) != 254 || strlen(email_255) != 255 ||
	    strlen(email_local64) != 69 || strlen(email_local65) != 70 ||
	    strlen(email_label63) != 68 || strlen(email_label64) != 69)
		abort();
}

#define ADD_LOOP(tc, fn, table)						\
	tcase_add_loop_test(tc, fn, 0, (int)NELEM(table))

static Suite *
valid_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("valid");
	tc = tcase_create("tables");
	ADD_LOOP(tc, test_text, text_cases);
	ADD_LOOP(tc, test_multiline, multiline_cases);
	ADD_LOOP(tc, test_uint, uint_cases);
	ADD_LOOP(tc, test_int, int_cases);
	ADD_LOOP(tc, test_email, email_cases);
	ADD_LOOP(tc, test_phone, phone_cases);
	ADD_LOOP(tc, test_mobile, mobile_cases);
	ADD_LOOP(tc, test_postal, postal_cases);
	ADD_LOOP(tc, test_insee, insee_cases);
	ADD_LOOP(tc, test_rpps, rpps_cases);
	ADD_LOOP(tc, test_adeli, adeli_cases);
	ADD_LOOP(tc, test_idnps, idnps_cases);
	ADD_LOOP(tc, test_nir, nir_cases);
	ADD_LOOP(tc, test_finess, finess_cases);
	ADD_LOOP(tc, test_date, date_cases);
	ADD_LOOP(tc, test_time, time_cases);
	ADD_LOOP(tc, test_null_input, validators);
	ADD_LOOP(tc, test_parse_ll, parse_cases);
	ADD_LOOP(tc, test_date_parse, date_parse_cases);
	ADD_LOOP(tc, test_phone_normalise, normalise_cases);
	tcase_add_test(tc, test_phone_normalise_null);
	ADD_LOOP(tc, test_enum, enum_cases);
	ADD_LOOP(tc, test_luhn, luhn_cases);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	build_inputs();
	sr = srunner_create(valid_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
