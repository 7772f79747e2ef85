-- Login throttling and housekeeping.
--
-- The per-address brake of the login (fcgi/portal/login.c) counts the
-- failed attempts of an address over the last 15 minutes.  With the index
-- on (ip, at) it read every attempt of the address in the window, the
-- successful ones too: behind a hospital's or a CPTS's single public
-- address, hundreds of colleagues' logins, and under a flood of good
-- logins from one address, a full scan.  With success in the index the
-- count reads the failures only.
ALTER TABLE login_attempt
	DROP KEY attempt_ip,
	ADD KEY attempt_ip (ip, success, at);

-- `parvis-admin purge` removes login attempts older than the retention
-- period by date: an index on at alone lets it do so without a scan.
ALTER TABLE login_attempt
	ADD KEY attempt_at (at);

-- The same for sent and dead messages of the outbox.
ALTER TABLE outbox
	ADD KEY outbox_done (status, created_at);
