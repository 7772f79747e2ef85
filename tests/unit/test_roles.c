/*
 * Unit tests for fcgi/lib/roles.c: every role with every scope type (valid
 * and refused, and why), the command line's ROLE[:TYPE:ID], and the field
 * checks of applications and CGU shared by the admin pages and
 * parvis-admin; and the grants a session row carries (session.roles,
 * sql/015), parsed by session_roles_parse.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "roles.h"
#include "session.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The rule, written out again: the table in roles.c must say the same. */
static const struct {
	const char	*role;
	const char	*scope;		/* the one scope type it takes */
	const char	*label;
} needs[] = {
	{ "admin", "none", "Administrateur" },
	{ "support", "none", "Centre de services" },
	{ "pro", "none", "Professionnel" },
	{ "cpts_manager", "cpts", "Gestionnaire de CPTS" },
	{ "alert_manager", "territory", "Gestionnaire d'alertes" },
	{ "ars_verifier", "region", "Vérificateur ARS" },
	{ "ans_verifier", "none", "Vérificateur ANS" },
	{ "referent", "establishment", "Référent de structure" },
};

static const char *const scopes[] = { "none", "cpts", "territory", "region",
    "establishment" };

START_TEST(test_tables)
{
	size_t i;

	ck_assert_uint_eq(NELEM(needs), ROLE_COUNT);
	ck_assert_uint_eq(NELEM(scopes), SCOPE_COUNT);
	for (i = 0; i < ROLE_COUNT; i++) {
		ck_assert_str_eq(role_rules[i].role, needs[i].role);
		ck_assert_str_eq(role_rules[i].scope_type, needs[i].scope);
		ck_assert_str_eq(role_rules[i].label, needs[i].label);
		ck_assert_ptr_eq(role_find(needs[i].role), &role_rules[i]);
		ck_assert_str_eq(role_label(needs[i].role), needs[i].label);
		ck_assert_ptr_nonnull(scope_find(role_rules[i].scope_type));
	}
	for (i = 0; i < SCOPE_COUNT; i++) {
		ck_assert_str_eq(scope_kinds[i].type, scopes[i]);
		ck_assert_ptr_eq(scope_find(scopes[i]), &scope_kinds[i]);
		/* Only "none" goes without a number. */
		ck_assert_int_eq(scope_kinds[i].id_label == NULL, i == 0);
	}
	ck_assert_ptr_null(role_find("superuser"));
	ck_assert_ptr_null(role_find(""));
	ck_assert_ptr_null(role_find(NULL));
	ck_assert_ptr_null(role_find("Admin"));
	ck_assert_ptr_null(scope_find("planet"));
	ck_assert_ptr_null(scope_find(NULL));
	ck_assert_str_eq(role_label("superuser"), "superuser");
}
END_TEST

/* Every role x every scope type x a scope number of 0, 7 and -1: granted
 * only with its own scope type and a number that fits it. */
START_TEST(test_role_scope_every_pair)
{
	static const long long ids[] = { 0, 7, -1 };
	size_t r = (size_t)_i / (SCOPE_COUNT * NELEM(ids));
	size_t s = ((size_t)_i / NELEM(ids)) % SCOPE_COUNT;
	long long id = ids[(size_t)_i % NELEM(ids)];
	bool own = strcmp(needs[r].scope, scopes[s]) == 0;
	bool none = strcmp(scopes[s], "none") == 0;
	char msg[ROLE_MSG_MAX];
	enum role_fault f = role_scope_check(needs[r].role, scopes[s], id, msg);

	if (own && (none ? id == 0 : id > 0)) {
		ck_assert_int_eq(f, ROLE_OK);
		ck_assert_str_eq(msg, "");
	} else if (!own) {
		ck_assert_int_eq(f, ROLE_FAULT_SCOPE);
		ck_assert_ptr_nonnull(strstr(msg, needs[r].label));
	} else {
		ck_assert_int_eq(f, ROLE_FAULT_SCOPE_ID);
		ck_assert_ptr_nonnull(strstr(msg, none ?
		    "laissez le numéro vide" : "un nombre entier positif"));
	}
}
END_TEST

/* The sentences themselves, as the pages show them. */
static const struct {
	const char	*role, *scope;
	long long	 id;
	enum role_fault	 fault;
	const char	*msg;
} checks[] = {
	{ "admin", "cpts", 3, ROLE_FAULT_SCOPE, "Le rôle « Administrateur » ne "
	    "prend pas de portée : choisissez « Aucune »." },
	{ "cpts_manager", "territory", 3, ROLE_FAULT_SCOPE, "Le rôle "
	    "« Gestionnaire de CPTS » s'attribue avec la portée « CPTS »." },
	{ "referent", "none", 0, ROLE_FAULT_SCOPE, "Le rôle « Référent de "
	    "structure » s'attribue avec la portée « Établissement »." },
	{ "support", "none", 5, ROLE_FAULT_SCOPE_ID, "Ce rôle ne prend pas de "
	    "portée : laissez le numéro vide." },
	{ "cpts_manager", "cpts", 0, ROLE_FAULT_SCOPE_ID, "Indiquez le "
	    "numéro de la CPTS (un nombre entier positif)." },
	{ "alert_manager", "territory", -2, ROLE_FAULT_SCOPE_ID, "Indiquez le "
	    "numéro du territoire (un nombre entier positif)." },
	{ "referent", "establishment", 0, ROLE_FAULT_SCOPE_ID, "Indiquez le "
	    "numéro de l'établissement (un nombre entier positif)." },
	{ "superuser", "none", 0, ROLE_FAULT_ROLE, "Choisissez un rôle de la "
	    "liste." },
	{ NULL, "none", 0, ROLE_FAULT_ROLE, "Choisissez un rôle de la liste." },
	{ "admin", "planet", 0, ROLE_FAULT_SCOPE, "Choisissez une portée de la "
	    "liste." },
	{ "admin", NULL, 0, ROLE_FAULT_SCOPE, "Choisissez une portée de la "
	    "liste." },
	{ "ars_verifier", "region", ROLE_SCOPE_ID_MAX, ROLE_OK, "" },
};

START_TEST(test_role_scope_messages)
{
	char msg[ROLE_MSG_MAX];

	ck_assert_int_eq(role_scope_check(checks[_i].role, checks[_i].scope,
	    checks[_i].id, msg), checks[_i].fault);
	ck_assert_str_eq(msg, checks[_i].msg);
}
END_TEST

static const struct {
	const char	*spec;
	enum role_fault	 fault;		/* of role_spec_parse */
	const char	*role, *scope;	/* when parsed */
	long long	 id;
	enum role_fault	 check;		/* then role_scope_check */
} specs[] = {
	{ "pro", ROLE_OK, "pro", "none", 0, ROLE_OK },
	{ "admin:none:0", ROLE_OK, "admin", "none", 0, ROLE_OK },
	{ "admin:none:", ROLE_OK, "admin", "none", 0, ROLE_OK },
	{ "cpts_manager:cpts:12", ROLE_OK, "cpts_manager", "cpts", 12,
	    ROLE_OK },
	{ "alert_manager:territory:1", ROLE_OK, "alert_manager", "territory", 1,
	    ROLE_OK },
	{ "ars_verifier:region:9007199254740991", ROLE_OK, "ars_verifier",
	    "region", ROLE_SCOPE_ID_MAX, ROLE_OK },
	{ "referent:establishment:4", ROLE_OK, "referent", "establishment", 4,
	    ROLE_OK },
	/* parsed, then refused by the rule */
	{ "admin:cpts:3", ROLE_OK, "admin", "cpts", 3, ROLE_FAULT_SCOPE },
	{ "referent", ROLE_OK, "referent", "none", 0, ROLE_FAULT_SCOPE },
	{ "cpts_manager:cpts:0", ROLE_OK, "cpts_manager", "cpts", 0,
	    ROLE_FAULT_SCOPE_ID },
	{ "cpts_manager:cpts:", ROLE_OK, "cpts_manager", "cpts", 0,
	    ROLE_FAULT_SCOPE_ID },
	{ "pro:none:4", ROLE_OK, "pro", "none", 4, ROLE_FAULT_SCOPE_ID },
	/* not parsed */
	{ "", ROLE_FAULT_SYNTAX, NULL, NULL, 0, ROLE_OK },
	{ NULL, ROLE_FAULT_SYNTAX, NULL, NULL, 0, ROLE_OK },
	{ "cpts_manager:cpts", ROLE_FAULT_SYNTAX, NULL, NULL, 0, ROLE_OK },
	{ "cpts_manager:cpts:1:2", ROLE_FAULT_SYNTAX, NULL, NULL, 0, ROLE_OK },
	{ ":cpts:1", ROLE_FAULT_SYNTAX, NULL, NULL, 0, ROLE_OK },
	{ "a_role_name_far_too_long_for_anything", ROLE_FAULT_SYNTAX, NULL,
	    NULL, 0, ROLE_OK },
	{ "superuser", ROLE_FAULT_ROLE, NULL, NULL, 0, ROLE_OK },
	{ "PRO", ROLE_FAULT_ROLE, NULL, NULL, 0, ROLE_OK },
	{ "admin:planet:1", ROLE_FAULT_SCOPE, NULL, NULL, 0, ROLE_OK },
	{ "admin::0", ROLE_FAULT_SCOPE, NULL, NULL, 0, ROLE_OK },
	{ "cpts_manager:cpts:-3", ROLE_FAULT_SCOPE_ID, NULL, NULL, 0, ROLE_OK },
	{ "cpts_manager:cpts:abc", ROLE_FAULT_SCOPE_ID, NULL, NULL, 0,
	    ROLE_OK },
	{ "cpts_manager:cpts: 3", ROLE_FAULT_SCOPE_ID, NULL, NULL, 0, ROLE_OK },
	{ "cpts_manager:cpts:9007199254740992", ROLE_FAULT_SCOPE_ID, NULL, NULL,
	    0, ROLE_OK },
};

START_TEST(test_role_spec)
{
	struct role_spec rs;
	char msg[ROLE_MSG_MAX], why[ROLE_MSG_MAX];
	enum role_fault f = role_spec_parse(specs[_i].spec, &rs, msg);

	ck_assert_int_eq(f, specs[_i].fault);
	if (f != ROLE_OK) {
		ck_assert_str_ne(msg, "");
		return;
	}
	ck_assert_str_eq(msg, "");
	ck_assert_str_eq(rs.role, specs[_i].role);
	ck_assert_str_eq(rs.scope_type, specs[_i].scope);
	ck_assert_int_eq(rs.scope_id, specs[_i].id);
	ck_assert_int_eq(role_scope_check(rs.role, rs.scope_type, rs.scope_id,
	    why), specs[_i].check);
}
END_TEST

START_TEST(test_role_spec_messages)
{
	struct role_spec rs;
	char msg[ROLE_MSG_MAX];

	role_spec_parse("superuser", &rs, msg);
	ck_assert_str_eq(msg, "Le rôle « superuser » n'existe pas : admin, "
	    "support, pro, cpts_manager, alert_manager, ars_verifier, "
	    "ans_verifier ou referent.");
	role_spec_parse("admin:planet:1", &rs, msg);
	ck_assert_str_eq(msg, "La portée « planet » n'existe pas : none, cpts, "
	    "territory, region ou establishment.");
	role_spec_parse("admin:cpts", &rs, msg);
	ck_assert_str_eq(msg, "Écrivez le rôle sous la forme RÔLE ou "
	    "RÔLE:PORTÉE:NUMÉRO, par exemple cpts_manager:cpts:12.");
	role_spec_parse("cpts_manager:cpts:x", &rs, msg);
	ck_assert_str_eq(msg, "Le numéro de la portée est un nombre entier "
	    "positif.");
}
END_TEST

/* ---- applications ---- */

#define APP_OK	{ "annuaire_2", "Annuaire", "Les professionnels.", \
	"/annuaire/", "", "2", "10", "", true, { false }, 0, 0, 0 }

static const struct {
	const char	*field;		/* which one the row changes */
	const char	*value;
	int		 error;		/* the enum appdef_field, or -1 */
} app_rows[] = {
	{ NULL, NULL, -1 },
	{ "code", "ab", -1 },
	{ "code", "a", APPDEF_CODE },
	{ "code", "Annuaire", APPDEF_CODE },
	{ "code", "an-nuaire", APPDEF_CODE },
	{ "code", "abcdefghijklmnopqrstuvwxyz0123456", APPDEF_CODE },	/* 33 */
	{ "code", "", APPDEF_CODE },
	{ "name", "A", APPDEF_NAME },
	{ "name", "Ab", -1 },
	{ "name", "Dossiers \x01", APPDEF_NAME },
	{ "description", "", APPDEF_DESCRIPTION },
	{ "description", "Ligne\nsuivante", APPDEF_DESCRIPTION },
	{ "url", "/", -1 },
	{ "url", "/icope/usagers?x=1", -1 },
	{ "url", "https://exemple.fr/", APPDEF_URL },
	{ "url", "//exemple.fr/", APPDEF_URL },
	{ "url", "annuaire/", APPDEF_URL },
	{ "url", "/a b", APPDEF_URL },
	{ "url", "/a\"onclick", APPDEF_URL },
	{ "url", "/\\exemple.fr", APPDEF_URL },
	{ "url", "", APPDEF_URL },
	{ "icon", "app-2_x", -1 },
	{ "icon", "App", APPDEF_ICON },
	{ "icon", "icône", APPDEF_ICON },
	{ "level", "1", -1 },
	{ "level", "3", -1 },
	{ "level", "0", APPDEF_LEVEL },
	{ "level", "4", APPDEF_LEVEL },
	{ "level", "", APPDEF_LEVEL },
	{ "position", "0", -1 },
	{ "position", "100000", -1 },
	{ "position", "100001", APPDEF_POSITION },
	{ "position", "-1", APPDEF_POSITION },
	{ "position", "1e3", APPDEF_POSITION },
	{ "cgu", "3", -1 },
	{ "cgu", "0", APPDEF_CGU },
	{ "cgu", "portal", APPDEF_CGU },
};

START_TEST(test_appdef)
{
	struct appdef d = APP_OK;
	struct appdef_error errs[APPDEF_NFIELDS];
	const char *f = app_rows[_i].field, *v = app_rows[_i].value;
	size_t n;

	if (f == NULL)
		;
	else if (strcmp(f, "code") == 0)
		d.code = v;
	else if (strcmp(f, "name") == 0)
		d.name = v;
	else if (strcmp(f, "description") == 0)
		d.description = v;
	else if (strcmp(f, "url") == 0)
		d.url = v;
	else if (strcmp(f, "icon") == 0)
		d.icon = v;
	else if (strcmp(f, "level") == 0)
		d.level = v;
	else if (strcmp(f, "position") == 0)
		d.position = v;
	else if (strcmp(f, "cgu") == 0)
		d.cgu = v;
	n = appdef_check(&d, true, errs);
	if (app_rows[_i].error < 0) {
		ck_assert_uint_eq(n, 0);
		return;
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(errs[0].field, app_rows[_i].error);
	ck_assert_ptr_nonnull(errs[0].msg);
}
END_TEST

START_TEST(test_appdef_values)
{
	struct appdef d = APP_OK;
	struct appdef_error errs[APPDEF_NFIELDS];
	struct buf b = BUF_INIT;

	d.cgu = "4";
	d.roles[2] = d.roles[3] = true;
	ck_assert_uint_eq(appdef_check(&d, true, errs), 0);
	ck_assert_str_eq(d.icon, "app");	/* the default */
	ck_assert_int_eq(d.level_n, 2);
	ck_assert_int_eq(d.position_n, 10);
	ck_assert_int_eq(d.cgu_id, 4);
	appdef_audit_detail(&b, &d);
	ck_assert_str_eq(buf_str(&b), "nom=Annuaire url=/annuaire/ niveau=2 "
	    "position=10 active=1 cgu=4 roles=pro,cpts_manager");
	buf_free(&b);

	/* Editing: the code is not checked (it never changes). */
	d.code = "";
	ck_assert_uint_eq(appdef_check(&d, false, errs), 0);
	/* Every field wrong: one error each, in the order of the form. */
	d = (struct appdef){ "X", "", "", "http://x", "É", "9", "x", "y", false,
	    { false }, 0, 0, 0 };
	ck_assert_uint_eq(appdef_check(&d, true, errs), APPDEF_NFIELDS);
	for (size_t i = 0; i < APPDEF_NFIELDS; i++)
		ck_assert_int_eq(errs[i].field, (int)i);
	ck_assert_str_eq(errs[APPDEF_LEVEL].msg, "Choisissez le niveau "
	    "d'authentification demandé (1 à 3).");
	ck_assert_int_eq(d.cgu_id, 0);
	d.enabled = false;
	d.cgu = "";
	buf_clear(&b);
	appdef_audit_detail(&b, &d);
	ck_assert_str_eq(buf_str(&b), "nom= url=http://x niveau=9 position=x "
	    "active=0 cgu=- roles=");
	buf_free(&b);
}
END_TEST

/* ---- terms of use ---- */

static const struct {
	const char	*(*check)(const char *);
	const char	*value;
	bool		 ok;
} cgu_rows[] = {
	{ cgudef_code_check, "portal", true },
	{ cgudef_code_check, "cgu_2026", true },
	{ cgudef_code_check, "p", false },
	{ cgudef_code_check, "Portal", false },
	{ cgudef_code_check, "por-tal", false },
	{ cgudef_code_check, "abcdefghijklmnopqrstuvwxyz0123456", false },
	{ cgudef_code_check, NULL, false },
	{ cgudef_title_check, "Conditions", true },
	{ cgudef_title_check, "C", false },
	{ cgudef_title_check, "Deux\nlignes", false },
	{ cgudef_version_check, "1", true },
	{ cgudef_version_check, "1.0", true },
	{ cgudef_version_check, "2.0.13", true },
	{ cgudef_version_check, "12345678901234567890", true },
	{ cgudef_version_check, "123456789012345678901", false },
	{ cgudef_version_check, "", false },
	{ cgudef_version_check, "1.", false },
	{ cgudef_version_check, ".1", false },
	{ cgudef_version_check, "1..2", false },
	{ cgudef_version_check, "v1", false },
	{ cgudef_version_check, "1.0-beta", false },
	{ cgudef_body_check, "Vingt caractères, ok.", true },
	{ cgudef_body_check, "Dix-neuf caractères", false },
	{ cgudef_body_check, "Deux lignes\net une tabulation\t.", true },
	{ cgudef_body_check, "Un caractère de contrôle \x01 ici.", false },
	{ cgudef_body_check, "Invalide \xff en UTF-8, assez long.", false },
};

START_TEST(test_cgudef)
{
	const char *msg = cgu_rows[_i].check(cgu_rows[_i].value);

	if (cgu_rows[_i].ok)
		ck_assert_ptr_null(msg);
	else
		ck_assert_ptr_nonnull(msg);
}
END_TEST

START_TEST(test_cgudef_body_length)
{
	char *body = malloc(100002);

	memset(body, 'a', 100001);
	body[100001] = '\0';
	ck_assert_str_eq(cgudef_body_check(body),
	    "Le texte compte 20 à 100 000 caractères.");
	body[100000] = '\0';
	ck_assert_ptr_null(cgudef_body_check(body));
	/* Characters, not bytes: 100 000 "é" are 200 000 bytes. */
	free(body);
	body = malloc(200001);
	for (size_t i = 0; i < 100000; i++)
		memcpy(body + 2 * i, "\xc3\xa9", 2);
	body[200000] = '\0';
	ck_assert_ptr_null(cgudef_body_check(body));
	free(body);
}
END_TEST

static const struct {
	const char	*in;
	const char	*out;
} bodies[] = {
	{ "texte", "texte" },
	{ "  \t texte \t \r\n\r\n", "texte" },
	{ "\r\n\r\n  article 1\r\nsuite\r\n", "  article 1\nsuite" },
	{ " \n\n  x", "  x" },
	{ "a\rb\r\nc\n\rd", "a\rb\nc\n\rd" },	/* a lone \r stays */
	{ "", "" },
	{ " \r\n\t ", "" },
};

START_TEST(test_cgudef_body_normalise)
{
	char *s = strdup(bodies[_i].in);

	ck_assert_ptr_eq(cgudef_body_normalise(s), s);
	ck_assert_str_eq(s, bodies[_i].out);
	free(s);
}
END_TEST

/* session.roles as the triggers of sql/015 write it, and damaged values:
 * what does not parse grants nothing, and the rest still counts. */
static const struct {
	const char	*list;
	size_t		 n, bad;
	const char	*want;	/* "role/type/id;..." of the parsed grants */
} grant_lists[] = {
	{ "", 0, 0, "" },
	{ "pro:none:0", 1, 0, "pro/none/0;" },
	{ "cpts_manager:cpts:12,pro:none:0", 2, 0, "cpts_manager/cpts/12;pro/none/0;" },
	{ "alert_manager:territory:9007199254740991", 1, 0,
	    "alert_manager/territory/9007199254740991;" },
	{ "admin:none:0,support:none:0,pro:none:0", 3, 0,
	    "admin/none/0;support/none/0;pro/none/0;" },
	/* Damaged items: skipped, counted. */
	{ "pro", 0, 1, "" },
	{ "pro:none", 0, 1, "" },
	{ "pro:none:", 0, 1, "" },
	{ ":none:0", 0, 1, "" },
	{ "pro::0", 0, 1, "" },
	{ "pro:none:x", 0, 1, "" },
	{ "pro:none:-1", 0, 1, "" },
	{ "pro:none:+1", 0, 1, "" },
	{ "pro:none: 1", 0, 1, "" },
	{ "pro:none:1x", 0, 1, "" },
	{ "pro:none:99999999999999999999", 0, 1, "" },
	{ "pro:none:0:extra", 0, 1, "" },
	{ ",", 0, 1, "" },
	{ ",,pro:none:0", 1, 2, "pro/none/0;" },
	{ "pro:none:0,", 1, 0, "pro/none/0;" },
	{ "bad,cpts_manager:cpts:3", 1, 1, "cpts_manager/cpts/3;" },
};

START_TEST(test_session_roles_parse)
{
	struct arena a;
	struct role_grant *g = (void *)1;
	struct buf got = BUF_INIT;
	size_t n = 99, bad, i;

	arena_init(&a, 256);
	bad = session_roles_parse(&a, grant_lists[_i].list, &g, &n);
	for (i = 0; i < n; i++)
		buf_printf(&got, "%s/%s/%lld;", g[i].role, g[i].scope_type,
		    g[i].scope_id);
	ck_assert_msg(n == grant_lists[_i].n && bad == grant_lists[_i].bad,
	    "\"%s\": %zu parsed, %zu bad", grant_lists[_i].list, n, bad);
	ck_assert_str_eq(buf_str(&got), grant_lists[_i].want);
	buf_free(&got);
	arena_free(&a);
}
END_TEST

START_TEST(test_session_roles_parse_null)
{
	struct arena a;
	struct role_grant *g = (void *)1;
	size_t n = 99;

	arena_init(&a, 256);
	ck_assert_uint_eq(session_roles_parse(&a, NULL, &g, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(g);
	arena_free(&a);
}
END_TEST

static Suite *
roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tr = tcase_create("roles");
	TCase *ta = tcase_create("applications and CGU");
	TCase *tg = tcase_create("session grants");

	tcase_add_test(tr, test_tables);
	tcase_add_loop_test(tr, test_role_scope_every_pair, 0,
	    ROLE_COUNT * SCOPE_COUNT * 3);
	tcase_add_loop_test(tr, test_role_scope_messages, 0, NELEM(checks));
	tcase_add_loop_test(tr, test_role_spec, 0, NELEM(specs));
	tcase_add_test(tr, test_role_spec_messages);
	suite_add_tcase(s, tr);
	tcase_add_loop_test(ta, test_appdef, 0, NELEM(app_rows));
	tcase_add_test(ta, test_appdef_values);
	tcase_add_loop_test(ta, test_cgudef, 0, NELEM(cgu_rows));
	tcase_add_test(ta, test_cgudef_body_length);
	tcase_add_loop_test(ta, test_cgudef_body_normalise, 0, NELEM(bodies));
	suite_add_tcase(s, ta);
	tcase_add_loop_test(tg, test_session_roles_parse, 0, NELEM(grant_lists));
	tcase_add_test(tg, test_session_roles_parse_null);
	suite_add_tcase(s, tg);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(roles_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
