/* Names as the directory searches them: folded to upper-case ASCII,
 * accents removed (É -> E, Œ -> OE, ß -> SS), apostrophes dropped,
 * hyphens and runs of blanks turned into one space, no space at either
 * end.  The import stores the folded names (professional.last_key...),
 * the search folds what the user types: both sides meet in an ASCII
 * column that sorts and compares cheaply.  Pure function, no allocation. */
#ifndef PARVIS_ANNUAIRE_FOLD_H
#define PARVIS_ANNUAIRE_FOLD_H

#include <stddef.h>

/* Folds the UTF-8 string in into out (outsz bytes, NUL-terminated);
 * characters without an ASCII form are dropped, as is what does not fit.
 * Returns the length written. */
size_t	 annuaire_fold(const char *in, char *out, size_t outsz);

#endif
