-- Accounts: throttling of the public account forms, and the attempt counter
-- of a reset link's secret question.

-- A reset link whose secret question is answered wrong 5 times is voided.
ALTER TABLE user_token
	ADD COLUMN attempts TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER step;

-- Every submission of a public account form (account request, forgotten
-- password), kept for per-address throttling whether or not an account
-- matched: the count never depends on what exists.  Purged with old rows.
CREATE TABLE account_throttle (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
	at		DATETIME NOT NULL,
	ip		VARCHAR(45) NOT NULL,
	kind		ENUM('request', 'reset') NOT NULL,
	KEY throttle_ip (kind, ip, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
