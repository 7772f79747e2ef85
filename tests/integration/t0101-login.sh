#!/usr/bin/env bash
# Login: password (level 1), portal CGU first, one-time code by e-mail
# (level 2), wrong codes, throttling, login CSRF, logout, open redirects.
. "$(dirname "$0")/lib.sh"

make_user t0101a
uid=$USER_ID

note "anonymous visitor is sent to the login page with suite="
http GET /
assert_status 303
assert_header Location '^/connexion\?suite=%2F$'

note "login form carries a pre-login CSRF token bound to a cookie"
http GET /connexion
assert_status 200
assert_body_contains 'name="identifiant"'
[[ -n $(csrf) ]] || fail "no csrf token on the login form"
grep -q parvis_pre "$HTTP_DIR/cookies" || fail "no pre-login cookie"

note "login CSRF: a POST without the token, or from another site, is refused"
http POST /connexion --data-urlencode "identifiant=t0101a" --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403
http GET /connexion
tok=$(csrf)
HTTP_NO_ORIGIN=1 http POST /connexion -H 'Origin: https://evil.example' --data-urlencode "csrf=$tok" \
	--data-urlencode "identifiant=t0101a" --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403
HTTP_NO_ORIGIN=1 http POST /connexion -H 'Sec-Fetch-Site: cross-site' --data-urlencode "csrf=$tok" \
	--data-urlencode "identifiant=t0101a" --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403
# "Origin: null" (a no-referrer page) passes only with Sec-Fetch-Site: same-origin.
HTTP_NO_ORIGIN=1 http POST /connexion -H 'Origin: null' --data-urlencode "csrf=$tok" \
	--data-urlencode "identifiant=t0101a" --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403
HTTP_NO_ORIGIN=1 http POST /connexion -H 'Origin: null' -H 'Sec-Fetch-Site: cross-site' \
	--data-urlencode "csrf=$tok" --data-urlencode "identifiant=t0101a" \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403

note "wrong password and unknown account get the same message"
http GET /connexion
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=t0101a" \
	--data-urlencode "mot_de_passe=wrong-password-1"
assert_status 401
msg_known=$(grep -o 'Identifiant ou mot de passe incorrect[^<]*' "$HTTP_DIR/body")
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=nobody-here" \
	--data-urlencode "mot_de_passe=wrong-password-1"
assert_status 401
msg_unknown=$(grep -o 'Identifiant ou mot de passe incorrect[^<]*' "$HTTP_DIR/body")
[[ -n $msg_known && $msg_known == "$msg_unknown" ]] || fail "messages differ: '$msg_known' / '$msg_unknown'"
[[ $(sql "SELECT failed_logins FROM parvis.app_user WHERE id = $uid") == 1 ]] || fail "failure not counted"

note "good password: level-1 session, portal CGU before anything else"
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=t0101a" \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 303
assert_header Location '^/cgu/portal\?suite='
assert_header Set-Cookie 'parvis_session=.*HttpOnly; SameSite=Strict'
[[ $(sql "SELECT failed_logins FROM parvis.app_user WHERE id = $uid") == 0 ]] || fail "failures not reset"
[[ $(sql "SELECT level FROM parvis.session WHERE user_id = $uid") == 1 ]] || fail "session level is not 1"
token=$(awk '$6 == "parvis_session" { print $7 }' "$HTTP_DIR/cookies")
[[ $(sql "SELECT COUNT(*) FROM parvis.session WHERE token_hash = SHA2('$token', 256)") == 1 ]] ||
	fail "the session table does not hold the token's SHA-256"
[[ $(sql "SELECT COUNT(*) FROM parvis.session WHERE token_hash = '$token'") == 0 ]] ||
	fail "the raw token is stored"

note "the tiles are not reachable before the CGU"
http GET /
assert_status 303
assert_header Location '^/cgu/portal'

note "accept the CGU: recorded with version and address"
http GET '/cgu/portal?suite=/connexion/code%3Fsuite%3D%2F'
assert_status 200
assert_body_contains "J'ai lu et j'accepte"
http POST /cgu/portal --data-urlencode "csrf=$(csrf)" --data "version=$(form_value version)&accepte=1" \
	--data-urlencode "suite=$(form_value suite)"
assert_status 303
assert_header Location '^/connexion/code'
[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_acceptance a JOIN parvis.cgu_version v ON v.id = a.version_id
	JOIN parvis.cgu_document d ON d.id = v.document_id WHERE a.user_id = $uid AND d.code = 'portal'
	AND a.ip = '127.0.0.1'") == 1 ]] || fail "acceptance not recorded"

note "level 1: tiles shown, ICOPE greyed with the reason and a step-up link"
http GET /
assert_status 200
assert_body_contains 'tile-locked'
assert_body_contains 'nécessite une authentification forte'
assert_body_contains 'href="/connexion/code?suite=%2Ficope%2F"'
http GET /icope/
assert_status 303
assert_header Location '^/cgu/icope'

note "a CSRF token of another session is refused"
http POST /favoris/annuaire --data 'csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
assert_status 403

note "send a code by e-mail, type it wrong, then right: level 2"
http GET '/connexion/code?suite=%2F'
assert_status 200
http POST /connexion/envoi --data-urlencode "csrf=$(csrf)" --data 'canal=email&suite=/'
assert_status 200
assert_body_contains 'Le code a été envoyé par e-mail.'
wait_for_mail_to t0101a@test.parvis.localhost 1
code=$(mail_for t0101a@test.parvis.localhost | grep -oE 'code Parvis : [0-9]{6}' | grep -oE '[0-9]{6}')
[[ $code =~ ^[0-9]{6}$ ]] || fail "no code in the mail"
[[ $(sql "SELECT COUNT(*) FROM parvis.otp_code WHERE user_id = $uid AND code_hash LIKE '%$code%'") == 0 ]] ||
	fail "the code is stored in clear"
http POST /connexion/envoi --data-urlencode "csrf=$(csrf)" --data 'canal=email&suite=/'
assert_status 429
wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=$wrong&suite=/"
assert_status 401
assert_body_contains 'Ce code est incorrect'
http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=abc&suite=/"
assert_status 422
http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=${code:0:3} ${code:3}&suite=/"
assert_status 303
assert_header Location '^/$'
[[ $(sql "SELECT level FROM parvis.session WHERE user_id = $uid") == 2 ]] || fail "session level is not 2"
[[ $(sql "SELECT COUNT(*) FROM parvis.session WHERE token_hash = SHA2('$token', 256)") == 0 ]] ||
	fail "the token was not rotated when the level rose"

http GET /
assert_status 200
assert_body_not_contains 'tile-locked'

note "a code is single use and bound to its session"
[[ $(sql "SELECT COUNT(*) FROM parvis.otp_code WHERE user_id = $uid AND used_at IS NULL") == 0 ]] ||
	fail "the code was not used up"
login t0101a
http GET '/connexion/code?suite=%2F'
http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=$code&suite=/"
assert_status 401
assert_body_contains 'a déjà servi'


note "open redirect attempts on suite= land on /"
for bad in 'https://evil.example/' '//evil.example/' '/\evil.example' 'javascript:alert(1)'; do
	login t0101a
	loc=$(header_value Location)
	[[ $loc == /* && $loc != //* ]] || fail "redirect to $loc"
	http GET /connexion/code -G --data-urlencode "suite=$bad"
	assert_status 200
	assert_body_not_contains 'evil.example'
done

note "logout ends the session"
http GET /
http POST /deconnexion --data-urlencode "csrf=$(csrf)"
assert_status 303
assert_header Location '^/connexion\?fin=1$'
http GET /
assert_status 303
[[ $(sql "SELECT COUNT(*) FROM parvis.session WHERE token_hash = SHA2('$token', 256)") == 0 ]] ||
	fail "session row left after logout"

note "audit log holds the logins, the failure, the CGU and the code"
for a in login login.failed cgu.accept otp.sent otp.failed login.strong logout; do
	[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = '$a'") -ge 1 ]] || fail "no audit row $a"
done
