/* The password policy.  The configured rules (length, character classes,
 * forbidden characters) come from the configuration file; two rules apply
 * on top of any configuration (OWASP ASVS 2.1.7): no common password, and
 * none containing the user's own names or identifier.
 *
 * Characters are Unicode code points of valid UTF-8.  Letters are those of
 * ASCII, the Latin-1 Supplement and Latin Extended-A (é is lower-case, É
 * upper-case); digits are 0-9; any other character is "special" (space
 * included).  /static/password-rules.js applies the same length, class and
 * forbidden-character rules in the browser; the common-password and
 * personal-information checks run here only.  Messages are French. */
#ifndef PARVIS_PWPOLICY_H
#define PARVIS_PWPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#define PWPOLICY_MIN_LENGTH	8	/* the configuration cannot go lower */
#define PWPOLICY_MAX_LENGTH	128	/* longer passwords are refused */
#define PWPOLICY_MSG_MAX	192	/* bytes of one message, NUL included */

struct pwpolicy {
	unsigned	min_length;	/* code points, 8..128 */
	bool		need_upper;
	bool		need_lower;
	bool		need_digit;
	bool		need_special;
	char		forbidden[64];	/* UTF-8 characters refused, "" none */
};

/* One bit per rule, in the order messages are given. */
enum pw_rule {
	PW_RULE_INVALID = 1u << 0,	/* invalid UTF-8 or control character */
	PW_RULE_MAXLENGTH = 1u << 1,	/* over PWPOLICY_MAX_LENGTH */
	PW_RULE_LENGTH = 1u << 2,
	PW_RULE_UPPER = 1u << 3,
	PW_RULE_LOWER = 1u << 4,
	PW_RULE_DIGIT = 1u << 5,
	PW_RULE_SPECIAL = 1u << 6,
	PW_RULE_FORBIDDEN = 1u << 7,
	PW_RULE_COMMON = 1u << 8,
	PW_RULE_PERSONAL = 1u << 9,
};
#define PW_RULE__COUNT	10

/* What pwpolicy_check found: the failed rules and one French sentence for
 * each, in enum order.  An invalid or over-long password gets only that one
 * message: nothing else is checked. */
struct pw_verdict {
	unsigned	failed;		/* PW_RULE_* bits; 0 when accepted */
	size_t		nmsg;
	char		msg[PW_RULE__COUNT][PWPOLICY_MSG_MAX];
};

/* One rule as shown beside the field (the partial
 * templates/partials/password_rules.html). */
struct pw_rule_desc {
	enum pw_rule	 rule;
	const char	*code;		/* data-rule: "length", "upper", ... */
	unsigned	 min;		/* length rule: the minimum; else 0 */
	const char	*chars;		/* forbidden rule: them; else "" */
	char		 text[PWPOLICY_MSG_MAX];
};

/* The shipped list of common passwords (common_passwords.c): sorted by
 * strcmp, lower-case ASCII, each at least 4 characters. */
extern const char *const pwpolicy_common[];
extern const size_t pwpolicy_ncommon;

/* Fills p from the configuration: password_min_length (default 12, raised
 * to 8 when lower, at most 128), password_require_upper, _lower, _digit,
 * _special (default true), password_forbidden_chars (default none; blanks
 * in the value are ignored; an invalid value is logged and ignored). */
void	 pwpolicy_from_config(struct pwpolicy *p);
/* Checks pw (NULL counts as "") against p and against the npersonal
 * strings of personal (names, identifier, e-mail; NULL items skipped);
 * fills out and returns out->failed: 0 when the password is accepted. */
unsigned pwpolicy_check(const struct pwpolicy *p, const char *pw,
	    const char *const *personal, size_t npersonal,
	    struct pw_verdict *out);
/* Fills out with the rules to show beside the field, in display order;
 * returns how many (at most PW_RULE__COUNT). */
size_t	 pwpolicy_describe(const struct pwpolicy *p,
	    struct pw_rule_desc out[PW_RULE__COUNT]);
/* Returns true when s, lower-case ASCII as the list holds it, is in the
 * list of common passwords. */
bool	 pwpolicy_is_common(const char *s);

struct tdict;
/* Sets the context keys of templates/partials/password_rules.html in ctx:
 * the list password_rules from pwpolicy_describe, each rule marked met or
 * not when v (the verdict of a submitted password) is not NULL. */
void	 pwpolicy_tdict(struct tdict *ctx, const struct pwpolicy *p,
	    const struct pw_verdict *v);

#endif
