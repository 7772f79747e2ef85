/* Growable byte buffer, used to build response bodies and SQL-free text. */
#ifndef PARVIS_BUF_H
#define PARVIS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* always NUL-terminated when len > 0 or cap > 0 */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Appends n bytes; aborts on out-of-memory. */
void	 buf_append(struct buf *b, const void *p, size_t n);
void	 buf_puts(struct buf *b, const char *s);
void	 buf_putc(struct buf *b, char c);
void	 buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' replaced by HTML entities. */
void	 buf_html(struct buf *b, const char *s, size_t n);
/* Appends s percent-encoded for a URL query component (RFC 3986 unreserved kept). */
void	 buf_url(struct buf *b, const char *s);
/* Appends s as the inside of a JSON string (no surrounding quotes). */
void	 buf_json(struct buf *b, const char *s);
/* Empties the buffer, keeping its memory. */
void	 buf_clear(struct buf *b);
/* Releases the memory. */
void	 buf_free(struct buf *b);
/* Returns the content as a C string ("" when empty). */
const char *buf_str(const struct buf *b);

#endif
