#include "mail.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAIL_LINE	76	/* longest line we write (RFC 2045 limit) */
#define MAIL_EW_BYTES	36	/* bytes per encoded word: 60 characters */

enum smtp_step { STEP_NONE, STEP_OTHER, STEP_MAIL, STEP_RCPT, STEP_DATA,
	STEP_BODY };

/* Returns the length of the well-formed UTF-8 character at s (n bytes
 * left), or 0 when it is not one (overlong, surrogate, > U+10FFFF). */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2)
		return 0;
	if (s[0] < 0xE0) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] < 0xF0) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] < 0xF5) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Returns true when s is valid UTF-8 (with no control character when
 * header is set: CR and LF there would start a new header). */
static bool
text_valid(const char *s, bool header)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		if (header && (p[i] < 0x20 || p[i] == 0x7F))
			return false;
		if ((k = utf8_char(p + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static bool
is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

bool
mail_addr_valid(const char *s)
{
	const char *at, *p;
	size_t label = 0;

	if (s == NULL || strnlen(s, MAIL_ADDR_MAX + 1) > MAIL_ADDR_MAX ||
	    (at = strchr(s, '@')) == NULL || at == s || at - s > 64 ||
	    at[1] == '\0')
		return false;
	/* Local part: dot-atom, no leading, trailing or double dot. */
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p + 1 == at || p[1] == '.')
				return false;
		} else if (!is_atext((unsigned char)*p))
			return false;
	}
	/* Domain: labels of letters, digits and hyphens. */
	for (p = at + 1; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || (*p == '-' && label > 0)))
			return false;
		label++;
	}
}

/* Splits a From value into its display name and address (each NUL-
 * terminated, at most MAIL_NAME_MAX and MAIL_ADDR_MAX bytes); returns 0
 * or -1.  The name is unquoted; it may be UTF-8. */
static int
from_parse(const char *from, char *name, char *addr)
{
	const char *p = from, *lt, *gt;
	size_t n = 0, len;

	if (from == NULL || !text_valid(from, true))
		return -1;
	while (*p == ' ')
		p++;
	if (*p == '"') {
		/* A quoted name: \x stands for x. */
		for (p++; *p != '"'; p++) {
			if (*p == '\0')
				return -1;
			if (*p == '\\' && *++p == '\0')
				return -1;
			if (n == MAIL_NAME_MAX)
				return -1;
			name[n++] = *p;
		}
		for (p++; *p == ' '; p++)
			continue;
		if (*p != '<')
			return -1;
		lt = p;
	} else if ((lt = strchr(p, '<')) == NULL) {
		/* A bare address. */
		len = strcspn(p, " ");
		if (len == 0 || len > MAIL_ADDR_MAX ||
		    p[len + strspn(p + len, " ")] != '\0')
			return -1;
		memcpy(addr, p, len);
		addr[len] = '\0';
		name[0] = '\0';
		return mail_addr_valid(addr) ? 0 : -1;
	} else {
		while (p < lt) {
			if (*p == '"' || *p == '>' || n == MAIL_NAME_MAX)
				return -1;
			name[n++] = *p++;
		}
		while (n > 0 && name[n - 1] == ' ')
			n--;
	}
	name[n] = '\0';
	if ((gt = strchr(lt, '>')) == NULL ||
	    (len = (size_t)(gt - lt - 1)) == 0 || len > MAIL_ADDR_MAX)
		return -1;
	for (p = gt + 1; *p == ' '; p++)
		continue;
	if (*p != '\0')
		return -1;
	memcpy(addr, lt + 1, len);
	addr[len] = '\0';
	return mail_addr_valid(addr) ? 0 : -1;
}

int
mail_addr_spec(const char *from, char *out, size_t outlen)
{
	char name[MAIL_NAME_MAX + 1], addr[MAIL_ADDR_MAX + 1];
	size_t n;

	if (from_parse(from, name, addr) != 0 || (n = strlen(addr)) >= outlen)
		return -1;
	memcpy(out, addr, n + 1);
	return 0;
}

static void
put_base64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = b64[v >> 6 & 63];
		q[3] = b64[v & 63];
		buf_append(b, q, 4);
	}
	if (i == n)
		return;
	v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
	q[0] = b64[v >> 18 & 63];
	q[1] = b64[v >> 12 & 63];
	q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
	q[3] = '=';
	buf_append(b, q, 4);
}

/* Appends s (valid UTF-8) as RFC 2047 encoded words of whole characters,
 * one per line after the first; *col is the current line length. */
static void
put_encoded(struct buf *b, const char *s, size_t *col)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, start, k;

	while (i < n) {
		start = i;
		while (i < n && (k = utf8_char(p + i, n - i)) > 0 &&
		    i - start + k <= MAIL_EW_BYTES)
			i += k;
		if (start > 0) {
			buf_append(b, "\r\n ", 3);
			*col = 1;
		}
		buf_puts(b, "=?UTF-8?B?");
		put_base64(b, p + start, i - start);
		buf_puts(b, "?=");
		*col += 12 + 4 * ((i - start + 2) / 3);
	}
}

/* Appends ASCII s folded before spaces so that no line passes MAIL_LINE
 * (unfolding gives s back exactly); returns false, b untouched, when s
 * has a run too long to fold. */
static bool
put_folded(struct buf *b, const char *s, size_t col)
{
	size_t n = strlen(s), start = 0, i, fold, mark = b->len;

	while (col + (n - start) > MAIL_LINE) {
		/* Fold at a space followed by text, so that no line is
		 * only white space. */
		fold = 0;
		for (i = start + 1; i < n && col + (i - start) <= MAIL_LINE;
		    i++)
			if (s[i] == ' ' && s[i + 1] != ' ' && s[i + 1] != '\0')
				fold = i;
		if (fold == 0) {
			b->len = mark;
			b->data[mark] = '\0';
			return false;
		}
		buf_append(b, s + start, fold - start);
		buf_append(b, "\r\n", 2);
		col = 0;
		start = fold;
	}
	buf_append(b, s + start, n - start);
	return true;
}

/* Returns true when name can stand as it is in a phrase: atoms separated
 * by single spaces. */
static bool
is_phrase(const char *name)
{
	const char *p;

	for (p = name; *p != '\0'; p++) {
		if (*p == ' ' && p != name && p[1] != ' ' && p[1] != '\0')
			continue;
		if (!is_atext((unsigned char)*p))
			return false;
	}
	return true;
}

static void
put_from(struct buf *b, const char *name, const char *addr)
{
	size_t col = 6, alen = strlen(addr);
	const char *p;

	buf_puts(b, "From: ");
	if (name[0] == '\0') {
		buf_puts(b, addr);
		buf_append(b, "\r\n", 2);
		return;
	}
	if (is_phrase(name)) {
		buf_puts(b, name);
		col += strlen(name);
	} else if (is_ascii(name)) {
		buf_putc(b, '"');
		for (p = name; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\') {
				buf_putc(b, '\\');
				col++;
			}
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
		col += strlen(name) + 2;
	} else
		put_encoded(b, name, &col);
	if (col + 3 + alen > MAIL_LINE)
		buf_append(b, "\r\n", 2);
	buf_printf(b, " <%s>\r\n", addr);
}

static void
put_subject(struct buf *b, const char *subject)
{
	size_t col = 9;

	buf_puts(b, "Subject:");
	if (subject[0] != '\0') {
		buf_putc(b, ' ');
		/* "=?" in plain text would read as an encoded word. */
		if (!is_ascii(subject) || strstr(subject, "=?") != NULL ||
		    !put_folded(b, subject, col))
			put_encoded(b, subject, &col);
	}
	buf_append(b, "\r\n", 2);
}

/* Appends body as quoted-printable, its line ends (CRLF, LF or CR) made
 * CRLF, soft breaks keeping every line within MAIL_LINE. */
static void
put_qp(struct buf *b, const char *body)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)body;
	size_t n = strlen(body), i = 0, end, k, col, tlen;
	char tok[3];
	bool last;

	while (i < n) {
		end = i;
		while (end < n && s[end] != '\r' && s[end] != '\n')
			end++;
		col = 0;
		for (k = i; k < end; k++) {
			last = k + 1 == end;
			if (s[k] == '=' || s[k] > 0x7E ||
			    (s[k] < 0x20 && s[k] != '\t') ||
			    ((s[k] == ' ' || s[k] == '\t') && last)) {
				tok[0] = '=';
				tok[1] = hex[s[k] >> 4];
				tok[2] = hex[s[k] & 15];
				tlen = 3;
			} else {
				tok[0] = (char)s[k];
				tlen = 1;
			}
			/* Room for the '=' of a soft break unless last. */
			if (col + tlen > (last ? MAIL_LINE : MAIL_LINE - 1)) {
				buf_append(b, "=\r\n", 3);
				col = 0;
			}
			buf_append(b, tok, tlen);
			col += tlen;
		}
		buf_append(b, "\r\n", 2);
		if (end + 1 < n && s[end] == '\r' && s[end + 1] == '\n')
			end++;
		i = end + 1;
	}
}

int
mail_build(struct buf *out, const char *from, const char *to,
    const char *subject, const char *body, time_t now, const char *message_id)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char name[MAIL_NAME_MAX + 1], addr[MAIL_ADDR_MAX + 1];
	struct tm tm;

	if (out == NULL || from_parse(from, name, addr) != 0 ||
	    !mail_addr_valid(to) || !mail_addr_valid(message_id) ||
	    subject == NULL || !text_valid(subject, true) ||
	    body == NULL || !text_valid(body, false) ||
	    gmtime_r(&now, &tm) == NULL || tm.tm_year < 70 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	/* Every check is done: from here on nothing fails. */
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	put_from(out, name, addr);
	buf_printf(out, "To: %s\r\n", to);
	put_subject(out, subject);
	buf_printf(out, "Message-ID: <%s>\r\n", message_id);
	buf_puts(out, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	put_qp(out, body);
	return 0;
}

/* ---- delivery outcomes ---- */

void
mail_smtp_init(struct mail_smtp *s)
{
	memset(s, 0, sizeof(*s));
	s->cmd = STEP_NONE;
	s->fail_cmd = STEP_NONE;
}

/* Copies at most n bytes of s into out as mail_error_text does. */
static void
error_text_n(char *out, size_t outlen, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0, k;

	if (outlen == 0)
		return;
	while (s != NULL && i < n && p[i] != '\0') {
		if (p[i] < 0x20 || p[i] == 0x7F) {
			k = 1;
			if (o + 1 >= outlen)
				break;
			out[o++] = ' ';
		} else if ((k = utf8_char(p + i, n - i)) == 0) {
			k = 1;
			if (o + 1 >= outlen)
				break;
			out[o++] = '?';
		} else {
			if (o + k >= outlen)
				break;
			memcpy(out + o, p + i, k);
			o += k;
		}
		i += k;
	}
	out[o] = '\0';
}

void
mail_error_text(char *out, size_t outlen, const char *s)
{
	error_text_n(out, outlen, s, s == NULL ? 0 : strlen(s));
}

void
mail_smtp_feed(struct mail_smtp *s, enum mail_smtp_dir dir, const char *data,
    size_t len)
{
	size_t i, e, l, v;
	int code;

	switch (dir) {
	case MAIL_SMTP_CMD:
		/* The verb only: an AUTH line goes on with credentials. */
		for (v = 0; v < len && v + 1 < sizeof(s->verb) &&
		    ((data[v] >= 'A' && data[v] <= 'Z') ||
		    (data[v] >= 'a' && data[v] <= 'z')); v++)
			s->verb[v] = (char)(data[v] & ~0x20);
		s->verb[v] = '\0';
		if (strcmp(s->verb, "MAIL") == 0)
			s->cmd = STEP_MAIL;
		else if (strcmp(s->verb, "RCPT") == 0)
			s->cmd = STEP_RCPT;
		else if (strcmp(s->verb, "DATA") == 0)
			s->cmd = STEP_DATA;
		else
			s->cmd = STEP_OTHER;
		break;
	case MAIL_SMTP_BODY:
		if (len > 0)
			s->cmd = STEP_BODY;
		break;
	case MAIL_SMTP_REPLY:
		for (i = 0; i < len; i = e + 1) {
			for (e = i; e < len && data[e] != '\n'; e++)
				continue;
			l = e - i;
			if (l > 0 && data[i + l - 1] == '\r')
				l--;
			if (l < 3 || data[i] < '1' || data[i] > '5' ||
			    data[i + 1] < '0' || data[i + 1] > '9' ||
			    data[i + 2] < '0' || data[i + 2] > '9' ||
			    (l > 3 && data[i + 3] != ' ' && data[i + 3] != '-'))
				continue;
			code = (data[i] - '0') * 100 +
			    (data[i + 1] - '0') * 10 + (data[i + 2] - '0');
			s->reply = code;
			if (code < 400)
				continue;
			s->fail_cmd = s->cmd;
			memcpy(s->fail_verb, s->verb, sizeof(s->fail_verb));
			error_text_n(s->text, sizeof(s->text), data + i, l);
			if (code >= 500 &&
			    (s->cmd == STEP_RCPT || s->cmd == STEP_BODY))
				s->permanent = true;
		}
		break;
	}
}

enum mail_outcome
mail_smtp_outcome(const struct mail_smtp *s, bool transfer_ok)
{
	if (transfer_ok)
		return MAIL_SENT;
	return s->permanent ? MAIL_DEAD : MAIL_RETRY;
}

void
mail_smtp_error(const struct mail_smtp *s, const char *curl_error, char *out,
    size_t outlen)
{
	char tmp[MAIL_ERROR_MAX + 1];
	const char *step;

	if (s->text[0] != '\0') {
		switch (s->fail_cmd) {
		case STEP_NONE:
			step = "greeting";
			break;
		case STEP_MAIL:
			step = "MAIL FROM";
			break;
		case STEP_RCPT:
			step = "RCPT TO";
			break;
		case STEP_BODY:
			step = "end of data";
			break;
		default:
			step = s->fail_verb;
			break;
		}
		snprintf(tmp, sizeof(tmp), "SMTP %s: %s", step, s->text);
	} else
		snprintf(tmp, sizeof(tmp), "SMTP: %s", curl_error != NULL &&
		    curl_error[0] != '\0' ? curl_error : "unknown error");
	mail_error_text(out, outlen, tmp);
}

enum mail_outcome
mail_http_outcome(long status)
{
	if (status >= 200 && status <= 299)
		return MAIL_SENT;
	/* 408 and 429 say "not now", not "never". */
	if (status >= 400 && status <= 499 && status != 408 && status != 429)
		return MAIL_DEAD;
	return MAIL_RETRY;
}

long
mail_backoff(unsigned failed)
{
	static const long delays[] = { 60, 300, 900, 3600, 14400 };
	const size_t n = sizeof(delays) / sizeof(delays[0]);

	if (failed == 0)
		return delays[0];
	return failed >= n ? delays[n - 1] : delays[failed - 1];
}
