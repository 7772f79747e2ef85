/*
 * ICOPE scoring: STEP 1 screening (one result per function, the overall
 * result, decline since the previous STEP 1) and STEP 2 interpretation.
 *
 * Pure code: no I/O, no allocation, no global state that changes.  The
 * form is data: a table of functions (blocks), each with a table of items,
 * which the database holds and icope_default_functions mirrors (the WHO
 * screening tool, shared/domain/icope.md).  Nothing here knows an item by
 * its code: each item says how its answer is written (kind), how far it
 * counts (role), and when it makes its function positive (cmp, threshold).
 *
 * Answers are (item code, raw string) pairs, parsed strictly here:
 *   ICOPE_KIND_YESNO     "1" yes, "0" no
 *   ICOPE_KIND_PASSFAIL  "0" test passed, "1" test failed
 *   ICOPE_KIND_COUNT     integer, e.g. words recalled "0".."3"
 *   ICOPE_KIND_SECONDS   "13", "13.5", "13,5" or "13.57": read as an
 *                        integer number of hundredths (1350), never as a
 *                        floating-point value, so 14.0 s compares exactly
 *   ICOPE_KIND_DB        integer dB HL (may be negative, e.g. "-10")
 *   ICOPE_KIND_SCORE     integer score, e.g. hearWHO "0".."100"
 *   ICOPE_KIND_TEXT      one line of text, min..max characters; never
 *                        positive (notes, mostly in unscored blocks)
 * A NULL or empty value is "not answered"; anything else that does not
 * parse, or lies outside the item's min..max, is invalid.  Both leave the
 * item without a valid answer.
 */
#ifndef PARVIS_ICOPE_RULES_H
#define PARVIS_ICOPE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#define ICOPE_FUNCTIONS_MAX	16	/* blocks in one form */
#define ICOPE_ITEMS_MAX		16	/* items in one block */
#define ICOPE_ANSWERS_MAX	512	/* answers in one STEP 1 */
#define ICOPE_CODE_MAX		63	/* bytes in a code: [a-z0-9_] */
#define ICOPE_VALUE_MAX		32	/* bytes in a non-text value */
#define ICOPE_VALUE_LIMIT	1000000000000LL	/* |min|, |max| bound */
#define ICOPE_BANDS_MAX		8	/* bands of one STEP 2 instrument */

/* The WHO function a block screens.  NONE marks a block that is recorded
 * but never scored (e.g. a region's 7th block on social situation). */
enum icope_rule {
	ICOPE_RULE_NONE = 0,
	ICOPE_RULE_COGNITION,
	ICOPE_RULE_MOBILITY,
	ICOPE_RULE_NUTRITION,
	ICOPE_RULE_VISION,
	ICOPE_RULE_HEARING,
	ICOPE_RULE_MOOD,
	ICOPE_RULE__MAX
};

/* How an answer is written (see the top of this file). */
enum icope_item_kind {
	ICOPE_KIND_YESNO = 0,
	ICOPE_KIND_PASSFAIL,
	ICOPE_KIND_COUNT,
	ICOPE_KIND_SECONDS,
	ICOPE_KIND_DB,
	ICOPE_KIND_SCORE,
	ICOPE_KIND_TEXT,
	ICOPE_KIND__MAX
};

/*
 * What an item weighs in its function.  Any answered positive item other
 * than INFO makes the function ALERT.  To be NORMAL, every REQUIRED item
 * must be answered (negatively), and when the block has ALTERNATIVE items
 * (hearing: whisper, audiometry or hearWHO, whichever was used) at least
 * one of them must be; OPTIONAL items (chair rise "unable") can raise the
 * alert but are not needed to rule it out; INFO items never change the
 * result and only set the function's info flag (memory worsened).
 */
enum icope_item_role {
	ICOPE_ROLE_REQUIRED = 0,
	ICOPE_ROLE_ALTERNATIVE,
	ICOPE_ROLE_OPTIONAL,
	ICOPE_ROLE_INFO,
	ICOPE_ROLE__MAX
};

/* When a parsed value v is positive, given the item's threshold t. */
enum icope_cmp {
	ICOPE_POS_NEVER = 0,	/* never (text, unscored items) */
	ICOPE_POS_EQ,		/* v == t (yes/no, pass/fail) */
	ICOPE_POS_ABOVE,	/* v > t (seconds, dB): t itself is normal */
	ICOPE_POS_BELOW,	/* v < t (words, hearWHO): t itself is normal */
	ICOPE_CMP__MAX
};

/* Decline since the previous STEP 1: bits of a function's flag set. */
#define ICOPE_DECLINE_NEW_ALERT		0x01u	/* normal then, alert now */
#define ICOPE_DECLINE_CHAIR_RISE	0x02u	/* chair-rise time up */
#define ICOPE_DECLINE_WORDS		0x04u	/* fewer words recalled */
#define ICOPE_DECLINE__ALL		0x07u

/*
 * Chair-rise time worse by this many hundredths of a second raises
 * ICOPE_DECLINE_CHAIR_RISE: 2 s, above stopwatch and day-to-day noise and
 * of the order of the smallest change reported as clinically meaningful
 * for the five-times sit-to-stand test.  The default table uses it; a
 * region's table may carry another value.
 */
#define ICOPE_CHAIR_RISE_DECLINE_CS	200

/* One STEP 1 item (a row of the items table). */
struct icope_item_def {
	const char		*code;		/* e.g. "cog_words_recalled" */
	const char		*label;		/* French, for the form */
	enum icope_item_kind	 kind;
	enum icope_item_role	 role;
	long long		 min;		/* accepted values, in the */
	long long		 max;		/* kind's unit (text: chars) */
	enum icope_cmp		 cmp;
	long long		 threshold;	/* same unit as min..max */
	unsigned int		 decline_flag;	/* ICOPE_DECLINE_* or 0 */
	long long		 decline_delta;	/* worse by >= this (> 0) */
};

/* One block of the STEP 1 form (a row of the functions table). */
struct icope_function_def {
	const char			*code;	/* e.g. "cognition" */
	const char			*label;	/* French, e.g. "Cognition" */
	enum icope_rule			 rule;
	const struct icope_item_def	*items;
	size_t				 nitems;
};

/* One answer: value NULL or "" when the item was not answered. */
struct icope_answer {
	const char	*code;
	const char	*value;
};

/* Result of one function.  Zero is NOT_ASSESSED, so a zeroed result is
 * never read as normal. */
enum icope_result {
	ICOPE_NOT_ASSESSED = 0,
	ICOPE_NORMAL,
	ICOPE_ALERT,
	ICOPE_NOT_SCORED,	/* ICOPE_RULE_NONE block */
	ICOPE_RESULT__MAX
};

/* What became of one item's answer. */
enum icope_answer_state {
	ICOPE_ANS_ABSENT = 0,	/* not given, NULL or "" */
	ICOPE_ANS_INVALID,	/* unparsable, out of range, or given twice */
	ICOPE_ANS_NEGATIVE,	/* valid, not positive */
	ICOPE_ANS_POSITIVE,	/* valid and positive */
};

struct icope_function_result {
	enum icope_result	 result;
	unsigned int		 decline;	/* ICOPE_DECLINE_* bits */
	bool			 info;		/* an INFO item is positive */
	unsigned int		 n_valid;	/* items validly answered */
	unsigned int		 n_invalid;	/* items answered invalidly */
	enum icope_answer_state	 item[ICOPE_ITEMS_MAX];	/* table order */
};

/* The whole STEP 1: fn[] in table order, then the counts over the
 * scored blocks.  completeness is 100 * n_assessed / n_scored rounded
 * down (0 when nothing is scored); n_unknown counts the answers whose
 * code is no item's (a form or import out of step with the table). */
struct icope_step1_result {
	struct icope_function_result	 fn[ICOPE_FUNCTIONS_MAX];
	size_t				 nfn;
	unsigned int			 n_scored;	/* rule != NONE */
	unsigned int			 n_assessed;	/* normal or alert */
	unsigned int			 n_not_assessed;
	unsigned int			 n_alert;
	unsigned int			 n_decline;	/* functions flagged */
	unsigned int			 n_unknown;
	unsigned int			 completeness;	/* percent */
	bool				 any_alert;
};

/* STEP 2: how a band of scores reads. */
enum icope_band_level {
	ICOPE_BAND_NORMAL = 0,
	ICOPE_BAND_RISK,	/* at risk (MNA-SF 8-11) */
	ICOPE_BAND_ABNORMAL,	/* impairment suspected: refer or act */
	ICOPE_BAND__MAX
};

/* Scores min..max (inclusive) of an instrument read as level/label. */
struct icope_band {
	long long		 min;
	long long		 max;
	enum icope_band_level	 level;
	const char		*label;	/* French */
};

/* A STEP 2 instrument: bands, in increasing order, tile min..max. */
struct icope_instrument {
	const char		*code;	/* e.g. "mmse" */
	const char		*label;	/* e.g. "MMSE" */
	const char		*unit;	/* French, e.g. "/30", "dB HL" */
	enum icope_rule		 rule;	/* the function it assesses */
	const char		*loinc;	/* total score code, or NULL */
	long long		 min;
	long long		 max;
	const struct icope_band	*bands;
	size_t			 nbands;
};

#define ICOPE_DEFAULT_NFUNCTIONS	6
#define ICOPE_DEFAULT_NINSTRUMENTS	9

/* The six WHO STEP 1 functions, mirrored by the SQL seed. */
extern const struct icope_function_def
    icope_default_functions[ICOPE_DEFAULT_NFUNCTIONS];
/* The usual STEP 2 instruments and cut-offs (icope.md), for the seed. */
extern const struct icope_instrument
    icope_default_instruments[ICOPE_DEFAULT_NINSTRUMENTS];

/* Returns 0 when the form table is sound (sizes, unique well-formed codes,
 * known enums, min <= max within ICOPE_VALUE_LIMIT, one block per scored
 * rule, each scored block able to reach NORMAL and ALERT, decline settings
 * only on ABOVE/BELOW items of scored blocks), or -1.  Run it once on a
 * table loaded from the database before using it. */
int	 icope_functions_check(const struct icope_function_def *fns,
	    size_t nfns);
/* Returns the item whose code is code (*fi, *ii set to its place when not
 * NULL), or NULL. */
const struct icope_item_def *icope_item_find(
	    const struct icope_function_def *fns, size_t nfns,
	    const char *code, size_t *fi, size_t *ii);
/* Parses one answer for item d into *out (in the kind's unit; text gives
 * its length in characters); returns 0, or -1 when the value is absent,
 * unparsable or out of range (*out untouched). */
int	 icope_item_parse(const struct icope_item_def *d, const char *value,
	    long long *out);
/* Returns true when the parsed value v makes item d positive. */
bool	 icope_item_positive(const struct icope_item_def *d, long long v);
/*
 * Scores a STEP 1: the answers cur against the form fns, and, when prev is
 * given (the previous STEP 1's answers, same form; NULL and 0 for none),
 * the decline flags.  Fills *out; returns 0, or -1 when the table or the
 * arguments are unusable (too many functions, items or answers, NULL
 * pointers), *out then being zeroed (everything not assessed).
 */
int	 icope_step1_eval(const struct icope_function_def *fns, size_t nfns,
	    const struct icope_answer *cur, size_t ncur,
	    const struct icope_answer *prev, size_t nprev,
	    struct icope_step1_result *out);

/* Returns 0 when each instrument is sound (codes, known rule, bands in
 * increasing order tiling min..max with no gap or overlap), or -1. */
int	 icope_instruments_check(const struct icope_instrument *ins,
	    size_t nins);
/* Returns the instrument whose code is code, or NULL. */
const struct icope_instrument *icope_instrument_find(
	    const struct icope_instrument *ins, size_t nins, const char *code);
/* Parses a STEP 2 score (decimal integer within the instrument's range)
 * into *score; returns 0 or -1 (*score untouched). */
int	 icope_step2_parse(const struct icope_instrument *ins, const char *s,
	    long long *score);
/* Finds the band of score into *band (not NULL); returns 0, or -1 when
 * the score is outside the instrument's range or no band holds it. */
int	 icope_step2_interpret(const struct icope_instrument *ins,
	    long long score, const struct icope_band **band);

/* Returns the French label of a result ("Normal", "Alerte", "Non évalué",
 * "Non coté"), or NULL for an unknown value. */
const char *icope_result_label(enum icope_result r);
/* Returns the French label of a rule's function ("Mobilité (locomotion)"),
 * or NULL for ICOPE_RULE_NONE and unknown values. */
const char *icope_rule_label(enum icope_rule r);
/* Returns the code of a rule ("cognition" ... "mood", "none"), or NULL. */
const char *icope_rule_code(enum icope_rule r);
/* Returns the French label of one ICOPE_DECLINE_* bit, or NULL when flag
 * is not exactly one known bit. */
const char *icope_decline_label(unsigned int flag);
/* Returns the French label of a STEP 2 band level, or NULL. */
const char *icope_band_level_label(enum icope_band_level l);

#endif
