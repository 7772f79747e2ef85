/*
 * The directory's search engine, shared by the search for every logged-in
 * user (/annuaire/) and the CPTS module (/annuaire/recherche, its CSV
 * export and its copy-the-addresses dialog).
 *
 * Relevance (what counts, in what order):
 *
 * 1. The place bounds the search.  A professional is considered when one
 *    of their active practice sites lies in the place: the postal codes
 *    given (in the CPTS module, the territory's postal codes shown as
 *    chips), a department, or a commune by name.  When a CPTS territory is
 *    defined by INSEE commune codes, the site's commune code decides first:
 *    a postal code that only comes from the territory's communes admits
 *    the sites of those communes, and the sites without a commune code
 *    (postal code as fallback).  In the CPTS module the status chosen
 *    bounds the search too.
 * 2. The criteria are the name, the profession, the specialty
 *    (savoir-faire), each care modality and each piece of equipment
 *    ticked.  An exact match meets every criterion; an approximate match
 *    meets at least one.  A name matches the start of the last name, or
 *    "first name last name" / "last name first name"; case, accents,
 *    hyphens and apostrophes do not matter.
 * 3. Order: exact matches first; then by score, the sum of the weights of
 *    the criteria met: name 5, specialty 4, profession 3, each care
 *    modality 2, each piece of equipment 2; then by last name, first
 *    name, and identifier (a stable order).
 * 4. At most the 50 first results are shown (exact, then approximate).
 * 5. Without a place the search covers all of France and shows exact
 *    matches only, in name order: approximate matches over the whole
 *    country would be noise.
 *
 * Every query is a prepared statement of constant text; lists (postal
 * codes, options, the idnps of a page) are bound as one JSON array each
 * and read with JSON_TABLE, or as a fixed number of parameters (the
 * unused ones repeat a value or are NULL), so that their length never
 * changes the SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "annuaire.h"
#include "annuaire_fold.h"
#include "audit.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "valid.h"

enum {
	SQ_PLACE_STAT,
	SQ_PLACE_BY_PLACE,
	SQ_PLACE_BY_NAME,
	SQ_PLACE_SCORED,
	SQ_PLACE_SCORED_STATUS,
	SQ_PLACE_OPTIONS,
	SQ_NATIONAL_MAIN,
	SQ_NATIONAL_SKILL,
	SQ_NATIONAL_OPTION,
	SQ_NATIONAL_STATUS,
	SQ_PROFESSIONS,
	SQ_SKILLS,
	SQ_OPTIONS,
	SQ_LISTS_GEN,
	SQ_PLACE_DEPT,
	SQ_PLACE_COMMUNE,
	SQ_PLACE_BY_SKILL,
	SQ_PLACE_SCORED_SKILL,
	SQ_SKILL_INDEX_PROBE,
	SQ_PLACE_FEW,
	SQ_PLACE_FEW_NAME,
	SQ_DETAILS,
	SQ_CODES8,
	SQ_CODES8_PROF,
	SQ_CODES16,
	SQ_CODES16_PROF,
	SQ__MAX
};
#define Q(i)	DB_STMT(AA_SEARCH, (i))

#define JT(p)	SQL_JT(p)

/* Name match on professional p: 5 parameters (full%, w2%, w1%, w1%, w2%). */
#define NAME_MATCH(p)							\
	"(" p ".last_key LIKE ? OR (" p ".last_key LIKE ? AND "		\
	p ".first_key LIKE ?) OR (" p ".last_key LIKE ? AND "		\
	p ".first_key LIKE ?))"

/* The criteria every national search applies: 22 parameters. */
#define NATIONAL_WHERE							\
	" p.file_status = 'present'"					\
	" AND (? = '' OR " NAME_MATCH("p") ")"				\
	" AND (? = '' OR p.profession_code = ?)"			\
	" AND (? = '' OR EXISTS (SELECT 1 FROM professional_skill k"	\
	"  WHERE k.idnps = p.idnps AND k.skill_code = ?))"		\
	" AND (? = 0 OR (SELECT COUNT(DISTINCT o.code) FROM professional_option o" \
	"  WHERE o.idnps = p.idnps AND o.kind = 'care' AND o.code IN " JT("?") ") = ?)" \
	" AND (? = 0 OR (SELECT COUNT(DISTINCT o.code) FROM professional_option o" \
	"  WHERE o.idnps = p.idnps AND o.kind = 'equipment' AND o.code IN " JT("?") ") = ?)" \
	" AND (? = '' OR COALESCE(cp.status, 'inconnu') = ?)"		\
	" ORDER BY p.last_key, p.first_key, p.id LIMIT 50"

#define NATIONAL_SELECT							\
	"SELECT p.idnps, 0, 0, 0, 0, 0, 1, 0, COALESCE(cp.status, 'inconnu')"

#define CP_JOIN	" LEFT JOIN cpts_professional cp FORCE INDEX (PRIMARY)"	\
	" ON cp.cpts_id = ? AND cp.idnps = p.idnps"

/*
 * Site s is active and lies in the place: 4 parameters, the postal codes
 * (JSON), those refined by commune codes (twice) and the commune codes
 * (both comma-separated).  Read by site_place, the postal codes drive (one
 * range each); read by site_name, each entry is checked against them.
 */
#define PLACE_IN(s)							\
	" " s ".postal_code IN " JT("?") " AND " s ".status = 'present'"	\
	" AND (? = '' OR FIND_IN_SET(" s ".postal_code, ?) = 0"		\
	" OR " s ".commune_code = '' OR FIND_IN_SET(" s ".commune_code, ?) > 0)"

/* Every criterion met by site s (an exact match): 16 parameters. */
#define EXACT_WHERE(s)							\
	" AND (? = '' OR " s ".profession_code = ?)"			\
	" AND (? = '' OR " NAME_MATCH(s) ")"				\
	" AND (? = '' OR FIND_IN_SET(?, " s ".skills) > 0)"		\
	" AND (? = 0 OR (SELECT COUNT(DISTINCT o.code) FROM professional_option o" \
	"  WHERE o.idnps = " s ".idnps AND o.kind = 'care' AND o.code IN " JT("?") ") = ?)" \
	" AND (? = 0 OR (SELECT COUNT(DISTINCT o.code) FROM professional_option o" \
	"  WHERE o.idnps = " s ".idnps AND o.kind = 'equipment' AND o.code IN " JT("?") ") = ?)"

/* The CPTS status of site s's professional is the one asked (none: any;
 * 'inconnu': no row or a row saying so): 6 parameters. */
#define STATUS_OK(s)							\
	" AND (? = '' OR (? = 'inconnu' AND NOT EXISTS (SELECT 1"	\
	"  FROM cpts_professional c WHERE c.cpts_id = ? AND c.idnps = " s ".idnps" \
	"  AND c.status <> 'inconnu')) OR (? <> 'inconnu' AND EXISTS (SELECT 1" \
	"  FROM cpts_professional c WHERE c.cpts_id = ? AND c.idnps = " s ".idnps" \
	"  AND c.status = ?)))"

/* What site s meets, as 0/1 columns m_name, m_prof, m_skill: 10
 * parameters. */
#define MET_COLS(s)							\
	" (? <> '' AND " NAME_MATCH(s) ") AS m_name,"			\
	" (? <> '' AND " s ".profession_code = ?) AS m_prof,"		\
	" (? <> '' AND FIND_IN_SET(?, " s ".skills) > 0) AS m_skill"

/* Rows meeting at least one criterion (every row without criteria), best
 * first (relevance rule 3); 3 parameters: the number of criteria twice,
 * the row limit. */
#define SCORED_ORDER							\
	" WHERE ? = 0 OR t.m_name OR t.m_prof OR t.m_skill"		\
	" ORDER BY (t.m_name + t.m_prof + t.m_skill = ?) DESC,"		\
	" 5 * t.m_name + 4 * t.m_skill + 3 * t.m_prof DESC,"		\
	" t.last_key, t.first_key, t.idnps LIMIT ?"

/* The active sites of the place holding savoir-faire code ? (site_skill,
 * sql/013, mirrors practice_site.skills, with the site's columns a search
 * checks, sql/017: read alone, as s): 2 parameters, the code and the
 * postal codes (JSON). */
#define SKILL_SITES							\
	" FROM site_skill s FORCE INDEX (PRIMARY)"			\
	" WHERE s.skill_code = ? AND s.postal_code IN " JT("?") " AND"

/*
 * A place of at most PLACE_LIST_MAX postal codes bound as a list of values
 * (the unused slots repeat the first code): the optimizer then reads each
 * postal code's range of index entries, as far as the next key parts allow
 * (the range of a name; a single postal code read in index order stops at
 * the row limit), where a JSON table could only be joined.  The library
 * binds at most 64 parameters: the statements using it leave out the
 * status and the options.
 */
#define PLACE_LIST_MAX	50
#define PL10	"?,?,?,?,?,?,?,?,?,?"
#define PLACE_LIST	"(" PL10 "," PL10 "," PL10 "," PL10 "," PL10 ")"

/* Exact matches in name order for a name or a profession (no savoir-faire,
 * option or status) in a place of few postal codes, read from index ix: 62
 * parameters (the postal codes, the refinement, profession, name, row
 * limit). */
#define FEW_BY_INDEX(ix)						\
	"SELECT s.idnps FROM practice_site s FORCE INDEX (" ix ")"	\
	" WHERE s.postal_code IN " PLACE_LIST " AND s.status = 'present'"	\
	" AND (? = '' OR FIND_IN_SET(s.postal_code, ?) = 0"		\
	" OR s.commune_code = '' OR FIND_IN_SET(s.commune_code, ?) > 0)"	\
	" AND (? = '' OR s.profession_code = ?)"			\
	" AND (? = '' OR " NAME_MATCH("s") ")"				\
	" ORDER BY s.last_key, s.first_key, s.idnps LIMIT ?"

/*
 * One postal code's first active sites in name order (as site_place or
 * site_place_name holds them), slot k: 2 parameters, the code (NULL for an
 * unused slot) and the row limit; 3 with a profession: the code, the
 * profession and the row limit.  The commune code comes for the
 * refinement by commune, which the caller checks.
 */
#define CODE_PART(k, ix, prof)						\
	"(SELECT " #k " AS slot, s.idnps, s.last_key, s.first_key,"	\
	" s.commune_code FROM practice_site s FORCE INDEX (" ix ")"	\
	" WHERE s.postal_code = ? AND s.status = 'present'" prof		\
	" ORDER BY s.last_key, s.first_key, s.idnps LIMIT ?)"
#define CODE_PROF	" AND s.profession_code = ?"
#define CODES4(a, b, c, d, ix, prof)					\
	CODE_PART(a, ix, prof) " UNION ALL " CODE_PART(b, ix, prof)	\
	" UNION ALL " CODE_PART(c, ix, prof) " UNION ALL " CODE_PART(d, ix, prof)
#define CODES8(ix, prof)						\
	CODES4(0, 1, 2, 3, ix, prof) " UNION ALL " CODES4(4, 5, 6, 7, ix, prof)
#define CODES16(ix, prof)						\
	CODES8(ix, prof) " UNION ALL " CODES4(8, 9, 10, 11, ix, prof)	\
	" UNION ALL " CODES4(12, 13, 14, 15, ix, prof)
/* The first CODES_WINDOW rows of the merge, enough for 50 professionals
 * when they are there. */
#define CODES_WINDOW	256
#define STR_(x)		#x
#define STR(x)		STR_(x)
#define CODES_ORDER	" ORDER BY last_key, first_key, idnps"		\
	" LIMIT " STR(CODES_WINDOW)

/* The generation of the form's lists (professions, savoir-faire,
 * options), bumped by triggers on their tables (sql/017), to tell whether a
 * worker's copy is still what the database holds. */
#define LISTS_GEN							\
	"(SELECT generation FROM directory_lists_state WHERE id = 1)"

/* The active sites of postal code c.postal_code (of a profession), from
 * the import's counts, or 0 when not asked: 3 parameters (whether asked,
 * the profession twice). */
#define CODE_SITES							\
	" IF(? = 0, 0, (SELECT COALESCE(SUM(t.sites), 0)"		\
	"  FROM site_place_stat t WHERE t.postal_code = c.postal_code"	\
	"  AND (? = '' OR t.profession_code = ?)))"

/* A JSON array bound as one parameter, as a table j of strings v. */
#define JT_TABLE(p)	"JSON_TABLE(" p ", '$[*]' COLUMNS ("		\
	"v VARCHAR(32) CHARACTER SET ascii PATH '$')) j"

/* Exact matches in name order, read from index ix. */
#define BY_INDEX(ix)							\
	"SELECT s.idnps FROM practice_site s FORCE INDEX (" ix ") WHERE"	\
	PLACE_IN("s") EXACT_WHERE("s") STATUS_OK("s")

static const char *const search_sql[SQ__MAX] = {
	/* The active sites of a place (of one profession), from the counts
	 * the import keeps: which index reads the place faster. */
	[SQ_PLACE_STAT] =
	    "SELECT (SELECT COALESCE(SUM(sites), 0) FROM site_place_stat"
	    " WHERE postal_code IN " JT("?") " AND (? = '' OR profession_code = ?))",
	/* The same in a place of few postal codes: by name (only the range
	 * of the name in each postal code is read), or by profession (a
	 * single postal code is read in index order, up to the row limit). */
	[SQ_PLACE_FEW_NAME] = FEW_BY_INDEX("site_place_name"),
	[SQ_PLACE_FEW] = FEW_BY_INDEX("site_place"),
	/* The same without a name in a place of several postal codes: each
	 * code's first sites in name order (each code read in index order up
	 * to its row limit, not every site of the place), merged. */
	[SQ_CODES8] = CODES8("site_place_name", "") CODES_ORDER,
	[SQ_CODES8_PROF] = CODES8("site_place", CODE_PROF) CODES_ORDER,
	[SQ_CODES16] = CODES16("site_place_name", "") CODES_ORDER,
	[SQ_CODES16_PROF] = CODES16("site_place", CODE_PROF) CODES_ORDER,
	/*
	 * Exact matches in name order.  By place: every site of the place
	 * (of the profession) is read and sorted; by name: the sites are
	 * read in name order (the range of the name typed, if any) until 50
	 * professionals of the place are found.
	 */
	/* Sorted with a row limit (1 parameter): a professional with several
	 * sites in the place comes once per site, side by side. */
	[SQ_PLACE_BY_PLACE] = BY_INDEX("site_place")
	    " ORDER BY s.last_key, s.first_key, s.idnps LIMIT ?",
	/* A savoir-faire asked: only the sites of the place holding it are
	 * read (every criterion is still checked on the site's columns, as
	 * site_skill copies them), then sorted as by place (1 more parameter:
	 * the row limit). */
	[SQ_PLACE_BY_SKILL] =
	    "SELECT s.idnps" SKILL_SITES PLACE_IN("s") EXACT_WHERE("s")
	    STATUS_OK("s") " ORDER BY s.last_key, s.first_key, s.idnps LIMIT ?",
	/* Grouped as read, in index order, up to the 50th professional. */
	[SQ_PLACE_BY_NAME] = BY_INDEX("site_name")
	    " GROUP BY s.last_key, s.first_key, s.idnps"
	    " ORDER BY s.last_key, s.first_key, s.idnps LIMIT 50",
	/*
	 * Exact and approximate matches, options aside: one pass over the
	 * sites of the place, each scored from its own columns (the
	 * professional's name keys, profession and savoir-faire are copied on
	 * each site).  A professional with several sites in the place comes
	 * once per site, the rows side by side: the caller keeps the first.
	 */
	[SQ_PLACE_SCORED] =
	    "SELECT t.idnps, t.last_key, t.first_key, t.m_name, t.m_prof, t.m_skill"
	    " FROM (SELECT s.idnps, s.last_key, s.first_key," MET_COLS("s")
	    "  FROM practice_site s FORCE INDEX (site_place) WHERE" PLACE_IN("s")
	    STATUS_OK("s") ") t" SCORED_ORDER,
	/*
	 * The same without a name but with a savoir-faire: a site meets a
	 * criterion when it is of the profession asked (site_place reads
	 * them) or holds the savoir-faire (site_skill reads them), so only
	 * those are read, not every site of the place.  A site meeting both
	 * comes twice, the rows side by side: the caller keeps the first.
	 */
	[SQ_PLACE_SCORED_SKILL] =
	    "SELECT t.idnps, t.last_key, t.first_key, t.m_name, t.m_prof, t.m_skill"
	    " FROM (SELECT s.idnps, s.last_key, s.first_key," MET_COLS("s")
	    "  FROM practice_site s FORCE INDEX (site_place) WHERE" PLACE_IN("s")
	    "  AND ? <> '' AND s.profession_code = ?" STATUS_OK("s")
	    "  UNION ALL SELECT s.idnps, s.last_key, s.first_key," MET_COLS("s")
	    SKILL_SITES PLACE_IN("s") STATUS_OK("s") ") t" SCORED_ORDER,
	/* The same for one status other than 'inconnu': the professionals
	 * of that status in the CPTS first, then their sites. */
	[SQ_PLACE_SCORED_STATUS] =
	    "SELECT t.idnps, t.last_key, t.first_key, t.m_name, t.m_prof, t.m_skill"
	    " FROM (SELECT STRAIGHT_JOIN s.idnps, s.last_key, s.first_key,"
	    MET_COLS("s") "  FROM cpts_professional c"
	    "  JOIN practice_site s FORCE INDEX (site_identity) ON s.idnps = c.idnps"
	    "  WHERE c.cpts_id = ? AND c.status = ? AND" PLACE_IN("s") ") t"
	    SCORED_ORDER,
	/* The professionals of the place holding an option asked (their set
	 * built once, each site checked against it), each once with what
	 * they meet, the 50 best first. */
	[SQ_PLACE_OPTIONS] =
	    "SELECT t.idnps, t.lk, t.fk, t.m_name, t.m_prof, t.m_skill,"
	    " (SELECT COUNT(DISTINCT o.code) FROM professional_option o"
	    "  WHERE o.idnps = t.idnps AND o.kind = 'care' AND o.code IN " JT("?") ")"
	    " AS n_care,"
	    " (SELECT COUNT(DISTINCT o.code) FROM professional_option o"
	    "  WHERE o.idnps = t.idnps AND o.kind = 'equipment' AND o.code IN " JT("?") ")"
	    " AS n_equip"
	    " FROM (SELECT s.idnps, MIN(s.last_key) AS lk, MIN(s.first_key) AS fk,"
	    "  MAX(? <> '' AND " NAME_MATCH("s") ") AS m_name,"
	    "  MAX(? <> '' AND s.profession_code = ?) AS m_prof,"
	    "  MAX(? <> '' AND FIND_IN_SET(?, s.skills) > 0) AS m_skill"
	    "  FROM practice_site s WHERE" PLACE_IN("s")
	    "  AND s.idnps IN (SELECT o.idnps FROM professional_option o"
	    "  WHERE (o.kind = 'care' AND o.code IN " JT("?") ")"
	    "  OR (o.kind = 'equipment' AND o.code IN " JT("?") "))"
	    STATUS_OK("s") " GROUP BY s.idnps) t"
	    " ORDER BY (t.m_name + t.m_prof + t.m_skill + n_care + n_equip = ?) DESC,"
	    " 5 * t.m_name + 4 * t.m_skill + 3 * t.m_prof + 2 * n_care"
	    " + 2 * n_equip DESC, t.lk, t.fk, t.idnps LIMIT 50",
	/* National searches (no place): exact matches, in name order, read
	 * from the most selective index the criteria allow. */
	[SQ_NATIONAL_MAIN] =
	    NATIONAL_SELECT " FROM professional p" CP_JOIN " WHERE" NATIONAL_WHERE,
	[SQ_NATIONAL_SKILL] =
	    NATIONAL_SELECT " FROM professional_skill d"
	    " JOIN professional p ON p.idnps = d.idnps" CP_JOIN
	    " WHERE d.skill_code = ? AND" NATIONAL_WHERE,
	[SQ_NATIONAL_OPTION] =
	    NATIONAL_SELECT " FROM (SELECT DISTINCT o.idnps FROM professional_option o"
	    "  WHERE (o.kind = 'care' AND o.code IN " JT("?") ")"
	    "  OR (o.kind = 'equipment' AND o.code IN " JT("?") ")) d"
	    " JOIN professional p ON p.idnps = d.idnps" CP_JOIN
	    " WHERE" NATIONAL_WHERE,
	[SQ_NATIONAL_STATUS] =
	    NATIONAL_SELECT " FROM cpts_professional d"
	    " JOIN professional p ON p.idnps = d.idnps" CP_JOIN
	    " WHERE d.cpts_id = ? AND d.status = ? AND" NATIONAL_WHERE,
	/*
	 * What a result shows, for the page's professionals only, in one
	 * statement: rows of kind 0, the professionals (profession, card,
	 * e-mail published or MSSanté, first ordinal specialty, title,
	 * names, CPTS status in the CPTS module), and rows of kind 1, their
	 * active sites.  In no order: sorting the rows made MariaDB copy the
	 * union into a temporary table and sort it, a quarter of the
	 * statement's time; unsorted, it streams both parts.  The ids are
	 * unique: the JSON table is joined as it is, not as an IN (...)
	 * planned as a semi-join.  The rows of kind 0 end with the
	 * generation of the form's lists (search_form_choices).
	 */
	[SQ_DETAILS] =
	    "SELECT STRAIGHT_JOIN 0 AS k, p.idnps,"
	    " COALESCE(pr.label, p.profession_code),"
	    " COALESCE(c.completed, 0), c.email,"
	    " (SELECT MIN(m.address) FROM professional_mssante m"
	    "  WHERE m.idnps = p.idnps),"
	    " (SELECT MIN(r.label) FROM professional_skill k"
	    "  JOIN rpps_skill r ON r.code = k.skill_code"
	    "  WHERE k.idnps = p.idnps AND r.type_code = 'S'),"
	    " COALESCE(t.label, ''), p.last_name, p.first_name,"
	    " IF(? = 0, NULL, (SELECT cp.status FROM cpts_professional cp"
	    "  WHERE cp.cpts_id = ? AND cp.idnps = p.idnps)), NULL, " LISTS_GEN
	    " FROM " JT_TABLE("?") " JOIN professional p ON p.idnps = j.v"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN professional_card c ON c.idnps = p.idnps"
	    " LEFT JOIN rpps_label t ON t.kind = 'practice_title'"
	    "  AND t.code = p.practice_title"
	    " UNION ALL SELECT STRAIGHT_JOIN 1, s.idnps, s.company_name,"
	    " s.trade_name,"
	    " s.street_number, s.street_repeat, s.street_type, s.street_name,"
	    " s.postal_code, s.commune_label, s.phone, s.addr_distribution, s.id"
	    " FROM " JT_TABLE("?") " JOIN practice_site s ON s.idnps = j.v"
	    " WHERE s.status = 'present'",
	[SQ_PROFESSIONS] =
	    "SELECT code, label FROM rpps_profession ORDER BY label",
	[SQ_SKILLS] =
	    "SELECT code, label, type_code, type_label FROM rpps_skill"
	    " ORDER BY type_code <> 'S', type_label, label",
	[SQ_OPTIONS] =
	    "SELECT kind, code, label FROM directory_option"
	    " WHERE kind IN ('care', 'equipment') ORDER BY kind, position, label",
	/* The generation of the three lists above, to tell whether a
	 * worker's copy is still what the database holds. */
	[SQ_LISTS_GEN] = "SELECT" LISTS_GEN,
	/* Whether this program may read site_skill (sql/grants.sql). */
	[SQ_SKILL_INDEX_PROBE] = "SELECT 1 FROM site_skill LIMIT 0",
	/* A department's or a commune's postal codes, each with its active
	 * sites (of the profession asked), as SQ_PLACE_STAT counts them. */
	[SQ_PLACE_DEPT] =
	    "SELECT DISTINCT c.postal_code," CODE_SITES
	    " FROM rpps_commune c WHERE c.dept_code = ?"
	    " ORDER BY c.postal_code LIMIT 200",
	[SQ_PLACE_COMMUNE] =
	    "SELECT c.postal_code, c.insee," CODE_SITES
	    " FROM rpps_commune c WHERE c.label LIKE ?"
	    " ORDER BY c.label, c.postal_code LIMIT 200",
};

/* ---- reading the criteria ---- */

/* Codes of the files and of the options: letters, digits, '_' and '-'. */
static bool
code_ok(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= max || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return i > 0;
}

/* Returns the trimmed value of name in the query, or NULL when empty. */
const char *
annuaire_query(struct req *r, const char *name)
{
	const char *v = http_query(r, name);
	size_t n;

	if (v == NULL)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return n == 0 ? NULL : arena_strndup(&r->arena, v, n);
}

void
search_set_error(struct search *s, const char *field, const char *msg)
{
	if (s->error == NULL) {
		s->error = msg;
		s->error_field = field;
	}
}

/* Reads every value of a multi-valued option field. */
static void
read_options(struct req *r, struct search *s, const char *field,
    const char **out, size_t *n)
{
	size_t i, k;

	*n = 0;
	for (i = 0; i < r->query.n; i++) {
		const char *v = r->query.v[i].value;

		if (strcmp(r->query.v[i].name, field) != 0 || *v == '\0')
			continue;
		if (!code_ok(v, 32)) {
			search_set_error(s, field, "Ce choix n'existe pas.");
			continue;
		}
		for (k = 0; k < *n; k++)
			if (strcmp(out[k], v) == 0)
				break;
		if (k < *n)
			continue;
		if (*n >= SEARCH_MAX_OPTIONS) {
			search_set_error(s, field, "Trop de choix.");
			return;
		}
		out[(*n)++] = v;
	}
}

int
search_read_criteria(struct req *r, struct search *s)
{
	const char *why;

	s->name = annuaire_query(r, "nom");
	if (s->name != NULL && (why = valid_text(s->name, 1, 100)) != NULL)
		search_set_error(s, "nom", why);
	else if (s->name != NULL) {
		char folded[408];

		/* Only punctuation would match every name. */
		if (annuaire_fold(s->name, folded, sizeof(folded)) == 0 ||
		    strspn(folded, "%_\\ ") == strlen(folded))
			search_set_error(s, "nom", "Indiquez au moins une lettre du nom.");
	}
	s->profession = annuaire_query(r, "profession");
	if (s->profession != NULL && !code_ok(s->profession, 8))
		search_set_error(s, "profession", "Cette profession n'existe pas.");
	s->skill = annuaire_query(r, "specialite");
	if (s->skill != NULL && !code_ok(s->skill, 16))
		search_set_error(s, "specialite", "Cette spécialité n'existe pas.");
	read_options(r, s, "prise_en_charge", s->care, &s->ncare);
	read_options(r, s, "equipement", s->equip, &s->nequip);
	return 0;
}

size_t
search_ncriteria(const struct search *s)
{
	return (s->name != NULL) + (s->profession != NULL) + (s->skill != NULL) +
	    s->ncare + s->nequip;
}

/* ---- running it ---- */

/* A JSON array of strings. */
const char *
annuaire_json_list(struct req *r, const char *const *v, size_t n)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	buf_putc(&b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		buf_putc(&b, '"');
		buf_json(&b, v[i]);
		buf_putc(&b, '"');
	}
	buf_putc(&b, ']');
	out = arena_strndup(&r->arena, b.data, b.len);
	buf_free(&b);
	return out;
}

/* A comma-separated list (codes: no comma inside). */
const char *
annuaire_csv_list(struct req *r, const char *const *v, size_t n)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		buf_puts(&b, v[i]);
	}
	out = arena_strndup(&r->arena, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

/*
 * LIKE patterns for a name: "full%", and the first word and the rest for
 * "first last" / "last first" (both the full text when one word).  The
 * LIKE wildcards typed are escaped; spaces, hyphens and apostrophes match
 * any one character, as the stored keys fold them to a space or nothing.
 */
struct name_patterns {
	const char	*full, *w1, *w2;
};

static const char *
like_prefix(struct req *r, const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t i;
	bool sep = false;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == ' ' || c == '-' || c == '\'' ) {
			sep = true;
			continue;
		}
		/* U+2019 RIGHT SINGLE QUOTATION MARK, the typographic apostrophe. */
		if ((unsigned char)c == 0xE2 && i + 2 < n &&
		    (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			i += 2;
			sep = true;
			continue;
		}
		if (sep && b.len > 0)
			buf_putc(&b, '%');
		sep = false;
		if (c == '%' || c == '_' || c == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, c);
	}
	buf_putc(&b, '%');
	out = arena_strndup(&r->arena, b.data, b.len);
	buf_free(&b);
	return out;
}

static void
name_patterns(struct req *r, const char *name, struct name_patterns *np)
{
	const char *sp;
	char *folded;
	size_t n;

	if (name == NULL) {
		np->full = np->w1 = np->w2 = "";
		return;
	}
	/* The stored keys are folded (annuaire_fold.h): fold what was typed. */
	n = strlen(name) * 2 + 8;
	folded = arena_alloc(&r->arena, n);
	annuaire_fold(name, folded, n);
	name = folded;
	np->full = like_prefix(r, name, strlen(name));
	sp = strchr(name, ' ');
	if (sp == NULL) {
		np->w1 = np->w2 = np->full;
		return;
	}
	np->w1 = like_prefix(r, name, (size_t)(sp - name));
	while (*sp == ' ')
		sp++;
	np->w2 = like_prefix(r, sp, strlen(sp));
}

static const char *
nn(const char *s)
{
	return s != NULL ? s : "";
}

const char *
annuaire_address(struct req *r, const char *number, const char *repeat,
    const char *street_type, const char *street, const char *distribution,
    const char *postal, const char *commune)
{
	const char *parts[] = { number, repeat, street_type, street };
	struct buf b = BUF_INIT;
	const char *out;
	size_t k;

	for (k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		if (parts[k] == NULL || *parts[k] == '\0')
			continue;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, parts[k]);
	}
	if (*nn(distribution) != '\0') {
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, distribution);
	}
	if (*nn(postal) != '\0' || *nn(commune) != '\0') {
		if (b.len > 0)
			buf_puts(&b, ", ");
		buf_puts(&b, nn(postal));
		if (*nn(postal) != '\0' && *nn(commune) != '\0')
			buf_putc(&b, ' ');
		buf_puts(&b, nn(commune));
	}
	out = arena_strndup(&r->arena, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

static bool
in_list(const char *v, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v, list[i]) == 0)
			return true;
	return false;
}

/* Fills what a hit shows, for the page's professionals. */
static int
search_details(struct req *r, const struct search *s, struct search_result *out)
{
	const char **ids;
	const char *json;
	struct db_result res;
	size_t i, k;

	if (out->nhits == 0)
		return 0;
	ids = arena_alloc(&r->arena, out->nhits * sizeof(*ids));
	for (i = 0; i < out->nhits; i++)
		ids[i] = out->hits[i].idnps;
	json = annuaire_json_list(r, ids, out->nhits);
	if (db_query(r->app->db, &r->arena, Q(SQ_DETAILS), DB_PARAMS(
	    DBP_INT(s->cpts_id), DBP_INT(s->cpts_id), DBP_STR(json),
	    DBP_STR(json)), &res) != DB_OK)
		return -1;
	/* The rows come in no order: kind 0, a professional; kind 1, one of
	 * its sites. */
	for (i = 0; i < out->nhits; i++) {
		struct search_hit *h = &out->hits[i];
		size_t best = res.nrows;
		long long best_id = 0, id;
		bool best_in = false, here;

		for (k = 0; k < res.nrows; k++) {
			if (strcmp(db_cell(&res, k, 1), h->idnps) != 0)
				continue;
			if (db_cell_int(&res, k, 0) == 0) {
				h->profession = db_cell(&res, k, 2);
				h->card_completed = db_cell_int(&res, k, 3) != 0;
				h->email = db_cell(&res, k, 4);
				if (h->email == NULL || *h->email == '\0')
					h->email = db_cell(&res, k, 5);
				h->specialty = db_cell(&res, k, 6);
				h->practice_title = db_cell(&res, k, 7);
				h->last_name = db_cell(&res, k, 8);
				h->first_name = db_cell(&res, k, 9);
				h->status = cpts_status_parse(db_cell(&res, k, 10));
				out->choices_gen = db_cell(&res, k, 12);
				continue;
			}
			/* The site shown: the first (by id) in the place, else
			 * the first. */
			id = db_cell_int(&res, k, 12);
			here = s->has_place && in_list(db_cell(&res, k, 8),
			    s->postal, s->npostal);
			if (best == res.nrows || (here && !best_in) ||
			    (here == best_in && id < best_id)) {
				best = k;
				best_id = id;
				best_in = here;
			}
		}
		if (best < res.nrows) {
			const char *name = db_cell(&res, best, 3);

			if (name == NULL || *name == '\0')
				name = db_cell(&res, best, 2);
			h->site_name = name;
			h->address = annuaire_address(r, db_cell(&res, best, 4),
			    db_cell(&res, best, 5), db_cell(&res, best, 6),
			    db_cell(&res, best, 7), db_cell(&res, best, 11),
			    db_cell(&res, best, 8), db_cell(&res, best, 9));
			h->phone = db_cell(&res, best, 10);
		}
	}
	return 0;
}

/* ---- the search in a place ---- */

/*
 * A place holding more active sites than this (of the profession asked)
 * is read in name order (site_name) rather than site by site and sorted
 * (site_place): reading in name order costs about 50 professionals
 * divided by the place's share of the country's sites, sorting costs the
 * place's sites, each about three times a site read in order (measured
 * on the benchmark's data); with the national ~2 M sites, both costs meet
 * near 7,000 sites.
 */
#define PLACE_LARGE	8000

/* Parameters of one statement, in the order of its '?'. */
#define PARAMS_MAX	64
struct sparams {
	struct db_param	 v[PARAMS_MAX];
	size_t		 n;
};

static void
pa(struct sparams *p, struct db_param v)
{
	if (p->n < PARAMS_MAX)
		p->v[p->n++] = v;
}

/* The resolved values a search binds. */
struct bound {
	struct name_patterns np;
	const char	*status, *care, *equip, *place, *pref, *cref;
	const char	*prof, *skill;
	size_t		 ncrit;
};

/* The postal codes and their refinement: PLACE_IN. */
static void
pa_place(struct sparams *p, const struct bound *b)
{
	pa(p, DBP_STR(b->place));
	pa(p, DBP_STR(b->pref));
	pa(p, DBP_STR(b->pref));
	pa(p, DBP_STR(b->cref));
}

static void
pa_name(struct sparams *p, const struct bound *b)
{
	pa(p, DBP_STR(b->np.full));
	pa(p, DBP_STR(b->np.full));
	pa(p, DBP_STR(b->np.w2));
	pa(p, DBP_STR(b->np.w1));
	pa(p, DBP_STR(b->np.w1));
	pa(p, DBP_STR(b->np.w2));
}

/* EXACT_WHERE. */
static void
pa_exact(struct sparams *p, const struct search *s, const struct bound *b)
{
	pa(p, DBP_STR(b->prof));
	pa(p, DBP_STR(b->prof));
	pa_name(p, b);
	pa(p, DBP_STR(b->skill));
	pa(p, DBP_STR(b->skill));
	pa(p, DBP_INT(s->ncare));
	pa(p, DBP_STR(b->care));
	pa(p, DBP_INT(s->ncare));
	pa(p, DBP_INT(s->nequip));
	pa(p, DBP_STR(b->equip));
	pa(p, DBP_INT(s->nequip));
}

/* STATUS_OK. */
static void
pa_status(struct sparams *p, const struct search *s, const struct bound *b)
{
	pa(p, DBP_STR(b->status));
	pa(p, DBP_STR(b->status));
	pa(p, DBP_INT(s->cpts_id));
	pa(p, DBP_STR(b->status));
	pa(p, DBP_INT(s->cpts_id));
	pa(p, DBP_STR(b->status));
}

/* MET_COLS. */
static void
pa_met(struct sparams *p, const struct bound *b)
{
	pa_name(p, b);
	pa(p, DBP_STR(b->prof));
	pa(p, DBP_STR(b->prof));
	pa(p, DBP_STR(b->skill));
	pa(p, DBP_STR(b->skill));
}

/* A professional as ranked: relevance rule 3's key. */
struct cand {
	const char	*idnps, *lk, *fk;
	bool		 exact;
	int		 score;
};

/* Compares two name keys as their column's collation does (ASCII, case
 * folded, trailing spaces ignored). */
static int
key_cmp(const char *a, const char *b)
{
	unsigned char x, y;

	a = a != NULL ? a : "";
	b = b != NULL ? b : "";
	for (;; a++, b++) {
		x = *a != '\0' ? (unsigned char)*a : ' ';
		y = *b != '\0' ? (unsigned char)*b : ' ';
		if (x >= 'a' && x <= 'z')
			x = (unsigned char)(x - 'a' + 'A');
		if (y >= 'a' && y <= 'z')
			y = (unsigned char)(y - 'a' + 'A');
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '\0' && *b == '\0')
			return 0;
		if (*a == '\0' || *b == '\0') {
			/* One ended: the rest of the other against spaces. */
			const char *rest = *a == '\0' ? b : a;
			int sign = *a == '\0' ? -1 : 1;

			for (rest++; *rest != '\0'; rest++)
				if ((unsigned char)*rest != ' ')
					return (unsigned char)*rest > ' ' ? sign : -sign;
			return 0;
		}
	}
}

/* Negative when a ranks before b. */
static int
cand_cmp(const struct cand *a, const struct cand *b)
{
	int c;

	if (a->exact != b->exact)
		return a->exact ? -1 : 1;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if ((c = key_cmp(a->lk, b->lk)) != 0)
		return c;
	if ((c = key_cmp(a->fk, b->fk)) != 0)
		return c;
	return strcmp(a->idnps, b->idnps);
}

/* True when idnps is in v (the last first: see hit_has). */
static bool
cand_has(const struct cand *v, size_t n, const char *idnps)
{
	size_t i;

	for (i = n; i > 0; i--)
		if (strcmp(v[i - 1].idnps, idnps) == 0)
			return true;
	return false;
}

/* True when idnps is a hit already (the rows of a professional with
 * several sites in the place come side by side: the last is checked
 * first). */
static bool
hit_has(const struct search_result *out, const char *idnps)
{
	size_t i;

	for (i = out->nhits; i > 0; i--)
		if (strcmp(out->hits[i - 1].idnps, idnps) == 0)
			return true;
	return false;
}

/* Adds a hit. */
static void
hit_add(struct search_result *out, const char *idnps, bool exact, int score)
{
	struct search_hit *h = &out->hits[out->nhits++];

	h->idnps = idnps;
	h->exact = exact;
	h->score = score;
	if (exact)
		out->nexact++;
}

/*
 * True when site_skill (sql/013) can be read.  A database whose grants
 * predate it (sql/grants.sql not re-applied yet) keeps the searches
 * working by reading the place's sites, with the same results: this
 * worker says so once and stops asking.
 */
static bool
skill_index_usable(struct req *r)
{
	static int usable = -1;
	struct db_result res;
	enum db_rc rc;

	if (usable < 0) {
		rc = db_query(r->app->db, &r->arena, Q(SQ_SKILL_INDEX_PROBE),
		    DB_NOPARAMS, &res);
		if (rc == DB_UNAVAILABLE)
			return false;	/* ask again next time */
		usable = rc == DB_OK;
		if (!usable)
			log_warn("site_skill cannot be read: searches by"
			    " savoir-faire read every site of the place");
	}
	return usable > 0;
}

/* The active sites of the place (of the profession, if one is asked),
 * from the import's counts; -1 after a database failure. */
static long long
place_sites(struct req *r, const struct bound *b)
{
	struct sparams p = { .n = 0 };
	struct db_result res;

	pa(&p, DBP_STR(b->place));
	pa(&p, DBP_STR(b->prof));
	pa(&p, DBP_STR(b->prof));
	if (db_query_row(r->app->db, &r->arena, Q(SQ_PLACE_STAT), p.v, p.n,
	    &res) != DB_OK)
		return -1;
	return db_cell_int(&res, 0, 0);
}

/* The number of different postal codes of the place. */
static size_t
place_distinct(const struct search *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->npostal; i++)
		if (!in_list(s->postal[i], s->postal, i))
			n++;
	return n;
}

/* FEW_BY_INDEX's parameters but the row limit. */
static void
pa_few(struct sparams *p, const struct search *s, const struct bound *b)
{
	size_t i;

	for (i = 0; i < PLACE_LIST_MAX; i++)
		pa(p, DBP_STR(s->postal[i < s->npostal ? i : 0]));
	pa(p, DBP_STR(b->pref));
	pa(p, DBP_STR(b->pref));
	pa(p, DBP_STR(b->cref));
	pa(p, DBP_STR(b->prof));
	pa(p, DBP_STR(b->prof));
	pa_name(p, b);
}

/* The most postal codes read one by one (SQ_CODES16); the rows read at
 * most from each: CODES_ROWS shared between the codes, but at least
 * CODES_ROWS_MIN (50 professionals, a few of them with two sites). */
#define CODES_MAX	16
#define CODES_ROWS	512
#define CODES_ROWS_MIN	64

/* True when site s (its postal code and commune code) lies in the place:
 * PLACE_IN's refinement by commune code, as FIND_IN_SET compares (ASCII,
 * case folded). */
static bool
site_in_place(const struct search *s, const char *postal, const char *commune)
{
	size_t i;

	if (!in_list(postal, s->refined, s->nrefined) || commune == NULL ||
	    *commune == '\0')
		return true;
	for (i = 0; i < s->ncommunes; i++)
		if (strcasecmp(commune, s->communes[i]) == 0)
			return true;
	return false;
}

/*
 * Exact matches without a name in a place of 2 to CODES_MAX postal codes,
 * without a savoir-faire, option or status: each code's first sites in
 * name order (at most limit), merged by MariaDB, of which the first
 * CODES_WINDOW rows come.  Those rows are complete up to the last row of
 * the first code that reached its limit (beyond, a site of that code may
 * be missing), or to the window's end when it is full.  Returns 1 when out
 * holds the result (50 professionals within the complete rows, or every
 * row of every code read), 0 when the caller must read the place, -1
 * after a database failure.
 */
static int
place_codes(struct req *r, const struct search *s, const struct bound *b,
    struct search_result *out)
{
	const char *code[CODES_MAX];
	size_t seen[CODES_MAX];
	struct sparams p = { .n = 0 };
	struct db_result res;
	size_t ncode = 0, nslot, i, k, end;
	long long limit;
	bool prof = s->profession != NULL, partial = false;
	int stmt;

	for (i = 0; i < s->npostal; i++) {
		if (in_list(s->postal[i], code, ncode))
			continue;
		if (ncode >= CODES_MAX)
			return 0;
		code[ncode++] = s->postal[i];
	}
	nslot = ncode <= 8 ? 8 : 16;
	stmt = nslot == 8 ? (prof ? SQ_CODES8_PROF : SQ_CODES8) :
	    (prof ? SQ_CODES16_PROF : SQ_CODES16);
	/* Enough rows per code for 50 professionals spread over the codes,
	 * and for a professional with a few sites in one. */
	limit = CODES_ROWS / (long long)ncode;
	if (limit < CODES_ROWS_MIN)
		limit = CODES_ROWS_MIN;
	for (k = 0; k < nslot; k++) {
		pa(&p, k < ncode ? DBP_STR(code[k]) : DBP_NULL);
		if (prof)
			pa(&p, DBP_STR(b->prof));
		pa(&p, DBP_INT(limit));
	}
	if (db_query(r->app->db, &r->arena, Q(stmt), p.v, p.n, &res) != DB_OK)
		return -1;
	/* The rows up to end (excluded) are complete; a code's limit-th row
	 * is its last. */
	memset(seen, 0, sizeof(seen));
	end = res.nrows;
	partial = res.nrows >= CODES_WINDOW;
	for (i = 0; i < res.nrows; i++) {
		k = (size_t)db_cell_int(&res, i, 0);
		if (k < ncode && ++seen[k] >= (size_t)limit) {
			end = i + 1;
			partial = true;
			break;
		}
	}
	out->nhits = out->nexact = 0;
	for (i = 0; i < end && out->nhits < SEARCH_MAX_RESULTS; i++) {
		const char *id = db_cell(&res, i, 1);

		k = (size_t)db_cell_int(&res, i, 0);
		if (k >= ncode || !site_in_place(s, code[k], db_cell(&res, i, 4)))
			continue;
		if (!hit_has(out, id))
			hit_add(out, id, true, 0);
	}
	if (out->nhits >= SEARCH_MAX_RESULTS || !partial)
		return 1;
	out->nhits = out->nexact = 0;
	return 0;
}

/* Exact matches in name order (at most 50) into out, read by place or by
 * name.  Returns 0 or -1. */
static int
place_exact(struct req *r, const struct search *s, const struct bound *b,
    struct search_result *out)
{
	struct sparams p = { .n = 0 };
	struct db_result res;
	long long sites = 0, limit = 250;
	bool by_name = false, by_skill, few, single;
	size_t i;
	int stmt;

	/* A name or a profession (nothing else) in a place of few postal
	 * codes: read as a list of values (FEW_BY_INDEX). */
	few = s->npostal <= PLACE_LIST_MAX && *b->status == '\0' &&
	    s->skill == NULL && s->ncare == 0 && s->nequip == 0;
	single = place_distinct(s) == 1;
	if (few && s->name == NULL && !single) {
		int rc = place_codes(r, s, b, out);

		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	/* By name or in a single postal code, such a search reads only what
	 * it shows: the place's size does not matter. */
	if (!few || (s->name == NULL && !single)) {
		if (s->place_sites_known)
			sites = s->place_sites;
		else if ((sites = place_sites(r, b)) < 0)
			return -1;
	}
	/* In name order, a name typed reads only its own range; a
	 * savoir-faire or an option, rarer than a profession, would make the
	 * reading long. */
	if (sites > PLACE_LARGE)
		by_name = s->name != NULL || (s->skill == NULL && s->ncare == 0 &&
		    s->nequip == 0);
	if (few && (s->name != NULL || single))
		by_name = false;
	/* A savoir-faire is rarer than a place's sites: read its sites. */
	by_skill = !by_name && s->skill != NULL && skill_index_usable(r);
	few = few && !by_name;
	if (few) {
		pa_few(&p, s, b);
		stmt = s->name != NULL ? SQ_PLACE_FEW_NAME : SQ_PLACE_FEW;
	} else {
		if (by_skill) {
			pa(&p, DBP_STR(b->skill));
			pa(&p, DBP_STR(b->place));
		}
		pa_place(&p, b);
		pa_exact(&p, s, b);
		pa_status(&p, s, b);
		stmt = by_name ? SQ_PLACE_BY_NAME : by_skill ? SQ_PLACE_BY_SKILL :
		    SQ_PLACE_BY_PLACE;
	}
	for (;;) {
		struct sparams q = p;

		if (!by_name)
			pa(&q, DBP_INT(limit));
		if (db_query(r->app->db, &r->arena, Q(stmt), q.v, q.n,
		    &res) != DB_OK)
			return -1;
		out->nhits = out->nexact = 0;
		for (i = 0; i < res.nrows && out->nhits < SEARCH_MAX_RESULTS; i++) {
			const char *id = db_cell(&res, i, 0);

			if (!hit_has(out, id))
				hit_add(out, id, true, 0);
		}
		if (by_name || out->nhits >= SEARCH_MAX_RESULTS ||
		    res.nrows < (size_t)limit)
			return 0;
		/* Professionals with many sites in the place: read further. */
		limit = limit >= 100000 ? 1000000000LL : limit * 8;
	}
}

/*
 * Exact and approximate matches: the 50 best of the professionals with
 * an option asked (complete scores), merged with the best of the others
 * (scored without options, which they do not hold).  The second list
 * comes one row per site: it is read with a growing row limit until it
 * holds 50 professionals or the place is exhausted.  Returns 0 or -1.
 */
static int
place_scored(struct req *r, const struct search *s, const struct bound *b,
    struct search_result *out)
{
	struct cand opt[SEARCH_MAX_RESULTS], oth[SEARCH_MAX_RESULTS];
	struct db_result res;
	size_t nopt = 0, noth = 0, i, io, ie;
	long long limit = 250;
	bool by_status = *b->status != '\0' && strcmp(b->status, "inconnu") != 0;
	bool base = s->name != NULL || s->profession != NULL || s->skill != NULL;
	/* Without a name, the sites meeting a criterion are those of the
	 * profession or of the savoir-faire: both indexed. */
	bool by_skill = !by_status && s->name == NULL && s->skill != NULL &&
	    skill_index_usable(r);

	if (s->ncare > 0 || s->nequip > 0) {
		struct sparams p = { .n = 0 };

		pa(&p, DBP_STR(b->care));
		pa(&p, DBP_STR(b->equip));
		pa_met(&p, b);
		pa_place(&p, b);
		pa(&p, DBP_STR(b->care));
		pa(&p, DBP_STR(b->equip));
		pa_status(&p, s, b);
		pa(&p, DBP_INT(b->ncrit));
		if (db_query(r->app->db, &r->arena, Q(SQ_PLACE_OPTIONS), p.v, p.n,
		    &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows && nopt < SEARCH_MAX_RESULTS; i++) {
			long long m_name = db_cell_int(&res, i, 3);
			long long m_prof = db_cell_int(&res, i, 4);
			long long m_skill = db_cell_int(&res, i, 5);
			long long n_care = db_cell_int(&res, i, 6);
			long long n_equip = db_cell_int(&res, i, 7);

			opt[nopt].idnps = db_cell(&res, i, 0);
			opt[nopt].lk = db_cell(&res, i, 1);
			opt[nopt].fk = db_cell(&res, i, 2);
			opt[nopt].exact = m_name + m_prof + m_skill + n_care +
			    n_equip == (long long)b->ncrit;
			opt[nopt].score = (int)(5 * m_name + 4 * m_skill +
			    3 * m_prof + 2 * n_care + 2 * n_equip);
			nopt++;
		}
	}
	/* Without a criterion but a status, every professional of that
	 * status in the place; with criteria, those meeting one, which the
	 * options' list holds when only options are asked.  Only a holder of
	 * every option asked is an exact match, and those come first: when
	 * the options' list holds 50 of them, it is the result. */
	for (i = 0; i < nopt && opt[i].exact; i++)
		;
	if (i >= SEARCH_MAX_RESULTS)
		base = false;
	while (base || (b->ncrit == 0 && by_status)) {
		struct sparams p = { .n = 0 };

		if (by_status) {
			pa_met(&p, b);
			pa(&p, DBP_INT(s->cpts_id));
			pa(&p, DBP_STR(b->status));
			pa_place(&p, b);
		} else if (by_skill) {
			pa_met(&p, b);
			pa_place(&p, b);
			pa(&p, DBP_STR(b->prof));
			pa(&p, DBP_STR(b->prof));
			pa_status(&p, s, b);
			pa_met(&p, b);
			pa(&p, DBP_STR(b->skill));
			pa(&p, DBP_STR(b->place));
			pa_place(&p, b);
			pa_status(&p, s, b);
		} else {
			pa_met(&p, b);
			pa_place(&p, b);
			pa_status(&p, s, b);
		}
		pa(&p, DBP_INT(b->ncrit));
		pa(&p, DBP_INT(b->ncrit));
		pa(&p, DBP_INT(limit));
		if (db_query(r->app->db, &r->arena, Q(by_status ?
		    SQ_PLACE_SCORED_STATUS : by_skill ? SQ_PLACE_SCORED_SKILL :
		    SQ_PLACE_SCORED), p.v, p.n, &res) != DB_OK)
			return -1;
		noth = 0;
		for (i = 0; i < res.nrows && noth < SEARCH_MAX_RESULTS; i++) {
			const char *id = db_cell(&res, i, 0);
			long long m_name = db_cell_int(&res, i, 3);
			long long m_prof = db_cell_int(&res, i, 4);
			long long m_skill = db_cell_int(&res, i, 5);

			if (cand_has(oth, noth, id) || cand_has(opt, nopt, id))
				continue;
			oth[noth].idnps = id;
			oth[noth].lk = db_cell(&res, i, 1);
			oth[noth].fk = db_cell(&res, i, 2);
			oth[noth].exact = m_name + m_prof + m_skill ==
			    (long long)b->ncrit;
			oth[noth].score = (int)(5 * m_name + 4 * m_skill +
			    3 * m_prof);
			noth++;
		}
		if (noth >= SEARCH_MAX_RESULTS || res.nrows < (size_t)limit)
			break;
		/* Professionals with many sites in the place, or holding
		 * options: read further. */
		limit = limit >= 100000 ? 1000000000LL : limit * 8;
	}
	/* Both lists are in rank order: merge them. */
	out->nhits = out->nexact = 0;
	for (io = ie = 0; out->nhits < SEARCH_MAX_RESULTS &&
	    (io < nopt || ie < noth);) {
		const struct cand *c;

		if (ie >= noth || (io < nopt && cand_cmp(&opt[io], &oth[ie]) < 0))
			c = &opt[io++];
		else
			c = &oth[ie++];
		hit_add(out, c->idnps, c->exact, c->score);
	}
	return 0;
}

int
search_run(struct req *r, const struct search *s, struct search_result *out)
{
	struct bound b;
	struct db_result res;
	size_t ncrit = search_ncriteria(s), i;
	enum db_rc rc;
	int stmt;

	memset(out, 0, sizeof(*out));
	if (s->error != NULL)
		return 0;
	memset(&b, 0, sizeof(b));
	name_patterns(r, s->name, &b.np);
	b.status = nn(s->status);
	b.care = annuaire_json_list(r, s->care, s->ncare);
	b.equip = annuaire_json_list(r, s->equip, s->nequip);
	b.prof = nn(s->profession);
	b.skill = nn(s->skill);
	b.ncrit = ncrit;
	out->hits = arena_alloc(&r->arena, (SEARCH_MAX_RESULTS + 1) *
	    sizeof(*out->hits));
	memset(out->hits, 0, (SEARCH_MAX_RESULTS + 1) * sizeof(*out->hits));
	if (s->has_place && s->npostal > 0) {
		bool by_status = *b.status != '\0' &&
		    strcmp(b.status, "inconnu") != 0;

		b.place = annuaire_json_list(r, s->postal, s->npostal);
		b.pref = annuaire_csv_list(r, s->refined, s->nrefined);
		b.cref = annuaire_csv_list(r, s->communes, s->ncommunes);
		/*
		 * When every candidate is an exact match (at most one
		 * criterion, no option), or when 50 exact matches exist, the
		 * result is the exact matches in name order; an index tells
		 * whether a site is one when a name or a profession is asked.
		 * With an option, the exact matches are among the holders of
		 * the options, which place_scored reads first anyway.
		 */
		if (!by_status && s->ncare == 0 && s->nequip == 0 &&
		    (ncrit <= 1 || s->name != NULL || s->profession != NULL)) {
			if (place_exact(r, s, &b, out) != 0)
				return -1;
			if ((ncrit <= 1 && s->ncare == 0 && s->nequip == 0) ||
			    out->nhits >= SEARCH_MAX_RESULTS)
				return search_details(r, s, out);
		}
		if (place_scored(r, s, &b, out) != 0)
			return -1;
		return search_details(r, s, out);
	}
#define NW	DBP_INT(s->cpts_id),						\
	DBP_STR(b.np.full), DBP_STR(b.np.full), DBP_STR(b.np.w2), DBP_STR(b.np.w1),	\
	DBP_STR(b.np.w1), DBP_STR(b.np.w2),					\
	DBP_STR(b.prof), DBP_STR(b.prof),					\
	DBP_STR(b.skill), DBP_STR(b.skill),					\
	DBP_INT(s->ncare), DBP_STR(b.care), DBP_INT(s->ncare),		\
	DBP_INT(s->nequip), DBP_STR(b.equip), DBP_INT(s->nequip),		\
	DBP_STR(b.status), DBP_STR(b.status)
	out->national = true;
	if (s->name != NULL || s->profession != NULL)
		stmt = SQ_NATIONAL_MAIN;
	else if (s->skill != NULL)
		stmt = SQ_NATIONAL_SKILL;
	else if (s->ncare > 0 || s->nequip > 0)
		stmt = SQ_NATIONAL_OPTION;
	else if (*b.status != '\0' && strcmp(b.status, "inconnu") != 0)
		stmt = SQ_NATIONAL_STATUS;
	else {
		out->empty_query = true;
		return 0;
	}
	switch (stmt) {
	case SQ_NATIONAL_MAIN:
		rc = db_query(r->app->db, &r->arena, Q(stmt),
		    DB_PARAMS(NW), &res);
		break;
	case SQ_NATIONAL_SKILL:
		rc = db_query(r->app->db, &r->arena, Q(stmt),
		    DB_PARAMS(DBP_STR(s->skill), NW), &res);
		break;
	case SQ_NATIONAL_OPTION:
		rc = db_query(r->app->db, &r->arena, Q(stmt),
		    DB_PARAMS(DBP_STR(b.care), DBP_STR(b.equip), NW), &res);
		break;
	default:
		rc = db_query(r->app->db, &r->arena, Q(stmt),
		    DB_PARAMS(DBP_INT(s->cpts_id), DBP_STR(b.status), NW), &res);
		break;
	}
#undef NW
	if (rc != DB_OK)
		return -1;
	for (i = 0; i < res.nrows && out->nhits < SEARCH_MAX_RESULTS; i++) {
		hit_add(out, db_cell(&res, i, 0), db_cell_int(&res, i, 6) != 0,
		    (int)db_cell_int(&res, i, 7));
		out->hits[out->nhits - 1].status =
		    cpts_status_parse(db_cell(&res, i, 8));
	}
	return search_details(r, s, out);
}

/* ---- place of the general search ---- */

/* Resolves the free text of "lieu": postal codes ("25000, 25030"), a
 * department ("25", "2A", "974") or the start of a commune's name.
 * Returns 0 (s->error set when nothing matches) or -1. */
int
search_read_place(struct req *r, struct search *s, const char *place)
{
	struct db_result res;
	const char *p = place, *prof = nn(s->profession);
	char tok[8];
	size_t i, n = 0;
	long long sites = 0;
	bool all_postal = true;
	/* The place's size tells how to read it, except for a name alone
	 * (read by name, whatever the size, in a place of few codes). */
	bool count = s->name == NULL || s->skill != NULL || s->ncare > 0 ||
	    s->nequip > 0;

	/* Postal codes, separated by spaces or commas. */
	while (*p != '\0' && all_postal) {
		while (*p == ' ' || *p == ',' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		for (n = 0; p[n] != '\0' && p[n] != ' ' && p[n] != ',' && p[n] != ';'; n++)
			;
		if (n != 5 || valid_postal_code(arena_strndup(&r->arena, p, n), 0, 0) != NULL)
			all_postal = false;
		else if (s->npostal < SEARCH_MAX_CODES)
			s->postal[s->npostal++] = arena_strndup(&r->arena, p, n);
		p += n;
	}
	if (all_postal && s->npostal > 0) {
		s->has_place = true;
		return 0;
	}
	s->npostal = 0;
	/* A department. */
	n = strlen(place);
	if ((n == 2 && ((place[0] >= '0' && place[0] <= '9' && place[1] >= '0' &&
	    place[1] <= '9') || (place[0] == '2' && (place[1] == 'A' ||
	    place[1] == 'B' || place[1] == 'a' || place[1] == 'b')))) ||
	    (n == 3 && place[0] == '9' && (place[1] == '7' || place[1] == '8') &&
	    place[2] >= '0' && place[2] <= '9')) {
		snprintf(tok, sizeof(tok), "%s", place);
		if (tok[1] == 'a' || tok[1] == 'b')
			tok[1] = (char)(tok[1] - 'a' + 'A');
		if (db_query(r->app->db, &r->arena, Q(SQ_PLACE_DEPT),
		    DB_PARAMS(DBP_INT(count), DBP_STR(prof), DBP_STR(prof),
		    DBP_STR(tok)), &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows && s->npostal < SEARCH_MAX_CODES; i++) {
			s->postal[s->npostal++] = db_cell(&res, i, 0);
			sites += db_cell_int(&res, i, 1);
		}
	} else {
		/* A commune: its sites, by postal code refined by commune code. */
		if (db_query(r->app->db, &r->arena, Q(SQ_PLACE_COMMUNE),
		    DB_PARAMS(DBP_INT(count), DBP_STR(prof), DBP_STR(prof),
		    DBP_STR(like_prefix(r, place, n))), &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows; i++) {
			const char *pc = db_cell(&res, i, 0), *insee = db_cell(&res, i, 1);

			if (!in_list(pc, s->postal, s->npostal) &&
			    s->npostal < SEARCH_MAX_CODES) {
				s->postal[s->npostal++] = pc;
				s->refined[s->nrefined++] = pc;
				sites += db_cell_int(&res, i, 2);
			}
			if (*insee != '\0' && !in_list(insee, s->communes, s->ncommunes) &&
			    s->ncommunes < SEARCH_MAX_CODES)
				s->communes[s->ncommunes++] = insee;
		}
	}
	if (s->npostal == 0) {
		search_set_error(s, "lieu", "Aucun code postal, département ou commune de"
		    " l'annuaire ne correspond à ce lieu.");
		return 0;
	}
	s->has_place = true;
	s->place_sites_known = count;
	s->place_sites = sites;
	return 0;
}

/* ---- the form's choices ---- */

/*
 * The lists of the form change only with an import (professions,
 * savoir-faire) or an administrator (options): each worker keeps a copy
 * and checks it against their generation (sql/017), which the search reads
 * with a page's details, or one small statement, instead of reading the
 * lists again.
 */
static struct {
	bool		 loaded;
	struct arena	 a;
	char		*gen;
	struct db_result prof, skills, opts;
} choices;

/* Points *prof, *skills, *opts at the worker's copy of the lists, read
 * again when the database's generation differs.  Returns 0 or -1. */
static int
choices_get(struct req *r, const struct search_result *done,
    const struct db_result **prof, const struct db_result **skills,
    const struct db_result **opts)
{
	struct db_result res;
	const char *gen;

	/* The search read the generation already (SQ_DETAILS), or not. */
	if (done != NULL && done->choices_gen != NULL)
		gen = done->choices_gen;
	else {
		if (db_query_row(r->app->db, &r->arena, Q(SQ_LISTS_GEN),
		    DB_NOPARAMS, &res) != DB_OK)
			return -1;
		gen = db_cell(&res, 0, 0);
	}
	/* No generation (no row): read the lists every time, as the
	 * database cannot say they are the same. */
	if (!choices.loaded || gen == NULL || strcmp(choices.gen, gen) != 0) {
		if (choices.loaded)
			arena_free(&choices.a);
		choices.loaded = false;
		arena_init(&choices.a, 0);
		if (db_query(r->app->db, &choices.a, Q(SQ_PROFESSIONS), DB_NOPARAMS,
		    &choices.prof) != DB_OK ||
		    db_query(r->app->db, &choices.a, Q(SQ_SKILLS), DB_NOPARAMS,
		    &choices.skills) != DB_OK ||
		    db_query(r->app->db, &choices.a, Q(SQ_OPTIONS), DB_NOPARAMS,
		    &choices.opts) != DB_OK) {
			arena_free(&choices.a);
			return -1;
		}
		/* A change between the generation and the lists is seen by
		 * the next request's generation. */
		choices.gen = arena_strdup(&choices.a, gen != NULL ? gen : "");
		choices.loaded = true;
	}
	*prof = &choices.prof;
	*skills = &choices.skills;
	*opts = &choices.opts;
	return 0;
}

int
search_form_choices(struct req *r, struct tdict *ctx, const struct search *s,
    const struct search_result *res)
{
	const struct db_result *prof, *skills, *opts;
	struct tlist *l, *groups = NULL, *items = NULL;
	const char *group = NULL;
	size_t i;

	if (choices_get(r, res, &prof, &skills, &opts) != 0)
		return -1;
	l = tdict_list(ctx, "professions");
	for (i = 0; i < prof->nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "code", db_cell(prof, i, 0));
		tdict_str(d, "label", db_cell(prof, i, 1));
		tdict_bool(d, "selected", s->profession != NULL &&
		    strcmp(s->profession, db_cell(prof, i, 0)) == 0);
	}

	groups = tdict_list(ctx, "skill_groups");
	for (i = 0; i < skills->nrows; i++) {
		const char *g = db_cell(skills, i, 3);
		struct tdict *d;

		if (g == NULL || *g == '\0')
			g = "Autres savoir-faire";
		if (group == NULL || strcmp(group, g) != 0) {
			d = tlist_add(groups);
			tdict_str(d, "label", g);
			items = tdict_list(d, "skills");
			group = g;
		}
		d = tlist_add(items);
		tdict_str(d, "code", db_cell(skills, i, 0));
		tdict_str(d, "label", db_cell(skills, i, 1));
		tdict_bool(d, "selected", s->skill != NULL &&
		    strcmp(s->skill, db_cell(skills, i, 0)) == 0);
	}

	{
		struct tlist *care = tdict_list(ctx, "care_options");
		struct tlist *equip = tdict_list(ctx, "equipment_options");

		for (i = 0; i < opts->nrows; i++) {
			bool is_care = strcmp(db_cell(opts, i, 0), "care") == 0;
			struct tdict *d = tlist_add(is_care ? care : equip);
			const char *code = db_cell(opts, i, 1);

			tdict_str(d, "code", code);
			tdict_str(d, "label", db_cell(opts, i, 2));
			tdict_bool(d, "checked", is_care ?
			    in_list(code, s->care, s->ncare) :
			    in_list(code, s->equip, s->nequip));
		}
	}
	tdict_str(ctx, "nom", s->name);
	return 0;
}

/* ---- the results ---- */

static void
hit_tdict(struct tdict *d, const struct search_hit *h, bool show_status)
{
	tdict_str(d, "idnps", h->idnps);
	tdict_str(d, "last_name", h->last_name);
	tdict_str(d, "first_name", h->first_name);
	tdict_str(d, "title", h->practice_title);
	tdict_str(d, "profession", h->profession);
	tdict_str(d, "specialty", h->specialty);
	tdict_str(d, "site_name", h->site_name);
	tdict_str(d, "address", h->address);
	tdict_str(d, "phone", h->phone);
	tdict_bool(d, "card_completed", h->card_completed);
	tdict_int(d, "score", h->score);
	if (show_status)
		cpts_status_tdict(d, h->status);
}

void
search_hits_tdict(struct req *r, struct tdict *ctx,
    const struct search_result *res, bool show_status)
{
	struct tlist *exact = tdict_list(ctx, "exact");
	struct tlist *approx = tdict_list(ctx, "approx");
	size_t i;

	(void)r;
	for (i = 0; i < res->nhits; i++)
		hit_tdict(tlist_add(res->hits[i].exact ? exact : approx),
		    &res->hits[i], show_status);
	tdict_int(ctx, "nexact", (long long)res->nexact);
	tdict_int(ctx, "napprox", (long long)(res->nhits - res->nexact));
	tdict_int(ctx, "nhits", (long long)res->nhits);
	tdict_bool(ctx, "has_exact", res->nexact > 0);
	tdict_bool(ctx, "has_approx", res->nhits > res->nexact);
	tdict_bool(ctx, "no_result", res->nhits == 0 && !res->empty_query);
	tdict_bool(ctx, "national", res->national);
	tdict_bool(ctx, "capped", res->nhits >= SEARCH_MAX_RESULTS);
}

/* The engine's statements; its pages are in annuaire_home.c and
 * annuaire_cpts.c. */
const struct app_area annuaire_search_area = {
	"search", NULL, 0, search_sql, SQ__MAX,
};
