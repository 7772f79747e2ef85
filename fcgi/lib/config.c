#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "valid.h"

#define CONFIG_MAX_LINE		4096
#define CONFIG_MAX_ENTRIES	512

struct config_entry {
	char	*key;
	char	*value;
};

static struct config_entry	 entries[CONFIG_MAX_ENTRIES];
static size_t			 nentries;
static char			*loaded_path;

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

void
config_set(const char *key, const char *value)
{
	size_t i;

	for (i = 0; i < nentries; i++) {
		if (strcmp(entries[i].key, key) == 0) {
			free(entries[i].value);
			if ((entries[i].value = strdup(value)) == NULL)
				abort();
			return;
		}
	}
	if (nentries == CONFIG_MAX_ENTRIES) {
		log_error("config: more than %d entries, %s ignored",
		    CONFIG_MAX_ENTRIES, key);
		return;
	}
	entries[nentries].key = strdup(key);
	entries[nentries].value = strdup(value);
	if (entries[nentries].key == NULL || entries[nentries].value == NULL)
		abort();
	nentries++;
}

int
config_load(const char *path, const char *program)
{
	char line[CONFIG_MAX_LINE], *key, *value, *eq;
	size_t plen = strlen(program);
	unsigned lineno = 0;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_error("config: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	free(loaded_path);
	loaded_path = strdup(path);
	/* Two passes: general keys first, then this program's overrides, so
	 * an override wins wherever it stands in the file. */
	for (int pass = 0; pass < 2; pass++) {
		rewind(f);
		lineno = 0;
		while (fgets(line, sizeof(line), f) != NULL) {
			lineno++;
			if (strchr(line, '\n') == NULL && !feof(f)) {
				log_error("config: %s:%u: line too long", path, lineno);
				rc = -1;
				goto out;
			}
			key = trim(line);
			if (*key == '\0' || *key == '#')
				continue;
			if ((eq = strchr(key, '=')) == NULL) {
				log_error("config: %s:%u: expected key = value",
				    path, lineno);
				rc = -1;
				goto out;
			}
			*eq = '\0';
			key = trim(key);
			value = trim(eq + 1);
			if (strlen(value) >= 2 && value[0] == '"' &&
			    value[strlen(value) - 1] == '"') {
				value[strlen(value) - 1] = '\0';
				value++;
			}
			if (*key == '\0') {
				log_error("config: %s:%u: empty key", path, lineno);
				rc = -1;
				goto out;
			}
			if (strchr(key, '.') != NULL) {
				if (pass == 1 && strncmp(key, program, plen) == 0 &&
				    key[plen] == '.')
					config_set(key + plen + 1, value);
			} else if (pass == 0)
				config_set(key, value);
		}
	}
out:
	fclose(f);
	return rc;
}

const char *
config_str(const char *key, const char *def)
{
	size_t i;

	for (i = 0; i < nentries; i++)
		if (strcmp(entries[i].key, key) == 0)
			return entries[i].value;
	return def;
}

long long
config_int(const char *key, long long def, long long min, long long max)
{
	const char *v = config_str(key, NULL);
	long long n;

	if (v == NULL)
		return def;
	if (valid_parse_ll(v, min, max, &n) != 0) {
		log_error("config: %s must be a whole number from %lld to %lld;"
		    " using %lld", key, min, max, def);
		return def;
	}
	return n;
}

bool
config_bool(const char *key, bool def)
{
	const char *v = config_str(key, NULL);

	if (v == NULL)
		return def;
	if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		return true;
	if (!strcasecmp(v, "false") || !strcasecmp(v, "no") ||
	    !strcasecmp(v, "off") || !strcmp(v, "0"))
		return false;
	log_error("config: %s must be true or false", key);
	return def;
}

void
config_free(void)
{
	size_t i;

	for (i = 0; i < nentries; i++) {
		free(entries[i].key);
		free(entries[i].value);
	}
	nentries = 0;
	free(loaded_path);
	loaded_path = NULL;
}

const char *
config_path(void)
{
	return loaded_path;
}
