/* libFuzzer target for form_parse_cookies(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	char *header;

	/* The header reaches the parser as a C string. */
	if ((header = malloc(size + 1)) == NULL)
		return 0;
	memcpy(header, data, size);
	header[size] = '\0';
	arena_init(&a, 0);
	e = form_parse_cookies(&a, header, &fuzz_limits, &p);
	fuzz_check_params(&p, e);
	arena_free(&a);
	free(header);
	return 0;
}
