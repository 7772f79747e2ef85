/* Checks shared by the form fuzz targets: what the parsers promise about
 * every pair they return, whatever the input. */
#ifndef PARVIS_FUZZ_CHECK_H
#define PARVIS_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "form.h"

/* Limits small enough for the fuzzer to reach each one. */
static const struct form_limits fuzz_limits = { 16, 32, 256, 1024 };

/* Aborts unless every pair in p keeps the promises of form.h. */
static void
fuzz_check_params(const struct params *p, enum form_err e)
{
	const struct param *v;
	size_t i;

	if (form_strerror(e) == NULL || p->n > fuzz_limits.max_fields ||
	    p->n > p->cap)
		abort();
	for (i = 0; i < p->n; i++) {
		v = &p->v[i];
		if (v->name == NULL || v->value == NULL)
			abort();
		if (strlen(v->name) > fuzz_limits.max_name_len ||
		    !utf8_valid(v->name, strlen(v->name)))
			abort();
		if (v->value[v->value_len] != '\0')
			abort();
		if (v->filename != NULL) {
			if (v->value_len > fuzz_limits.max_file_len ||
			    !utf8_valid(v->filename, strlen(v->filename)) ||
			    strchr(v->filename, '/') != NULL ||
			    strchr(v->filename, '\\') != NULL)
				abort();
			continue;
		}
		if (v->value_len > fuzz_limits.max_value_len ||
		    strlen(v->value) != v->value_len ||
		    !utf8_valid(v->value, v->value_len))
			abort();
	}
}

#endif
