/*
 * ICOPE scoring rules (see icope_rules.h).  Everything here works from the
 * tables it is given; the default tables below are the WHO screening tool
 * and the usual STEP 2 cut-offs of shared/domain/icope.md.
 */
#include "icope_rules.h"

#include <limits.h>
#include <string.h>

#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- default STEP 1 form ---- */

static const struct icope_item_def cognition_items[] = {
	{ "cog_memory_worsened",
	  "Les problèmes de mémoire se sont-ils aggravés au cours des "
	  "6 derniers mois ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_INFO, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
	{ "cog_orientation_time",
	  "Orientation dans le temps : donne la date complète correctement ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 0, 0, 0 },
	{ "cog_orientation_place",
	  "Orientation dans l'espace : sait où elle se trouve ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 0, 0, 0 },
	{ "cog_words_recalled",
	  "Nombre de mots rappelés (sur 3)",
	  ICOPE_KIND_COUNT, ICOPE_ROLE_REQUIRED, 0, 3, ICOPE_POS_BELOW, 3,
	  ICOPE_DECLINE_WORDS, 1 },
};

/* Seconds in hundredths: 1 s to 5 min; more is a typing error. */
static const struct icope_item_def mobility_items[] = {
	{ "mob_chair_rise_seconds",
	  "Temps pour se lever 5 fois d'une chaise sans les bras (secondes)",
	  ICOPE_KIND_SECONDS, ICOPE_ROLE_REQUIRED, 100, 30000,
	  ICOPE_POS_ABOVE, 1400,
	  ICOPE_DECLINE_CHAIR_RISE, ICOPE_CHAIR_RISE_DECLINE_CS },
	{ "mob_chair_rise_unable",
	  "Ne peut pas réaliser le lever de chaise, ou ce n'est pas sûr",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_OPTIONAL, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
};

static const struct icope_item_def nutrition_items[] = {
	{ "nut_weight_loss",
	  "Perte de poids involontaire de plus de 3 kg au cours des "
	  "3 derniers mois ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
	{ "nut_appetite_loss",
	  "Perte d'appétit ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
};

static const struct icope_item_def vision_items[] = {
	{ "vis_eye_problem",
	  "Problèmes de vue : pour voir de loin, pour lire, maladie des yeux "
	  "ou traitement en cours (diabète, hypertension artérielle) ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
};

static const struct icope_item_def hearing_items[] = {
	{ "hear_whisper_failed",
	  "Test de la voix chuchotée (à bout de bras)",
	  ICOPE_KIND_PASSFAIL, ICOPE_ROLE_ALTERNATIVE, 0, 1, ICOPE_POS_EQ, 1,
	  0, 0 },
	{ "hear_audiometry_db",
	  "Audiométrie de dépistage (dB HL)",
	  ICOPE_KIND_DB, ICOPE_ROLE_ALTERNATIVE, -10, 120, ICOPE_POS_ABOVE, 35,
	  0, 0 },
	{ "hear_hearwho_score",
	  "Score de l'application hearWHO",
	  ICOPE_KIND_SCORE, ICOPE_ROLE_ALTERNATIVE, 0, 100, ICOPE_POS_BELOW, 50,
	  0, 0 },
};

static const struct icope_item_def mood_items[] = {
	{ "mood_down",
	  "Au cours des 2 dernières semaines, s'est senti(e) triste, "
	  "déprimé(e) ou sans espoir ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
	{ "mood_interest",
	  "Au cours des 2 dernières semaines, peu d'intérêt ou de plaisir à "
	  "faire les choses ?",
	  ICOPE_KIND_YESNO, ICOPE_ROLE_REQUIRED, 0, 1, ICOPE_POS_EQ, 1, 0, 0 },
};

const struct icope_function_def
    icope_default_functions[ICOPE_DEFAULT_NFUNCTIONS] = {
	{ "cognition", "Cognition", ICOPE_RULE_COGNITION,
	  cognition_items, NELEM(cognition_items) },
	{ "mobility", "Mobilité (locomotion)", ICOPE_RULE_MOBILITY,
	  mobility_items, NELEM(mobility_items) },
	{ "nutrition", "Nutrition (vitalité)", ICOPE_RULE_NUTRITION,
	  nutrition_items, NELEM(nutrition_items) },
	{ "vision", "Vision", ICOPE_RULE_VISION,
	  vision_items, NELEM(vision_items) },
	{ "hearing", "Audition", ICOPE_RULE_HEARING,
	  hearing_items, NELEM(hearing_items) },
	{ "mood", "Humeur (psychologie)", ICOPE_RULE_MOOD,
	  mood_items, NELEM(mood_items) },
};

/* ---- default STEP 2 instruments ---- */

static const char lbl_normal[] = "Normal";

static const struct icope_band mmse_bands[] = {
	{ 0, 23, ICOPE_BAND_ABNORMAL, "Troubles cognitifs suspectés" },
	{ 24, 30, ICOPE_BAND_NORMAL, lbl_normal },
};

static const struct icope_band moca_bands[] = {
	{ 0, 25, ICOPE_BAND_ABNORMAL, "Troubles cognitifs suspectés" },
	{ 26, 30, ICOPE_BAND_NORMAL, lbl_normal },
};

static const struct icope_band sppb_bands[] = {
	{ 0, 9, ICOPE_BAND_ABNORMAL, "Mobilité limitée" },
	{ 10, 12, ICOPE_BAND_NORMAL, lbl_normal },
};

static const struct icope_band mna_sf_bands[] = {
	{ 0, 7, ICOPE_BAND_ABNORMAL, "Dénutrition" },
	{ 8, 11, ICOPE_BAND_RISK, "Risque de dénutrition" },
	{ 12, 14, ICOPE_BAND_NORMAL, "État nutritionnel normal" },
};

static const struct icope_band phq9_bands[] = {
	{ 0, 9, ICOPE_BAND_NORMAL, lbl_normal },
	{ 10, 27, ICOPE_BAND_ABNORMAL, "Symptômes dépressifs probables" },
};

static const struct icope_band gds15_bands[] = {
	{ 0, 5, ICOPE_BAND_NORMAL, lbl_normal },
	{ 6, 15, ICOPE_BAND_ABNORMAL, "Symptômes dépressifs probables" },
};

static const struct icope_band audiometry_bands[] = {
	{ -10, 35, ICOPE_BAND_NORMAL, lbl_normal },
	{ 36, 120, ICOPE_BAND_ABNORMAL,
	  "Déficit auditif : orienter vers un ORL" },
};

/* Monoyer decimal acuity in tenths (5 = 5/10 = 6/12); up to 20/10. */
static const struct icope_band acuity_distance_bands[] = {
	{ 0, 4, ICOPE_BAND_ABNORMAL,
	  "Acuité insuffisante : orienter vers un ophtalmologiste" },
	{ 5, 20, ICOPE_BAND_NORMAL, lbl_normal },
};

/* Smallest print read, N notation (N5 to N48): not reading N6 refers. */
static const struct icope_band acuity_near_bands[] = {
	{ 5, 6, ICOPE_BAND_NORMAL, lbl_normal },
	{ 7, 48, ICOPE_BAND_ABNORMAL,
	  "Acuité insuffisante : orienter vers un ophtalmologiste" },
};

const struct icope_instrument
    icope_default_instruments[ICOPE_DEFAULT_NINSTRUMENTS] = {
	{ "mmse", "MMSE", "/30", ICOPE_RULE_COGNITION, "72106-8", 0, 30,
	  mmse_bands, NELEM(mmse_bands) },
	{ "moca", "MoCA", "/30", ICOPE_RULE_COGNITION, "72172-0", 0, 30,
	  moca_bands, NELEM(moca_bands) },
	{ "sppb", "SPPB", "/12", ICOPE_RULE_MOBILITY, NULL, 0, 12,
	  sppb_bands, NELEM(sppb_bands) },
	{ "mna_sf", "MNA-SF", "/14", ICOPE_RULE_NUTRITION, NULL, 0, 14,
	  mna_sf_bands, NELEM(mna_sf_bands) },
	{ "acuity_distance", "Acuité visuelle de loin (Monoyer)", "/10",
	  ICOPE_RULE_VISION, NULL, 0, 20,
	  acuity_distance_bands, NELEM(acuity_distance_bands) },
	{ "acuity_near", "Acuité visuelle de près (échelle N)", "N",
	  ICOPE_RULE_VISION, NULL, 5, 48,
	  acuity_near_bands, NELEM(acuity_near_bands) },
	{ "audiometry", "Audiométrie tonale (meilleure oreille)", "dB HL",
	  ICOPE_RULE_HEARING, NULL, -10, 120,
	  audiometry_bands, NELEM(audiometry_bands) },
	{ "phq9", "PHQ-9", "/27", ICOPE_RULE_MOOD, NULL, 0, 27,
	  phq9_bands, NELEM(phq9_bands) },
	{ "gds15", "GDS-15", "/15", ICOPE_RULE_MOOD, NULL, 0, 15,
	  gds15_bands, NELEM(gds15_bands) },
};

/* ---- labels ---- */

static const char *const result_labels[ICOPE_RESULT__MAX] = {
	[ICOPE_NOT_ASSESSED] = "Non évalué",
	[ICOPE_NORMAL] = "Normal",
	[ICOPE_ALERT] = "Alerte",
	[ICOPE_NOT_SCORED] = "Non coté",
};

static const struct {
	const char	*code;
	const char	*label;
} rules[ICOPE_RULE__MAX] = {
	[ICOPE_RULE_NONE] = { "none", NULL },
	[ICOPE_RULE_COGNITION] = { "cognition", "Cognition" },
	[ICOPE_RULE_MOBILITY] = { "mobility", "Mobilité (locomotion)" },
	[ICOPE_RULE_NUTRITION] = { "nutrition", "Nutrition (vitalité)" },
	[ICOPE_RULE_VISION] = { "vision", "Vision" },
	[ICOPE_RULE_HEARING] = { "hearing", "Audition" },
	[ICOPE_RULE_MOOD] = { "mood", "Humeur (psychologie)" },
};

static const struct {
	unsigned int	 flag;
	const char	*label;
} declines[] = {
	{ ICOPE_DECLINE_NEW_ALERT,
	  "Nouvelle alerte depuis le repérage précédent" },
	{ ICOPE_DECLINE_CHAIR_RISE, "Temps de lever de chaise en hausse" },
	{ ICOPE_DECLINE_WORDS, "Moins de mots rappelés" },
};

static const char *const band_level_labels[ICOPE_BAND__MAX] = {
	[ICOPE_BAND_NORMAL] = "Normal",
	[ICOPE_BAND_RISK] = "À risque",
	[ICOPE_BAND_ABNORMAL] = "Anormal",
};

const char *
icope_result_label(enum icope_result r)
{
	if ((unsigned int)r >= ICOPE_RESULT__MAX)
		return NULL;
	return result_labels[r];
}

const char *
icope_rule_label(enum icope_rule r)
{
	if ((unsigned int)r >= ICOPE_RULE__MAX)
		return NULL;
	return rules[r].label;
}

const char *
icope_rule_code(enum icope_rule r)
{
	if ((unsigned int)r >= ICOPE_RULE__MAX)
		return NULL;
	return rules[r].code;
}

const char *
icope_decline_label(unsigned int flag)
{
	size_t i;

	for (i = 0; i < NELEM(declines); i++)
		if (declines[i].flag == flag)
			return declines[i].label;
	return NULL;
}

const char *
icope_band_level_label(enum icope_band_level l)
{
	if ((unsigned int)l >= ICOPE_BAND__MAX)
		return NULL;
	return band_level_labels[l];
}

/* ---- codes ---- */

/* A code: 1..ICOPE_CODE_MAX bytes of [a-z0-9_], starting with a letter. */
static bool
code_ok(const char *s)
{
	size_t i;

	if (s == NULL || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 0; i <= ICOPE_CODE_MAX; i++) {
		if (s[i] == '\0')
			return true;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	}
	return false;
}

/* Compares at most ICOPE_CODE_MAX + 1 bytes: a longer input never
 * matches, and nothing past a table code's NUL is read. */
static bool
code_eq(const char *a, const char *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return false;
	for (i = 0; i <= ICOPE_CODE_MAX; i++) {
		if (a[i] != b[i])
			return false;
		if (a[i] == '\0')
			return true;
	}
	return false;
}

/* ---- parsing ---- */

static bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Seconds as digits, optionally ',' or '.' and one or two digits, into
 * hundredths within min..max.  The whole part goes through valid_parse_ll
 * with a bound that keeps whole * 100 + 99 within long long.
 */
static int
parse_hundredths(const char *s, size_t n, long long min, long long max,
    long long *out)
{
	char whole_s[20];
	long long whole, frac, v;
	size_t i, k;

	for (i = 0; i < n && isdig(s[i]); i++)
		continue;
	if (i == 0 || i >= sizeof(whole_s))
		return -1;
	memcpy(whole_s, s, i);
	whole_s[i] = '\0';
	if (valid_parse_ll(whole_s, 0, LLONG_MAX / 100 - 1, &whole) == -1)
		return -1;
	frac = 0;
	if (i < n) {
		if (s[i] != '.' && s[i] != ',')
			return -1;
		k = n - i - 1;
		if (k < 1 || k > 2 || !isdig(s[i + 1]) ||
		    (k == 2 && !isdig(s[i + 2])))
			return -1;
		frac = (s[i + 1] - '0') * 10;
		if (k == 2)
			frac += s[i + 2] - '0';
	}
	v = whole * 100 + frac;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Code points of a string valid_text accepted. */
static long long
utf8_chars(const char *s)
{
	long long n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
icope_item_parse(const struct icope_item_def *d, const char *value,
    long long *out)
{
	size_t n;

	if (d == NULL || out == NULL || value == NULL || value[0] == '\0' ||
	    d->min > d->max)
		return -1;
	if (d->kind == ICOPE_KIND_TEXT) {
		if (valid_text(value, d->min, d->max) != NULL)
			return -1;
		*out = utf8_chars(value);
		return 0;
	}
	n = strnlen(value, ICOPE_VALUE_MAX + 1);
	if (n > ICOPE_VALUE_MAX)
		return -1;
	/* valid_parse_ll reads "-0" as 0: not a way to write a count. */
	if (value[0] == '-' && d->min >= 0)
		return -1;
	switch (d->kind) {
	case ICOPE_KIND_YESNO:
	case ICOPE_KIND_PASSFAIL:
		if (n != 1 || (value[0] != '0' && value[0] != '1'))
			return -1;
		return valid_parse_ll(value, d->min, d->max, out);
	case ICOPE_KIND_COUNT:
	case ICOPE_KIND_DB:
	case ICOPE_KIND_SCORE:
		return valid_parse_ll(value, d->min, d->max, out);
	case ICOPE_KIND_SECONDS:
		return parse_hundredths(value, n, d->min, d->max, out);
	default:
		return -1;
	}
}

bool
icope_item_positive(const struct icope_item_def *d, long long v)
{
	if (d == NULL)
		return false;
	switch (d->cmp) {
	case ICOPE_POS_EQ:
		return v == d->threshold;
	case ICOPE_POS_ABOVE:
		return v > d->threshold;
	case ICOPE_POS_BELOW:
		return v < d->threshold;
	default:
		return false;
	}
}

/* ---- table checks ---- */

static bool
in_limit(long long v)
{
	return v >= -ICOPE_VALUE_LIMIT && v <= ICOPE_VALUE_LIMIT;
}

static int
item_check(const struct icope_item_def *d, enum icope_rule rule)
{
	if (!code_ok(d->code) || d->label == NULL ||
	    (unsigned int)d->kind >= ICOPE_KIND__MAX ||
	    (unsigned int)d->role >= ICOPE_ROLE__MAX ||
	    (unsigned int)d->cmp >= ICOPE_CMP__MAX ||
	    !in_limit(d->min) || !in_limit(d->max) || d->min > d->max ||
	    !in_limit(d->threshold) || !in_limit(d->decline_delta))
		return -1;
	switch (d->kind) {
	case ICOPE_KIND_YESNO:
	case ICOPE_KIND_PASSFAIL:
		if (d->min != 0 || d->max != 1 ||
		    (d->cmp != ICOPE_POS_EQ && d->cmp != ICOPE_POS_NEVER))
			return -1;
		break;
	case ICOPE_KIND_TEXT:
		if (d->min < 0 || d->cmp != ICOPE_POS_NEVER)
			return -1;
		break;
	case ICOPE_KIND_DB:
		break;
	default:
		if (d->min < 0)
			return -1;
		break;
	}
	if (d->decline_flag == 0)
		return d->decline_delta == 0 ? 0 : -1;
	if (rule == ICOPE_RULE_NONE || d->decline_delta <= 0 ||
	    (d->cmp != ICOPE_POS_ABOVE && d->cmp != ICOPE_POS_BELOW) ||
	    (d->decline_flag != ICOPE_DECLINE_CHAIR_RISE &&
	    d->decline_flag != ICOPE_DECLINE_WORDS))
		return -1;
	return 0;
}

/* Item codes are unique over the whole form: answers carry only them. */
static bool
item_code_seen(const struct icope_function_def *fns, size_t fi, size_t ii)
{
	const char *code = fns[fi].items[ii].code;
	size_t f, i, n;

	for (f = 0; f <= fi; f++) {
		n = f == fi ? ii : fns[f].nitems;
		for (i = 0; i < n; i++)
			if (code_eq(fns[f].items[i].code, code))
				return true;
	}
	return false;
}

int
icope_functions_check(const struct icope_function_def *fns, size_t nfns)
{
	const struct icope_function_def *f;
	const struct icope_item_def *d;
	bool rule_seen[ICOPE_RULE__MAX] = { false };
	size_t fi, ii, j, nscored = 0, nneed, nalert;

	if (fns == NULL || nfns == 0 || nfns > ICOPE_FUNCTIONS_MAX)
		return -1;
	for (fi = 0; fi < nfns; fi++) {
		f = &fns[fi];
		if (!code_ok(f->code) || f->label == NULL ||
		    (unsigned int)f->rule >= ICOPE_RULE__MAX ||
		    f->items == NULL || f->nitems == 0 ||
		    f->nitems > ICOPE_ITEMS_MAX)
			return -1;
		for (j = 0; j < fi; j++)
			if (code_eq(fns[j].code, f->code))
				return -1;
		if (f->rule != ICOPE_RULE_NONE) {
			if (rule_seen[f->rule])
				return -1;
			rule_seen[f->rule] = true;
			nscored++;
		}
		nneed = nalert = 0;
		for (ii = 0; ii < f->nitems; ii++) {
			d = &f->items[ii];
			if (item_check(d, f->rule) == -1 ||
			    item_code_seen(fns, fi, ii))
				return -1;
			if (d->role == ICOPE_ROLE_REQUIRED ||
			    d->role == ICOPE_ROLE_ALTERNATIVE)
				nneed++;
			if (d->role != ICOPE_ROLE_INFO &&
			    d->cmp != ICOPE_POS_NEVER)
				nalert++;
		}
		/* A scored block must be able to read normal and alert. */
		if (f->rule != ICOPE_RULE_NONE && (nneed == 0 || nalert == 0))
			return -1;
	}
	return nscored > 0 ? 0 : -1;
}

const struct icope_item_def *
icope_item_find(const struct icope_function_def *fns, size_t nfns,
    const char *code, size_t *fi, size_t *ii)
{
	size_t f, i;

	if (fns == NULL || nfns > ICOPE_FUNCTIONS_MAX)
		return NULL;
	for (f = 0; f < nfns; f++) {
		if (fns[f].items == NULL || fns[f].nitems > ICOPE_ITEMS_MAX)
			continue;
		for (i = 0; i < fns[f].nitems; i++) {
			if (!code_eq(fns[f].items[i].code, code))
				continue;
			if (fi != NULL)
				*fi = f;
			if (ii != NULL)
				*ii = i;
			return &fns[f].items[i];
		}
	}
	return NULL;
}

/* ---- STEP 1 ---- */

/* One function's answers, read. */
struct fn_eval {
	enum icope_result	 result;
	bool			 info;
	unsigned int		 n_valid;
	unsigned int		 n_invalid;
	size_t			 matched;	/* answers this block took */
	enum icope_answer_state	 st[ICOPE_ITEMS_MAX];
	long long		 val[ICOPE_ITEMS_MAX];
};

/* Reads item d's answer: absent, invalid (also when given twice), or
 * valid with its value and whether it is positive. */
static enum icope_answer_state
item_read(const struct icope_item_def *d, const struct icope_answer *ans,
    size_t nans, long long *v, size_t *matched)
{
	const char *value = NULL;
	size_t i, hits = 0;

	for (i = 0; i < nans; i++) {
		if (code_eq(ans[i].code, d->code)) {
			hits++;
			value = ans[i].value;
		}
	}
	*matched += hits;
	if (hits > 1)
		return ICOPE_ANS_INVALID;
	if (hits == 0 || value == NULL || value[0] == '\0')
		return ICOPE_ANS_ABSENT;
	if ((unsigned int)d->cmp >= ICOPE_CMP__MAX ||
	    icope_item_parse(d, value, v) == -1)
		return ICOPE_ANS_INVALID;
	return icope_item_positive(d, *v) ? ICOPE_ANS_POSITIVE :
	    ICOPE_ANS_NEGATIVE;
}

/*
 * Combines the items of a scored block: ALERT as soon as one answered
 * non-INFO item is positive; NORMAL when every REQUIRED item is answered
 * negatively and, if the block has ALTERNATIVE items, one of them is;
 * otherwise NOT_ASSESSED.  An unknown role weighs as REQUIRED.
 */
static enum icope_result
combine(const struct icope_function_def *f, const struct fn_eval *e,
    bool *info)
{
	const struct icope_item_def *d;
	enum icope_answer_state st;
	size_t i, nneed = 0;
	bool alert = false, need_ok = true, has_alt = false, alt_ok = false;

	*info = false;
	for (i = 0; i < f->nitems; i++) {
		d = &f->items[i];
		st = e->st[i];
		if (d->role == ICOPE_ROLE_INFO) {
			if (st == ICOPE_ANS_POSITIVE)
				*info = true;
			continue;
		}
		if (st == ICOPE_ANS_POSITIVE)
			alert = true;
		if (d->role == ICOPE_ROLE_OPTIONAL)
			continue;
		nneed++;
		if (d->role == ICOPE_ROLE_ALTERNATIVE) {
			has_alt = true;
			if (st == ICOPE_ANS_NEGATIVE)
				alt_ok = true;
		} else if (st != ICOPE_ANS_NEGATIVE)
			need_ok = false;
	}
	if (alert)
		return ICOPE_ALERT;
	if (nneed > 0 && need_ok && (!has_alt || alt_ok))
		return ICOPE_NORMAL;
	return ICOPE_NOT_ASSESSED;
}

static void
fn_read(const struct icope_function_def *f, const struct icope_answer *ans,
    size_t nans, struct fn_eval *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < f->nitems; i++) {
		e->st[i] = item_read(&f->items[i], ans, nans, &e->val[i],
		    &e->matched);
		if (e->st[i] == ICOPE_ANS_INVALID)
			e->n_invalid++;
		else if (e->st[i] != ICOPE_ANS_ABSENT)
			e->n_valid++;
	}
	if (f->rule == ICOPE_RULE_NONE)
		e->result = ICOPE_NOT_SCORED;
	else
		e->result = combine(f, e, &e->info);
}

static bool
valid_state(enum icope_answer_state st)
{
	return st == ICOPE_ANS_NEGATIVE || st == ICOPE_ANS_POSITIVE;
}

/* True when cur is worse than prev by at least delta (> 0), "worse"
 * being the direction that makes the item positive.  The difference is
 * taken in unsigned arithmetic, exact because it is known positive. */
static bool
worse_by(enum icope_cmp cmp, long long cur, long long prev, long long delta)
{
	long long hi, lo;

	if (delta <= 0)
		return false;
	if (cmp == ICOPE_POS_ABOVE) {
		hi = cur;
		lo = prev;
	} else if (cmp == ICOPE_POS_BELOW) {
		hi = prev;
		lo = cur;
	} else
		return false;
	return hi > lo && (unsigned long long)hi - (unsigned long long)lo >=
	    (unsigned long long)delta;
}

static unsigned int
decline_flags(const struct icope_function_def *f, const struct fn_eval *cur,
    const struct fn_eval *prev)
{
	const struct icope_item_def *d;
	unsigned int flags = 0;
	size_t i;

	if (prev->result == ICOPE_NORMAL && cur->result == ICOPE_ALERT)
		flags |= ICOPE_DECLINE_NEW_ALERT;
	for (i = 0; i < f->nitems; i++) {
		d = &f->items[i];
		if (d->decline_flag == 0 || !valid_state(cur->st[i]) ||
		    !valid_state(prev->st[i]))
			continue;
		if (worse_by(d->cmp, cur->val[i], prev->val[i],
		    d->decline_delta))
			flags |= d->decline_flag & ICOPE_DECLINE__ALL;
	}
	return flags;
}

int
icope_step1_eval(const struct icope_function_def *fns, size_t nfns,
    const struct icope_answer *cur, size_t ncur,
    const struct icope_answer *prev, size_t nprev,
    struct icope_step1_result *out)
{
	struct icope_function_result *r;
	const struct icope_function_def *f;
	struct fn_eval ce, pe;
	size_t fi, matched = 0;

	if (out == NULL)
		return -1;
	memset(out, 0, sizeof(*out));
	if ((fns == NULL && nfns > 0) || nfns > ICOPE_FUNCTIONS_MAX ||
	    (cur == NULL && ncur > 0) || ncur > ICOPE_ANSWERS_MAX ||
	    (prev == NULL && nprev > 0) || nprev > ICOPE_ANSWERS_MAX)
		return -1;
	for (fi = 0; fi < nfns; fi++)
		if ((fns[fi].items == NULL && fns[fi].nitems > 0) ||
		    fns[fi].nitems > ICOPE_ITEMS_MAX)
			return -1;

	out->nfn = nfns;
	for (fi = 0; fi < nfns; fi++) {
		f = &fns[fi];
		r = &out->fn[fi];
		fn_read(f, cur, ncur, &ce);
		matched += ce.matched;
		r->result = ce.result;
		r->info = ce.info;
		r->n_valid = ce.n_valid;
		r->n_invalid = ce.n_invalid;
		memcpy(r->item, ce.st, sizeof(r->item));
		if (f->rule == ICOPE_RULE_NONE)
			continue;
		out->n_scored++;
		if (ce.result == ICOPE_ALERT)
			out->n_alert++;
		else if (ce.result == ICOPE_NOT_ASSESSED)
			out->n_not_assessed++;
		if (prev != NULL) {
			fn_read(f, prev, nprev, &pe);
			r->decline = decline_flags(f, &ce, &pe);
			if (r->decline != 0)
				out->n_decline++;
		}
	}
	out->n_assessed = out->n_scored - out->n_not_assessed;
	out->any_alert = out->n_alert > 0;
	if (out->n_scored > 0)
		out->completeness = out->n_assessed * 100 / out->n_scored;
	/* More than ncur only with duplicate item codes (unchecked table). */
	out->n_unknown = matched < ncur ? (unsigned int)(ncur - matched) : 0;
	return 0;
}

/* ---- STEP 2 ---- */

int
icope_instruments_check(const struct icope_instrument *ins, size_t nins)
{
	const struct icope_instrument *in;
	const struct icope_band *b;
	size_t i, j;

	if (ins == NULL || nins == 0)
		return -1;
	for (i = 0; i < nins; i++) {
		in = &ins[i];
		if (!code_ok(in->code) || in->label == NULL ||
		    in->unit == NULL || in->rule == ICOPE_RULE_NONE ||
		    (unsigned int)in->rule >= ICOPE_RULE__MAX ||
		    !in_limit(in->min) || !in_limit(in->max) ||
		    in->min > in->max || in->bands == NULL ||
		    in->nbands == 0 || in->nbands > ICOPE_BANDS_MAX)
			return -1;
		for (j = 0; j < i; j++)
			if (code_eq(ins[j].code, in->code))
				return -1;
		for (j = 0; j < in->nbands; j++) {
			b = &in->bands[j];
			if (b->label == NULL || !in_limit(b->min) ||
			    !in_limit(b->max) || b->min > b->max ||
			    (unsigned int)b->level >= ICOPE_BAND__MAX)
				return -1;
			/* Tiling: min, then each band starts after the last. */
			if (j == 0 ? b->min != in->min :
			    b->min != in->bands[j - 1].max + 1)
				return -1;
		}
		if (in->bands[in->nbands - 1].max != in->max)
			return -1;
	}
	return 0;
}

const struct icope_instrument *
icope_instrument_find(const struct icope_instrument *ins, size_t nins,
    const char *code)
{
	size_t i;

	if (ins == NULL)
		return NULL;
	for (i = 0; i < nins; i++)
		if (code_eq(ins[i].code, code))
			return &ins[i];
	return NULL;
}

int
icope_step2_parse(const struct icope_instrument *ins, const char *s,
    long long *score)
{
	if (ins == NULL || s == NULL || score == NULL ||
	    strnlen(s, ICOPE_VALUE_MAX + 1) > ICOPE_VALUE_MAX)
		return -1;
	if (s[0] == '-' && ins->min >= 0)
		return -1;
	return valid_parse_ll(s, ins->min, ins->max, score);
}

int
icope_step2_interpret(const struct icope_instrument *ins, long long score,
    const struct icope_band **band)
{
	size_t i;

	if (ins == NULL || band == NULL || ins->bands == NULL ||
	    ins->nbands > ICOPE_BANDS_MAX || score < ins->min ||
	    score > ins->max)
		return -1;
	for (i = 0; i < ins->nbands; i++) {
		if (score >= ins->bands[i].min && score <= ins->bands[i].max) {
			*band = &ins->bands[i];
			return 0;
		}
	}
	return -1;
}
