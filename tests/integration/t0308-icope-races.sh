#!/usr/bin/env bash
# ICOPE: what a security review found, kept fixed.
# - An alert follows its file: when the address moves the file to another
#   territory, its alerts not yet closed move with it (audited, in the same
#   transaction); the old territory's manager no longer lists, opens (403,
#   never 500) or handles them; the new one does, in the queue and in the
#   list of confirmed alerts.  A STEP 1 raising an alert while the address
#   changes leaves the alert in the file's territory, and the old manager's
#   call racing the address change either lands before the move or is
#   refused (20 concurrent tries each).
# - A STEP 2 saved while it is being closed keeps the results it was closed
#   with (20 concurrent tries).
# - Two members removing each other at once leave one member (20 tries).
# - A duplicate check on creation or edit is audited on each matched file
#   (denied for a file the user may not open).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

q "INSERT IGNORE INTO parvis.territory (id, name) VALUES (2, 'CPTS test deux')"
q "INSERT IGNORE INTO parvis.territory_postal_code (territory_id, postal_code) VALUES (2, '64000')"
account_cgu t0308p pro
up=$USER_ID
account_cgu t0308q pro
uq=$USER_ID
account_cgu t0308m alert_manager:territory:1
account_cgu t0308n alert_manager:territory:2
today=$(TZ=Europe/Paris date +%F)
two_alerts="i_cog_orientation_time=1&i_cog_orientation_place=1&i_cog_words_recalled=3&i_mob_chair_rise_seconds=9&i_nut_weight_loss=1&i_nut_appetite_loss=0&i_vis_eye_problem=0&i_hear_whisper_failed=0&i_mood_down=1&i_mood_interest=0"

# new_patient NAME POSTAL [CURL ARGS...]: created by the logged-in user; id
# in $PID.
new_patient() {
	local name=$1 pc=$2
	shift 2
	http GET /icope/usagers/nouveau
	http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
		--data-urlencode "nom_naissance=$name" --data-urlencode "prenoms=Louise" \
		--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" \
		--data-urlencode "code_postal=$pc" "$@"
	assert_status 303
	PID=$(q "SELECT MAX(id) FROM parvis.patient WHERE birth_name = '$name'")
}
# step1 PID ANSWERS: a validated STEP 1 of today.
step1() {
	http GET "/icope/usagers/$1/step1"
	http POST "/icope/usagers/$1/step1" --data-urlencode "csrf=$(csrf)" \
		--data "action=valider&date=$today&mode=hetero_pro&$2"
	assert_status 303
}
# move PID NAME POSTAL: the administrative form with a new postal code.
move() {
	http GET "/icope/usagers/$1/administratif/modifier"
	http POST "/icope/usagers/$1/administratif/modifier" --data-urlencode "csrf=$(csrf)" \
		--data-urlencode "nom_naissance=$2" --data-urlencode "prenoms=Louise" \
		--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" \
		--data-urlencode "code_postal=$3"
	assert_status 303
}
# jar NAME: keep this session's cookies under NAME (for concurrent requests).
jar() {
	cp "$HTTP_DIR/cookies" "$TEST_TMP/jar-$1"
}
# post_bg NAME PATH OUTFILE CURL_ARGS...: a form posted in the background
# with session NAME's cookies; the status goes to OUTFILE.
post_bg() {
	local name=$1 path=$2 out=$3
	shift 3
	curl -sS --max-time 30 -o /dev/null -w '%{http_code}' -b "$TEST_TMP/jar-$name" \
		-H "Origin: $PARVIS_URL" "$@" "$PARVIS_URL$path" >"$out" &
}

# ---- A: an alert follows its file ----

login_strong t0308p
new_patient Demenage 31000
pa=$PID
new_patient Confirmee 31000
pb=$PID
step1 "$pa" "i_vis_eye_problem=1"
step1 "$pb" "$two_alerts"
aa=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $pa")
ab=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $pb")
[[ $(q "SELECT GROUP_CONCAT(territory_id ORDER BY id) FROM parvis.icope_alert WHERE id IN ($aa, $ab)") == 1,1 ]] ||
	fail "alerts not raised in territory 1"
jar p

note "a confirmed alert (STEP 2 requested) and an open one, in territory 1"
login_strong t0308m
http GET /icope/alertes
assert_body_contains "/icope/alertes/$aa\""
http POST "/icope/alertes/$ab/appel" --data-urlencode "csrf=$(csrf)" --data "resultat=confirmed&professionnel=$up"
assert_status 303
s2b=$(q "SELECT id FROM parvis.icope_step2 WHERE alert_id = $ab")
jar m

note "the address moves both files to territory 2: their alerts follow, audited"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
move "$pa" Demenage 64000
move "$pb" Confirmee 64000
[[ $(q "SELECT GROUP_CONCAT(CONCAT_WS('|', p.territory_id, a.territory_id, a.status) ORDER BY a.id)
	FROM parvis.icope_alert a JOIN parvis.patient p ON p.id = a.patient_id WHERE a.id IN ($aa, $ab)") == \
	"2|2|open,2|2|confirmed" ]] || fail "alerts did not follow their files"
for a in "$aa:$pa" "$ab:$pb"; do
	[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.territory' AND object_id = '${a%%:*}'
		AND patient_id = ${a#*:} AND user_id = $up AND outcome = 'ok' AND detail LIKE '%1 → 2'") == 1 ]] ||
		fail "move of alert ${a%%:*} not audited"
done
note "a save that does not change the territory moves nothing"
move "$pa" Demenage 64000
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.territory' AND object_id = '$aa'") == 1 ]] ||
	fail "alert moved again"

note "the old territory's manager: not listed, 403 on the alert, cannot handle it"
cp "$TEST_TMP/jar-m" "$HTTP_DIR/cookies"
http GET /icope/alertes
assert_status 200
assert_body_not_contains "/icope/alertes/$aa\""
assert_body_not_contains "/icope/usagers/$pb/step2/$s2b"
assert_body_not_contains 'Demenage'
assert_body_not_contains 'Confirmee'
tok=$(csrf)
http GET "/icope/alertes/$aa"
assert_status 403
assert_body_contains 'Cette alerte n&#39;existe pas ou ne vous est pas accessible.'
http POST "/icope/alertes/$aa/appel" --data-urlencode "csrf=$tok" --data "resultat=ruled_out"
assert_status 403
[[ $(q "SELECT CONCAT_WS('|', status, n_calls) FROM parvis.icope_alert WHERE id = $aa") == "open|0" ]] ||
	fail "the old manager handled the alert"
http GET "/icope/usagers/$pa/administratif"
assert_status 403

note "an alert left in a territory its file has left (older data): 403, audited, never 500"
q "UPDATE parvis.icope_alert SET territory_id = 1 WHERE id = $aa"
n0=$(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.denied' AND object_id = '$aa' AND outcome = 'denied'")
http GET "/icope/alertes/$aa"
assert_status 403
assert_body_contains 'Accès refusé'
http POST "/icope/alertes/$aa/appel" --data-urlencode "csrf=$tok" --data "resultat=ruled_out"
assert_status 403
[[ $(q "SELECT CONCAT_WS('|', status, n_calls) FROM parvis.icope_alert WHERE id = $aa") == "open|0" ]] ||
	fail "a call was recorded on a file the manager may not see"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'alert.denied' AND object_id = '$aa'
	AND patient_id = $pa AND outcome = 'denied'") == $((n0 + 2)) ]] || fail "refusals not audited"
note "the file's next save puts it right"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
move "$pa" Demenage 64000
[[ $(q "SELECT territory_id FROM parvis.icope_alert WHERE id = $aa") == 2 ]] || fail "alert not moved back"

note "the new territory's manager: the open alert in the queue, the confirmed one in its list, handled"
login_strong t0308n
http GET /icope/alertes
assert_status 200
assert_body_contains "/icope/alertes/$aa\""
assert_body_contains "/icope/usagers/$pb/step2/$s2b"
http GET "/icope/alertes/$aa"
assert_status 200
assert_body_contains 'Demenage'
http POST "/icope/alertes/$aa/appel" --data-urlencode "csrf=$(csrf)" --data "resultat=ruled_out"
assert_status 303
[[ $(q "SELECT status FROM parvis.icope_alert WHERE id = $aa") == ruled_out ]] || fail "new manager's call not stored"

note "a closed alert stays where it was handled"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
move "$pa" Demenage 31000
[[ $(q "SELECT territory_id FROM parvis.icope_alert WHERE id = $aa") == 2 ]] || fail "a closed alert moved"

note "a STEP 1 raising an alert while the address moves the file, 20 times: the alert ends in the file's territory"
new_patient Bascule 31000
pr=$PID
http GET "/icope/usagers/$pr/step1"
tok=$(csrf)
for try in $(seq 1 20); do
	q "UPDATE parvis.icope_alert SET status = 'ruled_out', closed_at = NOW() WHERE patient_id = $pr;
		UPDATE parvis.patient SET postal_code = '31000', territory_id = 1 WHERE id = $pr"
	post_bg p "/icope/usagers/$pr/step1" "$TEST_TMP/s1" --data-urlencode "csrf=$tok" \
		--data "action=valider&date=$today&mode=hetero_pro&i_vis_eye_problem=1"
	((try % 2 == 0)) || sleep "0.00$((try % 5))"
	post_bg p "/icope/usagers/$pr/administratif/modifier" "$TEST_TMP/mv" --data-urlencode "csrf=$tok" \
		--data-urlencode "nom_naissance=Bascule" --data-urlencode "prenoms=Louise" \
		--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" --data-urlencode "code_postal=64000"
	wait
	[[ $(cat "$TEST_TMP/s1") == 303 && $(cat "$TEST_TMP/mv") == 303 ]] ||
		fail "try $try: STEP 1 $(cat "$TEST_TMP/s1"), address $(cat "$TEST_TMP/mv")"
	got=$(q "SELECT CONCAT_WS('|', p.territory_id, GROUP_CONCAT(a.territory_id)) FROM parvis.patient p
		JOIN parvis.icope_alert a ON a.patient_id = p.id AND a.status = 'open' WHERE p.id = $pr GROUP BY p.id")
	[[ $got == "2|2" ]] || fail "try $try: file and open alert territories $got, expected 2|2"
done

note "the old territory's manager confirms the alert while the address moves the file, 20 times"
new_patient Appel 31000
pc=$PID
step1 "$pc" "i_vis_eye_problem=1"
ac=$(q "SELECT id FROM parvis.icope_alert WHERE patient_id = $pc")
http GET "/icope/usagers/$pc/step1"
tok=$(csrf)
cp "$TEST_TMP/jar-m" "$HTTP_DIR/cookies"
http GET /icope/alertes
tokm=$(csrf)
calls=0
for try in $(seq 1 20); do
	q "DELETE FROM parvis.icope_step2 WHERE alert_id = $ac;
		DELETE FROM parvis.icope_alert_call WHERE alert_id = $ac;
		UPDATE parvis.icope_alert SET status = 'open', n_calls = 0, confirmed_at = NULL, territory_id = 1 WHERE id = $ac;
		UPDATE parvis.patient SET postal_code = '31000', territory_id = 1 WHERE id = $pc"
	post_bg m "/icope/alertes/$ac/appel" "$TEST_TMP/call" --data-urlencode "csrf=$tokm" \
		--data "resultat=confirmed&professionnel=$up"
	((try % 2 == 0)) || sleep "0.00$((try % 5))"
	post_bg p "/icope/usagers/$pc/administratif/modifier" "$TEST_TMP/mv" --data-urlencode "csrf=$tok" \
		--data-urlencode "nom_naissance=Appel" --data-urlencode "prenoms=Louise" \
		--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" --data-urlencode "code_postal=64000"
	wait
	call=$(cat "$TEST_TMP/call") mv=$(cat "$TEST_TMP/mv")
	got=$(q "SELECT CONCAT_WS('|', p.territory_id, a.territory_id, a.status, a.n_calls,
		(SELECT COUNT(*) FROM parvis.icope_step2 s WHERE s.alert_id = a.id))
		FROM parvis.icope_alert a JOIN parvis.patient p ON p.id = a.patient_id WHERE a.id = $ac")
	# Called first: confirmed, then moved; moved first: refused, untouched.
	[[ $mv == 303 && (($call == 303 && $got == "2|2|confirmed|1|1") ||
		($call == 403 && $got == "2|2|open|0|0")) ]] ||
		fail "try $try: call $call, address $mv, alert $got"
	[[ $call == 303 ]] && calls=$((calls + 1))
done
note "$calls calls before the move, $((20 - calls)) refused after it"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"

# ---- B: a STEP 2 save racing its close ----

note "STEP 2: save and close at once, 20 times: closed with the results it was closed with"
s2=$s2b
http GET "/icope/usagers/$pb/step2/$s2"
assert_status 200
tok=$(csrf)
closes=0 saves=0
for try in $(seq 1 20); do
	q "UPDATE parvis.icope_step2 SET status = 'requested', closed_at = NULL, closed_by = NULL WHERE id = $s2;
		UPDATE parvis.icope_alert SET status = 'confirmed', closed_at = NULL WHERE id = $ab;
		DELETE FROM parvis.icope_step2_result WHERE step2_id = $s2"
	post_bg p "/icope/usagers/$pb/step2/$s2" "$TEST_TMP/close" --data-urlencode "csrf=$tok" \
		--data "action=cloturer&date=$today&instrument_nutrition=mna_sf&score_nutrition=12&instrument_mood=phq9&score_mood=10"
	((try % 3 == 0)) || sleep "0.00$((try % 7))"
	post_bg p "/icope/usagers/$pb/step2/$s2" "$TEST_TMP/save" --data-urlencode "csrf=$tok" \
		--data "action=enregistrer&instrument_nutrition=mna_sf&score_nutrition=3&instrument_mood=phq9&score_mood=20"
	wait
	c=$(cat "$TEST_TMP/close") s=$(cat "$TEST_TMP/save")
	st=$(q "SELECT CONCAT_WS('|', s.status, a.status) FROM parvis.icope_step2 s
		JOIN parvis.icope_alert a ON a.id = s.alert_id WHERE s.id = $s2")
	res=$(q "SELECT GROUP_CONCAT(r.score ORDER BY r.score) FROM parvis.icope_step2_result r WHERE r.step2_id = $s2")
	[[ $c == 303 && ($s == 303 || $s == 409) ]] || fail "try $try: close $c, save $s"
	[[ $st == "closed|closed" && $res == "10,12" ]] ||
		fail "try $try: STEP 2 $st with scores $res (save $s), expected the close's 10,12"
	[[ $s == 409 ]] && saves=$((saves + 1))
	closes=$((closes + 1))
done
note "$closes closes, $saves saves refused after the close"
http POST "/icope/usagers/$pb/step2/$s2" --data-urlencode "csrf=$tok" \
	--data "action=enregistrer&instrument_nutrition=mna_sf&score_nutrition=3&instrument_mood=phq9&score_mood=20"
assert_status 409
[[ $(q "SELECT GROUP_CONCAT(r.score ORDER BY r.score) FROM parvis.icope_step2_result r WHERE r.step2_id = $s2") == 10,12 ]] ||
	fail "a closed STEP 2 was changed"

# ---- C: two members removing each other ----

note "two members remove each other at once, 20 times: one member stays"
login_strong t0308q
jar q
http GET /icope/usagers/nouveau
tokq=$(csrf)
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
for try in $(seq 1 20); do
	q "INSERT INTO parvis.patient (birth_name, first_names, sex, birth_date, postal_code,
		created_at, created_by, updated_at, updated_by)
		VALUES ('Entourage$try', 'Jean', 'M', '1940-01-01', '99999', NOW(), $up, NOW(), $up)"
	pid=$(q "SELECT MAX(id) FROM parvis.patient WHERE birth_name = 'Entourage$try'")
	q "INSERT INTO parvis.care_circle (patient_id, user_id, added_at) VALUES ($pid, $up, NOW()), ($pid, $uq, NOW())"
	post_bg p "/icope/usagers/$pid/entourage/retrait" "$TEST_TMP/rp" --data-urlencode "csrf=$tok" --data "pro=$uq"
	post_bg q "/icope/usagers/$pid/entourage/retrait" "$TEST_TMP/rq" --data-urlencode "csrf=$tokq" --data "pro=$up"
	wait
	rp=$(cat "$TEST_TMP/rp") rq=$(cat "$TEST_TMP/rq")
	n=$(q "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid")
	[[ $n == 1 ]] || fail "try $try: $n member(s) left (statuses $rp, $rq)"
	# One removal went through; the other saw one member (409), or was
	# no longer a member itself (403).
	[[ "$rp $rq" =~ ^(303 (403|409)|(403|409) 303)$ ]] || fail "try $try: statuses $rp, $rq"
	[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'circle.remove' AND patient_id = $pid") == 1 ]] ||
		fail "try $try: removals audited"
done

# ---- D: duplicate checks audited ----

ins_with_key() {
	printf '%s%02d' "$1" $((97 - $1 % 97))
}
ins=$(ins_with_key 2410731555444)
matches() {
	q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.duplicate_match' AND user_id = $1
		AND patient_id = $2 AND outcome = '$3' AND detail = '$4'"
}

note "D: a file with an INS, then a creation by someone outside its circle with that INS: 409, audited denied"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
new_patient Sentinelle 31000 --data-urlencode "ins=$ins"
pd=$PID
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.duplicate_match' AND user_id = $up") == 0 ]] ||
	fail "a creation without match audited a match"
cp "$TEST_TMP/jar-q" "$HTTP_DIR/cookies"
http GET /icope/usagers/nouveau
tok=$(csrf)
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Autre" --data-urlencode "prenoms=Nom" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" \
	--data-urlencode "ins=$ins" --data-urlencode "code_postal=31000"
assert_status 409
[[ $(matches "$uq" "$pd" denied "création : même INS") == 1 ]] || fail "same-INS match not audited"

note "a homonym: the confirmation page, each match audited (denied when not the user's, ok when theirs)"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Sentinelle" --data-urlencode "prenoms=Louise" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" --data-urlencode "code_postal=31000"
assert_status 200
assert_body_contains 'name="doublons_vus" value="1"'
[[ $(matches "$uq" "$pd" denied "création : mêmes noms et date de naissance") == 1 ]] || fail "homonym match not audited"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
http GET /icope/usagers/nouveau
http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Sentinelle" --data-urlencode "prenoms=Louise" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" --data-urlencode "code_postal=31000" \
	--data-urlencode "doublons_vus=1"
assert_status 303
[[ $(matches "$up" "$pd" ok "création : mêmes noms et date de naissance") == 1 ]] || fail "own match not audited ok"

note "an edit with another file's INS: 409, audited on that file"
cp "$TEST_TMP/jar-q" "$HTTP_DIR/cookies"
new_patient Quelconque 31000
pq=$PID
http GET "/icope/usagers/$pq/administratif/modifier"
http POST "/icope/usagers/$pq/administratif/modifier" --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Quelconque" --data-urlencode "prenoms=Louise" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1941-07-14" \
	--data-urlencode "ins=$ins" --data-urlencode "code_postal=31000"
assert_status 409
[[ $(matches "$uq" "$pd" denied "modification du dossier : même INS") == 1 ]] || fail "edit match not audited"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.duplicate_match' AND user_id = $uq") == 3 ]] ||
	fail "matches audited more than once"

note "the file's history shows the checks"
cp "$TEST_TMP/jar-p" "$HTTP_DIR/cookies"
http GET "/icope/usagers/$pd/historique"
assert_status 200
assert_body_contains 'Signalé comme doublon possible'
