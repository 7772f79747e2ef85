/* Accounts (portal area PA_ACCOUNT, and the service centre PA_SUPPORT that
 * acts on them): what account_request.c, activation.c, reset.c and
 * support.c share.  account_request.c owns the area: its routes and the
 * statement table below. */
#ifndef PARVIS_PORTAL_ACCOUNT_H
#define PARVIS_PORTAL_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "http.h"
#include "portal.h"
#include "tmpl.h"
#include "valid.h"

/* Statements of area PA_ACCOUNT (the table is in account_request.c). */
enum account_stmt {
	ACC_USER_BY_EMAIL,
	ACC_REQUEST_PENDING_BY_EMAIL,
	ACC_REQUEST_INSERT,
	ACC_THROTTLE_COUNT,
	ACC_THROTTLE_INSERT,
	ACC_THROTTLE_PURGE,
	ACC_TOKEN_FIND,
	ACC_TOKEN_FIND_LOCK,
	ACC_TOKEN_INSERT,
	ACC_TOKEN_USE,
	ACC_TOKEN_VOID_USER,
	ACC_TOKEN_FAIL,
	ACC_TOKEN_STEP,
	ACC_TOKEN_RECENT,
	ACC_USER_SET_PASSWORD,
	ACC_RESET_USER_FIND,
	ACC_REQUEST_TRACK,
	ACC__MAX
};
#define AQ(i)	DB_STMT(PA_ACCOUNT, (i))

/* Plain-text mails end with this signature. */
#define ACCOUNT_MAIL_SIGNATURE	"\n-- \nParvis, services numériques en santé\n"

/* One field of a form: its name, label (for the error summary), validator
 * and bounds.  An optional field left empty is valid and reads as NULL. */
struct account_field {
	const char	*name;
	const char	*label;
	valid_fn	 valid;
	long long	 min;
	long long	 max;
	bool		 optional;
};

/* Reads the n fields from the POST body (or the query string when query
 * is true), trimmed: values[i] is the trimmed value (NULL when empty),
 * errors[i] the validator's message or NULL.  Returns the error count. */
size_t	 account_form_read(struct req *r, const struct account_field *f,
	    size_t n, bool query, const char **values, const char **errors);
/* Sets in ctx, for each field, "<name>" (the value as typed) and
 * "<name>_error" (its message), and the list "errors" of the summary
 * ({id, label, message}).  values or errors may be NULL. */
void	 account_form_ctx(struct req *r, struct tdict *ctx,
	    const struct account_field *f, size_t n, const char **values,
	    const char **errors);

/* Counts this address's submissions of kind ("request", "reset") in the
 * last hour into *n, and forgets its older ones.  Returns the db result. */
enum db_rc account_throttle_count(struct req *r, const char *kind, long long *n);
/* Records a submission of kind by this address (in the caller's
 * transaction).  Returns the db result. */
enum db_rc account_throttle_add(struct req *r, const char *kind);
/* Answers pages reached by a secret link (the token is in the path) with
 * Referrer-Policy: no-referrer, so that the link does not leave the page
 * in the Referer of its own subresources. */
void	 account_no_referrer(struct req *r);

/* Returns public_url + path, from the request's arena. */
const char *account_url(struct req *r, const char *path);

/* Escapes % _ and ! with ! for a LIKE pattern (use ESCAPE '!', which
 * does not depend on the SQL mode) and wraps it in %...%. */
const char *account_like(struct req *r, const char *s);

/* A single-use link's token as found in user_token, with its user. */
struct account_token {
	long long	 id;
	long long	 user_id;
	int		 step;		/* reset: 1 once the secret answer is given */
	int		 attempts;	/* wrong secret answers */
	const char	*login;
	const char	*first_name;
	const char	*last_name;
	const char	*email;
	const char	*question;	/* NULL when none is set */
	const char	*answer_hash;
};

/* Looks up a live token (unused, unexpired, of that kind, of an active
 * user) from the raw token of a link; lock takes a row lock (inside a
 * transaction).  Returns DB_OK, DB_NOT_FOUND (also for a malformed
 * token) or a db error. */
enum db_rc account_token_find(struct req *r, const char *raw, const char *kind,
	    bool lock, struct account_token *t);
/* Makes a new token of kind for uid valid for ttl seconds, voiding the
 * user's older tokens of that kind first; writes the raw token into raw
 * (at least 44 bytes).  Inside the caller's transaction.  Returns the db
 * result (DB_ERROR when no random bytes). */
enum db_rc account_token_issue(struct req *r, long long uid, const char *kind,
	    long ttl, char *raw, size_t rawlen);

/* The activation link: a new 'activation' token valid activation_link_days
 * days (older ones voided) and its mail to the user.  Inside the caller's
 * transaction.  Returns the db result. */
enum db_rc account_activation_send(struct req *r, long long uid,
	    const char *email, const char *first_name, const char *login);
/* The mail with the identifier, sent on validation.  Returns the db
 * result. */
enum db_rc account_identifier_send(struct req *r, const char *email,
	    const char *first_name, const char *login);

/* A single-use link that ends by choosing a new password: activation and
 * reset differ only by these (activation.c runs the flow). */
struct account_link {
	const char	*kind;		/* user_token.kind */
	bool		 reset;		/* the form's wording */
	const char	*dead;		/* the 410 message of a dead link */
	const char	*audit_action;	/* the audit row of the new password */
	const char	*audit_detail;
	const char	*done;		/* where success redirects */
	/* Returns true while the link needs another step first (reset: the
	 * secret question); NULL when there is none. */
	bool		(*pending)(const struct account_token *);
	/* The page and the POST of that step; each returns 0 or -1. */
	int		(*pending_get)(struct req *, const struct account_token *);
	int		(*pending_post)(struct req *, const struct account_link *,
			    struct account_token *);
	/* What else changes with the password, in the same transaction
	 * (reset: the sessions end, a mail); NULL for nothing.  Returns the
	 * db result. */
	enum db_rc	(*changed)(struct req *, const struct account_token *);
};

/* Finds the live token of the link in the path ({token}) into t; with
 * lock, under a row lock in the caller's transaction, which a dead link
 * rolls back.  Returns 1 when found, 0 when a dead link was answered 410
 * with l->dead, -1 on a system failure. */
int	 account_link_find(struct req *r, const struct account_link *l,
	    bool lock, struct account_token *t);
/* GET of a link: the new-password form with the rules beside the field,
 * the pending step's page, or 410.  Returns 0 or -1. */
int	 account_link_get(struct req *r, const struct account_link *l);
/* POST of a link: the pending step's POST, or the new password checked
 * against the policy (422 with the messages) and set in one transaction
 * that uses the link, voids the user's other links of its kind, runs
 * l->changed and writes the audit row; then 303 to l->done.  Returns 0 or
 * -1. */
int	 account_link_post(struct req *r, const struct account_link *l);

/* Handlers of activation.c and reset.c. */
int	 activation_get(struct req *r);
int	 activation_post(struct req *r);
int	 reset_request_get(struct req *r);
int	 reset_request_post(struct req *r);
int	 reset_link_get(struct req *r);
int	 reset_link_post(struct req *r);

#endif
