-- The directory's search (fcgi/annuaire/annuaire_search.c): two covering
-- indexes on practice_site, one per way of reading a place, and the count
-- of active sites per postal code and profession that tells which way is
-- cheaper for a given search.
--
-- site_place reads a place: the sites of each postal code (and
-- profession), already in name order (last_key, first_key, idnps) within
-- one postal code and profession.  It replaces 006's index of the same
-- name and prefix, where commune_code came before idnps; the other
-- programs' statements (portal settings, ICOPE care circle) use its first
-- five columns and read it as before.
--
-- site_name reads the sites in name order, the place checked on each
-- entry: a search by name reads only the range of its prefix, and a
-- search in a large place (a city, a department) stops after the first
-- 50 professionals instead of sorting tens of thousands of sites.
ALTER TABLE practice_site
	DROP KEY site_place,
	ADD KEY site_place (postal_code, status, profession_code, last_key,
		first_key, idnps, commune_code, skills),
	ADD KEY site_name (status, last_key, first_key, idnps, postal_code,
		commune_code, profession_code, skills);

-- Active sites per (postal code, profession), refreshed by each import of
-- the activity file (parvis-admin import-rpps).  Only a plan choice reads
-- it: a stale or empty table makes a search slower, never different.
CREATE TABLE site_place_stat (
	postal_code	VARCHAR(5) CHARACTER SET ascii NOT NULL,
	profession_code	VARCHAR(8) CHARACTER SET ascii NOT NULL,
	sites		INT UNSIGNED NOT NULL,
	PRIMARY KEY (postal_code, profession_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO site_place_stat (postal_code, profession_code, sites)
SELECT postal_code, profession_code, COUNT(*) FROM practice_site
WHERE status = 'present' GROUP BY postal_code, profession_code;
