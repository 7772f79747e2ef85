/*
 * A professional's sheet, GET /annuaire/pro/{idnps}: identity, profession,
 * specialties, practice sites with address and phone, published e-mail
 * and MSSanté addresses, care modalities, equipment, languages, and the
 * CPTS memberships each viewer may see:
 *
 *   - every user sees "adhérent de la CPTS X";
 *   - the professional themself (app_user.idnps) also sees "membre";
 *   - the managers of a CPTS see, for that CPTS only, its status whatever
 *     it is, its private note and their history, and change them
 *     (POST /annuaire/pro/{idnps}/statut).
 *
 * These rules live in the queries: the public statement only returns
 * adhérent (and membre for the professional's own sheet); the private one
 * runs only for a CPTS the session manages.
 */
#include <stdio.h>
#include <string.h>

#include "annuaire.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "rpps.h"
#include "valid.h"

enum {
	SH_PRO,
	SH_SITES,
	SH_SKILLS,
	SH_MSSANTE,
	SH_OPTIONS,
	SH_PUBLIC_CPTS,
	SH_VIEWER_IDNPS,
	SH_CPTS_NAMES,
	SH_PRIVATE,
	SH_HISTORY,
	SH_LAST_IMPORT,
	ST_LOCK,
	ST_UPSERT,
	ST_HISTORY,
	SH__MAX
};
#define Q(i)	DB_STMT(AA_SHEET, (i))

static const char *const sheet_sql[SH__MAX] = {
	[SH_PRO] =
	    "SELECT p.idnps, p.id_type, p.last_name, p.first_name,"
	    " COALESCE(t.label, ''), COALESCE(pr.label, p.profession_code),"
	    " p.file_status, UNIX_TIMESTAMP(p.first_seen_at),"
	    " COALESCE(UNIX_TIMESTAMP(p.disappeared_at), 0),"
	    " UNIX_TIMESTAMP(p.last_seen_at), COALESCE(UNIX_TIMESTAMP(p.moved_at), 0),"
	    " c.email, COALESCE(c.about, ''), COALESCE(c.completed, 0)"
	    " FROM professional p"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN rpps_label t ON t.kind = 'practice_title' AND t.code = p.practice_title"
	    " LEFT JOIN professional_card c ON c.idnps = p.idnps"
	    " WHERE p.idnps = ?",
	[SH_SITES] =
	    "SELECT s.company_name, s.trade_name, s.street_number, s.street_repeat,"
	    " s.street_type, s.street_name, s.addr_distribution, s.postal_code,"
	    " s.commune_label, s.phone, s.phone2, s.email,"
	    " COALESCE(m.label, s.mode_code), COALESCE(se.label, s.sector_code),"
	    " s.addr_recipient, s.addr_geo"
	    " FROM practice_site s"
	    " LEFT JOIN rpps_label m ON m.kind = 'mode' AND m.code = s.mode_code"
	    " LEFT JOIN rpps_label se ON se.kind = 'sector' AND se.code = s.sector_code"
	    " WHERE s.idnps = ? AND s.status = 'present' ORDER BY s.id",
	[SH_SKILLS] =
	    "SELECT COALESCE(r.label, k.skill_code), COALESCE(r.type_label, '')"
	    " FROM professional_skill k LEFT JOIN rpps_skill r ON r.code = k.skill_code"
	    " WHERE k.idnps = ? ORDER BY r.type_code <> 'S', r.type_label, r.label",
	[SH_MSSANTE] =
	    "SELECT address FROM professional_mssante WHERE idnps = ? ORDER BY address",
	[SH_OPTIONS] =
	    "SELECT DISTINCT o.kind, d.label, d.position FROM professional_option o"
	    " JOIN directory_option d ON d.kind = o.kind AND d.code = o.code"
	    " WHERE o.idnps = ? ORDER BY o.kind, d.position",
	/* What anyone may see: adhérent; membre too on one's own sheet. */
	[SH_PUBLIC_CPTS] =
	    "SELECT c.name, cp.status FROM cpts_professional cp"
	    " JOIN cpts c ON c.id = cp.cpts_id WHERE cp.idnps = ?"
	    " AND (cp.status = 'adherent' OR (? AND cp.status = 'membre'))"
	    " ORDER BY c.name",
	[SH_VIEWER_IDNPS] =
	    "SELECT COALESCE(idnps, '') FROM app_user WHERE id = ?",
	[SH_CPTS_NAMES] =
	    "SELECT c.id, c.name FROM cpts c WHERE c.id IN " SQL_JT("?")
	    " ORDER BY c.name",
	/* Run only for a CPTS the session manages. */
	[SH_PRIVATE] =
	    "SELECT cp.status, cp.note, UNIX_TIMESTAMP(cp.updated_at)"
	    " FROM cpts_professional cp WHERE cp.cpts_id = ? AND cp.idnps = ?",
	[SH_HISTORY] =
	    "SELECT UNIX_TIMESTAMP(h.changed_at),"
	    " COALESCE(CONCAT(u.first_name, ' ', u.last_name), 'parvis-admin'),"
	    " h.field, h.old_value, h.new_value"
	    " FROM cpts_professional_history h LEFT JOIN app_user u ON u.id = h.changed_by"
	    " WHERE h.cpts_id = ? AND h.idnps = ? ORDER BY h.changed_at DESC, h.id DESC"
	    " LIMIT 200",
	[SH_LAST_IMPORT] =
	    "SELECT COALESCE(UNIX_TIMESTAMP(MAX(started_at)), 0) FROM rpps_import"
	    " WHERE kind = 'activite' AND status = 'done'",
	[ST_LOCK] =
	    "SELECT status, note FROM cpts_professional WHERE cpts_id = ? AND idnps = ?"
	    " FOR UPDATE",
	[ST_UPSERT] =
	    "INSERT INTO cpts_professional (cpts_id, idnps, status, note, updated_by)"
	    " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE status = VALUES(status),"
	    " note = VALUES(note), updated_by = VALUES(updated_by)",
	[ST_HISTORY] =
	    "INSERT INTO cpts_professional_history (cpts_id, idnps, changed_at,"
	    " changed_by, field, old_value, new_value)"
	    " VALUES (?, ?, FROM_UNIXTIME(?), ?, ?, ?, ?)",
};

#define NOTE_MAX	4000
#define MAX_MANAGED	32

/* What the status form sent back, when it must be shown again. */
struct status_form {
	const char	*status;
	const char	*note;
	const char	*error;		/* summary */
	const char	*status_error;
	const char	*note_error;
};

/* The IDNPS of the URL, or NULL when it has not the shape of one. */
static const char *
path_idnps(struct req *r)
{
	const char *id = http_path_param(r, "idnps");

	return id != NULL && rpps_idnps_ok(id) ? id : NULL;
}

/* The CPTS whose private block the sheet shows: ?cpts= / the form's, else
 * the first the user manages; 0 when none.  Returns 0, 1 when answered
 * (403), -1. */
static int
sheet_cpts(struct req *r, const char *value, long long *id)
{
	long long ids[MAX_MANAGED];

	*id = 0;
	if (value != NULL && *value != '\0') {
		if (valid_parse_ll(value, 1, 9007199254740991LL, id) != 0 ||
		    !annuaire_manages(r, *id)) {
			if (audit(r, "cpts.access", "cpts", value, 0, AUDIT_DENIED,
			    r->path) != DB_OK)
				return -1;
			http_error(r, 403, "Vous ne gérez pas cette CPTS.");
			return 1;
		}
		return 0;
	}
	if (annuaire_managed_cpts(r, ids, MAX_MANAGED) > 0)
		*id = ids[0];
	return 0;
}

static int
sheet_private(struct req *r, struct tdict *ctx, const char *idnps,
    long long cpts_id, const struct status_form *form)
{
	long long ids[MAX_MANAGED];
	const char *list[MAX_MANAGED];
	struct db_result res, names;
	struct tdict *pv = tdict_dict(ctx, "private");
	struct tlist *l;
	enum cpts_status cur = CS_INCONNU;
	const char *note = "";
	size_t n, i;

	n = annuaire_managed_cpts(r, ids, MAX_MANAGED);
	for (i = 0; i < n; i++)
		list[i] = arena_printf(&r->arena, "%lld", ids[i]);
	if (db_query(r->app->db, &r->arena, Q(SH_CPTS_NAMES), DB_PARAMS(
	    DBP_STR(annuaire_json_list(r, list, n))), &names) != DB_OK)
		return -1;
	l = tdict_list(pv, "my_cpts");
	for (i = 0; i < names.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "id", db_cell(&names, i, 0));
		tdict_str(d, "name", db_cell(&names, i, 1));
		if (db_cell_int(&names, i, 0) == cpts_id) {
			tdict_bool(d, "selected", true);
			tdict_str(pv, "cpts_name", db_cell(&names, i, 1));
		}
	}
	tdict_bool(pv, "several_cpts", names.nrows > 1);
	tdict_int(pv, "cpts_id", cpts_id);
	switch (db_query_row(r->app->db, &r->arena, Q(SH_PRIVATE), DB_PARAMS(
	    DBP_INT(cpts_id), DBP_STR(idnps)), &res)) {
	case DB_OK:
		cur = cpts_status_parse(db_cell(&res, 0, 0));
		note = db_cell(&res, 0, 1);
		tdict_str(pv, "updated", http_date_fr(r,
		    (time_t)db_cell_int(&res, 0, 2), true));
		break;
	case DB_NOT_FOUND:
		break;
	default:
		return -1;
	}
	cpts_status_tdict(pv, cur);
	tdict_str(pv, "note", note);
	tdict_bool(pv, "has_note", note != NULL && *note != '\0');
	/* The form: the values sent back after an error, else the stored. */
	tdict_str(pv, "form_note", form != NULL ? form->note : note);
	l = tdict_list(pv, "statuses");
	for (i = 0; i < CS__MAX; i++) {
		struct tdict *d = tlist_add(l);
		const char *code = cpts_status_code((enum cpts_status)i);

		cpts_status_tdict(d, (enum cpts_status)i);
		tdict_bool(d, "checked", form != NULL && form->status != NULL ?
		    strcmp(form->status, code) == 0 : (enum cpts_status)i == cur);
	}
	if (form != NULL) {
		tdict_str(pv, "error", form->error);
		tdict_str(pv, "status_error", form->status_error);
		tdict_str(pv, "note_error", form->note_error);
	}
	if (db_query(r->app->db, &r->arena, Q(SH_HISTORY), DB_PARAMS(
	    DBP_INT(cpts_id), DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	l = tdict_list(pv, "history");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);
		bool is_status = strcmp(db_cell(&res, i, 2), "status") == 0;

		tdict_str(d, "at", http_date_fr(r, (time_t)db_cell_int(&res, i, 0), true));
		tdict_str(d, "who", db_cell(&res, i, 1));
		tdict_bool(d, "is_status", is_status);
		tdict_str(d, "old", is_status ?
		    cpts_status_label(cpts_status_parse(db_cell(&res, i, 3))) :
		    db_cell(&res, i, 3));
		tdict_str(d, "new", is_status ?
		    cpts_status_label(cpts_status_parse(db_cell(&res, i, 4))) :
		    db_cell(&res, i, 4));
	}
	tdict_bool(pv, "has_history", res.nrows > 0);
	/* Reading a CPTS's private note is a sensitive read. */
	if (note != NULL && *note != '\0' && audit(r, "cpts.note.read", "professional",
	    idnps, 0, AUDIT_OK, arena_printf(&r->arena, "cpts %lld", cpts_id)) != DB_OK)
		return -1;
	return 0;
}

/* Renders the sheet; form is the status form sent back, or NULL. */
static int
sheet_render(struct req *r, int status, const char *idnps, long long cpts_id,
    const struct status_form *form)
{
	struct db_result pro, res;
	struct tdict *ctx, *p;
	struct tlist *l, *care, *equip, *lang;
	const char *viewer = "", *email;
	bool own;
	size_t i;

	switch (db_query_row(r->app->db, &r->arena, Q(SH_PRO),
	    DB_PARAMS(DBP_STR(idnps)), &pro)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Ce professionnel n'est pas dans l'annuaire.");
	default:
		return -1;
	}
	if (db_query_row(r->app->db, &r->arena, Q(SH_VIEWER_IDNPS), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &res) == DB_OK)
		viewer = db_cell(&res, 0, 0);
	own = viewer != NULL && strcmp(viewer, idnps) == 0;
	ctx = http_ctx(r);
	p = tdict_dict(ctx, "pro");
	tdict_str(p, "idnps", idnps);
	tdict_str(p, "id_kind", strcmp(db_cell(&pro, 0, 1), "8") == 0 ? "RPPS" : "ADELI");
	tdict_str(p, "id_pp", idnps + 1);
	tdict_str(p, "last_name", db_cell(&pro, 0, 2));
	tdict_str(p, "first_name", db_cell(&pro, 0, 3));
	tdict_str(p, "title", db_cell(&pro, 0, 4));
	tdict_str(p, "profession", db_cell(&pro, 0, 5));
	tdict_str(ctx, "title", arena_printf(&r->arena, "%s %s",
	    db_cell(&pro, 0, 3), db_cell(&pro, 0, 2)));
	if (strcmp(db_cell(&pro, 0, 6), "present") != 0) {
		tdict_bool(p, "disappeared", true);
		tdict_str(p, "disappeared_at", http_date_fr(r,
		    (time_t)db_cell_int(&pro, 0, 8), false));
		tdict_str(p, "last_seen", http_date_fr(r,
		    (time_t)db_cell_int(&pro, 0, 9), false));
	} else if (db_query_row(r->app->db, &r->arena, Q(SH_LAST_IMPORT),
	    DB_NOPARAMS, &res) == DB_OK)
		tdict_str(p, "last_seen", http_date_fr(r,
		    (time_t)db_cell_int(&res, 0, 0), false));
	tdict_str(p, "first_seen", http_date_fr(r, (time_t)db_cell_int(&pro, 0, 7),
	    false));
	if (db_cell_int(&pro, 0, 10) > 0)
		tdict_str(p, "moved_at", http_date_fr(r,
		    (time_t)db_cell_int(&pro, 0, 10), false));
	email = db_cell(&pro, 0, 11);
	tdict_str(p, "email", email != NULL && *email != '\0' ? email : NULL);
	tdict_str(p, "about", db_cell(&pro, 0, 12));
	tdict_bool(p, "card_completed", db_cell_int(&pro, 0, 13) != 0);
	tdict_bool(ctx, "own", own);
	tdict_bool(ctx, "saved", form == NULL && http_query(r, "enregistre") != NULL);

	if (db_query(r->app->db, &r->arena, Q(SH_SITES),
	    DB_PARAMS(DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "sites");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);
		const char *name = db_cell(&res, i, 1);
		const char *comp = db_cell(&res, i, 14);

		if (name == NULL || *name == '\0')
			name = db_cell(&res, i, 0);
		tdict_str(d, "name", name);
		/* The recipient line often repeats the name. */
		tdict_str(d, "complement", comp != NULL && strcmp(comp, name) != 0 ?
		    comp : NULL);
		tdict_str(d, "address", annuaire_address(r, db_cell(&res, i, 2),
		    db_cell(&res, i, 3), db_cell(&res, i, 4), db_cell(&res, i, 5),
		    db_cell(&res, i, 6), db_cell(&res, i, 7), db_cell(&res, i, 8)));
		tdict_str(d, "phone", db_cell(&res, i, 9));
		tdict_str(d, "phone2", db_cell(&res, i, 10));
		tdict_str(d, "email", db_cell(&res, i, 11));
		tdict_str(d, "mode", db_cell(&res, i, 12));
		tdict_str(d, "sector", db_cell(&res, i, 13));
	}
	tdict_bool(ctx, "has_sites", res.nrows > 0);
	if (db_query(r->app->db, &r->arena, Q(SH_SKILLS),
	    DB_PARAMS(DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "skills");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "label", db_cell(&res, i, 0));
		tdict_str(d, "kind", db_cell(&res, i, 1));
	}
	tdict_bool(ctx, "has_skills", res.nrows > 0);
	if (db_query(r->app->db, &r->arena, Q(SH_MSSANTE),
	    DB_PARAMS(DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "mssante");
	for (i = 0; i < res.nrows; i++)
		tlist_add_str(l, db_cell(&res, i, 0));
	tdict_bool(ctx, "has_mssante", res.nrows > 0);
	if (db_query(r->app->db, &r->arena, Q(SH_OPTIONS),
	    DB_PARAMS(DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	care = tdict_list(ctx, "care");
	equip = tdict_list(ctx, "equipment");
	lang = tdict_list(ctx, "languages");
	for (i = 0; i < res.nrows; i++) {
		const char *kind = db_cell(&res, i, 0);

		tlist_add_str(strcmp(kind, "care") == 0 ? care :
		    strcmp(kind, "equipment") == 0 ? equip : lang, db_cell(&res, i, 1));
	}
	tdict_bool(ctx, "has_care", tlist_len(care) > 0);
	tdict_bool(ctx, "has_equipment", tlist_len(equip) > 0);
	tdict_bool(ctx, "has_languages", tlist_len(lang) > 0);
	if (db_query(r->app->db, &r->arena, Q(SH_PUBLIC_CPTS),
	    DB_PARAMS(DBP_STR(idnps), DBP_INT(own)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "memberships");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "cpts", db_cell(&res, i, 0));
		cpts_status_tdict(d, cpts_status_parse(db_cell(&res, i, 1)));
	}
	tdict_bool(ctx, "has_memberships", res.nrows > 0);
	if (cpts_id > 0 && sheet_private(r, ctx, idnps, cpts_id, form) != 0)
		return -1;
	return http_render(r, status, "annuaire/sheet", ctx);
}

static int
sheet_get(struct req *r)
{
	const char *idnps = path_idnps(r);
	long long cpts_id;
	int rc;

	if (idnps == NULL)
		return http_error(r, 404, "Ce professionnel n'est pas dans l'annuaire.");
	if ((rc = sheet_cpts(r, http_query(r, "cpts"), &cpts_id)) != 0)
		return rc < 0 ? -1 : 0;
	return sheet_render(r, 200, idnps, cpts_id, NULL);
}

static enum db_rc
history_add(struct req *r, long long cpts_id, const char *idnps,
    const char *field, const char *old, const char *new)
{
	return db_exec(r->app->db, Q(ST_HISTORY), DB_PARAMS(DBP_INT(cpts_id),
	    DBP_STR(idnps), DBP_INT(r->now), DBP_INT(r->session->user_id),
	    DBP_STR(field), DBP_STR(old), DBP_STR(new)), NULL);
}

/* POST /annuaire/pro/{idnps}/statut: a manager sets the status and the
 * note of their CPTS; each change goes to the history, in the same
 * transaction. */
static int
status_post(struct req *r)
{
	const char *idnps = path_idnps(r);
	const char *status = http_form(r, "statut"), *note = http_form(r, "note");
	struct status_form form;
	struct db_result res;
	enum cpts_status st = CS_INCONNU;
	const char *old_status = "inconnu", *old_note = "", *why;
	long long cpts_id;
	int rc;

	if (idnps == NULL)
		return http_error(r, 404, "Ce professionnel n'est pas dans l'annuaire.");
	if (http_form(r, "cpts") == NULL || *http_form(r, "cpts") == '\0')
		return http_error(r, 400, "La CPTS manque au formulaire.");
	if ((rc = sheet_cpts(r, http_form(r, "cpts"), &cpts_id)) != 0)
		return rc < 0 ? -1 : 0;
	memset(&form, 0, sizeof(form));
	form.status = status;
	form.note = note != NULL ? note : "";
	if (!cpts_status_valid(status, &st))
		form.status_error = "Choisissez un des statuts proposés.";
	if ((why = valid_multiline(form.note, 0, NOTE_MAX)) != NULL)
		form.note_error = why;
	if (form.status_error != NULL || form.note_error != NULL) {
		form.error = "Le statut n'a pas été enregistré : corrigez les"
		    " champs signalés.";
		return sheet_render(r, 422, idnps, cpts_id, &form);
	}
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	/* The professional must exist: SH_PRO again, inside the transaction. */
	switch (db_query_row(r->app->db, &r->arena, Q(SH_PRO),
	    DB_PARAMS(DBP_STR(idnps)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		db_rollback(r->app->db);
		return http_error(r, 404, "Ce professionnel n'est pas dans l'annuaire.");
	default:
		goto fail;
	}
	switch (db_query_row(r->app->db, &r->arena, Q(ST_LOCK), DB_PARAMS(
	    DBP_INT(cpts_id), DBP_STR(idnps)), &res)) {
	case DB_OK:
		old_status = db_cell(&res, 0, 0);
		old_note = db_cell(&res, 0, 1);
		break;
	case DB_NOT_FOUND:
		break;
	default:
		goto fail;
	}
	if (strcmp(old_status, cpts_status_code(st)) == 0 &&
	    strcmp(old_note, form.note) == 0) {
		db_rollback(r->app->db);
		return http_redirect(r, arena_printf(&r->arena,
		    "/annuaire/pro/%s?cpts=%lld#cpts", idnps, cpts_id));
	}
	if (db_exec(r->app->db, Q(ST_UPSERT), DB_PARAMS(DBP_INT(cpts_id),
	    DBP_STR(idnps), DBP_STR(cpts_status_code(st)), DBP_STR(form.note),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK)
		goto fail;
	if (strcmp(old_status, cpts_status_code(st)) != 0 &&
	    (history_add(r, cpts_id, idnps, "status", old_status,
	    cpts_status_code(st)) != DB_OK ||
	    audit(r, "cpts.status", "professional", idnps, 0, AUDIT_OK,
	    arena_printf(&r->arena, "cpts %lld: %s -> %s", cpts_id, old_status,
	    cpts_status_code(st))) != DB_OK))
		goto fail;
	if (strcmp(old_note, form.note) != 0 &&
	    (history_add(r, cpts_id, idnps, "note", old_note, form.note) != DB_OK ||
	    audit(r, "cpts.note", "professional", idnps, 0, AUDIT_OK,
	    arena_printf(&r->arena, "cpts %lld", cpts_id)) != DB_OK))
		goto fail;
	if (db_commit(r->app->db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena,
	    "/annuaire/pro/%s?cpts=%lld&enregistre=1#cpts", idnps, cpts_id));
fail:
	db_rollback(r->app->db);
	return -1;
}

static const struct route sheet_routes[] = {
	{ "GET", "/annuaire/pro/{idnps}", sheet_get, ACCESS_LOGGED_IN, AUTH_LEVEL_1,
	  NULL, 0 },
	{ "POST", "/annuaire/pro/{idnps}/statut", status_post, ACCESS_ROLE,
	  AUTH_LEVEL_1, "cpts_manager", 0 },
};

const struct app_area annuaire_sheet_area = {
	"sheet", sheet_routes, sizeof(sheet_routes) / sizeof(sheet_routes[0]),
	sheet_sql, SH__MAX,
};
