/*
 * parvis-admin: the command line of the suite.  Applies migrations,
 * creates users and grants roles, fills demo data, purges what is expired.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "admin.h"
#include "app.h"
#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "password.h"
#include "valid.h"

enum admin_stmt {
	ASQL_MIGRATIONS_TABLE,
	ASQL_MIGRATION_APPLIED,
	ASQL_MIGRATION_RECORD,
	ASQL_USER_INSERT,
	ASQL_USER_BY_LOGIN,
	ASQL_ROLE_GRANT,
	ASQL_ROLE_REVOKE,
	ASQL_SESSIONS_PURGE,
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
	[ASQL_ROLE_GRANT] =
	    "INSERT IGNORE INTO user_role (user_id, role, scope_type, scope_id)"
	    " VALUES (?, ?, ?, ?)",
	[ASQL_ROLE_REVOKE] =
	    "DELETE FROM user_role WHERE user_id = ? AND role = ?"
	    " AND scope_type = ? AND scope_id = ?",
	[ASQL_SESSIONS_PURGE] =
	    "DELETE FROM session WHERE last_seen_at < UTC_TIMESTAMP() - INTERVAL ? SECOND"
	    " OR created_at < UTC_TIMESTAMP() - INTERVAL ? SECOND",
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

/* Parses "role" or "role:scope_type:scope_id". */
static int
parse_role(const char *spec, char *role, size_t rlen, char *type, size_t tlen,
    long long *id)
{
	const char *c1 = strchr(spec, ':'), *c2;

	*id = 0;
	if (c1 == NULL) {
		snprintf(role, rlen, "%s", spec);
		snprintf(type, tlen, "none");
		return 0;
	}
	if ((c2 = strchr(c1 + 1, ':')) == NULL)
		return -1;
	snprintf(role, rlen, "%.*s", (int)(c1 - spec), spec);
	snprintf(type, tlen, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	return valid_parse_ll(c2 + 1, 1, 9223372036854775807LL, id);
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

int
admin_grant(long long uid, const char *spec, int grant)
{
	char role[32], type[32];
	long long id;

	if (parse_role(spec, role, sizeof(role), type, sizeof(type), &id) != 0) {
		fprintf(stderr, "parvis-admin: role must be ROLE or ROLE:SCOPE_TYPE:ID\n");
		return -1;
	}
	if (db_exec(admin_db, grant ? AQ(ASQL_ROLE_GRANT) : AQ(ASQL_ROLE_REVOKE),
	    DB_PARAMS(DBP_INT(uid), DBP_STR(role), DBP_STR(type), DBP_INT(id)),
	    NULL) != DB_OK) {
		fprintf(stderr, "parvis-admin: %s %s: %s\n", grant ? "grant" : "revoke",
		    spec, db_last_error(admin_db));
		return -1;
	}
	audit_cli(admin_db, "admin", grant ? "role.grant" : "role.revoke",
	    "user", NULL, spec);
	return 0;
}

long long
admin_create_user(const char *login, const char *email, const char *first,
    const char *last, const char *password, const char *mobile,
    const char *profession, const char *idnps)
{
	char hash[256];
	const char *why;
	long long uid;

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
	if (db_exec(admin_db, AQ(ASQL_USER_INSERT), DB_PARAMS(DBP_STR(login),
	    DBP_STR(email), DBP_STR(first), DBP_STR(last), DBP_STR(hash),
	    DBP_STR(mobile), DBP_STR(profession), DBP_STR(idnps)), NULL) != DB_OK) {
		fprintf(stderr, "parvis-admin: cannot create %s: %s\n", login,
		    db_last_error(admin_db));
		return 0;
	}
	uid = (long long)db_insert_id(admin_db);	/* before the audit row's */
	audit_cli(admin_db, "admin", "user.create", "user", login, NULL);
	return uid;
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
	size_t nroles = 0, i;
	int ch, from_stdin = 0;
	long long uid;

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
			if (nroles < 16)
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
	if ((uid = admin_create_user(login, email, first, last,
	    read_password(from_stdin), mobile, profession, idnps)) == 0)
		return 1;
	for (i = 0; i < nroles; i++)
		if (admin_grant(uid, roles[i], 1) != 0)
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

static int
cmd_purge(void)
{
	unsigned long long n = 0;

	if (db_exec(admin_db, AQ(ASQL_SESSIONS_PURGE), DB_PARAMS(
	    DBP_INT(config_int("session_idle_seconds", 1800, 1, 86400)),
	    DBP_INT(config_int("session_absolute_seconds", 43200, 1, 604800))),
	    &n) != DB_OK)
		return 1;
	printf("%llu expired session(s) removed\n", n);
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
	    "  demo-data                     fill the database with synthetic demo data\n"
	    "  import-rpps FILE...           import the national RPPS open-data files\n"
	    "  gen-rpps KIND N OUT           write a synthetic RPPS file (demo, tests)\n"
	    "  purge-sessions                remove expired sessions\n", stderr);
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
	else if (strcmp(cmd, "demo-data") == 0)
		rc = admin_demo_data();
	else if (strcmp(cmd, "import-rpps") == 0)
		rc = admin_import_rpps(argc - i, argv + i);
	else if (strcmp(cmd, "gen-rpps") == 0)
		rc = admin_gen_rpps(argc - i, argv + i);
	else if (strcmp(cmd, "purge-sessions") == 0)
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
