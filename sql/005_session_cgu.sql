-- Terms of use checked once per session and application, not on every
-- request: the session remembers for which applications the check passed
-- (cgu_ok) and under which "generation" of the published versions.  Any new
-- version bumps the generation (trigger), so every session checks again at
-- its next page.

CREATE TABLE cgu_state (
	id		TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	generation	BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO cgu_state (id, generation) VALUES (1, 1);

CREATE TRIGGER cgu_version_generation AFTER INSERT ON cgu_version FOR EACH ROW
	UPDATE cgu_state SET generation = generation + 1 WHERE id = 1;

ALTER TABLE session
	ADD COLUMN cgu_generation BIGINT UNSIGNED NOT NULL DEFAULT 0,
	ADD COLUMN cgu_ok VARCHAR(255) CHARACTER SET ascii NOT NULL DEFAULT '';
