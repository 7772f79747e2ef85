-- The care circle's directory contacts: professionals of the directory
-- who follow the person but have no Parvis account.  They do not open the
-- file (care_circle alone grants access): the Entourage panel shows them
-- with the directory's public contact details.  When one of them gets an
-- account (app_user.idnps), a member of the circle may give them access:
-- the row then moves to care_circle, never silently.  idnps is the
-- directory's key ('8' + RPPS or '0' + ADELI), with professional.idnps's
-- type and character set so that the join needs no conversion.
CREATE TABLE care_circle_contact (
	patient_id	BIGINT UNSIGNED NOT NULL,
	idnps		VARCHAR(12) CHARACTER SET ascii NOT NULL,
	added_at	DATETIME NOT NULL,
	added_by	BIGINT UNSIGNED NULL,
	PRIMARY KEY (patient_id, idnps),
	KEY circle_contact_idnps (idnps),
	CONSTRAINT circle_contact_patient FOREIGN KEY (patient_id) REFERENCES patient (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
