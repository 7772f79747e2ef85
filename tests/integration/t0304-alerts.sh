#!/usr/bin/env bash
# ICOPE alerts and STEP 2: a STEP 1 with two positive functions raises an
# alert for the territory's alert manager (oldest first); the manager records
# calls (unreachable, confirmed -> STEP 2 assigned to a professional of the
# care circle, ruled out); the professional enters the STEP 2 per function
# with the data-driven interpretation; closing it closes the alert.  The
# manager of another territory and a professional are refused.  Follow-up
# list of the people whose next STEP 1 is due.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

q "INSERT IGNORE INTO parvis.territory (id, name) VALUES (2, 'CPTS test deux')"
account_cgu t0304a pro
ua=$USER_ID
account_cgu t0304c pro
uc=$USER_ID
account_cgu t0304b pro
ub=$USER_ID
account_cgu t0304m alert_manager:territory:1
um=$USER_ID
account_cgu t0304n alert_manager:territory:2
today=$(TZ=Europe/Paris date +%F)
past=$(TZ=Europe/Paris date -d '-10 days' +%F)

# new_patient NAME POSTAL: created by the logged-in user; id in $PID.
new_patient() {
	http GET /icope/usagers/nouveau
	http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
		--data-urlencode "nom_naissance=$1" --data-urlencode "prenoms=Louise" \
		--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" \
		--data-urlencode "code_postal=$2"
	assert_status 303
	PID=$(q "SELECT MAX(id) FROM parvis.patient WHERE birth_name = '$1' AND created_by = $ua")
}
# step1 PID DATE ANSWERS: a validated STEP 1.
step1() {
	http GET "/icope/usagers/$1/step1"
	http POST "/icope/usagers/$1/step1" --data-urlencode "csrf=$(csrf)" \
		--data "action=valider&date=$2&mode=hetero_pro&$3"
	assert_status 303
}
all_normal="i_cog_orientation_time=1&i_cog_orientation_place=1&i_cog_words_recalled=3&i_mob_chair_rise_seconds=9&i_nut_weight_loss=0&i_nut_appetite_loss=0&i_vis_eye_problem=0&i_hear_whisper_failed=0&i_mood_down=0&i_mood_interest=0"
two_alerts="i_cog_orientation_time=1&i_cog_orientation_place=1&i_cog_words_recalled=3&i_mob_chair_rise_seconds=9&i_nut_weight_loss=1&i_nut_appetite_loss=0&i_vis_eye_problem=0&i_hear_whisper_failed=0&i_mood_down=1&i_mood_interest=0"

login_strong t0304a
new_patient Roussel 31000
p1=$PID
http GET "/icope/usagers/$p1/entourage"
http POST "/icope/usagers/$p1/entourage/ajout" --data-urlencode "csrf=$(csrf)" --data "pro=$uc"
assert_status 303
new_patient Vidal 31200
p2=$PID
new_patient Navarro 64000
p3=$PID
q "UPDATE parvis.patient SET territory_id = 2 WHERE id = $p3"

note "a STEP 1 without any positive function raises no alert"
step1 "$p2" "$past" "$all_normal"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_alert WHERE patient_id = $p2") == 0 ]] || fail "alert without positive function"

note "two positive functions: one alert with both functions"
step1 "$p1" "$today" "$two_alerts"
a1=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $p1")
step1 "$p2" "$today" "i_vis_eye_problem=1"
a2=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $p2")
step1 "$p3" "$today" "i_vis_eye_problem=1"
a3=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $p3")
[[ -n $a1 && -n $a2 && -n $a3 ]] || fail "alerts not raised"
# The oldest of all (other tests' alerts may share the territory).
q "UPDATE parvis.icope_alert SET created_at = '2001-01-01 09:00' WHERE id = $a2"
q "UPDATE parvis.icope_alert SET created_at = '2001-01-04 09:00' WHERE id = $a1"

note "a professional cannot open the alert pages"
http GET /icope/alertes
assert_status 403
http GET "/icope/alertes/$a1"
assert_status 403

note "the territory's alert manager: open alerts, oldest first, with function(s), date, who screened"
login_strong t0304m
http GET /icope/
assert_status 200
assert_body_contains "$(q "SELECT COUNT(*) FROM parvis.icope_alert WHERE territory_id = 1
	AND status IN ('open', 'unreachable')") alerte(s) en attente"
http GET /icope/alertes
assert_status 200
assert_body_contains 'Nutrition (vitalité), Humeur (psychologie)'
assert_body_contains 'par Test T0304a'
assert_body_not_contains 'Navarro'
order=$(grep -o '/icope/alertes/[0-9]*"' "$HTTP_DIR/body" | grep -o '[0-9]*' | tr '\n' ' ')
[[ $order == "$a2 $a1 "* ]] || fail "queue order: $order ($a2 then $a1 first: the oldest)"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $um AND action = 'patient.list'
	AND object_type = 'alert' AND FIND_IN_SET('$p1', detail)") == 1 ]] || fail "queue not audited"

note "one alert: its details and the call form (care circle professionals offered)"
http GET "/icope/alertes/$a1"
assert_status 200
assert_body_contains 'Roussel Louise'
assert_body_contains "<option value=\"$uc\">Test T0304c</option>"
assert_body_contains "<option value=\"$ua\">Test T0304a</option>"
assert_body_not_contains "<option value=\"$ub\">"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $um AND action = 'alert.read'
	AND patient_id = $p1 AND object_id = '$a1'") == 1 ]] || fail "alert read not audited"
tok=$(csrf)

note "invalid calls: 422, nothing recorded"
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "note=x"
assert_status 422
assert_body_contains 'id="resultat-error"'
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "resultat=confirmed"
assert_status 422
assert_body_contains 'id="professionnel-error"'
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "resultat=confirmed&professionnel=$ub"
assert_status 422
assert_body_contains 'Choisissez un professionnel de l&#39;entourage'
http POST "/icope/alertes/$a1/appel" --data "resultat=unreachable"
assert_status 403
[[ $(q "SELECT COUNT(*) FROM parvis.icope_alert_call WHERE alert_id = $a1") == 0 ]] || fail "a call was recorded"
[[ $(q "SELECT status FROM parvis.icope_alert WHERE id = $a1") == open ]] || fail "status changed"

note "unreachable: still to handle, call counted"
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "resultat=unreachable" \
	--data-urlencode "note=Messagerie, rappeler demain"
assert_status 303
assert_header Location "^/icope/alertes/$a1\?appel=1$"
[[ $(q "SELECT CONCAT_WS('|', status, n_calls, handled_by, last_call_at IS NOT NULL) FROM parvis.icope_alert
	WHERE id = $a1") == "unreachable|1|$um|1" ]] || fail "unreachable not stored"
[[ $(q "SELECT CONCAT_WS('|', outcome, called_by, note) FROM parvis.icope_alert_call WHERE alert_id = $a1") == \
	"unreachable|$um|Messagerie, rappeler demain" ]] || fail "call row"
http GET /icope/alertes
assert_body_contains 'Injoignable, à rappeler'

note "confirmed: a STEP 2 request assigned to a professional of the care circle"
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "resultat=confirmed&professionnel=$uc"
assert_status 303
[[ $(q "SELECT CONCAT_WS('|', status, n_calls, confirmed_at IS NOT NULL, closed_at IS NULL) FROM parvis.icope_alert
	WHERE id = $a1") == "confirmed|2|1|1" ]] || fail "confirmation not stored"
s2=$(q "SELECT id FROM parvis.icope_step2 WHERE alert_id = $a1")
[[ $(q "SELECT CONCAT_WS('|', status, assigned_to, requested_by, patient_id) FROM parvis.icope_step2 WHERE id = $s2") == \
	"requested|$uc|$um|$p1" ]] || fail "STEP 2 request"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.call' AND patient_id = $p1") == 2 ]] ||
	fail "calls not audited"
http GET /icope/alertes
assert_body_contains 'STEP 2 en attente'
assert_body_contains "/icope/usagers/$p1/step2/$s2"
http GET "/icope/alertes/$a1"
assert_body_contains 'Confirmée, STEP 2 demandé'
assert_body_not_contains 'Noter un appel'
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$tok" --data "resultat=ruled_out"
assert_status 409

note "ruled out: closed at once"
http POST "/icope/alertes/$a2/appel" --data-urlencode "csrf=$tok" --data "resultat=ruled_out" \
	--data-urlencode "note=Lunettes neuves, suivi ophtalmologique en cours"
assert_status 303
[[ $(q "SELECT CONCAT_WS('|', status, ruled_out_at IS NOT NULL, closed_at IS NOT NULL) FROM parvis.icope_alert
	WHERE id = $a2") == "ruled_out|1|1" ]] || fail "ruled out not stored"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_step2 WHERE alert_id = $a2") == 0 ]] || fail "STEP 2 for a ruled-out alert"
http GET /icope/alertes
assert_body_not_contains "/icope/alertes/$a2\""

note "the alert manager of another territory: refused, audited"
login_strong t0304n
http GET /icope/alertes
assert_status 200
assert_body_not_contains 'Roussel'
assert_body_contains 'Navarro'
http GET "/icope/alertes/$a1"
assert_status 403
http GET "/icope/alertes/$((a3 + 1000))"
assert_status 403
http GET "/icope/alertes/$a3"
assert_status 200
http POST "/icope/alertes/$a1/appel" --data-urlencode "csrf=$(csrf)" --data "resultat=ruled_out"
assert_status 403
[[ $(q "SELECT status FROM parvis.icope_alert WHERE id = $a1") == confirmed ]] || fail "status changed"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.denied' AND patient_id = $p1") -ge 2 ]] ||
	fail "refusals not audited"
http GET "/icope/usagers/$p1/step2/$s2"
assert_status 403

note "the assigned professional: the STEP 2 on the home page, one form per alerted function"
login_strong t0304c
http GET /icope/
assert_status 200
assert_body_contains "/icope/usagers/$p1/step2/$s2"
http GET "/icope/usagers/$p1/step2/$s2"
assert_status 200
assert_body_contains 'name="instrument_nutrition"'
assert_body_contains 'name="instrument_mood"'
assert_body_not_contains 'name="instrument_vision"'
assert_body_contains '<option value="mna_sf">MNA-SF (0 à 14 /14)</option>'
assert_body_contains '<option value="phq9">'
assert_body_contains '<option value="gds15">'
grep -A4 'name="instrument_mood"' "$HTTP_DIR/body" | grep -q 'value="mmse"' && fail "MMSE offered for mood"
tok=$(csrf)

note "save one function: stored with the interpretation of its band"
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=enregistrer" \
	--data "date=$today&instrument_nutrition=mna_sf&score_nutrition=9"
assert_status 303
[[ $(q "SELECT CONCAT_WS('|', i.code, r.score, r.level, r.interpretation, r.entered_by) FROM parvis.icope_step2_result r
	JOIN parvis.icope_instrument i ON i.id = r.instrument_id WHERE r.step2_id = $s2") == \
	"mna_sf|9|risk|Risque de dénutrition|$uc" ]] || fail "STEP 2 result"
[[ $(q "SELECT status FROM parvis.icope_step2 WHERE id = $s2") == requested ]] || fail "closed too early"
http GET "/icope/usagers/$p1/step2/$s2"
assert_body_contains 'Risque de dénutrition'
assert_body_contains '<option value="mna_sf" selected>'

note "invalid: an instrument of another function, a score out of range, closing with a function missing"
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=enregistrer" \
	--data "instrument_mood=mmse&score_mood=20&instrument_nutrition=mna_sf&score_nutrition=9"
assert_status 422
assert_body_contains 'id="instrument_mood-error"'
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=enregistrer" \
	--data "instrument_mood=phq9&score_mood=28&instrument_nutrition=mna_sf&score_nutrition=9"
assert_status 422
assert_body_contains 'Saisissez un score entier entre 0 et 27.'
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=cloturer" \
	--data "date=$today&instrument_nutrition=mna_sf&score_nutrition=9"
assert_status 422
assert_body_contains 'avant de clôturer'
[[ $(q "SELECT status FROM parvis.icope_step2 WHERE id = $s2") == requested ]] || fail "closed with a function missing"
[[ $(q "SELECT status FROM parvis.icope_alert WHERE id = $a1") == confirmed ]] || fail "alert closed"

note "close: every function scored, the STEP 2 and the alert are closed"
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=cloturer" \
	--data "date=$today&instrument_nutrition=mna_sf&score_nutrition=12&instrument_mood=phq9&score_mood=10" \
	--data-urlencode "commentaires=Orientée vers le médecin traitant"
assert_status 303
[[ $(q "SELECT CONCAT_WS('|', status, closed_by, performed_on, comments) FROM parvis.icope_step2 WHERE id = $s2") == \
	"closed|$uc|$today|Orientée vers le médecin traitant" ]] || fail "STEP 2 not closed"
[[ $(q "SELECT CONCAT_WS('|', status, closed_at IS NOT NULL) FROM parvis.icope_alert WHERE id = $a1") == "closed|1" ]] ||
	fail "alert not closed"
[[ $(q "SELECT GROUP_CONCAT(CONCAT(i.code, '=', r.score, '/', r.level) ORDER BY i.code) FROM parvis.icope_step2_result r
	JOIN parvis.icope_instrument i ON i.id = r.instrument_id WHERE r.step2_id = $s2") == \
	"mna_sf=12/normal,phq9=10/abnormal" ]] || fail "closing results"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'step2.close' AND patient_id = $p1 AND user_id = $uc") == 1 ]] ||
	fail "closing not audited"
http GET "/icope/usagers/$p1/step2/$s2?enregistre=1"
assert_status 200
assert_body_contains 'id="etat-step2"'
assert_body_contains 'Symptômes dépressifs probables'
assert_body_contains 'État nutritionnel normal'
http POST "/icope/usagers/$p1/step2/$s2" --data-urlencode "csrf=$tok" --data "action=enregistrer"
assert_status 409
http GET "/icope/usagers/$p1/alertes"
assert_status 200
assert_body_contains 'Close (STEP 2 réalisé)'
assert_body_contains 'réalisé</a> – Test T0304c'
http GET /icope/
assert_body_contains 'Aucun STEP 2 ne vous est confié'

note "the ICOPE panel shows the territory's alert managers, added in one click"
login_strong t0304a
http GET "/icope/usagers/$p1/alertes"
assert_status 200
assert_body_contains 'Test T0304m'
http POST "/icope/usagers/$p1/entourage/ajout" --data-urlencode "csrf=$(csrf)" --data "pro=$um"
assert_status 303
[[ $(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $p1 AND user_id = $um") == 1 ]] ||
	fail "manager not added"

note "follow-up: due or overdue, never screened; per professional and per territory"
new_patient Petit 31000
p4=$PID
q "UPDATE parvis.patient SET next_step1_due = '$past' WHERE id = $p2"
http GET /icope/suivi
assert_status 200
assert_body_contains 'Vidal Louise'
assert_body_contains 'dépassé'
assert_body_contains 'Petit Louise'
assert_body_contains 'jamais'
assert_body_not_contains 'Roussel Louise'
order=$(grep -o '/icope/usagers/[0-9]*"' "$HTTP_DIR/body" | grep -o '[0-9]*' | tr '\n' ' ')
[[ $order == "$p4 $p2 " ]] || fail "never screened, then overdue: $order"
http GET '/icope/suivi?territoire=1'
assert_status 403
login_strong t0304m
http GET '/icope/suivi?territoire=1'
assert_status 200
assert_body_contains 'Vidal Louise'
assert_body_not_contains 'Navarro'
http GET '/icope/suivi?territoire=2'
assert_status 403
