-- Core of the suite: accounts, roles, sessions, audit log, outbox.
-- Times are UTC.  Every table holding personal data carries created_at,
-- updated_at and who changed it last.

CREATE TABLE app_user (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	login		VARCHAR(64) NOT NULL,
	email		VARCHAR(254) NOT NULL,
	civility	ENUM('M', 'Mme') NULL,
	first_name	VARCHAR(100) NOT NULL,
	last_name	VARCHAR(100) NOT NULL,
	mobile		VARCHAR(20) NULL,
	profession	VARCHAR(100) NULL,
	idnps		VARCHAR(12) NULL,
	structure	VARCHAR(200) NULL,
	password_hash	VARCHAR(255) NULL,
	status		ENUM('pending', 'active', 'disabled') NOT NULL DEFAULT 'pending',
	failed_logins	INT UNSIGNED NOT NULL DEFAULT 0,
	locked_until	DATETIME NULL,
	password_changed_at DATETIME NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
	updated_by	BIGINT UNSIGNED NULL,
	UNIQUE KEY user_login (login),
	UNIQUE KEY user_email (email),
	KEY user_idnps (idnps)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Authorization is data: a role with its scope (DESIGN.md §4).
CREATE TABLE user_role (
	user_id		BIGINT UNSIGNED NOT NULL,
	role		ENUM('admin', 'support', 'pro', 'cpts_manager', 'alert_manager',
			     'ars_verifier', 'ans_verifier', 'referent') NOT NULL,
	scope_type	ENUM('none', 'cpts', 'territory', 'region', 'establishment')
			NOT NULL DEFAULT 'none',
	scope_id	BIGINT UNSIGNED NOT NULL DEFAULT 0,
	granted_by	BIGINT UNSIGNED NULL,
	granted_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (user_id, role, scope_type, scope_id),
	CONSTRAINT user_role_user FOREIGN KEY (user_id) REFERENCES app_user (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of the 256-bit token is stored.
CREATE TABLE session (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	token_hash	CHAR(64) CHARACTER SET ascii NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	level		TINYINT UNSIGNED NOT NULL,
	csrf_token	CHAR(43) CHARACTER SET ascii NOT NULL,
	created_at	DATETIME NOT NULL,
	last_seen_at	DATETIME NOT NULL,
	ip		VARCHAR(45) NULL,
	user_agent	VARCHAR(255) NULL,
	UNIQUE KEY session_token (token_hash),
	KEY session_user (user_id),
	KEY session_last_seen (last_seen_at),
	CONSTRAINT session_user FOREIGN KEY (user_id) REFERENCES app_user (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: the programs may only INSERT and SELECT (sql/grants.sql),
-- and these triggers refuse changes even to a user who could.
CREATE TABLE audit_log (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME(3) NOT NULL,
	user_id		BIGINT UNSIGNED NULL,
	ip		VARCHAR(45) NULL,
	request_id	VARCHAR(32) CHARACTER SET ascii NULL,
	program		VARCHAR(16) CHARACTER SET ascii NOT NULL,
	action		VARCHAR(64) CHARACTER SET ascii NOT NULL,
	object_type	VARCHAR(32) CHARACTER SET ascii NULL,
	object_id	VARCHAR(64) NULL,
	patient_id	BIGINT UNSIGNED NULL,
	outcome		ENUM('ok', 'denied', 'error') NOT NULL,
	detail		VARCHAR(1000) NULL,
	KEY audit_at (at),
	KEY audit_user (user_id, at),
	KEY audit_patient (patient_id, at),
	KEY audit_object (object_type, object_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
	SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';

-- Mail and SMS waiting for parvis-mailer.
CREATE TABLE outbox (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	channel		ENUM('email', 'sms') NOT NULL,
	recipient	VARCHAR(254) NOT NULL,
	subject		VARCHAR(255) NULL,
	body		MEDIUMTEXT NOT NULL,
	status		ENUM('pending', 'sending', 'sent', 'dead') NOT NULL DEFAULT 'pending',
	attempts	INT UNSIGNED NOT NULL DEFAULT 0,
	next_attempt_at	DATETIME NOT NULL,
	locked_by	VARCHAR(64) NULL,
	locked_at	DATETIME NULL,
	last_error	VARCHAR(1000) NULL,
	created_at	DATETIME NOT NULL,
	sent_at		DATETIME NULL,
	KEY outbox_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
