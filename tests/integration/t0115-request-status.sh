#!/usr/bin/env bash
# Following an account request (/compte/demande/suivi/{token}): the
# acknowledgement mail carries a private link (256-bit token, only its
# SHA-256 stored); the page shows the request received and being examined,
# then validated (activation link sent, later the account activated) or
# refused with the service centre's reason; a referent's request has its
# own link, in both the colleague's and the referent's mail.  Nothing
# beyond the request shows; unknown, malformed and expired links: 404 in
# French; the link dies request_status_days (90) after the decision.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
# track_link ADDRESS: the tracking path in the newest mail to ADDRESS.
track_link() {
	local text path
	text=$(mail_text "$1")
	path=$(grep -oE "$PARVIS_URL/compte/demande/suivi/[A-Za-z0-9_-]{43}" <<<"$text" | tail -n 1)
	[[ -n $path ]] || fail "no tracking link in the mail to $1: $text"
	printf '%s\n' "${path#"$PARVIS_URL"}"
}
# ask EMAIL FIRST LAST: an anonymous account request; 303.
ask() {
	http GET /compte/demande
	assert_status 200
	http POST /compte/demande --data-urlencode "csrf=$(csrf)" --data-urlencode "civilite=Mme" \
		--data-urlencode "prenom=$2" --data-urlencode "nom=$3" \
		--data-urlencode "profession=Infirmière" --data-urlencode "structure=Cabinet des Lilas" \
		--data-urlencode "email=$1" --data-urlencode "mobile=06 12 34 56 78"
	assert_status 303
}
sha256() { printf '%s' "$1" | sha256sum | cut -d ' ' -f 1; }

account t0115sup support
accept_all_cgu "$USER_ID"
sql "DELETE FROM parvis.account_throttle"

note "a request: the acknowledgement carries the tracking link, only its hash is stored"
http_reset
before=$(mail_count_for "lea.t0115@$D")
ask "lea.t0115@$D" Léa Martin
wait_for_mail_to "lea.t0115@$D" $((before + 1))
LINK=$(track_link "lea.t0115@$D")
TOKEN=${LINK##*/}
rid=$(sql "SELECT id FROM parvis.account_request WHERE email = 'lea.t0115@$D'")
[[ $(sql "SELECT track_hash FROM parvis.account_request WHERE id = $rid") == "$(sha256 "$TOKEN")" ]] ||
	fail "the stored hash is not the SHA-256 of the link's token"
[[ $(count "account_request WHERE track_hash = '$TOKEN' OR track_hash LIKE '%$TOKEN%'") == 0 ]] ||
	fail "the raw token is stored"
text=$(mail_text "lea.t0115@$D")
grep -qF 'Il reste valable 90 jours après la décision' <<<"$text" ||
	fail "the mail does not say how long the link lives"
http GET /compte/demande/envoyee
assert_status 200
assert_body_contains 'lien personnel pour suivre la demande'

note "pending: received (date), being examined; nothing beyond the request"
http_reset
http GET "$LINK"
assert_status 200
assert_header Referrer-Policy '^no-referrer$'
assert_header X-Robots-Tag 'noindex'
assert_header Cache-Control 'no-store'
assert_body_contains 'Suivi de la demande de compte'
assert_body_contains 'Mme Léa Martin'
assert_body_contains 'Reçue</strong> le '
assert_body_contains "$(TZ=Europe/Paris date -d "@$(sql "SELECT UNIX_TIMESTAMP(created_at) FROM parvis.account_request WHERE id = $rid")" +%d/%m/%Y)"
assert_body_contains 'Reçue, en cours d'"'"'examen'
assert_body_contains 'aria-current="step"><strong>En cours d'"'"'examen'
assert_body_not_contains 'Validée'
assert_body_not_contains 'Refusée'
for secret in "lea.t0115@$D" 0612345678 '06 12 34 56 78' 'Cabinet des Lilas' Infirmière; do
	assert_body_not_contains "$secret"
done
http POST "$LINK" --data-urlencode "csrf=x"
assert_status 403 405

note "validated: the page says the activation link is sent, without any secret"
login_strong t0115sup
http GET "/support/demandes/$rid"
assert_status 200
before=$(mail_count_for "lea.t0115@$D")
http POST "/support/demandes/$rid/valider" --data-urlencode "csrf=$(csrf)"
assert_status 303
wait_for_mail_to "lea.t0115@$D" $((before + 2))
act=$(mail_for "lea.t0115@$D" | python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
print(m.get_content())' | grep -oE "/activation/[A-Za-z0-9_-]{43}" | tail -n 1)
[[ -n $act ]] || fail "no activation link"
login_id=$(sql "SELECT login FROM parvis.app_user WHERE email = 'lea.t0115@$D'")
http_reset
http GET "$LINK"
assert_status 200
assert_body_contains '<span class="badge badge-ok">Validée</span>'
assert_body_contains 'Validée</strong> le '
assert_body_contains 'lien d'"'"'activation'
assert_body_contains 'reste valable jusqu'"'"'au '
assert_body_not_contains 'En cours d'"'"'examen'
assert_body_not_contains "${act##*/}"
assert_body_not_contains "$login_id"
assert_body_not_contains "lea.t0115@$D"

note "validated, then activated: the page says so"
http GET "$act"
assert_status 200
http POST "$act" --data-urlencode "csrf=$(csrf)" --data-urlencode 'mot_de_passe=Colline-Verte-2026!' \
	--data-urlencode 'confirmation=Colline-Verte-2026!'
assert_status 303
http_reset
http GET "$LINK"
assert_status 200
assert_body_contains 'le compte est activé'
assert_body_contains 'href="/connexion"'
assert_body_not_contains 'reste valable jusqu'"'"'au '

note "validated, link expired unused: the page says the service centre can send another"
sql "UPDATE parvis.user_token t JOIN parvis.app_user u ON u.id = t.user_id
	SET u.password_hash = NULL, t.used_at = NULL, t.expires_at = UTC_TIMESTAMP() - INTERVAL 1 DAY
	WHERE u.email = 'lea.t0115@$D' AND t.kind = 'activation'"
http GET "$LINK"
assert_status 200
assert_body_contains 'a expiré sans avoir servi'

note "refused: the page gives the service centre's reason (escaped)"
before=$(mail_count_for "noe.t0115@$D")
ask "noe.t0115@$D" Noé Durand
wait_for_mail_to "noe.t0115@$D" $((before + 1))
LINK2=$(track_link "noe.t0115@$D")
[[ $LINK2 != "$LINK" ]] || fail "two requests share a link"
rid2=$(sql "SELECT id FROM parvis.account_request WHERE email = 'noe.t0115@$D'")
login_strong t0115sup
http GET "/support/demandes/$rid2"
assert_status 200
http POST "/support/demandes/$rid2/refuser" --data-urlencode "csrf=$(csrf)" \
	--data-urlencode 'motif=Structure <inconnue> & numéro RPPS absent'
assert_status 303
[[ $(sql "SELECT status FROM parvis.account_request WHERE id = $rid2") == refused ]] || fail "not refused"
http_reset
http GET "$LINK2"
assert_status 200
assert_body_contains '<span class="badge badge-warn">Refusée</span>'
assert_body_contains 'Refusée</strong> le '
assert_body_contains 'Structure &lt;inconnue&gt; &amp; numéro RPPS absent'
assert_body_contains 'href="/compte/demande"'
assert_body_not_contains 'Validée'
assert_body_not_contains 'Mme Léa Martin'

note "a referent's request: its own link, in the colleague's and the referent's mails"
account t0115ref referent
accept_all_cgu "$USER_ID"
login t0115ref
before_ref=$(mail_count_for "t0115ref@$D")
ask "hugo.t0115@$D" Hugo Lefèvre
wait_for_mail_to "hugo.t0115@$D" 1
wait_for_mail_to "t0115ref@$D" $((before_ref + 1))
LINK3=$(track_link "hugo.t0115@$D")
[[ $(track_link "t0115ref@$D") == "$LINK3" ]] || fail "the referent's copy has another link"
[[ $LINK3 != "$LINK" && $LINK3 != "$LINK2" ]] || fail "the referent's request shares a link"
http_reset
http GET "$LINK3"
assert_status 200
assert_body_contains 'Mme Hugo Lefèvre, faite par un référent de sa structure'
assert_body_contains 'En cours d'"'"'examen'
assert_body_not_contains 'Test T0115ref'

note "a duplicate address: no new request, no new link"
login t0115ref
before_ref=$(mail_count_for "t0115ref@$D")
ask "hugo.t0115@$D" Hugo Lefèvre
wait_for_mail_to "t0115ref@$D" $((before_ref + 1))
text=$(mail_text "t0115ref@$D")
! grep -qF '/compte/demande/suivi/' <<<"$text" || fail "a link for a request not made"
text=$(mail_text "hugo.t0115@$D")
grep -qF 'le lien de suivi du premier e-mail' <<<"$text" ||
	fail "the owner is not pointed at the first mail's link"
[[ $(count "account_request WHERE email = 'hugo.t0115@$D'") == 1 ]] || fail "a duplicate was stored"
http_reset

note "unknown, malformed and partial tokens: 404 in French, nothing else"
unknown=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
for path in "/compte/demande/suivi/$unknown" "/compte/demande/suivi/${TOKEN:0:42}" \
	"/compte/demande/suivi/${TOKEN}A" "/compte/demande/suivi/$(sha256 "$TOKEN")" \
	"/compte/demande/suivi/%27%20OR%201%3D1%20--%20" "/compte/demande/suivi/"; do
	http GET "$path"
	assert_status 404
	assert_body_not_contains 'Léa Martin'
done
http GET "/compte/demande/suivi/$unknown"
assert_body_contains 'Ce lien de suivi n&#39;existe pas ou n&#39;est plus valable'
assert_body_contains '90 jours après la décision'
assert_header Referrer-Policy '^no-referrer$'

note "expiry: 90 days after the decision, not before; a pending request never expires"
sql "UPDATE parvis.account_request SET handled_at = UTC_TIMESTAMP() - INTERVAL 89 DAY WHERE id = $rid2"
http GET "$LINK2"
assert_status 200
assert_body_contains 'Elle cessera de fonctionner le '
sql "UPDATE parvis.account_request SET handled_at = UTC_TIMESTAMP() - INTERVAL 91 DAY WHERE id = $rid2"
http GET "$LINK2"
assert_status 404
sql "UPDATE parvis.account_request SET created_at = UTC_TIMESTAMP() - INTERVAL 400 DAY,
	updated_at = UTC_TIMESTAMP() - INTERVAL 400 DAY WHERE email = 'hugo.t0115@$D'"
http GET "$LINK3"
assert_status 200
assert_body_contains 'En cours d'"'"'examen'

note "no token in the programs' logs nor in nginx's access log, no audit row for a read"
grep -qF '/compte/demande/suivi/[jeton]' "$PARVIS_STATE/log/nginx-access.log" ||
	fail "the access log does not show the masked tracking route"
for f in "$PARVIS_STATE"/log/portal*.log "$PARVIS_STATE"/log/mailer.log "$PARVIS_STATE/log/nginx-access.log"; do
	[[ -f $f ]] || continue
	! grep -qF -- "$TOKEN" "$f" || fail "the token is in $f"
done
[[ $(count "audit_log WHERE action LIKE 'account_request.%' AND detail LIKE '%$TOKEN%'") == 0 ]] ||
	fail "the token is in the audit log"
