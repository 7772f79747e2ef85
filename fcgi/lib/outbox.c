#include "outbox.h"

#include "libsql.h"

enum db_rc
outbox_email(struct db *db, const char *to, const char *subject, const char *body)
{
	return db_exec(db, DB_LIB(LSQL_OUTBOX_INSERT), DB_PARAMS(DBP_STR("email"),
	    DBP_STR(to), DBP_STR(subject), DBP_STR(body)), NULL);
}

enum db_rc
outbox_sms(struct db *db, const char *mobile, const char *text)
{
	return db_exec(db, DB_LIB(LSQL_OUTBOX_INSERT), DB_PARAMS(DBP_STR("sms"),
	    DBP_STR(mobile), DBP_NULL, DBP_STR(text)), NULL);
}
