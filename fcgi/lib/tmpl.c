#include "tmpl.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TMPL_SIZE_MAX		(1024 * 1024)	/* bytes of one template */
#define TMPL_NEST_MAX		32	/* sections open at once in a template */
#define TMPL_PARTIAL_DEPTH	16	/* partials within partials */
#define TMPL_NAME_MAX		255	/* bytes of a tag's name */
#define TMPL_KEYS_MAX		16	/* dotted parts of a name */
#define TMPL_DIR_DEPTH		16	/* folders below the load dir */
#define TMPL_STEPS_MAX		(1UL << 22)	/* ops run by one render */
#define TMPL_OUT_MAX		((size_t)32 * 1024 * 1024)
#define CTX_MAX			(TMPL_NEST_MAX * (TMPL_PARTIAL_DEPTH + 1) + 1)

/* The data model. */

enum tval_type {
	TV_STR,
	TV_RAW,		/* set by tdict_raw_(): may print unescaped */
	TV_INT,
	TV_BOOL,
	TV_DICT,
	TV_LIST
};

struct tval {
	enum tval_type	 type;
	size_t		 len;		/* TV_STR, TV_RAW */
	union {
		const char	*s;
		long long	 i;
		bool		 b;
		struct tdict	*d;
		struct tlist	*l;
	} u;
};

struct tentry {
	const char	*key;
	size_t		 klen;
	uint32_t	 hash;
	struct tval	 val;
};

struct tdict {
	struct arena	*a;
	struct tentry	*e;
	size_t		 n;
	size_t		 cap;
};

struct tlist {
	struct arena	*a;
	struct tval	*v;
	size_t		 n;
	size_t		 cap;
};

/* Compiled templates. */

enum op_kind {
	OP_TEXT,	/* text, len */
	OP_VAR,		/* keys */
	OP_RAW,		/* keys, from {{{ }}} */
	OP_DOT,		/* raw tells {{{.}}} from {{.}} */
	OP_SECTION,	/* keys (none for "."), jump: first op after the body */
	OP_INVERTED,	/* same */
	OP_PARTIAL	/* text, len, hash: the partial's name */
};

struct tkey {
	const char	*s;
	uint32_t	 len;
	uint32_t	 hash;
};

struct op {
	uint8_t		 kind;
	uint8_t		 nkeys;
	uint8_t		 raw;
	uint32_t	 line;
	uint32_t	 key;		/* first of nkeys in tmpl->keys */
	uint32_t	 jump;
	uint32_t	 len;
	uint32_t	 hash;
	const char	*text;		/* points into tmpl->src */
};

struct tmpl {
	char		*name;
	size_t		 namelen;
	uint32_t	 hash;
	char		*src;		/* the copy every text op points into */
	struct op	*ops;
	size_t		 nops;
	size_t		 capops;
	struct tkey	*keys;
	size_t		 nkeys;
	size_t		 capkeys;
};

struct tmpl_set {
	struct tmpl	**t;		/* in order of first compilation */
	size_t		 n;
	size_t		 cap;
	struct tmpl	**slot;		/* open addressing, nslot a power of 2 */
	size_t		 nslot;
};

static void *
xrealloc(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		fputs("tmpl: size overflow\n", stderr);
		abort();
	}
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL) {
		fputs("tmpl: out of memory\n", stderr);
		abort();
	}
	return p;
}

/* FNV-1a: short keys, and only compared after the hash matches. */
static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/*
 * Data model.
 */

struct tdict *
tdict_new(struct arena *a)
{
	struct tdict *d;

	if (a == NULL)
		return NULL;
	d = arena_alloc(a, sizeof(*d));
	d->a = a;
	return d;
}

/* Keys are short and the hashes already matched: a loop beats a call. */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static struct tentry *
dict_find(const struct tdict *d, const char *key, size_t klen, uint32_t h)
{
	struct tentry *e;
	size_t i;

	for (i = 0; i < d->n; i++) {
		e = &d->e[i];
		if (e->hash == h && e->klen == klen &&
		    same_bytes(e->key, key, klen))
			return e;
	}
	return NULL;
}

/* Returns the value slot for key, new or the one to replace. */
static struct tval *
dict_set(struct tdict *d, const char *key)
{
	struct tentry *e;
	size_t klen, ncap;
	uint32_t h;

	if (d == NULL || key == NULL)
		return NULL;
	klen = strlen(key);
	h = hash_bytes(key, klen);
	if ((e = dict_find(d, key, klen, h)) != NULL) {
		memset(&e->val, 0, sizeof(e->val));
		return &e->val;
	}
	if (d->n == d->cap) {
		ncap = d->cap ? d->cap * 2 : 8;
		if (ncap > SIZE_MAX / sizeof(*e)) {
			fputs("tmpl: dict too large\n", stderr);
			abort();
		}
		e = arena_alloc(d->a, ncap * sizeof(*e));
		if (d->n > 0)
			memcpy(e, d->e, d->n * sizeof(*e));
		d->e = e;
		d->cap = ncap;
	}
	e = &d->e[d->n++];
	e->key = arena_strndup(d->a, key, klen);
	e->klen = klen;
	e->hash = h;
	return &e->val;
}

static void
set_string(struct tval *v, struct arena *a, enum tval_type type,
    const char *s)
{
	if (s == NULL)
		s = "";
	v->type = type;
	v->len = strlen(s);
	v->u.s = arena_strndup(a, s, v->len);
}

void
tdict_str(struct tdict *d, const char *key, const char *val)
{
	struct tval *v;

	if ((v = dict_set(d, key)) != NULL)
		set_string(v, d->a, TV_STR, val);
}

void
tdict_strf(struct tdict *d, const char *key, const char *fmt, ...)
{
	struct tval *v;
	va_list ap;
	char *s;

	if ((v = dict_set(d, key)) == NULL || fmt == NULL)
		return;
	va_start(ap, fmt);
	s = arena_vprintf(d->a, fmt, ap);
	va_end(ap);
	v->type = TV_STR;
	v->len = strlen(s);
	v->u.s = s;
}

void
tdict_int(struct tdict *d, const char *key, long long i)
{
	struct tval *v;

	if ((v = dict_set(d, key)) != NULL) {
		v->type = TV_INT;
		v->u.i = i;
	}
}

void
tdict_bool(struct tdict *d, const char *key, bool b)
{
	struct tval *v;

	if ((v = dict_set(d, key)) != NULL) {
		v->type = TV_BOOL;
		v->u.b = b;
	}
}

void
tdict_raw_(struct tdict *d, const char *key, const char *html)
{
	struct tval *v;

	if ((v = dict_set(d, key)) != NULL)
		set_string(v, d->a, TV_RAW, html);
}

struct tdict *
tdict_dict(struct tdict *d, const char *key)
{
	struct tval *v;

	if ((v = dict_set(d, key)) == NULL)
		return NULL;
	v->type = TV_DICT;
	v->u.d = tdict_new(d->a);
	return v->u.d;
}

struct tlist *
tdict_list(struct tdict *d, const char *key)
{
	struct tval *v;

	if ((v = dict_set(d, key)) == NULL)
		return NULL;
	v->type = TV_LIST;
	v->u.l = arena_alloc(d->a, sizeof(*v->u.l));
	v->u.l->a = d->a;
	return v->u.l;
}

static struct tval *
list_add(struct tlist *l)
{
	struct tval *v;
	size_t ncap;

	if (l == NULL)
		return NULL;
	if (l->n == l->cap) {
		ncap = l->cap ? l->cap * 2 : 8;
		if (ncap > SIZE_MAX / sizeof(*v)) {
			fputs("tmpl: list too large\n", stderr);
			abort();
		}
		v = arena_alloc(l->a, ncap * sizeof(*v));
		if (l->n > 0)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = ncap;
	}
	return &l->v[l->n++];
}

struct tdict *
tlist_add(struct tlist *l)
{
	struct tval *v;

	if ((v = list_add(l)) == NULL)
		return NULL;
	v->type = TV_DICT;
	v->u.d = tdict_new(l->a);
	return v->u.d;
}

void
tlist_add_str(struct tlist *l, const char *s)
{
	struct tval *v;

	if ((v = list_add(l)) != NULL)
		set_string(v, l->a, TV_STR, s);
}

size_t
tlist_len(const struct tlist *l)
{
	return l != NULL ? l->n : 0;
}

const char *
tdict_get(const struct tdict *d, const char *key)
{
	const struct tentry *e;
	size_t klen;

	if (d == NULL || key == NULL)
		return NULL;
	klen = strlen(key);
	e = dict_find(d, key, klen, hash_bytes(key, klen));
	if (e == NULL || (e->val.type != TV_STR && e->val.type != TV_RAW))
		return NULL;
	return e->val.u.s;
}

/*
 * The set.
 */

struct tmpl_set *
tmpl_set_new(void)
{
	struct tmpl_set *set;

	if ((set = calloc(1, sizeof(*set))) == NULL) {
		fputs("tmpl: out of memory\n", stderr);
		abort();
	}
	return set;
}

static void
tmpl_free_parts(struct tmpl *t)
{
	free(t->src);
	free(t->ops);
	free(t->keys);
}

void
tmpl_set_free(struct tmpl_set *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		tmpl_free_parts(set->t[i]);
		free(set->t[i]->name);
		free(set->t[i]);
	}
	free(set->t);
	free(set->slot);
	free(set);
}

static struct tmpl *
set_find(const struct tmpl_set *set, const char *name, size_t len,
    uint32_t h)
{
	size_t i, mask;
	struct tmpl *t;

	if (set->nslot == 0)
		return NULL;
	mask = set->nslot - 1;
	for (i = h & mask; (t = set->slot[i]) != NULL; i = (i + 1) & mask)
		if (t->hash == h && t->namelen == len &&
		    memcmp(t->name, name, len) == 0)
			return t;
	return NULL;
}

static void
set_slot(struct tmpl_set *set, struct tmpl *t)
{
	size_t i, mask = set->nslot - 1;

	for (i = t->hash & mask; set->slot[i] != NULL; i = (i + 1) & mask)
		continue;
	set->slot[i] = t;
}

/* Adds t, or moves its content into the template of the same name. */
static void
set_add(struct tmpl_set *set, struct tmpl *t)
{
	struct tmpl *old;
	size_t i;

	if ((old = set_find(set, t->name, t->namelen, t->hash)) != NULL) {
		tmpl_free_parts(old);
		free(t->name);
		t->name = old->name;
		*old = *t;
		free(t);
		return;
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->t = xrealloc(set->t, set->cap, sizeof(*set->t));
	}
	set->t[set->n++] = t;
	if (set->n * 2 > set->nslot) {
		free(set->slot);
		set->nslot = set->nslot ? set->nslot * 2 : 32;
		set->slot = xrealloc(NULL, set->nslot, sizeof(*set->slot));
		memset(set->slot, 0, set->nslot * sizeof(*set->slot));
		for (i = 0; i < set->n; i++)
			set_slot(set, set->t[i]);
	} else
		set_slot(set, t);
}

bool
tmpl_exists(const struct tmpl_set *set, const char *name)
{
	size_t len;

	if (set == NULL || name == NULL)
		return false;
	len = strlen(name);
	return set_find(set, name, len, hash_bytes(name, len)) != NULL;
}

/*
 * Compiler.
 */

struct comp {
	const char	*name;
	const char	*src;
	size_t		 len;
	struct tmpl	*t;
	size_t		 lpos;		/* line counted up to here */
	uint32_t	 line;		/* line of lpos */
	struct {
		uint32_t op;
		uint32_t line;
	}		 open[TMPL_NEST_MAX];
	size_t		 depth;
	char		*err;
	size_t		 errlen;
};

static int
comp_error(struct comp *c, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
comp_error(struct comp *c, uint32_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->err == NULL || c->errlen == 0)
		return -1;
	n = snprintf(c->err, c->errlen, "%s:%u: ", c->name, line);
	if (n < 0)
		n = 0;
	if ((size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Moves the line count forward to pos. */
static void
line_to(struct comp *c, size_t pos)
{
	const char *p = c->src + c->lpos, *end = c->src + pos;

	while (p < end && (p = memchr(p, '\n', end - p)) != NULL) {
		c->line++;
		p++;
	}
	c->lpos = pos;
}

static struct op *
add_op(struct comp *c, enum op_kind kind, uint32_t line)
{
	struct tmpl *t = c->t;
	struct op *op;

	if (t->nops == t->capops) {
		t->capops = t->capops ? t->capops * 2 : 32;
		t->ops = xrealloc(t->ops, t->capops, sizeof(*t->ops));
	}
	op = &t->ops[t->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->line = line;
	return op;
}

static int
is_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

/* Describes a byte for an error message. */
static const char *
byte_name(char ch, char *tmp, size_t len)
{
	unsigned char u = (unsigned char)ch;

	if (u > 0x20 && u < 0x7f)
		snprintf(tmp, len, "'%c'", ch);
	else
		snprintf(tmp, len, "byte 0x%02x", u);
	return tmp;
}

/* Checks a name: "." or dotted parts of key characters; a partial's name
 * may also hold '/' and '.' anywhere. */
static int
check_name(struct comp *c, uint32_t line, const char *s, size_t n,
    bool partial)
{
	size_t i, parts = 1;
	char tmp[16];

	if (n == 0)
		return comp_error(c, line, "empty name in tag");
	if (n > TMPL_NAME_MAX)
		return comp_error(c, line, "name longer than %d bytes",
		    TMPL_NAME_MAX);
	if (partial) {
		for (i = 0; i < n; i++)
			if (!is_key_char(s[i]) && s[i] != '/' && s[i] != '.')
				return comp_error(c, line,
				    "invalid %s in partial name",
				    byte_name(s[i], tmp, sizeof(tmp)));
		return 0;
	}
	if (n == 1 && s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (i == 0 || i + 1 == n || s[i + 1] == '.')
				return comp_error(c, line,
				    "empty part in name '%.*s'", (int)n, s);
			parts++;
		} else if (!is_key_char(s[i]))
			return comp_error(c, line, "invalid %s in name",
			    byte_name(s[i], tmp, sizeof(tmp)));
	}
	if (parts > TMPL_KEYS_MAX)
		return comp_error(c, line, "name with more than %d parts",
		    TMPL_KEYS_MAX);
	return 0;
}

/* Splits a checked name into op's keys; "." gives none. */
static void
add_keys(struct comp *c, struct op *op, const char *s, size_t n)
{
	struct tmpl *t = c->t;
	struct tkey *k;
	size_t i, start = 0;

	op->key = (uint32_t)t->nkeys;
	op->nkeys = 0;
	if (n == 1 && s[0] == '.')
		return;
	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (t->nkeys == t->capkeys) {
			t->capkeys = t->capkeys ? t->capkeys * 2 : 32;
			t->keys = xrealloc(t->keys, t->capkeys,
			    sizeof(*t->keys));
		}
		k = &t->keys[t->nkeys++];
		k->s = s + start;
		k->len = (uint32_t)(i - start);
		k->hash = hash_bytes(k->s, k->len);
		op->nkeys++;
		start = i + 1;
	}
}

/* Mustache's standalone rule: a line holding only this tag and blanks
 * disappears from the output.  On success sets *cut, where the text before
 * the tag stops, and *next, where text resumes after the line. */
static bool
standalone(const struct comp *c, size_t text, size_t tag, size_t end,
    size_t *cut, size_t *next)
{
	const char *s = c->src;
	size_t i = tag;

	while (i > text && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	/* Blanks back to a newline, or to the start of the source. */
	if (i > 0 && s[i - 1] != '\n')
		return false;
	*cut = i;
	i = end;
	while (i < c->len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < c->len && s[i] == '\n')
		i++;
	else if (i + 1 < c->len && s[i] == '\r' && s[i + 1] == '\n')
		i += 2;
	else if (i < c->len)
		return false;
	*next = i;
	return true;
}

static void
add_text(struct comp *c, size_t from, size_t to)
{
	struct op *op;

	if (to <= from)
		return;
	op = add_op(c, OP_TEXT, 0);
	op->text = c->src + from;
	op->len = (uint32_t)(to - from);
}

/* Handles the tag whose name is s[0..n) once its text is emitted. */
static int
tag(struct comp *c, char sigil, uint32_t line, const char *s, size_t n)
{
	struct op *op, *open;

	switch (sigil) {
	case '!':
		return 0;
	case '>':
		if (check_name(c, line, s, n, true) == -1)
			return -1;
		op = add_op(c, OP_PARTIAL, line);
		op->text = s;
		op->len = (uint32_t)n;
		op->hash = hash_bytes(s, n);
		return 0;
	case '#':
	case '^':
		if (check_name(c, line, s, n, false) == -1)
			return -1;
		if (c->depth == TMPL_NEST_MAX)
			return comp_error(c, line,
			    "sections nested deeper than %d", TMPL_NEST_MAX);
		op = add_op(c, sigil == '#' ? OP_SECTION : OP_INVERTED, line);
		op->text = s;
		op->len = (uint32_t)n;
		add_keys(c, op, s, n);
		c->open[c->depth].op = (uint32_t)(c->t->nops - 1);
		c->open[c->depth].line = line;
		c->depth++;
		return 0;
	case '/':
		if (check_name(c, line, s, n, false) == -1)
			return -1;
		if (c->depth == 0)
			return comp_error(c, line,
			    "{{/%.*s}} closes no open section", (int)n, s);
		open = &c->t->ops[c->open[c->depth - 1].op];
		if (open->len != n || memcmp(open->text, s, n) != 0)
			return comp_error(c, line, "{{/%.*s}} does not match "
			    "section '%.*s' opened on line %u", (int)n, s,
			    (int)open->len, open->text,
			    c->open[c->depth - 1].line);
		open->jump = (uint32_t)c->t->nops;
		c->depth--;
		return 0;
	default:
		if (check_name(c, line, s, n, false) == -1)
			return -1;
		if (n == 1 && s[0] == '.') {
			op = add_op(c, OP_DOT, line);
			op->raw = sigil == '{';
			return 0;
		}
		op = add_op(c, sigil == '{' ? OP_RAW : OP_VAR, line);
		add_keys(c, op, s, n);
		return 0;
	}
}

static int
compile(struct comp *c)
{
	const char *s = c->src, *p;
	size_t len = c->len, pos = 0, text = 0, i, end, cs, ce, cut, next;
	uint32_t line;
	char sigil, tmp[16];

	while (pos < len && (p = memmem(s + pos, len - pos, "{{", 2)) != NULL) {
		i = p - s;
		line_to(c, i);
		line = c->line;
		cut = i;
		i += 2;
		sigil = i < len ? s[i] : '\0';
		switch (sigil) {
		case '#': case '^': case '/': case '>': case '!': case '{':
			i++;
			break;
		default:
			if (i < len && !is_key_char(sigil) && sigil != '.' &&
			    sigil != ' ' && sigil != '\t' && sigil != '\n' &&
			    sigil != '}')
				return comp_error(c, line,
				    "unknown tag type %s",
				    byte_name(sigil, tmp, sizeof(tmp)));
			sigil = '\0';
		}
		if (sigil == '!') {
			if ((p = memmem(s + i, len - i, "}}", 2)) == NULL)
				return comp_error(c, line,
				    "unterminated comment");
			ce = p - s;
			end = ce + 2;
		} else {
			for (ce = i; ce + 1 < len; ce++)
				if (s[ce] == '\n' ||
				    (s[ce] == '}' && s[ce + 1] == '}'))
					break;
			if (ce + 1 >= len || s[ce] == '\n')
				return comp_error(c, line, "unterminated tag");
			end = ce + 2;
			if (sigil == '{') {
				if (end >= len || s[end] != '}')
					return comp_error(c, line,
					    "{{{ closed by }} instead of }}}");
				end++;
			}
		}
		next = end;
		if (sigil != '\0' && sigil != '{')
			standalone(c, text, cut, end, &cut, &next);
		add_text(c, text, cut);
		for (cs = i; cs < ce && (s[cs] == ' ' || s[cs] == '\t'); cs++)
			continue;
		while (ce > cs && (s[ce - 1] == ' ' || s[ce - 1] == '\t'))
			ce--;
		if (tag(c, sigil, line, s + cs, ce - cs) == -1)
			return -1;
		pos = text = next;
	}
	add_text(c, text, len);
	if (c->depth > 0) {
		const struct op *op = &c->t->ops[c->open[c->depth - 1].op];

		return comp_error(c, c->open[c->depth - 1].line,
		    "section '%.*s' is not closed", (int)op->len, op->text);
	}
	return 0;
}

int
tmpl_compile(struct tmpl_set *set, const char *name, const char *src,
    size_t len, char *err, size_t errlen)
{
	struct comp c;
	struct tmpl *t;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.name = name != NULL ? name : "(null)";
	c.err = err;
	c.errlen = errlen;
	c.line = 1;
	if (set == NULL || name == NULL || (src == NULL && len > 0))
		return comp_error(&c, 0, "invalid arguments");
	if (len > TMPL_SIZE_MAX)
		return comp_error(&c, 0, "template larger than %d bytes",
		    TMPL_SIZE_MAX);
	t = xrealloc(NULL, 1, sizeof(*t));
	memset(t, 0, sizeof(*t));
	t->src = xrealloc(NULL, len + 1, 1);
	if (len > 0)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	c.src = t->src;
	c.len = len;
	c.t = t;
	if (compile(&c) == -1) {
		tmpl_free_parts(t);
		free(t);
		return -1;
	}
	t->namelen = strlen(name);
	t->name = xrealloc(NULL, t->namelen + 1, 1);
	memcpy(t->name, name, t->namelen + 1);
	t->hash = hash_bytes(name, t->namelen);
	set_add(set, t);
	return 0;
}

/*
 * Renderer.
 */

struct render {
	const struct tmpl_set	*set;
	struct buf		*out;
	size_t			 start;		/* out->len when called */
	unsigned long		 steps;
	unsigned		 pdepth;
	bool			 stop;		/* a limit was hit */
	size_t			 nctx;
	const struct tval	*ctx[CTX_MAX];
};

/* Returns the value op names, or NULL. */
static const struct tval *
lookup(const struct render *r, const struct tmpl *t, const struct op *op)
{
	const struct tentry *e = NULL;
	const struct tkey *k;
	const struct tval *v;
	size_t i, nk = op->nkeys;

	if (nk == 0)
		return r->nctx > 0 ? r->ctx[r->nctx - 1] : NULL;
	k = t->keys + op->key;
	for (i = r->nctx; i-- > 0;) {
		v = r->ctx[i];
		if (v->type == TV_DICT &&
		    (e = dict_find(v->u.d, k->s, k->len, k->hash)) != NULL)
			break;
	}
	if (e == NULL)
		return NULL;
	for (i = 1; i < nk; i++) {
		if (e->val.type != TV_DICT)
			return NULL;
		e = dict_find(e->val.u.d, k[i].s, k[i].len, k[i].hash);
		if (e == NULL)
			return NULL;
	}
	return &e->val;
}

static bool
truthy(const struct tval *v)
{
	if (v == NULL)
		return false;
	switch (v->type) {
	case TV_STR:
	case TV_RAW:
		return v->len > 0;
	case TV_INT:
		return v->u.i != 0;
	case TV_BOOL:
		return v->u.b;
	case TV_DICT:
		return true;
	case TV_LIST:
		return v->u.l->n > 0;
	}
	return false;
}

static void
put_int(struct buf *out, long long i)
{
	char tmp[24];
	size_t n = sizeof(tmp);
	unsigned long long u;

	u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
	do {
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (i < 0)
		tmp[--n] = '-';
	buf_append(out, tmp + n, sizeof(tmp) - n);
}

/* Bools, dicts and lists print nothing. */
static void
put_val(struct buf *out, const struct tval *v, bool raw)
{
	size_t n;

	if (v == NULL)
		return;
	switch (v->type) {
	case TV_RAW:
		if (raw) {
			buf_append(out, v->u.s, v->len);
			break;
		}
		/* FALLTHROUGH */
	case TV_STR:
		/* Values are C strings: the clean prefix found by strcspn
		 * (vectorised) is copied as is, the rest escaped. */
		n = strcspn(v->u.s, "&<>\"'");
		if (n > v->len)
			n = v->len;
		buf_append(out, v->u.s, n);
		if (n < v->len)
			buf_html(out, v->u.s + n, v->len - n);
		break;
	case TV_INT:
		put_int(out, v->u.i);
		break;
	default:
		break;
	}
}

static void render_ops(struct render *, const struct tmpl *, size_t, size_t);

static void
render_with(struct render *r, const struct tmpl *t, size_t from, size_t to,
    const struct tval *v)
{
	if (r->nctx == CTX_MAX) {
		r->stop = true;
		return;
	}
	r->ctx[r->nctx++] = v;
	render_ops(r, t, from, to);
	r->nctx--;
}

static void
render_ops(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
	const struct op *op;
	const struct tval *v;
	const struct tmpl *p;
	size_t i = from, k;

	while (i < to) {
		if (++r->steps > TMPL_STEPS_MAX ||
		    r->out->len - r->start > TMPL_OUT_MAX)
			r->stop = true;
		if (r->stop)
			return;
		op = &t->ops[i];
		switch (op->kind) {
		case OP_TEXT:
			buf_append(r->out, op->text, op->len);
			break;
		case OP_VAR:
		case OP_RAW:
			v = lookup(r, t, op);
			put_val(r->out, v, op->kind == OP_RAW);
			break;
		case OP_DOT:
			put_val(r->out, lookup(r, t, op), op->raw);
			break;
		case OP_SECTION:
			v = lookup(r, t, op);
			if (v != NULL && v->type == TV_LIST) {
				for (k = 0; k < v->u.l->n && !r->stop; k++) {
					r->steps++;
					render_with(r, t, i + 1, op->jump,
					    &v->u.l->v[k]);
				}
			} else if (truthy(v))
				render_with(r, t, i + 1, op->jump, v);
			i = op->jump;
			continue;
		case OP_INVERTED:
			v = lookup(r, t, op);
			if (!truthy(v))
				render_ops(r, t, i + 1, op->jump);
			i = op->jump;
			continue;
		case OP_PARTIAL:
			if (r->pdepth >= TMPL_PARTIAL_DEPTH)
				break;
			p = set_find(r->set, op->text, op->len, op->hash);
			if (p != NULL) {
				r->pdepth++;
				render_ops(r, p, 0, p->nops);
				r->pdepth--;
			}
			break;
		}
		i++;
	}
}

int
tmpl_render(const struct tmpl_set *set, const char *name,
    const struct tdict *ctx, struct buf *out)
{
	struct render r;
	struct tval root;
	const struct tmpl *t;
	size_t len;

	if (set == NULL || name == NULL || out == NULL)
		return -1;
	len = strlen(name);
	if ((t = set_find(set, name, len, hash_bytes(name, len))) == NULL)
		return -1;
	r.set = set;
	r.out = out;
	r.start = out->len;
	r.steps = 0;
	r.pdepth = 0;
	r.stop = false;
	r.nctx = 0;
	if (ctx != NULL) {
		memset(&root, 0, sizeof(root));
		root.type = TV_DICT;
		root.u.d = (struct tdict *)ctx;
		r.ctx[r.nctx++] = &root;
	}
	render_ops(&r, t, 0, t->nops);
	if (r.stop) {
		/* A runaway template: drop the partial page. */
		out->len = r.start;
		if (out->data != NULL)
			out->data[out->len] = '\0';
		return -1;
	}
	return 0;
}

/*
 * Loading a folder.
 */

struct loader {
	struct tmpl_set	*set;
	char		*err;
	size_t		 errlen;
	size_t		 rootlen;
	char		 path[PATH_MAX];
};

static int
load_error(struct loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
load_error(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->err != NULL && ld->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(ld->err, ld->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int
load_file(struct loader *ld, size_t pathlen)
{
	char name[PATH_MAX], *data;
	struct stat st;
	size_t n = 0, namelen;
	ssize_t got;
	int fd, rc;

	if ((fd = open(ld->path, O_RDONLY | O_CLOEXEC)) == -1)
		return load_error(ld, "%s: %s", ld->path, strerror(errno));
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return load_error(ld, "%s: not a regular file", ld->path);
	}
	if (st.st_size > TMPL_SIZE_MAX) {
		close(fd);
		return load_error(ld, "%s: larger than %d bytes", ld->path,
		    TMPL_SIZE_MAX);
	}
	data = xrealloc(NULL, (size_t)st.st_size + 1, 1);
	while (n <= (size_t)st.st_size) {
		got = read(fd, data + n, (size_t)st.st_size + 1 - n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			rc = errno;
			free(data);
			close(fd);
			return load_error(ld, "%s: %s", ld->path,
			    strerror(rc));
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (n > (size_t)st.st_size) {
		free(data);
		return load_error(ld, "%s: changed while read", ld->path);
	}
	/* The name is the path below the root without ".html". */
	namelen = pathlen - ld->rootlen - 1 - 5;
	memcpy(name, ld->path + ld->rootlen + 1, namelen);
	name[namelen] = '\0';
	rc = tmpl_compile(ld->set, name, data, n, ld->err, ld->errlen);
	free(data);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.html below ld->path (pathlen bytes long), sorted by name so
 * the first error reported does not depend on the file system. */
static int
load_walk(struct loader *ld, size_t pathlen, int depth)
{
	DIR *dir;
	struct dirent *de;
	struct stat st;
	char **names = NULL;
	size_t n = 0, cap = 0, i, len;
	int rc = 0;

	if ((dir = opendir(ld->path)) == NULL)
		return load_error(ld, "%s: %s", ld->path, strerror(errno));
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			if (errno != 0)
				rc = load_error(ld, "%s: %s", ld->path,
				    strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap, sizeof(*names));
		}
		len = strlen(de->d_name);
		names[n] = xrealloc(NULL, len + 1, 1);
		memcpy(names[n++], de->d_name, len + 1);
	}
	closedir(dir);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == 0; i++) {
		len = strlen(names[i]);
		if (pathlen + 1 + len >= sizeof(ld->path)) {
			ld->path[pathlen] = '\0';
			rc = load_error(ld, "%s/%s: path too long", ld->path,
			    names[i]);
			break;
		}
		ld->path[pathlen] = '/';
		memcpy(ld->path + pathlen + 1, names[i], len + 1);
		/* Symbolic links to folders are not followed: no loops. */
		if (lstat(ld->path, &st) == -1) {
			rc = load_error(ld, "%s: %s", ld->path,
			    strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (depth >= TMPL_DIR_DEPTH)
				rc = load_error(ld, "%s: folders nested deeper "
				    "than %d", ld->path, TMPL_DIR_DEPTH);
			else
				rc = load_walk(ld, pathlen + 1 + len,
				    depth + 1);
			continue;
		}
		if (S_ISLNK(st.st_mode) && stat(ld->path, &st) == -1)
			continue;
		if (S_ISREG(st.st_mode) && len > 5 &&
		    strcmp(names[i] + len - 5, ".html") == 0)
			rc = load_file(ld, pathlen + 1 + len);
	}
	ld->path[pathlen] = '\0';
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
tmpl_set_load_dir(struct tmpl_set *set, const char *dir, char *err,
    size_t errlen)
{
	struct loader ld;
	const struct tmpl *t;
	const struct op *op;
	size_t i, j;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	ld.set = set;
	ld.err = err;
	ld.errlen = errlen;
	if (set == NULL || dir == NULL)
		return load_error(&ld, "tmpl_set_load_dir: invalid arguments");
	ld.rootlen = strlen(dir);
	if (ld.rootlen >= sizeof(ld.path))
		return load_error(&ld, "%s: path too long", dir);
	memcpy(ld.path, dir, ld.rootlen + 1);
	if (load_walk(&ld, ld.rootlen, 0) == -1)
		return -1;
	for (i = 0; i < set->n; i++) {
		t = set->t[i];
		for (j = 0; j < t->nops; j++) {
			op = &t->ops[j];
			if (op->kind == OP_PARTIAL &&
			    set_find(set, op->text, op->len, op->hash) == NULL)
				return load_error(&ld, "%s:%u: partial '%.*s' "
				    "not found", t->name, op->line,
				    (int)op->len, op->text);
		}
	}
	return 0;
}
