-- The session query of every request without a join on user_role: each
-- session row carries a copy of its user's grants (session.roles), kept by
-- triggers in the same transaction as any change of user_role, so that a
-- grant or a revocation reaches the open sessions at once; user_role stays
-- the reference.  A new session takes the grants as they are committed
-- (a locking read: a grant or revocation in flight is waited for).
-- Format: "role:scope_type:scope_id" items, comma-separated, ordered; ""
-- for none.

ALTER TABLE session
	ADD COLUMN roles TEXT CHARACTER SET ascii NOT NULL DEFAULT '';

CREATE TRIGGER session_roles_ins BEFORE INSERT ON session FOR EACH ROW
	SET NEW.roles = COALESCE((SELECT GROUP_CONCAT(r.role, ':', r.scope_type, ':',
		r.scope_id ORDER BY r.role, r.scope_type, r.scope_id SEPARATOR ',')
		FROM user_role r WHERE r.user_id = NEW.user_id LOCK IN SHARE MODE), '');

CREATE TRIGGER user_role_session_ins AFTER INSERT ON user_role FOR EACH ROW
	UPDATE session SET roles = COALESCE((SELECT GROUP_CONCAT(r.role, ':',
		r.scope_type, ':', r.scope_id ORDER BY r.role, r.scope_type, r.scope_id
		SEPARATOR ',') FROM user_role r WHERE r.user_id = NEW.user_id
		LOCK IN SHARE MODE), '') WHERE user_id = NEW.user_id;
CREATE TRIGGER user_role_session_del AFTER DELETE ON user_role FOR EACH ROW
	UPDATE session SET roles = COALESCE((SELECT GROUP_CONCAT(r.role, ':',
		r.scope_type, ':', r.scope_id ORDER BY r.role, r.scope_type, r.scope_id
		SEPARATOR ',') FROM user_role r WHERE r.user_id = OLD.user_id
		LOCK IN SHARE MODE), '') WHERE user_id = OLD.user_id;
CREATE TRIGGER user_role_session_upd AFTER UPDATE ON user_role FOR EACH ROW
	UPDATE session SET roles = COALESCE((SELECT GROUP_CONCAT(r.role, ':',
		r.scope_type, ':', r.scope_id ORDER BY r.role, r.scope_type, r.scope_id
		SEPARATOR ',') FROM user_role r WHERE r.user_id = session.user_id
		LOCK IN SHARE MODE), '') WHERE user_id IN (OLD.user_id, NEW.user_id);

UPDATE session s SET roles = COALESCE((SELECT GROUP_CONCAT(r.role, ':',
	r.scope_type, ':', r.scope_id ORDER BY r.role, r.scope_type, r.scope_id
	SEPARATOR ',') FROM user_role r WHERE r.user_id = s.user_id), '');
