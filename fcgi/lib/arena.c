#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_DEFAULT_CHUNK	(64 * 1024)

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	alignas(max_align_t) unsigned char data[];
};

static struct arena_chunk *
chunk_new(size_t size)
{
	struct arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c)) {
		fputs("arena: allocation too large\n", stderr);
		abort();
	}
	if ((c = malloc(sizeof(*c) + size)) == NULL) {
		fputs("arena: out of memory\n", stderr);
		abort();
	}
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void
arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
	a->total = 0;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next, *keep = NULL;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (keep == NULL && c->size == a->chunk_size) {
			keep = c;
			continue;
		}
		free(c);
	}
	if (keep != NULL) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->total = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_chunk *c = a->head;
	size_t off;
	void *p;

	if (n == 0)
		n = 1;
	if (c != NULL) {
		off = (c->used + align - 1) & ~(align - 1);
		if (off <= c->size && n <= c->size - off) {
			p = c->data + off;
			c->used = off + n;
			a->total += n;
			memset(p, 0, n);
			return p;
		}
	}
	if (n > a->chunk_size / 4) {
		/* A large block gets a chunk of its own behind the current
		 * one, so the space left in the current chunk is not lost. */
		struct arena_chunk *big = chunk_new(n);

		big->used = n;
		if (c != NULL) {
			big->next = c->next;
			c->next = big;
		} else
			a->head = big;
		a->total += n;
		memset(big->data, 0, n);
		return big->data;
	}
	c = chunk_new(a->chunk_size);
	c->next = a->head;
	a->head = c;
	c->used = n;
	a->total += n;
	memset(c->data, 0, n);
	return c->data;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return arena_strdup(a, "");
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
