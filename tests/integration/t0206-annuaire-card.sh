#!/usr/bin/env bash
# The professional's own card (/annuaire/ma-fiche): only for an account
# linked to an RPPS/ADELI identifier in the directory; published e-mail,
# care modalities, equipment, languages, a short text; the green card icon
# in lists and on the sheet; invalid input refused; the card found by the
# search on care modality; CPTS-set options kept.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

R1=$(idnps_of 7402000001) R2=$(idnps_of 7402000002)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0206.txt" \
	"$(act_line idnps="$R1" last=GRANDCHAMP first=ELISE postal=74000 insee=74010 commune=Annecy)" \
	"$(act_line idnps="$R2" last=GRANDCHAMPS first=PAUL postal=74000 insee=74010 commune=Annecy)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0206.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
CA=$(make_cpts "CPTS T0206 Annecy" 74000)
sql "INSERT INTO parvis.professional_option (idnps, kind, code, source_cpts_id) VALUES ('$R1', 'equipment', 'spirometre', $CA)"
make_user t0206none pro
make_user t0206gone pro
sql "UPDATE parvis.app_user SET idnps = '$(idnps_of 7409999999)' WHERE login = 't0206gone'"
make_user t0206 pro
uid=$USER_ID
sql "UPDATE parvis.app_user SET idnps = '$R1' WHERE login = 't0206'"

note "an account without identifier, or one not in the directory: explained, no form"
login_ready t0206none
http GET /annuaire/ma-fiche
assert_status 200
assert_body_contains "relié à aucun identifiant RPPS ou ADELI"
assert_body_not_contains 'name="a_propos"'
http POST /annuaire/ma-fiche --data-urlencode "csrf=$(csrf)" --data 'email=a@b.fr'
assert_status 403
login_ready t0206gone
http GET /annuaire/ma-fiche
assert_status 200
assert_body_contains "n'est pas dans l'annuaire"

note "the professional's form, empty at first, grey card"
login_ready t0206
http GET /annuaire/ma-fiche
assert_status 200
assert_body_contains 'ELISE GRANDCHAMP'
assert_body_contains 'card-empty'
assert_body_contains 'name="prise_en_charge" value="domicile">'
assert_body_contains 'name="langue" value="lsf">'
tok=$(csrf)

note "invalid input: 422, values kept, nothing saved"
http POST /annuaire/ma-fiche --data-urlencode "csrf=$tok" --data 'email=pas-une-adresse&prise_en_charge=domicile' \
	--data-urlencode 'a_propos=Texte gardé'
assert_status 422
assert_body_contains 'email-error'
assert_body_contains 'value="pas-une-adresse"'
assert_body_contains 'Texte gardé</textarea>'
assert_body_contains 'name="prise_en_charge" value="domicile" checked>'
http POST /annuaire/ma-fiche --data-urlencode "csrf=$tok" --data 'prise_en_charge=jetpack'
assert_status 422
assert_body_contains "Une des cases cochées n&#39;existe pas."
http POST /annuaire/ma-fiche --data-urlencode "csrf=$tok" --data-urlencode "a_propos=$(printf 'a%.0s' $(seq 1 1001))"
assert_status 422
http POST /annuaire/ma-fiche --data 'email=a@b.fr'
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.professional_card WHERE idnps = '$R1'") == 0 ]] || fail "invalid input saved"

note "saved: completed, options, audited"
http POST /annuaire/ma-fiche --data-urlencode "csrf=$tok" --data 'email=elise.grandchamp@exemple.fr' \
	--data 'prise_en_charge=domicile&prise_en_charge=teleconsultation&equipement=ecg&langue=en' \
	--data-urlencode 'a_propos=Cabinet au rez-de-chaussée.'
assert_status 303
assert_header Location '^/annuaire/ma-fiche\?enregistre=1$'
[[ $(sql "SELECT CONCAT(email, '|', about, '|', completed, '|', updated_by) FROM parvis.professional_card WHERE idnps = '$R1'") == \
	"elise.grandchamp@exemple.fr|Cabinet au rez-de-chaussée.|1|$uid" ]] || fail "card not saved"
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(kind, ':', code, ':', source_cpts_id) ORDER BY kind, code) FROM parvis.professional_option WHERE idnps = '$R1'") == \
	"care:domicile:0,care:teleconsultation:0,equipment:ecg:0,equipment:spirometre:$CA,language:en:0" ]] ||
	fail "options wrong: $(sql "SELECT GROUP_CONCAT(code) FROM parvis.professional_option WHERE idnps = '$R1'")"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'annuaire.card' AND user_id = $uid AND object_id = '$R1'") == 1 ]] ||
	fail "not audited"
http GET '/annuaire/ma-fiche?enregistre=1'
assert_body_contains 'Votre fiche est enregistrée.'
assert_body_contains 'card-done'
assert_body_contains 'name="equipement" value="ecg" checked>'
assert_body_contains 'value="elise.grandchamp@exemple.fr"'

note "the sheet and the lists show it, with the green icon"
http GET "/annuaire/pro/$R1"
assert_status 200
assert_body_contains 'card-done'
assert_body_contains 'mailto:elise.grandchamp@exemple.fr'
assert_body_contains 'Visites à domicile'
assert_body_contains 'Électrocardiographe (ECG)'
assert_body_contains 'Spiromètre'
assert_body_contains 'Anglais'
assert_body_contains 'Cabinet au rez-de-chaussée.'
http GET /annuaire/ -G --data-urlencode nom=grandchamp
assert_status 200
grep -A3 "/annuaire/pro/$R1\"" "$HTTP_DIR/body" | grep -q card-done || fail "no green card in the list"
grep -A3 "/annuaire/pro/$R2\"" "$HTTP_DIR/body" | grep -q card-empty || fail "R2's card is not grey"
note "found by care modality, nationally and in a place"
http GET /annuaire/ -G --data-urlencode prise_en_charge=teleconsultation
hits | grep -qx "$R1" || fail "not found by care modality"
hits | grep -qx "$R2" && fail "R2 found by care modality"
http GET /annuaire/ -G --data-urlencode lieu=74000 --data-urlencode prise_en_charge=teleconsultation \
	--data-urlencode equipement=spirometre
[[ $(section_hits exact | paste -sd ' ') == "$R1" ]] || fail "exact: $(section_hits exact)"

note "emptied: no e-mail, no options of the card; the CPTS's option stays"
http POST /annuaire/ma-fiche --data-urlencode "csrf=$tok" --data 'email=&a_propos='
assert_status 303
[[ $(sql "SELECT CONCAT(email IS NULL, '|', completed) FROM parvis.professional_card WHERE idnps = '$R1'") == "1|1" ]] ||
	fail "e-mail not withdrawn"
[[ $(sql "SELECT GROUP_CONCAT(code) FROM parvis.professional_option WHERE idnps = '$R1'") == spirometre ]] ||
	fail "options not replaced"
http GET "/annuaire/pro/$R1"
assert_body_not_contains 'mailto:'
