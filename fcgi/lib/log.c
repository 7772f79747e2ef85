#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char	*log_program = "parvis";
static enum log_level	 log_min = LOG_LEVEL_INFO;
static char		 log_reqid[40];

void
log_init(const char *program, enum log_level level)
{
	log_program = program;
	log_min = level;
}

enum log_level
log_level_parse(const char *s)
{
	if (s == NULL)
		return LOG_LEVEL_INFO;
	if (strcasecmp(s, "error") == 0)
		return LOG_LEVEL_ERROR;
	if (strcasecmp(s, "warn") == 0 || strcasecmp(s, "warning") == 0)
		return LOG_LEVEL_WARN;
	if (strcasecmp(s, "debug") == 0)
		return LOG_LEVEL_DEBUG;
	return LOG_LEVEL_INFO;
}

void
log_set_request_id(const char *id)
{
	if (id == NULL)
		log_reqid[0] = '\0';
	else
		snprintf(log_reqid, sizeof(log_reqid), "%s", id);
}

void
log_msg(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	char msg[2048], stamp[32];
	struct timeval tv;
	struct tm tm;
	const char *base;
	va_list ap;

	if (level > log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line per event: a newline inside would let input forge lines. */
	for (char *p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	fprintf(stderr, "%s.%03ldZ %s[%d] %s req=%s %s (%s:%d)\n", stamp,
	    (long)(tv.tv_usec / 1000), log_program, (int)getpid(),
	    names[level], log_reqid[0] ? log_reqid : "-", msg, base, line);
}
