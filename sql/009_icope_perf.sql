-- ICOPE at scale (issue 5's benchmarks: 100,000 files).  Nothing here is a
-- new source of truth: a version counter of the STEP 1 form, and a copy of
-- each care circle member's sort key, both kept by triggers so that every
-- writer (the programs, parvis-admin, a region's SQL) keeps them right.

-- The STEP 1 form (icope_function, icope_item) changes a few times a year:
-- each parvis-icope worker keeps it in memory and reads it again when this
-- version has moved (it travels with the file header query).
CREATE TABLE icope_form_version (
	id		TINYINT UNSIGNED NOT NULL PRIMARY KEY,
	version		BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO icope_form_version (id, version) VALUES (1, 1);

CREATE TRIGGER icope_function_version_ins AFTER INSERT ON icope_function FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;
CREATE TRIGGER icope_function_version_upd AFTER UPDATE ON icope_function FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;
CREATE TRIGGER icope_function_version_del AFTER DELETE ON icope_function FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;
CREATE TRIGGER icope_item_version_ins AFTER INSERT ON icope_item FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;
CREATE TRIGGER icope_item_version_upd AFTER UPDATE ON icope_item FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;
CREATE TRIGGER icope_item_version_del AFTER DELETE ON icope_item FOR EACH ROW
	UPDATE icope_form_version SET version = version + 1 WHERE id = 1;

-- The files of a care circle member in name order, without reading every
-- file of the circle: (user, birth name, first names) beside the member
-- row.  care_circle stays the reference and the access rule (the list
-- checks it again for each row it shows); this only orders.  The foreign
-- keys mirror care_circle's cascades (a cascade fires no trigger).
CREATE TABLE care_circle_by_name (
	patient_id	BIGINT UNSIGNED NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	birth_name	VARCHAR(100) NOT NULL,
	first_names	VARCHAR(200) NOT NULL,
	PRIMARY KEY (patient_id, user_id),
	KEY circle_by_name_user (user_id, birth_name, first_names, patient_id),
	CONSTRAINT circle_by_name_patient FOREIGN KEY (patient_id) REFERENCES patient (id)
		ON DELETE CASCADE,
	CONSTRAINT circle_by_name_user FOREIGN KEY (user_id) REFERENCES app_user (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO care_circle_by_name (patient_id, user_id, birth_name, first_names)
	SELECT c.patient_id, c.user_id, p.birth_name, p.first_names
	FROM care_circle c JOIN patient p ON p.id = c.patient_id;

CREATE TRIGGER care_circle_by_name_ins AFTER INSERT ON care_circle FOR EACH ROW
	INSERT INTO care_circle_by_name (patient_id, user_id, birth_name, first_names)
	SELECT NEW.patient_id, NEW.user_id, p.birth_name, p.first_names
	FROM patient p WHERE p.id = NEW.patient_id
	ON DUPLICATE KEY UPDATE birth_name = p.birth_name, first_names = p.first_names;
CREATE TRIGGER care_circle_by_name_del AFTER DELETE ON care_circle FOR EACH ROW
	DELETE FROM care_circle_by_name
	WHERE patient_id = OLD.patient_id AND user_id = OLD.user_id;
CREATE TRIGGER care_circle_by_name_upd_old AFTER UPDATE ON care_circle FOR EACH ROW
	DELETE FROM care_circle_by_name
	WHERE patient_id = OLD.patient_id AND user_id = OLD.user_id;
CREATE TRIGGER care_circle_by_name_upd_new AFTER UPDATE ON care_circle FOR EACH ROW
	FOLLOWS care_circle_by_name_upd_old
	INSERT INTO care_circle_by_name (patient_id, user_id, birth_name, first_names)
	SELECT NEW.patient_id, NEW.user_id, p.birth_name, p.first_names
	FROM patient p WHERE p.id = NEW.patient_id
	ON DUPLICATE KEY UPDATE birth_name = p.birth_name, first_names = p.first_names;
-- Renames only (the condition is constant within the statement: other
-- updates of a file read nothing here).
CREATE TRIGGER patient_circle_by_name AFTER UPDATE ON patient FOR EACH ROW
	UPDATE care_circle_by_name SET birth_name = NEW.birth_name,
		first_names = NEW.first_names
	WHERE patient_id = NEW.id AND (BINARY NEW.birth_name <> BINARY OLD.birth_name
		OR BINARY NEW.first_names <> BINARY OLD.first_names);

-- The managers' list of confirmed alerts (STEP 2 requested), oldest
-- confirmation first.
ALTER TABLE icope_alert
	ADD KEY alert_confirmed (territory_id, status, confirmed_at);
