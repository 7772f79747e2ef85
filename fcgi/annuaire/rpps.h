/* Streaming reader for the ANS "Annuaire Santé" open-data extractions
 * (PS_LibreAcces_Personne_activite, PS_LibreAcces_SavoirFaire,
 * Extraction_Correspondance_MSSante): UTF-8 text, '|' separated, no
 * quoting, one header line, every line ending with an extra '|'.
 *
 * Columns are found by header name, leniently (case, accents, punctuation,
 * spaces and little words such as "d'" or "de" do not matter), so columns
 * appended over the years and small spelling changes are absorbed.  Each
 * data line is split in place in one reused buffer: no allocation per
 * line.  Pure parsing: no database, no global state.  Messages are in
 * English: they are meant for the system administrator's logs. */
#ifndef PARVIS_RPPS_H
#define PARVIS_RPPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest line accepted, in bytes, without its line ending. */
#define RPPS_LINE_MAX	(64 * 1024)
/* Most columns a header may have. */
#define RPPS_COLUMNS_MAX 1024

enum rpps_kind {
	RPPS_PERSONNE_ACTIVITE,	/* PS_LibreAcces_Personne_activite */
	RPPS_SAVOIR_FAIRE,	/* PS_LibreAcces_SavoirFaire */
	RPPS_MSSANTE,		/* Extraction_Correspondance_MSSante */
	RPPS_KIND__MAX
};

enum rpps_status {
	RPPS_RECORD,		/* a record is ready: see rpps_activite() etc. */
	RPPS_BAD_LINE,		/* a line was rejected: see rpps_bad_reason() */
	RPPS_EOF,		/* no more lines */
	RPPS_IO_ERROR		/* reading failed: see rpps_message() */
};

/* Why a line was rejected. */
enum rpps_bad {
	RPPS_BAD_NONE,
	RPPS_BAD_FIELD_COUNT,	/* not as many fields as the header */
	RPPS_BAD_ENCODING,	/* invalid UTF-8, or a NUL byte */
	RPPS_BAD_TOO_LONG,	/* longer than RPPS_LINE_MAX */
	RPPS_BAD_EMPTY,		/* an empty line */
	RPPS_BAD_NO_IDNPS,	/* the IDNPS field is empty */
	RPPS_BAD_IDNPS,		/* the IDNPS is not '8' + 11 or '0' + 9 digits */
	RPPS_BAD_ORG_MAILBOX,	/* MSSanté: organisational box, no IDNPS */
	RPPS_BAD__MAX
};

/* Counters since rpps_open(); lines excludes the header. */
struct rpps_stats {
	uint64_t	lines;
	uint64_t	records;
	uint64_t	bad;
	uint64_t	bad_by_reason[RPPS_BAD__MAX];
};

/*
 * Records.  Every member is a NUL-terminated view into the reader's
 * buffer, valid until the next rpps_next() or rpps_close().  A member is
 * "" when the field is empty, and NULL only when the file has no such
 * column (optional columns: older extractions lack the newer ones).
 * Required columns (marked R) are never NULL.  idnps is always a valid
 * shape ('8' + 11 digits or '0' + 9 digits) in a returned record.
 */

/* One line of PS_LibreAcces_Personne_activite: a professional at a site. */
struct rpps_activite {
	const char	*id_type;		/* R Type d'identifiant PP: 8 RPPS, 0 ADELI */
	const char	*id_pp;			/* R Identifiant PP */
	const char	*idnps;			/* R Identification nationale PP */
	const char	*practice_title_code;	/* Code civilité d'exercice (DR...) */
	const char	*practice_title_label;
	const char	*title_code;		/* Code civilité (M, MME) */
	const char	*title_label;
	const char	*last_name;		/* R Nom d'exercice */
	const char	*first_name;		/* R Prénom d'exercice */
	const char	*profession_code;	/* R Code profession (TRE_G15) */
	const char	*profession_label;
	const char	*category_code;		/* Code catégorie professionnelle */
	const char	*category_label;
	const char	*skill_type_code;	/* Code type savoir-faire (S, C...) */
	const char	*skill_type_label;
	const char	*skill_code;		/* Code savoir-faire (SMnn...) */
	const char	*skill_label;
	const char	*mode_code;		/* R Code mode exercice: L S B I */
	const char	*mode_label;
	const char	*siret;			/* Numéro SIRET site */
	const char	*siren;			/* Numéro SIREN site */
	const char	*finess_site;		/* Numéro FINESS site */
	const char	*finess_ej;		/* Numéro FINESS établissement juridique */
	const char	*structure_id;		/* R Identifiant technique de la structure */
	const char	*company_name;		/* Raison sociale site */
	const char	*trade_name;		/* Enseigne commerciale site */
	const char	*addr_recipient;	/* Complément destinataire */
	const char	*addr_geo;		/* Complément point géographique */
	const char	*street_number;		/* Numéro Voie */
	const char	*street_repeat;		/* Indice répétition voie (B, T...) */
	const char	*street_type_code;	/* Code type de voie */
	const char	*street_type_label;
	const char	*street_name;		/* Libellé Voie */
	const char	*addr_distribution;	/* Mention distribution */
	const char	*cedex_office;		/* Bureau cedex */
	const char	*postal_code;		/* R Code postal */
	const char	*commune_code;		/* R Code commune (INSEE) */
	const char	*commune_label;
	const char	*country_code;		/* Code pays */
	const char	*country_label;
	const char	*phone;			/* Téléphone (the site's) */
	const char	*phone2;		/* Téléphone 2 */
	const char	*fax;			/* Télécopie */
	const char	*email;			/* Adresse e-mail (the site's) */
	const char	*dept_code;		/* Code Département (structure) */
	const char	*dept_label;
	const char	*old_structure_id;	/* Ancien identifiant de la structure */
	const char	*registration_authority; /* Autorité d'enregistrement */
	const char	*sector_code;		/* Code secteur d'activité (SAnn) */
	const char	*sector_label;
	const char	*pharma_section_code;	/* Code section tableau pharmaciens */
	const char	*pharma_section_label;
	const char	*role_code;		/* Code rôle (newer files only) */
	const char	*role_label;
	const char	*activity_kind_code;	/* Code genre activité (newer files only) */
	const char	*activity_kind_label;
};

/* One line of PS_LibreAcces_SavoirFaire. */
struct rpps_savoir_faire {
	const char	*id_type;
	const char	*id_pp;
	const char	*idnps;			/* R */
	const char	*last_name;
	const char	*first_name;
	const char	*profession_code;	/* R */
	const char	*profession_label;
	const char	*category_code;
	const char	*category_label;
	const char	*skill_type_code;	/* R */
	const char	*skill_type_label;
	const char	*skill_code;		/* R */
	const char	*skill_label;		/* R */
};

/* One line of Extraction_Correspondance_MSSante. */
struct rpps_mssante {
	const char	*box_type;		/* R Type de BAL: PER or ORG */
	const char	*address;		/* R Adresse BAL */
	const char	*id_type;		/* Type Identifiant PP */
	const char	*id_pp;			/* Identifiant PP */
	const char	*idnps;			/* R Identification nationale PP */
	const char	*structure_id_type;	/* Type identifiant structure */
	const char	*structure_id;		/* Identification Structure */
	const char	*service;		/* Service de rattachement */
	const char	*practice_title;	/* Civilité d'exercice */
	const char	*last_name;
	const char	*first_name;
	const char	*category_code;		/* Catégorie profession */
	const char	*category_label;
	const char	*profession_code;
	const char	*profession_label;
	const char	*skill_code;
	const char	*skill_label;
	const char	*dematerialisation;
	const char	*company_name;		/* Raison Sociale structure BAL */
	const char	*trade_name;		/* Enseigne commerciale structure BAL */
	const char	*addr_location;		/* L2COMPLEMENTLOCALISATION */
	const char	*addr_distribution;	/* L3COMPLEMENTDISTRIBUTION */
	const char	*street_number;		/* L4NUMEROVOIE */
	const char	*street_repeat;		/* L4COMPLEMENTNUMEROVOIE */
	const char	*street_type;		/* NL4TYPEVOIE */
	const char	*street_name;		/* L4LIBELLEVOIE */
	const char	*addr_place;		/* L5LIEUDITMENTION */
	const char	*addr_routing;		/* L6LIGNEACHEMINEMENT */
	const char	*postal_code;		/* R Code postal */
	const char	*department;		/* Département */
	const char	*country;		/* Pays */
};

struct rpps_reader;

/* Reads the header of fp (a UTF-8 BOM is skipped) and maps the columns
 * of that kind; returns a reader, or NULL with an English message in err
 * (a required column missing, an empty or unreadable file...).  The reader
 * does not own fp. */
struct rpps_reader *rpps_open(FILE *fp, enum rpps_kind kind, char *err,
	    size_t errsz);
/* Frees the reader (not fp); NULL is accepted. */
void	 rpps_close(struct rpps_reader *r);
/* Reads the next data line; returns RPPS_RECORD, RPPS_BAD_LINE (counted,
 * with its reason and line number), RPPS_EOF or RPPS_IO_ERROR.  After EOF
 * or an I/O error every call returns the same status again. */
enum rpps_status rpps_next(struct rpps_reader *r);

/* Returns the current record, or NULL if the reader is of another kind
 * or the last rpps_next() did not return RPPS_RECORD. */
const struct rpps_activite *rpps_activite(const struct rpps_reader *r);
const struct rpps_savoir_faire *rpps_savoir_faire(const struct rpps_reader *r);
const struct rpps_mssante *rpps_mssante(const struct rpps_reader *r);

/* Returns the physical line number (the header is line 1) of the line
 * rpps_next() last returned. */
uint64_t rpps_lineno(const struct rpps_reader *r);
/* Returns why the last line was rejected (RPPS_BAD_NONE after a record). */
enum rpps_bad rpps_bad_reason(const struct rpps_reader *r);
/* Returns an English sentence about the last bad line or I/O error, with
 * its line number ("" after a record). */
const char *rpps_message(const struct rpps_reader *r);
/* Returns the counters so far. */
const struct rpps_stats *rpps_stats(const struct rpps_reader *r);
/* Returns the number of columns in the header (the empty one after the
 * trailing '|' included). */
size_t	 rpps_column_count(const struct rpps_reader *r);
/* Returns true when the file started with a UTF-8 BOM. */
bool	 rpps_had_bom(const struct rpps_reader *r);

/* Returns a short English phrase for a reason ("wrong field count"...). */
const char *rpps_bad_str(enum rpps_bad b);
/* Returns the file's usual name prefix ("PS_LibreAcces_Personne_activite"). */
const char *rpps_kind_str(enum rpps_kind k);
/* Returns true when s is an IDNPS shape: '8' + 11 digits or '0' + 9 digits
 * (the RPPS key is not checked here: see valid_idnps()). */
bool	 rpps_idnps_ok(const char *s);
/* Folds the header name s (n bytes) for lenient matching: lower-case ASCII
 * letters and digits only, accents removed, punctuation and the little
 * words d', l', de, du, des, la, le, les, coord dropped.  Writes at most
 * outsz - 1 bytes and a NUL; returns the folded length (which may exceed
 * outsz - 1 when truncated). */
size_t	 rpps_fold(const char *s, size_t n, char *out, size_t outsz);

#endif
