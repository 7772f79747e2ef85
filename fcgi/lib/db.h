/* MariaDB access: one connection per worker, every statement prepared when
 * the worker connects, typed parameters, results copied into the request's
 * arena as strings, transactions, and a reconnect policy (detect 2006/2013,
 * reconnect, re-prepare, retry once, never inside a transaction). */
#ifndef PARVIS_DB_H
#define PARVIS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "arena.h"

enum db_rc {
	DB_OK = 0,
	DB_NOT_FOUND = 1,	/* db_query_row: no row */
	DB_DUPLICATE = 2,	/* unique key violated (1062) */
	DB_CONSTRAINT = 3,	/* foreign key or check constraint violated */
	DB_ERROR = -1,		/* anything else: logged with file:line */
	DB_UNAVAILABLE = -2,	/* the server cannot be reached: answer 503 */
};

enum db_type { DB_T_NULL, DB_T_INT, DB_T_STR };

struct db_param {
	enum db_type	 type;
	long long	 i;
	const char	*s;
	size_t		 len;
};

/* Parameter constructors; DBP_STR(NULL) binds SQL NULL. */
#define DBP_INT(x)	((struct db_param){ .type = DB_T_INT, .i = (long long)(x) })
#define DBP_STR(x)	db_param_str(x)
#define DBP_NULL	((struct db_param){ .type = DB_T_NULL })
#define DBP_STRN(x, n)	((struct db_param){ .type = DB_T_STR, .s = (x), .len = (n) })
/* Binds NULL when x is 0 (optional foreign keys). */
#define DBP_ID(x)	((x) ? DBP_INT(x) : DBP_NULL)

static inline struct db_param
db_param_str(const char *s)
{
	struct db_param p = { .type = s ? DB_T_STR : DB_T_NULL, .s = s,
	    .len = s ? strlen(s) : 0 };
	return p;
}

/* A result set, every cell a NUL-terminated string (NULL for SQL NULL). */
struct db_result {
	size_t		 nrows;
	size_t		 ncols;
	char		**cells;	/* nrows * ncols */
};

/* Returns the cell, or NULL for SQL NULL or out of range. */
const char *db_cell(const struct db_result *res, size_t row, size_t col);
/* Returns the cell as an integer, or 0 for NULL or non-numeric. */
long long db_cell_int(const struct db_result *res, size_t row, size_t col);

/* Statements live in tables: libparvis's own (sessions, audit, outbox) is
 * table 0, a program has one table per area (login, tiles, ...).  Every
 * statement is prepared on the worker's connection, on first use or at
 * start (db_prepare_all).  A statement is named by table and index. */
struct db_table {
	const char *const	*sql;
	size_t			 n;
};
#define DB_STMT(table, i)	((int)(((table) << 16) | (i)))
#define DB_LIB(i)		DB_STMT(0, (i))

struct db;

struct db_config {
	const char	*socket;	/* unix socket, or NULL for host/port */
	const char	*host;
	unsigned	 port;
	const char	*user;
	const char	*password;
	const char	*name;
};

/* Creates a handle for the program's statement tables, numbered from 1
 * (the library's own table 0 is added).  Does not connect: db_ensure does,
 * lazily. */
struct db *db_new(const struct db_config *cfg, const struct db_table *tables,
	    size_t ntables);
void	 db_free(struct db *db);
/* Connects and prepares every statement if not connected; returns DB_OK or
 * DB_UNAVAILABLE (server down) or DB_ERROR (a statement fails to prepare:
 * a programming error, logged). */
enum db_rc db_ensure(struct db *db);
/* Prepares every statement not yet prepared (statements are otherwise
 * prepared on first use); workers call it at start so that a wrong
 * statement shows in the log at once.  Returns DB_OK or the first error. */
enum db_rc db_prepare_all(struct db *db);
/* Returns DB_OK when the server answers a ping. */
enum db_rc db_ping(struct db *db);

/* Runs a statement that returns no rows.  *affected (may be NULL) gets
 * the affected-row count. */
enum db_rc db_exec(struct db *db, int stmt, const struct db_param *p,
	    size_t np, unsigned long long *affected);
/* Returns the AUTO_INCREMENT id of the last insert of this connection. */
unsigned long long db_insert_id(struct db *db);
/* Runs a query and copies every row into res (from arena a). */
enum db_rc db_query(struct db *db, struct arena *a, int stmt,
	    const struct db_param *p, size_t np, struct db_result *res);
/* Like db_query but expects at most one row: DB_NOT_FOUND when none. */
enum db_rc db_query_row(struct db *db, struct arena *a, int stmt,
	    const struct db_param *p, size_t np, struct db_result *res);
/* Runs a query and calls fn for each row without keeping them (exports,
 * large scans).  fn returns 0 to go on, non-zero to stop. */
enum db_rc db_query_each(struct db *db, int stmt, const struct db_param *p,
	    size_t np, int (*fn)(void *arg, char **row, unsigned long *lens,
	    size_t ncols), void *arg);

/* Transactions.  A failure inside one makes commit fail; a lost connection
 * inside one is never retried. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
/* Rolls back if a transaction is open (safe to call any time). */
void	 db_rollback(struct db *db);
bool	 db_in_transaction(const struct db *db);

/* Runs a whole SQL script (migrations only: trusted files, never input);
 * returns DB_OK or DB_ERROR with the server's message logged. */
enum db_rc db_run_script(struct db *db, const char *sql, size_t len);
/* Returns the last server error text (for the CLI). */
const char *db_last_error(struct db *db);

/* Convenience: parameter arrays without counting. */
#define DB_PARAMS(...)	((const struct db_param[]){ __VA_ARGS__ }), \
	(sizeof((const struct db_param[]){ __VA_ARGS__ }) / sizeof(struct db_param))
#define DB_NOPARAMS	NULL, 0

/* Returns true while the handle holds a live connection (after a failure,
 * false tells "database down" from "bad statement"). */
bool	 db_connected(const struct db *db);

#endif
