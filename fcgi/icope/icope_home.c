/*
 * The ICOPE start page: where to go (files, alerts, follow-up), the STEP 2
 * assigned to the user, and the number of alerts waiting in the user's
 * territories.
 */
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "db.h"
#include "http.h"
#include "icope.h"

enum { HOME_STEP2_MINE, HOME_ALERTS_WAITING, HOME__MAX };
#define Q(i)	DB_STMT(IA_HOME, (i))

static const char *const home_sql[HOME__MAX] = {
	[HOME_STEP2_MINE] =
	    "SELECT s.id, s.patient_id, p.birth_name, p.used_name, p.first_names,"
	    " UNIX_TIMESTAMP(s.requested_at) FROM icope_step2 s"
	    " JOIN patient p ON p.id = s.patient_id"
	    " WHERE s.assigned_to = ? AND s.status = 'requested'"
	    " ORDER BY s.requested_at, s.id LIMIT 50",
	[HOME_ALERTS_WAITING] =
	    "SELECT COUNT(*) FROM icope_alert a WHERE a.status IN ('open', 'unreachable')"
	    " AND a.territory_id IN (SELECT ur.scope_id FROM user_role ur"
	    "  WHERE ur.user_id = ? AND ur.role = 'alert_manager'"
	    "  AND ur.scope_type = 'territory')",
};

int
icope_home(struct req *r)
{
	struct db_result s2, al;
	struct tdict *ctx;
	struct tlist *l;
	struct buf ids = BUF_INIT;
	bool manager = req_has_role(r, "alert_manager");
	size_t i;

	if (!icope_user_ok(r))
		return icope_forbidden(r);
	if (db_query(r->app->db, &r->arena, Q(HOME_STEP2_MINE), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &s2) != DB_OK)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "ICOPE");
	tdict_bool(ctx, "manager", manager);
	if (manager) {
		if (db_query_row(r->app->db, &r->arena, Q(HOME_ALERTS_WAITING),
		    DB_PARAMS(DBP_INT(r->session->user_id)), &al) != DB_OK)
			return -1;
		tdict_int(ctx, "alerts_waiting", db_cell_int(&al, 0, 0));
	}
	l = tdict_list(ctx, "step2");
	for (i = 0; i < s2.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_int(d, "id", db_cell_int(&s2, i, 0));
		tdict_int(d, "patient_id", db_cell_int(&s2, i, 1));
		tdict_str(d, "name", icope_display_name(r, db_cell(&s2, i, 2),
		    db_cell(&s2, i, 3), db_cell(&s2, i, 4)));
		tdict_str(d, "requested_at", http_date_fr(r, db_cell_int(&s2, i, 5), false));
		buf_printf(&ids, "%s%s", i ? "," : "", db_cell(&s2, i, 1));
	}
	tdict_bool(ctx, "has_step2", s2.nrows > 0);
	if (s2.nrows > 0 && audit(r, "patient.list", "step2", NULL, 0, AUDIT_OK,
	    icope_id_list(r, buf_str(&ids))) != DB_OK) {
		buf_free(&ids);
		return -1;
	}
	buf_free(&ids);
	return http_render(r, 200, "icope/home", ctx);
}

static const struct route home_routes[] = {
	{ "GET", "/icope/healthz", app_healthz, ACCESS_PUBLIC,    AUTH_LEVEL_0, NULL, 0 },
	{ "GET", "/icope/",	   icope_home,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
};

const struct app_area icope_home_area = {
	"home", home_routes, sizeof(home_routes) / sizeof(home_routes[0]),
	home_sql, HOME__MAX,
};
