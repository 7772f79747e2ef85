#!/usr/bin/env bash
# "Mes sessions ouvertes": the user's live sessions (created, last
# activity, address, browser summary, "cette session"), ending one, ending
# all the others, ending this one; another user's session id is 404 (URL
# tampering), CSRF, anonymous.
. "$(dirname "$0")/lib.sh"

count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
audits() { count "audit_log WHERE user_id = $1 AND action = '$2'${3:+ AND outcome = '$3'}"; }

UA_FIREFOX='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
UA_SAFARI='Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
UA_EDGE='Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0'
UA_EVIL='"><script>alert(1)</script>'

# browser LOGIN UA JAR: a login from that browser, its cookies kept in JAR;
# prints nothing, the session id is in $SID.
browser() {
	http_reset
	http GET /connexion -A "$2"
	http POST /connexion -A "$2" --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=$1" \
		--data-urlencode "mot_de_passe=$TEST_PASSWORD"
	assert_status 303
	cp "$HTTP_DIR/cookies" "$3"
	SID=$(sql "SELECT MAX(s.id) FROM parvis.session s JOIN parvis.app_user u ON u.id = s.user_id
		WHERE u.login = '$1'")
}
# use JAR: continue in that browser.
use() {
	cp "$1" "$HTTP_DIR/cookies"
}
# page: GET /compte/sessions in the current browser, its CSRF token in $T.
page() {
	http GET "/compte/sessions${1:-}" -A "$UA_EDGE"
	assert_status 200
	T=$(csrf)
}

make_user t0107a
ua=$USER_ID
accept_all_cgu "$ua"
make_user t0107b
ub=$USER_ID
accept_all_cgu "$ub"

note "anonymous: the page leads to the login page, the forms are refused"
http GET /compte/sessions
assert_status 303
assert_header Location '^/connexion\?suite=%2Fcompte%2Fsessions$'
http POST /compte/sessions/fin-des-autres --data 'csrf=x'
assert_status 401
http POST /compte/sessions/1/fin --data 'csrf=x'
assert_status 401

note "four sessions of t0107a in four browsers, one of t0107b, one expired"
browser t0107a "$UA_FIREFOX" "$TEST_TMP/firefox"
s_firefox=$SID
browser t0107a "$UA_SAFARI" "$TEST_TMP/safari"
s_safari=$SID
browser t0107a "$UA_EVIL" "$TEST_TMP/evil"
s_evil=$SID
browser t0107b "$UA_FIREFOX" "$TEST_TMP/other"
s_other=$SID
browser t0107a "$UA_EDGE" "$TEST_TMP/edge"
s_edge=$SID
sql "UPDATE parvis.session SET level = 2 WHERE id = $s_safari"
sql "INSERT INTO parvis.session (token_hash, user_id, level, csrf_token, created_at, last_seen_at, ip, user_agent)
	VALUES (REPEAT('e', 64), $ua, 1, REPEAT('e', 43), UTC_TIMESTAMP() - INTERVAL 2 DAY,
	UTC_TIMESTAMP() - INTERVAL 2 DAY, '192.0.2.9', 'Expired/1.0')"
s_expired=$(sql "SELECT id FROM parvis.session WHERE token_hash = REPEAT('e', 64)")

note "the list: live sessions of this user only, with browser, dates, address"
page
assert_body_contains '<h1>Mes sessions ouvertes</h1>'
assert_body_contains 'Firefox 128 sur Linux'
assert_body_contains 'Safari 17 sur iPhone'
assert_body_contains 'Edge 124 sur Windows'
assert_body_contains 'Navigateur inconnu'
assert_body_contains '127.0.0.1'
grep -Eq '[0-9]{2}/[0-9]{2}/[0-9]{4} à [0-9]{2}:[0-9]{2}' "$HTTP_DIR/body" || fail "no date and time shown"
[[ $(grep -c 'cette session' "$HTTP_DIR/body") == 1 ]] || fail "'cette session' is not marked exactly once"
grep -A2 "id=\"session-$s_edge\"" "$HTTP_DIR/body" | grep -q 'cette session' || fail "the current session is not the one marked"
grep -A2 "id=\"session-$s_safari\"" "$HTTP_DIR/body" | grep -q 'authentification forte' || fail "the level is not shown"
for s in $s_firefox $s_safari $s_evil; do
	assert_body_contains "action=\"/compte/sessions/$s/fin\""
done
assert_body_not_contains "action=\"/compte/sessions/$s_edge/fin\""
assert_body_not_contains "id=\"session-$s_other\""
assert_body_not_contains "id=\"session-$s_expired\""
assert_body_not_contains 'Expired/1.0'
assert_body_not_contains '<script>alert(1)'
assert_body_contains '&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
assert_body_contains 'action="/compte/sessions/fin-des-autres"'
http GET /compte -A "$UA_EDGE"
assert_body_contains '4 session(s)'

note "ending one session deletes its row; that browser is logged out"
http POST "/compte/sessions/$s_firefox/fin" -A "$UA_EDGE" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location '^/compte/sessions\?ok=session$'
[[ $(count "session WHERE id = $s_firefox") == 0 ]] || fail "the session row is still there"
[[ $(count "audit_log WHERE user_id = $ua AND action = 'settings.session.ended' AND outcome = 'ok'
	AND object_type = 'session' AND object_id = '$s_firefox'") == 1 ]] || fail "ending not audited"
page '?ok=session'
assert_body_contains 'La session a été fermée.'
assert_body_not_contains "id=\"session-$s_firefox\""
use "$TEST_TMP/firefox"
http GET /compte -A "$UA_FIREFOX"
assert_status 303
assert_header Location '^/connexion'
use "$TEST_TMP/edge"

note "URL tampering: another user's session id is 404 and stays"
page
http POST "/compte/sessions/$s_other/fin" -A "$UA_EDGE" --data-urlencode "csrf=$T"
assert_status 404
assert_body_contains "Cette session n&#39;existe pas."
[[ $(count "session WHERE id = $s_other") == 1 ]] || fail "another user's session was ended"
[[ $(count "audit_log WHERE user_id = $ua AND action = 'settings.session.ended' AND outcome = 'denied'
	AND object_id = '$s_other'") == 1 ]] || fail "the attempt was not audited"
use "$TEST_TMP/other"
http GET /compte -A "$UA_FIREFOX"
assert_status 200
use "$TEST_TMP/edge"

note "unknown, ended, malformed ids are 404 too"
for id in 999999999 "$s_firefox" 0 -1 abc 1e3 99999999999999999999999; do
	http POST "/compte/sessions/$id/fin" -A "$UA_EDGE" --data-urlencode "csrf=$T"
	assert_status 404
done

note "CSRF missing or of another session: 403, nothing ended"
http POST "/compte/sessions/$s_safari/fin" -A "$UA_EDGE"
assert_status 403
other_token=$(sql "SELECT csrf_token FROM parvis.session WHERE id = $s_other")
http POST "/compte/sessions/$s_safari/fin" -A "$UA_EDGE" --data-urlencode "csrf=$other_token"
assert_status 403
http POST /compte/sessions/fin-des-autres -A "$UA_EDGE"
assert_status 403
HTTP_NO_ORIGIN=1 http POST /compte/sessions/fin-des-autres -A "$UA_EDGE" -H 'Origin: https://evil.example' \
	--data-urlencode "csrf=$T"
assert_status 403
[[ $(count "session WHERE id IN ($s_safari, $s_evil, $s_edge)") == 3 ]] || fail "a refused POST ended sessions"

note "ending all the other sessions keeps this one and the other user's"
http POST /compte/sessions/fin-des-autres -A "$UA_EDGE" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location '^/compte/sessions\?ok=sessions$'
[[ $(sql "SELECT GROUP_CONCAT(id) FROM parvis.session WHERE user_id = $ua") == "$s_edge" ]] ||
	fail "other sessions left: $(sql "SELECT GROUP_CONCAT(id) FROM parvis.session WHERE user_id = $ua")"
[[ $(count "session WHERE id = $s_other") == 1 ]] || fail "another user's session was ended"
[[ $(sql "SELECT detail FROM parvis.audit_log WHERE user_id = $ua AND action = 'settings.sessions.ended_others'") == \
	'3 session(s)' ]] || fail "ending the others not audited with the count"
page '?ok=sessions'
assert_body_contains 'Toutes vos autres sessions ont été fermées.'
assert_body_contains "Aucune autre session n'est ouverte."
assert_body_not_contains 'action="/compte/sessions/fin-des-autres"'
use "$TEST_TMP/safari"
http GET /compte -A "$UA_SAFARI"
assert_status 303
use "$TEST_TMP/edge"

note "ending this very session is a logout"
page
http POST "/compte/sessions/$s_edge/fin" -A "$UA_EDGE" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location '^/connexion\?fin=1$'
[[ $(count "session WHERE id = $s_edge") == 0 ]] || fail "this session's row is still there"
[[ $(audits "$ua" settings.session.ended ok) == 2 ]] || fail "logout by the sessions page not audited"
http GET /compte/sessions -A "$UA_EDGE"
assert_status 303
assert_header Location '^/connexion'
