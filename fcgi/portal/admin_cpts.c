/*
 * Administration of the CPTS (/admin/cpts): each CPTS's name, its
 * territory (postal codes and INSEE commune codes, the lists the directory
 * pre-fills its search with and ICOPE places patients by) and its managers
 * (the role cpts_manager with the CPTS as scope, granted and audited as on
 * the user's page).  Role admin at the strong level, as every /admin/ page.
 *
 * Codes are checked with valid.h's validators, then against the
 * directory's communes (rpps_commune) once a file has been imported: codes
 * it does not know are named, and saved only when the administrator says
 * so.  A CPTS whose managers recorded statuses or notes is never deleted
 * (they would be lost with it).  Every change runs in one transaction with
 * its audit rows.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin_cpts.h"
#include "audit.h"
#include "db.h"
#include "formerr.h"
#include "http.h"
#include "portal.h"
#include "roles.h"
#include "valid.h"

enum {
	AC_LIST,
	AC_GET,
	AC_LOCK,
	AC_POSTAL,
	AC_COMMUNES,
	AC_DIRECTORY_ANY,
	AC_POSTAL_KNOWN,
	AC_INSEE_KNOWN,
	AC_TERRITORY_INSERT,
	AC_TERRITORY_RENAME,
	AC_CPTS_INSERT,
	AC_CPTS_UPDATE,
	AC_POSTAL_CLEAR,
	AC_POSTAL_ADD,
	AC_COMMUNES_CLEAR,
	AC_COMMUNE_ADD,
	AC_MANAGERS,
	AC_USER_FIND,
	AC_USER_LOGIN,
	AC_ROLE_GRANT,
	AC_ROLE_REVOKE,
	AC_USAGE,
	AC_MANAGERS_CLEAR,
	AC_CPTS_DELETE,
	AC_TERRITORY_DELETE,
	AC__MAX
};
#define Q(i)	DB_STMT(PA_ADMIN_CPTS, (i))

/* The managers of CPTS ?: the one place that says how they are stored. */
#define MANAGER_OF	"r.role = 'cpts_manager' AND r.scope_type = 'cpts'" \
	" AND r.scope_id = "

static const char *const cpts_sql[AC__MAX] = {
	[AC_LIST] =
	    "SELECT c.id, c.name, c.territory_id,"
	    " (SELECT COUNT(*) FROM territory_postal_code p"
	    "  WHERE p.territory_id = c.territory_id),"
	    " (SELECT COUNT(*) FROM territory_commune t"
	    "  WHERE t.territory_id = c.territory_id),"
	    " (SELECT COUNT(*) FROM user_role r WHERE " MANAGER_OF "c.id),"
	    " (SELECT COUNT(*) FROM cpts_professional s WHERE s.cpts_id = c.id"
	    "  AND s.status = 'adherent')"
	    " FROM cpts c ORDER BY c.name, c.id",
	[AC_GET] =
	    "SELECT c.id, c.name, c.territory_id, UNIX_TIMESTAMP(c.created_at),"
	    " UNIX_TIMESTAMP(c.updated_at), u.login,"
	    " (SELECT COUNT(*) FROM cpts_professional s WHERE s.cpts_id = c.id"
	    "  AND s.status = 'adherent'),"
	    " (SELECT COUNT(*) FROM cpts_professional s WHERE s.cpts_id = c.id)"
	    " FROM cpts c LEFT JOIN app_user u ON u.id = c.updated_by"
	    " WHERE c.id = ?",
	[AC_LOCK] =
	    "SELECT id, name, territory_id FROM cpts WHERE id = ? FOR UPDATE",
	[AC_POSTAL] =
	    "SELECT postal_code FROM territory_postal_code WHERE territory_id = ?"
	    " ORDER BY postal_code",
	[AC_COMMUNES] =
	    "SELECT t.insee, (SELECT MIN(c.label) FROM rpps_commune c"
	    "  WHERE c.insee = t.insee)"
	    " FROM territory_commune t WHERE t.territory_id = ? ORDER BY t.insee",
	[AC_DIRECTORY_ANY] =
	    "SELECT EXISTS (SELECT 1 FROM rpps_commune)",
	[AC_POSTAL_KNOWN] =
	    "SELECT 1 FROM rpps_commune WHERE postal_code = ? LIMIT 1",
	[AC_INSEE_KNOWN] =
	    "SELECT 1 FROM rpps_commune WHERE insee = ? LIMIT 1",
	[AC_TERRITORY_INSERT] =
	    "INSERT INTO territory (name, updated_by) VALUES (?, ?)",
	[AC_TERRITORY_RENAME] =
	    "UPDATE territory SET name = ?, updated_by = ? WHERE id = ?",
	[AC_CPTS_INSERT] =
	    "INSERT INTO cpts (name, territory_id, created_at, updated_at,"
	    " updated_by) VALUES (?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?)",
	[AC_CPTS_UPDATE] =
	    "UPDATE cpts SET name = ?, updated_at = FROM_UNIXTIME(?),"
	    " updated_by = ? WHERE id = ?",
	[AC_POSTAL_CLEAR] =
	    "DELETE FROM territory_postal_code WHERE territory_id = ?",
	[AC_POSTAL_ADD] =
	    "INSERT INTO territory_postal_code (territory_id, postal_code)"
	    " VALUES (?, ?)",
	[AC_COMMUNES_CLEAR] =
	    "DELETE FROM territory_commune WHERE territory_id = ?",
	[AC_COMMUNE_ADD] =
	    "INSERT INTO territory_commune (territory_id, insee) VALUES (?, ?)",
	[AC_MANAGERS] =
	    "SELECT u.id, u.login, u.first_name, u.last_name, u.email, u.status,"
	    " UNIX_TIMESTAMP(r.granted_at), g.login"
	    " FROM user_role r JOIN app_user u ON u.id = r.user_id"
	    " LEFT JOIN app_user g ON g.id = r.granted_by"
	    " WHERE " MANAGER_OF "? ORDER BY u.last_name, u.first_name, u.id",
	/* A login first, then an e-mail address. */
	[AC_USER_FIND] =
	    "SELECT id, login, status FROM app_user WHERE login = ? OR email = ?"
	    " ORDER BY login = ? DESC, id LIMIT 1",
	[AC_USER_LOGIN] =
	    "SELECT login FROM app_user WHERE id = ?",
	[AC_ROLE_GRANT] =
	    "INSERT INTO user_role (user_id, role, scope_type, scope_id,"
	    " granted_by, granted_at) VALUES (?, 'cpts_manager', 'cpts', ?, ?,"
	    " FROM_UNIXTIME(?))",
	[AC_ROLE_REVOKE] =
	    "DELETE FROM user_role WHERE user_id = ? AND role = 'cpts_manager'"
	    " AND scope_type = 'cpts' AND scope_id = ?",
	/* What a deletion would lose: statuses and notes, their history,
	 * the options a CPTS set on professionals; and who else relies on
	 * the territory (ICOPE's alert managers). */
	[AC_USAGE] =
	    "SELECT (SELECT COUNT(*) FROM cpts_professional WHERE cpts_id = ?),"
	    " (SELECT COUNT(*) FROM cpts_professional_history WHERE cpts_id = ?),"
	    " (SELECT COUNT(*) FROM professional_option WHERE source_cpts_id = ?),"
	    " (SELECT COUNT(*) FROM user_role WHERE role = 'alert_manager'"
	    "  AND scope_type = 'territory' AND scope_id = ?)",
	[AC_MANAGERS_CLEAR] =
	    "DELETE FROM user_role WHERE role = 'cpts_manager'"
	    " AND scope_type = 'cpts' AND scope_id = ?",
	[AC_CPTS_DELETE] =
	    "DELETE FROM cpts WHERE id = ?",
	[AC_TERRITORY_DELETE] =
	    "DELETE FROM territory WHERE id = ?",
};

#define ID_MAX		9007199254740991LL	/* 2^53 - 1, as admin_pages.c */
#define CODES_TEXT_MAX	20000

/* ---- small helpers (as admin_pages.c's) ---- */

static const struct http_message ok_messages[] = {
	{ "cpts-creee",		 "La CPTS a été créée : ajoutez maintenant ses "
				 "gestionnaires." },
	{ "cpts-modifiee",	 "La CPTS a été modifiée." },
	{ "cpts-supprimee",	 "La CPTS a été supprimée." },
	{ "gestionnaire-ajoute", "Le gestionnaire a été ajouté : il voit la CPTS "
				 "dans l'annuaire dès sa prochaine page." },
	{ "gestionnaire-retire", "Le gestionnaire a été retiré." },
};

static const char *
form_trim(struct req *r, const char *name)
{
	return http_trim(r, http_form(r, name));
}

static struct tdict *
cpts_ctx(struct req *r, const char *title)
{
	struct tdict *ctx = http_ctx(r);
	const char *ok;

	tdict_str(ctx, "title", title);
	tdict_bool(ctx, "nav_cpts", true);
	if ((ok = http_ok_message(r, ok_messages,
	    sizeof(ok_messages) / sizeof(ok_messages[0]))) != NULL)
		tdict_str(ctx, "ok_message", ok);
	return ctx;
}

/* Begins the transaction and locks CPTS id (its row into c).  Returns
 * true, or false with *answer set to the handler's answer (404 page, or -1
 * after a database failure) and the transaction ended. */
static bool
cpts_lock(struct req *r, long long id, struct db_result *c, int *answer)
{
	return http_begin_locked(r, Q(AC_LOCK), id, c,
	    "Cette CPTS n'existe pas.", answer);
}

/* The codes of a list joined by sep, from r's arena. */
static const char *
codes_join(struct req *r, const struct cpts_codes *c, const char *sep)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < c->n; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, c->code[i]);
	}
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* The first column of a result joined by sep. */
static const char *
column_join(struct req *r, const struct db_result *res, const char *sep)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < res->nrows; i++) {
		if (i > 0)
			buf_puts(&b, sep);
		buf_puts(&b, db_cell(res, i, 0));
	}
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* ---- the list ---- */

static int
cpts_list(struct req *r)
{
	struct db_result res;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(AC_LIST), DB_NOPARAMS, &res) != DB_OK)
		return -1;
	ctx = cpts_ctx(r, "CPTS");
	l = tdict_list(ctx, "cpts");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *c = tlist_add(l);

		tdict_str(c, "id", db_cell(&res, i, 0));
		tdict_str(c, "name", db_cell(&res, i, 1));
		tdict_str(c, "territory", db_cell(&res, i, 2));
		tdict_str(c, "postal_codes", db_cell(&res, i, 3));
		tdict_str(c, "communes", db_cell(&res, i, 4));
		tdict_str(c, "managers", db_cell(&res, i, 5));
		tdict_bool(c, "no_manager", db_cell_int(&res, i, 5) == 0);
		tdict_str(c, "adherents", db_cell(&res, i, 6));
	}
	tdict_bool(ctx, "none", res.nrows == 0);
	return http_render(r, 200, "portal/admin_cpts", ctx);
}

/* ---- the form: name and territory ---- */

struct cpts_form {
	long long		 id;		/* 0 while creating */
	const char		*name;
	const char		*postal_text;	/* as typed */
	const char		*commune_text;
	bool			 unknown_ok;	/* save codes the directory lacks */
	bool			 ask_unknown;	/* offer the box above */
	struct cpts_codes	 postal;
	struct cpts_codes	 communes;
	struct form_errors		 fe;
};

/* The manager form's state when the page is shown again. */
struct manager_form {
	const char	*account;
	const char	*error;
};

static int
cpts_page(struct req *r, int status, struct cpts_form *f,
    const struct manager_form *mf, const char *error)
{
	struct db_result c, managers, communes;
	struct tdict *ctx, *d;
	struct tlist *l;
	size_t i;

	if (f->id == 0) {
		ctx = cpts_ctx(r, "Nouvelle CPTS");
		tdict_bool(ctx, "creating", true);
		tdict_str(ctx, "action", "/admin/cpts/nouvelle");
		goto form;
	}
	switch (db_query_row(r->app->db, &r->arena, Q(AC_GET),
	    DB_PARAMS(DBP_INT(f->id)), &c)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	default:
		return -1;
	}
	if (db_query(r->app->db, &r->arena, Q(AC_MANAGERS),
	    DB_PARAMS(DBP_INT(f->id)), &managers) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(AC_COMMUNES),
	    DB_PARAMS(DBP_INT(db_cell_int(&c, 0, 2))), &communes) != DB_OK)
		return -1;
	ctx = cpts_ctx(r, arena_printf(&r->arena, "CPTS « %s »",
	    db_cell(&c, 0, 1)));
	tdict_str(ctx, "action", arena_printf(&r->arena, "/admin/cpts/%lld",
	    f->id));
	d = tdict_dict(ctx, "cpts");
	tdict_str(d, "id", db_cell(&c, 0, 0));
	tdict_str(d, "name", db_cell(&c, 0, 1));
	tdict_str(d, "territory", db_cell(&c, 0, 2));
	tdict_str(d, "created", http_date_fr(r, (time_t)db_cell_int(&c, 0, 3),
	    true));
	tdict_str(d, "updated", http_date_fr(r, (time_t)db_cell_int(&c, 0, 4),
	    true));
	tdict_str(d, "updated_by", db_cell(&c, 0, 5));
	tdict_str(d, "adherents", db_cell(&c, 0, 6));
	tdict_str(d, "statuses", db_cell(&c, 0, 7));
	l = tdict_list(ctx, "known_communes");
	for (i = 0; i < communes.nrows; i++) {
		struct tdict *x = tlist_add(l);

		tdict_str(x, "insee", db_cell(&communes, i, 0));
		tdict_str(x, "label", db_cell(&communes, i, 1));
	}
	l = tdict_list(ctx, "managers");
	for (i = 0; i < managers.nrows; i++) {
		struct tdict *m = tlist_add(l);

		tdict_str(m, "id", db_cell(&managers, i, 0));
		tdict_str(m, "login", db_cell(&managers, i, 1));
		tdict_str(m, "first_name", db_cell(&managers, i, 2));
		tdict_str(m, "last_name", db_cell(&managers, i, 3));
		tdict_str(m, "email", db_cell(&managers, i, 4));
		tdict_bool(m, "disabled", strcmp(db_cell(&managers, i, 5),
		    "active") != 0);
		tdict_str(m, "granted", http_date_fr(r,
		    (time_t)db_cell_int(&managers, i, 6), false));
		tdict_str(m, "granted_by", db_cell(&managers, i, 7));
	}
	tdict_bool(ctx, "has_communes", communes.nrows > 0);
	tdict_bool(ctx, "no_managers", managers.nrows == 0);
	tdict_str(ctx, "account", mf != NULL ? mf->account : "");
	if (mf != NULL && mf->error != NULL)
		tdict_str(ctx, "err_compte", mf->error);
form:
	tdict_str(ctx, "name", f->name);
	tdict_str(ctx, "postal_text", f->postal_text);
	tdict_str(ctx, "commune_text", f->commune_text);
	tdict_bool(ctx, "ask_unknown", f->ask_unknown);
	tdict_bool(ctx, "unknown_ok", f->unknown_ok);
	tdict_str(ctx, "error", error);
	form_errors_tdict(&r->arena, ctx, &f->fe);
	return http_render(r, status, "portal/admin_cpts_form", ctx);
}

/* Loads CPTS id's name and territory into f, the codes as text; returns
 * DB_OK, DB_NOT_FOUND or an error. */
static enum db_rc
cpts_load(struct req *r, long long id, struct cpts_form *f)
{
	struct db_result c, pc, com;
	enum db_rc rc;
	long long tid;

	memset(f, 0, sizeof(*f));
	if ((rc = db_query_row(r->app->db, &r->arena, Q(AC_GET),
	    DB_PARAMS(DBP_INT(id)), &c)) != DB_OK)
		return rc;
	tid = db_cell_int(&c, 0, 2);
	if ((rc = db_query(r->app->db, &r->arena, Q(AC_POSTAL),
	    DB_PARAMS(DBP_INT(tid)), &pc)) != DB_OK ||
	    (rc = db_query(r->app->db, &r->arena, Q(AC_COMMUNES),
	    DB_PARAMS(DBP_INT(tid)), &com)) != DB_OK)
		return rc;
	f->id = id;
	f->name = db_cell(&c, 0, 1);
	f->postal_text = column_join(r, &pc, " ");
	f->commune_text = column_join(r, &com, " ");
	return DB_OK;
}

/* "Ces codes postaux ne sont pas valides : a, b." and the like. */
static const char *
codes_error(struct req *r, const struct cpts_codes *c, bool insee)
{
	if (c->too_many)
		return arena_printf(&r->arena, "Indiquez au plus %d %s.",
		    CPTS_CODES_MAX, insee ? "codes communes" : "codes postaux");
	if (c->nbad == 0)
		return NULL;
	if (insee)
		return arena_printf(&r->arena, "%s : %s. Un code commune INSEE "
		    "compte 5 caractères (2A ou 2B pour la Corse), par exemple "
		    "74010.", c->nbad > 1 ? "Ces codes communes ne sont pas "
		    "valides" : "Ce code commune n'est pas valide", c->bad);
	return arena_printf(&r->arena, "%s : %s. Un code postal compte 5 "
	    "chiffres, par exemple 74000.", c->nbad > 1 ? "Ces codes postaux "
	    "ne sont pas valides" : "Ce code postal n'est pas valide", c->bad);
}

/* Names the codes of c that the directory's communes do not know, in
 * *msg (NULL when all are known); returns DB_OK or an error. */
static enum db_rc
codes_unknown(struct req *r, const struct cpts_codes *c, bool insee,
    const char **msg)
{
	struct db_result res;
	struct buf b = BUF_INIT;
	size_t i, n = 0;
	enum db_rc rc = DB_OK;

	*msg = NULL;
	for (i = 0; i < c->n; i++) {
		rc = db_query_row(r->app->db, &r->arena, Q(insee ?
		    AC_INSEE_KNOWN : AC_POSTAL_KNOWN),
		    DB_PARAMS(DBP_STR(c->code[i])), &res);
		if (rc == DB_OK)
			continue;
		if (rc != DB_NOT_FOUND)
			break;
		rc = DB_OK;
		if (n++ < 40)
			buf_printf(&b, "%s%s", n > 1 ? ", " : "", c->code[i]);
		else if (n == 41)
			buf_puts(&b, "…");
	}
	if (rc == DB_OK && n > 0)
		*msg = arena_printf(&r->arena, "%s dans l'annuaire : %s. "
		    "Vérifiez%s ; s'%s juste%s, cochez la case « Enregistrer "
		    "quand même » en bas du formulaire.", insee ? (n > 1 ?
		    "Ces codes communes ne figurent pas" : "Ce code commune ne "
		    "figure pas") : (n > 1 ? "Ces codes postaux ne figurent pas" :
		    "Ce code postal ne figure pas"), buf_str(&b),
		    n > 1 ? "-les" : "-le", n > 1 ? "ils sont" : "il est",
		    n > 1 ? "s" : "");
	buf_free(&b);
	return rc;
}

/* Reads and checks the posted name and territory into f (f->id set);
 * returns DB_OK (f->fe says whether it may be saved) or an error. */
static enum db_rc
cpts_form_read(struct req *r, struct cpts_form *f)
{
	struct db_result any;
	const char *msg, *e;
	enum db_rc rc;

	f->name = form_trim(r, "nom");
	f->postal_text = form_trim(r, "codes_postaux");
	f->commune_text = form_trim(r, "communes");
	f->unknown_ok = http_form(r, "inconnus_ok") != NULL;
	if ((e = valid_text(f->name, 0, 100000)) != NULL)
		form_error_add(&f->fe, "nom", e);
	else if (valid_text(f->name, 2, CPTS_NAME_MAX) != NULL)
		form_error_add(&f->fe, "nom", "Le nom compte 2 à 200 caractères.");
	if ((e = valid_multiline(f->postal_text, 0, CODES_TEXT_MAX)) != NULL) {
		form_error_add(&f->fe, "codes_postaux", e);
		f->postal_text = "";
	} else {
		cpts_codes_parse(f->postal_text, false, &f->postal);
		form_error_add(&f->fe, "codes_postaux", codes_error(r, &f->postal,
		    false));
	}
	if ((e = valid_multiline(f->commune_text, 0, CODES_TEXT_MAX)) != NULL) {
		form_error_add(&f->fe, "communes", e);
		f->commune_text = "";
	} else {
		cpts_codes_parse(f->commune_text, true, &f->communes);
		form_error_add(&f->fe, "communes", codes_error(r, &f->communes, true));
	}
	if (f->fe.n == 0 && f->postal.n == 0 && f->communes.n == 0)
		form_error_add(&f->fe, "codes_postaux", "Indiquez le territoire : au "
		    "moins un code postal ou un code commune.");
	if (f->fe.n > 0)
		return DB_OK;
	/* Known codes only once the directory holds communes. */
	if ((rc = db_query_row(r->app->db, &r->arena, Q(AC_DIRECTORY_ANY),
	    DB_NOPARAMS, &any)) != DB_OK)
		return rc;
	if (db_cell_int(&any, 0, 0) == 0)
		return DB_OK;
	if ((rc = codes_unknown(r, &f->postal, false, &msg)) != DB_OK)
		return rc;
	if (msg != NULL) {
		f->ask_unknown = true;
		if (!f->unknown_ok)
			form_error_add(&f->fe, "codes_postaux", msg);
	}
	if ((rc = codes_unknown(r, &f->communes, true, &msg)) != DB_OK)
		return rc;
	if (msg != NULL) {
		f->ask_unknown = true;
		if (!f->unknown_ok)
			form_error_add(&f->fe, "communes", msg);
	}
	return DB_OK;
}

/* "+74000 -74100" between the stored codes and the new ones; "" when the
 * same. */
static const char *
codes_diff(struct req *r, const struct db_result *old,
    const struct cpts_codes *c)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i, k;

	for (k = 0; k < c->n; k++) {
		for (i = 0; i < old->nrows; i++)
			if (strcmp(db_cell(old, i, 0), c->code[k]) == 0)
				break;
		if (i == old->nrows)
			buf_printf(&b, "%s+%s", b.len ? " " : "", c->code[k]);
	}
	for (i = 0; i < old->nrows; i++) {
		for (k = 0; k < c->n; k++)
			if (strcmp(db_cell(old, i, 0), c->code[k]) == 0)
				break;
		if (k == c->n)
			buf_printf(&b, "%s-%s", b.len ? " " : "",
			    db_cell(old, i, 0));
	}
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

/* Replaces territory tid's codes by f's, in the open transaction. */
static enum db_rc
territory_write(struct req *r, long long tid, const struct cpts_form *f)
{
	struct db *db = r->app->db;
	enum db_rc rc;
	size_t i;

	if ((rc = db_exec(db, Q(AC_POSTAL_CLEAR), DB_PARAMS(DBP_INT(tid)),
	    NULL)) != DB_OK ||
	    (rc = db_exec(db, Q(AC_COMMUNES_CLEAR), DB_PARAMS(DBP_INT(tid)),
	    NULL)) != DB_OK)
		return rc;
	for (i = 0; i < f->postal.n; i++)
		if ((rc = db_exec(db, Q(AC_POSTAL_ADD), DB_PARAMS(DBP_INT(tid),
		    DBP_STR(f->postal.code[i])), NULL)) != DB_OK)
			return rc;
	for (i = 0; i < f->communes.n; i++)
		if ((rc = db_exec(db, Q(AC_COMMUNE_ADD), DB_PARAMS(DBP_INT(tid),
		    DBP_STR(f->communes.code[i])), NULL)) != DB_OK)
			return rc;
	return DB_OK;
}

static int
cpts_new(struct req *r)
{
	struct cpts_form f;

	memset(&f, 0, sizeof(f));
	f.name = f.postal_text = f.commune_text = "";
	return cpts_page(r, 200, &f, NULL, NULL);
}

static int
cpts_create(struct req *r)
{
	struct db *db = r->app->db;
	struct cpts_form f;
	long long tid, id;
	enum db_rc rc;

	memset(&f, 0, sizeof(f));
	if (cpts_form_read(r, &f) != DB_OK)
		return -1;
	if (f.fe.n > 0)
		return cpts_page(r, 422, &f, NULL, NULL);
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(AC_TERRITORY_INSERT), DB_PARAMS(DBP_STR(f.name),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK)
		return http_fail_rollback(r);
	tid = (long long)db_insert_id(db);
	rc = db_exec(db, Q(AC_CPTS_INSERT), DB_PARAMS(DBP_STR(f.name),
	    DBP_INT(tid), DBP_INT(r->now), DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL);
	if (rc == DB_DUPLICATE) {
		db_rollback(db);
		form_error_add(&f.fe, "nom", "Une CPTS porte déjà ce nom.");
		return cpts_page(r, 422, &f, NULL, NULL);
	}
	if (rc != DB_OK)
		return http_fail_rollback(r);
	id = (long long)db_insert_id(db);
	if (territory_write(r, tid, &f) != DB_OK ||
	    audit(r, "cpts.create", "cpts", arena_printf(&r->arena, "%lld", id),
	    0, AUDIT_OK, arena_printf(&r->arena, "nom=%s; territoire=%lld; "
	    "codes postaux=%s; communes=%s%s", f.name, tid,
	    codes_join(r, &f.postal, ","), codes_join(r, &f.communes, ","),
	    f.ask_unknown ? "; codes absents de l'annuaire acceptés" : "")) !=
	    DB_OK || db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cpts/%lld?ok=cpts-creee", id));
}

static int
cpts_edit(struct req *r)
{
	long long id = http_path_id(r, "id");
	struct cpts_form f;

	if (id == 0)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	switch (cpts_load(r, id, &f)) {
	case DB_OK:
		return cpts_page(r, 200, &f, NULL, NULL);
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	default:
		return -1;
	}
}

static int
cpts_update(struct req *r)
{
	int answer;
	struct db *db = r->app->db;
	struct db_result c, old_pc, old_com;
	struct cpts_form f;
	struct buf b = BUF_INIT;
	const char *old_name, *detail, *dpc, *dcom;
	long long id = http_path_id(r, "id"), tid;
	enum db_rc rc;

	if (id == 0)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	memset(&f, 0, sizeof(f));
	f.id = id;
	if (cpts_form_read(r, &f) != DB_OK)
		return -1;
	if (f.fe.n > 0)
		return cpts_page(r, 422, &f, NULL, NULL);
	if (!cpts_lock(r, id, &c, &answer))
		return answer;
	old_name = db_cell(&c, 0, 1);
	tid = db_cell_int(&c, 0, 2);
	if (db_query(db, &r->arena, Q(AC_POSTAL), DB_PARAMS(DBP_INT(tid)),
	    &old_pc) != DB_OK || db_query(db, &r->arena, Q(AC_COMMUNES),
	    DB_PARAMS(DBP_INT(tid)), &old_com) != DB_OK)
		return http_fail_rollback(r);
	rc = db_exec(db, Q(AC_CPTS_UPDATE), DB_PARAMS(DBP_STR(f.name),
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(id)), NULL);
	if (rc == DB_DUPLICATE) {
		db_rollback(db);
		form_error_add(&f.fe, "nom", "Une autre CPTS porte déjà ce nom.");
		return cpts_page(r, 422, &f, NULL, NULL);
	}
	if (rc != DB_OK ||
	    db_exec(db, Q(AC_TERRITORY_RENAME), DB_PARAMS(DBP_STR(f.name),
	    DBP_INT(r->session->user_id), DBP_INT(tid)), NULL) != DB_OK ||
	    territory_write(r, tid, &f) != DB_OK)
		return http_fail_rollback(r);
	/* What changed, for the audit log. */
	dpc = codes_diff(r, &old_pc, &f.postal);
	dcom = codes_diff(r, &old_com, &f.communes);
	if (strcmp(old_name, f.name) != 0)
		buf_printf(&b, "nom=%s → %s", old_name, f.name);
	if (*dpc != '\0')
		buf_printf(&b, "%scodes postaux %s", b.len ? "; " : "", dpc);
	if (*dcom != '\0')
		buf_printf(&b, "%scommunes %s", b.len ? "; " : "", dcom);
	if (b.len == 0)
		buf_puts(&b, "aucun changement");
	if (f.ask_unknown)
		buf_puts(&b, "; codes absents de l'annuaire acceptés");
	detail = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	if (audit(r, "cpts.update", "cpts", arena_printf(&r->arena, "%lld", id),
	    0, AUDIT_OK, detail) != DB_OK || db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cpts/%lld?ok=cpts-modifiee", id));
}

/* ---- managers ---- */

/* Shows CPTS id's page again (stored values) with a message: err beside
 * the manager field, or error at the top. */
static int
cpts_page_again(struct req *r, long long id, int status,
    const struct manager_form *mf, const char *error)
{
	struct cpts_form f;

	switch (cpts_load(r, id, &f)) {
	case DB_OK:
		return cpts_page(r, status, &f, mf, error);
	case DB_NOT_FOUND:
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	default:
		return -1;
	}
}

static int
manager_add(struct req *r)
{
	int answer;
	struct db *db = r->app->db;
	struct db_result c, u;
	struct manager_form mf = { .account = form_trim(r, "compte") };
	char why[ROLE_MSG_MAX];
	long long id = http_path_id(r, "id"), uid;
	const char *login;

	if (id == 0)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	if (*mf.account == '\0' || valid_text(mf.account, 1, 254) != NULL) {
		mf.error = "Indiquez l'identifiant ou l'adresse e-mail du compte.";
		return cpts_page_again(r, id, 422, &mf, NULL);
	}
	if (role_scope_check("cpts_manager", "cpts", id, why) != ROLE_OK)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	if (!cpts_lock(r, id, &c, &answer))
		return answer;
	switch (db_query_row(db, &r->arena, Q(AC_USER_FIND), DB_PARAMS(
	    DBP_STR(mf.account), DBP_STR(mf.account), DBP_STR(mf.account)),
	    &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		db_rollback(db);
		mf.error = "Aucun compte n'a cet identifiant ou cette adresse "
		    "e-mail.";
		return cpts_page_again(r, id, 422, &mf, NULL);
	default:
		return http_fail_rollback(r);
	}
	uid = db_cell_int(&u, 0, 0);
	login = db_cell(&u, 0, 1);
	switch (db_exec(db, Q(AC_ROLE_GRANT), DB_PARAMS(DBP_INT(uid),
	    DBP_INT(id), DBP_INT(r->session->user_id), DBP_INT(r->now)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		db_rollback(db);
		mf.error = arena_printf(&r->arena, "Le compte %s gère déjà cette "
		    "CPTS.", login);
		return cpts_page_again(r, id, 422, &mf, NULL);
	default:
		return http_fail_rollback(r);
	}
	/* The same audit row as the grant on the user's page. */
	if (audit(r, "role.grant", "user", login, 0, AUDIT_OK,
	    arena_printf(&r->arena, "cpts_manager:cpts:%lld", id)) != DB_OK ||
	    db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cpts/%lld?ok=gestionnaire-ajoute", id));
}

static int
manager_remove(struct req *r)
{
	struct db *db = r->app->db;
	struct db_result u;
	unsigned long long n = 0;
	long long id = http_path_id(r, "id"), uid;

	if (id == 0)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	if (valid_parse_ll(form_trim(r, "utilisateur"), 1, ID_MAX, &uid) != 0)
		return cpts_page_again(r, id, 422, NULL, "Ce gestionnaire est "
		    "inconnu : rechargez la page, puis recommencez.");
	switch (db_query_row(db, &r->arena, Q(AC_USER_LOGIN),
	    DB_PARAMS(DBP_INT(uid)), &u)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return cpts_page_again(r, id, 409, NULL, "Ce compte n'existe "
		    "plus : la page a été mise à jour.");
	default:
		return -1;
	}
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(AC_ROLE_REVOKE), DB_PARAMS(DBP_INT(uid), DBP_INT(id)),
	    &n) != DB_OK)
		return http_fail_rollback(r);
	if (n == 0) {
		db_rollback(db);
		return cpts_page_again(r, id, 409, NULL, "Ce compte ne gère pas "
		    "(ou plus) cette CPTS : la page a été mise à jour.");
	}
	if (audit(r, "role.revoke", "user", db_cell(&u, 0, 0), 0, AUDIT_OK,
	    arena_printf(&r->arena, "cpts_manager:cpts:%lld", id)) != DB_OK ||
	    db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/admin/cpts/%lld?ok=gestionnaire-retire", id));
}

/* ---- deletion ---- */

static int
cpts_delete(struct req *r)
{
	int answer;
	struct db *db = r->app->db;
	struct db_result c, use, managers;
	const char *ids, *msg;
	long long id = http_path_id(r, "id"), tid;
	size_t i;
	enum db_rc rc;

	if (id == 0)
		return http_error(r, 404, "Cette CPTS n'existe pas.");
	if (http_form(r, "confirmer") == NULL)
		return cpts_page_again(r, id, 422, NULL, "Cochez la case qui "
		    "confirme la suppression, puis recommencez.");
	ids = arena_printf(&r->arena, "%lld", id);
	if (!cpts_lock(r, id, &c, &answer))
		return answer;
	tid = db_cell_int(&c, 0, 2);
	if (db_query_row(db, &r->arena, Q(AC_USAGE), DB_PARAMS(DBP_INT(id),
	    DBP_INT(id), DBP_INT(id), DBP_INT(tid)), &use) != DB_OK ||
	    db_query(db, &r->arena, Q(AC_MANAGERS), DB_PARAMS(DBP_INT(id)),
	    &managers) != DB_OK)
		return http_fail_rollback(r);
	msg = NULL;
	if (db_cell_int(&use, 0, 0) > 0 || db_cell_int(&use, 0, 1) > 0 ||
	    db_cell_int(&use, 0, 2) > 0)
		msg = arena_printf(&r->arena, "Cette CPTS ne peut pas être "
		    "supprimée : ses gestionnaires ont enregistré des statuts ou "
		    "des notes (%lld professionnels suivis, %lld changements dans "
		    "l'historique, %lld informations ajoutées aux fiches), qui "
		    "seraient perdus. Vous pouvez retirer ses gestionnaires pour "
		    "qu'elle ne soit plus utilisée.", db_cell_int(&use, 0, 0),
		    db_cell_int(&use, 0, 1), db_cell_int(&use, 0, 2));
	else if (db_cell_int(&use, 0, 3) > 0)
		msg = arena_printf(&r->arena, "Cette CPTS ne peut pas être "
		    "supprimée : son territoire (n° %lld) est celui de %lld "
		    "gestionnaire(s) d'alertes ICOPE. Retirez-leur d'abord ce "
		    "rôle.", tid, db_cell_int(&use, 0, 3));
	if (msg != NULL) {
		db_rollback(db);
		if (audit(r, "cpts.delete", "cpts", ids, 0, AUDIT_DENIED,
		    "données liées") != DB_OK)
			return -1;
		return cpts_page_again(r, id, 409, NULL, msg);
	}
	/* The managers lose the role with the CPTS: each revocation is
	 * recorded as on the user's page. */
	for (i = 0; i < managers.nrows; i++)
		if (audit(r, "role.revoke", "user", db_cell(&managers, i, 1), 0,
		    AUDIT_OK, arena_printf(&r->arena, "cpts_manager:cpts:%lld",
		    id)) != DB_OK)
			return http_fail_rollback(r);
	if (db_exec(db, Q(AC_MANAGERS_CLEAR), DB_PARAMS(DBP_INT(id)),
	    NULL) != DB_OK ||
	    db_exec(db, Q(AC_CPTS_DELETE), DB_PARAMS(DBP_INT(id)), NULL) != DB_OK)
		return http_fail_rollback(r);
	rc = db_exec(db, Q(AC_TERRITORY_DELETE), DB_PARAMS(DBP_INT(tid)), NULL);
	if (rc == DB_CONSTRAINT) {
		/* ICOPE's patients or alerts are placed in the territory. */
		db_rollback(db);
		if (audit(r, "cpts.delete", "cpts", ids, 0, AUDIT_DENIED,
		    "territoire utilisé par ICOPE") != DB_OK)
			return -1;
		return cpts_page_again(r, id, 409, NULL, arena_printf(&r->arena,
		    "Cette CPTS ne peut pas être supprimée : des patients ou des "
		    "alertes ICOPE sont rattachés à son territoire (n° %lld).",
		    tid));
	}
	if (rc != DB_OK ||
	    audit(r, "cpts.delete", "cpts", ids, 0, AUDIT_OK, arena_printf(
	    &r->arena, "nom=%s; territoire=%lld; %zu gestionnaire(s) retiré(s)",
	    db_cell(&c, 0, 1), tid, managers.nrows)) != DB_OK ||
	    db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return http_redirect(r, "/admin/cpts?ok=cpts-supprimee");
}

#define CPTS_ROUTE(m, p, h) \
	{ m, p, h, ACCESS_ROLE, AUTH_LEVEL_2, "admin", 0 }

static const struct route cpts_routes[] = {
	CPTS_ROUTE("GET",  "/admin/cpts",			cpts_list),
	CPTS_ROUTE("GET",  "/admin/cpts/nouvelle",		cpts_new),
	CPTS_ROUTE("POST", "/admin/cpts/nouvelle",		cpts_create),
	CPTS_ROUTE("GET",  "/admin/cpts/{id}",			cpts_edit),
	CPTS_ROUTE("POST", "/admin/cpts/{id}",			cpts_update),
	CPTS_ROUTE("POST", "/admin/cpts/{id}/gestionnaires",	manager_add),
	CPTS_ROUTE("POST", "/admin/cpts/{id}/gestionnaires/retrait", manager_remove),
	CPTS_ROUTE("POST", "/admin/cpts/{id}/suppression",	cpts_delete),
};

const struct app_area portal_admin_cpts_area = {
	"admin_cpts", cpts_routes, sizeof(cpts_routes) / sizeof(cpts_routes[0]),
	cpts_sql, AC__MAX,
};
