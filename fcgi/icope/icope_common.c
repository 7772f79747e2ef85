/*
 * What every ICOPE page shares: who may use the program (pro or
 * alert_manager), who may open a file (its care circle, and the alert
 * managers of its territory), the file's header with its panels and the
 * user's favourite panels, and the small form helpers.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "icope.h"

enum {
	COMMON_PATIENT,
	COMMON_FAV_PANELS,
	COMMON__MAX
};
#define Q(i)	DB_STMT(IA_COMMON, (i))

static const char *const common_sql[COMMON__MAX] = {
	[COMMON_PATIENT] =
	    "SELECT p.id, COALESCE(p.territory_id, 0), t.name, p.birth_name,"
	    " p.used_name, p.first_names, p.sex,"
	    " DATE_FORMAT(p.birth_date, '%d/%m/%Y'),"
	    " TIMESTAMPDIFF(YEAR, p.birth_date, ?), p.ins, p.birth_rank,"
	    " p.postal_code, EXISTS (SELECT 1 FROM care_circle c"
	    "  WHERE c.patient_id = p.id AND c.user_id = ?),"
	    " (SELECT v.version FROM icope_form_version v WHERE v.id = 1)"
	    " FROM patient p LEFT JOIN territory t ON t.id = p.territory_id"
	    " WHERE p.id = ?",
	[COMMON_FAV_PANELS] =
	    "SELECT panel FROM user_favorite_panel WHERE user_id = ?"
	    " ORDER BY position",
};

const struct app_area icope_common_area = {
	"common", NULL, 0, common_sql, COMMON__MAX,
};

static const struct {
	const char	*slug;		/* path and user_favorite_panel.panel */
	const char	*label;
} panels[PANEL__MAX] = {
	[PANEL_ADMIN] = { "administratif", "Administratif" },
	[PANEL_CIRCLE] = { "entourage", "Entourage" },
	[PANEL_EVALUATION] = { "evaluation", "ICOPE – Évaluation" },
	[PANEL_ALERTS] = { "alertes", "ICOPE – Alertes et STEP 2" },
	[PANEL_FOLLOWUP] = { "suivi", "ICOPE – Suivi" },
	[PANEL_HISTORY] = { "historique", "Historique" },
};

bool
icope_user_ok(const struct req *r)
{
	return req_has_role(r, "pro") || req_has_role(r, "alert_manager");
}

int
icope_forbidden(struct req *r)
{
	return http_error(r, 403, "ICOPE est réservé aux professionnels de "
	    "santé et aux gestionnaires d'alerte.");
}

int
icope_managed_territories(const struct req *r, long long *out, int max)
{
	size_t i;
	int n = 0;

	for (i = 0; r->session != NULL && i < r->session->nroles; i++) {
		const struct role_grant *g = &r->session->roles[i];

		if (strcmp(g->role, "alert_manager") != 0 ||
		    strcmp(g->scope_type, "territory") != 0 || g->scope_id <= 0)
			continue;
		if (n < max)
			out[n] = g->scope_id;
		n++;
	}
	return n;
}

const char *
icope_today(struct req *r)
{
	char out[16];
	struct tm tm;
	time_t t = r->now ? r->now : time(NULL);

	if (localtime_r(&t, &tm) == NULL)
		return "1970-01-01";
	strftime(out, sizeof(out), "%Y-%m-%d", &tm);
	return arena_strdup(&r->arena, out);
}

const char *
icope_display_name(struct req *r, const char *birth, const char *used,
    const char *first)
{
	if (used != NULL && *used != '\0' && strcmp(used, birth) != 0)
		return arena_printf(&r->arena, "%s (%s) %s", used, birth, first);
	return arena_printf(&r->arena, "%s %s", birth, first);
}

int
icope_patient_load(struct req *r, long long id, struct icope_patient *p)
{
	struct db_result res;

	memset(p, 0, sizeof(*p));
	if (id <= 0)
		return 1;
	switch (db_query_row(r->app->db, &r->arena, Q(COMMON_PATIENT), DB_PARAMS(
	    DBP_STR(icope_today(r)), DBP_INT(r->session->user_id),
	    DBP_INT(id)), &res)) {
	case DB_OK:
		break;
	case DB_NOT_FOUND:
		return 1;
	default:
		return -1;
	}
	p->id = db_cell_int(&res, 0, 0);
	p->territory_id = db_cell_int(&res, 0, 1);
	p->territory_name = db_cell(&res, 0, 2);
	p->birth_name = db_cell(&res, 0, 3);
	p->used_name = db_cell(&res, 0, 4);
	p->first_names = db_cell(&res, 0, 5);
	p->sex = db_cell(&res, 0, 6);
	p->birth_date = db_cell(&res, 0, 7);
	p->age = db_cell_int(&res, 0, 8);
	p->ins = db_cell(&res, 0, 9);
	p->birth_rank = db_cell_int(&res, 0, 10);
	p->postal_code = db_cell(&res, 0, 11);
	p->in_circle = db_cell_int(&res, 0, 12) != 0;
	p->form_version = db_cell_int(&res, 0, 13);
	p->manager = p->territory_id != 0 && req_has_scoped_role(r,
	    "alert_manager", "territory", p->territory_id);
	if (!p->in_circle && !p->manager)
		return 1;
	return 0;
}

int
icope_patient_open(struct req *r, struct icope_patient *p,
    const char *read_action, const char *detail)
{
	const char *ids = http_path_param(r, "id");
	long long id = http_path_id(r, "id");
	int rc;

	if (!icope_user_ok(r))
		return icope_forbidden(r), 1;
	rc = icope_patient_load(r, id, p);
	if (rc == -1)
		return -1;
	if (rc == 1) {
		/* Audited with the id asked for; patient_id only when the
		 * file exists, so the trail of a real file shows the try. */
		if (audit(r, "patient.denied", "patient",
		    ids != NULL && strlen(ids) <= 20 ? ids : "?", p->id,
		    AUDIT_DENIED, r->path) != DB_OK)
			return -1;
		http_error(r, 403, ICOPE_NO_ACCESS);
		return 1;
	}
	if (read_action != NULL && audit(r, read_action, "patient",
	    arena_printf(&r->arena, "%lld", p->id), p->id, AUDIT_OK,
	    detail) != DB_OK)
		return -1;
	return 0;
}

const char *
icope_panel_path(struct req *r, long long id, enum icope_panel pn)
{
	if ((unsigned int)pn >= PANEL__MAX)
		pn = PANEL_ADMIN;
	return arena_printf(&r->arena, "/icope/usagers/%lld/%s", id, panels[pn].slug);
}

static enum icope_panel
panel_from_slug(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < PANEL__MAX; i++)
		if (strcmp(s, panels[i].slug) == 0)
			return (enum icope_panel)i;
	return PANEL__MAX;
}

enum icope_panel
icope_landing_panel(struct req *r)
{
	struct db_result res;
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(COMMON_FAV_PANELS), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &res) != DB_OK)
		return PANEL__MAX;
	for (i = 0; i < res.nrows; i++)
		if (panel_from_slug(db_cell(&res, i, 0)) != PANEL__MAX)
			return panel_from_slug(db_cell(&res, i, 0));
	return PANEL_ADMIN;
}

int
icope_file_ctx(struct req *r, struct tdict *ctx, const struct icope_patient *p,
    enum icope_panel current)
{
	struct db_result fav;
	struct tdict *pd;
	struct tlist *l;
	bool is_fav[PANEL__MAX] = { false };
	size_t i;

	if (db_query(r->app->db, &r->arena, Q(COMMON_FAV_PANELS), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &fav) != DB_OK)
		return -1;
	pd = tdict_dict(ctx, "patient");
	tdict_int(pd, "id", p->id);
	tdict_str(pd, "name", icope_display_name(r, p->birth_name, p->used_name,
	    p->first_names));
	tdict_str(pd, "birth_name", p->birth_name);
	tdict_str(pd, "used_name", p->used_name);
	tdict_str(pd, "first_names", p->first_names);
	tdict_str(pd, "sex_label", strcmp(p->sex, "F") == 0 ? "Femme" :
	    strcmp(p->sex, "M") == 0 ? "Homme" : "Indéterminé");
	tdict_str(pd, "birth_date", p->birth_date);
	tdict_int(pd, "age", p->age);
	tdict_str(pd, "ins", p->ins);
	tdict_int(pd, "birth_rank", p->birth_rank);
	tdict_str(pd, "territory_name", p->territory_name);
	tdict_bool(pd, "manager", p->manager);
	tdict_bool(pd, "in_circle", p->in_circle);
	l = tdict_list(ctx, "favorite_panels");
	for (i = 0; i < fav.nrows; i++) {
		enum icope_panel pn = panel_from_slug(db_cell(&fav, i, 0));
		struct tdict *d;

		if (pn == PANEL__MAX || is_fav[pn])
			continue;
		is_fav[pn] = true;
		d = tlist_add(l);
		tdict_str(d, "label", panels[pn].label);
		tdict_str(d, "url", icope_panel_path(r, p->id, pn));
		tdict_bool(d, "current", pn == current);
	}
	tdict_bool(ctx, "has_favorite_panels", tlist_len(l) > 0);
	l = tdict_list(ctx, "panels");
	for (i = 0; i < PANEL__MAX; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "label", panels[i].label);
		tdict_str(d, "slug", panels[i].slug);
		tdict_str(d, "url", icope_panel_path(r, p->id, (enum icope_panel)i));
		tdict_bool(d, "current", i == (size_t)current);
		tdict_bool(d, "favorite", is_fav[i]);
	}
	if ((unsigned int)current < PANEL__MAX)
		tdict_str(ctx, "panel_label", panels[current].label);
	return 0;
}

/* ---- forms ---- */

const char *
icope_like_prefix(struct req *r, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;

	for (; *s != '\0'; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, *s);
	}
	buf_putc(&b, '%');
	out = arena_strdup(&r->arena, buf_str(&b));
	buf_free(&b);
	return out;
}

const char *
icope_date_iso(struct req *r, const char *s)
{
	int y, m, d;

	if (s == NULL || valid_date_parse(s, &y, &m, &d) != 0)
		return NULL;
	return arena_printf(&r->arena, "%04d-%02d-%02d", y, m, d);
}

const char *
icope_id_list(struct req *r, const char *ids)
{
	size_t n = strlen(ids);

	if (n <= 900)
		return ids;
	for (n = 900; n > 0 && ids[n] != ','; n--)
		continue;
	return arena_printf(&r->arena, "%.*s,…", (int)n, ids);
}

void
icope_form_init(struct icope_form *f, struct req *r, struct tdict *ctx)
{
	memset(f, 0, sizeof(*f));
	f->r = r;
	f->ctx = ctx;
	f->v = tdict_dict(ctx, "v");
	f->e = tdict_dict(ctx, "e");
	f->summary = tdict_list(ctx, "errors");
}

void
icope_form_error(struct icope_form *f, const char *name, const char *label,
    const char *message)
{
	struct tdict *d;

	if (tdict_get(f->e, name) != NULL)
		return;
	tdict_str(f->e, name, message);
	d = tlist_add(f->summary);
	tdict_str(d, "field", name);
	tdict_str(d, "label", label);
	tdict_str(d, "message", message);
	f->nerr++;
	tdict_bool(f->ctx, "has_errors", true);
}

const char *
icope_field(struct icope_form *f, const char *name, const char *label,
    bool required, valid_fn fn, long long min, long long max)
{
	char *v = http_trim(f->r, http_form(f->r, name));
	const char *msg;

	tdict_str(f->v, name, v);
	if (*v == '\0') {
		if (required) {
			icope_form_error(f, name, label, "Ce champ est obligatoire.");
			return NULL;
		}
		return v;
	}
	if (fn != NULL && (msg = fn(v, min, max)) != NULL) {
		icope_form_error(f, name, label, msg);
		return NULL;
	}
	return v;
}
