#!/usr/bin/env bash
# The service centre (/support/): reachable by role support at level 2
# only; the queue of account requests (filters, search, order, pages); a
# request validated (account without password, login prenom.nom made
# unique, role pro, two mails) or refused with a reason; users searched and
# shown (status, lock, recent logins); new activation link, disable,
# re-enable, unlock.  Every action audited; CSRF; invalid input changes
# nothing.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
audits() { count "audit_log WHERE action = '$1'${2:+ AND object_id = '$2'}"; }
# request FIRST LAST EMAIL [STATUS [HOURS_AGO [STRUCTURE]]]: an account
# request made directly in the database; its id in $RID.
request() {
	sql "INSERT INTO parvis.account_request (civility, first_name, last_name, profession,
		structure, email, mobile, status, created_at) VALUES ('Mme', '$1', '$2', 'Infirmière',
		'${6:-Cabinet du Port}', '$3', '0612345678', '${4:-pending}',
		UTC_TIMESTAMP() - INTERVAL ${5:-1} HOUR)"
	RID=$(sql "SELECT MAX(id) FROM parvis.account_request WHERE email = '$3'")
}
# support_token: the CSRF token of the support session, in $T.
support_token() {
	http GET /support/
	assert_status 200
	T=$(csrf)
	[[ -n $T ]] || fail "no CSRF token"
}

account t0103sup support
usup=$USER_ID
accept_all_cgu "$usup"
account t0103pro
upro=$USER_ID
accept_all_cgu "$upro"
account t0103vic
uvic=$USER_ID
accept_all_cgu "$uvic"

note "anonymous: sent to the login page"
http_reset
http GET /support/
assert_status 303
assert_header Location '^/connexion\?suite=%2Fsupport%2F'
http POST /support/demandes/1/valider --data 'csrf=x'
assert_status 401 403

note "a professional without the support role: 403, even at level 2"
login_strong t0103pro
http GET /support/
assert_status 403
http GET /support/utilisateurs
assert_status 403

note "support at level 1: the step-up page, 403"
login t0103sup
http GET /support/
assert_status 403
assert_body_contains 'authentification forte'
assert_body_contains '/connexion/code?suite=/support/'

note "support at level 2: the queue"
login_strong t0103sup
http GET /support
assert_status 303
assert_header Location '^/support/$'
http GET /support/
assert_status 200
assert_body_contains 'Demandes de compte'

note "queue: pending oldest first, filters by state, search, pages"
request Zoé Ancienne "zoe.t0103@$D" pending 300
r_old=$RID
request Yann Récent "yann.t0103@$D" pending 2
request Xavier Refusé "xavier.t0103@$D" refused 50
r_refused=$RID
request Walid Validé "walid.t0103@$D" validated 60
http GET /support/
assert_status 200
pos_old=$(grep -n 'Zoé Ancienne' "$HTTP_DIR/body" | cut -d: -f1)
pos_new=$(grep -n 'Yann Récent' "$HTTP_DIR/body" | cut -d: -f1)
[[ -n $pos_old && -n $pos_new && $pos_old -lt $pos_new ]] || fail "pending requests not oldest first"
assert_body_not_contains 'Xavier Refusé'
assert_body_not_contains 'Walid Validé'
assert_body_contains "href=\"/support/demandes/$r_old\""
http GET '/support/?statut=refused'
assert_status 200
assert_body_contains 'Xavier Refusé'
assert_body_not_contains 'Zoé Ancienne'
http GET '/support/?statut=validated'
assert_status 200
assert_body_contains 'Walid Validé'
assert_body_not_contains 'Xavier Refusé'
http GET /support/ -G --data-urlencode 'q=yann.t0103'
assert_status 200
assert_body_contains 'Yann Récent'
assert_body_not_contains 'Zoé Ancienne'
http GET /support/ -G --data-urlencode 'q=Ancienne Zoé'
assert_status 200
assert_body_contains 'Zoé Ancienne'
assert_body_not_contains 'Yann Récent'
http GET /support/ -G --data-urlencode 'q=%'
assert_status 200
assert_body_not_contains 'Zoé Ancienne'
http GET '/support/?statut=nimporte'
assert_status 400
for i in $(seq 1 22); do
	request "Page$i" Pagination "page$i.t0103@$D" pending $((200 - i)) 'Centre Pagination'
done
http GET /support/ -G --data-urlencode 'q=Centre Pagination'
assert_status 200
assert_body_contains 'Page 1 sur 2'
assert_body_contains 'Page1 Pagination'
assert_body_not_contains 'Page22 Pagination'
assert_body_contains 'href="/support/?statut=pending&amp;q=Centre%20Pagination&amp;page=2"'
http GET '/support/?statut=pending&q=Centre%20Pagination&page=2'
assert_status 200
assert_body_contains 'Page 2 sur 2'
assert_body_contains 'Page22 Pagination'
assert_body_not_contains 'Page1 Pagination<'

note "a request from the public form, seen by the service centre (escaped)"
http_reset
http GET /compte/demande
http POST /compte/demande --data-urlencode "csrf=$(csrf)" --data-urlencode "civilite=Mme" \
	--data-urlencode "prenom=Élodie" --data-urlencode "nom=Le Bihan-Nuñez" \
	--data-urlencode "profession=Médecin généraliste" --data-urlencode "rpps_adeli=101234567" \
	--data-urlencode "structure=<b>Cabinet</b> & associés" \
	--data-urlencode "email=elodie.t0103@$D" --data-urlencode "mobile=0712345678"
assert_status 303
r_elo=$(sql "SELECT id FROM parvis.account_request WHERE email = 'elodie.t0103@$D'")
login_strong t0103sup
http GET "/support/demandes/$r_elo"
assert_status 200
assert_body_contains 'Élodie'
assert_body_contains '&lt;b&gt;Cabinet&lt;/b&gt; &amp; associés'
assert_body_not_contains '<b>Cabinet</b>'
assert_body_contains '101234567'
assert_body_contains 'Valider la demande'
http GET /support/demandes/999999999
assert_status 404
http GET /support/demandes/abc
assert_status 404

note "validate: CSRF required"
support_token
http POST "/support/demandes/$r_elo/valider"
assert_status 403
[[ $(sql "SELECT status FROM parvis.account_request WHERE id = $r_elo") == pending ]] || fail "validated without CSRF"

note "validate: account without password, login prenom.nom, role pro, two mails"
before=$(mail_count_for "elodie.t0103@$D")
http POST "/support/demandes/$r_elo/valider" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location "^/support/demandes/$r_elo\?ok=valide$"
row=$(sql "SELECT login, status, COALESCE(password_hash, 'NULL'), civility, first_name, last_name,
	mobile, profession, idnps, structure, updated_by FROM parvis.app_user WHERE email = 'elodie.t0103@$D'")
[[ $row == "elodie.le-bihan-nunez	active	NULL	Mme	Élodie	Le Bihan-Nuñez	0712345678	Médecin généraliste	0101234567	<b>Cabinet</b> & associés	$usup" ]] ||
	fail "created account: $row"
uelo=$(sql "SELECT id FROM parvis.app_user WHERE email = 'elodie.t0103@$D'")
[[ $(sql "SELECT GROUP_CONCAT(role) FROM parvis.user_role WHERE user_id = $uelo") == pro ]] || fail "role pro not granted"
[[ $(sql "SELECT CONCAT(status, ' ', user_id, ' ', handled_by) FROM parvis.account_request WHERE id = $r_elo") == "validated $uelo $usup" ]] ||
	fail "request not marked validated"
tok=$(sql "SELECT CONCAT(COUNT(*), ' ', MIN(LENGTH(token_hash)),
	' ', MIN(TIMESTAMPDIFF(MINUTE, UTC_TIMESTAMP(), expires_at)) BETWEEN 14 * 1440 - 5 AND 14 * 1440)
	FROM parvis.user_token
	WHERE user_id = $uelo AND kind = 'activation' AND used_at IS NULL")
[[ $tok == "1 64 1" ]] || fail "activation token: $tok"
[[ $(audits account_request.validate "$r_elo") == 1 ]] || fail "no audit row for the validation"
[[ $(audits user.create elodie.le-bihan-nunez) == 1 ]] || fail "no audit row for the account"
wait_for_mail_to "elodie.t0103@$D" $((before + 2))
text=$(mails_text "elodie.t0103@$D")
grep -q '^Subject: Votre identifiant Parvis$' <<<"$text" || fail "no identifier mail"
grep -q '    elodie.le-bihan-nunez$' <<<"$text" || fail "the identifier is not in the mail"
grep -q '^Subject: Choisissez votre mot de passe Parvis$' <<<"$text" || fail "no activation mail"
link1=$(grep -oE "$PARVIS_URL/activation/[A-Za-z0-9_-]{43}" <<<"$text" | tail -n 1)
[[ -n $link1 ]] || fail "no activation link in: $text"
[[ $(count "user_token WHERE token_hash = SHA2('${link1##*/}', 256)") == 1 ]] || fail "the token's hash is not stored"
[[ $(count "user_token WHERE token_hash = '${link1##*/}'") == 0 ]] || fail "the raw token is stored"

note "the confirmation is a fixed message chosen by ?ok=, never echoed"
http GET "/support/demandes/$r_elo?ok=valide"
assert_status 200
assert_body_contains 'La demande est validée'
assert_body_contains 'elodie.le-bihan-nunez'
assert_body_not_contains 'Valider la demande'
http GET "/support/demandes/$r_elo" -G --data-urlencode 'ok=<script>alert(1)</script>'
assert_status 200
assert_body_not_contains 'alert(1)'
assert_body_not_contains 'class="alert alert-ok"'

note "validating twice: 409, nothing more"
http POST "/support/demandes/$r_elo/valider" --data-urlencode "csrf=$T"
assert_status 409
assert_body_contains 'déjà été traitée'
[[ $(count "app_user WHERE email = 'elodie.t0103@$D'") == 1 ]] || fail "a second account"

note "a namesake gets a numbered login"
request Élodie 'Le Bihan-Nuñez' "elodie2.t0103@$D"
r_elo2=$RID
http POST "/support/demandes/$r_elo2/valider" --data-urlencode "csrf=$T"
assert_status 303
[[ $(sql "SELECT login FROM parvis.app_user WHERE email = 'elodie2.t0103@$D'") == elodie.le-bihan-nunez2 ]] ||
	fail "namesake login: $(sql "SELECT login FROM parvis.app_user WHERE email = 'elodie2.t0103@$D'")"

note "a request whose address has an account meanwhile: 409, no account made"
request Victor Double "t0103vic@$D"
r_dup=$RID
http GET "/support/demandes/$r_dup"
assert_status 200
assert_body_contains 'Un compte existe déjà avec cette adresse'
n_users=$(count app_user)
http POST "/support/demandes/$r_dup/valider" --data-urlencode "csrf=$T"
assert_status 409
[[ $(count app_user) == "$n_users" ]] || fail "an account was made for a taken address"
[[ $(sql "SELECT status FROM parvis.account_request WHERE id = $r_dup") == pending ]] || fail "request changed"

note "refuse: the reason is required (422, nothing changes)"
before=$(mail_count_for "zoe.t0103@$D")
http POST "/support/demandes/$r_old/refuser" --data-urlencode "csrf=$T" --data-urlencode "motif=  "
assert_status 422
assert_body_contains 'id="motif-error"'
assert_body_contains 'aria-describedby="motif-error"'
[[ $(sql "SELECT status FROM parvis.account_request WHERE id = $r_old") == pending ]] || fail "refused without a reason"
http POST "/support/demandes/$r_old/refuser" --data-urlencode "motif=Pas de jeton"
assert_status 403

note "refuse with a reason: stored, mailed to the requester, audited"
http POST "/support/demandes/$r_old/refuser" --data-urlencode "csrf=$T" \
	--data-urlencode "motif=Votre structure n'exerce pas sur le territoire couvert."
assert_status 303
assert_header Location "^/support/demandes/$r_old\?ok=refuse$"
[[ $(sql "SELECT CONCAT(status, '|', refusal_reason, '|', handled_by) FROM parvis.account_request WHERE id = $r_old") == \
	"refused|Votre structure n'exerce pas sur le territoire couvert.|$usup" ]] || fail "refusal not stored"
[[ $(audits account_request.refuse "$r_old") == 1 ]] || fail "no audit row for the refusal"
wait_for_mail_to "zoe.t0103@$D" $((before + 1))
text=$(mails_text "zoe.t0103@$D")
grep -q "Votre structure n'exerce pas sur le territoire couvert." <<<"$text" || fail "the reason is not mailed: $text"
http GET "/support/demandes/$r_old?ok=refuse"
assert_body_contains 'La demande est refusée'
http POST "/support/demandes/$r_old/refuser" --data-urlencode "csrf=$T" --data-urlencode "motif=Encore une fois"
assert_status 409
http POST "/support/demandes/$r_refused/valider" --data-urlencode "csrf=$T"
assert_status 409

note "users: search by name, login, e-mail; the user's page"
http GET /support/utilisateurs
assert_status 200
http GET /support/utilisateurs -G --data-urlencode 'q=Bihan'
assert_status 200
assert_body_contains "href=\"/support/utilisateurs/$uelo\""
assert_body_contains 'mot de passe à choisir'
http GET /support/utilisateurs -G --data-urlencode 'q=t0103vic'
assert_body_contains "href=\"/support/utilisateurs/$uvic\""
http GET /support/utilisateurs -G --data-urlencode "q=elodie2.t0103@$D"
assert_body_contains 'elodie.le-bihan-nunez2'
assert_body_not_contains "href=\"/support/utilisateurs/$uelo\""
views=$(audits support.user_view elodie.le-bihan-nunez)
http GET "/support/utilisateurs/$uelo"
assert_status 200
assert_body_contains 'mot de passe pas encore choisi'
assert_body_contains "lien d'activation valable jusqu"
assert_body_contains 'Envoyer un nouveau lien'
[[ $(audits support.user_view elodie.le-bihan-nunez) == $((views + 1)) ]] || fail "the view is not audited"
http GET /support/utilisateurs/999999999
assert_status 404

note "new activation link: the old one is void, a new mail, audited"
before=$(mail_count_for "elodie.t0103@$D")
http POST "/support/utilisateurs/$uelo/lien"
assert_status 403
http POST "/support/utilisateurs/$uelo/lien" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location "^/support/utilisateurs/$uelo\?ok=lien$"
[[ $(count "user_token WHERE user_id = $uelo AND kind = 'activation' AND used_at IS NULL") == 1 ]] ||
	fail "not exactly one live link"
[[ $(count "user_token WHERE token_hash = SHA2('${link1##*/}', 256) AND used_at IS NOT NULL") == 1 ]] ||
	fail "the old link is still live"
[[ $(audits user.activation_link elodie.le-bihan-nunez) == 1 ]] || fail "no audit row for the new link"
wait_for_mail_to "elodie.t0103@$D" $((before + 1))
link2=$(mails_text "elodie.t0103@$D" | grep -oE "$PARVIS_URL/activation/[A-Za-z0-9_-]{43}" | tail -n 1)
[[ -n $link2 && $link2 != "$link1" ]] || fail "no new link"
http GET "/support/utilisateurs/$uelo?ok=lien"
assert_body_contains 'Un nouveau lien'
http GET "${link1#"$PARVIS_URL"}"
assert_status 410
http GET "${link2#"$PARVIS_URL"}"
assert_status 200
login_strong t0103sup
support_token
http POST "/support/utilisateurs/$uvic/lien" --data-urlencode "csrf=$T"
assert_status 409
assert_body_contains 'déjà un mot de passe'

note "disable: the user's sessions end and login is refused"
http_reset
login t0103vic
cp "$HTTP_DIR/cookies" "$TEST_TMP/vic-cookies"
[[ $(count "session WHERE user_id = $uvic") -ge 1 ]] || fail "no session for the victim"
login_strong t0103sup
support_token
http POST "/support/utilisateurs/$uvic/desactiver" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location "^/support/utilisateurs/$uvic\?ok=desactive$"
[[ $(sql "SELECT CONCAT(status, ' ', updated_by) FROM parvis.app_user WHERE id = $uvic") == "disabled $usup" ]] ||
	fail "not disabled"
[[ $(count "session WHERE user_id = $uvic") == 0 ]] || fail "sessions left"
[[ $(audits user.disable t0103vic) == 1 ]] || fail "no audit row for disable"
http GET "/support/utilisateurs/$uvic?ok=desactive"
assert_body_contains 'Le compte est désactivé'
assert_body_contains 'Réactiver le compte'
http POST "/support/utilisateurs/$uvic/desactiver" --data-urlencode "csrf=$T"
assert_status 409
http POST "/support/utilisateurs/$usup/desactiver" --data-urlencode "csrf=$T"
assert_status 409
assert_body_contains 'votre propre compte'
cp "$TEST_TMP/vic-cookies" "$HTTP_DIR/cookies"
http GET /
assert_status 303
assert_header Location '^/connexion'
http_reset
http GET /connexion
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=t0103vic" \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 401

note "re-enable: login works again"
login_strong t0103sup
support_token
http POST "/support/utilisateurs/$uvic/reactiver" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location "^/support/utilisateurs/$uvic\?ok=reactive$"
[[ $(sql "SELECT status FROM parvis.app_user WHERE id = $uvic") == active ]] || fail "not re-enabled"
[[ $(audits user.enable t0103vic) == 1 ]] || fail "no audit row for enable"
http POST "/support/utilisateurs/$uvic/reactiver" --data-urlencode "csrf=$T"
assert_status 409
login t0103vic

note "unlock after a lockout"
sql "UPDATE parvis.app_user SET failed_logins = 20, locked_until = UTC_TIMESTAMP() + INTERVAL 30 MINUTE,
	last_failed_at = UTC_TIMESTAMP() WHERE id = $uvic"
http_reset
http GET /connexion
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode "identifiant=t0103vic" \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 401
login_strong t0103sup
http GET "/support/utilisateurs/$uvic"
assert_status 200
assert_body_contains 'Bloqué jusqu'
assert_body_contains 'Débloquer le compte'
assert_body_contains 'Connexions récentes'
assert_body_contains 'échouée'
assert_body_contains 'réussie'
T=$(csrf)
http POST "/support/utilisateurs/$uvic/debloquer" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location "^/support/utilisateurs/$uvic\?ok=debloque$"
[[ $(sql "SELECT CONCAT(failed_logins, ' ', COALESCE(locked_until, 'NULL')) FROM parvis.app_user WHERE id = $uvic") == "0 NULL" ]] ||
	fail "not unlocked"
[[ $(audits user.unlock t0103vic) == 1 ]] || fail "no audit row for unlock"
http GET "/support/utilisateurs/$uvic?ok=debloque"
assert_body_contains 'Le compte est débloqué'
assert_body_not_contains 'Bloqué jusqu'
login t0103vic

note "every support action ran under the support user's name"
[[ $(count "audit_log WHERE action IN ('account_request.validate', 'account_request.refuse',
	'user.activation_link', 'user.disable', 'user.enable', 'user.unlock') AND user_id <> $usup") == 0 ]] ||
	fail "an action audited under another user"

note "an agent cannot act on an administrator's or another agent's account; an administrator can"
account t0103adm admin
uadm=$USER_ID
account t0103sup2 support
usup2=$USER_ID
login_strong t0103sup
support_token
for target in "$uadm" "$usup2"; do
	http GET "/support/utilisateurs/$target"
	assert_status 200
	assert_body_contains 'Seul un administrateur peut agir sur ce compte'
	assert_body_not_contains "/support/utilisateurs/$target/desactiver"
	for action in desactiver reactiver debloquer lien; do
		http POST "/support/utilisateurs/$target/$action" --data-urlencode "csrf=$T"
		assert_status 403
		assert_body_contains 'Seul un administrateur peut agir'
	done
	[[ $(sql "SELECT status FROM parvis.app_user WHERE id = $target") == active ]] ||
		fail "an agent changed an agent's or an administrator's account"
done
[[ $(count "audit_log WHERE user_id = $usup AND outcome = 'denied' AND object_id IN ('t0103adm', 't0103sup2')
	AND action IN ('user.disable', 'user.enable', 'user.unlock', 'user.activation_link')") == 8 ]] ||
	fail "the refusals are not audited"
http GET "/support/utilisateurs/$upro"
assert_body_not_contains 'Seul un administrateur'
account t0103boss admin support
accept_all_cgu "$USER_ID"
login_strong t0103boss
support_token
http GET "/support/utilisateurs/$usup2"
assert_body_not_contains 'Seul un administrateur'
http POST "/support/utilisateurs/$usup2/desactiver" --data-urlencode "csrf=$T"
assert_status 303
[[ $(sql "SELECT status FROM parvis.app_user WHERE id = $usup2") == disabled ]] ||
	fail "an administrator could not disable an agent"
