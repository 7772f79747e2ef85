#!/usr/bin/env bash
# An account linked to its RPPS/ADELI identifier (app_user.idnps): set and
# cleared on the admin user page (validated, shown with the directory's
# name and profession, warnings when the directory lacks it or names
# someone else, one account per identifier), copied from an account
# request when the service centre validates it, and with parvis-admin
# link-idnps.  Every change audited; every refusal changes nothing.  End to
# end: the linked professional fills in their card in the directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

D=test.parvis.localhost
RP1=$(rpps_luhn 2911300001) RP2=$(rpps_luhn 2911300002) RP3=$(rpps_luhn 2911300003)
P1=8$RP1 P2=8$RP2 P3=8$RP3 PX=$(idnps_of 2911399999)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0113.txt" \
	"$(act_line idnps="$P1" last="LE GALL" first=MAËLLE postal=29200 insee=29019 commune=Brest)" \
	"$(act_line idnps="$P2" last=QUEMENER first=ERWAN prof=60 prof_label=Infirmier postal=29200 insee=29019 commune=Brest)" \
	"$(act_line idnps="$P3" last=CORRE first=NOLWENN postal=29000 insee=29232 commune=Quimper)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0113.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
at_exit "forget_directory '29200 29000' $P1 $P2 $P3"

make_user t0113adm admin
admin_id=$USER_ID
accept_all_cgu "$admin_id"
make_user t0113sup support
accept_all_cgu "$USER_ID"
make_user t0113pro pro
pro_id=$USER_ID
accept_all_cgu "$pro_id"
sql "UPDATE parvis.app_user SET first_name = 'Maëlle', last_name = 'Le-Gall' WHERE id = $pro_id"
make_user t0113other pro
other_id=$USER_ID

idnps_of_user() { sql "SELECT COALESCE(idnps, 'NULL') FROM parvis.app_user WHERE id = $1"; }
audit_idnps() {
	sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'user.idnps' AND object_id = '$1'
		AND outcome = 'ok' AND detail = '${2//\'/\'\'}'"
}

note "a professional cannot link accounts"
login_strong t0113pro
http GET /
ptok=$(csrf)
[[ -n $ptok ]] || fail "no CSRF token"
http POST "/admin/utilisateurs/$pro_id/rpps" --data-urlencode "csrf=$ptok" --data "idnps=$P1"
assert_status 403
[[ $(idnps_of_user "$pro_id") == NULL ]] || fail "linked by a professional"

note "the admin's user page: not linked, a form"
login_strong t0113adm
http GET "/admin/utilisateurs/$pro_id"
assert_status 200
assert_body_contains 'non relié'
assert_body_contains "action=\"/admin/utilisateurs/$pro_id/rpps\""
tok=$(csrf)

note "invalid identifiers and a missing CSRF token change nothing"
bad_key=${RP1:0:10}$(((${RP1:10:1} + 1) % 10))
for bad in 12345 "$bad_key" abcdefghijk "9$RP1" "8$bad_key"; do
	http POST "/admin/utilisateurs/$pro_id/rpps" --data-urlencode "csrf=$tok" --data-urlencode "idnps=$bad"
	assert_status 422
	assert_body_contains 'id="idnps-error"'
	assert_body_contains "value=\"$bad\""
done
http POST "/admin/utilisateurs/$pro_id/rpps" --data-urlencode "csrf=$tok" --data 'idnps='
assert_status 422
http POST "/admin/utilisateurs/$pro_id/rpps" --data "idnps=$RP1"
assert_status 403
[[ $(idnps_of_user "$pro_id") == NULL ]] || fail "invalid input linked the account"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'user.idnps' AND object_id = 't0113pro'") == 0 ]] ||
	fail "refusals audited as changes"

note "linked by RPPS number (spaces allowed): IDNPS stored, audited, the directory's name shown"
http POST "/admin/utilisateurs/$pro_id/rpps" --data-urlencode "csrf=$tok" --data-urlencode "idnps=${RP1:0:5} ${RP1:5}"
assert_status 303
assert_header Location "^/admin/utilisateurs/$pro_id\\?ok=rpps-relie$"
[[ $(idnps_of_user "$pro_id") == "$P1" ]] || fail "idnps not stored: $(idnps_of_user "$pro_id")"
[[ $(sql "SELECT updated_by FROM parvis.app_user WHERE id = $pro_id") == "$admin_id" ]] || fail "author not recorded"
[[ $(audit_idnps t0113pro "- → $P1; annuaire : MAËLLE LE GALL") == 1 ]] ||
	fail "link not audited: $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'user.idnps' ORDER BY id DESC LIMIT 1")"
http GET "/admin/utilisateurs/$pro_id?ok=rpps-relie"
assert_status 200
assert_body_contains 'le professionnel peut remplir sa fiche'
assert_body_contains "href=\"/annuaire/pro/$P1\">MAËLLE LE GALL</a>, Médecin"
assert_body_not_contains 'rpps-nom'
assert_body_not_contains 'rpps-inconnu'

note "one account per identifier: refused on the page and by the database"
http POST "/admin/utilisateurs/$other_id/rpps" --data-urlencode "csrf=$tok" --data "idnps=$P1"
assert_status 422
assert_body_contains 'Ce numéro est déjà relié au compte t0113pro'
[[ $(idnps_of_user "$other_id") == NULL ]] || fail "identifier shared"
if mariadb --defaults-file="$PARVIS_STATE/admin.cnf" -e "UPDATE parvis.app_user SET idnps = '$P1' WHERE id = $other_id" 2>/dev/null; then
	fail "the database accepts two accounts with one identifier"
fi

note "warnings: an identifier the directory lacks, a directory name that differs"
http POST "/admin/utilisateurs/$other_id/rpps" --data-urlencode "csrf=$tok" --data "idnps=$PX"
assert_status 303
http GET "/admin/utilisateurs/$other_id"
assert_body_contains 'rpps-inconnu'
assert_body_contains "ne figure pas dans l'annuaire"
[[ $(audit_idnps t0113other "- → $PX; absent de l'annuaire") == 1 ]] || fail "unknown link not audited"
http POST "/admin/utilisateurs/$other_id/rpps" --data-urlencode "csrf=$tok" --data "idnps=$P2"
assert_status 303
http GET "/admin/utilisateurs/$other_id"
assert_body_contains 'rpps-nom'
assert_body_contains 'ERWAN QUEMENER'
assert_body_contains 'Infirmier'
[[ $(audit_idnps t0113other "$PX → $P2; annuaire : ERWAN QUEMENER") == 1 ]] || fail "change not audited"

note "end to end: the linked professional fills in their card"
cp "$HTTP_DIR/cookies" "$TEST_TMP/jar-admin"
login_ready t0113pro
http GET /annuaire/ma-fiche
assert_status 200
assert_body_contains 'name="a_propos"'
http POST /annuaire/ma-fiche --data-urlencode "csrf=$(csrf)" --data 'prise_en_charge=domicile' \
	--data-urlencode 'a_propos=Consultations le samedi.'
assert_status 303
[[ $(sql "SELECT CONCAT(about, '|', updated_by) FROM parvis.professional_card WHERE idnps = '$P1'") == "Consultations le samedi.|$pro_id" ]] ||
	fail "card not saved"

note "cleared: CSRF required; then NULL and audited; clearing again says so"
cp "$TEST_TMP/jar-admin" "$HTTP_DIR/cookies"
http POST "/admin/utilisateurs/$other_id/rpps/retrait"
assert_status 403
http POST "/admin/utilisateurs/$other_id/rpps/retrait" --data-urlencode "csrf=$tok"
assert_status 303
assert_header Location "^/admin/utilisateurs/$other_id\\?ok=rpps-retire$"
[[ $(idnps_of_user "$other_id") == NULL ]] || fail "not cleared"
[[ $(audit_idnps t0113other "$P2 → -") == 1 ]] || fail "clearing not audited"
http POST "/admin/utilisateurs/$other_id/rpps/retrait" --data-urlencode "csrf=$tok"
assert_status 409
assert_body_contains 'relié à aucun identifiant'

note "account request validated: its RPPS number becomes the account's identifier"
sql "INSERT INTO parvis.account_request (civility, first_name, last_name, profession, rpps_adeli,
	structure, email, mobile) VALUES ('Mme', 'Nolwenn', 'Corre', 'Médecin', '$RP3', 'Cabinet',
	'nolwenn.t0113@$D', '0612345678')"
rq3=$(sql "SELECT id FROM parvis.account_request WHERE email = 'nolwenn.t0113@$D'")
sql "INSERT INTO parvis.account_request (civility, first_name, last_name, profession, rpps_adeli,
	structure, email, mobile) VALUES ('Mme', 'Maëlle', 'Le Gall', 'Médecin', '$RP1', 'Cabinet',
	'maelle2.t0113@$D', '0612345678')"
rq1=$(sql "SELECT id FROM parvis.account_request WHERE email = 'maelle2.t0113@$D'")
login_strong t0113sup
http GET /support/
assert_status 200
stok=$(csrf)
[[ -n $stok ]] || fail "no CSRF token"
http POST "/support/demandes/$rq1/valider" --data-urlencode "csrf=$stok"
assert_status 409
assert_body_contains 'Le compte t0113pro est déjà relié à ce numéro RPPS/ADELI'
[[ $(sql "SELECT status FROM parvis.account_request WHERE id = $rq1") == pending ]] || fail "request handled despite the duplicate"
[[ $(sql "SELECT COUNT(*) FROM parvis.app_user WHERE email = 'maelle2.t0113@$D'") == 0 ]] || fail "account created"
http POST "/support/demandes/$rq3/valider" --data-urlencode "csrf=$stok"
assert_status 303
new_login=$(sql "SELECT login FROM parvis.app_user WHERE email = 'nolwenn.t0113@$D'")
[[ $(sql "SELECT idnps FROM parvis.app_user WHERE email = 'nolwenn.t0113@$D'") == "$P3" ]] || fail "RPPS not copied"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'user.create' AND object_id = '$new_login'
	AND detail = 'demande $rq3, rôle pro, RPPS/ADELI $P3'") == 1 ]] || fail "identifier not in the audit row"

note "parvis-admin link-idnps: same checks, audited as from the command line"
cli() {
	CLI_RC=0
	CLI_OUT=$(stack admin "$@" </dev/null 2>&1) || CLI_RC=$?
}
cli link-idnps t0113other 123
[[ $CLI_RC == 1 && $CLI_OUT == *"Indiquez un numéro RPPS"* ]] || fail "invalid accepted: $CLI_RC $CLI_OUT"
cli link-idnps t0113other "$RP1"
[[ $CLI_RC == 1 && $CLI_OUT == *"already linked to the account t0113pro"* ]] || fail "duplicate accepted: $CLI_RC $CLI_OUT"
cli link-idnps nobody.t0113 "$RP2"
[[ $CLI_RC == 1 && $CLI_OUT == *"no user"* ]] || fail "unknown user: $CLI_RC $CLI_OUT"
cli link-idnps t0113
[[ $CLI_RC == 2 ]] || fail "usage: $CLI_RC"
[[ $(idnps_of_user "$other_id") == NULL ]] || fail "a refused command linked"
cli link-idnps "t0113other@$D" "$PX"
[[ $CLI_RC == 0 && $CLI_OUT == *"warning: $PX is not in the directory"* ]] || fail "not-in-directory: $CLI_RC $CLI_OUT"
cli link-idnps t0113other "$RP2"
[[ $CLI_RC == 0 && $CLI_OUT == *"differs from the account's"* ]] || fail "name warning: $CLI_RC $CLI_OUT"
[[ $(idnps_of_user "$other_id") == "$P2" ]] || fail "CLI link not stored"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'user.idnps' AND program = 'admin' AND user_id IS NULL
	AND object_id = 't0113other' AND detail = '$PX → $P2; annuaire : ERWAN QUEMENER'") == 1 ]] || fail "CLI link not audited"
cli link-idnps t0113other --clear
[[ $CLI_RC == 0 ]] || fail "clear: $CLI_OUT"
[[ $(idnps_of_user "$other_id") == NULL ]] || fail "CLI clear not stored"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'user.idnps' AND program = 'admin'
	AND object_id = 't0113other' AND detail = '$P2 → -'") == 1 ]] || fail "CLI clear not audited"
