/*
 * STEP 1: the screening form, built from the icope_function and
 * icope_item tables (a region adds a block without code), saved as a
 * draft, then validated: icope_step1_eval (icope_rules.c) scores each
 * function against the previous validated STEP 1, the results are stored,
 * an alert is raised for the positive functions, and the next STEP 1 is
 * due after icope_step1_interval_months.  Also the Evaluation panel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "icope.h"
#include "icope_rules.h"
#include "log.h"
#include "valid.h"

enum {
	S1_FUNCTIONS,
	S1_ITEMS,
	S1_DRAFT,
	S1_GET,
	S1_PREV,
	S1_ANSWERS,
	S1_INSERT,
	S1_UPDATE,
	S1_ANSWERS_DEL,
	S1_ANSWER_ADD,
	S1_INSERT_VALIDATED,
	S1_UPDATE_VALIDATED,
	S1_RESULT_ADD,
	S1_RESULTS,
	S1_ALERT_ADD,
	S1_ALERT_FN_ADD,
	S1_PATIENT_DUE,
	S1_LIST,
	S1_ALERT_OF,
	S1_LOCK,
	S1_STATE,
	S1__MAX
};
#define Q(i)	DB_STMT(IA_STEP1, (i))

static const char *const step1_sql[S1__MAX] = {
	[S1_FUNCTIONS] =
	    "SELECT id, code, label, rule FROM icope_function WHERE enabled"
	    " ORDER BY position, id",
	[S1_ITEMS] =
	    "SELECT i.id, i.function_id, i.code, i.label, i.kind, i.role,"
	    " i.min_value, i.max_value, i.cmp, i.threshold, i.decline_flag,"
	    " i.decline_delta FROM icope_item i"
	    " JOIN icope_function f ON f.id = i.function_id WHERE f.enabled"
	    " ORDER BY f.position, f.id, i.position, i.id",
	[S1_DRAFT] =
	    "SELECT id, DATE_FORMAT(performed_on, '%Y-%m-%d'), mode,"
	    " performer_name, comments FROM icope_step1"
	    " WHERE patient_id = ? AND status = 'draft' ORDER BY id DESC LIMIT 1",
	[S1_GET] =
	    "SELECT s.id, s.status, DATE_FORMAT(s.performed_on, '%d/%m/%Y'),"
	    " s.mode, s.performer_name, s.comments,"
	    " CONCAT(u.first_name, ' ', u.last_name),"
	    " COALESCE(UNIX_TIMESTAMP(s.validated_at), 0), s.n_alert,"
	    " s.n_not_assessed, s.completeness,"
	    " DATE_FORMAT(s.performed_on, '%Y-%m-%d')"
	    " FROM icope_step1 s JOIN app_user u ON u.id = s.entered_by"
	    " WHERE s.id = ? AND s.patient_id = ?",
	[S1_PREV] =
	    "SELECT id, DATE_FORMAT(performed_on, '%d/%m/%Y') FROM icope_step1"
	    " WHERE patient_id = ? AND status = 'validated' AND id <> ?"
	    " AND (performed_on < ? OR (performed_on = ? AND id < ?))"
	    " ORDER BY performed_on DESC, id DESC LIMIT 1",
	[S1_ANSWERS] =
	    "SELECT i.code, a.value FROM icope_step1_answer a"
	    " JOIN icope_item i ON i.id = a.item_id WHERE a.step1_id = ?",
	[S1_INSERT] =
	    "INSERT INTO icope_step1 (patient_id, status, performed_on, mode,"
	    " performer_name, comments, entered_by, created_at, updated_at,"
	    " updated_by) VALUES (?, 'draft', ?, ?, ?, ?, ?, FROM_UNIXTIME(?),"
	    " FROM_UNIXTIME(?), ?)",
	[S1_UPDATE] =
	    "UPDATE icope_step1 SET performed_on = ?, mode = ?, performer_name = ?,"
	    " comments = ?, entered_by = ?, updated_at = FROM_UNIXTIME(?),"
	    " updated_by = ? WHERE id = ? AND patient_id = ? AND status = 'draft'",
	[S1_ANSWERS_DEL] =
	    "DELETE FROM icope_step1_answer WHERE step1_id = ?",
	/* Rows of one STEP 1 in one statement: a JSON array bound as a
	 * parameter ([{"i": item, "v": "value"}, ...]), read by JSON_TABLE. */
	[S1_ANSWER_ADD] =
	    "INSERT INTO icope_step1_answer (step1_id, item_id, value)"
	    " SELECT ?, j.i, j.v FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " i BIGINT UNSIGNED PATH '$.i', v VARCHAR(500) PATH '$.v')) j",
	/* A new STEP 1 validated at once, or the draft validated; the
	 * scores are known (icope_step1_eval) before the row is written. */
	[S1_INSERT_VALIDATED] =
	    "INSERT INTO icope_step1 (patient_id, status, performed_on, mode,"
	    " performer_name, comments, entered_by, n_alert, n_not_assessed,"
	    " completeness, validated_at, validated_by, created_at, updated_at,"
	    " updated_by) VALUES (?, 'validated', ?, ?, ?, ?, ?, ?, ?, ?,"
	    " FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)",
	[S1_UPDATE_VALIDATED] =
	    "UPDATE icope_step1 SET status = 'validated', performed_on = ?,"
	    " mode = ?, performer_name = ?, comments = ?, entered_by = ?,"
	    " n_alert = ?, n_not_assessed = ?, completeness = ?,"
	    " validated_at = FROM_UNIXTIME(?), validated_by = ?,"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND patient_id = ? AND status = 'draft'",
	[S1_RESULT_ADD] =
	    "INSERT INTO icope_step1_result (step1_id, function_id, result, decline, info)"
	    " SELECT ?, j.f, j.r, j.d, j.n FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " f BIGINT UNSIGNED PATH '$.f', r VARCHAR(16) PATH '$.r',"
	    " d INT UNSIGNED PATH '$.d', n INT PATH '$.n')) j",
	[S1_RESULTS] =
	    "SELECT function_id, result, decline, info FROM icope_step1_result"
	    " WHERE step1_id = ?",
	[S1_ALERT_ADD] =
	    "INSERT INTO icope_alert (patient_id, step1_id, territory_id, status,"
	    " created_at, updated_at, updated_by) VALUES (?, ?, ?, 'open',"
	    " FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)",
	[S1_ALERT_FN_ADD] =
	    "INSERT INTO icope_alert_function (alert_id, function_id)"
	    " SELECT ?, j.f FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	    " f BIGINT UNSIGNED PATH '$.f')) j",
	/* The file's due date follows its latest validated STEP 1 (the one
	 * being validated included): next_step1_due first, from the old
	 * last_step1_on.  Being the validation's first write, it also makes
	 * the STEP 1 writes of one file take turns (row lock). */
	[S1_PATIENT_DUE] =
	    "UPDATE patient SET next_step1_due = DATE_ADD(GREATEST("
	    "COALESCE(last_step1_on, ?), ?), INTERVAL ? MONTH),"
	    " last_step1_on = GREATEST(COALESCE(last_step1_on, ?), ?),"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ? WHERE id = ?",
	[S1_LIST] =
	    "SELECT s.id, s.status, DATE_FORMAT(s.performed_on, '%d/%m/%Y'), s.mode,"
	    " s.n_alert, s.completeness, CONCAT(u.first_name, ' ', u.last_name)"
	    " FROM icope_step1 s JOIN app_user u ON u.id = s.entered_by"
	    " WHERE s.patient_id = ? ORDER BY s.performed_on DESC, s.id DESC LIMIT 100",
	[S1_ALERT_OF] =
	    "SELECT id, status FROM icope_alert WHERE step1_id = ?",
	/* STEP 1 writes of one file take turns: two saves at once would
	 * otherwise both create a draft, or deadlock on its index. */
	[S1_LOCK] =
	    "SELECT id FROM patient WHERE id = ? FOR UPDATE",
	/* Once the file is locked, in one read: who may see it (its
	 * territory, the user in its care circle), the form's version, its
	 * draft (or NULL), the validated STEP 1 before the one being saved
	 * (dated ?, the draft's or a new one's id breaking ties), and that
	 * one's answers, a row each (item_id NULL when none); no row when
	 * the file does not exist. */
	[S1_STATE] =
	    "SELECT COALESCE(p.territory_id, 0), EXISTS (SELECT 1"
	    " FROM care_circle c WHERE c.patient_id = p.id AND c.user_id = ?),"
	    " (SELECT fv.version FROM icope_form_version fv WHERE fv.id = 1),"
	    " q.draft, v.id, a.item_id, a.value FROM patient p"
	    " JOIN (SELECT (SELECT MAX(x.id) FROM icope_step1 x"
	    "  WHERE x.patient_id = ? AND x.status = 'draft') AS draft) q"
	    " LEFT JOIN icope_step1 v ON v.id = (SELECT y.id FROM icope_step1 y"
	    "  WHERE y.patient_id = ? AND y.status = 'validated'"
	    "  AND (y.performed_on < ? OR (y.performed_on = ?"
	    "  AND y.id < COALESCE(q.draft, 18446744073709551615)))"
	    "  ORDER BY y.performed_on DESC, y.id DESC LIMIT 1)"
	    " LEFT JOIN icope_step1_answer a ON a.step1_id = v.id"
	    " WHERE p.id = ?",
};

/* ---- the form, from the tables ---- */

struct form_def {
	struct icope_function_def fns[ICOPE_FUNCTIONS_MAX];
	long long	 fn_id[ICOPE_FUNCTIONS_MAX];
	long long	*item_id[ICOPE_FUNCTIONS_MAX];
	size_t		 nfns;
};

static const char *const kinds[] = { "yesno", "passfail", "count", "seconds",
    "db", "score", "text", NULL };
static const char *const roles[] = { "required", "alternative", "optional",
    "info", NULL };
static const char *const cmps[] = { "never", "eq", "above", "below", NULL };
static const char *const rule_codes[] = { "none", "cognition", "mobility",
    "nutrition", "vision", "hearing", "mood", NULL };
static const char *const result_codes[ICOPE_RESULT__MAX + 1] = {
	[ICOPE_NOT_ASSESSED] = "not_assessed",
	[ICOPE_NORMAL] = "normal",
	[ICOPE_ALERT] = "alert",
	[ICOPE_NOT_SCORED] = "not_scored",
};
static const char *const modes[] = { "auto", "hetero_pro", "hetero_non_pro", NULL };

static int
index_of(const char *const *list, const char *s)
{
	int i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static const char *
mode_label(const char *m)
{
	if (m == NULL)
		return "";
	if (strcmp(m, "auto") == 0)
		return "Auto-évaluation";
	if (strcmp(m, "hetero_pro") == 0)
		return "Hétéro-évaluation par un professionnel";
	if (strcmp(m, "hetero_non_pro") == 0)
		return "Hétéro-évaluation par un non-professionnel";
	return m;
}

/* Loads the enabled blocks and items into a; returns 0, or -1 (a table
 * the rules refuse is logged: a region's edit gone wrong must not score). */
static int
form_load(struct req *r, struct arena *a, struct form_def *fd)
{
	struct db_result fr, ir;
	size_t i, f;

	memset(fd, 0, sizeof(*fd));
	if (db_query(r->app->db, a, Q(S1_FUNCTIONS), DB_NOPARAMS, &fr) != DB_OK ||
	    db_query(r->app->db, a, Q(S1_ITEMS), DB_NOPARAMS, &ir) != DB_OK)
		return -1;
	if (fr.nrows == 0 || fr.nrows > ICOPE_FUNCTIONS_MAX) {
		log_error("icope_function: %zu enabled blocks", fr.nrows);
		return -1;
	}
	fd->nfns = fr.nrows;
	for (f = 0; f < fr.nrows; f++) {
		struct icope_function_def *d = &fd->fns[f];
		struct icope_item_def *items;
		size_t n = 0;

		fd->fn_id[f] = db_cell_int(&fr, f, 0);
		d->code = db_cell(&fr, f, 1);
		d->label = db_cell(&fr, f, 2);
		d->rule = (enum icope_rule)index_of(rule_codes, db_cell(&fr, f, 3));
		items = arena_alloc(a, ICOPE_ITEMS_MAX * sizeof(*items));
		fd->item_id[f] = arena_alloc(a, ICOPE_ITEMS_MAX * sizeof(long long));
		for (i = 0; i < ir.nrows; i++) {
			struct icope_item_def *it;

			if (db_cell_int(&ir, i, 1) != fd->fn_id[f])
				continue;
			if (n == ICOPE_ITEMS_MAX) {
				log_error("icope_item: block %s has too many items", d->code);
				return -1;
			}
			it = &items[n];
			fd->item_id[f][n] = db_cell_int(&ir, i, 0);
			it->code = db_cell(&ir, i, 2);
			it->label = db_cell(&ir, i, 3);
			it->kind = (enum icope_item_kind)index_of(kinds, db_cell(&ir, i, 4));
			it->role = (enum icope_item_role)index_of(roles, db_cell(&ir, i, 5));
			it->min = db_cell_int(&ir, i, 6);
			it->max = db_cell_int(&ir, i, 7);
			it->cmp = (enum icope_cmp)index_of(cmps, db_cell(&ir, i, 8));
			it->threshold = db_cell_int(&ir, i, 9);
			it->decline_flag = (unsigned int)db_cell_int(&ir, i, 10);
			it->decline_delta = db_cell_int(&ir, i, 11);
			n++;
		}
		d->items = items;
		d->nitems = n;
	}
	if (icope_functions_check(fd->fns, fd->nfns) != 0) {
		log_error("icope_function/icope_item: the STEP 1 form table is "
		    "not sound (icope_functions_check)");
		return -1;
	}
	return 0;
}

/*
 * The form as this worker last read it, and the icope_form_version it was
 * read at (triggers move the version on any change to the two tables; the
 * file header query brings the current one): the tables are read again
 * only when it has moved.  Kept in an arena of its own for the worker's
 * life.
 */
static struct {
	struct arena	 arena;
	struct form_def	 fd;
	long long	 version;	/* 0: nothing kept */
} form_cache;

static void
form_cache_free(void)
{
	arena_free(&form_cache.arena);
	form_cache.version = 0;
}

/* Returns the form at version (the file header's form_version), from the
 * worker's copy when it is that version, else read again; NULL after a
 * failure.  The pointers stay valid until the next call. */
static const struct form_def *
form_get(struct req *r, long long version)
{
	static bool registered;
	struct arena a;
	struct form_def fd;

	if (version > 0 && form_cache.version == version)
		return &form_cache.fd;
	arena_init(&a, 16 * 1024);
	if (form_load(r, &a, &fd) != 0) {
		arena_free(&a);
		return NULL;
	}
	if (!registered) {
		/* Freed at exit, so that leak checkers see no leak. */
		atexit(form_cache_free);
		registered = true;
	}
	form_cache_free();
	form_cache.arena = a;
	form_cache.fd = fd;
	form_cache.version = version > 0 ? version : 0;
	return &form_cache.fd;
}

/* The code of item id in the form, or NULL when it is not in it. */
static const char *
form_item_code(const struct form_def *fd, long long id)
{
	size_t f, i;

	for (f = 0; f < fd->nfns; f++)
		for (i = 0; i < fd->fns[f].nitems; i++)
			if (fd->item_id[f][i] == id)
				return fd->fns[f].items[i].code;
	return NULL;
}

/* Answers of a STEP 1 as (code, value) pairs; returns the count or -1. */
static long
answers_load(struct req *r, long long step1, struct icope_answer **out)
{
	struct db_result res;
	struct icope_answer *a;
	size_t i;

	*out = NULL;
	if (db_query(r->app->db, &r->arena, Q(S1_ANSWERS), DB_PARAMS(
	    DBP_INT(step1)), &res) != DB_OK)
		return -1;
	if (res.nrows > ICOPE_ANSWERS_MAX)
		return -1;
	a = arena_alloc(&r->arena, (res.nrows + 1) * sizeof(*a));
	for (i = 0; i < res.nrows; i++) {
		a[i].code = db_cell(&res, i, 0);
		a[i].value = db_cell(&res, i, 1);
	}
	*out = a;
	return (long)res.nrows;
}

static const char *
answer_of(const struct icope_answer *a, long n, const char *code)
{
	long i;

	for (i = 0; i < n; i++)
		if (strcmp(a[i].code, code) == 0)
			return a[i].value;
	return NULL;
}

/* Hundredths as people write seconds: 1400 -> "14", 1350 -> "13,5". */
static const char *
seconds_str(struct req *r, long long cs)
{
	if (cs % 100 == 0)
		return arena_printf(&r->arena, "%lld", cs / 100);
	if (cs % 10 == 0)
		return arena_printf(&r->arena, "%lld,%lld", cs / 100, (cs % 100) / 10);
	return arena_printf(&r->arena, "%lld,%02lld", cs / 100, cs % 100);
}

static const char *
range_msg(struct req *r, const struct icope_item_def *d)
{
	switch (d->kind) {
	case ICOPE_KIND_YESNO:
	case ICOPE_KIND_PASSFAIL:
		return "Choisissez une des réponses proposées.";
	case ICOPE_KIND_SECONDS:
		return arena_printf(&r->arena, "Saisissez un temps en secondes entre "
		    "%s et %s (par exemple 12,5).", seconds_str(r, d->min),
		    seconds_str(r, d->max));
	case ICOPE_KIND_TEXT:
		return arena_printf(&r->arena, "Saisissez au plus %lld caractères "
		    "sur une ligne.", d->max);
	default:
		return arena_printf(&r->arena, "Saisissez un nombre entier entre "
		    "%lld et %lld.", d->min, d->max);
	}
}

/* How an answer reads on the result page. */
static const char *
answer_text(struct req *r, const struct icope_item_def *d, const char *v)
{
	long long x;

	if (v == NULL || *v == '\0')
		return "non renseigné";
	if (icope_item_parse(d, v, &x) != 0)
		return arena_printf(&r->arena, "%s (invalide)", v);
	switch (d->kind) {
	case ICOPE_KIND_YESNO:
		return x ? "oui" : "non";
	case ICOPE_KIND_PASSFAIL:
		return x ? "échoué" : "réussi";
	case ICOPE_KIND_SECONDS:
		return arena_printf(&r->arena, "%s s", seconds_str(r, x));
	case ICOPE_KIND_DB:
		return arena_printf(&r->arena, "%lld dB HL", x);
	default:
		return v;
	}
}

/* Fills ctx's "blocks" (the form) with values from the answers (a, n)
 * and the field errors from f (may be NULL). */
static void
form_ctx(struct req *r, struct tdict *ctx, const struct form_def *fd,
    const struct icope_answer *a, long n, struct icope_form *f)
{
	struct tlist *blocks = tdict_list(ctx, "blocks");
	size_t fi, ii;

	for (fi = 0; fi < fd->nfns; fi++) {
		const struct icope_function_def *fn = &fd->fns[fi];
		struct tdict *b = tlist_add(blocks);
		struct tlist *items = tdict_list(b, "items");
		bool alt = false;

		tdict_str(b, "code", fn->code);
		tdict_str(b, "label", fn->label);
		tdict_bool(b, "unscored", fn->rule == ICOPE_RULE_NONE);
		for (ii = 0; ii < fn->nitems; ii++) {
			const struct icope_item_def *d = &fn->items[ii];
			struct tdict *it = tlist_add(items);
			const char *name = arena_printf(&r->arena, "i_%s", d->code);
			const char *v = answer_of(a, n, d->code);
			const char *err = f != NULL ? tdict_get(f->e, name) : NULL;

			if (d->role == ICOPE_ROLE_ALTERNATIVE)
				alt = true;
			tdict_str(it, "name", name);
			tdict_str(it, "label", d->label);
			tdict_str(it, "value", v);
			tdict_str(it, "error", err);
			switch (d->kind) {
			case ICOPE_KIND_YESNO:
				tdict_bool(it, "yesno", true);
				tdict_bool(it, "is_1", v != NULL && strcmp(v, "1") == 0);
				tdict_bool(it, "is_0", v != NULL && strcmp(v, "0") == 0);
				tdict_bool(it, "is_none", v == NULL || *v == '\0');
				break;
			case ICOPE_KIND_PASSFAIL:
				tdict_bool(it, "passfail", true);
				tdict_bool(it, "is_1", v != NULL && strcmp(v, "1") == 0);
				tdict_bool(it, "is_0", v != NULL && strcmp(v, "0") == 0);
				tdict_bool(it, "is_none", v == NULL || *v == '\0');
				break;
			case ICOPE_KIND_TEXT:
				tdict_bool(it, "text", true);
				tdict_int(it, "maxlength", d->max);
				break;
			case ICOPE_KIND_SECONDS:
				tdict_bool(it, "number", true);
				tdict_str(it, "inputmode", "decimal");
				tdict_str(it, "hint", arena_printf(&r->arena,
				    "En secondes, de %s à %s", seconds_str(r, d->min),
				    seconds_str(r, d->max)));
				break;
			default:
				tdict_bool(it, "number", true);
				tdict_str(it, "inputmode", d->min < 0 ? "text" : "numeric");
				tdict_str(it, "hint", arena_printf(&r->arena,
				    "De %lld à %lld", d->min, d->max));
				break;
			}
			if (d->role == ICOPE_ROLE_OPTIONAL || d->role == ICOPE_ROLE_INFO)
				tdict_bool(it, "optional", true);
		}
		tdict_bool(b, "alternatives", alt);
	}
}

/* ---- the form page ---- */

static int
step1_page(struct req *r, int status, struct icope_patient *p,
    struct tdict *ctx, const struct form_def *fd, const struct icope_answer *a,
    long n, struct icope_form *f)
{
	if (icope_file_ctx(r, ctx, p, PANEL_EVALUATION) != 0)
		return -1;
	tdict_str(ctx, "title", "STEP 1 – repérage");
	tdict_str(ctx, "entered_by", arena_printf(&r->arena, "%s %s",
	    r->session->first_name, r->session->last_name));
	form_ctx(r, ctx, fd, a, n, f);
	return http_render(r, status, "icope/step1_form", ctx);
}

static void
mode_ctx(struct tdict *v, const char *mode)
{
	tdict_bool(v, "mode_auto", mode != NULL && strcmp(mode, "auto") == 0);
	tdict_bool(v, "mode_hetero_pro", mode != NULL && strcmp(mode, "hetero_pro") == 0);
	tdict_bool(v, "mode_hetero_non_pro", mode != NULL &&
	    strcmp(mode, "hetero_non_pro") == 0);
}

static int
step1_get(struct req *r)
{
	struct icope_patient p;
	const struct form_def *fd;
	struct db_result dr;
	struct icope_answer *a = NULL;
	struct tdict *ctx, *v;
	long n = 0;
	int rc;

	if ((rc = icope_patient_open(r, &p, "patient.read", "STEP 1 (saisie)")) != 0)
		return rc == 1 ? 0 : -1;
	if ((fd = form_get(r, p.form_version)) == NULL)
		return -1;
	ctx = http_ctx(r);
	v = tdict_dict(ctx, "v");
	switch (db_query_row(r->app->db, &r->arena, Q(S1_DRAFT), DB_PARAMS(
	    DBP_INT(p.id)), &dr)) {
	case DB_OK:
		if ((n = answers_load(r, db_cell_int(&dr, 0, 0), &a)) < 0)
			return -1;
		tdict_bool(ctx, "draft", true);
		tdict_str(v, "date", db_cell(&dr, 0, 1));
		tdict_str(v, "realise_par", db_cell(&dr, 0, 3));
		tdict_str(v, "commentaires", db_cell(&dr, 0, 4));
		mode_ctx(v, db_cell(&dr, 0, 2));
		break;
	case DB_NOT_FOUND:
		tdict_str(v, "date", icope_today(r));
		mode_ctx(v, "hetero_pro");
		break;
	default:
		return -1;
	}
	tdict_bool(ctx, "saved", http_query(r, "enregistre") != NULL);
	return step1_page(r, 200, &p, ctx, fd, a, n, NULL);
}

/* Stores the answers (cur, ids) of STEP 1 step1 in one statement: a JSON
 * array bound as one parameter.  Returns the db result. */
static enum db_rc
answers_insert(struct db *db, long long step1, const struct icope_answer *cur,
    const long long *ids, long n)
{
	struct buf j = BUF_INIT;
	enum db_rc rc;
	long i;

	if (n == 0)
		return DB_OK;
	buf_putc(&j, '[');
	for (i = 0; i < n; i++) {
		buf_printf(&j, "%s{\"i\": %lld, \"v\": \"", i ? ", " : "", ids[i]);
		buf_json(&j, cur[i].value);
		buf_puts(&j, "\"}");
	}
	buf_putc(&j, ']');
	rc = db_exec(db, Q(S1_ANSWER_ADD), DB_PARAMS(DBP_INT(step1),
	    DBP_STR(buf_str(&j))), NULL);
	buf_free(&j);
	return rc;
}

/* Stores the per-function results of STEP 1 step1 and, when a function is
 * positive, its alert and the alert's functions.  Returns the db result. */
static enum db_rc
results_insert(struct req *r, const struct icope_patient *p, long long step1,
    const struct form_def *fd, const struct icope_step1_result *res)
{
	struct db *db = r->app->db;
	struct buf j = BUF_INIT, fa = BUF_INIT;
	enum db_rc rc;
	size_t fi;

	buf_putc(&j, '[');
	buf_putc(&fa, '[');
	for (fi = 0; fi < fd->nfns; fi++) {
		buf_printf(&j, "%s{\"f\": %lld, \"r\": \"%s\", \"d\": %u, "
		    "\"n\": %d}", fi ? ", " : "", fd->fn_id[fi],
		    result_codes[res->fn[fi].result], res->fn[fi].decline,
		    res->fn[fi].info ? 1 : 0);
		if (res->fn[fi].result == ICOPE_ALERT)
			buf_printf(&fa, "%s{\"f\": %lld}", fa.len > 1 ? ", " : "",
			    fd->fn_id[fi]);
	}
	buf_putc(&j, ']');
	buf_putc(&fa, ']');
	rc = db_exec(db, Q(S1_RESULT_ADD), DB_PARAMS(DBP_INT(step1),
	    DBP_STR(buf_str(&j))), NULL);
	if (rc == DB_OK && res->any_alert) {
		rc = db_exec(db, Q(S1_ALERT_ADD), DB_PARAMS(DBP_INT(p->id),
		    DBP_INT(step1), DBP_ID(p->territory_id), DBP_INT(r->now),
		    DBP_INT(r->now), DBP_INT(r->session->user_id)), NULL);
		if (rc == DB_OK)
			rc = db_exec(db, Q(S1_ALERT_FN_ADD), DB_PARAMS(
			    DBP_INT((long long)db_insert_id(db)),
			    DBP_STR(buf_str(&fa))), NULL);
	}
	buf_free(&j);
	buf_free(&fa);
	return rc;
}

/* Reads the form's items into cur (values) and ids (their item ids, 0
 * for a refused value, whose error goes to f); returns how many. */
static long
items_read(struct req *r, struct icope_form *f, const struct form_def *fd,
    struct icope_answer *cur, long long *ids)
{
	size_t fi, ii;
	long n = 0;

	for (fi = 0; fi < fd->nfns; fi++) {
		for (ii = 0; ii < fd->fns[fi].nitems; ii++) {
			const struct icope_item_def *d = &fd->fns[fi].items[ii];
			const char *name = arena_printf(&r->arena, "i_%s", d->code);
			char *v = http_trim(r, http_form(r, name));
			long long x;

			/* Empty is "not answered"; anything else must parse. */
			if (*v == '\0')
				continue;
			cur[n].code = d->code;
			cur[n].value = v;	/* shown again when refused */
			if (icope_item_parse(d, v, &x) != 0) {
				icope_form_error(f, name, d->label, range_msg(r, d));
				ids[n++] = 0;
				continue;
			}
			if (d->kind == ICOPE_KIND_SECONDS)
				for (char *c = v; *c != '\0'; c++)
					if (*c == '.')
						*c = ',';
			ids[n++] = fd->item_id[fi][ii];
		}
	}
	return n;
}

/*
 * Saves the form as the file's draft, or validates it.  The hot path is a
 * validation: one transaction whose first statement writes the file's due
 * date (and so takes the file's lock, which orders the STEP 1 writes of a
 * file), then one read of who may see the file, the form's version, the
 * draft and the previous STEP 1 with its answers; a user who may not see
 * the file gets the rollback and the same 403 as everywhere
 * (icope_patient_open, which audits the attempt), and nothing was written.
 * Then the STEP 1 row, its answers, results, alert and alert functions,
 * and the audit row.  The form comes from the worker's copy (form_get).
 * A form with errors is answered 422 after the usual access check.
 */
static int
step1_post(struct req *r)
{
	struct db *db = r->app->db;
	long long uid = r->session->user_id, id = http_path_id(r, "id");
	struct icope_patient p;
	const struct form_def *fd = NULL;
	struct icope_form f;
	struct icope_answer *cur, *prev = NULL;
	struct icope_step1_result res;
	struct db_result st;
	struct tdict *ctx;
	const char *date, *mode, *performer, *comments, *action, *iso = NULL;
	long long step1 = 0, draft, prev_id, item_ids[ICOPE_ANSWERS_MAX];
	long ncur = 0, nprev = 0;
	bool validate;
	size_t i;
	int rc;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	action = http_form(r, "action");
	validate = action != NULL && strcmp(action, "valider") == 0;
	ctx = http_ctx(r);
	icope_form_init(&f, r, ctx);
	cur = arena_alloc(&r->arena, ICOPE_ANSWERS_MAX * sizeof(*cur));

	date = icope_field(&f, "date", "Date du STEP 1", true, valid_date, 2000, 2100);
	if (date != NULL) {
		iso = icope_date_iso(r, date);
		tdict_str(f.v, "date", iso);
		if (strcmp(iso, icope_today(r)) > 0) {
			icope_form_error(&f, "date", "Date du STEP 1",
			    "La date du STEP 1 ne peut pas être dans le futur.");
			iso = NULL;
		}
	}
	mode = icope_field(&f, "mode", "Mode de passation", true, NULL, 0, 0);
	if (mode != NULL && index_of(modes, mode) < 0) {
		icope_form_error(&f, "mode", "Mode de passation",
		    "Choisissez le mode de passation.");
		mode = NULL;
	}
	mode_ctx(f.v, mode);
	performer = icope_field(&f, "realise_par", "Réalisé par", false,
	    valid_text, 1, 200);
	comments = icope_field(&f, "commentaires", "Commentaires", false,
	    valid_multiline, 1, 4000);
	if (f.nerr > 0 || id == 0)
		goto refused;

	if (db_begin(db) != DB_OK)
		return -1;
	if (validate) {
		if (db_exec(db, Q(S1_PATIENT_DUE), DB_PARAMS(DBP_STR(iso),
		    DBP_STR(iso), DBP_INT(config_int("icope_step1_interval_months",
		    6, 1, 24)), DBP_STR(iso), DBP_STR(iso), DBP_INT(r->now),
		    DBP_INT(uid), DBP_INT(id)), NULL) != DB_OK)
			goto fail;
	} else {
		switch (db_query_row(db, &r->arena, Q(S1_LOCK), DB_PARAMS(
		    DBP_INT(id)), &st)) {
		case DB_OK:
		case DB_NOT_FOUND:
			break;
		default:
			goto fail;
		}
	}
	if (db_query(db, &r->arena, Q(S1_STATE), DB_PARAMS(DBP_INT(uid),
	    DBP_INT(id), DBP_INT(id), DBP_STR(iso), DBP_STR(iso), DBP_INT(id)),
	    &st) != DB_OK)
		goto fail;
	memset(&p, 0, sizeof(p));
	p.id = id;
	if (st.nrows > 0) {
		p.territory_id = db_cell_int(&st, 0, 0);
		p.in_circle = db_cell_int(&st, 0, 1) != 0;
		p.manager = p.territory_id != 0 && req_has_scoped_role(r,
		    "alert_manager", "territory", p.territory_id);
		p.form_version = db_cell_int(&st, 0, 2);
	}
	if (!p.in_circle && !p.manager) {
		/* Missing or not the user's: nothing stays written. */
		db_rollback(db);
		goto refused;
	}
	if ((fd = form_get(r, p.form_version)) == NULL)
		goto fail;
	ncur = items_read(r, &f, fd, cur, item_ids);
	/* A STEP 1 with nothing observed is no screening: it would count as
	 * done and put off the next one.  A draft may stay empty. */
	if (validate && ncur == 0)
		icope_form_error(&f, "reponses", "Fonctions", "Aucune réponse "
		    "n'est saisie : renseignez au moins un élément d'une "
		    "fonction avant de valider, ou enregistrez le brouillon.");
	if (f.nerr > 0) {
		db_rollback(db);
		goto refused;
	}
	draft = db_cell_int(&st, 0, 3);
	prev_id = db_cell_int(&st, 0, 4);

	if (!validate) {
		if (draft != 0) {
			step1 = draft;
			if (db_exec(db, Q(S1_UPDATE), DB_PARAMS(DBP_STR(iso),
			    DBP_STR(mode), DBP_STR(*performer ? performer : NULL),
			    DBP_STR(*comments ? comments : NULL), DBP_INT(uid),
			    DBP_INT(r->now), DBP_INT(uid), DBP_INT(step1),
			    DBP_INT(id)), NULL) != DB_OK ||
			    db_exec(db, Q(S1_ANSWERS_DEL), DB_PARAMS(DBP_INT(step1)),
			    NULL) != DB_OK)
				goto fail;
		} else {
			if (db_exec(db, Q(S1_INSERT), DB_PARAMS(DBP_INT(id),
			    DBP_STR(iso), DBP_STR(mode),
			    DBP_STR(*performer ? performer : NULL),
			    DBP_STR(*comments ? comments : NULL), DBP_INT(uid),
			    DBP_INT(r->now), DBP_INT(r->now), DBP_INT(uid)),
			    NULL) != DB_OK)
				goto fail;
			step1 = (long long)db_insert_id(db);
		}
		if (answers_insert(db, step1, cur, item_ids, ncur) != DB_OK ||
		    audit(r, "step1.draft", "step1", arena_printf(&r->arena,
		    "%lld", step1), id, AUDIT_OK, NULL) != DB_OK ||
		    db_commit(db) != DB_OK)
			goto fail;
		return http_redirect(r, arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1?enregistre=1", id));
	}

	/* Validation: score against the previous validated STEP 1 (its
	 * answers to the items of this form). */
	if (prev_id != 0) {
		prev = arena_alloc(&r->arena, (st.nrows + 1) * sizeof(*prev));
		for (i = 0; i < st.nrows && nprev < ICOPE_ANSWERS_MAX; i++) {
			const char *code = form_item_code(fd, db_cell_int(&st, i, 5));

			if (code == NULL || db_cell(&st, i, 6) == NULL)
				continue;
			prev[nprev].code = code;
			prev[nprev++].value = db_cell(&st, i, 6);
		}
	}
	if (icope_step1_eval(fd->fns, fd->nfns, cur, (size_t)ncur, prev,
	    (size_t)nprev, &res) != 0) {
		log_error("icope_step1_eval refused a STEP 1 of file %lld", id);
		goto fail;
	}
	if (draft != 0) {
		unsigned long long affected = 0;

		step1 = draft;
		if (db_exec(db, Q(S1_UPDATE_VALIDATED), DB_PARAMS(DBP_STR(iso),
		    DBP_STR(mode), DBP_STR(*performer ? performer : NULL),
		    DBP_STR(*comments ? comments : NULL), DBP_INT(uid),
		    DBP_INT(res.n_alert), DBP_INT(res.n_not_assessed),
		    DBP_INT(res.completeness), DBP_INT(r->now), DBP_INT(uid),
		    DBP_INT(r->now), DBP_INT(uid), DBP_INT(step1), DBP_INT(id)),
		    &affected) != DB_OK)
			goto fail;
		/* The file's lock keeps the draft a draft until the commit:
		 * should that ever fail, nothing is written over a STEP 1
		 * already validated. */
		if (affected != 1) {
			db_rollback(db);
			return http_error(r, 409, "Le dossier vient de changer : "
			    "enregistrez à nouveau le STEP 1.");
		}
		if (db_exec(db, Q(S1_ANSWERS_DEL), DB_PARAMS(DBP_INT(step1)),
		    NULL) != DB_OK)
			goto fail;
	} else {
		if (db_exec(db, Q(S1_INSERT_VALIDATED), DB_PARAMS(DBP_INT(id),
		    DBP_STR(iso), DBP_STR(mode),
		    DBP_STR(*performer ? performer : NULL),
		    DBP_STR(*comments ? comments : NULL), DBP_INT(uid),
		    DBP_INT(res.n_alert), DBP_INT(res.n_not_assessed),
		    DBP_INT(res.completeness), DBP_INT(r->now), DBP_INT(uid),
		    DBP_INT(r->now), DBP_INT(r->now), DBP_INT(uid)), NULL) != DB_OK)
			goto fail;
		step1 = (long long)db_insert_id(db);
	}
	if (answers_insert(db, step1, cur, item_ids, ncur) != DB_OK ||
	    results_insert(r, &p, step1, fd, &res) != DB_OK ||
	    audit(r, "step1.validate", "step1", arena_printf(&r->arena, "%lld",
	    step1), id, AUDIT_OK, arena_printf(&r->arena, "%u alerte(s), "
	    "complétude %u %%", res.n_alert, res.completeness)) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/icope/usagers/%lld/step1/%lld", id, step1));

refused:
	/* The file's usual check (403, audited, for a file the user may not
	 * see: before any word on the form), then the form with its errors. */
	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (f.nerr == 0) {
		/* Visible now, not a moment ago: the care circle moved. */
		return http_error(r, 409, "Le dossier vient de changer : "
		    "enregistrez à nouveau le STEP 1.");
	}
	if (fd == NULL) {
		if ((fd = form_get(r, p.form_version)) == NULL)
			return -1;
		ncur = items_read(r, &f, fd, cur, item_ids);
	}
	tdict_bool(ctx, "draft", http_form(r, "brouillon_id") != NULL);
	return step1_page(r, 422, &p, ctx, fd, cur, ncur, &f);
fail:
	db_rollback(db);
	return -1;
}

/* ---- the result page ---- */

/* The stored result of function fid in res, or NULL. */
static const char *
result_of(const struct db_result *res, long long fid, unsigned int *decline,
    bool *info)
{
	size_t i;

	for (i = 0; res != NULL && i < res->nrows; i++)
		if (db_cell_int(res, i, 0) == fid) {
			if (decline != NULL)
				*decline = (unsigned int)db_cell_int(res, i, 2);
			if (info != NULL)
				*info = db_cell_int(res, i, 3) != 0;
			return db_cell(res, i, 1);
		}
	return NULL;
}

static const char *
result_label(const char *code)
{
	int i = code != NULL ? index_of(result_codes, code) : -1;

	return i < 0 ? "–" : icope_result_label((enum icope_result)i);
}

static int
step1_result(struct req *r)
{
	struct icope_patient p;
	const struct form_def *fd;
	struct db_result s, cr, pr, prev, al;
	struct icope_answer *a;
	struct tdict *ctx;
	struct tlist *blocks;
	long long sid = http_path_id(r, "sid"), prev_id = 0;
	long n;
	size_t fi, ii;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	switch (db_query_row(r->app->db, &r->arena, Q(S1_GET), DB_PARAMS(
	    DBP_INT(sid), DBP_INT(p.id)), &s)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ce STEP 1 n'existe pas dans ce dossier.");
	default:
		return -1;
	}
	if (strcmp(db_cell(&s, 0, 1), "draft") == 0)
		return http_redirect(r, arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1", p.id));
	if (audit(r, "step1.read", "step1", arena_printf(&r->arena, "%lld", sid),
	    p.id, AUDIT_OK, NULL) != DB_OK)
		return -1;
	if ((fd = form_get(r, p.form_version)) == NULL ||
	    db_query(r->app->db, &r->arena, Q(S1_RESULTS), DB_PARAMS(DBP_INT(sid)),
	    &cr) != DB_OK || (n = answers_load(r, sid, &a)) < 0)
		return -1;
	switch (db_query_row(r->app->db, &r->arena, Q(S1_PREV), DB_PARAMS(
	    DBP_INT(p.id), DBP_INT(sid), DBP_STR(db_cell(&s, 0, 11)),
	    DBP_STR(db_cell(&s, 0, 11)), DBP_INT(sid)), &prev)) {
	case DB_OK:
		prev_id = db_cell_int(&prev, 0, 0);
		if (db_query(r->app->db, &r->arena, Q(S1_RESULTS), DB_PARAMS(
		    DBP_INT(prev_id)), &pr) != DB_OK)
			return -1;
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_EVALUATION) != 0)
		return -1;
	tdict_str(ctx, "title", "Résultat du STEP 1");
	tdict_int(ctx, "step1_id", sid);
	tdict_str(ctx, "date", db_cell(&s, 0, 2));
	tdict_str(ctx, "mode", mode_label(db_cell(&s, 0, 3)));
	tdict_str(ctx, "performer", db_cell(&s, 0, 4));
	tdict_str(ctx, "comments", db_cell(&s, 0, 5));
	tdict_str(ctx, "entered_by", db_cell(&s, 0, 6));
	tdict_str(ctx, "validated_at", http_date_fr(r, db_cell_int(&s, 0, 7), true));
	tdict_int(ctx, "n_alert", db_cell_int(&s, 0, 8));
	tdict_int(ctx, "n_not_assessed", db_cell_int(&s, 0, 9));
	tdict_int(ctx, "completeness", db_cell_int(&s, 0, 10));
	if (prev_id != 0) {
		tdict_str(ctx, "prev_date", db_cell(&prev, 0, 1));
		tdict_str(ctx, "prev_url", arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1/%lld", p.id, prev_id));
	}
	switch (db_query_row(r->app->db, &r->arena, Q(S1_ALERT_OF), DB_PARAMS(
	    DBP_INT(sid)), &al)) {
	case DB_OK:
		tdict_bool(ctx, "alert_raised", true);
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	blocks = tdict_list(ctx, "results");
	for (fi = 0; fi < fd->nfns; fi++) {
		const struct icope_function_def *fn = &fd->fns[fi];
		struct tdict *b = tlist_add(blocks);
		struct tlist *dl, *items;
		unsigned int decline = 0, bit;
		bool info = false;
		const char *cur = result_of(&cr, fd->fn_id[fi], &decline, &info);
		const char *old = prev_id ? result_of(&pr, fd->fn_id[fi], NULL, NULL) : NULL;

		tdict_str(b, "label", fn->label);
		tdict_str(b, "result", result_label(cur));
		tdict_bool(b, "alert", cur != NULL && strcmp(cur, "alert") == 0);
		tdict_bool(b, "normal", cur != NULL && strcmp(cur, "normal") == 0);
		tdict_bool(b, "not_assessed", cur == NULL || strcmp(cur, "not_assessed") == 0);
		tdict_str(b, "prev_result", prev_id ? result_label(old) : NULL);
		tdict_bool(b, "info", info);
		dl = tdict_list(b, "declines");
		for (bit = 1; bit <= ICOPE_DECLINE__ALL; bit <<= 1)
			if ((decline & bit) && icope_decline_label(bit) != NULL)
				tlist_add_str(dl, icope_decline_label(bit));
		tdict_bool(b, "has_declines", decline != 0);
		items = tdict_list(b, "answers");
		for (ii = 0; ii < fn->nitems; ii++) {
			struct tdict *it = tlist_add(items);

			tdict_str(it, "label", fn->items[ii].label);
			tdict_str(it, "value", answer_text(r, &fn->items[ii],
			    answer_of(a, n, fn->items[ii].code)));
		}
	}
	return http_render(r, 200, "icope/step1_result", ctx);
}

/* ---- the Evaluation panel ---- */

static int
evaluation_panel(struct req *r)
{
	struct icope_patient p;
	struct db_result res;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;
	int rc;

	if ((rc = icope_patient_open(r, &p, "patient.read", "évaluation")) != 0)
		return rc == 1 ? 0 : -1;
	if (db_query(r->app->db, &r->arena, Q(S1_LIST), DB_PARAMS(DBP_INT(p.id)),
	    &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_EVALUATION) != 0)
		return -1;
	tdict_str(ctx, "title", "ICOPE – Évaluation");
	l = tdict_list(ctx, "step1s");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);
		bool draft = strcmp(db_cell(&res, i, 1), "draft") == 0;

		if (draft)
			tdict_bool(ctx, "has_draft", true);
		tdict_bool(d, "draft", draft);
		tdict_str(d, "url", draft ? arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1", p.id) : arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1/%s", p.id, db_cell(&res, i, 0)));
		tdict_str(d, "date", db_cell(&res, i, 2));
		tdict_str(d, "mode", mode_label(db_cell(&res, i, 3)));
		tdict_str(d, "n_alert", db_cell(&res, i, 4));
		tdict_str(d, "completeness", db_cell(&res, i, 5));
		tdict_str(d, "entered_by", db_cell(&res, i, 6));
	}
	tdict_bool(ctx, "empty", res.nrows == 0);
	return http_render(r, 200, "icope/panel_evaluation", ctx);
}

static const struct route step1_routes[] = {
	{ "GET",  "/icope/usagers/{id}/evaluation", evaluation_panel, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/step1",	    step1_get,	      ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/step1",	    step1_post,	      ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/step1/{sid}", step1_result,    ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_step1_area = {
	"step1", step1_routes, sizeof(step1_routes) / sizeof(step1_routes[0]),
	step1_sql, S1__MAX,
};
