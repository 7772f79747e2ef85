-- Personal settings: favourite partners.
--
-- A user's favourite partners are the professionals they often add to a
-- patient's care circle, named by IDNPS ('8' + RPPS or '0' + ADELI, as in
-- app_user.idnps), at most 20 per user (checked by the portal), shown in
-- position order.  The directory's professional table will reference this
-- table later (a foreign key on idnps, or a join to show names): until then
-- the portal shows the number only.  idnps keeps app_user.idnps's type and
-- character set so that the key can be added without converting it.
CREATE TABLE user_favorite_partner (
	user_id		BIGINT UNSIGNED NOT NULL,
	idnps		VARCHAR(12) NOT NULL,
	position	SMALLINT UNSIGNED NOT NULL,
	created_at	DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
	PRIMARY KEY (user_id, idnps),
	KEY fav_partner_order (user_id, position),
	KEY fav_partner_idnps (idnps),
	CONSTRAINT fav_partner_user FOREIGN KEY (user_id) REFERENCES app_user (id)
		ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
