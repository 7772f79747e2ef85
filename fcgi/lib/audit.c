#include "audit.h"

#include <string.h>

#include "app.h"
#include "http.h"
#include "libsql.h"

static const char *const outcomes[] = { "ok", "denied", "error" };

static struct db_param
bounded(const char *s, size_t max)
{
	if (s == NULL)
		return DBP_NULL;
	return DBP_STRN(s, strnlen(s, max));
}

enum db_rc
audit(struct req *r, const char *action, const char *object_type,
    const char *object_id, long long patient_id, enum audit_outcome outcome,
    const char *detail)
{
	return db_exec(r->app->db, DB_LIB(LSQL_AUDIT_INSERT), DB_PARAMS(
	    r->session != NULL ? DBP_INT(r->session->user_id) : DBP_NULL,
	    bounded(r->remote_addr, 45), DBP_STR(r->request_id),
	    DBP_STR(r->app->def->name), DBP_STR(action), bounded(object_type, 32),
	    bounded(object_id, 64), DBP_ID(patient_id), DBP_STR(outcomes[outcome]),
	    bounded(detail, 1000)), NULL);
}

enum db_rc
audit_cli(struct db *db, const char *program, const char *action,
    const char *object_type, const char *object_id, const char *detail)
{
	return db_exec(db, DB_LIB(LSQL_AUDIT_INSERT), DB_PARAMS(DBP_NULL,
	    DBP_STR("cli"), DBP_STR("-"), DBP_STR(program), DBP_STR(action),
	    bounded(object_type, 32), bounded(object_id, 64), DBP_NULL,
	    DBP_STR("ok"), bounded(detail, 1000)), NULL);
}
