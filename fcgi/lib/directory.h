/* What every program that shows the directory's professionals shares: the
 * LIKE patterns of a typed name on the directory's folded name keys
 * (professional.last_key and first_key: upper-case ASCII, accents removed,
 * apostrophes dropped, hyphens and blanks one space — see
 * fcgi/annuaire/annuaire_fold.h), and the display of its fields. */
#ifndef PARVIS_DIRECTORY_H
#define PARVIS_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "db.h"

struct name_patterns {
	const char	*full;	/* "DUPONT%MARIE%": the whole text */
	const char	*w1;	/* "DUPONT%": the first word */
	const char	*w2;	/* "MARIE%": the rest (each is full for one word) */
};

/* Folds name as the directory's keys are folded and fills np with
 * patterns allocated in a: match "last_key LIKE full", or "first word +
 * rest" in either order on last_key / first_key.  Wildcards typed are
 * literal (escaped with '\'); a separator inside matches anything.
 * Returns 0, or -1 when name is not valid UTF-8 or fewer than 2 letters or
 * digits remain. */
int	 name_patterns(struct arena *a, const char *name, struct name_patterns *np);
/* Returns true when s is a profession code as the directory has them (1 to
 * 8 digits or capitals: "10", "60"). */
bool	 dir_profession_code_ok(const char *s);
/* Returns "12 bis R DE LA PAIX": the four street columns of row from col
 * (number, repetition, type, name) joined by one space, "" when all are
 * empty; allocated in a. */
const char *dir_street_line(struct arena *a, const struct db_result *res,
	    size_t row, size_t col);
/* Returns "01 23 45 67 89" for a 10-digit French number (allocated in a), any
 * other value as it is (NULL included). */
const char *phone_display(struct arena *a, const char *m);

#endif
