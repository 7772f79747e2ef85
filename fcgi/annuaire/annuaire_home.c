#include "annuaire.h"
#include "http.h"

int
annuaire_home(struct req *r)
{
	struct tdict *ctx = http_ctx(r);

	tdict_str(ctx, "title", "Annuaire");
	return http_render(r, 200, "annuaire/home", ctx);
}
