/*
 * parvis-icope: its areas, and what they share (icope_common.c): who may
 * use the program, who may open a patient's file, the file's header and
 * panels, form helpers.  The area at position IA_x owns statement table
 * IA_x, so its statement i is DB_STMT(IA_x, i).
 */
#ifndef PARVIS_ICOPE_H
#define PARVIS_ICOPE_H

#include <stdbool.h>

#include "app.h"
#include "valid.h"

struct req;
struct tdict;
struct tlist;

enum icope_area {
	IA_COMMON = 1,		/* icope_common.c: access, file header */
	IA_HOME,		/* icope_home.c: /icope/ */
	IA_PATIENT,		/* icope_patient.c: list, create, panels */
	IA_CIRCLE,		/* icope_circle.c: care circle */
	IA_STEP1,		/* icope_step1.c: STEP 1 form and results */
	IA_ALERT,		/* icope_alert.c: alerts, calls, follow-up */
	IA_STEP2,		/* icope_step2.c: STEP 2 */
	IA__END
};

extern const struct app_area icope_common_area;
extern const struct app_area icope_home_area;
extern const struct app_area icope_patient_area;
extern const struct app_area icope_circle_area;
extern const struct app_area icope_step1_area;
extern const struct app_area icope_alert_area;
extern const struct app_area icope_step2_area;

/* The same answer whether the file is missing or not the user's: no
 * hint that a file exists. */
#define ICOPE_NO_ACCESS	"Ce dossier n'existe pas ou ne vous est pas accessible."

/* A patient file as the header shows it, and why the user may open it. */
struct icope_patient {
	long long	 id;
	long long	 territory_id;	/* 0: none */
	const char	*territory_name;
	const char	*birth_name;
	const char	*used_name;	/* NULL when none */
	const char	*first_names;
	const char	*sex;		/* "F", "M", "I" */
	const char	*birth_date;	/* "22/11/1940" */
	long long	 age;
	const char	*ins;		/* NULL when none */
	long long	 birth_rank;
	const char	*postal_code;
	bool		 in_circle;	/* the user is in the care circle */
	bool		 manager;	/* an alert manager of its territory */
	long long	 form_version;	/* icope_form_version, read with it */
};

/* The panels of a file, in order (user_favorite_panel.panel values). */
enum icope_panel {
	PANEL_ADMIN,
	PANEL_CIRCLE,
	PANEL_EVALUATION,
	PANEL_ALERTS,
	PANEL_FOLLOWUP,
	PANEL_HISTORY,
	PANEL__MAX
};

/* Returns true when the user holds a role that opens ICOPE (pro or
 * alert_manager). */
bool	 icope_user_ok(const struct req *r);
/* Answers 403 for a user without an ICOPE role; returns 0. */
int	 icope_forbidden(struct req *r);
/* Territories the fast list statements read at once (slots of 0 unused). */
#define ICOPE_TERRITORY_SLOTS	4
/* Puts the territories the user manages (alert_manager roles) into
 * out[0..max-1]; returns how many there are (may exceed max). */
int	 icope_managed_territories(const struct req *r, long long *out, int max);
/* Today in Europe/Paris as "YYYY-MM-DD" (from r's arena). */
const char *icope_today(struct req *r);

/*
 * Opens the file named by the {id} path segment: loads it and checks the
 * user may see it (care circle, or alert manager of its territory).
 * Returns 0 with *p filled; 1 when it has answered 403 (audited as
 * denied: the same page for a missing file); -1 after a system failure.
 * With read_action non-NULL the read is audited (outcome ok, detail).
 */
int	 icope_patient_open(struct req *r, struct icope_patient *p,
	    const char *read_action, const char *detail);
/* Loads patient id for the user as icope_patient_open does, without
 * answering: returns 0 (visible), 1 (missing or not visible) or -1. */
int	 icope_patient_load(struct req *r, long long id, struct icope_patient *p);
/* Adds the file header to ctx ("patient", "panels", "favorite_panels")
 * with current the panel shown (PANEL__MAX for none).  Returns 0 or -1. */
int	 icope_file_ctx(struct req *r, struct tdict *ctx,
	    const struct icope_patient *p, enum icope_panel current);
/* The path of a panel of file id: "/icope/usagers/12/entourage". */
const char *icope_panel_path(struct req *r, long long id, enum icope_panel pn);
/* The user's landing panel: the first favourite, or the administrative
 * panel.  Returns the panel, or PANEL__MAX after a system failure. */
enum icope_panel icope_landing_panel(struct req *r);

/* The display name "DUPONT (MARTIN) Jeanne Marie". */
const char *icope_display_name(struct req *r, const char *birth,
	    const char *used, const char *first);

/*
 * A form being checked: "v" holds the values typed (to show them again),
 * "e" the message per field, "errors" the summary at the top.
 */
struct icope_form {
	struct req	*r;
	struct tdict	*ctx;
	struct tdict	*v;
	struct tdict	*e;
	struct tlist	*summary;
	int		 nerr;
};

/* Starts checking a form whose values and errors go into ctx. */
void	 icope_form_init(struct icope_form *f, struct req *r, struct tdict *ctx);
/* Returns the trimmed value of field name ("" when absent), and keeps it
 * in "v"; when required and empty, or when fn refuses it, records the
 * error under label and returns NULL.  An empty optional field gives "". */
const char *icope_field(struct icope_form *f, const char *name,
	    const char *label, bool required, valid_fn fn, long long min,
	    long long max);
/* Records an error on field name. */
void	 icope_form_error(struct icope_form *f, const char *name,
	    const char *label, const char *message);
/* Returns a LIKE pattern matching the strings that begin with s taken
 * literally ("dup%" -> "dup\%%"). */
const char *icope_like_prefix(struct req *r, const char *s);
/* Returns the date s (DD/MM/YYYY or YYYY-MM-DD) as "YYYY-MM-DD", or NULL
 * when it is not a real day. */
const char *icope_date_iso(struct req *r, const char *s);
/* Returns the comma-separated ids of a list page for the audit detail,
 * cut after the last whole id that fits in 900 bytes. */
const char *icope_id_list(struct req *r, const char *ids);

/* Handlers of icope_home.c. */
int	 icope_home(struct req *r);

#endif
