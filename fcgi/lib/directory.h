/* What every program that shows the directory's professionals shares: the
 * LIKE patterns of a typed name on the directory's folded name keys
 * (professional.last_key and first_key: upper-case ASCII, accents removed,
 * apostrophes dropped, hyphens and blanks one space — see
 * fcgi/annuaire/annuaire_fold.h), the display of its fields, and the "pick
 * a professional" search of the portal's settings and ICOPE's circle. */
#ifndef PARVIS_DIRECTORY_H
#define PARVIS_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "db.h"
#include "formerr.h"
#include "tmpl.h"

struct name_patterns {
	const char	*full;	/* "DUPONT%MARIE%": the whole text */
	const char	*w1;	/* "DUPONT%": the first word */
	const char	*w2;	/* "MARIE%": the rest (each is full for one word) */
};

/* Folds name as the directory's keys are folded and fills np with
 * patterns allocated in a: match "last_key LIKE full", or "first word +
 * rest" in either order on last_key / first_key.  Wildcards typed are
 * literal (escaped with '\'); a separator inside matches anything.
 * Returns 0, or -1 when name is not valid UTF-8 or fewer than 2 letters or
 * digits remain. */
int	 name_patterns(struct arena *a, const char *name, struct name_patterns *np);
/* Returns true when s is a profession code as the directory has them (1 to
 * 8 digits or capitals: "10", "60"). */
bool	 dir_profession_code_ok(const char *s);
/* Returns "12 bis R DE LA PAIX": the four street columns of row from col
 * (number, repetition, type, name) joined by one space, "" when all are
 * empty; allocated in a. */
const char *dir_street_line(struct arena *a, const struct db_result *res,
	    size_t row, size_t col);
/* Returns "01 23 45 67 89" for a 10-digit French number (allocated in a), any
 * other value as it is (NULL included). */
const char *phone_display(struct arena *a, const char *m);

/*
 * The "pick a professional" search (the settings' favourite partners, the
 * ICOPE care circle): a name, optionally a profession and a postal code.
 * Each caller keeps its four statements, one per shape of search so that
 * each reads its index (professional_name, professional_profession,
 * site_place), built with DIR_SQL_BY_*(cols): every hit is idnps, first
 * name, last name, profession, town, then the caller's columns cols.  The
 * parameters are the caller's own (those of cols, "lead") first, then the
 * postal code, the profession and the five name patterns.
 */
#define DIR_SQL_FIRST_TOWN						\
	"(SELECT s.commune_label FROM practice_site s"			\
	"  WHERE s.idnps = p.idnps AND s.status = 'present'"		\
	"  ORDER BY s.id LIMIT 1)"
/* A name on the folded keys of t: 5 parameters (full%, w1%, w2%, w2%,
 * w1%): the start of the last name, or first + last in either order. */
#define DIR_SQL_NAME_MATCH(t)						\
	"(" t ".last_key LIKE ? OR (" t ".last_key LIKE ? AND "		\
	t ".first_key LIKE ?) OR (" t ".last_key LIKE ? AND "		\
	t ".first_key LIKE ?))"
#define DIR_SQL_HIT(town, cols)						\
	"SELECT p.idnps, p.first_name, p.last_name,"			\
	" COALESCE(pr.label, p.profession_code), " town ", " cols
/* Rows read by a search in a place: a professional with several sites
 * there comes once per site (dir_hits_unique keeps the first). */
#define DIR_SQL_ROWS	"80"
#define DIR_SQL_BY_NAME(cols)						\
	DIR_SQL_HIT(DIR_SQL_FIRST_TOWN, cols) " FROM professional p"	\
	" LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"	\
	" WHERE " DIR_SQL_NAME_MATCH("p") " AND p.file_status = 'present'" \
	" ORDER BY p.last_key, p.first_key, p.id LIMIT 21"
#define DIR_SQL_BY_NAME_PROF(cols)					\
	DIR_SQL_HIT(DIR_SQL_FIRST_TOWN, cols) " FROM professional p"	\
	" LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"	\
	" WHERE p.profession_code = ? AND " DIR_SQL_NAME_MATCH("p")	\
	" AND p.file_status = 'present'"				\
	" ORDER BY p.last_key, p.first_key, p.id LIMIT 21"
#define DIR_SQL_BY_PLACE(cols)						\
	DIR_SQL_HIT("s.commune_label", cols)				\
	" FROM practice_site s JOIN professional p ON p.idnps = s.idnps" \
	" LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"	\
	" WHERE s.postal_code = ? AND s.status = 'present'"		\
	" AND " DIR_SQL_NAME_MATCH("s")					\
	" ORDER BY s.last_key, s.first_key, s.idnps LIMIT " DIR_SQL_ROWS
#define DIR_SQL_BY_PLACE_PROF(cols)					\
	DIR_SQL_HIT("s.commune_label", cols)				\
	" FROM practice_site s JOIN professional p ON p.idnps = s.idnps" \
	" LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"	\
	" WHERE s.postal_code = ? AND s.status = 'present'"		\
	" AND s.profession_code = ? AND " DIR_SQL_NAME_MATCH("s")	\
	" ORDER BY s.last_key, s.first_key, s.idnps LIMIT " DIR_SQL_ROWS
/* The profession choices of the search form (code, label). */
#define DIR_SQL_PROFESSIONS						\
	"SELECT code, label FROM rpps_profession ORDER BY label LIMIT 500"

/* The caller's statements of a search, one per shape. */
struct dir_search_stmts {
	int	 by_name;
	int	 by_name_prof;
	int	 by_place;
	int	 by_place_prof;
};

/* What a search asks, as typed and trimmed ("" when not given). */
struct dir_criteria {
	const char		*name;
	const char		*profession;
	const char		*postal_code;
	struct name_patterns	 np;	/* set by dir_criteria_check */
};

/* The fields of a search that are wrong. */
#define DIR_BAD_NAME		0x1u
#define DIR_BAD_PROFESSION	0x2u
#define DIR_BAD_POSTAL_CODE	0x4u

/* Most parameters of the caller's own columns. */
#define DIR_LEAD_MAX	4

/* A statement of a search and its parameters. */
struct dir_query {
	int			 stmt;
	struct db_param		 p[DIR_LEAD_MAX + 7];
	size_t			 n;
};

/* Returns 0 when c can be searched (a name of 2 to 100 characters with 2
 * letters or digits, a profession code or "", a 5-digit postal code or "")
 * and fills c->np (allocated in a), else the DIR_BAD_* bits of the fields
 * that are wrong. */
unsigned dir_criteria_check(struct arena *a, struct dir_criteria *c);
/* Adds to e the French message of each DIR_BAD_* bit of bad, for the
 * fields "nom", "profession" and "code_postal". */
void	 dir_criteria_errors(unsigned bad, struct form_errors *e);
/* Fills q with the statement of st fitting c (checked) and its parameters:
 * the nlead of lead, then those of c.  Returns 0, or -1 when nlead is over
 * DIR_LEAD_MAX. */
int	 dir_search_bind(const struct dir_search_stmts *st,
	    const struct db_param *lead, size_t nlead,
	    const struct dir_criteria *c, struct dir_query *q);
/* Keeps in res the first row of each professional (column 0, rows without
 * one dropped), in order, at most max; *more tells whether another came
 * after the max-th. */
void	 dir_hits_unique(struct db_result *res, size_t max, bool *more);
/* Runs the search of c (checked by dir_criteria_check) with the caller's
 * statements st, lead (nlead parameters) bound first; res gets the hits as
 * dir_hits_unique leaves them (from a).  Returns DB_OK or db_query's
 * error. */
enum db_rc dir_search(struct db *db, struct arena *a,
	    const struct dir_search_stmts *st, const struct db_param *lead,
	    size_t nlead, const struct dir_criteria *c, size_t max,
	    struct db_result *res, bool *more);
/* Sets in d the common fields of hit row of res: idnps, name ("first
 * last"), profession and town. */
void	 dir_hit_tdict(struct tdict *d, const struct db_result *res,
	    size_t row);
/* Adds the professions of DIR_SQL_PROFESSIONS (statement stmt) to l, each
 * with code, label and selected (its code is selected, which may be NULL).
 * Returns 0, or -1 when the query fails. */
int	 dir_professions(struct db *db, struct arena *a, int stmt,
	    const char *selected, struct tlist *l);

#endif
