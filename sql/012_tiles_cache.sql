-- The tiles page, the busiest of the portal, without a query of its own:
-- each worker keeps the application list (applications and the roles they
-- admit) in memory, and the session query tells it when that list changed
-- (a generation bumped by triggers, like the CGU one); the user's favourite
-- tiles travel with the session row's user (app_user.favorite_apps, kept
-- by the portal in the same transaction as user_favorite_app, which stays
-- the reference).

ALTER TABLE cgu_state
	ADD COLUMN catalog_generation BIGINT UNSIGNED NOT NULL DEFAULT 1;

CREATE TRIGGER application_catalog_ins AFTER INSERT ON application FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;
CREATE TRIGGER application_catalog_upd AFTER UPDATE ON application FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;
CREATE TRIGGER application_catalog_del AFTER DELETE ON application FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;
CREATE TRIGGER application_role_catalog_ins AFTER INSERT ON application_role FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;
CREATE TRIGGER application_role_catalog_upd AFTER UPDATE ON application_role FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;
CREATE TRIGGER application_role_catalog_del AFTER DELETE ON application_role FOR EACH ROW
	UPDATE cgu_state SET catalog_generation = catalog_generation + 1 WHERE id = 1;

-- Comma-separated application ids, ascending ("" for none).
ALTER TABLE app_user
	ADD COLUMN favorite_apps VARCHAR(1000) CHARACTER SET ascii NOT NULL DEFAULT '';

UPDATE app_user u SET favorite_apps = COALESCE((SELECT GROUP_CONCAT(f.application_id
	ORDER BY f.application_id SEPARATOR ',') FROM user_favorite_app f
	WHERE f.user_id = u.id), '');
