/* The configuration file: "key = value" lines, '#' comments, and
 * "program.key = value" lines that override "key" for one program.
 * Loaded once at start-up from --config or $PARVIS_CONFIG. */
#ifndef PARVIS_CONFIG_H
#define PARVIS_CONFIG_H

#include <stdbool.h>

/* Loads path for the named program ("portal", "admin", ...); returns 0, or
 * -1 with a message on stderr (file:line). */
int	 config_load(const char *path, const char *program);
/* Returns the value of key (program override first), or def. */
const char *config_str(const char *key, const char *def);
/* Returns the integer value of key within min..max, or def when absent;
 * an invalid value is reported on stderr and def is used. */
long long config_int(const char *key, long long def, long long min, long long max);
/* Returns the boolean value of key (true/false, yes/no, on/off, 1/0). */
bool	 config_bool(const char *key, bool def);
/* Sets a value (tests and command-line overrides). */
void	 config_set(const char *key, const char *value);
/* Frees everything. */
void	 config_free(void);
/* Returns the path given to config_load, or NULL. */
const char *config_path(void);

#endif
