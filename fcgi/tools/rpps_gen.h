/* Synthetic RPPS and MSSanté extractions, in the exact published format,
 * for tests, demonstrations and benchmarks: realistic names, professions,
 * specialties, sites, communes, valid RPPS keys.  Deterministic: the same
 * seed always gives the same bytes.  No global state. */
#ifndef PARVIS_RPPS_GEN_H
#define PARVIS_RPPS_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rpps.h"

struct rpps_gen_opts {
	bool		bom;		/* start with a UTF-8 BOM */
	bool		old_columns;	/* Personne_activite: the 2021-22 set,
					 * without the last four columns */
	bool		crlf;		/* end lines with \r\n */
	unsigned	bad_every;	/* if > 0, every bad_every-th data line
					 * is spoilt: a field missing, then a
					 * bad IDNPS, then invalid UTF-8, in
					 * turn (one bad line each) */
};

/*
 * Writes a whole file of that kind to out: header, then data lines.
 * nlines is the number of Personne_activite lines, and fixes the
 * population: with the same seed and nlines, the SavoirFaire and MSSanté
 * files describe the same people (their own line counts follow from it).
 * opts may be NULL (no BOM, current columns, \n, no bad lines).  Returns
 * the number of data lines written, or -1 on a write error.
 */
long long rpps_gen_write(FILE *out, enum rpps_kind kind, uint64_t seed,
	    size_t nlines, const struct rpps_gen_opts *opts);

#endif
