/*
 * parvis-admin's directory commands.
 *
 *   import-rpps [--partial] [--kind K] FILE...
 *	Streams the national open-data files (rpps.h) into the directory:
 *	upserts by IDNPS in batched multi-row prepared statements, a
 *	transaction every IMPORT_COMMIT_LINES lines, so the site stays up and
 *	a re-import of a newer file keeps every local datum (cards, CPTS
 *	statuses and notes).  After a complete activity file, professionals
 *	and sites no longer in it are marked (never deleted), professionals
 *	who changed sites are marked as moved, and new sites of a
 *	non-baseline import are "arrivals".  Bad lines are counted, the first
 *	ones shown with their line numbers and kept in rpps_import_bad_line.
 *   gen-rpps KIND N OUT [--seed S] [--old-columns] [--bom] [--crlf]
 *	[--bad-every K]
 *	Writes a synthetic file in the published format (rpps_gen.h).
 *   demo data (admin_demo_annuaire): a few thousand synthetic
 *	professionals, two CPTS with their territories, coord.cpts as the
 *	manager of the first, a few statuses, notes and cards.
 *
 * The bulk statements run on a connection of their own (the MariaDB C API
 * directly: libparvis binds at most 64 parameters, a batch binds
 * thousands).  Their text is made of constant pieces only: a row template
 * of placeholders repeated BATCH_ROWS times; the values are bound.
 */
#include <errno.h>
#include <getopt.h>
#include <mysql.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../annuaire/annuaire_fold.h"
#include "../annuaire/rpps.h"
#include "admin.h"
#include "app.h"
#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "rpps_gen.h"
#include "valid.h"

/* Rows per multi-row statement, and lines per transaction. */
#define BATCH_ROWS		500
/* Bad lines shown on the terminal, and kept in the database. */
#define BAD_SHOWN		20
#define BAD_KEPT		100
/* A file with more bad lines than this (per thousand) is not trusted to
 * say who disappeared. */
#define BAD_MAX_PERMILLE	10

/* ---- statements on the ordinary handle (table 1 of rpps_db) ---- */

enum rpps_stmt {
	RS_IMPORT_START,
	RS_IMPORT_FINISH,
	RS_IMPORT_BAD_LINE,
	RS_HAS_PROFESSIONALS,
	RS_DEMO_CPTS_FIND,
	RS_DEMO_TERRITORY_FIND,
	RS_DEMO_TERRITORY_INSERT,
	RS_DEMO_TERRITORY_PC,
	RS_DEMO_TERRITORY_COMMUNE,
	RS_DEMO_CPTS_INSERT,
	RS_DEMO_CPTS_INSERT_AUTO,
	RS_DEMO_CPTS_ID_USED,
	RS_DEMO_DEPT_POSTAL_CODES,
	RS_DEMO_PROS_IN_CPTS,
	RS_DEMO_STATUS,
	RS_DEMO_HISTORY,
	RS_DEMO_CARD,
	RS_DEMO_OPTION,
	RS_DEMO_LINK_USER,
	RS__MAX
};

static const char *const rpps_sql[RS__MAX] = {
	[RS_IMPORT_START] =
	    "INSERT INTO rpps_import (kind, file_name, file_bytes, baseline,"
	    " partial, status, started_at) VALUES (?, ?, ?, ?, ?, 'running',"
	    " FROM_UNIXTIME(?))",
	[RS_IMPORT_FINISH] =
	    "UPDATE rpps_import SET status = ?, finished_at = UTC_TIMESTAMP(),"
	    " line_count = ?, record_count = ?, bad_lines = ?, skipped_lines = ?,"
	    " professionals_new = ?, professionals_gone = ?,"
	    " professionals_moved = ?, message = ? WHERE id = ?",
	[RS_IMPORT_BAD_LINE] =
	    "INSERT IGNORE INTO rpps_import_bad_line (import_id, line_no, reason)"
	    " VALUES (?, ?, ?)",
	[RS_HAS_PROFESSIONALS] =
	    "SELECT (SELECT COUNT(*) FROM professional),"
	    " (SELECT COUNT(*) FROM practice_site)",
	[RS_DEMO_CPTS_FIND] =
	    "SELECT id FROM cpts WHERE name = ?",
	[RS_DEMO_TERRITORY_FIND] =
	    "SELECT id FROM territory WHERE id = ?",
	[RS_DEMO_TERRITORY_INSERT] =
	    "INSERT INTO territory (name) VALUES (?)",
	[RS_DEMO_TERRITORY_PC] =
	    "INSERT IGNORE INTO territory_postal_code (territory_id, postal_code)"
	    " VALUES (?, ?)",
	[RS_DEMO_TERRITORY_COMMUNE] =
	    "INSERT IGNORE INTO territory_commune (territory_id, insee)"
	    " VALUES (?, ?)",
	[RS_DEMO_CPTS_INSERT] =
	    "INSERT INTO cpts (id, name, territory_id) VALUES (?, ?, ?)",
	[RS_DEMO_CPTS_INSERT_AUTO] =
	    "INSERT INTO cpts (name, territory_id) VALUES (?, ?)",
	[RS_DEMO_CPTS_ID_USED] =
	    "SELECT id FROM cpts WHERE id = ?",
	[RS_DEMO_DEPT_POSTAL_CODES] =
	    "SELECT DISTINCT postal_code FROM rpps_commune WHERE dept_code = ?"
	    " ORDER BY postal_code LIMIT ?",
	[RS_DEMO_PROS_IN_CPTS] =
	    "SELECT DISTINCT s.idnps FROM practice_site s"
	    " JOIN territory_postal_code t ON t.postal_code = s.postal_code"
	    " JOIN cpts c ON c.territory_id = t.territory_id"
	    " WHERE c.id = ? AND s.status = 'present' ORDER BY s.idnps LIMIT ?",
	[RS_DEMO_STATUS] =
	    "INSERT INTO cpts_professional (cpts_id, idnps, status, note,"
	    " updated_by) VALUES (?, ?, ?, ?, NULL)"
	    " ON DUPLICATE KEY UPDATE status = VALUES(status), note = VALUES(note)",
	[RS_DEMO_HISTORY] =
	    "INSERT INTO cpts_professional_history (cpts_id, idnps, changed_at,"
	    " changed_by, field, old_value, new_value)"
	    " VALUES (?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?)",
	[RS_DEMO_CARD] =
	    "INSERT IGNORE INTO professional_card (idnps, email, about, completed)"
	    " VALUES (?, ?, ?, TRUE)",
	[RS_DEMO_OPTION] =
	    "INSERT IGNORE INTO professional_option (idnps, kind, code)"
	    " VALUES (?, ?, ?)",
	[RS_DEMO_LINK_USER] =
	    "UPDATE app_user SET idnps = ? WHERE login = ? AND idnps IS NULL",
};

static const struct db_table rpps_tables[] = { { rpps_sql, RS__MAX } };
#define RQ(i)	DB_STMT(1, (i))

/* ---- the bulk connection ---- */

static MYSQL *
bulk_connect(void)
{
	MYSQL *c;

	if ((c = mysql_init(NULL)) == NULL)
		abort();
	mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(c, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION', autocommit = 0");
	if (mysql_real_connect(c, config_str("db_host", NULL),
	    config_str("db_user", NULL), config_str("db_password", NULL),
	    config_str("db_name", "parvis"),
	    (unsigned)config_int("db_port", 3306, 1, 65535),
	    config_str("db_socket", NULL), 0) == NULL) {
		fprintf(stderr, "parvis-admin: cannot connect: %s\n", mysql_error(c));
		mysql_close(c);
		return NULL;
	}
	return c;
}

/* Runs a constant statement with integer parameters on the bulk
 * connection; returns 0 or -1 (message printed).  *affected may be NULL. */
static int
raw_exec(MYSQL *c, const char *sql, const long long *p, size_t np,
    unsigned long long *affected)
{
	MYSQL_STMT *st;
	MYSQL_BIND b[8];
	size_t i;
	int rc = -1;

	if ((st = mysql_stmt_init(c)) == NULL)
		abort();
	if (np > 8 || mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		goto out;
	memset(b, 0, sizeof(b));
	for (i = 0; i < np; i++) {
		b[i].buffer_type = MYSQL_TYPE_LONGLONG;
		b[i].buffer = (void *)&p[i];
	}
	if (np > 0 && mysql_stmt_bind_param(st, b) != 0)
		goto out;
	if (mysql_stmt_execute(st) != 0)
		goto out;
	if (affected != NULL)
		*affected = mysql_stmt_affected_rows(st);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "parvis-admin: %s\n  in: %.120s\n",
		    mysql_stmt_error(st), sql);
	mysql_stmt_close(st);
	return rc;
}

/* A column of a bulk statement: how long its values may be, and whether
 * they are ASCII codes (other bytes dropped) or UTF-8 text (cut at a
 * character boundary). */
struct bulk_col {
	unsigned	max;		/* characters */
	bool		ascii;
};

/*
 * A batched upsert: rows are copied into a buffer and sent BATCH_ROWS at a
 * time by one execution of a prepared one-row statement bound to arrays of
 * values (MariaDB's bulk execution: the server runs the statement for
 * every row of the arrays in one round trip, without parsing, preparing or
 * binding anything per row).  Cells are stored column after column.
 *
 * An import gives each table its own connection and thread (bulk_open):
 * while the reader fills one buffer, the thread sends the other, and the
 * server works on several tables at once.  The thread commits every
 * COMMIT_BATCHES batches.  Lookup tables use a buffer without thread
 * (bulk_use) on the main connection.
 */
#define COMMIT_BATCHES	10

struct bulk_buf {
	struct buf	 data;
	size_t		*off;		/* ncols * BATCH_ROWS */
	unsigned long	*len;
	char		*ind;		/* STMT_INDICATOR_NONE / _NULL */
	char		**ptr;
	size_t		 n;		/* rows */
};

struct bulk {
	const char		*head;
	const char		*row;
	const char		*tail;
	const struct bulk_col	*cols;
	size_t			 ncols;
	struct bulk_buf		 buf[2];
	int			 front;		/* the buffer being filled */
	MYSQL			*conn;
	bool			 own_conn;
	MYSQL_STMT		*st;
	MYSQL_BIND		*bind;		/* ncols */
	uint64_t		 rows;		/* sent in total */
	unsigned		 batches;
	/* The thread, when there is one. */
	bool			 threaded;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 busy;		/* the back buffer is being sent */
	bool			 stop;
	bool			 failed;
};

static void
bulk_buf_init(struct bulk_buf *bb, size_t ncols)
{
	size_t cells = BATCH_ROWS * ncols;

	memset(bb, 0, sizeof(*bb));
	bb->off = calloc(cells, sizeof(*bb->off));
	bb->len = calloc(cells, sizeof(*bb->len));
	bb->ind = calloc(cells, sizeof(*bb->ind));
	bb->ptr = calloc(cells, sizeof(*bb->ptr));
	if (bb->off == NULL || bb->len == NULL || bb->ind == NULL || bb->ptr == NULL)
		abort();
}

static void
bulk_buf_free(struct bulk_buf *bb)
{
	buf_free(&bb->data);
	free(bb->off);
	free(bb->len);
	free(bb->ind);
	free(bb->ptr);
	memset(bb, 0, sizeof(*bb));
}

static void
bulk_init(struct bulk *b, const char *head, const char *row, const char *tail,
    const struct bulk_col *cols, size_t ncols)
{
	memset(b, 0, sizeof(*b));
	b->head = head;
	b->row = row;
	b->tail = tail;
	b->cols = cols;
	b->ncols = ncols;
	bulk_buf_init(&b->buf[0], ncols);
	bulk_buf_init(&b->buf[1], ncols);
	if ((b->bind = calloc(ncols, sizeof(*b->bind))) == NULL)
		abort();
}

static MYSQL_STMT *
bulk_prepare(MYSQL *c, const struct bulk *b)
{
	struct buf sql = BUF_INIT;
	MYSQL_STMT *st;

	buf_puts(&sql, b->head);
	buf_puts(&sql, b->row);
	buf_puts(&sql, b->tail);
	if ((st = mysql_stmt_init(c)) == NULL)
		abort();
	if (mysql_stmt_prepare(st, sql.data, sql.len) != 0) {
		fprintf(stderr, "parvis-admin: cannot prepare: %s\n  in: %.200s\n",
		    mysql_stmt_error(st), sql.data);
		mysql_stmt_close(st);
		st = NULL;
	} else if (mysql_stmt_param_count(st) != b->ncols) {
		fprintf(stderr, "parvis-admin: %.60s: %lu parameters, %zu expected\n",
		    b->head, mysql_stmt_param_count(st), b->ncols);
		mysql_stmt_close(st);
		st = NULL;
	}
	buf_free(&sql);
	return st;
}

/* Sends the rows of bb on b's connection; returns 0 or -1 (printed). */
static int
bulk_send(struct bulk *b, struct bulk_buf *bb)
{
	unsigned int size = (unsigned int)bb->n;
	size_t k, i;
	int rc = 0;

	if (bb->n == 0)
		return 0;
	if (b->st == NULL && (b->st = bulk_prepare(b->conn, b)) == NULL)
		return -1;
	for (k = 0; k < b->ncols; k++) {
		size_t base = k * BATCH_ROWS;

		for (i = 0; i < bb->n; i++)
			bb->ptr[base + i] = bb->data.data + bb->off[base + i];
		memset(&b->bind[k], 0, sizeof(b->bind[k]));
		b->bind[k].buffer_type = MYSQL_TYPE_STRING;
		b->bind[k].buffer = &bb->ptr[base];
		b->bind[k].length = &bb->len[base];
		b->bind[k].u.indicator = &bb->ind[base];
	}
	if (mysql_stmt_attr_set(b->st, STMT_ATTR_ARRAY_SIZE, &size) != 0 ||
	    mysql_stmt_bind_param(b->st, b->bind) != 0 ||
	    mysql_stmt_execute(b->st) != 0) {
		fprintf(stderr, "parvis-admin: %.60s...: %s\n", b->head,
		    mysql_stmt_error(b->st));
		rc = -1;
	} else if (++b->batches % COMMIT_BATCHES == 0 && mysql_commit(b->conn) != 0) {
		fprintf(stderr, "parvis-admin: commit: %s\n", mysql_error(b->conn));
		rc = -1;
	}
	b->rows += bb->n;
	bb->n = 0;
	buf_clear(&bb->data);
	return rc;
}

static void *
bulk_thread(void *arg)
{
	struct bulk *b = arg;
	struct bulk_buf *bb;
	int rc;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		while (!b->busy && !b->stop)
			pthread_cond_wait(&b->cv, &b->mu);
		if (!b->busy)
			break;
		bb = &b->buf[!b->front];
		pthread_mutex_unlock(&b->mu);
		rc = b->failed ? -1 : bulk_send(b, bb);
		pthread_mutex_lock(&b->mu);
		if (rc != 0) {
			b->failed = true;
			bb->n = 0;
			buf_clear(&bb->data);
		}
		b->busy = false;
		pthread_cond_broadcast(&b->cv);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

/* Gives b a connection of its own with the import's session variables,
 * and a thread; returns 0 or -1. */
static int
bulk_open(struct bulk *b, MYSQL *(*connect)(void *), void *arg)
{
	if ((b->conn = connect(arg)) == NULL)
		return -1;
	b->own_conn = true;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (pthread_create(&b->thread, NULL, bulk_thread, b) != 0) {
		fprintf(stderr, "parvis-admin: cannot start a thread\n");
		return -1;
	}
	b->threaded = true;
	return 0;
}

/* Uses conn for b, without thread. */
static void
bulk_use(struct bulk *b, MYSQL *conn)
{
	b->conn = conn;
}

/* Waits until the thread has sent the back buffer; returns 0, or -1 when
 * a batch failed. */
static int
bulk_wait(struct bulk *b)
{
	bool failed;

	if (!b->threaded)
		return 0;
	pthread_mutex_lock(&b->mu);
	while (b->busy)
		pthread_cond_wait(&b->cv, &b->mu);
	failed = b->failed;
	pthread_mutex_unlock(&b->mu);
	return failed ? -1 : 0;
}

/* Sends the front buffer: hands it to the thread, or sends it at once. */
static int
bulk_flush(struct bulk *b)
{
	if (b->buf[b->front].n == 0)
		return 0;
	if (!b->threaded)
		return bulk_send(b, &b->buf[b->front]);
	if (bulk_wait(b) != 0)
		return -1;
	pthread_mutex_lock(&b->mu);
	b->front = !b->front;
	b->busy = true;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return 0;
}

/* Sends everything and commits; returns 0 or -1. */
static int
bulk_finish(struct bulk *b)
{
	if (b->conn == NULL)
		return 0;
	if (bulk_flush(b) != 0 || bulk_wait(b) != 0)
		return -1;
	if (mysql_commit(b->conn) != 0) {
		fprintf(stderr, "parvis-admin: commit: %s\n", mysql_error(b->conn));
		return -1;
	}
	return 0;
}

static void
bulk_free(struct bulk *b)
{
	if (b->threaded) {
		pthread_mutex_lock(&b->mu);
		while (b->busy)
			pthread_cond_wait(&b->cv, &b->mu);
		b->stop = true;
		pthread_cond_broadcast(&b->cv);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->thread, NULL);
		pthread_mutex_destroy(&b->mu);
		pthread_cond_destroy(&b->cv);
	}
	if (b->st != NULL)
		mysql_stmt_close(b->st);
	if (b->own_conn && b->conn != NULL) {
		mysql_rollback(b->conn);	/* nothing when finished */
		mysql_close(b->conn);
	}
	bulk_buf_free(&b->buf[0]);
	bulk_buf_free(&b->buf[1]);
	free(b->bind);
	memset(b, 0, sizeof(*b));
}

/* Appends s to data as column col allows; returns the length kept. */
static size_t
bulk_put(struct buf *data, const char *s, const struct bulk_col *col)
{
	size_t i, chars = 0, start = data->len;

	if (col->ascii) {
		for (i = 0; s[i] != '\0' && chars < col->max; i++)
			if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
				buf_putc(data, s[i]);
				chars++;
			}
		return data->len - start;
	}
	/* The reader hands out valid UTF-8: cut before the max+1-th lead byte. */
	for (i = 0; s[i] != '\0'; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == col->max)
			break;
	}
	buf_append(data, s, i);
	return i;
}

/* Queues one row (ncols values, NULL for SQL NULL); returns 0 or -1. */
static int
bulk_add(struct bulk *b, const char *const *vals)
{
	struct bulk_buf *bb = &b->buf[b->front];
	size_t k, cell;

	for (k = 0; k < b->ncols; k++) {
		cell = k * BATCH_ROWS + bb->n;
		bb->ind[cell] = vals[k] == NULL ? STMT_INDICATOR_NULL :
		    STMT_INDICATOR_NONE;
		bb->off[cell] = bb->data.len;
		bb->len[cell] = vals[k] == NULL ? 0 :
		    (unsigned long)bulk_put(&bb->data, vals[k], &b->cols[k]);
	}
	if (++bb->n == BATCH_ROWS)
		return bulk_flush(b);
	return 0;
}

/* ---- the upserts ---- */

#define T(n)	{ (n), false }
#define C(n)	{ (n), true }

static const struct bulk_col professional_cols[] = {
	C(12), C(1), C(11), T(8), T(8), T(100), T(100), C(8), C(4), C(100),
	C(100), C(20),
};
static const char professional_head[] =
    "INSERT INTO professional (idnps, id_type, id_pp, practice_title,"
    " civility, last_name, first_name, profession_code, category_code,"
    " last_key, first_key, row_hash, file_status, first_seen_at, last_seen_at, first_import_id,"
    " last_import_id) VALUES ";
static const char professional_row[] =
    "(?,?,?,?,?,?,?,?,?,?,?,?,'present',@rpps_now,@rpps_now,@rpps_import,"
    "@rpps_import)";
static const char professional_tail[] =
    " ON DUPLICATE KEY UPDATE id_type = VALUES(id_type),"
    " id_pp = VALUES(id_pp), practice_title = VALUES(practice_title),"
    " civility = VALUES(civility), last_name = VALUES(last_name),"
    " first_name = VALUES(first_name),"
    " profession_code = VALUES(profession_code),"
    " category_code = VALUES(category_code), last_key = VALUES(last_key),"
    " first_key = VALUES(first_key), row_hash = VALUES(row_hash),"
    " file_status = 'present',"
    " disappeared_at = NULL, last_seen_at = VALUES(last_seen_at),"
    " last_import_id = VALUES(last_import_id)";

enum {
	SITE_IDNPS, SITE_KEY, SITE_PROFESSION, SITE_LAST_KEY, SITE_FIRST_KEY,
	SITE_SKILLS, SITE_MODE, SITE_SECTOR,
	SITE_ROLE, SITE_STRUCTURE, SITE_SIRET, SITE_FINESS, SITE_COMPANY,
	SITE_TRADE, SITE_RECIPIENT, SITE_GEO, SITE_NUMBER, SITE_REPEAT,
	SITE_STREET_TYPE, SITE_STREET, SITE_DISTRIBUTION, SITE_CEDEX,
	SITE_POSTAL, SITE_COMMUNE, SITE_COMMUNE_LABEL, SITE_DEPT, SITE_PHONE,
	SITE_PHONE2, SITE_FAX, SITE_EMAIL, SITE_HASH, SITE__MAX
};
static const struct bulk_col site_cols[SITE__MAX] = {
	C(12), C(20), C(8), C(100), C(100), C(255), C(4), C(8), C(16), T(40), C(14), C(9), T(200),
	T(200), T(200), T(200), T(16), T(8), T(60), T(200), T(200), T(200),
	C(5), C(5), T(200), C(3), T(20), T(20), T(20), T(254), C(20),
};
static const char site_head[] =
    "INSERT INTO practice_site (idnps, site_key, profession_code, last_key,"
    " first_key, skills, mode_code,"
    " sector_code, role_code, structure_id, siret, finess, company_name,"
    " trade_name, addr_recipient, addr_geo, street_number, street_repeat,"
    " street_type, street_name, addr_distribution, cedex_office, postal_code,"
    " commune_code, commune_label, dept_code, phone, phone2, fax, email,"
    " row_hash, status, first_seen_at, last_seen_at, arrived_at, first_import_id,"
    " last_import_id) VALUES ";
static const char site_row[] =
    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'present',"
    "@rpps_now,@rpps_now,@rpps_arrived,@rpps_import,@rpps_import)";
static const char site_tail[] =
    " ON DUPLICATE KEY UPDATE profession_code = VALUES(profession_code),"
    " last_key = VALUES(last_key), first_key = VALUES(first_key),"
    " skills = VALUES(skills), mode_code = VALUES(mode_code), sector_code = VALUES(sector_code),"
    " role_code = VALUES(role_code), structure_id = VALUES(structure_id),"
    " siret = VALUES(siret), finess = VALUES(finess),"
    " company_name = VALUES(company_name), trade_name = VALUES(trade_name),"
    " addr_recipient = VALUES(addr_recipient), addr_geo = VALUES(addr_geo),"
    " street_number = VALUES(street_number),"
    " street_repeat = VALUES(street_repeat), street_type = VALUES(street_type),"
    " street_name = VALUES(street_name),"
    " addr_distribution = VALUES(addr_distribution),"
    " cedex_office = VALUES(cedex_office), postal_code = VALUES(postal_code),"
    " commune_code = VALUES(commune_code),"
    " commune_label = VALUES(commune_label), dept_code = VALUES(dept_code),"
    " phone = VALUES(phone), phone2 = VALUES(phone2), fax = VALUES(fax),"
    " email = VALUES(email), row_hash = VALUES(row_hash),"
    " status = 'present', gone_at = NULL,"
    " last_seen_at = VALUES(last_seen_at),"
    " last_import_id = VALUES(last_import_id)";

static const struct bulk_col skill_cols[] = { C(12), C(16) };
static const char skill_head[] =
    "INSERT INTO professional_skill (idnps, skill_code, last_seen_at) VALUES ";
static const char skill_row[] = "(?,?,@rpps_now)";
static const char skill_tail[] =
    " ON DUPLICATE KEY UPDATE last_seen_at = VALUES(last_seen_at)";

static const struct bulk_col mssante_cols[] = { C(12), T(254) };
static const char mssante_head[] =
    "INSERT INTO professional_mssante (idnps, address, last_seen_at) VALUES ";
static const char mssante_row[] = "(?,?,@rpps_now)";
static const char mssante_tail[] =
    " ON DUPLICATE KEY UPDATE last_seen_at = VALUES(last_seen_at)";

static const struct bulk_col profession_cols[] = { C(8), T(200) };
static const char profession_head[] =
    "INSERT INTO rpps_profession (code, label) VALUES ";
static const char pair_row[] = "(?,?)";
static const char label_tail[] = " ON DUPLICATE KEY UPDATE label = VALUES(label)";

static const struct bulk_col rskill_cols[] = { C(16), T(200), C(8), T(200) };
static const char rskill_head[] =
    "INSERT INTO rpps_skill (code, label, type_code, type_label) VALUES ";
static const char quad_row[] = "(?,?,?,?)";
static const char rskill_tail[] =
    " ON DUPLICATE KEY UPDATE label = VALUES(label),"
    " type_code = VALUES(type_code), type_label = VALUES(type_label)";

static const struct bulk_col label_cols[] = { C(16), C(16), T(200) };
static const char label_head[] = "INSERT INTO rpps_label (kind, code, label) VALUES ";
static const char triple_row[] = "(?,?,?)";

static const struct bulk_col commune_cols[] = { C(5), C(5), T(200), C(3) };
static const char commune_head[] =
    "INSERT INTO rpps_commune (postal_code, insee, label, dept_code) VALUES ";
static const char commune_tail[] =
    " ON DUPLICATE KEY UPDATE label = VALUES(label),"
    " dept_code = VALUES(dept_code)";

#undef T
#undef C

/* ---- small string maps for the lookup tables ---- */

/* A set of records keyed by their first field; each record is up to four
 * NUL-terminated strings stored back to back in data. */
struct smap {
	size_t		*slot;		/* offset + 1 into data, 0 = empty */
	size_t		 cap;		/* power of two */
	size_t		 n;
	struct buf	 data;
};

static uint64_t
fnv1a(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define FNV_START	0xcbf29ce484222325ULL

static void smap_put(struct smap *m, const char *key, const char *const *vals,
	    size_t nvals);

static void
smap_grow(struct smap *m)
{
	struct smap big = { NULL, m->cap ? m->cap * 2 : 256, 0, BUF_INIT };
	size_t i;

	if ((big.slot = calloc(big.cap, sizeof(*big.slot))) == NULL)
		abort();
	for (i = 0; i < m->cap; i++) {
		const char *k, *v[4];
		size_t nv = 0;

		if (m->slot[i] == 0)
			continue;
		k = m->data.data + m->slot[i] - 1;
		v[0] = k + strlen(k) + 1;
		nv = (size_t)(unsigned char)*(v[0]++);
		for (size_t j = 1; j < nv; j++)
			v[j] = v[j - 1] + strlen(v[j - 1]) + 1;
		smap_put(&big, k, v, nv);
	}
	free(m->slot);
	buf_free(&m->data);
	*m = big;
}

/* Adds or replaces key's values (at most 4 strings). */
static void
smap_put(struct smap *m, const char *key, const char *const *vals, size_t nvals)
{
	size_t i, klen = strlen(key);

	if ((m->n + 1) * 2 > m->cap)
		smap_grow(m);
	i = fnv1a(FNV_START, key, klen) & (m->cap - 1);
	while (m->slot[i] != 0) {
		const char *k = m->data.data + m->slot[i] - 1;

		if (strcmp(k, key) == 0)
			break;
		i = (i + 1) & (m->cap - 1);
	}
	if (m->slot[i] == 0)
		m->n++;
	else {
		/* Same values again (the usual case): keep the record. */
		const char *k = m->data.data + m->slot[i] - 1;
		const char *v = k + klen + 2;
		size_t j;

		for (j = 0; j < nvals; j++) {
			if (strcmp(v, vals[j]) != 0)
				break;
			v += strlen(v) + 1;
		}
		if (j == nvals && (size_t)(unsigned char)k[klen + 1] == nvals)
			return;
	}
	m->slot[i] = m->data.len + 1;
	buf_append(&m->data, key, klen + 1);
	buf_putc(&m->data, (char)nvals);
	for (size_t j = 0; j < nvals; j++)
		buf_append(&m->data, vals[j], strlen(vals[j]) + 1);
}

/* Calls fn(arg, key, vals) for every record; stops on non-zero. */
static int
smap_each(const struct smap *m, int (*fn)(void *, const char *const *), void *arg)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const char *v[5];
		size_t nv, j;

		if (m->slot[i] == 0)
			continue;
		v[0] = m->data.data + m->slot[i] - 1;
		v[1] = v[0] + strlen(v[0]) + 1;
		nv = (size_t)(unsigned char)*(v[1]++);
		for (j = 1; j < nv && j < 4; j++)
			v[j + 1] = v[j] + strlen(v[j]) + 1;
		if (fn(arg, v) != 0)
			return -1;
	}
	return 0;
}

/* Returns the first value of key, or NULL. */
static const char *
smap_get(const struct smap *m, const char *key)
{
	size_t i, klen = strlen(key);

	if (m->cap == 0)
		return NULL;
	for (i = fnv1a(FNV_START, key, klen) & (m->cap - 1); m->slot[i] != 0;
	    i = (i + 1) & (m->cap - 1)) {
		const char *k = m->data.data + m->slot[i] - 1;

		if (strcmp(k, key) == 0)
			return k + klen + 2;
	}
	return NULL;
}

static void
smap_free(struct smap *m)
{
	free(m->slot);
	buf_free(&m->data);
	memset(m, 0, sizeof(*m));
}

/* ---- what the directory already holds (re-imports) ----
 *
 * Before a re-import of activity lines, the key and a hash of the content
 * of every professional and site are read into memory.  A line whose row
 * is there, present and unchanged costs no write at all; only new and
 * changed rows are sent, and what the file no longer holds is marked
 * from the rows never seen.  A daily refresh thus writes what changed.
 */

/* State bits kept under a known row's content hash. */
#define KS_PRESENT	1ULL	/* present before this import */
#define KS_SEEN		2ULL	/* in this file */
#define KS_NEW_SITE	4ULL	/* professional: one of their sites is new */
#define KS_MOVED	8ULL	/* professional: counted as moved */
#define KS_BITS		4

struct kentry {
	uint64_t	k1;		/* IDNPS as a number + 1; 0: empty slot */
	uint64_t	k2;		/* site key, 0 for a professional */
	uint64_t	v;		/* hash << KS_BITS | state */
};

struct kmap {
	struct kentry	*e;
	size_t		 cap;
	size_t		 n;
};

/* An IDNPS ('0' + 9 digits or '8' + 11) as a number + 1: the two shapes
 * never meet (below 10^10, at least 8 * 10^11). */
static uint64_t
idnps_num(const char *s)
{
	uint64_t v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v + 1;
}

static void
idnps_str(uint64_t k1, char *out, size_t outsz)
{
	unsigned long long v = (unsigned long long)(k1 - 1);

	snprintf(out, outsz, v < 10000000000ULL ? "%010llu" : "%012llu", v);
}

static size_t
kslot(const struct kmap *m, uint64_t k1, uint64_t k2)
{
	uint64_t h = (k1 ^ (k2 * 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;

	return (size_t)((h ^ (h >> 31)) % m->cap);
}

static void
kmap_grow(struct kmap *m, size_t want)
{
	struct kmap big;
	size_t i, j;

	big.cap = want * 4 / 3 + 1024;
	big.n = m->n;
	if ((big.e = calloc(big.cap, sizeof(*big.e))) == NULL)
		abort();
	for (i = 0; i < m->cap; i++) {
		if (m->e[i].k1 == 0)
			continue;
		for (j = kslot(&big, m->e[i].k1, m->e[i].k2); big.e[j].k1 != 0;
		    j = (j + 1) % big.cap)
			;
		big.e[j] = m->e[i];
	}
	free(m->e);
	*m = big;
}

/* Returns the entry of (k1, k2), or NULL. */
static struct kentry *
kmap_find(const struct kmap *m, uint64_t k1, uint64_t k2)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = kslot(m, k1, k2); m->e[i].k1 != 0; i = (i + 1) % m->cap)
		if (m->e[i].k1 == k1 && m->e[i].k2 == k2)
			return &m->e[i];
	return NULL;
}

/* Adds (k1, k2) (not there yet) and returns its entry. */
static struct kentry *
kmap_add(struct kmap *m, uint64_t k1, uint64_t k2, uint64_t v)
{
	size_t i;

	if ((m->n + 1) * 4 > m->cap * 3)
		kmap_grow(m, (m->n + 1) * 2);
	for (i = kslot(m, k1, k2); m->e[i].k1 != 0; i = (i + 1) % m->cap)
		;
	m->e[i].k1 = k1;
	m->e[i].k2 = k2;
	m->e[i].v = v;
	m->n++;
	return &m->e[i];
}

static void
kmap_free(struct kmap *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* The hash of a row's values, as stored in row_hash (60 bits). */
static uint64_t
row_hash(const char *const *vals, size_t n)
{
	uint64_t h = FNV_START;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *v = vals[i] != NULL ? vals[i] : "\x01";

		h = fnv1a(h, v, strlen(v));
		h = fnv1a(h, "\x1f", 1);
	}
	return h >> KS_BITS;
}

/* Reads (idnps[, site_key], row_hash, present) rows into m; returns 0 or
 * -1 (printed). */
static int
kmap_load(MYSQL *c, const char *sql, bool sites, size_t expect, struct kmap *m)
{
	MYSQL_STMT *st;
	MYSQL_BIND b[4];
	char idnps[16];
	unsigned long idlen = 0;
	unsigned long long key = 0, hash = 0, present = 0;
	size_t k = 0;
	int f, rc = -1;

	if ((st = mysql_stmt_init(c)) == NULL)
		abort();
	kmap_grow(m, expect + expect / 8 + 1024);
	memset(b, 0, sizeof(b));
	b[k].buffer_type = MYSQL_TYPE_STRING;
	b[k].buffer = idnps;
	b[k].buffer_length = sizeof(idnps) - 1;
	b[k++].length = &idlen;
	if (sites) {
		b[k].buffer_type = MYSQL_TYPE_LONGLONG;
		b[k].is_unsigned = 1;
		b[k++].buffer = &key;
	}
	b[k].buffer_type = MYSQL_TYPE_LONGLONG;
	b[k].is_unsigned = 1;
	b[k++].buffer = &hash;
	b[k].buffer_type = MYSQL_TYPE_LONGLONG;
	b[k++].buffer = &present;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0 ||
	    mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, b) != 0)
		goto out;
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		idnps[idlen < sizeof(idnps) ? idlen : sizeof(idnps) - 1] = '\0';
		kmap_add(m, idnps_num(idnps), sites ? key : 0,
		    (hash << KS_BITS) | (present ? KS_PRESENT : 0));
	}
	if (f == 1)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "parvis-admin: reading the directory: %s\n",
		    mysql_stmt_error(st));
	mysql_stmt_close(st);
	return rc;
}

/* ---- one import run ---- */

enum import_kind { IK_ACTIVITE, IK_SAVOIR_FAIRE, IK_MSSANTE };

/* A site held until the person's last line. */
#define PEND_MAX	64
/* Savoir-faire kept per person. */
#define SKILLS_MAX	32
struct pending_site {
	uint64_t	 key;
	size_t		 off[SITE__MAX];	/* into pend_data */
};

static const char *const import_kind_sql[] = {
	"activite", "savoir_faire", "mssante",
};

struct import {
	MYSQL		*conn;
	struct db	*db;
	const char	*path;
	enum import_kind kind;
	bool		 partial;
	bool		 baseline;
	long long	 id;
	time_t		 now;
	off_t		 size;

	struct bulk	 pro, site, skill, mssante, site_skills;
	struct smap	 kskills;	/* idnps -> its codes, before this import */
	struct smap	 professions, skills, labels, communes;
	long long	 npros, nsites;	/* in the directory before */
	bool		 known;		/* kpro/ksite hold the directory */
	struct kmap	 kpro, ksite;
	struct kentry	*cur;		/* the current person's kpro entry */

	char		 prev_idnps[16];
	char		 last_key[104], first_key[104];	/* the person's */
	struct pending_site pend[PEND_MAX];	/* the person's sites */
	size_t		 npend;
	struct buf	 pend_data;
	char		 prev_skills[SKILLS_MAX][17];
	size_t		 nprev_skills;

	uint64_t	 skipped;
	uint64_t	 bad_shown;
	uint64_t	 pros_new, pros_gone, pros_moved;
	bool		 tty;
	time_t		 last_progress;
	int		 last_decile;
};

struct lookup_ctx {
	MYSQL		*conn;
	struct bulk	*b;
	bool		 split;		/* key is "a\x1fb": two columns */
};

static int
lookup_row(void *arg, const char *const *v)
{
	struct lookup_ctx *l = arg;
	const char *vals[4];
	size_t i, n = l->b->ncols;

	char first[32];

	if (l->split) {
		/* rpps_label (kind, code) and rpps_commune (postal, insee). */
		const char *sep = strchr(v[0], '\x1f');

		if (sep == NULL || (size_t)(sep - v[0]) >= sizeof(first))
			return 0;
		memcpy(first, v[0], (size_t)(sep - v[0]));
		first[sep - v[0]] = '\0';
		vals[0] = first;
		vals[1] = sep + 1;
		for (i = 2; i < n; i++)
			vals[i] = v[i - 1];
		return bulk_add(l->b, vals);
	}
	for (i = 0; i < n; i++)
		vals[i] = v[i];
	return bulk_add(l->b, vals);
}

/* Writes one lookup map through a bulk upsert; returns 0 or -1. */
static int
lookup_write(MYSQL *c, const struct smap *m, const char *head, const char *row,
    const char *tail, const struct bulk_col *cols, size_t ncols, bool split)
{
	struct bulk b;
	struct lookup_ctx l = { c, &b, split };
	int rc;

	bulk_init(&b, head, row, tail, cols, ncols);
	bulk_use(&b, c);
	rc = smap_each(m, lookup_row, &l);
	if (rc == 0)
		rc = bulk_flush(&b);
	bulk_free(&b);
	return rc;
}

static void
label_put(struct smap *m, const char *kind, const char *code, const char *label)
{
	char key[64];
	const char *v[1] = { label != NULL ? label : "" };

	if (code == NULL || *code == '\0' || v[0][0] == '\0')
		return;
	snprintf(key, sizeof(key), "%s\x1f%s", kind, code);
	smap_put(m, key, v, 1);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* The department of a site: the file's, else from the commune or postal
 * code (97x overseas, 2A/2B Corsica from the INSEE code). */
static void
site_dept(const struct rpps_activite *a, char *out, size_t outsz)
{
	const char *src = NULL;
	size_t n;

	if (a->dept_code != NULL && *a->dept_code != '\0') {
		snprintf(out, outsz, "%.3s", a->dept_code);
		return;
	}
	if (a->commune_code != NULL && strlen(a->commune_code) == 5)
		src = a->commune_code;
	else if (a->postal_code != NULL && strlen(a->postal_code) == 5)
		src = a->postal_code;
	if (src == NULL) {
		out[0] = '\0';
		return;
	}
	n = (src[0] == '9' && (src[1] == '7' || src[1] == '8')) ? 3 : 2;
	snprintf(out, outsz, "%.*s", (int)n, src);
}

/* What identifies an activity: the structure, the mode and sector of
 * practice, the address.  Only columns every version of the file has
 * (the role came in 2023), and not the names, which change without the
 * professional moving. */
static uint64_t
site_key(const struct rpps_activite *a)
{
	const char *parts[] = {
		a->structure_id, a->mode_code, a->sector_code, a->street_number,
		a->street_repeat, a->street_name, a->postal_code, a->commune_code,
	};
	uint64_t h = FNV_START;
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		const char *s = nz(parts[i]);

		h = fnv1a(h, s, strlen(s));
		h = fnv1a(h, "\x1f", 1);
	}
	/* Fits a signed BIGINT too, whatever reads it. */
	return h & 0x7fffffffffffffffULL;
}

static bool
has_site(const struct rpps_activite *a)
{
	return *nz(a->structure_id) != '\0' || *nz(a->postal_code) != '\0' ||
	    *nz(a->company_name) != '\0' || *nz(a->commune_code) != '\0';
}

/* Queues a professional's skill once per person; returns 0 or -1. */
static int
add_skill(struct import *im, const char *idnps, const char *code,
    const char *label, const char *type_code, const char *type_label)
{
	const char *vals[3];
	size_t i;

	if (code == NULL || *code == '\0')
		return 0;
	for (i = 0; i < im->nprev_skills; i++)
		if (strcmp(im->prev_skills[i], code) == 0)
			return 0;
	if (im->nprev_skills < SKILLS_MAX)
		snprintf(im->prev_skills[im->nprev_skills++], 17, "%s", code);
	if (label != NULL && *label != '\0') {
		vals[0] = label;
		vals[1] = nz(type_code);
		vals[2] = nz(type_label);
		smap_put(&im->skills, code, vals, 3);
	}
	vals[0] = idnps;
	vals[1] = code;
	return bulk_add(&im->skill, vals);
}

/* A new person starts: forget the previous one's sites and skills. */
static bool
new_person(struct import *im, const char *idnps)
{
	if (strcmp(im->prev_idnps, idnps) == 0)
		return false;
	snprintf(im->prev_idnps, sizeof(im->prev_idnps), "%s", idnps);
	im->nprev_skills = 0;
	return true;
}

/* A name as searched (annuaire_fold.h), at most 100 characters. */
static void
name_key(const char *in, char *out, size_t outsz)
{
	annuaire_fold(in, out, outsz < 101 ? outsz : 101);
}

/* Sends a professional's row unless the directory holds it unchanged;
 * returns 0 or -1. */
static int
import_professional(struct import *im, const struct rpps_activite *a)
{
	const char *vals[12];
	char hash[24];
	uint64_t h, k1;
	struct kentry *e = NULL;

	vals[0] = a->idnps;
	vals[1] = a->id_type;
	vals[2] = a->id_pp;
	vals[3] = nz(a->practice_title_code);
	vals[4] = nz(a->title_code);
	vals[5] = a->last_name;
	vals[6] = a->first_name;
	vals[7] = a->profession_code;
	vals[8] = nz(a->category_code);
	h = row_hash(vals, 9);
	im->cur = NULL;
	if (im->known) {
		k1 = idnps_num(a->idnps);
		if ((e = kmap_find(&im->kpro, k1, 0)) == NULL) {
			e = kmap_add(&im->kpro, k1, 0, h << KS_BITS);
			im->pros_new++;
		} else if ((e->v & KS_SEEN) == 0 && (e->v & KS_PRESENT) != 0 &&
		    e->v >> KS_BITS == h) {
			/* Unchanged: nothing to write. */
			e->v |= KS_SEEN;
			im->cur = e;
			return 0;
		} else
			e->v = (h << KS_BITS) | (e->v & ((1ULL << KS_BITS) - 1));
		e->v |= KS_SEEN;
		im->cur = e;
	} else
		im->pros_new++;
	snprintf(hash, sizeof(hash), "%llu", (unsigned long long)h);
	vals[9] = im->last_key;
	vals[10] = im->first_key;
	vals[11] = hash;
	return bulk_add(&im->pro, vals);
}

static int
cmp_codes(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Writes into out the sorted, comma-separated union of the person's codes
 * read in this file and, unless only_file, those the directory held. */
static void
person_codes(struct import *im, bool only_file, char *out, size_t outsz)
{
	char all[2 * SKILLS_MAX][17];
	const char *known = only_file ? NULL : smap_get(&im->kskills, im->prev_idnps);
	size_t n = 0, i, o = 0;

	for (i = 0; i < im->nprev_skills; i++)
		memcpy(all[n++], im->prev_skills[i], 17);
	while (known != NULL && *known != '\0' && *known != '\x01' &&
	    n < 2 * SKILLS_MAX) {
		size_t len = strcspn(known, ",");

		if (len > 0 && len < 17) {
			memcpy(all[n], known, len);
			all[n][len] = '\0';
			for (i = 0; i < n && strcmp(all[i], all[n]) != 0; i++)
				;
			if (i == n)
				n++;
		}
		known += len;
		if (*known == ',')
			known++;
	}
	qsort(all, n, sizeof(all[0]), cmp_codes);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t len = strlen(all[i]);

		if (o + len + 2 > outsz)
			break;
		if (o > 0)
			out[o++] = ',';
		memcpy(out + o, all[i], len + 1);
		o += len;
	}
}

/* Reads each professional's savoir-faire codes; returns 0 or -1. */
static int
kskills_load(MYSQL *c, struct smap *m)
{
	static const char sql[] = "SELECT idnps, GROUP_CONCAT(skill_code"
	    " ORDER BY skill_code SEPARATOR ',') FROM professional_skill GROUP BY idnps";
	MYSQL_STMT *st;
	MYSQL_BIND b[2];
	char idnps[16], codes[1024];
	unsigned long l0 = 0, l1 = 0;
	const char *v[1] = { codes };
	int f, rc = -1;

	if ((st = mysql_stmt_init(c)) == NULL)
		abort();
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = idnps;
	b[0].buffer_length = sizeof(idnps) - 1;
	b[0].length = &l0;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = codes;
	b[1].buffer_length = sizeof(codes) - 1;
	b[1].length = &l1;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0 ||
	    mysql_stmt_execute(st) != 0 || mysql_stmt_bind_result(st, b) != 0)
		goto out;
	while ((f = mysql_stmt_fetch(st)) == 0 || f == MYSQL_DATA_TRUNCATED) {
		idnps[l0 < sizeof(idnps) ? l0 : sizeof(idnps) - 1] = '\0';
		codes[l1 < sizeof(codes) ? l1 : sizeof(codes) - 1] = '\0';
		smap_put(m, idnps, v, 1);
	}
	if (f == 1)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "parvis-admin: reading the savoir-faire: %s\n",
		    mysql_stmt_error(st));
	mysql_stmt_close(st);
	return rc;
}

/* SavoirFaire: the previous person's codes are complete; their sites get
 * them if they changed (sent as UPDATE ... WHERE idnps = ?). */
static int
sf_flush_person(struct import *im)
{
	static const char seen[] = "\x01";
	const char *old, *vals[2], *mark[1] = { seen };
	char codes[256];

	if (im->prev_idnps[0] == '\0')
		return 0;
	old = smap_get(&im->kskills, im->prev_idnps);
	person_codes(im, !im->partial, codes, sizeof(codes));
	if (strcmp(old != NULL ? old : "", codes) != 0) {
		vals[0] = codes;
		vals[1] = im->prev_idnps;
		if (bulk_add(&im->site_skills, vals) != 0)
			return -1;
	}
	smap_put(&im->kskills, im->prev_idnps, mark, 1);
	return 0;
}

/* After a complete SavoirFaire file: the sites of those it no longer
 * lists lose their codes. */
static int
sf_clear_absent(struct import *im)
{
	const struct smap *m = &im->kskills;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const char *k, *v, *vals[2];

		if (m->slot[i] == 0)
			continue;
		k = m->data.data + m->slot[i] - 1;
		v = k + strlen(k) + 2;
		if (*v == '\0' || *v == '\x01')
			continue;
		vals[0] = "";
		vals[1] = k;
		if (bulk_add(&im->site_skills, vals) != 0)
			return -1;
	}
	return 0;
}

/*
 * Sends the current person's sites, held until their last line (the file
 * has one line per savoir-faire), with the person's savoir-faire codes
 * copied onto each: the search reads them with the place.  A site whose
 * row is in the directory unchanged is not sent.  Returns 0 or -1.
 */
static int
flush_person(struct import *im)
{
	const char *vals[SITE__MAX];
	char codes[256], hash[24];
	struct kentry *e;
	uint64_t h, k1;
	size_t i, k;

	if (im->npend == 0)
		return 0;
	person_codes(im, false, codes, sizeof(codes));
	k1 = idnps_num(im->prev_idnps);
	for (i = 0; i < im->npend; i++) {
		for (k = 0; k < SITE__MAX; k++)
			vals[k] = im->pend_data.data + im->pend[i].off[k];
		vals[SITE_SKILLS] = codes;
		h = row_hash(vals, SITE_HASH);
		if (im->known) {
			if ((e = kmap_find(&im->ksite, k1, im->pend[i].key)) == NULL) {
				e = kmap_add(&im->ksite, k1, im->pend[i].key,
				    h << KS_BITS);
				/* A new site of someone already here: a move? */
				if (im->cur != NULL && (im->cur->v & KS_PRESENT) != 0)
					im->cur->v |= KS_NEW_SITE;
			} else if ((e->v & KS_SEEN) == 0 &&
			    (e->v & KS_PRESENT) != 0 && e->v >> KS_BITS == h) {
				e->v |= KS_SEEN;
				continue;
			} else
				e->v = (h << KS_BITS) |
				    (e->v & ((1ULL << KS_BITS) - 1));
			e->v |= KS_SEEN;
		}
		snprintf(hash, sizeof(hash), "%llu", (unsigned long long)h);
		vals[SITE_HASH] = hash;
		if (bulk_add(&im->site, vals) != 0)
			return -1;
	}
	im->npend = 0;
	buf_clear(&im->pend_data);
	return 0;
}

/* Holds a site of the current person until flush_person. */
static void
pend_site(struct import *im, const char *const *vals, uint64_t key)
{
	struct pending_site *p = &im->pend[im->npend++];
	size_t k;

	p->key = key;
	for (k = 0; k < SITE__MAX; k++) {
		p->off[k] = im->pend_data.len;
		if (k != SITE_SKILLS && k != SITE_HASH)
			buf_puts(&im->pend_data, vals[k]);
		buf_putc(&im->pend_data, '\0');
	}
}

static int
import_activite(struct import *im, const struct rpps_activite *a)
{
	const char *vals[SITE__MAX];
	char key[24], dept[4];
	uint64_t k;
	size_t i;

	if (strcmp(im->prev_idnps, a->idnps) != 0 && flush_person(im) != 0)
		return -1;
	if (new_person(im, a->idnps)) {
		name_key(a->last_name, im->last_key, sizeof(im->last_key));
		name_key(a->first_name, im->first_key, sizeof(im->first_key));
		if (import_professional(im, a) != 0)
			return -1;
		if (a->profession_label != NULL && *a->profession_label != '\0')
			smap_put(&im->professions, a->profession_code,
			    &a->profession_label, 1);
		label_put(&im->labels, "practice_title", a->practice_title_code,
		    a->practice_title_label);
	}
	if (add_skill(im, a->idnps, a->skill_code, a->skill_label,
	    a->skill_type_code, a->skill_type_label) != 0)
		return -1;
	if (!has_site(a))
		return 0;
	k = site_key(a);
	for (i = 0; i < im->npend; i++)
		if (im->pend[i].key == k)
			return 0;
	/* Past PEND_MAX sites, the person's next ones go out at once. */
	if (im->npend == PEND_MAX && flush_person(im) != 0)
		return -1;
	snprintf(key, sizeof(key), "%llu", (unsigned long long)k);
	site_dept(a, dept, sizeof(dept));
	vals[SITE_IDNPS] = a->idnps;
	vals[SITE_KEY] = key;
	vals[SITE_PROFESSION] = a->profession_code;
	vals[SITE_LAST_KEY] = im->last_key;
	vals[SITE_FIRST_KEY] = im->first_key;
	vals[SITE_SKILLS] = "";
	vals[SITE_MODE] = nz(a->mode_code);
	vals[SITE_SECTOR] = nz(a->sector_code);
	vals[SITE_ROLE] = nz(a->role_code);
	vals[SITE_STRUCTURE] = nz(a->structure_id);
	vals[SITE_SIRET] = nz(a->siret);
	vals[SITE_FINESS] = nz(a->finess_site);
	vals[SITE_COMPANY] = nz(a->company_name);
	vals[SITE_TRADE] = nz(a->trade_name);
	vals[SITE_RECIPIENT] = nz(a->addr_recipient);
	vals[SITE_GEO] = nz(a->addr_geo);
	vals[SITE_NUMBER] = nz(a->street_number);
	vals[SITE_REPEAT] = nz(a->street_repeat);
	vals[SITE_STREET_TYPE] = nz(a->street_type_label);
	vals[SITE_STREET] = nz(a->street_name);
	vals[SITE_DISTRIBUTION] = nz(a->addr_distribution);
	vals[SITE_CEDEX] = nz(a->cedex_office);
	vals[SITE_POSTAL] = nz(a->postal_code);
	vals[SITE_COMMUNE] = nz(a->commune_code);
	vals[SITE_COMMUNE_LABEL] = nz(a->commune_label);
	vals[SITE_DEPT] = dept;
	vals[SITE_PHONE] = nz(a->phone);
	vals[SITE_PHONE2] = nz(a->phone2);
	vals[SITE_FAX] = nz(a->fax);
	vals[SITE_EMAIL] = nz(a->email);
	vals[SITE_HASH] = "";
	pend_site(im, vals, k);
	label_put(&im->labels, "mode", a->mode_code, a->mode_label);
	label_put(&im->labels, "sector", a->sector_code, a->sector_label);
	label_put(&im->labels, "role", a->role_code, a->role_label);
	if (strlen(nz(a->postal_code)) == 5 && *nz(a->commune_label) != '\0') {
		char ckey[16];
		const char *cv[2] = { a->commune_label, dept };

		snprintf(ckey, sizeof(ckey), "%s\x1f%.5s", a->postal_code,
		    nz(a->commune_code));
		smap_put(&im->communes, ckey, cv, 2);
	}
	return 0;
}

static int
import_savoir_faire(struct import *im, const struct rpps_savoir_faire *s)
{
	if (strcmp(im->prev_idnps, s->idnps) != 0 && sf_flush_person(im) != 0)
		return -1;
	new_person(im, s->idnps);
	if (s->profession_label != NULL && *s->profession_label != '\0')
		smap_put(&im->professions, s->profession_code,
		    &s->profession_label, 1);
	return add_skill(im, s->idnps, s->skill_code, s->skill_label,
	    s->skill_type_code, s->skill_type_label);
}

static int
import_mssante(struct import *im, const struct rpps_mssante *m)
{
	const char *vals[2] = { m->idnps, m->address };

	if (strcmp(m->box_type, "PER") != 0 || *m->address == '\0') {
		im->skipped++;
		return 0;
	}
	return bulk_add(&im->mssante, vals);
}

/* Writes the lookup tables collected while reading; returns 0 or -1. */
static int
import_lookups(struct import *im)
{
	if (lookup_write(im->conn, &im->professions, profession_head, pair_row,
	    label_tail, profession_cols, 2, false) != 0 ||
	    lookup_write(im->conn, &im->skills, rskill_head, quad_row,
	    rskill_tail, rskill_cols, 4, false) != 0 ||
	    lookup_write(im->conn, &im->labels, label_head, triple_row,
	    label_tail, label_cols, 3, true) != 0 ||
	    lookup_write(im->conn, &im->communes, commune_head, quad_row,
	    commune_tail, commune_cols, 4, true) != 0)
		return -1;
	return 0;
}

static const struct bulk_col idnps_cols[] = { { 12, true }, { 20, true } };
static const struct bulk_col site_skills_cols[] = { { 255, true }, { 12, true } };

/*
 * After a complete activity file: professionals and sites never seen are
 * marked (a professional's last_seen_at becomes the previous import's
 * time: present rows are, by definition, seen by every import), and the
 * professionals who kept a place in the file, lost a site and gained
 * another are marked as moved.  Returns 0 or -1.
 */
static int
import_mark_gone(struct import *im)
{
	struct bulk gone, sites, moved;
	struct kentry *e, *p;
	char idnps[16], key[24];
	const char *vals[2] = { idnps, key };
	size_t i;
	int rc = -1;

	bulk_init(&gone, "UPDATE professional SET file_status = 'disappeared',"
	    " disappeared_at = @rpps_now, last_seen_at = COALESCE(@rpps_prev,"
	    " last_seen_at) WHERE idnps = ?", "", "", idnps_cols, 1);
	bulk_init(&sites, "UPDATE practice_site SET status = 'gone',"
	    " gone_at = @rpps_now WHERE idnps = ? AND site_key = ?", "", "",
	    idnps_cols, 2);
	bulk_init(&moved, "UPDATE professional SET moved_at = @rpps_now"
	    " WHERE idnps = ?", "", "", idnps_cols, 1);
	bulk_use(&gone, im->conn);
	bulk_use(&sites, im->conn);
	bulk_use(&moved, im->conn);
	for (i = 0; i < im->kpro.cap; i++) {
		e = &im->kpro.e[i];
		if (e->k1 == 0 || (e->v & (KS_PRESENT | KS_SEEN)) != KS_PRESENT)
			continue;
		idnps_str(e->k1, idnps, sizeof(idnps));
		if (bulk_add(&gone, vals) != 0)
			goto out;
		im->pros_gone++;
	}
	for (i = 0; i < im->ksite.cap; i++) {
		e = &im->ksite.e[i];
		if (e->k1 == 0 || (e->v & (KS_PRESENT | KS_SEEN)) != KS_PRESENT)
			continue;
		idnps_str(e->k1, idnps, sizeof(idnps));
		snprintf(key, sizeof(key), "%llu", (unsigned long long)e->k2);
		if (bulk_add(&sites, vals) != 0)
			goto out;
		p = kmap_find(&im->kpro, e->k1, 0);
		if (p != NULL && (p->v & (KS_SEEN | KS_NEW_SITE | KS_MOVED)) ==
		    (KS_SEEN | KS_NEW_SITE)) {
			p->v |= KS_MOVED;
			if (bulk_add(&moved, vals) != 0)
				goto out;
			im->pros_moved++;
		}
	}
	if (bulk_flush(&gone) == 0 && bulk_flush(&sites) == 0 &&
	    bulk_flush(&moved) == 0)
		rc = 0;
out:
	bulk_free(&gone);
	bulk_free(&sites);
	bulk_free(&moved);
	return rc;
}

/* Marks what a complete file no longer holds; returns 0 or -1. */
static int
import_finalise(struct import *im)
{

	switch (im->kind) {
	case IK_ACTIVITE:
		if (im->known && import_mark_gone(im) != 0)
			return -1;
		break;
	case IK_SAVOIR_FAIRE:
		if (raw_exec(im->conn,
		    "DELETE FROM professional_skill WHERE last_seen_at < @rpps_now",
		    NULL, 0, NULL) != 0 || sf_clear_absent(im) != 0 ||
		    bulk_finish(&im->site_skills) != 0)
			return -1;
		break;
	case IK_MSSANTE:
		if (raw_exec(im->conn,
		    "DELETE FROM professional_mssante WHERE last_seen_at < @rpps_now",
		    NULL, 0, NULL) != 0)
			return -1;
		break;
	}
	return 0;
}

/*
 * The tables the directory's search derives from practice_site: the count
 * of active sites per postal code and profession (site_place_stat, sql/008)
 * and the sites of each savoir-faire (site_skill, sql/013).  They are
 * rebuilt once per import command, after its last file, in one transaction
 * that also clears their flag in directory_index_state (sql/014); each file
 * that may change practice_site sets the flag first, so that an import that
 * fails or is killed leaves it set and the next import command rebuilds
 * them before anything else.
 */
#define DERIVED_STATS	0x1u	/* site_place_stat */
#define DERIVED_SKILLS	0x2u	/* site_skill */

/* What a file of this kind changes. */
static unsigned
derived_of(enum import_kind k)
{
	switch (k) {
	case IK_ACTIVITE:
		return DERIVED_STATS | DERIVED_SKILLS;
	case IK_SAVOIR_FAIRE:
		return DERIVED_SKILLS;
	default:
		return 0;
	}
}

/* Sets the flag of the tables which (committed at once); returns 0 or -1
 * (message printed). */
static int
derived_mark(MYSQL *c, unsigned which)
{
	long long p[2] = { (which & DERIVED_STATS) != 0,
	    (which & DERIVED_SKILLS) != 0 };

	if (which == 0)
		return 0;
	if (raw_exec(c, "UPDATE directory_index_state SET stale = 1"
	    " WHERE (? AND name = 'site_place_stat') OR (? AND name = 'site_skill')",
	    p, 2, NULL) != 0 || mysql_commit(c) != 0) {
		mysql_rollback(c);
		return -1;
	}
	return 0;
}

/* Sets *which to the tables whose flag is set; returns 0 or -1. */
static int
derived_stale(MYSQL *c, unsigned *which)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	*which = 0;
	if (mysql_query(c, "SELECT name FROM directory_index_state"
	    " WHERE stale = 1") != 0 || (res = mysql_store_result(c)) == NULL) {
		fprintf(stderr, "parvis-admin: %s\n", mysql_error(c));
		return -1;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		if (row[0] != NULL && strcmp(row[0], "site_place_stat") == 0)
			*which |= DERIVED_STATS;
		else if (row[0] != NULL && strcmp(row[0], "site_skill") == 0)
			*which |= DERIVED_SKILLS;
	}
	mysql_free_result(res);
	return mysql_commit(c) == 0 ? 0 : -1;
}

/*
 * Rebuilds the tables which and clears their flag, in one transaction: a
 * search sees the old counts and sites or the new ones.  site_place_stat
 * is one pass over the site_place index; site_skill mirrors
 * practice_site.skills exactly (one row per active site and savoir-faire
 * code, with the site's columns a search checks: sql/017), so a search
 * reading it finds what reading every site of the place would.  Returns 0
 * or -1 (message printed, nothing changed).
 */
static int
derived_rebuild(MYSQL *c, unsigned which)
{
	long long p[2] = { (which & DERIVED_STATS) != 0,
	    (which & DERIVED_SKILLS) != 0 };
	time_t t0 = time(NULL);

	if (which == 0)
		return 0;
	if (((which & DERIVED_STATS) != 0 &&
	    (raw_exec(c, "DELETE FROM site_place_stat", NULL, 0, NULL) != 0 ||
	    raw_exec(c, "INSERT INTO site_place_stat (postal_code,"
	    " profession_code, sites) SELECT postal_code, profession_code,"
	    " COUNT(*) FROM practice_site FORCE INDEX (site_place)"
	    " WHERE status = 'present' GROUP BY postal_code, profession_code",
	    NULL, 0, NULL) != 0)) ||
	    ((which & DERIVED_SKILLS) != 0 &&
	    (raw_exec(c, "DELETE FROM site_skill", NULL, 0, NULL) != 0 ||
	    raw_exec(c, "INSERT IGNORE INTO site_skill (skill_code, postal_code,"
	    " site_id, status, idnps, last_key, first_key, profession_code,"
	    " commune_code, skills) SELECT j.code, s.postal_code, s.id, s.status,"
	    " s.idnps, s.last_key, s.first_key, s.profession_code, s.commune_code,"
	    " s.skills FROM practice_site s,"
	    " JSON_TABLE(CONCAT('[\"', REPLACE(s.skills, ',', '\",\"'), '\"]'),"
	    " '$[*]' COLUMNS (code VARCHAR(16) CHARACTER SET ascii PATH '$')) j"
	    " WHERE s.status = 'present' AND s.skills <> '' AND j.code <> ''",
	    NULL, 0, NULL) != 0)) ||
	    raw_exec(c, "UPDATE directory_index_state SET stale = 0,"
	    " rebuilt_at = UTC_TIMESTAMP() WHERE (? AND name = 'site_place_stat')"
	    " OR (? AND name = 'site_skill')", p, 2, NULL) != 0 ||
	    mysql_commit(c) != 0) {
		mysql_rollback(c);
		fprintf(stderr, "parvis-admin: the search's site counts and"
		    " savoir-faire index were not rebuilt; the next import-rpps"
		    " rebuilds them\n");
		return -1;
	}
	fprintf(stderr, "  search tables rebuilt (%s%s%s) in %.0f s\n",
	    (which & DERIVED_STATS) != 0 ? "site_place_stat" : "",
	    which == (DERIVED_STATS | DERIVED_SKILLS) ? ", " : "",
	    (which & DERIVED_SKILLS) != 0 ? "site_skill" : "",
	    difftime(time(NULL), t0));
	return 0;
}

static void
progress(struct import *im, const struct rpps_stats *st, FILE *fp, bool last)
{
	unsigned long long bad = st->bad - im->skipped;
	time_t t = time(NULL);
	double pct = 0, elapsed;
	off_t pos;
	int decile;

	if (!last && t == im->last_progress)
		return;
	pos = ftello(fp);
	if (im->size > 0 && pos >= 0)
		pct = 100.0 * (double)pos / (double)im->size;
	if (last)
		pct = 100;
	elapsed = difftime(t, im->now);
	decile = (int)(pct / 10);
	if (im->tty) {
		fprintf(stderr, "\r  %llu lines (%3.0f %%), %.0f lines/s, %llu bad   %s",
		    (unsigned long long)st->lines, pct,
		    elapsed > 0 ? (double)st->lines / elapsed : 0.0, bad,
		    last ? "\n" : "");
	} else if (decile != im->last_decile || last) {
		fprintf(stderr, "  %llu lines (%3.0f %%), %.0f s, %llu bad\n",
		    (unsigned long long)st->lines, pct, elapsed, bad);
		im->last_decile = decile;
	}
	im->last_progress = t;
}

static const char *
file_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Guesses the kind of a file from its name, then from its header line. */
static int
guess_kind(const char *path, FILE *fp, enum import_kind *kind)
{
	const char *b = file_base(path);
	char line[4096];

	if (strcasestr(b, "personne_activite") != NULL)
		*kind = IK_ACTIVITE;
	else if (strcasestr(b, "savoirfaire") != NULL ||
	    strcasestr(b, "savoir_faire") != NULL)
		*kind = IK_SAVOIR_FAIRE;
	else if (strcasestr(b, "mssante") != NULL)
		*kind = IK_MSSANTE;
	else {
		if (fgets(line, sizeof(line), fp) == NULL)
			return -1;
		rewind(fp);
		if (strstr(line, "Type de BAL") != NULL)
			*kind = IK_MSSANTE;
		else if (strstr(line, "mode exercice") != NULL)
			*kind = IK_ACTIVITE;
		else if (strstr(line, "savoir-faire") != NULL)
			*kind = IK_SAVOIR_FAIRE;
		else
			return -1;
	}
	return 0;
}

/* Sets the import's session variables on a connection; returns 0 or -1. */
static int
import_session(MYSQL *c, const struct import *im)
{
	long long p[4] = { (long long)im->now, im->id, im->baseline ? 1 : 0,
	    (long long)im->now };

	return raw_exec(c, "SET @rpps_now = FROM_UNIXTIME(?), @rpps_import = ?,"
	    " @rpps_arrived = IF(?, NULL, FROM_UNIXTIME(?)),"
	    " @rpps_prev = (SELECT MAX(started_at) FROM rpps_import"
	    " WHERE kind = 'activite' AND status = 'done' AND id < @rpps_import)",
	    p, 4, NULL);
}

/* A connection for one of the import's tables. */
static MYSQL *
import_connect(void *arg)
{
	MYSQL *c = bulk_connect();

	if (c != NULL && import_session(c, arg) != 0) {
		mysql_close(c);
		c = NULL;
	}
	return c;
}

static const enum rpps_kind reader_kind[] = {
	RPPS_PERSONNE_ACTIVITE, RPPS_SAVOIR_FAIRE, RPPS_MSSANTE,
};

/* Imports one file; returns 0, or 1 after printing why not. */
static int
import_file(MYSQL *conn, struct db *db, const char *path, int forced_kind,
    bool partial)
{
	struct import im;
	struct rpps_reader *rd = NULL;
	struct db_result res;
	struct arena a;
	struct stat sb;
	const struct rpps_stats *st;
	enum rpps_status s;
	char err[512], msg[1000];
	FILE *fp;
	int rc = 1;
	bool trusted;

	memset(&im, 0, sizeof(im));
	arena_init(&a, 0);
	im.conn = conn;
	im.db = db;
	im.path = path;
	im.partial = partial;
	im.now = time(NULL);
	im.tty = isatty(2);
	im.last_decile = -1;
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", path, strerror(errno));
		arena_free(&a);
		return 1;
	}
	if (fstat(fileno(fp), &sb) == 0)
		im.size = sb.st_size;
	if (forced_kind >= 0)
		im.kind = (enum import_kind)forced_kind;
	else if (guess_kind(path, fp, &im.kind) != 0) {
		fprintf(stderr, "parvis-admin: %s: cannot tell the kind of file from"
		    " its name or header; use --kind activite|savoir-faire|mssante\n",
		    path);
		goto out;
	}
	if ((rd = rpps_open(fp, reader_kind[im.kind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", path, err);
		goto out;
	}
	if (im.kind == IK_ACTIVITE) {
		if (db_query_row(db, &a, RQ(RS_HAS_PROFESSIONALS), DB_NOPARAMS,
		    &res) != DB_OK)
			goto out;
		im.npros = db_cell_int(&res, 0, 0);
		im.nsites = db_cell_int(&res, 0, 1);
		im.baseline = im.npros == 0;
	}
	/* The search's derived tables are stale from now on until
	 * import_files rebuilds them. */
	if (derived_mark(conn, derived_of(im.kind)) != 0)
		goto out;
	if (db_exec(db, RQ(RS_IMPORT_START), DB_PARAMS(
	    DBP_STR(import_kind_sql[im.kind]),
	    DBP_STRN(file_base(path), strnlen(file_base(path), 255)),
	    DBP_INT(im.size), DBP_INT(im.baseline), DBP_INT(partial),
	    DBP_INT(im.now)), NULL) != DB_OK) {
		fprintf(stderr, "parvis-admin: %s\n", db_last_error(db));
		goto out;
	}
	im.id = (long long)db_insert_id(db);
	fprintf(stderr, "import-rpps: %s (%s%s%s), import #%lld\n", file_base(path),
	    rpps_kind_str(reader_kind[im.kind]), rpps_had_bom(rd) ? ", BOM" : "",
	    im.baseline ? ", first import" : "", im.id);
	if (import_session(conn, &im) != 0)
		goto fail;
	if (im.kind != IK_MSSANTE && kskills_load(conn, &im.kskills) != 0)
		goto fail;
	if (im.kind == IK_ACTIVITE && !im.baseline) {
		fprintf(stderr, "  reading what the directory holds...\n");
		if (kmap_load(conn, "SELECT idnps, row_hash, file_status = 'present'"
		    " FROM professional", false, (size_t)im.npros, &im.kpro) != 0 ||
		    kmap_load(conn, "SELECT idnps, site_key, row_hash,"
		    " status = 'present' FROM practice_site", true,
		    (size_t)im.nsites, &im.ksite) != 0)
			goto fail;
		im.known = true;
	}
	bulk_init(&im.pro, professional_head, professional_row, professional_tail,
	    professional_cols, 12);
	bulk_init(&im.site, site_head, site_row, site_tail, site_cols, SITE__MAX);
	bulk_init(&im.skill, skill_head, skill_row, skill_tail, skill_cols, 2);
	bulk_init(&im.mssante, mssante_head, mssante_row, mssante_tail,
	    mssante_cols, 2);
	bulk_init(&im.site_skills, "UPDATE practice_site SET skills = ?"
	    " WHERE idnps = ?", "", "", site_skills_cols, 2);
	if ((im.kind == IK_ACTIVITE && (bulk_open(&im.pro, import_connect, &im) != 0 ||
	    bulk_open(&im.site, import_connect, &im) != 0)) ||
	    (im.kind != IK_MSSANTE && bulk_open(&im.skill, import_connect, &im) != 0) ||
	    (im.kind == IK_MSSANTE && bulk_open(&im.mssante, import_connect, &im) != 0) ||
	    (im.kind == IK_SAVOIR_FAIRE && bulk_open(&im.site_skills,
	    import_connect, &im) != 0))
		goto fail;
	for (;;) {
		s = rpps_next(rd);
		if (s == RPPS_EOF)
			break;
		if (s == RPPS_IO_ERROR) {
			fprintf(stderr, "\nparvis-admin: %s: %s\n", path,
			    rpps_message(rd));
			goto fail;
		}
		if (s == RPPS_BAD_LINE) {
			if (rpps_bad_reason(rd) == RPPS_BAD_ORG_MAILBOX) {
				im.skipped++;
				continue;
			}
			if (im.bad_shown < BAD_SHOWN)
				fprintf(stderr, "%s  %s\n",
				    im.tty && im.bad_shown == 0 ? "\n" : "",
				    rpps_message(rd));
			if (im.bad_shown < BAD_KEPT)
				db_exec(db, RQ(RS_IMPORT_BAD_LINE), DB_PARAMS(
				    DBP_INT(im.id), DBP_INT(rpps_lineno(rd)),
				    DBP_STRN(rpps_message(rd),
				    strnlen(rpps_message(rd), 500))), NULL);
			im.bad_shown++;
			continue;
		}
		switch (im.kind) {
		case IK_ACTIVITE:
			if (import_activite(&im, rpps_activite(rd)) != 0)
				goto fail;
			break;
		case IK_SAVOIR_FAIRE:
			if (import_savoir_faire(&im, rpps_savoir_faire(rd)) != 0)
				goto fail;
			break;
		case IK_MSSANTE:
			if (import_mssante(&im, rpps_mssante(rd)) != 0)
				goto fail;
			break;
		}
		if ((rpps_stats(rd)->lines & 4095) == 0)
			progress(&im, rpps_stats(rd), fp, false);
	}
	if ((im.kind == IK_ACTIVITE && flush_person(&im) != 0) ||
	    (im.kind == IK_SAVOIR_FAIRE && sf_flush_person(&im) != 0) ||
	    bulk_finish(&im.pro) != 0 || bulk_finish(&im.site) != 0 ||
	    bulk_finish(&im.skill) != 0 || bulk_finish(&im.mssante) != 0 ||
	    bulk_finish(&im.site_skills) != 0 ||
	    import_lookups(&im) != 0 || mysql_commit(conn) != 0)
		goto fail;
	st = rpps_stats(rd);
	progress(&im, st, fp, true);
	/* Only a complete, sound file says who is gone. */
	trusted = !partial && st->records > im.skipped &&
	    (st->bad - im.skipped) * 1000 <= st->lines * BAD_MAX_PERMILLE;
	if (trusted) {
		if (import_finalise(&im) != 0 || mysql_commit(conn) != 0)
			goto fail;
	} else if (!partial)
		fprintf(stderr, "  too many bad lines, or no record: nothing is"
		    " marked as gone\n");
	snprintf(msg, sizeof(msg), "%llu lines, %llu records, %llu bad lines%s",
	    (unsigned long long)st->lines, (unsigned long long)st->records,
	    (unsigned long long)(st->bad - im.skipped),
	    trusted || partial ? "" : "; nothing marked as gone");
	if (db_exec(db, RQ(RS_IMPORT_FINISH), DB_PARAMS(DBP_STR("done"),
	    DBP_INT(st->lines), DBP_INT(st->records), DBP_INT(st->bad - im.skipped),
	    DBP_INT(im.skipped), DBP_INT(im.pros_new), DBP_INT(im.pros_gone),
	    DBP_INT(im.pros_moved), DBP_STR(msg), DBP_INT(im.id)), NULL) != DB_OK)
		goto out;
	audit_cli(db, "admin", "rpps.import", "rpps_import",
	    arena_printf(&a, "%lld", im.id), msg);
	fprintf(stderr, "  done in %.0f s: %llu lines, %llu records, %llu bad"
	    " lines%s", difftime(time(NULL), im.now),
	    (unsigned long long)st->lines, (unsigned long long)st->records,
	    (unsigned long long)(st->bad - im.skipped),
	    im.bad_shown > BAD_SHOWN ? " (first 20 shown)" : "");
	if (im.skipped > 0)
		fprintf(stderr, ", %llu organisational mailboxes skipped",
		    (unsigned long long)im.skipped);
	if (im.kind == IK_ACTIVITE)
		fprintf(stderr, "; professionals: %llu new, %llu disappeared,"
		    " %llu moved", (unsigned long long)im.pros_new,
		    (unsigned long long)im.pros_gone,
		    (unsigned long long)im.pros_moved);
	fputc('\n', stderr);
	rc = 0;
	goto out;
fail:
	mysql_rollback(conn);
	if (im.id != 0) {
		st = rd != NULL ? rpps_stats(rd) : NULL;
		db_exec(db, RQ(RS_IMPORT_FINISH), DB_PARAMS(DBP_STR("failed"),
		    DBP_INT(st ? st->lines : 0), DBP_INT(st ? st->records : 0),
		    DBP_INT(st ? st->bad : 0), DBP_INT(im.skipped), DBP_INT(0),
		    DBP_INT(0), DBP_INT(0), DBP_STR("import failed: see the"
		    " terminal of parvis-admin"), DBP_INT(im.id)), NULL);
	}
	fprintf(stderr, "parvis-admin: import of %s failed; what was committed"
	    " stays, run it again\n", path);
out:
	bulk_free(&im.pro);
	bulk_free(&im.site);
	bulk_free(&im.skill);
	bulk_free(&im.mssante);
	bulk_free(&im.site_skills);
	smap_free(&im.kskills);
	smap_free(&im.professions);
	smap_free(&im.skills);
	smap_free(&im.labels);
	smap_free(&im.communes);
	kmap_free(&im.kpro);
	kmap_free(&im.ksite);
	buf_free(&im.pend_data);
	rpps_close(rd);
	fclose(fp);
	arena_free(&a);
	return rc;
}

static int
parse_kind(const char *s)
{
	if (strcmp(s, "activite") == 0)
		return IK_ACTIVITE;
	if (strcmp(s, "savoir-faire") == 0 || strcmp(s, "savoir_faire") == 0)
		return IK_SAVOIR_FAIRE;
	if (strcmp(s, "mssante") == 0)
		return IK_MSSANTE;
	return -1;
}

/* Imports the files given; returns 0 or 1 (several files: activity first,
 * so that savoir-faire and mailboxes find their professionals). */
static int
import_files(char **files, int nfiles, int kind, bool partial)
{
	struct db *db;
	MYSQL *conn;
	int i, pass, rc = 0;
	enum import_kind k;
	unsigned stale, touched = 0;

	db = app_db_from_config(rpps_tables, 1);
	if (db_ensure(db) != DB_OK || (conn = bulk_connect()) == NULL) {
		db_free(db);
		return 1;
	}
	/* A previous import failed or was stopped before rebuilding the
	 * search's derived tables: rebuild them first. */
	if (derived_stale(conn, &stale) != 0 || derived_rebuild(conn, stale) != 0)
		rc = 1;
	for (pass = 0; pass < 3 && rc == 0; pass++)
		for (i = 0; i < nfiles && rc == 0; i++) {
			if (kind >= 0)
				k = (enum import_kind)kind;
			else {
				FILE *fp = fopen(files[i], "r");

				if (fp == NULL || guess_kind(files[i], fp, &k) != 0)
					k = IK_ACTIVITE;	/* import_file says why */
				if (fp != NULL)
					fclose(fp);
			}
			if ((int)k == pass) {
				touched |= derived_of(k);
				rc = import_file(conn, db, files[i], kind, partial);
			}
		}
	/* Once for the whole command, after a failure too: the derived
	 * tables then match what the files committed. */
	if (touched != 0 && derived_rebuild(conn, touched) != 0)
		rc = 1;
	mysql_close(conn);
	db_free(db);
	return rc;
}

static void
peak_rss(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(stderr, "import-rpps: peak RSS %ld KiB\n", ru.ru_maxrss);
}

int
admin_import_rpps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "partial", no_argument, NULL, 'p' },
		{ "kind", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, kind = -1, rc;
	bool partial = false;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			partial = true;
			break;
		case 'k':
			if ((kind = parse_kind(optarg)) < 0) {
				fprintf(stderr, "parvis-admin: --kind: activite,"
				    " savoir-faire or mssante\n");
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: parvis-admin import-rpps [--partial]"
		    " [--kind activite|savoir-faire|mssante] FILE...\n");
		return 2;
	}
	rc = import_files(argv + optind, argc - optind, kind, partial);
	peak_rss();
	return rc;
}

int
admin_gen_rpps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "old-columns", no_argument, NULL, 'o' },
		{ "bom", no_argument, NULL, 'b' },
		{ "crlf", no_argument, NULL, 'c' },
		{ "bad-every", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	struct rpps_gen_opts go = { 0 };
	long long seed = 1, n, every;
	int ch, kind;
	FILE *out;
	long long written;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (valid_parse_ll(optarg, 0, 9223372036854775807LL, &seed) != 0) {
				fprintf(stderr, "parvis-admin: --seed: a number\n");
				return 2;
			}
			break;
		case 'o': go.old_columns = true; break;
		case 'b': go.bom = true; break;
		case 'c': go.crlf = true; break;
		case 'e':
			if (valid_parse_ll(optarg, 1, 1000000000, &every) != 0) {
				fprintf(stderr, "parvis-admin: --bad-every: 1 or more\n");
				return 2;
			}
			go.bad_every = (unsigned)every;
			break;
		default:
			return 2;
		}
	}
	if (argc - optind != 3 || (kind = parse_kind(argv[optind])) < 0 ||
	    valid_parse_ll(argv[optind + 1], 1, 100000000, &n) != 0) {
		fprintf(stderr, "usage: parvis-admin gen-rpps activite|savoir-faire|"
		    "mssante N OUT [--seed S] [--old-columns] [--bom] [--crlf]"
		    " [--bad-every K]\n  N: activity lines of the population"
		    " (1 to 100000000); OUT: a file, or - for the standard output\n");
		return 2;
	}
	if (strcmp(argv[optind + 2], "-") == 0)
		out = stdout;
	else if ((out = fopen(argv[optind + 2], "w")) == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", argv[optind + 2],
		    strerror(errno));
		return 1;
	}
	written = rpps_gen_write(out, reader_kind[kind], (uint64_t)seed, (size_t)n,
	    &go);
	if ((out != stdout && fclose(out) != 0) || (out == stdout && fflush(out) != 0))
		written = -1;
	if (written < 0) {
		fprintf(stderr, "parvis-admin: cannot write %s\n", argv[optind + 2]);
		return 1;
	}
	fprintf(stderr, "gen-rpps: %lld data lines written\n", written);
	return 0;
}

/* ---- demo data ---- */

/* The generator spreads people over the whole of France as the population
 * is: 12,000 lines give each demo CPTS (Toulouse, Besançon) a few dozen
 * professionals. */
#define DEMO_LINES	12000
#define DEMO_SEED	2026

struct demo_cpts {
	long long	 id;
	const char	*name;
	long long	 territory;	/* an existing territory, or 0 */
	const char	*dept;		/* else: the postal codes of a department */
	const char	*commune;	/* and one commune */
};

static const struct demo_cpts demo_cpts[] = {
	/* Territory 1 is the demonstration territory of ICOPE (Toulouse,
	 * Blagnac): its CPTS is managed by coord.cpts (cpts:1) and its
	 * alerts by alerte.icope (territory:1). */
	{ 1, "CPTS Toulouse – Blagnac", 1, "31", "31555" },
	{ 2, "CPTS du Grand Besançon", 0, "25", "25056" },
};

/* Some statuses and notes, per CPTS: the n-th professional of its
 * territory gets this status (and this note). */
static const struct {
	size_t		 nth;
	const char	*status;
	const char	*note;
} demo_statuses[] = {
	{ 0, "adherent", "Adhérente depuis la création de la CPTS. Référente"
	  " du groupe de travail sur les soins non programmés." },
	{ 2, "adherent", "" },
	{ 3, "adherent", "" },
	{ 5, "adherent", "Joignable le mardi matin au 06 00 00 00 00." },
	{ 7, "membre", "Participe au parcours insuffisance cardiaque." },
	{ 8, "membre", "" },
	{ 11, "refus", "Ne souhaite pas adhérer pour le moment (rappel dans un an)." },
	{ 13, "ne_plus_contacter", "A demandé à ne plus recevoir de messages." },
	{ 17, "adherent", "" },
	{ 19, "adherent", "" },
};

static int
demo_write(const char *path, enum rpps_kind kind)
{
	FILE *f = fopen(path, "w");
	long long n;

	if (f == NULL) {
		fprintf(stderr, "parvis-admin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = rpps_gen_write(f, kind, DEMO_SEED, DEMO_LINES, NULL);
	if (fclose(f) != 0 || n < 0) {
		fprintf(stderr, "parvis-admin: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* Generates and imports the demo files when the directory is empty. */
static int
demo_import(struct db *db, struct arena *a)
{
	static const char *const names[] = {
		"PS_LibreAcces_Personne_activite_demo.txt",
		"PS_LibreAcces_SavoirFaire_demo.txt",
		"Extraction_Correspondance_MSSante_demo.txt",
	};
	char dir[] = "/tmp/parvis-demo-rpps.XXXXXX";
	char *paths[3];
	struct db_result res;
	int i, rc = 0;

	if (db_query_row(db, a, RQ(RS_HAS_PROFESSIONALS), DB_NOPARAMS, &res) != DB_OK)
		return -1;
	if (db_cell_int(&res, 0, 0) > 0) {
		printf("directory demo: the directory already holds professionals\n");
		return 0;
	}
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "parvis-admin: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 3 && rc == 0; i++) {
		paths[i] = arena_printf(a, "%s/%s", dir, names[i]);
		rc = demo_write(paths[i], reader_kind[i]);
	}
	if (rc == 0)
		rc = import_files(paths, 3, -1, false) == 0 ? 0 : -1;
	for (i = 0; i < 3; i++)
		if (paths[i] != NULL)
			unlink(paths[i]);
	rmdir(dir);
	return rc;
}

/* Creates a demo CPTS (and its territory) unless it exists; *id gets its
 * id (the one wanted when free).  Returns 1 when created, 0 when it
 * existed, -1. */
static int
demo_cpts_create(struct db *db, struct arena *a, const struct demo_cpts *c,
    long long *id)
{
	struct db_result res;
	long long territory = c->territory;
	size_t i;

	switch (db_query_row(db, a, RQ(RS_DEMO_CPTS_FIND),
	    DB_PARAMS(DBP_STR(c->name)), &res)) {
	case DB_OK:
		*id = db_cell_int(&res, 0, 0);
		return 0;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	if (territory != 0 && db_query_row(db, a, RQ(RS_DEMO_TERRITORY_FIND),
	    DB_PARAMS(DBP_INT(territory)), &res) != DB_OK)
		territory = 0;
	if (territory == 0) {
		if (db_exec(db, RQ(RS_DEMO_TERRITORY_INSERT), DB_PARAMS(
		    DBP_STR(arena_printf(a, "%s (démonstration)", c->name))),
		    NULL) != DB_OK)
			return -1;
		territory = (long long)db_insert_id(db);
		if (db_query(db, a, RQ(RS_DEMO_DEPT_POSTAL_CODES), DB_PARAMS(
		    DBP_STR(c->dept), DBP_INT(25)), &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows; i++)
			if (db_exec(db, RQ(RS_DEMO_TERRITORY_PC), DB_PARAMS(
			    DBP_INT(territory), DBP_STR(db_cell(&res, i, 0))),
			    NULL) != DB_OK)
				return -1;
		if (db_exec(db, RQ(RS_DEMO_TERRITORY_COMMUNE), DB_PARAMS(
		    DBP_INT(territory), DBP_STR(c->commune)), NULL) != DB_OK)
			return -1;
	}
	/* The id the demo accounts' roles name, unless another CPTS has it. */
	if (db_query_row(db, a, RQ(RS_DEMO_CPTS_ID_USED), DB_PARAMS(DBP_INT(c->id)),
	    &res) == DB_NOT_FOUND) {
		if (db_exec(db, RQ(RS_DEMO_CPTS_INSERT), DB_PARAMS(DBP_INT(c->id),
		    DBP_STR(c->name), DBP_INT(territory)), NULL) != DB_OK)
			goto fail;
		*id = c->id;
	} else {
		if (db_exec(db, RQ(RS_DEMO_CPTS_INSERT_AUTO), DB_PARAMS(
		    DBP_STR(c->name), DBP_INT(territory)), NULL) != DB_OK)
			goto fail;
		*id = (long long)db_insert_id(db);
	}
	return 1;
fail:
	fprintf(stderr, "parvis-admin: CPTS %s: %s\n", c->name, db_last_error(db));
	return -1;
}

/* Statuses, notes (with their history) and a few cards. */
static int
demo_statuses_set(struct db *db, struct arena *a, long long cpts_id,
    long long manager)
{
	static const char *const options[][2] = {
		{ "care", "domicile" }, { "care", "nouveaux_patients" },
		{ "care", "teleconsultation" }, { "equipment", "ecg" },
		{ "language", "en" },
	};
	struct db_result res;
	size_t i, k;

	if (db_query(db, a, RQ(RS_DEMO_PROS_IN_CPTS), DB_PARAMS(DBP_INT(cpts_id),
	    DBP_INT(40)), &res) != DB_OK)
		return -1;
	for (i = 0; i < sizeof(demo_statuses) / sizeof(demo_statuses[0]); i++) {
		const char *idnps;

		if (demo_statuses[i].nth >= res.nrows)
			continue;
		idnps = db_cell(&res, demo_statuses[i].nth, 0);
		if (db_exec(db, RQ(RS_DEMO_STATUS), DB_PARAMS(DBP_INT(cpts_id),
		    DBP_STR(idnps), DBP_STR(demo_statuses[i].status),
		    DBP_STR(demo_statuses[i].note)), NULL) != DB_OK ||
		    db_exec(db, RQ(RS_DEMO_HISTORY), DB_PARAMS(DBP_INT(cpts_id),
		    DBP_STR(idnps), DBP_ID(manager), DBP_STR("status"),
		    DBP_STR("inconnu"), DBP_STR(demo_statuses[i].status)),
		    NULL) != DB_OK)
			return -1;
		if (*demo_statuses[i].note != '\0' && db_exec(db,
		    RQ(RS_DEMO_HISTORY), DB_PARAMS(DBP_INT(cpts_id), DBP_STR(idnps),
		    DBP_ID(manager), DBP_STR("note"), DBP_STR(""),
		    DBP_STR(demo_statuses[i].note)), NULL) != DB_OK)
			return -1;
	}
	/* Every third of the first professionals has filled in a card. */
	for (i = 0; i < res.nrows && i < 30; i += 3) {
		const char *idnps = db_cell(&res, i, 0);

		if (db_exec(db, RQ(RS_DEMO_CARD), DB_PARAMS(DBP_STR(idnps),
		    DBP_STR(i % 2 == 0 ? arena_printf(a, "contact.%s@exemple.fr",
		    idnps) : NULL), DBP_STR("Cabinet ouvert du lundi au vendredi.")),
		    NULL) != DB_OK)
			return -1;
		for (k = 0; k < 5; k++)
			if ((i + k) % 2 == 0 && db_exec(db, RQ(RS_DEMO_OPTION),
			    DB_PARAMS(DBP_STR(idnps), DBP_STR(options[k][0]),
			    DBP_STR(options[k][1])), NULL) != DB_OK)
				return -1;
	}
	/* dr.martin is the first professional of the territory: "Ma fiche". */
	if (manager != 0 && res.nrows > 1 && db_exec(db, RQ(RS_DEMO_LINK_USER),
	    DB_PARAMS(DBP_STR(db_cell(&res, 1, 0)), DBP_STR("dr.martin")),
	    NULL) != DB_OK)
		return -1;
	return 0;
}

int
admin_demo_annuaire(void)
{
	struct db *db;
	struct arena a;
	size_t i;
	int rc = 1, made;
	long long manager, id = 0;

	arena_init(&a, 0);
	db = app_db_from_config(rpps_tables, 1);
	if (db_ensure(db) != DB_OK || demo_import(db, &a) != 0)
		goto out;
	manager = admin_user_id("coord.cpts");
	for (i = 0; i < sizeof(demo_cpts) / sizeof(demo_cpts[0]); i++) {
		if ((made = demo_cpts_create(db, &a, &demo_cpts[i], &id)) < 0)
			goto out;
		if (made > 0) {
			if (demo_statuses_set(db, &a, id, i == 0 ? manager : 0) != 0)
				goto out;
			printf("directory demo: %s created\n", demo_cpts[i].name);
		}
		/* coord.cpts (cpts:1 from admin_demo.c) manages both: the
		 * CPTS selector shows. */
		if (manager != 0 && admin_grant(manager, arena_printf(&a,
		    "cpts_manager:cpts:%lld", id), 1) != 0)
			goto out;
	}
	printf("directory demo: coord.cpts manages the %s and the %s\n",
	    demo_cpts[0].name, demo_cpts[1].name);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "parvis-admin: directory demo data failed: %s\n",
		    db_last_error(db));
	db_free(db);
	arena_free(&a);
	return rc;
}

