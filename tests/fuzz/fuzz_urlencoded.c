/* libFuzzer target for form_parse_urlencoded(). */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "form.h"
#include "fuzz_check.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct params p = { NULL, 0, 0 };
	enum form_err e;

	arena_init(&a, 0);
	e = form_parse_urlencoded(&a, (const char *)data, size, &fuzz_limits,
	    &p);
	fuzz_check_params(&p, e);
	arena_free(&a);
	return 0;
}
