#include "form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "textfold.h"

/* RFC 2046, section 5.1.1. */
#define BOUNDARY_MAX		70
/* Bounds on one multipart part's header block. */
#define PART_HEADER_LINE_MAX	1024
#define PART_HEADERS_MAX	8
#define PARAMS_INITIAL_CAP	8

const struct form_limits form_default_limits = {
	200,			/* max_fields */
	100,			/* max_name_len */
	64 * 1024,		/* max_value_len */
	5 * 1024 * 1024,	/* max_file_len */
};

bool
utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		if (p[i] == 0x00)
			return false;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((len = utf8_next(p + i, n - i, &cp)) == 0)
			return false;
		i += len;
	}
	return true;
}

const struct param *
params_find(const struct params *p, const char *name)
{
	size_t i;

	if (p == NULL || name == NULL)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	return NULL;
}

const char *
params_get(const struct params *p, const char *name)
{
	const struct param *pp = params_find(p, name);

	return pp == NULL ? NULL : pp->value;
}

/*
 * Strings are kept by pointer, not copied: the parsers and the router
 * already hand over NUL-terminated strings allocated from the same arena.
 */
void
params_add(struct arena *a, struct params *p, const char *name,
    const char *value, size_t value_len)
{
	struct param *nv;
	size_t ncap;

	if (p->n == p->cap) {
		ncap = p->cap == 0 ? PARAMS_INITIAL_CAP : p->cap;
		if (p->cap != 0) {
			if (ncap > SIZE_MAX / 2 / sizeof(*nv)) {
				fputs("form: too many parameters\n", stderr);
				abort();
			}
			ncap *= 2;
		}
		nv = arena_alloc(a, ncap * sizeof(*nv));
		if (p->n > 0)
			memcpy(nv, p->v, p->n * sizeof(*nv));
		p->v = nv;
		p->cap = ncap;
	}
	nv = &p->v[p->n++];
	nv->name = name != NULL ? name : "";
	nv->value = value != NULL ? value : "";
	nv->value_len = value != NULL ? value_len : 0;
	nv->filename = NULL;
	nv->content_type = NULL;
}

const char *
form_strerror(enum form_err e)
{
	switch (e) {
	case FORM_OK:
		return "Aucune erreur.";
	case FORM_ERR_TOO_MANY:
		return "Le formulaire contient trop de champs.";
	case FORM_ERR_NAME_TOO_LONG:
		return "Le nom d'un champ du formulaire est trop long.";
	case FORM_ERR_VALUE_TOO_LONG:
		return "Un champ du formulaire contient un texte trop long.";
	case FORM_ERR_FILE_TOO_LONG:
		return "Le fichier envoyé est trop volumineux.";
	case FORM_ERR_UTF8:
		return "Le formulaire contient des caractères invalides "
		    "(encodage UTF-8 attendu).";
	case FORM_ERR_SYNTAX:
		return "Le formulaire envoyé est mal formé ou incomplet.";
	case FORM_ERR_BOUNDARY:
		return "Le formulaire envoyé n'indique pas de séparateur "
		    "valide entre ses champs.";
	}
	return "Le formulaire n'a pas pu être lu.";
}

static const struct form_limits *
limits_or_default(const struct form_limits *lim)
{
	return lim != NULL ? lim : &form_default_limits;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes n bytes of a urlencoded name or value into a fresh NUL-terminated
 * arena string.  Returns FORM_OK or FORM_ERR_SYNTAX on a bad escape.
 */
static enum form_err
url_decode(struct arena *a, const char *s, size_t n, char **out,
    size_t *outlen)
{
	char *d = arena_alloc(a, n + 1);
	size_t i, j = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			d[j++] = ' ';
		else if (s[i] == '%') {
			if (n - i < 3)
				return FORM_ERR_SYNTAX;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return FORM_ERR_SYNTAX;
			d[j++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			d[j++] = s[i];
	}
	d[j] = '\0';
	*out = d;
	*outlen = j;
	return FORM_OK;
}

enum form_err
form_parse_urlencoded(struct arena *a, const char *s, size_t len,
    const struct form_limits *lim, struct params *out)
{
	const char *piece, *amp, *eq, *end, *next;
	size_t plen, nlen, count = 0, namelen, valuelen;
	char *name, *value;
	enum form_err e;

	lim = limits_or_default(lim);
	if (s == NULL)
		return FORM_OK;
	end = s + len;
	for (piece = s; piece < end; piece = next) {
		if ((amp = memchr(piece, '&', (size_t)(end - piece))) == NULL)
			amp = end;
		next = amp < end ? amp + 1 : end;
		plen = (size_t)(amp - piece);
		if (plen == 0)
			continue;
		if (++count > lim->max_fields)
			return FORM_ERR_TOO_MANY;
		eq = memchr(piece, '=', plen);
		nlen = eq != NULL ? (size_t)(eq - piece) : plen;
		if ((e = url_decode(a, piece, nlen, &name, &namelen)) != FORM_OK)
			return e;
		if (namelen > lim->max_name_len)
			return FORM_ERR_NAME_TOO_LONG;
		if (!utf8_valid(name, namelen))
			return FORM_ERR_UTF8;
		if (eq != NULL) {
			e = url_decode(a, eq + 1, (size_t)(amp - eq - 1),
			    &value, &valuelen);
			if (e != FORM_OK)
				return e;
		} else {
			value = arena_strndup(a, "", 0);
			valuelen = 0;
		}
		if (valuelen > lim->max_value_len)
			return FORM_ERR_VALUE_TOO_LONG;
		if (!utf8_valid(value, valuelen))
			return FORM_ERR_UTF8;
		params_add(a, out, name, value, valuelen);
	}
	return FORM_OK;
}

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim_ows(const char **b, const char **e)
{
	while (*b < *e && is_ows(**b))
		(*b)++;
	while (*e > *b && is_ows((*e)[-1]))
		(*e)--;
}

enum form_err
form_parse_cookies(struct arena *a, const char *header,
    const struct form_limits *lim, struct params *out)
{
	const char *piece, *semi, *end, *eq, *nb, *ne, *vb, *ve, *next;
	size_t count = 0, nlen, vlen;

	lim = limits_or_default(lim);
	if (header == NULL)
		return FORM_OK;
	end = header + strlen(header);
	for (piece = header; piece < end; piece = next) {
		if ((semi = memchr(piece, ';', (size_t)(end - piece))) == NULL)
			semi = end;
		next = semi < end ? semi + 1 : end;
		if ((eq = memchr(piece, '=', (size_t)(semi - piece))) == NULL)
			continue;
		nb = piece;
		ne = eq;
		trim_ows(&nb, &ne);
		vb = eq + 1;
		ve = semi;
		trim_ows(&vb, &ve);
		if (ve - vb >= 2 && vb[0] == '"' && ve[-1] == '"') {
			vb++;
			ve--;
		}
		nlen = (size_t)(ne - nb);
		vlen = (size_t)(ve - vb);
		/* What another application on the same host may have set is
		 * skipped rather than refused, as browsers do. */
		if (nlen == 0 || !utf8_valid(nb, nlen) || !utf8_valid(vb, vlen))
			continue;
		if (++count > lim->max_fields)
			return FORM_ERR_TOO_MANY;
		if (nlen > lim->max_name_len)
			return FORM_ERR_NAME_TOO_LONG;
		if (vlen > lim->max_value_len)
			return FORM_ERR_VALUE_TOO_LONG;
		params_add(a, out, arena_strndup(a, nb, nlen),
		    arena_strndup(a, vb, vlen), vlen);
	}
	return FORM_OK;
}

/* HTTP token characters (RFC 9110, section 5.6.2). */
static bool
is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* One "; attr=value" parameter of a header value. */
struct hparam {
	const char	*name;
	size_t		 namelen;
	const char	*val;		/* raw, quotes included when quoted */
	size_t		 vallen;
	bool		 quoted;
};

/*
 * Reads the next parameter at *pp (before end).  Returns 1 and fills hp,
 * 0 at the end, or -1 on a syntax error.
 */
static int
hparam_next(const char **pp, const char *end, struct hparam *hp)
{
	const char *p = *pp;

	while (p < end && is_ows(*p))
		p++;
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p++;
	while (p < end && is_ows(*p))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	hp->name = p;
	while (p < end && is_tchar(*p))
		p++;
	hp->namelen = (size_t)(p - hp->name);
	if (hp->namelen == 0)
		return -1;
	while (p < end && is_ows(*p))
		p++;
	if (p == end || *p != '=')
		return -1;
	p++;
	while (p < end && is_ows(*p))
		p++;
	hp->val = p;
	if (p < end && *p == '"') {
		hp->quoted = true;
		for (p++; p < end && *p != '"'; p++)
			if (*p == '\\' && end - p > 1)
				p++;
		if (p == end)
			return -1;
		p++;
	} else {
		/* Laxer than a token: some clients leave a boundary holding
		 * '/', ':' or '=' unquoted. */
		hp->quoted = false;
		while (p < end && *p != ';' && *p != '"' && !is_ows(*p) &&
		    (unsigned char)*p >= 0x20 && *p != 0x7f)
			p++;
	}
	hp->vallen = (size_t)(p - hp->val);
	*pp = p;
	return 1;
}

/*
 * Returns the parameter's value as a NUL-terminated arena string.  Inside
 * quotes, a backslash escapes only '"' and '\\': browsers send Windows
 * paths in filenames without escaping their backslashes.
 */
static char *
hparam_value(struct arena *a, const struct hparam *hp, size_t *len)
{
	const char *s = hp->val, *e = hp->val + hp->vallen;
	char *d;
	size_t j = 0;

	if (!hp->quoted) {
		*len = hp->vallen;
		return arena_strndup(a, s, hp->vallen);
	}
	s++;
	e--;
	d = arena_alloc(a, (size_t)(e - s) + 1);
	for (; s < e; s++) {
		if (*s == '\\' && e - s > 1 && (s[1] == '"' || s[1] == '\\'))
			s++;
		d[j++] = *s;
	}
	d[j] = '\0';
	*len = j;
	return d;
}

static bool
hparam_is(const struct hparam *hp, const char *name)
{
	return hp->namelen == strlen(name) &&
	    strncasecmp(hp->name, name, hp->namelen) == 0;
}

/* Returns true when the [b, e) token equals word, ignoring case. */
static bool
token_is(const char *b, const char *e, const char *word)
{
	return (size_t)(e - b) == strlen(word) &&
	    strncasecmp(b, word, (size_t)(e - b)) == 0;
}

static bool
is_bchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/*
 * Extracts the boundary of a multipart/form-data Content-Type.  Returns
 * FORM_OK with *b and *blen set, or FORM_ERR_BOUNDARY.
 */
static enum form_err
multipart_boundary(struct arena *a, const char *ct, char **b, size_t *blen)
{
	const char *p, *end, *tb, *te;
	struct hparam hp;
	char *val = NULL, *v;
	size_t vlen = 0, i;
	int r;

	if (ct == NULL)
		return FORM_ERR_BOUNDARY;
	end = ct + strlen(ct);
	tb = ct;
	if ((te = memchr(ct, ';', (size_t)(end - ct))) == NULL)
		te = end;
	p = te;
	trim_ows(&tb, &te);
	if (!token_is(tb, te, "multipart/form-data"))
		return FORM_ERR_BOUNDARY;
	while ((r = hparam_next(&p, end, &hp)) == 1) {
		if (!hparam_is(&hp, "boundary"))
			continue;
		/* Two boundaries would let two parsers disagree. */
		if (val != NULL)
			return FORM_ERR_BOUNDARY;
		v = hparam_value(a, &hp, &vlen);
		val = v;
	}
	if (r < 0 || val == NULL || vlen == 0 || vlen > BOUNDARY_MAX ||
	    val[vlen - 1] == ' ')
		return FORM_ERR_BOUNDARY;
	for (i = 0; i < vlen; i++)
		if (!is_bchar(val[i]))
			return FORM_ERR_BOUNDARY;
	*b = val;
	*blen = vlen;
	return FORM_OK;
}

/*
 * Checks what follows a "--boundary" ending just before pos: transport
 * padding and CRLF for a delimiter, "--" then padding and CRLF or the end
 * of the body for the close delimiter.  Returns true when it is one,
 * setting *next past the CRLF and *close.
 */
static bool
delim_tail(const char *body, size_t len, size_t pos, size_t *next,
    bool *close)
{
	*close = false;
	if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-') {
		*close = true;
		pos += 2;
	}
	while (pos < len && is_ows(body[pos]))
		pos++;
	if (*close && pos == len) {
		*next = pos;
		return true;
	}
	if (len - pos >= 2 && body[pos] == '\r' && body[pos + 1] == '\n') {
		*next = pos + 2;
		return true;
	}
	return false;
}

/*
 * Finds the first delimiter ("\r\n--boundary" + tail) at or after from.
 * Returns its offset (where the part before it ends) or SIZE_MAX.  The
 * needle cannot overlap itself past its CRLF, and every rescan starts after
 * the previous match, so the whole body is scanned once.
 */
static size_t
delim_find(const char *body, size_t len, size_t from, const char *needle,
    size_t nlen, size_t *next, bool *close)
{
	const char *m;
	size_t pos;

	while (from < len) {
		m = memmem(body + from, len - from, needle, nlen);
		if (m == NULL)
			return SIZE_MAX;
		pos = (size_t)(m - body);
		if (delim_tail(body, len, pos + nlen, next, close))
			return pos;
		from = pos + 2;
	}
	return SIZE_MAX;
}

/* The headers of one part that matter for a form. */
struct part {
	char		*name;
	size_t		 namelen;
	char		*filename;	/* NULL for a text field */
	size_t		 filenamelen;
	char		*ctype;
};

/*
 * Keeps the last component of a client path ("C:\x\a.pdf" gives "a.pdf"),
 * then checks it.  Returns FORM_OK, FORM_ERR_UTF8 or FORM_ERR_SYNTAX.
 */
static enum form_err
filename_clean(struct part *pt)
{
	char *f = pt->filename, *base = f;
	size_t i, n;

	for (i = 0; i < pt->filenamelen; i++)
		if (f[i] == '/' || f[i] == '\\')
			base = f + i + 1;
	n = pt->filenamelen - (size_t)(base - f);
	if (!utf8_valid(base, n))
		return FORM_ERR_UTF8;
	for (i = 0; i < n; i++)
		if ((unsigned char)base[i] < 0x20 || base[i] == 0x7f)
			return FORM_ERR_UTF8;
	if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return FORM_ERR_SYNTAX;
	pt->filename = base;
	pt->filenamelen = n;
	return FORM_OK;
}

/* Parses a Content-Disposition value into pt. */
static enum form_err
disposition_parse(struct arena *a, const char *b, const char *e,
    const struct form_limits *lim, struct part *pt)
{
	const char *p, *tb = b, *te;
	struct hparam hp;
	enum form_err err;
	int r;

	if ((te = memchr(b, ';', (size_t)(e - b))) == NULL)
		te = e;
	p = te;
	trim_ows(&tb, &te);
	if (!token_is(tb, te, "form-data"))
		return FORM_ERR_SYNTAX;
	while ((r = hparam_next(&p, e, &hp)) == 1) {
		if (hparam_is(&hp, "name")) {
			if (pt->name != NULL)
				return FORM_ERR_SYNTAX;
			pt->name = hparam_value(a, &hp, &pt->namelen);
		} else if (hparam_is(&hp, "filename")) {
			if (pt->filename != NULL)
				return FORM_ERR_SYNTAX;
			pt->filename = hparam_value(a, &hp, &pt->filenamelen);
		}
	}
	if (r < 0 || pt->name == NULL)
		return FORM_ERR_SYNTAX;
	if (pt->namelen > lim->max_name_len)
		return FORM_ERR_NAME_TOO_LONG;
	if (!utf8_valid(pt->name, pt->namelen))
		return FORM_ERR_UTF8;
	if (pt->filename != NULL && (err = filename_clean(pt)) != FORM_OK)
		return err;
	return FORM_OK;
}

/*
 * Parses the header block of a part starting at *pos, leaving *pos on the
 * first byte of the part's content.
 */
static enum form_err
part_headers(struct arena *a, const char *body, size_t len, size_t *pos,
    const struct form_limits *lim, struct part *pt)
{
	const char *line, *nl, *colon, *vb, *ve;
	size_t cur = *pos, span, llen, nheaders = 0, i;
	bool seen_cd = false;
	enum form_err e;

	memset(pt, 0, sizeof(*pt));
	for (;;) {
		span = len - cur;
		if (span > PART_HEADER_LINE_MAX + 2)
			span = PART_HEADER_LINE_MAX + 2;
		line = body + cur;
		if ((nl = memchr(line, '\n', span)) == NULL || nl == line ||
		    nl[-1] != '\r')
			return FORM_ERR_SYNTAX;
		llen = (size_t)(nl - line) - 1;
		cur += llen + 2;
		if (llen == 0)
			break;
		if (++nheaders > PART_HEADERS_MAX)
			return FORM_ERR_SYNTAX;
		for (i = 0; i < llen; i++)
			if (line[i] == '\r' || line[i] == '\0')
				return FORM_ERR_SYNTAX;
		if ((colon = memchr(line, ':', llen)) == NULL || colon == line)
			return FORM_ERR_SYNTAX;
		for (vb = line; vb < colon; vb++)
			if (!is_tchar(*vb))
				return FORM_ERR_SYNTAX;
		vb = colon + 1;
		ve = line + llen;
		trim_ows(&vb, &ve);
		if (token_is(line, colon, "Content-Disposition")) {
			if (seen_cd)
				return FORM_ERR_SYNTAX;
			seen_cd = true;
			if ((e = disposition_parse(a, vb, ve, lim, pt)) != FORM_OK)
				return e;
		} else if (token_is(line, colon, "Content-Type")) {
			if (pt->ctype != NULL || vb == ve)
				return FORM_ERR_SYNTAX;
			for (i = 0; i < (size_t)(ve - vb); i++)
				if ((unsigned char)vb[i] < 0x20 ||
				    (unsigned char)vb[i] > 0x7e)
					return FORM_ERR_SYNTAX;
			pt->ctype = arena_strndup(a, vb, (size_t)(ve - vb));
		}
	}
	if (!seen_cd)
		return FORM_ERR_SYNTAX;
	*pos = cur;
	return FORM_OK;
}

enum form_err
form_parse_multipart(struct arena *a, const char *content_type,
    const char *body, size_t len, const struct form_limits *lim,
    struct params *out)
{
	struct param *pa;
	struct part pt;
	char *boundary, *needle, *value;
	size_t blen, nlen, pos, next, start, vlen, count = 0;
	bool close;
	enum form_err e;

	lim = limits_or_default(lim);
	if ((e = multipart_boundary(a, content_type, &boundary, &blen)) !=
	    FORM_OK)
		return e;
	if (body == NULL)
		return FORM_ERR_SYNTAX;
	nlen = blen + 4;
	needle = arena_alloc(a, nlen + 1);
	memcpy(needle, "\r\n--", 4);
	memcpy(needle + 4, boundary, blen);

	/* The first delimiter may open the body, without a CRLF before it. */
	if (len >= nlen - 2 && memcmp(body, needle + 2, nlen - 2) == 0 &&
	    delim_tail(body, len, nlen - 2, &next, &close))
		pos = 0;
	else if ((pos = delim_find(body, len, 0, needle, nlen, &next,
	    &close)) == SIZE_MAX)
		return FORM_ERR_SYNTAX;

	while (!close) {
		if (++count > lim->max_fields)
			return FORM_ERR_TOO_MANY;
		start = next;
		if ((e = part_headers(a, body, len, &start, lim, &pt)) !=
		    FORM_OK)
			return e;
		if ((pos = delim_find(body, len, start, needle, nlen, &next,
		    &close)) == SIZE_MAX)
			return FORM_ERR_SYNTAX;
		vlen = pos - start;
		if (pt.filename != NULL) {
			if (vlen > lim->max_file_len)
				return FORM_ERR_FILE_TOO_LONG;
		} else {
			if (vlen > lim->max_value_len)
				return FORM_ERR_VALUE_TOO_LONG;
			if (!utf8_valid(body + start, vlen))
				return FORM_ERR_UTF8;
		}
		value = arena_strndup(a, body + start, vlen);
		params_add(a, out, pt.name, value, vlen);
		pa = &out->v[out->n - 1];
		pa->filename = pt.filename;
		if (pt.ctype != NULL)
			pa->content_type = pt.ctype;
		else
			pa->content_type = pt.filename != NULL ?
			    "application/octet-stream" : "text/plain";
	}
	return FORM_OK;
}
