#include "formerr.h"

void
form_error_add(struct form_errors *e, const char *field, const char *message)
{
	if (message == NULL || e->n >= FORM_ERRORS_MAX)
		return;
	e->field[e->n] = field;
	e->message[e->n] = message;
	e->n++;
}

void
form_errors_tdict(struct arena *a, struct tdict *ctx,
    const struct form_errors *e)
{
	struct tlist *l;
	size_t i;

	tdict_bool(ctx, "has_errors", e != NULL && e->n > 0);
	if (e == NULL || e->n == 0)
		return;
	l = tdict_list(ctx, "errors");
	for (i = 0; i < e->n; i++) {
		struct tdict *it = tlist_add(l);
		const char *key = arena_printf(a, "err_%s", e->field[i]);

		tdict_str(it, "field", e->field[i]);
		tdict_str(it, "message", e->message[i]);
		/* The first message for a field is the one shown beside it. */
		if (tdict_get(ctx, key) == NULL)
			tdict_str(ctx, key, e->message[i]);
	}
}
