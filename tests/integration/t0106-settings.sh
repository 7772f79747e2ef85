#!/usr/bin/env bash
# "Mon compte": overview, contact details confirmed by a one-time code
# (level 2), password change, secret question, home page, favourite panels,
# favourite partners; the database effects, the audit rows, and the failure
# paths (invalid input changes nothing, CSRF, anonymous, level 1).
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
audits() { count "audit_log WHERE user_id = $1 AND action = '$2'${3:+ AND outcome = '$3'}"; }
field() { sql "SELECT COALESCE($2, 'NULL') FROM parvis.app_user WHERE id = $1"; }

# Luhn key of a 10-digit RPPS body: a valid 11-digit RPPS number.
rpps() {
	local s=$1 sum=0 i d n=${#1}
	for ((i = 0; i < n; i++)); do
		d=${s:n-1-i:1}
		if ((i % 2 == 0)); then
			d=$((d * 2))
			((d > 9)) && d=$((d - 9))
		fi
		sum=$((sum + d))
	done
	printf '%s%s\n' "$s" $(((10 - sum % 10) % 10))
}

# A small Argon2id verifier, to check what the secret answer's hash holds.
cc -std=c11 -o "$TEST_TMP/argon2-verify" -x c - -largon2 <<'EOF' || fail "cannot build the Argon2 verifier"
#include <argon2.h>
#include <string.h>
int main(int argc, char **argv)
{
	return argc == 3 && argon2id_verify(argv[1], argv[2], strlen(argv[2])) == ARGON2_OK ? 0 : 1;
}
EOF
# session_token: the CSRF token of the current session, in $T (it stays
# the same for the session's life, so a POST after a redirect can use it).
session_token() {
	http GET /compte
	assert_status 200
	T=$(csrf)
	[[ -n $T ]] || fail "no CSRF token"
}
# mail_has ADDRESS TEXT: the newest mail to ADDRESS holds TEXT.
mail_has() {
	local text
	text=$(mail_text "$1")
	grep -qF -- "$2" <<<"$text"
}
hash_matches() {
	"$TEST_TMP/argon2-verify" "$1" "$2"
}

make_user t0106a
ua=$USER_ID
accept_all_cgu "$ua"
make_user t0106b
ub=$USER_ID
accept_all_cgu "$ub"

note "anonymous: pages go to the login page, forms are refused"
http GET /compte
assert_status 303
assert_header Location '^/connexion\?suite=%2Fcompte$'
http GET /compte/sessions
assert_status 303
assert_header Location '^/connexion\?suite=%2Fcompte%2Fsessions$'
http POST /compte/page-accueil --data 'page=/annuaire/'
assert_status 401

note "overview: identity read-only, contact, security, preferences, links"
login t0106a
session_token
http GET /compte
assert_status 200
assert_body_contains '<h1>Mon compte</h1>'
assert_body_contains 't0106a'
assert_body_contains "t0106a@$D"
assert_body_contains '06 11 22 33 44'
assert_body_contains 'Non définie'
assert_body_contains 'Mes applications'
for link in /compte/coordonnees /compte/mot-de-passe /compte/question-secrete /compte/page-accueil \
	/compte/volets /compte/partenaires /compte/sessions; do
	assert_body_contains "href=\"$link\""
done
assert_body_not_contains 'name="first_name"'
assert_body_not_contains 'alert-ok'
note "the success message is one of the fixed ones, chosen by ?ok="
http GET '/compte?ok=accueil'
assert_body_contains 'Votre page d&#39;accueil a été enregistrée.'
http GET '/compte?ok=%3Cscript%3Ealert(1)%3C/script%3E'
assert_status 200
assert_body_not_contains 'alert-ok'
assert_body_not_contains '<script>alert'

note "contact details need level 2: a level-1 session gets the step-up page"
http GET /compte/coordonnees
assert_status 403
assert_body_contains 'authentification forte'
assert_body_contains 'href="/connexion/code?suite=/compte/coordonnees"'
http POST /compte/coordonnees/email --data-urlencode "csrf=$T" --data-urlencode "email=x.t0106a@$D"
assert_status 403
[[ $(count "otp_code WHERE user_id = $ua") == 0 ]] || fail "a code was sent at level 1"

# ---- home page ----
note "home page: a value of the list is stored and audited"
http GET /compte/page-accueil
assert_status 200
for p in '/' '/annuaire/' '/icope/usagers' '/icope/alertes'; do
	assert_body_contains "value=\"$p\""
done
http POST /compte/page-accueil --data-urlencode "csrf=$T" --data-urlencode 'page=/icope/alertes'
assert_status 303
assert_header Location '^/compte\?ok=accueil$'
[[ $(field "$ua" home_page) == /icope/alertes ]] || fail "home page not stored"
[[ $(audits "$ua" settings.home_page.set ok) == 1 ]] || fail "home page change not audited"

note "home page: a value outside the list is refused, nothing changes"
http GET /compte/page-accueil
for bad in 'https://evil.example/' '//evil.example/' '/admin/' ''; do
	http POST /compte/page-accueil --data-urlencode "csrf=$T" --data-urlencode "page=$bad"
	assert_status 422
	assert_body_contains 'Choisissez une page dans la liste.'
	assert_body_contains 'class="alert alert-error"'
	assert_body_contains 'aria-describedby="page-error"'
done
http POST /compte/page-accueil --data-urlencode "csrf=$T"
assert_status 422
[[ $(field "$ua" home_page) == /icope/alertes ]] || fail "a refused value changed the home page"

note "home page: CSRF missing or foreign is refused"
http POST /compte/page-accueil --data-urlencode 'page=/annuaire/'
assert_status 403
http POST /compte/page-accueil --data 'csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' --data-urlencode 'page=/annuaire/'
assert_status 403
[[ $(field "$ua" home_page) == /icope/alertes ]] || fail "a CSRF-less POST changed the home page"

note "the login now leads to the chosen home page (after the code page)"
login t0106a
assert_header Location 'suite=%2Ficope%2Falertes$'
session_token
http GET /compte/page-accueil
http POST /compte/page-accueil --data-urlencode "csrf=$T" --data-urlencode 'page=/'
assert_status 303
[[ $(field "$ua" home_page) == / ]] || fail "home page not reset"

# ---- favourite panels ----
note "panels: three ordered optional choices"
http GET /compte/volets
assert_status 200
for p in administratif entourage evaluation alertes suivi historique; do
	assert_body_contains "value=\"$p\""
done
assert_body_contains 'ICOPE – Alertes et STEP 2'
http POST /compte/volets --data-urlencode "csrf=$T" --data 'choix1=alertes&choix2=suivi&choix3='
assert_status 303
assert_header Location '^/compte\?ok=volets$'
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(position, ':', panel) ORDER BY position) FROM parvis.user_favorite_panel
	WHERE user_id = $ua") == '1:alertes,2:suivi' ]] || fail "panels not stored in order"
http GET /compte
assert_body_contains '<ol><li>ICOPE – Alertes et STEP 2</li><li>ICOPE – Suivi</li></ol>'

note "panels: a duplicate is refused with a message, nothing changes"
http GET /compte/volets
assert_body_contains '<option value="alertes" selected>'
http POST /compte/volets --data-urlencode "csrf=$T" --data 'choix1=suivi&choix2=entourage&choix3=suivi'
assert_status 422
assert_body_contains 'un volet ne peut être choisi qu&#39;une fois'
assert_body_contains 'id="choix3-error"'
assert_body_contains 'href="#choix3"'
http POST /compte/volets --data-urlencode "csrf=$T" --data 'choix1=bogus'
assert_status 422
assert_body_contains 'Choisissez un volet dans la liste.'
[[ $(sql "SELECT GROUP_CONCAT(panel ORDER BY position) FROM parvis.user_favorite_panel WHERE user_id = $ua") == \
	'alertes,suivi' ]] || fail "a refused choice changed the panels"
http POST /compte/volets --data 'choix1=historique'
assert_status 403

note "panels: empty choices are skipped, the others keep their order; all empty clears"
http GET /compte/volets
http POST /compte/volets --data-urlencode "csrf=$T" --data 'choix1=&choix2=historique&choix3=administratif'
assert_status 303
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(position, ':', panel) ORDER BY position) FROM parvis.user_favorite_panel
	WHERE user_id = $ua") == '1:historique,2:administratif' ]] || fail "panels not compacted"
http POST /compte/volets --data-urlencode "csrf=$T" --data 'choix1=&choix2=&choix3='
assert_status 303
[[ $(count "user_favorite_panel WHERE user_id = $ua") == 0 ]] || fail "panels not cleared"
[[ $(audits "$ua" settings.panels.set ok) == 3 ]] || fail "panel changes not audited"

# ---- favourite partners ----
r1=$(rpps 1000106001)
r2=$(rpps 1000106002)
rbad=${r1:0:10}$(((${r1:10:1} + 1) % 10))
note "partners: add by RPPS, ADELI or IDNPS; shown by number"
http GET /compte/partenaires
assert_status 200
assert_body_contains 'Aucun partenaire favori'
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=${r1:0:3} ${r1:3:4} ${r1:7}"
assert_status 303
assert_header Location '^/compte/partenaires\?ok=partenaire-ajoute$'
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode 'idnps=751234567'
assert_status 303
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=8$r2"
assert_status 303
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(position, ':', idnps) ORDER BY position) FROM parvis.user_favorite_partner
	WHERE user_id = $ua") == "1:8$r1,2:0751234567,3:8$r2" ]] || fail "partners not stored as IDNPS in order"
http GET /compte/partenaires
assert_body_contains "RPPS $r1"
assert_body_contains 'ADELI 751234567'
assert_body_contains "action=\"/compte/partenaires/8$r1/retrait\""
[[ $(audits "$ua" settings.partner.added ok) == 3 ]] || fail "partner additions not audited"

note "partners: invalid numbers and duplicates are refused"
for bad in '12345' "$rbad" "9$r1" 'abcdefghijk' ''; do
	http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=$bad"
	assert_status 422
	assert_body_contains 'id="idnps-error"'
done
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=$r1"
assert_status 422
assert_body_contains 'figure déjà dans vos partenaires'
http POST /compte/partenaires --data-urlencode "idnps=$(rpps 1000106003)"
assert_status 403
[[ $(count "user_favorite_partner WHERE user_id = $ua") == 3 ]] || fail "a refused partner was stored"

note "partners: removal of one's own only (another user's is 404)"
sql "INSERT INTO parvis.user_favorite_partner (user_id, idnps, position) VALUES ($ub, '8$(rpps 1000106004)', 1)"
http GET /compte/partenaires
http POST "/compte/partenaires/8$(rpps 1000106004)/retrait" --data-urlencode "csrf=$T"
assert_status 404
[[ $(count "user_favorite_partner WHERE user_id = $ub") == 1 ]] || fail "another user's partner was removed"
http POST "/compte/partenaires/not-a-number/retrait" --data-urlencode "csrf=$T"
assert_status 404
http POST "/compte/partenaires/8$r2/retrait"
assert_status 403
http POST "/compte/partenaires/8$r2/retrait" --data-urlencode "csrf=$T"
assert_status 303
assert_header Location '^/compte/partenaires\?ok=partenaire-retire$'
[[ $(count "user_favorite_partner WHERE user_id = $ua AND idnps = '8$r2'") == 0 ]] || fail "partner not removed"
[[ $(audits "$ua" settings.partner.removed ok) == 1 ]] || fail "partner removal not audited"
http POST "/compte/partenaires/8$r2/retrait" --data-urlencode "csrf=$T"
assert_status 404

note "partners: at most 20"
for i in $(seq 10 27); do
	sql "INSERT INTO parvis.user_favorite_partner (user_id, idnps, position) VALUES ($ua, '8$(rpps 10001061$i)', $i)"
done
[[ $(count "user_favorite_partner WHERE user_id = $ua") == 20 ]] || fail "setup: not 20 partners"
http GET /compte/partenaires
assert_body_contains 'maximum de 20 partenaires'
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=$(rpps 1000106099)"
assert_status 422
assert_body_contains 'Vous avez déjà 20 partenaires favoris'
[[ $(count "user_favorite_partner WHERE user_id = $ua") == 20 ]] || fail "a 21st partner was stored"

# ---- secret question ----
note "secret question: bounds, answer in the question, current password"
http GET /compte/question-secrete
assert_status 200
assert_body_contains 'sans tenir compte des majuscules, des accents'
q='Ville de naissance de ma grand-mère ?'
post_secret() {
	http POST /compte/question-secrete --data-urlencode "csrf=$T" --data-urlencode "question=$1" \
		--data-urlencode "reponse=$2" --data-urlencode "mot_de_passe=$3"
}
post_secret 'Où ?' 'Lyon' "$TEST_PASSWORD"
assert_status 422
assert_body_contains 'La question doit compter de 5 à 200 caractères.'
post_secret "$(printf 'q%.0s' $(seq 1 201))" 'Lyon' "$TEST_PASSWORD"
assert_status 422
post_secret "$q" '  ab  ' "$TEST_PASSWORD"
assert_status 422
assert_body_contains 'La réponse doit compter de 3 à 100 caractères.'
assert_body_contains "value=\"$q\""
post_secret "$q" "$(printf 'r%.0s' $(seq 1 101))" "$TEST_PASSWORD"
assert_status 422
post_secret "$q" 'Grand-Mère' "$TEST_PASSWORD"
assert_status 422
assert_body_contains 'La réponse ne doit pas figurer dans la question.'
post_secret "$q" 'Saint-Étienne' ''
assert_status 422
assert_body_contains 'Saisissez votre mot de passe actuel.'
post_secret "$q" 'Saint-Étienne' 'wrong-password-1'
assert_status 422
assert_body_contains 'Le mot de passe actuel est incorrect.'
assert_body_contains 'aria-describedby="mot_de_passe-error"'
assert_body_not_contains 'wrong-password-1'
[[ $(field "$ua" secret_question) == NULL && $(field "$ua" secret_answer_hash) == NULL ]] ||
	fail "a refused form stored a secret question"
[[ $(audits "$ua" settings.reauth.failed denied) == 1 ]] || fail "wrong password not audited"
http POST /compte/question-secrete --data-urlencode "question=$q" --data-urlencode 'reponse=Lyon' \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403

note "secret question: stored, answer normalised then hashed with Argon2id"
before=$(mail_count_for "t0106a@$D")
post_secret "$q" "  Saint-ÉTIENNE   du  Rouvray " "$TEST_PASSWORD"
assert_status 303
assert_header Location '^/compte\?ok=question$'
[[ $(field "$ua" secret_question) == "$q" ]] || fail "question not stored"
h=$(field "$ua" secret_answer_hash)
[[ $h == '$argon2id$'* ]] || fail "answer not hashed with Argon2id: $h"
hash_matches "$h" 'saint-etienne du rouvray' || fail "the hash is not of the normalised answer"
! hash_matches "$h" 'Saint-ÉTIENNE   du  Rouvray' || fail "the hash is of the raw answer"
[[ $(audits "$ua" settings.secret.set ok) == 1 ]] || fail "secret question not audited"
wait_for_mail_to "t0106a@$D" $((before + 1))
mail_has "t0106a@$D" 'question secrète de votre compte' || fail "no notice of the secret question"
http GET /compte
assert_body_contains "Définie : « $q »"

note "secret question: change it, then remove it (current password required)"
http GET /compte/question-secrete
post_secret 'Nom de mon premier chien ?' 'Œdipe' "$TEST_PASSWORD"
assert_status 303
hash_matches "$(field "$ua" secret_answer_hash)" 'oedipe' || fail "œ not folded to oe"
[[ $(sql "SELECT detail FROM parvis.audit_log WHERE user_id = $ua AND action = 'settings.secret.set'
	ORDER BY id DESC LIMIT 1") == 'modifiée' ]] || fail "change not audited as such"
http GET /compte/question-secrete
assert_body_contains 'Supprimer ma question secrète'
http POST /compte/question-secrete/suppression --data-urlencode "csrf=$T" --data-urlencode 'mot_de_passe=wrong-password-2'
assert_status 422
assert_body_contains 'id="mot_de_passe_suppression-error"'
[[ $(field "$ua" secret_question) != NULL ]] || fail "removed with a wrong password"
http POST /compte/question-secrete/suppression --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 403
http POST /compte/question-secrete/suppression --data-urlencode "csrf=$T" --data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 303
assert_header Location '^/compte\?ok=question-supprimee$'
[[ $(field "$ua" secret_question) == NULL && $(field "$ua" secret_answer_hash) == NULL ]] ||
	fail "secret question not removed"
[[ $(audits "$ua" settings.secret.removed ok) == 1 ]] || fail "removal not audited"

# ---- password ----
make_user t0106p
up=$USER_ID
accept_all_cgu "$up"
NEW_PASSWORD='Autre-Secret-2027#'
jar_a=$TEST_TMP/jar-a
jar_b=$TEST_TMP/jar-b
note "password: a second session elsewhere"
login t0106p
cp "$HTTP_DIR/cookies" "$jar_b"
login t0106p
session_token
cp "$HTTP_DIR/cookies" "$jar_a"
[[ $(count "session WHERE user_id = $up") == 2 ]] || fail "setup: not two sessions"
old_hash=$(field "$up" password_hash)

post_password() {
	http POST /compte/mot-de-passe --data-urlencode "csrf=$T" --data-urlencode "actuel=$1" \
		--data-urlencode "nouveau=$2" --data-urlencode "confirmation=$3"
}
note "password: the form shows the rules"
http GET /compte/mot-de-passe
assert_status 200
assert_body_contains 'id="password-rules"'
assert_body_contains 'data-password-rules="password-rules"'
assert_body_contains '<script src="/static/password-rules.js" defer></script>'

note "password: wrong current, rules, confirmation, same as current, personal"
post_password 'wrong-password-1' "$NEW_PASSWORD" "$NEW_PASSWORD"
assert_status 422
assert_body_contains 'Le mot de passe actuel est incorrect.'
post_password "$TEST_PASSWORD" 'court' 'court'
assert_status 422
assert_body_contains 'ne respecte pas les règles'
assert_body_contains 'rule-ko'
post_password "$TEST_PASSWORD" "$NEW_PASSWORD" "${NEW_PASSWORD}x"
assert_status 422
assert_body_contains 'ne sont pas identiques'
post_password "$TEST_PASSWORD" "$TEST_PASSWORD" "$TEST_PASSWORD"
assert_status 422
assert_body_contains "doit être différent de l&#39;actuel"
post_password "$TEST_PASSWORD" 'Xt0106p-2026!abc' 'Xt0106p-2026!abc'
assert_status 422
assert_body_contains 'votre identifiant'
post_password '' '' ''
assert_status 422
assert_body_contains 'Saisissez votre mot de passe actuel.'
assert_body_contains 'Saisissez le nouveau mot de passe.'
http POST /compte/mot-de-passe --data-urlencode "actuel=$TEST_PASSWORD" --data-urlencode "nouveau=$NEW_PASSWORD" \
	--data-urlencode "confirmation=$NEW_PASSWORD"
assert_status 403
assert_body_not_contains "$NEW_PASSWORD"
[[ $(field "$up" password_hash) == "$old_hash" ]] || fail "a refused form changed the password"
[[ $(count "session WHERE user_id = $up") == 2 ]] || fail "a refused form ended sessions"
[[ $(audits "$up" settings.reauth.failed denied) == 1 ]] || fail "wrong current password not audited"

note "password: changed with Argon2id, other sessions ended, mail, audit"
sql "INSERT INTO parvis.user_token (token_hash, user_id, kind, expires_at)
	VALUES (REPEAT('a', 64), $up, 'reset', UTC_TIMESTAMP() + INTERVAL 1 HOUR)"
before=$(mail_count_for "t0106p@$D")
sid=$(sql "SELECT MAX(id) FROM parvis.session WHERE user_id = $up")
http GET /compte/mot-de-passe
post_password "$TEST_PASSWORD" "$NEW_PASSWORD" "$NEW_PASSWORD"
assert_status 303
assert_header Location '^/compte\?ok=mot-de-passe$'
new_hash=$(field "$up" password_hash)
[[ $new_hash == '$argon2id$'* && $new_hash != "$old_hash" ]] || fail "password not re-hashed"
hash_matches "$new_hash" "$NEW_PASSWORD" || fail "the new hash is not of the new password"
[[ $(field "$up" password_changed_at) != NULL ]] || fail "password_changed_at not set"
[[ $(sql "SELECT GROUP_CONCAT(id) FROM parvis.session WHERE user_id = $up") == "$sid" ]] ||
	fail "other sessions not ended (or this one lost)"
[[ $(count "user_token WHERE user_id = $up AND kind = 'reset' AND used_at IS NULL") == 0 ]] ||
	fail "reset links still alive after a password change"
[[ $(audits "$up" settings.password.changed ok) == 1 ]] || fail "password change not audited"
wait_for_mail_to "t0106p@$D" $((before + 1))
mail_has "t0106p@$D" 'mot de passe de votre compte Parvis vient d' || fail "no notice mail"
note "password: this session goes on (with a new token)"
[[ $(count "session WHERE id = $sid AND token_hash = SHA2('$(awk '$6 == "parvis_session" { print $7 }' "$jar_a")', 256)") == 0 ]] ||
	fail "this session's token was not renewed"
http GET '/compte?ok=mot-de-passe'
assert_status 200
assert_body_contains 'Votre mot de passe a été modifié. Vos autres sessions ont été fermées.'

note "password: the other browser is logged out; old password refused, new accepted"
cp "$jar_b" "$HTTP_DIR/cookies"
http GET /compte
assert_status 303
assert_header Location '^/connexion'
http_reset
http GET /connexion
http POST /connexion --data-urlencode "csrf=$(csrf)" --data-urlencode 'identifiant=t0106p' \
	--data-urlencode "mot_de_passe=$TEST_PASSWORD"
assert_status 401
login t0106p "$NEW_PASSWORD"
session_token

note "current password throttled after 5 wrong ones (429, even when right)"
make_user t0106t
ut=$USER_ID
accept_all_cgu "$ut"
login t0106t
session_token
http GET /compte/mot-de-passe
for i in 1 2 3; do
	post_password "wrong-$i" "$NEW_PASSWORD" "$NEW_PASSWORD"
	assert_status 422
done
http GET /compte/question-secrete
for i in 4 5; do
	post_secret "$q" 'Lyon' "wrong-$i"
	assert_status 422
done
post_secret "$q" 'Lyon' "$TEST_PASSWORD"
assert_status 429
assert_body_contains 'Trop d&#39;essais de mot de passe'
http GET /compte/mot-de-passe
post_password "$TEST_PASSWORD" "$NEW_PASSWORD" "$NEW_PASSWORD"
assert_status 429
[[ $(field "$ut" secret_question) == NULL ]] || fail "throttled form stored a question"
hash_matches "$(field "$ut" password_hash)" "$TEST_PASSWORD" || fail "throttled form changed the password"

# ---- contact details (level 2) ----
make_user t0106c
uc=$USER_ID
accept_all_cgu "$uc"
login_strong t0106c
session_token
code_in_mail() {
	local text
	text=$(mail_text "$1")
	grep -oE 'code Parvis : [0-9]{6}' <<<"$text" | grep -oE '[0-9]{6}$' | tail -n 1
}
# post_email ADDRESS [PASSWORD]: asks for a code to ADDRESS, with the
# current password (default: the right one).
post_email() {
	http POST /compte/coordonnees/email --data-urlencode "csrf=$T" --data-urlencode "email=$1" \
		--data-urlencode "actuel_email=${2-$TEST_PASSWORD}"
}
post_mobile() {
	http POST /compte/coordonnees/mobile --data-urlencode "csrf=$T" --data-urlencode "mobile=$1" \
		--data-urlencode "actuel_mobile=${2-$TEST_PASSWORD}"
}
post_code() {
	http POST "/compte/coordonnees/$1/code" --data-urlencode "csrf=$T" --data-urlencode "code_$1=$2"
}
# Lets a new code be sent at once (the library waits 30 s between two).
age_codes() {
	sql "UPDATE parvis.otp_code SET created_at = created_at - INTERVAL 2 MINUTE WHERE user_id = $uc"
}

note "contact: the page shows the current address and number"
http GET /compte/coordonnees
assert_status 200
assert_body_contains "t0106c@$D"
assert_body_contains '06 11 22 33 44'
assert_body_not_contains 'name="code_email"'

note "contact: invalid and unchanged addresses, a missing or wrong password are refused; no code sent"
post_email ''
assert_status 422
assert_body_contains 'Saisissez la nouvelle adresse e-mail.'
post_email 'pas-une-adresse'
assert_status 422
assert_body_contains 'id="email-error"'
assert_body_contains 'value="pas-une-adresse"'
post_email "T0106C@$D"
assert_status 422
assert_body_contains "C&#39;est déjà l&#39;adresse de votre compte."
post_email "n1.t0106c@$D" ''
assert_status 422
assert_body_contains 'id="actuel_email-error"'
assert_body_contains 'Saisissez votre mot de passe actuel.'
assert_body_contains "value=\"n1.t0106c@$D\""
reauth_before=$(audits "$uc" settings.reauth.failed denied)
post_email "n1.t0106c@$D" 'Pas-Le-Bon-2026!'
assert_status 422
assert_body_contains 'aria-describedby="actuel_email-error"'
assert_body_contains 'Le mot de passe actuel est incorrect.'
[[ $(audits "$uc" settings.reauth.failed denied) == $((reauth_before + 1)) ]] || fail "wrong password not audited"
post_mobile '06 98 76 54 32' ''
assert_status 422
assert_body_contains 'id="actuel_mobile-error"'
post_mobile '06 98 76 54 32' 'Pas-Le-Bon-2026!'
assert_status 422
assert_body_contains 'Le mot de passe actuel est incorrect.'
[[ $(count "otp_code WHERE user_id = $uc AND purpose <> 'login'") == 0 ]] || fail "a code was sent for a refused request"
http POST /compte/coordonnees/email --data-urlencode "email=n1.t0106c@$D"
assert_status 403

note "contact: an address another account uses is refused at the code only: the form tells nothing"
before=$(mail_count_for "t0106b@$D")
post_email "T0106B@${D^^}"
assert_status 303
assert_header Location '^/compte/coordonnees\?ok=code-email$'
wait_for_mail_to "t0106b@$D" $((before + 1))
code=$(code_in_mail "t0106b@$D")
[[ $code =~ ^[0-9]{6}$ ]] || fail "no code in the mail to the taken address"
http GET /compte/coordonnees
post_code email "$code"
assert_status 422
assert_body_contains 'Cette adresse ne peut pas être utilisée pour votre compte.'
assert_body_not_contains 'déjà utilisée'
[[ $(field "$uc" email) == "t0106c@$D" ]] || fail "a taken address was applied"
[[ $(audits "$uc" settings.email.refused denied) == 1 ]] || fail "refused address not audited"
age_codes
http GET /compte/coordonnees

note "contact: a code goes to the new address; nothing changes before it"
post_email "  n1.t0106c@$D "
assert_status 303
assert_header Location '^/compte/coordonnees\?ok=code-email$'
[[ $(count "otp_code WHERE user_id = $uc AND purpose = 'email' AND channel = 'email' AND target = 'n1.t0106c@$D'") == 1 ]] ||
	fail "no e-mail code for the new address"
[[ $(field "$uc" email) == "t0106c@$D" ]] || fail "the address changed before the code"
[[ $(audits "$uc" settings.email.code_sent ok) == 2 ]] || fail "code sending not audited (the taken address's and this one)"
wait_for_mail_to "n1.t0106c@$D" 1
mail_has "n1.t0106c@$D" 'confirmer votre nouvelle adresse' || fail "the code mail does not say why"
code=$(code_in_mail "n1.t0106c@$D")
http GET '/compte/coordonnees?ok=code-email'
assert_status 200
assert_body_contains 'Un code de confirmation a été envoyé à la nouvelle adresse.'
assert_body_contains "Code reçu à n1.t0106c@$D"

note "contact: a second request within 30 s is throttled"
post_email "n2.t0106c@$D"
assert_status 429
assert_header Retry-After '^[0-9]+$'

note "contact: wrong and malformed codes are refused"
wrong=$(printf '%06d' $(((10#$code + 1) % 1000000)))
post_code email "$wrong"
assert_status 422
assert_body_contains 'Ce code est incorrect.'
assert_body_contains 'aria-describedby="code_email-error"'
post_code email 'abc'
assert_status 422
assert_body_contains 'Saisissez les 6 chiffres du code reçu.'
http POST /compte/coordonnees/email/code --data-urlencode "code_email=$code"
assert_status 403
[[ $(field "$uc" email) == "t0106c@$D" ]] || fail "the address changed on a wrong code"
[[ $(audits "$uc" settings.email.code_failed denied) == 1 ]] || fail "wrong code not audited"

note "contact: the right code applies the address and tells the old one"
before=$(mail_count_for "t0106c@$D")
post_code email "${code:0:3} ${code:3}"
assert_status 303
assert_header Location '^/compte\?ok=email$'
[[ $(field "$uc" email) == "n1.t0106c@$D" ]] || fail "the address did not change"
[[ $(field "$uc" updated_by) == "$uc" ]] || fail "updated_by not set"
[[ $(audits "$uc" settings.email.changed ok) == 1 ]] || fail "address change not audited"
wait_for_mail_to "t0106c@$D" $((before + 1))
mail_has "t0106c@$D" "remplacée par n1.t0106c@$D" || fail "the old address was not told"
http GET /compte?ok=email
assert_body_contains 'Votre adresse e-mail a été modifiée.'
assert_body_contains "n1.t0106c@$D"

note "contact: a used code does not serve twice"
http GET /compte/coordonnees
post_code email "$code"
assert_status 422
assert_body_contains 'a expiré ou a déjà servi'

note "contact: an expired code is refused"
age_codes
post_email "n2.t0106c@$D"
assert_status 303
wait_for_mail_to "n2.t0106c@$D" 1
code=$(code_in_mail "n2.t0106c@$D")
sql "UPDATE parvis.otp_code SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE user_id = $uc AND used_at IS NULL"
http GET /compte/coordonnees
post_code email "$code"
assert_status 422
assert_body_contains 'a expiré ou a déjà servi'
[[ $(field "$uc" email) == "n1.t0106c@$D" ]] || fail "an expired code changed the address"

note "contact: an address taken between the request and the code is refused"
age_codes
http GET /compte/coordonnees
post_email "n3.t0106c@$D"
assert_status 303
wait_for_mail_to "n3.t0106c@$D" 1
code=$(code_in_mail "n3.t0106c@$D")
sql "UPDATE parvis.app_user SET email = 'n3.t0106c@$D' WHERE id = $ub"
http GET /compte/coordonnees
post_code email "$code"
assert_status 422
assert_body_contains 'Cette adresse ne peut pas être utilisée pour votre compte.'
[[ $(field "$uc" email) == "n1.t0106c@$D" ]] || fail "a taken address was applied"
sql "UPDATE parvis.app_user SET email = 't0106b@$D' WHERE id = $ub"

note "contact: mobile number by SMS code"
http GET /compte/coordonnees
post_mobile '01 23 45 67 89'
assert_status 422
assert_body_contains 'id="mobile-error"'
post_mobile '06 11 22 33 44'
assert_status 422
assert_body_contains "C&#39;est déjà le numéro de votre compte."
post_mobile '+33 6 98 76 54 32'
assert_status 303
assert_header Location '^/compte/coordonnees\?ok=code-mobile$'
[[ $(count "otp_code WHERE user_id = $uc AND purpose = 'mobile' AND channel = 'sms' AND target = '0698765432'") == 1 ]] ||
	fail "no SMS code for the new number"
sms=$(sql "SELECT body FROM parvis.outbox WHERE channel = 'sms' AND recipient = '0698765432' ORDER BY id DESC LIMIT 1")
code=$(grep -oE '[0-9]{6}' <<<"$sms" | head -n 1)
[[ $code =~ ^[0-9]{6}$ ]] || fail "no code in the SMS: $sms"
[[ $(field "$uc" mobile) == 0611223344 ]] || fail "the number changed before the code"
http GET /compte/coordonnees
assert_body_contains 'Code reçu par SMS au 06 98 76 54 32'
post_code mobile "$(printf '%06d' $(((10#$code + 1) % 1000000)))"
assert_status 422
[[ $(field "$uc" mobile) == 0611223344 ]] || fail "the number changed on a wrong code"
before=$(mail_count_for "n1.t0106c@$D")
post_code mobile "$code"
assert_status 303
assert_header Location '^/compte\?ok=mobile$'
[[ $(field "$uc" mobile) == 0698765432 ]] || fail "the number did not change"
[[ $(audits "$uc" settings.mobile.changed ok) == 1 ]] || fail "number change not audited"
[[ $(audits "$uc" settings.mobile.code_failed denied) == 1 ]] || fail "wrong SMS code not audited"
wait_for_mail_to "n1.t0106c@$D" $((before + 1))
mail_has "n1.t0106c@$D" 'remplacé par 06 98 76 54 32' || fail "no notice of the new number"

note "audit rows carry the program and the address"
[[ $(count "audit_log WHERE user_id IN ($ua, $uc, $up) AND action LIKE 'settings.%' AND (program <> 'portal'
	OR ip <> '127.0.0.1')") == 0 ]] || fail "audit rows without program or address"
