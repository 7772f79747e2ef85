#include "db.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>

#include "libsql.h"
#include "log.h"

#define DB_CELL_START	256	/* first buffer per column; grown on truncation */

struct db {
	MYSQL		 *conn;
	MYSQL_STMT	**stmts;	/* every table's statements, flattened */
	struct db_table	 *tables;	/* [0] is libparvis's own */
	size_t		 *offset;	/* where each table starts in stmts */
	size_t		  ntables;
	size_t		  ntotal;
	struct db_config  cfg;
	bool		  in_tx;
	bool		  tx_failed;
	char		  lasterr[512];
};

static char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		abort();
	return p;
}

static bool
errno_is_lost(unsigned int e)
{
	return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST ||
	    e == CR_CONNECTION_ERROR || e == CR_CONN_HOST_ERROR ||
	    e == ER_CONNECTION_KILLED || e == ER_SERVER_SHUTDOWN ||
	    e == CR_COMMANDS_OUT_OF_SYNC || e == ER_UNKNOWN_STMT_HANDLER ||
	    e == 4031 /* ER_CLIENT_INTERACTION_TIMEOUT */;
}

static const char *
stmt_sql(const struct db *db, size_t idx)
{
	size_t t;

	for (t = db->ntables; t-- > 0;)
		if (idx >= db->offset[t])
			return db->tables[t].sql[idx - db->offset[t]];
	return NULL;
}

struct db *
db_new(const struct db_config *cfg, const struct db_table *tables, size_t ntables)
{
	struct db *db;
	size_t t;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		abort();
	db->ntables = ntables + 1;
	db->tables = calloc(db->ntables, sizeof(*db->tables));
	db->offset = calloc(db->ntables, sizeof(*db->offset));
	if (db->tables == NULL || db->offset == NULL)
		abort();
	db->tables[0].sql = lib_sql;
	db->tables[0].n = lib_nsql;
	for (t = 0; t < ntables; t++)
		db->tables[t + 1] = tables[t];
	for (t = 0; t < db->ntables; t++) {
		db->offset[t] = db->ntotal;
		db->ntotal += db->tables[t].n;
	}
	if ((db->stmts = calloc(db->ntotal + 1, sizeof(*db->stmts))) == NULL)
		abort();
	db->cfg.socket = xstrdup(cfg->socket);
	db->cfg.host = xstrdup(cfg->host);
	db->cfg.port = cfg->port;
	db->cfg.user = xstrdup(cfg->user);
	db->cfg.password = xstrdup(cfg->password);
	db->cfg.name = xstrdup(cfg->name);
	return db;
}

static void
db_disconnect(struct db *db)
{
	size_t i;

	for (i = 0; i < db->ntotal; i++) {
		if (db->stmts[i] != NULL)
			mysql_stmt_close(db->stmts[i]);
		db->stmts[i] = NULL;
	}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = false;
	db->tx_failed = false;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db->stmts);
	free(db->tables);
	free(db->offset);
	free((char *)db->cfg.socket);
	free((char *)db->cfg.host);
	free((char *)db->cfg.user);
	if (db->cfg.password != NULL)
		memset((char *)db->cfg.password, 0, strlen(db->cfg.password));
	free((char *)db->cfg.password);
	free((char *)db->cfg.name);
	free(db);
}

static void
set_error(struct db *db, const char *what, const char *msg, unsigned int e)
{
	snprintf(db->lasterr, sizeof(db->lasterr), "%s: %s (%u)", what, msg, e);
}

enum db_rc
db_ensure(struct db *db)
{
	unsigned int timeout = 3;

	if (db->conn != NULL)
		return DB_OK;
	if ((db->conn = mysql_init(NULL)) == NULL)
		abort();
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(db->conn, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION'");
	if (mysql_real_connect(db->conn, db->cfg.host, db->cfg.user,
	    db->cfg.password, db->cfg.name, db->cfg.port, db->cfg.socket,
	    0) == NULL) {
		set_error(db, "connect", mysql_error(db->conn), mysql_errno(db->conn));
		log_error("database unavailable: %s", db->lasterr);
		mysql_close(db->conn);
		db->conn = NULL;
		return DB_UNAVAILABLE;
	}
	return DB_OK;
}

enum db_rc
db_ping(struct db *db)
{
	enum db_rc rc;

	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	if (mysql_ping(db->conn) == 0)
		return DB_OK;
	db_disconnect(db);
	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	return mysql_ping(db->conn) == 0 ? DB_OK : DB_UNAVAILABLE;
}

/* Prepares statement idx on this connection; returns DB_OK, DB_UNAVAILABLE
 * or DB_ERROR (the statement is wrong: a programming error, logged). */
static enum db_rc
stmt_prepare(struct db *db, size_t idx)
{
	const char *sql = stmt_sql(db, idx);
	my_bool on = 1;
	MYSQL_STMT *st;
	unsigned int e;

	if ((st = mysql_stmt_init(db->conn)) == NULL)
		abort();
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		e = mysql_stmt_errno(st);
		set_error(db, "prepare", mysql_stmt_error(st), e);
		mysql_stmt_close(st);
		if (errno_is_lost(e)) {
			log_error("database lost while preparing: %s", db->lasterr);
			return DB_UNAVAILABLE;
		}
		log_error("statement #%zu does not prepare: %s: %.200s", idx,
		    db->lasterr, sql);
		return DB_ERROR;
	}
	db->stmts[idx] = st;
	return DB_OK;
}

enum db_rc
db_prepare_all(struct db *db)
{
	enum db_rc rc;
	size_t i;

	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	for (i = 0; i < db->ntotal; i++)
		if (db->stmts[i] == NULL && (rc = stmt_prepare(db, i)) != DB_OK) {
			if (rc == DB_UNAVAILABLE)
				db_disconnect(db);
			return rc;
		}
	return DB_OK;
}

/* Returns the statement, prepared on first use, or NULL with *rc set. */
static MYSQL_STMT *
stmt_get(struct db *db, int id, const char *what, enum db_rc *rc)
{
	size_t idx;

	size_t table = (size_t)((unsigned)id >> 16), i = (size_t)(id & 0xffff);

	idx = db->ntotal;
	if (id >= 0 && table < db->ntables && i < db->tables[table].n)
		idx = db->offset[table] + i;
	if (idx >= db->ntotal || stmt_sql(db, idx) == NULL) {
		log_error("%s: no statement %d", what, id);
		*rc = DB_ERROR;
		return NULL;
	}
	if (db->stmts[idx] == NULL && (*rc = stmt_prepare(db, idx)) != DB_OK)
		return NULL;
	return db->stmts[idx];
}

static enum db_rc
classify(struct db *db, MYSQL_STMT *st, const char *what, int id)
{
	unsigned int e = mysql_stmt_errno(st);

	set_error(db, what, mysql_stmt_error(st), e);
	if (e == ER_DUP_ENTRY || e == ER_DUP_ENTRY_WITH_KEY_NAME)
		return DB_DUPLICATE;
	if (e == ER_NO_REFERENCED_ROW_2 || e == ER_ROW_IS_REFERENCED_2 ||
	    e == 4025 /* ER_CONSTRAINT_FAILED */)
		return DB_CONSTRAINT;
	if (errno_is_lost(e)) {
		log_error("database connection lost: %s", db->lasterr);
		return DB_UNAVAILABLE;
	}
	log_error("statement %d: %s", id, db->lasterr);
	return DB_ERROR;
}

static enum db_rc
bind_params(struct db *db, MYSQL_STMT *st, int id, const struct db_param *p,
    size_t np)
{
	MYSQL_BIND bind[64];
	size_t i;

	if (mysql_stmt_param_count(st) != np || np > 64) {
		log_error("statement %d takes %lu parameters, %zu given", id,
		    mysql_stmt_param_count(st), np);
		return DB_ERROR;
	}
	if (np == 0)
		return DB_OK;
	memset(bind, 0, sizeof(bind[0]) * np);
	for (i = 0; i < np; i++) {
		switch (p[i].type) {
		case DB_T_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&p[i].i;
			break;
		case DB_T_STR:
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)p[i].s;
			bind[i].buffer_length = p[i].len;
			break;
		default:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (mysql_stmt_bind_param(st, bind) != 0)
		return classify(db, st, "bind", id);
	return DB_OK;
}

/* Fetches every row (or streams them to fn); cells go to arena a. */
static enum db_rc
fetch_rows(struct db *db, MYSQL_STMT *st, int id, struct arena *a,
    struct db_result *res, int (*fn)(void *, char **, unsigned long *, size_t),
    void *arg)
{
	MYSQL_RES *meta;
	MYSQL_BIND *bind = NULL;
	unsigned long *lens = NULL;
	my_bool *nulls = NULL;
	char **bufs = NULL, **row = NULL;
	size_t ncols, cap = 0, c;
	enum db_rc rc = DB_OK;
	int frc;

	if ((meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_error("statement %d returns no result set", id);
		return DB_ERROR;
	}
	ncols = mysql_num_fields(meta);
	if (fn == NULL && mysql_stmt_store_result(st) != 0) {
		rc = classify(db, st, "store", id);
		goto out;
	}
	bind = calloc(ncols, sizeof(*bind));
	lens = calloc(ncols, sizeof(*lens));
	nulls = calloc(ncols, sizeof(*nulls));
	bufs = calloc(ncols, sizeof(*bufs));
	row = calloc(ncols, sizeof(*row));
	if (bind == NULL || lens == NULL || nulls == NULL || bufs == NULL || row == NULL)
		abort();
	for (c = 0; c < ncols; c++) {
		MYSQL_FIELD *f = mysql_fetch_field_direct(meta, (unsigned)c);
		size_t sz = f->max_length + 1 > DB_CELL_START ?
		    f->max_length + 1 : DB_CELL_START;

		if ((bufs[c] = malloc(sz)) == NULL)
			abort();
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = sz;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		rc = classify(db, st, "bind result", id);
		goto out;
	}
	if (res != NULL) {
		res->ncols = ncols;
		res->nrows = 0;
		res->cells = NULL;
	}
	for (;;) {
		int f = mysql_stmt_fetch(st);

		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = classify(db, st, "fetch", id);
			goto out;
		}
		for (c = 0; c < ncols; c++) {
			if (nulls[c]) {
				row[c] = NULL;
				continue;
			}
			if (lens[c] >= bind[c].buffer_length) {
				/* Truncated: grow this column's buffer and
				 * fetch the column again. */
				char *nb = realloc(bufs[c], lens[c] + 1);

				if (nb == NULL)
					abort();
				bufs[c] = nb;
				bind[c].buffer = nb;
				bind[c].buffer_length = lens[c] + 1;
				if (mysql_stmt_fetch_column(st, &bind[c],
				    (unsigned)c, 0) != 0) {
					rc = classify(db, st, "fetch column", id);
					goto out;
				}
			}
			bufs[c][lens[c]] = '\0';
			row[c] = bufs[c];
		}
		/* Rebind in case a buffer moved. */
		mysql_stmt_bind_result(st, bind);
		if (fn != NULL) {
			if ((frc = fn(arg, row, lens, ncols)) != 0)
				break;
			continue;
		}
		if (res->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			char **cells = arena_alloc(a, ncap * ncols * sizeof(char *) + 1);

			if (res->cells != NULL)
				memcpy(cells, res->cells, cap * ncols * sizeof(char *));
			res->cells = cells;
			cap = ncap;
		}
		for (c = 0; c < ncols; c++)
			res->cells[res->nrows * ncols + c] = row[c] == NULL ?
			    NULL : arena_strndup(a, row[c], lens[c]);
		res->nrows++;
	}
out:
	mysql_free_result(meta);
	mysql_stmt_free_result(st);
	if (bufs != NULL)
		for (c = 0; c < ncols; c++)
			free(bufs[c]);
	free(bufs);
	free(row);
	free(bind);
	free(lens);
	free(nulls);
	return rc;
}

enum run_kind { RUN_EXEC, RUN_QUERY, RUN_EACH };

static enum db_rc
run_once(struct db *db, enum run_kind kind, int id, const struct db_param *p,
    size_t np, unsigned long long *affected, struct arena *a,
    struct db_result *res, int (*fn)(void *, char **, unsigned long *, size_t),
    void *arg)
{
	MYSQL_STMT *st;
	enum db_rc rc;

	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	if ((st = stmt_get(db, id, "run", &rc)) == NULL)
		return rc;
	if ((rc = bind_params(db, st, id, p, np)) != DB_OK)
		return rc;
	if (mysql_stmt_execute(st) != 0)
		return classify(db, st, "execute", id);
	if (kind == RUN_EXEC) {
		if (affected != NULL)
			*affected = mysql_stmt_affected_rows(st);
		return DB_OK;
	}
	return fetch_rows(db, st, id, a, res, kind == RUN_EACH ? fn : NULL, arg);
}

static enum db_rc
run(struct db *db, enum run_kind kind, int id, const struct db_param *p,
    size_t np, unsigned long long *affected, struct arena *a,
    struct db_result *res, int (*fn)(void *, char **, unsigned long *, size_t),
    void *arg)
{
	enum db_rc rc;

	if (db->in_tx && db->tx_failed)
		return DB_ERROR;
	rc = run_once(db, kind, id, p, np, affected, a, res, fn, arg);
	if (rc == DB_UNAVAILABLE && db->conn != NULL) {
		bool was_tx = db->in_tx;

		db_disconnect(db);
		if (was_tx) {
			/* The transaction is gone with the connection: the
			 * caller must fail; a retry would half-apply it. */
			db->in_tx = true;
			db->tx_failed = true;
			return DB_UNAVAILABLE;
		}
		log_info("reconnecting to the database and retrying once");
		rc = run_once(db, kind, id, p, np, affected, a, res, fn, arg);
	}
	if (db->in_tx && rc != DB_OK && rc != DB_NOT_FOUND)
		db->tx_failed = true;
	return rc;
}

enum db_rc
db_exec(struct db *db, int stmt, const struct db_param *p, size_t np,
    unsigned long long *affected)
{
	return run(db, RUN_EXEC, stmt, p, np, affected, NULL, NULL, NULL, NULL);
}

unsigned long long
db_insert_id(struct db *db)
{
	return db->conn != NULL ? mysql_insert_id(db->conn) : 0;
}

enum db_rc
db_query(struct db *db, struct arena *a, int stmt, const struct db_param *p,
    size_t np, struct db_result *res)
{
	memset(res, 0, sizeof(*res));
	return run(db, RUN_QUERY, stmt, p, np, NULL, a, res, NULL, NULL);
}

enum db_rc
db_query_row(struct db *db, struct arena *a, int stmt, const struct db_param *p,
    size_t np, struct db_result *res)
{
	enum db_rc rc = db_query(db, a, stmt, p, np, res);

	if (rc == DB_OK && res->nrows == 0)
		return DB_NOT_FOUND;
	return rc;
}

enum db_rc
db_query_each(struct db *db, int stmt, const struct db_param *p, size_t np,
    int (*fn)(void *, char **, unsigned long *, size_t), void *arg)
{
	return run(db, RUN_EACH, stmt, p, np, NULL, NULL, NULL, fn, arg);
}

const char *
db_cell(const struct db_result *res, size_t row, size_t col)
{
	if (res == NULL || row >= res->nrows || col >= res->ncols)
		return NULL;
	return res->cells[row * res->ncols + col];
}

long long
db_cell_int(const struct db_result *res, size_t row, size_t col)
{
	const char *s = db_cell(res, row, col);
	char *end;
	long long v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	return *end == '\0' ? v : 0;
}

/* Runs a fixed statement of this file (START TRANSACTION, COMMIT,
 * ROLLBACK): only string literals, never text built from input. */
static enum db_rc
simple_query(struct db *db, const char *sql)
{
	unsigned int e;

	if (mysql_real_query(db->conn, sql, strlen(sql)) == 0)
		return DB_OK;
	e = mysql_errno(db->conn);
	set_error(db, sql, mysql_error(db->conn), e);
	log_error("%s", db->lasterr);
	if (errno_is_lost(e)) {
		db_disconnect(db);
		return DB_UNAVAILABLE;
	}
	return DB_ERROR;
}

enum db_rc
db_begin(struct db *db)
{
	enum db_rc rc;

	if (db->in_tx) {
		log_error("db_begin inside a transaction");
		return DB_ERROR;
	}
	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	/* Constant text, no input: the one kind of plain query allowed. */
	if ((rc = simple_query(db, "START TRANSACTION")) == DB_UNAVAILABLE) {
		if ((rc = db_ensure(db)) != DB_OK)
			return rc;
		rc = simple_query(db, "START TRANSACTION");
	}
	if (rc == DB_OK) {
		db->in_tx = true;
		db->tx_failed = false;
	}
	return rc;
}

enum db_rc
db_commit(struct db *db)
{
	enum db_rc rc;

	if (!db->in_tx)
		return DB_ERROR;
	if (db->tx_failed || db->conn == NULL) {
		db_rollback(db);
		return DB_ERROR;
	}
	rc = simple_query(db, "COMMIT");
	db->in_tx = false;
	db->tx_failed = false;
	return rc;
}

void
db_rollback(struct db *db)
{
	if (!db->in_tx)
		return;
	if (db->conn != NULL)
		(void)simple_query(db, "ROLLBACK");
	db->in_tx = false;
	db->tx_failed = false;
}

bool
db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

enum db_rc
db_run_script(struct db *db, const char *sql, size_t len)
{
	enum db_rc rc;
	MYSQL_RES *r;
	int status;

	if ((rc = db_ensure(db)) != DB_OK)
		return rc;
	if (mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_ON) != 0) {
		set_error(db, "multi statements", mysql_error(db->conn),
		    mysql_errno(db->conn));
		return DB_ERROR;
	}
	status = mysql_real_query(db->conn, sql, len);
	while (status == 0) {
		if ((r = mysql_store_result(db->conn)) != NULL)
			mysql_free_result(r);
		if ((status = mysql_next_result(db->conn)) == -1) {
			status = 0;
			break;
		}
	}
	if (status != 0) {
		set_error(db, "script", mysql_error(db->conn), mysql_errno(db->conn));
		rc = DB_ERROR;
	}
	mysql_set_server_option(db->conn, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
	return rc;
}

const char *
db_last_error(struct db *db)
{
	return db->lasterr;
}

bool
db_connected(const struct db *db)
{
	return db->conn != NULL;
}
