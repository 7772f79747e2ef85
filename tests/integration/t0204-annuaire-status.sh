#!/usr/bin/env bash
# A CPTS's status and private note on a professional's sheet: set by its
# manager, every change kept (who, when, old -> new), invalid input and
# CSRF refused; what each role sees: the manager everything of their CPTS,
# the professional "adhérent"/"membre", every other user "adhérent" only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

P1=$(idnps_of 7202000001)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0204.txt" \
	"$(act_line idnps="$P1" last=FAUCONNIER first=ODILE postal=72000 insee=72181 commune=Le-Mans)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0204.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
CA=$(make_cpts "CPTS T0204 Le Mans" 72000)
CB=$(make_cpts "CPTS T0204 Sarthe Nord" 72300)
make_user t0204m pro "cpts_manager:cpts:$CA"
mid=$USER_ID
make_user t0204b pro "cpts_manager:cpts:$CB"
make_user t0204pro pro
make_user t0204own pro
sql "UPDATE parvis.app_user SET idnps = '$P1' WHERE login = 't0204own'"
SHEET="/annuaire/pro/$P1"

note "the manager sees the status form, inconnu by default"
login_ready t0204m
http GET "$SHEET"
assert_status 200
assert_body_contains 'Pour la CPTS T0204 Le Mans'
assert_body_contains '<strong>inconnu</strong>'
assert_body_contains 'name="statut" value="inconnu" checked'
tok=$(csrf)
post() { http POST "$SHEET/statut" --data-urlencode "csrf=$tok" --data "cpts=$CA" "$@"; }

note "CSRF: missing, foreign, or from another site: 403, nothing written"
http POST "$SHEET/statut" --data "cpts=$CA&statut=adherent&note=x"
assert_status 403
http POST "$SHEET/statut" --data "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&cpts=$CA&statut=adherent&note=x"
assert_status 403
HTTP_NO_ORIGIN=1 http POST "$SHEET/statut" -H 'Origin: https://evil.example' --data-urlencode "csrf=$tok" \
	--data "cpts=$CA&statut=adherent&note=x"
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional WHERE idnps = '$P1'") == 0 ]] || fail "written despite CSRF"

note "status and note: saved, two history lines, audited"
post --data statut=adherent --data-urlencode "note=Joignable le lundi au 06 11 22 33 44"
assert_status 303
assert_header Location "^/annuaire/pro/$P1\\?cpts=$CA&enregistre=1#cpts$"
[[ $(sql "SELECT CONCAT(status, '|', note, '|', updated_by) FROM parvis.cpts_professional WHERE cpts_id = $CA AND idnps = '$P1'") == \
	"adherent|Joignable le lundi au 06 11 22 33 44|$mid" ]] || fail "status not saved"
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(field, ':', old_value, '>', new_value, ':', changed_by) ORDER BY id SEPARATOR ';')
	FROM parvis.cpts_professional_history WHERE cpts_id = $CA AND idnps = '$P1'") == \
	"status:inconnu>adherent:$mid;note:>Joignable le lundi au 06 11 22 33 44:$mid" ]] || fail "history wrong"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action IN ('cpts.status', 'cpts.note') AND object_id = '$P1' AND user_id = $mid") == 2 ]] ||
	fail "changes not audited"
http GET "/annuaire/pro/$P1?cpts=$CA&enregistre=1"
assert_status 200
assert_body_contains 'Le statut et la note sont enregistrés.'
assert_body_contains '<strong>adhérent</strong>'
assert_body_contains 'Statut : inconnu → adhérent'
assert_body_contains 'Note : (vide) → « Joignable le lundi au 06 11 22 33 44 »'
assert_body_contains 'Test T0204m'
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'cpts.note.read' AND object_id = '$P1'") -ge 1 ]] ||
	fail "reading the note not audited"

note "the same values again: no new history line"
post --data statut=adherent --data-urlencode "note=Joignable le lundi au 06 11 22 33 44"
assert_status 303
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional_history WHERE idnps = '$P1'") == 2 ]] || fail "a no-op was recorded"
note "the note alone changes: one line, old -> new"
post --data statut=adherent --data-urlencode "note=Joignable le mardi"
assert_status 303
[[ $(sql "SELECT CONCAT(field, ':', old_value, '>', new_value) FROM parvis.cpts_professional_history
	WHERE idnps = '$P1' ORDER BY id DESC LIMIT 1") == "note:Joignable le lundi au 06 11 22 33 44>Joignable le mardi" ]] ||
	fail "note change not recorded"

note "invalid status or note: 422, the form again with the values, nothing written"
post --data statut=vip --data-urlencode "note=Texte gardé"
assert_status 422
assert_body_contains 'Choisissez un des statuts proposés.'
assert_body_contains 'Texte gardé</textarea>'
assert_body_contains 'statut-error'
post --data statut=membre --data-urlencode "note=$(printf 'n%.0s' $(seq 1 4001))"
assert_status 422
assert_body_contains 'note-error'
[[ $(sql "SELECT CONCAT(status, '|', note) FROM parvis.cpts_professional WHERE idnps = '$P1'") == "adherent|Joignable le mardi" ]] ||
	fail "invalid input changed the status"
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional_history WHERE idnps = '$P1'") == 3 ]] || fail "invalid input in history"
http POST "/annuaire/pro/$(idnps_of 7209999999)/statut" --data-urlencode "csrf=$tok" --data "cpts=$CA&statut=adherent"
assert_status 404

note "adhérent: every user sees it; nobody but the managers sees the note"
for who in t0204pro t0204own t0204b; do
	login_ready "$who"
	http GET "$SHEET"
	assert_status 200
	assert_body_contains 'adhérent de la CPTS T0204 Le Mans'
	assert_body_not_contains 'Joignable'
	assert_body_not_contains 'Pour la CPTS T0204 Le Mans'
done

note "membre: the professional sees it, other users do not"
login_ready t0204m
http GET "$SHEET"
tok=$(csrf)
post --data statut=membre --data-urlencode "note=Joignable le mardi"
assert_status 303
login_ready t0204own
http GET "$SHEET"
assert_body_contains 'membre de la CPTS T0204 Le Mans'
assert_body_contains 'Compléter ma fiche'
for who in t0204pro t0204b; do
	login_ready "$who"
	http GET "$SHEET"
	assert_body_not_contains 'de la CPTS T0204 Le Mans'
	assert_body_not_contains 'Joignable'
done
assert_body_not_contains 'status-membre" aria-hidden="true">●</span> <strong>'

note "refus and ne plus contacter: only the managers"
for st in refus ne_plus_contacter; do
	login_ready t0204m
	http GET "$SHEET"
	tok=$(csrf)
	post --data statut=$st --data-urlencode "note=Joignable le mardi"
	assert_status 303
	for who in t0204pro t0204own t0204b; do
		login_ready "$who"
		http GET "$SHEET"
		assert_body_not_contains 'de la CPTS T0204 Le Mans'
	done
done
login_ready t0204m
http GET "$SHEET"
assert_body_contains '<strong>ne souhaite plus être contacté</strong>'
assert_body_contains 'Statut : refus d&#39;adhérer → ne souhaite plus être contacté'
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional_history WHERE idnps = '$P1' AND field = 'status'") == 4 ]] ||
	fail "status history incomplete"
