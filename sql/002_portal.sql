-- Portal: account requests, single-use links, one-time codes, throttling,
-- applications (tiles), terms of use (CGU), personal settings.

ALTER TABLE app_user
	ADD COLUMN secret_question VARCHAR(200) NULL AFTER password_changed_at,
	ADD COLUMN secret_answer_hash VARCHAR(255) NULL AFTER secret_question,
	ADD COLUMN home_page VARCHAR(200) NULL AFTER secret_answer_hash,
	ADD COLUMN otp_channel ENUM('email', 'sms') NULL AFTER home_page,
	ADD COLUMN last_failed_at DATETIME NULL AFTER locked_until,
	ADD COLUMN last_login_at DATETIME NULL AFTER last_failed_at;

-- A request waits for the service centre, which validates or refuses it.
CREATE TABLE account_request (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	civility	ENUM('M', 'Mme') NOT NULL,
	first_name	VARCHAR(100) NOT NULL,
	last_name	VARCHAR(100) NOT NULL,
	profession	VARCHAR(100) NOT NULL,
	rpps_adeli	VARCHAR(12) NULL,
	structure	VARCHAR(200) NOT NULL,
	email		VARCHAR(254) NOT NULL,
	mobile		VARCHAR(20) NOT NULL,
	requested_by	BIGINT UNSIGNED NULL,	-- a structure referent asking for a colleague
	status		ENUM('pending', 'validated', 'refused') NOT NULL DEFAULT 'pending',
	refusal_reason	VARCHAR(1000) NULL,
	user_id		BIGINT UNSIGNED NULL,	-- the account made on validation
	handled_by	BIGINT UNSIGNED NULL,
	handled_at	DATETIME NULL,
	ip		VARCHAR(45) NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL,
	KEY request_status (status, created_at),
	KEY request_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use links (activation, password reset, contact change): only the
-- SHA-256 of the token is kept.
CREATE TABLE user_token (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	CHAR(64) CHARACTER SET ascii NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	kind		ENUM('activation', 'reset') NOT NULL,
	expires_at	DATETIME NOT NULL,
	used_at		DATETIME NULL,
	step		TINYINT UNSIGNED NOT NULL DEFAULT 0,	-- reset: 1 once the secret answer is given
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	UNIQUE KEY token_hash (token_hash),
	KEY token_user (user_id, kind),
	CONSTRAINT token_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time codes: 6 digits, hashed, 10 minutes, 5 attempts, single use.
-- purpose 'login' raises the session to level 2; 'contact' confirms a new
-- e-mail address or phone number (target).
CREATE TABLE otp_code (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	session_id	BIGINT UNSIGNED NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	purpose		ENUM('login', 'email', 'mobile') NOT NULL,
	channel		ENUM('email', 'sms') NOT NULL,
	target		VARCHAR(254) NOT NULL,
	code_hash	CHAR(64) CHARACTER SET ascii NOT NULL,
	attempts	TINYINT UNSIGNED NOT NULL DEFAULT 0,
	expires_at	DATETIME NOT NULL,
	used_at		DATETIME NULL,
	created_at	DATETIME NOT NULL,
	KEY otp_session (session_id, purpose, created_at),
	CONSTRAINT otp_session FOREIGN KEY (session_id) REFERENCES session (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every login attempt, kept for throttling and for the service centre's view
-- of a user's recent logins.
CREATE TABLE login_attempt (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME NOT NULL,
	ip		VARCHAR(45) NOT NULL,
	user_id		BIGINT UNSIGNED NULL,
	identifier	VARCHAR(254) NOT NULL,
	success		BOOLEAN NOT NULL,
	kind		ENUM('password', 'code') NOT NULL DEFAULT 'password',
	KEY attempt_ip (ip, at),
	KEY attempt_user (user_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Terms of use: a document per application (and one for the portal), with
-- versions; an acceptance per user and version.
CREATE TABLE cgu_document (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code		VARCHAR(32) CHARACTER SET ascii NOT NULL,
	title		VARCHAR(200) NOT NULL,
	UNIQUE KEY cgu_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE cgu_version (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	document_id	BIGINT UNSIGNED NOT NULL,
	version		VARCHAR(20) NOT NULL,
	body		MEDIUMTEXT NOT NULL,
	published_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	published_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY cgu_doc_version (document_id, version),
	KEY cgu_latest (document_id, published_at),
	CONSTRAINT cgu_version_doc FOREIGN KEY (document_id) REFERENCES cgu_document (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE cgu_acceptance (
	user_id		BIGINT UNSIGNED NOT NULL,
	version_id	BIGINT UNSIGNED NOT NULL,
	accepted_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	ip		VARCHAR(45) NULL,
	PRIMARY KEY (user_id, version_id),
	CONSTRAINT cgu_acc_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
	CONSTRAINT cgu_acc_version FOREIGN KEY (version_id) REFERENCES cgu_version (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Applications are data: a tile each.
CREATE TABLE application (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	code		VARCHAR(32) CHARACTER SET ascii NOT NULL,
	name		VARCHAR(100) NOT NULL,
	description	VARCHAR(500) NOT NULL,
	url		VARCHAR(200) NOT NULL,
	icon		VARCHAR(64) CHARACTER SET ascii NOT NULL DEFAULT 'app',
	required_level	TINYINT UNSIGNED NOT NULL DEFAULT 1,
	position	INT NOT NULL DEFAULT 100,
	cgu_document_id	BIGINT UNSIGNED NULL,
	enabled		BOOLEAN NOT NULL DEFAULT TRUE,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY application_code (code),
	CONSTRAINT application_cgu FOREIGN KEY (cgu_document_id) REFERENCES cgu_document (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE application_role (
	application_id	BIGINT UNSIGNED NOT NULL,
	role		ENUM('admin', 'support', 'pro', 'cpts_manager', 'alert_manager',
			     'ars_verifier', 'ans_verifier', 'referent') NOT NULL,
	PRIMARY KEY (application_id, role),
	CONSTRAINT app_role_app FOREIGN KEY (application_id) REFERENCES application (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_favorite_app (
	user_id		BIGINT UNSIGNED NOT NULL,
	application_id	BIGINT UNSIGNED NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (user_id, application_id),
	CONSTRAINT fav_app_user FOREIGN KEY (user_id) REFERENCES app_user (id) ON DELETE CASCADE,
	CONSTRAINT fav_app_app FOREIGN KEY (application_id) REFERENCES application (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Up to three favourite panels of the patient file, in order.
CREATE TABLE user_favorite_panel (
	user_id		BIGINT UNSIGNED NOT NULL,
	position	TINYINT UNSIGNED NOT NULL,
	panel		ENUM('administratif', 'entourage', 'evaluation', 'alertes',
			     'suivi', 'historique') NOT NULL,
	PRIMARY KEY (user_id, position),
	UNIQUE KEY fav_panel_once (user_id, panel),
	CONSTRAINT fav_panel_user FOREIGN KEY (user_id) REFERENCES app_user (id)
		ON DELETE CASCADE,
	CONSTRAINT fav_panel_position CHECK (position BETWEEN 1 AND 3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The shipped documents and applications; administrators change them in
-- /admin/ afterwards.
INSERT INTO cgu_document (code, title) VALUES
	('portal', 'Conditions générales d''utilisation du portail'),
	('annuaire', 'Conditions générales d''utilisation de l''annuaire'),
	('icope', 'Conditions générales d''utilisation d''ICOPE');

INSERT INTO cgu_version (document_id, version, body)
SELECT id, '1.0', CASE code
	WHEN 'portal' THEN 'Le portail donne accès, avec un compte personnel, aux services numériques en santé de la région. Votre identifiant et votre mot de passe sont strictement personnels : ne les communiquez à personne. Chaque connexion et chaque action sur des données de santé sont tracées. Les données vous concernant sont traitées pour la gestion de votre compte ; vous pouvez exercer vos droits auprès du délégué à la protection des données de la structure régionale.'
	WHEN 'annuaire' THEN 'L''annuaire présente les professionnels de santé du territoire à partir des données publiques du Répertoire partagé des professionnels de santé (RPPS). Les adresses électroniques ne doivent jamais servir à échanger des données de santé : utilisez une messagerie sécurisée de santé. Les notes privées des CPTS ne sont visibles que de leurs gestionnaires.'
	ELSE 'ICOPE contient des données de santé de personnes âgées. Vous n''y accédez qu''avec une authentification forte, pour les personnes que vous suivez. Chaque consultation et chaque modification d''un dossier sont tracées et peuvent être contrôlées.'
	END
FROM cgu_document;

INSERT INTO application (code, name, description, url, icon, required_level, position, cgu_document_id)
SELECT 'annuaire', 'Annuaire', 'Les professionnels de santé du territoire, et le module de gestion des CPTS.',
	'/annuaire/', 'annuaire', 1, 10, id FROM cgu_document WHERE code = 'annuaire';
INSERT INTO application (code, name, description, url, icon, required_level, position, cgu_document_id)
SELECT 'icope', 'ICOPE', 'Repérage des fragilités des personnes âgées : dossiers, STEP 1, alertes, STEP 2 et suivi.',
	'/icope/', 'icope', 2, 20, id FROM cgu_document WHERE code = 'icope';
INSERT INTO application (code, name, description, url, icon, required_level, position)
VALUES ('support', 'Centre de services', 'Les demandes de compte à valider et l''assistance aux utilisateurs.',
	'/support/', 'support', 2, 80);
INSERT INTO application (code, name, description, url, icon, required_level, position)
VALUES ('admin', 'Administration', 'Utilisateurs et rôles, applications, conditions d''utilisation, journal d''audit.',
	'/admin/', 'admin', 2, 90);

INSERT INTO application_role (application_id, role)
SELECT a.id, r.role FROM application a
JOIN (SELECT 'annuaire' AS code, 'pro' AS role UNION ALL SELECT 'annuaire', 'cpts_manager'
	UNION ALL SELECT 'annuaire', 'alert_manager' UNION ALL SELECT 'annuaire', 'support'
	UNION ALL SELECT 'annuaire', 'admin'
	UNION ALL SELECT 'icope', 'pro' UNION ALL SELECT 'icope', 'alert_manager'
	UNION ALL SELECT 'support', 'support' UNION ALL SELECT 'admin', 'admin') r
ON r.code = a.code;
