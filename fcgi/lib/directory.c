#include "directory.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "textfold.h"
#include "valid.h"

int
name_patterns(struct arena *a, const char *name, struct name_patterns *np)
{
	struct buf full = BUF_INIT, w1 = BUF_INIT, w2 = BUF_INIT;
	size_t n = strlen(name) + 1, i, kept = 0;
	char *folded = arena_alloc(a, n);
	bool sep = false, first_word = true;

	if (textfold(name, folded, n, TEXTFOLD_STRIP_ACCENTS | TEXTFOLD_SPACES |
	    TEXTFOLD_APOSTROPHE | TEXTFOLD_COMBINING) == TEXTFOLD_ERROR)
		return -1;
	for (i = 0; folded[i] != '\0'; i++) {
		unsigned char c = (unsigned char)folded[i];

		if (c == ' ' || c == '-') {
			sep = full.len > 0;
			continue;
		}
		/* Apostrophes and what has no ASCII form are dropped. */
		if (c == '\'' || c == '`' || c < ' ' || c >= 0x7F)
			continue;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (sep) {
			buf_putc(&full, '%');
			if (first_word)
				first_word = false;
			else
				buf_putc(&w2, '%');
			sep = false;
		}
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			kept++;
		if (c == '%' || c == '_' || c == '\\') {
			buf_putc(&full, '\\');
			buf_putc(first_word ? &w1 : &w2, '\\');
		}
		buf_putc(&full, (char)c);
		buf_putc(first_word ? &w1 : &w2, (char)c);
	}
	buf_putc(&full, '%');
	buf_putc(&w1, '%');
	buf_putc(&w2, '%');
	np->full = arena_strdup(a, buf_str(&full));
	np->w1 = first_word ? np->full : arena_strdup(a, buf_str(&w1));
	np->w2 = first_word ? np->full : arena_strdup(a, buf_str(&w2));
	buf_free(&full);
	buf_free(&w1);
	buf_free(&w2);
	return kept >= 2 ? 0 : -1;
}

bool
dir_profession_code_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 8 || !((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	return i > 0;
}

const char *
dir_street_line(struct arena *a, const struct db_result *res, size_t row,
    size_t col)
{
	struct buf b = BUF_INIT;
	const char *out;
	size_t k;

	for (k = col; k < col + 4; k++) {
		const char *v = db_cell(res, row, k);

		if (v == NULL || *v == '\0')
			continue;
		if (b.len > 0)
			buf_putc(&b, ' ');
		buf_puts(&b, v);
	}
	out = arena_strdup(a, b.len > 0 ? buf_str(&b) : "");
	buf_free(&b);
	return out;
}

const char *
phone_display(struct arena *a, const char *m)
{
	if (m == NULL || strlen(m) != 10 || strspn(m, "0123456789") != 10)
		return m;
	return arena_printf(a, "%.2s %.2s %.2s %.2s %.2s", m, m + 2, m + 4,
	    m + 6, m + 8);
}

void
dir_criteria_errors(unsigned bad, struct form_errors *e)
{
	if (bad & DIR_BAD_NAME)
		form_error_add(e, "nom", "Saisissez au moins 2 lettres du nom.");
	if (bad & DIR_BAD_PROFESSION)
		form_error_add(e, "profession", "Choisissez une profession dans "
		    "la liste.");
	if (bad & DIR_BAD_POSTAL_CODE)
		form_error_add(e, "code_postal", "Saisissez un code postal à 5 "
		    "chiffres.");
}

unsigned
dir_criteria_check(struct arena *a, struct dir_criteria *c)
{
	unsigned bad = 0;

	if (*c->name == '\0' || valid_text(c->name, 2, 100) != NULL ||
	    name_patterns(a, c->name, &c->np) != 0)
		bad |= DIR_BAD_NAME;
	if (*c->profession != '\0' && !dir_profession_code_ok(c->profession))
		bad |= DIR_BAD_PROFESSION;
	if (*c->postal_code != '\0' &&
	    valid_postal_code(c->postal_code, 5, 5) != NULL)
		bad |= DIR_BAD_POSTAL_CODE;
	return bad;
}

int
dir_search_bind(const struct dir_search_stmts *st, const struct db_param *lead,
    size_t nlead, const struct dir_criteria *c, struct dir_query *q)
{
	bool place = *c->postal_code != '\0', prof = *c->profession != '\0';
	size_t i;

	if (nlead > DIR_LEAD_MAX)
		return -1;
	if (place)
		q->stmt = prof ? st->by_place_prof : st->by_place;
	else
		q->stmt = prof ? st->by_name_prof : st->by_name;
	for (i = 0; i < nlead; i++)
		q->p[i] = lead[i];
	q->n = nlead;
	if (place)
		q->p[q->n++] = DBP_STR(c->postal_code);
	if (prof)
		q->p[q->n++] = DBP_STR(c->profession);
	q->p[q->n++] = DBP_STR(c->np.full);
	q->p[q->n++] = DBP_STR(c->np.w1);
	q->p[q->n++] = DBP_STR(c->np.w2);
	q->p[q->n++] = DBP_STR(c->np.w2);
	q->p[q->n++] = DBP_STR(c->np.w1);
	return 0;
}

void
dir_hits_unique(struct db_result *res, size_t max, bool *more)
{
	size_t i, j, k, n = 0;

	*more = false;
	for (i = 0; i < res->nrows; i++) {
		const char *id = db_cell(res, i, 0);

		if (id == NULL)
			continue;
		for (j = 0; j < n && strcmp(db_cell(res, j, 0), id) != 0; j++)
			continue;
		if (j < n)
			continue;
		if (n == max) {
			*more = true;
			break;
		}
		/* Row n is before row i: moving it down keeps the order. */
		for (k = 0; k < res->ncols && n != i; k++)
			res->cells[n * res->ncols + k] =
			    res->cells[i * res->ncols + k];
		n++;
	}
	res->nrows = n;
}

enum db_rc
dir_search(struct db *db, struct arena *a, const struct dir_search_stmts *st,
    const struct db_param *lead, size_t nlead, const struct dir_criteria *c,
    size_t max, struct db_result *res, bool *more)
{
	struct dir_query q;
	enum db_rc rc;

	*more = false;
	if (dir_search_bind(st, lead, nlead, c, &q) != 0)
		return DB_ERROR;
	if ((rc = db_query(db, a, q.stmt, q.p, q.n, res)) != DB_OK)
		return rc;
	dir_hits_unique(res, max, more);
	return DB_OK;
}

void
dir_hit_tdict(struct tdict *d, const struct db_result *res, size_t row)
{
	tdict_str(d, "idnps", db_cell(res, row, 0));
	tdict_strf(d, "name", "%s %s", db_cell(res, row, 1),
	    db_cell(res, row, 2));
	tdict_str(d, "profession", db_cell(res, row, 3));
	tdict_str(d, "town", db_cell(res, row, 4));
}

int
dir_professions(struct db *db, struct arena *a, int stmt, const char *selected,
    struct tlist *l)
{
	struct db_result res;
	size_t i;

	if (db_query(db, a, stmt, DB_NOPARAMS, &res) != DB_OK)
		return -1;
	for (i = 0; i < res.nrows; i++) {
		struct tdict *d = tlist_add(l);

		tdict_str(d, "code", db_cell(&res, i, 0));
		tdict_str(d, "label", db_cell(&res, i, 1));
		tdict_bool(d, "selected", selected != NULL &&
		    db_cell(&res, i, 0) != NULL &&
		    strcmp(selected, db_cell(&res, i, 0)) == 0);
	}
	return 0;
}
