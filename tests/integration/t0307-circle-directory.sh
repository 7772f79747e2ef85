#!/usr/bin/env bash
# ICOPE care circle from the directory: search the directory (name, folded;
# profession; postal code; at most 20), add several at once; a professional
# with a Parvis account becomes a member (opens the file), one without is a
# contact shown with the directory's details and no access; "donner
# l'accès" once they have an account (explicit, never silent); favourite
# partners; the territory's alert managers in one click; removal of both
# kinds; audit rows with the patient; access, level, CSRF refusals.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"
. "$(dirname "$0")/icope-lib.sh"

A=$(idnps_of 8307000001) B=$(idnps_of 8307000002) C=$(idnps_of 8307000003)
D=$(idnps_of 8307000004) E=$(idnps_of 8307000005)
PELVOUX="postal=05340 insee=05101 commune=Pelvoux"
BRIANCON="postal=05100 insee=05023 commune=Briançon"
lines=(
	"$(act_line idnps="$A" last=VALMOREL first=HÉLÈNE $PELVOUX phone=0492000001)"
	"$(act_line idnps="$B" last="D'ESTIENNE" first=JEAN prof=60 prof_label=Infirmier $PELVOUX \
		number=7 street="DES ECRINS" phone=0492000002 company="CABINET INFIRMIER")"
	"$(act_line idnps="$C" last=VALMORET first=PAUL prof=60 prof_label=Infirmier $BRIANCON)"
	"$(act_line idnps="$D" last=LE-VALMONT first=ANNE prof=70 prof_label=Masseur-Kinésithérapeute $PELVOUX)"
	"$(act_line idnps="$E" last=VALMORET first=LUCIE prof=60 prof_label=Infirmier $PELVOUX)"
)
for i in $(seq -w 1 25); do
	lines+=("$(act_line idnps="$(idnps_of 83070001"$i")" last=ZOUVALTEST first="N$i" prof=60 \
		prof_label=Infirmier postal=05200 insee=05061 commune=Embrun)")
done
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0307.txt" "${lines[@]}"
# Leave the directory as we found it for the tests that follow.
at_exit 'sql "DELETE FROM parvis.practice_site WHERE idnps LIKE '"'"'883070%'"'"'";
	sql "DELETE FROM parvis.professional WHERE idnps LIKE '"'"'883070%'"'"'";
	sql "DELETE FROM parvis.rpps_import WHERE file_name = '"'"'PS_LibreAcces_Personne_activite_t0307.txt'"'"'"'

import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0307.txt" || fail "import: $(cat "$TEST_TMP/import.log")"

q "INSERT INTO parvis.territory (name) VALUES ('Territoire T0307')"
tid=$(q "SELECT MAX(id) FROM parvis.territory WHERE name = 'Territoire T0307'")
q "INSERT INTO parvis.territory_postal_code (territory_id, postal_code) VALUES ($tid, '05340')"

account_cgu t0307a pro
ua=$USER_ID
account_cgu t0307val pro
uval=$USER_ID
q "UPDATE parvis.app_user SET idnps = '$A', first_name = 'Hélène', last_name = 'Valmorel' WHERE id = $uval"
account_cgu t0307m1 "alert_manager:territory:$tid"
um1=$USER_ID
account_cgu t0307m2 "alert_manager:territory:$tid"
um2=$USER_ID
account_cgu t0307out pro
uout=$USER_ID

q "INSERT INTO parvis.patient (birth_name, first_names, sex, birth_date, postal_code, territory_id,
	created_at, created_by, updated_at, updated_by)
	VALUES ('Barnier', 'Odette', 'F', '1941-03-04', '05340', $tid, NOW(), $ua, NOW(), $ua)"
pid=$(q "SELECT MAX(id) FROM parvis.patient WHERE birth_name = 'Barnier' AND created_by = $ua")
q "INSERT INTO parvis.care_circle (patient_id, user_id, added_at, added_by) VALUES ($pid, $ua, NOW(), $ua)"
audits() { q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = '$1' AND patient_id = $pid${2:+ AND detail LIKE '$2'}"; }
P=/icope/usagers/$pid/entourage

login_strong t0307a
note "the panel: the search form offers the directory's professions; reading it is audited"
reads=$(audits patient.read)
http GET "$P"
assert_status 200
assert_body_contains 'Rechercher dans l'"'"'annuaire'
assert_body_contains '<option value="70">Masseur-Kinésithérapeute</option>'
[[ $(audits patient.read) == $((reads + 1)) ]] || fail "panel read not audited"
tok=$(csrf)

note "directory search by name: folded, first + last either order, members and contacts marked"
http GET "$P" -G --data-urlencode 'nom=valmor'
assert_status 200
assert_body_contains "value=\"$A\""
assert_body_contains "value=\"$C\""
assert_body_contains "value=\"$E\""
assert_body_contains 'HÉLÈNE VALMOREL – Médecin (Pelvoux) – compte Parvis'
assert_body_contains 'PAUL VALMORET – Infirmier (Briançon) – sans compte Parvis'
assert_body_not_contains "value=\"$B\""
http GET "$P" -G --data-urlencode "nom=d’estienne"
assert_body_contains "value=\"$B\""
http GET "$P" -G --data-urlencode "nom=Jean D'Estienne"
assert_body_contains "value=\"$B\""
http GET "$P" -G --data-urlencode "nom=le valmont"
assert_body_contains "value=\"$D\""
http GET "$P" -G --data-urlencode "nom=%almor"
assert_body_not_contains "value=\"$A\""
note "profession and postal code narrow it"
http GET "$P" -G --data-urlencode 'nom=valmor' --data-urlencode profession=60
assert_body_contains "value=\"$C\""
assert_body_not_contains "value=\"$A\""
http GET "$P" -G --data-urlencode 'nom=valmor' --data-urlencode code_postal=05340
assert_body_contains "value=\"$A\""
assert_body_contains "value=\"$E\""
assert_body_not_contains "value=\"$C\""
http GET "$P" -G --data-urlencode 'nom=valmor' --data-urlencode code_postal=05340 --data-urlencode profession=60
assert_body_contains "value=\"$E\""
assert_body_not_contains "value=\"$A\""
note "at most 20 shown"
http GET "$P" -G --data-urlencode 'nom=zouvaltest'
[[ $(grep -c 'name="idnps" value=' "$HTTP_DIR/body") == 20 ]] || fail "not 20 hits"
assert_body_contains "D'autres professionnels correspondent"
note "invalid search fields: messages beside the fields, no search"
http GET "$P" -G --data-urlencode 'nom=v' --data-urlencode code_postal=5340 --data-urlencode 'profession=x<y'
assert_status 200
assert_body_contains 'Saisissez au moins 2 lettres du nom.'
assert_body_contains 'Saisissez un code postal à 5 chiffres.'
assert_body_contains 'Choisissez une profession dans la liste.'
assert_body_contains 'id="nom-error"'
assert_body_not_contains 'name="idnps" value='

note "add several at once: with an account -> member; without -> contact"
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=$A&idnps=$B&idnps=$B"
assert_status 303
assert_header Location "^$P\?ajout=1$"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $uval AND added_by = $ua") == 1 ]] ||
	fail "the professional with an account is not a member"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid AND idnps = '$B' AND added_by = $ua") == 1 ]] ||
	fail "the professional without an account is not a contact"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid") == 1 ]] || fail "extra contacts"
[[ $(audits circle.add "%$A%") == 1 ]] || fail "member addition not audited"
[[ $(audits circle.contact.add "%$B%") == 1 ]] || fail "contact addition not audited"
http GET "$P"
assert_body_contains 'Hélène Valmorel'
assert_body_contains 'ESTIENNE'
assert_body_contains 'sans compte Parvis : n'"'"'a pas accès au dossier'
assert_body_contains 'CABINET INFIRMIER'
assert_body_contains 'DES ECRINS'
assert_body_contains '05340 Pelvoux'
assert_body_contains '04 92 00 00 02'
assert_body_not_contains 'Donner l'"'"'accès'
note "the new member opens the file; the contact has no account, so nothing to open"
login_strong t0307val
http GET "/icope/usagers/$pid/administratif"
assert_status 200
login_strong t0307a
http GET "$P"
tok=$(csrf)
note "adding again changes nothing and audits nothing"
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=$A&idnps=$B"
assert_status 303
[[ $(audits circle.add "%$A%") == 1 && $(audits circle.contact.add "%$B%") == 1 ]] || fail "re-add audited"
http GET "$P" -G --data-urlencode 'nom=valmorel'
assert_body_contains 'déjà dans l'"'"'entourage'
assert_body_not_contains "name=\"idnps\" value=\"$A\""

note "refused: unknown to the directory, malformed, none, CSRF missing; nothing changed"
before=$(q "SELECT (SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid) + (SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid)")
reads=$(audits patient.read)
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=$C&idnps=$(idnps_of 8307999999)"
assert_status 422
assert_body_contains 'ne figure pas dans'
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=81234"
assert_status 422
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=${C:0:11}$(((${C:11:1} + 1) % 10))"
assert_status 422
http POST "$P/ajout" --data-urlencode "csrf=$tok"
assert_status 422
http POST "$P/ajout" --data "idnps=$C"
assert_status 403
[[ $(audits patient.read) == $((reads + 4)) ]] || fail "circle shown again without a read audit"
[[ $(q "SELECT (SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid) + (SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid)") == "$before" ]] ||
	fail "a refused addition changed the circle"

note "favourite partners offered with checkboxes; added together"
q "INSERT INTO parvis.user_favorite_partner (user_id, idnps, position) VALUES ($ua, '$C', 1), ($ua, '$A', 2), ($ua, '$(idnps_of 8307888888)', 3)"
http GET "$P"
assert_body_contains 'Mes partenaires favoris'
assert_body_contains "id=\"fav-$C\" name=\"idnps\" value=\"$C\""
assert_body_not_contains "id=\"fav-$A\""
assert_body_contains 'absent de l'"'"'annuaire, sans compte Parvis'
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=$C"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid AND idnps = '$C'") == 1 ]] ||
	fail "favourite not added"

note "the territory's alert managers in one click"
http GET "$P"
assert_body_contains "/entourage/gestionnaires"
http POST "$P/gestionnaires" --data-urlencode "csrf=$tok"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id IN ($um1, $um2)") == 2 ]] ||
	fail "alert managers not added"
[[ $(audits circle.add '%gestionnaire%') == 2 ]] || fail "alert managers' addition not audited"
http GET "$P"
assert_body_not_contains "/entourage/gestionnaires"
http POST "$P/gestionnaires" --data-urlencode "csrf=$tok"
assert_status 422
assert_body_contains 'font déjà partie'

note "a contact who has since got an account: 'donner l'accès' moves them, only on request"
q "UPDATE parvis.app_user SET idnps = '$B' WHERE id = $uout"
http GET "$P"
assert_body_contains 'Donner l'"'"'accès'
assert_body_contains 'a désormais un compte Parvis'
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $uout") == 0 ]] ||
	fail "access granted silently"
http POST "$P/acces" --data "contact=$B"
assert_status 403
http POST "$P/acces" --data-urlencode "csrf=$tok" --data "contact=$C"
assert_status 409
assert_body_contains 'pas encore de compte'
http POST "$P/acces" --data-urlencode "csrf=$tok" --data "contact=$D"
assert_status 422
http POST "$P/acces" --data-urlencode "csrf=$tok" --data "contact=$B"
assert_status 303
assert_header Location "^$P\?acces=1$"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $uout AND added_by = $ua") == 1 ]] ||
	fail "access not given"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid AND idnps = '$B'") == 0 ]] ||
	fail "the contact row stayed"
[[ $(audits circle.contact.access "%$B%") == 1 ]] || fail "access not audited"

note "remove a contact; not a contact: 422"
http POST "$P/retrait" --data-urlencode "csrf=$tok" --data "contact=$C"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid") == 0 ]] || fail "contact not removed"
[[ $(audits circle.contact.remove "%$C%") == 1 ]] || fail "contact removal not audited"
http POST "$P/retrait" --data-urlencode "csrf=$tok" --data "contact=$C"
assert_status 422
http POST "$P/retrait" --data-urlencode "csrf=$tok" --data "contact=nope"
assert_status 422

note "a contact added later through their account (pro=): the contact row goes, audited"
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "idnps=$D"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid AND idnps = '$D'") == 1 ]] ||
	fail "D not a contact"
account_cgu t0307d pro
ud=$USER_ID
q "UPDATE parvis.app_user SET idnps = '$D' WHERE id = $ud"
http POST "$P/ajout" --data-urlencode "csrf=$tok" --data "pro=$ud"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid") == 0 ]] || fail "D's contact row stayed"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $ud") == 1 ]] || fail "D not a member"
[[ $(audits circle.contact.access '%t0307d%') == 1 ]] || fail "D's move not audited"

note "outside the circle: 403 on every route, nothing changed"
account_cgu t0307x pro
login_strong t0307x
http GET /icope/usagers
tokx=$(csrf)
for path in "" /ajout /gestionnaires /retrait /acces; do
	if [[ -z $path ]]; then
		http GET "$P"
	else
		http POST "$P$path" --data-urlencode "csrf=$tokx" --data "idnps=$D&contact=$D"
	fi
	assert_status 403
done
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle_contact WHERE patient_id = $pid") == 0 ]] || fail "outsider changed the circle"
note "level 1 session: refused"
login t0307a
http GET "$P"
assert_body_not_contains 'Entourage professionnel'
assert_body_not_contains 'ESTIENNE' 
