/*
 * libFuzzer target for the RPPS / MSSanté reader (fcgi/annuaire/rpps.c):
 * the input is a whole file, read to the end as each of the three kinds.
 * Checks what rpps.h promises: every line is either a record or a counted
 * bad line with a reason and a message; record members are valid UTF-8
 * (checked with form.c's own validator), hold no separator, and the IDNPS
 * has the right shape.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "form.h"
#include "rpps.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_member(const char *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = strlen(v);
	if (n > RPPS_LINE_MAX || !utf8_valid(v, n) ||
	    memchr(v, '|', n) != NULL || memchr(v, '\n', n) != NULL)
		abort();
}

/* Every member of a record, by the struct's layout (all const char *). */
static void
check_record(const void *rec, size_t size, const char *idnps)
{
	const char *v;
	size_t off;

	for (off = 0; off + sizeof(v) <= size; off += sizeof(v)) {
		memcpy(&v, (const char *)rec + off, sizeof(v));
		check_member(v);
	}
	if (!rpps_idnps_ok(idnps))
		abort();
}

static void
read_all(const char *buf, size_t size, enum rpps_kind kind)
{
	const struct rpps_activite *a;
	const struct rpps_savoir_faire *s;
	const struct rpps_mssante *m;
	const struct rpps_stats *st;
	struct rpps_reader *r;
	enum rpps_status rs;
	uint64_t line = 1, sum = 0;
	char err[512];
	FILE *fp;
	int i;

	if ((fp = fmemopen((void *)(uintptr_t)buf, size, "r")) == NULL)
		return;
	if ((r = rpps_open(fp, kind, err, sizeof(err))) == NULL) {
		if (err[0] == '\0')
			abort();
		fclose(fp);
		return;
	}
	while ((rs = rpps_next(r)) != RPPS_EOF) {
		if (rs == RPPS_IO_ERROR)
			abort();
		if (rpps_lineno(r) != ++line)
			abort();
		if (rs == RPPS_BAD_LINE) {
			if (rpps_bad_reason(r) == RPPS_BAD_NONE ||
			    rpps_message(r)[0] == '\0' ||
			    rpps_activite(r) != NULL ||
			    rpps_savoir_faire(r) != NULL ||
			    rpps_mssante(r) != NULL)
				abort();
			continue;
		}
		if (rpps_bad_reason(r) != RPPS_BAD_NONE)
			abort();
		if ((a = rpps_activite(r)) != NULL) {
			if (a->last_name == NULL || a->postal_code == NULL)
				abort();
			check_record(a, sizeof(*a), a->idnps);
		} else if ((s = rpps_savoir_faire(r)) != NULL) {
			if (s->skill_code == NULL)
				abort();
			check_record(s, sizeof(*s), s->idnps);
		} else if ((m = rpps_mssante(r)) != NULL) {
			if (m->address == NULL)
				abort();
			check_record(m, sizeof(*m), m->idnps);
		} else
			abort();
	}
	if (rpps_next(r) != RPPS_EOF)
		abort();
	st = rpps_stats(r);
	for (i = 0; i < RPPS_BAD__MAX; i++)
		sum += st->bad_by_reason[i];
	if (st->lines != line - 1 || st->lines != st->records + st->bad ||
	    sum != st->bad)
		abort();
	rpps_close(r);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	char *buf;
	int k;

	if (size == 0)
		return 0;	/* fmemopen() may refuse an empty buffer */
	arena_init(&a, 0);
	buf = arena_alloc(&a, size);
	memcpy(buf, data, size);
	for (k = 0; k < RPPS_KIND__MAX; k++)
		read_all(buf, size, (enum rpps_kind)k);
	arena_free(&a);
	return 0;
}
