/*
 * Patient files: the list of the files the user may see (normal and
 * simplified views, search, sort), creation with the possible duplicates
 * shown first, the administrative panel and its edit form, the follow-up
 * and history panels.  Opening a file lands on the user's first favourite
 * panel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "icope.h"
#include "valid.h"

enum {
	PAT_LIST_NAME,
	PAT_LIST_BIRTH,
	PAT_LIST_LAST,
	PAT_LIST_DUE,
	PAT_FAST_NAME,
	PAT_FAST_BIRTH,
	PAT_FAST_LAST,
	PAT_FAST_DUE,
	PAT_CIRCLE_NAME,
	PAT_DUPLICATES,
	PAT_TERRITORY,
	PAT_INSERT,
	PAT_CIRCLE_ADD,
	PAT_ADMIN,
	PAT_UPDATE,
	PAT_ALERTS_TO_MOVE,
	PAT_ALERTS_MOVE,
	PAT_HISTORY,
	PAT_FOLLOWUP,
	PAT__MAX
};
#define Q(i)	DB_STMT(IA_PATIENT, (i))

#define PAGE_SIZE	50

#define LIST_COLS \
	"SELECT p.id, p.birth_name, p.used_name, p.first_names, p.sex," \
	" DATE_FORMAT(p.birth_date, '%d/%m/%Y'), TIMESTAMPDIFF(YEAR, p.birth_date, ?)," \
	" p.ins, p.postal_code, p.city, DATE_FORMAT(p.last_step1_on, '%d/%m/%Y')," \
	" DATE_FORMAT(p.next_step1_due, '%d/%m/%Y'), p.next_step1_due <= ?," \
	" (SELECT COUNT(*) FROM icope_alert a WHERE a.patient_id = p.id" \
	"  AND a.status IN ('open', 'unreachable', 'confirmed'))"

/* A search: the files the user may see (care circle, or alert manager of
 * the territory) matching a name prefix, an INS or a birth date (each NULL
 * for none); the INS and birth date use their index, a name scans. */
#define LIST_SQL(order) \
	LIST_COLS \
	" FROM patient p WHERE (EXISTS (SELECT 1 FROM care_circle c" \
	"  WHERE c.patient_id = p.id AND c.user_id = ?)" \
	"  OR p.territory_id IN (SELECT ur.scope_id FROM user_role ur" \
	"  WHERE ur.user_id = ? AND ur.role = 'alert_manager'" \
	"  AND ur.scope_type = 'territory'))" \
	" AND (? IS NULL OR p.birth_name LIKE ? OR p.used_name LIKE ?" \
	"  OR p.first_names LIKE ? OR CONCAT(p.birth_name, ' ', p.first_names) LIKE ?)" \
	" AND (? IS NULL OR p.ins = ?) AND (? IS NULL OR p.birth_date = ?)" \
	" ORDER BY " order " LIMIT ? OFFSET ?"

/*
 * No search: a page of the files the user may see, each source read in
 * the page's order on its own index and cut at offset + page (the care
 * circle; up to ICOPE_TERRITORY_SLOTS territories, 0 for an unused slot),
 * then merged.  A manager of a 100,000-file territory reads 51 index
 * entries, not 100,000 rows; a care circle is read from its user's index
 * (STRAIGHT_JOIN: with LIMIT ? the optimiser would rather walk the whole
 * patient index in name order), or in name order from care_circle_by_name
 * (51 entries, not every file of the circle).  Each row shown is checked
 * again against care_circle and the territories: the order copy decides
 * nothing about access.
 */
#define FAST_TERRITORY(order) \
	" UNION (SELECT p.id FROM patient p WHERE p.territory_id = ?" \
	" ORDER BY " order " LIMIT ?)"
#define FAST_ACCESS \
	" WHERE (EXISTS (SELECT 1 FROM care_circle c WHERE c.patient_id = p.id" \
	" AND c.user_id = ?) OR p.territory_id IN (?, ?, ?, ?))"
#define FAST_SQL(order) \
	LIST_COLS " FROM ((SELECT STRAIGHT_JOIN p.id FROM care_circle c" \
	" JOIN patient p ON p.id = c.patient_id WHERE c.user_id = ?" \
	" ORDER BY " order " LIMIT ?)" \
	FAST_TERRITORY(order) FAST_TERRITORY(order) \
	FAST_TERRITORY(order) FAST_TERRITORY(order) \
	") v JOIN patient p ON p.id = v.id" FAST_ACCESS \
	" ORDER BY " order " LIMIT ? OFFSET ?"
#define FAST_NAME_SQL \
	LIST_COLS " FROM ((SELECT cn.patient_id AS id FROM care_circle_by_name cn" \
	" WHERE cn.user_id = ? ORDER BY cn.birth_name, cn.first_names," \
	" cn.patient_id LIMIT ?)" \
	FAST_TERRITORY(ORDER_NAME) FAST_TERRITORY(ORDER_NAME) \
	FAST_TERRITORY(ORDER_NAME) FAST_TERRITORY(ORDER_NAME) \
	") v JOIN patient p ON p.id = v.id" FAST_ACCESS \
	" ORDER BY " ORDER_NAME " LIMIT ? OFFSET ?"

/* A user without territories, by name: the care circle alone, read in
 * order on care_circle_by_name and stopped at the page (every row checked
 * against care_circle). */
#define CIRCLE_NAME_SQL \
	LIST_COLS " FROM care_circle_by_name cn JOIN patient p ON p.id = cn.patient_id" \
	" WHERE cn.user_id = ? AND EXISTS (SELECT 1 FROM care_circle c" \
	" WHERE c.patient_id = p.id AND c.user_id = ?)" \
	" ORDER BY cn.birth_name, cn.first_names, cn.patient_id LIMIT ? OFFSET ?"

#define ORDER_NAME	"p.birth_name, p.first_names, p.id"
#define ORDER_BIRTH	"p.birth_date, p.id"
#define ORDER_LAST	"p.last_step1_on DESC, p.id DESC"
#define ORDER_DUE	"p.next_step1_due, p.id"	/* never screened first */

static const char *const patient_sql[PAT__MAX] = {
	[PAT_LIST_NAME] = LIST_SQL(ORDER_NAME),
	[PAT_LIST_BIRTH] = LIST_SQL(ORDER_BIRTH),
	[PAT_LIST_LAST] = LIST_SQL(ORDER_LAST),
	[PAT_LIST_DUE] = LIST_SQL(ORDER_DUE),
	[PAT_FAST_NAME] = FAST_NAME_SQL,
	[PAT_FAST_BIRTH] = FAST_SQL(ORDER_BIRTH),
	[PAT_FAST_LAST] = FAST_SQL(ORDER_LAST),
	[PAT_FAST_DUE] = FAST_SQL(ORDER_DUE),
	[PAT_CIRCLE_NAME] = CIRCLE_NAME_SQL,
	[PAT_DUPLICATES] =
	    "SELECT p.id, p.birth_name, p.used_name, p.first_names,"
	    " DATE_FORMAT(p.birth_date, '%d/%m/%Y'), p.ins, p.postal_code, p.city,"
	    " COALESCE(p.ins = ?, 0), EXISTS (SELECT 1 FROM care_circle c"
	    "  WHERE c.patient_id = p.id AND c.user_id = ?)"
	    "  OR p.territory_id IN (SELECT ur.scope_id FROM user_role ur"
	    "  WHERE ur.user_id = ? AND ur.role = 'alert_manager'"
	    "  AND ur.scope_type = 'territory')"
	    " FROM patient p WHERE p.id <> ? AND (p.ins = ? OR (p.birth_name = ?"
	    " AND p.first_names = ? AND p.birth_date = ?)) ORDER BY p.id LIMIT 20",
	[PAT_TERRITORY] =
	    "SELECT t.id, t.name FROM territory_postal_code pc"
	    " JOIN territory t ON t.id = pc.territory_id"
	    " WHERE pc.postal_code = ? ORDER BY t.id LIMIT 1",
	[PAT_INSERT] =
	    "INSERT INTO patient (birth_name, used_name, first_names, sex, birth_date,"
	    " birth_place_insee, ins, birth_rank, address, postal_code, city,"
	    " territory_id, gp_name, phone, contact_name, contact_phone,"
	    " created_at, created_by, updated_at, updated_by)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " FROM_UNIXTIME(?), ?, FROM_UNIXTIME(?), ?)",
	[PAT_CIRCLE_ADD] =
	    "INSERT IGNORE INTO care_circle (patient_id, user_id, added_at, added_by)"
	    " VALUES (?, ?, FROM_UNIXTIME(?), ?)",
	[PAT_ADMIN] =
	    "SELECT p.birth_name, p.used_name, p.first_names, p.sex,"
	    " DATE_FORMAT(p.birth_date, '%Y-%m-%d'), p.birth_place_insee, p.ins,"
	    " p.birth_rank, p.address, p.postal_code, p.city, p.gp_name, p.phone,"
	    " p.contact_name, p.contact_phone, t.name,"
	    " UNIX_TIMESTAMP(p.created_at), UNIX_TIMESTAMP(p.updated_at),"
	    " CONCAT(u.first_name, ' ', u.last_name)"
	    " FROM patient p LEFT JOIN territory t ON t.id = p.territory_id"
	    " LEFT JOIN app_user u ON u.id = p.updated_by WHERE p.id = ?",
	[PAT_UPDATE] =
	    "UPDATE patient SET birth_name = ?, used_name = ?, first_names = ?,"
	    " sex = ?, birth_date = ?, birth_place_insee = ?, ins = ?,"
	    " birth_rank = ?, address = ?, postal_code = ?, city = ?,"
	    " territory_id = ?, gp_name = ?, phone = ?, contact_name = ?,"
	    " contact_phone = ?, updated_at = FROM_UNIXTIME(?), updated_by = ?"
	    " WHERE id = ?",
	/* The file's alerts not yet closed whose territory is not the
	 * file's (new) one: they follow the file, in the transaction of the
	 * address change, so that the new territory's managers handle them
	 * and the old one's no longer see them. */
	[PAT_ALERTS_TO_MOVE] =
	    "SELECT id, COALESCE(territory_id, 0) FROM icope_alert"
	    " WHERE patient_id = ? AND status IN ('open', 'unreachable', 'confirmed')"
	    " AND NOT (territory_id <=> ?) ORDER BY id FOR UPDATE",
	[PAT_ALERTS_MOVE] =
	    "UPDATE icope_alert SET territory_id = ?, updated_at = FROM_UNIXTIME(?),"
	    " updated_by = ? WHERE patient_id = ?"
	    " AND status IN ('open', 'unreachable', 'confirmed')"
	    " AND NOT (territory_id <=> ?)",
	[PAT_HISTORY] =
	    "SELECT UNIX_TIMESTAMP(a.at), CONCAT(u.first_name, ' ', u.last_name),"
	    " a.action, a.outcome FROM audit_log a LEFT JOIN app_user u"
	    " ON u.id = a.user_id WHERE a.patient_id = ?"
	    " ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?",
	[PAT_FOLLOWUP] =
	    "SELECT DATE_FORMAT(p.last_step1_on, '%d/%m/%Y'),"
	    " DATE_FORMAT(p.next_step1_due, '%d/%m/%Y'), p.next_step1_due <= ?,"
	    " (SELECT COUNT(*) FROM icope_step1 s WHERE s.patient_id = p.id"
	    "  AND s.status = 'validated')"
	    " FROM patient p WHERE p.id = ?",
};

static const char *const sexes[] = { "F", "M", "I", NULL };

/* ---- list ---- */

/* The INS as stored: no spaces, Corsica in capitals. */
static char *
ins_normalise(struct req *r, const char *s)
{
	char *out = arena_strdup(&r->arena, s), *w = out;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		*w++ = (*s == 'a' || *s == 'b') ? (char)(*s - 'a' + 'A') : *s;
	}
	*w = '\0';
	return out;
}

static bool
looks_like_ins(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ')
			continue;
		if (!((*s >= '0' && *s <= '9') || *s == 'A' || *s == 'B' ||
		    *s == 'a' || *s == 'b'))
			return false;
		n++;
	}
	return n >= 13 && n <= 15;
}

static int
patient_list(struct req *r)
{
	const char *q = http_trim(r, http_query(r, "q"));
	const char *sort = http_query(r, "tri"), *view = http_query(r, "vue");
	const char *name = NULL, *ins = NULL, *birth = NULL, *today;
	long long page = 1, t[ICOPE_TERRITORY_SLOTS] = { 0 };
	int nt;
	struct db_result res;
	struct tdict *ctx;
	struct tlist *rows, *pages;
	struct buf ids = BUF_INIT, qenc = BUF_INIT;
	bool simple;
	int stmt;
	size_t i, n;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	if (http_query(r, "page") != NULL &&
	    valid_parse_ll(http_query(r, "page"), 1, 100000, &page) != 0)
		page = 1;
	if (strlen(q) > 100)
		q = "";
	if (*q != '\0') {
		if ((birth = icope_date_iso(r, q)) != NULL)
			;
		else if (looks_like_ins(q))
			ins = ins_normalise(r, q);
		else
			name = icope_like_prefix(r, q);
	}
	if (sort == NULL || (strcmp(sort, "naissance") != 0 &&
	    strcmp(sort, "dernier") != 0 && strcmp(sort, "echeance") != 0))
		sort = "nom";
	stmt = strcmp(sort, "naissance") == 0 ? PAT_LIST_BIRTH :
	    strcmp(sort, "dernier") == 0 ? PAT_LIST_LAST :
	    strcmp(sort, "echeance") == 0 ? PAT_LIST_DUE : PAT_LIST_NAME;
	simple = view != NULL && strcmp(view, "simple") == 0;
	today = icope_today(r);
	nt = icope_managed_territories(r, t, ICOPE_TERRITORY_SLOTS);
	if (*q == '\0' && nt == 0 && stmt == PAT_LIST_NAME) {
		if (db_query(r->app->db, &r->arena, Q(PAT_CIRCLE_NAME), DB_PARAMS(
		    DBP_STR(today), DBP_STR(today), DBP_INT(r->session->user_id),
		    DBP_INT(r->session->user_id), DBP_INT(PAGE_SIZE + 1),
		    DBP_INT((page - 1) * PAGE_SIZE)), &res) != DB_OK)
			return -1;
	} else if (*q == '\0' && nt <= ICOPE_TERRITORY_SLOTS) {
		long long cut = page * PAGE_SIZE + 1;

		if (db_query(r->app->db, &r->arena, Q(stmt + PAT_FAST_NAME -
		    PAT_LIST_NAME), DB_PARAMS(DBP_STR(today), DBP_STR(today),
		    DBP_INT(r->session->user_id), DBP_INT(cut), DBP_INT(t[0]),
		    DBP_INT(cut), DBP_INT(t[1]), DBP_INT(cut), DBP_INT(t[2]),
		    DBP_INT(cut), DBP_INT(t[3]), DBP_INT(cut),
		    DBP_INT(r->session->user_id), DBP_INT(t[0]), DBP_INT(t[1]),
		    DBP_INT(t[2]), DBP_INT(t[3]),
		    DBP_INT(PAGE_SIZE + 1), DBP_INT((page - 1) * PAGE_SIZE)),
		    &res) != DB_OK)
			return -1;
	} else if (db_query(r->app->db, &r->arena, Q(stmt), DB_PARAMS(
	    DBP_STR(today), DBP_STR(today),
	    DBP_INT(r->session->user_id), DBP_INT(r->session->user_id),
	    DBP_STR(name), DBP_STR(name), DBP_STR(name), DBP_STR(name),
	    DBP_STR(name), DBP_STR(ins), DBP_STR(ins), DBP_STR(birth),
	    DBP_STR(birth), DBP_INT(PAGE_SIZE + 1),
	    DBP_INT((page - 1) * PAGE_SIZE)), &res) != DB_OK)
		return -1;
	n = res.nrows > PAGE_SIZE ? PAGE_SIZE : res.nrows;

	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Dossiers usagers");
	tdict_str(ctx, "q", q);
	tdict_bool(ctx, "simple", simple);
	tdict_str(ctx, "sort", sort);
	tdict_bool(ctx, "sort_nom", strcmp(sort, "nom") == 0);
	tdict_bool(ctx, "sort_naissance", strcmp(sort, "naissance") == 0);
	tdict_bool(ctx, "sort_dernier", strcmp(sort, "dernier") == 0);
	tdict_bool(ctx, "sort_echeance", strcmp(sort, "echeance") == 0);
	tdict_bool(ctx, "searched", *q != '\0');
	tdict_bool(ctx, "empty", n == 0);
	tdict_int(ctx, "count", (long long)n);
	rows = tdict_list(ctx, "rows");
	for (i = 0; i < n; i++) {
		struct tdict *d = tlist_add(rows);

		tdict_int(d, "id", db_cell_int(&res, i, 0));
		tdict_str(d, "name", icope_display_name(r, db_cell(&res, i, 1),
		    db_cell(&res, i, 2), db_cell(&res, i, 3)));
		tdict_str(d, "sex", db_cell(&res, i, 4));
		tdict_str(d, "birth_date", db_cell(&res, i, 5));
		tdict_int(d, "age", db_cell_int(&res, i, 6));
		tdict_str(d, "ins", db_cell(&res, i, 7));
		tdict_str(d, "postal_code", db_cell(&res, i, 8));
		tdict_str(d, "city", db_cell(&res, i, 9));
		tdict_str(d, "last_step1", db_cell(&res, i, 10));
		tdict_str(d, "next_due", db_cell(&res, i, 11));
		tdict_bool(d, "due", db_cell_int(&res, i, 12) != 0);
		tdict_int(d, "open_alerts", db_cell_int(&res, i, 13));
		buf_printf(&ids, "%s%s", i ? "," : "", db_cell(&res, i, 0));
	}
	/* Links keep the search, the view and the sort. */
	buf_url(&qenc, q);
	{
		const char *qe = buf_str(&qenc), *vue = simple ? "simple" : "complete";
		static const char *const sorts[] = { "nom", "naissance", "dernier", "echeance" };

		tdict_str(ctx, "view_other_url", arena_printf(&r->arena,
		    "/icope/usagers?q=%s&vue=%s&tri=%s", qe,
		    simple ? "complete" : "simple", sort));
		for (i = 0; i < 4; i++)
			tdict_str(ctx, arena_printf(&r->arena, "sort_url_%s", sorts[i]),
			    arena_printf(&r->arena, "/icope/usagers?q=%s&vue=%s&tri=%s",
			    qe, vue, sorts[i]));
		pages = tdict_list(ctx, "pager");
		if (page > 1) {
			struct tdict *d = tlist_add(pages);

			tdict_str(d, "label", "Page précédente");
			tdict_str(d, "url", arena_printf(&r->arena,
			    "/icope/usagers?q=%s&vue=%s&tri=%s&page=%lld", qe, vue,
			    sort, page - 1));
		}
		if (res.nrows > PAGE_SIZE) {
			struct tdict *d = tlist_add(pages);

			tdict_str(d, "label", "Page suivante");
			tdict_str(d, "url", arena_printf(&r->arena,
			    "/icope/usagers?q=%s&vue=%s&tri=%s&page=%lld", qe, vue,
			    sort, page + 1));
		}
	}
	buf_free(&qenc);
	tdict_int(ctx, "page", page);
	if (audit(r, "patient.list", "patient", NULL, 0, AUDIT_OK,
	    n ? icope_id_list(r, buf_str(&ids)) : "aucun") != DB_OK) {
		buf_free(&ids);
		return -1;
	}
	buf_free(&ids);
	return http_render(r, 200, "icope/patients", ctx);
}

/* ---- create and edit ---- */

struct patient_input {
	const char	*birth_name, *used_name, *first_names, *sex, *birth_date;
	const char	*birth_place, *ins, *address, *postal_code, *city, *gp;
	const char	*phone, *contact_name, *contact_phone;
	long long	 birth_rank;
	long long	 territory_id;
};

static const char *
nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

/* The 16 columns the form sets, in the order of PAT_INSERT and
 * PAT_UPDATE (optional ones NULL when empty). */
#define PATIENT_PARAMS(in)						\
	DBP_STR((in).birth_name), DBP_STR(nz((in).used_name)),		\
	DBP_STR((in).first_names), DBP_STR((in).sex),			\
	DBP_STR((in).birth_date), DBP_STR((in).birth_place),		\
	DBP_STR((in).ins), DBP_INT((in).birth_rank),			\
	DBP_STR(nz((in).address)), DBP_STR((in).postal_code),		\
	DBP_STR(nz((in).city)), DBP_ID((in).territory_id),		\
	DBP_STR(nz((in).gp)), DBP_STR((in).phone),			\
	DBP_STR(nz((in).contact_name)), DBP_STR((in).contact_phone)

static char *
phone_store(struct req *r, const char *s)
{
	if (s == NULL || *s == '\0')
		return NULL;
	return valid_phone_normalise(arena_strdup(&r->arena, s));
}

/* Reads and checks the administrative fields; returns the error count. */
static int
patient_input_read(struct req *r, struct icope_form *f, struct patient_input *in)
{
	const char *s, *today = icope_today(r);
	int by = 0;

	memset(in, 0, sizeof(*in));
	in->birth_name = icope_field(f, "nom_naissance", "Nom de naissance", true,
	    valid_text, 1, 100);
	in->used_name = icope_field(f, "nom_utilise", "Nom utilisé", false,
	    valid_text, 1, 100);
	in->first_names = icope_field(f, "prenoms", "Prénoms", true,
	    valid_text, 1, 200);
	s = icope_field(f, "sexe", "Sexe", true, NULL, 0, 0);
	if (s != NULL && valid_enum(s, sexes) != NULL)
		icope_form_error(f, "sexe", "Sexe", "Choisissez le sexe.");
	else
		in->sex = s;
	tdict_bool(f->v, "sexe_f", s != NULL && strcmp(s, "F") == 0);
	tdict_bool(f->v, "sexe_m", s != NULL && strcmp(s, "M") == 0);
	tdict_bool(f->v, "sexe_i", s != NULL && strcmp(s, "I") == 0);
	s = icope_field(f, "date_naissance", "Date de naissance", true,
	    valid_date, 1890, 2100);
	if (s != NULL) {
		in->birth_date = icope_date_iso(r, s);
		tdict_str(f->v, "date_naissance", in->birth_date);
		if (strcmp(in->birth_date, today) > 0) {
			icope_form_error(f, "date_naissance", "Date de naissance",
			    "La date de naissance ne peut pas être dans le futur.");
			in->birth_date = NULL;
		} else
			by = (int)strtol(in->birth_date, NULL, 10);
	}
	s = icope_field(f, "lieu_naissance", "Lieu de naissance (code INSEE)",
	    false, NULL, 0, 0);
	if (s != NULL && *s != '\0') {
		char *u = arena_strdup(&r->arena, s);

		if (u[0] == '2' && (u[1] == 'a' || u[1] == 'b'))
			u[1] = (char)(u[1] - 'a' + 'A');
		if ((s = valid_insee_commune(u, 5, 5)) != NULL)
			icope_form_error(f, "lieu_naissance",
			    "Lieu de naissance (code INSEE)", s);
		else
			in->birth_place = u;
	}
	s = icope_field(f, "ins", "INS (matricule INS)", false, valid_nir, 0, 0);
	if (s != NULL && *s != '\0') {
		in->ins = ins_normalise(r, s);
		if (in->sex != NULL && ((in->ins[0] == '1' && strcmp(in->sex, "M") != 0) ||
		    (in->ins[0] == '2' && strcmp(in->sex, "F") != 0))) {
			icope_form_error(f, "ins", "INS (matricule INS)",
			    "Le premier chiffre de l'INS (1 : homme, 2 : femme) ne "
			    "correspond pas au sexe saisi.");
			in->ins = NULL;
		} else if (by > 0 && (in->ins[1] - '0') * 10 + (in->ins[2] - '0') !=
		    by % 100) {
			icope_form_error(f, "ins", "INS (matricule INS)",
			    "L'année de naissance de l'INS (2e et 3e chiffres) ne "
			    "correspond pas à la date de naissance.");
			in->ins = NULL;
		}
	}
	s = icope_field(f, "rang_naissance", "Rang de naissance", false,
	    valid_uint, 1, 99);
	if (s == NULL || *s == '\0' || valid_parse_ll(s, 1, 99, &in->birth_rank) != 0)
		in->birth_rank = 1;
	in->address = icope_field(f, "adresse", "Adresse", false, valid_text, 1, 300);
	in->postal_code = icope_field(f, "code_postal", "Code postal", true,
	    valid_postal_code, 0, 0);
	in->city = icope_field(f, "ville", "Commune", false, valid_text, 1, 100);
	in->gp = icope_field(f, "medecin", "Médecin traitant", false,
	    valid_text, 1, 200);
	in->phone = phone_store(r, icope_field(f, "telephone", "Téléphone", false,
	    valid_phone_fr, 0, 0));
	in->contact_name = icope_field(f, "contact_nom",
	    "Personne à prévenir", false, valid_text, 1, 200);
	in->contact_phone = phone_store(r, icope_field(f, "contact_telephone",
	    "Téléphone de la personne à prévenir", false, valid_phone_fr, 0, 0));
	return f->nerr;
}

/* The territory of a postal code into in->territory_id (0 when none);
 * the territory's name into ctx's "territory_name".  Returns 0 or -1. */
static int
territory_of(struct req *r, struct patient_input *in, struct tdict *ctx)
{
	struct db_result res;

	switch (db_query_row(r->app->db, &r->arena, Q(PAT_TERRITORY), DB_PARAMS(
	    DBP_STR(in->postal_code)), &res)) {
	case DB_OK:
		in->territory_id = db_cell_int(&res, 0, 0);
		tdict_str(ctx, "territory_name", db_cell(&res, 0, 1));
		return 0;
	case DB_NOT_FOUND:
		in->territory_id = 0;
		return 0;
	default:
		return -1;
	}
}

static int
form_page(struct req *r, int status, struct tdict *ctx, bool edit)
{
	tdict_str(ctx, "title", edit ? "Modifier l'identité et les coordonnées" :
	    "Nouveau dossier usager");
	tdict_bool(ctx, "edit", edit);
	return http_render(r, status, "icope/patient_form", ctx);
}

static int
patient_new(struct req *r)
{
	struct tdict *ctx;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	ctx = http_ctx(r);
	tdict_str(tdict_dict(ctx, "v"), "rang_naissance", "1");
	tdict_str(ctx, "action", "/icope/usagers/nouveau");
	return form_page(r, 200, ctx, false);
}

/*
 * Fills ctx's "duplicates" with the files that look like in (same INS,
 * or same names and birth date), except file self.  *same_ins tells if
 * one has the same INS.  Saying so tells the user something of a file
 * they may not open (that it exists): each match the user learns of is
 * audited on the matched file (patient.duplicate_match, denied when the
 * user may not open it) in the caller's transaction; on an edit (self
 * non-zero) only the same INS is told.  Returns the number found, or -1.
 */
static int
duplicates(struct req *r, struct tdict *ctx, const struct patient_input *in,
    long long self, bool *same_ins)
{
	struct db_result res;
	struct tlist *l;
	size_t i, hidden = 0;

	*same_ins = false;
	if (db_query(r->app->db, &r->arena, Q(PAT_DUPLICATES), DB_PARAMS(
	    DBP_STR(in->ins), DBP_INT(r->session->user_id),
	    DBP_INT(r->session->user_id), DBP_INT(self), DBP_STR(in->ins),
	    DBP_STR(in->birth_name), DBP_STR(in->first_names),
	    DBP_STR(in->birth_date)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "duplicates");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d;
		bool ins = db_cell_int(&res, i, 8) != 0;
		bool visible = db_cell_int(&res, i, 9) != 0;

		if (ins)
			*same_ins = true;
		if ((self == 0 || ins) && audit(r, "patient.duplicate_match",
		    "patient", db_cell(&res, i, 0), db_cell_int(&res, i, 0),
		    visible ? AUDIT_OK : AUDIT_DENIED, arena_printf(&r->arena,
		    "%s : %s", self == 0 ? "création" : "modification du dossier",
		    ins ? "même INS" : "mêmes noms et date de naissance")) != DB_OK)
			return -1;
		/* A file the user may not open is counted, never described. */
		if (!visible) {
			hidden++;
			continue;
		}
		d = tlist_add(l);
		tdict_int(d, "id", db_cell_int(&res, i, 0));
		tdict_str(d, "name", icope_display_name(r, db_cell(&res, i, 1),
		    db_cell(&res, i, 2), db_cell(&res, i, 3)));
		tdict_str(d, "birth_date", db_cell(&res, i, 4));
		tdict_str(d, "ins", db_cell(&res, i, 5));
		tdict_str(d, "postal_code", db_cell(&res, i, 6));
		tdict_str(d, "city", db_cell(&res, i, 7));
		tdict_bool(d, "same_ins", ins);
	}
	tdict_int(ctx, "hidden_duplicates", (long long)hidden);
	tdict_bool(ctx, "has_duplicates", res.nrows > 0);
	tdict_bool(ctx, "same_ins", *same_ins);
	return (int)res.nrows;
}

/*
 * Another file took the INS between the check and the write (the unique
 * key refused it): the write is rolled back, and that file's match is
 * audited as any other (a transaction of its own).  Returns 0 or -1.
 */
static int
duplicates_after_race(struct req *r, struct tdict *ctx,
    const struct patient_input *in, long long self)
{
	struct db *db = r->app->db;
	bool same_ins;

	db_rollback(db);
	if (db_begin(db) != DB_OK)
		return -1;
	if (duplicates(r, ctx, in, self, &same_ins) < 0 || db_commit(db) != DB_OK)
		return http_fail_rollback(r);
	return 0;
}

/*
 * Creates a file.  One transaction: the duplicate check and the audit of
 * each match, then (no same INS, homonyms confirmed) the file, its
 * creator in the care circle and the audit of the creation.  When the
 * form goes back to the user (same INS, homonyms to confirm), only the
 * audit of the matches is committed.
 */
static int
patient_create(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_form f;
	struct patient_input in;
	struct tdict *ctx;
	bool same_ins, confirmed;
	long long id;
	int ndup;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	ctx = http_ctx(r);
	tdict_str(ctx, "action", "/icope/usagers/nouveau");
	icope_form_init(&f, r, ctx);
	if (patient_input_read(r, &f, &in) > 0)
		return form_page(r, 422, ctx, false);
	if (territory_of(r, &in, ctx) != 0)
		return -1;
	confirmed = http_form(r, "doublons_vus") != NULL &&
	    strcmp(http_form(r, "doublons_vus"), "1") == 0;

	if (db_begin(db) != DB_OK)
		return -1;
	if ((ndup = duplicates(r, ctx, &in, 0, &same_ins)) < 0)
		goto fail;
	if (same_ins || (ndup > 0 && !confirmed)) {
		if (db_commit(db) != DB_OK)
			goto fail;
		if (same_ins) {
			icope_form_error(&f, "ins", "INS (matricule INS)",
			    "Un dossier porte déjà cet INS : une personne n'a "
			    "qu'un dossier.");
			return form_page(r, 409, ctx, false);
		}
		/* Shown before creating; the user confirms a homonym. */
		tdict_bool(ctx, "confirm_duplicates", true);
		return form_page(r, 200, ctx, false);
	}
	switch (db_exec(db, Q(PAT_INSERT), DB_PARAMS(PATIENT_PARAMS(in),
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		if (duplicates_after_race(r, ctx, &in, 0) != 0)
			return -1;
		icope_form_error(&f, "ins", "INS (matricule INS)",
		    "Un dossier porte déjà cet INS : une personne n'a qu'un dossier.");
		return form_page(r, 409, ctx, false);
	default:
		goto fail;
	}
	id = (long long)db_insert_id(db);
	if (db_exec(db, Q(PAT_CIRCLE_ADD), DB_PARAMS(DBP_INT(id),
	    DBP_INT(r->session->user_id), DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK ||
	    audit(r, "patient.create", "patient", arena_printf(&r->arena, "%lld", id),
	    id, AUDIT_OK, ndup > 0 ? "doublon possible confirmé" : NULL) != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, icope_panel_path(r, id, PANEL_ADMIN));
fail:
	db_rollback(db);
	return -1;
}

/* GET /icope/usagers/{id}: the landing panel. */
static int
patient_open(struct req *r)
{
	struct icope_patient p;
	enum icope_panel pn;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	if ((pn = icope_landing_panel(r)) == PANEL__MAX)
		return -1;
	return http_redirect(r, icope_panel_path(r, p.id, pn));
}

static const char *
sex_label(const char *s)
{
	if (s == NULL)
		return "";
	return strcmp(s, "F") == 0 ? "Femme" : strcmp(s, "M") == 0 ? "Homme" :
	    "Indéterminé";
}

/* Opens the file for its administrative panel (an audited read) and
 * loads its row into res.  Returns the page's context, or NULL with
 * *answer set to the handler's answer (0 when answered, -1 after a
 * failure). */
static struct tdict *
admin_open(struct req *r, struct icope_patient *p, struct db_result *res,
    int *answer)
{
	struct tdict *ctx;
	int rc;

	*answer = -1;
	rc = icope_patient_open(r, p, "patient.read", "administratif");
	if (rc != 0) {
		*answer = rc == 1 ? 0 : -1;
		return NULL;
	}
	if (db_query_row(r->app->db, &r->arena, Q(PAT_ADMIN), DB_PARAMS(
	    DBP_INT(p->id)), res) != DB_OK)
		return NULL;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, p, PANEL_ADMIN) != 0)
		return NULL;
	return ctx;
}

static int
admin_panel(struct req *r)
{
	struct icope_patient p;
	struct db_result res;
	struct tdict *ctx, *a;
	int rc;

	if ((ctx = admin_open(r, &p, &res, &rc)) == NULL)
		return rc;
	tdict_str(ctx, "title", "Administratif");
	a = tdict_dict(ctx, "a");
	tdict_str(a, "birth_name", db_cell(&res, 0, 0));
	tdict_str(a, "used_name", db_cell(&res, 0, 1));
	tdict_str(a, "first_names", db_cell(&res, 0, 2));
	tdict_str(a, "sex", sex_label(db_cell(&res, 0, 3)));
	tdict_str(a, "birth_date", p.birth_date);
	tdict_str(a, "birth_place", db_cell(&res, 0, 5));
	tdict_str(a, "ins", db_cell(&res, 0, 6));
	tdict_str(a, "birth_rank", db_cell(&res, 0, 7));
	tdict_str(a, "address", db_cell(&res, 0, 8));
	tdict_str(a, "postal_code", db_cell(&res, 0, 9));
	tdict_str(a, "city", db_cell(&res, 0, 10));
	tdict_str(a, "gp", db_cell(&res, 0, 11));
	tdict_str(a, "phone", db_cell(&res, 0, 12));
	tdict_str(a, "contact_name", db_cell(&res, 0, 13));
	tdict_str(a, "contact_phone", db_cell(&res, 0, 14));
	tdict_str(a, "territory", db_cell(&res, 0, 15));
	tdict_str(a, "created_at", http_date_fr(r, db_cell_int(&res, 0, 16), true));
	tdict_str(a, "updated_at", http_date_fr(r, db_cell_int(&res, 0, 17), true));
	tdict_str(a, "updated_by", db_cell(&res, 0, 18));
	tdict_bool(ctx, "saved", http_query(r, "enregistre") != NULL);
	tdict_bool(ctx, "created", http_query(r, "cree") != NULL);
	return http_render(r, 200, "icope/panel_admin", ctx);
}

static int
admin_edit(struct req *r)
{
	struct icope_patient p;
	struct db_result res;
	struct tdict *ctx, *v;
	int rc;
	static const char *const keys[] = { "nom_naissance", "nom_utilise",
	    "prenoms", "sexe", "date_naissance", "lieu_naissance", "ins",
	    "rang_naissance", "adresse", "code_postal", "ville", "medecin",
	    "telephone", "contact_nom", "contact_telephone" };
	size_t i;

	if ((ctx = admin_open(r, &p, &res, &rc)) == NULL)
		return rc;
	v = tdict_dict(ctx, "v");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		tdict_str(v, keys[i], db_cell(&res, 0, i));
	tdict_bool(v, "sexe_f", strcmp(db_cell(&res, 0, 3), "F") == 0);
	tdict_bool(v, "sexe_m", strcmp(db_cell(&res, 0, 3), "M") == 0);
	tdict_bool(v, "sexe_i", strcmp(db_cell(&res, 0, 3), "I") == 0);
	tdict_str(ctx, "action", arena_printf(&r->arena,
	    "/icope/usagers/%lld/administratif/modifier", p.id));
	return form_page(r, 200, ctx, true);
}

/*
 * The file's alerts not yet closed follow it into its territory (none:
 * no manager's queue): each moved alert audited with the file, in the
 * transaction of the address change.  Returns the db result.
 */
static enum db_rc
alerts_follow(struct req *r, long long pid, long long territory)
{
	struct db *db = r->app->db;
	struct db_result res;
	enum db_rc rc;
	size_t i;

	if ((rc = db_query(db, &r->arena, Q(PAT_ALERTS_TO_MOVE), DB_PARAMS(
	    DBP_INT(pid), DBP_ID(territory)), &res)) != DB_OK)
		return rc;
	if (res.nrows == 0)
		return DB_OK;
	if ((rc = db_exec(db, Q(PAT_ALERTS_MOVE), DB_PARAMS(DBP_ID(territory),
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(pid),
	    DBP_ID(territory)), NULL)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		long long from = db_cell_int(&res, i, 1);

		if ((rc = audit(r, "alert.territory", "alert", db_cell(&res, i, 0),
		    pid, AUDIT_OK, arena_printf(&r->arena,
		    "adresse modifiée : territoire %s → %s",
		    from ? arena_printf(&r->arena, "%lld", from) : "aucun",
		    territory ? arena_printf(&r->arena, "%lld", territory) :
		    "aucun"))) != DB_OK)
			return rc;
	}
	return DB_OK;
}

/*
 * Saves the identity and contact details.  One transaction: the check of
 * the INS against the other files (a match audited), the file, its open
 * alerts moved with it when the address changes territory, the audit.
 */
static int
admin_save(struct req *r)
{
	struct db *db = r->app->db;
	struct icope_patient p;
	struct icope_form f;
	struct patient_input in;
	struct tdict *ctx;
	bool same_ins;
	int rc;

	if ((rc = icope_patient_open(r, &p, NULL, NULL)) != 0)
		return rc == 1 ? 0 : -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_ADMIN) != 0)
		return -1;
	tdict_str(ctx, "action", arena_printf(&r->arena,
	    "/icope/usagers/%lld/administratif/modifier", p.id));
	icope_form_init(&f, r, ctx);
	if (patient_input_read(r, &f, &in) > 0)
		return form_page(r, 422, ctx, true);
	if (territory_of(r, &in, ctx) != 0)
		return -1;
	if (db_begin(db) != DB_OK)
		return -1;
	if (duplicates(r, ctx, &in, p.id, &same_ins) < 0)
		goto fail;
	tdict_bool(ctx, "has_duplicates", false);
	if (same_ins) {
		if (db_commit(db) != DB_OK)
			goto fail;
		icope_form_error(&f, "ins", "INS (matricule INS)",
		    "Un autre dossier porte déjà cet INS.");
		return form_page(r, 409, ctx, true);
	}
	switch (db_exec(db, Q(PAT_UPDATE), DB_PARAMS(PATIENT_PARAMS(in),
	    DBP_INT(r->now), DBP_INT(r->session->user_id), DBP_INT(p.id)), NULL)) {
	case DB_OK:
		break;
	case DB_DUPLICATE:
		if (duplicates_after_race(r, ctx, &in, p.id) != 0)
			return -1;
		tdict_bool(ctx, "has_duplicates", false);
		icope_form_error(&f, "ins", "INS (matricule INS)",
		    "Un autre dossier porte déjà cet INS.");
		return form_page(r, 409, ctx, true);
	default:
		goto fail;
	}
	if (alerts_follow(r, p.id, in.territory_id) != DB_OK ||
	    audit(r, "patient.update", "patient", arena_printf(&r->arena, "%lld",
	    p.id), p.id, AUDIT_OK, "administratif") != DB_OK ||
	    db_commit(db) != DB_OK)
		goto fail;
	return http_redirect(r, arena_printf(&r->arena, "%s?enregistre=1",
	    icope_panel_path(r, p.id, PANEL_ADMIN)));
fail:
	db_rollback(db);
	return -1;
}

/* ---- follow-up and history panels ---- */

static int
followup_panel(struct req *r)
{
	struct icope_patient p;
	struct db_result res;
	struct tdict *ctx;
	int rc;

	if ((rc = icope_patient_open(r, &p, "patient.read", "suivi")) != 0)
		return rc == 1 ? 0 : -1;
	if (db_query_row(r->app->db, &r->arena, Q(PAT_FOLLOWUP), DB_PARAMS(
	    DBP_STR(icope_today(r)), DBP_INT(p.id)), &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_FOLLOWUP) != 0)
		return -1;
	tdict_str(ctx, "title", "ICOPE – Suivi");
	tdict_str(ctx, "last_step1", db_cell(&res, 0, 0));
	tdict_str(ctx, "next_due", db_cell(&res, 0, 1));
	tdict_bool(ctx, "due", db_cell_int(&res, 0, 2) != 0);
	tdict_int(ctx, "n_step1", db_cell_int(&res, 0, 3));
	tdict_int(ctx, "interval", config_int("icope_step1_interval_months", 6, 1, 24));
	return http_render(r, 200, "icope/panel_followup", ctx);
}

static const struct {
	const char	*action;
	const char	*label;
} action_labels[] = {
	{ "patient.create", "Création du dossier" },
	{ "patient.read", "Consultation du dossier" },
	{ "patient.update", "Modification de l'identité ou des coordonnées" },
	{ "patient.denied", "Accès refusé" },
	{ "patient.duplicate_match", "Signalé comme doublon possible d'un "
	    "dossier saisi" },
	{ "circle.add", "Ajout à l'entourage" },
	{ "circle.remove", "Retrait de l'entourage" },
	{ "step1.read", "Consultation d'un STEP 1" },
	{ "step1.draft", "STEP 1 enregistré en brouillon" },
	{ "step1.validate", "STEP 1 validé" },
	{ "alert.read", "Consultation d'une alerte" },
	{ "alert.call", "Appel du gestionnaire d'alerte" },
	{ "alert.territory", "Alerte transmise au territoire de la nouvelle "
	    "adresse" },
	{ "step2.read", "Consultation d'un STEP 2" },
	{ "step2.save", "STEP 2 enregistré" },
	{ "step2.close", "STEP 2 clôturé" },
};

static const char *
action_label(const char *a)
{
	size_t i;

	for (i = 0; a != NULL && i < sizeof(action_labels) / sizeof(action_labels[0]); i++)
		if (strcmp(a, action_labels[i].action) == 0)
			return action_labels[i].label;
	return a;
}

static int
history_panel(struct req *r)
{
	struct icope_patient p;
	struct db_result res;
	struct tdict *ctx;
	struct tlist *l;
	long long page = 1;
	size_t i, n;
	int rc;

	if ((rc = icope_patient_open(r, &p, "patient.read", "historique")) != 0)
		return rc == 1 ? 0 : -1;
	if (http_query(r, "page") != NULL &&
	    valid_parse_ll(http_query(r, "page"), 1, 10000, &page) != 0)
		page = 1;
	if (db_query(r->app->db, &r->arena, Q(PAT_HISTORY), DB_PARAMS(
	    DBP_INT(p.id), DBP_INT(101), DBP_INT((page - 1) * 100)), &res) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	if (icope_file_ctx(r, ctx, &p, PANEL_HISTORY) != 0)
		return -1;
	tdict_str(ctx, "title", "Historique");
	l = tdict_list(ctx, "events");
	n = res.nrows > 100 ? 100 : res.nrows;
	for (i = 0; i < n; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "at", http_date_fr(r, db_cell_int(&res, i, 0), true));
		tdict_str(d, "who", db_cell(&res, i, 1));
		tdict_str(d, "action", action_label(db_cell(&res, i, 2)));
		tdict_bool(d, "denied", strcmp(db_cell(&res, i, 3), "ok") != 0);
	}
	if (res.nrows > 100)
		tdict_str(ctx, "next_url", arena_printf(&r->arena,
		    "/icope/usagers/%lld/historique?page=%lld", p.id, page + 1));
	if (page > 1)
		tdict_str(ctx, "prev_url", arena_printf(&r->arena,
		    "/icope/usagers/%lld/historique?page=%lld", p.id, page - 1));
	return http_render(r, 200, "icope/panel_history", ctx);
}

static const struct route patient_routes[] = {
	{ "GET",  "/icope/usagers",			  patient_list,    ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/nouveau",		  patient_new,     ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/nouveau",		  patient_create,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}",		  patient_open,    ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/administratif",	  admin_panel,     ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/administratif/modifier", admin_edit, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/icope/usagers/{id}/administratif/modifier", admin_save, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/suivi",		  followup_panel,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/icope/usagers/{id}/historique",	  history_panel,   ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_patient_area = {
	"patient", patient_routes, sizeof(patient_routes) / sizeof(patient_routes[0]),
	patient_sql, PAT__MAX,
};
