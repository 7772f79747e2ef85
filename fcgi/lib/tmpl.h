/* A small logic-less template engine in the mustache family.
 *
 *   {{name}}          value, HTML-escaped; a dotted name walks into dicts
 *   {{{name}}}        value set with tdict_const() (a string literal of the
 *                     program) printed as it is; any other value is escaped
 *   {{#name}}..{{/name}}  section: once for a true bool, a non-empty string
 *                     or a non-zero number, once per item for a list (the
 *                     item's dict is pushed on the context stack), once
 *                     with the dict pushed for a dict
 *   {{^name}}..{{/name}}  inverted section: when missing, false, empty
 *   {{>partial}}      another template of the set, by name
 *   {{! comment }}
 *   {{.}}             in a list of strings, the current string
 *
 * Names resolve from the innermost context outwards.  Numbers print in
 * decimal; bools, dicts and lists print nothing (a bool is for sections).
 * A line holding only a section, inverted, close, comment or partial tag
 * and blanks is dropped from the output (mustache's standalone rule).
 * Partials nest at most 16 deep: deeper ones print nothing.  Templates are
 * compiled once (tmpl_set_load_dir at start-up); a syntax error there is a
 * start-up failure with file:line.  Rendering allocates nothing but the
 * output buffer's growth. */
#ifndef PARVIS_TMPL_H
#define PARVIS_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "buf.h"

struct tmpl_set;
struct tdict;
struct tlist;

/* Creates an empty set. */
struct tmpl_set *tmpl_set_new(void);
void	 tmpl_set_free(struct tmpl_set *set);
/* Compiles src under name; returns 0, or -1 with a message "name:line: why"
 * in err. */
int	 tmpl_compile(struct tmpl_set *set, const char *name, const char *src,
	    size_t len, char *err, size_t errlen);
/* Compiles every *.html below dir; a file dir/portal/tiles.html is named
 * "portal/tiles".  Returns 0, or -1 with the first error in err.  Checks
 * after loading that every partial named exists. */
int	 tmpl_set_load_dir(struct tmpl_set *set, const char *dir, char *err,
	    size_t errlen);
/* Returns true when a template of that name exists. */
bool	 tmpl_exists(const struct tmpl_set *set, const char *name);
/* Appends template name rendered with ctx to out; returns 0, or -1 when no
 * such template exists or the render runs away (over 4 Mi steps or 32 MiB,
 * out then left as it was). */
int	 tmpl_render(const struct tmpl_set *set, const char *name,
	    const struct tdict *ctx, struct buf *out);

/* The data model, built in the request's arena.  Setting a key twice
 * replaces the earlier value. */
struct tdict *tdict_new(struct arena *a);
void	 tdict_str(struct tdict *d, const char *key, const char *val);
void	 tdict_strf(struct tdict *d, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 tdict_int(struct tdict *d, const char *key, long long v);
void	 tdict_bool(struct tdict *d, const char *key, bool v);
/* Returns a new dict stored under key. */
struct tdict *tdict_dict(struct tdict *d, const char *key);
/* Returns a new empty list stored under key. */
struct tlist *tdict_list(struct tdict *d, const char *key);
/* Appends a new dict to the list and returns it. */
struct tdict *tlist_add(struct tlist *l);
/* Appends a string item (for {{.}}). */
void	 tlist_add_str(struct tlist *l, const char *s);
/* Number of items. */
size_t	 tlist_len(const struct tlist *l);
/* Raw (unescaped) output: only string literals of the program may be set
 * this way, which the macro enforces by pasting "" around the argument. */
#define tdict_const(d, key, lit)	tdict_raw_((d), (key), "" lit "")
/* Raw output of text the engine itself produced (a rendered template,
 * used by the layout for the page body).  Never call with user input. */
void	 tdict_raw_(struct tdict *d, const char *key, const char *html);
/* Returns the string value of key in d itself (not parents), or NULL. */
const char *tdict_get(const struct tdict *d, const char *key);

#endif
