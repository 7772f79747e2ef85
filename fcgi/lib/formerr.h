/* The errors of one form submission, as every form page shows them: a
 * summary at the top (has_errors, errors: field + message) and each
 * field's message beside it (err_<field>). */
#ifndef PARVIS_FORMERR_H
#define PARVIS_FORMERR_H

#include <stddef.h>

#include "arena.h"
#include "tmpl.h"

#define FORM_ERRORS_MAX	16

struct form_errors {
	size_t		 n;
	const char	*field[FORM_ERRORS_MAX];
	const char	*message[FORM_ERRORS_MAX];
};

/* Adds message for field.  A NULL message (a validator's "valid") adds
 * nothing; past FORM_ERRORS_MAX messages are dropped. */
void	 form_error_add(struct form_errors *e, const char *field,
	    const char *message);
/* Puts has_errors (true or false), the errors list and err_<field> (the
 * first message of each field) into ctx; keys allocated in a.  e may be
 * NULL (no errors). */
void	 form_errors_tdict(struct arena *a, struct tdict *ctx,
	    const struct form_errors *e);

#endif
