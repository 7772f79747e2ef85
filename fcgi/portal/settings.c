/*
 * "Mon compte": the user's own settings.
 *
 * Identity is read-only here (the service centre changes it).  A new
 * e-mail address or mobile number applies only once the one-time code sent
 * to it is typed back, and the old address is told.  The password and the
 * secret question need the current password (throttled: REAUTH_MAX wrong
 * ones in REAUTH_WINDOW, then 429).  Home page, favourite panels and
 * favourite partners are preferences; partners are picked from the
 * directory (a search by name, profession and postal code on its folded
 * name keys, several ticked at once) or typed by number, and shown with
 * the directory's public details.  The sessions page lists the user's
 * open sessions and ends them.
 *
 * Every change is audited in its transaction and answered by a redirect
 * whose ?ok= names one of the fixed messages of success_messages[].
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "db.h"
#include "directory.h"
#include "formerr.h"
#include "http.h"
#include "otp.h"
#include "outbox.h"
#include "password.h"
#include "portal.h"
#include "pwpolicy.h"
#include "session.h"
#include "textfold.h"
#include "valid.h"

enum {
	SET_USER_GET,
	SET_REAUTH_FAILURES,
	SET_EMAIL_TAKEN,
	SET_EMAIL_UPDATE,
	SET_MOBILE_UPDATE,
	SET_OTP_PENDING,
	SET_PASSWORD_UPDATE,
	SET_RESET_TOKENS_VOID,
	SET_SECRET_UPDATE,
	SET_HOME_UPDATE,
	SET_PANELS_LIST,
	SET_PANELS_CLEAR,
	SET_PANEL_INSERT,
	SET_USER_LOCK,
	SET_PARTNERS_LIST,
	SET_PARTNERS_COUNT,
	SET_PARTNER_INSERT,
	SET_PARTNER_DELETE,
	SET_DIR_NAME,
	SET_DIR_NAME_PROF,
	SET_DIR_PLACE,
	SET_DIR_PLACE_PROF,
	SET_DIR_PROFESSIONS,
	SET_DIR_PRESENT,
	SET_SESSIONS_LIST,
	SET_SESSIONS_OTHERS,
	SET_SESSION_DELETE,
	SET__MAX
};
#define Q(i)	DB_STMT(PA_SETTINGS, (i))

/* A directory hit's own column (1 parameter: the user): already a
 * partner. */
#define PARTNER_COL							\
	"EXISTS (SELECT 1 FROM user_favorite_partner f"			\
	"  WHERE f.user_id = ? AND f.idnps = p.idnps)"

static const char *const settings_sql[SET__MAX] = {
	[SET_USER_GET] =
	    "SELECT login, civility, first_name, last_name, profession, structure,"
	    " idnps, email, mobile, password_hash,"
	    " COALESCE(UNIX_TIMESTAMP(password_changed_at), 0), secret_question,"
	    " secret_answer_hash IS NOT NULL, home_page"
	    " FROM app_user WHERE id = ?",
	[SET_REAUTH_FAILURES] =
	    "SELECT COUNT(*) FROM audit_log WHERE user_id = ?"
	    " AND action = 'settings.reauth.failed' AND at >= FROM_UNIXTIME(?)",
	[SET_EMAIL_TAKEN] =
	    "SELECT 1 FROM app_user WHERE email = ? AND id <> ? LIMIT 1",
	[SET_EMAIL_UPDATE] =
	    "UPDATE app_user SET email = ?, updated_by = ? WHERE id = ?",
	[SET_MOBILE_UPDATE] =
	    "UPDATE app_user SET mobile = ?, updated_by = ? WHERE id = ?",
	/* The live code of a purpose, to show its form and where it went. */
	[SET_OTP_PENDING] =
	    "SELECT target FROM otp_code WHERE session_id = ? AND purpose = ?"
	    " AND used_at IS NULL AND expires_at > FROM_UNIXTIME(?) AND attempts < ?"
	    " ORDER BY id DESC LIMIT 1",
	[SET_PASSWORD_UPDATE] =
	    "UPDATE app_user SET password_hash = ?,"
	    " password_changed_at = FROM_UNIXTIME(?), updated_by = ? WHERE id = ?",
	/* A password change kills the reset links still in flight. */
	[SET_RESET_TOKENS_VOID] =
	    "UPDATE user_token SET used_at = FROM_UNIXTIME(?)"
	    " WHERE user_id = ? AND kind = 'reset' AND used_at IS NULL",
	[SET_SECRET_UPDATE] =
	    "UPDATE app_user SET secret_question = ?, secret_answer_hash = ?,"
	    " updated_by = ? WHERE id = ?",
	[SET_HOME_UPDATE] =
	    "UPDATE app_user SET home_page = ?, updated_by = ? WHERE id = ?",
	[SET_PANELS_LIST] =
	    "SELECT position, panel FROM user_favorite_panel WHERE user_id = ?"
	    " ORDER BY position",
	[SET_PANELS_CLEAR] =
	    "DELETE FROM user_favorite_panel WHERE user_id = ?",
	[SET_PANEL_INSERT] =
	    "INSERT INTO user_favorite_panel (user_id, position, panel) VALUES (?, ?, ?)",
	/* Serialises one user's list changes (the 20-partner limit). */
	[SET_USER_LOCK] =
	    "SELECT id FROM app_user WHERE id = ? FOR UPDATE",
	/* With the directory's public details (first present site); f.idnps
	 * is converted to the directory's character set so that its unique
	 * key is used.  A partner gone from the directory stays. */
	[SET_PARTNERS_LIST] =
	    "SELECT f.idnps, UNIX_TIMESTAMP(f.created_at), p.first_name,"
	    " p.last_name, COALESCE(pr.label, p.profession_code), p.file_status,"
	    " s.street_number, s.street_repeat, s.street_type, s.street_name,"
	    " s.postal_code, s.commune_label, s.phone, s.company_name"
	    " FROM user_favorite_partner f"
	    " LEFT JOIN professional p ON p.idnps = CONVERT(f.idnps USING ascii)"
	    " LEFT JOIN rpps_profession pr ON pr.code = p.profession_code"
	    " LEFT JOIN practice_site s ON s.id = (SELECT MIN(s2.id)"
	    "  FROM practice_site s2 WHERE s2.idnps = p.idnps"
	    "  AND s2.status = 'present')"
	    " WHERE f.user_id = ? ORDER BY f.position, f.created_at",
	[SET_PARTNERS_COUNT] =
	    "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM user_favorite_partner"
	    " WHERE user_id = ?",
	[SET_PARTNER_INSERT] =
	    "INSERT INTO user_favorite_partner (user_id, idnps, position, created_at)"
	    " VALUES (?, ?, ?, FROM_UNIXTIME(?))",
	[SET_PARTNER_DELETE] =
	    "DELETE FROM user_favorite_partner WHERE user_id = ? AND idnps = ?",
	/* Directory searches, one per shape so that each reads its index
	 * (professional_name, professional_profession, site_place).  Columns:
	 * idnps, first name, last name, profession, town, already a partner
	 * (1 parameter: the user). */
	[SET_DIR_NAME] = DIR_SQL_BY_NAME(PARTNER_COL),
	[SET_DIR_NAME_PROF] = DIR_SQL_BY_NAME_PROF(PARTNER_COL),
	[SET_DIR_PLACE] = DIR_SQL_BY_PLACE(PARTNER_COL),
	[SET_DIR_PLACE_PROF] = DIR_SQL_BY_PLACE_PROF(PARTNER_COL),
	[SET_DIR_PROFESSIONS] = DIR_SQL_PROFESSIONS,
	/* In the directory, and whether already a partner (a duplicate
	 * insert would fail the transaction). */
	[SET_DIR_PRESENT] =
	    "SELECT EXISTS (SELECT 1 FROM user_favorite_partner f"
	    "  WHERE f.user_id = ? AND f.idnps = p.idnps)"
	    " FROM professional p WHERE p.idnps = ? AND p.file_status = 'present'",
	/* Live sessions only: the same timeouts as session_load. */
	[SET_SESSIONS_LIST] =
	    "SELECT id, UNIX_TIMESTAMP(created_at), UNIX_TIMESTAMP(last_seen_at),"
	    " ip, user_agent, level FROM session WHERE user_id = ?"
	    " AND last_seen_at >= FROM_UNIXTIME(?) AND created_at >= FROM_UNIXTIME(?)"
	    " ORDER BY last_seen_at DESC, id DESC",
	[SET_SESSIONS_OTHERS] =
	    "SELECT COUNT(*) FROM session WHERE user_id = ? AND id <> ?",
	[SET_SESSION_DELETE] =
	    "DELETE FROM session WHERE id = ? AND user_id = ?",
};

/* Wrong current passwords (password and secret question forms): at most
 * REAUTH_MAX in REAUTH_WINDOW seconds, counted from the audit log. */
#define REAUTH_MAX	5
#define REAUTH_WINDOW	900

#define QUESTION_MIN	5
#define QUESTION_MAX	200
#define ANSWER_MIN	3
#define ANSWER_MAX	100
/* The normalised answer is never longer in bytes than the answer. */
#define ANSWER_BYTES	(ANSWER_MAX * 4 + 1)

#define PARTNERS_MAX	20
#define PANELS_MAX	3

static const char msg_email_refused[] =
    "Cette adresse ne peut pas être utilisée pour votre compte. Vérifiez-la "
    "ou choisissez-en une autre ; en cas de besoin, contactez le centre de "
    "services.";
static const char msg_reauth_wrong[] = "Le mot de passe actuel est incorrect.";
static const char msg_reauth_throttled[] =
    "Trop d'essais de mot de passe : réessayez dans quelques minutes.";
static const char msg_mail_sign[] = "-- \nParvis, services numériques en santé\n";

/* The fixed messages a redirect selects with ?ok=. */
static const struct {
	const char	*key;
	const char	*text;
} success_messages[] = {
	{ "code-email", "Un code de confirmation a été envoyé à la nouvelle "
	    "adresse. Saisissez-le ci-dessous : l'adresse ne changera qu'après." },
	{ "code-mobile", "Un code de confirmation a été envoyé par SMS au nouveau "
	    "numéro. Saisissez-le ci-dessous : le numéro ne changera qu'après." },
	{ "email", "Votre adresse e-mail a été modifiée. Un message a prévenu "
	    "l'ancienne adresse." },
	{ "mobile", "Votre numéro de téléphone mobile a été modifié." },
	{ "mot-de-passe", "Votre mot de passe a été modifié. Vos autres sessions "
	    "ont été fermées." },
	{ "question", "Votre question secrète a été enregistrée." },
	{ "question-supprimee", "Votre question secrète a été supprimée." },
	{ "accueil", "Votre page d'accueil a été enregistrée." },
	{ "volets", "Vos volets favoris ont été enregistrés." },
	{ "partenaire-ajoute", "Le professionnel a été ajouté à vos partenaires "
	    "favoris." },
	{ "partenaires-ajoutes", "Les professionnels ont été ajoutés à vos "
	    "partenaires favoris." },
	{ "partenaire-retire", "Le professionnel a été retiré de vos partenaires "
	    "favoris." },
	{ "session", "La session a été fermée." },
	{ "sessions", "Toutes vos autres sessions ont été fermées." },
};

/* The pages a user may land on after login. */
static const struct {
	const char	*path;
	const char	*label;
} home_pages[] = {
	{ "/", "Mes applications" },
	{ "/annuaire/", "Annuaire" },
	{ "/icope/usagers", "Dossiers ICOPE" },
	{ "/icope/alertes", "Alertes ICOPE" },
};
#define NHOME	(sizeof(home_pages) / sizeof(home_pages[0]))

/* The panels of the patient file, as user_favorite_panel.panel holds them. */
static const struct {
	const char	*code;
	const char	*label;
} panels[] = {
	{ "administratif", "Administratif" },
	{ "entourage", "Entourage" },
	{ "evaluation", "ICOPE – Évaluation" },
	{ "alertes", "ICOPE – Alertes et STEP 2" },
	{ "suivi", "ICOPE – Suivi" },
	{ "historique", "Historique" },
};
#define NPANELS	(sizeof(panels) / sizeof(panels[0]))

/* ---- pure helpers ---- */

/* Returns true when needle (non-empty) occurs in haystack. */
static bool
contains(const char *haystack, const char *needle)
{
	return *needle != '\0' && strstr(haystack, needle) != NULL;
}

/* The major version that follows token in ua ("Firefox/128.0" -> "128"),
 * copied into out (at most 5 digits); "" when none. */
static void
ua_version(const char *after, char *out, size_t outlen)
{
	size_t n = 0;

	while (n + 1 < outlen && n < 5 && after[n] >= '0' && after[n] <= '9') {
		out[n] = after[n];
		n++;
	}
	out[n] = '\0';
}

/*
 * A short description of a User-Agent for people: "Firefox 128 sur Linux",
 * "Safari 17 sur iPhone", "Navigateur inconnu".  Only the names of the
 * tables below and digits reach out, so nothing of the raw header does.
 */
static void
ua_summary(const char *ua, char *out, size_t outlen)
{
	/* In the order to test them: Edge and Opera also say "Chrome",
	 * Chrome also says "Safari". */
	static const struct {
		const char	*token;
		const char	*name;
	} browsers[] = {
		{ "Edg/", "Edge" }, { "EdgA/", "Edge" }, { "EdgiOS/", "Edge" },
		{ "OPR/", "Opera" }, { "SamsungBrowser/", "Samsung Internet" },
		{ "Firefox/", "Firefox" }, { "FxiOS/", "Firefox" },
		{ "CriOS/", "Chrome" }, { "Chrome/", "Chrome" },
		{ "Chromium/", "Chromium" }, { "Safari/", "Safari" },
		{ "curl/", "curl" }, { "Wget/", "Wget" },
	};
	static const struct {
		const char	*token;
		const char	*name;
	} systems[] = {
		{ "Windows", "Windows" }, { "iPhone", "iPhone" }, { "iPad", "iPad" },
		{ "Android", "Android" }, { "CrOS", "ChromeOS" },
		{ "Macintosh", "macOS" }, { "Mac OS X", "macOS" },
		{ "Linux", "Linux" },
	};
	const char *browser = NULL, *os = NULL, *at;
	char version[8] = "";
	size_t i;

	for (i = 0; ua != NULL && browser == NULL &&
	    i < sizeof(browsers) / sizeof(browsers[0]); i++) {
		if ((at = strstr(ua, browsers[i].token)) == NULL)
			continue;
		browser = browsers[i].name;
		/* Safari's own version is in "Version/17.4". */
		if (strcmp(browsers[i].token, "Safari/") == 0)
			at = strstr(ua, "Version/");
		if (at != NULL)
			ua_version(strchr(at, '/') + 1, version, sizeof(version));
	}
	for (i = 0; ua != NULL && os == NULL &&
	    i < sizeof(systems) / sizeof(systems[0]); i++)
		if (strstr(ua, systems[i].token) != NULL)
			os = systems[i].name;
	snprintf(out, outlen, "%s%s%s%s%s", browser ? browser : "Navigateur inconnu",
	    version[0] != '\0' ? " " : "", version, os ? " sur " : "", os ? os : "");
}

/* A one-time code as people type it ("123 456") into out (7 bytes);
 * returns true when it is 6 digits. */
static bool
code_clean(const char *code, char out[OTP_DIGITS + 1])
{
	size_t i, n = 0;

	for (i = 0; code != NULL && code[i] != '\0' && i < 32; i++) {
		if (code[i] == ' ')
			continue;
		if (code[i] < '0' || code[i] > '9' || n == OTP_DIGITS)
			return false;
		out[n++] = code[i];
	}
	out[n] = '\0';
	return n == OTP_DIGITS && (code == NULL || code[i] == '\0');
}

/* An RPPS number (11 digits), an ADELI number (9) or an IDNPS, spaces
 * allowed, as an IDNPS ("8" + RPPS, "0" + ADELI) from r's arena; NULL when
 * it is none of them. */
static const char *
idnps_from_input(struct req *r, const char *s)
{
	char digits[16];
	size_t i, n = 0;

	for (i = 0; s != NULL && s[i] != '\0'; i++) {
		if (s[i] == ' ' || s[i] == '.' || s[i] == '-')
			continue;
		if (s[i] < '0' || s[i] > '9' || n + 1 >= sizeof(digits))
			return NULL;
		digits[n++] = s[i];
	}
	digits[n] = '\0';
	if (n == 11 && valid_rpps(digits, 0, 0) == NULL)
		return arena_printf(&r->arena, "8%s", digits);
	if (n == 9 && valid_adeli(digits, 0, 0) == NULL)
		return arena_printf(&r->arena, "0%s", digits);
	if (valid_idnps(digits, 0, 0) == NULL)
		return arena_strdup(&r->arena, digits);
	return NULL;
}

/* ---- page helpers ---- */

/* The page's context: title, breadcrumb, the ?ok= message. */
static struct tdict *
page_ctx(struct req *r, const char *title)
{
	struct tdict *ctx = http_ctx(r);
	const char *ok = http_query(r, "ok");
	size_t i;

	tdict_str(ctx, "title", title);
	for (i = 0; ok != NULL && i < sizeof(success_messages) /
	    sizeof(success_messages[0]); i++)
		if (strcmp(ok, success_messages[i].key) == 0)
			tdict_str(ctx, "success", success_messages[i].text);
	return ctx;
}

struct account {
	const char	*login;
	const char	*civility;
	const char	*first_name;
	const char	*last_name;
	const char	*profession;
	const char	*structure;
	const char	*idnps;
	const char	*email;
	const char	*mobile;
	const char	*password_hash;
	time_t		 password_changed;
	const char	*secret_question;
	bool		 has_secret;
	const char	*home_page;
};

/* Loads the session's user; returns 0 or -1. */
static int
account_load(struct req *r, struct account *a)
{
	struct db_result res;

	if (db_query_row(r->app->db, &r->arena, Q(SET_USER_GET),
	    DB_PARAMS(DBP_INT(r->session->user_id)), &res) != DB_OK)
		return -1;
	a->login = db_cell(&res, 0, 0);
	a->civility = db_cell(&res, 0, 1);
	a->first_name = db_cell(&res, 0, 2);
	a->last_name = db_cell(&res, 0, 3);
	a->profession = db_cell(&res, 0, 4);
	a->structure = db_cell(&res, 0, 5);
	a->idnps = db_cell(&res, 0, 6);
	a->email = db_cell(&res, 0, 7);
	a->mobile = db_cell(&res, 0, 8);
	a->password_hash = db_cell(&res, 0, 9);
	a->password_changed = (time_t)db_cell_int(&res, 0, 10);
	a->secret_question = db_cell(&res, 0, 11);
	a->has_secret = db_cell_int(&res, 0, 12) != 0;
	a->home_page = db_cell(&res, 0, 13);
	return 0;
}

static const char *
home_label(const char *path)
{
	size_t i;

	for (i = 0; path != NULL && i < NHOME; i++)
		if (strcmp(path, home_pages[i].path) == 0)
			return home_pages[i].label;
	return home_pages[0].label;
}

static const char *
panel_label(const char *code)
{
	size_t i;

	for (i = 0; code != NULL && i < NPANELS; i++)
		if (strcmp(code, panels[i].code) == 0)
			return panels[i].label;
	return NULL;
}

/* Queues a notice to the user's address; returns the db result. */
static enum db_rc
notify(struct req *r, const struct account *a, const char *to,
    const char *subject, const char *what)
{
	const char *body = arena_printf(&r->arena, "Bonjour %s %s,\n\n%s\n\n"
	    "Date : %s (heure de Paris)\nIdentifiant : %s\n\n"
	    "Si vous n'êtes pas à l'origine de ce changement, changez votre mot "
	    "de passe et prévenez sans attendre le centre de services.\n\n"
	    "Votre compte : %s/compte\n\n%s", a->first_name, a->last_name, what,
	    http_date_fr(r, r->now, true), a->login, r->app->public_url,
	    msg_mail_sign);

	return outbox_email(r->app->db, to, subject, body);
}

enum reauth { REAUTH_OK, REAUTH_WRONG, REAUTH_THROTTLED, REAUTH_ERROR };

/* Checks the current password pw typed into field of a settings form
 * (form: the audit row's words); a wrong one is audited and counted
 * (REAUTH_MAX in REAUTH_WINDOW, then refused).  On REAUTH_WRONG (empty,
 * too long or wrong) and REAUTH_THROTTLED the message is added to e. */
static enum reauth
reauth(struct req *r, const struct account *a, const char *pw,
    const char *field, const char *form, struct form_errors *e)
{
	struct db_result res;

	if (pw == NULL || *pw == '\0') {
		form_error_add(e, field, "Saisissez votre mot de passe actuel.");
		return REAUTH_WRONG;
	}
	if (strlen(pw) > 1024) {
		form_error_add(e, field, msg_reauth_wrong);
		return REAUTH_WRONG;
	}
	if (db_query_row(r->app->db, &r->arena, Q(SET_REAUTH_FAILURES), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(r->now - REAUTH_WINDOW)),
	    &res) != DB_OK)
		return REAUTH_ERROR;
	if (db_cell_int(&res, 0, 0) >= REAUTH_MAX) {
		password_dummy_verify(pw);
		form_error_add(e, field, msg_reauth_throttled);
		return REAUTH_THROTTLED;
	}
	if (a->password_hash != NULL && password_verify(a->password_hash, pw))
		return REAUTH_OK;
	if (audit(r, "settings.reauth.failed", "user", a->login, 0, AUDIT_DENIED,
	    form) != DB_OK)
		return REAUTH_ERROR;
	form_error_add(e, field, msg_reauth_wrong);
	return REAUTH_WRONG;
}

static int
fail_tx(struct req *r)
{
	db_rollback(r->app->db);
	return -1;
}

/* ---- /compte ---- */

static int
account_page(struct req *r)
{
	struct account a;
	struct db_result pres, fres, sres;
	struct tdict *ctx;
	struct tlist *l;
	size_t i;

	if (account_load(r, &a) != 0 ||
	    db_query(r->app->db, &r->arena, Q(SET_PANELS_LIST), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &pres) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(SET_PARTNERS_COUNT), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &fres) != DB_OK ||
	    db_query(r->app->db, &r->arena, Q(SET_SESSIONS_LIST), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(r->now - r->app->session_idle),
	    DBP_INT(r->now - r->app->session_absolute)), &sres) != DB_OK)
		return -1;
	ctx = page_ctx(r, "Mon compte");
	tdict_str(ctx, "civility", a.civility);
	tdict_str(ctx, "first_name", a.first_name);
	tdict_str(ctx, "last_name", a.last_name);
	tdict_str(ctx, "login", a.login);
	tdict_str(ctx, "profession", a.profession);
	tdict_str(ctx, "structure", a.structure);
	tdict_str(ctx, "idnps", a.idnps);
	tdict_str(ctx, "email", a.email);
	tdict_str(ctx, "mobile", phone_display(&r->arena, a.mobile));
	if (a.password_changed > 0)
		tdict_str(ctx, "password_changed", http_date_fr(r, a.password_changed, true));
	tdict_bool(ctx, "has_secret", a.has_secret);
	tdict_str(ctx, "secret_question", a.secret_question);
	tdict_str(ctx, "home_label", home_label(a.home_page));
	l = tdict_list(ctx, "panels");
	for (i = 0; i < pres.nrows; i++) {
		struct tdict *it = tlist_add(l);

		tdict_str(it, "label", panel_label(db_cell(&pres, i, 1)));
	}
	tdict_bool(ctx, "has_panels", pres.nrows > 0);
	tdict_int(ctx, "partners", db_cell_int(&fres, 0, 0));
	tdict_int(ctx, "sessions", (long long)sres.nrows);
	tdict_bool(ctx, "other_sessions", sres.nrows > 1);
	tdict_bool(ctx, "strong", r->session->level >= AUTH_LEVEL_2);
	return http_render(r, 200, "portal/settings_account", ctx);
}

/* ---- contact details: /compte/coordonnees (level 2) ---- */

struct contact_form {
	const char	*email;		/* values typed, shown again */
	const char	*mobile;
};

static int
contact_page(struct req *r, int status, const struct form_errors *e,
    const struct contact_form *f, const char *notice)
{
	struct account a;
	struct db_result pe, pm;
	struct tdict *ctx;
	enum db_rc rc;

	if (account_load(r, &a) != 0)
		return -1;
	rc = db_query_row(r->app->db, &r->arena, Q(SET_OTP_PENDING), DB_PARAMS(
	    DBP_INT(r->session->id), DBP_STR("email"), DBP_INT(r->now),
	    DBP_INT(OTP_MAX_ATTEMPTS)), &pe);
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return -1;
	if (rc == DB_NOT_FOUND)
		pe.nrows = 0;
	rc = db_query_row(r->app->db, &r->arena, Q(SET_OTP_PENDING), DB_PARAMS(
	    DBP_INT(r->session->id), DBP_STR("mobile"), DBP_INT(r->now),
	    DBP_INT(OTP_MAX_ATTEMPTS)), &pm);
	if (rc != DB_OK && rc != DB_NOT_FOUND)
		return -1;
	if (rc == DB_NOT_FOUND)
		pm.nrows = 0;
	ctx = page_ctx(r, "Mes coordonnées");
	tdict_str(ctx, "email", a.email);
	tdict_str(ctx, "mobile", phone_display(&r->arena, a.mobile));
	if (pe.nrows > 0)
		tdict_str(ctx, "pending_email", db_cell(&pe, 0, 0));
	if (pm.nrows > 0)
		tdict_str(ctx, "pending_mobile", phone_display(&r->arena, db_cell(&pm, 0, 0)));
	if (f != NULL) {
		tdict_str(ctx, "value_email", f->email);
		tdict_str(ctx, "value_mobile", f->mobile);
	}
	tdict_str(ctx, "notice", notice);
	form_errors_tdict(&r->arena, ctx, e);
	return http_render(r, status, "portal/settings_contact", ctx);
}

static int
contact_get(struct req *r)
{
	return contact_page(r, 200, NULL, NULL, NULL);
}

/* Sends the code for purpose ("email" or "mobile") to target, audited. */
static int
contact_send(struct req *r, const struct contact_form *f, const char *purpose,
    const char *channel, const char *target, const char *text)
{
	struct db *db = r->app->db;
	long wait = 0;

	if (db_begin(db) != DB_OK)
		return -1;
	switch (code_brake_check(r, false)) {
	case CODE_BRAKE_OK:
		break;
	case CODE_BRAKE_LOCKED: {
		struct form_errors e = { 0 };

		db_rollback(db);
		form_error_add(&e, purpose, code_brake_msg);
		http_header(r, "Retry-After", "3600");
		return contact_page(r, 429, &e, f, NULL);
	}
	default:
		return fail_tx(r);
	}
	switch (otp_send(r, purpose, channel, target, text, &wait)) {
	case OTP_OK:
		break;
	case OTP_THROTTLED: {
		struct form_errors e = { 0 };

		db_rollback(db);
		form_error_add(&e, purpose, arena_printf(&r->arena, "Un code vient d'être "
		    "envoyé : attendez %ld secondes avant d'en demander un autre.", wait));
		http_header(r, "Retry-After", arena_printf(&r->arena, "%ld", wait));
		return contact_page(r, 429, &e, f, NULL);
	}
	default:
		return fail_tx(r);
	}
	if (audit(r, arena_printf(&r->arena, "settings.%s.code_sent", purpose),
	    "user", r->session->login, 0, AUDIT_OK, target) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, arena_printf(&r->arena,
	    "/compte/coordonnees?ok=code-%s", purpose));
}

/*
 * Checks the current password typed with a new address or number (field
 * name; form: the audit row's words): whoever holds an open session must not be able to move the
 * account's mail, and with it the password reset, without it.  Returns 0
 * when it is right, else the status to answer with the error in e (422,
 * or 429 when too many were wrong), or -1.
 */
static int
contact_reauth(struct req *r, const struct account *a, const char *name,
    const char *form, struct form_errors *e)
{
	switch (reauth(r, a, http_form(r, name), name, form, e)) {
	case REAUTH_OK:
		return 0;
	case REAUTH_WRONG:
		return 422;
	case REAUTH_THROTTLED:
		return 429;
	default:
		return -1;
	}
}

static int
email_post(struct req *r)
{
	struct contact_form f = { http_trim(r, http_form(r, "email")), NULL };
	struct form_errors e = { 0 };
	const char *why;
	struct account a;
	int status;

	if (account_load(r, &a) != 0)
		return -1;
	if (f.email == NULL || *f.email == '\0')
		why = "Saisissez la nouvelle adresse e-mail.";
	else if ((why = valid_email(f.email, 0, 254)) == NULL &&
	    strcasecmp(f.email, a.email) == 0)
		why = "C'est déjà l'adresse de votre compte.";
	if (why != NULL) {
		form_error_add(&e, "email", why);
		if (http_form(r, "actuel_email") == NULL ||
		    *http_form(r, "actuel_email") == '\0')
			form_error_add(&e, "actuel_email",
			    "Saisissez votre mot de passe actuel.");
		return contact_page(r, 422, &e, &f, NULL);
	}
	if ((status = contact_reauth(r, &a, "actuel_email", "adresse e-mail", &e)) != 0)
		return status < 0 ? -1 : contact_page(r, status, &e, &f, NULL);
	/* Whether another account uses the address is told only at the
	 * code, that is to whoever reads that mailbox. */
	return contact_send(r, &f, "email", "email", f.email,
	    "confirmer votre nouvelle adresse");
}

static int
mobile_post(struct req *r)
{
	struct contact_form f = { NULL, http_trim(r, http_form(r, "mobile")) };
	struct form_errors e = { 0 };
	struct account a;
	const char *why;
	char *number;
	int status;

	if (account_load(r, &a) != 0)
		return -1;
	if (f.mobile == NULL || *f.mobile == '\0')
		why = "Saisissez le nouveau numéro de téléphone mobile.";
	else
		why = valid_mobile_fr(f.mobile, 0, 0);
	if (why == NULL) {
		number = valid_phone_normalise(arena_strdup(&r->arena, f.mobile));
		if (a.mobile != NULL && strcmp(number, a.mobile) == 0)
			why = "C'est déjà le numéro de votre compte.";
	}
	if (why != NULL) {
		form_error_add(&e, "mobile", why);
		if (http_form(r, "actuel_mobile") == NULL ||
		    *http_form(r, "actuel_mobile") == '\0')
			form_error_add(&e, "actuel_mobile",
			    "Saisissez votre mot de passe actuel.");
		return contact_page(r, 422, &e, &f, NULL);
	}
	if ((status = contact_reauth(r, &a, "actuel_mobile", "numéro de mobile", &e)) != 0)
		return status < 0 ? -1 : contact_page(r, status, &e, &f, NULL);
	return contact_send(r, &f, "mobile", "sms", number,
	    "confirmer votre nouveau numéro");
}

/* Applies the new address or number once its code is typed back. */
static int
contact_code_post(struct req *r, const char *purpose)
{
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	const char *field = strcmp(purpose, "email") == 0 ? "code_email" : "code_mobile";
	const char *target = NULL, *why = NULL;
	char code[OTP_DIGITS + 1];
	struct db_result res;
	struct account a;
	enum otp_result verdict;
	bool is_email = strcmp(purpose, "email") == 0;

	if (!code_clean(http_form(r, field), code)) {
		form_error_add(&e, field, "Saisissez les 6 chiffres du code reçu.");
		return contact_page(r, 422, &e, NULL, NULL);
	}
	if (account_load(r, &a) != 0 || db_begin(db) != DB_OK)
		return -1;
	switch (code_brake_check(r, true)) {
	case CODE_BRAKE_OK:
		break;
	case CODE_BRAKE_LOCKED:
		if (audit(r, "otp.refused", "user", a.login, 0, AUDIT_DENIED,
		    "compte freiné") != DB_OK || db_commit(db) != DB_OK)
			return fail_tx(r);
		form_error_add(&e, field, code_brake_msg);
		http_header(r, "Retry-After", "3600");
		return contact_page(r, 429, &e, NULL, NULL);
	default:
		return fail_tx(r);
	}
	switch ((verdict = otp_verify(r, purpose, code, &target))) {
	case OTP_OK:
		break;
	case OTP_WRONG:
		why = "Ce code est incorrect. Vérifiez-le et réessayez.";
		break;
	case OTP_EXHAUSTED:
		why = "Trop d'essais pour ce code : recommencez la demande pour en "
		    "recevoir un nouveau.";
		break;
	case OTP_EXPIRED:
		why = "Ce code a expiré ou a déjà servi : recommencez la demande pour "
		    "en recevoir un nouveau.";
		break;
	default:
		return fail_tx(r);
	}
	if (why != NULL) {
		bool locked = false;

		if ((verdict != OTP_EXPIRED && code_brake_failed(r, is_email ?
		    "nouvelle adresse" : "nouveau numéro", &locked) != DB_OK) ||
		    audit(r, arena_printf(&r->arena, "settings.%s.code_failed",
		    purpose), "user", a.login, 0, AUDIT_DENIED, NULL) != DB_OK ||
		    db_commit(db) != DB_OK)
			return fail_tx(r);
		if (locked) {
			form_error_add(&e, field, code_brake_msg);
			http_header(r, "Retry-After", "3600");
			return contact_page(r, 429, &e, NULL, NULL);
		}
		form_error_add(&e, field, why);
		return contact_page(r, 422, &e, NULL, NULL);
	}
	if (is_email) {
		enum db_rc rc = db_query_row(db, &r->arena, Q(SET_EMAIL_TAKEN),
		    DB_PARAMS(DBP_STR(target), DBP_INT(r->session->user_id)), &res);

		if (rc == DB_NOT_FOUND)
			rc = db_exec(db, Q(SET_EMAIL_UPDATE), DB_PARAMS(DBP_STR(target),
			    DBP_INT(r->session->user_id), DBP_INT(r->session->user_id)),
			    NULL);
		else if (rc == DB_OK)
			rc = DB_DUPLICATE;
		if (rc == DB_DUPLICATE) {
			/* Taken between the request and the code. */
			db_rollback(db);
			if (audit(r, "settings.email.refused", "user", a.login, 0,
			    AUDIT_DENIED, "adresse déjà utilisée") != DB_OK)
				return -1;
			form_error_add(&e, "email", msg_email_refused);
			return contact_page(r, 422, &e, NULL, NULL);
		}
		if (rc != DB_OK ||
		    notify(r, &a, a.email, "Votre adresse e-mail Parvis a changé",
		    arena_printf(&r->arena, "L'adresse e-mail de votre compte Parvis "
		    "vient d'être remplacée par %s. Vous ne recevrez plus nos messages "
		    "à cette adresse-ci.", target)) != DB_OK ||
		    audit(r, "settings.email.changed", "user", a.login, 0, AUDIT_OK,
		    arena_printf(&r->arena, "%s -> %s", a.email, target)) != DB_OK ||
		    db_commit(db) != DB_OK)
			return fail_tx(r);
		return http_redirect(r, "/compte?ok=email");
	}
	if (db_exec(db, Q(SET_MOBILE_UPDATE), DB_PARAMS(DBP_STR(target),
	    DBP_INT(r->session->user_id), DBP_INT(r->session->user_id)),
	    NULL) != DB_OK ||
	    notify(r, &a, a.email, "Votre numéro de mobile Parvis a changé",
	    arena_printf(&r->arena, "Le numéro de téléphone mobile de votre compte "
	    "Parvis vient d'être remplacé par %s.", phone_display(&r->arena, target))) != DB_OK ||
	    audit(r, "settings.mobile.changed", "user", a.login, 0, AUDIT_OK,
	    arena_printf(&r->arena, "%s -> %s", a.mobile ? a.mobile : "aucun",
	    target)) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte?ok=mobile");
}

static int
email_code_post(struct req *r)
{
	return contact_code_post(r, "email");
}

static int
mobile_code_post(struct req *r)
{
	return contact_code_post(r, "mobile");
}

/* ---- /compte/mot-de-passe ---- */

static int
password_page(struct req *r, int status, const struct form_errors *e,
    const struct pw_verdict *v)
{
	struct tdict *ctx = page_ctx(r, "Changer mon mot de passe");
	struct pwpolicy pol;

	pwpolicy_from_config(&pol);
	pwpolicy_tdict(ctx, &pol, v);
	tlist_add_str(tdict_list(ctx, "scripts"), "password-rules.js");
	form_errors_tdict(&r->arena, ctx, e);
	return http_render(r, status, "portal/settings_password", ctx);
}

static int
password_get(struct req *r)
{
	return password_page(r, 200, NULL, NULL);
}

static int
password_post(struct req *r)
{
	const char *cur = http_form(r, "actuel");
	const char *pw = http_form(r, "nouveau");
	const char *pw2 = http_form(r, "confirmation");
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	struct pw_verdict v;
	struct pwpolicy pol;
	struct account a;
	bool checked = false;
	char hash[256];

	if (account_load(r, &a) != 0)
		return -1;
	pwpolicy_from_config(&pol);
	switch (reauth(r, &a, cur, "actuel", "mot de passe", &e)) {
	case REAUTH_OK:
	case REAUTH_WRONG:
		break;
	case REAUTH_THROTTLED:
		return password_page(r, 429, &e, NULL);
	default:
		return -1;
	}
	if (pw == NULL || *pw == '\0')
		form_error_add(&e, "nouveau", "Saisissez le nouveau mot de passe.");
	else {
		const char *const personal[] = { a.login, a.first_name, a.last_name,
		    a.email };
		struct buf b = BUF_INIT;
		size_t i;

		if (cur != NULL && strcmp(cur, pw) == 0)
			form_error_add(&e, "nouveau", "Le nouveau mot de passe doit être "
			    "différent de l'actuel.");
		else {
			checked = true;
			if (pwpolicy_check(&pol, pw, personal, 4, &v) != 0) {
				buf_puts(&b, "Le nouveau mot de passe ne respecte pas "
				    "les règles :");
				for (i = 0; i < v.nmsg; i++) {
					buf_putc(&b, ' ');
					buf_puts(&b, v.msg[i]);
				}
				form_error_add(&e, "nouveau", arena_strdup(&r->arena,
				    buf_str(&b)));
			}
			buf_free(&b);
		}
	}
	if (pw != NULL && *pw != '\0' && (pw2 == NULL || strcmp(pw, pw2) != 0))
		form_error_add(&e, "confirmation", "Les deux saisies du nouveau mot de passe "
		    "ne sont pas identiques.");
	if (e.n > 0)
		return password_page(r, 422, &e, checked ? &v : NULL);

	if (password_hash(pw, hash, sizeof(hash)) != 0)
		return -1;
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_PASSWORD_UPDATE), DB_PARAMS(DBP_STR(hash),
	    DBP_INT(r->now), DBP_INT(r->session->user_id),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK ||
	    db_exec(db, Q(SET_RESET_TOKENS_VOID), DB_PARAMS(DBP_INT(r->now),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK ||
	    session_end_others(r) != DB_OK ||
	    /* A new token for this session too: an old copy of the cookie
	     * dies with the old password. */
	    session_set_level(r, r->session->level) != DB_OK ||
	    notify(r, &a, a.email, "Votre mot de passe Parvis a été changé",
	    "Le mot de passe de votre compte Parvis vient d'être changé. Vos "
	    "autres sessions ouvertes ont été fermées.") != DB_OK ||
	    audit(r, "settings.password.changed", "user", a.login, 0, AUDIT_OK,
	    "autres sessions fermées") != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte?ok=mot-de-passe");
}

/* ---- /compte/question-secrete ---- */

static int
secret_page(struct req *r, int status, const struct form_errors *e,
    const char *question, const char *answer)
{
	struct tdict *ctx = page_ctx(r, "Ma question secrète");
	struct account a;

	if (account_load(r, &a) != 0)
		return -1;
	tdict_bool(ctx, "has_secret", a.has_secret);
	tdict_str(ctx, "current_question", a.secret_question);
	tdict_str(ctx, "value_question", question != NULL ? question :
	    a.secret_question);
	tdict_str(ctx, "value_answer", answer);
	tdict_int(ctx, "question_min", QUESTION_MIN);
	tdict_int(ctx, "question_max", QUESTION_MAX);
	tdict_int(ctx, "answer_min", ANSWER_MIN);
	tdict_int(ctx, "answer_max", ANSWER_MAX);
	form_errors_tdict(&r->arena, ctx, e);
	return http_render(r, status, "portal/settings_secret", ctx);
}

static int
secret_get(struct req *r)
{
	return secret_page(r, 200, NULL, NULL, NULL);
}

/* The current password of a secret-question form; returns 0 when right,
 * 1 when the page was answered, -1 on failure. */
static int
secret_reauth(struct req *r, const struct account *a, const char *pw,
    const char *field, struct form_errors *e, const char *question,
    const char *answer)
{
	switch (reauth(r, a, pw, field, "question secrète", e)) {
	case REAUTH_OK:
	case REAUTH_WRONG:
		return 0;
	case REAUTH_THROTTLED:
		return secret_page(r, 429, e, question, answer) == 0 ? 1 : -1;
	default:
		return -1;
	}
}

static int
secret_post(struct req *r)
{
	const char *question = http_trim(r, http_form(r, "question"));
	const char *answer = http_trim(r, http_form(r, "reponse"));
	const char *pw = http_form(r, "mot_de_passe");
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	char norm[ANSWER_BYTES], qnorm[QUESTION_MAX * 4 + 1], hash[256];
	struct account a;
	const char *why;
	int rc;

	if (account_load(r, &a) != 0)
		return -1;
	if (question == NULL || *question == '\0')
		form_error_add(&e, "question", "Saisissez votre question.");
	else if ((why = valid_text(question, 1, QUESTION_MAX * 4)) != NULL)
		form_error_add(&e, "question", why);
	else if (valid_text(question, QUESTION_MIN, QUESTION_MAX) != NULL)
		form_error_add(&e, "question", arena_printf(&r->arena, "La question doit "
		    "compter de %d à %d caractères.", QUESTION_MIN, QUESTION_MAX));
	if (answer == NULL || *answer == '\0')
		form_error_add(&e, "reponse", "Saisissez la réponse.");
	else if ((why = valid_text(answer, 1, ANSWER_MAX * 4)) != NULL)
		form_error_add(&e, "reponse", why);
	else if (valid_text(answer, ANSWER_MIN, ANSWER_MAX) != NULL ||
	    secret_answer_normalise(answer, norm, sizeof(norm)) < ANSWER_MIN)
		form_error_add(&e, "reponse", arena_printf(&r->arena, "La réponse doit "
		    "compter de %d à %d caractères.", ANSWER_MIN, ANSWER_MAX));
	else if (valid_text(question, QUESTION_MIN, QUESTION_MAX) == NULL &&
	    secret_answer_normalise(question, qnorm, sizeof(qnorm)) >= 0 &&
	    contains(qnorm, norm))
		form_error_add(&e, "reponse", "La réponse ne doit pas figurer dans la "
		    "question.");
	if ((rc = secret_reauth(r, &a, pw, "mot_de_passe", &e, question,
	    answer)) != 0)
		return rc > 0 ? 0 : -1;
	if (e.n > 0)
		return secret_page(r, 422, &e, question, answer);

	if (password_hash(norm, hash, sizeof(hash)) != 0)
		return -1;
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_SECRET_UPDATE), DB_PARAMS(DBP_STR(question),
	    DBP_STR(hash), DBP_INT(r->session->user_id),
	    DBP_INT(r->session->user_id)), NULL) != DB_OK ||
	    notify(r, &a, a.email, "Votre question secrète Parvis a changé",
	    "La question secrète de votre compte Parvis (demandée pour réinitialiser "
	    "le mot de passe) vient d'être enregistrée.") != DB_OK ||
	    audit(r, "settings.secret.set", "user", a.login, 0, AUDIT_OK,
	    a.has_secret ? "modifiée" : "définie") != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte?ok=question");
}

static int
secret_delete(struct req *r)
{
	const char *pw = http_form(r, "mot_de_passe");
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	struct account a;
	int rc;

	if (account_load(r, &a) != 0)
		return -1;
	if (!a.has_secret)
		return http_redirect(r, "/compte/question-secrete");
	if ((rc = secret_reauth(r, &a, pw, "mot_de_passe_suppression", &e,
	    NULL, NULL)) != 0)
		return rc > 0 ? 0 : -1;
	if (e.n > 0)
		return secret_page(r, 422, &e, NULL, NULL);
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_SECRET_UPDATE), DB_PARAMS(DBP_NULL, DBP_NULL,
	    DBP_INT(r->session->user_id), DBP_INT(r->session->user_id)),
	    NULL) != DB_OK ||
	    notify(r, &a, a.email, "Votre question secrète Parvis a été supprimée",
	    "La question secrète de votre compte Parvis vient d'être supprimée.") != DB_OK ||
	    audit(r, "settings.secret.removed", "user", a.login, 0, AUDIT_OK,
	    NULL) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte?ok=question-supprimee");
}

/* ---- /compte/page-accueil ---- */

static int
home_page(struct req *r, int status, const struct form_errors *e,
    const char *chosen)
{
	struct tdict *ctx = page_ctx(r, "Ma page d'accueil");
	struct account a;
	struct tlist *l;
	size_t i;

	if (account_load(r, &a) != 0)
		return -1;
	if (chosen == NULL)
		chosen = a.home_page != NULL ? a.home_page : "/";
	l = tdict_list(ctx, "pages");
	for (i = 0; i < NHOME; i++) {
		struct tdict *it = tlist_add(l);

		tdict_int(it, "n", (long long)i + 1);
		tdict_str(it, "path", home_pages[i].path);
		tdict_str(it, "label", home_pages[i].label);
		tdict_bool(it, "checked", strcmp(chosen, home_pages[i].path) == 0);
	}
	form_errors_tdict(&r->arena, ctx, e);
	return http_render(r, status, "portal/settings_home", ctx);
}

static int
home_get(struct req *r)
{
	return home_page(r, 200, NULL, NULL);
}

static int
home_post(struct req *r)
{
	const char *page = http_form(r, "page");
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	size_t i;

	for (i = 0; page != NULL && i < NHOME; i++)
		if (strcmp(page, home_pages[i].path) == 0)
			break;
	if (page == NULL || i == NHOME) {
		form_error_add(&e, "page", "Choisissez une page dans la liste.");
		return home_page(r, 422, &e, "");
	}
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_HOME_UPDATE), DB_PARAMS(DBP_STR(home_pages[i].path),
	    DBP_INT(r->session->user_id), DBP_INT(r->session->user_id)),
	    NULL) != DB_OK ||
	    audit(r, "settings.home_page.set", "user", r->session->login, 0,
	    AUDIT_OK, home_pages[i].path) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte?ok=accueil");
}

/* ---- /compte/volets ---- */

static int
panels_page(struct req *r, int status, const struct form_errors *e,
    const char *const chosen[PANELS_MAX])
{
	struct tdict *ctx = page_ctx(r, "Mes volets favoris");
	const char *current[PANELS_MAX] = { NULL, NULL, NULL };
	struct db_result res;
	struct tlist *choices;
	size_t i, k;

	if (chosen == NULL) {
		if (db_query(r->app->db, &r->arena, Q(SET_PANELS_LIST), DB_PARAMS(
		    DBP_INT(r->session->user_id)), &res) != DB_OK)
			return -1;
		for (i = 0; i < res.nrows; i++) {
			long long pos = db_cell_int(&res, i, 0);

			if (pos >= 1 && pos <= PANELS_MAX)
				current[pos - 1] = db_cell(&res, i, 1);
		}
		chosen = current;
	}
	choices = tdict_list(ctx, "choices");
	for (k = 0; k < PANELS_MAX; k++) {
		struct tdict *c = tlist_add(choices);
		struct tlist *opts;

		tdict_int(c, "n", (long long)k + 1);
		tdict_str(c, "name", arena_printf(&r->arena, "choix%zu", k + 1));
		tdict_str(c, "ordinal", k == 0 ? "1er choix" :
		    arena_printf(&r->arena, "%zue choix", k + 1));
		if (e != NULL)
			for (i = 0; i < e->n; i++)
				if (strcmp(e->field[i], tdict_get(c, "name")) == 0)
					tdict_str(c, "error", e->message[i]);
		tdict_bool(c, "none", chosen[k] == NULL || *chosen[k] == '\0');
		opts = tdict_list(c, "options");
		for (i = 0; i < NPANELS; i++) {
			struct tdict *o = tlist_add(opts);

			tdict_str(o, "code", panels[i].code);
			tdict_str(o, "label", panels[i].label);
			tdict_bool(o, "selected", chosen[k] != NULL &&
			    strcmp(chosen[k], panels[i].code) == 0);
		}
	}
	form_errors_tdict(&r->arena, ctx, e);
	return http_render(r, status, "portal/settings_panels", ctx);
}

static int
panels_get(struct req *r)
{
	return panels_page(r, 200, NULL, NULL);
}

static int
panels_post(struct req *r)
{
	static const char *const names[PANELS_MAX] = { "choix1", "choix2", "choix3" };
	const char *chosen[PANELS_MAX];
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	struct buf detail = BUF_INIT;
	size_t k, j, pos = 0;

	for (k = 0; k < PANELS_MAX; k++) {
		chosen[k] = http_form(r, names[k]);
		if (chosen[k] == NULL || *chosen[k] == '\0') {
			chosen[k] = NULL;
			continue;
		}
		if (panel_label(chosen[k]) == NULL) {
			form_error_add(&e, names[k], "Choisissez un volet dans la liste.");
			chosen[k] = NULL;
			continue;
		}
		for (j = 0; j < k; j++)
			if (chosen[j] != NULL && strcmp(chosen[j], chosen[k]) == 0) {
				form_error_add(&e, names[k], arena_printf(&r->arena, "« %s » est "
				    "déjà votre %s : un volet ne peut être choisi qu'une fois.",
				    panel_label(chosen[k]), j == 0 ? "1er choix" :
				    arena_printf(&r->arena, "%zue choix", j + 1)));
				break;
			}
	}
	if (e.n > 0)
		return panels_page(r, 422, &e, chosen);

	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_PANELS_CLEAR), DB_PARAMS(DBP_INT(r->session->user_id)),
	    NULL) != DB_OK)
		return fail_tx(r);
	/* Empty choices are skipped: the others keep their order. */
	for (k = 0; k < PANELS_MAX; k++) {
		if (chosen[k] == NULL)
			continue;
		if (db_exec(db, Q(SET_PANEL_INSERT), DB_PARAMS(
		    DBP_INT(r->session->user_id), DBP_INT(++pos),
		    DBP_STR(chosen[k])), NULL) != DB_OK) {
			buf_free(&detail);
			return fail_tx(r);
		}
		if (detail.len > 0)
			buf_putc(&detail, ',');
		buf_puts(&detail, chosen[k]);
	}
	if (audit(r, "settings.panels.set", "user", r->session->login, 0, AUDIT_OK,
	    detail.len > 0 ? buf_str(&detail) : "aucun") != DB_OK ||
	    db_commit(db) != DB_OK) {
		buf_free(&detail);
		return fail_tx(r);
	}
	buf_free(&detail);
	return http_redirect(r, "/compte?ok=volets");
}

/* ---- /compte/partenaires ---- */

/* A search field: from the query string (the search form), or from the
 * add form that carries the search along (to show it again). */
static const char *
search_field(struct req *r, const char *name)
{
	const char *v = http_query(r, name);

	if (v == NULL)
		v = http_form(r, name);
	return http_trim(r, v);
}

/* Begins the transaction of a change of the user's partners, serialised
 * by the user's row (the PARTNERS_MAX limit), and loads into res how many
 * partners they have and the last position.  Returns 0, or -1 after a
 * failure (the transaction ended). */
static int
partners_lock(struct req *r, struct db_result *res)
{
	struct db *db = r->app->db;

	if (db_begin(db) != DB_OK)
		return -1;
	if (db_query_row(db, &r->arena, Q(SET_USER_LOCK), DB_PARAMS(
	    DBP_INT(r->session->user_id)), res) != DB_OK ||
	    db_query_row(db, &r->arena, Q(SET_PARTNERS_COUNT), DB_PARAMS(
	    DBP_INT(r->session->user_id)), res) != DB_OK)
		return fail_tx(r);
	return 0;
}

/* Returns true when the add form just sent had idnps ticked. */
static bool
ticked(const struct req *r, const char *idnps)
{
	size_t i;

	for (i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, "pro") == 0 &&
		    strcmp(r->form.v[i].value, idnps) == 0)
			return true;
	return false;
}

/*
 * The directory search of the page (nom, profession, code_postal): at
 * most PARTNERS_MAX hits, each with a checkbox unless already a partner
 * or the user.  Invalid fields get their message.  Returns 0 or -1.
 */
static int
partners_search(struct req *r, struct tdict *ctx, struct form_errors *e,
    const char *own)
{
	static const struct dir_search_stmts stmts = {
		Q(SET_DIR_NAME), Q(SET_DIR_NAME_PROF), Q(SET_DIR_PLACE),
		Q(SET_DIR_PLACE_PROF)
	};
	struct dir_criteria c = { search_field(r, "nom"),
	    search_field(r, "profession"), search_field(r, "code_postal"),
	    { NULL, NULL, NULL } };
	struct db_result res;
	struct tlist *l;
	size_t i;
	bool more;
	unsigned bad;

	if (dir_professions(r->app->db, &r->arena, Q(SET_DIR_PROFESSIONS),
	    c.profession, tdict_list(ctx, "professions")) != 0)
		return -1;
	/* Not "profession": a partner's row would inherit it when theirs
	 * is missing. */
	tdict_str(ctx, "search_nom", c.name);
	tdict_str(ctx, "search_profession", c.profession);
	tdict_str(ctx, "search_code_postal", c.postal_code);
	if (*c.name == '\0' && *c.profession == '\0' && *c.postal_code == '\0')
		return 0;
	if ((bad = dir_criteria_check(&r->arena, &c)) != 0) {
		dir_criteria_errors(bad, e);
		return 0;
	}
	if (dir_search(r->app->db, &r->arena, &stmts, DB_PARAMS(
	    DBP_INT(r->session->user_id)), &c, PARTNERS_MAX, &res, &more) != DB_OK)
		return -1;
	l = tdict_list(ctx, "found");
	for (i = 0; i < res.nrows; i++) {
		const char *id = db_cell(&res, i, 0);
		struct tdict *it = tlist_add(l);

		dir_hit_tdict(it, &res, i);
		tdict_bool(it, "partner", db_cell_int(&res, i, 5) != 0);
		tdict_bool(it, "self", own != NULL && strcmp(own, id) == 0);
		tdict_bool(it, "checked", ticked(r, id));
	}
	tdict_bool(ctx, "searched", true);
	tdict_bool(ctx, "has_found", res.nrows > 0);
	tdict_bool(ctx, "more_found", more);
	return 0;
}

/*
 * The page: the partners with the directory's details, the directory
 * search and its results, the form by number (typed shown again).  e
 * holds the errors of the form just refused (and gets the search's).
 */
static int
partners_page(struct req *r, int status, const struct form_errors *e,
    const char *typed)
{
	struct tdict *ctx = page_ctx(r, "Mes partenaires favoris");
	struct form_errors all = { 0 };
	struct db_result res, own;
	struct tlist *l;
	size_t i;

	if (e != NULL)
		all = *e;
	if (db_query(r->app->db, &r->arena, Q(SET_PARTNERS_LIST), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &res) != DB_OK ||
	    db_query_row(r->app->db, &r->arena, Q(SET_USER_GET), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &own) != DB_OK)
		return -1;
	l = tdict_list(ctx, "partners");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *it = tlist_add(l);
		const char *id = db_cell(&res, i, 0), *pc = db_cell(&res, i, 10);

		tdict_str(it, "idnps", id);
		/* The number people know: RPPS (11 digits) or ADELI (9). */
		tdict_str(it, "kind", id[0] == '8' ? "RPPS" : "ADELI");
		tdict_str(it, "number", id + 1);
		tdict_str(it, "added", http_date_fr(r, (time_t)db_cell_int(&res, i, 1),
		    false));
		if (db_cell(&res, i, 3) != NULL)
			tdict_strf(it, "name", "%s %s", db_cell(&res, i, 2),
			    db_cell(&res, i, 3));
		tdict_str(it, "profession", db_cell(&res, i, 4));
		/* Absent: never in the directory (a number typed); gone: no
		 * longer in the national file. */
		tdict_bool(it, "absent", db_cell(&res, i, 5) == NULL);
		tdict_bool(it, "gone", db_cell(&res, i, 5) != NULL &&
		    strcmp(db_cell(&res, i, 5), "present") != 0);
		tdict_str(it, "company", db_cell(&res, i, 13));
		tdict_str(it, "street", dir_street_line(&r->arena, &res, i, 6));
		if (pc != NULL)
			tdict_strf(it, "town", "%s %s", pc, db_cell(&res, i, 11) != NULL ?
			    db_cell(&res, i, 11) : "");
		tdict_str(it, "phone", phone_display(&r->arena, db_cell(&res, i, 12)));
	}
	tdict_int(ctx, "count", (long long)res.nrows);
	tdict_int(ctx, "max", PARTNERS_MAX);
	tdict_int(ctx, "room", res.nrows < PARTNERS_MAX ?
	    (long long)(PARTNERS_MAX - res.nrows) : 0);
	tdict_bool(ctx, "empty", res.nrows == 0);
	tdict_bool(ctx, "full", res.nrows >= PARTNERS_MAX);
	tdict_str(ctx, "value_idnps", typed);
	if (partners_search(r, ctx, &all, db_cell(&own, 0, 6)) != 0)
		return -1;
	form_errors_tdict(&r->arena, ctx, &all);
	if (status == 200 && all.n > 0)
		status = 422;
	return http_render(r, status, "portal/settings_partners", ctx);
}

static int
partners_get(struct req *r)
{
	return partners_page(r, 200, NULL, NULL);
}

/*
 * Adds the professionals ticked in the directory search (pro=IDNPS,
 * several): each must be in the directory; those already partners are
 * left as they are; the total stays within PARTNERS_MAX, or nothing is
 * added.  One transaction, one audit row per partner added.
 */
static int
partners_add_many(struct req *r)
{
	const char *ids[PARTNERS_MAX];
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	struct db_result res, own;
	size_t i, j, n = 0, added = 0;
	long long count, pos;

	for (i = 0; i < r->form.n; i++) {
		const char *v = r->form.v[i].value;

		if (strcmp(r->form.v[i].name, "pro") != 0)
			continue;
		if (v == NULL || valid_idnps(v, 0, 0) != NULL) {
			form_error_add(&e, "resultats", "Choisissez des professionnels "
			    "dans la liste.");
			return partners_page(r, 422, &e, NULL);
		}
		for (j = 0; j < n && strcmp(ids[j], v) != 0; j++)
			continue;
		if (j < n)
			continue;
		if (n == PARTNERS_MAX) {
			form_error_add(&e, "resultats", arena_printf(&r->arena, "Cochez "
			    "au plus %d professionnels.", PARTNERS_MAX));
			return partners_page(r, 422, &e, NULL);
		}
		ids[n++] = v;
	}
	if (n == 0) {
		form_error_add(&e, "resultats", "Cochez au moins un professionnel à "
		    "ajouter.");
		return partners_page(r, 422, &e, NULL);
	}
	if (db_query_row(db, &r->arena, Q(SET_USER_GET), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &own) != DB_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (db_cell(&own, 0, 6) != NULL &&
		    strcmp(db_cell(&own, 0, 6), ids[i]) == 0) {
			form_error_add(&e, "resultats", "Vous ne pouvez pas vous ajouter "
			    "vous-même à vos partenaires.");
			return partners_page(r, 422, &e, NULL);
		}
	if (partners_lock(r, &res) != 0)
		return -1;
	count = db_cell_int(&res, 0, 0);
	pos = db_cell_int(&res, 0, 1);
	for (i = 0; i < n; i++) {
		switch (db_query_row(db, &r->arena, Q(SET_DIR_PRESENT), DB_PARAMS(
		    DBP_INT(r->session->user_id), DBP_STR(ids[i])), &res)) {
		case DB_OK:
			break;
		case DB_NOT_FOUND:
			db_rollback(db);
			form_error_add(&e, "resultats", arena_printf(&r->arena, "Le "
			    "professionnel %s %s ne figure pas dans l'annuaire.",
			    ids[i][0] == '8' ? "RPPS" : "ADELI", ids[i] + 1));
			return partners_page(r, 422, &e, NULL);
		default:
			return fail_tx(r);
		}
		if (db_cell_int(&res, 0, 0) != 0)
			continue;
		if (count + 1 > PARTNERS_MAX) {
			long long before = count - (long long)added;

			db_rollback(db);
			form_error_add(&e, "resultats", arena_printf(&r->arena, "Vous avez "
			    "déjà %lld partenaire(s) favori(s) sur %d : vous pouvez "
			    "en ajouter encore %lld. Cochez-en moins, ou retirez-en "
			    "d'abord.", before, PARTNERS_MAX, before < PARTNERS_MAX ?
			    PARTNERS_MAX - before : 0));
			return partners_page(r, 422, &e, NULL);
		}
		if (db_exec(db, Q(SET_PARTNER_INSERT), DB_PARAMS(
		    DBP_INT(r->session->user_id), DBP_STR(ids[i]),
		    DBP_INT(pos + 1), DBP_INT(r->now)), NULL) != DB_OK ||
		    audit(r, "settings.partner.added", "idnps", ids[i], 0, AUDIT_OK,
		    "annuaire") != DB_OK)
			return fail_tx(r);
		count++;
		pos++;
		added++;
	}
	if (added == 0) {
		db_rollback(db);
		form_error_add(&e, "resultats", n == 1 ? "Ce professionnel figure déjà "
		    "dans vos partenaires favoris." : "Ces professionnels figurent "
		    "déjà dans vos partenaires favoris.");
		return partners_page(r, 422, &e, NULL);
	}
	if (db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, added == 1 ?
	    "/compte/partenaires?ok=partenaire-ajoute" :
	    "/compte/partenaires?ok=partenaires-ajoutes");
}

static int
partner_add(struct req *r)
{
	const char *typed = http_trim(r, http_form(r, "idnps"));
	struct db *db = r->app->db;
	struct form_errors e = { 0 };
	struct db_result res, own;
	const char *idnps;
	enum db_rc rc;

	if (typed == NULL || *typed == '\0') {
		form_error_add(&e, "idnps", "Saisissez le numéro RPPS ou ADELI du professionnel.");
		return partners_page(r, 422, &e, typed);
	}
	if ((idnps = idnps_from_input(r, typed)) == NULL) {
		form_error_add(&e, "idnps", "Ce numéro n'est pas valide : saisissez un numéro "
		    "RPPS (11 chiffres), ADELI (9 chiffres) ou IDNPS.");
		return partners_page(r, 422, &e, typed);
	}
	if (db_query_row(db, &r->arena, Q(SET_USER_GET), DB_PARAMS(
	    DBP_INT(r->session->user_id)), &own) != DB_OK)
		return -1;
	if (db_cell(&own, 0, 6) != NULL && strcmp(db_cell(&own, 0, 6), idnps) == 0) {
		form_error_add(&e, "idnps", "C'est votre propre numéro.");
		return partners_page(r, 422, &e, typed);
	}
	if (partners_lock(r, &res) != 0)
		return -1;
	if (db_cell_int(&res, 0, 0) >= PARTNERS_MAX) {
		db_rollback(db);
		form_error_add(&e, "idnps", arena_printf(&r->arena, "Vous avez déjà %d "
		    "partenaires favoris, le maximum : retirez-en un avant d'en "
		    "ajouter un autre.", PARTNERS_MAX));
		return partners_page(r, 422, &e, typed);
	}
	rc = db_exec(db, Q(SET_PARTNER_INSERT), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_STR(idnps),
	    DBP_INT(db_cell_int(&res, 0, 1) + 1), DBP_INT(r->now)), NULL);
	if (rc == DB_DUPLICATE) {
		db_rollback(db);
		form_error_add(&e, "idnps", "Ce professionnel figure déjà dans vos "
		    "partenaires favoris.");
		return partners_page(r, 422, &e, typed);
	}
	if (rc != DB_OK ||
	    audit(r, "settings.partner.added", "idnps", idnps, 0, AUDIT_OK,
	    NULL) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte/partenaires?ok=partenaire-ajoute");
}

static int
partner_remove(struct req *r)
{
	const char *idnps = http_path_param(r, "idnps");
	struct db *db = r->app->db;
	unsigned long long n = 0;

	if (idnps == NULL || valid_idnps(idnps, 0, 0) != NULL)
		return http_error(r, 404, "Ce partenaire ne figure pas dans vos favoris.");
	if (db_begin(db) != DB_OK)
		return -1;
	if (db_exec(db, Q(SET_PARTNER_DELETE), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_STR(idnps)), &n) != DB_OK)
		return fail_tx(r);
	if (n == 0) {
		db_rollback(db);
		return http_error(r, 404, "Ce partenaire ne figure pas dans vos favoris.");
	}
	if (audit(r, "settings.partner.removed", "idnps", idnps, 0, AUDIT_OK,
	    NULL) != DB_OK || db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte/partenaires?ok=partenaire-retire");
}

/* ---- /compte/sessions ---- */

static int
sessions_page(struct req *r)
{
	struct tdict *ctx = page_ctx(r, "Mes sessions ouvertes");
	struct db_result res;
	struct tlist *l;
	size_t i, others = 0;

	if (db_query(r->app->db, &r->arena, Q(SET_SESSIONS_LIST), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(r->now - r->app->session_idle),
	    DBP_INT(r->now - r->app->session_absolute)), &res) != DB_OK)
		return -1;
	l = tdict_list(ctx, "sessions");
	for (i = 0; i < res.nrows; i++) {
		struct tdict *it = tlist_add(l);
		char summary[96];
		bool mine = db_cell_int(&res, i, 0) == r->session->id;

		ua_summary(db_cell(&res, i, 4), summary, sizeof(summary));
		tdict_str(it, "id", db_cell(&res, i, 0));
		tdict_str(it, "created", http_date_fr(r, (time_t)db_cell_int(&res, i, 1), true));
		tdict_str(it, "last_seen", http_date_fr(r, (time_t)db_cell_int(&res, i, 2), true));
		tdict_str(it, "ip", db_cell(&res, i, 3) != NULL ? db_cell(&res, i, 3) :
		    "inconnue");
		tdict_str(it, "browser", summary);
		tdict_str(it, "user_agent", db_cell(&res, i, 4));
		tdict_bool(it, "strong", db_cell_int(&res, i, 5) >= AUTH_LEVEL_2);
		tdict_bool(it, "current", mine);
		if (!mine)
			others++;
	}
	tdict_bool(ctx, "others", others > 0);
	return http_render(r, 200, "portal/settings_sessions", ctx);
}

static int
session_end_one(struct req *r)
{
	const char *param = http_path_param(r, "id");
	struct db *db = r->app->db;
	unsigned long long n = 0;
	long long id;

	if (param == NULL || valid_parse_ll(param, 1, 9223372036854775807LL, &id) != 0)
		return http_error(r, 404, "Cette session n'existe pas.");
	if (id == r->session->id) {
		/* Ending this very session is logging out. */
		if (db_begin(db) != DB_OK)
			return -1;
		if (audit(r, "settings.session.ended", "session", param, 0, AUDIT_OK,
		    "cette session") != DB_OK || session_end(r) != DB_OK ||
		    db_commit(db) != DB_OK)
			return fail_tx(r);
		return http_redirect(r, "/connexion?fin=1");
	}
	if (db_begin(db) != DB_OK)
		return -1;
	/* Only the user's own: another user's id is "not found", audited. */
	if (db_exec(db, Q(SET_SESSION_DELETE), DB_PARAMS(DBP_INT(id),
	    DBP_INT(r->session->user_id)), &n) != DB_OK)
		return fail_tx(r);
	if (audit(r, "settings.session.ended", "session", param, 0,
	    n == 1 ? AUDIT_OK : AUDIT_DENIED, n == 1 ? NULL :
	    "session inconnue ou d'un autre utilisateur") != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	if (n != 1)
		return http_error(r, 404, "Cette session n'existe pas.");
	return http_redirect(r, "/compte/sessions?ok=session");
}

static int
sessions_end_others(struct req *r)
{
	struct db *db = r->app->db;
	struct db_result res;

	if (db_begin(db) != DB_OK)
		return -1;
	if (db_query_row(db, &r->arena, Q(SET_SESSIONS_OTHERS), DB_PARAMS(
	    DBP_INT(r->session->user_id), DBP_INT(r->session->id)), &res) != DB_OK ||
	    session_end_others(r) != DB_OK ||
	    audit(r, "settings.sessions.ended_others", "user", r->session->login, 0,
	    AUDIT_OK, arena_printf(&r->arena, "%lld session(s)",
	    db_cell_int(&res, 0, 0))) != DB_OK ||
	    db_commit(db) != DB_OK)
		return fail_tx(r);
	return http_redirect(r, "/compte/sessions?ok=sessions");
}

static const struct route settings_routes[] = {
	{ "GET",  "/compte",				account_page,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/coordonnees",		contact_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/compte/coordonnees/email",		email_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/compte/coordonnees/email/code",	email_code_post,  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/compte/coordonnees/mobile",		mobile_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "POST", "/compte/coordonnees/mobile/code",	mobile_code_post, ACCESS_LOGGED_IN, AUTH_LEVEL_2, NULL, 0 },
	{ "GET",  "/compte/mot-de-passe",		password_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/mot-de-passe",		password_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/question-secrete",		secret_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/question-secrete",		secret_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/question-secrete/suppression", secret_delete,  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/page-accueil",		home_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/page-accueil",		home_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/volets",			panels_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/volets",			panels_post,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/partenaires",		partners_get,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/partenaires",		partner_add,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/partenaires/ajout",		partners_add_many, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/partenaires/{idnps}/retrait", partner_remove,  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "GET",  "/compte/sessions",			sessions_page,	  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/sessions/fin-des-autres",	sessions_end_others, ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
	{ "POST", "/compte/sessions/{id}/fin",		session_end_one,  ACCESS_LOGGED_IN, AUTH_LEVEL_1, NULL, 0 },
};

const struct app_area portal_settings_area = {
	"settings", settings_routes, sizeof(settings_routes) / sizeof(settings_routes[0]),
	settings_sql, SET__MAX,
};
