-- The directory (parvis-annuaire): health professionals from the national
-- RPPS open-data files, their practice sites, savoir-faire and MSSanté
-- addresses; the professional's own card; CPTS, their territories, and
-- each CPTS's status and private note per professional, with history;
-- import runs.  Times are UTC.
--
-- National data is keyed by the IDNPS ("Identification nationale PP":
-- '8' + RPPS or '0' + ADELI), the natural key of the files, so that an
-- import upserts without looking ids up.  Nothing national is deleted by
-- a re-import: professionals and sites no longer in the file are marked.

-- ---- Territories ----------------------------------------------------------
-- A CPTS covers a territory (INSEE commune codes and/or postal codes),
-- shared with ICOPE, whose alert managers are scoped to a territory: the
-- tables territory, territory_postal_code and territory_commune, created
-- below just before the CPTS; cpts.territory_id refers to territory.id.

-- ---- Import runs ----------------------------------------------------------
CREATE TABLE rpps_import (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	kind		ENUM('activite', 'savoir_faire', 'mssante') NOT NULL,
	file_name	VARCHAR(255) NOT NULL,
	file_bytes	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	-- The first import of activity lines into an empty directory: its
	-- sites are the starting point, not "new arrivals".
	baseline	BOOLEAN NOT NULL DEFAULT FALSE,
	-- A partial file (--partial): nothing is marked as disappeared.
	partial		BOOLEAN NOT NULL DEFAULT FALSE,
	status		ENUM('running', 'done', 'failed') NOT NULL DEFAULT 'running',
	started_at	DATETIME NOT NULL,
	finished_at	DATETIME NULL,
	line_count	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	record_count	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	bad_lines	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	skipped_lines	BIGINT UNSIGNED NOT NULL DEFAULT 0,	-- MSSanté organisational boxes
	professionals_new BIGINT UNSIGNED NOT NULL DEFAULT 0,
	professionals_gone BIGINT UNSIGNED NOT NULL DEFAULT 0,
	professionals_moved BIGINT UNSIGNED NOT NULL DEFAULT 0,
	message		VARCHAR(1000) NULL,
	KEY rpps_import_done (kind, status, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The first bad lines of a run (all are counted in rpps_import.bad_lines).
CREATE TABLE rpps_import_bad_line (
	import_id	BIGINT UNSIGNED NOT NULL,
	line_no		BIGINT UNSIGNED NOT NULL,
	reason		VARCHAR(500) NOT NULL,
	PRIMARY KEY (import_id, line_no),
	CONSTRAINT rpps_bad_import FOREIGN KEY (import_id) REFERENCES rpps_import (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- Lookup tables built from the files ----------------------------------
-- Professions (TRE_G15): distinct (code, label) pairs of the files.
CREATE TABLE rpps_profession (
	code		VARCHAR(8) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	label		VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Savoir-faire: specialties (type S), competences (C), CEX, CAPA, DNQ...
CREATE TABLE rpps_skill (
	code		VARCHAR(16) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	label		VARCHAR(200) NOT NULL,
	type_code	VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT '',
	type_label	VARCHAR(200) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Other coded values of the files: modes of practice (L, S, B, I),
-- sectors (SAnn), practice titles (DR, PR...).
CREATE TABLE rpps_label (
	kind		ENUM('mode', 'sector', 'practice_title', 'role') NOT NULL,
	code		VARCHAR(16) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(200) NOT NULL,
	PRIMARY KEY (kind, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Communes met in the files: (postal code, INSEE code) pairs, to resolve a
-- commune name or a department to postal codes when searching.
CREATE TABLE rpps_commune (
	postal_code	CHAR(5) CHARACTER SET ascii NOT NULL,
	insee		VARCHAR(5) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(200) NOT NULL,
	dept_code	VARCHAR(3) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (postal_code, insee),
	KEY rpps_commune_label (label),
	KEY rpps_commune_insee (insee),
	KEY rpps_commune_dept (dept_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- Professionals ----------------------------------------------------------
-- One row per IDNPS.  last_key/first_key are the names as searched, folded
-- by the import to upper-case ASCII (accents removed, hyphens turned to
-- spaces, apostrophes dropped: fcgi/annuaire/annuaire_fold.c), so that
-- "le goff" finds LE-GOFF and "dalmeida" D'ALMEIDA; ASCII keys also sort
-- and compare cheaply.  The surrogate id only orders the rows as the file came
-- (an import appends, and a re-import of a file in the same order walks the
-- table in order): everything refers to a professional by IDNPS.
CREATE TABLE professional (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	id_type		CHAR(1) CHARACTER SET ascii NOT NULL,
	id_pp		VARCHAR(11) CHARACTER SET ascii NOT NULL,
	practice_title	VARCHAR(8) NOT NULL DEFAULT '',		-- DR, PR... (code)
	civility	VARCHAR(8) NOT NULL DEFAULT '',		-- M, MME (code)
	last_name	VARCHAR(100) NOT NULL,
	first_name	VARCHAR(100) NOT NULL,
	last_key	VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
	first_key	VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
	profession_code	VARCHAR(8) CHARACTER SET ascii NOT NULL,
	category_code	VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '',
	row_hash	BIGINT UNSIGNED NOT NULL DEFAULT 0,	-- of the file's values
	file_status	ENUM('present', 'disappeared') NOT NULL DEFAULT 'present',
	first_seen_at	DATETIME NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	first_import_id	BIGINT UNSIGNED NOT NULL,
	last_import_id	BIGINT UNSIGNED NOT NULL,
	disappeared_at	DATETIME NULL,
	moved_at	DATETIME NULL,	-- last time a site went and another came
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	UNIQUE KEY professional_idnps (idnps),
	KEY professional_name (last_key, first_key),
	KEY professional_profession (profession_code, last_key, first_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Practice sites: one row per (professional, site) of the activity file.
-- site_key is a 64-bit hash of what identifies the activity (structure,
-- mode, sector, address), so that a re-import finds the same row.  The
-- professional's profession, name keys and savoir-faire codes (skills,
-- comma-separated, refreshed after each import) are copied here so that a
-- search in a place reads one index and nothing else (site_place covers it).
-- arrived_at is when the site first appeared, NULL when it came with the
-- baseline import.  The surrogate id as for professional.
CREATE TABLE practice_site (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	site_key	BIGINT UNSIGNED NOT NULL,
	profession_code	VARCHAR(8) CHARACTER SET ascii NOT NULL,
	last_key	VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
	first_key	VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
	skills		VARCHAR(255) CHARACTER SET ascii NOT NULL DEFAULT '',
	mode_code	VARCHAR(4) CHARACTER SET ascii NOT NULL DEFAULT '',
	sector_code	VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT '',
	role_code	VARCHAR(16) CHARACTER SET ascii NOT NULL DEFAULT '',
	structure_id	VARCHAR(40) NOT NULL DEFAULT '',
	siret		VARCHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
	finess		VARCHAR(9) CHARACTER SET ascii NOT NULL DEFAULT '',
	company_name	VARCHAR(200) NOT NULL DEFAULT '',
	trade_name	VARCHAR(200) NOT NULL DEFAULT '',
	addr_recipient	VARCHAR(200) NOT NULL DEFAULT '',
	addr_geo	VARCHAR(200) NOT NULL DEFAULT '',
	street_number	VARCHAR(16) NOT NULL DEFAULT '',
	street_repeat	VARCHAR(8) NOT NULL DEFAULT '',
	street_type	VARCHAR(60) NOT NULL DEFAULT '',
	street_name	VARCHAR(200) NOT NULL DEFAULT '',
	addr_distribution VARCHAR(200) NOT NULL DEFAULT '',
	cedex_office	VARCHAR(200) NOT NULL DEFAULT '',
	postal_code	VARCHAR(5) CHARACTER SET ascii NOT NULL DEFAULT '',
	commune_code	VARCHAR(5) CHARACTER SET ascii NOT NULL DEFAULT '',
	commune_label	VARCHAR(200) NOT NULL DEFAULT '',
	dept_code	VARCHAR(3) CHARACTER SET ascii NOT NULL DEFAULT '',
	phone		VARCHAR(20) NOT NULL DEFAULT '',
	phone2		VARCHAR(20) NOT NULL DEFAULT '',
	fax		VARCHAR(20) NOT NULL DEFAULT '',
	email		VARCHAR(254) NOT NULL DEFAULT '',
	row_hash	BIGINT UNSIGNED NOT NULL DEFAULT 0,	-- of the file's values
	status		ENUM('present', 'gone') NOT NULL DEFAULT 'present',
	first_seen_at	DATETIME NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	arrived_at	DATETIME NULL,
	gone_at		DATETIME NULL,
	first_import_id	BIGINT UNSIGNED NOT NULL,
	last_import_id	BIGINT UNSIGNED NOT NULL,
	UNIQUE KEY site_identity (idnps, site_key),
	KEY site_place (postal_code, status, profession_code, last_key, first_key,
		commune_code, idnps, skills)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Savoir-faire of a professional (activity and SavoirFaire files).
CREATE TABLE professional_skill (
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	skill_code	VARCHAR(16) CHARACTER SET ascii NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	PRIMARY KEY (idnps, skill_code),
	KEY skill_professional (skill_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Personal MSSanté mailboxes (type PER) of a professional.
CREATE TABLE professional_mssante (
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	address		VARCHAR(254) NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	PRIMARY KEY (idnps, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- The professional's own card -------------------------------------------
-- Filled in by the professional (app_user.idnps); never touched by imports.
CREATE TABLE professional_card (
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	email		VARCHAR(254) NULL,		-- the address they publish, or NULL
	about		VARCHAR(1000) NOT NULL DEFAULT '',
	completed	BOOLEAN NOT NULL DEFAULT FALSE,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the files do not say: care modalities (prise en charge), equipment,
-- languages.  The choices are data.
CREATE TABLE directory_option (
	kind		ENUM('care', 'equipment', 'language') NOT NULL,
	code		VARCHAR(32) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(100) NOT NULL,
	position	INT NOT NULL DEFAULT 100,
	PRIMARY KEY (kind, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A professional's options: from their card (source_cpts_id = 0) or set by
-- a CPTS (source_cpts_id = the CPTS).
CREATE TABLE professional_option (
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	kind		ENUM('care', 'equipment', 'language') NOT NULL,
	code		VARCHAR(32) CHARACTER SET ascii NOT NULL,
	source_cpts_id	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	created_by	BIGINT UNSIGNED NULL,
	PRIMARY KEY (idnps, kind, code, source_cpts_id),
	KEY option_search (kind, code),
	CONSTRAINT professional_option_choice FOREIGN KEY (kind, code)
		REFERENCES directory_option (kind, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A territory is a CPTS territory: the lists of postal codes and INSEE
-- commune codes it covers; a CPTS has one, and ICOPE's alert managers are
-- scoped 'territory' + territory.id.
CREATE TABLE IF NOT EXISTS territory (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name		VARCHAR(200) NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS territory_postal_code (
	territory_id	BIGINT UNSIGNED NOT NULL,
	postal_code	CHAR(5) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (territory_id, postal_code),
	KEY territory_pc (postal_code),
	CONSTRAINT territory_pc_territory FOREIGN KEY (territory_id) REFERENCES territory (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS territory_commune (
	territory_id	BIGINT UNSIGNED NOT NULL,
	insee		CHAR(5) CHARACTER SET ascii NOT NULL,
	PRIMARY KEY (territory_id, insee),
	KEY territory_insee (insee),
	CONSTRAINT territory_commune_territory FOREIGN KEY (territory_id) REFERENCES territory (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- CPTS -------------------------------------------------------------------
-- A CPTS and its territory.  Its managers hold the role cpts_manager with
-- scope ('cpts', cpts.id) in user_role.
CREATE TABLE cpts (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	name		VARCHAR(200) NOT NULL,
	territory_id	BIGINT UNSIGNED NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY cpts_name (name),
	KEY cpts_territory (territory_id),
	CONSTRAINT cpts_territory FOREIGN KEY (territory_id) REFERENCES territory (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A CPTS's view of a professional: no row means "inconnu".  The note is
-- private to the CPTS's managers.
CREATE TABLE cpts_professional (
	cpts_id		BIGINT UNSIGNED NOT NULL,
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	status		ENUM('inconnu', 'adherent', 'membre', 'refus', 'ne_plus_contacter')
			NOT NULL DEFAULT 'inconnu',
	note		TEXT NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL,
	PRIMARY KEY (cpts_id, idnps),
	KEY cpts_professional_status (cpts_id, status),
	KEY cpts_professional_pro (idnps),
	CONSTRAINT cpts_professional_cpts FOREIGN KEY (cpts_id) REFERENCES cpts (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change of a status or a note: who, when, old -> new.
CREATE TABLE cpts_professional_history (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	cpts_id		BIGINT UNSIGNED NOT NULL,
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	changed_at	DATETIME NOT NULL,
	changed_by	BIGINT UNSIGNED NULL,
	field		ENUM('status', 'note') NOT NULL,
	old_value	TEXT NOT NULL,
	new_value	TEXT NOT NULL,
	KEY cpts_history_pro (cpts_id, idnps, changed_at),
	CONSTRAINT cpts_history_cpts FOREIGN KEY (cpts_id) REFERENCES cpts (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- Shipped choices ------------------------------------------------------
INSERT INTO directory_option (kind, code, label, position) VALUES
	('care', 'domicile', 'Visites à domicile', 10),
	('care', 'teleconsultation', 'Téléconsultation', 20),
	('care', 'nouveaux_patients', 'Accepte de nouveaux patients', 30),
	('care', 'soins_non_programmes', 'Soins non programmés', 40),
	('care', 'ehpad', 'Intervient en EHPAD', 50),
	('care', 'pmr', 'Cabinet accessible aux personnes à mobilité réduite', 60),
	('care', 'secteur1', 'Conventionné secteur 1', 70),
	('equipment', 'ecg', 'Électrocardiographe (ECG)', 10),
	('equipment', 'echographe', 'Échographe', 20),
	('equipment', 'spirometre', 'Spiromètre', 30),
	('equipment', 'dermatoscope', 'Dermatoscope', 40),
	('equipment', 'retinographe', 'Rétinographe', 50),
	('equipment', 'holter', 'Holter tensionnel', 60),
	('equipment', 'table_hauteur', 'Table d''examen à hauteur variable', 70),
	('equipment', 'teleexpertise', 'Outil de téléexpertise', 80),
	('language', 'en', 'Anglais', 10),
	('language', 'es', 'Espagnol', 20),
	('language', 'de', 'Allemand', 30),
	('language', 'it', 'Italien', 40),
	('language', 'pt', 'Portugais', 50),
	('language', 'ar', 'Arabe', 60),
	('language', 'lsf', 'Langue des signes française', 70);
