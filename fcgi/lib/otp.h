/* One-time codes (DESIGN.md §4): 6 digits, single use, 10 minutes,
 * 5 attempts, stored as an HMAC keyed with the site secret (a stolen table
 * alone does not give the codes), sent through the outbox, resend
 * throttled.  A code belongs to a session and a purpose. */
#ifndef PARVIS_OTP_H
#define PARVIS_OTP_H

#include "db.h"

struct req;

#define OTP_DIGITS		6
#define OTP_TTL_SECONDS		600
#define OTP_MAX_ATTEMPTS	5
#define OTP_RESEND_SECONDS	30	/* between two sends */
#define OTP_MAX_SENDS		5	/* per purpose and session, per TTL */

enum otp_result {
	OTP_OK,			/* sent, or verified */
	OTP_THROTTLED,		/* sent too recently or too often */
	OTP_WRONG,		/* wrong code, attempts left */
	OTP_EXHAUSTED,		/* 5 wrong attempts: ask for a new code */
	OTP_EXPIRED,		/* no live code for this purpose */
	OTP_DB_ERROR,
};

/* Creates a code for the request's session and queues it to target by
 * channel ("email" or "sms") with a message naming purpose_text; any
 * earlier live code of that purpose is voided.  Runs in the caller's
 * transaction if one is open.  *wait gets the seconds to wait when
 * throttled. */
enum otp_result otp_send(struct req *r, const char *purpose,
	    const char *channel, const char *target, const char *purpose_text,
	    long *wait);
/* Checks code against the live code of that purpose; on OTP_OK the code is
 * used up and *target (may be NULL) gets the address it was sent to. */
enum otp_result otp_verify(struct req *r, const char *purpose,
	    const char *code, const char **target);
/* Returns true when the session has a live, unused code for purpose
 * (the code form is then shown); *channel gets its channel. */
bool	 otp_pending(struct req *r, const char *purpose, const char **channel);

#endif
