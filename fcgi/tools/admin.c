/*
 * parvis-admin: the command line of the suite.  Applies migrations,
 * creates users and grants roles, manages the applications (tiles), the
 * terms of use and the CPTS (with their territory and managers), links an
 * account to its RPPS/ADELI identifier, as the administration pages do;
 * fills demo data, purges what is expired.
 *
 * A role grant is checked against the same table as the pages
 * (fcgi/lib/roles.c), and so are an application's fields and a CGU
 * version.  Each change runs in one transaction with its audit row
 * (audit_cli), named as the pages name theirs.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "../portal/admin_cpts.h"
#include "app.h"
#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "password.h"
#include "roles.h"
#include "valid.h"

enum admin_stmt {
	ASQL_MIGRATIONS_TABLE,
	ASQL_MIGRATION_APPLIED,
	ASQL_MIGRATION_RECORD,
	ASQL_USER_INSERT,
	ASQL_USER_BY_LOGIN,
	ASQL_USER_LOGIN,
	ASQL_ROLE_GRANT,
	ASQL_ROLE_REVOKE,
	ASQL_SESSIONS_PURGE,
	ASQL_ATTEMPTS_PURGE,
	ASQL_OUTBOX_PURGE,
	ASQL_APP_BY_CODE,
	ASQL_APP_ROLES,
	ASQL_APP_INSERT,
	ASQL_APP_UPDATE,
	ASQL_APP_ROLES_CLEAR,
	ASQL_APP_ROLE_ADD,
	ASQL_CGU_DOC_BY_CODE,
	ASQL_CGU_DOC_INSERT,
	ASQL_CGU_PUBLISH,
	ASQL_TERRITORY_INSERT,
	ASQL_CPTS_INSERT,
	ASQL_POSTAL_ADD,
	ASQL_COMMUNE_ADD,
	ASQL_DIRECTORY_ANY,
	ASQL_POSTAL_KNOWN,
	ASQL_INSEE_KNOWN,
	ASQL_CPTS_BY_ID,
	ASQL_CPTS_BY_NAME,
	ASQL_USER_FIND,
	ASQL_USER_IDNPS_LOCK,
	ASQL_IDNPS_OWNER,
	ASQL_USER_SET_IDNPS,
	ASQL_PRO_GET,
	ASQL__MAX
};

static const char *const admin_sql[ASQL__MAX] = {
	[ASQL_MIGRATIONS_TABLE] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version VARCHAR(64) CHARACTER SET ascii NOT NULL PRIMARY KEY,"
	    " applied_at DATETIME NOT NULL DEFAULT UTC_TIMESTAMP())"
	    " ENGINE=InnoDB",
	[ASQL_MIGRATION_APPLIED] =
	    "SELECT version FROM schema_migrations WHERE version = ?",
	[ASQL_MIGRATION_RECORD] =
	    "INSERT INTO schema_migrations (version) VALUES (?)",
	[ASQL_USER_INSERT] =
	    "INSERT INTO app_user (login, email, first_name, last_name,"
	    " password_hash, status, mobile, profession, idnps, password_changed_at)"
	    " VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, UTC_TIMESTAMP())",
	[ASQL_USER_BY_LOGIN] =
	    "SELECT id FROM app_user WHERE login = ?",
	[ASQL_USER_LOGIN] =
	    "SELECT login FROM app_user WHERE id = ?",
	[ASQL_ROLE_GRANT] =
	    "INSERT IGNORE INTO user_role (user_id, role, scope_type, scope_id)"
	    " VALUES (?, ?, ?, ?)",
	[ASQL_ROLE_REVOKE] =
	    "DELETE FROM user_role WHERE user_id = ? AND role = ?"
	    " AND scope_type = ? AND scope_id = ?",
	[ASQL_SESSIONS_PURGE] =
	    "DELETE FROM session WHERE last_seen_at < UTC_TIMESTAMP() - INTERVAL ? SECOND"
	    " OR created_at < UTC_TIMESTAMP() - INTERVAL ? SECOND",
	/* In batches: a first purge of a big table never holds its locks
	 * for long (the login inserts into it meanwhile). */
	[ASQL_ATTEMPTS_PURGE] =
	    "DELETE FROM login_attempt WHERE at < UTC_TIMESTAMP() - INTERVAL ? DAY"
	    " LIMIT 10000",
	[ASQL_OUTBOX_PURGE] =
	    "DELETE FROM outbox WHERE status IN ('sent', 'dead')"
	    " AND created_at < UTC_TIMESTAMP() - INTERVAL ? DAY LIMIT 10000",
	/* The applications and CGU as the admin pages change them
	 * (fcgi/portal/admin_pages.c); updated_by and published_by stay
	 * NULL: no user, the audit row says "cli". */
	[ASQL_APP_BY_CODE] =
	    "SELECT id, code, name, description, url, icon, required_level,"
	    " position, enabled, COALESCE(cgu_document_id, 0)"
	    " FROM application WHERE code = ? FOR UPDATE",
	[ASQL_APP_ROLES] =
	    "SELECT role FROM application_role WHERE application_id = ?",
	[ASQL_APP_INSERT] =
	    "INSERT INTO application (code, name, description, url, icon,"
	    " required_level, position, cgu_document_id, enabled, updated_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
	[ASQL_APP_UPDATE] =
	    "UPDATE application SET name = ?, description = ?, url = ?, icon = ?,"
	    " required_level = ?, position = ?, cgu_document_id = ?, enabled = ?,"
	    " updated_by = NULL WHERE id = ?",
	[ASQL_APP_ROLES_CLEAR] =
	    "DELETE FROM application_role WHERE application_id = ?",
	[ASQL_APP_ROLE_ADD] =
	    "INSERT INTO application_role (application_id, role) VALUES (?, ?)",
	[ASQL_CGU_DOC_BY_CODE] =
	    "SELECT id FROM cgu_document WHERE code = ?",
	[ASQL_CGU_DOC_INSERT] =
	    "INSERT INTO cgu_document (code, title) VALUES (?, ?)",
	/* Never dated before the current latest version (as the page). */
	[ASQL_CGU_PUBLISH] =
	    "INSERT INTO cgu_version (document_id, version, body, published_at,"
	    " published_by) SELECT ?, ?, ?, GREATEST(FROM_UNIXTIME(?),"
	    " COALESCE(MAX(published_at), FROM_UNIXTIME(?))), NULL"
	    " FROM cgu_version WHERE document_id = ?",
	/* The CPTS and the RPPS/ADELI link as the admin pages change them
	 * (fcgi/portal/admin_cpts.c, admin_pages.c). */
	[ASQL_TERRITORY_INSERT] =
	    "INSERT INTO territory (name) VALUES (?)",
	[ASQL_CPTS_INSERT] =
	    "INSERT INTO cpts (name, territory_id, created_at, updated_at)"
	    " VALUES (?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
	[ASQL_POSTAL_ADD] =
	    "INSERT INTO territory_postal_code (territory_id, postal_code)"
	    " VALUES (?, ?)",
	[ASQL_COMMUNE_ADD] =
	    "INSERT INTO territory_commune (territory_id, insee) VALUES (?, ?)",
	[ASQL_DIRECTORY_ANY] =
	    "SELECT EXISTS (SELECT 1 FROM rpps_commune)",
	[ASQL_POSTAL_KNOWN] =
	    "SELECT 1 FROM rpps_commune WHERE postal_code = ? LIMIT 1",
	[ASQL_INSEE_KNOWN] =
	    "SELECT 1 FROM rpps_commune WHERE insee = ? LIMIT 1",
	[ASQL_CPTS_BY_ID] =
	    "SELECT id, name FROM cpts WHERE id = ? FOR UPDATE",
	[ASQL_CPTS_BY_NAME] =
	    "SELECT id, name FROM cpts WHERE name = ? FOR UPDATE",
	/* A login first, then an e-mail address (as the pages). */
	[ASQL_USER_FIND] =
	    "SELECT id, login FROM app_user WHERE login = ? OR email = ?"
	    " ORDER BY login = ? DESC, id LIMIT 1",
	[ASQL_USER_IDNPS_LOCK] =
	    "SELECT login, idnps, first_name, last_name FROM app_user"
	    " WHERE id = ? FOR UPDATE",
	[ASQL_IDNPS_OWNER] =
	    "SELECT login FROM app_user WHERE idnps = ? AND id <> ?",
	[ASQL_USER_SET_IDNPS] =
	    "UPDATE app_user SET idnps = ?, updated_by = NULL WHERE id = ?",
	[ASQL_PRO_GET] =
	    "SELECT last_name, first_name, last_key, first_key FROM professional"
	    " WHERE idnps = ?",
};

/* parvis-admin has one statement table, number 1. */
static const struct db_table admin_tables[] = { { admin_sql, ASQL__MAX } };
#define AQ(i)	DB_STMT(1, (i))

struct db *admin_db;
struct arena admin_arena;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A migration file is NNN_name.sql: three digits, an underscore, a name. */
static int
migration_name_ok(const char *n)
{
	size_t len = strlen(n);

	return len > 8 && n[0] >= '0' && n[0] <= '9' && n[1] >= '0' &&
	    n[1] <= '9' && n[2] >= '0' && n[2] <= '9' && n[3] == '_' &&
	    strcmp(n + len - 4, ".sql") == 0;
}

static char *
read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *f;
	char *s;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || st.st_size > 64 * 1024 * 1024) {
		fclose(f);
		return NULL;
	}
	if ((s = malloc((size_t)st.st_size + 1)) == NULL)
		abort();
	*len = fread(s, 1, (size_t)st.st_size, f);
	s[*len] = '\0';
	fclose(f);
	return s;
}

static int
cmd_migrate(const char *dir)
{
	struct db_result res;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i, applied = 0;
	DIR *d;
	int rc = 0;

	if (db_exec(admin_db, AQ(ASQL_MIGRATIONS_TABLE), DB_NOPARAMS, NULL) != DB_OK) {
		fprintf(stderr, "parvis-admin: cannot create schema_migrations: %s\n",
		    db_last_error(admin_db));
		return 1;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!migration_name_ok(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((names = realloc(names, cap * sizeof(*names))) == NULL)
				abort();
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			abort();
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == 0; i++) {
		char version[64], path[4096], *sql;
		size_t len;

		snprintf(version, sizeof(version), "%.*s",
		    (int)(strlen(names[i]) - 4), names[i]);
		if (db_query(admin_db, &admin_arena, AQ(ASQL_MIGRATION_APPLIED),
		    DB_PARAMS(DBP_STR(version)), &res) != DB_OK) {
			rc = 1;
			break;
		}
		if (res.nrows > 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = read_file(path, &len)) == NULL) {
			fprintf(stderr, "parvis-admin: cannot read %s\n", path);
			rc = 1;
			break;
		}
		printf("applying %s\n", names[i]);
		if (db_run_script(admin_db, sql, len) != DB_OK) {
			fprintf(stderr, "parvis-admin: %s failed: %s\n"
			    "The migration stopped there; fix it and run migrate again.\n",
			    names[i], db_last_error(admin_db));
			rc = 1;
		} else if (db_exec(admin_db, AQ(ASQL_MIGRATION_RECORD),
		    DB_PARAMS(DBP_STR(version)), NULL) != DB_OK) {
			fprintf(stderr, "parvis-admin: cannot record %s\n", version);
			rc = 1;
		} else
			applied++;
		free(sql);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0)
		printf("%zu migration(s) applied, schema up to date\n", applied);
	return rc;
}

long long
admin_user_id(const char *login)
{
	struct db_result res;

	if (db_query_row(admin_db, &admin_arena, AQ(ASQL_USER_BY_LOGIN),
	    DB_PARAMS(DBP_STR(login)), &res) != DB_OK)
		return 0;
	return db_cell_int(&res, 0, 0);
}

/* Prints the database's last error; returns 1 (an exit status). */
static int
db_failed(void)
{
	fprintf(stderr, "parvis-admin: %s\n", db_last_error(admin_db));
	return 1;
}

/* Starts a transaction unless the caller already holds one; *own says
 * whether tx_end must end it.  Returns 0 or -1. */
static int
tx_begin(bool *own)
{
	*own = !db_in_transaction(admin_db);
	if (*own && db_begin(admin_db) != DB_OK) {
		(void)db_failed();
		return -1;
	}
	return 0;
}

/* Commits (ok) or rolls back the transaction tx_begin started, if it
 * started one; returns 0, or -1 when !ok or the commit failed.  A caller
 * that holds the transaction sees the failure in the return value. */
static int
tx_end(bool own, bool ok)
{
	if (!own)
		return ok ? 0 : -1;
	if (!ok) {
		db_rollback(admin_db);
		return -1;
	}
	if (db_commit(admin_db) != DB_OK) {
		fprintf(stderr, "parvis-admin: commit failed: %s\n",
		    db_last_error(admin_db));
		return -1;
	}
	return 0;
}

/* Parses and checks a ROLE[:TYPE:ID] to grant (or, grant = 0, to revoke:
 * then only its parts must exist, so that a row made by other means can
 * go); prints why not.  Returns 0 or -1. */
static int
role_spec_ok(const char *spec, struct role_spec *rs, int grant)
{
	char msg[ROLE_MSG_MAX];

	if (role_spec_parse(spec, rs, msg) != ROLE_OK ||
	    (grant && role_scope_check(rs->role, rs->scope_type, rs->scope_id,
	    msg) != ROLE_OK)) {
		fprintf(stderr, "parvis-admin: %s: %s\n", spec, msg);
		return -1;
	}
	return 0;
}

int
admin_grant(long long uid, const char *spec, int grant)
{
	struct role_spec rs;
	struct db_result u;
	unsigned long long n = 0;
	const char *login, *detail;
	bool own;

	if (role_spec_ok(spec, &rs, grant) != 0)
		return -1;
	if (tx_begin(&own) != 0)
		return -1;
	switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_USER_LOGIN),
	    DB_PARAMS(DBP_INT(uid)), &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		fprintf(stderr, "parvis-admin: no user with id %lld\n", uid);
		return tx_end(own, false);
	default:
		(void)db_failed();
		return tx_end(own, false);
	}
	login = db_cell(&u, 0, 0);
	/* The spec as the pages write it in the audit log. */
	detail = arena_printf(&admin_arena, "%s:%s:%lld", rs.role,
	    rs.scope_type, rs.scope_id);
	if (db_exec(admin_db, grant ? AQ(ASQL_ROLE_GRANT) : AQ(ASQL_ROLE_REVOKE),
	    DB_PARAMS(DBP_INT(uid), DBP_STR(rs.role), DBP_STR(rs.scope_type),
	    DBP_INT(rs.scope_id)), &n) != DB_OK) {
		fprintf(stderr, "parvis-admin: %s %s: %s\n", grant ? "grant" :
		    "revoke", spec, db_last_error(admin_db));
		return tx_end(own, false);
	}
	if (n == 0) {
		/* Nothing changed, nothing to audit. */
		if (grant) {
			printf("%s already has the role %s\n", login, detail);
			return tx_end(own, true);
		}
		fprintf(stderr, "parvis-admin: %s does not have the role %s\n",
		    login, detail);
		return tx_end(own, false);
	}
	if (audit_cli(admin_db, "admin", grant ? "role.grant" : "role.revoke",
	    "user", login, detail) != DB_OK)
		return tx_end(own, false);
	return tx_end(own, true);
}

long long
admin_create_user(const char *login, const char *email, const char *first,
    const char *last, const char *password, const char *mobile,
    const char *profession, const char *idnps)
{
	char hash[256];
	const char *why;
	long long uid;
	bool own;

	if ((why = valid_text(login, 3, 64)) != NULL ||
	    (why = valid_email(email, 0, 0)) != NULL ||
	    (why = valid_text(first, 1, 100)) != NULL ||
	    (why = valid_text(last, 1, 100)) != NULL ||
	    (mobile != NULL && (why = valid_mobile_fr(mobile, 0, 0)) != NULL) ||
	    (idnps != NULL && (why = valid_idnps(idnps, 0, 0)) != NULL)) {
		fprintf(stderr, "parvis-admin: %s\n", why);
		return 0;
	}
	if (password == NULL || strlen(password) < 12) {
		fprintf(stderr, "parvis-admin: the password needs 12 characters or more\n");
		return 0;
	}
	if (password_hash(password, hash, sizeof(hash)) != 0)
		return 0;
	if (tx_begin(&own) != 0)
		return 0;
	if (db_exec(admin_db, AQ(ASQL_USER_INSERT), DB_PARAMS(DBP_STR(login),
	    DBP_STR(email), DBP_STR(first), DBP_STR(last), DBP_STR(hash),
	    DBP_STR(mobile), DBP_STR(profession), DBP_STR(idnps)), NULL) != DB_OK) {
		fprintf(stderr, "parvis-admin: cannot create %s: %s\n", login,
		    db_last_error(admin_db));
		(void)tx_end(own, false);
		return 0;
	}
	uid = (long long)db_insert_id(admin_db);	/* before the audit row's */
	if (audit_cli(admin_db, "admin", "user.create", "user", login,
	    NULL) != DB_OK) {
		(void)tx_end(own, false);
		return 0;
	}
	return tx_end(own, true) == 0 ? uid : 0;
}

static char *
read_password(int from_stdin)
{
	static char line[1024];
	struct termios t, saved;
	int tty = !from_stdin && isatty(0);

	if (tty) {
		fputs("Mot de passe : ", stderr);
		tcgetattr(0, &saved);
		t = saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &t);
	}
	if (fgets(line, sizeof(line), stdin) == NULL)
		line[0] = '\0';
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		fputc('\n', stderr);
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int
cmd_create_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "login", required_argument, NULL, 'l' },
		{ "email", required_argument, NULL, 'e' },
		{ "first-name", required_argument, NULL, 'f' },
		{ "last-name", required_argument, NULL, 'n' },
		{ "mobile", required_argument, NULL, 'm' },
		{ "idnps", required_argument, NULL, 'i' },
		{ "profession", required_argument, NULL, 'p' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *login = NULL, *email = NULL, *first = NULL, *last = NULL;
	const char *mobile = NULL, *idnps = NULL, *profession = NULL;
	const char *roles[16];
	struct role_spec rs;
	size_t nroles = 0, i;
	int ch, from_stdin = 0;
	long long uid;
	bool ok;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': login = optarg; break;
		case 'e': email = optarg; break;
		case 'f': first = optarg; break;
		case 'n': last = optarg; break;
		case 'm': mobile = optarg; break;
		case 'i': idnps = optarg; break;
		case 'p': profession = optarg; break;
		case 's': from_stdin = 1; break;
		case 'r':
			if (nroles == 16) {
				fputs("parvis-admin: at most 16 --role\n",
				    stderr);
				return 2;
			}
			roles[nroles++] = optarg;
			break;
		default:
			return 2;
		}
	}
	if (login == NULL || email == NULL || first == NULL || last == NULL) {
		fprintf(stderr, "usage: parvis-admin create-user --login L --email E "
		    "--first-name F --last-name N [--mobile M] [--idnps I] "
		    "[--profession P] [--role ROLE[:TYPE:ID]]... [--password-stdin]\n");
		return 2;
	}
	/* Every role checked before anything is written; the user and its
	 * roles are created together or not at all. */
	for (i = 0; i < nroles; i++)
		if (role_spec_ok(roles[i], &rs, 1) != 0)
			return 1;
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	uid = admin_create_user(login, email, first, last,
	    read_password(from_stdin), mobile, profession, idnps);
	ok = uid != 0;
	for (i = 0; ok && i < nroles; i++)
		ok = admin_grant(uid, roles[i], 1) == 0;
	if (tx_end(true, ok) != 0)
		return 1;
	printf("user %s created (id %lld)\n", login, uid);
	return 0;
}

static int
cmd_role(int argc, char **argv, int grant)
{
	long long uid;

	if (argc != 3) {
		fprintf(stderr, "usage: parvis-admin %s LOGIN ROLE[:SCOPE_TYPE:ID]\n",
		    grant ? "grant-role" : "revoke-role");
		return 2;
	}
	if ((uid = admin_user_id(argv[1])) == 0) {
		fprintf(stderr, "parvis-admin: no user %s\n", argv[1]);
		return 1;
	}
	return admin_grant(uid, argv[2], grant) == 0 ? 0 : 1;
}

/* ---- applications and terms of use, as /admin/ manages them ---- */

#define APP_USAGE \
	"[--icon I] [--level 1-3] [--position N] [--role ROLE]... " \
	"[--cgu DOC | --no-cgu] [--no-roles] [--disabled | --enabled]"
/* A CGU text may be long (no form limit here) but never over what
 * cgu_version.body (MEDIUMTEXT) holds. */
#define CGU_TEXT_MAX	(16 * 1024 * 1024 - 1)

/* The option of each field of enum appdef_field, for the messages. */
static const char *const app_options[APPDEF_NFIELDS] = {
	[APPDEF_CODE] = "--code", [APPDEF_NAME] = "--name",
	[APPDEF_DESCRIPTION] = "--description", [APPDEF_URL] = "--url",
	[APPDEF_ICON] = "--icon", [APPDEF_LEVEL] = "--level",
	[APPDEF_POSITION] = "--position", [APPDEF_CGU] = "--cgu",
};

/* A copy of s (in admin_arena) without the blanks the pages trim:
 * spaces and tabs at both ends, line ends at the end. */
static const char *
trim(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(&admin_arena, s, n);
}

/* The options of add-application and edit-application; NULL or false:
 * not given. */
struct app_opts {
	const char	*code, *name, *description, *url, *icon, *level;
	const char	*position, *cgu;
	bool		 no_cgu, disabled, enabled, no_roles, roles_given;
	bool		 roles[ROLE_COUNT];
	const char	*arg;		/* edit-application: the CODE */
};

/* Parses argv into *o; returns 0, 1 after printing an invalid value, or 2
 * after printing the usage. */
static int
app_opts_parse(int argc, char **argv, struct app_opts *o, bool editing)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "description", required_argument, NULL, 'd' },
		{ "url", required_argument, NULL, 'u' },
		{ "icon", required_argument, NULL, 'i' },
		{ "level", required_argument, NULL, 'l' },
		{ "position", required_argument, NULL, 'p' },
		{ "role", required_argument, NULL, 'r' },
		{ "cgu", required_argument, NULL, 'g' },
		{ "no-cgu", no_argument, NULL, 'G' },
		{ "no-roles", no_argument, NULL, 'R' },
		{ "disabled", no_argument, NULL, 'D' },
		{ "enabled", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	const struct role_rule *rr;
	struct role_spec rs;
	char msg[ROLE_MSG_MAX];
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->code = trim(optarg); break;
		case 'n': o->name = trim(optarg); break;
		case 'd': o->description = trim(optarg); break;
		case 'u': o->url = trim(optarg); break;
		case 'i': o->icon = trim(optarg); break;
		case 'l': o->level = trim(optarg); break;
		case 'p': o->position = trim(optarg); break;
		case 'g': o->cgu = trim(optarg); break;
		case 'G': o->no_cgu = true; break;
		case 'R': o->no_roles = true; break;
		case 'D': o->disabled = true; break;
		case 'E': o->enabled = true; break;
		case 'r':
			o->roles_given = true;
			if ((rr = role_find(optarg)) != NULL) {
				o->roles[rr - role_rules] = true;
				break;
			}
			if (strchr(optarg, ':') != NULL)
				fprintf(stderr, "parvis-admin: --role %s: an "
				    "application is shown to roles, without a "
				    "scope (e.g. --role cpts_manager)\n", optarg);
			else {
				(void)role_spec_parse(optarg, &rs, msg);
				fprintf(stderr, "parvis-admin: --role: %s\n",
				    msg);
			}
			return 1;
		default:
			goto usage;
		}
	}
	if ((o->cgu != NULL && o->no_cgu) || (o->disabled && o->enabled) ||
	    (o->roles_given && o->no_roles)) {
		fputs("parvis-admin: --cgu and --no-cgu, --disabled and "
		    "--enabled, --role and --no-roles go one without the "
		    "other\n", stderr);
		return 2;
	}
	if (editing) {
		if (o->code != NULL) {
			fputs("parvis-admin: --code: an application's code "
			    "never changes\n", stderr);
			return 1;
		}
		if (argc - optind != 1)
			goto usage;
		o->arg = argv[optind];
		return 0;
	}
	if (argc != optind || o->code == NULL || o->name == NULL ||
	    o->description == NULL || o->url == NULL)
		goto usage;
	return 0;
usage:
	if (editing)
		fputs("usage: parvis-admin edit-application CODE [--name N] "
		    "[--description D] [--url /PATH/] " APP_USAGE "\n", stderr);
	else
		fputs("usage: parvis-admin add-application --code C --name N "
		    "--description D --url /PATH/ " APP_USAGE "\n", stderr);
	return 2;
}

/* Looks up the CGU document with that code; returns its id, 0 after
 * printing that there is none, or -1 on a database failure. */
static long long
cgu_doc_id(const char *code, const char *what)
{
	struct db_result res;

	switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_CGU_DOC_BY_CODE),
	    DB_PARAMS(DBP_STR(code)), &res)) {
	case DB_OK:
		return db_cell_int(&res, 0, 0);
	case DB_NOT_FOUND:
		fprintf(stderr, "parvis-admin: %sno CGU document with the "
		    "code %s (see create-cgu-document)\n", what, code);
		return 0;
	default:
		(void)db_failed();
		return -1;
	}
}

/* Checks the DOC of --cgu (NULL: not given); returns 1 after printing
 * why it cannot be a document's code, else 0. */
static size_t
cgu_code_check(const char *code)
{
	const char *why;

	if (code == NULL || (why = cgudef_code_check(code)) == NULL)
		return 0;
	fprintf(stderr, "parvis-admin: --cgu: %s\n", why);
	return 1;
}

/* Checks d with the pages' rules (fcgi/lib/roles.c) and prints each
 * fault; returns how many. */
static size_t
app_check(struct appdef *d, bool creating)
{
	struct appdef_error errs[APPDEF_NFIELDS];
	size_t n = appdef_check(d, creating, errs), i;

	for (i = 0; i < n; i++)
		fprintf(stderr, "parvis-admin: %s: %s\n",
		    app_options[errs[i].field], errs[i].msg);
	return n;
}

/* Saves d (insert when id is 0) with its roles and the audit row, in the
 * open transaction; with cgu_code, links that document first.  Returns
 * 0, or 1 after printing why not (the caller rolls back). */
static int
app_save(long long id, struct appdef *d, const char *cgu_code)
{
	struct buf b = BUF_INIT;
	bool creating = id == 0;
	long long cgu;
	enum db_rc rc;
	size_t k;

	if (cgu_code != NULL) {
		if ((cgu = cgu_doc_id(cgu_code, "--cgu: ")) <= 0)
			return 1;
		d->cgu_id = cgu;
		d->cgu = arena_printf(&admin_arena, "%lld", cgu);
	}
	if (creating)
		rc = db_exec(admin_db, AQ(ASQL_APP_INSERT), DB_PARAMS(
		    DBP_STR(d->code), DBP_STR(d->name), DBP_STR(d->description),
		    DBP_STR(d->url), DBP_STR(d->icon), DBP_INT(d->level_n),
		    DBP_INT(d->position_n), DBP_ID(d->cgu_id),
		    DBP_INT(d->enabled)), NULL);
	else
		rc = db_exec(admin_db, AQ(ASQL_APP_UPDATE), DB_PARAMS(
		    DBP_STR(d->name), DBP_STR(d->description), DBP_STR(d->url),
		    DBP_STR(d->icon), DBP_INT(d->level_n),
		    DBP_INT(d->position_n), DBP_ID(d->cgu_id),
		    DBP_INT(d->enabled), DBP_INT(id)), NULL);
	if (rc == DB_DUPLICATE) {
		fputs("parvis-admin: --code: Une application a déjà ce code.\n",
		    stderr);
		return 1;
	}
	if (rc != DB_OK)
		return db_failed();
	if (creating)
		id = (long long)db_insert_id(admin_db);
	if (db_exec(admin_db, AQ(ASQL_APP_ROLES_CLEAR), DB_PARAMS(DBP_INT(id)),
	    NULL) != DB_OK)
		return db_failed();
	for (k = 0; k < ROLE_COUNT; k++)
		if (d->roles[k] && db_exec(admin_db, AQ(ASQL_APP_ROLE_ADD),
		    DB_PARAMS(DBP_INT(id), DBP_STR(role_rules[k].role)),
		    NULL) != DB_OK)
			return db_failed();
	appdef_audit_detail(&b, d);
	rc = audit_cli(admin_db, "admin", creating ? "application.create" :
	    "application.update", "application", d->code, buf_str(&b));
	buf_free(&b);
	return rc == DB_OK ? 0 : db_failed();
}

static int
cmd_add_application(int argc, char **argv)
{
	struct app_opts o;
	struct appdef d;
	int rc;

	if ((rc = app_opts_parse(argc, argv, &o, false)) != 0)
		return rc;
	memset(&d, 0, sizeof(d));
	d.code = o.code;
	d.name = o.name;
	d.description = o.description;
	d.url = o.url;
	/* The defaults of the page's empty form. */
	d.icon = o.icon != NULL ? o.icon : "app";
	d.level = o.level != NULL ? o.level : "1";
	d.position = o.position != NULL ? o.position : "100";
	d.cgu = "";
	d.enabled = !o.disabled;
	memcpy(d.roles, o.roles, sizeof(d.roles));
	if (app_check(&d, true) + cgu_code_check(o.cgu) > 0)
		return 1;
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	if (app_save(0, &d, o.cgu) != 0 || tx_end(true, true) != 0) {
		(void)tx_end(true, false);
		return 1;
	}
	printf("application %s created\n", d.code);
	return 0;
}

static int
cmd_edit_application(int argc, char **argv)
{
	struct db_result a, roles;
	struct app_opts o;
	struct appdef d;
	size_t i, k;
	long long id;
	int rc;

	if ((rc = app_opts_parse(argc, argv, &o, true)) != 0)
		return rc;
	if (cgu_code_check(o.cgu) > 0)
		return 1;
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_APP_BY_CODE),
	    DB_PARAMS(DBP_STR(o.arg)), &a)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		(void)tx_end(true, false);
		fprintf(stderr, "parvis-admin: no application %s\n", o.arg);
		return 1;
	default:
		(void)tx_end(true, false);
		return db_failed();
	}
	if (db_query(admin_db, &admin_arena, AQ(ASQL_APP_ROLES), DB_PARAMS(
	    DBP_INT(db_cell_int(&a, 0, 0))), &roles) != DB_OK) {
		(void)tx_end(true, false);
		return db_failed();
	}
	/* What is stored, then what the options change. */
	memset(&d, 0, sizeof(d));
	id = db_cell_int(&a, 0, 0);
	d.code = db_cell(&a, 0, 1);
	d.name = o.name != NULL ? o.name : db_cell(&a, 0, 2);
	d.description = o.description != NULL ? o.description :
	    db_cell(&a, 0, 3);
	d.url = o.url != NULL ? o.url : db_cell(&a, 0, 4);
	d.icon = o.icon != NULL ? o.icon : db_cell(&a, 0, 5);
	d.level = o.level != NULL ? o.level : db_cell(&a, 0, 6);
	d.position = o.position != NULL ? o.position : db_cell(&a, 0, 7);
	d.enabled = o.disabled ? false : o.enabled ? true :
	    db_cell_int(&a, 0, 8) != 0;
	d.cgu = o.no_cgu || db_cell_int(&a, 0, 9) == 0 ? "" : db_cell(&a, 0, 9);
	if (o.roles_given || o.no_roles)
		memcpy(d.roles, o.roles, sizeof(d.roles));
	else
		for (i = 0; i < roles.nrows; i++)
			for (k = 0; k < ROLE_COUNT; k++)
				if (strcmp(db_cell(&roles, i, 0),
				    role_rules[k].role) == 0)
					d.roles[k] = true;
	if (app_check(&d, false) > 0 || app_save(id, &d, o.cgu) != 0 ||
	    tx_end(true, true) != 0) {
		(void)tx_end(true, false);
		return 1;
	}
	printf("application %s updated\n", d.code);
	return 0;
}

static int
cmd_create_cgu_document(int argc, char **argv)
{
	const char *code, *title, *why;
	bool bad = false;

	if (argc != 3) {
		fputs("usage: parvis-admin create-cgu-document CODE TITLE\n",
		    stderr);
		return 2;
	}
	code = trim(argv[1]);
	title = trim(argv[2]);
	if ((why = cgudef_code_check(code)) != NULL) {
		fprintf(stderr, "parvis-admin: CODE: %s\n", why);
		bad = true;
	}
	if ((why = cgudef_title_check(title)) != NULL) {
		fprintf(stderr, "parvis-admin: TITLE: %s\n", why);
		bad = true;
	}
	if (bad)
		return 1;
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	switch (db_exec(admin_db, AQ(ASQL_CGU_DOC_INSERT), DB_PARAMS(
	    DBP_STR(code), DBP_STR(title)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		(void)tx_end(true, false);
		fputs("parvis-admin: CODE: Un document a déjà ce code.\n",
		    stderr);
		return 1;
	default:
		(void)tx_end(true, false);
		return db_failed();
	}
	if (audit_cli(admin_db, "admin", "cgu.document.create", "cgu", code,
	    title) != DB_OK || tx_end(true, true) != 0) {
		(void)tx_end(true, false);
		return db_failed();
	}
	printf("CGU document %s created: publish its first version with "
	    "publish-cgu %s VERSION\n", code, code);
	return 0;
}

/* Reads all of f (at most max bytes) into a NUL-terminated string of
 * admin_arena; returns it, or NULL after printing why not (named after
 * what). */
static char *
read_text(FILE *f, const char *what, size_t max)
{
	struct buf b = BUF_INIT;
	char chunk[65536], *out;
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			fprintf(stderr, "parvis-admin: %s: %s\n", what,
			    cgudef_body_check(""));
			buf_free(&b);
			return NULL;
		}
		buf_append(&b, chunk, n);
	}
	if (ferror(f)) {
		fprintf(stderr, "parvis-admin: %s: %s\n", what,
		    strerror(errno));
		buf_free(&b);
		return NULL;
	}
	if (memchr(buf_str(&b), '\0', b.len) != NULL) {
		fprintf(stderr, "parvis-admin: %s: the text holds a NUL byte\n",
		    what);
		buf_free(&b);
		return NULL;
	}
	out = arena_strndup(&admin_arena, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

static int
cmd_publish_cgu(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL, *code, *version, *why;
	char *text;
	long long docid;
	time_t now = time(NULL);
	size_t len;
	FILE *f;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'f')
			goto usage;
		file = optarg;
	}
	if (argc - optind != 2)
		goto usage;
	code = argv[optind];
	version = trim(argv[optind + 1]);
	if ((why = cgudef_version_check(version)) != NULL) {
		fprintf(stderr, "parvis-admin: VERSION: %s\n", why);
		return 1;
	}
	if (file == NULL || strcmp(file, "-") == 0)
		text = read_text(stdin, "stdin", CGU_TEXT_MAX);
	else if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", file,
		    strerror(errno));
		return 1;
	} else {
		text = read_text(f, file, CGU_TEXT_MAX);
		fclose(f);
	}
	if (text == NULL)
		return 1;
	cgudef_body_normalise(text);
	if ((why = cgudef_body_check(text)) != NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", file != NULL ? file :
		    "stdin", why);
		return 1;
	}
	len = strlen(text);
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	if ((docid = cgu_doc_id(code, "")) <= 0) {
		(void)tx_end(true, false);
		return 1;
	}
	switch (db_exec(admin_db, AQ(ASQL_CGU_PUBLISH), DB_PARAMS(
	    DBP_INT(docid), DBP_STR(version), DBP_STRN(text, len), DBP_INT(now),
	    DBP_INT(now), DBP_INT(docid)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		(void)tx_end(true, false);
		fputs("parvis-admin: VERSION: Cette version existe déjà pour "
		    "ce document : choisissez un autre numéro.\n", stderr);
		return 1;
	default:
		(void)tx_end(true, false);
		return db_failed();
	}
	if (audit_cli(admin_db, "admin", "cgu.publish", "cgu",
	    arena_printf(&admin_arena, "%s:%s", code, version),
	    arena_printf(&admin_arena, "%zu octets", len)) != DB_OK ||
	    tx_end(true, true) != 0) {
		(void)tx_end(true, false);
		return db_failed();
	}
	printf("CGU %s version %s published (%zu bytes): its users will be "
	    "asked to accept it\n", code, version, len);
	return 0;
usage:
	fputs("usage: parvis-admin publish-cgu DOC VERSION [--file FILE]  (the "
	    "text on stdin without --file)\n", stderr);
	return 2;
}

/* ---- CPTS and the RPPS/ADELI link, as /admin/cpts and the user's page ---- */

/* Prints the codes of c that the directory's communes do not know (once
 * it holds some); returns how many, or -1 on a database failure. */
static long
cpts_codes_unknown(const struct cpts_codes *c, bool insee, const char *opt)
{
	struct db_result res;
	long n = 0;
	size_t i;
	enum db_rc rc;

	if (db_query_row(admin_db, &admin_arena, AQ(ASQL_DIRECTORY_ANY),
	    DB_NOPARAMS, &res) != DB_OK) {
		(void)db_failed();
		return -1;
	}
	if (db_cell_int(&res, 0, 0) == 0)
		return 0;
	for (i = 0; i < c->n; i++) {
		rc = db_query_row(admin_db, &admin_arena, AQ(insee ?
		    ASQL_INSEE_KNOWN : ASQL_POSTAL_KNOWN),
		    DB_PARAMS(DBP_STR(c->code[i])), &res);
		if (rc == DB_OK)
			continue;
		if (rc != DB_NOT_FOUND) {
			(void)db_failed();
			return -1;
		}
		fprintf(stderr, "parvis-admin: %s: %s ne figure pas dans "
		    "l'annuaire\n", opt, c->code[i]);
		n++;
	}
	return n;
}

/* Checks one list of codes; returns 0, or 1 after printing why not. */
static int
cpts_codes_check(const struct cpts_codes *c, bool insee, const char *opt)
{
	if (c->too_many) {
		fprintf(stderr, "parvis-admin: %s: at most %d codes\n", opt,
		    CPTS_CODES_MAX);
		return 1;
	}
	if (c->nbad > 0) {
		fprintf(stderr, "parvis-admin: %s: %s : %s\n", opt, insee ?
		    "codes communes INSEE non valides" :
		    "codes postaux non valides", c->bad);
		return 1;
	}
	return 0;
}

static const char *
cpts_codes_text(const struct cpts_codes *c)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < c->n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", c->code[i]);
	out = arena_strdup(&admin_arena, buf_str(&b));
	buf_free(&b);
	return out;
}

static int
cmd_create_cpts(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "postal-codes", required_argument, NULL, 'p' },
		{ "communes", required_argument, NULL, 'c' },
		{ "allow-unknown", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	static struct cpts_codes postal, communes;
	struct buf pt = BUF_INIT, ct = BUF_INIT;
	const char *name, *why;
	long long tid, id;
	long unknown = 0, u;
	bool allow = false;
	enum db_rc rc;
	size_t i;
	int ch, bad = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': buf_printf(&pt, "%s ", optarg); break;
		case 'c': buf_printf(&ct, "%s ", optarg); break;
		case 'u': allow = true; break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1)
		goto usage;
	name = trim(argv[optind]);
	cpts_codes_parse(buf_str(&pt), false, &postal);
	cpts_codes_parse(buf_str(&ct), true, &communes);
	buf_free(&pt);
	buf_free(&ct);
	if ((why = valid_text(name, 0, 100000)) != NULL ||
	    (valid_text(name, 2, CPTS_NAME_MAX) != NULL &&
	    (why = "Le nom compte 2 à 200 caractères.") != NULL)) {
		fprintf(stderr, "parvis-admin: NAME: %s\n", why);
		bad = 1;
	}
	bad |= cpts_codes_check(&postal, false, "--postal-codes");
	bad |= cpts_codes_check(&communes, true, "--communes");
	if (!bad && postal.n == 0 && communes.n == 0) {
		fputs("parvis-admin: give the territory: --postal-codes and/or "
		    "--communes\n", stderr);
		bad = 1;
	}
	if (bad)
		return 1;
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	if ((u = cpts_codes_unknown(&postal, false, "--postal-codes")) < 0 ||
	    (unknown = cpts_codes_unknown(&communes, true, "--communes")) < 0) {
		(void)tx_end(true, false);
		return 1;
	}
	unknown += u;
	if (unknown > 0 && !allow) {
		(void)tx_end(true, false);
		fputs("parvis-admin: nothing created; check the codes, or give "
		    "--allow-unknown to keep them\n", stderr);
		return 1;
	}
	if (db_exec(admin_db, AQ(ASQL_TERRITORY_INSERT), DB_PARAMS(
	    DBP_STR(name)), NULL) != DB_OK) {
		(void)tx_end(true, false);
		return db_failed();
	}
	tid = (long long)db_insert_id(admin_db);
	rc = db_exec(admin_db, AQ(ASQL_CPTS_INSERT), DB_PARAMS(DBP_STR(name),
	    DBP_INT(tid)), NULL);
	if (rc == DB_DUPLICATE) {
		(void)tx_end(true, false);
		fputs("parvis-admin: NAME: Une CPTS porte déjà ce nom.\n",
		    stderr);
		return 1;
	}
	if (rc != DB_OK) {
		(void)tx_end(true, false);
		return db_failed();
	}
	id = (long long)db_insert_id(admin_db);
	for (i = 0; i < postal.n; i++)
		if (db_exec(admin_db, AQ(ASQL_POSTAL_ADD), DB_PARAMS(DBP_INT(tid),
		    DBP_STR(postal.code[i])), NULL) != DB_OK)
			goto fail;
	for (i = 0; i < communes.n; i++)
		if (db_exec(admin_db, AQ(ASQL_COMMUNE_ADD), DB_PARAMS(
		    DBP_INT(tid), DBP_STR(communes.code[i])), NULL) != DB_OK)
			goto fail;
	if (audit_cli(admin_db, "admin", "cpts.create", "cpts",
	    arena_printf(&admin_arena, "%lld", id), arena_printf(&admin_arena,
	    "nom=%s; territoire=%lld; codes postaux=%s; communes=%s%s", name,
	    tid, cpts_codes_text(&postal), cpts_codes_text(&communes),
	    unknown > 0 ? "; codes absents de l'annuaire acceptés" : "")) !=
	    DB_OK || tx_end(true, true) != 0)
		goto fail;
	printf("CPTS %s created (id %lld, territory %lld): %zu postal code(s), "
	    "%zu commune(s)\n", name, id, tid, postal.n, communes.n);
	return 0;
fail:
	(void)tx_end(true, false);
	return db_failed();
usage:
	buf_free(&pt);
	buf_free(&ct);
	fputs("usage: parvis-admin create-cpts NAME [--postal-codes \"C1 C2 ...\"]"
	    "... [--communes \"INSEE1 INSEE2 ...\"]... [--allow-unknown]\n",
	    stderr);
	return 2;
}

/* Finds the user whose login (first) or e-mail is who; returns its id,
 * 0 after printing that there is none, -1 on a database failure. */
static long long
user_find(const char *who, const char **login)
{
	struct db_result res;

	switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_USER_FIND),
	    DB_PARAMS(DBP_STR(who), DBP_STR(who), DBP_STR(who)), &res)) {
	case DB_OK:
		*login = db_cell(&res, 0, 1);
		return db_cell_int(&res, 0, 0);
	case DB_NOT_FOUND:
		fprintf(stderr, "parvis-admin: no user with the login or e-mail "
		    "%s\n", who);
		return 0;
	default:
		(void)db_failed();
		return -1;
	}
}

static int
cmd_cpts_add_manager(int argc, char **argv)
{
	struct db_result c;
	const char *login = NULL;
	long long id = 0, uid;
	enum db_rc rc;

	if (argc != 3) {
		fputs("usage: parvis-admin cpts-add-manager CPTS LOGIN  (CPTS: "
		    "its number or its exact name; LOGIN: a login or an "
		    "e-mail)\n", stderr);
		return 2;
	}
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	if (valid_parse_ll(argv[1], 1, ROLE_SCOPE_ID_MAX, &id) == 0)
		rc = db_query_row(admin_db, &admin_arena, AQ(ASQL_CPTS_BY_ID),
		    DB_PARAMS(DBP_INT(id)), &c);
	else
		rc = db_query_row(admin_db, &admin_arena, AQ(ASQL_CPTS_BY_NAME),
		    DB_PARAMS(DBP_STR(argv[1])), &c);
	if (rc == DB_NOT_FOUND) {
		(void)tx_end(true, false);
		fprintf(stderr, "parvis-admin: no CPTS %s\n", argv[1]);
		return 1;
	}
	if (rc != DB_OK) {
		(void)tx_end(true, false);
		return db_failed();
	}
	id = db_cell_int(&c, 0, 0);
	if ((uid = user_find(argv[2], &login)) <= 0) {
		(void)tx_end(true, false);
		return 1;
	}
	/* The grant and its audit row as grant-role and the pages. */
	if (admin_grant(uid, arena_printf(&admin_arena, "cpts_manager:cpts:%lld",
	    id), 1) != 0 || tx_end(true, true) != 0) {
		(void)tx_end(true, false);
		return 1;
	}
	printf("%s manages the CPTS %s (id %lld)\n", login, db_cell(&c, 0, 1),
	    id);
	return 0;
}

static int
cmd_link_idnps(int argc, char **argv)
{
	struct db_result u, p, o;
	const char *login = NULL, *old, *dir = "";
	char idnps[16], ka[256], kf[256];
	bool clear;
	long long uid;

	if (argc != 3) {
		fputs("usage: parvis-admin link-idnps LOGIN RPPS|ADELI|IDNPS\n"
		    "       parvis-admin link-idnps LOGIN --clear\n", stderr);
		return 2;
	}
	clear = strcmp(argv[2], "--clear") == 0;
	if (!clear && !cpts_idnps_parse(argv[2], idnps)) {
		fprintf(stderr, "parvis-admin: %s: Indiquez un numéro RPPS (11 "
		    "chiffres), ADELI (9 chiffres) ou l'identifiant national "
		    "IDNPS valide.\n", argv[2]);
		return 1;
	}
	if (db_begin(admin_db) != DB_OK)
		return db_failed();
	if ((uid = user_find(argv[1], &login)) <= 0 ||
	    db_query_row(admin_db, &admin_arena, AQ(ASQL_USER_IDNPS_LOCK),
	    DB_PARAMS(DBP_INT(uid)), &u) != DB_OK)
		goto fail;
	old = db_cell(&u, 0, 1);
	if (clear ? old == NULL : old != NULL && strcmp(old, idnps) == 0) {
		(void)tx_end(true, false);
		printf("%s: nothing to change\n", login);
		return 0;
	}
	if (!clear) {
		switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_IDNPS_OWNER),
		    DB_PARAMS(DBP_STR(idnps), DBP_INT(uid)), &o)) {
		case DB_OK:
			fprintf(stderr, "parvis-admin: %s is already linked to "
			    "the account %s: one account per professional\n",
			    idnps, db_cell(&o, 0, 0));
			goto fail;
		case DB_NOT_FOUND:
			break;
		default:
			(void)db_failed();
			goto fail;
		}
		switch (db_query_row(admin_db, &admin_arena, AQ(ASQL_PRO_GET),
		    DB_PARAMS(DBP_STR(idnps)), &p)) {
		case DB_OK:
			dir = arena_printf(&admin_arena, "; annuaire : %s %s",
			    db_cell(&p, 0, 1), db_cell(&p, 0, 0));
			if (!cpts_name_key(db_cell(&u, 0, 3), ka, sizeof(ka)) ||
			    !cpts_name_key(db_cell(&u, 0, 2), kf, sizeof(kf)) ||
			    strcasecmp(ka, db_cell(&p, 0, 2)) != 0 ||
			    strcasecmp(kf, db_cell(&p, 0, 3)) != 0)
				fprintf(stderr, "parvis-admin: warning: the "
				    "directory's name (%s %s) differs from the "
				    "account's (%s %s)\n", db_cell(&p, 0, 1),
				    db_cell(&p, 0, 0), db_cell(&u, 0, 2),
				    db_cell(&u, 0, 3));
			break;
		case DB_NOT_FOUND:
			dir = "; absent de l'annuaire";
			fprintf(stderr, "parvis-admin: warning: %s is not in the "
			    "directory\n", idnps);
			break;
		default:
			(void)db_failed();
			goto fail;
		}
	}
	switch (db_exec(admin_db, AQ(ASQL_USER_SET_IDNPS), DB_PARAMS(
	    clear ? DBP_NULL : DBP_STR(idnps), DBP_INT(uid)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		fprintf(stderr, "parvis-admin: %s was just linked to another "
		    "account\n", idnps);
		goto fail;
	default:
		(void)db_failed();
		goto fail;
	}
	if (audit_cli(admin_db, "admin", "user.idnps", "user", login,
	    arena_printf(&admin_arena, "%s → %s%s", old != NULL ? old : "-",
	    clear ? "-" : idnps, dir)) != DB_OK || tx_end(true, true) != 0)
		goto fail;
	if (clear)
		printf("%s is no longer linked to %s\n", login, old);
	else
		printf("%s linked to %s\n", login, idnps);
	return 0;
fail:
	(void)tx_end(true, false);
	return 1;
}

/* Runs a batched DELETE (LIMIT in the statement) until it removes no
 * more rows; adds the count to *total.  Returns 0 or -1 (printed). */
static int
purge_batches(int stmt, long long days, unsigned long long *total)
{
	unsigned long long n;

	do {
		n = 0;
		if (db_exec(admin_db, AQ(stmt), DB_PARAMS(DBP_INT(days)), &n) !=
		    DB_OK) {
			(void)db_failed();
			return -1;
		}
		*total += n;
	} while (n > 0);
	return 0;
}

/*
 * Housekeeping, to run daily (cron or a systemd timer): expired sessions
 * (their one-time codes go with them), login attempts older than
 * login_attempt_days, and sent or dead messages older than outbox_days
 * (a sent message's text is already emptied by parvis-mailer).  The
 * counts go to the audit log.
 */
static int
cmd_purge(void)
{
	unsigned long long sessions = 0, attempts = 0, mails = 0;
	long long attempt_days = config_int("login_attempt_days", 365, 1, 3650);
	long long outbox_days = config_int("outbox_days", 30, 1, 3650);
	char detail[160];

	if (db_exec(admin_db, AQ(ASQL_SESSIONS_PURGE), DB_PARAMS(
	    DBP_INT(config_int("session_idle_seconds", 1800, 1, 86400)),
	    DBP_INT(config_int("session_absolute_seconds", 43200, 1, 604800))),
	    &sessions) != DB_OK)
		return db_failed();
	if (purge_batches(ASQL_ATTEMPTS_PURGE, attempt_days, &attempts) != 0 ||
	    purge_batches(ASQL_OUTBOX_PURGE, outbox_days, &mails) != 0)
		return 1;
	snprintf(detail, sizeof(detail), "%llu session(s), %llu tentative(s) de "
	    "connexion de plus de %lld jours, %llu message(s) de plus de %lld "
	    "jours", sessions, attempts, attempt_days, mails, outbox_days);
	if (audit_cli(admin_db, "admin", "purge", NULL, NULL, detail) != DB_OK)
		return db_failed();
	printf("%llu expired session(s) removed\n"
	    "%llu login attempt(s) older than %lld days removed\n"
	    "%llu sent or dead message(s) older than %lld days removed\n",
	    sessions, attempts, attempt_days, mails, outbox_days);
	return 0;
}

static void
usage(void)
{
	fputs("usage: parvis-admin [--config FILE] COMMAND [ARGS]\n"
	    "commands:\n"
	    "  migrate [--sql-dir DIR]       apply sql/NNN_*.sql not yet applied\n"
	    "  create-user --login ...       create an active user (password on stdin)\n"
	    "  grant-role LOGIN ROLE[:T:ID]  grant a role with its scope\n"
	    "  revoke-role LOGIN ROLE[:T:ID] revoke it\n"
	    "  add-application --code ...    add an application (a tile)\n"
	    "  edit-application CODE ...     change an application\n"
	    "  create-cgu-document CODE TITLE\n"
	    "                                create a terms-of-use (CGU) document\n"
	    "  publish-cgu DOC VERSION [--file F]\n"
	    "                                publish a CGU version (text on stdin)\n"
	    "  create-cpts NAME [--postal-codes L] [--communes L] [--allow-unknown]\n"
	    "                                create a CPTS and its territory\n"
	    "  cpts-add-manager CPTS LOGIN   make LOGIN a manager of the CPTS\n"
	    "  link-idnps LOGIN IDNPS|--clear\n"
	    "                                link an account to its RPPS/ADELI identifier\n"
	    "  demo-data                     fill the database with synthetic demo data\n"
	    "  import-rpps FILE...           import the national RPPS open-data files\n"
	    "  gen-rpps KIND N OUT           write a synthetic RPPS file (demo, tests)\n"
	    "  purge                         remove expired sessions, old login\n"
	    "                                attempts and old sent messages\n", stderr);
}

int
main(int argc, char **argv)
{
	const char *cfg = getenv("PARVIS_CONFIG"), *cmd;
	int i = 1, rc;

	log_init("parvis-admin", LOG_LEVEL_WARN);
	if (i + 1 < argc && strcmp(argv[i], "--config") == 0) {
		cfg = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
		usage();
		return i >= argc ? 2 : 0;
	}
	cmd = argv[i];
	if (cfg == NULL)
		cfg = PARVIS_SYSCONF_DIR "/parvis.conf";
	if (config_load(cfg, "admin") != 0)
		return 1;
	password_cost_from_config();
	arena_init(&admin_arena, 0);
	admin_db = app_db_from_config(admin_tables, 1);
	if (db_ensure(admin_db) != DB_OK) {
		fprintf(stderr, "parvis-admin: cannot reach the database: %s\n",
		    db_last_error(admin_db));
		db_free(admin_db);
		return 1;
	}
	if (strcmp(cmd, "migrate") == 0) {
		const char *dir = config_str("sql_dir", PARVIS_SQL_DIR);

		if (i + 2 < argc && strcmp(argv[i + 1], "--sql-dir") == 0)
			dir = argv[i + 2];
		rc = cmd_migrate(dir);
	} else if (strcmp(cmd, "create-user") == 0)
		rc = cmd_create_user(argc - i, argv + i);
	else if (strcmp(cmd, "grant-role") == 0)
		rc = cmd_role(argc - i, argv + i, 1);
	else if (strcmp(cmd, "revoke-role") == 0)
		rc = cmd_role(argc - i, argv + i, 0);
	else if (strcmp(cmd, "add-application") == 0)
		rc = cmd_add_application(argc - i, argv + i);
	else if (strcmp(cmd, "edit-application") == 0)
		rc = cmd_edit_application(argc - i, argv + i);
	else if (strcmp(cmd, "create-cgu-document") == 0)
		rc = cmd_create_cgu_document(argc - i, argv + i);
	else if (strcmp(cmd, "publish-cgu") == 0)
		rc = cmd_publish_cgu(argc - i, argv + i);
	else if (strcmp(cmd, "create-cpts") == 0)
		rc = cmd_create_cpts(argc - i, argv + i);
	else if (strcmp(cmd, "cpts-add-manager") == 0)
		rc = cmd_cpts_add_manager(argc - i, argv + i);
	else if (strcmp(cmd, "link-idnps") == 0)
		rc = cmd_link_idnps(argc - i, argv + i);
	else if (strcmp(cmd, "demo-data") == 0)
		rc = admin_demo_data();
	else if (strcmp(cmd, "import-rpps") == 0)
		rc = admin_import_rpps(argc - i, argv + i);
	else if (strcmp(cmd, "gen-rpps") == 0)
		rc = admin_gen_rpps(argc - i, argv + i);
	else if (strcmp(cmd, "purge") == 0 ||
	    strcmp(cmd, "purge-sessions") == 0)	/* its name until 2026-11 */
		rc = cmd_purge();
	else {
		usage();
		rc = 2;
	}
	db_free(admin_db);
	arena_free(&admin_arena);
	config_free();
	return rc;
}
