-- The directory's search by name in a place (fcgi/annuaire/annuaire_search.c):
-- fewer rows read.  site_place puts the profession before the name, so a
-- name searched in a place read every site of the place (all professions),
-- and site_name reads the whole country's range of the name, checking the
-- place on each entry: "BUISSON" in a department read about 14,500 index
-- entries for 51 sites.  site_place_name puts the name right after the
-- place: with the place's postal codes bound as a list of values (not a
-- JSON table, which the optimizer can only join), each postal code reads
-- only the range of the name typed, already in name order.
--
-- Covering, like the other two: every column a search checks on a site is
-- in it.
ALTER TABLE practice_site
	ADD KEY site_place_name (postal_code, status, last_key, first_key,
		idnps, profession_code, commune_code, skills);

-- Whether the tables the search derives from practice_site (site_place_stat,
-- sql/008; site_skill, sql/013) must be rebuilt.  parvis-admin import-rpps
-- sets the flag before a file changes practice_site, rebuilds the tables
-- once after the command's last file and clears the flag in the same
-- transaction; a flag left set by a failed or stopped import makes the
-- next import command rebuild them first.
CREATE TABLE directory_index_state (
	name		VARCHAR(32) CHARACTER SET ascii NOT NULL PRIMARY KEY,
	stale		TINYINT NOT NULL DEFAULT 0,
	rebuilt_at	DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO directory_index_state (name, stale) VALUES
	('site_place_stat', 1), ('site_skill', 1);
