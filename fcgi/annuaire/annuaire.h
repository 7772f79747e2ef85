/* parvis-annuaire: its areas, and what they share.  The area at position
 * AA_x owns statement table AA_x: its statement i is DB_STMT(AA_x, i). */
#ifndef PARVIS_ANNUAIRE_H
#define PARVIS_ANNUAIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

struct req;
struct tdict;
struct tlist;

enum annuaire_area {
	AA_HOME = 1,		/* annuaire_home.c: /annuaire/ (search for all) */
	AA_SEARCH,		/* annuaire_search.c: the search engine, CPTS search, CSV */
	AA_SHEET,		/* annuaire_sheet.c: /annuaire/pro/{idnps}, status + note */
	AA_CPTS,		/* annuaire_cpts.c: arrivals, the manager's CPTS */
	AA_CARD,		/* annuaire_card.c: /annuaire/ma-fiche */
	AA__END
};

extern const struct app_area annuaire_home_area;
extern const struct app_area annuaire_search_area;
extern const struct app_area annuaire_sheet_area;
extern const struct app_area annuaire_cpts_area;
extern const struct app_area annuaire_card_area;

/* SQL fragments shared by the areas.  A JSON array bound as one
 * parameter, read as a table of strings: */
#define SQL_JT(p)	"(SELECT j.v FROM JSON_TABLE(" p ", '$[*]' COLUMNS ("	\
	"v VARCHAR(32) CHARACTER SET ascii PATH '$')) j)"
/* Site s (an alias) is active and lies in the place: 3 parameters, the
 * postal codes (JSON), those refined by commune codes and the commune
 * codes (both comma-separated). */
#define SQL_PLACE(s)							\
	" " s ".postal_code IN " SQL_JT("?") " AND " s ".status = 'present'"	\
	" AND (FIND_IN_SET(" s ".postal_code, ?) = 0 OR " s ".commune_code = ''"	\
	" OR FIND_IN_SET(" s ".commune_code, ?) > 0)"

/* Most values of a multi-valued criterion (postal codes, options). */
#define SEARCH_MAX_CODES	200
#define SEARCH_MAX_OPTIONS	16
/* The result cap. */
#define SEARCH_MAX_RESULTS	50

/* The statuses a CPTS gives a professional, in display order. */
enum cpts_status {
	CS_INCONNU, CS_ADHERENT, CS_MEMBRE, CS_REFUS, CS_NE_PLUS_CONTACTER,
	CS__MAX
};

/* The database value of a status ("adherent"). */
const char *cpts_status_code(enum cpts_status s);
/* Its French label ("adhérent"). */
const char *cpts_status_label(enum cpts_status s);
/* Returns the status of a database value, or CS_INCONNU for NULL/unknown. */
enum cpts_status cpts_status_parse(const char *code);
/* Returns true and sets *s when code is a status code; false otherwise. */
bool	 cpts_status_valid(const char *code, enum cpts_status *s);
/* Fills the status keys a list item shows (status, status_label,
 * status_icon). */
void	 cpts_status_tdict(struct tdict *d, enum cpts_status s);

/* The CPTS the session manages, from its roles (scope 'cpts'); returns
 * how many ids were written to ids (at most max). */
size_t	 annuaire_managed_cpts(const struct req *r, long long *ids, size_t max);
/* True when the session manages CPTS id. */
bool	 annuaire_manages(const struct req *r, long long id);

/* A search, as read from the query string and resolved. */
struct search {
	/* Criteria. */
	const char	*name;			/* as typed, trimmed; NULL if none */
	const char	*profession;		/* code */
	const char	*skill;			/* savoir-faire code */
	const char	*care[SEARCH_MAX_OPTIONS];
	size_t		 ncare;
	const char	*equip[SEARCH_MAX_OPTIONS];
	size_t		 nequip;
	/* Place: postal codes, some of which are refined by commune codes
	 * (a CPTS territory defined by communes, a commune name). */
	const char	*postal[SEARCH_MAX_CODES];
	size_t		 npostal;
	const char	*refined[SEARCH_MAX_CODES];	/* subset of postal */
	size_t		 nrefined;
	const char	*communes[SEARCH_MAX_CODES];
	size_t		 ncommunes;
	bool		 has_place;
	/* The active sites of the place (of the profession asked), when
	 * search_read_place read them with the place: which index reads the
	 * place faster. */
	bool		 place_sites_known;
	long long	 place_sites;
	/* CPTS module: the CPTS (0 in the general directory) and a status. */
	long long	 cpts_id;
	const char	*status;		/* code, or NULL for any */
	/* Set when a criterion was given with a bad value: the French
	 * message and the field. */
	const char	*error;
	const char	*error_field;
};

struct search_hit {
	const char	*idnps;
	const char	*last_name;
	const char	*first_name;
	const char	*practice_title;
	const char	*profession;		/* label */
	const char	*specialty;		/* first ordinal specialty, or NULL */
	const char	*site_name;
	const char	*address;		/* one line */
	const char	*phone;
	const char	*email;			/* published, else MSSanté, or NULL */
	bool		 card_completed;
	bool		 exact;
	int		 score;
	enum cpts_status status;		/* in the CPTS module */
};

struct search_result {
	struct search_hit *hits;
	size_t		 nhits;
	size_t		 nexact;
	bool		 national;		/* no place: exact matches only */
	bool		 empty_query;
	/* The generation of the form's lists (sql/017) when the search read
	 * it with the page's details (search_form_choices then need not), or
	 * NULL. */
	const char	*choices_gen;
};

/* Resolves the free text of a place (postal codes, a department, the
 * start of a commune's name) into s, after search_read_criteria (a
 * department's or commune's site count is of the profession asked);
 * returns 0 (s->error set when nothing matches) or -1 after a database
 * failure. */
int	 search_read_place(struct req *r, struct search *s, const char *place);
/* Returns the trimmed value of a query parameter, or NULL when empty. */
const char *annuaire_query(struct req *r, const char *name);
/* Returns v as a JSON array of strings, or a comma-separated list. */
const char *annuaire_json_list(struct req *r, const char *const *v, size_t n);
const char *annuaire_csv_list(struct req *r, const char *const *v, size_t n);
/* One line of address from the columns of a site ("12 B Rue X, 25000
 * Besançon"); any argument may be NULL. */
const char *annuaire_address(struct req *r, const char *number,
	    const char *repeat, const char *street_type, const char *street,
	    const char *distribution, const char *postal, const char *commune);

/* Reads the criteria shared by both searches from the query string
 * (nom, profession, specialite, prise_en_charge, equipement); records the
 * first bad value in s->error.  Returns 0. */
int	 search_read_criteria(struct req *r, struct search *s);
/* Runs the search; returns 0, or -1 after a database failure. */
int	 search_run(struct req *r, const struct search *s, struct search_result *out);
/* Adds the lists a search form offers (professions, specialties, care
 * modalities, equipment) with the current choices marked; res is the
 * search just run (the generation of the lists it read), or NULL. */
int	 search_form_choices(struct req *r, struct tdict *ctx, const struct search *s,
	    const struct search_result *res);
/* Adds the hits to ctx: lists "exact" and "approx", counts. */
void	 search_hits_tdict(struct req *r, struct tdict *ctx,
	    const struct search_result *res, bool show_status);
/* Number of criteria (not counting the place and the status). */
size_t	 search_ncriteria(const struct search *s);

/* Records the first error of a search (field and French message). */
void	 search_set_error(struct search *s, const char *field, const char *msg);

#endif
