/* E-mail and SMS for parvis-mailer: the RFC 5322 message builder and the
 * rules around a delivery (addresses, what an SMTP or HTTP answer means,
 * retry delays, error texts), kept apart from the network so that unit
 * tests cover all of it.  Pure functions: no I/O, no global state. */
#ifndef PARVIS_MAIL_H
#define PARVIS_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

#define MAIL_ADDR_MAX	254	/* bytes of an address, RFC 5321 path limit */
#define MAIL_NAME_MAX	256	/* bytes of a From display name */
#define MAIL_ERROR_MAX	1000	/* outbox.last_error holds 1000 characters */

/* Appends to out a complete message: Date, From, To, Subject (RFC 2047
 * UTF-8 base64 when not plain ASCII), Message-ID <message_id>, MIME headers
 * and body as quoted-printable UTF-8, every line ending in CRLF and at most
 * 76 characters long (an ASCII From display name, or an address in From,
 * To or Message-ID, cannot be cut: such a line may be longer, never past
 * 998).  from is "Name <a@b>" or "a@b"; to and message_id are a@b.  A
 * body line starting with '.' is left as it is: SMTP dot-stuffing is the
 * transport's job (libcurl does it).
 * Returns 0, or -1 with out unchanged when a header argument holds CR, LF
 * or another control character, an argument is not valid UTF-8, an address
 * is malformed, or now is outside years 1970-9999. */
int	 mail_build(struct buf *out, const char *from, const char *to,
	    const char *subject, const char *body, time_t now,
	    const char *message_id);

/* Returns true when s is a plain address local@domain fit for a header
 * and an SMTP envelope: ASCII dot-atom local part of 1-64 bytes, domain
 * labels of letters, digits and hyphens, at most MAIL_ADDR_MAX bytes. */
bool	 mail_addr_valid(const char *s);

/* Copies the address of a From value ("Name <a@b>", "\"N\" <a@b>" or
 * "a@b") into out (outlen bytes); returns 0, or -1 when the value is
 * malformed or the address does not fit. */
int	 mail_addr_spec(const char *from, char *out, size_t outlen);

enum mail_outcome {
	MAIL_SENT,		/* delivered */
	MAIL_RETRY,		/* transient failure: try again later */
	MAIL_DEAD,		/* permanent failure: never retried */
};

/* What the SMTP dialogue said, fed from libcurl's debug callback. */
enum mail_smtp_dir {
	MAIL_SMTP_CMD,		/* a command we sent (CURLINFO_HEADER_OUT) */
	MAIL_SMTP_BODY,		/* message data we sent (CURLINFO_DATA_OUT) */
	MAIL_SMTP_REPLY,	/* server reply lines (CURLINFO_HEADER_IN) */
};

struct mail_smtp {
	int	 cmd;		/* the step the next reply answers */
	char	 verb[12];	/* that step's command verb ("EHLO") */
	int	 reply;		/* last reply code, 0 before any */
	int	 fail_cmd;	/* the step the last 4xx/5xx reply answered */
	char	 fail_verb[12];
	bool	 permanent;	/* a 5xx refused the recipient or the message */
	char	 text[256];	/* the last 4xx/5xx reply line */
};

/* Prepares a tracker for one transfer. */
void	 mail_smtp_init(struct mail_smtp *s);
/* Feeds one chunk of the dialogue.  Only a command's verb is looked at:
 * the rest of an AUTH line (credentials) is never read nor kept. */
void	 mail_smtp_feed(struct mail_smtp *s, enum mail_smtp_dir dir,
	    const char *data, size_t len);
/* Returns the outcome of a transfer: MAIL_SENT when it succeeded,
 * MAIL_DEAD when a 5xx answered RCPT or the end of the message (RFC 5321
 * permanent failures), MAIL_RETRY otherwise (connection, TLS, AUTH, 4xx,
 * 5xx to MAIL FROM or DATA: problems on our side or the server's). */
enum mail_outcome mail_smtp_outcome(const struct mail_smtp *s,
	    bool transfer_ok);
/* Writes the error of a failed transfer into out (outlen > 0 bytes): the
 * server's failing reply with the step it answered, else curl_error. */
void	 mail_smtp_error(const struct mail_smtp *s, const char *curl_error,
	    char *out, size_t outlen);

/* Returns the outcome of an SMS gateway answer: 2xx sent, 4xx dead
 * (except 408 and 429, retried), anything else retried; status 0 means
 * no HTTP answer (connection refused, timeout). */
enum mail_outcome mail_http_outcome(long status);

/* Returns the delay in seconds before the next attempt after `failed`
 * failed attempts: 60, 300, 900, 3600, then 14400 (4 h) for each next. */
long	 mail_backoff(unsigned failed);

/* Copies s into out (outlen > 0 bytes) as one line of valid UTF-8 for a
 * log or last_error: control characters become spaces, invalid bytes
 * '?', and the text is cut on a character boundary (NULL gives ""). */
void	 mail_error_text(char *out, size_t outlen, const char *s);

#endif
