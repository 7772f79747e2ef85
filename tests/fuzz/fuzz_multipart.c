/*
 * libFuzzer target for form_parse_multipart().  When the input starts with
 * "multipart/", its first line is the Content-Type and the rest the body;
 * otherwise the whole input is a body for a fixed boundary, "XyZ".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "fuzz_check.h"

#define FIXED_CT	"multipart/form-data; boundary=XyZ"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prefix[] = "multipart/";
	struct arena a;
	struct params p = { NULL, 0, 0 };
	const char *in = (const char *)data, *body = in, *nl;
	char *ct = NULL;
	size_t len = size;
	enum form_err e;

	if (size >= sizeof(prefix) - 1 &&
	    memcmp(in, prefix, sizeof(prefix) - 1) == 0 &&
	    (nl = memchr(in, '\n', size)) != NULL) {
		/* Copied to its own allocation so ASan sees any overread. */
		if ((ct = malloc((size_t)(nl - in) + 1)) == NULL)
			return 0;
		memcpy(ct, in, (size_t)(nl - in));
		ct[nl - in] = '\0';
		body = nl + 1;
		len = size - (size_t)(nl - in) - 1;
	}
	arena_init(&a, 0);
	e = form_parse_multipart(&a, ct != NULL ? ct : FIXED_CT, body, len,
	    &fuzz_limits, &p);
	fuzz_check_params(&p, e);
	arena_free(&a);
	free(ct);
	return 0;
}
