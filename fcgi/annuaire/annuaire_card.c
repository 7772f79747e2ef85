/*
 * The professional's own card, /annuaire/ma-fiche: a logged-in user whose
 * account carries an RPPS/ADELI identifier (app_user.idnps) fills in what
 * the national files do not say: the e-mail address they publish (or
 * none), care modalities, equipment, languages, a short text.  Once saved,
 * the card is "completed" and its icon turns green everywhere.
 */
#include <string.h>

#include "annuaire.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "valid.h"

enum {
	CA_VIEWER,
	CA_PRO,
	CA_MSSANTE,
	CA_OPTIONS,
	CA_MINE,
	CA_UPSERT,
	CA_DEL_OPTIONS,
	CA_ADD_OPTION,
	CA__MAX
};
#define Q(i)	DB_STMT(AA_CARD, (i))

static const char *const card_sql[CA__MAX] = {
	[CA_VIEWER] =
	    "SELECT COALESCE(idnps, '') FROM app_user WHERE id = ?",
	[CA_PRO] =
	    "SELECT p.last_name, p.first_name, COALESCE(pr.label, p.profession_code),"
	    " c.email, COALESCE(c.about, ''), COALESCE(c.completed, 0),"
	    " COALESCE(UNIX_TIMESTAMP(c.updated_at), 0)"
	    " FROM professional p"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN professional_card c ON c.idnps = p.idnps"
	    " WHERE p.idnps = ?",
	[CA_MSSANTE] =
	    "SELECT address FROM professional_mssante WHERE idnps = ? ORDER BY address",
	[CA_OPTIONS] =
	    "SELECT kind, code, label FROM directory_option ORDER BY kind, position, label",
	[CA_MINE] =
	    "SELECT kind, code FROM professional_option WHERE idnps = ?"
	    " AND source_cpts_id = 0",
	[CA_UPSERT] =
	    "INSERT INTO professional_card (idnps, email, about, completed, updated_by)"
	    " VALUES (?, ?, ?, TRUE, ?) ON DUPLICATE KEY UPDATE email = VALUES(email),"
	    " about = VALUES(about), completed = TRUE, updated_by = VALUES(updated_by)",
	[CA_DEL_OPTIONS] =
	    "DELETE FROM professional_option WHERE idnps = ? AND source_cpts_id = 0",
	[CA_ADD_OPTION] =
	    "INSERT INTO professional_option (idnps, kind, code, source_cpts_id,"
	    " created_by) VALUES (?, ?, ?, 0, ?)",
};

#define ABOUT_MAX	1000

static const struct {
	const char	*kind;		/* directory_option.kind */
	const char	*field;		/* the form's field */
	const char	*list;		/* the template's list */
} option_kinds[] = {
	{ "care", "prise_en_charge", "care_options" },
	{ "equipment", "equipement", "equipment_options" },
	{ "language", "langue", "language_options" },
};
#define NKINDS	(sizeof(option_kinds) / sizeof(option_kinds[0]))

struct card_form {
	const char	*email;
	const char	*about;
	const char	*error;
	const char	*email_error;
	const char	*about_error;
	const char	*options_error;
};

/* The IDNPS of the session's user, or "" (answered with the page that
 * explains it); NULL after a database failure. */
static const char *
viewer_idnps(struct req *r)
{
	struct db_result res;

	if (db_query_row(r->app->db, &r->arena, Q(CA_VIEWER),
	    DB_PARAMS(DBP_INT(r->session->user_id)), &res) != DB_OK)
		return NULL;
	return db_cell(&res, 0, 0);
}

static bool
form_has(const struct req *r, const char *field, const char *value)
{
	size_t i;

	for (i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, field) == 0 &&
		    strcmp(r->form.v[i].value, value) == 0)
			return true;
	return false;
}

static int
card_render(struct req *r, int status, const char *idnps,
    const struct card_form *form)
{
	struct db_result pro, res, mine;
	struct tdict *ctx = http_ctx(r);
	struct tlist *lists[NKINDS];
	struct tlist *l;
	size_t i, k, j;

	tdict_str(ctx, "title", "Ma fiche dans l'annuaire");
	tdict_bool(ctx, "is_manager", annuaire_managed_cpts(r, NULL, 0) > 0);
	if (*idnps == '\0') {
		tdict_bool(ctx, "no_idnps", true);
		return http_render(r, status, "annuaire/card", ctx);
	}
	switch (db_query_row(r->app->db, &r->arena, Q(CA_PRO),
	    DB_PARAMS(DBP_STR(idnps)), &pro)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		tdict_bool(ctx, "not_in_directory", true);
		tdict_str(ctx, "idnps", idnps);
		return http_render(r, status, "annuaire/card", ctx);
	default:
		return -1;
	}
	tdict_bool(ctx, "has_card", true);
	tdict_str(ctx, "idnps", idnps);
	tdict_str(ctx, "last_name", db_cell(&pro, 0, 0));
	tdict_str(ctx, "first_name", db_cell(&pro, 0, 1));
	tdict_str(ctx, "profession", db_cell(&pro, 0, 2));
	tdict_bool(ctx, "card_completed", db_cell_int(&pro, 0, 5) != 0);
	if (db_cell_int(&pro, 0, 6) > 0)
		tdict_str(ctx, "updated", http_date_fr(r,
		    (time_t)db_cell_int(&pro, 0, 6), true));
	tdict_bool(ctx, "saved", form == NULL && http_query(r, "enregistre") != NULL);
	tdict_str(ctx, "email", form != NULL ? form->email : db_cell(&pro, 0, 3));
	tdict_str(ctx, "about", form != NULL ? form->about : db_cell(&pro, 0, 4));
	if (form != NULL) {
		tdict_str(ctx, "error", form->error);
		tdict_str(ctx, "email_error", form->email_error);
		tdict_str(ctx, "about_error", form->about_error);
		tdict_str(ctx, "options_error", form->options_error);
	}
	if (db_query(r->app->db, &r->arena, Q(CA_MSSANTE),
	    DB_PARAMS(DBP_STR(idnps)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "mssante");
	for (i = 0; i < res.nrows; i++)
		tlist_add_str(l, db_cell(&res, i, 0));
	tdict_bool(ctx, "has_mssante", res.nrows > 0);
	if (db_query(r->app->db, &r->arena, Q(CA_OPTIONS), DB_NOPARAMS, &res) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(CA_MINE), DB_PARAMS(DBP_STR(idnps)),
	    &mine) != DB_OK)
		return -1;
	for (k = 0; k < NKINDS; k++)
		lists[k] = tdict_list(ctx, option_kinds[k].list);
	for (i = 0; i < res.nrows; i++) {
		const char *kind = db_cell(&res, i, 0), *code = db_cell(&res, i, 1);
		struct tdict *d;
		bool checked = false;

		for (k = 0; k < NKINDS && strcmp(kind, option_kinds[k].kind) != 0; k++)
			;
		if (k == NKINDS)
			continue;
		d = tlist_add(lists[k]);
		tdict_str(d, "code", code);
		tdict_str(d, "label", db_cell(&res, i, 2));
		tdict_str(d, "field", option_kinds[k].field);
		if (form != NULL)
			checked = form_has(r, option_kinds[k].field, code);
		else
			for (j = 0; j < mine.nrows && !checked; j++)
				checked = strcmp(db_cell(&mine, j, 0), kind) == 0 &&
				    strcmp(db_cell(&mine, j, 1), code) == 0;
		tdict_bool(d, "checked", checked);
	}
	return http_render(r, status, "annuaire/card", ctx);
}

static int
card_get(struct req *r)
{
	const char *idnps = viewer_idnps(r);

	if (idnps == NULL)
		return -1;
	return card_render(r, 200, idnps, NULL);
}

static int
card_post(struct req *r)
{
	const char *idnps = viewer_idnps(r), *why;
	struct card_form form;
	struct db_result pro, opts;
	size_t i, k;

	if (idnps == NULL)
		return -1;
	if (*idnps == '\0')
		return http_error(r, 403, "Votre compte n'est relié à aucun"
		    " identifiant RPPS ou ADELI.");
	switch (db_query_row(r->app->db, &r->arena, Q(CA_PRO),
	    DB_PARAMS(DBP_STR(idnps)), &pro)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return http_error(r, 404, "Votre identifiant n'est pas dans l'annuaire.");
	default:
		return -1;
	}
	memset(&form, 0, sizeof(form));
	form.email = http_form(r, "email");
	form.about = http_form(r, "a_propos");
	if (form.email != NULL && *form.email == '\0')
		form.email = NULL;
	if (form.about == NULL)
		form.about = "";
	if (form.email != NULL && (why = valid_email(form.email, 0, 0)) != NULL)
		form.email_error = why;
	if ((why = valid_multiline(form.about, 0, ABOUT_MAX)) != NULL)
		form.about_error = why;
	if (db_query(r->app->db, &r->arena, Q(CA_OPTIONS), DB_NOPARAMS, &opts) != DB_OK)
		return -1;
	/* Every ticked option must be one of the list. */
	for (i = 0; i < r->form.n; i++) {
		const struct param *p = &r->form.v[i];
		bool known = false;

		for (k = 0; k < NKINDS && strcmp(p->name, option_kinds[k].field) != 0; k++)
			;
		if (k == NKINDS)
			continue;
		for (size_t j = 0; j < opts.nrows && !known; j++)
			known = strcmp(db_cell(&opts, j, 0), option_kinds[k].kind) == 0 &&
			    strcmp(db_cell(&opts, j, 1), p->value) == 0;
		if (!known)
			form.options_error = "Une des cases cochées n'existe pas.";
	}
	if (form.email_error != NULL || form.about_error != NULL ||
	    form.options_error != NULL) {
		form.error = "Votre fiche n'a pas été enregistrée : corrigez les"
		    " champs signalés.";
		return card_render(r, 422, idnps, &form);
	}
	if (db_begin(r->app->db) != DB_OK)
		return -1;
	if (db_exec(r->app->db, Q(CA_UPSERT), DB_PARAMS(DBP_STR(idnps),
	    DBP_STR(form.email), DBP_STR(form.about), DBP_INT(r->session->user_id)),
	    NULL) != DB_OK ||
	    db_exec(r->app->db, Q(CA_DEL_OPTIONS), DB_PARAMS(DBP_STR(idnps)),
	    NULL) != DB_OK)
		goto fail;
	for (i = 0; i < opts.nrows; i++) {
		const char *kind = db_cell(&opts, i, 0), *code = db_cell(&opts, i, 1);

		for (k = 0; k < NKINDS && strcmp(kind, option_kinds[k].kind) != 0; k++)
			;
		if (k == NKINDS || !form_has(r, option_kinds[k].field, code))
			continue;
		if (db_exec(r->app->db, Q(CA_ADD_OPTION), DB_PARAMS(DBP_STR(idnps),
		    DBP_STR(kind), DBP_STR(code), DBP_INT(r->session->user_id)),
		    NULL) != DB_OK)
			goto fail;
	}
	if (audit(r, "annuaire.card", "professional", idnps, 0, AUDIT_OK,
	    form.email != NULL ? "e-mail publié" : "sans e-mail publié") != DB_OK ||
	    db_commit(r->app->db) != DB_OK)
		goto fail;
	return http_redirect(r, "/annuaire/ma-fiche?enregistre=1");
fail:
	db_rollback(r->app->db);
	return -1;
}

static const struct route card_routes[] = {
	{ "GET", "/annuaire/ma-fiche", card_get, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/annuaire/ma-fiche", card_post, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
};

const struct app_area annuaire_card_area = {
	"card", card_routes, sizeof(card_routes) / sizeof(card_routes[0]),
	card_sql, CA__MAX,
};
