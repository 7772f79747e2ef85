/*
 * Synthetic RPPS / MSSanté extractions.
 *
 * A population of professionals is drawn person by person: person i gets
 * its own PRNG state from (seed, i), so every file kind sees exactly the
 * same people and the same sites whichever kind is written.  Identifiers
 * come from bijections of i, so they never repeat within a file: RPPS
 * numbers ("10" + 8 digits + Luhn key), ADELI numbers (8 digits + key),
 * and (first name, last name, suffix) triples, which keeps MSSanté
 * addresses unique.
 *
 * Communes and establishments form a fixed "world" that does not depend on
 * the seed: the 101 departments weighted by their real population (Paris,
 * Lyon and Marseille by arrondissement, Corsica 2A/2B, the five overseas
 * departments), the chef-lieu of each with its real INSEE and postal
 * codes, ~16,000 invented communes with valid, coherent codes around them
 * (see "the world" below for the figures and why), and ~2,700
 * establishments with Luhn-valid FINESS and SIRET numbers.
 *
 * Codes and labels of professions, modes, sectors SA01/05/07/08 and
 * specialties SM04/18/26/42/53/54 follow rpps.md.  The other specialty,
 * capacity, role and activity-kind codes are realistic-looking but
 * synthetic: the directory builds its lookup tables from the files.
 */
#include "rpps_gen.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- PRNG: splitmix64 ---- */

static uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Returns a number in 0..n-1 (n >= 1). */
static uint32_t
rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * (uint64_t)n) >> 32);
}

/* Returns true permille times in a thousand. */
static bool
rng_chance(uint64_t *s, unsigned permille)
{
	return rng_below(s, 1000) < permille;
}

/* Picks an index from n weights (n >= 1, a positive sum). */
static size_t
rng_weighted(uint64_t *s, const unsigned *w, size_t n)
{
	uint32_t x, total = 0;
	size_t i;

	for (i = 0; i < n; i++)
		total += w[i];
	x = rng_below(s, total);
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* A bijection of 0..2^bits-1, keyed. */
static uint64_t
mix_bits(uint64_t x, unsigned bits, uint64_t key)
{
	uint64_t mask = (1ULL << bits) - 1;

	x = (x ^ key) & mask;
	x = (x * 0x9E3779B97F4A7C15ULL) & mask;
	x ^= x >> (bits / 2);
	x = (x * 0xBF58476D1CE4E5B9ULL) & mask;
	x ^= x >> (bits / 3);
	return (x + (key >> 17)) & mask;
}

/* A bijection of 0..n-1 (n <= 2^bits), by cycle walking: the cycle of
 * mix_bits through x comes back below n within 2^bits steps. */
static uint64_t
permute(uint64_t x, uint64_t n, unsigned bits, uint64_t key)
{
	uint64_t k;

	for (k = 0; k < (1ULL << bits); k++)
		if ((x = mix_bits(x, bits, key)) < n)
			break;
	return x;
}

/* ---- digits and check keys ---- */

/* Writes v as exactly n digits (n < 20) and a NUL. */
static void
put_digits(char *out, uint64_t v, size_t n)
{
	size_t i;

	for (i = n; i-- > 0; v /= 10)
		out[i] = (char)('0' + v % 10);
	out[n] = '\0';
}

/* Appends the Luhn key to the n digits at d (d must hold n + 2 bytes);
 * 2A/2B at the start count as 20, as in FINESS numbers. */
static void
luhn_append(char *d, size_t n)
{
	unsigned sum = 0, v;
	bool dbl = true;
	size_t i;

	for (i = n; i-- > 0; dbl = !dbl) {
		v = (d[i] >= '0' && d[i] <= '9') ? (unsigned)(d[i] - '0') : 0;
		if (dbl && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	d[n] = (char)('0' + (10 - sum % 10) % 10);
	d[n + 1] = '\0';
}

/* ---- reference data ---- */

struct prof {
	const char	*code;
	const char	*label;
	unsigned	 weight;	/* per 10 000 people */
	unsigned	 liberal;	/* permille of sites in liberal practice */
	unsigned	 adeli;		/* permille known by ADELI only */
	unsigned	 mss;		/* permille with an MSSanté box */
	unsigned	 dr;		/* permille with the title "Docteur" */
	const char	*authority;	/* Autorité d'enregistrement */
	const char	*mss_domain;
	const char	*cabinet;	/* a group practice's name */
	int		 skills;	/* SK_* */
};

enum { SK_NONE, SK_DOCTOR, SK_DENTIST };

static const struct prof profs[] = {
	{ "60", "Infirmier", 4530, 220, 20, 170, 0, "ONI/ONI/ONI",
	    "infirmier.mssante.fr", "CABINET INFIRMIER", SK_NONE },
	{ "10", "Médecin", 1650, 550, 5, 600, 970, "CNOM/CNOM/CNOM",
	    "medecin.mssante.fr", "CABINET MEDICAL", SK_DOCTOR },
	{ "70", "Masseur-Kinésithérapeute", 720, 850, 20, 170, 0,
	    "CNOMK/CNOMK/CNOMK", "masseur-kinesitherapeute.mssante.fr",
	    "CABINET DE KINESITHERAPIE", SK_NONE },
	{ "93", "Psychologue", 560, 450, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET DE PSYCHOLOGIE", SK_NONE },
	{ "21", "Pharmacien", 530, 350, 5, 400, 500, "CNOP/CNOP/CNOP",
	    "pharmacien.mssante.fr", "PHARMACIE", SK_NONE },
	{ "40", "Chirurgien-Dentiste", 320, 850, 5, 170, 1000,
	    "ONCD/ONCD/ONCD", "chirurgien-dentiste.mssante.fr",
	    "CABINET DENTAIRE", SK_DENTIST },
	{ "28", "Opticien-Lunetier", 300, 200, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "OPTIQUE", SK_NONE },
	{ "98", "Manipulateur ERM", 280, 20, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CENTRE D IMAGERIE", SK_NONE },
	{ "71", "Ostéopathe", 250, 950, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET D OSTEOPATHIE", SK_NONE },
	{ "91", "Orthophoniste", 190, 800, 20, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET D ORTHOPHONIE", SK_NONE },
	{ "50", "Sage-Femme", 180, 300, 5, 170, 0, "CNOSF/CNOSF/CNOSF",
	    "sage-femme.mssante.fr", "CABINET DE SAGES-FEMMES", SK_NONE },
	{ "94", "Ergothérapeute", 110, 150, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET D ERGOTHERAPIE", SK_NONE },
	{ "80", "Pédicure-Podologue", 110, 950, 20, 170, 0, "ONPP/ONPP/ONPP",
	    "pedicure-podologue.mssante.fr", "CABINET DE PODOLOGIE",
	    SK_NONE },
	{ "96", "Psychomotricien", 100, 300, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET DE PSYCHOMOTRICITE", SK_NONE },
	{ "95", "Diététicien", 90, 400, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET DE DIETETIQUE", SK_NONE },
	{ "92", "Orthoptiste", 45, 500, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CABINET D ORTHOPTIE", SK_NONE },
	{ "26", "Audioprothésiste", 35, 500, 700, 170, 0, "ARS/ARS/ARS",
	    "pro.mssante.fr", "CENTRE AUDITIF", SK_NONE },
};

struct skill {
	const char	*type_code;
	const char	*type_label;
	const char	*code;
	const char	*label;
	unsigned	 weight;
};

static const struct skill doctor_skills[] = {
	{ "S", "Spécialité ordinale", "SM54", "Médecine Générale", 250 },
	{ "S", "Spécialité ordinale", "SM53",
	    "Spécialiste en Médecine Générale", 100 },
	{ "S", "Spécialité ordinale", "SM26",
	    "Qualifié en Médecine Générale", 100 },
	{ "S", "Spécialité ordinale", "SM02", "Anesthésie-réanimation", 50 },
	{ "S", "Spécialité ordinale", "SM04",
	    "Cardiologie et maladies vasculaires", 40 },
	{ "S", "Spécialité ordinale", "SM15", "Dermatologie et vénéréologie",
	    20 },
	{ "S", "Spécialité ordinale", "SM18", "Gériatrie", 25 },
	{ "S", "Spécialité ordinale", "SM20", "Gynécologie-obstétrique", 30 },
	{ "S", "Spécialité ordinale", "SM24", "Hépato-gastro-entérologie",
	    20 },
	{ "S", "Spécialité ordinale", "SM32", "Neurologie", 15 },
	{ "S", "Spécialité ordinale", "SM38", "Ophtalmologie", 30 },
	{ "S", "Spécialité ordinale", "SM39", "Oto-rhino-laryngologie", 15 },
	{ "S", "Spécialité ordinale", "SM40", "Pédiatrie", 45 },
	{ "S", "Spécialité ordinale", "SM41", "Pneumologie", 15 },
	{ "S", "Spécialité ordinale", "SM42", "Psychiatrie", 70 },
	{ "S", "Spécialité ordinale", "SM44",
	    "Radio-diagnostic et imagerie médicale", 45 },
	{ "S", "Spécialité ordinale", "SM48", "Rhumatologie", 15 },
};

static const struct skill doctor_extras[] = {
	{ "CAPA", "Capacité", "CAPA01", "Gérontologie", 1 },
	{ "CAPA", "Capacité", "CAPA02", "Médecine d'urgence", 1 },
	{ "CAPA", "Capacité", "CAPA03", "Médecine et biologie du sport", 1 },
	{ "CAPA", "Capacité", "CAPA04", "Addictologie clinique", 1 },
	{ "DNQ", "Diplôme non qualifiant", "DNQ01", "Échographie", 1 },
};

static const struct skill dentist_skills[] = {
	{ "S", "Spécialité ordinale", "SCD01", "Orthopédie dento-faciale",
	    2 },
	{ "S", "Spécialité ordinale", "SCD02", "Chirurgie orale", 1 },
};

struct code_label {
	const char	*code;
	const char	*label;
};

enum { SA01, SA05, SA07, SA08 };
static const struct code_label sectors[] = {
	[SA01] = { "SA01", "Etablissement public de santé" },
	[SA05] = { "SA05", "Centre de santé" },
	[SA07] = { "SA07", "Cabinet individuel" },
	[SA08] = { "SA08", "Cabinet de groupe" },
};

static const struct code_label street_types[] = {
	{ "R", "Rue" }, { "AV", "Avenue" }, { "BD", "Boulevard" },
	{ "PL", "Place" }, { "CHE", "Chemin" }, { "RTE", "Route" },
	{ "ALL", "Allée" }, { "IMP", "Impasse" }, { "QUA", "Quai" },
	{ "SQ", "Square" },
};
static const unsigned street_type_w[] = { 45, 20, 8, 7, 7, 5, 4, 2, 1, 1 };

static const char *const streets[] = {
	"DE LA REPUBLIQUE", "VICTOR HUGO", "JEAN JAURES",
	"DU GENERAL DE GAULLE", "PASTEUR", "GAMBETTA", "DE LA GARE",
	"DES LILAS", "DU MOULIN", "DE L EGLISE", "DES ECOLES", "DU STADE",
	"DU MARECHAL FOCH", "GEORGES CLEMENCEAU", "JULES FERRY",
	"DE LA LIBERATION", "DU 8 MAI 1945", "DU 11 NOVEMBRE",
	"DES TILLEULS", "DES ACACIAS", "DU CHATEAU", "DE LA MAIRIE",
	"DE PARIS", "NATIONALE", "DU COMMERCE", "SAINT MARTIN",
	"DES PEUPLIERS", "DU PRESIDENT WILSON", "ARISTIDE BRIAND",
	"JEAN MOULIN", "DE VERDUN", "DES CHAMPS", "DU PORT", "DE LA PAIX",
	"EMILE ZOLA", "DES VIGNES", "DU MARECHAL LECLERC", "CARNOT",
	"DE LA FONTAINE", "DES CERISIERS", "DU CENTRE", "DES ROSIERS",
	"PIERRE ET MARIE CURIE", "ALBERT CAMUS", "DES JARDINS",
};

static const char *const geo_complements[] = {
	"BATIMENT A", "RESIDENCE LES PINS", "ZONE ARTISANALE",
	"2EME ETAGE", "ESPACE SANTE", "LE CLOS DES VIGNES", "REZ DE CHAUSSEE",
};

static const char *const services[] = {
	"Cardiologie", "Urgences", "Pédiatrie", "Gériatrie", "Imagerie",
	"Médecine interne", "Psychiatrie adulte", "Maternité",
};

/* Synthetic TRE_R21-like roles and TRE_R22-like activity kinds. */
static const struct code_label roles[] = {
	{ "FON-01", "Titulaire" }, { "FON-02", "Associé" },
	{ "FON-03", "Collaborateur" }, { "FON-04", "Salarié" },
};
static const struct code_label activity_kinds[] = {
	{ "GENR01", "Activité standard de soin ou de pharmacien" },
	{ "GENR02", "Activité de remplacement" },
};

static const struct code_label pharma_sections[] = {
	{ "A", "Titulaires d'officine" },
	{ "D", "Adjoints et autres exercices" },
	{ "H", "Pharmaciens des établissements de santé" },
};

static const char *const last_names[] = {
	"MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD",
	"DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON", "MICHEL",
	"LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
	"FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE",
	"ROUSSEAU", "VINCENT", "MULLER", "LEFEBVRE", "FAURE", "ANDRÉ",
	"MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER",
	"FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN",
	"CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
	"GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT",
	"MARIE", "LEMAIRE", "NOËL", "MEYER", "DUFOUR", "MEUNIER", "BRUN",
	"BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET",
	"GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GÉRARD", "ROCHE",
	"RENARD", "SCHMITT", "ROY", "LEROUX", "COLIN", "VIDAL", "CARON",
	"PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS",
	"LACROIX", "OLIVIER", "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOÎT",
	"REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME",
	"LECOMTE", "LOPEZ", "JEAN", "DUPUY", "GUILLOT", "HUBERT", "BERGER",
	"CARPENTIER", "SANCHEZ", "DUPUIS", "MOULIN", "LOUIS", "DESCHAMPS",
	"HUET", "VASSEUR", "PEREZ", "BOUCHER", "FLEURY", "ROYER", "KLEIN",
	"JACQUET", "ADAM", "PARIS", "POIRIER", "MARTY", "AUBRY", "GUYOT",
	"CARRÉ", "CHARLES", "RENAULT", "CHARPENTIER", "MÉNARD", "MAILLARD",
	"BARON", "BERTIN", "BAILLY", "HERVÉ", "SCHNEIDER", "FERNANDEZ",
	"LE GALL", "COLLET", "LÉGER", "BOUVIER", "JULIEN", "PRÉVOST",
	"MILLET", "PERROT", "DANIEL", "LE ROUX", "COUSIN", "GERMAIN",
	"BRETON", "BESSON", "LANGLOIS", "RÉMY", "LE GOFF", "PELLETIER",
	"LÉVÊQUE", "PERRIER", "LEBLANC", "BARRÉ", "LEBRUN", "MARCHAL",
	"WEBER", "MALLET", "HAMON", "BOULANGER", "JACOB", "MONNIER",
	"MICHAUD", "RODRIGUEZ", "GUICHARD", "GILLET", "ÉTIENNE", "GRONDIN",
	"POULAIN", "TESSIER", "CHEVALLIER", "COLLIN", "CHAUVIN",
	"DA SILVA", "BOUCHET", "GAY", "LEMAÎTRE", "BÉNARD", "MARÉCHAL",
	"HUMBERT", "REYNAUD", "ANTOINE", "HOARAU", "PERRET", "BARTHÉLEMY",
	"CORDIER", "PICHON", "LEJEUNE", "GILBERT", "LAMY", "DELAUNAY",
	"PASQUIER", "CARLIER", "LAPORTE", "LE BRIS", "QUÉRÉ", "KERBRAT",
	"LE BIHAN", "CAILLAUD", "PAOLI", "SANTONI", "ALBERTINI", "ORSINI",
	"CASANOVA", "NGUYEN", "BENALI", "HADDAD", "TRAORÉ", "DIALLO",
	"COHEN", "LÉVY", "BOUAZIZ", "SCHWARTZ", "WAGNER", "HOFFMANN",
	"FISCHER", "ZIMMERMANN", "BECKER", "LEFRANC", "DESMARAIS",
	"D'ALMEIDA", "N'DIAYE", "L'HÔTE", "DE LA FONTAINE", "MARTIN-DUPONT",
	"LE CORRE", "DE SOUSA", "DOS SANTOS", "FERREIRA", "PEREIRA",
	"ALVES", "RIBEIRO", "GONÇALVES", "TEIXEIRA", "CHÉRIF", "BRAHIMI",
	"MEBARKI", "BOUCHARD", "BÉGUIN", "CHAMPION", "FAUCHER", "LABBÉ",
	"LAVAUD", "MAUREL", "VIGUIÉ", "ESTÈVE", "CAZENAVE", "ETCHEVERRY",
	"LARRIEU", "POUJOL", "CASTEL", "ROUQUETTE", "SÉGUIN", "THIBAULT",
	"TRAN", "PHAM", "BOUVET", "CHAPUIS", "VUILLEMIN", "JEANNIN",
	"GIRARDOT", "PERNOT", "COURVOISIER", "MOUGIN", "TISSOT", "BRÉMOND",
	"ARNOUX", "MAGNIN", "PONCET", "BAUDRY", "GODARD", "TANGUY",
	"PRIGENT", "LE MOAL", "GUÉGUEN", "MORVAN", "JÉZÉQUEL", "QUÉMÉNER",
	"CADIOU", "SALAÜN", "STÉPHAN", "POTIER", "FOUCHER", "LOISEAU",
	"DUCHÊNE", "DELORME", "VERDIER", "SABATIER", "ROUSSET", "PONS",
	"RAYNAUD", "JOURDAN", "PAGÈS", "BOUSQUET", "COSTE", "FOURCADE",
	"BARRÈRE", "LABORDE", "DUCASSE", "LACOSTE", "CAMUS", "HÉBERT",
	"LEBON", "FORESTIER", "GRÉGOIRE", "BUISSON", "LAURENS", "SAUVAGE",
	"PRUVOST", "DELATTRE", "DEVAUX", "LEFORT", "DUBUS", "VANDAMME",
	"DECLERCK", "CARDON", "LECOCQ", "DUQUESNE", "DELCOURT",
};

/* Women's names first: the index says the sex. */
#define FIRST_FEMALE	132
static const char *const first_names[] = {
	"MARIE", "NATHALIE", "ISABELLE", "SYLVIE", "CATHERINE", "FRANÇOISE",
	"MARTINE", "CHRISTINE", "VALÉRIE", "SANDRINE", "SOPHIE", "STÉPHANIE",
	"CÉLINE", "VÉRONIQUE", "NICOLE", "ANNE", "PATRICIA", "AURÉLIE",
	"JULIE", "CAROLINE", "CAMILLE", "LAURA", "ÉMILIE", "CHLOÉ", "LÉA",
	"MANON", "EMMA", "INÈS", "CLARA", "SARAH", "PAULINE", "MATHILDE",
	"MARION", "ÉLODIE", "AMÉLIE", "MÉLANIE", "HÉLÈNE", "AGNÈS",
	"BÉATRICE", "BRIGITTE", "CHANTAL", "CORINNE", "DELPHINE",
	"DOMINIQUE", "ÉLISABETH", "FLORENCE", "GENEVIÈVE", "JOSIANE",
	"KARINE", "LAURENCE", "MAGALI", "MARIE-CLAIRE", "MARIE-PIERRE",
	"ANNE-SOPHIE", "MARIE-HÉLÈNE", "MURIEL", "MYRIAM", "ODILE",
	"PASCALE", "RACHEL", "SABINE", "SÉVERINE", "SOLÈNE", "THÉRÈSE",
	"VIRGINIE", "YVETTE", "ZOÉ", "LOUISE", "ALICE", "JEANNE", "LUCIE",
	"JADE", "NOÉMIE", "ÉLISE", "CLÉMENCE", "GAËLLE", "MAËLLE", "ANAÏS",
	"ADÈLE", "JUSTINE", "MARGAUX", "CHARLOTTE", "OCÉANE", "MORGANE",
	"AUDREY", "JESSICA", "LÆTITIA", "CÉCILE", "ESTELLE", "FANNY",
	"GWENAËLLE", "HÉLOÏSE", "IRÈNE", "JOCELYNE", "LILIANE", "MONIQUE",
	"NADINE", "NOËLLE", "ROSELYNE", "SIMONE", "YASMINE", "FATIMA",
	"NADIA", "SAMIRA", "LEÏLA", "AMINA", "KHADIJA", "AÏCHA", "MARIAM",
	"LINH", "MAÏA", "SOLENN", "NOLWENN", "MAÏWENN", "ÉLOÏSE",
	"BÉRÉNICE", "CAPUCINE", "APOLLINE", "VICTOIRE", "ROMANE", "AGATHE",
	"JULIETTE", "ÉVA", "ROSE", "CLÉA", "MÉLISSA", "ANGÉLIQUE",
	"GHISLAINE", "JACQUELINE", "MICHÈLE", "DANIÈLE", "GISÈLE",
	/* men */
	"JEAN", "PIERRE", "MICHEL", "ANDRÉ", "PHILIPPE", "ALAIN", "JACQUES",
	"BERNARD", "CHRISTIAN", "DANIEL", "PATRICK", "NICOLAS", "FRANÇOIS",
	"ÉRIC", "LAURENT", "STÉPHANE", "FRÉDÉRIC", "OLIVIER", "SÉBASTIEN",
	"CHRISTOPHE", "DAVID", "JULIEN", "THOMAS", "ALEXANDRE", "MAXIME",
	"ANTOINE", "GUILLAUME", "ROMAIN", "VINCENT", "THIBAUT", "JÉRÔME",
	"JÉRÉMY", "CÉDRIC", "FABRICE", "FRANCK", "GILLES", "GÉRARD", "HERVÉ",
	"JEAN-PIERRE", "JEAN-LUC", "JEAN-FRANÇOIS", "JEAN-MARC",
	"JEAN-CLAUDE", "JEAN-MICHEL", "JEAN-PAUL", "PIERRE-YVES", "MARC",
	"LUC", "PAUL", "LOUIS", "HUGO", "LUCAS", "LÉO", "GABRIEL", "RAPHAËL",
	"ARTHUR", "JULES", "ADAM", "NATHAN", "ÉTHAN", "NOÉ", "MATHIS",
	"THÉO", "CLÉMENT", "QUENTIN", "BENJAMIN", "SIMON", "VICTOR",
	"BAPTISTE", "ADRIEN", "AURÉLIEN", "BASTIEN", "DAMIEN", "FLORIAN",
	"KÉVIN", "LOÏC", "MATTHIEU", "MICKAËL", "PASCAL", "RÉGIS", "SERGE",
	"THIERRY", "XAVIER", "YANNICK", "YVES", "DIDIER", "DENIS",
	"EMMANUEL", "ÉTIENNE", "FABIEN", "GAËL", "GRÉGORY", "HENRI", "JOËL",
	"LIONEL", "MARCEL", "NOËL", "RENÉ", "ROGER", "SAMUEL", "TANGUY",
	"YOANN", "ERWAN", "GWENDAL", "KILLIAN", "MALO", "ÉLOUAN", "RONAN",
	"MOHAMED", "KARIM", "MEHDI", "YOUSSEF", "RACHID", "SAMIR", "NABIL",
	"KAMEL", "OMAR", "AMINE", "ANTONIN", "AMAURY", "BENOÎT", "CORENTIN",
	"DIMITRI", "DORIAN", "ÉDOUARD", "ÉMILE", "FÉLIX", "GASPARD", "JOSÉ",
	"MANUEL", "LUCA", "MATTÉO", "ANGE", "TOUSSAINT", "FRANÇOIS-XAVIER",
	"JEAN-BAPTISTE", "PIERRE-ANTOINE", "MARC-ANTOINE", "MINH",
};

/* Names are drawn by a bijection over 17 bits. */
_Static_assert(NELEM(first_names) * NELEM(last_names) <= (1U << 17),
    "too many name pairs for permute()");

/* ---- the world: departments, communes, establishments ---- */

/*
 * Realistic geography (it used to be 23 departments and ~440 communes, so
 * that one postal code held up to 117,000 sites, ten to thirty times what
 * a real one holds): professionals are now spread over the 101
 * departments in proportion to their population, over many communes and
 * postal codes in each, as in the national file, where Paris's 20
 * arrondissements hold a few thousand activity lines each and no postal
 * code more than that.
 *
 * Populations: INSEE, "populations légales 2021" (municipal populations,
 * rounded to the thousand; chef-lieu = the prefecture's commune).  Each
 * department's chef-lieu (or its arrondissements) keeps its real name,
 * INSEE and main postal code, and its real share of the department; a
 * chef-lieu of 150,000 inhabitants or more also gets the postal codes
 * dd100, dd200... (as Toulouse, Nantes, Nice have).  The rest of the
 * population lives in invented communes (between 30 and 600 per
 * department, about one per 4,000 inhabitants: the communes that have a
 * health professional at all), whose sizes follow a Zipf law (exponent
 * 0.75) and which share postal codes by about three, as real ones do.
 * Invented codes have the real shapes: INSEE dd001-dd999 (2A/2B for
 * Corsica, 97x01-97x99 overseas), postal codes dd nn 0 (Corsica 200x0 /
 * 202x0, overseas 97x n0), never a code of the chef-lieu.
 *
 * Establishments: about one per 25,000 inhabitants (hospitals, local
 * hospitals, health centres), the first one at the chef-lieu, the others
 * in communes drawn by population: salaried sites go to one of their
 * department's establishments, by size.
 */
enum { STYLE_MAINLAND, STYLE_CORSICA, STYLE_DOM };

struct dept {
	const char	*code;
	const char	*label;
	const char	*phone;		/* prefix, leading 0 included */
	const char	*chef;		/* NULL: by arrondissement */
	const char	*chef_insee;	/* or the first arrondissement's */
	const char	*chef_postal;
	unsigned	 pop;		/* thousands of inhabitants */
	unsigned	 chef_pop;	/* of the chef-lieu (whole city) */
	unsigned	 narr;		/* arrondissements */
	int		 style;
};

#define MAIN(code, label, phone, chef, insee, postal, pop, cpop) \
	{ code, label, phone, chef, insee, postal, pop, cpop, 0, STYLE_MAINLAND }

static const struct dept depts[] = {
	MAIN("01", "Ain", "04", "Bourg-en-Bresse", "01053", "01000", 660, 42),
	MAIN("02", "Aisne", "03", "Laon", "02408", "02000", 526, 24),
	MAIN("03", "Allier", "04", "Moulins", "03190", "03000", 332, 19),
	MAIN("04", "Alpes-de-Haute-Provence", "04", "Digne-les-Bains",
	    "04070", "04000", 166, 16),
	MAIN("05", "Hautes-Alpes", "04", "Gap", "05061", "05000", 141, 41),
	MAIN("06", "Alpes-Maritimes", "04", "Nice", "06088", "06000", 1110,
	    343),
	MAIN("07", "Ardèche", "04", "Privas", "07186", "07000", 329, 8),
	MAIN("08", "Ardennes", "03", "Charleville-Mézières", "08105", "08000",
	    268, 46),
	MAIN("09", "Ariège", "05", "Foix", "09122", "09000", 155, 9),
	MAIN("10", "Aube", "03", "Troyes", "10387", "10000", 311, 62),
	MAIN("11", "Aude", "04", "Carcassonne", "11069", "11000", 376, 46),
	MAIN("12", "Aveyron", "05", "Rodez", "12202", "12000", 280, 24),
	{ "13", "Bouches-du-Rhône", "04", NULL, "13201", "13001", 2060, 871,
	    16, STYLE_MAINLAND },
	MAIN("14", "Calvados", "02", "Caen", "14118", "14000", 700, 108),
	MAIN("15", "Cantal", "04", "Aurillac", "15014", "15000", 144, 26),
	MAIN("16", "Charente", "05", "Angoulême", "16015", "16000", 351, 42),
	MAIN("17", "Charente-Maritime", "05", "La Rochelle", "17300", "17000",
	    659, 78),
	MAIN("18", "Cher", "02", "Bourges", "18033", "18000", 298, 64),
	MAIN("19", "Corrèze", "05", "Tulle", "19272", "19000", 240, 15),
	{ "2A", "Corse-du-Sud", "04", "Ajaccio", "2A004", "20000", 160, 73, 0,
	    STYLE_CORSICA },
	{ "2B", "Haute-Corse", "04", "Bastia", "2B033", "20200", 183, 48, 0,
	    STYLE_CORSICA },
	MAIN("21", "Côte-d'Or", "03", "Dijon", "21231", "21000", 535, 159),
	MAIN("22", "Côtes-d'Armor", "02", "Saint-Brieuc", "22278", "22000",
	    602, 44),
	MAIN("23", "Creuse", "05", "Guéret", "23096", "23000", 115, 13),
	MAIN("24", "Dordogne", "05", "Périgueux", "24322", "24000", 413, 30),
	MAIN("25", "Doubs", "03", "Besançon", "25056", "25000", 545, 120),
	MAIN("26", "Drôme", "04", "Valence", "26362", "26000", 519, 65),
	MAIN("27", "Eure", "02", "Évreux", "27229", "27000", 599, 47),
	MAIN("28", "Eure-et-Loir", "02", "Chartres", "28085", "28000", 431,
	    39),
	MAIN("29", "Finistère", "02", "Quimper", "29232", "29000", 919, 64),
	MAIN("30", "Gard", "04", "Nîmes", "30189", "30000", 752, 149),
	MAIN("31", "Haute-Garonne", "05", "Toulouse", "31555", "31000", 1415,
	    504),
	MAIN("32", "Gers", "05", "Auch", "32013", "32000", 192, 22),
	MAIN("33", "Gironde", "05", "Bordeaux", "33063", "33000", 1654, 261),
	MAIN("34", "Hérault", "04", "Montpellier", "34172", "34000", 1200,
	    300),
	MAIN("35", "Ille-et-Vilaine", "02", "Rennes", "35238", "35000", 1100,
	    222),
	MAIN("36", "Indre", "02", "Châteauroux", "36044", "36000", 217, 43),
	MAIN("37", "Indre-et-Loire", "02", "Tours", "37261", "37000", 611,
	    137),
	MAIN("38", "Isère", "04", "Grenoble", "38185", "38000", 1275, 157),
	MAIN("39", "Jura", "03", "Lons-le-Saunier", "39300", "39000", 259,
	    17),
	MAIN("40", "Landes", "05", "Mont-de-Marsan", "40192", "40000", 418,
	    30),
	MAIN("41", "Loir-et-Cher", "02", "Blois", "41018", "41000", 329, 46),
	MAIN("42", "Loire", "04", "Saint-Étienne", "42218", "42000", 765,
	    173),
	MAIN("43", "Haute-Loire", "04", "Le Puy-en-Velay", "43157", "43000",
	    228, 19),
	MAIN("44", "Loire-Atlantique", "02", "Nantes", "44109", "44000", 1460,
	    320),
	MAIN("45", "Loiret", "02", "Orléans", "45234", "45000", 683, 117),
	MAIN("46", "Lot", "05", "Cahors", "46042", "46000", 174, 19),
	MAIN("47", "Lot-et-Garonne", "05", "Agen", "47001", "47000", 331, 32),
	MAIN("48", "Lozère", "04", "Mende", "48095", "48000", 77, 12),
	MAIN("49", "Maine-et-Loire", "02", "Angers", "49007", "49000", 820,
	    157),
	MAIN("50", "Manche", "02", "Saint-Lô", "50502", "50000", 496, 19),
	MAIN("51", "Marne", "03", "Châlons-en-Champagne", "51108", "51000",
	    566, 44),
	MAIN("52", "Haute-Marne", "03", "Chaumont", "52121", "52000", 172,
	    22),
	MAIN("53", "Mayenne", "02", "Laval", "53130", "53000", 307, 50),
	MAIN("54", "Meurthe-et-Moselle", "03", "Nancy", "54395", "54000", 733,
	    104),
	MAIN("55", "Meuse", "03", "Bar-le-Duc", "55029", "55000", 184, 15),
	MAIN("56", "Morbihan", "02", "Vannes", "56260", "56000", 760, 54),
	MAIN("57", "Moselle", "03", "Metz", "57463", "57000", 1046, 120),
	MAIN("58", "Nièvre", "03", "Nevers", "58194", "58000", 203, 33),
	MAIN("59", "Nord", "03", "Lille", "59350", "59000", 2608, 236),
	MAIN("60", "Oise", "03", "Beauvais", "60057", "60000", 829, 57),
	MAIN("61", "Orne", "02", "Alençon", "61001", "61000", 279, 26),
	MAIN("62", "Pas-de-Calais", "03", "Arras", "62041", "62000", 1458,
	    42),
	MAIN("63", "Puy-de-Dôme", "04", "Clermont-Ferrand", "63113", "63000",
	    662, 147),
	MAIN("64", "Pyrénées-Atlantiques", "05", "Pau", "64445", "64000", 687,
	    76),
	MAIN("65", "Hautes-Pyrénées", "05", "Tarbes", "65440", "65000", 229,
	    42),
	MAIN("66", "Pyrénées-Orientales", "04", "Perpignan", "66136", "66000",
	    479, 120),
	MAIN("67", "Bas-Rhin", "03", "Strasbourg", "67482", "67000", 1140,
	    287),
	MAIN("68", "Haut-Rhin", "03", "Colmar", "68066", "68000", 767, 67),
	{ "69", "Rhône", "04", NULL, "69381", "69001", 1883, 522, 9,
	    STYLE_MAINLAND },
	MAIN("70", "Haute-Saône", "03", "Vesoul", "70550", "70000", 235, 15),
	MAIN("71", "Saône-et-Loire", "03", "Mâcon", "71270", "71000", 551,
	    34),
	MAIN("72", "Sarthe", "02", "Le Mans", "72181", "72000", 566, 145),
	MAIN("73", "Savoie", "04", "Chambéry", "73065", "73000", 438, 60),
	MAIN("74", "Haute-Savoie", "04", "Annecy", "74010", "74000", 834,
	    131),
	{ "75", "Paris", "01", NULL, "75101", "75001", 2133, 2133, 20,
	    STYLE_MAINLAND },
	MAIN("76", "Seine-Maritime", "02", "Rouen", "76540", "76000", 1255,
	    114),
	MAIN("77", "Seine-et-Marne", "01", "Melun", "77288", "77000", 1433,
	    41),
	MAIN("78", "Yvelines", "01", "Versailles", "78646", "78000", 1448,
	    84),
	MAIN("79", "Deux-Sèvres", "05", "Niort", "79191", "79000", 375, 59),
	MAIN("80", "Somme", "03", "Amiens", "80021", "80000", 568, 134),
	MAIN("81", "Tarn", "05", "Albi", "81004", "81000", 390, 49),
	MAIN("82", "Tarn-et-Garonne", "05", "Montauban", "82121", "82000",
	    261, 61),
	MAIN("83", "Var", "04", "Toulon", "83137", "83000", 1091, 180),
	MAIN("84", "Vaucluse", "04", "Avignon", "84007", "84000", 562, 91),
	MAIN("85", "Vendée", "02", "La Roche-sur-Yon", "85191", "85000", 690,
	    55),
	MAIN("86", "Vienne", "05", "Poitiers", "86194", "86000", 439, 89),
	MAIN("87", "Haute-Vienne", "05", "Limoges", "87085", "87000", 372,
	    130),
	MAIN("88", "Vosges", "03", "Épinal", "88160", "88000", 359, 32),
	MAIN("89", "Yonne", "03", "Auxerre", "89024", "89000", 335, 35),
	MAIN("90", "Territoire de Belfort", "03", "Belfort", "90010", "90000",
	    141, 46),
	MAIN("91", "Essonne", "01", "Évry-Courcouronnes", "91228", "91000",
	    1306, 67),
	MAIN("92", "Hauts-de-Seine", "01", "Nanterre", "92050", "92000", 1625,
	    96),
	MAIN("93", "Seine-Saint-Denis", "01", "Bobigny", "93008", "93000",
	    1655, 54),
	MAIN("94", "Val-de-Marne", "01", "Créteil", "94028", "94000", 1410,
	    93),
	MAIN("95", "Val-d'Oise", "01", "Cergy", "95127", "95000", 1250, 66),
	{ "971", "Guadeloupe", "0590", "Basse-Terre", "97105", "97100", 384,
	    10, 0, STYLE_DOM },
	{ "972", "Martinique", "0596", "Fort-de-France", "97209", "97200", 361,
	    76, 0, STYLE_DOM },
	{ "973", "Guyane", "0594", "Cayenne", "97302", "97300", 286, 63, 0,
	    STYLE_DOM },
	{ "974", "La Réunion", "0262", "Saint-Denis", "97411", "97400", 873,
	    153, 0, STYLE_DOM },
	{ "976", "Mayotte", "0269", "Mamoudzou", "97611", "97600", 310, 71, 0,
	    STYLE_DOM },
};

#define NDEPTS		NELEM(depts)
_Static_assert(NDEPTS == 101, "96 departments in mainland France and 5 overseas");

/* Paris by arrondissement (INSEE 2021, thousands); Lyon's and
 * Marseille's are given equal shares of the city. */
static const unsigned paris_arr_pop[20] = {
	16, 21, 34, 29, 57, 41, 49, 36, 59, 83, 143, 140, 178, 134, 229, 165,
	166, 190, 182, 192,
};

static const char *const roots_mainland[] = {
	"Saint-Martin", "Saint-Julien", "Sainte-Marie", "Saint-Pierre",
	"Saint-Étienne", "Saint-André", "Sainte-Croix", "Villeneuve",
	"Villefranche", "Beaumont", "Montreuil", "Fontaine", "Châteauneuf",
	"La Chapelle", "Neuville", "Bourg", "Mont", "Roche", "Le Mesnil",
	"Vaux", "Champagné", "Les Essarts", "Bellevue", "Fresnes", "Arzac",
	"Lézignan", "Puyméras", "Vernoux", "Bréhan", "Cerisy", "Orval",
	"Préval", "Ussac", "Marsac", "Quincy", "Bazoches", "Éguilly",
	"Hautefort", "Rochefort", "Clairvaux", "Montbazon", "Valmont",
	"Belvès", "Aigueblanche", "Lançon", "Préaux", "Étrelles",
	"Hérouville", "Cézac", "Vérines", "Ornans", "Noirétable",
};
static const char *const suffixes_mainland[] = {
	"", "-sur-Loire", "-sur-Mer", "-les-Bains", "-en-Vallée",
	"-le-Château", "-des-Prés", "-la-Forêt", "-sur-Rivière",
	"-lès-Vignes", "-en-Forez", "-aux-Bois", "-d'Azergues", "-le-Vieux",
	"-la-Montagne", "-sous-Bois", "-en-Champagne", "-du-Lac",
	"-l'Abbaye",
};
static const char *const roots_corsica[] = {
	"Santa-Reparata", "San-Petrone", "Olmiccia", "Pietranera", "Casalta",
	"Monticello", "Zicavo", "Ota", "Castellu", "Sorbollano", "Vallecalle",
	"Poggiolo", "Lumiu", "Figarella",
};
static const char *const suffixes_corsica[] = {
	"", "-di-Sopra", "-di-Sotto", "-di-Mare", "-Vecchia", "-Soprana",
};
static const char *const roots_dom[] = {
	"Saint-Gilles", "La Plaine", "Sainte-Clotilde", "Le Tampon",
	"Bras-Panon", "Petite-Île", "Saint-Philippe", "Cilaos", "Salazie",
	"L'Étang", "Les Avirons", "Trois-Bassins", "Grand-Coude",
};
static const char *const suffixes_dom[] = {
	"", "-les-Hauts", "-les-Bas", "-des-Cafres", "-des-Palmistes",
};

struct commune {
	char		 insee[6];
	char		 postal[6];
	char		 name[64];	/* "Saint-Martin-sur-Loire" */
	char		 upper[64];	/* "SAINT MARTIN SUR LOIRE" */
	unsigned	 dept;
	uint32_t	 weight;	/* inhabitants */
	uint32_t	 cum;		/* weights of the department's
					 * communes up to this one */
};

enum { EK_CH, EK_CHI, EK_CDS };

struct estab {
	char		 finess[10];
	char		 finess_ej[10];
	char		 siret[15];
	char		 name[112];
	char		 slug[64];	/* "ch-besancon" */
	char		 phone[11];
	unsigned	 commune;
	unsigned	 sector;
	unsigned	 number;
	unsigned	 street_type;
	unsigned	 street;
	uint32_t	 cum;		/* sizes of the department's
					 * establishments up to this one */
};

#define COMMUNES_PER_DEPT_MAX	600
#define ESTABS_PER_DEPT_MAX	200

struct world {
	struct commune	*c;
	size_t		 nc;
	struct estab	*e;
	size_t		 ne;
	size_t		 first[NDEPTS];	/* a department's communes are */
	size_t		 count[NDEPTS];	/* contiguous */
	size_t		 efirst[NDEPTS];	/* and its establishments */
	size_t		 ecount[NDEPTS];
	uint32_t	 dcum[NDEPTS];	/* inhabitants of departments
					 * 0..d */
	uint64_t	 seed;
	uint64_t	 key_rpps;
	uint64_t	 key_adeli;
	uint64_t	 key_names;
};

/* ASCII folding of Latin-1 letters (UTF-8 C3 80..C3 BF), lower case. */
static const char *const fold_c3[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "x",
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "x",
	"o", "u", "u", "u", "u", "y", "th", "y",
};

/*
 * Writes s folded to ASCII into out (outsz bytes): accents removed, in
 * upper case (upper) or lower case; separators (space, hyphen,
 * apostrophe) become sep, never doubled nor at either end, or are kept
 * as they are for a hyphen when keep_hyphen.
 */
static void
ascii_fold(const char *s, char *out, size_t outsz, bool upper, char sep,
    bool keep_hyphen)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *t;
	size_t o = 0;
	bool pending = false;
	char c;

	for (; *p != '\0' && o + 4 < outsz; p++) {
		t = NULL;
		if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF)
			t = fold_c3[*++p - 0x80];
		else if (*p == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) {
			p++;
			t = "oe";
		} else if ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
			c = (char)*p;
			if (pending && o > 0 && out[o - 1] != sep &&
			    out[o - 1] != '-')
				out[o++] = sep;
			pending = false;
			if (upper && c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			else if (!upper && c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			out[o++] = c;
			continue;
		} else if (*p == '-' && keep_hyphen && o > 0 &&
		    out[o - 1] != '-') {
			out[o++] = '-';
			pending = false;
			continue;
		} else {
			if (*p >= 0x80)
				while ((p[1] & 0xC0) == 0x80)
					p++;
			pending = true;
			continue;
		}
		if (pending && o > 0 && out[o - 1] != sep && out[o - 1] != '-')
			out[o++] = sep;
		pending = false;
		for (; *t != '\0' && o + 1 < outsz; t++)
			out[o++] = upper ? (char)(*t - 'a' + 'A') : *t;
	}
	while (o > 0 && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

static void
str_copy(char *out, size_t outsz, const char *s)
{
	size_t n = strlen(s);

	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/* Joins up to three strings into out. */
static void
str_join(char *out, size_t outsz, const char *a, const char *b,
    const char *c)
{
	size_t o = 0;
	const char *parts[3] = { a, b, c };
	size_t i, n;

	for (i = 0; i < 3; i++) {
		if (parts[i] == NULL)
			continue;
		n = strlen(parts[i]);
		if (n > outsz - 1 - o)
			n = outsz - 1 - o;
		/* memmove: out may be the first part. */
		memmove(out + o, parts[i], n);
		o += n;
	}
	out[o] = '\0';
}

static unsigned
gcd(unsigned a, unsigned b)
{
	unsigned t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Postal codes dd100, dd200... of a big chef-lieu (as Toulouse's
 * 31100-31500): one per 100,000 inhabitants past 150,000, at most 5. */
static unsigned
chef_extra_postal(const struct dept *dp)
{
	unsigned n;

	if (dp->style != STYLE_MAINLAND || dp->chef == NULL ||
	    dp->chef_pop < 150)
		return 0;
	n = dp->chef_pop / 100;
	return n > 5 ? 5 : n;
}
static void
add_commune(struct world *w, unsigned d, const char *insee,
    const char *postal, const char *name, uint32_t weight)
{
	struct commune *c = &w->c[w->nc++];

	str_copy(c->insee, sizeof(c->insee), insee);
	str_copy(c->postal, sizeof(c->postal), postal);
	str_copy(c->name, sizeof(c->name), name);
	ascii_fold(name, c->upper, sizeof(c->upper), true, ' ', false);
	c->dept = d;
	c->weight = weight > 0 ? weight : 1;
	c->cum = (w->count[d] > 0 ? w->c[w->nc - 2].cum : 0) + c->weight;
	w->count[d]++;
}

/* x^-0.75 without libm: Newton's square roots. */
static double
zipf_weight(unsigned rank)
{
	double x = rank, r2 = x, r4;
	int i;

	for (i = 0; i < 40; i++)
		r2 = 0.5 * (r2 + x / r2);
	r4 = r2;
	for (i = 0; i < 40; i++)
		r4 = 0.5 * (r4 + r2 / r4);
	return 1.0 / (r2 * r4);
}

/* Invents the communes of department d around its chef-lieu: n of them,
 * sharing npost postal codes, with rest inhabitants between them. */
static void
invent_communes(struct world *w, unsigned d, unsigned n, uint32_t rest,
    uint64_t *rng)
{
	const struct dept *dp = &depts[d];
	const char *const *roots = roots_mainland, *const *sufs =
	    suffixes_mainland;
	size_t nroots = NELEM(roots_mainland), nsufs = NELEM(suffixes_mainland);
	unsigned rank[COMMUNES_PER_DEPT_MAX], pcs[90];
	unsigned k, j, t, npcs = 0, npost, num, maxnum, chefnum, span, gap,
	    combos, name_at, step, lo, hi;
	double total = 0;
	char insee[6], postal[6], name[64], digits[4];

	if (dp->style == STYLE_CORSICA) {
		roots = roots_corsica;
		nroots = NELEM(roots_corsica);
		sufs = suffixes_corsica;
		nsufs = NELEM(suffixes_corsica);
	} else if (dp->style == STYLE_DOM) {
		roots = roots_dom;
		nroots = NELEM(roots_dom);
		sufs = suffixes_dom;
		nsufs = NELEM(suffixes_dom);
	}
	combos = (unsigned)(nroots * nsufs);
	if (n > combos - 1)
		n = combos - 1;		/* one name may be the chef-lieu's */
	if (n > COMMUNES_PER_DEPT_MAX)
		n = COMMUNES_PER_DEPT_MAX;
	/* The postal codes free for invented communes. */
	if (dp->style == STYLE_DOM) {
		lo = 1;
		hi = 9;
	} else if (dp->style == STYLE_CORSICA) {
		lo = dp->code[1] == 'A' ? 10 : 21;
		hi = dp->code[1] == 'A' ? 19 : 29;
	} else {
		lo = 10;
		hi = 99;
	}
	for (j = lo; j <= hi; j++) {
		/* dd100, dd200... belong to a big chef-lieu. */
		if (dp->style == STYLE_MAINLAND && j % 10 == 0 &&
		    dp->chef != NULL && j / 10 <= chef_extra_postal(dp))
			continue;
		pcs[npcs++] = j;
	}
	npost = n / 3 < 8 ? 8 : n / 3;
	if (npost > npcs)
		npost = npcs;
	/* Sizes: a Zipf law over a shuffled order of the communes. */
	for (k = 0; k < n; k++)
		rank[k] = k + 1;
	for (k = n; k > 1; k--) {
		j = rng_below(rng, k);
		t = rank[k - 1];
		rank[k - 1] = rank[j];
		rank[j] = t;
	}
	for (k = 0; k < n; k++)
		total += zipf_weight(rank[k]);
	/* INSEE numbers in increasing order, with gaps, never the
	 * chef-lieu's. */
	maxnum = dp->style == STYLE_DOM ? 99 : 999;
	chefnum = (unsigned)strtoul(dp->chef_insee + (dp->style ==
	    STYLE_DOM ? 3 : 2), NULL, 10);
	span = dp->narr > 0 ? dp->narr : 1;	/* Lyon's, Marseille's */
	gap = (maxnum - 1) / (n > 0 ? n : 1);
	if (gap < 1)
		gap = 1;
	/* Names: the (root, suffix) pairs visited by a step prime to their
	 * count, so that none repeats within the department. */
	step = 1 + rng_below(rng, combos - 1);
	while (gcd(step, combos) != 1)
		step++;
	name_at = rng_below(rng, combos);
	num = 0;
	for (k = 0; k < n && num < maxnum; k++) {
		num += 1 + rng_below(rng, gap);
		if (num >= chefnum && num < chefnum + span)
			num = chefnum + span;
		if (num > maxnum)
			break;
		do {
			name_at = (name_at + step) % combos;
			str_join(name, sizeof(name), roots[name_at % nroots],
			    sufs[name_at / nroots], NULL);
		} while (dp->chef != NULL && strcmp(name, dp->chef) == 0);
		if (dp->style == STYLE_DOM) {
			put_digits(digits, num, 2);
			str_join(insee, sizeof(insee), dp->code, digits, NULL);
			put_digits(digits, pcs[k * npost / n], 1);
			str_join(postal, sizeof(postal), dp->code, digits, "0");
		} else {
			put_digits(digits, num, 3);
			str_join(insee, sizeof(insee), dp->code, digits, NULL);
			put_digits(digits, pcs[k * npost / n], 2);
			str_join(postal, sizeof(postal), dp->style ==
			    STYLE_CORSICA ? "20" : dp->code, digits, "0");
		}
		add_commune(w, d, insee, postal, name, (uint32_t)(rest *
		    zipf_weight(rank[k]) / total));
	}
}

/* Picks a commune of department d by population. */
static size_t
pick_in_dept(const struct world *w, uint64_t *rng, unsigned d)
{
	size_t lo = w->first[d], hi = w->first[d] + w->count[d] - 1, mid;
	uint32_t x = rng_below(rng, w->c[hi].cum);

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x < w->c[mid].cum)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
make_estab(struct world *w, unsigned d, unsigned k, uint64_t *rng)
{
	static const unsigned kind_w[] = { 40, 15, 45 };
	static const uint32_t size[] = { 6, 4, 1 };
	struct estab *e = &w->e[w->ne];
	const struct dept *dp = &depts[d];
	const struct commune *c;
	char digits[16], slug[40], nth[12];
	unsigned kind;
	size_t ci, i, same = 0;

	/* The first: the chef-lieu's hospital (a CHU in a big one); the
	 * others wherever people live. */
	ci = k == 0 ? w->first[d] + (dp->narr > 0 ? rng_below(rng,
	    dp->narr) : 0) : pick_in_dept(w, rng, d);
	c = &w->c[ci];
	kind = k == 0 ? EK_CH : (unsigned)rng_weighted(rng, kind_w, 3);
	for (i = w->efirst[d]; i < w->ne; i++)
		if (w->e[i].commune == ci)
			same++;
	nth[0] = '\0';
	if (same > 0) {
		nth[0] = ' ';
		put_digits(nth + 1, same + 1, same + 1 >= 100 ? 3 :
		    same + 1 >= 10 ? 2 : 1);
	}
	e->commune = (unsigned)ci;
	e->sector = kind == EK_CDS ? SA05 : SA01;
	str_join(e->name, sizeof(e->name),
	    kind == EK_CH ? "CENTRE HOSPITALIER DE " : kind == EK_CHI ?
	    "CENTRE HOSPITALIER INTERCOMMUNAL DE " :
	    "CENTRE DE SANTE MUNICIPAL DE ", c->upper, nth);
	ascii_fold(c->name, slug, sizeof(slug), false, '-', true);
	str_join(e->slug, sizeof(e->slug), kind == EK_CH ? "ch-" :
	    kind == EK_CHI ? "chi-" : "cds-", slug, NULL);
	if (same > 0) {
		nth[0] = '-';
		str_join(e->slug, sizeof(e->slug), e->slug, nth, NULL);
	}
	/* FINESS: the department on three characters (2A/2B kept, 971...),
	 * five digits, Luhn key; the legal entity's is the next number. */
	memcpy(digits, dp->code, 2);
	digits[2] = dp->code[2] != '\0' ? dp->code[2] : '0';
	put_digits(digits + 3, 10000 + k * 2, 5);
	luhn_append(digits, 8);
	str_copy(e->finess, sizeof(e->finess), digits);
	put_digits(digits + 3, 10000 + k * 2 + 1, 5);
	luhn_append(digits, 8);
	str_copy(e->finess_ej, sizeof(e->finess_ej), digits);
	/* SIRET: a public body's SIREN (2...), then an establishment. */
	digits[0] = '2';
	put_digits(digits + 1, 6000000 + d * 1000 + k, 7);
	luhn_append(digits, 8);
	put_digits(digits + 9, 10 + kind, 4);
	luhn_append(digits, 13);
	str_copy(e->siret, sizeof(e->siret), digits);
	str_copy(e->phone, sizeof(e->phone), dp->phone);
	put_digits(e->phone + strlen(dp->phone), rng_next(rng) % 100000000,
	    10 - strlen(dp->phone));
	e->number = 1 + rng_below(rng, 120);
	e->street_type = rng_below(rng, 3);
	e->street = rng_below(rng, (uint32_t)NELEM(streets));
	e->cum = (k > 0 ? w->e[w->ne - 1].cum : 0) + (k == 0 ? 20 :
	    size[kind]);
	w->ne++;
	w->ecount[d]++;
}

static void
world_free(struct world *w)
{
	free(w->c);
	free(w->e);
	free(w);
}

/* Returns the world, or NULL when out of memory. */
static struct world *
world_build(uint64_t seed)
{
	uint64_t rng = 0x5041525649530001ULL;	/* fixed: the same world */
	const struct dept *dp;
	struct world *w;
	char insee[6], postal[6], name[64], ord[8];
	unsigned d, k, n, nx, ne;
	uint32_t chef, cum = 0;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->c = calloc(NDEPTS * (COMMUNES_PER_DEPT_MAX + 32), sizeof(*w->c));
	w->e = calloc(NDEPTS * ESTABS_PER_DEPT_MAX, sizeof(*w->e));
	if (w->c == NULL || w->e == NULL) {
		world_free(w);
		return NULL;
	}
	for (d = 0; d < NDEPTS; d++) {
		dp = &depts[d];
		w->first[d] = w->nc;
		chef = dp->chef_pop * 1000;
		for (k = 0; k < dp->narr; k++) {
			put_digits(insee, (uint64_t)(strtoul(dp->chef_insee,
			    NULL, 10) + k), 5);
			put_digits(postal, (uint64_t)(strtoul(dp->chef_postal,
			    NULL, 10) + k), 5);
			if (k == 0)
				str_copy(ord, sizeof(ord), "1er");
			else {
				put_digits(ord, k + 1, k + 1 >= 10 ? 2 : 1);
				str_join(ord, sizeof(ord), ord, "e", NULL);
			}
			str_join(name, sizeof(name), dp->code[0] == '7' ?
			    "Paris " : dp->code[0] == '6' ? "Lyon " :
			    "Marseille ", ord, " Arrondissement");
			add_commune(w, d, insee, postal, name, dp->narr == 20 ?
			    paris_arr_pop[k] * 1000 : chef / dp->narr);
		}
		if (dp->chef != NULL) {
			nx = chef_extra_postal(dp);
			for (k = 0; k <= nx; k++) {
				str_copy(postal, sizeof(postal),
				    dp->chef_postal);
				if (k > 0)
					postal[2] = (char)('0' + k);
				add_commune(w, d, dp->chef_insee, postal,
				    dp->chef, chef / (nx + 1));
			}
		}
		if (dp->pop > dp->chef_pop) {
			n = dp->pop / 4;
			n = n < 30 ? 30 : n > COMMUNES_PER_DEPT_MAX ?
			    COMMUNES_PER_DEPT_MAX : n;
			invent_communes(w, d, n, (dp->pop - dp->chef_pop) *
			    1000, &rng);
		}
		cum += w->c[w->nc - 1].cum;
		w->dcum[d] = cum;
		w->efirst[d] = w->ne;
		ne = dp->pop / 25;
		ne = ne < 3 ? 3 : ne > ESTABS_PER_DEPT_MAX ?
		    ESTABS_PER_DEPT_MAX : ne;
		for (k = 0; k < ne; k++)
			make_estab(w, d, k, &rng);
	}
	w->seed = seed;
	rng = seed ^ 0x6B657973ULL;
	w->key_rpps = rng_next(&rng);
	w->key_adeli = rng_next(&rng);
	w->key_names = rng_next(&rng);
	return w;
}

/* Picks a commune by population, anywhere (d < 0) or in department d. */
static size_t
pick_commune(const struct world *w, uint64_t *rng, int d)
{
	unsigned lo = 0, hi = NDEPTS - 1, mid;
	uint32_t x;

	if (d < 0) {
		x = rng_below(rng, w->dcum[NDEPTS - 1]);
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (x < w->dcum[mid])
				hi = mid;
			else
				lo = mid + 1;
		}
		d = (int)lo;
	}
	return pick_in_dept(w, rng, (unsigned)d);
}

/* Picks an establishment of department d by size. */
static const struct estab *
pick_estab(const struct world *w, uint64_t *rng, unsigned d)
{
	size_t lo = w->efirst[d], hi = w->efirst[d] + w->ecount[d] - 1, mid;
	uint32_t x = rng_below(rng, w->e[hi].cum);

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x < w->e[mid].cum)
			hi = mid;
		else
			lo = mid + 1;
	}
	return &w->e[lo];
}

/* ---- people ---- */

struct site {
	bool		 none;		/* a line without any site */
	char		 mode;		/* L S B */
	size_t		 commune;
	const struct estab *estab;	/* NULL: a practice of one's own */
	unsigned	 sector;
	char		 siret[15];
	char		 siren[10];
	char		 struct_id[20];
	char		 old_id[20];
	char		 company[112];
	char		 trade[80];
	bool		 recipient;	/* complément destinataire filled */
	int		 geo;		/* index in geo_complements, or -1 */
	unsigned	 number;	/* 0: none */
	int		 repeat;	/* 'B', 'T' or 0 */
	unsigned	 street_type;
	unsigned	 street;
	int		 bp;		/* BP number, or 0 */
	bool		 coded;		/* commune code filled */
	bool		 country;
	bool		 dept;
	char		 phone[11];
	char		 phone2[11];
	char		 fax[11];
	char		 email[96];
	unsigned	 role;
	unsigned	 kind;		/* activity kind */
	unsigned	 section;	/* pharmacists */
};

struct person {
	uint64_t	 idx;
	const struct prof *prof;
	bool		 adeli;
	bool		 female;
	char		 id_pp[12];
	char		 idnps[13];
	const char	*first;
	const char	*last;
	unsigned	 suffix;
	const char	*ptitle_code;
	const char	*ptitle_label;
	bool		 military;
	const struct skill *skill;
	const struct skill *extra;
	size_t		 nsites;
	struct site	 site[3];
	bool		 mss;
	bool		 mss_estab;	/* the box is the employer's domain */
	bool		 org;		/* and an organisational box */
	unsigned	 service;
};

static void
phone_number(char *out, const struct dept *dp, uint64_t *rng, bool mobile)
{
	size_t n = strlen(dp->phone);

	if (mobile && dp->style != STYLE_DOM) {
		str_copy(out, 11, rng_chance(rng, 500) ? "06" : "07");
		n = 2;
	} else
		str_copy(out, 11, dp->phone);
	put_digits(out + n, rng_next(rng) % 100000000, 10 - n);
}

static void
make_siret(struct site *s, uint64_t *rng)
{
	char d[16];

	d[0] = (char)('3' + rng_below(rng, 6));
	put_digits(d + 1, rng_next(rng) % 10000000, 7);
	luhn_append(d, 8);
	str_copy(s->siren, sizeof(s->siren), d);
	put_digits(d + 9, 1 + rng_below(rng, 60), 4);
	luhn_append(d, 13);
	str_copy(s->siret, sizeof(s->siret), d);
}

static void
make_site(const struct world *w, struct person *p, size_t k, uint64_t *rng)
{
	struct site *s = &p->site[k];
	const struct prof *pr = p->prof;
	const struct dept *dp;
	const struct commune *c;
	char slug[48], digits[16];
	int d;

	memset(s, 0, sizeof(*s));
	s->geo = -1;
	if (k == 0 && rng_chance(rng, 20)) {
		s->none = true;
		return;
	}
	if (rng_chance(rng, 10))
		s->mode = 'B';
	else if (k > 0 && rng_chance(rng, 500))
		s->mode = p->site[0].mode;
	else
		s->mode = rng_chance(rng, pr->liberal) ? 'L' : 'S';
	d = -1;
	if (k > 0 && rng_chance(rng, 800))
		d = (int)w->c[p->site[0].commune].dept;
	s->commune = pick_commune(w, rng, d);
	c = &w->c[s->commune];
	dp = &depts[c->dept];
	s->role = s->mode == 'L' ? rng_below(rng, 3) : 3;
	s->kind = rng_chance(rng, 60) ? 1 : 0;
	s->coded = rng_chance(rng, 950);
	s->country = rng_chance(rng, 300);
	s->dept = rng_chance(rng, 900);
	if (s->mode != 'L') {
		s->estab = pick_estab(w, rng, c->dept);
		s->commune = s->estab->commune;
		s->sector = s->estab->sector;
		str_copy(s->siret, sizeof(s->siret), s->estab->siret);
		memcpy(s->siren, s->siret, 9);
		s->siren[9] = '\0';
		str_join(s->struct_id, sizeof(s->struct_id), "F",
		    s->estab->finess, NULL);
		str_join(s->old_id, sizeof(s->old_id), "1", s->estab->finess,
		    NULL);
		str_copy(s->company, sizeof(s->company), s->estab->name);
		s->recipient = rng_chance(rng, 500);
		s->number = s->estab->number;
		s->street_type = s->estab->street_type;
		s->street = s->estab->street;
		str_copy(s->phone, sizeof(s->phone), s->estab->phone);
		if (rng_chance(rng, 150))
			str_join(s->email, sizeof(s->email), "secretariat@",
			    s->estab->slug, ".fr");
		s->section = 2;
		return;
	}
	s->sector = rng_chance(rng, 600) ? SA07 : SA08;
	s->section = 0;
	if (rng_chance(rng, 600)) {
		make_siret(s, rng);
		str_join(s->struct_id, sizeof(s->struct_id), "C", s->siret,
		    NULL);
		str_join(s->old_id, sizeof(s->old_id), "3", s->siret, NULL);
	} else {
		put_digits(digits, rng_next(rng) % 100000000000ULL, 11);
		str_join(s->struct_id, sizeof(s->struct_id), "C", digits,
		    NULL);
		str_join(s->old_id, sizeof(s->old_id), "0", digits, NULL);
	}
	if (strcmp(pr->code, "21") == 0)
		str_join(s->company, sizeof(s->company), "PHARMACIE ",
		    rng_chance(rng, 500) ? "DU CENTRE" : p->last, NULL);
	else if (s->sector == SA07 && p->ptitle_code != NULL)
		str_join(s->company, sizeof(s->company), "CABINET DU DR ",
		    p->last, NULL);
	else if (s->sector == SA07)
		str_join(s->company, sizeof(s->company), p->female ?
		    "CABINET MME " : "CABINET M ", p->last, NULL);
	else if (rng_chance(rng, 300))
		str_join(s->company, sizeof(s->company),
		    "MAISON DE SANTE PLURIPROFESSIONNELLE DE ", c->upper,
		    NULL);
	else
		str_join(s->company, sizeof(s->company), pr->cabinet, " ",
		    streets[rng_below(rng, (uint32_t)NELEM(streets))]);
	if (rng_chance(rng, 100))
		str_join(s->trade, sizeof(s->trade), "ESPACE SANTE ",
		    c->upper, NULL);
	s->recipient = rng_chance(rng, 500);
	if (rng_chance(rng, 100))
		s->geo = (int)rng_below(rng, (uint32_t)NELEM(geo_complements));
	if (rng_chance(rng, 900))
		s->number = 1 + rng_below(rng, 199);
	if (s->number > 0 && rng_chance(rng, 50))
		s->repeat = rng_chance(rng, 800) ? 'B' : 'T';
	s->street_type = (unsigned)rng_weighted(rng, street_type_w,
	    NELEM(street_type_w));
	s->street = rng_below(rng, (uint32_t)NELEM(streets));
	if (rng_chance(rng, 30))
		s->bp = 1 + (int)rng_below(rng, 400);
	if (rng_chance(rng, 850))
		phone_number(s->phone, dp, rng, false);
	if (rng_chance(rng, 80))
		phone_number(s->phone2, dp, rng, true);
	if (rng_chance(rng, 150))
		phone_number(s->fax, dp, rng, false);
	if (rng_chance(rng, 100)) {
		ascii_fold(p->last, slug, sizeof(slug), false, '-', true);
		str_join(s->email, sizeof(s->email), rng_chance(rng, 500) ?
		    "cabinet." : "contact.", slug, rng_chance(rng, 500) ?
		    "@orange.fr" : "@wanadoo.fr");
	}
}

static void
make_person(const struct world *w, uint64_t idx, struct person *p)
{
	static const unsigned nsites_w[] = { 650, 250, 100 };
	unsigned prof_w[NELEM(profs)], skill_w[NELEM(doctor_skills)];
	uint64_t rng = w->seed ^ (idx * 0xD6E8FEB86659FD93ULL), v;
	const uint64_t npairs = (uint64_t)NELEM(first_names) *
	    NELEM(last_names);
	size_t i, f;
	char digits[16];

	memset(p, 0, sizeof(*p));
	p->idx = idx;
	rng_next(&rng);
	for (i = 0; i < NELEM(profs); i++)
		prof_w[i] = profs[i].weight;
	p->prof = &profs[rng_weighted(&rng, prof_w, NELEM(profs))];
	/* Names: a bijection of idx over the pairs, and a suffix for the
	 * rounds past the number of pairs. */
	v = permute(idx % npairs, npairs, 17, w->key_names);
	f = (size_t)(v % NELEM(first_names));
	p->first = first_names[f];
	p->last = last_names[v / NELEM(first_names)];
	p->female = f < FIRST_FEMALE;
	p->suffix = (unsigned)(idx / npairs);
	p->adeli = rng_chance(&rng, p->prof->adeli);
	if (p->adeli) {
		put_digits(digits, permute(idx % 100000000, 100000000, 27,
		    w->key_adeli), 8);
		luhn_append(digits, 8);
		str_copy(p->id_pp, sizeof(p->id_pp), digits);
		str_join(p->idnps, sizeof(p->idnps), "0", digits, NULL);
	} else {
		digits[0] = '1';
		digits[1] = '0';
		put_digits(digits + 2, permute(idx % 100000000, 100000000,
		    27, w->key_rpps), 8);
		luhn_append(digits, 10);
		str_copy(p->id_pp, sizeof(p->id_pp), digits);
		str_join(p->idnps, sizeof(p->idnps), "8", digits, NULL);
	}
	if (rng_chance(&rng, p->prof->dr)) {
		if (p->prof->skills == SK_DOCTOR && rng_chance(&rng, 30)) {
			p->ptitle_code = "PR";
			p->ptitle_label = "Professeur";
		} else {
			p->ptitle_code = "DR";
			p->ptitle_label = "Docteur";
		}
	}
	p->military = rng_chance(&rng, 10);
	if (p->prof->skills == SK_DOCTOR) {
		for (i = 0; i < NELEM(doctor_skills); i++)
			skill_w[i] = doctor_skills[i].weight;
		p->skill = &doctor_skills[rng_weighted(&rng, skill_w,
		    NELEM(doctor_skills))];
		if (rng_chance(&rng, 150))
			p->extra = &doctor_extras[rng_below(&rng,
			    NELEM(doctor_extras))];
	} else if (p->prof->skills == SK_DENTIST && rng_chance(&rng, 150))
		p->skill = &dentist_skills[rng_below(&rng,
		    NELEM(dentist_skills))];
	p->nsites = 1 + rng_weighted(&rng, nsites_w, 3);
	for (i = 0; i < p->nsites; i++) {
		make_site(w, p, i, &rng);
		if (p->site[i].none) {
			p->nsites = 1;
			break;
		}
	}
	p->mss = rng_chance(&rng, p->prof->mss);
	p->mss_estab = p->site[0].estab != NULL && rng_chance(&rng, 300);
	p->org = p->site[0].estab != NULL && rng_chance(&rng, 40);
	p->service = rng_below(&rng, NELEM(services));
}

/* ---- output ---- */

static const char *const cols_activite[] = {
	"Type d'identifiant PP", "Identifiant PP",
	"Identification nationale PP", "Code civilité d'exercice",
	"Libellé civilité d'exercice", "Code civilité", "Libellé civilité",
	"Nom d'exercice", "Prénom d'exercice", "Code profession",
	"Libellé profession", "Code catégorie professionnelle",
	"Libellé catégorie professionnelle", "Code type savoir-faire",
	"Libellé type savoir-faire", "Code savoir-faire",
	"Libellé savoir-faire", "Code mode exercice", "Libellé mode exercice",
	"Numéro SIRET site", "Numéro SIREN site", "Numéro FINESS site",
	"Numéro FINESS établissement juridique",
	"Identifiant technique de la structure", "Raison sociale site",
	"Enseigne commerciale site",
	"Complément destinataire (coord. structure)",
	"Complément point géographique (coord. structure)",
	"Numéro Voie (coord. structure)",
	"Indice répétition voie (coord. structure)",
	"Code type de voie (coord. structure)",
	"Libellé type de voie (coord. structure)",
	"Libellé Voie (coord. structure)",
	"Mention distribution (coord. structure)",
	"Bureau cedex (coord. structure)", "Code postal (coord. structure)",
	"Code commune (coord. structure)",
	"Libellé commune (coord. structure)", "Code pays (coord. structure)",
	"Libellé pays (coord. structure)", "Téléphone (coord. structure)",
	"Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
	"Adresse e-mail (coord. structure)", "Code Département (structure)",
	"Libellé Département (structure)",
	"Ancien identifiant de la structure", "Autorité d'enregistrement",
	"Code secteur d'activité", "Libellé secteur d'activité",
	"Code section tableau pharmaciens",
	"Libellé section tableau pharmaciens", "Code rôle", "Libellé rôle",
	"Code genre activité", "Libellé genre activité",
};
#define ACT_NCOLS	NELEM(cols_activite)
#define ACT_OLD_NCOLS	(ACT_NCOLS - 4)

static const char *const cols_savoir_faire[] = {
	"Type d'identifiant PP", "Identifiant PP",
	"Identification nationale PP", "Nom d'exercice", "Prénom d'exercice",
	"Code profession", "Libellé profession",
	"Code catégorie professionnelle", "Libellé catégorie professionnelle",
	"Code type savoir-faire", "Libellé type savoir-faire",
	"Code savoir-faire", "Libellé savoir-faire",
};

static const char *const cols_mssante[] = {
	"Type de BAL", "Adresse BAL", "Type Identifiant PP", "Identifiant PP",
	"Identification nationale PP", "Type identifiant structure",
	"Identification Structure", "Service de rattachement",
	"Civilité d'exercice", "Nom d'exercice", "Prénom d'exercice",
	"Catégorie profession", "Libellé de catégorie profession",
	"Code Profession", "Libellé Profession", "Code savoir-faire",
	"Libellé savoir-faire", "Dématérialisation",
	"Raison Sociale structure BAL", "Enseigne commerciale structure BAL",
	"L2COMPLEMENTLOCALISATION", "L3COMPLEMENTDISTRIBUTION",
	"L4NUMEROVOIE", "L4COMPLEMENTNUMEROVOIE", "NL4TYPEVOIE",
	"L4LIBELLEVOIE", "L5LIEUDITMENTION", "L6LIGNEACHEMINEMENT",
	"Code postal", "Département", "Pays",
};

#define FIELDS_MAX	ACT_NCOLS
#define LINE_SIZE	4096

struct gen {
	FILE		*out;
	const struct rpps_gen_opts *opts;
	uint64_t	 lines;
	uint64_t	 spoilt;
	bool		 failed;
	char		 line[LINE_SIZE];
};

/* Appends n bytes of s to the line; three bytes always stay free for
 * "|\r\n" (nothing is that long: the bound only keeps the buffer safe). */
static void
put(struct gen *g, size_t *len, const char *s, size_t n)
{
	if (n > LINE_SIZE - 3 - *len)
		n = LINE_SIZE - 3 - *len;
	memcpy(g->line + *len, s, n);
	*len += n;
}

/* Writes one line: the fields joined by '|', a '|' after the last. */
static void
emit(struct gen *g, const char *const *f, size_t n, size_t idnps_at,
    size_t name_at, bool data)
{
	size_t i, len = 0;
	int spoil = -1;

	if (data) {
		g->lines++;
		if (g->opts->bad_every > 0 &&
		    g->lines % g->opts->bad_every == 0)
			spoil = (int)(g->spoilt++ % 3);
	}
	for (i = 0; i < n; i++) {
		if (spoil == 0 && i == n - 1)
			break;		/* one field short */
		if (spoil == 1 && i == idnps_at)
			put(g, &len, "8ABC", 4);
		else if (spoil == 2 && i == name_at)
			put(g, &len, "DUPON\xC3", 6);	/* cut UTF-8 */
		else
			put(g, &len, f[i], strlen(f[i]));
		put(g, &len, "|", 1);
	}
	if (g->opts->crlf)
		g->line[len++] = '\r';
	g->line[len++] = '\n';
	if (fwrite(g->line, 1, len, g->out) != len)
		g->failed = true;
}

static void
emit_header(struct gen *g, const char *const *cols, size_t n)
{
	if (g->opts->bom && fwrite("\xEF\xBB\xBF", 1, 3, g->out) != 3)
		g->failed = true;
	emit(g, cols, n, 0, 0, false);
}

static const char *
opt(bool cond, const char *s)
{
	return cond ? s : "";
}

static void
emit_activite(struct gen *g, const struct world *w, const struct person *p)
{
	const char *f[ACT_NCOLS];
	const struct site *s;
	const struct commune *c;
	const struct dept *dp;
	const struct prof *pr = p->prof;
	char number[8], repeat[2], bp[12], cedex[80];
	size_t k, i;

	for (k = 0; k < p->nsites; k++) {
		s = &p->site[k];
		for (i = 0; i < ACT_NCOLS; i++)
			f[i] = "";
		f[0] = p->adeli ? "0" : "8";
		f[1] = p->id_pp;
		f[2] = p->idnps;
		if (p->ptitle_code != NULL) {
			f[3] = p->ptitle_code;
			f[4] = p->ptitle_label;
		}
		f[5] = p->female ? "MME" : "M";
		f[6] = p->female ? "Madame" : "Monsieur";
		f[7] = p->last;
		f[8] = p->first;
		f[9] = pr->code;
		f[10] = pr->label;
		f[11] = p->military ? "M" : "C";
		f[12] = p->military ? "Militaire" : "Civil";
		if (p->skill != NULL) {
			f[13] = p->skill->type_code;
			f[14] = p->skill->type_label;
			f[15] = p->skill->code;
			f[16] = p->skill->label;
		}
		f[47] = pr->authority;
		if (!s->none) {
			c = &w->c[s->commune];
			dp = &depts[c->dept];
			f[17] = s->mode == 'L' ? "L" : s->mode == 'S' ? "S" :
			    "B";
			f[18] = s->mode == 'L' ? "Libéral" : s->mode == 'S' ?
			    "Salarié" : "Bénévole";
			f[19] = s->siret;
			f[20] = s->siren;
			if (s->estab != NULL) {
				f[21] = s->estab->finess;
				f[22] = s->estab->finess_ej;
			}
			f[23] = s->struct_id;
			f[24] = s->company;
			f[25] = s->trade;
			f[26] = opt(s->recipient, s->company);
			if (s->geo >= 0)
				f[27] = geo_complements[s->geo];
			if (s->number > 0) {
				put_digits(number, s->number,
				    s->number >= 100 ? 3 : s->number >= 10 ?
				    2 : 1);
				f[28] = number;
			}
			if (s->repeat != 0) {
				repeat[0] = (char)s->repeat;
				repeat[1] = '\0';
				f[29] = repeat;
			}
			f[30] = street_types[s->street_type].code;
			f[31] = street_types[s->street_type].label;
			f[32] = streets[s->street];
			if (s->bp > 0) {
				str_copy(bp, sizeof(bp), "BP ");
				put_digits(bp + 3, (uint64_t)s->bp,
				    s->bp >= 100 ? 3 : s->bp >= 10 ? 2 : 1);
				f[33] = bp;
			}
			str_join(cedex, sizeof(cedex), c->postal, " ",
			    c->upper);
			f[34] = cedex;
			f[35] = c->postal;
			if (s->coded) {
				f[36] = c->insee;
				f[37] = c->name;
			}
			if (s->country) {
				f[38] = "99100";
				f[39] = "France";
			}
			f[40] = s->phone;
			f[41] = s->phone2;
			f[42] = s->fax;
			f[43] = s->email;
			if (s->dept) {
				f[44] = dp->code;
				f[45] = dp->label;
			}
			f[46] = s->old_id;
			f[48] = sectors[s->sector].code;
			f[49] = sectors[s->sector].label;
			if (strcmp(pr->code, "21") == 0) {
				f[50] = pharma_sections[s->section].code;
				f[51] = pharma_sections[s->section].label;
			}
			f[52] = roles[s->role].code;
			f[53] = roles[s->role].label;
			f[54] = activity_kinds[s->kind].code;
			f[55] = activity_kinds[s->kind].label;
		}
		emit(g, f, g->opts->old_columns ? ACT_OLD_NCOLS : ACT_NCOLS,
		    2, 7, true);
	}
}

static void
emit_savoir_faire(struct gen *g, const struct person *p)
{
	const struct skill *sk[2] = { p->skill, p->extra };
	const char *f[NELEM(cols_savoir_faire)];
	size_t i;

	for (i = 0; i < 2; i++) {
		if (sk[i] == NULL)
			continue;
		f[0] = p->adeli ? "0" : "8";
		f[1] = p->id_pp;
		f[2] = p->idnps;
		f[3] = p->last;
		f[4] = p->first;
		f[5] = p->prof->code;
		f[6] = p->prof->label;
		f[7] = p->military ? "M" : "C";
		f[8] = p->military ? "Militaire" : "Civil";
		f[9] = sk[i]->type_code;
		f[10] = sk[i]->type_label;
		f[11] = sk[i]->code;
		f[12] = sk[i]->label;
		emit(g, f, NELEM(f), 2, 3, true);
	}
}

/* Fills the structure columns (18..30) of an MSSanté line. */
static void
mss_structure(const struct world *w, const struct site *s, const char **f,
    char *number, char *routing, size_t routingsz)
{
	const struct commune *c;

	if (s->none)
		return;
	c = &w->c[s->commune];
	f[18] = s->company;
	f[19] = s->trade;
	if (s->geo >= 0)
		f[20] = geo_complements[s->geo];
	if (s->number > 0) {
		put_digits(number, s->number, s->number >= 100 ? 3 :
		    s->number >= 10 ? 2 : 1);
		f[22] = number;
	}
	f[24] = street_types[s->street_type].code;
	f[25] = streets[s->street];
	str_join(routing, routingsz, c->postal, " ", c->upper);
	f[27] = routing;
	f[28] = c->postal;
	f[29] = depts[c->dept].code;
	f[30] = "FRANCE";
}

static void
emit_mssante(struct gen *g, const struct world *w, const struct person *p)
{
	const char *f[NELEM(cols_mssante)];
	const struct site *s = &p->site[0];
	char addr[160], first[64], last[64], suffix[12], number[8],
	    routing[80], service[48];
	size_t i;

	if (p->mss) {
		for (i = 0; i < NELEM(f); i++)
			f[i] = "";
		ascii_fold(p->first, first, sizeof(first), false, '-', true);
		ascii_fold(p->last, last, sizeof(last), false, '-', true);
		suffix[0] = '\0';
		if (p->suffix > 0)
			put_digits(suffix, p->suffix, p->suffix >= 100 ? 3 :
			    p->suffix >= 10 ? 2 : 1);
		str_join(addr, sizeof(addr), first, ".", last);
		str_join(addr, sizeof(addr), addr, suffix, "@");
		if (p->mss_estab)
			str_join(addr, sizeof(addr), addr, s->estab->slug,
			    ".mssante.fr");
		else
			str_join(addr, sizeof(addr), addr,
			    p->prof->mss_domain, NULL);
		f[0] = "PER";
		f[1] = addr;
		f[2] = p->adeli ? "0" : "8";
		f[3] = p->id_pp;
		f[4] = p->idnps;
		if (s->estab != NULL) {
			f[5] = "1";
			f[6] = s->estab->finess;
			f[7] = services[p->service];
		} else if (!s->none && s->siret[0] != '\0') {
			f[5] = "3";
			f[6] = s->siret;
		}
		f[8] = p->ptitle_code != NULL ? p->ptitle_code : "";
		f[9] = p->last;
		f[10] = p->first;
		f[11] = p->military ? "M" : "C";
		f[12] = p->military ? "Militaire" : "Civil";
		f[13] = p->prof->code;
		f[14] = p->prof->label;
		if (p->skill != NULL) {
			f[15] = p->skill->code;
			f[16] = p->skill->label;
		}
		f[17] = p->idx % 3 == 0 ? "N" : "O";
		mss_structure(w, s, f, number, routing, sizeof(routing));
		emit(g, f, NELEM(f), 4, 9, true);
	}
	if (p->org) {
		for (i = 0; i < NELEM(f); i++)
			f[i] = "";
		ascii_fold(services[p->service], service, sizeof(service),
		    false, '-', true);
		str_join(addr, sizeof(addr), "secretariat.", service, "@");
		str_join(addr, sizeof(addr), addr, s->estab->slug,
		    ".mssante.fr");
		f[0] = "ORG";
		f[1] = addr;
		f[5] = "1";
		f[6] = s->estab->finess;
		f[7] = services[p->service];
		f[17] = "N";
		mss_structure(w, s, f, number, routing, sizeof(routing));
		emit(g, f, NELEM(f), 4, 9, true);
	}
}

long long
rpps_gen_write(FILE *out, enum rpps_kind kind, uint64_t seed,
    size_t nlines, const struct rpps_gen_opts *opts)
{
	static const struct rpps_gen_opts defaults;
	struct world *w;
	struct person p;
	struct gen *g;
	uint64_t idx, act_lines = 0;
	long long rc = -1;

	if (out == NULL || (unsigned)kind >= RPPS_KIND__MAX)
		return -1;
	/* The world and the line buffer are too big for a stack frame. */
	if ((w = world_build(seed)) == NULL)
		return -1;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		world_free(w);
		return -1;
	}
	g->out = out;
	g->opts = opts != NULL ? opts : &defaults;
	if (kind == RPPS_PERSONNE_ACTIVITE)
		emit_header(g, cols_activite, g->opts->old_columns ?
		    ACT_OLD_NCOLS : ACT_NCOLS);
	else if (kind == RPPS_SAVOIR_FAIRE)
		emit_header(g, cols_savoir_faire, NELEM(cols_savoir_faire));
	else
		emit_header(g, cols_mssante, NELEM(cols_mssante));
	for (idx = 0; act_lines < nlines && !g->failed; idx++) {
		make_person(w, idx, &p);
		/* The last person keeps only the lines that fit. */
		if (p.nsites > nlines - act_lines)
			p.nsites = (size_t)(nlines - act_lines);
		act_lines += p.nsites;
		if (kind == RPPS_PERSONNE_ACTIVITE)
			emit_activite(g, w, &p);
		else if (kind == RPPS_SAVOIR_FAIRE)
			emit_savoir_faire(g, &p);
		else
			emit_mssante(g, w, &p);
	}
	if (!g->failed && fflush(out) == 0 && !ferror(out))
		rc = (long long)g->lines;
	free(g);
	world_free(w);
	return rc;
}
