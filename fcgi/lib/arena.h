/* Per-request arena: every allocation made while serving a request comes
 * from here and is released at once by arena_reset() after the response. */
#ifndef PARVIS_ARENA_H
#define PARVIS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk	*head;
	size_t			 chunk_size;
	size_t			 total;		/* bytes handed out since reset */
};

/* Prepares an empty arena; chunk_size 0 picks the default (64 KiB). */
void	 arena_init(struct arena *a, size_t chunk_size);
/* Frees every chunk but the first, which is kept for the next request. */
void	 arena_reset(struct arena *a);
/* Frees everything. */
void	 arena_free(struct arena *a);
/* Returns zeroed memory aligned for any type; aborts on out-of-memory. */
void	*arena_alloc(struct arena *a, size_t n);
/* Returns a NUL-terminated copy of s (NULL gives NULL). */
char	*arena_strdup(struct arena *a, const char *s);
/* Returns a NUL-terminated copy of the first n bytes of s, which must
 * hold n readable bytes (use strnlen to bound a shorter string). */
char	*arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a formatted string. */
char	*arena_printf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
char	*arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
