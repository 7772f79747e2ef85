/*
 * GET /annuaire/: the search every logged-in user makes to refer a
 * patient: name, profession, specialty, care modalities, equipment and a
 * place (postal codes, a department, a commune).  The ranking is the
 * engine's (annuaire_search.c).  No status and no note here: a list shows
 * identity, profession, a site and the green card icon.
 */
#include <string.h>

#include "annuaire.h"
#include "http.h"
#include "valid.h"

static int
annuaire_home(struct req *r)
{
	struct search s;
	struct search_result res;
	struct tdict *ctx;
	const char *place, *why;
	bool searched;

	memset(&s, 0, sizeof(s));
	memset(&res, 0, sizeof(res));
	search_read_criteria(r, &s);
	place = annuaire_query(r, "lieu");
	if (place != NULL && (why = valid_text(place, 1, 200)) != NULL)
		search_set_error(&s, "lieu", why);
	else if (place != NULL && s.error == NULL &&
	    search_read_place(r, &s, place) != 0)
		return -1;
	searched = search_ncriteria(&s) > 0 || place != NULL;
	if (searched && s.error == NULL && search_run(r, &s, &res) != 0)
		return -1;
	ctx = http_ctx(r);
	tdict_str(ctx, "title", "Annuaire");
	if (search_form_choices(r, ctx, &s, &res) != 0)
		return -1;
	tdict_str(ctx, "lieu", place);
	tdict_bool(ctx, "searched", searched && s.error == NULL);
	tdict_bool(ctx, "is_manager", annuaire_managed_cpts(r, NULL, 0) > 0);
	if (s.error != NULL) {
		tdict_str(ctx, "error", s.error);
		tdict_bool(tdict_dict(ctx, "err"), s.error_field, true);
	}
	search_hits_tdict(r, ctx, &res, false);
	return http_render(r, s.error != NULL ? 422 : 200, "annuaire/home", ctx);
}

static const struct route home_routes[] = {
	{ "GET", "/annuaire/healthz", app_healthz, ACCESS_PUBLIC, AUTH_LEVEL_0, NULL, 0 },
	{ "GET", "/annuaire/", annuaire_home, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
};

const struct app_area annuaire_home_area = {
	"home", home_routes, sizeof(home_routes) / sizeof(home_routes[0]), NULL, 0,
};
