/*
 * Alerts: the alert manager's queue (open alerts of their territories,
 * oldest first), one alert with its calls, recording a call (confirmed,
 * ruled out, unreachable); a confirmed alert becomes a STEP 2 request
 * assigned to a professional of the care circle.  Also the file's
 * "Alertes et STEP 2" panel and the follow-up list (next STEP 1 due).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "icope.h"
#include "log.h"
#include "valid.h"

enum {
	AL_QUEUE,
	AL_CONFIRMED,
	AL_GET,
	AL_CALLS,
	AL_CIRCLE_PROS,
	AL_CIRCLE_PRO_CHECK,
	AL_CALL_ADD,
	AL_SET_UNREACHABLE,
	AL_SET_RULED_OUT,
	AL_SET_CONFIRMED,
	AL_STEP2_ADD,
	AL_PATIENT_ALERTS,
	AL_MANAGERS,
	AL_FOLLOWUP_MINE,
	AL_FOLLOWUP_TERRITORY,
	AL_TERRITORY_NAME,
	AL_LOCK_PATIENT,
	AL_LOCK,
	AL__MAX
};
#define Q(i)	DB_STMT(IA_ALERT, (i))

#define PAGE_SIZE	50

#define ALERT_FUNCTIONS \
	"(SELECT GROUP_CONCAT(f.label ORDER BY f.position SEPARATOR ', ')" \
	" FROM icope_alert_function af JOIN icope_function f ON f.id = af.function_id" \
	" WHERE af.alert_id = a.id)"
/* Statements that list an alert's functions (ALERT_FUNCTIONS): with the
 * server's default group_concat_max_len the list is a BLOB, and every
 * sort of these rows went through a temporary table on disk; up to 512
 * bytes it is a VARCHAR sorted in memory (the six functions' labels take
 * about 100). */
#define SHORT_LISTS	"SET STATEMENT group_concat_max_len = 512 FOR "
#define QUEUE_SLOT \
	"(SELECT id FROM icope_alert WHERE territory_id = ? AND pending = 1" \
	" ORDER BY created_at, id LIMIT ?)"
#define MANAGED_TERRITORIES \
	"(SELECT ur.scope_id FROM user_role ur WHERE ur.user_id = ?" \
	" AND ur.role = 'alert_manager' AND ur.scope_type = 'territory')"

static const char *const alert_sql[AL__MAX] = {
	/* Each territory's pending alerts in order on alert_pending, cut at
	 * offset + page, then merged (ICOPE_TERRITORY_SLOTS, 0 unused). */
	[AL_QUEUE] =
	    SHORT_LISTS "SELECT a.id, a.patient_id, p.birth_name, p.used_name, p.first_names,"
	    " TIMESTAMPDIFF(YEAR, p.birth_date, ?), UNIX_TIMESTAMP(a.created_at),"
	    " a.status, a.n_calls, DATE_FORMAT(s.performed_on, '%d/%m/%Y'),"
	    " CONCAT(u.first_name, ' ', u.last_name), t.name, " ALERT_FUNCTIONS
	    " FROM (" QUEUE_SLOT " UNION ALL " QUEUE_SLOT " UNION ALL " QUEUE_SLOT
	    " UNION ALL " QUEUE_SLOT ") q JOIN icope_alert a ON a.id = q.id"
	    " JOIN patient p ON p.id = a.patient_id"
	    " JOIN icope_step1 s ON s.id = a.step1_id"
	    " JOIN app_user u ON u.id = s.entered_by"
	    " LEFT JOIN territory t ON t.id = a.territory_id"
	    " ORDER BY a.created_at, a.id LIMIT ? OFFSET ?",
	[AL_CONFIRMED] =
	    SHORT_LISTS "SELECT a.id, a.patient_id, p.birth_name, p.used_name, p.first_names,"
	    " UNIX_TIMESTAMP(a.confirmed_at), CONCAT(au.first_name, ' ', au.last_name),"
	    " s2.id, " ALERT_FUNCTIONS
	    " FROM icope_alert a JOIN patient p ON p.id = a.patient_id"
	    " JOIN icope_step2 s2 ON s2.alert_id = a.id"
	    " JOIN app_user au ON au.id = s2.assigned_to"
	    " WHERE a.status = 'confirmed' AND a.territory_id IN " MANAGED_TERRITORIES
	    " ORDER BY a.confirmed_at, a.id LIMIT 100",
	[AL_GET] =
	    SHORT_LISTS "SELECT a.id, a.patient_id, COALESCE(a.territory_id, 0), a.status,"
	    " UNIX_TIMESTAMP(a.created_at), a.n_calls, a.step1_id,"
	    " DATE_FORMAT(s.performed_on, '%d/%m/%Y'),"
	    " CONCAT(u.first_name, ' ', u.last_name), s.mode, " ALERT_FUNCTIONS ","
	    " COALESCE(UNIX_TIMESTAMP(a.confirmed_at), 0),"
	    " COALESCE(UNIX_TIMESTAMP(a.ruled_out_at), 0),"
	    " COALESCE(UNIX_TIMESTAMP(a.closed_at), 0), s2.id, s2.status,"
	    " CONCAT(au.first_name, ' ', au.last_name)"
	    " FROM icope_alert a JOIN icope_step1 s ON s.id = a.step1_id"
	    " JOIN app_user u ON u.id = s.entered_by"
	    " LEFT JOIN icope_step2 s2 ON s2.alert_id = a.id"
	    " LEFT JOIN app_user au ON au.id = s2.assigned_to WHERE a.id = ?",
	[AL_CALLS] =
	    "SELECT UNIX_TIMESTAMP(c.called_at), CONCAT(u.first_name, ' ', u.last_name),"
	    " c.outcome, c.note FROM icope_alert_call c"
	    " JOIN app_user u ON u.id = c.called_by WHERE c.alert_id = ?"
	    " ORDER BY c.called_at, c.id",
	[AL_CIRCLE_PROS] =
	    "SELECT u.id, CONCAT(u.first_name, ' ', u.last_name), u.profession"
	    " FROM care_circle c JOIN app_user u ON u.id = c.user_id"
	    " WHERE c.patient_id = ? AND u.status = 'active'"
	    " AND EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = u.id"
	    "  AND ur.role = 'pro')"
	    " ORDER BY u.last_name, u.first_name, u.id",
	[AL_CIRCLE_PRO_CHECK] =
	    "SELECT u.login FROM care_circle c JOIN app_user u ON u.id = c.user_id"
	    " WHERE c.patient_id = ? AND c.user_id = ? AND u.status = 'active'"
	    " AND EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = u.id"
	    "  AND ur.role = 'pro')",
	[AL_CALL_ADD] =
	    "INSERT INTO icope_alert_call (alert_id, called_at, called_by, outcome, note)"
	    " VALUES (?, FROM_UNIXTIME(?), ?, ?, ?)",
	[AL_SET_UNREACHABLE] =
	    "UPDATE icope_alert SET status = 'unreachable', n_calls = n_calls + 1,"
	    " last_call_at = FROM_UNIXTIME(?), handled_by = ?,"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status IN ('open', 'unreachable')",
	[AL_SET_RULED_OUT] =
	    "UPDATE icope_alert SET status = 'ruled_out', n_calls = n_calls + 1,"
	    " last_call_at = FROM_UNIXTIME(?), handled_by = ?,"
	    " ruled_out_at = FROM_UNIXTIME(?), closed_at = FROM_UNIXTIME(?),"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status IN ('open', 'unreachable')",
	[AL_SET_CONFIRMED] =
	    "UPDATE icope_alert SET status = 'confirmed', n_calls = n_calls + 1,"
	    " last_call_at = FROM_UNIXTIME(?), handled_by = ?,"
	    " confirmed_at = FROM_UNIXTIME(?),"
	    " updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ? AND status IN ('open', 'unreachable')",
	[AL_STEP2_ADD] =
	    "INSERT INTO icope_step2 (alert_id, patient_id, status, assigned_to,"
	    " requested_at, requested_by, updated_at, updated_by)"
	    " VALUES (?, ?, 'requested', ?, FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), ?)",
	[AL_PATIENT_ALERTS] =
	    SHORT_LISTS "SELECT a.id, a.status, UNIX_TIMESTAMP(a.created_at),"
	    " DATE_FORMAT(s.performed_on, '%d/%m/%Y'), " ALERT_FUNCTIONS ","
	    " s2.id, s2.status, CONCAT(au.first_name, ' ', au.last_name), a.step1_id,"
	    " COALESCE(UNIX_TIMESTAMP(a.closed_at), 0), a.n_calls"
	    " FROM icope_alert a JOIN icope_step1 s ON s.id = a.step1_id"
	    " LEFT JOIN icope_step2 s2 ON s2.alert_id = a.id"
	    " LEFT JOIN app_user au ON au.id = s2.assigned_to"
	    " WHERE a.patient_id = ? ORDER BY a.created_at DESC, a.id DESC LIMIT 100",
	[AL_MANAGERS] =
	    "SELECT u.id, u.first_name, u.last_name,"
	    " EXISTS (SELECT 1 FROM care_circle c WHERE c.patient_id = ?"
	    "  AND c.user_id = u.id)"
	    " FROM user_role ur JOIN app_user u ON u.id = ur.user_id"
	    " WHERE ur.role = 'alert_manager' AND ur.scope_type = 'territory'"
	    " AND ur.scope_id = ? AND u.status = 'active'"
	    " ORDER BY u.last_name, u.first_name, u.id",
	[AL_FOLLOWUP_MINE] =
	    "SELECT STRAIGHT_JOIN p.id, p.birth_name, p.used_name, p.first_names,"
	    " TIMESTAMPDIFF(YEAR, p.birth_date, ?), DATE_FORMAT(p.last_step1_on, '%d/%m/%Y'),"
	    " DATE_FORMAT(p.next_step1_due, '%d/%m/%Y'), p.next_step1_due < ?"
	    " FROM care_circle c JOIN patient p ON p.id = c.patient_id"
	    " WHERE c.user_id = ? AND (p.next_step1_due IS NULL OR p.next_step1_due <= ?)"
	    " ORDER BY p.next_step1_due, p.id LIMIT ? OFFSET ?",
	[AL_FOLLOWUP_TERRITORY] =
	    "SELECT p.id, p.birth_name, p.used_name, p.first_names,"
	    " TIMESTAMPDIFF(YEAR, p.birth_date, ?), DATE_FORMAT(p.last_step1_on, '%d/%m/%Y'),"
	    " DATE_FORMAT(p.next_step1_due, '%d/%m/%Y'), p.next_step1_due < ?"
	    " FROM patient p WHERE p.territory_id = ?"
	    " AND (p.next_step1_due IS NULL OR p.next_step1_due <= ?)"
	    " ORDER BY p.next_step1_due, p.id LIMIT ? OFFSET ?",
	[AL_TERRITORY_NAME] =
	    "SELECT name FROM territory WHERE id = ?",
	/* A call's transaction starts here, locks in the order of the
	 * file's other writes (the file, then its alerts: an address change
	 * moves the alerts, a STEP 1 raises one): the file, then the alert
	 * as it is now (its file may have moved it to another territory
	 * meanwhile). */
	[AL_LOCK_PATIENT] =
	    "SELECT id FROM patient WHERE id = ? FOR UPDATE",
	[AL_LOCK] =
	    "SELECT status, COALESCE(territory_id, 0) FROM icope_alert"
	    " WHERE id = ? FOR UPDATE",
};

static const char *
status_label(const char *s)
{
	if (s == NULL)
		return "";
	if (strcmp(s, "open") == 0)
		return "À traiter";
	if (strcmp(s, "unreachable") == 0)
		return "Injoignable, à rappeler";
	if (strcmp(s, "confirmed") == 0)
		return "Confirmée, STEP 2 demandé";
	if (strcmp(s, "ruled_out") == 0)
		return "Écartée";
	if (strcmp(s, "closed") == 0)
		return "Close (STEP 2 réalisé)";
	return s;
}

static const char *
outcome_label(const char *s)
{
	if (s == NULL)
		return "";
	if (strcmp(s, "confirmed") == 0)
		return "Alerte confirmée";
	if (strcmp(s, "ruled_out") == 0)
		return "Alerte écartée";
	if (strcmp(s, "unreachable") == 0)
		return "Personne injoignable";
	return s;
}

/* ---- the manager's queue ---- */

static int
alert_queue(struct req *r)
{
	struct db_result res, conf;
	struct tdict *ctx;
	struct tlist *l;
	struct buf ids = BUF_INIT;
	long long page = 1, cut, t[ICOPE_TERRITORY_SLOTS] = { 0 };
	size_t i, n;

	if (http_query(r, "page") != NULL &&
	    valid_parse_ll(http_query(r, "page"), 1, 100000, &page) != 0)
		page = 1;
	if (icope_managed_territories(r, t, ICOPE_TERRITORY_SLOTS) >
	    ICOPE_TERRITORY_SLOTS)
		log_info("user %lld manages more than %d territories: the alert "
		    "list shows the first %d", r->session->user_id,
		    ICOPE_TERRITORY_SLOTS, ICOPE_TERRITORY_SLOTS);
	cut = page * PAGE_SIZE + 1;
	if (db_query(r->app->db, &r->arena, Q(AL_QUEUE), DB_PARAMS(
	    DBP_STR(icope_today(r)), DBP_INT(t[0]), DBP_INT(cut), DBP_INT(t[1]),
	    DBP_INT(cut), DBP_INT(t[2]), DBP_INT(cut), DBP_INT(t[3]), DBP_INT(cut),
	    DBP_INT(PAGE_SIZE + 1), DBP_INT((page - 1) * PAGE_SIZE)), &res) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(AL_CONFIRMED), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &conf) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Alertes à traiter");
	n = res.nrows > PAGE_SIZE ? PAGE_SIZE : res.nrows;
	l = tdict_list(ctx, "alerts");
	for (i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&res, i, 0));
		tdict_int(d, "patient_id", db_cell_int(&res, i, 1));
		tdict_str(d, "name", icope_display_name(r, db_cell(&res, i, 2),
		    db_cell(&res, i, 3), db_cell(&res, i, 4)));
		tdict_int(d, "age", db_cell_int(&res, i, 5));
		tdict_str(d, "created_at", http_date_fr(r, db_cell_int(&res, i, 6), true));
		tdict_str(d, "status", status_label(db_cell(&res, i, 7)));
		tdict_bool(d, "unreachable", strcmp(db_cell(&res, i, 7), "unreachable") == 0);
		tdict_int(d, "n_calls", db_cell_int(&res, i, 8));
		tdict_str(d, "step1_date", db_cell(&res, i, 9));
		tdict_str(d, "screened_by", db_cell(&res, i, 10));
		tdict_str(d, "territory", db_cell(&res, i, 11));
		tdict_str(d, "functions", db_cell(&res, i, 12));
		buf_printf(&ids, "%s%s", ids.len ? "," : "", db_cell(&res, i, 1));
	}
	tdict_bool(ctx, "empty", n == 0);
	if (page > 1)
		tdict_str(ctx, "prev_url", arena_printf(&r->arena,
		    "/icope/alertes?page=%lld", page - 1));
	if (res.nrows > PAGE_SIZE)
		tdict_str(ctx, "next_url", arena_printf(&r->arena,
		    "/icope/alertes?page=%lld", page + 1));
	l = tdict_list(ctx, "confirmed");
	for (i = 0; i < conf.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&conf, i, 0));
		tdict_int(d, "patient_id", db_cell_int(&conf, i, 1));
		tdict_str(d, "name", icope_display_name(r, db_cell(&conf, i, 2),
		    db_cell(&conf, i, 3), db_cell(&conf, i, 4)));
		tdict_str(d, "confirmed_at", http_date_fr(r, db_cell_int(&conf, i, 5), false));
		tdict_str(d, "assigned_to", db_cell(&conf, i, 6));
		tdict_int(d, "step2_id", db_cell_int(&conf, i, 7));
		tdict_str(d, "functions", db_cell(&conf, i, 8));
		buf_printf(&ids, "%s%s", ids.len ? "," : "", db_cell(&conf, i, 1));
	}
	tdict_bool(ctx, "has_confirmed", conf.nrows > 0);
	if (audit(r, "patient.list", "alert", NULL, 0, AUDIT_OK, ids.len ?
	    icope_id_list(r, buf_str(&ids)) : "aucun") != DB_OK) {
		buf_free(&ids);
		return -1;
	}
	buf_free(&ids);
	return http_render(r, 200, "icope/alerts", ctx);
}

/* ---- one alert ---- */

/* The page of an alert the user may not handle (missing, another
 * territory's, or its file no longer visible to them), audited. */
static int
alert_denied(struct req *r, long long aid, long long pid)
{
	if (audit(r, "alert.denied", "alert", arena_printf(&r->arena, "%lld",
	    aid), pid, AUDIT_DENIED, NULL) != DB_OK)
		return -1;
	http_error(r, 403, "Cette alerte n'existe pas ou ne vous est pas "
	    "accessible.");
	return 1;
}

/*
 * Loads alert {aid} into res and its file into p for the manager of the
 * alert's territory, who must also see the file (its territory's
 * manager: an alert follows its file).  Returns 0; 1 when answered 403
 * (audited); -1 on failure.
 */
static int
alert_open(struct req *r, struct db_result *res, struct icope_patient *p)
{
	long long aid = http_path_id(r, "aid"), territory;
	enum db_rc rc;
	int prc;

	memset(p, 0, sizeof(*p));
	rc = aid ? db_query_row(r->app->db, &r->arena, Q(AL_GET), DB_PARAMS(
	    DBP_INT(aid)), res) : DB_NOT_FOUND;
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return -1;
	if (rc == DB_NOT_FOUND)
		return alert_denied(r, aid, 0);
	territory = db_cell_int(res, 0, 2);
	if (territory == 0 || !req_has_scoped_role(r, "alert_manager",
	    "territory", territory))
		return alert_denied(r, aid, db_cell_int(res, 0, 1));
	if ((prc = icope_patient_load(r, db_cell_int(res, 0, 1), p)) == -1)
		return -1;
	if (prc != 0 || !p->manager || p->territory_id != territory)
		return alert_denied(r, aid, db_cell_int(res, 0, 1));
	return 0;
}

static int
alert_page(struct req *r, int status, struct db_result *a,
    struct icope_patient *p, struct icope_form *f, struct tdict *ctx)
{
	struct db_result calls, pros;
	struct tlist *l;
	long long pid = db_cell_int(a, 0, 1);
	const char *st = db_cell(a, 0, 3);
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(AL_CALLS), DB_PARAMS(
	    DBP_INT(db_cell_int(a, 0, 0))), &calls) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(AL_CIRCLE_PROS), DB_PARAMS(
	    DBP_INT(pid)), &pros) != DB_OK)
		return -1;
	if (ctx == NULL)
		ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, p, PANEL__MAX) != 0)
		return -1;
	tdict_str(ctx, "title", "Alerte");
	tdict_int(ctx, "alert_id", db_cell_int(a, 0, 0));
	tdict_str(ctx, "status", status_label(st));
	tdict_bool(ctx, "to_handle", strcmp(st, "open") == 0 ||
	    strcmp(st, "unreachable") == 0);
	tdict_str(ctx, "created_at", http_date_fr(r, db_cell_int(a, 0, 4), true));
	tdict_int(ctx, "n_calls", db_cell_int(a, 0, 5));
	tdict_str(ctx, "step1_url", arena_printf(&r->arena,
	    "/icope/usagers/%lld/step1/%s", pid, db_cell(a, 0, 6)));
	tdict_str(ctx, "step1_date", db_cell(a, 0, 7));
	tdict_str(ctx, "screened_by", db_cell(a, 0, 8));
	tdict_str(ctx, "functions", db_cell(a, 0, 10));
	if (db_cell(a, 0, 14) != NULL) {
		tdict_str(ctx, "step2_url", arena_printf(&r->arena,
		    "/icope/usagers/%lld/step2/%s", pid, db_cell(a, 0, 14)));
		tdict_str(ctx, "step2_assigned", db_cell(a, 0, 16));
	}
	tdict_bool(ctx, "called", http_query(r, "appel") != NULL);
	l = tdict_list(ctx, "calls");
	for (i = 0; i < calls.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "at", http_date_fr(r, db_cell_int(&calls, i, 0), true));
		tdict_str(d, "by", db_cell(&calls, i, 1));
		tdict_str(d, "outcome", outcome_label(db_cell(&calls, i, 2)));
		tdict_str(d, "note", db_cell(&calls, i, 3));
	}
	tdict_bool(ctx, "has_calls", calls.nrows > 0);
	l = tdict_list(ctx, "pros");
	for (i = 0; i < pros.nrows; i++) {
		struct tdict *d = tlist_add(l);
		const char *sel = f != NULL ? tdict_get(f->v, "professionnel") : NULL;

		tdict_str(d, "id", db_cell(&pros, i, 0));
		tdict_str(d, "name", db_cell(&pros, i, 1));
		tdict_str(d, "profession", db_cell(&pros, i, 2));
		tdict_bool(d, "selected", sel != NULL && strcmp(sel, db_cell(&pros, i, 0)) == 0);
	}
	tdict_bool(ctx, "has_pros", pros.nrows > 0);
	return http_render(r, status, "icope/alert", ctx);
}

static int
alert_get(struct req *r)
{
	struct icope_patient p;
	struct db_result a;
	int rc;

	if ((rc = alert_open(r, &a, &p)) != 0)
		return rc == 1 ? 0 : -1;
	if (audit(r, "alert.read", "alert", db_cell(&a, 0, 0), db_cell_int(&a, 0, 1),
	    AUDIT_OK, NULL) != DB_OK)
		return -1;
	return alert_page(r, 200, &a, &p, NULL, NULL);
}

static const char *const outcomes[] = { "confirmed", "ruled_out", "unreachable", NULL };

static int
alert_call(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	struct db_result a, chk, lk;
	struct icope_form f;
	struct tdict *ctx;
	const char *outcome, *note, *pro;
	long long aid, pid, assignee = 0;
	unsigned long long affected = 0;
	int rc, stmt, answer;

	memset(&chk, 0, sizeof(chk));
	if ((rc = alert_open(r, &a, &p)) != 0)
		return rc == 1 ? 0 : -1;
	aid = db_cell_int(&a, 0, 0);
	pid = db_cell_int(&a, 0, 1);
	ctx = http_ctx(r);
	icope_form_init(&f, r, ctx);
	outcome = icope_field(&f, "resultat", "Résultat de l'appel", true, NULL, 0, 0);
	if (outcome != NULL && valid_enum(outcome, outcomes) != NULL) {
		icope_form_error(&f, "resultat", "Résultat de l'appel",
		    "Choisissez le résultat de l'appel.");
		outcome = NULL;
	}
	tdict_bool(f.v, "confirmed", outcome && strcmp(outcome, "confirmed") == 0);
	tdict_bool(f.v, "ruled_out", outcome && strcmp(outcome, "ruled_out") == 0);
	tdict_bool(f.v, "unreachable", outcome && strcmp(outcome, "unreachable") == 0);
	note = icope_field(&f, "note", "Note", false, valid_multiline, 1, 1000);
	pro = icope_field(&f, "professionnel", "Professionnel chargé du STEP 2",
	    false, valid_uint, 1, 999999999999LL);
	if (outcome != NULL && strcmp(outcome, "confirmed") == 0) {
		if (pro == NULL || *pro == '\0')
			icope_form_error(&f, "professionnel",
			    "Professionnel chargé du STEP 2",
			    "Choisissez le professionnel de l'entourage qui fera le STEP 2.");
		else {
			(void)valid_parse_ll(pro, 1, 999999999999LL, &assignee);
			switch (db_query_row(db, &r->arena, Q(AL_CIRCLE_PRO_CHECK),
			    DB_PARAMS(DBP_INT(pid), DBP_INT(assignee)), &chk)) {
			case DB_OK:
				break;
			case DB_NOT_FOUND:
				icope_form_error(&f, "professionnel",
				    "Professionnel chargé du STEP 2",
				    "Choisissez un professionnel de l'entourage.");
				break;
			default:
				return -1;
			}
		}
	}
	if (f.nerr > 0)
		return alert_page(r, 422, &a, &p, &f, ctx);
	if (strcmp(db_cell(&a, 0, 3), "open") != 0 &&
	    strcmp(db_cell(&a, 0, 3), "unreachable") != 0)
		return http_error(r, 409, "Cette alerte a déjà été traitée.");

	/* Still this territory's (its file may have moved it) and still
	 * to handle, once locked. */
	if (!http_begin_locked(r, Q(AL_LOCK_PATIENT), pid, &lk, ICOPE_NO_ACCESS,
	    &answer))
		return answer;
	if (db_query_row(db, &r->arena, Q(AL_LOCK), DB_PARAMS(DBP_INT(aid)),
	    &lk) != DB_OK)
		goto fail;
	if (db_cell_int(&lk, 0, 1) != db_cell_int(&a, 0, 2)) {
		db_rollback(db);
		return alert_denied(r, aid, pid) == 1 ? 0 : -1;
	}
	if (strcmp(db_cell(&lk, 0, 0), "open") != 0 &&
	    strcmp(db_cell(&lk, 0, 0), "unreachable") != 0) {
		db_rollback(db);
		return http_error(r, 409, "Cette alerte a déjà été traitée.");
	}
	if (db_exec(db, Q(AL_CALL_ADD), DB_PARAMS(DBP_INT(aid), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_STR(outcome),
	    DBP_STR(*note ? note : NULL)), NULL) != DB_OK)
		goto fail;
	stmt = strcmp(outcome, "unreachable") == 0 ? AL_SET_UNREACHABLE :
	    strcmp(outcome, "ruled_out") == 0 ? AL_SET_RULED_OUT : AL_SET_CONFIRMED;
	if (stmt == AL_SET_UNREACHABLE)
		rc = db_exec(db, Q(stmt), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(aid)), &affected);
	else if (stmt == AL_SET_RULED_OUT)
		rc = db_exec(db, Q(stmt), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(r->now), DBP_INT(r->now),
		    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(aid)),
		    &affected);
	else
		rc = db_exec(db, Q(stmt), DB_PARAMS(DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(r->now), DBP_INT(r->now),
		    DBP_INT(r->session->user_id), DBP_INT(aid)), &affected);
	if (rc != DB_OK)
		goto fail;
	if (affected != 1) {
		/* Someone else handled it meanwhile. */
		db_rollback(db);
		return http_error(r, 409, "Cette alerte a déjà été traitée.");
	}
	if (stmt == AL_SET_CONFIRMED && db_exec(db, Q(AL_STEP2_ADD), DB_PARAMS(
	    DBP_INT(aid), DBP_INT(pid), DBP_INT(assignee), DBP_INT(r->now),
	    DBP_INT(r->session->user_id), DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK)
		goto fail;
	if (audit(r, "alert.call", "alert", db_cell(&a, 0, 0), pid, AUDIT_OK,
	    stmt == AL_SET_CONFIRMED ? arena_printf(&r->arena,
	    "confirmed, STEP 2 confié à %s", db_cell(&chk, 0, 0)) : outcome) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena, "/icope/alertes/%lld?appel=1",
	    aid));
fail:
	db_rollback(db);
	return -1;
}

/* ---- the file's panel ---- */

static int
alerts_panel(struct req *r)
{
	struct icope_patient p;
	struct db_result res, mgr;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;
	int rc;

	if ((rc = icope_patient_open(r, &p, "patient.read", "alertes")) != 0)
		return rc == 1 ? 0 : -1;
	if (db_query(r->app->db, &r->arena, Q(AL_PATIENT_ALERTS), DB_PARAMS(
	    DBP_INT(p.id)), &res) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(AL_MANAGERS), DB_PARAMS(
	    DBP_INT(p.id), DBP_INT(p.territory_id)), &mgr) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_ALERTS) != 0)
		return -1;
	tdict_str(ctx, "title", "ICOPE – Alertes et STEP 2");
	l = tdict_list(ctx, "alerts");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&res, i, 0));
		tdict_str(d, "status", status_label(db_cell(&res, i, 1)));
		tdict_str(d, "created_at", http_date_fr(r, db_cell_int(&res, i, 2), true));
		tdict_str(d, "step1_date", db_cell(&res, i, 3));
		tdict_str(d, "functions", db_cell(&res, i, 4));
		if (db_cell(&res, i, 5) != NULL) {
			tdict_str(d, "step2_url", arena_printf(&r->arena,
			    "/icope/usagers/%lld/step2/%s", p.id, db_cell(&res, i, 5)));
			tdict_bool(d, "step2_closed", strcmp(db_cell(&res, i, 6), "closed") == 0);
			tdict_str(d, "step2_assigned", db_cell(&res, i, 7));
		}
		tdict_str(d, "step1_url", arena_printf(&r->arena,
		    "/icope/usagers/%lld/step1/%s", p.id, db_cell(&res, i, 8)));
		tdict_str(d, "closed_at", db_cell_int(&res, i, 9) ?
		    http_date_fr(r, db_cell_int(&res, i, 9), true) : NULL);
		tdict_int(d, "n_calls", db_cell_int(&res, i, 10));
		tdict_bool(d, "manage", p.manager);
	}
	tdict_bool(ctx, "empty", res.nrows == 0);
	l = tdict_list(ctx, "managers");
	for (i = 0; i < mgr.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&mgr, i, 0));
		tdict_strf(d, "name", "%s %s", db_cell(&mgr, i, 1), db_cell(&mgr, i, 2));
		tdict_bool(d, "in_circle", db_cell_int(&mgr, i, 3) != 0);
	}
	tdict_bool(ctx, "has_managers", mgr.nrows > 0);
	tdict_bool(ctx, "no_territory", p.territory_id == 0);
	return http_render(r, 200, "icope/panel_alerts", ctx);
}

/* ---- follow-up: next STEP 1 due ---- */

static int
followup_list(struct req *r)
{
	const char *today = icope_today(r), *soon;
	struct db_result res, tn;
	struct tdict *ctx;
	struct tlist *l;
	struct buf ids = BUF_INIT;
	long long territory = 0, page = 1;
	size_t i, n;
	int y, m, d;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	if (http_query(r, "page") != NULL &&
	    valid_parse_ll(http_query(r, "page"), 1, 100000, &page) != 0)
		page = 1;
	if (http_query(r, "territoire") != NULL &&
	    (valid_parse_ll(http_query(r, "territoire"), 1, 999999999999LL,
	    &territory) != 0 || !req_has_scoped_role(r, "alert_manager",
	    "territory", territory)))
		return http_error(r, 403, "Vous n'êtes pas gestionnaire d'alerte "
		    "de ce territoire.");
	/* Due within the next 30 days, or overdue. */
	(void)valid_date_parse(today, &y, &m, &d);
	{
		struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1,
		    .tm_mday = d + 30, .tm_hour = 12 };
		char out[16];

		(void)mktime(&tm);
		strftime(out, sizeof(out), "%Y-%m-%d", &tm);
		soon = arena_strdup(&r->arena, out);
	}
	if (territory != 0) {
		if (db_query(r->app->db, &r->arena, Q(AL_FOLLOWUP_TERRITORY), DB_PARAMS(
		    DBP_STR(today), DBP_STR(today), DBP_INT(territory), DBP_STR(soon),
		    DBP_INT(PAGE_SIZE + 1), DBP_INT((page - 1) * PAGE_SIZE)),
		    &res) != DB_OK)
			return -1;
	} else if (db_query(r->app->db, &r->arena, Q(AL_FOLLOWUP_MINE), DB_PARAMS(
	    DBP_STR(today), DBP_STR(today), DBP_INT(r->session->user_id),
	    DBP_STR(soon), DBP_INT(PAGE_SIZE + 1),
	    DBP_INT((page - 1) * PAGE_SIZE)), &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Suivi : prochains STEP 1");
	tdict_bool(ctx, "mine", territory == 0);
	l = tdict_list(ctx, "territories");
	for (i = 0; i < r->session->nroles; i++) {
		const struct role_grant *g = &r->session->roles[i];
		struct tdict *t;

		if (strcmp(g->role, "alert_manager") != 0 ||
		    strcmp(g->scope_type, "territory") != 0)
			continue;
		if (db_query(r->app->db, &r->arena, Q(AL_TERRITORY_NAME), DB_PARAMS(
		    DBP_INT(g->scope_id)), &tn) != DB_OK)
			return -1;
		t = tlist_add(l);
		tdict_str(t, "name", tn.nrows ? db_cell(&tn, 0, 0) :
		    arena_printf(&r->arena, "Territoire %lld", g->scope_id));
		tdict_str(t, "url", arena_printf(&r->arena, "/icope/suivi?territoire=%lld",
		    g->scope_id));
		tdict_bool(t, "current", g->scope_id == territory);
		if (g->scope_id == territory)
			tdict_str(ctx, "territory_name", tdict_get(t, "name"));
	}
	tdict_bool(ctx, "has_territories", tlist_len(l) > 0);
	n = res.nrows > PAGE_SIZE ? PAGE_SIZE : res.nrows;
	l = tdict_list(ctx, "rows");
	for (i = 0; i < n; i++) {
		struct tdict *e = tlist_add(l);

		tdict_int(e, "id", db_cell_int(&res, i, 0));
		tdict_str(e, "name", icope_display_name(r, db_cell(&res, i, 1),
		    db_cell(&res, i, 2), db_cell(&res, i, 3)));
		tdict_int(e, "age", db_cell_int(&res, i, 4));
		tdict_str(e, "last_step1", db_cell(&res, i, 5));
		tdict_str(e, "next_due", db_cell(&res, i, 6));
		tdict_bool(e, "overdue", db_cell_int(&res, i, 7) != 0);
		buf_printf(&ids, "%s%s", i ? "," : "", db_cell(&res, i, 0));
	}
	tdict_bool(ctx, "empty", n == 0);
	{
		const char *base = territory ? arena_printf(&r->arena,
		    "/icope/suivi?territoire=%lld&", territory) : "/icope/suivi?";

		if (page > 1)
			tdict_str(ctx, "prev_url", arena_printf(&r->arena,
			    "%spage=%lld", base, page - 1));
		if (res.nrows > PAGE_SIZE)
			tdict_str(ctx, "next_url", arena_printf(&r->arena,
			    "%spage=%lld", base, page + 1));
	}
	if (audit(r, "patient.list", "followup", NULL, 0, AUDIT_OK, n ?
	    icope_id_list(r, buf_str(&ids)) : "aucun") != DB_OK) {
		buf_free(&ids);
		return -1;
	}
	buf_free(&ids);
	return http_render(r, 200, "icope/followup", ctx);
}

static const struct route alert_routes[] = {
	{ "GET",  "/icope/alertes",		alert_queue,  ACCESS_ROLE,	AUTH_LEVEL_2, "alert_manager", 0 },
	{ "GET",  "/icope/alertes/{aid}",	alert_get,    ACCESS_ROLE,	AUTH_LEVEL_2, "alert_manager", 0 },
	{ "POST", "/icope/alertes/{aid}/appel", alert_call,   ACCESS_ROLE,	AUTH_LEVEL_2, "alert_manager", 0 },
	{ "GET",  "/icope/usagers/{id}/alertes", alerts_panel, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/suivi",		followup_list, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_alert_area = {
	"alert", alert_routes, sizeof(alert_routes) / sizeof(alert_routes[0]),
	alert_sql, AL__MAX,
};
