/*
 * The care circle (entourage professionnel): the professionals who follow
 * the person and may open the file.  Professionals are the accounts with
 * the pro role, found by name (the directory's professionals and the
 * user's favourite partners come later); the alert managers of the
 * territory are offered in one click.  A file keeps at least one member.
 */
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
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
	CIRCLE_COUNT,
	CIRCLE__MAX
};
#define Q(i)	DB_STMT(IA_CIRCLE, (i))

#define MAX_ADD	50

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
	    "  AND c.user_id = u.id)"
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
	[CIRCLE_COUNT] =
	    "SELECT COUNT(*) FROM care_circle WHERE patient_id = ?",
};

static int
circle_page(struct req *r, struct icope_patient *p, int status,
    const char *error)
{
	const char *q = icope_trim(r, http_query(r, "q"));
	struct db_result res, mgr, found;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(CIRCLE_LIST), DB_PARAMS(
	    DBP_INT(p->territory_id), DBP_INT(p->id)), &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, p, PANEL_CIRCLE) != 0)
		return -1;
	tdict_str(ctx, "title", "Entourage");
	tdict_str(ctx, "error", error);
	tdict_bool(ctx, "added", http_query(r, "ajout") != NULL);
	tdict_bool(ctx, "removed", http_query(r, "retrait") != NULL);
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
		}
		tdict_bool(ctx, "has_managers", mgr.nrows > 0);
	}
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

	if ((rc = icope_patient_open(r, &p, "patient.read", "entourage")) != 0)
		return rc == 1 ? 0 : -1;
	return circle_page(r, &p, 200, NULL);
}

static int
circle_add(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	long long uids[MAX_ADD];
	size_t i, j, n = 0;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	for (i = 0; i < r->form.n; i++) {
		long long uid;

		if (strcmp(r->form.v[i].name, "pro") != 0)
			continue;
		if (valid_parse_ll(r->form.v[i].value, 1, 999999999999LL, &uid) != 0)
			return circle_page(r, &p, 422, "Choisissez des professionnels "
			    "dans la liste.");
		for (j = 0; j < n && uids[j] != uid; j++)
			continue;
		if (j < n)
			continue;
		if (n == MAX_ADD)
			return circle_page(r, &p, 422, "Ajoutez au plus 50 "
			    "professionnels à la fois.");
		uids[n++] = uid;
	}
	if (n == 0)
		return circle_page(r, &p, 422, "Cochez au moins un professionnel "
		    "à ajouter.");
	if (db_begin(db) != DB_OK)
		return -1;
	for (i = 0; i < n; i++) {
		struct db_result res;

		switch (db_query_row(db, &r->arena, Q(CIRCLE_ELIGIBLE), DB_PARAMS(
		    DBP_INT(uids[i]), DBP_INT(p.territory_id)), &res)) {
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
		if (db_exec(db, Q(CIRCLE_ADD), DB_PARAMS(DBP_INT(p.id),
		    DBP_INT(uids[i]), DBP_INT(r->now), DBP_INT(r->session->user_id)),
		    NULL) != DB_OK ||
		    audit(r, "circle.add", "patient", arena_printf(&r->arena,
		    "%lld", p.id), p.id, AUDIT_OK, arena_printf(&r->arena,
		    "utilisateur %s", db_cell(&res, 0, 0))) != DB_OK)
			goto fail;
	}
	if (db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena, "%s?ajout=1",
	    icope_panel_path(r, p.id, PANEL_CIRCLE)));
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
	long long uid;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if (valid_parse_ll(http_form(r, "pro"), 1, 999999999999LL, &uid) != 0)
		return circle_page(r, &p, 422, "Choisissez le professionnel à retirer.");
	if (db_begin(db) != DB_OK)
		return -1;
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
	    uid)) != DB_OK || db_commit(db) != DB_OK)
		goto fail;
	/* Leaving the circle may close the file to the user. */
	if (uid == r->session->user_id && !p.manager)
		return http_redirect(r, "/icope/usagers");
	return http_redirect(r, arena_printf(&r->arena, "%s?retrait=1",
	    icope_panel_path(r, p.id, PANEL_CIRCLE)));
fail:
	db_rollback(db);
	return -1;
}

static const struct route circle_routes[] = {
	{ "GET",  "/icope/usagers/{id}/entourage",	   circle_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/ajout",   circle_add,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/entourage/retrait", circle_remove, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_circle_area = {
	"circle", circle_routes, sizeof(circle_routes) / sizeof(circle_routes[0]),
	circle_sql, CIRCLE__MAX,
};
