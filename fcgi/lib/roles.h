/* Authorization is data (DESIGN.md §4): the roles, the one scope type each
 * is granted with, and the check that the administration pages and
 * parvis-admin apply before granting one.  Also what the administration
 * manages next to the roles, with the same checks on both sides: the
 * applications (tiles, shown to some roles) and their terms of use (CGU).
 *
 * Pure: no I/O, no global state.  Messages are French sentences meant for
 * the person who typed the value. */
#ifndef PARVIS_ROLES_H
#define PARVIS_ROLES_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* The roles and scope types of user_role (sql/001_core.sql), in the order
 * the pages list them. */
#define ROLE_COUNT	8
#define SCOPE_COUNT	5
/* The largest scope number: 2^53 - 1, exact everywhere (JSON, forms). */
#define ROLE_SCOPE_ID_MAX	9007199254740991LL
/* Bytes of a message of role_scope_check or role_spec_parse, NUL included. */
#define ROLE_MSG_MAX	256

struct role_rule {
	const char	*role;		/* "cpts_manager", as in user_role */
	const char	*label;		/* "Gestionnaire de CPTS" */
	const char	*scope_type;	/* the only scope type allowed */
};

struct scope_kind {
	const char	*type;		/* "cpts", as user_role.scope_type */
	const char	*label;		/* "CPTS", as in "CPTS n° 12" */
	const char	*id_label;	/* "le numéro de la CPTS"; NULL: none */
};

extern const struct role_rule	 role_rules[ROLE_COUNT];
extern const struct scope_kind	 scope_kinds[SCOPE_COUNT];

/* Which part of a role grant is wrong. */
enum role_fault {
	ROLE_OK,
	ROLE_FAULT_SYNTAX,	/* role_spec_parse: not ROLE[:TYPE:ID] */
	ROLE_FAULT_ROLE,	/* unknown role */
	ROLE_FAULT_SCOPE,	/* unknown scope type, or not the role's */
	ROLE_FAULT_SCOPE_ID,	/* a number where none goes, or none where
				   one must be */
};

/* Returns the rule of role, or NULL when there is no such role. */
const struct role_rule *role_find(const char *role);
/* Returns the scope type named type, or NULL. */
const struct scope_kind *scope_find(const char *type);
/* Returns the French label of role, or role itself when unknown. */
const char *role_label(const char *role);
/* Checks that role may be held with scope_type and scope_id (0 for the
 * scope "none", positive otherwise): returns ROLE_OK, or the fault with
 * the French reason in msg. */
enum role_fault role_scope_check(const char *role, const char *scope_type,
	    long long scope_id, char msg[ROLE_MSG_MAX]);

/* A role as the command line writes it. */
struct role_spec {
	char		 role[32];
	char		 scope_type[32];
	long long	 scope_id;	/* 0 for the scope "none" */
};
/* Parses "ROLE" (scope none) or "ROLE:TYPE:ID" (an empty ID is 0) into
 * *out, checking that the role and the scope type exist and that ID is a
 * number 0..ROLE_SCOPE_ID_MAX; returns ROLE_OK, or the fault with the
 * French reason in msg.  Whether the role takes that scope is
 * role_scope_check's business. */
enum role_fault role_spec_parse(const char *spec, struct role_spec *out,
	    char msg[ROLE_MSG_MAX]);

/* ---- applications (tiles) ---- */

/* The fields of an application, in the order their errors are given. */
enum appdef_field {
	APPDEF_CODE,
	APPDEF_NAME,
	APPDEF_DESCRIPTION,
	APPDEF_URL,
	APPDEF_ICON,
	APPDEF_LEVEL,
	APPDEF_POSITION,
	APPDEF_CGU,
};
#define APPDEF_NFIELDS	8

/* An application as typed (strings, so that a form can show them again),
 * trimmed by the caller.  appdef_check fills the numbers. */
struct appdef {
	const char	*code;		/* immutable once created */
	const char	*name;
	const char	*description;
	const char	*url;
	const char	*icon;		/* "" is taken as "app" */
	const char	*level;		/* required_level, "1".."3" */
	const char	*position;	/* "0".."100000" */
	const char	*cgu;		/* "" or a cgu_document id */
	bool		 enabled;
	bool		 roles[ROLE_COUNT];	/* by role_rules index */
	/* Set by appdef_check when the field is valid: */
	long long	 level_n, position_n, cgu_id;	/* cgu_id 0: none */
};

struct appdef_error {
	enum appdef_field	 field;
	const char		*msg;
};

/* Checks d as the admin pages and parvis-admin save it (with_code: the
 * code too, when creating); sets an empty icon to "app" and fills the
 * numbers; writes the errors into out in field order and returns how
 * many (0 when d may be saved). */
size_t	 appdef_check(struct appdef *d, bool with_code,
	    struct appdef_error out[APPDEF_NFIELDS]);
/* Appends the audit detail of a saved application to b: "nom=... url=...
 * niveau=... position=... active=0|1 cgu=ID|- roles=a,b". */
void	 appdef_audit_detail(struct buf *b, const struct appdef *d);

/* ---- terms of use (CGU) ---- */

/* Each returns NULL when the value is valid, else the French reason. */
/* A document's code: 2 to 32 of [a-z0-9_]. */
const char *cgudef_code_check(const char *code);
/* A document's title: 2 to 200 characters on one line. */
const char *cgudef_title_check(const char *title);
/* A version label: numbers separated by dots ("1", "2.0.3"), at most 20
 * characters. */
const char *cgudef_version_check(const char *version);
/* A version's text (after cgudef_body_normalise): 20 to 100 000
 * characters. */
const char *cgudef_body_check(const char *body);
/* Normalises a version's text in place as it is stored: blanks and line
 * ends at both ends removed, "\r\n" made "\n"; returns body. */
char	*cgudef_body_normalise(char *body);

#endif
