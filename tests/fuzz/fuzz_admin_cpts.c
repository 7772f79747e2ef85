/*
 * libFuzzer target for fcgi/portal/admin_cpts.h: the territory code lists,
 * the RPPS/ADELI identifier and the name key, on any bytes.  The code
 * lists and names are read only once valid UTF-8 (the pages and
 * parvis-admin check that first); the identifier parser takes anything.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "admin_cpts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cpts_codes c;
	char *s, idnps[16], key[256];
	size_t i;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)cpts_idnps_parse(s, idnps);
	if (valid_multiline(s, 0, 1 << 20) == NULL) {
		cpts_codes_parse(s, size > 0 && (data[0] & 1), &c);
		if (c.n > CPTS_CODES_MAX || strlen(c.bad) >= CPTS_BAD_TEXT)
			abort();
		for (i = 0; i < c.n; i++)
			if (strlen(c.code[i]) != 5)
				abort();
		(void)cpts_name_key(s, key, sizeof(key));
	}
	free(s);
	return 0;
}
