#!/usr/bin/env bash
# Forgotten password (/mot-de-passe/oubli): always the same answer, a mail
# only for an active account, throttled per account (3 an hour) and per
# address; the link (1 hour, single use) asks the secret question first
# when one is set (5 wrong answers void it), then a new password under the
# rules; success ends every session, resets the failures, tells the user
# by mail.  Every step audited.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
audits() { count "audit_log WHERE action = '$1'${2:+ AND object_id = '$2'}${3:+ AND outcome = '$3'}"; }
outbox_to() { count "outbox WHERE recipient = '$1'"; }
# forgot IDENTIFIER: the forgotten-password form, submitted.
forgot() {
	http GET /mot-de-passe/oubli
	assert_status 200
	http POST /mot-de-passe/oubli --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=$1"
}
# reset_link ADDRESS: the path of the newest reset link mailed to ADDRESS.
reset_link() {
	local text link
	text=$(mail_text "$1")
	link=$(grep -oE "$PARVIS_URL/mot-de-passe/reinitialiser/[A-Za-z0-9_-]{43}" <<<"$text" | tail -n 1)
	[[ -n $link ]] || fail "no reset link in: $text"
	printf '%s\n' "${link#"$PARVIS_URL"}"
}
# post_link PATH FIELD=VALUE...: POST the form of PATH with the last page's
# CSRF token (or the login form's).
post_link() {
	local path=$1 t a args=()
	shift
	t=$(csrf)
	if [[ -z $t ]]; then
		http GET /connexion
		t=$(csrf)
	fi
	for a in "$@"; do
		args+=(--data-urlencode "$a")
	done
	http POST "$path" --data-urlencode "csrf=$t" "${args[@]}"
}

# An Argon2id hasher, to store a secret answer as settings.c stores it.
cc -std=c11 -o "$TEST_TMP/argon2-hash" -x c - -largon2 <<'EOF' || fail "cannot build the Argon2 hasher"
#include <argon2.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	const char salt[] = "t0105-salt-16byt";
	char out[256];
	if (argc != 2 || argon2id_hash_encoded(2, 19456, 1, argv[1], strlen(argv[1]),
	    salt, 16, 32, out, sizeof(out)) != ARGON2_OK)
		return 1;
	puts(out);
	return 0;
}
EOF

sql "DELETE FROM parvis.account_throttle"
account t0105a
ua=$USER_ID
accept_all_cgu "$ua"
account t0105b
ub=$USER_ID
accept_all_cgu "$ub"
account t0105c
uc=$USER_ID

note "the form"
http GET /mot-de-passe/oubli
assert_status 200
assert_body_contains '<label for="identifiant"'
assert_body_contains 'action="/mot-de-passe/oubli"'

note "empty identifier: 422, CSRF required"
forgot '   '
assert_status 422
assert_body_contains 'id="identifiant-error"'
http POST /mot-de-passe/oubli --data-urlencode "identifiant=t0105a"
assert_status 403
[[ $(count "user_token WHERE user_id = $ua") == 0 ]] || fail "a token without CSRF token"

note "unknown account: the same answer, no mail"
n_out=$(count outbox)
forgot nobody.t0105
assert_status 303
loc_unknown=$(header_value Location)
[[ $loc_unknown == '/mot-de-passe/oubli?envoye=1' ]] || fail "Location $loc_unknown"
http GET "$loc_unknown"
assert_status 200
assert_body_contains "Si un compte correspond, un e-mail vient d'être envoyé"
page_unknown=$(grep -v 'Référence de la page' "$HTTP_DIR/body")
[[ $(count outbox) == "$n_out" ]] || fail "a mail was queued for an unknown account"
[[ $(count "audit_log WHERE action = 'password.reset_request' AND object_id IS NULL AND outcome = 'denied'") -ge 1 ]] ||
	fail "no audit row for the unknown account"

note "known account (by identifier): the same answer, a mail with a one-hour link"
before=$(mail_count_for "t0105a@$D")
forgot t0105a
assert_status 303
[[ $(header_value Location) == "$loc_unknown" ]] || fail "the answer differs for a known account"
http GET "$loc_unknown"
[[ $(grep -v 'Référence de la page' "$HTTP_DIR/body") == "$page_unknown" ]] || fail "the page differs"
tok=$(sql "SELECT CONCAT(COUNT(*), ' ', MIN(TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), expires_at)) BETWEEN 55 AND 60)
	FROM parvis.user_token WHERE user_id = $ua AND kind = 'reset' AND used_at IS NULL")
[[ $tok == "1 1" ]] || fail "reset token: $tok"
[[ $(audits password.reset_request t0105a ok) == 1 ]] || fail "no audit row for the request"
wait_for_mail_to "t0105a@$D" $((before + 1))
text=$(mail_text "t0105a@$D")
grep -q '^Subject: Réinitialisation de votre mot de passe Parvis$' <<<"$text" || fail "subject: $text"
grep -q 'valable une heure' <<<"$text" || fail "the mail does not say how long the link lives"
link1=$(reset_link "t0105a@$D")
[[ $(count "user_token WHERE token_hash = SHA2('${link1##*/}', 256)") == 1 ]] || fail "the token's hash is not stored"

note "by e-mail too; at most 3 mails an hour per account, silently"
forgot "t0105a@$D"
assert_status 303
forgot T0105A
assert_status 303
[[ $(count "user_token WHERE user_id = $ua AND kind = 'reset'") == 3 ]] || fail "not 3 tokens"
forgot t0105a
assert_status 303
[[ $(header_value Location) == "$loc_unknown" ]] || fail "the throttled answer differs"
[[ $(count "user_token WHERE user_id = $ua AND kind = 'reset'") == 3 ]] || fail "a 4th link in the hour"
[[ $(outbox_to "t0105a@$D") == 3 ]] || fail "not 3 mails: $(outbox_to "t0105a@$D")"
[[ $(count "audit_log WHERE action = 'password.reset_request' AND object_id = 't0105a' AND outcome = 'denied'") == 1 ]] ||
	fail "no audit row for the throttled request"
[[ $(count "user_token WHERE user_id = $ua AND kind = 'reset' AND used_at IS NULL") == 1 ]] ||
	fail "older links not voided by a newer one"
wait_for_mail_to "t0105a@$D" $((before + 3))
link=$(reset_link "t0105a@$D")
[[ $link != "$link1" ]] || fail "the newest mail holds the first link"
http GET "$link1"
assert_status 410

note "per-address throttling: 429 past the hourly limit, whatever the identifier"
sql "INSERT INTO parvis.account_throttle (at, ip, kind) SELECT UTC_TIMESTAMP(), '127.0.0.1', 'reset' FROM seq_1_to_25"
forgot t0105b
assert_status 429
assert_body_contains 'Trop de demandes'
forgot nobody.t0105
assert_status 429
[[ $(count "user_token WHERE user_id = $ub") == 0 ]] || fail "a throttled request made a link"
sql "DELETE FROM parvis.account_throttle"

note "a disabled account gets no mail"
sql "UPDATE parvis.app_user SET status = 'disabled' WHERE id = $uc"
forgot t0105c
assert_status 303
[[ $(count "user_token WHERE user_id = $uc") == 0 ]] || fail "a disabled account got a link"

note "the link opens the new-password form (no secret question set)"
http_reset
login t0105a
cp "$HTTP_DIR/cookies" "$TEST_TMP/a-cookies"
[[ $(count "session WHERE user_id = $ua") -ge 1 ]] || fail "no session to end"
http_reset
sql "UPDATE parvis.app_user SET failed_logins = 3 WHERE id = $ua"
http GET "$link"
assert_status 200
assert_body_contains 'Choisir un nouveau mot de passe'
assert_body_contains 'id="password-rules"'
assert_body_contains 't0105a'

note "the rules apply: 422, nothing changes"
hash_before=$(sql "SELECT password_hash FROM parvis.app_user WHERE id = $ua")
post_link "$link" "mot_de_passe=court" "confirmation=court"
assert_status 422
assert_body_contains 'Au moins 12 caractères.'
post_link "$link" "mot_de_passe=T0105a-Renouvele!" "confirmation=T0105a-Renouvele!"
assert_status 422
assert_body_contains 'ne doit pas contenir votre nom'
[[ $(sql "SELECT password_hash FROM parvis.app_user WHERE id = $ua") == "$hash_before" ]] || fail "password changed"

note "success: new hash, link used, every session ended, failures reset, mail, audit"
before=$(mail_count_for "t0105a@$D")
post_link "$link" "mot_de_passe=Galet-Brume-Falaise-31" "confirmation=Galet-Brume-Falaise-31"
assert_status 303
assert_header Location '^/connexion\?reinitialise=1$'
row=$(sql "SELECT password_hash <> '$hash_before', failed_logins, locked_until IS NULL,
	password_changed_at IS NOT NULL FROM parvis.app_user WHERE id = $ua")
[[ $row == "1	0	1	1" ]] || fail "user after reset: $row"
[[ $(count "session WHERE user_id = $ua") == 0 ]] || fail "sessions not ended"
[[ $(count "user_token WHERE user_id = $ua AND kind = 'reset' AND used_at IS NULL") == 0 ]] || fail "link still live"
[[ $(audits password.reset t0105a ok) == 1 ]] || fail "no audit row for the reset"
wait_for_mail_to "t0105a@$D" $((before + 1))
text=$(mail_text "t0105a@$D")
grep -q '^Subject: Votre mot de passe Parvis a été changé$' <<<"$text" || fail "no notice: $text"
grep -q "Si ce n'est pas vous, contactez le centre de services" <<<"$text" || fail "notice text: $text"
cp "$TEST_TMP/a-cookies" "$HTTP_DIR/cookies"
http GET /
assert_status 303
assert_header Location '^/connexion'
http GET "$link"
assert_status 410
assert_body_contains 'Ce lien a expiré ou a déjà servi'
post_link "$link" "mot_de_passe=Autre-Galet-Brume-32" "confirmation=Autre-Galet-Brume-32"
assert_status 410
login t0105a 'Galet-Brume-Falaise-31'

note "an expired link: 410"
forgot t0105b
wait_for_mail_to "t0105b@$D" 1
link_b=$(reset_link "t0105b@$D")
sql "UPDATE parvis.user_token SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE user_id = $ub AND kind = 'reset'"
http GET "$link_b"
assert_status 410

note "secret question: asked first; 5 wrong answers void the link"
sql "UPDATE parvis.app_user SET secret_question = 'Dans quelle ville êtes-vous né ?',
	secret_answer_hash = '$("$TEST_TMP/argon2-hash" 'saint-etienne')' WHERE id = $ub"
sql "DELETE FROM parvis.user_token WHERE user_id = $ub"
before=$(mail_count_for "t0105b@$D")
forgot t0105b
wait_for_mail_to "t0105b@$D" $((before + 1))
link_b=$(reset_link "t0105b@$D")
hash_b=$(sql "SELECT password_hash FROM parvis.app_user WHERE id = $ub")
http GET "$link_b"
assert_status 200
assert_body_contains 'Dans quelle ville êtes-vous né ?'
assert_body_contains 'name="reponse"'
assert_body_not_contains 'name="mot_de_passe"'
post_link "$link_b" "mot_de_passe=Galet-Brume-Falaise-31" "confirmation=Galet-Brume-Falaise-31"
assert_status 422
assert_body_contains 'id="reponse-error"'
[[ $(sql "SELECT password_hash FROM parvis.app_user WHERE id = $ub") == "$hash_b" ]] ||
	fail "the question was skipped"
for i in 1 2 3 4; do
	post_link "$link_b" "reponse=Lyon"
	assert_status 401
	assert_body_contains 'Cette réponse ne correspond pas'
done
assert_body_contains 'Il vous reste 1 essai.'
[[ $(sql "SELECT attempts FROM parvis.user_token WHERE user_id = $ub AND used_at IS NULL") == 4 ]] ||
	fail "attempts not counted"
post_link "$link_b" "reponse=Lyon"
assert_status 410
assert_body_contains 'Trop de réponses erronées'
[[ $(count "user_token WHERE user_id = $ub AND used_at IS NULL") == 0 ]] || fail "the link survived 5 wrong answers"
http GET "$link_b"
assert_status 410
[[ $(audits password.reset_answer t0105b denied) == 5 ]] || fail "wrong answers not audited"

note "secret question: the right answer (any case, accents, blanks), then the password"
before=$(mail_count_for "t0105b@$D")
forgot t0105b
wait_for_mail_to "t0105b@$D" $((before + 1))
link_b=$(reset_link "t0105b@$D")
http GET "$link_b"
assert_status 200
post_link "$link_b" "reponse=  Saint-Étienne "
assert_status 303
assert_header Location "^$link_b\$"
[[ $(sql "SELECT step FROM parvis.user_token WHERE user_id = $ub AND used_at IS NULL") == 1 ]] || fail "step not recorded"
[[ $(audits password.reset_answer t0105b ok) == 1 ]] || fail "the right answer is not audited"
http GET "$link_b"
assert_status 200
assert_body_contains 'name="mot_de_passe"'
assert_body_not_contains 'name="reponse"'
post_link "$link_b" "mot_de_passe=Roche-Tilleul-Orage-58" "confirmation=Roche-Tilleul-Orage-58"
assert_status 303
assert_header Location '^/connexion\?reinitialise=1$'
[[ $(audits password.reset t0105b ok) == 1 ]] || fail "no audit row for the reset"
login t0105b 'Roche-Tilleul-Orage-58'

note "the reset link's token is masked in nginx's access log"
grep -qF '/mot-de-passe/reinitialiser/[jeton]' "$PARVIS_STATE/log/nginx-access.log" ||
	fail "the access log does not show the masked reset route"
! grep -qF -- "${link1##*/}" "$PARVIS_STATE/log/nginx-access.log" || fail "the reset token is in the access log"
