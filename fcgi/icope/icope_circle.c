/*
 * The care circle (entourage professionnel): the professionals who follow
 * the person.  Two kinds of people are in it:
 *
 * - members (care_circle): Parvis accounts, who open the file;
 * - directory contacts (care_circle_contact): professionals of the
 *   directory without a Parvis account, shown with the directory's public
 *   contact details; they do not open the file.
 *
 * Professionals are added several at once from a directory search (name,
 * optionally profession and postal code), from the user's favourite
 * partners, or (accounts without an IDNPS, e.g. coordinators) by a search
 * of the accounts with the pro role.  A directory professional with an
 * active account (app_user.idnps) becomes a member; one without becomes a
 * contact.  A contact who has since got an account is offered "donner
 * l'accès", an explicit action of a member that moves them to the
 * members: access is never granted silently.  The territory's alert
 * managers are offered in one click.  A file keeps at least one member.
 *
 * Every read of the panel and every change is audited with the patient,
 * each change in its transaction.  Only public directory data is read
 * (no CPTS status or note).
 */
#include <stdbool.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "directory.h"
#include "http.h"
#include "icope.h"
#include "valid.h"

enum {
	CIRCLE_LIST,
	CIRCLE_SEARCH,
	CIRCLE_MANAGERS,
	CIRCLE_ELIGIBLE,
	CIRCLE_ADD,
	CIRCLE_REMOVE,
	CIRCLE_LOCK,
	CIRCLE_COUNT,
	CIRCLE_CONTACTS,
	CIRCLE_FAVORITES,
	CIRCLE_DIR_NAME,
	CIRCLE_DIR_NAME_PROF,
	CIRCLE_DIR_PLACE,
	CIRCLE_DIR_PLACE_PROF,
	CIRCLE_PROFESSIONS,
	CIRCLE_DIR_GET,
	CIRCLE_ACCOUNTS,
	CIRCLE_CONTACT_ADD,
	CIRCLE_CONTACT_REMOVE,
	CIRCLE_CONTACT_LOCK,
	CIRCLE_CONTACT_OF_USER,
	CIRCLE__MAX
};
#define Q(i)	DB_STMT(IA_CIRCLE, (i))

#define MAX_ADD		50
#define DIR_SHOWN	20

/* An active account holds this IDNPS (p names the directory row). */
#define HAS_ACCOUNT(col)						\
	"EXISTS (SELECT 1 FROM app_user u WHERE u.idnps = " col		\
	" AND u.status = 'active')"
/* Already in the file's circle, as a member or a contact: 2 parameters
 * (the patient twice). */
#define IN_CIRCLE(col)							\
	"(EXISTS (SELECT 1 FROM care_circle_contact k"			\
	"  WHERE k.patient_id = ? AND k.idnps = " col ")"		\
	" OR EXISTS (SELECT 1 FROM care_circle c"			\
	"  JOIN app_user u ON u.id = c.user_id"				\
	"  WHERE c.patient_id = ? AND u.idnps = " col "))"
/* A directory hit's own columns: has an account, in the circle (2
 * parameters). */
#define DIR_OWN_COLS	HAS_ACCOUNT("p.idnps") ", " IN_CIRCLE("p.idnps")

static const char *const circle_sql[CIRCLE__MAX] = {
	[CIRCLE_LIST] =
	    "SELECT u.id, u.first_name, u.last_name, u.profession, u.structure,"
	    " UNIX_TIMESTAMP(c.added_at), EXISTS (SELECT 1 FROM user_role ur"
	    "  WHERE ur.user_id = u.id AND ur.role = 'alert_manager'"
	    "  AND ur.scope_type = 'territory' AND ur.scope_id = ?)"
	    " FROM care_circle c JOIN app_user u ON u.id = c.user_id"
	    " WHERE c.patient_id = ? ORDER BY u.last_name, u.first_name, u.id",
	[CIRCLE_SEARCH] =
	    "SELECT u.id, u.first_name, u.last_name, u.profession, u.structure"
	    " FROM app_user u WHERE u.status = 'active'"
	    " AND EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = u.id"
	    "  AND ur.role = 'pro')"
	    " AND (u.last_name LIKE ? OR u.first_name LIKE ?"
	    "  OR CONCAT(u.first_name, ' ', u.last_name) LIKE ?"
	    "  OR CONCAT(u.last_name, ' ', u.first_name) LIKE ?)"
	    " AND NOT EXISTS (SELECT 1 FROM care_circle c WHERE c.patient_id = ?"
	    "  AND c.user_id = u.id)"
	    " ORDER BY u.last_name, u.first_name, u.id LIMIT 21",
	[CIRCLE_MANAGERS] =
	    "SELECT u.id, u.first_name, u.last_name, u.profession,"
	    " EXISTS (SELECT 1 FROM care_circle c WHERE c.patient_id = ?"
	    "  AND c.user_id = u.id), u.login"
	    " FROM user_role ur JOIN app_user u ON u.id = ur.user_id"
	    " WHERE ur.role = 'alert_manager' AND ur.scope_type = 'territory'"
	    " AND ur.scope_id = ? AND u.status = 'active'"
	    " ORDER BY u.last_name, u.first_name, u.id",
	[CIRCLE_ELIGIBLE] =
	    "SELECT u.login FROM app_user u WHERE u.id = ? AND u.status = 'active'"
	    " AND EXISTS (SELECT 1 FROM user_role ur WHERE ur.user_id = u.id"
	    "  AND (ur.role = 'pro' OR (ur.role = 'alert_manager'"
	    "  AND ur.scope_type = 'territory' AND ur.scope_id = ?)))",
	[CIRCLE_ADD] =
	    "INSERT IGNORE INTO care_circle (patient_id, user_id, added_at, added_by)"
	    " VALUES (?, ?, FROM_UNIXTIME(?), ?)",
	[CIRCLE_REMOVE] =
	    "DELETE FROM care_circle WHERE patient_id = ? AND user_id = ?",
	/* A removal starts here: the removals of one file take turns, so
	 * that two members removing each other cannot both see two members
	 * (the count below is read once the lock is held, and so sees the
	 * other's removal). */
	[CIRCLE_LOCK] =
	    "SELECT id FROM patient WHERE id = ? FOR UPDATE",
	[CIRCLE_COUNT] =
	    "SELECT COUNT(*) FROM care_circle WHERE patient_id = ?",
	/* The contacts with the directory's details (first present site)
	 * and whether an account has appeared since. */
	[CIRCLE_CONTACTS] =
	    "SELECT k.idnps, p.first_name, p.last_name,"
	    " COALESCE(pr.label, p.profession_code), p.file_status,"
	    " UNIX_TIMESTAMP(k.added_at), " HAS_ACCOUNT("k.idnps") ","
	    " s.street_number, s.street_repeat, s.street_type, s.street_name,"
	    " s.postal_code, s.commune_label, s.phone, s.company_name"
	    " FROM care_circle_contact k"
	    " LEFT JOIN professional p ON p.idnps = k.idnps"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN practice_site s ON s.id = (SELECT MIN(s2.id)"
	    "  FROM practice_site s2 WHERE s2.idnps = k.idnps"
	    "  AND s2.status = 'present')"
	    " WHERE k.patient_id = ? ORDER BY p.last_key, p.first_key, k.idnps",
	/* The user's favourite partners; f.idnps is converted to the
	 * directory's character set so that its unique key is used. */
	[CIRCLE_FAVORITES] =
	    "SELECT f.idnps, p.first_name, p.last_name,"
	    " COALESCE(pr.label, p.profession_code),"
	    " " DIR_SQL_FIRST_TOWN ", " HAS_ACCOUNT("f.idnps") ","
	    " " IN_CIRCLE("f.idnps") ", p.idnps IS NOT NULL"
	    " FROM user_favorite_partner f"
	    " LEFT JOIN professional p ON p.idnps = CONVERT(f.idnps USING ascii)"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " WHERE f.user_id = ? ORDER BY f.position, f.created_at",
	/* Directory searches, one per shape so that each reads its index:
	 * professional_name, professional_profession, site_place. */
	[CIRCLE_DIR_NAME] = DIR_SQL_BY_NAME(DIR_OWN_COLS),
	[CIRCLE_DIR_NAME_PROF] = DIR_SQL_BY_NAME_PROF(DIR_OWN_COLS),
	[CIRCLE_DIR_PLACE] = DIR_SQL_BY_PLACE(DIR_OWN_COLS),
	[CIRCLE_DIR_PLACE_PROF] = DIR_SQL_BY_PLACE_PROF(DIR_OWN_COLS),
	[CIRCLE_PROFESSIONS] = DIR_SQL_PROFESSIONS,
	[CIRCLE_DIR_GET] =
	    "SELECT p.last_name, p.first_name FROM professional p WHERE p.idnps = ?",
	[CIRCLE_ACCOUNTS] =
	    "SELECT u.id, u.login FROM app_user u WHERE u.idnps = ?"
	    " AND u.status = 'active' ORDER BY u.id LIMIT 5",
	[CIRCLE_CONTACT_ADD] =
	    "INSERT IGNORE INTO care_circle_contact (patient_id, idnps, added_at,"
	    " added_by) VALUES (?, ?, FROM_UNIXTIME(?), ?)",
	[CIRCLE_CONTACT_REMOVE] =
	    "DELETE FROM care_circle_contact WHERE patient_id = ? AND idnps = ?",
	[CIRCLE_CONTACT_LOCK] =
	    "SELECT idnps FROM care_circle_contact WHERE patient_id = ?"
	    " AND idnps = ? FOR UPDATE",
	/* A member's contact row (same IDNPS), which their membership
	 * replaces. */
	[CIRCLE_CONTACT_OF_USER] =
	    "DELETE k FROM care_circle_contact k JOIN app_user u"
	    " ON u.idnps = k.idnps WHERE k.patient_id = ? AND u.id = ?",
};

/* ---- directory search helpers ---- */

/* The RPPS or ADELI number people know, from an IDNPS. */
static const char *
idnps_label(struct req *r, const char *idnps)
{
	if (idnps == NULL || *idnps == '\0')
		return "";
	return arena_printf(&r->arena, "%s %s", idnps[0] == '8' ? "RPPS" :
	    "ADELI", idnps + 1);
}

/*
 * The directory search of the panel (?nom=, profession=, code_postal=):
 * at most DIR_SHOWN hits, each with a checkbox unless already in the
 * circle.  Returns 0 or -1.
 */
static int
directory_search(struct req *r, struct tdict *ctx, const struct icope_patient *p)
{
	static const struct dir_search_stmts stmts = {
		Q(CIRCLE_DIR_NAME), Q(CIRCLE_DIR_NAME_PROF),
		Q(CIRCLE_DIR_PLACE), Q(CIRCLE_DIR_PLACE_PROF)
	};
	struct dir_criteria c = { http_trim(r, http_query(r, "nom")),
	    http_trim(r, http_query(r, "profession")),
	    http_trim(r, http_query(r, "code_postal")), { NULL, NULL, NULL } };
	struct db_result res;
	struct tlist *l;
	size_t i;
	bool more;
	unsigned bad;

	tdict_str(ctx, "nom", c.name);
	tdict_str(ctx, "code_postal", c.postal_code);
	if (*c.name == '\0' && *c.profession == '\0' && *c.postal_code == '\0')
		return 0;
	if ((bad = dir_criteria_check(&r->arena, &c)) != 0) {
		struct form_errors e = { 0 };

		/* As <field>_error: the file page shows other forms' errors. */
		dir_criteria_errors(bad, &e);
		for (i = 0; i < e.n; i++)
			tdict_str(ctx, arena_printf(&r->arena, "%s_error",
			    e.field[i]), e.message[i]);
		tdict_bool(ctx, "dir_errors", true);
		return 0;
	}
	if (dir_search(r->app->db, &r->arena, &stmts, DB_PARAMS(DBP_INT(p->id),
	    DBP_INT(p->id)), &c, DIR_SHOWN, &res, &more) != DB_OK)
		return -1;
	l = tdict_list(ctx, "dir_found");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		dir_hit_tdict(d, &res, i);
		tdict_bool(d, "account", db_cell_int(&res, i, 5) != 0);
		tdict_bool(d, "in_circle", db_cell_int(&res, i, 6) != 0);
	}
	tdict_bool(ctx, "dir_searched", true);
	tdict_bool(ctx, "dir_has_found", res.nrows > 0);
	tdict_bool(ctx, "dir_more", more);
	return 0;
}

/* Commits the change and answers with the circle panel, ?flag=1 telling
 * what was done.  Returns the answer, or -1 after a failure (rolled
 * back). */
static int
circle_done(struct req *r, const struct icope_patient *p, const char *flag)
{
	if (db_commit(r->app->db) != DB_OK) {
		db_rollback(r->app->db);
		return -1;
	}
	return http_redirect(r, arena_printf(&r->arena, "%s?%s=1",
	    icope_panel_path(r, p->id, PANEL_CIRCLE), flag));
}

/* The profession choices of the search form, prof selected. */
static int
professions_ctx(struct req *r, struct tdict *ctx)
{
	return dir_professions(r->app->db, &r->arena, Q(CIRCLE_PROFESSIONS),
	    http_query(r, "profession"), tdict_list(ctx, "professions"));
}

static int
circle_page(struct req *r, struct icope_patient *p, int status,
    const char *error)
{
	const char *q = http_trim(r, http_query(r, "q"));
	struct db_result res, mgr, found, con, fav;
	struct tdict *ctx;
	struct tlist *l;
	size_t i, missing = 0, addable = 0;

	if (db_query(r->app->db, &r->arena, Q(CIRCLE_LIST), DB_PARAMS(
	    DBP_INT(p->territory_id), DBP_INT(p->id)), &res) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(CIRCLE_CONTACTS), DB_PARAMS(
	    DBP_INT(p->id)), &con) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(CIRCLE_FAVORITES), DB_PARAMS(
	    DBP_INT(p->id), DBP_INT(p->id), DBP_INT(r->session->user_id)),
	    &fav) != DB_OK)
		return -1;
	/* Every showing of the circle is a read, a form shown again too. */
	if (audit(r, "patient.read", "patient", arena_printf(&r->arena, "%lld",
	    p->id), p->id, AUDIT_OK, "entourage") != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, p, PANEL_CIRCLE) != 0)
		return -1;
	tdict_str(ctx, "title", "Entourage");
	tdict_str(ctx, "error", error);
	tdict_bool(ctx, "added", http_query(r, "ajout") != NULL);
	tdict_bool(ctx, "removed", http_query(r, "retrait") != NULL);
	tdict_bool(ctx, "granted", http_query(r, "acces") != NULL);
	l = tdict_list(ctx, "members");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&res, i, 0));
		tdict_strf(d, "name", "%s %s", db_cell(&res, i, 1), db_cell(&res, i, 2));
		tdict_str(d, "profession", db_cell(&res, i, 3));
		tdict_str(d, "structure", db_cell(&res, i, 4));
		tdict_str(d, "added_at", http_date_fr(r, db_cell_int(&res, i, 5), false));
		tdict_bool(d, "manager", db_cell_int(&res, i, 6) != 0);
		tdict_bool(d, "me", db_cell_int(&res, i, 0) == r->session->user_id);
	}
	tdict_bool(ctx, "several", res.nrows > 1);

	l = tdict_list(ctx, "contacts");
	for (i = 0; i < con.nrows; i++) {
		struct tdict *d = tlist_add(l);
		const char *id = db_cell(&con, i, 0), *pc = db_cell(&con, i, 11);

		tdict_str(d, "idnps", id);
		tdict_str(d, "number", idnps_label(r, id));
		if (db_cell(&con, i, 2) != NULL)
			tdict_strf(d, "name", "%s %s", db_cell(&con, i, 1),
			    db_cell(&con, i, 2));
		else
			tdict_str(d, "name", idnps_label(r, id));
		tdict_str(d, "profession", db_cell(&con, i, 3));
		tdict_bool(d, "gone", db_cell(&con, i, 4) == NULL ||
		    strcmp(db_cell(&con, i, 4), "present") != 0);
		tdict_str(d, "added_at", http_date_fr(r, db_cell_int(&con, i, 5), false));
		tdict_bool(d, "account", db_cell_int(&con, i, 6) != 0);
		tdict_str(d, "company", db_cell(&con, i, 14));
		tdict_str(d, "street", dir_street_line(&r->arena, &con, i, 7));
		if (pc != NULL)
			tdict_strf(d, "town", "%s %s", pc, db_cell(&con, i, 12) != NULL ?
			    db_cell(&con, i, 12) : "");
		tdict_str(d, "phone", phone_display(&r->arena, db_cell(&con, i, 13)));
	}
	tdict_bool(ctx, "has_contacts", con.nrows > 0);

	l = tdict_list(ctx, "favorites");
	for (i = 0; i < fav.nrows; i++) {
		struct tdict *d = tlist_add(l);
		const char *id = db_cell(&fav, i, 0);
		bool in_dir = db_cell_int(&fav, i, 7) != 0;
		bool account = db_cell_int(&fav, i, 5) != 0;
		bool in_circle = db_cell_int(&fav, i, 6) != 0;

		tdict_str(d, "idnps", id);
		if (in_dir)
			tdict_strf(d, "name", "%s %s", db_cell(&fav, i, 1),
			    db_cell(&fav, i, 2));
		else
			tdict_str(d, "name", idnps_label(r, id));
		tdict_str(d, "profession", db_cell(&fav, i, 3));
		tdict_str(d, "town", db_cell(&fav, i, 4));
		tdict_bool(d, "account", account);
		tdict_bool(d, "in_circle", in_circle);
		tdict_bool(d, "unknown", !in_dir);
		/* Not in the directory and no account: nothing to show nor
		 * to grant, so it cannot be added. */
		tdict_bool(d, "addable", !in_circle && (in_dir || account));
		if (!in_circle && (in_dir || account))
			addable++;
	}
	tdict_bool(ctx, "has_favorites", fav.nrows > 0);
	tdict_bool(ctx, "favorites_addable", addable > 0);

	if (p->territory_id != 0) {
		if (db_query(r->app->db, &r->arena, Q(CIRCLE_MANAGERS), DB_PARAMS(
		    DBP_INT(p->id), DBP_INT(p->territory_id)), &mgr) != DB_OK)
			return -1;
		l = tdict_list(ctx, "managers");
		for (i = 0; i < mgr.nrows; i++) {
			struct tdict *d = tlist_add(l);

			tdict_int(d, "id", db_cell_int(&mgr, i, 0));
			tdict_strf(d, "name", "%s %s", db_cell(&mgr, i, 1),
			    db_cell(&mgr, i, 2));
			tdict_str(d, "profession", db_cell(&mgr, i, 3));
			tdict_bool(d, "in_circle", db_cell_int(&mgr, i, 4) != 0);
			if (db_cell_int(&mgr, i, 4) == 0)
				missing++;
		}
		tdict_bool(ctx, "has_managers", mgr.nrows > 0);
		tdict_bool(ctx, "managers_missing", missing > 0);
	}

	if (professions_ctx(r, ctx) != 0 || directory_search(r, ctx, p) != 0)
		return -1;

	tdict_str(ctx, "q", q);
	if (*q != '\0' && valid_text(q, 2, 100) == NULL) {
		const char *like = icope_like_prefix(r, q);

		if (db_query(r->app->db, &r->arena, Q(CIRCLE_SEARCH), DB_PARAMS(
		    DBP_STR(like), DBP_STR(like), DBP_STR(like), DBP_STR(like),
		    DBP_INT(p->id)), &found) != DB_OK)
			return -1;
		l = tdict_list(ctx, "found");
		for (i = 0; i < found.nrows && i < 20; i++) {
			struct tdict *d = tlist_add(l);

			tdict_int(d, "id", db_cell_int(&found, i, 0));
			tdict_strf(d, "name", "%s %s", db_cell(&found, i, 1),
			    db_cell(&found, i, 2));
			tdict_str(d, "profession", db_cell(&found, i, 3));
			tdict_str(d, "structure", db_cell(&found, i, 4));
		}
		tdict_bool(ctx, "searched", true);
		tdict_bool(ctx, "has_found", found.nrows > 0);
		tdict_bool(ctx, "more_found", found.nrows > 20);
	} else if (*q != '\0')
		tdict_str(ctx, "search_error", "Saisissez au moins 2 caractères du nom.");
	return http_render(r, status, "icope/panel_circle", ctx);
}

static int
circle_get(struct req *r)
{
	struct icope_patient p;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	return circle_page(r, &p, 200, NULL);
}

/* Adds account uid (checked eligible) as a member, audited; returns the
 * db result (DB_NOT_FOUND: not eligible). */
static enum db_rc
member_add(struct req *r, const struct icope_patient *p, long long uid,
    const char *why)
{
	struct db *db = r->app->db;
	struct db_result res;
	unsigned long long n = 0;
	enum db_rc rc;

	if ((rc = db_query_row(db, &r->arena, Q(CIRCLE_ELIGIBLE), DB_PARAMS(
	    DBP_INT(uid), DBP_INT(p->territory_id)), &res)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, Q(CIRCLE_ADD), DB_PARAMS(DBP_INT(p->id),
	    DBP_INT(uid), DBP_INT(r->now), DBP_INT(r->session->user_id)),
	    &n)) != DB_OK)
		return rc;
	if (n == 0)
		return DB_OK;
	if ((rc = audit(r, "circle.add", "patient", arena_printf(&r->arena,
	    "%lld", p->id), p->id, AUDIT_OK, arena_printf(&r->arena,
	    "utilisateur %s%s", db_cell(&res, 0, 0), why != NULL ? why : ""))) !=
	    DB_OK)
		return rc;
	/* Added explicitly now: a contact row of theirs is moved. */
	if ((rc = db_exec(db, Q(CIRCLE_CONTACT_OF_USER), DB_PARAMS(DBP_INT(p->id),
	    DBP_INT(uid)), &n)) != DB_OK || n == 0)
		return rc;
	return audit(r, "circle.contact.access", "patient", arena_printf(&r->arena,
	    "%lld", p->id), p->id, AUDIT_OK, arena_printf(&r->arena,
	    "utilisateur %s", db_cell(&res, 0, 0)));
}

/*
 * Adds the directory professional idnps: the active accounts holding it
 * become members (and a contact row of theirs goes), otherwise a contact.
 * Returns the db result; DB_NOT_FOUND when the number is neither in the
 * directory nor an account's.
 */
static enum db_rc
idnps_add(struct req *r, const struct icope_patient *p, const char *idnps)
{
	struct db *db = r->app->db;
	struct db_result acc, pro;
	unsigned long long n = 0;
	const char *pid = arena_printf(&r->arena, "%lld", p->id);
	size_t i;
	enum db_rc rc;

	if ((rc = db_query(db, &r->arena, Q(CIRCLE_ACCOUNTS), DB_PARAMS(
	    DBP_STR(idnps)), &acc)) != DB_OK)
		return rc;
	if (acc.nrows > 0) {
		for (i = 0; i < acc.nrows; i++) {
			if ((rc = db_exec(db, Q(CIRCLE_ADD), DB_PARAMS(DBP_INT(p->id),
			    DBP_INT(db_cell_int(&acc, i, 0)), DBP_INT(r->now),
			    DBP_INT(r->session->user_id)), &n)) != DB_OK)
				return rc;
			if (n > 0 && (rc = audit(r, "circle.add", "patient", pid,
			    p->id, AUDIT_OK, arena_printf(&r->arena,
			    "utilisateur %s (IDNPS %s)", db_cell(&acc, i, 1),
			    idnps))) != DB_OK)
				return rc;
		}
		/* Added explicitly now: a contact row of theirs is moved. */
		if ((rc = db_exec(db, Q(CIRCLE_CONTACT_REMOVE), DB_PARAMS(
		    DBP_INT(p->id), DBP_STR(idnps)), &n)) != DB_OK)
			return rc;
		if (n > 0)
			return audit(r, "circle.contact.access", "patient", pid,
			    p->id, AUDIT_OK, arena_printf(&r->arena, "IDNPS %s",
			    idnps));
		return DB_OK;
	}
	if ((rc = db_query_row(db, &r->arena, Q(CIRCLE_DIR_GET), DB_PARAMS(
	    DBP_STR(idnps)), &pro)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, Q(CIRCLE_CONTACT_ADD), DB_PARAMS(DBP_INT(p->id),
	    DBP_STR(idnps), DBP_INT(r->now), DBP_INT(r->session->user_id)),
	    &n)) != DB_OK)
		return rc;
	if (n == 0)
		return DB_OK;
	return audit(r, "circle.contact.add", "patient", pid, p->id, AUDIT_OK,
	    arena_printf(&r->arena, "IDNPS %s, sans compte Parvis", idnps));
}

static int
circle_add(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	long long uids[MAX_ADD];
	const char *ids[MAX_ADD];
	size_t i, j, n = 0, nid = 0;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	for (i = 0; i < r->form.n; i++) {
		const char *v = r->form.v[i].value;
		long long uid;

		if (strcmp(r->form.v[i].name, "idnps") == 0) {
			if (v == NULL || valid_idnps(v, 0, 0) != NULL)
				return circle_page(r, &p, 422, "Choisissez des "
				    "professionnels dans la liste.");
			for (j = 0; j < nid && strcmp(ids[j], v) != 0; j++)
				continue;
			if (j < nid)
				continue;
			if (n + nid == MAX_ADD)
				return circle_page(r, &p, 422, "Ajoutez au plus 50 "
				    "professionnels à la fois.");
			ids[nid++] = v;
			continue;
		}
		if (strcmp(r->form.v[i].name, "pro") != 0)
			continue;
		if (valid_parse_ll(v, 1, 999999999999LL, &uid) != 0)
			return circle_page(r, &p, 422, "Choisissez des professionnels "
			    "dans la liste.");
		for (j = 0; j < n && uids[j] != uid; j++)
			continue;
		if (j < n)
			continue;
		if (n + nid == MAX_ADD)
			return circle_page(r, &p, 422, "Ajoutez au plus 50 "
			    "professionnels à la fois.");
		uids[n++] = uid;
	}
	if (n + nid == 0)
		return circle_page(r, &p, 422, "Cochez au moins un professionnel "
		    "à ajouter.");
	if (db_begin(db) != DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		switch (member_add(r, &p, uids[i], NULL)) {
		case DB_OK:
			break;
		case DB_NOT_FOUND:
			db_rollback(db);
			return circle_page(r, &p, 422, "Seuls les professionnels "
			    "et les gestionnaires d'alerte du territoire peuvent "
			    "faire partie de l'entourage.");
		default:
			goto fail;
		}
	}
	for (i = 0; i < nid; i++) {
		switch (idnps_add(r, &p, ids[i])) {
		case DB_OK:
			break;
		case DB_NOT_FOUND:
			db_rollback(db);
			return circle_page(r, &p, 422, arena_printf(&r->arena,
			    "Le professionnel %s ne figure pas dans l'annuaire : "
			    "il ne peut pas être ajouté.", idnps_label(r, ids[i])));
		default:
			goto fail;
		}
	}
	return circle_done(r, &p, "ajout");
fail:
	db_rollback(db);
	return -1;
}

/* The territory's alert managers not yet in the circle, in one click. */
static int
circle_add_managers(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	struct db_result mgr;
	size_t i, added = 0;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (p.territory_id == 0)
		return circle_page(r, &p, 422, "Ce dossier n'a pas de territoire : "
		    "aucun gestionnaire d'alerte à ajouter.");
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_query(db, &r->arena, Q(CIRCLE_MANAGERS), DB_PARAMS(DBP_INT(p.id),
	    DBP_INT(p.territory_id)), &mgr) != DB_OK)
		goto fail;
	for (i = 0; i < mgr.nrows; i++) {
		if (db_cell_int(&mgr, i, 4) != 0)
			continue;
		if (member_add(r, &p, db_cell_int(&mgr, i, 0),
		    ", gestionnaire d'alerte") != DB_OK)
			goto fail;
		added++;
	}
	if (added == 0) {
		db_rollback(db);
		return circle_page(r, &p, 422, "Les gestionnaires d'alerte du "
		    "territoire font déjà partie de l'entourage.");
	}
	return circle_done(r, &p, "ajout");
fail:
	db_rollback(db);
	return -1;
}

/* Removes a directory contact (form field contact=IDNPS). */
static int
contact_remove(struct req *r, struct icope_patient *p, const char *idnps)
{
	struct db *db = r->app->db;
	unsigned long long affected = 0;

	if (valid_idnps(idnps, 0, 0) != NULL)
		return circle_page(r, p, 422, "Choisissez le professionnel à retirer.");
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(CIRCLE_CONTACT_REMOVE), DB_PARAMS(DBP_INT(p->id),
	    DBP_STR(idnps)), &affected) != DB_OK)
		goto fail;
	if (affected == 0) {
		db_rollback(db);
		return circle_page(r, p, 422, "Ce professionnel ne fait pas "
		    "partie de l'entourage.");
	}
	if (audit(r, "circle.contact.remove", "patient", arena_printf(&r->arena,
	    "%lld", p->id), p->id, AUDIT_OK, arena_printf(&r->arena,
	    "IDNPS %s", idnps)) != DB_OK)
		goto fail;
	return circle_done(r, p, "retrait");
fail:
	db_rollback(db);
	return -1;
}

static int
circle_remove(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	struct db_result res;
	unsigned long long affected = 0;
	const char *contact = http_form(r, "contact");
	long long uid, pid;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (contact != NULL)
		return contact_remove(r, &p, contact);
	if (valid_parse_ll(http_form(r, "pro"), 1, 999999999999LL, &uid) != 0)
		return circle_page(r, &p, 422, "Choisissez le professionnel à retirer.");
	pid = p.id;
	if (!http_begin_locked(r, Q(CIRCLE_LOCK), pid, &res, ICOPE_NO_ACCESS,
	    &rc))
		return rc;
	/* Still the user's file now that removals wait for this one (they
	 * may have been removed a moment ago): no page of it otherwise. */
	switch (icope_patient_load(r, pid, &p)) {
	case 0:
		break;
	case 1:
		db_rollback(db);
		if (audit(r, "patient.denied", "patient", arena_printf(&r->arena,
		    "%lld", pid), pid, AUDIT_DENIED, r->path) != DB_OK)
			return -1;
		return http_error(r, 403, ICOPE_NO_ACCESS);
	default:
		goto fail;
	}
	if (db_query_row(db, &r->arena, Q(CIRCLE_COUNT), DB_PARAMS(DBP_INT(p.id)),
	    &res) != DB_OK)
		goto fail;
	if (db_cell_int(&res, 0, 0) <= 1) {
		db_rollback(db);
		return circle_page(r, &p, 409, "L'entourage doit compter au moins "
		    "un professionnel : ajoutez-en un autre avant de retirer "
		    "celui-ci.");
	}
	if (db_exec(db, Q(CIRCLE_REMOVE), DB_PARAMS(DBP_INT(p.id), DBP_INT(uid)),
	    &affected) != DB_OK)
		goto fail;
	if (affected == 0) {
		db_rollback(db);
		return circle_page(r, &p, 422, "Ce professionnel ne fait pas "
		    "partie de l'entourage.");
	}
	if (audit(r, "circle.remove", "patient", arena_printf(&r->arena, "%lld",
	    p.id), p.id, AUDIT_OK, arena_printf(&r->arena, "utilisateur %lld",
	    uid)) != DB_OK)
		goto fail;
	/* Leaving the circle may close the file to the user. */
	if (uid == r->session->user_id && !p.manager) {
		if (db_commit(db) != DB_OK)
			goto fail;
		return http_redirect(r, "/icope/usagers");
	}
	return circle_done(r, &p, "retrait");
fail:
	db_rollback(db);
	return -1;
}

/*
 * "Donner l'accès": a contact who has got an account since becomes a
 * member, by the explicit action of someone who may open the file.
 */
static int
circle_grant(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	struct db_result res, acc;
	const char *idnps = http_form(r, "contact");
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (idnps == NULL || valid_idnps(idnps, 0, 0) != NULL)
		return circle_page(r, &p, 422, "Choisissez le professionnel à qui "
		    "donner l'accès.");
	if (db_begin(db) != DB_OK)
		return -1;
	switch (db_query_row(db, &r->arena, Q(CIRCLE_CONTACT_LOCK), DB_PARAMS(
	    DBP_INT(p.id), DBP_STR(idnps)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		db_rollback(db);
		return circle_page(r, &p, 422, "Ce professionnel ne fait pas "
		    "partie de l'entourage.");
	default:
		goto fail;
	}
	if (db_query(db, &r->arena, Q(CIRCLE_ACCOUNTS), DB_PARAMS(DBP_STR(idnps)),
	    &acc) != DB_OK)
		goto fail;
	if (acc.nrows == 0) {
		db_rollback(db);
		return circle_page(r, &p, 409, "Ce professionnel n'a pas encore de "
		    "compte Parvis : l'accès au dossier ne peut pas lui être donné.");
	}
	if (idnps_add(r, &p, idnps) != DB_OK)
		goto fail;
	return circle_done(r, &p, "acces");
fail:
	db_rollback(db);
	return -1;
}

static const struct route circle_routes[] = {
	{ "GET",  "/icope/usagers/{id}/entourage",	   circle_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/ajout",   circle_add,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/gestionnaires", circle_add_managers, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/retrait", circle_remove, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/acces",   circle_grant,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_circle_area = {
	"circle", circle_routes, sizeof(circle_routes) / sizeof(circle_routes[0]),
	circle_sql, CIRCLE__MAX,
};
