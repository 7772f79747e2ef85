/* The outbox: e-mail and SMS are queued in a table inside the caller's
 * transaction and delivered by parvis-mailer, never inside a request. */
#ifndef PARVIS_OUTBOX_H
#define PARVIS_OUTBOX_H

#include "db.h"

/* Queues an e-mail (UTF-8 plain text); returns the db result. */
enum db_rc outbox_email(struct db *db, const char *to, const char *subject,
	    const char *body);
/* Queues an SMS to a French mobile number; returns the db result. */
enum db_rc outbox_sms(struct db *db, const char *mobile, const char *text);

#endif
