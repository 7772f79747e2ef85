#include "directory.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "textfold.h"

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
