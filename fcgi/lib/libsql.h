/* The statements libparvis itself runs (sessions, audit, outbox), prepared
 * in every program beside the program's own table: use DB_LIB(LSQL_x). */
#ifndef PARVIS_LIBSQL_H
#define PARVIS_LIBSQL_H

#include <stddef.h>

enum lib_stmt {
	LSQL_SESSION_GET,
	LSQL_SESSION_TOUCH,
	LSQL_SESSION_INSERT,
	LSQL_SESSION_DELETE,
	LSQL_SESSION_DELETE_OTHERS,
	LSQL_SESSION_DELETE_USER,
	LSQL_SESSION_ROTATE,
	LSQL_AUDIT_INSERT,
	LSQL_OUTBOX_INSERT,
	LSQL_PING,
	LSQL_OTP_RECENT,
	LSQL_OTP_VOID,
	LSQL_OTP_INSERT,
	LSQL_OTP_LIVE,
	LSQL_OTP_FAIL,
	LSQL_OTP_USE,
	LSQL_CGU_PENDING,
	LSQL_CGU_PASSED,
	LSQL__MAX
};

extern const char *const lib_sql[];
extern const size_t lib_nsql;

#endif
