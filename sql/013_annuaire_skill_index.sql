-- The directory's search by savoir-faire (fcgi/annuaire/annuaire_search.c):
-- practice_site.skills is a comma-separated list, which no index can
-- read, so a search for one specialty in a place read every site of the
-- place.  site_skill holds one row per (active site, savoir-faire code of
-- its skills column), keyed by code and postal code: such a search reads
-- only the sites of that specialty in the place.
--
-- It mirrors practice_site.skills exactly (the search still checks the
-- site's own columns, so results cannot differ): parvis-admin import-rpps
-- rebuilds it after each import of an activity or SavoirFaire file, the
-- only writers of practice_site.  Sites that are gone have no row.
CREATE TABLE site_skill (
	skill_code	VARCHAR(16) CHARACTER SET ascii NOT NULL,
	postal_code	VARCHAR(5) CHARACTER SET ascii NOT NULL,
	site_id		BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (skill_code, postal_code, site_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO site_skill (skill_code, postal_code, site_id)
SELECT j.code, s.postal_code, s.id FROM practice_site s,
	JSON_TABLE(CONCAT('["', REPLACE(s.skills, ',', '","'), '"]'), '$[*]'
		COLUMNS (code VARCHAR(16) CHARACTER SET ascii PATH '$')) j
WHERE s.status = 'present' AND s.skills <> '' AND j.code <> '';
