-- The directory's search (fcgi/annuaire/annuaire_search.c), round 3: less
-- work per search for MariaDB.
--
-- Each parvis-annuaire worker keeps the search form's lists (professions,
-- savoir-faire, care and equipment options) in memory and checked them on
-- every search against a checksum of the three tables, summed over every
-- row.  A generation bumped by triggers on those tables, in the same
-- statement as the change, tells the same for one primary-key read, which
-- the search reads with a page's details (no statement of its own), like
-- the tiles catalog (sql/012).  Every row change counts, whoever makes it
-- (the import, an administrator's SQL, a migration).
CREATE TABLE directory_lists_state (
	id		TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	generation	BIGINT UNSIGNED NOT NULL DEFAULT 1
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO directory_lists_state (id, generation) VALUES (1, 1);

CREATE TRIGGER rpps_profession_lists_ins AFTER INSERT ON rpps_profession FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER rpps_profession_lists_upd AFTER UPDATE ON rpps_profession FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER rpps_profession_lists_del AFTER DELETE ON rpps_profession FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER rpps_skill_lists_ins AFTER INSERT ON rpps_skill FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER rpps_skill_lists_upd AFTER UPDATE ON rpps_skill FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER rpps_skill_lists_del AFTER DELETE ON rpps_skill FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER directory_option_lists_ins AFTER INSERT ON directory_option FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER directory_option_lists_upd AFTER UPDATE ON directory_option FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;
CREATE TRIGGER directory_option_lists_del AFTER DELETE ON directory_option FOR EACH ROW
	UPDATE directory_lists_state SET generation = generation + 1 WHERE id = 1;

-- A result's practice title (rpps_label joined on professional.practice_title,
-- a utf8mb4 column) was compared in utf8mb4 with rpps_label.code, an ASCII
-- column: the primary key could not be used past its kind, and each lookup
-- read and compared every label of the kind.  The codes in utf8mb4 with the
-- column's collation compare exactly as before (the ASCII side was
-- converted to it) and through the key.  The codes are ASCII in the files.
ALTER TABLE rpps_label
	MODIFY code VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;

-- A search by savoir-faire read site_skill (sql/013) for the sites of the
-- place holding the code, then each site's row in practice_site by its id
-- (the name keys, the profession, the commune, the skills): a random read
-- of a large table per site, most of such a search's time.  site_skill
-- now carries those columns, copied from the site when the import rebuilds
-- it (parvis-admin import-rpps, the only writer of practice_site, at the
-- end of each import command and after a failed or stopped one), so that a
-- search reads site_skill alone.  The columns are practice_site's, with the
-- same types and collations: a search compares and sorts them exactly as
-- it did the site's.
ALTER TABLE site_skill
	ADD COLUMN status ENUM('present', 'gone') NOT NULL DEFAULT 'present',
	ADD COLUMN idnps VARCHAR(12) CHARACTER SET ascii NOT NULL DEFAULT '',
	ADD COLUMN last_key VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci
		NOT NULL DEFAULT '',
	ADD COLUMN first_key VARCHAR(100) CHARACTER SET ascii COLLATE ascii_general_ci
		NOT NULL DEFAULT '',
	ADD COLUMN profession_code VARCHAR(8) CHARACTER SET ascii NOT NULL DEFAULT '',
	ADD COLUMN commune_code VARCHAR(5) CHARACTER SET ascii NOT NULL DEFAULT '',
	ADD COLUMN skills VARCHAR(255) CHARACTER SET ascii NOT NULL DEFAULT '';

DELETE FROM site_skill;
INSERT IGNORE INTO site_skill (skill_code, postal_code, site_id, status, idnps,
	last_key, first_key, profession_code, commune_code, skills)
SELECT j.code, s.postal_code, s.id, s.status, s.idnps, s.last_key, s.first_key,
	s.profession_code, s.commune_code, s.skills FROM practice_site s,
	JSON_TABLE(CONCAT('["', REPLACE(s.skills, ',', '","'), '"]'), '$[*]'
		COLUMNS (code VARCHAR(16) CHARACTER SET ascii PATH '$')) j
WHERE s.status = 'present' AND s.skills <> '' AND j.code <> '';
