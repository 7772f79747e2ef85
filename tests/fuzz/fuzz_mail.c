/* libFuzzer target for mail.c: mail_build on fields cut from the input
 * (the message must come out well-formed and its body decode back to the
 * input), the SMTP dialogue tracker on the input as server replies and
 * commands, and the address and error-text helpers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mail.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless msg has CRLF line ends only, ASCII only, and lines of at
 * most 76 characters but for From, To and Message-ID, whose names and
 * addresses cannot be cut (up to 998). */
static void
check_shape(const char *msg, size_t len)
{
	size_t i, col = 0;
	int from = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (col == 0 && c != ' ')
			from = strncmp(msg + i, "From:", 5) == 0 ||
			    strncmp(msg + i, "To:", 3) == 0 ||
			    strncmp(msg + i, "Message-ID:", 11) == 0;
		if (c == '\r') {
			if (i + 1 == len || msg[i + 1] != '\n' ||
			    col > (from ? 998u : 76u))
				abort();
			i++;
			col = 0;
			continue;
		}
		if (c == '\n' || c >= 0x7F || (c < 0x20 && c != '\t'))
			abort();
		col++;
	}
	if (col != 0)
		abort();
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Aborts unless the quoted-printable qp decodes to body with its line
 * ends made CRLF and a last one added. */
static void
check_body(const char *qp, const char *body)
{
	size_t i = 0, j = 0, n = strlen(body);
	char want;

	while (qp[i] != '\0') {
		if (qp[i] == '=' && qp[i + 1] == '\r') {
			i += 3;
			continue;
		}
		if (qp[i] == '=') {
			if (hexval(qp[i + 1]) < 0 || hexval(qp[i + 2]) < 0)
				abort();
			want = (char)(hexval(qp[i + 1]) * 16 +
			    hexval(qp[i + 2]));
			i += 3;
		} else if (qp[i] == '\r') {
			/* A line end: CRLF, LF or CR in body, or its end. */
			if (j < n && body[j] == '\r' && body[j + 1] == '\n')
				j += 2;
			else if (j < n && (body[j] == '\r' || body[j] == '\n'))
				j++;
			else if (j != n || qp[i + 2] != '\0')
				abort();
			i += 2;
			continue;
		} else
			want = qp[i++];
		if (j >= n || body[j++] != want)
			abort();
	}
	if (j != n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *f[4] = { "", "", "", "" }, *sep;
	char *copy, *p, err[40];
	struct buf b = BUF_INIT;
	struct mail_smtp s;
	size_t i, nf = 0, start;

	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';

	/* The SMTP tracker: segments cut at 0x1e, the first byte of each
	 * telling its direction. */
	mail_smtp_init(&s);
	for (start = 0, i = 0; i <= size; i++) {
		if (i < size && data[i] != 0x1e)
			continue;
		if (i > start)
			mail_smtp_feed(&s,
			    (enum mail_smtp_dir)(data[start] % 3),
			    (const char *)data + start + 1, i - start - 1);
		start = i + 1;
	}
	if (memchr(s.text, '\0', sizeof(s.text)) == NULL ||
	    memchr(s.verb, '\0', sizeof(s.verb)) == NULL)
		abort();
	(void)mail_smtp_outcome(&s, size % 2 == 0);
	mail_smtp_error(&s, copy, err, sizeof(err));
	if (strlen(err) >= sizeof(err))
		abort();
	mail_error_text(err, 1 + size % sizeof(err), copy);
	if (strlen(err) > size % sizeof(err))
		abort();
	(void)mail_addr_valid(copy);
	(void)mail_addr_spec(copy, err, sizeof(err));

	/* The builder: from, to, subject and body cut at 0x1f. */
	for (p = copy; nf < 4; nf++) {
		f[nf] = p;
		if ((p = strchr(p, 0x1f)) == NULL)
			break;
		*p++ = '\0';
	}
	if (mail_build(&b, f[0], f[1], f[2], f[3], (time_t)size * 86400,
	    "fuzz@parvis.localhost") == 0) {
		check_shape(b.data, b.len);
		if ((sep = strstr(b.data, "\r\n\r\n")) == NULL)
			abort();
		check_body(sep + 4, f[3]);
	} else if (b.len != 0)
		abort();
	buf_free(&b);
	free(copy);
	return 0;
}
