#!/usr/bin/env bash
# ICOPE access: a file is open only to its care circle and to the alert
# managers of its territory.  A professional outside the circle, an alert
# manager of another territory, a user without an ICOPE role and a level-1
# session are refused; a refused file looks exactly like a missing one (403,
# same page), refusals are audited, nothing changes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

sql "INSERT IGNORE INTO parvis.territory (id, name) VALUES (2, 'CPTS test deux')"
sql "INSERT IGNORE INTO parvis.territory_postal_code (territory_id, postal_code) VALUES (2, '64000')"

account t0302a pro
ua=$USER_ID
account t0302b pro
ub=$USER_ID
account t0302m alert_manager:territory:1
um=$USER_ID
account t0302n alert_manager:territory:2
un=$USER_ID
account t0302s support
us=$USER_ID
for u in $ua $ub $um $un $us; do accept_all_cgu "$u"; done

login_strong t0302a
http GET /icope/usagers/nouveau
http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Lefèvre" --data-urlencode "prenoms=Odette" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1938-05-17" \
	--data-urlencode "code_postal=31000"
assert_status 303
pid=$(sql "SELECT id FROM parvis.patient WHERE birth_name = 'Lefèvre' AND created_by = $ua")
[[ -n $pid ]] || fail "no patient"
missing=$((pid + 1000))

note "level-1 session of a circle member: refused (step-up), nothing audited as read"
login t0302a
for path in "/icope/usagers/$pid/administratif" "/icope/usagers/$pid/step1" /icope/usagers /icope/; do
	http GET "$path"
	assert_status 403
	assert_body_contains 'authentification forte'
done
reads=$(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = $pid AND action = 'patient.read'")
[[ $reads == 0 ]] || fail "a level-1 read was audited as ok"

note "a professional outside the care circle: 403 everywhere, same page as a missing file"
login_strong t0302b
panels=(administratif entourage evaluation alertes suivi historique step1 administratif/modifier)
for pn in "${panels[@]}"; do
	http GET "/icope/usagers/$pid/$pn"
	assert_status 403
	assert_body_contains "existe pas ou ne vous est pas accessible."
	assert_body_not_contains 'Lefèvre'
	body_real=$(sed -n "/<main/,/<\/main>/p" "$HTTP_DIR/body")
	http GET "/icope/usagers/$missing/$pn"
	assert_status 403
	body_missing=$(sed -n "/<main/,/<\/main>/p" "$HTTP_DIR/body")
	[[ $body_real == "$body_missing" ]] || { diff <(echo "$body_real") <(echo "$body_missing") >&2; fail "$pn: a refused file and a missing one differ"; }
done
http GET "/icope/usagers/$pid"
assert_status 403
http GET "/icope/usagers/abc/administratif"
assert_status 403
http GET /icope/usagers
assert_status 200
assert_body_not_contains 'Lefèvre'
http GET '/icope/usagers?q=Lef'
assert_body_not_contains 'Lefèvre'

note "outside the circle: writes refused, nothing changed"
tok=$(csrf)
http GET /icope/usagers/nouveau
tok=$(csrf)
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$tok" --data "pro=$ub"
assert_status 403
file_before=$(sql "SELECT CONCAT_WS('|', updated_at, COALESCE(updated_by, ''),
	COALESCE(last_step1_on, ''), COALESCE(next_step1_due, '')) FROM parvis.patient WHERE id = $pid")
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" \
	--data "date=2026-01-10&mode=hetero_pro&action=valider&i_vis_eye_problem=1"
assert_status 403
# The validation's first write (the due date) is rolled back with the refusal.
[[ $(sql "SELECT CONCAT_WS('|', updated_at, COALESCE(updated_by, ''),
	COALESCE(last_step1_on, ''), COALESCE(next_step1_due, '')) FROM parvis.patient WHERE id = $pid") == "$file_before" ]] ||
	fail "a refused validation changed the file"
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" \
	--data "date=2026-01-10&mode=hetero_pro&action=brouillon&i_vis_eye_problem=1"
assert_status 403
http POST "/icope/usagers/$pid/administratif/modifier" --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Pirate" --data-urlencode "prenoms=X" --data "sexe=F" \
	--data "date_naissance=1938-05-17&code_postal=31000"
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid") == 1 ]] || fail "circle changed"
[[ $(sql "SELECT COUNT(*) FROM parvis.icope_step1 WHERE patient_id = $pid") == 0 ]] || fail "STEP 1 stored"
[[ $(sql "SELECT birth_name FROM parvis.patient WHERE id = $pid") == "Lefèvre" ]] || fail "patient changed"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = $pid AND user_id = $ub
	AND action = 'patient.denied' AND outcome = 'denied'") -ge 10 ]] || fail "refusals not audited"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $ub AND action = 'patient.denied'
	AND object_id = '$missing' AND patient_id IS NULL") -ge 1 ]] || fail "missing-file refusal not audited"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = $pid AND user_id = $ub AND outcome = 'ok'") == 0 ]] ||
	fail "an outsider's access was audited as ok"

note "duplicates a user cannot open are counted, never described"
http GET /icope/usagers/nouveau
http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Lefevre" --data-urlencode "prenoms=Odette" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1938-05-17" \
	--data-urlencode "code_postal=31000"
assert_status 200
assert_body_contains '1 dossier(s) correspondant(s)'
assert_body_not_contains "/icope/usagers/$pid\""

note "the alert manager of the file's territory opens it"
login_strong t0302m
http GET "/icope/usagers/$pid/administratif"
assert_status 200
assert_body_contains 'Lefèvre'
http GET /icope/usagers
assert_body_contains 'Lefèvre'
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = $pid AND user_id = $um
	AND action = 'patient.read' AND outcome = 'ok'") -ge 1 ]] || fail "manager read not audited"

note "the alert manager of another territory: 403, as for a missing file"
login_strong t0302n
http GET "/icope/usagers/$pid/administratif"
assert_status 403
assert_body_contains 'existe pas ou ne vous est pas accessible.'
http GET "/icope/usagers/$pid/alertes"
assert_status 403
http GET /icope/usagers
assert_body_not_contains 'Lefèvre'
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE patient_id = $pid AND user_id = $un
	AND action = 'patient.denied'") -ge 2 ]] || fail "refusal not audited"

note "a user without an ICOPE role: 403 on every page"
login_strong t0302s
for path in /icope/ /icope/usagers /icope/usagers/nouveau "/icope/usagers/$pid/administratif" /icope/suivi /icope/alertes; do
	http GET "$path"
	assert_status 403
done

note "a professional cannot reach the alert manager's pages"
login_strong t0302b
http GET /icope/alertes
assert_status 403

note "anonymous POST: 401, nothing changed"
http_reset
http POST "/icope/usagers/$pid/entourage/ajout" --data "pro=$ub"
assert_status 401 403
[[ $(sql "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid") == 1 ]] || fail "circle changed"

note "once added to the care circle, the professional opens the file; removed, refused again"
login_strong t0302a
http GET "/icope/usagers/$pid/entourage"
http POST "/icope/usagers/$pid/entourage/ajout" --data-urlencode "csrf=$(csrf)" --data "pro=$ub"
assert_status 303
login_strong t0302b
http GET "/icope/usagers/$pid/administratif"
assert_status 200
login_strong t0302a
http GET "/icope/usagers/$pid/entourage"
http POST "/icope/usagers/$pid/entourage/retrait" --data-urlencode "csrf=$(csrf)" --data "pro=$ub"
assert_status 303
login_strong t0302b
http GET "/icope/usagers/$pid/administratif"
assert_status 403
