/*
 * parvis-admin's ICOPE demo data: synthetic patients of the demo
 * territory (sql/007_icope.sql, territory 1) followed by dr.martin (and
 * ide.bernard for some), one or two validated STEP 1 each, and the alerts
 * they raise at every stage: open, unreachable, confirmed with a STEP 2 to
 * do, ruled out, closed with a STEP 2.  Everything is made up: names from
 * short lists, INS numbers with a valid key in a range no real person has
 * (birth department 99, "born abroad", order numbers 9xx).  Deterministic
 * (fixed seed) and done once: nothing happens when demo patients exist.
 *
 * The STEP 1 answers are drawn from a chosen result per function, so the
 * stored results agree with the WHO rules of icope_rules.c without linking
 * it here.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "app.h"
#include "config.h"
#include "db.h"

enum {
	D_COUNT,
	D_USER,
	D_PATIENT,
	D_CIRCLE,
	D_ITEM,
	D_FUNCTION,
	D_INSTRUMENT,
	D_STEP1,
	D_ANSWER,
	D_RESULT,
	D_ALERT,
	D_ALERT_FN,
	D_CALL,
	D_STEP2,
	D_STEP2_RESULT,
	D_DUE,
	D__MAX
};

static const char *const demo_sql[D__MAX] = {
	/* Demo INS: born in "99100", which no real NIR holds (99 is
	 * "abroad", 100 would be France). */
	[D_COUNT] = "SELECT COUNT(*) FROM patient WHERE ins LIKE '_____99100%'",
	[D_USER] = "SELECT id FROM app_user WHERE login = ?",
	[D_PATIENT] =
	    "INSERT INTO patient (birth_name, used_name, first_names, sex, birth_date,"
	    " birth_place_insee, ins, birth_rank, address, postal_code, city,"
	    " territory_id, gp_name, phone, created_at, created_by, updated_at,"
	    " updated_by) VALUES (?, ?, ?, ?, ?, '99100', ?, 1, ?, ?, ?, 1, ?, ?,"
	    " FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), ?)",
	[D_CIRCLE] =
	    "INSERT IGNORE INTO care_circle (patient_id, user_id, added_at, added_by)"
	    " VALUES (?, ?, FROM_UNIXTIME(?), ?)",
	[D_ITEM] = "SELECT id FROM icope_item WHERE code = ?",
	[D_FUNCTION] = "SELECT id FROM icope_function WHERE code = ?",
	[D_INSTRUMENT] = "SELECT id FROM icope_instrument WHERE code = ?",
	[D_STEP1] =
	    "INSERT INTO icope_step1 (patient_id, status, performed_on, mode,"
	    " entered_by, n_alert, n_not_assessed, completeness, validated_at,"
	    " validated_by, created_at, updated_at, updated_by)"
	    " VALUES (?, 'validated', ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), ?,"
	    " FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)",
	[D_ANSWER] =
	    "INSERT INTO icope_step1_answer (step1_id, item_id, value) VALUES (?, ?, ?)",
	[D_RESULT] =
	    "INSERT INTO icope_step1_result (step1_id, function_id, result, decline, info)"
	    " VALUES (?, ?, ?, ?, FALSE)",
	[D_ALERT] =
	    "INSERT INTO icope_alert (patient_id, step1_id, territory_id, status,"
	    " n_calls, last_call_at, confirmed_at, ruled_out_at, closed_at,"
	    " handled_by, created_at, updated_at, updated_by) VALUES (?, ?, 1, ?, ?,"
	    " FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?),"
	    " ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)",
	[D_ALERT_FN] =
	    "INSERT INTO icope_alert_function (alert_id, function_id) VALUES (?, ?)",
	[D_CALL] =
	    "INSERT INTO icope_alert_call (alert_id, called_at, called_by, outcome, note)"
	    " VALUES (?, FROM_UNIXTIME(?), ?, ?, ?)",
	[D_STEP2] =
	    "INSERT INTO icope_step2 (alert_id, patient_id, status, assigned_to,"
	    " requested_at, requested_by, performed_on, closed_at, closed_by,"
	    " updated_at, updated_by) VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), ?, ?,"
	    " FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), ?)",
	[D_STEP2_RESULT] =
	    "INSERT INTO icope_step2_result (step2_id, function_id, instrument_id,"
	    " score, level, interpretation, entered_at, entered_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), ?)",
	[D_DUE] =
	    "UPDATE patient SET last_step1_on = ?,"
	    " next_step1_due = DATE_ADD(?, INTERVAL 6 MONTH) WHERE id = ?",
};

static const struct db_table demo_tables[] = { { demo_sql, D__MAX } };
#define DQ(i)	DB_STMT(1, (i))

#define NPATIENTS	60
#define DAY		86400L

static const char *const last_names[] = { "Martin", "Bernard", "Thomas",
    "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand",
    "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Faure", "André", "Mercier" };
static const char *const women[] = { "Jeanne", "Marie", "Germaine", "Odette",
    "Simone", "Yvette", "Paulette", "Monique", "Josette", "Colette" };
static const char *const men[] = { "Jean", "André", "Pierre", "Marcel",
    "René", "Louis", "Roger", "Robert", "Henri", "Georges" };
static const char *const streets[] = { "rue des Lilas", "avenue de Muret",
    "chemin de la Garonne", "rue du Taur", "allée des Platanes",
    "boulevard de Strasbourg" };
static const char *const postal[] = { "31000", "31100", "31200", "31300",
    "31400", "31500", "31700" };

/* The six functions, in table order, and how each reads. */
enum { F_COG, F_MOB, F_NUT, F_VIS, F_HEAR, F_MOOD, F__N };
static const char *const fn_codes[F__N] = { "cognition", "mobility",
    "nutrition", "vision", "hearing", "mood" };
enum res { R_NOT_ASSESSED, R_NORMAL, R_ALERT };
static const char *const res_codes[] = { "not_assessed", "normal", "alert" };

static unsigned long long rng = 0x1c0be2026ULL;

static unsigned int
draw(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static const char *
day(char *out, size_t len, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
	return out;
}

struct demo {
	struct db	*db;
	struct arena	 a;
	time_t		 now;
	long long	 dr, ide, mgr;
	long long	 fn[F__N];
};

static long long
id_of(struct demo *d, int stmt, const char *code)
{
	struct db_result res;

	if (db_query_row(d->db, &d->a, DQ(stmt), DB_PARAMS(DBP_STR(code)), &res) != DB_OK)
		return 0;
	return db_cell_int(&res, 0, 0);
}

static int
answer(struct demo *d, long long s1, const char *item, const char *value)
{
	long long iid = id_of(d, D_ITEM, item);

	return iid == 0 || db_exec(d->db, DQ(D_ANSWER), DB_PARAMS(DBP_INT(s1),
	    DBP_INT(iid), DBP_STR(value)), NULL) != DB_OK ? -1 : 0;
}

/* Answers that give result r for function f. */
static int
answers_for(struct demo *d, long long s1, int f, enum res r)
{
	char v[16];

	if (r == R_NOT_ASSESSED)
		return 0;
	switch (f) {
	case F_COG:
		if (answer(d, s1, "cog_orientation_time", r == R_ALERT && draw(2) ? "0" : "1") ||
		    answer(d, s1, "cog_orientation_place", "1"))
			return -1;
		snprintf(v, sizeof(v), "%u", r == R_ALERT ? draw(3) : 3);
		return answer(d, s1, "cog_words_recalled", v);
	case F_MOB:
		if (r == R_ALERT && draw(4) == 0)
			return answer(d, s1, "mob_chair_rise_unable", "1");
		snprintf(v, sizeof(v), "%u,%u", r == R_ALERT ? 15 + draw(10) :
		    8 + draw(6), draw(10));
		return answer(d, s1, "mob_chair_rise_seconds", v);
	case F_NUT:
		return answer(d, s1, "nut_weight_loss", r == R_ALERT ? "1" : "0") ||
		    answer(d, s1, "nut_appetite_loss", "0");
	case F_VIS:
		return answer(d, s1, "vis_eye_problem", r == R_ALERT ? "1" : "0");
	case F_HEAR:
		return answer(d, s1, "hear_whisper_failed", r == R_ALERT ? "1" : "0");
	default:
		return answer(d, s1, "mood_down", "0") ||
		    answer(d, s1, "mood_interest", r == R_ALERT ? "1" : "0");
	}
}

/* One validated STEP 1 on day t; r[] the result per function, prev[] the
 * previous STEP 1's (NULL for none).  Returns its id, or 0. */
static long long
step1(struct demo *d, long long pid, time_t t, const enum res *r,
    const enum res *prev)
{
	char date[16];
	long long s1;
	unsigned int n_alert = 0, n_na = 0;
	int f;

	for (f = 0; f < F__N; f++) {
		n_alert += r[f] == R_ALERT;
		n_na += r[f] == R_NOT_ASSESSED;
	}
	if (db_exec(d->db, DQ(D_STEP1), DB_PARAMS(DBP_INT(pid),
	    DBP_STR(day(date, sizeof(date), t)), DBP_STR(draw(5) ? "hetero_pro" :
	    "hetero_non_pro"), DBP_INT(draw(3) ? d->dr : d->ide), DBP_INT(n_alert),
	    DBP_INT(n_na), DBP_INT(100 * (F__N - n_na) / F__N), DBP_INT(t + 3600),
	    DBP_INT(d->dr), DBP_INT(t), DBP_INT(t + 3600), DBP_INT(d->dr)),
	    NULL) != DB_OK)
		return 0;
	s1 = (long long)db_insert_id(d->db);
	for (f = 0; f < F__N; f++)
		if (answers_for(d, s1, f, r[f]) != 0 ||
		    db_exec(d->db, DQ(D_RESULT), DB_PARAMS(DBP_INT(s1),
		    DBP_INT(d->fn[f]), DBP_STR(res_codes[r[f]]),
		    DBP_INT(prev != NULL && prev[f] == R_NORMAL && r[f] == R_ALERT)),
		    NULL) != DB_OK)
			return 0;
	if (db_exec(d->db, DQ(D_DUE), DB_PARAMS(DBP_STR(date), DBP_STR(date),
	    DBP_INT(pid)), NULL) != DB_OK)
		return 0;
	return s1;
}

/* The alert of STEP 1 s1 at stage: 0 open, 1 unreachable, 2 confirmed
 * (STEP 2 to do), 3 ruled out, 4 closed with its STEP 2. */
static int
alert(struct demo *d, long long pid, long long s1, time_t t, const enum res *r,
    int stage)
{
	static const char *const status[] = { "open", "unreachable", "confirmed",
	    "ruled_out", "closed" };
	time_t call = t + 2 * DAY, done = t + 20 * DAY;
	long long aid, s2;
	char date[16];
	int f;

	if (db_exec(d->db, DQ(D_ALERT), DB_PARAMS(DBP_INT(pid), DBP_INT(s1),
	    DBP_STR(status[stage]), DBP_INT(stage ? 1 : 0),
	    stage ? DBP_INT(call) : DBP_NULL,
	    stage == 2 || stage == 4 ? DBP_INT(call) : DBP_NULL,
	    stage == 3 ? DBP_INT(call) : DBP_NULL,
	    stage == 3 ? DBP_INT(call) : stage == 4 ? DBP_INT(done) : DBP_NULL,
	    stage ? DBP_INT(d->mgr) : DBP_NULL, DBP_INT(t + 3600),
	    DBP_INT(stage ? call : t + 3600), DBP_INT(d->dr)), NULL) != DB_OK)
		return -1;
	aid = (long long)db_insert_id(d->db);
	for (f = 0; f < F__N; f++)
		if (r[f] == R_ALERT && db_exec(d->db, DQ(D_ALERT_FN), DB_PARAMS(
		    DBP_INT(aid), DBP_INT(d->fn[f])), NULL) != DB_OK)
			return -1;
	if (stage == 0)
		return 0;
	if (db_exec(d->db, DQ(D_CALL), DB_PARAMS(DBP_INT(aid), DBP_INT(call),
	    DBP_INT(d->mgr), DBP_STR(stage == 1 ? "unreachable" : stage == 3 ?
	    "ruled_out" : "confirmed"), DBP_STR(stage == 1 ? "Messagerie : "
	    "rappeler en fin de matinée." : stage == 3 ? "Déjà suivi par son "
	    "médecin traitant pour ce point." : "Gêne confirmée au téléphone.")),
	    NULL) != DB_OK)
		return -1;
	if (stage != 2 && stage != 4)
		return 0;
	if (db_exec(d->db, DQ(D_STEP2), DB_PARAMS(DBP_INT(aid), DBP_INT(pid),
	    DBP_STR(stage == 4 ? "closed" : "requested"), DBP_INT(d->dr),
	    DBP_INT(call), DBP_INT(d->mgr),
	    DBP_STR(stage == 4 ? day(date, sizeof(date), done) : NULL),
	    stage == 4 ? DBP_INT(done) : DBP_NULL, stage == 4 ? DBP_INT(d->dr) : DBP_NULL,
	    DBP_INT(stage == 4 ? done : call), DBP_INT(d->dr)), NULL) != DB_OK)
		return -1;
	s2 = (long long)db_insert_id(d->db);
	if (stage != 4)
		return 0;
	for (f = 0; f < F__N; f++) {
		/* One instrument per function, a score in its "at risk or
		 * worse" band, as a STEP 2 after a confirmed alert often is. */
		static const struct { const char *code; int score; const char *level;
		    const char *label; } ins[F__N] = {
			{ "mmse", 22, "abnormal", "Troubles cognitifs suspectés" },
			{ "sppb", 8, "abnormal", "Mobilité limitée" },
			{ "mna_sf", 10, "risk", "Risque de dénutrition" },
			{ "acuity_distance", 4, "abnormal",
			  "Acuité insuffisante : orienter vers un ophtalmologiste" },
			{ "audiometry", 42, "abnormal",
			  "Déficit auditif : orienter vers un ORL" },
			{ "phq9", 6, "normal", "Normal" },
		};

		if (r[f] != R_ALERT)
			continue;
		if (db_exec(d->db, DQ(D_STEP2_RESULT), DB_PARAMS(DBP_INT(s2),
		    DBP_INT(d->fn[f]), DBP_INT(id_of(d, D_INSTRUMENT, ins[f].code)),
		    DBP_INT(ins[f].score), DBP_STR(ins[f].level),
		    DBP_STR(ins[f].label), DBP_INT(done), DBP_INT(d->dr)),
		    NULL) != DB_OK)
			return -1;
	}
	return 0;
}

static void
draw_results(enum res *r)
{
	int f;

	for (f = 0; f < F__N; f++) {
		unsigned int x = draw(100);

		r[f] = x < 74 ? R_NORMAL : x < 90 ? R_ALERT : R_NOT_ASSESSED;
	}
}

static bool
any_alert(const enum res *r)
{
	int f;

	for (f = 0; f < F__N; f++)
		if (r[f] == R_ALERT)
			return true;
	return false;
}

/* One patient and its history; returns 0 or -1. */
static int
patient(struct demo *d, unsigned int i)
{
	bool woman = draw(3) != 0;
	const char *last = last_names[draw(sizeof(last_names) / sizeof(last_names[0]))];
	const char *first = woman ? women[draw(10)] : men[draw(10)];
	int year = 1932 + (int)draw(30), month = 1 + (int)draw(12);
	char birth[16], ins[16], phone[16], address[64], gp[64];
	long long nir, pid, s1a, s1b;
	enum res ra[F__N], rb[F__N];
	time_t t1, t2;

	snprintf(birth, sizeof(birth), "%04d-%02d-%02d", year, month, 1 + (int)draw(28));
	/* Department 99 with "country" 100 (France itself), order 900-959:
	 * no real NIR looks like this. */
	nir = (woman ? 2LL : 1LL) * 1000000000000LL + (year % 100) * 10000000000LL +
	    month * 100000000LL + 99 * 1000000LL + 100 * 1000LL + 900 + i;
	snprintf(ins, sizeof(ins), "%013lld%02lld", nir, 97 - nir % 97);
	snprintf(phone, sizeof(phone), "05610%05u", draw(100000));
	snprintf(address, sizeof(address), "%u %s", 1 + draw(120),
	    streets[draw(sizeof(streets) / sizeof(streets[0]))]);
	snprintf(gp, sizeof(gp), "Dr %s, Toulouse", last_names[draw(30)]);
	if (db_exec(d->db, DQ(D_PATIENT), DB_PARAMS(DBP_STR(last),
	    woman && draw(3) == 0 ? DBP_STR(last_names[draw(30)]) : DBP_NULL,
	    DBP_STR(first), DBP_STR(woman ? "F" : "M"), DBP_STR(birth),
	    DBP_STR(ins), DBP_STR(address),
	    DBP_STR(postal[draw(sizeof(postal) / sizeof(postal[0]))]),
	    DBP_STR("Toulouse"), DBP_STR(gp), DBP_STR(phone),
	    DBP_INT(d->now - 400 * DAY), DBP_INT(d->dr), DBP_INT(d->now - 400 * DAY),
	    DBP_INT(d->dr)), NULL) != DB_OK)
		return -1;
	pid = (long long)db_insert_id(d->db);
	if (db_exec(d->db, DQ(D_CIRCLE), DB_PARAMS(DBP_INT(pid), DBP_INT(d->dr),
	    DBP_INT(d->now - 400 * DAY), DBP_INT(d->dr)), NULL) != DB_OK ||
	    (i % 2 == 0 && db_exec(d->db, DQ(D_CIRCLE), DB_PARAMS(DBP_INT(pid),
	    DBP_INT(d->ide), DBP_INT(d->now - 300 * DAY), DBP_INT(d->dr)),
	    NULL) != DB_OK))
		return -1;
	if (i % 10 == 9)
		return 0;	/* never screened: due now */

	/* A first STEP 1 7 to 13 months ago; for most, a second 6 months
	 * later, so that some are due again and a few overdue. */
	t1 = d->now - (long)(210 + draw(180)) * DAY;
	draw_results(ra);
	if ((s1a = step1(d, pid, t1, ra, NULL)) == 0)
		return -1;
	t2 = t1 + (long)(180 + draw(20)) * DAY;
	if (i % 4 == 3 || t2 >= d->now) {
		/* Only one STEP 1: its alert is still being handled. */
		if (any_alert(ra) && alert(d, pid, s1a, t1, ra, (int)draw(3)) != 0)
			return -1;
		return 0;
	}
	if (any_alert(ra) && alert(d, pid, s1a, t1, ra, draw(2) ? 4 : 3) != 0)
		return -1;
	draw_results(rb);
	if ((s1b = step1(d, pid, t2, rb, ra)) == 0)
		return -1;
	if (any_alert(rb) && alert(d, pid, s1b, t2, rb, (int)draw(3)) != 0)
		return -1;
	return 0;
}

int
admin_demo_icope(void)
{
	struct demo d;
	struct db_result res;
	unsigned int i;
	int f, rc = 1;

	memset(&d, 0, sizeof(d));
	arena_init(&d.a, 0);
	d.now = time(NULL);
	if ((d.db = app_db_from_config(demo_tables, 1)) == NULL ||
	    db_ensure(d.db) != DB_OK) {
		fprintf(stderr, "parvis-admin: ICOPE demo: cannot reach the database\n");
		goto out;
	}
	if (db_query_row(d.db, &d.a, DQ(D_COUNT), DB_NOPARAMS, &res) != DB_OK)
		goto out;
	if (db_cell_int(&res, 0, 0) > 0) {
		printf("ICOPE demo: demo patients exist already, nothing added\n");
		rc = 0;
		goto out;
	}
	d.dr = id_of(&d, D_USER, "dr.martin");
	d.ide = id_of(&d, D_USER, "ide.bernard");
	d.mgr = id_of(&d, D_USER, "alerte.icope");
	for (f = 0; f < F__N; f++)
		d.fn[f] = id_of(&d, D_FUNCTION, fn_codes[f]);
	if (d.dr == 0 || d.ide == 0 || d.mgr == 0) {
		fprintf(stderr, "parvis-admin: ICOPE demo: the demo accounts "
		    "dr.martin, ide.bernard and alerte.icope are needed\n");
		goto out;
	}
	for (f = 0; f < F__N; f++)
		if (d.fn[f] == 0) {
			fprintf(stderr, "parvis-admin: ICOPE demo: function %s "
			    "missing (migration 007 not applied?)\n", fn_codes[f]);
			goto out;
		}
	if (db_begin(d.db) != DB_OK)
		goto out;
	for (i = 0; i < NPATIENTS; i++) {
		if (patient(&d, i) != 0) {
			fprintf(stderr, "parvis-admin: ICOPE demo: %s\n",
			    db_last_error(d.db));
			db_rollback(d.db);
			goto out;
		}
		arena_reset(&d.a);
	}
	if (db_commit(d.db) != DB_OK)
		goto out;
	printf("ICOPE demo: %d patients of the demo territory, followed by "
	    "dr.martin; alerts for alerte.icope\n", NPATIENTS);
	rc = 0;
out:
	if (d.db != NULL)
		db_free(d.db);
	arena_free(&d.a);
	return rc;
}
