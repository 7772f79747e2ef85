#include "app.h"

#include <errno.h>
#include <fcgiapp.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crypto.h"
#include "db.h"
#include "http.h"
#include "libsql.h"
#include "log.h"
#include "password.h"
#include "session.h"
#include "valid.h"

#define MAX_WORKERS	64

static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "X-Frame-Options: DENY\r\n"
    "Referrer-Policy: same-origin\r\n"
    "Cross-Origin-Opener-Policy: same-origin\r\n"
    "Permissions-Policy: camera=(), microphone=(), geolocation=()\r\n"
    "Cache-Control: no-store\r\n";

static volatile sig_atomic_t	stop_requested;
static volatile sig_atomic_t	in_request;

/* ---- the request pipeline ---- */

static void
request_id_set(struct req *r)
{
	const char *id = http_param(r, "REQUEST_ID");
	unsigned char raw[8];
	size_t i, n;

	if (id != NULL && (n = strlen(id)) > 0 && n < sizeof(r->request_id)) {
		for (i = 0; i < n; i++)
			if (!((id[i] >= '0' && id[i] <= '9') ||
			    (id[i] >= 'a' && id[i] <= 'f')))
				break;
		if (i == n) {
			memcpy(r->request_id, id, n + 1);
			return;
		}
	}
	if (crypto_random(raw, sizeof(raw)) != 0)
		memset(raw, 0, sizeof(raw));
	for (i = 0; i < sizeof(raw); i++)
		snprintf(r->request_id + 2 * i, 3, "%02x", raw[i]);
}

static const char *
request_path(struct req *r)
{
	const char *p = http_param(r, "DOCUMENT_URI");
	const char *uri;
	size_t n;

	if (p != NULL && *p != '\0')
		return p;
	if ((uri = http_param(r, "REQUEST_URI")) == NULL || *uri == '\0')
		return "/";
	n = strcspn(uri, "?");
	return arena_strndup(&r->arena, uri, n);
}

/* Reads and parses the body of a POST within the configured limits;
 * returns 0, or answers the error itself and returns -1. */
static int
read_body(struct req *r)
{
	const char *cl = http_param(r, "CONTENT_LENGTH");
	FCGX_Request *f = r->fcgi;
	long long len = 0;
	enum form_err fe;
	char *body;
	int got;

	if (cl != NULL && *cl != '\0' &&
	    valid_parse_ll(cl, 0, 9223372036854775807LL, &len) != 0)
		return http_error(r, 400, "La longueur de la requête est invalide."), -1;
	if ((size_t)len > r->app->max_body || len > 0x7fffffffLL)
		return http_error(r, 413, "Les données envoyées sont trop volumineuses."), -1;
	if (len == 0)
		return 0;
	body = arena_alloc(&r->arena, (size_t)len + 1);
	if (f == NULL || (got = FCGX_GetStr(body, (int)len, f->in)) != (int)len)
		return http_error(r, 400, "Les données envoyées sont incomplètes."), -1;
	body[len] = '\0';
	if (r->content_type == NULL)
		return http_error(r, 415, "Type de contenu manquant."), -1;
	if (strncasecmp(r->content_type, "application/x-www-form-urlencoded", 33) == 0)
		fe = form_parse_urlencoded(&r->arena, body, (size_t)len,
		    &form_default_limits, &r->form);
	else if (strncasecmp(r->content_type, "multipart/form-data", 19) == 0)
		fe = form_parse_multipart(&r->arena, r->content_type, body,
		    (size_t)len, &form_default_limits, &r->form);
	else
		return http_error(r, 415, "Ce type de contenu n'est pas accepté."), -1;
	if (fe == FORM_ERR_FILE_TOO_LONG)
		return http_error(r, 413, form_strerror(fe)), -1;
	if (fe != FORM_OK)
		return http_error(r, 400, form_strerror(fe)), -1;
	return 0;
}

static int
answer_db_failure(struct req *r)
{
	if (!db_connected(r->app->db))
		return http_error(r, 503, "Le service est momentanément indisponible. "
		    "Réessayez dans quelques minutes.");
	return http_error(r, 500, "Une erreur interne est survenue. "
	    "Elle a été enregistrée ; réessayez plus tard.");
}

/* Checks the route's access requirement; returns 0 to go on, or answers
 * (redirect to login, 403, step-up) and returns -1. */
static int
check_access(struct req *r)
{
	const struct route *rt = r->route;
	char *target;

	if (rt->access == ACCESS_PUBLIC)
		return 0;
	if (r->session == NULL) {
		if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0) {
			struct buf b = BUF_INIT;

			buf_puts(&b, "/connexion?suite=");
			buf_url(&b, r->path);
			if (r->query_string != NULL && *r->query_string != '\0') {
				buf_url(&b, "?");
				buf_url(&b, r->query_string);
			}
			target = arena_strdup(&r->arena, buf_str(&b));
			buf_free(&b);
			http_redirect(r, target);
			return -1;
		}
		http_error(r, 401, "Votre session a expiré. Reconnectez-vous, "
		    "puis recommencez.");
		return -1;
	}
	if (rt->access == ACCESS_ROLE && !req_has_role(r, rt->role)) {
		http_error(r, 403, "Vous n'avez pas accès à cette page.");
		return -1;
	}
	if (r->session->cgu_pending != NULL && !(rt->flags & ROUTE_BEFORE_CGU)) {
		/* Terms of use first: the portal's, then this program's. */
		struct buf b = BUF_INIT;
		size_t n = strcspn(r->session->cgu_pending, ",");

		buf_puts(&b, "/cgu/");
		buf_append(&b, r->session->cgu_pending, n);
		buf_puts(&b, "?suite=");
		buf_url(&b, strcmp(r->method, "GET") == 0 ? r->path : "/");
		target = arena_strdup(&r->arena, buf_str(&b));
		buf_free(&b);
		http_redirect(r, target);
		return -1;
	}
	if (r->session->level < (int)rt->level) {
		struct tdict *ctx = http_ctx(r);

		tdict_str(ctx, "title", "Authentification forte requise");
		tdict_str(ctx, "status", "403");
		tdict_str(ctx, "message", "Cette page nécessite une authentification "
		    "forte : saisissez le code à usage unique que nous vous envoyons.");
		tdict_str(ctx, "step_up_path", r->path);
		if (http_render(r, 403, "error", ctx) != 0)
			http_error(r, 403, "Authentification forte requise.");
		return -1;
	}
	return 0;
}

static void
pipeline(struct app *app, struct req *r)
{
	const struct route *rt = NULL;
	enum route_result rr;
	enum form_err fe;
	enum db_rc rc;
	char allow[64];

	r->method = http_param(r, "REQUEST_METHOD");
	if (r->method == NULL)
		r->method = "GET";
	r->path = request_path(r);
	r->query_string = http_param(r, "QUERY_STRING");
	r->content_type = http_param(r, "CONTENT_TYPE");
	r->remote_addr = http_param(r, "REMOTE_ADDR");
	r->user_agent = http_param(r, "HTTP_USER_AGENT");
	r->origin = http_param(r, "HTTP_ORIGIN");
	r->sec_fetch_site = http_param(r, "HTTP_SEC_FETCH_SITE");

	if (!utf8_valid(r->path, strlen(r->path))) {
		http_error(r, 400, "L'adresse demandée contient des caractères invalides.");
		return;
	}
	if (r->query_string != NULL && (fe = form_parse_urlencoded(&r->arena,
	    r->query_string, strlen(r->query_string), &form_default_limits,
	    &r->query)) != FORM_OK) {
		http_error(r, 400, form_strerror(fe));
		return;
	}
	if (http_param(r, "HTTP_COOKIE") != NULL && (fe = form_parse_cookies(
	    &r->arena, http_param(r, "HTTP_COOKIE"), &form_default_limits,
	    &r->cookies)) != FORM_OK) {
		http_error(r, 400, "Les cookies envoyés par votre navigateur sont "
		    "invalides : effacez les cookies de ce site, puis réessayez.");
		return;
	}
	rr = router_match(app->routes, app->nroutes, r->method, r->path,
	    &r->arena, &rt, &r->path_params, allow, sizeof(allow));
	if (rr == ROUTE_NOT_FOUND) {
		http_error(r, 404, "Cette page n'existe pas.");
		return;
	}
	if (rr == ROUTE_BAD_METHOD) {
		http_header(r, "Allow", allow);
		http_error(r, 405, "Cette action n'est pas possible sur cette page.");
		return;
	}
	r->route = rt;
	if (strcmp(r->method, "POST") == 0 && read_body(r) != 0)
		return;
	if (rt->access != ACCESS_PUBLIC || http_cookie(r, app->cookie_name) != NULL) {
		if ((rc = session_load(r)) != DB_OK) {
			answer_db_failure(r);
			return;
		}
	}
	if (check_access(r) != 0)
		return;
	if (r->session == NULL)
		csrf_pre_ensure(r);
	if (strcmp(r->method, "POST") == 0 && !csrf_check(r)) {
		http_error(r, 403, "Le formulaire a expiré ou ne vient pas de ce site. "
		    "Rechargez la page, puis recommencez.");
		return;
	}
	if (rt->handler(r) != 0 || !r->responded) {
		if (!r->responded)
			log_error("handler for %s %s failed", r->method, rt->pattern);
		db_rollback(app->db);
		buf_clear(&r->headers);
		answer_db_failure(r);
	}
	if (db_in_transaction(app->db)) {
		log_error("handler for %s left a transaction open: rolled back",
		    rt->pattern);
		db_rollback(app->db);
	}
}


/* The path as the log shows it: the single-use token of an activation,
 * reset or request-tracking link is masked, as in nginx's access log
 * (nginx/parvis.conf): whoever reads the log must not be able to use an
 * unused link. */
static const char *
log_path(const char *path)
{
	static const struct { const char *prefix, *masked; } linked[] = {
		{ "/activation/", "/activation/[jeton]" },
		{ "/mot-de-passe/reinitialiser/",
		    "/mot-de-passe/reinitialiser/[jeton]" },
		{ "/compte/demande/suivi/", "/compte/demande/suivi/[jeton]" },
	};
	size_t i, n;

	if (path == NULL)
		return "-";
	for (i = 0; i < sizeof(linked) / sizeof(linked[0]); i++) {
		n = strlen(linked[i].prefix);
		if (strncmp(path, linked[i].prefix, n) == 0 && path[n] != '\0')
			return linked[i].masked;
	}
	return path;
}

static void
flush_response(struct req *r)
{
	FCGX_Request *f = r->fcgi;
	bool head = r->method != NULL && strcmp(r->method, "HEAD") == 0;
	char line[64];

	if (f == NULL)
		return;
	FCGX_FPrintF(f->out, "Status: %d %s\r\n", r->status, http_reason(r->status));
	FCGX_PutS(security_headers, f->out);
	FCGX_FPrintF(f->out, "X-Request-Id: %s\r\n", r->request_id);
	FCGX_PutStr(buf_str(&r->headers), (int)r->headers.len, f->out);
	/* libfcgi's printf knows no %zu: format here. */
	snprintf(line, sizeof(line), "Content-Length: %lu\r\n\r\n",
	    (unsigned long)r->body.len);
	FCGX_PutS(line, f->out);
	if (!head && r->body.len > 0)
		FCGX_PutStr(r->body.data, (int)r->body.len, f->out);
}

void
app_handle(struct app *app, struct req *r)
{
	struct timeval t0, t1;

	gettimeofday(&t0, NULL);
	r->app = app;
	r->now = time(NULL);
	r->status = 200;
	request_id_set(r);
	log_set_request_id(r->request_id);
	pipeline(app, r);
	if (!r->responded)
		http_error(r, 500, "Une erreur interne est survenue.");
	flush_response(r);
	gettimeofday(&t1, NULL);
	log_debug("%s %s %d %.1fms", r->method, log_path(r->path), r->status,
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_usec - t0.tv_usec) / 1e3);
	log_set_request_id(NULL);
}

/* ---- configuration and process model ---- */

struct db *
app_db_from_config(const struct db_table *tables, size_t ntables)
{
	struct db_config c;

	c.socket = config_str("db_socket", NULL);
	c.host = config_str("db_host", NULL);
	c.port = (unsigned)config_int("db_port", 3306, 1, 65535);
	c.user = config_str("db_user", NULL);
	c.password = config_str("db_password", NULL);
	c.name = config_str("db_name", "parvis");
	return db_new(&c, tables, ntables);
}

static int
app_setup(struct app *app, const struct app_def *def)
{
	char err[512];
	const char *dir, *p;
	size_t n;

	memset(app, 0, sizeof(*app));
	app->def = def;
	if ((app->tables = calloc(def->nareas + 1, sizeof(*app->tables))) == NULL)
		abort();
	for (size_t i = 0; i < def->nareas; i++) {
		struct route *rt;

		app->tables[i].sql = def->areas[i]->sql;
		app->tables[i].n = def->areas[i]->nsql;
		rt = realloc(app->routes, (app->nroutes + def->areas[i]->nroutes + 1) *
		    sizeof(*app->routes));
		if (rt == NULL)
			abort();
		app->routes = rt;
		if (def->areas[i]->nroutes > 0)
			memcpy(app->routes + app->nroutes, def->areas[i]->routes,
			    def->areas[i]->nroutes * sizeof(*rt));
		app->nroutes += def->areas[i]->nroutes;
	}
	app->public_url = config_str("public_url", "http://127.0.0.1:8080");
	/* The origin is scheme://host[:port], the public URL without a path. */
	p = strstr(app->public_url, "://");
	n = p == NULL ? strlen(app->public_url) :
	    (size_t)(p + 3 - app->public_url) + strcspn(p + 3, "/");
	app->origin = strndup(app->public_url, n);
	app->secret = config_str("secret_key", NULL);
	if (app->secret == NULL || strlen(app->secret) < 32) {
		log_error("secret_key must be set in the configuration "
		    "(at least 32 random characters)");
		return -1;
	}
	app->cookie_secure = config_bool("cookie_secure", true);
	app->cookie_name = app->cookie_secure ? "__Host-parvis" : "parvis_session";
	app->session_idle = (long)config_int("session_idle_seconds", 1800, 1, 86400);
	app->session_absolute = (long)config_int("session_absolute_seconds",
	    43200, 1, 7 * 86400);
	app->max_body = (size_t)config_int("max_body_bytes", 6 * 1024 * 1024,
	    1024, 64 * 1024 * 1024);
	password_cost_from_config();
	dir = config_str("templates_dir", PARVIS_TEMPLATES_DIR);
	if ((app->tmpl = tmpl_set_new()) == NULL ||
	    tmpl_set_load_dir(app->tmpl, dir, err, sizeof(err)) != 0) {
		log_error("templates in %s: %s", dir, err);
		return -1;
	}
	if (!tmpl_exists(app->tmpl, "layout") || !tmpl_exists(app->tmpl, "error")) {
		log_error("templates in %s: layout.html and error.html are required", dir);
		return -1;
	}
	return 0;
}

static void
app_free(struct app *app)
{
	free(app->routes);
	free(app->tables);
	free((char *)app->origin);
	tmpl_set_free(app->tmpl);
	config_free();
}

static void
on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (!in_request)
		_exit(0);
}

static int
worker_loop(struct app *app, int listen_fd)
{
	FCGX_Request freq;
	struct req r;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	app->db = app_db_from_config(app->tables, app->def->nareas);
	/* Down now is fine (retried per request); a statement that does not
	 * prepare is a bug to see in the log at once. */
	if (db_prepare_all(app->db) == DB_ERROR)
		log_error("a statement of %s does not prepare: see above",
		    app->def->binary);
	FCGX_Init();
	FCGX_InitRequest(&freq, listen_fd, 0);
	memset(&r, 0, sizeof(r));
	arena_init(&r.arena, 0);
	while (!stop_requested) {
		if (FCGX_Accept_r(&freq) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		in_request = 1;
		{
			struct arena keep = r.arena;
			struct buf headers = r.headers, body = r.body;

			memset(&r, 0, sizeof(r));
			r.arena = keep;
			r.headers = headers;
			r.body = body;
			buf_clear(&r.headers);
			buf_clear(&r.body);
		}
		r.fcgi = &freq;
		app_handle(app, &r);
		FCGX_Finish_r(&freq);
		arena_reset(&r.arena);
		in_request = 0;
	}
	arena_free(&r.arena);
	buf_free(&r.headers);
	buf_free(&r.body);
	db_free(app->db);
	return 0;
}

static pid_t
spawn_worker(struct app *app, int fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		_exit(worker_loop(app, fd));
	}
	if (pid < 0)
		log_error("fork: %s", strerror(errno));
	return pid;
}

static volatile sig_atomic_t	supervisor_stop;

static void
on_supervisor_term(int sig)
{
	(void)sig;
	supervisor_stop = 1;
}

/* Keeps n workers alive on fd until SIGTERM; a worker that dies is
 * replaced (after a pause if workers die right after starting). */
static int
supervise(struct app *app, int fd, int n)
{
	pid_t pids[MAX_WORKERS];
	time_t started[MAX_WORKERS];
	struct sigaction sa;
	int i, status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_supervisor_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (i = 0; i < n; i++) {
		pids[i] = spawn_worker(app, fd);
		started[i] = time(NULL);
	}
	log_info("%s: %d workers serving", app->def->binary, n);
	while (!supervisor_stop) {
		pid_t dead = waitpid(-1, &status, 0);

		if (dead < 0) {
			if (errno == EINTR)
				continue;
			sleep(1);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (pids[i] != dead)
				continue;
			if (WIFSIGNALED(status))
				log_error("worker %d killed by signal %d: restarting",
				    (int)dead, WTERMSIG(status));
			else
				log_warn("worker %d exited with %d: restarting",
				    (int)dead, WEXITSTATUS(status));
			if (time(NULL) - started[i] < 1)
				sleep(1);
			if (supervisor_stop)
				break;
			pids[i] = spawn_worker(app, fd);
			started[i] = time(NULL);
		}
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	while (waitpid(-1, &status, 0) > 0 || errno == EINTR)
		;
	log_info("%s: stopped", app->def->binary);
	return 0;
}

static void
usage(const struct app_def *def)
{
	fprintf(stderr, "usage: %s [--config FILE] [--socket PATH [--workers N]]\n"
	    "Without --socket the program serves the FastCGI socket it was "
	    "given on standard input (spawn-fcgi, systemd).\n", def->binary);
}

int
app_main(int argc, char **argv, const struct app_def *def)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg = getenv("PARVIS_CONFIG"), *sock = NULL;
	long long workers = 3, mode;
	struct app app;
	int ch, fd, rc;

	while ((ch = getopt_long(argc, argv, "c:s:w:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'w':
			if (valid_parse_ll(optarg, 1, MAX_WORKERS, &workers) != 0) {
				fprintf(stderr, "--workers takes 1 to %d\n", MAX_WORKERS);
				return 2;
			}
			break;
		default:
			usage(def);
			return ch == 'h' ? 0 : 2;
		}
	}
	log_init(def->binary, LOG_LEVEL_INFO);
	if (cfg == NULL)
		cfg = PARVIS_SYSCONF_DIR "/parvis.conf";
	if (config_load(cfg, def->name) != 0)
		return 1;
	log_init(def->binary, log_level_parse(config_str("log_level", "info")));
	signal(SIGPIPE, SIG_IGN);
	/* Times are stored in UTC and shown in French local time. */
	setenv("TZ", config_str("display_timezone", "Europe/Paris"), 1);
	tzset();
	if (app_setup(&app, def) != 0) {
		app_free(&app);
		return 1;
	}
	if (sock == NULL) {
		rc = worker_loop(&app, 0);
		app_free(&app);
		return rc;
	}
	unlink(sock);
	if ((fd = FCGX_OpenSocket(sock, 128)) < 0) {
		log_error("cannot listen on %s", sock);
		app_free(&app);
		return 1;
	}
	{
		/* Octal, as chmod(1) takes it. */
		const char *m = config_str("socket_mode", "0660");
		char *end;

		mode = strtol(m, &end, 8);
		if (*m == '\0' || *end != '\0' || mode < 0 || mode > 0777) {
			log_error("socket_mode must be octal, e.g. 0660");
			return 1;
		}
		if (chmod(sock, (mode_t)mode) != 0)
			log_error("chmod %s: %s", sock, strerror(errno));
	}
	rc = supervise(&app, fd, (int)workers);
	app_free(&app);
	return rc;
}

int
app_healthz(struct req *r)
{
	struct db_result res;

	/* One real query, not a ping: it proves the statements work too. */
	if (db_query_row(r->app->db, &r->arena, DB_LIB(LSQL_PING), DB_NOPARAMS,
	    &res) != DB_OK)
		return http_send(r, 503, "text/plain; charset=utf-8",
		    "database unavailable\n", 21);
	return http_send(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}
