/* libFuzzer target for the template compiler and renderer: compile the
 * input; when it compiles, render it with a small fixed data set. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "tmpl.h"

/* The input's name holds a space, which no partial tag can name: the input
 * cannot include itself (a runaway render is tested in the unit tests). */
#define INPUT_NAME	"fuzz input"

static const struct {
	const char	*name;
	const char	*src;
} partials[] = {
	{ "p", "[{{name}}{{#items}}<{{label}}>{{/items}}{{>p}}]" },
	{ "dir/q", "{{#tags}}{{.}},{{/tags}}\n{{^none}}-{{/none}}\n" },
};

static struct tmpl_set *set;
static struct arena arena;

static struct tdict *
data_new(struct arena *a)
{
	struct tdict *d, *it, *user;
	struct tlist *l;

	d = tdict_new(a);
	tdict_str(d, "name", "<b>Zoé</b> & 'co'");
	tdict_int(d, "n", -42);
	tdict_int(d, "zero", 0);
	tdict_bool(d, "yes", true);
	tdict_bool(d, "no", false);
	tdict_str(d, "empty", "");
	tdict_const(d, "html", "<em>ok</em>");
	user = tdict_dict(d, "user");
	tdict_str(user, "first", "Ann");
	tdict_str(tdict_dict(user, "addr"), "city", "Lyon");
	l = tdict_list(d, "items");
	it = tlist_add(l);
	tdict_str(it, "label", "a");
	tdict_int(it, "n", 1);
	it = tlist_add(l);
	tdict_str(it, "label", "b\"");
	tdict_bool(it, "yes", false);
	l = tdict_list(d, "tags");
	tlist_add_str(l, "x");
	tlist_add_str(l, "<y>");
	tdict_list(d, "none");
	return d;
}

static void
setup(void)
{
	char err[256];
	size_t i;

	set = tmpl_set_new();
	for (i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (tmpl_compile(set, partials[i].name, partials[i].src,
		    strlen(partials[i].src), err, sizeof(err)) == -1) {
			fprintf(stderr, "fuzz_tmpl: %s\n", err);
			abort();
		}
	arena_init(&arena, 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	char err[256];

	if (set == NULL)
		setup();
	if (tmpl_compile(set, INPUT_NAME, (const char *)data, size, err,
	    sizeof(err)) == -1) {
		/* Every error names the template and a line. */
		if (strncmp(err, INPUT_NAME ":", sizeof(INPUT_NAME)) != 0)
			abort();
		return 0;
	}
	(void)tmpl_render(set, INPUT_NAME, data_new(&arena), &out);
	buf_free(&out);
	arena_reset(&arena);
	return 0;
}
