-- ICOPE: territories, patient files, care circles, the STEP 1 form as data,
-- STEP 1 records and results, alerts and their calls, STEP 2 and its
-- instruments, follow-up due dates.  Times are UTC; dates of care are
-- calendar dates (DATE) as the professional wrote them.

-- The territories (CPTS territories: postal codes and INSEE commune codes)
-- are created by 006_annuaire.sql, which owns the CPTS.

-- The patient file's administrative part.  ins holds the 15 characters of
-- the NIR/NIA without spaces (2A/2B kept); one file per INS.
-- last_step1_on and next_step1_due follow the latest validated STEP 1
-- (kept here so the lists sort on an index).
CREATE TABLE patient (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	birth_name	VARCHAR(100) NOT NULL,
	used_name	VARCHAR(100) NULL,
	first_names	VARCHAR(200) NOT NULL,
	sex		ENUM('F', 'M', 'I') NOT NULL,
	birth_date	DATE NOT NULL,
	birth_place_insee CHAR(5) CHARACTER SET ascii NULL,
	ins		CHAR(15) CHARACTER SET ascii NULL,
	birth_rank	TINYINT UNSIGNED NOT NULL DEFAULT 1,
	address		VARCHAR(300) NULL,
	postal_code	CHAR(5) CHARACTER SET ascii NOT NULL,
	city		VARCHAR(100) NULL,
	territory_id	BIGINT UNSIGNED NULL,
	gp_name		VARCHAR(200) NULL,
	phone		VARCHAR(20) NULL,
	contact_name	VARCHAR(200) NULL,
	contact_phone	VARCHAR(20) NULL,
	last_step1_on	DATE NULL,
	next_step1_due	DATE NULL,
	created_at	DATETIME NOT NULL,
	created_by	BIGINT UNSIGNED NULL,
	updated_at	DATETIME NOT NULL,
	updated_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY patient_ins (ins),
	KEY patient_identity (birth_name, first_names, birth_date),
	KEY patient_used_name (used_name),
	KEY patient_birth_date (birth_date),
	KEY patient_territory_name (territory_id, birth_name, first_names),
	KEY patient_territory_due (territory_id, next_step1_due),
	KEY patient_territory_birth (territory_id, birth_date),
	KEY patient_territory_last (territory_id, last_step1_on),
	KEY patient_due (next_step1_due),
	CONSTRAINT patient_territory FOREIGN KEY (territory_id) REFERENCES territory (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The care circle (entourage professionnel): who may open the file.
CREATE TABLE care_circle (
	patient_id	BIGINT UNSIGNED NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	added_at	DATETIME NOT NULL,
	added_by	BIGINT UNSIGNED NULL,
	PRIMARY KEY (patient_id, user_id),
	KEY circle_user (user_id, patient_id),
	CONSTRAINT circle_patient FOREIGN KEY (patient_id) REFERENCES patient (id) ON DELETE CASCADE,
	CONSTRAINT circle_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The STEP 1 form as data: blocks (functions) and their items, mirroring
-- icope_default_functions (fcgi/icope/icope_rules.c).  rule 'none' is a
-- block recorded but never scored (a region's 7th block).  Values are in
-- the kind's unit: seconds in hundredths, text lengths in characters.
CREATE TABLE icope_function (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code		VARCHAR(63) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(200) NOT NULL,
	rule		ENUM('none', 'cognition', 'mobility', 'nutrition', 'vision',
			     'hearing', 'mood') NOT NULL,
	position	INT NOT NULL,
	enabled		BOOLEAN NOT NULL DEFAULT TRUE,
	UNIQUE KEY function_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE icope_item (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	function_id	BIGINT UNSIGNED NOT NULL,
	code		VARCHAR(63) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(500) NOT NULL,
	kind		ENUM('yesno', 'passfail', 'count', 'seconds', 'db', 'score', 'text') NOT NULL,
	role		ENUM('required', 'alternative', 'optional', 'info') NOT NULL,
	min_value	BIGINT NOT NULL,
	max_value	BIGINT NOT NULL,
	cmp		ENUM('never', 'eq', 'above', 'below') NOT NULL,
	threshold	BIGINT NOT NULL DEFAULT 0,
	decline_flag	INT UNSIGNED NOT NULL DEFAULT 0,
	decline_delta	BIGINT NOT NULL DEFAULT 0,
	position	INT NOT NULL,
	UNIQUE KEY item_code (code),
	KEY item_function (function_id, position),
	CONSTRAINT item_function FOREIGN KEY (function_id) REFERENCES icope_function (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One STEP 1: a draft until validated; at most one draft per patient.
CREATE TABLE icope_step1 (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	patient_id	BIGINT UNSIGNED NOT NULL,
	status		ENUM('draft', 'validated') NOT NULL DEFAULT 'draft',
	performed_on	DATE NOT NULL,
	mode		ENUM('auto', 'hetero_pro', 'hetero_non_pro') NOT NULL,
	performer_name	VARCHAR(200) NULL,
	comments	TEXT NULL,
	entered_by	BIGINT UNSIGNED NOT NULL,
	n_alert		TINYINT UNSIGNED NULL,
	n_not_assessed	TINYINT UNSIGNED NULL,
	completeness	TINYINT UNSIGNED NULL,
	validated_at	DATETIME NULL,
	validated_by	BIGINT UNSIGNED NULL,
	created_at	DATETIME NOT NULL,
	updated_at	DATETIME NOT NULL,
	updated_by	BIGINT UNSIGNED NULL,
	KEY step1_patient (patient_id, status, performed_on),
	KEY step1_entered_by (entered_by, validated_at),
	CONSTRAINT step1_patient FOREIGN KEY (patient_id) REFERENCES patient (id),
	CONSTRAINT step1_user FOREIGN KEY (entered_by) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Answers as written (parsed by icope_rules on every scoring).
CREATE TABLE icope_step1_answer (
	step1_id	BIGINT UNSIGNED NOT NULL,
	item_id		BIGINT UNSIGNED NOT NULL,
	value		VARCHAR(500) NOT NULL,
	PRIMARY KEY (step1_id, item_id),
	CONSTRAINT answer_step1 FOREIGN KEY (step1_id) REFERENCES icope_step1 (id) ON DELETE CASCADE,
	CONSTRAINT answer_item FOREIGN KEY (item_id) REFERENCES icope_item (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-function result of a validated STEP 1; decline holds ICOPE_DECLINE_*
-- bits against the previous validated STEP 1.
CREATE TABLE icope_step1_result (
	step1_id	BIGINT UNSIGNED NOT NULL,
	function_id	BIGINT UNSIGNED NOT NULL,
	result		ENUM('not_assessed', 'normal', 'alert', 'not_scored') NOT NULL,
	decline		INT UNSIGNED NOT NULL DEFAULT 0,
	info		BOOLEAN NOT NULL DEFAULT FALSE,
	PRIMARY KEY (step1_id, function_id),
	CONSTRAINT result_step1 FOREIGN KEY (step1_id) REFERENCES icope_step1 (id) ON DELETE CASCADE,
	CONSTRAINT result_function FOREIGN KEY (function_id) REFERENCES icope_function (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An alert: raised by a validated STEP 1 with at least one positive
-- function, for the alert managers of the patient's territory.
--   open -> unreachable (call, no answer; still to handle)
--   open|unreachable -> ruled_out (closed) | confirmed (STEP 2 requested)
--   confirmed -> closed (the STEP 2 is closed)
CREATE TABLE icope_alert (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	patient_id	BIGINT UNSIGNED NOT NULL,
	step1_id	BIGINT UNSIGNED NOT NULL,
	territory_id	BIGINT UNSIGNED NULL,
	status		ENUM('open', 'unreachable', 'confirmed', 'ruled_out', 'closed')
			NOT NULL DEFAULT 'open',
	n_calls		INT UNSIGNED NOT NULL DEFAULT 0,
	last_call_at	DATETIME NULL,
	confirmed_at	DATETIME NULL,
	ruled_out_at	DATETIME NULL,
	closed_at	DATETIME NULL,
	handled_by	BIGINT UNSIGNED NULL,
	created_at	DATETIME NOT NULL,
	updated_at	DATETIME NOT NULL,
	updated_by	BIGINT UNSIGNED NULL,
	-- Still to handle by the manager: the queue reads it in order.
	pending		BOOLEAN AS (status IN ('open', 'unreachable')) PERSISTENT,
	UNIQUE KEY alert_step1 (step1_id),
	KEY alert_queue (territory_id, status, created_at),
	KEY alert_pending (territory_id, pending, created_at),
	KEY alert_patient (patient_id, status),
	CONSTRAINT alert_patient FOREIGN KEY (patient_id) REFERENCES patient (id),
	CONSTRAINT alert_step1 FOREIGN KEY (step1_id) REFERENCES icope_step1 (id),
	CONSTRAINT alert_territory FOREIGN KEY (territory_id) REFERENCES territory (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE icope_alert_function (
	alert_id	BIGINT UNSIGNED NOT NULL,
	function_id	BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (alert_id, function_id),
	CONSTRAINT alert_function_alert FOREIGN KEY (alert_id) REFERENCES icope_alert (id)
		ON DELETE CASCADE,
	CONSTRAINT alert_function_function FOREIGN KEY (function_id) REFERENCES icope_function (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every call the alert manager records.
CREATE TABLE icope_alert_call (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	alert_id	BIGINT UNSIGNED NOT NULL,
	called_at	DATETIME NOT NULL,
	called_by	BIGINT UNSIGNED NOT NULL,
	outcome		ENUM('confirmed', 'ruled_out', 'unreachable') NOT NULL,
	note		VARCHAR(1000) NULL,
	KEY call_alert (alert_id, called_at),
	KEY call_user (called_by, called_at),
	CONSTRAINT call_alert FOREIGN KEY (alert_id) REFERENCES icope_alert (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- STEP 2 instruments and their bands (icope_default_instruments): a region
-- may change the cut-offs here.  Bands tile min_score..max_score.
CREATE TABLE icope_instrument (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code		VARCHAR(63) CHARACTER SET ascii NOT NULL,
	label		VARCHAR(200) NOT NULL,
	unit		VARCHAR(20) NOT NULL,
	rule		ENUM('cognition', 'mobility', 'nutrition', 'vision', 'hearing', 'mood') NOT NULL,
	loinc		VARCHAR(20) CHARACTER SET ascii NULL,
	min_score	INT NOT NULL,
	max_score	INT NOT NULL,
	position	INT NOT NULL,
	enabled		BOOLEAN NOT NULL DEFAULT TRUE,
	UNIQUE KEY instrument_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE icope_band (
	instrument_id	BIGINT UNSIGNED NOT NULL,
	min_score	INT NOT NULL,
	max_score	INT NOT NULL,
	level		ENUM('normal', 'risk', 'abnormal') NOT NULL,
	label		VARCHAR(200) NOT NULL,
	PRIMARY KEY (instrument_id, min_score),
	CONSTRAINT band_instrument FOREIGN KEY (instrument_id) REFERENCES icope_instrument (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A STEP 2: asked when an alert is confirmed, assigned to a professional
-- of the care circle; closing it closes the alert.
CREATE TABLE icope_step2 (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	alert_id	BIGINT UNSIGNED NOT NULL,
	patient_id	BIGINT UNSIGNED NOT NULL,
	status		ENUM('requested', 'closed') NOT NULL DEFAULT 'requested',
	assigned_to	BIGINT UNSIGNED NOT NULL,
	requested_at	DATETIME NOT NULL,
	requested_by	BIGINT UNSIGNED NOT NULL,
	performed_on	DATE NULL,
	comments	TEXT NULL,
	closed_at	DATETIME NULL,
	closed_by	BIGINT UNSIGNED NULL,
	updated_at	DATETIME NOT NULL,
	updated_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY step2_alert (alert_id),
	KEY step2_assigned (assigned_to, status),
	KEY step2_patient (patient_id),
	CONSTRAINT step2_alert FOREIGN KEY (alert_id) REFERENCES icope_alert (id),
	CONSTRAINT step2_patient FOREIGN KEY (patient_id) REFERENCES patient (id),
	CONSTRAINT step2_assigned FOREIGN KEY (assigned_to) REFERENCES app_user (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One score per alerted function, read through the instrument's bands.
CREATE TABLE icope_step2_result (
	step2_id	BIGINT UNSIGNED NOT NULL,
	function_id	BIGINT UNSIGNED NOT NULL,
	instrument_id	BIGINT UNSIGNED NOT NULL,
	score		INT NOT NULL,
	level		ENUM('normal', 'risk', 'abnormal') NOT NULL,
	interpretation	VARCHAR(200) NOT NULL,
	entered_at	DATETIME NOT NULL,
	entered_by	BIGINT UNSIGNED NOT NULL,
	PRIMARY KEY (step2_id, function_id),
	CONSTRAINT step2_result_step2 FOREIGN KEY (step2_id) REFERENCES icope_step2 (id)
		ON DELETE CASCADE,
	CONSTRAINT step2_result_function FOREIGN KEY (function_id) REFERENCES icope_function (id),
	CONSTRAINT step2_result_instrument FOREIGN KEY (instrument_id) REFERENCES icope_instrument (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---- seed ----

-- One demo territory (id 1: the demo alert manager's scope).
INSERT INTO territory (id, name) VALUES (1, 'CPTS Toulouse – Blagnac (démonstration)');
INSERT INTO territory_postal_code (territory_id, postal_code) VALUES
	(1, '31000'), (1, '31100'), (1, '31200'), (1, '31300'), (1, '31400'), (1, '31500'),
	(1, '31700');
-- Toulouse, Blagnac.
INSERT INTO territory_commune (territory_id, insee) VALUES (1, '31555'), (1, '31069');

-- The six WHO functions (icope_default_functions).
INSERT INTO icope_function (code, label, rule, position) VALUES
	('cognition', 'Cognition', 'cognition', 10),
	('mobility', 'Mobilité (locomotion)', 'mobility', 20),
	('nutrition', 'Nutrition (vitalité)', 'nutrition', 30),
	('vision', 'Vision', 'vision', 40),
	('hearing', 'Audition', 'hearing', 50),
	('mood', 'Humeur (psychologie)', 'mood', 60);

INSERT INTO icope_item (function_id, code, label, kind, role, min_value, max_value, cmp,
	threshold, decline_flag, decline_delta, position)
SELECT f.id, i.code, i.label, i.kind, i.role, i.min_value, i.max_value, i.cmp, i.threshold,
	i.decline_flag, i.decline_delta, i.position
FROM icope_function f JOIN (
	SELECT 'cognition' AS fn, 'cog_memory_worsened' AS code,
		'Les problèmes de mémoire se sont-ils aggravés au cours des 6 derniers mois ?' AS label,
		'yesno' AS kind, 'info' AS role, 0 AS min_value, 1 AS max_value, 'eq' AS cmp,
		1 AS threshold, 0 AS decline_flag, 0 AS decline_delta, 10 AS position
	UNION ALL SELECT 'cognition', 'cog_orientation_time',
		'Orientation dans le temps : donne la date complète correctement ?',
		'yesno', 'required', 0, 1, 'eq', 0, 0, 0, 20
	UNION ALL SELECT 'cognition', 'cog_orientation_place',
		'Orientation dans l''espace : sait où elle se trouve ?',
		'yesno', 'required', 0, 1, 'eq', 0, 0, 0, 30
	UNION ALL SELECT 'cognition', 'cog_words_recalled',
		'Nombre de mots rappelés (sur 3)',
		'count', 'required', 0, 3, 'below', 3, 4, 1, 40
	UNION ALL SELECT 'mobility', 'mob_chair_rise_seconds',
		'Temps pour se lever 5 fois d''une chaise sans les bras (secondes)',
		'seconds', 'required', 100, 30000, 'above', 1400, 2, 200, 10
	UNION ALL SELECT 'mobility', 'mob_chair_rise_unable',
		'Ne peut pas réaliser le lever de chaise, ou ce n''est pas sûr',
		'yesno', 'optional', 0, 1, 'eq', 1, 0, 0, 20
	UNION ALL SELECT 'nutrition', 'nut_weight_loss',
		'Perte de poids involontaire de plus de 3 kg au cours des 3 derniers mois ?',
		'yesno', 'required', 0, 1, 'eq', 1, 0, 0, 10
	UNION ALL SELECT 'nutrition', 'nut_appetite_loss',
		'Perte d''appétit ?',
		'yesno', 'required', 0, 1, 'eq', 1, 0, 0, 20
	UNION ALL SELECT 'vision', 'vis_eye_problem',
		'Problèmes de vue : pour voir de loin, pour lire, maladie des yeux ou traitement en cours (diabète, hypertension artérielle) ?',
		'yesno', 'required', 0, 1, 'eq', 1, 0, 0, 10
	UNION ALL SELECT 'hearing', 'hear_whisper_failed',
		'Test de la voix chuchotée (à bout de bras)',
		'passfail', 'alternative', 0, 1, 'eq', 1, 0, 0, 10
	UNION ALL SELECT 'hearing', 'hear_audiometry_db',
		'Audiométrie de dépistage (dB HL)',
		'db', 'alternative', -10, 120, 'above', 35, 0, 0, 20
	UNION ALL SELECT 'hearing', 'hear_hearwho_score',
		'Score de l''application hearWHO',
		'score', 'alternative', 0, 100, 'below', 50, 0, 0, 30
	UNION ALL SELECT 'mood', 'mood_down',
		'Au cours des 2 dernières semaines, s''est senti(e) triste, déprimé(e) ou sans espoir ?',
		'yesno', 'required', 0, 1, 'eq', 1, 0, 0, 10
	UNION ALL SELECT 'mood', 'mood_interest',
		'Au cours des 2 dernières semaines, peu d''intérêt ou de plaisir à faire les choses ?',
		'yesno', 'required', 0, 1, 'eq', 1, 0, 0, 20
) i ON i.fn = f.code;

-- The usual STEP 2 instruments and cut-offs (icope_default_instruments).
INSERT INTO icope_instrument (code, label, unit, rule, loinc, min_score, max_score, position) VALUES
	('mmse', 'MMSE', '/30', 'cognition', '72106-8', 0, 30, 10),
	('moca', 'MoCA', '/30', 'cognition', '72172-0', 0, 30, 20),
	('sppb', 'SPPB', '/12', 'mobility', NULL, 0, 12, 30),
	('mna_sf', 'MNA-SF', '/14', 'nutrition', NULL, 0, 14, 40),
	('acuity_distance', 'Acuité visuelle de loin (Monoyer)', '/10', 'vision', NULL, 0, 20, 50),
	('acuity_near', 'Acuité visuelle de près (échelle N)', 'N', 'vision', NULL, 5, 48, 60),
	('audiometry', 'Audiométrie tonale (meilleure oreille)', 'dB HL', 'hearing', NULL, -10, 120, 70),
	('phq9', 'PHQ-9', '/27', 'mood', NULL, 0, 27, 80),
	('gds15', 'GDS-15', '/15', 'mood', NULL, 0, 15, 90);

INSERT INTO icope_band (instrument_id, min_score, max_score, level, label)
SELECT ins.id, b.min_score, b.max_score, b.level, b.label
FROM icope_instrument ins JOIN (
	SELECT 'mmse' AS code, 0 AS min_score, 23 AS max_score, 'abnormal' AS level,
		'Troubles cognitifs suspectés' AS label
	UNION ALL SELECT 'mmse', 24, 30, 'normal', 'Normal'
	UNION ALL SELECT 'moca', 0, 25, 'abnormal', 'Troubles cognitifs suspectés'
	UNION ALL SELECT 'moca', 26, 30, 'normal', 'Normal'
	UNION ALL SELECT 'sppb', 0, 9, 'abnormal', 'Mobilité limitée'
	UNION ALL SELECT 'sppb', 10, 12, 'normal', 'Normal'
	UNION ALL SELECT 'mna_sf', 0, 7, 'abnormal', 'Dénutrition'
	UNION ALL SELECT 'mna_sf', 8, 11, 'risk', 'Risque de dénutrition'
	UNION ALL SELECT 'mna_sf', 12, 14, 'normal', 'État nutritionnel normal'
	UNION ALL SELECT 'acuity_distance', 0, 4, 'abnormal',
		'Acuité insuffisante : orienter vers un ophtalmologiste'
	UNION ALL SELECT 'acuity_distance', 5, 20, 'normal', 'Normal'
	UNION ALL SELECT 'acuity_near', 5, 6, 'normal', 'Normal'
	UNION ALL SELECT 'acuity_near', 7, 48, 'abnormal',
		'Acuité insuffisante : orienter vers un ophtalmologiste'
	UNION ALL SELECT 'audiometry', -10, 35, 'normal', 'Normal'
	UNION ALL SELECT 'audiometry', 36, 120, 'abnormal', 'Déficit auditif : orienter vers un ORL'
	UNION ALL SELECT 'phq9', 0, 9, 'normal', 'Normal'
	UNION ALL SELECT 'phq9', 10, 27, 'abnormal', 'Symptômes dépressifs probables'
	UNION ALL SELECT 'gds15', 0, 5, 'normal', 'Normal'
	UNION ALL SELECT 'gds15', 6, 15, 'abnormal', 'Symptômes dépressifs probables'
) b ON b.code = ins.code;
