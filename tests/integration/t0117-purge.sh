#!/usr/bin/env bash
# Housekeeping: a sent message keeps no text nor subject in the outbox (its
# links and codes would outlive their delivery there); `parvis-admin purge` removes
# expired sessions with their one-time codes, login attempts older than
# login_attempt_days (365) and sent or dead messages older than outbox_days
# (30), and nothing else; it writes the counts to the audit log.  The login's
# per-address brake still counts failures only.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }

note "a sent mail leaves no text in the outbox"
make_user t0117a
ua=$USER_ID
accept_all_cgu "$ua"
login_strong t0117a
wait_until 20 test "$(count "outbox WHERE recipient = 't0117a@$D' AND status = 'sent'")" -ge 1 ||
	fail "the code's mail is not marked sent"
[[ $(count "outbox WHERE recipient = 't0117a@$D' AND status = 'sent' AND (body <> '' OR subject IS NOT NULL)") == 0 ]] ||
	fail "a sent mail kept its text or subject (the code is in the subject)"
text=$(mail_text "t0117a@$D")
grep -qE 'code Parvis : [0-9]{6}' <<<"$text" || fail "the mail itself has no code: $text"

note "rows on both sides of each limit"
# Messages: old ones of every status, recent sent ones.
sql "INSERT INTO parvis.outbox (channel, recipient, subject, body, status, next_attempt_at, created_at)
	VALUES ('email', 'old-sent.t0117@$D', 's', '', 'sent', UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL 31 DAY),
	       ('email', 'old-dead.t0117@$D', 's', 'b', 'dead', UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL 40 DAY),
	       ('sms', 'old-pending.t0117', NULL, 'b', 'pending', UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 40 DAY),
	       ('email', 'recent-sent.t0117@$D', 's', '', 'sent', UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL 29 DAY),
	       ('email', 'recent-dead.t0117@$D', 's', 'b', 'dead', UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL 1 DAY)"
# Login attempts: 366 and 364 days old, and today's (the login above).
sql "INSERT INTO parvis.login_attempt (at, ip, user_id, identifier, success, kind)
	VALUES (UTC_TIMESTAMP() - INTERVAL 366 DAY, '192.0.2.17', $ua, 't0117a', FALSE, 'password'),
	       (UTC_TIMESTAMP() - INTERVAL 400 DAY, '192.0.2.17', $ua, 't0117a', TRUE, 'password'),
	       (UTC_TIMESTAMP() - INTERVAL 364 DAY, '192.0.2.17', $ua, 't0117a', TRUE, 'password')"
# Sessions: the live one of login_strong, one idle for 31 minutes with a
# pending code, one created 13 hours ago and seen just now.
live=$(sql "SELECT MAX(id) FROM parvis.session WHERE user_id = $ua")
sql "INSERT INTO parvis.session (token_hash, user_id, level, csrf_token, created_at, last_seen_at)
	VALUES (REPEAT('1', 64), $ua, 1, REPEAT('c', 43), UTC_TIMESTAMP() - INTERVAL 1 HOUR, UTC_TIMESTAMP() - INTERVAL 31 MINUTE),
	       (REPEAT('2', 64), $ua, 2, REPEAT('c', 43), UTC_TIMESTAMP() - INTERVAL 13 HOUR, UTC_TIMESTAMP())"
idle=$(sql "SELECT id FROM parvis.session WHERE token_hash = REPEAT('1', 64)")
sql "INSERT INTO parvis.otp_code (session_id, user_id, purpose, channel, target, code_hash, expires_at, created_at)
	VALUES ($idle, $ua, 'login', 'email', 't0117a@$D', REPEAT('0', 64), UTC_TIMESTAMP(), UTC_TIMESTAMP())"
attempts_before=$(count login_attempt)
outbox_before=$(count outbox)
sessions_before=$(count session)

note "purge removes exactly what is past its limit"
out=$(stack admin purge 2>&1) || fail "purge failed: $out"
grep -qE '^[0-9]+ expired session\(s\) removed$' <<<"$out" || fail "no session count: $out"
grep -qE '^[0-9]+ login attempt\(s\) older than 365 days removed$' <<<"$out" || fail "no attempt count: $out"
grep -qE '^[0-9]+ sent or dead message\(s\) older than 30 days removed$' <<<"$out" || fail "no message count: $out"
# Earlier tests may have left expired sessions and nothing older than a
# year or a month: the two other counts are exact.
grep -qx '2 login attempt(s) older than 365 days removed' <<<"$out" || fail "attempts: $out"
grep -qx '2 sent or dead message(s) older than 30 days removed' <<<"$out" || fail "messages: $out"
[[ $(count login_attempt) == $((attempts_before - 2)) ]] || fail "not exactly 2 attempts removed"
[[ $(count "login_attempt WHERE ip = '192.0.2.17'") == 1 ]] || fail "the 364-day-old attempt went"
[[ $(count outbox) == $((outbox_before - 2)) ]] || fail "not exactly 2 messages removed"
[[ $(count "outbox WHERE recipient LIKE 'old-%'") == 1 ]] || fail "an old message is left, or the pending one went"
[[ $(count "outbox WHERE recipient = 'old-pending.t0117'") == 1 ]] || fail "an unsent message was removed"
[[ $(count "outbox WHERE recipient LIKE 'recent-%'") == 2 ]] || fail "a recent message went"
[[ $(count "session WHERE user_id = $ua AND token_hash IN (REPEAT('1', 64), REPEAT('2', 64))") == 0 ]] ||
	fail "an expired session is left"
[[ $(count "session WHERE id = $live") == 1 ]] || fail "the live session went"
[[ $(count "otp_code WHERE session_id = $idle") == 0 ]] || fail "the expired session's code is left"
(($(count session) <= sessions_before - 2)) || fail "the session count did not drop by 2"
[[ $(count "audit_log WHERE program = 'admin' AND action = 'purge' AND ip = 'cli'
	AND detail LIKE '%2 tentative(s) de connexion de plus de 365 jours, 2 message(s) de plus de 30 jours'") == 1 ]] ||
	fail "no audit row with the counts"

note "the live session still works; a second purge removes nothing more"
http GET /
assert_status 200
out=$(stack admin purge-sessions 2>&1) || fail "purge-sessions failed: $out"
grep -qx '0 expired session(s) removed' <<<"$out" || fail "second purge: $out"
grep -qx '0 login attempt(s) older than 365 days removed' <<<"$out" || fail "second purge: $out"
grep -qx '0 sent or dead message(s) older than 30 days removed' <<<"$out" || fail "second purge: $out"

note "the per-address brake counts failures only, through its index"
plan=$(sql "EXPLAIN SELECT COUNT(*) FROM parvis.login_attempt
	WHERE ip = '127.0.0.1' AND success = FALSE AND at >= UTC_TIMESTAMP() - INTERVAL 900 SECOND")
grep -q 'attempt_ip' <<<"$plan" || fail "the brake's count does not use attempt_ip: $plan"
[[ $(cut -f4 <<<"$plan") != ALL ]] || fail "the brake's count scans the table: $plan"
