#!/usr/bin/env bash
# ICOPE demo data (parvis-admin demo-data): synthetic patients of the demo
# territory with their care circle, validated STEP 1 whose stored results
# agree with their answers, alerts at every stage for alerte.icope, STEP 2
# to do and done; valid INS keys; run twice, added once.
. "$(dirname "$0")/lib.sh"
q() { sql "$1"; }

demo="ins LIKE '_____99100%'"
[[ $(q "SELECT COUNT(*) FROM parvis.patient WHERE $demo") == 0 ]] || fail "demo patients exist before the test"
others=$(q "SELECT COUNT(*) FROM parvis.patient")

stack admin demo-data >/dev/null || fail "demo-data failed"
n=$(q "SELECT COUNT(*) FROM parvis.patient WHERE $demo AND territory_id = 1")
((n >= 50)) || fail "only $n demo patients"
dr=$(q "SELECT id FROM parvis.app_user WHERE login = 'dr.martin'")
[[ $(q "SELECT COUNT(*) FROM parvis.patient p WHERE $demo AND NOT EXISTS (SELECT 1 FROM parvis.care_circle c
	WHERE c.patient_id = p.id AND c.user_id = $dr)") == 0 ]] || fail "a patient outside dr.martin's circle"

note "every INS has a valid key"
bad=$(q "SELECT COUNT(*) FROM parvis.patient WHERE $demo AND 97 - MOD(CAST(LEFT(ins, 13) AS UNSIGNED), 97)
	<> CAST(RIGHT(ins, 2) AS UNSIGNED)")
[[ $bad == 0 ]] || fail "$bad INS with a wrong key"

note "stored results agree with the answers (WHO rules)"
wrong=$(q "SELECT COUNT(*) FROM parvis.icope_step1_result r JOIN parvis.icope_function f ON f.id = r.function_id
	WHERE f.code = 'nutrition' AND r.result <> IF(EXISTS (SELECT 1 FROM parvis.icope_step1_answer a
	JOIN parvis.icope_item i ON i.id = a.item_id WHERE a.step1_id = r.step1_id AND i.function_id = f.id),
	IF(EXISTS (SELECT 1 FROM parvis.icope_step1_answer a JOIN parvis.icope_item i ON i.id = a.item_id
	WHERE a.step1_id = r.step1_id AND i.function_id = f.id AND a.value = '1'), 'alert', 'normal'), 'not_assessed')")
[[ $wrong == 0 ]] || fail "$wrong nutrition results disagree with their answers"
wrong=$(q "SELECT COUNT(*) FROM parvis.icope_step1_result r JOIN parvis.icope_function f ON f.id = r.function_id
	JOIN parvis.icope_step1_answer a ON a.step1_id = r.step1_id JOIN parvis.icope_item i ON i.id = a.item_id
	WHERE i.code = 'mob_chair_rise_seconds'
	AND r.result <> IF(CAST(REPLACE(a.value, ',', '.') AS DECIMAL(6,2)) > 14, 'alert', 'normal')
	AND f.code = 'mobility'")
[[ $wrong == 0 ]] || fail "$wrong mobility results disagree with the chair-rise time"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_step1 s WHERE n_alert <> (SELECT COUNT(*) FROM parvis.icope_step1_result r
	WHERE r.step1_id = s.id AND r.result = 'alert')") == 0 ]] || fail "n_alert disagrees"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_step1 s WHERE (n_alert > 0) <> EXISTS (SELECT 1 FROM parvis.icope_alert a
	WHERE a.step1_id = s.id)") == 0 ]] || fail "alerts do not match the STEP 1 results"

note "alerts at every stage, STEP 2 to do and done"
for st in open unreachable confirmed ruled_out closed; do
	(($(q "SELECT COUNT(*) FROM parvis.icope_alert WHERE status = '$st'") > 0)) || fail "no $st alert"
done
[[ $(q "SELECT COUNT(*) FROM parvis.icope_alert a WHERE a.status IN ('confirmed', 'closed')
	AND NOT EXISTS (SELECT 1 FROM parvis.icope_step2 s WHERE s.alert_id = a.id)") == 0 ]] || fail "confirmed alert without STEP 2"
[[ $(q "SELECT COUNT(*) FROM parvis.icope_step2 s WHERE s.status = 'closed' AND NOT EXISTS
	(SELECT 1 FROM parvis.icope_step2_result r WHERE r.step2_id = s.id)") == 0 ]] || fail "closed STEP 2 without results"
(($(q "SELECT COUNT(*) FROM parvis.patient WHERE $demo AND next_step1_due < CURDATE()") > 0)) || fail "nobody overdue"
(($(q "SELECT COUNT(*) FROM parvis.patient WHERE $demo AND next_step1_due IS NULL") > 0)) || fail "nobody never screened"

note "run again: nothing added"
stack admin demo-data >/dev/null
[[ $(q "SELECT COUNT(*) FROM parvis.patient") == $((n + others)) ]] || fail "demo added twice"

note "the demo alert manager sees the alerts (web)"
# parvis-admin may grant the demo roles to other ids (see t0301): grant here.
q "INSERT IGNORE INTO parvis.user_role (user_id, role, scope_type, scope_id)
	SELECT id, 'alert_manager', 'territory', 1 FROM parvis.app_user WHERE login = 'alerte.icope'"
accept_all_cgu "$(q "SELECT id FROM parvis.app_user WHERE login = 'alerte.icope'")"
sql "UPDATE parvis.app_user SET email = 'alerte.icope@test.parvis.localhost' WHERE login = 'alerte.icope'"
TEST_PASSWORD='Parvis-Demo-2026!' login_strong alerte.icope
http GET /icope/alertes
assert_status 200
assert_body_contains '/icope/alertes/'
assert_body_contains 'STEP 2 en attente'
