/*
 * parvis-mailer: delivers the outbox, e-mail by SMTP and SMS through an
 * HTTP gateway.  Several mailers may run at once: each round claims due
 * rows in a short transaction (SELECT ... FOR UPDATE SKIP LOCKED, then
 * status 'sending' with our host:pid), delivers them outside it, and
 * records each result on the row only while the claim is still ours.
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "mail.h"

#ifndef PARVIS_SYSCONF_DIR
#error "PARVIS_SYSCONF_DIR must be defined by the build"
#endif

#define STR(x)		XSTR(x)
#define XSTR(x)		#x

#define BATCH		20	/* rows claimed per round */
/* A claim older than STALE_MINUTES belongs to a dead mailer.  A live one
 * starts no delivery after BATCH_BUDGET seconds of a batch, and one
 * delivery lasts at most CONNECT_TIMEOUT + TOTAL_TIMEOUT: it is done long
 * before its claim could be taken for stale. */
#define STALE_MINUTES	10
#define BATCH_BUDGET	300
#define CONNECT_TIMEOUT	10L
#define TOTAL_TIMEOUT	60L
#define NO_GATEWAY_DELAY 60	/* s before an SMS without gateway is retried */
#define ERROR_SLEEP_MAX	30000	/* ms: longest wait after a database failure */

enum mailer_stmt {
	MSQL_ISOLATION,
	MSQL_STALE,
	MSQL_RECOVER,
	MSQL_CLAIM,
	MSQL_MARK,
	MSQL_SENT,
	MSQL_RETRY,
	MSQL_DEAD,
	MSQL_RELEASE,
	MSQL__MAX
};

static const char *const mailer_sql[MSQL__MAX] = {
	/* Read committed takes no gap locks: a claim locks the rows it
	 * returns and nothing around them, so mailers do not deadlock one
	 * another's claims and results. */
	[MSQL_ISOLATION] =
	    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
	/* Stale claims are found by a plain read, then put back one by one
	 * by primary key: an UPDATE scanning the status index would lock
	 * index then row, the reverse of the result updates, and deadlock
	 * with them. */
	[MSQL_STALE] =
	    "SELECT id FROM outbox WHERE status = 'sending' AND"
	    " (locked_at IS NULL OR locked_at < UTC_TIMESTAMP() - INTERVAL "
	    STR(STALE_MINUTES) " MINUTE) ORDER BY id LIMIT 100",
	[MSQL_RECOVER] =
	    "UPDATE outbox SET status = 'pending', locked_by = NULL,"
	    " locked_at = NULL WHERE id = ? AND status = 'sending' AND"
	    " (locked_at IS NULL OR locked_at < UTC_TIMESTAMP() - INTERVAL "
	    STR(STALE_MINUTES) " MINUTE)",
	/* The order follows the outbox_due index (status, next_attempt_at,
	 * then the primary key): the scan stops after BATCH rows and locks
	 * only those.  ORDER BY id alone would sort, and lock every due row
	 * for the length of the claim, leaving nothing to the other mailers. */
	[MSQL_CLAIM] =
	    "SELECT id, channel, recipient, subject, body, attempts FROM outbox"
	    " WHERE status = 'pending' AND next_attempt_at <= UTC_TIMESTAMP()"
	    " ORDER BY next_attempt_at, id LIMIT " STR(BATCH)
	    " FOR UPDATE SKIP LOCKED",
	[MSQL_MARK] =
	    "UPDATE outbox SET status = 'sending', locked_by = ?,"
	    " locked_at = UTC_TIMESTAMP() WHERE id = ? AND status = 'pending'",
	/* A sent message's text and subject go: activation and reset links
	 * and one-time codes must not outlive their delivery in the
	 * database, where only their hashes are kept otherwise. */
	[MSQL_SENT] =
	    "UPDATE outbox SET status = 'sent', sent_at = UTC_TIMESTAMP(),"
	    " subject = NULL, body = '',"
	    " attempts = attempts + 1, last_error = NULL, locked_by = NULL,"
	    " locked_at = NULL"
	    " WHERE id = ? AND status = 'sending' AND locked_by = ?",
	[MSQL_RETRY] =
	    "UPDATE outbox SET status = 'pending', attempts = attempts + ?,"
	    " last_error = ?,"
	    " next_attempt_at = UTC_TIMESTAMP() + INTERVAL ? SECOND,"
	    " locked_by = NULL, locked_at = NULL"
	    " WHERE id = ? AND status = 'sending' AND locked_by = ?",
	[MSQL_DEAD] =
	    "UPDATE outbox SET status = 'dead', attempts = attempts + 1,"
	    " last_error = ?, locked_by = NULL, locked_at = NULL"
	    " WHERE id = ? AND status = 'sending' AND locked_by = ?",
	[MSQL_RELEASE] =
	    "UPDATE outbox SET status = 'pending', locked_by = NULL,"
	    " locked_at = NULL"
	    " WHERE id = ? AND status = 'sending' AND locked_by = ?",
};

static const struct db_table mailer_tables[] = {
	{ mailer_sql, MSQL__MAX },
};

/* The program's table is table 1 (0 is libparvis's own). */
#define MSQL(i)		DB_STMT(1, (i))

/* Columns of MSQL_CLAIM. */
enum {
	COL_ID, COL_CHANNEL, COL_RECIPIENT, COL_SUBJECT, COL_BODY, COL_ATTEMPTS
};

struct mailer {
	struct db	*db;
	struct arena	 arena;		/* one round's rows */
	char		 lock_id[65];	/* host:pid, outbox.locked_by */
	const char	*from;		/* mail_from, a From header value */
	char		 from_addr[MAIL_ADDR_MAX + 1];
	char		 from_path[MAIL_ADDR_MAX + 3];	/* <from_addr> */
	const char	*from_domain;
	const char	*smtp_url;
	const char	*smtp_user;
	const char	*smtp_password;
	bool		 starttls;
	const char	*sms_url;	/* NULL: no gateway */
	const char	*sms_token;
	long long	 max_attempts;
	long long	 poll_ms;
	unsigned	 sms_waiting;	/* SMS put off this round: no gateway */
};

struct delivery {
	enum mail_outcome outcome;
	bool		 postpone;	/* our configuration is missing: retry
					 * without counting an attempt */
	char		 error[MAIL_ERROR_MAX + 1];
};

struct upload {
	const char	*data;
	size_t		 len;
	size_t		 off;
};

static volatile sig_atomic_t	stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(void)
{
	fputs("usage: parvis-mailer [--config FILE] [--once]\n", stderr);
}

/* The connection settings, as app_db_from_config reads them: the mailer
 * keeps clear of app.c (libfcgi, templates). */
static struct db *
mailer_db_open(void)
{
	struct db_config c;

	c.socket = config_str("db_socket", NULL);
	c.host = config_str("db_host", NULL);
	c.port = (unsigned)config_int("db_port", 3306, 1, 65535);
	c.user = config_str("db_user", NULL);
	c.password = config_str("db_password", NULL);
	c.name = config_str("db_name", "parvis");
	return db_new(&c, mailer_tables,
	    sizeof(mailer_tables) / sizeof(mailer_tables[0]));
}

/* Returns the value of key, or NULL when absent or empty. */
static const char *
config_opt(const char *key)
{
	const char *v = config_str(key, NULL);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Returns true when s has no control character nor space (it goes into a
 * URL or a header line). */
static bool
is_token(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7F)
			return false;
	return true;
}

/* Returns true when url is scheme://... for one of the schemes listed
 * (NULL-terminated) and has no credentials in its authority. */
static bool
url_ok(const char *url, const char *const *schemes, bool *has_userinfo)
{
	const char *auth;
	size_t n;

	*has_userinfo = false;
	if (!is_token(url) || (auth = strstr(url, "://")) == NULL)
		return false;
	for (; *schemes != NULL; schemes++) {
		n = strlen(*schemes);
		if ((size_t)(auth - url) == n &&
		    strncasecmp(url, *schemes, n) == 0)
			break;
	}
	if (*schemes == NULL)
		return false;
	auth += 3;
	n = strcspn(auth, "/?#");
	*has_userinfo = memchr(auth, '@', n) != NULL;
	return n > 0;
}

static bool
is_loopback(const char *url)
{
	const char *h = strstr(url, "://");

	h = h == NULL ? url : h + 3;
	return strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 ||
	    strncmp(h, "[::1]", 5) == 0;
}

/* Reads and checks the configuration; returns 0 or -1 (logged). */
static int
mailer_setup(struct mailer *m)
{
	static const char *const smtp_schemes[] = { "smtp", "smtps", NULL };
	static const char *const http_schemes[] = { "http", "https", NULL };
	char host[256];
	bool userinfo;

	memset(m, 0, sizeof(*m));
	arena_init(&m->arena, 0);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	/* locked_by is VARCHAR(64): the host is cut to keep the pid. */
	snprintf(m->lock_id, sizeof(m->lock_id), "%.52s:%ld", host,
	    (long)getpid());

	if ((m->from = config_opt("mail_from")) == NULL ||
	    mail_addr_spec(m->from, m->from_addr, sizeof(m->from_addr)) != 0) {
		log_error("mail_from must be set to a sender such as "
		    "Parvis <no-reply@example.fr>");
		return -1;
	}
	m->from_domain = strchr(m->from_addr, '@') + 1;
	snprintf(m->from_path, sizeof(m->from_path), "<%s>", m->from_addr);

	m->smtp_url = config_str("smtp_url", "smtp://127.0.0.1:25");
	if (!url_ok(m->smtp_url, smtp_schemes, &userinfo)) {
		log_error("smtp_url must be smtp://host[:port] or "
		    "smtps://host[:port]");
		return -1;
	}
	if (userinfo) {
		log_error("smtp_url must not hold credentials: set smtp_user "
		    "and smtp_password");
		return -1;
	}
	m->smtp_user = config_opt("smtp_user");
	m->smtp_password = config_opt("smtp_password");
	if (m->smtp_password != NULL && m->smtp_user == NULL) {
		log_error("smtp_password is set without smtp_user");
		return -1;
	}
	m->starttls = config_bool("smtp_starttls", false);
	if (m->smtp_user != NULL && !m->starttls &&
	    strncasecmp(m->smtp_url, "smtps:", 6) != 0 &&
	    !is_loopback(m->smtp_url))
		log_warn("SMTP credentials will cross the network in clear: "
		    "use smtps:// or smtp_starttls = true");

	if ((m->sms_url = config_opt("sms_gateway_url")) != NULL &&
	    !url_ok(m->sms_url, http_schemes, &userinfo)) {
		log_error("sms_gateway_url must be http://... or https://...");
		return -1;
	}
	if ((m->sms_token = config_opt("sms_gateway_token")) != NULL &&
	    !is_token(m->sms_token)) {
		log_error("sms_gateway_token must not hold spaces or control "
		    "characters");
		return -1;
	}
	m->poll_ms = config_int("mailer_poll_ms", 1000, 10, 3600000);
	m->max_attempts = config_int("mailer_max_attempts", 8, 1, 1000);
	return 0;
}

/* ---- e-mail ---- */

static size_t
upload_read(char *dst, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(dst, u->data + u->off, n);
	u->off += n;
	return n;
}

static int
smtp_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct mail_smtp *s = arg;

	(void)h;
	switch (type) {
	case CURLINFO_HEADER_OUT:
		mail_smtp_feed(s, MAIL_SMTP_CMD, data, size);
		break;
	case CURLINFO_DATA_OUT:
		mail_smtp_feed(s, MAIL_SMTP_BODY, data, size);
		break;
	case CURLINFO_HEADER_IN:
		mail_smtp_feed(s, MAIL_SMTP_REPLY, data, size);
		break;
	default:
		break;
	}
	return 0;
}

/* Writes a fresh random Message-ID (without <>) at the sender's domain;
 * returns 0 or -1. */
static int
message_id(const struct mailer *m, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	char left[2 * sizeof(raw) + 1];
	size_t i;
	int n;

	if (crypto_random(raw, sizeof(raw)) != 0)
		return -1;
	for (i = 0; i < sizeof(raw); i++) {
		left[2 * i] = hex[raw[i] >> 4];
		left[2 * i + 1] = hex[raw[i] & 15];
	}
	left[2 * sizeof(raw)] = '\0';
	n = snprintf(out, outlen, "%s@%s", left, m->from_domain);
	return n > 0 && (size_t)n < outlen ? 0 : -1;
}

static void
fail(struct delivery *d, enum mail_outcome outcome, const char *error)
{
	d->outcome = outcome;
	mail_error_text(d->error, sizeof(d->error), error);
}

/* Sets one option or fails the delivery (retried: a libcurl without the
 * feature is our problem, not the message's). */
#define SETOPT(h, opt, val) do {					\
	if (curl_easy_setopt((h), (opt), (val)) != CURLE_OK) {		\
		fail(d, MAIL_RETRY, "libcurl refuses option " #opt);	\
		goto out;						\
	}								\
} while (0)

static void
deliver_email(struct mailer *m, const char *to, const char *subject,
    const char *body, struct delivery *d)
{
	char errbuf[CURL_ERROR_SIZE], mid[MAIL_ADDR_MAX + 1];
	char path[MAIL_ADDR_MAX + 3];
	struct curl_slist *rcpt = NULL;
	struct buf msg = BUF_INIT;
	struct mail_smtp smtp;
	struct upload up;
	CURL *h = NULL;
	CURLcode rc;

	if (message_id(m, mid, sizeof(mid)) != 0) {
		fail(d, MAIL_RETRY, "cannot draw a Message-ID");
		return;
	}
	if (mail_build(&msg, m->from, to, subject != NULL ? subject : "",
	    body, time(NULL), mid) != 0) {
		fail(d, MAIL_DEAD, "message refused: malformed recipient, "
		    "subject or body (control character or invalid UTF-8)");
		return;
	}
	snprintf(path, sizeof(path), "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, path)) == NULL ||
	    (h = curl_easy_init()) == NULL) {
		fail(d, MAIL_RETRY, "libcurl: out of memory");
		goto out;
	}
	up.data = msg.data;
	up.len = msg.len;
	up.off = 0;
	errbuf[0] = '\0';
	mail_smtp_init(&smtp);
	SETOPT(h, CURLOPT_URL, m->smtp_url);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	SETOPT(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(h, CURLOPT_MAIL_FROM, m->from_path);
	SETOPT(h, CURLOPT_MAIL_RCPT, rcpt);
	SETOPT(h, CURLOPT_READFUNCTION, upload_read);
	SETOPT(h, CURLOPT_READDATA, &up);
	SETOPT(h, CURLOPT_UPLOAD, 1L);
	SETOPT(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	/* The debug callback follows the dialogue to tell a refused
	 * recipient from a server down; it prints nothing. */
	SETOPT(h, CURLOPT_DEBUGFUNCTION, smtp_debug);
	SETOPT(h, CURLOPT_DEBUGDATA, &smtp);
	SETOPT(h, CURLOPT_VERBOSE, 1L);
	if (m->starttls)
		SETOPT(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (m->smtp_user != NULL) {
		SETOPT(h, CURLOPT_USERNAME, m->smtp_user);
		if (m->smtp_password != NULL)
			SETOPT(h, CURLOPT_PASSWORD, m->smtp_password);
	}
	rc = curl_easy_perform(h);
	d->outcome = mail_smtp_outcome(&smtp, rc == CURLE_OK);
	if (rc != CURLE_OK)
		mail_smtp_error(&smtp, errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc), d->error, sizeof(d->error));
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	buf_free(&msg);
}

/* ---- SMS ---- */

static size_t
discard(char *data, size_t size, size_t nitems, void *arg)
{
	(void)data;
	(void)arg;
	return size * nitems;
}

static void
deliver_sms(struct mailer *m, const char *to, const char *text,
    struct delivery *d)
{
	char errbuf[CURL_ERROR_SIZE], msg[64 + CURL_ERROR_SIZE];
	struct curl_slist *headers = NULL;
	struct buf form = BUF_INIT, auth = BUF_INIT;
	long status = 0;
	CURL *h = NULL;
	CURLcode rc;

	if (m->sms_url == NULL) {
		d->postpone = true;
		fail(d, MAIL_RETRY, "no SMS gateway configured");
		m->sms_waiting++;
		return;
	}
	buf_puts(&form, "to=");
	buf_url(&form, to);
	buf_puts(&form, "&text=");
	buf_url(&form, text);
	if ((h = curl_easy_init()) == NULL) {
		fail(d, MAIL_RETRY, "libcurl: out of memory");
		goto out;
	}
	if (m->sms_token != NULL) {
		buf_printf(&auth, "Authorization: Bearer %s", m->sms_token);
		headers = curl_slist_append(NULL, buf_str(&auth));
		if (headers == NULL) {
			fail(d, MAIL_RETRY, "libcurl: out of memory");
			goto out;
		}
	}
	errbuf[0] = '\0';
	SETOPT(h, CURLOPT_URL, m->sms_url);
	SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SETOPT(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	SETOPT(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	SETOPT(h, CURLOPT_ERRORBUFFER, errbuf);
	SETOPT(h, CURLOPT_USERAGENT, "parvis-mailer");
	SETOPT(h, CURLOPT_POSTFIELDS, buf_str(&form));
	SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)form.len);
	SETOPT(h, CURLOPT_WRITEFUNCTION, discard);
	if (headers != NULL)
		SETOPT(h, CURLOPT_HTTPHEADER, headers);
	if ((rc = curl_easy_perform(h)) == CURLE_OK &&
	    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	d->outcome = rc == CURLE_OK ? mail_http_outcome(status) : MAIL_RETRY;
	if (d->outcome == MAIL_SENT)
		goto out;
	/* The status only: the gateway's body might echo what we sent. */
	if (rc == CURLE_OK)
		snprintf(msg, sizeof(msg), "SMS gateway: HTTP %ld", status);
	else
		snprintf(msg, sizeof(msg), "SMS gateway: %s",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
	mail_error_text(d->error, sizeof(d->error), msg);
out:
	curl_easy_cleanup(h);
	curl_slist_free_all(headers);
	if (auth.data != NULL)
		memset(auth.data, 0, auth.cap);
	buf_free(&auth);
	buf_free(&form);
}

/* ---- rounds ---- */

/* Runs a result update, tried up to three times: a result lost now would
 * leave the row 'sending' until recovered, and a sent message would go
 * out twice.  Returns the last db result. */
static enum db_rc
exec_retry(struct mailer *m, int stmt, const struct db_param *p, size_t np,
    unsigned long long *affected)
{
	struct timespec pause = { 0, 100 * 1000000L };
	enum db_rc rc = DB_ERROR;
	int i;

	for (i = 0; i < 3; i++) {
		if (i > 0) {
			log_info("retrying the result update");
			(void)nanosleep(&pause, NULL);
		}
		if ((rc = db_exec(m->db, stmt, p, np, affected)) == DB_OK)
			break;
	}
	return rc;
}

/* Writes the delivery's result on row id; returns 0, or -1 when the
 * database failed (the row stays 'sending' and is recovered later). */
static int
record(struct mailer *m, long long id, const char *channel,
    long long attempts, const struct delivery *d)
{
	unsigned long long affected = 0;
	long long tries = attempts + 1;
	long delay = 0;
	enum db_rc rc;

	if (d->outcome == MAIL_SENT)
		rc = exec_retry(m, MSQL(MSQL_SENT), DB_PARAMS(DBP_INT(id),
		    DBP_STR(m->lock_id)), &affected);
	else if (d->postpone)
		rc = exec_retry(m, MSQL(MSQL_RETRY), DB_PARAMS(DBP_INT(0),
		    DBP_STR(d->error), DBP_INT(NO_GATEWAY_DELAY), DBP_INT(id),
		    DBP_STR(m->lock_id)), &affected);
	else if (d->outcome == MAIL_DEAD || tries >= m->max_attempts)
		rc = exec_retry(m, MSQL(MSQL_DEAD), DB_PARAMS(DBP_STR(d->error),
		    DBP_INT(id), DBP_STR(m->lock_id)), &affected);
	else {
		delay = mail_backoff((unsigned)tries);
		rc = exec_retry(m, MSQL(MSQL_RETRY), DB_PARAMS(DBP_INT(1),
		    DBP_STR(d->error), DBP_INT(delay), DBP_INT(id),
		    DBP_STR(m->lock_id)), &affected);
	}
	if (rc != DB_OK) {
		log_error("outbox %lld: %s result not recorded (%s)", id,
		    channel, d->outcome == MAIL_SENT ? "sent" : "failed");
		return -1;
	}
	if (affected != 1)
		log_warn("outbox %lld: claim lost before the result was "
		    "recorded (taken for stale?)", id);
	if (d->outcome == MAIL_SENT)
		log_info("outbox %lld: %s sent", id, channel);
	else if (d->postpone)
		;	/* counted, logged once per round */
	else if (delay == 0)
		log_error("outbox %lld: %s dead after %lld attempt%s: %s",
		    id, channel, tries, tries > 1 ? "s" : "", d->error);
	else
		log_warn("outbox %lld: %s attempt %lld failed, next in %ld s: "
		    "%s", id, channel, tries, delay, d->error);
	return 0;
}

/* Gives back claimed rows not delivered (stopping, or batch too long). */
static void
release(struct mailer *m, const struct db_result *res, const bool *mine,
    size_t from)
{
	size_t i;

	for (i = from; i < res->nrows; i++)
		if (mine[i] && db_exec(m->db, MSQL(MSQL_RELEASE), DB_PARAMS(
		    DBP_INT(db_cell_int(res, i, COL_ID)), DBP_STR(m->lock_id)),
		    NULL) != DB_OK)
			log_error("outbox %lld: not released (recovered in "
			    "%d minutes)", db_cell_int(res, i, COL_ID),
			    STALE_MINUTES);
}

static time_t
monotonic(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return ts.tv_sec;
}

/* Puts back to pending the rows a dead mailer left 'sending'; returns 0,
 * or -1 when the database failed. */
static int
recover(struct mailer *m)
{
	unsigned long long n, total = 0;
	struct db_result res;
	size_t i;

	if (db_query(m->db, &m->arena, MSQL(MSQL_STALE), DB_NOPARAMS,
	    &res) != DB_OK)
		return -1;
	for (i = 0; i < res.nrows; i++) {
		if (db_exec(m->db, MSQL(MSQL_RECOVER), DB_PARAMS(DBP_INT(
		    db_cell_int(&res, i, 0))), &n) != DB_OK)
			return -1;
		total += n;
	}
	if (total > 0)
		log_warn("%llu outbox message%s left 'sending' for %d minutes "
		    "put back to pending", total, total > 1 ? "s" : "",
		    STALE_MINUTES);
	return 0;
}

/* Runs one round: recovers stale claims, claims up to BATCH due rows,
 * delivers them.  *nclaimed gets the number claimed; returns 0, or -1
 * when the database failed. */
static int
mailer_round(struct mailer *m, size_t *nclaimed)
{
	unsigned long long n;
	struct db_result res;
	struct delivery d;
	const char *channel;
	time_t start;
	bool *mine;
	size_t i;

	*nclaimed = 0;
	arena_reset(&m->arena);
	m->sms_waiting = 0;
	/* Every round: a reconnection would have lost it. */
	if (db_exec(m->db, MSQL(MSQL_ISOLATION), DB_NOPARAMS, NULL) != DB_OK ||
	    recover(m) != 0)
		return -1;

	if (db_begin(m->db) != DB_OK)
		return -1;
	if (db_query(m->db, &m->arena, MSQL(MSQL_CLAIM), DB_NOPARAMS,
	    &res) != DB_OK) {
		db_rollback(m->db);
		return -1;
	}
	mine = arena_alloc(&m->arena, res.nrows + 1);
	for (i = 0; i < res.nrows; i++) {
		if (db_exec(m->db, MSQL(MSQL_MARK), DB_PARAMS(
		    DBP_STR(m->lock_id), DBP_INT(db_cell_int(&res, i, COL_ID))),
		    &n) != DB_OK) {
			db_rollback(m->db);
			return -1;
		}
		mine[i] = n == 1;
	}
	if (db_commit(m->db) != DB_OK)
		return -1;
	*nclaimed = res.nrows;
	if (res.nrows > 0)
		log_debug("claimed %zu outbox message%s", res.nrows,
		    res.nrows > 1 ? "s" : "");

	start = monotonic();
	for (i = 0; i < res.nrows; i++) {
		if (!mine[i])
			continue;
		if (stop_requested || monotonic() - start > BATCH_BUDGET) {
			release(m, &res, mine, i);
			break;
		}
		memset(&d, 0, sizeof(d));
		channel = db_cell(&res, i, COL_CHANNEL);
		if (db_cell(&res, i, COL_RECIPIENT) == NULL ||
		    db_cell(&res, i, COL_BODY) == NULL)
			fail(&d, MAIL_DEAD, "no recipient or no body");
		else if (channel != NULL && strcmp(channel, "email") == 0)
			deliver_email(m, db_cell(&res, i, COL_RECIPIENT),
			    db_cell(&res, i, COL_SUBJECT),
			    db_cell(&res, i, COL_BODY), &d);
		else if (channel != NULL && strcmp(channel, "sms") == 0)
			deliver_sms(m, db_cell(&res, i, COL_RECIPIENT),
			    db_cell(&res, i, COL_BODY), &d);
		else
			fail(&d, MAIL_DEAD, "unknown channel");
		if (record(m, db_cell_int(&res, i, COL_ID),
		    channel != NULL ? channel : "?",
		    db_cell_int(&res, i, COL_ATTEMPTS), &d) != 0) {
			release(m, &res, mine, i + 1);
			return -1;
		}
	}
	if (m->sms_waiting > 0)
		log_warn("%u SMS waiting: no SMS gateway configured "
		    "(sms_gateway_url)", m->sms_waiting);
	return 0;
}

/* Sleeps ms milliseconds or until SIGTERM/SIGINT, without the race of a
 * signal landing between the check and the sleep. */
static void
mailer_sleep(long long ms)
{
	struct timespec ts;
	sigset_t block, old;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	if (sigprocmask(SIG_BLOCK, &block, &old) != 0) {
		if (!stop_requested)
			(void)nanosleep(&ts, NULL);
		return;
	}
	if (!stop_requested && ppoll(NULL, 0, &ts, &old) < 0 && errno != EINTR)
		log_warn("ppoll: %s", strerror(errno));
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg = getenv("PARVIS_CONFIG");
	long long wait_ms = 0;
	struct sigaction sa;
	struct mailer m;
	bool once = false;
	size_t claimed;
	int ch, status = 0;

	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'o':
			once = true;
			break;
		default:
			usage();
			return ch == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	log_init("parvis-mailer", LOG_LEVEL_INFO);
	if (cfg == NULL || *cfg == '\0')
		cfg = PARVIS_SYSCONF_DIR "/parvis.conf";
	if (config_load(cfg, "mailer") != 0)
		return 1;
	log_init("parvis-mailer",
	    log_level_parse(config_str("log_level", "info")));
	if (mailer_setup(&m) != 0) {
		arena_free(&m.arena);
		config_free();
		return 1;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		log_error("libcurl does not initialise");
		arena_free(&m.arena);
		config_free();
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal ends the sleep at once. */
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_error("cannot install signal handlers: %s",
		    strerror(errno));
		status = 1;
		goto out;
	}
	/* No db_prepare_all: the mailer's account may only SELECT and UPDATE
	 * the outbox, so libparvis's own statements would not prepare. Ours
	 * prepare on first use, in the first round. */
	m.db = mailer_db_open();
	log_info("started as %s%s", m.lock_id, once ? " (once)" : "");
	while (!stop_requested) {
		if (mailer_round(&m, &claimed) != 0) {
			if (once) {
				status = 1;
				break;
			}
			/* The database is down or refused: wait longer
			 * each time, up to ERROR_SLEEP_MAX. */
			if (wait_ms == 0)
				wait_ms = m.poll_ms > 1000 ? m.poll_ms : 1000;
			else
				wait_ms *= 2;
			if (wait_ms > ERROR_SLEEP_MAX)
				wait_ms = ERROR_SLEEP_MAX;
			mailer_sleep(wait_ms);
			continue;
		}
		wait_ms = 0;
		/* A full batch means more may be due: go on at once. */
		if (claimed == BATCH)
			continue;
		if (once)
			break;
		mailer_sleep(m.poll_ms);
	}
	if (stop_requested)
		log_info("stopping on signal");
out:
	db_free(m.db);
	arena_free(&m.arena);
	curl_global_cleanup();
	config_free();
	return status;
}
