/* Shared between parvis-admin's commands. */
#ifndef PARVIS_ADMIN_H
#define PARVIS_ADMIN_H

#include "arena.h"

struct db;

extern struct db	*admin_db;
extern struct arena	 admin_arena;

/* Creates an active user; returns its id, or 0 after printing why not. */
long long admin_create_user(const char *login, const char *email,
	    const char *first, const char *last, const char *password,
	    const char *mobile, const char *profession, const char *idnps);
/* Grants (grant=1) or revokes a "role[:type:id]"; returns 0 or -1. */
int	 admin_grant(long long uid, const char *spec, int grant);
/* Returns the id of the user with that login, or 0. */
long long admin_user_id(const char *login);
/* Fills the database with synthetic demo data; returns an exit status. */
int	 admin_demo_data(void);

/* Directory commands (admin_rpps.c): import-rpps, gen-rpps, and the
 * directory's demo data; each returns an exit status. */
int	 admin_import_rpps(int argc, char **argv);
int	 admin_gen_rpps(int argc, char **argv);
int	 admin_demo_annuaire(void);
/* ICOPE demo data (admin_icope.c); returns an exit status. */
int	 admin_demo_icope(void);

#endif
