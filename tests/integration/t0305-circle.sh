#!/usr/bin/env bash
# ICOPE care circle: search professionals by name, add several at once,
# accounts that are not professionals refused, the territory's alert
# managers offered in one click, removal (never the last member; leaving the
# circle closes the file to you); every change audited with the patient.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

account_cgu t0305a pro
ua=$USER_ID
account_cgu t0305kinea pro
uk1=$USER_ID
q "UPDATE parvis.app_user SET first_name = 'Émile', last_name = 'Kinéa', profession = 'Masseur-kinésithérapeute' WHERE id = $uk1"
account_cgu t0305kineb pro
uk2=$USER_ID
q "UPDATE parvis.app_user SET first_name = 'Sophie', last_name = 'Kinebert', profession = 'Infirmière' WHERE id = $uk2"
account_cgu t0305s support
us=$USER_ID
q "UPDATE parvis.app_user SET last_name = 'Kinesupport' WHERE id = $us"
account_cgu t0305m alert_manager:territory:1
um=$USER_ID
q "UPDATE parvis.app_user SET first_name = 'Gaëlle', last_name = 'Gestionnaire' WHERE id = $um"

login_strong t0305a
http GET /icope/usagers/nouveau
http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Moreau" --data-urlencode "prenoms=Henri" \
	--data-urlencode "sexe=M" --data-urlencode "date_naissance=1944-09-09" \
	--data-urlencode "code_postal=31000"
pid=$(q "SELECT id FROM parvis.patient WHERE birth_name = 'Moreau' AND created_by = $ua")

note "the panel: the creator, and the territory's alert managers with a one-click add"
http GET "/icope/usagers/$pid/entourage"
assert_status 200
assert_body_contains 'Test T0305a (vous)'
assert_body_contains 'Gaëlle Gestionnaire'
assert_body_contains "name=\"pro\" value=\"$um\""
tok=$(csrf)

note "search by name: professionals only, accents ignored, members excluded"
http GET "/icope/usagers/$pid/entourage?q=kine"
assert_status 200
assert_body_contains 'Émile Kinéa'
assert_body_contains 'Sophie Kinebert'
assert_body_contains 'Masseur-kinésithérapeute'
assert_body_not_contains 'Kinesupport'
http GET "/icope/usagers/$pid/entourage?q=sophie"
assert_body_contains 'Sophie Kinebert'
assert_body_not_contains 'Émile Kinéa'
http GET "/icope/usagers/$pid/entourage?q=k"
assert_body_contains 'au moins 2 caractères'

note "add several at once"
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok" --data "pro=$uk1&pro=$uk2"
assert_status 303
assert_header Location "^/icope/usagers/$pid/entourage\?ajout=1$"
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND added_by = $ua
	AND user_id IN ($uk1, $uk2)") == 2 ]] || fail "not added"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'circle.add' AND patient_id = $pid") == 2 ]] ||
	fail "additions not audited"
http GET "/icope/usagers/$pid/entourage?q=kine"
assert_body_contains 'Aucun professionnel ne correspond'

note "refused: an account that is not a professional, nothing chosen, bad ids; nothing changed"
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok" --data "pro=$us"
assert_status 422
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok"
assert_status 422
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok" --data "pro=abc"
assert_status 422
http POST "/icope/usagers/$pid/entourage/ajout" --data "pro=$us"
assert_status 403
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid") == 3 ]] || fail "circle changed"

note "the alert manager in one click"
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok" --data "pro=$um"
assert_status 303
http GET "/icope/usagers/$pid/entourage"
assert_body_contains "gestionnaire d'alerte</span>"
assert_body_contains "– dans l'entourage"

note "remove one; not a member: 422"
http POST "/icope/usagers/$pid/entourage/retrait" --data-urlencode "csrf=$tok" --data "pro=$uk2"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $uk2") == 0 ]] || fail "not removed"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'circle.remove' AND patient_id = $pid") == 1 ]] ||
	fail "removal not audited"
http POST "/icope/usagers/$pid/entourage/retrait" --data-urlencode "csrf=$tok" --data "pro=$uk2"
assert_status 422

note "leaving the circle closes the file"
q "DELETE FROM parvis.care_circle WHERE patient_id = $pid AND user_id IN ($uk1, $um)"
http POST "/icope/usagers/$pid/entourage/retrait" --data-urlencode "csrf=$tok" --data "pro=$ua"
assert_status 409
assert_body_contains 'au moins'
q "INSERT INTO parvis.care_circle (patient_id, user_id, added_at) VALUES ($pid, $uk1, NOW())"
http POST "/icope/usagers/$pid/entourage/retrait" --data-urlencode "csrf=$tok" --data "pro=$ua"
assert_status 303
assert_header Location '^/icope/usagers$'
http GET "/icope/usagers/$pid/administratif"
assert_status 403
