#include "http.h"
#include "icope.h"

int
icope_home(struct req *r)
{
	struct tdict *ctx = http_ctx(r);

	tdict_str(ctx, "title", "ICOPE");
	return http_render(r, 200, "icope/home", ctx);
}
