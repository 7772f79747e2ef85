#include "libsql.h"

const char *const lib_sql[LSQL__MAX] = {
	/* The session, its user, one row per role (plain joins: MariaDB
	 * plans them far faster than correlated subqueries), and what the
	 * terms-of-use check needs: the programs whose check passed in this
	 * session, under which generation of the published versions, and the
	 * current generation; the user's favourite tiles and the generation of
	 * the application catalog (the portal's tiles cache). */
	[LSQL_SESSION_GET] =
	    /* The grants travel in session.roles (sql/015_portal_perf.sql). */
	    "SELECT s.id, s.user_id, s.level, s.csrf_token,"
	    " UNIX_TIMESTAMP(s.created_at), UNIX_TIMESTAMP(s.last_seen_at),"
	    " u.login, u.first_name, u.last_name, u.email, s.roles,"
	    " s.cgu_ok, s.cgu_generation, g.generation, u.home_page,"
	    " u.favorite_apps, g.catalog_generation"
	    " FROM session s JOIN app_user u ON u.id = s.user_id"
	    " JOIN cgu_state g ON g.id = 1"
	    " WHERE s.token_hash = ? AND u.status = 'active'"
	    " AND s.last_seen_at >= FROM_UNIXTIME(?) AND s.created_at >= FROM_UNIXTIME(?)",
	[LSQL_SESSION_TOUCH] =
	    "UPDATE session SET last_seen_at = FROM_UNIXTIME(?) WHERE id = ?",
	[LSQL_SESSION_INSERT] =
	    "INSERT INTO session (token_hash, user_id, level, csrf_token,"
	    " created_at, last_seen_at, ip, user_agent)"
	    " VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?)",
	[LSQL_SESSION_DELETE] =
	    "DELETE FROM session WHERE id = ?",
	[LSQL_SESSION_DELETE_OTHERS] =
	    "DELETE FROM session WHERE user_id = ? AND id <> ?",
	[LSQL_SESSION_DELETE_USER] =
	    "DELETE FROM session WHERE user_id = ?",
	[LSQL_SESSION_ROTATE] =
	    "UPDATE session SET token_hash = ?, level = ?, csrf_token = ?,"
	    " last_seen_at = FROM_UNIXTIME(?) WHERE id = ?",
	[LSQL_AUDIT_INSERT] =
	    "INSERT INTO audit_log (at, user_id, ip, request_id, program,"
	    " action, object_type, object_id, patient_id, outcome, detail)"
	    " VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[LSQL_OUTBOX_INSERT] =
	    "INSERT INTO outbox (channel, recipient, subject, body, status,"
	    " attempts, next_attempt_at, created_at)"
	    " VALUES (?, ?, ?, ?, 'pending', 0, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
	[LSQL_PING] = "SELECT 1",
	[LSQL_OTP_RECENT] =
	    "SELECT COUNT(*), COALESCE(UNIX_TIMESTAMP(MAX(created_at)), 0)"
	    " FROM otp_code WHERE session_id = ? AND purpose = ?"
	    " AND created_at >= FROM_UNIXTIME(?)",
	[LSQL_OTP_VOID] =
	    "UPDATE otp_code SET used_at = FROM_UNIXTIME(?)"
	    " WHERE session_id = ? AND purpose = ? AND used_at IS NULL",
	[LSQL_OTP_INSERT] =
	    "INSERT INTO otp_code (session_id, user_id, purpose, channel, target,"
	    " code_hash, expires_at, created_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?))",
	[LSQL_OTP_LIVE] =
	    "SELECT id, code_hash, attempts, target, channel FROM otp_code"
	    " WHERE session_id = ? AND purpose = ? AND used_at IS NULL"
	    " AND expires_at > FROM_UNIXTIME(?) ORDER BY id DESC LIMIT 1",
	[LSQL_OTP_FAIL] =
	    "UPDATE otp_code SET attempts = attempts + 1 WHERE id = ?",
	[LSQL_OTP_USE] =
	    "UPDATE otp_code SET used_at = FROM_UNIXTIME(?)"
	    " WHERE id = ? AND used_at IS NULL",
	/* The terms of use (latest version of each document named) that the
	 * user has not accepted yet, the portal's first. */
	[LSQL_CGU_PASSED] =
	    "UPDATE session SET cgu_ok = ?, cgu_generation = ? WHERE id = ?",
	[LSQL_CGU_PENDING] =
	    "SELECT d.code, d.title, v.id, v.version FROM cgu_document d"
	    " JOIN cgu_version v ON v.document_id = d.id AND v.id ="
	    "  (SELECT v2.id FROM cgu_version v2 WHERE v2.document_id = d.id"
	    "   ORDER BY v2.published_at DESC, v2.id DESC LIMIT 1)"
	    " WHERE d.code IN ('portal', ?) AND NOT EXISTS"
	    "  (SELECT 1 FROM cgu_acceptance a WHERE a.user_id = ? AND a.version_id = v.id)"
	    " ORDER BY d.code <> 'portal', d.code",
};

const size_t lib_nsql = LSQL__MAX;
