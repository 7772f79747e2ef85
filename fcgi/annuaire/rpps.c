/*
 * Streaming reader for the RPPS / MSSanté open-data extractions.
 *
 * One buffer of RPPS_BUF_SIZE bytes is read with fread() and lines are cut
 * in it where they lie: fields are split in place ('|' and '\n' become
 * NUL) and the record's members point into the buffer.  Only the partial
 * line at the end of the buffer is moved before the next read, so a line
 * costs one memchr() for its end and one pass that checks UTF-8 and finds
 * the '|' separators, eight ASCII bytes at a time.
 */
#include "rpps.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "textfold.h"

/* Room for the longest line, and several ordinary ones after it. */
#define RPPS_BUF_SIZE	(4 * RPPS_LINE_MAX)
/* Longest folded column name kept for matching. */
#define FOLD_MAX	128
/* Most spellings of one column. */
#define NAMES_MAX	3

/* A column of a file kind: its published name first, then other
 * spellings seen over the years; where its value goes in the record. */
struct col {
	const char	*names[NAMES_MAX];
	size_t		 off;
	bool		 required;
};

#define A(m)	offsetof(struct rpps_activite, m)
#define S(m)	offsetof(struct rpps_savoir_faire, m)
#define M(m)	offsetof(struct rpps_mssante, m)

static const struct col cols_activite[] = {
	{ { "Type d'identifiant PP" }, A(id_type), true },
	{ { "Identifiant PP" }, A(id_pp), true },
	{ { "Identification nationale PP" }, A(idnps), true },
	{ { "Code civilité d'exercice" }, A(practice_title_code), false },
	{ { "Libellé civilité d'exercice" }, A(practice_title_label), false },
	{ { "Code civilité" }, A(title_code), false },
	{ { "Libellé civilité" }, A(title_label), false },
	{ { "Nom d'exercice" }, A(last_name), true },
	{ { "Prénom d'exercice" }, A(first_name), true },
	{ { "Code profession" }, A(profession_code), true },
	{ { "Libellé profession" }, A(profession_label), false },
	{ { "Code catégorie professionnelle" }, A(category_code), false },
	{ { "Libellé catégorie professionnelle" }, A(category_label), false },
	{ { "Code type savoir-faire" }, A(skill_type_code), false },
	{ { "Libellé type savoir-faire" }, A(skill_type_label), false },
	{ { "Code savoir-faire" }, A(skill_code), false },
	{ { "Libellé savoir-faire" }, A(skill_label), false },
	{ { "Code mode exercice" }, A(mode_code), true },
	{ { "Libellé mode exercice" }, A(mode_label), false },
	{ { "Numéro SIRET site" }, A(siret), false },
	{ { "Numéro SIREN site" }, A(siren), false },
	{ { "Numéro FINESS site" }, A(finess_site), false },
	{ { "Numéro FINESS établissement juridique" }, A(finess_ej), false },
	{ { "Identifiant technique de la structure" }, A(structure_id), true },
	{ { "Raison sociale site" }, A(company_name), false },
	{ { "Enseigne commerciale site" }, A(trade_name), false },
	{ { "Complément destinataire (coord. structure)" },
	    A(addr_recipient), false },
	{ { "Complément point géographique (coord. structure)" },
	    A(addr_geo), false },
	{ { "Numéro Voie (coord. structure)" }, A(street_number), false },
	{ { "Indice répétition voie (coord. structure)" },
	    A(street_repeat), false },
	{ { "Code type de voie (coord. structure)" },
	    A(street_type_code), false },
	{ { "Libellé type de voie (coord. structure)" },
	    A(street_type_label), false },
	{ { "Libellé Voie (coord. structure)" }, A(street_name), false },
	{ { "Mention distribution (coord. structure)" },
	    A(addr_distribution), false },
	{ { "Bureau cedex (coord. structure)" }, A(cedex_office), false },
	{ { "Code postal (coord. structure)" }, A(postal_code), true },
	{ { "Code commune (coord. structure)" }, A(commune_code), true },
	{ { "Libellé commune (coord. structure)" }, A(commune_label), false },
	{ { "Code pays (coord. structure)" }, A(country_code), false },
	{ { "Libellé pays (coord. structure)" }, A(country_label), false },
	{ { "Téléphone (coord. structure)" }, A(phone), false },
	{ { "Téléphone 2 (coord. structure)" }, A(phone2), false },
	{ { "Télécopie (coord. structure)" }, A(fax), false },
	{ { "Adresse e-mail (coord. structure)" }, A(email), false },
	{ { "Code Département (structure)" }, A(dept_code), false },
	{ { "Libellé Département (structure)" }, A(dept_label), false },
	{ { "Ancien identifiant de la structure" },
	    A(old_structure_id), false },
	{ { "Autorité d'enregistrement" }, A(registration_authority), false },
	{ { "Code secteur d'activité" }, A(sector_code), false },
	{ { "Libellé secteur d'activité" }, A(sector_label), false },
	{ { "Code section tableau pharmaciens" },
	    A(pharma_section_code), false },
	{ { "Libellé section tableau pharmaciens" },
	    A(pharma_section_label), false },
	{ { "Code rôle", "Code fonction" }, A(role_code), false },
	{ { "Libellé rôle", "Libellé fonction" }, A(role_label), false },
	{ { "Code genre activité" }, A(activity_kind_code), false },
	{ { "Libellé genre activité" }, A(activity_kind_label), false },
};

static const struct col cols_savoir_faire[] = {
	{ { "Type d'identifiant PP" }, S(id_type), false },
	{ { "Identifiant PP" }, S(id_pp), false },
	{ { "Identification nationale PP" }, S(idnps), true },
	{ { "Nom d'exercice" }, S(last_name), false },
	{ { "Prénom d'exercice" }, S(first_name), false },
	{ { "Code profession" }, S(profession_code), true },
	{ { "Libellé profession" }, S(profession_label), false },
	{ { "Code catégorie professionnelle" }, S(category_code), false },
	{ { "Libellé catégorie professionnelle" }, S(category_label), false },
	{ { "Code type savoir-faire" }, S(skill_type_code), true },
	{ { "Libellé type savoir-faire" }, S(skill_type_label), false },
	{ { "Code savoir-faire" }, S(skill_code), true },
	{ { "Libellé savoir-faire" }, S(skill_label), true },
};

static const struct col cols_mssante[] = {
	{ { "Type de BAL" }, M(box_type), true },
	{ { "Adresse BAL" }, M(address), true },
	{ { "Type Identifiant PP" }, M(id_type), false },
	{ { "Identifiant PP" }, M(id_pp), false },
	{ { "Identification nationale PP" }, M(idnps), true },
	{ { "Type identifiant structure" }, M(structure_id_type), false },
	{ { "Identification Structure" }, M(structure_id), false },
	{ { "Service de rattachement" }, M(service), false },
	{ { "Civilité d'exercice" }, M(practice_title), false },
	{ { "Nom d'exercice" }, M(last_name), false },
	{ { "Prénom d'exercice" }, M(first_name), false },
	{ { "Catégorie profession", "Code catégorie profession",
	    "Code catégorie professionnelle" }, M(category_code), false },
	{ { "Libellé de catégorie profession", "Libellé catégorie profession",
	    "Libellé catégorie professionnelle" }, M(category_label), false },
	{ { "Code Profession" }, M(profession_code), false },
	{ { "Libellé Profession" }, M(profession_label), false },
	{ { "Code savoir-faire" }, M(skill_code), false },
	{ { "Libellé savoir-faire" }, M(skill_label), false },
	{ { "Dématérialisation" }, M(dematerialisation), false },
	{ { "Raison Sociale structure BAL" }, M(company_name), false },
	{ { "Enseigne commerciale structure BAL" }, M(trade_name), false },
	{ { "L2COMPLEMENTLOCALISATION" }, M(addr_location), false },
	{ { "L3COMPLEMENTDISTRIBUTION" }, M(addr_distribution), false },
	{ { "L4NUMEROVOIE" }, M(street_number), false },
	{ { "L4COMPLEMENTNUMEROVOIE" }, M(street_repeat), false },
	{ { "NL4TYPEVOIE", "L4TYPEVOIE" }, M(street_type), false },
	{ { "L4LIBELLEVOIE" }, M(street_name), false },
	{ { "L5LIEUDITMENTION" }, M(addr_place), false },
	{ { "L6LIGNEACHEMINEMENT" }, M(addr_routing), false },
	{ { "Code postal" }, M(postal_code), false },
	{ { "Département" }, M(department), false },
	{ { "Pays" }, M(country), false },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define COLS_MAX	NELEM(cols_activite)

struct kind_desc {
	const char		*name;
	const struct col	*cols;
	size_t			 ncols;
	size_t			 idnps_off;
};

static const struct kind_desc kinds[RPPS_KIND__MAX] = {
	[RPPS_PERSONNE_ACTIVITE] = { "PS_LibreAcces_Personne_activite",
	    cols_activite, NELEM(cols_activite), A(idnps) },
	[RPPS_SAVOIR_FAIRE] = { "PS_LibreAcces_SavoirFaire",
	    cols_savoir_faire, NELEM(cols_savoir_faire), S(idnps) },
	[RPPS_MSSANTE] = { "Extraction_Correspondance_MSSante",
	    cols_mssante, NELEM(cols_mssante), M(idnps) },
};

/* A mapped column: the header position and where its value goes. */
struct slot {
	size_t	field;
	size_t	off;
};

struct rpps_reader {
	FILE			*fp;
	enum rpps_kind		 kind;
	char			*buf;		/* RPPS_BUF_SIZE bytes */
	size_t			 pos;		/* start of the unread lines */
	size_t			 scan;		/* no '\n' in buf[pos..scan) */
	size_t			 end;		/* bytes held */
	bool			 eof;
	char			**field;	/* nfields views of a line */
	size_t			 nfields;
	struct slot		 slot[COLS_MAX];
	size_t			 nslots;
	size_t			 idnps_field;
	size_t			 box_type_field; /* MSSanté only */
	bool			 bom;
	uint64_t		 lineno;
	enum rpps_status	 last;
	bool			 ready;		/* rec holds the last line */
	enum rpps_bad		 bad;
	struct rpps_stats	 stats;
	union {
		struct rpps_activite		a;
		struct rpps_savoir_faire	s;
		struct rpps_mssante		m;
	} rec;
	char			 msg[320];
};

static const char *const bad_strs[RPPS_BAD__MAX] = {
	[RPPS_BAD_NONE] = "no error",
	[RPPS_BAD_FIELD_COUNT] = "wrong field count",
	[RPPS_BAD_ENCODING] = "invalid UTF-8 or NUL byte",
	[RPPS_BAD_TOO_LONG] = "line too long",
	[RPPS_BAD_EMPTY] = "empty line",
	[RPPS_BAD_NO_IDNPS] = "no IDNPS",
	[RPPS_BAD_IDNPS] = "malformed IDNPS",
	[RPPS_BAD_ORG_MAILBOX] = "organisational mailbox without IDNPS",
};

const char *
rpps_bad_str(enum rpps_bad b)
{
	if ((unsigned)b >= RPPS_BAD__MAX)
		return "unknown reason";
	return bad_strs[b];
}

const char *
rpps_kind_str(enum rpps_kind k)
{
	if ((unsigned)k >= RPPS_KIND__MAX)
		return "unknown file kind";
	return kinds[k].name;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
rpps_idnps_ok(const char *s)
{
	if (s == NULL)
		return false;
	/* Digits first: all_digits() stops at the NUL of a short string. */
	if (s[0] == '8')
		return all_digits(s + 1, 11) && s[12] == '\0';
	if (s[0] == '0')
		return all_digits(s + 1, 9) && s[10] == '\0';
	return false;
}

/* ASCII spelling of U+00C0..U+00FF (UTF-8 C3 80..C3 BF); "" separates. */
static const char *const latin1_fold[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "",
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c",
	"e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "",
	"o", "u", "u", "u", "u", "y", "th", "y",
};

/* Words that spellings of a column name add or drop at will. */
static const char *const fold_stopwords[] = {
	"d", "l", "de", "du", "des", "la", "le", "les", "coord",
};

static bool
is_stopword(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < NELEM(fold_stopwords); i++)
		if (strlen(fold_stopwords[i]) == n &&
		    memcmp(fold_stopwords[i], w, n) == 0)
			return true;
	return false;
}

struct fold {
	char	*out;
	size_t	 outsz;
	size_t	 len;		/* folded length, even past outsz */
	size_t	 wstart;	/* where the current word began */
	char	 w[8];		/* its first bytes, for the stopword test */
};

static void
fold_putc(struct fold *f, char c)
{
	size_t wl = f->len - f->wstart;

	if (wl < sizeof(f->w))
		f->w[wl] = c;
	if (f->len + 1 < f->outsz)
		f->out[f->len] = c;
	f->len++;
}

static void
fold_word_end(struct fold *f)
{
	size_t wl = f->len - f->wstart;

	if (wl > 0 && wl <= sizeof(f->w) && is_stopword(f->w, wl))
		f->len = f->wstart;
	f->wstart = f->len;
}

size_t
rpps_fold(const char *s, size_t n, char *out, size_t outsz)
{
	struct fold f = { out, outsz, 0, 0, { 0 } };
	const unsigned char *p = (const unsigned char *)s;
	const char *t;
	size_t i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = p[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			fold_putc(&f, (char)c);
		else if (c >= 'A' && c <= 'Z')
			fold_putc(&f, (char)(c - 'A' + 'a'));
		else if (c == 0xC3 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0xBF) {
			t = latin1_fold[p[++i] - 0x80];
			if (*t == '\0')
				fold_word_end(&f);
			for (; *t != '\0'; t++)
				fold_putc(&f, *t);
		} else if (c == 0xC5 && i + 1 < n &&
		    (p[i + 1] == 0x92 || p[i + 1] == 0x93)) {
			i++;
			fold_putc(&f, 'o');
			fold_putc(&f, 'e');
		} else
			fold_word_end(&f);
	}
	fold_word_end(&f);
	if (outsz > 0)
		out[f.len < outsz ? f.len : outsz - 1] = '\0';
	return f.len;
}

/* Copies at most 40 bytes of s into a message, control bytes as '?',
 * without cutting a UTF-8 sequence. */
static void
quote_value(const char *s, char *out, size_t outsz)
{
	size_t n = strlen(s), i;

	if (n > 40) {
		n = 40;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	if (n >= outsz)
		n = outsz - 1;
	for (i = 0; i < n; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) ? '?' :
		    s[i];
	out[n] = '\0';
}

/*
 * Finds the next line.  Returns 1 with *line and *len (its '\n' excluded,
 * writable up to and including line[len]), 0 at the end of the file, -1
 * on a read error.  A line longer than the buffer can hold is skipped
 * to its end and returned empty with *toolong set.
 */
static int
read_line(struct rpps_reader *r, char **line, size_t *len, bool *toolong)
{
	char *nl;
	size_t n;
	bool skipping = false;

	for (;;) {
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl != NULL || (r->eof && (r->pos < r->end || skipping))) {
			if (nl == NULL)
				nl = r->buf + r->end;
			*line = r->buf + r->pos;
			*len = (size_t)(nl - *line);
			*toolong = skipping || *len > RPPS_LINE_MAX + 1;
			r->pos = r->scan = (size_t)(nl - r->buf) +
			    (nl < r->buf + r->end);
			if (skipping)
				*len = 0;
			return 1;
		}
		if (r->eof)
			return 0;
		r->scan = r->end;
		if (r->end - r->pos > RPPS_LINE_MAX + 1) {
			/* Keep nothing of a line that cannot be used. */
			skipping = true;
			r->pos = r->scan = r->end = 0;
		}
		if (r->pos > 0) {
			memmove(r->buf, r->buf + r->pos, r->end - r->pos);
			r->end -= r->pos;
			r->scan -= r->pos;
			r->pos = 0;
		}
		/* One byte stays free for the NUL after a last line. */
		n = fread(r->buf + r->end, 1, RPPS_BUF_SIZE - 1 - r->end,
		    r->fp);
		if (n == 0) {
			if (ferror(r->fp))
				return -1;
			r->eof = true;
		}
		r->end += n;
	}
}

/* Byte lanes of a 64-bit word: exact per-byte tests, no false positive. */
#define LO7	0x7F7F7F7F7F7F7F7FULL
#define HIGHS	0x8080808080808080ULL
#define BARS	0x7C7C7C7C7C7C7C7CULL	/* '|' in every lane */
#define ZERO_LANES(x)	(~((((x) & LO7) + LO7) | (x) | LO7))

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD_SPLIT	1
#endif

/*
 * Splits line (len bytes, line[len] writable) on '|' into r->field while
 * checking that it is well-formed UTF-8 without NUL (no overlong forms,
 * no surrogates, nothing past U+10FFFF), in one pass: eight ASCII bytes
 * at a time, their '|' found by bit tricks.  Returns true with *nout, the
 * number of fields found (it may exceed r->nfields: the extra ones are
 * counted, not stored), or false with *at, the offset of a bad byte.
 */
static bool
split_checked(struct rpps_reader *r, char *line, size_t len, size_t *nout,
    size_t *at)
{
	unsigned char *p = (unsigned char *)line;
	size_t i = 0, n = 1, k;
	unsigned char c;
	uint32_t cp;
#ifdef WORD_SPLIT
	uint64_t w, bars;
#endif

	line[len] = '\0';
	r->field[0] = line;
	while (i < len) {
#ifdef WORD_SPLIT
		if (len - i >= 8) {
			memcpy(&w, p + i, 8);
			if ((w & HIGHS) == 0 && ZERO_LANES(w) == 0) {
				bars = ZERO_LANES(w ^ BARS);
				while (bars != 0) {
					k = (size_t)__builtin_ctzll(bars) >> 3;
					p[i + k] = '\0';
					if (n < r->nfields)
						r->field[n] = line + i + k + 1;
					n++;
					bars &= bars - 1;
				}
				i += 8;
				continue;
			}
		}
#endif
		c = p[i];
		if (c == '|') {
			p[i] = '\0';
			if (n < r->nfields)
				r->field[n] = line + i + 1;
			n++;
			i++;
			continue;
		}
		if (c == 0x00)
			goto bad;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_next(p + i, len - i, &cp)) == 0)
			goto bad;
		i += k;
	}
	*nout = n;
	return true;
bad:
	*at = i;
	return false;
}

static void
set_err(char *err, size_t errsz, const char *kind, const char *what)
{
	if (err != NULL && errsz > 0)
		snprintf(err, errsz, "%s file: %s", kind, what);
}

/* Maps header fields to the kind's columns; returns 0, or -1 with the
 * missing required columns named in err. */
static int
map_columns(struct rpps_reader *r, size_t hlen, char *err, size_t errsz)
{
	const struct kind_desc *k = &kinds[r->kind];
	const struct col *c;
	char *keys = NULL, *key, want[FOLD_MAX], what[512];
	size_t *keyoff = NULL, i, j, a, o = 0, w = 0, missing = 0;
	bool found;
	int rc = -1;

	/* Folding never lengthens a name: the header's size is enough. */
	if ((keys = malloc(hlen + r->nfields + 1)) == NULL ||
	    (keyoff = calloc(r->nfields, sizeof(*keyoff))) == NULL) {
		set_err(err, errsz, k->name, "out of memory");
		goto out;
	}
	for (j = 0; j < r->nfields; j++) {
		keyoff[j] = o;
		o += rpps_fold(r->field[j], strlen(r->field[j]), keys + o,
		    hlen + r->nfields + 1 - o) + 1;
	}
	w = (size_t)snprintf(what, sizeof(what),
	    "required column(s) missing from the header:");
	r->nslots = 0;
	for (i = 0; i < k->ncols; i++) {
		c = &k->cols[i];
		found = false;
		for (a = 0; a < NAMES_MAX && c->names[a] != NULL && !found;
		    a++) {
			rpps_fold(c->names[a], strlen(c->names[a]), want,
			    sizeof(want));
			for (j = 0; j < r->nfields && !found; j++) {
				key = keys + keyoff[j];
				if (strcmp(key, want) == 0) {
					r->slot[r->nslots].field = j;
					r->slot[r->nslots].off = c->off;
					r->nslots++;
					found = true;
					if (c->off == k->idnps_off)
						r->idnps_field = j;
					if (r->kind == RPPS_MSSANTE &&
					    c->off == M(box_type))
						r->box_type_field = j;
				}
			}
		}
		if (!found && c->required) {
			if (w < sizeof(what))
				w += (size_t)snprintf(what + w,
				    sizeof(what) - w, "%s \"%s\"",
				    missing > 0 ? "," : "", c->names[0]);
			missing++;
		}
	}
	if (missing > 0) {
		set_err(err, errsz, k->name, what);
		goto out;
	}
	rc = 0;
out:
	free(keys);
	free(keyoff);
	return rc;
}

struct rpps_reader *
rpps_open(FILE *fp, enum rpps_kind kind, char *err, size_t errsz)
{
	struct rpps_reader *r;
	const char *kname = rpps_kind_str(kind);
	char *line, *p, *q, what[128];
	size_t len, n, at, i;
	bool toolong;
	int rc;

	if (err != NULL && errsz > 0)
		err[0] = '\0';
	if ((unsigned)kind >= RPPS_KIND__MAX) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "unknown RPPS file kind %u",
			    (unsigned)kind);
		return NULL;
	}
	if (fp == NULL) {
		set_err(err, errsz, kname, "no file to read");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->buf = malloc(RPPS_BUF_SIZE)) == NULL) {
		free(r);
		set_err(err, errsz, kname, "out of memory");
		return NULL;
	}
	r->fp = fp;
	r->kind = kind;
	r->last = RPPS_RECORD;		/* anything but EOF or an error */
	if ((rc = read_line(r, &line, &len, &toolong)) <= 0) {
		snprintf(what, sizeof(what), "%s",
		    rc < 0 ? strerror(errno) : "empty file, no header line");
		set_err(err, errsz, kname, what);
		goto fail;
	}
	r->lineno = 1;
	if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		r->bom = true;
		line += 3;
		len -= 3;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (toolong || len > RPPS_LINE_MAX) {
		set_err(err, errsz, kname, "header line too long");
		goto fail;
	}
	for (n = 1, p = line; (q = memchr(p, '|', len - (size_t)(p - line)))
	    != NULL; p = q + 1)
		n++;
	if (n > RPPS_COLUMNS_MAX) {
		snprintf(what, sizeof(what), "header has %zu columns, more "
		    "than %d", n, RPPS_COLUMNS_MAX);
		set_err(err, errsz, kname, what);
		goto fail;
	}
	if ((r->field = calloc(n, sizeof(*r->field))) == NULL) {
		set_err(err, errsz, kname, "out of memory");
		goto fail;
	}
	r->nfields = n;
	if (!split_checked(r, line, len, &n, &at)) {
		snprintf(what, sizeof(what), "header line is not valid UTF-8 "
		    "(byte %zu; is the file in ISO-8859-1?)", at + 1);
		set_err(err, errsz, kname, what);
		goto fail;
	}
	if (map_columns(r, len, err, errsz) == -1)
		goto fail;
	/* Absent optional columns read as NULL from now on. */
	for (i = 0; i < kinds[kind].ncols; i++)
		*(const char **)((char *)&r->rec + kinds[kind].cols[i].off) =
		    NULL;
	return r;
fail:
	rpps_close(r);
	return NULL;
}

void
rpps_close(struct rpps_reader *r)
{
	if (r == NULL)
		return;
	free(r->field);
	free(r->buf);
	free(r);
}

static enum rpps_status
bad_line(struct rpps_reader *r, enum rpps_bad why, const char *detail)
{
	r->bad = why;
	r->stats.bad++;
	r->stats.bad_by_reason[why]++;
	snprintf(r->msg, sizeof(r->msg), "%s line %llu: %s%s%s",
	    kinds[r->kind].name, (unsigned long long)r->lineno,
	    bad_strs[why], *detail != '\0' ? " " : "", detail);
	return r->last = RPPS_BAD_LINE;
}

enum rpps_status
rpps_next(struct rpps_reader *r)
{
	char *line, detail[160], v[48];
	const char *idnps;
	size_t len, n, at, i;
	bool toolong;
	int rc;

	if (r->last == RPPS_EOF || r->last == RPPS_IO_ERROR)
		return r->last;
	r->bad = RPPS_BAD_NONE;
	r->msg[0] = '\0';
	r->ready = false;
	if ((rc = read_line(r, &line, &len, &toolong)) <= 0) {
		if (rc < 0)
			snprintf(r->msg, sizeof(r->msg), "%s: read error "
			    "after line %llu: %s", kinds[r->kind].name,
			    (unsigned long long)r->lineno, strerror(errno));
		return r->last = rc < 0 ? RPPS_IO_ERROR : RPPS_EOF;
	}
	r->lineno++;
	r->stats.lines++;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (toolong || len > RPPS_LINE_MAX) {
		snprintf(detail, sizeof(detail), "(more than %d bytes)",
		    RPPS_LINE_MAX);
		return bad_line(r, RPPS_BAD_TOO_LONG, detail);
	}
	if (len == 0)
		return bad_line(r, RPPS_BAD_EMPTY, "");
	if (!split_checked(r, line, len, &n, &at)) {
		snprintf(detail, sizeof(detail), "at byte %zu", at + 1);
		return bad_line(r, RPPS_BAD_ENCODING, detail);
	}
	if (n != r->nfields) {
		snprintf(detail, sizeof(detail), "(%zu fields, the header "
		    "has %zu)", n, r->nfields);
		return bad_line(r, RPPS_BAD_FIELD_COUNT, detail);
	}
	idnps = r->field[r->idnps_field];
	if (!rpps_idnps_ok(idnps)) {
		if (*idnps != '\0') {
			quote_value(idnps, v, sizeof(v));
			snprintf(detail, sizeof(detail), "\"%s\" (expected "
			    "8 + 11 digits or 0 + 9 digits)", v);
			return bad_line(r, RPPS_BAD_IDNPS, detail);
		}
		if (r->kind == RPPS_MSSANTE &&
		    strcmp(r->field[r->box_type_field], "PER") != 0)
			return bad_line(r, RPPS_BAD_ORG_MAILBOX, "");
		return bad_line(r, RPPS_BAD_NO_IDNPS, "");
	}
	for (i = 0; i < r->nslots; i++)
		*(const char **)((char *)&r->rec + r->slot[i].off) =
		    r->field[r->slot[i].field];
	r->stats.records++;
	r->ready = true;
	return r->last = RPPS_RECORD;
}

const struct rpps_activite *
rpps_activite(const struct rpps_reader *r)
{
	if (r == NULL || r->kind != RPPS_PERSONNE_ACTIVITE || !r->ready)
		return NULL;
	return &r->rec.a;
}

const struct rpps_savoir_faire *
rpps_savoir_faire(const struct rpps_reader *r)
{
	if (r == NULL || r->kind != RPPS_SAVOIR_FAIRE || !r->ready)
		return NULL;
	return &r->rec.s;
}

const struct rpps_mssante *
rpps_mssante(const struct rpps_reader *r)
{
	if (r == NULL || r->kind != RPPS_MSSANTE || !r->ready)
		return NULL;
	return &r->rec.m;
}

uint64_t
rpps_lineno(const struct rpps_reader *r)
{
	return r->lineno;
}

enum rpps_bad
rpps_bad_reason(const struct rpps_reader *r)
{
	return r->bad;
}

const char *
rpps_message(const struct rpps_reader *r)
{
	return r->msg;
}

const struct rpps_stats *
rpps_stats(const struct rpps_reader *r)
{
	return &r->stats;
}

size_t
rpps_column_count(const struct rpps_reader *r)
{
	return r->nfields;
}

bool
rpps_had_bom(const struct rpps_reader *r)
{
	return r->bom;
}
