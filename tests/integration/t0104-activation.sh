#!/usr/bin/env bash
# Activation (/activation/{token}): the link sent on validation sets the
# password once, with the rules beside the field and checked by the server
# (too short, common, containing the name: 422 with one message per rule);
# success sends the user to /connexion without logging in, and the
# password works.  Expired, reused, voided and malformed links: 410.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
# validated FIRST LAST EMAIL: a request validated by the service centre;
# the activation link's path in $LINK, the new user's id in $UID_NEW.
validated() {
	local rid before text
	sql "INSERT INTO parvis.account_request (civility, first_name, last_name, profession,
		structure, email, mobile) VALUES ('M', '$1', '$2', 'Kinésithérapeute', 'Cabinet',
		'$3', '0612345678')"
	rid=$(sql "SELECT MAX(id) FROM parvis.account_request WHERE email = '$3'")
	login_strong t0104sup
	before=$(mail_count_for "$3")
	http GET "/support/demandes/$rid"
	assert_status 200
	http POST "/support/demandes/$rid/valider" --data-urlencode "csrf=$(csrf)"
	assert_status 303
	wait_for_mail_to "$3" $((before + 2))
	text=$(mails_text "$3")
	LINK=$(grep -oE "$PARVIS_URL/activation/[A-Za-z0-9_-]{43}" <<<"$text" | tail -n 1)
	LINK=${LINK#"$PARVIS_URL"}
	[[ -n $LINK ]] || fail "no activation link for $3"
	UID_NEW=$(sql "SELECT id FROM parvis.app_user WHERE email = '$3'")
	http_reset
}
# set_password PASSWORD [CONFIRMATION]: POST the activation form of $LINK
# (with the CSRF token of the last page, or of the login form).
set_password() {
	local t
	t=$(csrf)
	if [[ -z $t ]]; then
		http GET /connexion
		t=$(csrf)
	fi
	http POST "$LINK" --data-urlencode "csrf=$t" --data-urlencode "mot_de_passe=$1" \
		--data-urlencode "confirmation=${2-$1}"
}
no_password() {
	[[ $(sql "SELECT COUNT(*) FROM parvis.app_user WHERE id = $UID_NEW AND password_hash IS NULL
		AND password_changed_at IS NULL") == 1 ]] || fail "the password was set"
	[[ $(count "user_token WHERE user_id = $UID_NEW AND kind = 'activation' AND used_at IS NULL") == 1 ]] ||
		fail "the link was used up"
}

account t0104sup support
accept_all_cgu "$USER_ID"

validated Jérôme Castagnède "jerome.t0104@$D"
login_new=$(sql "SELECT login FROM parvis.app_user WHERE id = $UID_NEW")
[[ $login_new == jerome.castagnede ]] || fail "login $login_new"

note "the link opens the password form: identifier, rules beside the field, live script"
http GET "$LINK"
assert_status 200
assert_body_contains 'jerome.castagnede'
assert_body_contains 'id="password-rules"'
assert_body_contains 'data-rule="length" data-min="12"'
assert_body_contains 'data-rule="personal"'
assert_body_contains 'data-password-rules="password-rules"'
assert_body_contains '<script src="/static/password-rules.js" defer></script>'
assert_body_contains 'autocomplete="new-password"'
assert_header Cache-Control 'no-store'
assert_header Referrer-Policy '^no-referrer$'

note "CSRF: a submission without the token changes nothing"
http POST "$LINK" --data-urlencode "mot_de_passe=Tr3s-Solide-Phrase!" --data-urlencode "confirmation=Tr3s-Solide-Phrase!"
assert_status 403
no_password

note "the server checks the rules: one message per failed rule, 422, nothing set"
http GET "$LINK"
set_password 'Court-1!'
assert_status 422
assert_body_contains 'id="mot_de_passe-error"'
assert_body_contains 'Au moins 12 caractères.'
assert_body_contains 'class="rule-ko"'
assert_body_contains 'aria-invalid="true"'
set_password 'motdepasselong'
assert_status 422
assert_body_contains 'Au moins une lettre majuscule.'
assert_body_contains 'Au moins un chiffre.'
assert_body_contains 'Au moins un caractère spécial.'
assert_body_not_contains '<li>Au moins une lettre minuscule.</li>'
set_password 'Motdepasse2024!'
assert_status 422
assert_body_contains 'Ce mot de passe est trop courant.'
set_password 'Castagnede-Soleil-42!'
assert_status 422
assert_body_contains 'ne doit pas contenir votre nom'
set_password 'Jerome.Castagnede#2026'
assert_status 422
assert_body_contains 'ne doit pas contenir votre nom'
set_password 'Fleuve-Ardoise-Mistral-7' 'Fleuve-Ardoise-Mistral-8'
assert_status 422
assert_body_contains 'id="confirmation-error"'
assert_body_contains 'pas identiques'
no_password

note "success: password set, link used, audit row, sent to /connexion (not logged in)"
set_password 'Fleuve-Ardoise-Mistral-7'
assert_status 303
assert_header Location '^/connexion\?active=1$'
assert_no_header Set-Cookie
row=$(sql "SELECT LEFT(password_hash, 10), password_changed_at IS NOT NULL, status FROM parvis.app_user WHERE id = $UID_NEW")
[[ $row == '$argon2id$	1	active' ]] || fail "password not stored: $row"
[[ $(count "user_token WHERE user_id = $UID_NEW AND kind = 'activation' AND used_at IS NULL") == 0 ]] ||
	fail "the link is still live"
[[ $(count "session WHERE user_id = $UID_NEW") == 0 ]] || fail "the user was logged in"
[[ $(count "audit_log WHERE action = 'user.activate' AND object_id = 'jerome.castagnede' AND outcome = 'ok'") == 1 ]] ||
	fail "no audit row for the activation"

note "the link works once: 410 afterwards, GET and POST"
http GET "$LINK"
assert_status 410
assert_body_contains 'Ce lien a expiré ou a déjà servi : demandez-en un nouveau au centre de services.'
set_password 'Autre-Phrase-Solide-9'
assert_status 410
[[ $(count "audit_log WHERE action = 'user.activate' AND object_id = 'jerome.castagnede'") == 1 ]] ||
	fail "the link served twice"

note "login works with the new password, by identifier and by e-mail"
accept_all_cgu "$UID_NEW"
login jerome.castagnede 'Fleuve-Ardoise-Mistral-7'
login "jerome.t0104@$D" 'Fleuve-Ardoise-Mistral-7'
http_reset

note "an expired link: 410"
validated Inès Moreau "ines.t0104@$D"
sql "UPDATE parvis.user_token SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE
	WHERE user_id = $UID_NEW AND kind = 'activation'"
http GET "$LINK"
assert_status 410
assert_body_contains 'Ce lien a expiré ou a déjà servi'
set_password 'Fleuve-Ardoise-Mistral-7'
assert_status 410
[[ $(sql "SELECT password_hash IS NULL FROM parvis.app_user WHERE id = $UID_NEW") == 1 ]] ||
	fail "an expired link set the password"

note "a link of a disabled account: 410"
validated Paul Rivière "paul.t0104@$D"
sql "UPDATE parvis.app_user SET status = 'disabled' WHERE id = $UID_NEW"
http GET "$LINK"
assert_status 410

note "malformed or unknown tokens: 410"
http GET /activation/abc
assert_status 410
http GET "/activation/$(printf 'A%.0s' {1..43})"
assert_status 410
http GET "/activation/$(printf 'A%.0s' {1..43})%3Cscript%3E"
assert_status 410
assert_body_not_contains '<script>'

note "activation tokens are masked in nginx's access log"
grep -qF '/activation/[jeton]' "$PARVIS_STATE/log/nginx-access.log" ||
	fail "the access log does not show the masked activation route"
! grep -qF -- "${LINK##*/}" "$PARVIS_STATE/log/nginx-access.log" || fail "an activation token is in the access log"
