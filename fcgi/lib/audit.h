/* The append-only audit log: who did what to which record, from where, and
 * how it ended.  Every read or write of patient data goes through here. */
#ifndef PARVIS_AUDIT_H
#define PARVIS_AUDIT_H

#include "db.h"

struct req;

enum audit_outcome { AUDIT_OK, AUDIT_DENIED, AUDIT_ERROR };

/* Records an action by the request's user.  object_type/object_id name the
 * record ("patient", "42"); patient_id is set (non-zero) for anything that
 * touches a patient's data; detail is a short free text (no secrets).
 * Returns the db result: a failure to audit must fail the request. */
enum db_rc audit(struct req *r, const char *action, const char *object_type,
	    const char *object_id, long long patient_id,
	    enum audit_outcome outcome, const char *detail);
/* The same for command-line programs (no request). */
enum db_rc audit_cli(struct db *db, const char *program, const char *action,
	    const char *object_type, const char *object_id, const char *detail);

#endif
