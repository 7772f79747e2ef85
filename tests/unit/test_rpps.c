/*
 * Unit tests for fcgi/annuaire/rpps.c (the RPPS / MSSanté reader) and
 * fcgi/tools/rpps_gen.c (the synthetic file generator): the hand-written
 * fixtures of tests/fixtures/rpps, lenient header matching, bad lines
 * with their numbers and reasons, limits, and a round trip through the
 * generator checked against the validators of valid.c.
 *
 * Fixtures are looked up in $RPPS_FIXTURES, then tests/fixtures/rpps
 * under $srcdir or the current directory.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpps.h"
#include "rpps_gen.h"
#include "valid.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define ACT		RPPS_PERSONNE_ACTIVITE
#define SF		RPPS_SAVOIR_FAIRE
#define MSS		RPPS_MSSANTE

static const char *
fixtures_dir(void)
{
	static char path[PATH_MAX];
	static const char *const rel[] = {
		"tests/fixtures/rpps", "../fixtures/rpps",
		"../../tests/fixtures/rpps",
	};
	const char *top[2];
	struct stat st;
	size_t i, j;

	if (getenv("RPPS_FIXTURES") != NULL)
		return getenv("RPPS_FIXTURES");
	top[0] = getenv("srcdir");
	top[1] = ".";
	for (i = 0; i < 2; i++) {
		if (top[i] == NULL)
			continue;
		for (j = 0; j < NELEM(rel); j++) {
			snprintf(path, sizeof(path), "%s/%s", top[i], rel[j]);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				return path;
		}
	}
	return "tests/fixtures/rpps";
}

static FILE *
fixture(const char *name)
{
	char path[PATH_MAX + 64];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), name);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open fixture %s", path);
	return fp;
}

/* A read-only stream over s; the empty string gets a real empty file,
 * which fmemopen() may refuse. */
static FILE *
mem_open(const char *s, size_t n)
{
	FILE *fp;

	if (n == 0)
		fp = tmpfile();
	else
		fp = fmemopen((void *)(uintptr_t)s, n, "r");
	ck_assert_ptr_nonnull(fp);
	return fp;
}

/* ---- fixtures: whole files ---- */

struct bad_want {
	uint64_t	 line;
	enum rpps_bad	 why;
};

struct fixture_case {
	const char	*file;
	enum rpps_kind	 kind;
	size_t		 columns;	/* 0: opening must fail */
	bool		 bom;
	uint64_t	 records;
	struct bad_want	 bad[8];	/* in file order, line 0 ends */
	const char	*err[3];	/* substrings of the open error */
};

static const struct fixture_case fixture_cases[] = {
	{ "activite_new.txt", ACT, 57, false, 6, { { 0 } }, { NULL } },
	{ "activite_old_bom.txt", ACT, 53, true, 3, { { 0 } }, { NULL } },
	{ "activite_crlf.txt", ACT, 57, false, 2, { { 0 } }, { NULL } },
	{ "activite_bad.txt", ACT, 57, false, 3, {
	    { 3, RPPS_BAD_FIELD_COUNT }, { 5, RPPS_BAD_IDNPS },
	    { 6, RPPS_BAD_ENCODING }, { 7, RPPS_BAD_EMPTY },
	    { 8, RPPS_BAD_NO_IDNPS }, { 9, RPPS_BAD_FIELD_COUNT },
	    { 0 } }, { NULL } },
	{ "savoir_faire.txt", SF, 14, true, 4, { { 0 } }, { NULL } },
	{ "mssante.txt", MSS, 32, false, 3,
	    { { 3, RPPS_BAD_ORG_MAILBOX }, { 0 } }, { NULL } },
	{ "activite_missing_column.txt", ACT, 0, false, 0, { { 0 } },
	    { "PS_LibreAcces_Personne_activite", "\"Nom d'exercice\"",
	    "\"Code profession\"" } },
	{ "savoir_faire.txt", ACT, 0, false, 0, { { 0 } },
	    { "PS_LibreAcces_Personne_activite", "missing" } },
	{ "mssante.txt", SF, 0, false, 0, { { 0 } },
	    { "PS_LibreAcces_SavoirFaire", "\"Code type savoir-faire\"" } },
	{ "activite_new.txt", MSS, 0, false, 0, { { 0 } },
	    { "Extraction_Correspondance_MSSante", "\"Type de BAL\"",
	    "\"Adresse BAL\"" } },
};

START_TEST(test_fixture)
{
	const struct fixture_case *c = &fixture_cases[_i];
	const struct rpps_stats *st;
	struct rpps_reader *r;
	enum rpps_status s;
	char err[512];
	size_t nbad = 0, i;
	FILE *fp;

	fp = fixture(c->file);
	r = rpps_open(fp, c->kind, err, sizeof(err));
	if (c->columns == 0) {
		ck_assert_ptr_null(r);
		for (i = 0; i < NELEM(c->err) && c->err[i] != NULL; i++)
			ck_assert_msg(strstr(err, c->err[i]) != NULL,
			    "%s: \"%s\" not in \"%s\"", c->file, c->err[i],
			    err);
		fclose(fp);
		return;
	}
	ck_assert_msg(r != NULL, "%s: %s", c->file, err);
	ck_assert_uint_eq(rpps_column_count(r), c->columns);
	ck_assert(rpps_had_bom(r) == c->bom);
	while ((s = rpps_next(r)) != RPPS_EOF) {
		ck_assert_int_ne(s, RPPS_IO_ERROR);
		if (s == RPPS_RECORD) {
			ck_assert_int_eq(rpps_bad_reason(r), RPPS_BAD_NONE);
			ck_assert_str_eq(rpps_message(r), "");
			continue;
		}
		ck_assert_msg(c->bad[nbad].line != 0, "%s: unexpected %s",
		    c->file, rpps_message(r));
		ck_assert_uint_eq(rpps_lineno(r), c->bad[nbad].line);
		ck_assert_int_eq(rpps_bad_reason(r), c->bad[nbad].why);
		ck_assert_ptr_nonnull(strstr(rpps_message(r),
		    rpps_bad_str(c->bad[nbad].why)));
		ck_assert_ptr_nonnull(strstr(rpps_message(r),
		    rpps_kind_str(c->kind)));
		nbad++;
	}
	ck_assert_uint_eq(c->bad[nbad].line, 0);
	st = rpps_stats(r);
	ck_assert_uint_eq(st->records, c->records);
	ck_assert_uint_eq(st->bad, nbad);
	ck_assert_uint_eq(st->lines, st->records + st->bad);
	for (i = 0; i < nbad; i++)
		ck_assert_uint_ge(st->bad_by_reason[c->bad[i].why], 1);
	/* EOF sticks. */
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	rpps_close(r);
	fclose(fp);
}
END_TEST

/* ---- fixtures: field values ---- */

#define FA(m)	offsetof(struct rpps_activite, m)
#define FS(m)	offsetof(struct rpps_savoir_faire, m)
#define FM(m)	offsetof(struct rpps_mssante, m)
#define ABSENT	((const char *)1)	/* the member must be NULL */

struct value_case {
	const char	*file;
	enum rpps_kind	 kind;
	unsigned	 record;	/* 1 for the first record */
	size_t		 off;
	const char	*want;		/* or ABSENT */
};

static const struct value_case value_cases[] = {
	{ "activite_new.txt", ACT, 1, FA(id_type), "8" },
	{ "activite_new.txt", ACT, 1, FA(id_pp), "10000000009" },
	{ "activite_new.txt", ACT, 1, FA(idnps), "810000000009" },
	{ "activite_new.txt", ACT, 1, FA(practice_title_code), "DR" },
	{ "activite_new.txt", ACT, 1, FA(practice_title_label), "Docteur" },
	{ "activite_new.txt", ACT, 1, FA(title_code), "MME" },
	{ "activite_new.txt", ACT, 1, FA(last_name), "LEFÈVRE" },
	{ "activite_new.txt", ACT, 1, FA(first_name), "HÉLÈNE" },
	{ "activite_new.txt", ACT, 1, FA(profession_code), "10" },
	{ "activite_new.txt", ACT, 1, FA(profession_label), "Médecin" },
	{ "activite_new.txt", ACT, 1, FA(category_code), "C" },
	{ "activite_new.txt", ACT, 1, FA(skill_type_code), "S" },
	{ "activite_new.txt", ACT, 1, FA(skill_code), "SM54" },
	{ "activite_new.txt", ACT, 1, FA(skill_label), "Médecine Générale" },
	{ "activite_new.txt", ACT, 1, FA(mode_code), "L" },
	{ "activite_new.txt", ACT, 1, FA(mode_label), "Libéral" },
	{ "activite_new.txt", ACT, 1, FA(siret), "48351290100016" },
	{ "activite_new.txt", ACT, 1, FA(siren), "483512901" },
	{ "activite_new.txt", ACT, 1, FA(finess_site), "" },
	{ "activite_new.txt", ACT, 1, FA(structure_id), "C48351290100016" },
	{ "activite_new.txt", ACT, 1, FA(company_name),
	    "CABINET DU DR LEFÈVRE" },
	{ "activite_new.txt", ACT, 1, FA(street_number), "12" },
	{ "activite_new.txt", ACT, 1, FA(street_repeat), "B" },
	{ "activite_new.txt", ACT, 1, FA(street_type_code), "R" },
	{ "activite_new.txt", ACT, 1, FA(street_type_label), "Rue" },
	{ "activite_new.txt", ACT, 1, FA(street_name), "DE LA REPUBLIQUE" },
	{ "activite_new.txt", ACT, 1, FA(cedex_office), "25000 BESANCON" },
	{ "activite_new.txt", ACT, 1, FA(postal_code), "25000" },
	{ "activite_new.txt", ACT, 1, FA(commune_code), "25056" },
	{ "activite_new.txt", ACT, 1, FA(commune_label), "Besançon" },
	{ "activite_new.txt", ACT, 1, FA(phone), "0381234567" },
	{ "activite_new.txt", ACT, 1, FA(email), "" },
	{ "activite_new.txt", ACT, 1, FA(dept_code), "25" },
	{ "activite_new.txt", ACT, 1, FA(dept_label), "Doubs" },
	{ "activite_new.txt", ACT, 1, FA(sector_code), "SA07" },
	{ "activite_new.txt", ACT, 1, FA(sector_label), "Cabinet individuel" },
	{ "activite_new.txt", ACT, 1, FA(role_code), "FON-01" },
	{ "activite_new.txt", ACT, 1, FA(activity_kind_code), "GENR01" },
	{ "activite_new.txt", ACT, 1, FA(activity_kind_label),
	    "Activité standard de soin ou de pharmacien" },
	{ "activite_new.txt", ACT, 2, FA(mode_code), "S" },
	{ "activite_new.txt", ACT, 2, FA(finess_site), "250000015" },
	{ "activite_new.txt", ACT, 2, FA(finess_ej), "250000023" },
	{ "activite_new.txt", ACT, 2, FA(country_code), "99100" },
	{ "activite_new.txt", ACT, 2, FA(email),
	    "secretariat.medecine@ch-besancon.fr" },
	{ "activite_new.txt", ACT, 3, FA(id_type), "0" },
	{ "activite_new.txt", ACT, 3, FA(idnps), "0207654321" },
	{ "activite_new.txt", ACT, 3, FA(first_name), "JEAN-FRANÇOIS" },
	{ "activite_new.txt", ACT, 3, FA(commune_code), "2A004" },
	{ "activite_new.txt", ACT, 3, FA(addr_geo), "RÉSIDENCE LES PINS" },
	{ "activite_new.txt", ACT, 3, FA(phone2), "0612345678" },
	{ "activite_new.txt", ACT, 4, FA(last_name), "LE GOFF" },
	{ "activite_new.txt", ACT, 4, FA(mode_code), "" },	/* no site */
	{ "activite_new.txt", ACT, 4, FA(postal_code), "" },
	{ "activite_new.txt", ACT, 5, FA(last_name), "D'ALMEIDA" },
	{ "activite_new.txt", ACT, 5, FA(pharma_section_code), "A" },
	{ "activite_new.txt", ACT, 5, FA(fax), "0145321099" },
	{ "activite_new.txt", ACT, 6, FA(mode_label), "Bénévole" },
	{ "activite_new.txt", ACT, 6, FA(activity_kind_code), "GENR02" },
	{ "activite_new.txt", ACT, 6, FA(activity_kind_label),
	    "Activité de remplacement" },
	/* The 2021-22 column set: the last four columns are absent. */
	{ "activite_old_bom.txt", ACT, 1, FA(id_type), "8" },
	{ "activite_old_bom.txt", ACT, 1, FA(last_name), "LEFÈVRE" },
	{ "activite_old_bom.txt", ACT, 1, FA(pharma_section_label), "" },
	{ "activite_old_bom.txt", ACT, 1, FA(sector_code), "SA07" },
	{ "activite_old_bom.txt", ACT, 1, FA(role_code), ABSENT },
	{ "activite_old_bom.txt", ACT, 1, FA(role_label), ABSENT },
	{ "activite_old_bom.txt", ACT, 1, FA(activity_kind_code), ABSENT },
	{ "activite_old_bom.txt", ACT, 3, FA(activity_kind_label), ABSENT },
	{ "activite_old_bom.txt", ACT, 3, FA(pharma_section_label),
	    "Titulaires d'officine" },
	/* CRLF: the last field does not keep the \r. */
	{ "activite_crlf.txt", ACT, 2, FA(activity_kind_label),
	    "Activité de remplacement" },
	{ "activite_crlf.txt", ACT, 1, FA(idnps), "810000000017" },
	{ "activite_bad.txt", ACT, 3, FA(last_name), "NGUYEN" },
	{ "savoir_faire.txt", SF, 1, FS(id_type), "8" },
	{ "savoir_faire.txt", SF, 1, FS(idnps), "810000000009" },
	{ "savoir_faire.txt", SF, 1, FS(skill_code), "SM54" },
	{ "savoir_faire.txt", SF, 2, FS(skill_type_code), "CAPA" },
	{ "savoir_faire.txt", SF, 2, FS(skill_label), "Gérontologie" },
	{ "savoir_faire.txt", SF, 3, FS(profession_label),
	    "Chirurgien-Dentiste" },
	{ "savoir_faire.txt", SF, 4, FS(skill_label), "Psychiatrie" },
	{ "mssante.txt", MSS, 1, FM(box_type), "PER" },
	{ "mssante.txt", MSS, 1, FM(address),
	    "helene.lefevre@medecin.mssante.fr" },
	{ "mssante.txt", MSS, 1, FM(idnps), "810000000009" },
	{ "mssante.txt", MSS, 1, FM(category_code), "C" },
	{ "mssante.txt", MSS, 1, FM(category_label), "Civil" },
	{ "mssante.txt", MSS, 1, FM(street_type), "R" },
	{ "mssante.txt", MSS, 1, FM(addr_routing), "25000 BESANCON" },
	{ "mssante.txt", MSS, 1, FM(country), "FRANCE" },
	{ "mssante.txt", MSS, 2, FM(idnps), "0207654321" },
	{ "mssante.txt", MSS, 2, FM(addr_location), "RÉSIDENCE LES PINS" },
	{ "mssante.txt", MSS, 3, FM(address),
	    "celine.dalmeida@pharmacien.mssante.fr" },
};

static const char *
member(const void *rec, size_t off)
{
	const char *v;

	memcpy(&v, (const char *)rec + off, sizeof(v));
	return v;
}

START_TEST(test_value)
{
	const struct value_case *c = &value_cases[_i];
	struct rpps_reader *r;
	const void *rec = NULL;
	const char *v;
	char err[512];
	unsigned n = 0;
	FILE *fp;

	fp = fixture(c->file);
	r = rpps_open(fp, c->kind, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	while (n < c->record && rpps_next(r) != RPPS_EOF) {
		if (c->kind == ACT)
			rec = rpps_activite(r);
		else if (c->kind == SF)
			rec = rpps_savoir_faire(r);
		else
			rec = rpps_mssante(r);
		if (rec != NULL)
			n++;
	}
	ck_assert_uint_eq(n, c->record);
	v = member(rec, c->off);
	if (c->want == ABSENT)
		ck_assert_ptr_null(v);
	else {
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(v, c->want);
	}
	rpps_close(r);
	fclose(fp);
}
END_TEST

/* Required members are never NULL, optional ones present in the header
 * are never NULL either; the accessors of other kinds give NULL. */
START_TEST(test_accessors)
{
	struct rpps_reader *r;
	const struct rpps_activite *a;
	char err[256];
	FILE *fp;

	fp = fixture("activite_bad.txt");
	r = rpps_open(fp, ACT, err, sizeof(err));
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_null(rpps_activite(r));	/* nothing read yet */
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	a = rpps_activite(r);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(rpps_savoir_faire(r));
	ck_assert_ptr_null(rpps_mssante(r));
	ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);
	ck_assert_ptr_null(rpps_activite(r));
	ck_assert_str_eq(rpps_message(r), "PS_LibreAcces_Personne_activite "
	    "line 3: wrong field count (56 fields, the header has 57)");
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);
	ck_assert_str_eq(rpps_message(r), "PS_LibreAcces_Personne_activite "
	    "line 5: malformed IDNPS \"81234\" (expected 8 + 11 digits or "
	    "0 + 9 digits)");
	ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);
	ck_assert_ptr_nonnull(strstr(rpps_message(r), "line 6: invalid "
	    "UTF-8 or NUL byte at byte"));
	rpps_close(r);
	fclose(fp);
	rpps_close(NULL);
}
END_TEST

/* ---- lenient header matching ---- */

struct fold_case {
	const char	*a;
	const char	*b;
	bool		 same;
};

static const struct fold_case fold_cases[] = {
	{ "Libellé civilité d'exercice", "Libellé civilité exercice", true },
	{ "Libellé civilité d\xe2\x80\x99" "exercice",
	    "LIBELLE CIVILITE D EXERCICE", true },
	{ "Identification nationale PP", "  IDENTIFICATION   Nationale  PP ",
	    true },
	{ "Indice répétition voie (coord. structure)",
	    "Indice répétition voie (coord. Structure)", true },
	{ "Code Département (structure)",
	    "Code département (coord. structure)", true },
	{ "Type de BAL", "Type BAL", true },
	{ "Type d'identifiant PP", "Type Identifiant PP", true },
	{ "Code genre activité", "Code genre d'activité", true },
	{ "Adresse e-mail (coord. structure)", "Adresse email (coord.structure)",
	    true },
	{ "Identifiant technique de la structure",
	    "Identifiant technique structure", true },
	{ "Lætitia Œuvre à Noël", "LAETITIA OEUVRE A NOEL", true },
	{ "Code savoir-faire", "Code type savoir-faire", false },
	{ "Téléphone (coord. structure)", "Téléphone 2 (coord. structure)",
	    false },
	{ "Code profession", "Libellé profession", false },
	{ "Nom d'exercice", "Prénom d'exercice", false },
	{ "Code civilité", "Code civilité d'exercice", false },
	{ "Numéro FINESS site", "Numéro FINESS établissement juridique",
	    false },
	{ "Code postal", "Code pays", false },
	{ "", "de la", true },				/* both empty */
	{ "\xff\xc3", "", true },			/* junk folds away */
};

START_TEST(test_fold_pairs)
{
	const struct fold_case *c = &fold_cases[_i];
	char a[128], b[128];

	rpps_fold(c->a, strlen(c->a), a, sizeof(a));
	rpps_fold(c->b, strlen(c->b), b, sizeof(b));
	ck_assert_msg((strcmp(a, b) == 0) == c->same, "\"%s\" -> \"%s\", "
	    "\"%s\" -> \"%s\"", c->a, a, c->b, b);
}
END_TEST

struct fold_out_case {
	const char	*in;
	size_t		 outsz;
	const char	*want;
	size_t		 len;
};

static const struct fold_out_case fold_out_cases[] = {
	{ "Libellé civilité d'exercice", 64, "libelleciviliteexercice", 23 },
	{ "Code Département (structure)", 64, "codedepartementstructure", 24 },
	{ "Téléphone 2 (coord. structure)", 64, "telephone2structure", 19 },
	{ "L2COMPLEMENTLOCALISATION", 64, "l2complementlocalisation", 24 },
	{ "Code Département (structure)", 5, "code", 24 },	/* truncated */
	{ "Code", 1, "", 4 },
	{ "Ça", 64, "ca", 2 },
	{ "", 64, "", 0 },
};

START_TEST(test_fold_out)
{
	const struct fold_out_case *c = &fold_out_cases[_i];
	char out[64];

	memset(out, 'X', sizeof(out));
	ck_assert_uint_eq(rpps_fold(c->in, strlen(c->in), out, c->outsz),
	    c->len);
	ck_assert_str_eq(out, c->want);
	ck_assert_uint_eq(rpps_fold(c->in, strlen(c->in), NULL, 0), c->len);
}
END_TEST

/* A header spelt differently, reordered, with an unknown column and no
 * trailing '|': values still land in the right members. */
START_TEST(test_header_variants)
{
	static const char file[] =
	    "\xef\xbb\xbfPr\xc3\xa9nom  d'exercice|Colonne inconnue|"
	    "IDENTIFICATION NATIONALE PP|Type Identifiant PP|Identifiant PP|"
	    "Nom d\xe2\x80\x99" "exercice|code profession|"
	    "Libelle civilite exercice|Code d\xc3\xa9partement (coord. "
	    "structure)|Code fonction|Code genre d'activit\xc3\xa9|"
	    "code mode exercice|Identifiant technique structure|"
	    "CODE POSTAL (COORD. STRUCTURE)|Code commune (structure)\r\n"
	    "HUGO|?|810000000009|8|10000000009|LEFEBVRE|10|Docteur|25|"
	    "FON-01|GENR01|L|C1|25000|25056\r\n";
	const struct rpps_activite *a;
	struct rpps_reader *r;
	char err[256];
	FILE *fp;

	fp = mem_open(file, sizeof(file) - 1);
	r = rpps_open(fp, ACT, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert(rpps_had_bom(r));
	ck_assert_uint_eq(rpps_column_count(r), 15);
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	a = rpps_activite(r);
	ck_assert_str_eq(a->first_name, "HUGO");
	ck_assert_str_eq(a->idnps, "810000000009");
	ck_assert_str_eq(a->id_type, "8");
	ck_assert_str_eq(a->id_pp, "10000000009");
	ck_assert_str_eq(a->last_name, "LEFEBVRE");
	ck_assert_str_eq(a->profession_code, "10");
	ck_assert_str_eq(a->practice_title_label, "Docteur");
	ck_assert_str_eq(a->dept_code, "25");
	ck_assert_str_eq(a->role_code, "FON-01");
	ck_assert_str_eq(a->activity_kind_code, "GENR01");
	ck_assert_str_eq(a->mode_code, "L");
	ck_assert_str_eq(a->structure_id, "C1");
	ck_assert_str_eq(a->postal_code, "25000");
	ck_assert_str_eq(a->commune_code, "25056");
	ck_assert_ptr_null(a->commune_label);
	ck_assert_ptr_null(a->skill_code);
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	rpps_close(r);
	fclose(fp);
}
END_TEST

/* When a column appears twice, the first one is used. */
START_TEST(test_header_duplicate)
{
	static const char file[] =
	    "Identification nationale PP|Code profession|Code savoir-faire|"
	    "Libell\xc3\xa9 savoir-faire|Code type savoir-faire|"
	    "Code profession|\n"
	    "012345678|60|X|Y|Z|99|\n";
	static const char file2[] =
	    "Identification nationale PP|Code profession|Code savoir-faire|"
	    "Libell\xc3\xa9 savoir-faire|Code type savoir-faire|"
	    "Code profession|\n"
	    "0123456789|60|X|Y|Z|99|\n";
	const struct rpps_savoir_faire *s;
	struct rpps_reader *r;
	char err[256];
	FILE *fp;

	fp = mem_open(file, sizeof(file) - 1);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);	/* 8 digits */
	ck_assert_int_eq(rpps_bad_reason(r), RPPS_BAD_IDNPS);
	rpps_close(r);
	fclose(fp);

	fp = mem_open(file2, sizeof(file2) - 1);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	s = rpps_savoir_faire(r);
	ck_assert_str_eq(s->profession_code, "60");
	ck_assert_str_eq(s->skill_type_code, "Z");
	ck_assert_ptr_null(s->last_name);
	rpps_close(r);
	fclose(fp);
}
END_TEST

/* ---- IDNPS shape ---- */

struct idnps_case {
	const char	*in;
	bool		 ok;
};

static const struct idnps_case idnps_cases[] = {
	{ "810000000009", true },
	{ "812345678901", true },	/* the key is not this layer's job */
	{ "0207654321", true },
	{ "0000000000", true },
	{ NULL, false },
	{ "", false },
	{ "8", false },
	{ "0", false },
	{ "81000000000", false },	/* 10 digits after the 8 */
	{ "8100000000091", false },	/* 12 */
	{ "020765432", false },		/* 8 after the 0 */
	{ "02076543210", false },	/* 10 */
	{ "910000000009", false },
	{ "10000000009", false },	/* RPPS without its type */
	{ "8A0000000009", false },
	{ "020765432A", false },
	{ "810000000009 ", false },
	{ " 810000000009", false },
	{ "81000000000\xc3\xa9", false },
	{ "02A7654321", false },
	{ "8-10000000009", false },
};

START_TEST(test_idnps)
{
	const struct idnps_case *c = &idnps_cases[_i];

	ck_assert_msg(rpps_idnps_ok(c->in) == c->ok, "\"%s\"",
	    c->in != NULL ? c->in : "(null)");
}
END_TEST

/* The same table through the reader: a bad IDNPS is a counted bad line. */
START_TEST(test_idnps_lines)
{
	const struct idnps_case *c = &idnps_cases[_i];
	char file[256];
	struct rpps_reader *r;
	char err[256];
	int n;
	FILE *fp;

	if (c->in == NULL)
		return;
	n = snprintf(file, sizeof(file), "Type de BAL|Adresse BAL|"
	    "Identification nationale PP|\nPER|a@b.mssante.fr|%s|\n", c->in);
	fp = mem_open(file, (size_t)n);
	r = rpps_open(fp, MSS, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	if (c->ok)
		ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	else {
		ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);
		ck_assert_int_eq(rpps_bad_reason(r), *c->in == '\0' ?
		    RPPS_BAD_NO_IDNPS : RPPS_BAD_IDNPS);
		ck_assert_uint_eq(rpps_lineno(r), 2);
	}
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	rpps_close(r);
	fclose(fp);
}
END_TEST

/* ---- limits and odd files ---- */

static const char sf_header[] =
    "Identification nationale PP|Code profession|Code type savoir-faire|"
    "Code savoir-faire|Libell\xc3\xa9 savoir-faire|\n";

/* Returns a SavoirFaire file whose second line is len bytes long (its
 * label field padded with 'x'), then "eol", then a good line. */
static char *
long_line_file(size_t len, const char *eol, size_t *n)
{
	static const char start[] = "810000000009|10|S|SM54|";
	static const char good[] = "810000000009|10|S|SM54|ok|\n";
	size_t h = strlen(sf_header), s = strlen(start), e = strlen(eol);
	char *f;

	ck_assert_uint_ge(len, s + 1);
	*n = h + len + e + strlen(good);
	f = malloc(*n + 1);
	ck_assert_ptr_nonnull(f);
	memcpy(f, sf_header, h);
	memcpy(f + h, start, s);
	memset(f + h + s, 'x', len - s - 1);
	f[h + len - 1] = '|';
	memcpy(f + h + len, eol, e);
	memcpy(f + h + len + e, good, strlen(good) + 1);
	return f;
}

struct long_case {
	size_t		 len;
	const char	*eol;
	enum rpps_status want;
};

static const struct long_case long_cases[] = {
	{ RPPS_LINE_MAX, "\n", RPPS_RECORD },
	{ RPPS_LINE_MAX, "\r\n", RPPS_RECORD },
	{ RPPS_LINE_MAX + 1, "\n", RPPS_BAD_LINE },
	{ RPPS_LINE_MAX + 1, "\r\n", RPPS_BAD_LINE },
	{ RPPS_LINE_MAX + 2, "\n", RPPS_BAD_LINE },
	{ 3 * RPPS_LINE_MAX, "\n", RPPS_BAD_LINE },
	{ 10 * RPPS_LINE_MAX + 7, "\n", RPPS_BAD_LINE },
	{ 100, "\n", RPPS_RECORD },
};

START_TEST(test_long_lines)
{
	const struct long_case *c = &long_cases[_i];
	struct rpps_reader *r;
	char err[256], *f;
	size_t n;
	FILE *fp;

	f = long_line_file(c->len, c->eol, &n);
	fp = mem_open(f, n);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), c->want);
	if (c->want == RPPS_BAD_LINE) {
		ck_assert_int_eq(rpps_bad_reason(r), RPPS_BAD_TOO_LONG);
		ck_assert_ptr_nonnull(strstr(rpps_message(r), "line 2:"));
	} else
		ck_assert_uint_eq(strlen(rpps_savoir_faire(r)->skill_label),
		    c->len - 24);
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	ck_assert_uint_eq(rpps_lineno(r), 3);
	ck_assert_str_eq(rpps_savoir_faire(r)->skill_label, "ok");
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	rpps_close(r);
	fclose(fp);
	free(f);
}
END_TEST

/* A too-long line at the very end, without a newline. */
START_TEST(test_long_last_line)
{
	struct rpps_reader *r;
	size_t h = strlen(sf_header), n = h + 2 * RPPS_LINE_MAX;
	char err[256], *f;
	FILE *fp;

	f = malloc(n);
	ck_assert_ptr_nonnull(f);
	memcpy(f, sf_header, h);
	memset(f + h, 'y', n - h);
	fp = mem_open(f, n);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), RPPS_BAD_LINE);
	ck_assert_int_eq(rpps_bad_reason(r), RPPS_BAD_TOO_LONG);
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	ck_assert_uint_eq(rpps_stats(r)->lines, 1);
	rpps_close(r);
	fclose(fp);
	free(f);
}
END_TEST

#define NUL_LINE	"810000000009|10|S|SM54|a\0b|\n"
#define NUL_HEADER	"Identification nationale PP|Code profession|\0|\n"

struct line_case {
	const char	*data;		/* after sf_header */
	size_t		 len;		/* 0: strlen */
	enum rpps_status want;
	enum rpps_bad	 why;
};

static const struct line_case line_cases[] = {
	{ "810000000009|10|S|SM54|x|\n", 0, RPPS_RECORD, RPPS_BAD_NONE },
	{ "810000000009|10|S|SM54|x|", 0, RPPS_RECORD, RPPS_BAD_NONE },
	{ "810000000009|10|S|SM54|x|\r\n", 0, RPPS_RECORD, RPPS_BAD_NONE },
	{ "810000000009|10|S|SM54|x\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_FIELD_COUNT },
	{ "810000000009|10|S|SM54|x||\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_FIELD_COUNT },
	{ "\n", 0, RPPS_BAD_LINE, RPPS_BAD_EMPTY },
	{ "\r\n", 0, RPPS_BAD_LINE, RPPS_BAD_EMPTY },
	{ "|||||\n", 0, RPPS_BAD_LINE, RPPS_BAD_NO_IDNPS },
	{ NUL_LINE, sizeof(NUL_LINE) - 1, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },
	{ "810000000009|10|S|SM54|\xe9|\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },
	{ "810000000009|10|S|SM54|\xc3|\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },
	{ "810000000009|10|S|SM54|\xed\xa0\x80|\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },		/* surrogate */
	{ "810000000009|10|S|SM54|\xc0\xaf|\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },		/* overlong */
	{ "810000000009|10|S|SM54|\xf4\x90\x80\x80|\n", 0, RPPS_BAD_LINE,
	    RPPS_BAD_ENCODING },		/* past U+10FFFF */
	{ "810000000009|10|S|SM54|\xf0\x9f\x98\x80\xe2\x82\xac|\n", 0,
	    RPPS_RECORD, RPPS_BAD_NONE },	/* U+1F600, euro sign */
	{ "810000000009|10|S|SM54|x\r|\n", 0, RPPS_RECORD, RPPS_BAD_NONE },
	{ "8100000000O9|10|S|SM54|x|\n", 0, RPPS_BAD_LINE, RPPS_BAD_IDNPS },
};

START_TEST(test_lines)
{
	const struct line_case *c = &line_cases[_i];
	struct rpps_reader *r;
	size_t h = strlen(sf_header), n = c->len ? c->len : strlen(c->data);
	char err[256], file[512];
	FILE *fp;

	memcpy(file, sf_header, h);
	memcpy(file + h, c->data, n);
	fp = mem_open(file, h + n);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), c->want);
	ck_assert_int_eq(rpps_bad_reason(r), c->why);
	ck_assert_uint_eq(rpps_lineno(r), 2);
	ck_assert_int_eq(rpps_next(r), RPPS_EOF);
	ck_assert_uint_eq(rpps_lineno(r), 2);
	rpps_close(r);
	fclose(fp);
}
END_TEST

struct open_case {
	const char	*data;
	size_t		 len;		/* 0: strlen */
	enum rpps_kind	 kind;
	const char	*err;		/* NULL: opens */
};

static const struct open_case open_cases[] = {
	{ "", 0, SF, "empty file" },
	{ "\xef\xbb\xbf", 0, SF, "required column" },
	{ "\n", 0, SF, "required column" },
	{ "Identification nationale PP|Code profession|Code type "
	    "savoir-faire|Code savoir-faire|Libell\xe9 savoir-faire|\n", 0,
	    SF, "not valid UTF-8" },
	{ "Identification nationale PP|Code profession|Code type "
	    "savoir-faire|Code savoir-faire|Libell\xc3\xa9 savoir-faire", 0,
	    SF, NULL },			/* header only, no newline */
	{ "Identification nationale PP|Code profession|Code type "
	    "savoir-faire|Code savoir-faire|Libell\xc3\xa9 savoir-faire|"
	    "\r\n", 0, SF, NULL },
	{ "Identification nationale PP|Code profession|Code type "
	    "savoir-faire|Code savoir-faire|\n", 0, SF,
	    "PS_LibreAcces_SavoirFaire file: required column(s) missing from "
	    "the header: \"Libell\xc3\xa9 savoir-faire\"" },
	{ NUL_HEADER, sizeof(NUL_HEADER) - 1, SF,
	    "not valid UTF-8" },
	{ "Type de BAL|Adresse BAL|Identification nationale PP\n", 0, MSS,
	    NULL },
	{ "Type de BAL|Adresse BAL\n", 0, MSS,
	    "\"Identification nationale PP\"" },
	{ "x\n", 0, RPPS_KIND__MAX, "unknown" },
};

START_TEST(test_open)
{
	const struct open_case *c = &open_cases[_i];
	size_t n = c->len ? c->len : strlen(c->data);
	struct rpps_reader *r;
	char err[512];
	FILE *fp;

	fp = mem_open(c->data, n);
	memset(err, 'X', sizeof(err));
	r = rpps_open(fp, c->kind, err, sizeof(err));
	if (c->err == NULL) {
		ck_assert_msg(r != NULL, "%s", err);
		ck_assert_str_eq(err, "");
		ck_assert_int_eq(rpps_next(r), RPPS_EOF);
		ck_assert_uint_eq(rpps_stats(r)->lines, 0);
		rpps_close(r);
	} else {
		ck_assert_ptr_null(r);
		ck_assert_msg(strstr(err, c->err) != NULL, "\"%s\" not in "
		    "\"%s\"", c->err, err);
	}
	fclose(fp);
}
END_TEST

START_TEST(test_open_limits)
{
	struct rpps_reader *r;
	char err[256], *f;
	size_t n = 2 * RPPS_COLUMNS_MAX + 2, i;
	FILE *fp;

	/* One column more than allowed. */
	f = malloc(n + 1);
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < n - 1; i += 2) {
		f[i] = 'c';
		f[i + 1] = '|';
	}
	f[n - 1] = 'c';
	f[n] = '\n';
	fp = mem_open(f, n + 1);
	r = rpps_open(fp, SF, err, sizeof(err));
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, "1025 columns"));
	fclose(fp);
	free(f);

	/* A header line too long. */
	n = RPPS_LINE_MAX + 10;
	f = malloc(n);
	ck_assert_ptr_nonnull(f);
	memset(f, 'h', n);
	fp = mem_open(f, n);
	ck_assert_ptr_null(rpps_open(fp, SF, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "header line too long"));
	fclose(fp);
	free(f);

	/* No stream; no error buffer. */
	ck_assert_ptr_null(rpps_open(NULL, SF, err, sizeof(err)));
	fp = mem_open("x\n", 2);
	ck_assert_ptr_null(rpps_open(fp, SF, NULL, 0));
	fclose(fp);
}
END_TEST

/* A stream that gives a header and one line, then fails. */
struct failing {
	const char	*data;
	size_t		 len;
	size_t		 pos;
};

static ssize_t
failing_read(void *cookie, char *buf, size_t size)
{
	struct failing *f = cookie;
	size_t n = f->len - f->pos;

	if (n == 0) {
		errno = EIO;
		return -1;
	}
	if (n > size)
		n = size;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

START_TEST(test_io_error)
{
	static const char data[] = "Type de BAL|Adresse BAL|"
	    "Identification nationale PP|\nPER|a@b.fr|810000000009|\n";
	struct failing f = { data, sizeof(data) - 1, 0 };
	cookie_io_functions_t io = { failing_read, NULL, NULL, NULL };
	struct rpps_reader *r;
	char err[256];
	FILE *fp;

	fp = fopencookie(&f, "r", io);
	ck_assert_ptr_nonnull(fp);
	r = rpps_open(fp, MSS, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(rpps_next(r), RPPS_RECORD);
	ck_assert_str_eq(rpps_mssante(r)->address, "a@b.fr");
	ck_assert_int_eq(rpps_next(r), RPPS_IO_ERROR);
	ck_assert_ptr_nonnull(strstr(rpps_message(r), "read error after "
	    "line 2"));
	ck_assert_int_eq(rpps_next(r), RPPS_IO_ERROR);
	ck_assert_ptr_null(rpps_mssante(r));
	rpps_close(r);
	fclose(fp);

	/* Failing at once: the header cannot be read. */
	f.pos = f.len;
	fp = fopencookie(&f, "r", io);
	ck_assert_ptr_null(rpps_open(fp, MSS, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "Extraction_Correspondance_"
	    "MSSante file: "));
	fclose(fp);
}
END_TEST

START_TEST(test_strings)
{
	int i;

	for (i = 0; i < RPPS_BAD__MAX; i++)
		ck_assert_uint_gt(strlen(rpps_bad_str((enum rpps_bad)i)), 0);
	ck_assert_str_eq(rpps_bad_str(RPPS_BAD__MAX), "unknown reason");
	ck_assert_str_eq(rpps_kind_str(ACT), "PS_LibreAcces_Personne_activite");
	ck_assert_str_eq(rpps_kind_str(SF), "PS_LibreAcces_SavoirFaire");
	ck_assert_str_eq(rpps_kind_str(MSS),
	    "Extraction_Correspondance_MSSante");
	ck_assert_str_eq(rpps_kind_str(RPPS_KIND__MAX), "unknown file kind");
}
END_TEST

/* ---- the generator, parsed back ---- */

static char *
generate(enum rpps_kind kind, uint64_t seed, size_t n,
    const struct rpps_gen_opts *o, size_t *len, long long *lines)
{
	char *buf = NULL;
	FILE *fp;

	fp = open_memstream(&buf, len);
	ck_assert_ptr_nonnull(fp);
	*lines = rpps_gen_write(fp, kind, seed, n, o);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_ge(*lines, 0);
	return buf;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What a parsed file held, to check one kind against another. */
struct census {
	char		**idnps;	/* sorted, with repeats */
	size_t		 n;
	size_t		 people;	/* distinct IDNPS */
	size_t		 adeli;		/* lines */
	size_t		 corsica;	/* lines in 2A / 2B */
	size_t		 overseas;	/* lines in 971-976 */
	char		 dept[128][4];	/* departments met */
	size_t		 ndept;
	char		 postal[8192][6];	/* postal codes met */
	size_t		 postal_lines[8192];
	size_t		 npostal;
	size_t		 per;		/* MSSanté personal boxes */
	size_t		 prof[100];	/* lines per profession code */
	const struct rpps_stats *st;
};

static void
census_free(struct census *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->idnps[i]);
	free(c->idnps);
}

/* Counts a line's department and postal code. */
static void
census_place(struct census *c, const char *dept, const char *postal)
{
	size_t i;

	if (dept != NULL && *dept != '\0') {
		for (i = 0; i < c->ndept; i++)
			if (strcmp(c->dept[i], dept) == 0)
				break;
		if (i == c->ndept && c->ndept < 128)
			snprintf(c->dept[c->ndept++], 4, "%s", dept);
	}
	if (postal == NULL || *postal == '\0')
		return;
	for (i = 0; i < c->npostal; i++)
		if (strcmp(c->postal[i], postal) == 0)
			break;
	if (i == c->npostal) {
		if (c->npostal == 8192)
			return;
		snprintf(c->postal[c->npostal++], 6, "%s", postal);
	}
	c->postal_lines[i]++;
}

static bool
census_has(const struct census *c, const char *idnps)
{
	return c->n > 0 && bsearch(&idnps, c->idnps, c->n, sizeof(char *),
	    cmp_str) != NULL;
}

static void
check_opt(const char *v, const char *(*fn)(const char *, long long,
    long long), const char *what)
{
	if (v != NULL && *v != '\0')
		ck_assert_msg(fn(v, 0, 0) == NULL, "%s \"%s\": %s", what, v,
		    fn(v, 0, 0));
}

static long long
prof_code(const char *s)
{
	long long v;

	ck_assert_msg(valid_parse_ll(s, 0, 99, &v) == 0, "profession \"%s\"",
	    s);
	return v;
}

/* Parses buf back and checks every record against valid.c. */
static void
parse_back(const char *buf, size_t len, enum rpps_kind kind,
    const struct rpps_gen_opts *o, struct census *c, struct rpps_stats *st)
{
	const struct rpps_activite *a;
	const struct rpps_savoir_faire *s;
	const struct rpps_mssante *m;
	struct rpps_reader *r;
	enum rpps_status rs;
	char err[512];
	size_t cap = 0, i;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	fp = mem_open(buf, len);
	r = rpps_open(fp, kind, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert(rpps_had_bom(r) == o->bom);
	while ((rs = rpps_next(r)) != RPPS_EOF) {
		ck_assert_int_ne(rs, RPPS_IO_ERROR);
		if (rs != RPPS_RECORD)
			continue;
		if (c->n == cap) {
			cap = cap ? 2 * cap : 256;
			c->idnps = realloc(c->idnps, cap * sizeof(char *));
			ck_assert_ptr_nonnull(c->idnps);
		}
		if ((a = rpps_activite(r)) != NULL) {
			c->idnps[c->n++] = strdup(a->idnps);
			ck_assert_ptr_null(valid_idnps(a->idnps, 0, 0));
			ck_assert_str_eq(a->idnps + 1, a->id_pp);
			ck_assert_int_eq(a->idnps[0], a->id_type[0]);
			c->adeli += a->id_type[0] == '0';
			c->prof[prof_code(a->profession_code)]++;
			ck_assert_ptr_nonnull(a->profession_label);
			ck_assert_uint_gt(strlen(a->last_name), 0);
			ck_assert_uint_gt(strlen(a->first_name), 0);
			check_opt(a->finess_site, valid_finess, "FINESS");
			check_opt(a->finess_ej, valid_finess, "FINESS EJ");
			check_opt(a->postal_code, valid_postal_code, "CP");
			check_opt(a->commune_code, valid_insee_commune,
			    "INSEE");
			check_opt(a->phone, valid_phone_fr, "phone");
			check_opt(a->phone2, valid_phone_fr, "phone 2");
			check_opt(a->fax, valid_phone_fr, "fax");
			check_opt(a->email, valid_email, "e-mail");
			if (*a->siret != '\0') {
				ck_assert(valid_luhn(a->siret, 14));
				ck_assert(valid_luhn(a->siren, 9));
				ck_assert(strncmp(a->siret, a->siren, 9) == 0);
			}
			if (*a->mode_code != '\0')
				ck_assert(strchr("LSB", *a->mode_code) != NULL);
			if (strcmp(a->profession_code, "10") == 0)
				ck_assert(strncmp(a->skill_code, "SM", 2) == 0);
			if (*a->commune_code != '\0' && *a->dept_code != '\0')
				ck_assert(strncmp(a->commune_code, a->dept_code,
				    strlen(a->dept_code)) == 0);
			c->corsica += a->commune_code[0] == '2' &&
			    (a->commune_code[1] == 'A' ||
			    a->commune_code[1] == 'B');
			c->overseas += strncmp(a->commune_code, "97", 2) == 0;
			census_place(c, a->dept_code, a->postal_code);
			if (o->old_columns)
				ck_assert_ptr_null(a->role_code);
			else
				ck_assert_ptr_nonnull(a->activity_kind_label);
		} else if ((s = rpps_savoir_faire(r)) != NULL) {
			c->idnps[c->n++] = strdup(s->idnps);
			ck_assert_ptr_null(valid_idnps(s->idnps, 0, 0));
			ck_assert_uint_gt(strlen(s->skill_code), 0);
			ck_assert_uint_gt(strlen(s->skill_label), 0);
		} else {
			m = rpps_mssante(r);
			ck_assert_ptr_nonnull(m);
			c->idnps[c->n++] = strdup(m->idnps);
			ck_assert_ptr_null(valid_idnps(m->idnps, 0, 0));
			ck_assert_str_eq(m->box_type, "PER");
			ck_assert_ptr_null(valid_email(m->address, 0, 0));
			ck_assert_ptr_nonnull(strstr(m->address,
			    ".mssante.fr"));
			c->per++;
		}
		ck_assert_ptr_nonnull(c->idnps[c->n - 1]);
	}
	memcpy(st, rpps_stats(r), sizeof(*st));
	if (c->n > 0)
		qsort(c->idnps, c->n, sizeof(char *), cmp_str);
	for (i = 0; i < c->n; i++)
		c->people += i == 0 || strcmp(c->idnps[i],
		    c->idnps[i - 1]) != 0;
	rpps_close(r);
	fclose(fp);
}

struct gen_case {
	uint64_t		 seed;
	size_t			 n;
	struct rpps_gen_opts	 o;
};

static const struct gen_case gen_cases[] = {
	{ 1, 3000, { false, false, false, 0 } },
	{ 20260901, 2500, { true, false, false, 0 } },
	{ 7, 2000, { false, true, false, 0 } },
	{ 8, 1500, { true, true, true, 0 } },
	{ 9, 1000, { false, false, false, 7 } },
	{ 10, 1000, { false, false, true, 1 } },
	{ 11, 1, { false, false, false, 0 } },
	{ 12, 0, { true, false, false, 0 } },
};

START_TEST(test_generator_round_trip)
{
	const struct gen_case *g = &gen_cases[_i];
	struct census act, sf, mss;
	struct rpps_stats st_act, st_sf, st_mss;
	long long lines_act, lines_sf, lines_mss, spoilt;
	char *b_act, *b_sf, *b_mss;
	size_t l_act, l_sf, l_mss, i, total, nurses, doctors;

	b_act = generate(ACT, g->seed, g->n, &g->o, &l_act, &lines_act);
	b_sf = generate(SF, g->seed, g->n, &g->o, &l_sf, &lines_sf);
	b_mss = generate(MSS, g->seed, g->n, &g->o, &l_mss, &lines_mss);
	ck_assert_int_eq(lines_act, (long long)g->n);

	parse_back(b_act, l_act, ACT, &g->o, &act, &st_act);
	parse_back(b_sf, l_sf, SF, &g->o, &sf, &st_sf);
	parse_back(b_mss, l_mss, MSS, &g->o, &mss, &st_mss);

	/* Every line comes back, as a record or as a counted bad line. */
	ck_assert_uint_eq(st_act.lines, (uint64_t)lines_act);
	ck_assert_uint_eq(st_sf.lines, (uint64_t)lines_sf);
	ck_assert_uint_eq(st_mss.lines, (uint64_t)lines_mss);
	spoilt = g->o.bad_every ? lines_act / g->o.bad_every : 0;
	ck_assert_uint_eq(st_act.bad, (uint64_t)spoilt);
	ck_assert_uint_eq(st_act.records, (uint64_t)(lines_act - spoilt));
	ck_assert_uint_eq(act.n, st_act.records);
	if (g->o.bad_every > 0) {
		ck_assert_uint_eq(st_act.bad_by_reason[RPPS_BAD_FIELD_COUNT] +
		    st_act.bad_by_reason[RPPS_BAD_IDNPS] +
		    st_act.bad_by_reason[RPPS_BAD_ENCODING],
		    (uint64_t)spoilt);
		ck_assert_uint_ge(st_act.bad_by_reason[RPPS_BAD_ENCODING],
		    (uint64_t)spoilt / 3);
		spoilt = lines_sf / g->o.bad_every;
		ck_assert_uint_eq(st_sf.bad, (uint64_t)spoilt);
		spoilt = lines_mss / g->o.bad_every;
		ck_assert_uint_eq(st_mss.bad - st_mss.bad_by_reason[
		    RPPS_BAD_ORG_MAILBOX], (uint64_t)spoilt);
	} else {
		ck_assert_uint_eq(st_sf.bad, 0);
		ck_assert_uint_eq(st_mss.bad,
		    st_mss.bad_by_reason[RPPS_BAD_ORG_MAILBOX]);
	}

	/* The same people in the three files. */
	for (i = 0; i < sf.n; i++)
		ck_assert_msg(g->o.bad_every > 0 || census_has(&act,
		    sf.idnps[i]), "%s", sf.idnps[i]);
	for (i = 0; i < mss.n; i++)
		ck_assert_msg(g->o.bad_every > 0 || census_has(&act,
		    mss.idnps[i]), "%s", mss.idnps[i]);
	/* No two people share a MSSanté box. */
	for (i = 1; i < mss.n; i++)
		ck_assert_str_ne(mss.idnps[i], mss.idnps[i - 1]);

	/* Realistic shape, on files big enough to tell. */
	if (g->n >= 2000 && g->o.bad_every == 0) {
		total = act.n;
		nurses = act.prof[60];
		doctors = act.prof[10];
		ck_assert_uint_gt(nurses * 100, total * 35);
		ck_assert_uint_lt(nurses * 100, total * 55);
		ck_assert_uint_gt(doctors * 100, total * 10);
		ck_assert_uint_lt(doctors * 100, total * 25);
		ck_assert_uint_gt(act.prof[70], 0);
		ck_assert_uint_gt(act.prof[21], 0);
		ck_assert_uint_gt(act.adeli, total / 50);
		ck_assert_uint_gt(act.corsica, 0);
		/* France as its population is spread: most departments,
		 * overseas included, many postal codes, none holding more
		 * than a few per cent of the lines (Paris's biggest
		 * arrondissement holds 0.3 % of the population). */
		ck_assert_uint_gt(act.overseas, 0);
		ck_assert_uint_ge(act.ndept, 80);
		ck_assert_uint_gt(act.npostal, total / 4);
		for (i = 0; i < act.npostal; i++)
			ck_assert_msg(act.postal_lines[i] * 100 < total * 2,
			    "%zu of %zu lines in %s", act.postal_lines[i], total,
			    act.postal[i]);
		/* Several lines for some people: 1-3 sites. */
		ck_assert_uint_lt(act.people * 100, total * 85);
		ck_assert_uint_gt(act.people * 100, total * 55);
		/* About a quarter of people have a MSSanté box. */
		ck_assert_uint_gt(mss.per * 100, act.people * 18);
		ck_assert_uint_lt(mss.per * 100, act.people * 32);
		ck_assert_uint_gt(sf.n, doctors / 3);
	}
	census_free(&act);
	census_free(&sf);
	census_free(&mss);
	free(b_act);
	free(b_sf);
	free(b_mss);
}
END_TEST

START_TEST(test_generator_deterministic)
{
	static const struct rpps_gen_opts o = { true, false, false, 0 };
	enum rpps_kind k = (enum rpps_kind)_i;
	long long n1, n2, n3;
	size_t l1, l2, l3;
	char *a, *b, *c;

	a = generate(k, 42, 800, &o, &l1, &n1);
	b = generate(k, 42, 800, &o, &l2, &n2);
	c = generate(k, 43, 800, &o, &l3, &n3);
	ck_assert_int_eq(n1, n2);
	ck_assert_uint_eq(l1, l2);
	ck_assert(memcmp(a, b, l1) == 0);
	ck_assert(l1 != l3 || memcmp(a, c, l1) != 0);
	/* A longer file starts with the shorter one's people. */
	free(b);
	b = generate(k, 42, 1600, &o, &l2, &n2);
	ck_assert_uint_gt(l2, l1);
	ck_assert(memcmp(a, b, l1) == 0);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_generator_errors)
{
	FILE *fp;

	ck_assert_int_eq(rpps_gen_write(NULL, ACT, 1, 10, NULL), -1);
	fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(rpps_gen_write(fp, RPPS_KIND__MAX, 1, 10, NULL),
	    -1);
	ck_assert_int_eq(rpps_gen_write(fp, ACT, 1, 10, NULL), 10);
	fclose(fp);
	/* A stream that cannot be written. */
	fp = fopen("/dev/full", "w");
	if (fp != NULL) {
		ck_assert_int_eq(rpps_gen_write(fp, ACT, 1, 5000, NULL), -1);
		fclose(fp);
	}
}
END_TEST

#define ADD_LOOP(tc, fn, table)						\
	tcase_add_loop_test(tc, fn, 0, (int)NELEM(table))

static Suite *
rpps_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("rpps");
	tc = tcase_create("fixtures");
	ADD_LOOP(tc, test_fixture, fixture_cases);
	ADD_LOOP(tc, test_value, value_cases);
	tcase_add_test(tc, test_accessors);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	ADD_LOOP(tc, test_fold_pairs, fold_cases);
	ADD_LOOP(tc, test_fold_out, fold_out_cases);
	tcase_add_test(tc, test_header_variants);
	tcase_add_test(tc, test_header_duplicate);
	ADD_LOOP(tc, test_open, open_cases);
	tcase_add_test(tc, test_open_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("lines");
	ADD_LOOP(tc, test_idnps, idnps_cases);
	ADD_LOOP(tc, test_idnps_lines, idnps_cases);
	ADD_LOOP(tc, test_lines, line_cases);
	ADD_LOOP(tc, test_long_lines, long_cases);
	tcase_add_test(tc, test_long_last_line);
	tcase_add_test(tc, test_io_error);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("generator");
	tcase_set_timeout(tc, 120);	/* slow under valgrind */
	ADD_LOOP(tc, test_generator_round_trip, gen_cases);
	tcase_add_loop_test(tc, test_generator_deterministic, 0,
	    RPPS_KIND__MAX);
	tcase_add_test(tc, test_generator_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(rpps_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
