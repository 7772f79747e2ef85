#include "roles.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "valid.h"

/* Which scope each role is granted with: the one table the grant form,
 * its checks, parvis-admin and the pages read. */
const struct role_rule role_rules[ROLE_COUNT] = {
	{ "admin",	   "Administrateur",		"none" },
	{ "support",	   "Centre de services",	"none" },
	{ "pro",	   "Professionnel",		"none" },
	{ "cpts_manager",  "Gestionnaire de CPTS",	"cpts" },
	{ "alert_manager", "Gestionnaire d'alertes",	"territory" },
	{ "ars_verifier",  "Vérificateur ARS",		"region" },
	{ "ans_verifier",  "Vérificateur ANS",		"none" },
	{ "referent",	   "Référent de structure",	"establishment" },
};

const struct scope_kind scope_kinds[SCOPE_COUNT] = {
	{ "none",	   "Aucune",	     NULL },
	{ "cpts",	   "CPTS",	     "le numéro de la CPTS" },
	{ "territory",	   "Territoire",     "le numéro du territoire" },
	{ "region",	   "Région",	     "le numéro de la région" },
	{ "establishment", "Établissement",  "le numéro de l'établissement" },
};

const struct role_rule *
role_find(const char *role)
{
	size_t i;

	for (i = 0; role != NULL && i < ROLE_COUNT; i++)
		if (strcmp(role_rules[i].role, role) == 0)
			return &role_rules[i];
	return NULL;
}

const struct scope_kind *
scope_find(const char *type)
{
	size_t i;

	for (i = 0; type != NULL && i < SCOPE_COUNT; i++)
		if (strcmp(scope_kinds[i].type, type) == 0)
			return &scope_kinds[i];
	return NULL;
}

const char *
role_label(const char *role)
{
	const struct role_rule *rr = role_find(role);

	return rr != NULL ? rr->label : role;
}

static enum role_fault
fault(enum role_fault f, char msg[ROLE_MSG_MAX], const char *text)
{
	snprintf(msg, ROLE_MSG_MAX, "%s", text);
	return f;
}

enum role_fault
role_scope_check(const char *role, const char *scope_type, long long scope_id,
    char msg[ROLE_MSG_MAX])
{
	const struct role_rule *rr = role_find(role);
	const struct scope_kind *sk = scope_find(scope_type);

	msg[0] = '\0';
	if (rr == NULL)
		return fault(ROLE_FAULT_ROLE, msg,
		    "Choisissez un rôle de la liste.");
	if (sk == NULL)
		return fault(ROLE_FAULT_SCOPE, msg,
		    "Choisissez une portée de la liste.");
	if (strcmp(rr->scope_type, sk->type) != 0) {
		if (strcmp(rr->scope_type, "none") == 0)
			snprintf(msg, ROLE_MSG_MAX, "Le rôle « %s » ne prend "
			    "pas de portée : choisissez « Aucune ».",
			    rr->label);
		else
			snprintf(msg, ROLE_MSG_MAX, "Le rôle « %s » s'attribue "
			    "avec la portée « %s ».", rr->label,
			    scope_find(rr->scope_type)->label);
		return ROLE_FAULT_SCOPE;
	}
	if (sk->id_label == NULL && scope_id != 0)
		return fault(ROLE_FAULT_SCOPE_ID, msg, "Ce rôle ne prend "
		    "pas de portée : laissez le numéro vide.");
	if (sk->id_label != NULL && scope_id <= 0) {
		snprintf(msg, ROLE_MSG_MAX, "Indiquez %s (un nombre entier "
		    "positif).", sk->id_label);
		return ROLE_FAULT_SCOPE_ID;
	}
	return ROLE_OK;
}

/* "a, b ou c": the names of a table, for a message. */
static void
names_text(char *out, size_t outlen, bool roles)
{
	size_t i, n = roles ? ROLE_COUNT : SCOPE_COUNT, o = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < n && o < outlen; i++) {
		w = snprintf(out + o, outlen - o, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " ou " : ", ",
		    roles ? role_rules[i].role : scope_kinds[i].type);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

enum role_fault
role_spec_parse(const char *spec, struct role_spec *out,
    char msg[ROLE_MSG_MAX])
{
	const char *c1, *c2;
	char names[160];
	size_t rlen, tlen;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	if (spec == NULL)
		spec = "";
	c1 = strchr(spec, ':');
	c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
	rlen = c1 != NULL ? (size_t)(c1 - spec) : strlen(spec);
	tlen = c2 != NULL ? (size_t)(c2 - c1 - 1) : 0;
	if ((c1 != NULL && (c2 == NULL || strchr(c2 + 1, ':') != NULL)) ||
	    rlen == 0 || rlen >= sizeof(out->role) ||
	    tlen >= sizeof(out->scope_type))
		return fault(ROLE_FAULT_SYNTAX, msg, "Écrivez le rôle sous la "
		    "forme RÔLE ou RÔLE:PORTÉE:NUMÉRO, par exemple "
		    "cpts_manager:cpts:12.");
	memcpy(out->role, spec, rlen);
	if (c1 == NULL)
		memcpy(out->scope_type, "none", 5);
	else
		memcpy(out->scope_type, c1 + 1, tlen);
	if (role_find(out->role) == NULL) {
		names_text(names, sizeof(names), true);
		snprintf(msg, ROLE_MSG_MAX, "Le rôle « %s » n'existe pas : %s.",
		    out->role, names);
		return ROLE_FAULT_ROLE;
	}
	if (scope_find(out->scope_type) == NULL) {
		names_text(names, sizeof(names), false);
		snprintf(msg, ROLE_MSG_MAX, "La portée « %s » n'existe pas : "
		    "%s.", out->scope_type, names);
		return ROLE_FAULT_SCOPE;
	}
	if (c2 != NULL && c2[1] != '\0' && valid_parse_ll(c2 + 1, 0,
	    ROLE_SCOPE_ID_MAX, &out->scope_id) != 0) {
		out->scope_id = 0;
		return fault(ROLE_FAULT_SCOPE_ID, msg, "Le numéro de la portée "
		    "est un nombre entier positif.");
	}
	return ROLE_OK;
}

/* ---- applications and CGU: the field checks ---- */

/* True when s is min..max bytes of [a-z0-9] and the characters of extra. */
static bool
ascii_code(const char *s, size_t min, size_t max, const char *extra)
{
	size_t n = strlen(s), i;

	if (n < min || n > max)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr(extra, c) != NULL)
			continue;
		return false;
	}
	return true;
}

/* NULL when s is valid text of min..max characters; the validator's
 * reason for bad characters; else the field's own sentence on length. */
static const char *
text_err(const char *s, long long min, long long max, bool multiline,
    const char *length_msg)
{
	valid_fn check = multiline ? valid_multiline : valid_text;

	if (check(s, min, max) == NULL)
		return NULL;
	if (check(s, 0, 0x7fffffff) != NULL)
		return check(s, 0, 0x7fffffff);
	return length_msg;
}

/* A tile links inside the suite: "/annuaire/", never "https://x" nor
 * "//x" (http_local_path refuses those), nor blanks or quotes. */
static const char *
local_url_err(const char *s)
{
	if (valid_text(s, 1, 200) != NULL || !http_local_path(s) ||
	    strpbrk(s, " \"'<>`") != NULL)
		return "Indiquez une adresse locale qui commence par « / », "
		    "par exemple /annuaire/ (une adresse d'un autre site n'est "
		    "pas acceptée).";
	return NULL;
}

static void
err_add(struct appdef_error *out, size_t *n, enum appdef_field field,
    const char *msg)
{
	if (msg == NULL || *n == APPDEF_NFIELDS)
		return;
	out[*n].field = field;
	out[*n].msg = msg;
	(*n)++;
}

size_t
appdef_check(struct appdef *d, bool with_code,
    struct appdef_error out[APPDEF_NFIELDS])
{
	size_t n = 0;

	d->level_n = d->position_n = d->cgu_id = 0;
	if (with_code && (d->code == NULL || !ascii_code(d->code, 2, 32, "_")))
		err_add(out, &n, APPDEF_CODE, "Le code compte 2 à 32 "
		    "caractères : lettres minuscules sans accent, chiffres et "
		    "« _ ».");
	err_add(out, &n, APPDEF_NAME, text_err(d->name, 2, 100, false,
	    "Le nom compte 2 à 100 caractères."));
	err_add(out, &n, APPDEF_DESCRIPTION, text_err(d->description, 1, 500,
	    false, "Décrivez l'application en une phrase (500 caractères au "
	    "plus)."));
	err_add(out, &n, APPDEF_URL, local_url_err(d->url));
	if (*d->icon == '\0')
		d->icon = "app";
	if (!ascii_code(d->icon, 1, 64, "_-"))
		err_add(out, &n, APPDEF_ICON, "Le code d'icône compte au plus "
		    "64 caractères : lettres minuscules sans accent, chiffres, "
		    "« _ » et « - ».");
	if (valid_parse_ll(d->level, 1, 3, &d->level_n) != 0)
		err_add(out, &n, APPDEF_LEVEL, "Choisissez le niveau "
		    "d'authentification demandé (1 à 3).");
	if (valid_parse_ll(d->position, 0, 100000, &d->position_n) != 0)
		err_add(out, &n, APPDEF_POSITION, "La position est un nombre "
		    "entier de 0 à 100000.");
	if (*d->cgu != '\0' && valid_parse_ll(d->cgu, 1, ROLE_SCOPE_ID_MAX,
	    &d->cgu_id) != 0)
		err_add(out, &n, APPDEF_CGU,
		    "Choisissez un document de la liste.");
	return n;
}

void
appdef_audit_detail(struct buf *b, const struct appdef *d)
{
	size_t k;
	bool first = true;

	buf_printf(b, "nom=%s url=%s niveau=%s position=%s active=%d cgu=%s "
	    "roles=", d->name, d->url, d->level, d->position,
	    d->enabled ? 1 : 0, *d->cgu ? d->cgu : "-");
	for (k = 0; k < ROLE_COUNT; k++)
		if (d->roles[k]) {
			buf_printf(b, "%s%s", first ? "" : ",",
			    role_rules[k].role);
			first = false;
		}
}

const char *
cgudef_code_check(const char *code)
{
	if (code == NULL || !ascii_code(code, 2, 32, "_"))
		return "Le code compte 2 à 32 caractères : lettres minuscules "
		    "sans accent, chiffres et « _ ».";
	return NULL;
}

const char *
cgudef_title_check(const char *title)
{
	return text_err(title, 2, 200, false,
	    "Le titre compte 2 à 200 caractères.");
}

const char *
cgudef_version_check(const char *s)
{
	static const char msg[] = "Indiquez un numéro de version comme 1.1 ou "
	    "2.0 : des nombres séparés par des points (20 caractères au plus).";
	size_t n = strlen(s), digits = 0, i;

	if (n == 0 || n > 20)
		return msg;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digits++;
			continue;
		}
		if (s[i] != '.' || digits == 0)
			return msg;
		digits = 0;
	}
	return digits > 0 ? NULL : msg;
}

const char *
cgudef_body_check(const char *body)
{
	return text_err(body, 20, 100000, true,
	    "Le texte compte 20 à 100 000 caractères.");
}

char *
cgudef_body_normalise(char *body)
{
	char *s = body, *end, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	*end = '\0';
	while (*s == '\n' || *s == '\r')
		s++;
	for (w = body; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*w++ = *s;
	*w = '\0';
	return body;
}
