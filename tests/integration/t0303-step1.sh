#!/usr/bin/env bash
# ICOPE STEP 1: the form built from the data tables (blocks and items),
# invalid answers refused, draft saved and taken up again, validation scored
# by icope_rules (alert / normal / not assessed per function, boundary 14 s),
# results and alert stored, next STEP 1 due after 6 months; a second STEP 1
# shown beside the first with its declines; a 7th unscored block added as
# data shows up without code.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

account t0303a pro
ua=$USER_ID
accept_all_cgu "$ua"
login_strong t0303a

http GET /icope/usagers/nouveau
http POST /icope/usagers/nouveau --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Garcia" --data-urlencode "prenoms=Rosa" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1942-02-02" \
	--data-urlencode "code_postal=31500"
assert_status 303
pid=$(q "SELECT id FROM parvis.patient WHERE birth_name = 'Garcia' AND created_by = $ua")
today=$(TZ=Europe/Paris date +%F)
first=$(TZ=Europe/Paris date -d '-200 days' +%F)

note "the form comes from the tables: six blocks, their items, general information"
http GET "/icope/usagers/$pid/step1"
assert_status 200
for b in cognition mobility nutrition vision hearing mood; do
	assert_body_contains "id=\"bloc-$b\""
done
for i in cog_orientation_time cog_orientation_place cog_words_recalled cog_memory_worsened \
	mob_chair_rise_seconds mob_chair_rise_unable nut_weight_loss nut_appetite_loss \
	vis_eye_problem hear_whisper_failed hear_audiometry_db hear_hearwho_score mood_down mood_interest; do
	assert_body_contains "name=\"i_$i\""
done
assert_body_contains 'name="mode" value="auto"'
assert_body_contains 'name="mode" value="hetero_non_pro"'
assert_body_contains "value=\"$today\""
assert_body_contains 'Saisi par : Test T0303a'
tok=$(csrf)

note "invalid answers: 422 with the message beside each field, nothing stored"
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" --data "action=valider" \
	--data "date=2099-01-01&mode=hetero_pro&i_cog_words_recalled=5&i_mob_chair_rise_seconds=abc" \
	--data "i_hear_audiometry_db=200&i_vis_eye_problem=2"
assert_status 422
assert_body_contains 'id="date-error"'
assert_body_contains 'id="i_cog_words_recalled-error"'
assert_body_contains 'Saisissez un nombre entier entre 0 et 3.'
assert_body_contains 'id="i_mob_chair_rise_seconds-error"'
assert_body_contains 'entre 1 et 300'
assert_body_contains 'id="i_hear_audiometry_db-error"'
assert_body_contains 'id="i_vis_eye_problem-error"'
assert_body_contains 'value="abc"'
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" --data "action=valider" \
	--data "date=$first&mode=nimporte"
assert_status 422
assert_body_contains 'id="mode-error"'
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" --data "action=valider" \
	--data "date=$first&mode=hetero_pro"
assert_status 422
assert_body_contains 'id="reponses-error"'
assert_body_contains 'Aucune réponse n&#39;est saisie'
[[ $(q "SELECT COUNT(*) FROM parvis.icope_step1 WHERE patient_id = $pid") == 0 ]] || fail "a STEP 1 was stored"

note "save as draft, then take it up again"
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" --data "action=brouillon" \
	--data "date=$first&mode=hetero_non_pro" --data-urlencode "realise_par=Anne Aidante" \
	--data "i_cog_orientation_time=1&i_mob_chair_rise_seconds=14.0" \
	--data-urlencode "commentaires=Premier essai"
assert_status 303
assert_header Location "^/icope/usagers/$pid/step1\?enregistre=1$"
s1=$(q "SELECT id FROM parvis.icope_step1 WHERE patient_id = $pid")
[[ $(q "SELECT CONCAT_WS('|', status, performed_on, mode, performer_name, comments, entered_by)
	FROM parvis.icope_step1 WHERE id = $s1") == "draft|$first|hetero_non_pro|Anne Aidante|Premier essai|$ua" ]] ||
	fail "draft row: $(q "SELECT * FROM parvis.icope_step1 WHERE id = $s1")"
[[ $(q "SELECT GROUP_CONCAT(CONCAT(i.code, '=', a.value) ORDER BY i.code) FROM parvis.icope_step1_answer a
	JOIN parvis.icope_item i ON i.id = a.item_id WHERE a.step1_id = $s1") == "cog_orientation_time=1,mob_chair_rise_seconds=14,0" ]] ||
	fail "draft answers"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'step1.draft' AND patient_id = $pid") == 1 ]] ||
	fail "draft not audited"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_alert WHERE patient_id = $pid") == 0 ]] || fail "a draft raised an alert"
http GET "/icope/usagers/$pid/step1?enregistre=1"
assert_status 200
assert_body_contains 'Le brouillon est enregistré'
assert_body_contains 'id="i_cog_orientation_time-1" name="i_cog_orientation_time" value="1" checked'
assert_body_contains 'value="14,0"'
assert_body_contains 'value="Anne Aidante"'
assert_body_contains 'Premier essai</textarea>'
http GET "/icope/usagers/$pid/evaluation"
assert_status 200
assert_body_contains 'Reprendre le brouillon'
assert_body_contains 'brouillon</span>'

note "validate: two alerts, one function not assessed, 14 s exactly is normal"
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$tok" --data "action=valider" \
	--data "date=$first&mode=hetero_pro&realise_par=" \
	--data "i_cog_orientation_time=1&i_cog_orientation_place=1&i_cog_words_recalled=3&i_cog_memory_worsened=1" \
	--data "i_mob_chair_rise_seconds=14&i_nut_weight_loss=1&i_nut_appetite_loss=0&i_vis_eye_problem=0" \
	--data "i_mood_down=0&i_mood_interest=1"
assert_status 303
assert_header Location "^/icope/usagers/$pid/step1/$s1$"
[[ $(q "SELECT CONCAT_WS('|', status, n_alert, n_not_assessed, completeness, validated_by, mode)
	FROM parvis.icope_step1 WHERE id = $s1") == "validated|2|1|83|$ua|hetero_pro" ]] ||
	fail "validated row: $(q "SELECT * FROM parvis.icope_step1 WHERE id = $s1")"
[[ $(q "SELECT GROUP_CONCAT(CONCAT(f.code, '=', r.result, '/', r.decline, '/', r.info) ORDER BY f.position)
	FROM parvis.icope_step1_result r JOIN parvis.icope_function f ON f.id = r.function_id
	WHERE r.step1_id = $s1") == "cognition=normal/0/1,mobility=normal/0/0,nutrition=alert/0/0,vision=normal/0/0,hearing=not_assessed/0/0,mood=alert/0/0" ]] ||
	fail "results: $(q "SELECT * FROM parvis.icope_step1_result WHERE step1_id = $s1")"
[[ $(q "SELECT CONCAT_WS('|', a.status, a.territory_id, a.patient_id,
	(SELECT GROUP_CONCAT(f.code ORDER BY f.position) FROM parvis.icope_alert_function af
	 JOIN parvis.icope_function f ON f.id = af.function_id WHERE af.alert_id = a.id))
	FROM parvis.icope_alert a WHERE a.step1_id = $s1") == "open|1|$pid|nutrition,mood" ]] ||
	fail "alert: $(q "SELECT * FROM parvis.icope_alert")"
[[ $(q "SELECT CONCAT_WS('|', last_step1_on, next_step1_due = DATE_ADD('$first', INTERVAL 6 MONTH))
	FROM parvis.patient WHERE id = $pid") == "$first|1" ]] || fail "next STEP 1 due date"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'step1.validate' AND patient_id = $pid
	AND object_id = '$s1'") == 1 ]] || fail "validation not audited"

note "the result page: each function's result, not assessed shown as such"
http GET "/icope/usagers/$pid/step1/$s1"
assert_status 200
assert_body_contains '2 fonction(s) en alerte'
assert_body_contains '<span class="badge badge-warn">Alerte</span>'
assert_body_contains '<em>Non évalué</em>'
assert_body_contains 'Mémoire aggravée signalée'
assert_body_contains '14 s'
assert_body_contains 'STEP 1 précédent</dt><dd>aucun'
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'step1.read' AND patient_id = $pid") -ge 1 ]] ||
	fail "result read not audited"

note "a second STEP 1: beside the first, declines flagged"
http GET "/icope/usagers/$pid/step1"
assert_status 200
assert_body_not_contains 'Vous reprenez le brouillon'
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$(csrf)" --data "action=valider" \
	--data "date=$today&mode=auto" \
	--data "i_cog_orientation_time=1&i_cog_orientation_place=1&i_cog_words_recalled=2" \
	--data "i_mob_chair_rise_seconds=16,5&i_nut_weight_loss=0&i_nut_appetite_loss=0&i_vis_eye_problem=0" \
	--data "i_hear_whisper_failed=0&i_mood_down=0&i_mood_interest=0"
assert_status 303
s2=$(q "SELECT MAX(id) FROM parvis.icope_step1 WHERE patient_id = $pid")
[[ $s2 != "$s1" ]] || fail "no second STEP 1"
[[ $(q "SELECT GROUP_CONCAT(CONCAT(f.code, '=', r.result, '/', r.decline) ORDER BY f.position)
	FROM parvis.icope_step1_result r JOIN parvis.icope_function f ON f.id = r.function_id
	WHERE r.step1_id = $s2") == "cognition=alert/5,mobility=alert/3,nutrition=normal/0,vision=normal/0,hearing=normal/0,mood=normal/0" ]] ||
	fail "second results: $(q "SELECT * FROM parvis.icope_step1_result WHERE step1_id = $s2")"
[[ $(q "SELECT CONCAT_WS('|', last_step1_on, next_step1_due = DATE_ADD('$today', INTERVAL 6 MONTH))
	FROM parvis.patient WHERE id = $pid") == "$today|1" ]] || fail "next due not moved"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_alert WHERE patient_id = $pid") == 2 ]] || fail "second alert"
http GET "/icope/usagers/$pid/step1/$s2"
assert_status 200
assert_body_contains "à côté du STEP 1 du $(date -d "$first" +%d/%m/%Y)"
assert_body_contains 'Temps de lever de chaise en hausse'
assert_body_contains 'Moins de mots rappelés'
assert_body_contains 'Nouvelle alerte depuis le repérage précédent'
assert_body_contains '16,5 s'
assert_body_contains "href=\"/icope/usagers/$pid/step1/$s1\""

note "the evaluation panel lists both; the follow-up panel shows the due date"
http GET "/icope/usagers/$pid/evaluation"
assert_status 200
assert_body_contains "/icope/usagers/$pid/step1/$s1"
assert_body_contains "/icope/usagers/$pid/step1/$s2"
assert_body_contains 'Auto-évaluation'
http GET "/icope/usagers/$pid/suivi"
assert_status 200
assert_body_contains "$(date -d "$today +6 months" +%d/%m/%Y)"

note "the list shows the last STEP 1 and the open alerts"
http GET '/icope/usagers?vue=simple'
assert_body_contains "$(date -d "$today" +%d/%m/%Y)"
assert_body_contains '<span class="badge badge-warn">2</span>'

note "a STEP 1 of another file, or unknown: 404"
http GET "/icope/usagers/$pid/step1/999999"
assert_status 404

note "a 7th block, unscored, added as data, shows up and is recorded"
q "INSERT INTO parvis.icope_function (code, label, rule, position) VALUES ('social', 'Situation sociale', 'none', 70)"
q "INSERT INTO parvis.icope_item (function_id, code, label, kind, role, min_value, max_value, cmp, position)
	SELECT id, 'soc_lives_alone', 'Vit seule ?', 'yesno', 'required', 0, 1, 'never', 10 FROM parvis.icope_function WHERE code = 'social'"
q "INSERT INTO parvis.icope_item (function_id, code, label, kind, role, min_value, max_value, cmp, position)
	SELECT id, 'soc_note', 'Aides en place', 'text', 'optional', 0, 200, 'never', 20 FROM parvis.icope_function WHERE code = 'social'"
http GET "/icope/usagers/$pid/step1"
assert_status 200
assert_body_contains 'id="bloc-social"'
assert_body_contains 'Situation sociale (non coté)'
assert_body_contains 'name="i_soc_note"'
http POST "/icope/usagers/$pid/step1" --data-urlencode "csrf=$(csrf)" --data "action=valider" \
	--data "date=$today&mode=hetero_pro&i_vis_eye_problem=1&i_soc_lives_alone=1" \
	--data-urlencode "i_soc_note=Portage de repas"
assert_status 303
s3=$(q "SELECT MAX(id) FROM parvis.icope_step1 WHERE patient_id = $pid")
[[ $(q "SELECT r.result FROM parvis.icope_step1_result r JOIN parvis.icope_function f ON f.id = r.function_id
	WHERE r.step1_id = $s3 AND f.code = 'social'") == not_scored ]] || fail "7th block not recorded as not scored"
[[ $(q "SELECT completeness FROM parvis.icope_step1 WHERE id = $s3") == 16 ]] || fail "completeness counts scored blocks only"
http GET "/icope/usagers/$pid/step1/$s3"
assert_status 200
assert_body_contains 'Non coté'
assert_body_contains 'Portage de repas'

note "a broken form table stops scoring rather than scoring wrong"
q "UPDATE parvis.icope_item SET threshold = 0, cmp = 'above', kind = 'yesno' WHERE code = 'vis_eye_problem'"
http GET "/icope/usagers/$pid/step1"
assert_status 500
q "UPDATE parvis.icope_item SET threshold = 1, cmp = 'eq', kind = 'yesno' WHERE code = 'vis_eye_problem'"
q "UPDATE parvis.icope_function SET enabled = FALSE WHERE code = 'social'"
http GET "/icope/usagers/$pid/step1"
assert_status 200
