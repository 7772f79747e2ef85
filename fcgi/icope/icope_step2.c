/*
 * STEP 2: the in-depth assessment of each function of a confirmed alert.
 * For each, the professional picks an instrument of that function (MMSE or
 * MoCA, SPPB, MNA-SF, acuity, audiometry, PHQ-9 or GDS-15: the
 * icope_instrument table) and enters the score; the interpretation comes
 * from the instrument's bands (icope_band) through icope_step2_interpret.
 * Closing the STEP 2, once every function is scored, closes the alert.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "http.h"
#include "icope.h"
#include "icope_rules.h"
#include "log.h"
#include "valid.h"

enum {
	S2_GET,
	S2_FUNCTIONS,
	S2_INSTRUMENTS,
	S2_BANDS,
	S2_RESULTS,
	S2_RESULT_SET,
	S2_RESULT_DEL,
	S2_UPDATE,
	S2_CLOSE,
	S2_ALERT_CLOSE,
	S2_LOCK,
	S2__MAX
};
#define Q(i)	DB_STMT(IA_STEP2, (i))

static const char *const step2_sql[S2__MAX] = {
	[S2_GET] =
	    "SELECT s.id, s.alert_id, s.status, CONCAT(u.first_name, ' ', u.last_name),"
	    " UNIX_TIMESTAMP(s.requested_at), DATE_FORMAT(s.performed_on, '%Y-%m-%d'),"
	    " s.comments, COALESCE(UNIX_TIMESTAMP(s.closed_at), 0),"
	    " DATE_FORMAT(st.performed_on, '%d/%m/%Y'), a.step1_id,"
	    " DATE_FORMAT(s.performed_on, '%d/%m/%Y')"
	    " FROM icope_step2 s JOIN app_user u ON u.id = s.assigned_to"
	    " JOIN icope_alert a ON a.id = s.alert_id"
	    " JOIN icope_step1 st ON st.id = a.step1_id"
	    " WHERE s.id = ? AND s.patient_id = ?",
	[S2_FUNCTIONS] =
	    "SELECT f.id, f.code, f.label, f.rule FROM icope_alert_function af"
	    " JOIN icope_function f ON f.id = af.function_id WHERE af.alert_id = ?"
	    " ORDER BY f.position, f.id",
	[S2_INSTRUMENTS] =
	    "SELECT id, code, label, unit, rule, loinc, min_score, max_score"
	    " FROM icope_instrument WHERE enabled ORDER BY position, id",
	[S2_BANDS] =
	    "SELECT b.instrument_id, b.min_score, b.max_score, b.level, b.label"
	    " FROM icope_band b JOIN icope_instrument i ON i.id = b.instrument_id"
	    " WHERE i.enabled ORDER BY b.instrument_id, b.min_score",
	[S2_RESULTS] =
	    "SELECT function_id, instrument_id, score, level, interpretation"
	    " FROM icope_step2_result WHERE step2_id = ?",
	[S2_RESULT_SET] =
	    "INSERT INTO icope_step2_result (step2_id, function_id, instrument_id,"
	    " score, level, interpretation, entered_at, entered_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), ?)"
	    " ON DUPLICATE KEY UPDATE instrument_id = VALUES(instrument_id),"
	    " score = VALUES(score), level = VALUES(level),"
	    " interpretation = VALUES(interpretation),"
	    " entered_at = VALUES(entered_at), entered_by = VALUES(entered_by)",
	[S2_RESULT_DEL] =
	    "DELETE FROM icope_step2_result WHERE step2_id = ? AND function_id = ?",
	[S2_UPDATE] =
	    "UPDATE icope_step2 SET performed_on = ?, comments = ?,"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status = 'requested'",
	[S2_CLOSE] =
	    "UPDATE icope_step2 SET status = 'closed', closed_at = FROM_UNIXTIME(?),"
	    " closed_by = ? WHERE id = ? AND status = 'requested'",
	[S2_ALERT_CLOSE] =
	    "UPDATE icope_alert SET status = 'closed', closed_at = FROM_UNIXTIME(?),"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status = 'confirmed'",
	/* Every write of a STEP 2 starts here: its status as it is now,
	 * held until the commit, so that a save and a close take turns and
	 * nothing is written once it is closed. */
	[S2_LOCK] =
	    "SELECT status FROM icope_step2 WHERE id = ? FOR UPDATE",
};

#define INSTRUMENTS_MAX	64

static const char *const rule_codes[] = { "none", "cognition", "mobility",
    "nutrition", "vision", "hearing", "mood", NULL };
static const char *const level_codes[] = { "normal", "risk", "abnormal", NULL };

static int
index_of(const char *const *list, const char *s)
{
	int i;

	for (i = 0; s != NULL && list[i] != NULL; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

struct instruments {
	struct icope_instrument	 ins[INSTRUMENTS_MAX];
	long long		 id[INSTRUMENTS_MAX];
	size_t			 n;
};

/* Loads the enabled instruments and their bands; returns 0 or -1 (a table
 * the rules refuse is logged). */
static int
instruments_load(struct req *r, struct instruments *is)
{
	struct db_result ir, br;
	size_t i, j;

	memset(is, 0, sizeof(*is));
	if (db_query(r->app->db, &r->arena, Q(S2_INSTRUMENTS), DB_NOPARAMS, &ir) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(S2_BANDS), DB_NOPARAMS, &br) != DB_OK)
		return -1;
	if (ir.nrows > INSTRUMENTS_MAX)
		return -1;
	for (i = 0; i < ir.nrows; i++) {
		struct icope_instrument *in = &is->ins[i];
		struct icope_band *bands;
		size_t nb = 0;

		is->id[i] = db_cell_int(&ir, i, 0);
		in->code = db_cell(&ir, i, 1);
		in->label = db_cell(&ir, i, 2);
		in->unit = db_cell(&ir, i, 3);
		in->rule = (enum icope_rule)index_of(rule_codes, db_cell(&ir, i, 4));
		in->loinc = db_cell(&ir, i, 5);
		in->min = db_cell_int(&ir, i, 6);
		in->max = db_cell_int(&ir, i, 7);
		bands = arena_alloc(&r->arena, ICOPE_BANDS_MAX * sizeof(*bands));
		for (j = 0; j < br.nrows; j++) {
			if (db_cell_int(&br, j, 0) != is->id[i])
				continue;
			if (nb == ICOPE_BANDS_MAX)
				return -1;
			bands[nb].min = db_cell_int(&br, j, 1);
			bands[nb].max = db_cell_int(&br, j, 2);
			bands[nb].level = (enum icope_band_level)index_of(level_codes,
			    db_cell(&br, j, 3));
			bands[nb].label = db_cell(&br, j, 4);
			nb++;
		}
		in->bands = bands;
		in->nbands = nb;
	}
	is->n = ir.nrows;
	if (is->n > 0 && icope_instruments_check(is->ins, is->n) != 0) {
		log_error("icope_instrument/icope_band: the STEP 2 tables are not "
		    "sound (icope_instruments_check)");
		return -1;
	}
	return 0;
}

struct step2 {
	struct icope_patient	 p;
	struct db_result	 s;	/* S2_GET */
	struct db_result	 fns;	/* S2_FUNCTIONS */
	struct db_result	 res;	/* S2_RESULTS */
	struct instruments	 is;
	long long		 id;
	bool			 closed;
};

/* Opens STEP 2 {sid} of file {id}: 0, 1 when answered, -1. */
static int
step2_open(struct req *r, struct step2 *st, const char *read_detail)
{
	int rc;

	if ((rc = icope_patient_open(r, &st->p, NULL, NULL)) != 0)
		return rc;
	st->id = http_path_id(r, "sid");
	switch (db_query_row(r->app->db, &r->arena, Q(S2_GET), DB_PARAMS(
	    DBP_INT(st->id), DBP_INT(st->p.id)), &st->s)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		http_error(r, 404, "Ce STEP 2 n'existe pas dans ce dossier.");
		return 1;
	default:
		return -1;
	}
	st->closed = strcmp(db_cell(&st->s, 0, 2), "closed") == 0;
	if (read_detail != NULL && audit(r, "step2.read", "step2",
	    arena_printf(&r->arena, "%lld", st->id), st->p.id, AUDIT_OK,
	    read_detail) != DB_OK)
		return -1;
	if (db_query(r->app->db, &r->arena, Q(S2_FUNCTIONS), DB_PARAMS(
	    DBP_INT(db_cell_int(&st->s, 0, 1))), &st->fns) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(S2_RESULTS), DB_PARAMS(
	    DBP_INT(st->id)), &st->res) != DB_OK ||
	    instruments_load(r, &st->is) != 0)
		return -1;
	return 0;
}

/* Row of S2_RESULTS for function fid, or -1. */
static long
result_row(const struct db_result *res, long long fid)
{
	size_t i;

	for (i = 0; i < res->nrows; i++)
		if (db_cell_int(res, i, 0) == fid)
			return (long)i;
	return -1;
}

static const struct icope_instrument *
instrument_by_id(const struct instruments *is, long long id, size_t *k)
{
	size_t i;

	for (i = 0; i < is->n; i++)
		if (is->id[i] == id) {
			if (k != NULL)
				*k = i;
			return &is->ins[i];
		}
	return NULL;
}

static int
step2_page(struct req *r, int status, struct step2 *st, struct tdict *ctx,
    struct icope_form *f)
{
	struct tlist *l;
	size_t i, k;

	if (ctx == NULL)
		ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &st->p, PANEL_ALERTS) != 0)
		return -1;
	tdict_str(ctx, "title", "STEP 2 – évaluation approfondie");
	tdict_int(ctx, "step2_id", st->id);
	tdict_bool(ctx, "closed", st->closed);
	tdict_str(ctx, "assigned_to", db_cell(&st->s, 0, 3));
	tdict_str(ctx, "requested_at", http_date_fr(r, db_cell_int(&st->s, 0, 4), false));
	tdict_str(ctx, "closed_at", st->closed ?
	    http_date_fr(r, db_cell_int(&st->s, 0, 7), true) : NULL);
	tdict_str(ctx, "step1_date", db_cell(&st->s, 0, 8));
	tdict_str(ctx, "step1_url", arena_printf(&r->arena,
	    "/icope/usagers/%lld/step1/%s", st->p.id, db_cell(&st->s, 0, 9)));
	tdict_str(ctx, "performed_on", db_cell(&st->s, 0, 10));
	tdict_bool(ctx, "saved", http_query(r, "enregistre") != NULL);
	if (f == NULL) {
		struct tdict *v = tdict_dict(ctx, "v");

		tdict_str(v, "date", db_cell(&st->s, 0, 5) ? db_cell(&st->s, 0, 5) :
		    icope_today(r));
		tdict_str(v, "commentaires", db_cell(&st->s, 0, 6));
		tdict_str(ctx, "comments", db_cell(&st->s, 0, 6));
	}
	l = tdict_list(ctx, "functions");
	for (i = 0; i < st->fns.nrows; i++) {
		struct tdict *d = tlist_add(l);
		struct tlist *il;
		long long fid = db_cell_int(&st->fns, i, 0);
		const char *code = db_cell(&st->fns, i, 1);
		int rule = index_of(rule_codes, db_cell(&st->fns, i, 3));
		long row = result_row(&st->res, fid);
		const char *iname = arena_printf(&r->arena, "instrument_%s", code);
		const char *sname = arena_printf(&r->arena, "score_%s", code);
		const char *sel_ins = NULL, *score = NULL;

		if (f != NULL) {
			sel_ins = tdict_get(f->v, iname);
			score = tdict_get(f->v, sname);
			tdict_str(d, "instrument_error", tdict_get(f->e, iname));
			tdict_str(d, "score_error", tdict_get(f->e, sname));
		} else if (row >= 0) {
			const struct icope_instrument *in = instrument_by_id(&st->is,
			    db_cell_int(&st->res, row, 1), NULL);

			sel_ins = in != NULL ? in->code : NULL;
			score = db_cell(&st->res, row, 2);
		}
		tdict_str(d, "label", db_cell(&st->fns, i, 2));
		tdict_str(d, "instrument_name", iname);
		tdict_str(d, "score_name", sname);
		tdict_str(d, "score", score);
		if (row >= 0) {
			const struct icope_instrument *in = instrument_by_id(&st->is,
			    db_cell_int(&st->res, row, 1), NULL);

			tdict_str(d, "result_instrument", in ? in->label : "");
			tdict_str(d, "result_unit", in ? in->unit : "");
			tdict_str(d, "result_score", db_cell(&st->res, row, 2));
			tdict_str(d, "result_interpretation", db_cell(&st->res, row, 4));
			tdict_bool(d, "result_abnormal",
			    strcmp(db_cell(&st->res, row, 3), "normal") != 0);
			tdict_bool(d, "has_result", true);
		}
		il = tdict_list(d, "instruments");
		for (k = 0; k < st->is.n; k++) {
			struct tdict *o;

			if ((int)st->is.ins[k].rule != rule)
				continue;
			o = tlist_add(il);
			tdict_str(o, "code", st->is.ins[k].code);
			tdict_strf(o, "label", "%s (%lld à %lld %s)", st->is.ins[k].label,
			    st->is.ins[k].min, st->is.ins[k].max, st->is.ins[k].unit);
			tdict_bool(o, "selected", sel_ins != NULL &&
			    strcmp(sel_ins, st->is.ins[k].code) == 0);
		}
	}
	return http_render(r, status, "icope/step2", ctx);
}

static int
step2_get(struct req *r)
{
	struct step2 *st = arena_alloc(&r->arena, sizeof(*st));
	int rc;

	if ((rc = step2_open(r, st, "consultation")) != 0)
		return rc == 1 ? 0 : -1;
	return step2_page(r, 200, st, NULL, NULL);
}

struct score_in {
	long long	 fid;
	long long	 ins_id;
	const struct icope_instrument *ins;
	const struct icope_band *band;
	long long	 score;
	bool		 set;		/* instrument and score given */
};

static int
step2_post(struct req *r)
{
	struct db *db = r->app->db;
	struct step2 *st = arena_alloc(&r->arena, sizeof(*st));
	struct icope_form f;
	struct tdict *ctx;
	struct score_in *in;
	const char *action = http_form(r, "action"), *date, *comments, *iso = NULL;
	bool close = action != NULL && strcmp(action, "cloturer") == 0;
	unsigned long long affected = 0;
	struct db_result lk;
	size_t i, k, nset = 0;
	int rc, answer;

	if ((rc = step2_open(r, st, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (st->closed)
		return http_error(r, 409, "Ce STEP 2 est clôturé : il ne peut plus "
		    "être modifié.");
	ctx = http_ctx(r);
	icope_form_init(&f, r, ctx);
	date = icope_field(&f, "date", "Date du STEP 2", close, valid_date, 2000, 2100);
	if (date != NULL && *date != '\0') {
		iso = icope_date_iso(r, date);
		tdict_str(f.v, "date", iso);
		if (strcmp(iso, icope_today(r)) > 0) {
			icope_form_error(&f, "date", "Date du STEP 2",
			    "La date ne peut pas être dans le futur.");
			iso = NULL;
		}
	}
	comments = icope_field(&f, "commentaires", "Commentaires", false,
	    valid_multiline, 1, 4000);
	in = arena_alloc(&r->arena, (st->fns.nrows + 1) * sizeof(*in));
	for (i = 0; i < st->fns.nrows; i++) {
		const char *code = db_cell(&st->fns, i, 1), *label = db_cell(&st->fns, i, 2);
		const char *iname = arena_printf(&r->arena, "instrument_%s", code);
		const char *sname = arena_printf(&r->arena, "score_%s", code);
		const char *icode = icope_field(&f, iname, label, false, NULL, 0, 0);
		const char *score = icope_field(&f, sname, arena_printf(&r->arena,
		    "%s : score", label), false, NULL, 0, 0);
		int rule = index_of(rule_codes, db_cell(&st->fns, i, 3));

		in[i].fid = db_cell_int(&st->fns, i, 0);
		if (*icode == '\0' && *score == '\0') {
			if (close)
				icope_form_error(&f, iname, label, "Choisissez "
				    "l'instrument et saisissez le score avant de "
				    "clôturer.");
			continue;
		}
		for (k = 0; k < st->is.n; k++)
			if (strcmp(st->is.ins[k].code, icode) == 0 &&
			    (int)st->is.ins[k].rule == rule)
				break;
		if (k == st->is.n) {
			icope_form_error(&f, iname, label, "Choisissez un instrument "
			    "de cette fonction.");
			continue;
		}
		in[i].ins = &st->is.ins[k];
		in[i].ins_id = st->is.id[k];
		if (icope_step2_parse(in[i].ins, score, &in[i].score) != 0 ||
		    icope_step2_interpret(in[i].ins, in[i].score, &in[i].band) != 0) {
			icope_form_error(&f, sname, arena_printf(&r->arena,
			    "%s : score", label), arena_printf(&r->arena,
			    "Saisissez un score entier entre %lld et %lld.",
			    in[i].ins->min, in[i].ins->max));
			continue;
		}
		in[i].set = true;
		nset++;
	}
	if (f.nerr > 0)
		return step2_page(r, 422, st, ctx, &f);

	if (!http_begin_locked(r, Q(S2_LOCK), st->id, &lk,
	    "Ce STEP 2 n'existe pas dans ce dossier.", &answer))
		return answer;
	if (strcmp(db_cell(&lk, 0, 0), "requested") != 0) {
		/* Closed since the page was read: its results stay those it
		 * was closed with. */
		db_rollback(db);
		return http_error(r, 409, "Ce STEP 2 vient d'être clôturé : il ne "
		    "peut plus être modifié.");
	}
	if (db_exec(db, Q(S2_UPDATE), DB_PARAMS(DBP_STR(iso),
	    DBP_STR(*comments ? comments : NULL), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_INT(st->id)), NULL) != DB_OK)
		goto fail;
	for (i = 0; i < st->fns.nrows; i++) {
		if (!in[i].set) {
			if (db_exec(db, Q(S2_RESULT_DEL), DB_PARAMS(DBP_INT(st->id),
			    DBP_INT(in[i].fid)), NULL) != DB_OK)
				goto fail;
			continue;
		}
		if (db_exec(db, Q(S2_RESULT_SET), DB_PARAMS(DBP_INT(st->id),
		    DBP_INT(in[i].fid), DBP_INT(in[i].ins_id), DBP_INT(in[i].score),
		    DBP_STR(level_codes[in[i].band->level]),
		    DBP_STR(in[i].band->label), DBP_INT(r->now),
		    DBP_INT(r->session->user_id)), NULL) != DB_OK)
			goto fail;
	}
	if (close) {
		if (db_exec(db, Q(S2_CLOSE), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(st->id)), &affected) != DB_OK)
			goto fail;
		if (affected != 1) {
			db_rollback(db);
			return http_error(r, 409, "Ce STEP 2 vient d'être clôturé.");
		}
		if (db_exec(db, Q(S2_ALERT_CLOSE), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(r->now), DBP_INT(r->session->user_id),
		    DBP_INT(db_cell_int(&st->s, 0, 1))), NULL) != DB_OK)
			goto fail;
	}
	if (audit(r, close ? "step2.close" : "step2.save", "step2",
	    arena_printf(&r->arena, "%lld", st->id), st->p.id, AUDIT_OK,
	    arena_printf(&r->arena, "%zu fonction(s) évaluée(s)", nset)) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/icope/usagers/%lld/step2/%lld?enregistre=1", st->p.id, st->id));
fail:
	db_rollback(db);
	return -1;
}

static const struct route step2_routes[] = {
	{ "GET",  "/icope/usagers/{id}/step2/{sid}", step2_get,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/step2/{sid}", step2_post, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_step2_area = {
	"step2", step2_routes, sizeof(step2_routes) / sizeof(step2_routes[0]),
	step2_sql, S2__MAX,
};
