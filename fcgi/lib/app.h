/* A Parvis FastCGI program: its definition, and the main loop libparvis
 * runs for it (configuration, supervisor, workers, request pipeline). */
#ifndef PARVIS_APP_H
#define PARVIS_APP_H

#include <stddef.h>

#include "db.h"
#include "router.h"
#include "tmpl.h"

struct db;

/* An area of a program (login, tiles, support...): its routes and its
 * statement table.  The area at index k of app_def.areas owns statement
 * table k + 1: its statement i is DB_STMT(k + 1, i). */
struct app_area {
	const char		 *name;
	const struct route	 *routes;
	size_t			  nroutes;
	const char *const	 *sql;
	size_t			  nsql;
};

struct app_def {
	const char		 *name;		/* "portal": config section, logs */
	const char		 *binary;	/* "parvis-portal" */
	const struct app_area *const *areas;
	size_t			  nareas;
};

struct app {
	const struct app_def	 *def;
	struct route		 *routes;	/* every area's, in order */
	size_t			  nroutes;
	struct db_table		 *tables;	/* every area's statement table */
	struct db		 *db;
	struct tmpl_set		 *tmpl;
	const char		 *public_url;	/* "http://127.0.0.1:8080" */
	const char		 *origin;	/* scheme://host[:port] of public_url */
	const char		 *secret;	/* HMAC key for anonymous CSRF tokens */
	const char		 *cookie_name;
	int			  cookie_secure;
	long			  session_idle;	/* seconds */
	long			  session_absolute;
	size_t			  max_body;
};

/* Runs the program: parses --config/--socket/--workers, loads the
 * configuration and templates, then serves until SIGTERM.  Returns the
 * process exit status. */
int	 app_main(int argc, char **argv, const struct app_def *def);

/* Serves one request (used by app_main and by tests). */
struct req;
void	 app_handle(struct app *app, struct req *r);

/* Connects a database handle from the configuration (for the CLIs too). */
struct db *app_db_from_config(const struct db_table *tables, size_t ntables);

/* GET /healthz: 200 when the database answers, 503 otherwise. */
int	 app_healthz(struct req *r);

#endif
