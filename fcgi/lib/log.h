/* Logging to stderr (nginx and the supervisor collect it), one line per
 * event, prefixed with time, program, pid and the current request id. */
#ifndef PARVIS_LOG_H
#define PARVIS_LOG_H

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Sets the program name and the lowest level written. */
void	 log_init(const char *program, enum log_level level);
/* Parses "error", "warn", "info", "debug"; unknown gives info. */
enum log_level log_level_parse(const char *s);
/* Sets the request id printed in every line until cleared (NULL). */
void	 log_set_request_id(const char *id);
void	 log_msg(enum log_level level, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define log_error(...)	log_msg(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)

#endif
