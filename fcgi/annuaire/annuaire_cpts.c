/*
 * The CPTS module, for the managers of a CPTS (role cpts_manager, scope
 * 'cpts' + the CPTS's id).  The scope is checked here against the CPTS the
 * URL or the form names: a manager of CPTS A reads and changes nothing of
 * CPTS B, whatever the URL says (answered 403 and audited).
 *
 *   GET /annuaire/recherche               search in the territory (chips),
 *                                         exact / approximate, statuses,
 *                                         the copy-the-addresses dialog
 *   GET /annuaire/recherche/export.csv    the same results as CSV
 *   GET /annuaire/arrivees                new arrivals on the territory
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annuaire.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "valid.h"

enum {
	CQ_CPTS_NAMES,
	CQ_TERRITORY,
	CQ_CPTS,
	CQ_LAST_IMPORT,
	CQ_ARRIVALS,
	CQ__MAX
};
#define Q(i)	DB_STMT(AA_CPTS, (i))

static const char *const cpts_sql[CQ__MAX] = {
	/* The CPTS the user manages (the page's among them). */
	[CQ_CPTS_NAMES] =
	    "SELECT c.id, c.name, c.territory_id FROM cpts c WHERE c.id IN " SQL_JT("?")
	    " ORDER BY c.name",
	/* A territory: its postal codes (kind 1: listed by the territory,
	 * whole; kind 0: only from its communes, refined by commune code),
	 * then its commune codes (kind 2). */
	[CQ_TERRITORY] =
	    "SELECT postal_code AS code, 1 AS kind FROM territory_postal_code"
	    " WHERE territory_id = ?"
	    " UNION SELECT DISTINCT rc.postal_code, 0 FROM territory_commune tc"
	    " JOIN rpps_commune rc ON rc.insee = tc.insee WHERE tc.territory_id = ?"
	    " AND rc.postal_code NOT IN (SELECT postal_code FROM"
	    "  territory_postal_code WHERE territory_id = ?)"
	    " UNION ALL SELECT insee, 2 FROM territory_commune WHERE territory_id = ?"
	    " ORDER BY kind = 2, code",
	/* A CPTS the user manages beyond the selector's first MAX_MANAGED. */
	[CQ_CPTS] =
	    "SELECT id, name, territory_id FROM cpts WHERE id = ?",
	[CQ_LAST_IMPORT] =
	    "SELECT COALESCE(UNIX_TIMESTAMP(MAX(started_at)), 0) FROM rpps_import"
	    " WHERE kind = 'activite' AND status = 'done'",
	[CQ_ARRIVALS] =
	    "SELECT s.idnps, p.last_name, p.first_name,"
	    " COALESCE(pr.label, p.profession_code), s.company_name, s.trade_name,"
	    " s.street_number, s.street_repeat, s.street_type, s.street_name,"
	    " s.addr_distribution, s.postal_code, s.commune_label, s.phone,"
	    " UNIX_TIMESTAMP(s.arrived_at), s.first_import_id = p.first_import_id,"
	    " COALESCE(cp.status, 'inconnu'), COALESCE(c.completed, 0)"
	    " FROM practice_site s JOIN professional p ON p.idnps = s.idnps"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN cpts_professional cp ON cp.cpts_id = ? AND cp.idnps = s.idnps"
	    " LEFT JOIN professional_card c ON c.idnps = s.idnps"
	    " WHERE s.arrived_at >= FROM_UNIXTIME(?) AND p.file_status = 'present'"
	    " AND" SQL_PLACE("s")
	    " ORDER BY s.arrived_at DESC, p.last_key, p.first_key, p.idnps LIMIT 500",
};

/* ---- statuses ---- */

static const struct {
	const char	*code;
	const char	*label;
	const char	*icon;
} statuses[CS__MAX] = {
	[CS_INCONNU] = { "inconnu", "inconnu", "○" },
	[CS_ADHERENT] = { "adherent", "adhérent", "★" },
	[CS_MEMBRE] = { "membre", "membre", "●" },
	[CS_REFUS] = { "refus", "refus d'adhérer", "✕" },
	[CS_NE_PLUS_CONTACTER] = { "ne_plus_contacter",
	    "ne souhaite plus être contacté", "⊘" },
};

const char *
cpts_status_code(enum cpts_status s)
{
	return statuses[s < CS__MAX ? s : CS_INCONNU].code;
}

const char *
cpts_status_label(enum cpts_status s)
{
	return statuses[s < CS__MAX ? s : CS_INCONNU].label;
}

bool
cpts_status_valid(const char *code, enum cpts_status *s)
{
	int i;

	for (i = 0; code != NULL && i < CS__MAX; i++)
		if (strcmp(code, statuses[i].code) == 0) {
			*s = (enum cpts_status)i;
			return true;
		}
	return false;
}

enum cpts_status
cpts_status_parse(const char *code)
{
	enum cpts_status s = CS_INCONNU;

	cpts_status_valid(code, &s);
	return s;
}

void
cpts_status_tdict(struct tdict *d, enum cpts_status s)
{
	tdict_str(d, "status", cpts_status_code(s));
	tdict_str(d, "status_label", cpts_status_label(s));
	tdict_str(d, "status_icon", statuses[s < CS__MAX ? s : CS_INCONNU].icon);
}

/* ---- who manages what ---- */

size_t
annuaire_managed_cpts(const struct req *r, long long *ids, size_t max)
{
	size_t i, n = 0;

	if (r->session == NULL)
		return 0;
	for (i = 0; i < r->session->nroles; i++) {
		const struct role_grant *g = &r->session->roles[i];

		if (strcmp(g->role, "cpts_manager") != 0 ||
		    strcmp(g->scope_type, "cpts") != 0 || g->scope_id <= 0)
			continue;
		if (ids != NULL && n < max)
			ids[n] = g->scope_id;
		n++;
	}
	return ids != NULL && n > max ? max : n;
}

bool
annuaire_manages(const struct req *r, long long id)
{
	return id > 0 && req_has_scoped_role(r, "cpts_manager", "cpts", id);
}

/* ---- the CPTS a page is about ---- */

#define MAX_MANAGED	32

struct cpts_page {
	long long	 id;
	const char	*name;
	long long	 territory;
	/* The territory: postal codes, whether each is refined by commune
	 * codes, and the commune codes. */
	const char	*postal[SEARCH_MAX_CODES];
	bool		 refined[SEARCH_MAX_CODES];
	size_t		 npostal;
	const char	*communes[SEARCH_MAX_CODES];
	size_t		 ncommunes;
	/* Every CPTS the user manages, for the selector. */
	struct db_result mine;
};

/*
 * Finds the CPTS of the request (parameter cpts, else the user's first)
 * and checks the user manages it.  Returns 0, 1 when the response is
 * written (403, 404), or -1.
 */
static int
cpts_page_load(struct req *r, const char *value, struct cpts_page *c)
{
	long long ids[MAX_MANAGED];
	const char *list[MAX_MANAGED];
	struct db_result res;
	size_t n, i;

	memset(c, 0, sizeof(*c));
	n = annuaire_managed_cpts(r, ids, MAX_MANAGED);
	if (value != NULL && *value != '\0') {
		if (valid_parse_ll(value, 1, 9007199254740991LL, &c->id) != 0)
			return http_error(r, 404, "Cette CPTS n'existe pas."), 1;
		if (!annuaire_manages(r, c->id)) {
			if (audit(r, "cpts.access", "cpts", value, 0, AUDIT_DENIED,
			    r->path) != DB_OK)
				return -1;
			return http_error(r, 403, "Vous ne gérez pas cette CPTS."), 1;
		}
	} else if (n > 0)
		c->id = ids[0];
	else
		return http_error(r, 403, "Vous ne gérez aucune CPTS."), 1;
	for (i = 0; i < n; i++)
		list[i] = arena_printf(&r->arena, "%lld", ids[i]);
	if (db_query(r->app->db, &r->arena, Q(CQ_CPTS_NAMES), DB_PARAMS(
	    DBP_STR(annuaire_json_list(r, list, n))), &c->mine) != DB_OK)
		return -1;
	/* The user manages c->id: it is in the list unless it is gone (or
	 * past the first MAX_MANAGED). */
	for (i = 0; i < c->mine.nrows; i++)
		if (db_cell_int(&c->mine, i, 0) == c->id)
			break;
	if (i < c->mine.nrows) {
		c->name = db_cell(&c->mine, i, 1);
		c->territory = db_cell_int(&c->mine, i, 2);
	} else {
		switch (db_query_row(r->app->db, &r->arena, Q(CQ_CPTS),
		    DB_PARAMS(DBP_INT(c->id)), &res)) {
		case DB_OK:
			break;
		case DB_NOT_FOUND:
			return http_error(r, 404, "Cette CPTS n'existe pas."), 1;
		default:
			return -1;
		}
		c->name = db_cell(&res, 0, 1);
		c->territory = db_cell_int(&res, 0, 2);
	}
	if (db_query(r->app->db, &r->arena, Q(CQ_TERRITORY), DB_PARAMS(
	    DBP_INT(c->territory), DBP_INT(c->territory), DBP_INT(c->territory),
	    DBP_INT(c->territory)), &res) != DB_OK)
		return -1;
	for (i = 0; i < res.nrows; i++) {
		long long kind = db_cell_int(&res, i, 1);

		if (kind == 2 && c->ncommunes < SEARCH_MAX_CODES)
			c->communes[c->ncommunes++] = db_cell(&res, i, 0);
		else if (kind != 2 && c->npostal < SEARCH_MAX_CODES) {
			c->postal[c->npostal] = db_cell(&res, i, 0);
			c->refined[c->npostal++] = kind == 0;
		}
	}
	return 0;
}

static void
cpts_page_tdict(struct tdict *ctx, const struct cpts_page *c)
{
	struct tlist *l = tdict_list(ctx, "my_cpts");
	size_t i;

	tdict_int(ctx, "cpts_id", c->id);
	tdict_str(ctx, "cpts_name", c->name);
	for (i = 0; i < c->mine.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "id", db_cell(&c->mine, i, 0));
		tdict_str(d, "name", db_cell(&c->mine, i, 1));
		tdict_bool(d, "selected", db_cell_int(&c->mine, i, 0) == c->id);
	}
	tdict_bool(ctx, "several_cpts", c->mine.nrows > 1);
}

/* ---- the search in the territory ---- */

/* The postal code chips: the territory's, then any added; each checked
 * or not. */
struct chips {
	const char	*code[SEARCH_MAX_CODES];
	bool		 checked[SEARCH_MAX_CODES];
	bool		 in_territory[SEARCH_MAX_CODES];
	size_t		 n;
};

static bool
query_has(const struct req *r, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < r->query.n; i++)
		if (strcmp(r->query.v[i].name, name) == 0 &&
		    strcmp(r->query.v[i].value, value) == 0)
			return true;
	return false;
}

static size_t
chip_find(const struct chips *ch, const char *code)
{
	size_t i;

	for (i = 0; i < ch->n; i++)
		if (strcmp(ch->code[i], code) == 0)
			return i;
	return ch->n;
}

static void
chip_add(struct chips *ch, const char *code, bool checked, bool territory)
{
	size_t i = chip_find(ch, code);

	if (i < ch->n) {
		ch->checked[i] = ch->checked[i] || checked;
		return;
	}
	if (ch->n >= SEARCH_MAX_CODES)
		return;
	ch->code[ch->n] = code;
	ch->checked[ch->n] = checked;
	ch->in_territory[ch->n++] = territory;
}

/*
 * Reads the chips: without the form's marker f=1 (first visit, reset)
 * every postal code of the territory is checked; with it, the checked
 * boxes cp= say which, codes added by hand come in cp= (the script) or
 * in the field cp_ajout (without script).  Records a bad code in s.
 */
static void
chips_read(struct req *r, const struct cpts_page *c, struct chips *ch,
    struct search *s)
{
	bool submitted = http_query(r, "f") != NULL;
	const char *add, *p;
	size_t i, n;

	memset(ch, 0, sizeof(*ch));
	for (i = 0; i < c->npostal; i++)
		chip_add(ch, c->postal[i], !submitted || query_has(r, "cp",
		    c->postal[i]), true);
	if (!submitted)
		return;
	for (i = 0; i < r->query.n; i++) {
		const char *v = r->query.v[i].value;

		if (strcmp(r->query.v[i].name, "cp") != 0)
			continue;
		if (valid_postal_code(v, 0, 0) != NULL) {
			search_set_error(s, "cp_ajout", "Un code postal a 5 chiffres.");
			continue;
		}
		chip_add(ch, v, true, false);
	}
	if ((add = annuaire_query(r, "cp_ajout")) == NULL)
		return;
	for (p = add; *p != '\0';) {
		char *code;

		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		for (n = 0; p[n] != '\0' && p[n] != ' ' && p[n] != ',' && p[n] != ';'; n++)
			;
		if (n == 0)
			break;
		code = arena_strndup(&r->arena, p, n);
		if (valid_postal_code(code, 0, 0) != NULL)
			search_set_error(s, "cp_ajout", "Indiquez des codes postaux de"
			    " 5 chiffres, séparés par des espaces ou des virgules.");
		else
			chip_add(ch, code, true, false);
		p += n;
	}
}

/* Turns the checked chips into the search's place. */
static void
chips_place(const struct cpts_page *c, const struct chips *ch, struct search *s)
{
	size_t i, k;

	for (i = 0; i < ch->n; i++) {
		if (!ch->checked[i])
			continue;
		s->postal[s->npostal++] = ch->code[i];
		for (k = 0; k < c->npostal; k++)
			if (c->refined[k] && strcmp(c->postal[k], ch->code[i]) == 0)
				s->refined[s->nrefined++] = ch->code[i];
	}
	for (i = 0; i < c->ncommunes; i++)
		s->communes[s->ncommunes++] = c->communes[i];
	s->has_place = s->npostal > 0;
}

/* The query string of the current search, for the export and the links. */
static const char *
search_query_string(struct req *r, const struct cpts_page *c,
    const struct chips *ch, const struct search *s)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	buf_printf(&b, "cpts=%lld&f=1", c->id);
	for (i = 0; i < ch->n; i++)
		if (ch->checked[i])
			buf_printf(&b, "&cp=%s", ch->code[i]);
#define QS(name, v)	do { if ((v) != NULL) { buf_puts(&b, "&" name "=");	\
	buf_url(&b, (v)); } } while (0)
	QS("nom", s->name);
	QS("profession", s->profession);
	QS("specialite", s->skill);
	QS("statut", s->status);
	for (i = 0; i < s->ncare; i++)
		QS("prise_en_charge", s->care[i]);
	for (i = 0; i < s->nequip; i++)
		QS("equipement", s->equip[i]);
#undef QS
	out = arena_strndup(&r->arena, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

/* Reads everything a CPTS search takes; returns 0, 1 (responded) or -1. */
static int
cpts_search_read(struct req *r, struct cpts_page *c, struct chips *ch,
    struct search *s)
{
	const char *status;
	enum cpts_status st;
	int rc;

	if ((rc = cpts_page_load(r, http_query(r, "cpts"), c)) != 0)
		return rc;
	memset(s, 0, sizeof(*s));
	s->cpts_id = c->id;
	search_read_criteria(r, s);
	status = annuaire_query(r, "statut");
	if (status != NULL) {
		if (!cpts_status_valid(status, &st))
			search_set_error(s, "statut", "Ce statut n'existe pas.");
		else
			s->status = cpts_status_code(st);
	}
	chips_read(r, c, ch, s);
	chips_place(c, ch, s);
	return 0;
}

/* The copy-the-addresses dialog: addresses of the results, except those
 * who asked not to be contacted; those without an address. */
static void
emails_tdict(struct req *r, struct tdict *ctx, const struct search_result *res)
{
	struct tlist *without = tdict_list(ctx, "without_email");
	struct buf b = BUF_INIT;
	size_t i, n = 0, excluded = 0;

	for (i = 0; i < res->nhits; i++) {
		const struct search_hit *h = &res->hits[i];

		if (h->status == CS_NE_PLUS_CONTACTER) {
			excluded++;
			continue;
		}
		if (h->email == NULL || *h->email == '\0') {
			struct tdict *d = tlist_add(without);

			tdict_str(d, "idnps", h->idnps);
			tdict_str(d, "last_name", h->last_name);
			tdict_str(d, "first_name", h->first_name);
			tdict_str(d, "profession", h->profession);
			tdict_str(d, "phone", h->phone);
			continue;
		}
		if (n++ > 0)
			buf_puts(&b, "; ");
		buf_puts(&b, h->email);
	}
	tdict_str(ctx, "emails", arena_strndup(&r->arena, buf_str(&b), b.len));
	tdict_int(ctx, "nemails", (long long)n);
	tdict_int(ctx, "nexcluded", (long long)excluded);
	tdict_bool(ctx, "has_without_email", tlist_len(without) > 0);
	buf_free(&b);
}

static int
cpts_search(struct req *r)
{
	struct cpts_page c;
	struct chips ch;
	struct search s;
	struct search_result res;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;
	int rc;

	if ((rc = cpts_search_read(r, &c, &ch, &s)) != 0)
		return rc < 0 ? -1 : 0;
	memset(&res, 0, sizeof(res));
	if (s.error == NULL && search_run(r, &s, &res) != 0)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Module CPTS – recherche");
	tlist_add_str(tdict_list(ctx, "scripts"), "annuaire.js");
	cpts_page_tdict(ctx, &c);
	if (search_form_choices(r, ctx, &s, &res) != 0)
		return -1;
	l = tdict_list(ctx, "chips");
	for (i = 0; i < ch.n; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "code", ch.code[i]);
		tdict_bool(d, "checked", ch.checked[i]);
		tdict_bool(d, "added", !ch.in_territory[i]);
	}
	l = tdict_list(ctx, "statuses");
	for (i = 0; i < CS__MAX; i++) {
		struct tdict *d = tlist_add(l);

		cpts_status_tdict(d, (enum cpts_status)i);
		tdict_bool(d, "selected", s.status != NULL &&
		    strcmp(s.status, cpts_status_code((enum cpts_status)i)) == 0);
	}
	tdict_bool(ctx, "no_place", !s.has_place);
	tdict_str(ctx, "query", search_query_string(r, &c, &ch, &s));
	if (s.error != NULL) {
		tdict_str(ctx, "error", s.error);
		tdict_bool(tdict_dict(ctx, "err"), s.error_field, true);
	}
	tdict_bool(ctx, "searched", s.error == NULL);
	search_hits_tdict(r, ctx, &res, true);
	emails_tdict(r, ctx, &res);
	return http_render(r, s.error != NULL ? 422 : 200, "annuaire/cpts_search", ctx);
}

/* ---- CSV export ---- */

/* Appends a CSV field: quoted, "" inside; a leading = + - @ is neutralised
 * with a quote so that a spreadsheet never reads a formula. */
static void
csv_field(struct buf *b, const char *v, bool last)
{
	const char *p;

	buf_putc(b, '"');
	if (v != NULL && (*v == '=' || *v == '+' || *v == '-' || *v == '@' ||
	    *v == '\t' || *v == '\r'))
		buf_putc(b, '\'');
	for (p = v != NULL ? v : ""; *p != '\0'; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
	buf_puts(b, last ? "\r\n" : ";");
}

static int
cpts_export(struct req *r)
{
	struct cpts_page c;
	struct chips ch;
	struct search s;
	struct search_result res;
	struct buf b = BUF_INIT;
	char disp[128], day[16];
	struct tm tm;
	size_t i;
	int rc;

	if ((rc = cpts_search_read(r, &c, &ch, &s)) != 0)
		return rc < 0 ? -1 : 0;
	if (s.error != NULL)
		return http_error(r, 422, s.error);
	if (search_run(r, &s, &res) != 0)
		return -1;
	if (audit(r, "cpts.export", "cpts", arena_printf(&r->arena, "%lld", c.id),
	    0, AUDIT_OK, arena_printf(&r->arena, "%zu professionnels", res.nhits)) != DB_OK)
		return -1;
	/* UTF-8 with a BOM and ';': what a French Excel opens as it is. */
	buf_puts(&b, "\xEF\xBB\xBF");
	buf_puts(&b, "\"Correspondance\";\"Statut\";\"Identifiant (IDNPS)\";"
	    "\"Civilité d'exercice\";\"Nom\";\"Prénom\";\"Profession\";"
	    "\"Spécialité\";\"Lieu d'exercice\";\"Adresse\";\"Téléphone\";"
	    "\"Adresse e-mail\";\"Fiche renseignée\"\r\n");
	for (i = 0; i < res.nhits; i++) {
		const struct search_hit *h = &res.hits[i];
		bool contact = h->status != CS_NE_PLUS_CONTACTER;

		csv_field(&b, h->exact ? "exacte" : "approchée", false);
		csv_field(&b, cpts_status_label(h->status), false);
		csv_field(&b, h->idnps, false);
		csv_field(&b, h->practice_title, false);
		csv_field(&b, h->last_name, false);
		csv_field(&b, h->first_name, false);
		csv_field(&b, h->profession, false);
		csv_field(&b, h->specialty, false);
		csv_field(&b, h->site_name, false);
		csv_field(&b, h->address, false);
		csv_field(&b, h->phone, false);
		csv_field(&b, contact ? h->email : "", false);
		csv_field(&b, h->card_completed ? "oui" : "non", true);
	}
	localtime_r(&r->now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(disp, sizeof(disp), "attachment; filename=\"cpts-%lld-%s.csv\"",
	    c.id, day);
	http_header(r, "Content-Disposition", disp);
	http_header(r, "Cache-Control", "no-store");
	http_send(r, 200, "text/csv; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return 0;
}

/* ---- new arrivals ---- */

static int
cpts_arrivals(struct req *r)
{
	struct cpts_page c;
	struct db_result res;
	struct search place;
	struct tdict *ctx;
	struct tlist *l;
	const char *since = annuaire_query(r, "depuis"), *why = NULL;
	long long t = 0;
	size_t i;
	int rc, y, m, d;

	if ((rc = cpts_page_load(r, http_query(r, "cpts"), &c)) != 0)
		return rc < 0 ? -1 : 0;
	if (since != NULL) {
		if ((why = valid_date(since, 2000, 2100)) == NULL &&
		    valid_date_parse(since, &y, &m, &d) == 0) {
			struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1,
			    .tm_mday = d, .tm_isdst = -1 };

			t = (long long)mktime(&tm);
		}
	} else {
		if (db_query_row(r->app->db, &r->arena, Q(CQ_LAST_IMPORT),
		    DB_NOPARAMS, &res) != DB_OK)
			return -1;
		t = db_cell_int(&res, 0, 0);
	}
	memset(&place, 0, sizeof(place));
	for (i = 0; i < c.npostal; i++) {
		place.postal[place.npostal++] = c.postal[i];
		if (c.refined[i])
			place.refined[place.nrefined++] = c.postal[i];
	}
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Module CPTS – nouveaux arrivants");
	cpts_page_tdict(ctx, &c);
	tdict_str(ctx, "since", since != NULL ? since : http_date_fr(r, (time_t)t, false));
	if (why != NULL) {
		tdict_str(ctx, "error", why);
		return http_render(r, 422, "annuaire/arrivals", ctx);
	}
	if (db_query(r->app->db, &r->arena, Q(CQ_ARRIVALS), DB_PARAMS(
	    DBP_INT(c.id), DBP_INT(t),
	    DBP_STR(annuaire_json_list(r, place.postal, place.npostal)),
	    DBP_STR(annuaire_csv_list(r, place.refined, place.nrefined)),
	    DBP_STR(annuaire_csv_list(r, c.communes, c.ncommunes))), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "arrivals");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *a = tlist_add(l);
		const char *site = db_cell(&res, i, 5);

		tdict_str(a, "idnps", db_cell(&res, i, 0));
		tdict_str(a, "last_name", db_cell(&res, i, 1));
		tdict_str(a, "first_name", db_cell(&res, i, 2));
		tdict_str(a, "profession", db_cell(&res, i, 3));
		tdict_str(a, "site_name", site != NULL && *site != '\0' ? site :
		    db_cell(&res, i, 4));
		tdict_str(a, "address", annuaire_address(r, db_cell(&res, i, 6),
		    db_cell(&res, i, 7), db_cell(&res, i, 8), db_cell(&res, i, 9),
		    db_cell(&res, i, 10), db_cell(&res, i, 11), db_cell(&res, i, 12)));
		tdict_str(a, "phone", db_cell(&res, i, 13));
		tdict_str(a, "arrived", http_date_fr(r, (time_t)db_cell_int(&res, i, 14),
		    false));
		tdict_bool(a, "newcomer", db_cell_int(&res, i, 15) != 0);
		cpts_status_tdict(a, cpts_status_parse(db_cell(&res, i, 16)));
		tdict_bool(a, "card_completed", db_cell_int(&res, i, 17) != 0);
	}
	tdict_int(ctx, "narrivals", (long long)res.nrows);
	tdict_bool(ctx, "has_arrivals", res.nrows > 0);
	return http_render(r, 200, "annuaire/arrivals", ctx);
}

static const struct route cpts_routes[] = {
	{ "GET", "/annuaire/recherche", cpts_search, ACCESS_ROLE, AUTH_LEVEL_1,
	  "cpts_manager", 0 },
	{ "GET", "/annuaire/recherche/export.csv", cpts_export, ACCESS_ROLE,
	  AUTH_LEVEL_1, "cpts_manager", 0 },
	{ "GET", "/annuaire/arrivees", cpts_arrivals, ACCESS_ROLE, AUTH_LEVEL_1,
	  "cpts_manager", 0 },
};

const struct app_area annuaire_cpts_area = {
	"cpts", cpts_routes, sizeof(cpts_routes) / sizeof(cpts_routes[0]),
	cpts_sql, CQ__MAX,
};
