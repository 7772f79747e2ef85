/* Text folding for comparisons: the one place that says how French text is
 * lower-cased, stripped of its accents and of its stray blanks, so that the
 * password checks and the secret answer read "Saint-Étienne" the same way.
 * Pure functions: no I/O, no allocation, no global state.
 *
 * Input is UTF-8 and must be valid (strict: no overlong form, surrogate or
 * code point past U+10FFFF).  Letters are those of ASCII, the Latin-1
 * Supplement and Latin Extended-A (U+00AA..U+017F); every other character
 * is kept as it is. */
#ifndef PARVIS_TEXTFOLD_H
#define PARVIS_TEXTFOLD_H

#include <stddef.h>
#include <stdint.h>

/* A-Z, and the capitals of Latin-1 and Latin Extended-A, lower-cased
 * (É -> é, Ÿ -> ÿ, İ -> i). */
#define TEXTFOLD_LOWER		0x01u
/* Letters of Latin-1 and Latin Extended-A without their accent, as ASCII:
 * é -> e, Ç -> C, ł -> l, œ -> oe, Æ -> AE, ß -> ss, Þ -> TH, ĳ -> ij, and
 * ª º -> a o.  Capitals stay capitals unless TEXTFOLD_LOWER is set too. */
#define TEXTFOLD_STRIP_ACCENTS	0x02u
/* Tab, space, no-break spaces U+00A0 and U+202F are blanks: those at both
 * ends are dropped, a run of them inside becomes one space. */
#define TEXTFOLD_SPACES		0x04u
/* The typographic apostrophe U+2019 becomes "'". */
#define TEXTFOLD_APOSTROPHE	0x08u
/* Combining accents U+0300..U+036F are dropped (text typed decomposed:
 * "e" + U+0301 then reads as "e" under TEXTFOLD_STRIP_ACCENTS). */
#define TEXTFOLD_COMBINING	0x10u
/* The micro sign µ (U+00B5) reads as "m", as the password checks want. */
#define TEXTFOLD_MICRO		0x20u

/* The library's one UTF-8 decoder: decodes the code point at s[0..n) into
 * *cp and returns its length in bytes (1 to 4; a NUL is one), or 0 when
 * s[0..n) does not start with a valid one (truncated, overlong, surrogate,
 * above U+10FFFF). */
size_t	 utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/* What textfold returns for invalid UTF-8 or a result that does not fit. */
#define TEXTFOLD_ERROR		((size_t)-1)

/* Folds the NUL-terminated in into out (outlen bytes, NUL included) as the
 * flags say; returns the number of code points written (a fold of several
 * letters, "oe", counts as that many), or TEXTFOLD_ERROR when in is not
 * valid UTF-8 or the result does not fit: it is refused, never cut, and out
 * is then "" (when outlen > 0).  No flag makes the result longer in bytes
 * than in: outlen = strlen(in) + 1 always fits. */
size_t	 textfold(const char *in, char *out, size_t outlen, unsigned flags);

/*
 * The secret answer as it is hashed and compared, so that "Saint-Étienne"
 * and "  saint-etienne " match (the rule stored hashes were made with:
 * never change it):
 *   1. tab, space, no-break spaces (U+00A0, U+202F) are blanks: blanks at
 *      both ends are dropped, a run of blanks inside becomes one space;
 *   2. A-Z become a-z;
 *   3. letters of Latin-1 and Latin Extended-A lose their accent and case
 *      (é, É -> e; ç -> c; œ -> oe; ß -> ss);
 *   4. the typographic apostrophe (U+2019) becomes "'";
 *   5. every other character is kept as it is (µ and combining accents
 *      included).
 * That is textfold with TEXTFOLD_LOWER, _STRIP_ACCENTS, _SPACES and
 * _APOSTROPHE.  Writes the result into out (outlen bytes, NUL included) and
 * returns its length in code points, or -1 when s is not valid UTF-8 or the
 * result does not fit.
 */
long	 secret_answer_normalise(const char *s, char *out, size_t outlen);

#endif
