/* Parsers for what a browser sends: query strings and
 * application/x-www-form-urlencoded bodies, multipart/form-data bodies
 * (with file parts), and the Cookie header.  Pure functions over memory:
 * no I/O, every allocation from the caller's arena, hard limits. */
#ifndef PARVIS_FORM_H
#define PARVIS_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

/* One name/value pair.  Text values are NUL-terminated, valid UTF-8 and
 * contain no NUL.  A file part (filename != NULL) holds raw bytes in value
 * (still NUL-terminated for convenience) and value_len bytes long. */
struct param {
	const char	*name;
	const char	*value;
	size_t		 value_len;
	const char	*filename;	/* multipart file parts only, else NULL */
	const char	*content_type;	/* multipart parts only, else NULL */
};

struct params {
	struct param	*v;
	size_t		 n;
	size_t		 cap;
};

struct form_limits {
	size_t	max_fields;	/* pairs or parts, in total */
	size_t	max_name_len;	/* bytes, after decoding */
	size_t	max_value_len;	/* bytes of a text value, after decoding */
	size_t	max_file_len;	/* bytes of one file part */
};

enum form_err {
	FORM_OK = 0,
	FORM_ERR_TOO_MANY,	/* more than max_fields */
	FORM_ERR_NAME_TOO_LONG,
	FORM_ERR_VALUE_TOO_LONG,
	FORM_ERR_FILE_TOO_LONG,
	FORM_ERR_UTF8,		/* invalid UTF-8 or a NUL in a name or text value */
	FORM_ERR_SYNTAX,	/* bad percent escape, bad multipart framing, ... */
	FORM_ERR_BOUNDARY,	/* multipart content type without a usable boundary */
};

/* Defaults used by the HTTP layer: 200 fields, 100-byte names,
 * 64 KiB text values, 5 MiB files. */
extern const struct form_limits form_default_limits;

/* Parses "a=1&b=x+y%21" (query string or urlencoded body) and appends the
 * pairs to out.  '+' decodes to a space.  Empty pieces ("a=1&&b=2") are
 * skipped; a piece without '=' gives an empty value.  Returns FORM_OK or
 * the first violation (out may then hold a prefix). */
enum form_err form_parse_urlencoded(struct arena *a, const char *s, size_t len,
	    const struct form_limits *lim, struct params *out);

/* Parses a multipart/form-data body; content_type is the request's whole
 * Content-Type header value (the boundary is taken from it, quoted or
 * not).  Parts without a Content-Disposition name are a syntax error. */
enum form_err form_parse_multipart(struct arena *a, const char *content_type,
	    const char *body, size_t len, const struct form_limits *lim,
	    struct params *out);

/* Parses a Cookie header ("a=1; b=2").  Values are taken as they are
 * (no percent decoding; surrounding double quotes removed); a malformed
 * piece is skipped rather than failing the whole header, as browsers do.
 * Names and values must still be valid UTF-8 and within limits. */
enum form_err form_parse_cookies(struct arena *a, const char *header,
	    const struct form_limits *lim, struct params *out);

/* Returns true when the n bytes at s are well-formed UTF-8 (no overlong
 * forms, no surrogates, nothing above U+10FFFF) and contain no NUL. */
bool	 utf8_valid(const char *s, size_t n);

/* Returns the value of the first pair named name, or NULL. */
const char *params_get(const struct params *p, const char *name);
/* Returns the first pair named name, or NULL. */
const struct param *params_find(const struct params *p, const char *name);
/* Appends a pair (used by the parsers and the router). */
void	 params_add(struct arena *a, struct params *p, const char *name,
	    const char *value, size_t value_len);

/* Returns a French sentence for the user explaining the error. */
const char *form_strerror(enum form_err e);

#endif
