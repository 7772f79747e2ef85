/* Input validators.  Each takes the raw string and two bounds whose meaning
 * the validator states (a length, or a numeric range), and returns NULL when
 * the value is valid or a short French sentence saying what to fix.
 * Pure functions: no I/O, no allocation, no global state. */
#ifndef PARVIS_VALID_H
#define PARVIS_VALID_H

#include <stdbool.h>
#include <stddef.h>

typedef const char *(*valid_fn)(const char *s, long long min, long long max);

/* Text on one line: valid UTF-8, no control character, min..max characters
 * (code points, not bytes) after the caller has trimmed it. */
const char *valid_text(const char *s, long long min, long long max);
/* Text that may span lines (\n, \r\n and \t allowed), min..max characters. */
const char *valid_multiline(const char *s, long long min, long long max);
/* Decimal integer without sign or spaces, within min..max. */
const char *valid_uint(const char *s, long long min, long long max);
/* Decimal integer with optional '-', within min..max. */
const char *valid_int(const char *s, long long min, long long max);
/* E-mail address (pragmatic RFC 5321 subset: dot-atom local part, a domain
 * with at least one dot, labels of letters, digits and hyphens; at most
 * 254 bytes); bounds unused. */
const char *valid_email(const char *s, long long min, long long max);
/* French phone number: 10 digits starting with 0 (not 00), or +33 followed
 * by 9 digits; spaces, dots and hyphens between digits accepted. */
const char *valid_phone_fr(const char *s, long long min, long long max);
/* French mobile number (06, 07, or +33 6 / +33 7), usable for SMS. */
const char *valid_mobile_fr(const char *s, long long min, long long max);
/* French postal code: 5 digits, 01000..98999 (first two digits a real
 * department or overseas prefix). */
const char *valid_postal_code(const char *s, long long min, long long max);
/* INSEE commune code: 5 characters, 2 digits or 2A/2B then 3 digits, or
 * 97x/98x overseas. */
const char *valid_insee_commune(const char *s, long long min, long long max);
/* RPPS number: 11 digits whose last digit is a Luhn key. */
const char *valid_rpps(const char *s, long long min, long long max);
/* ADELI number: 9 digits (department, profession, order, key). */
const char *valid_adeli(const char *s, long long min, long long max);
/* IDNPS: '8' + a valid RPPS, or '0' + a valid ADELI. */
const char *valid_idnps(const char *s, long long min, long long max);
/* INS / NIR: 13 characters (digits, Corsica 2A/2B at positions 6-7) plus a
 * 2-digit key = 97 - (number mod 97), 2A read as 19 and 2B as 18 for the
 * computation.  Spaces between groups accepted. */
const char *valid_nir(const char *s, long long min, long long max);
/* FINESS number: 9 characters (digits, or 2A/2B as department), last digit
 * a Luhn key over the first eight (2A/2B counted as 20). */
const char *valid_finess(const char *s, long long min, long long max);
/* Date as DD/MM/YYYY or YYYY-MM-DD, a real calendar day, year within
 * min..max (0 means 1900..2100). */
const char *valid_date(const char *s, long long min, long long max);
/* Time as HH:MM, 00:00..23:59. */
const char *valid_time(const char *s, long long min, long long max);

/* Enumerations: a NULL-terminated list of allowed values. */
const char *valid_enum(const char *s, const char *const *allowed);

/* Normalises s in place to digits only (drops spaces, dots, hyphens) and
 * "+33" to "0"; returns s.  For storing phone numbers. */
char	*valid_phone_normalise(char *s);
/* Parses a date accepted by valid_date into y, m, d; returns 0 or -1. */
int	 valid_date_parse(const char *s, int *y, int *m, int *d);
/* Parses a decimal within min..max into *out; returns 0 or -1.  The
 * strtonum-style parser every handler uses instead of atoi. */
int	 valid_parse_ll(const char *s, long long min, long long max, long long *out);
/* Luhn check over a string of digits; returns true when the key is right. */
bool	 valid_luhn(const char *digits, size_t n);

#endif
