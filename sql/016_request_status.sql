-- Account requests: the requester (and the structure referent who asked for
-- a colleague) follows the request through a private link sent in the
-- acknowledgement mail, /compte/demande/suivi/<token>
-- (fcgi/portal/account_request.c).  The token is 256 random bits; only its
-- SHA-256 is kept, like the activation links.  The link works while the
-- request is pending and request_status_days days (configuration, default
-- 90) after the service centre's decision (handled_at).  Requests made
-- before this migration have no link (NULL).
ALTER TABLE account_request
	ADD COLUMN track_hash CHAR(64) CHARACTER SET ascii NULL AFTER ip,
	ADD UNIQUE KEY request_track (track_hash);
