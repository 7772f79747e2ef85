-- CPTS administration and the link between an account and its RPPS/ADELI
-- identifier (app_user.idnps, IDNPS: '8' + RPPS or '0' + ADELI).
--
-- One account per professional: the identifier opens the professional's
-- own card in the directory and shows their CPTS membership, so two
-- accounts must never share it.  The key was a plain index (001_core.sql);
-- NULL (no identifier) stays allowed on any number of accounts.  On a
-- database where two accounts already share an identifier this migration
-- stops with MariaDB's "Duplicate entry" naming it: clear the wrong link
-- (parvis-admin link-idnps LOGIN --clear), then run migrate again.
ALTER TABLE app_user
	DROP KEY user_idnps,
	ADD UNIQUE KEY user_idnps (idnps);
