#!/usr/bin/env bash
# CPTS administration (/admin/cpts): access (admin at the strong level),
# creation with the territory as postal codes and INSEE commune codes
# (invalid codes refused and named, codes the directory lacks named and kept
# only when asked), editing, managers added by login or e-mail (the role
# cpts_manager scoped to the CPTS, audited as on the user's page) and
# removed, deletion refused while statuses exist; every refusal changes
# nothing.  End to end: the manager made here sees the territory's chips in
# /annuaire/recherche.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

P1=$(idnps_of 5611200001) P2=$(idnps_of 5611200002)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0112.txt" \
	"$(act_line idnps="$P1" last=KERVELLA first=ANNE postal=56000 insee=56260 commune=Vannes)" \
	"$(act_line idnps="$P2" last=LE-GUEN first=YANN prof=60 prof_label=Infirmier postal=56100 insee=56121 commune=Lorient)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0112.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
at_exit "forget_directory '56000 56100' $P1 $P2"

make_user t0112adm admin
admin_id=$USER_ID
accept_all_cgu "$admin_id"
make_user t0112pro pro
accept_all_cgu "$USER_ID"
make_user t0112mgr pro
mgr_id=$USER_ID
accept_all_cgu "$mgr_id"

cpts_count() { sql "SELECT COUNT(*) FROM parvis.cpts"; }
territory_count() { sql "SELECT COUNT(*) FROM parvis.territory"; }
# audit_count ACTION OBJECT_ID [OUTCOME] [DETAIL]: rows by the admin.
audit_count() {
	sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $admin_id AND program = 'portal'
		AND action = '$1' AND object_id = '$2' AND outcome = '${3:-ok}'
		AND ('${4:-}' = '' OR detail = '${4:-}')"
}

note "anonymous: sent to the login page; a professional: 403"
for p in /admin/cpts /admin/cpts/nouvelle /admin/cpts/1; do
	http GET "$p"
	assert_status 303
	assert_header Location '^/connexion'
done
login_strong t0112pro
http GET /admin/cpts
assert_status 403
http GET /
tok=$(csrf)
[[ -n $tok ]] || fail "no CSRF token"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS pirate' --data 'codes_postaux=56000'
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts WHERE name = 'CPTS pirate'") == 0 ]] || fail "a professional created a CPTS"

note "an admin at level 1 is asked for the strong level"
login t0112adm
http GET /admin/cpts
assert_status 403

note "admin: list, link from the dashboard and the menu"
login_strong t0112adm
http GET /admin/
assert_status 200
assert_body_contains 'href="/admin/cpts"'
http GET /admin/cpts
assert_status 200
assert_body_contains 'Créer une CPTS'
assert_body_contains 'aria-current="page">CPTS</a>'
http GET /admin/cpts/nouvelle
assert_status 200
assert_body_contains 'name="codes_postaux"'
assert_body_contains 'name="communes"'
tok=$(csrf)
cpts0=$(cpts_count) terr0=$(territory_count)

note "invalid input: 422, each bad code named, values kept, nothing written"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=X' \
	--data-urlencode $'codes_postaux=56000, 5600\nABCDE' --data-urlencode 'communes=2C001 56260'
assert_status 422
assert_body_contains 'Le nom compte 2 à 200 caractères.'
assert_body_contains 'Ces codes postaux ne sont pas valides : 5600, ABCDE.'
assert_body_contains 'Ce code commune n&#39;est pas valide : 2C001.'
assert_body_contains 'id="codes_postaux-error"'
assert_body_contains 'aria-invalid="true"'
assert_body_contains '56000, 5600'
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 vide' \
	--data-urlencode 'codes_postaux= , ;' --data-urlencode 'communes='
assert_status 422
assert_body_contains 'au moins un code postal ou un code commune'
[[ $(cpts_count) == "$cpts0" && $(territory_count) == "$terr0" ]] || fail "invalid input wrote something"

note "codes the directory lacks: named, a box to keep them, nothing written until ticked"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Golfe' \
	--data-urlencode 'codes_postaux=56000 56999' --data-urlencode 'communes=56260 56998'
assert_status 422
assert_body_contains 'Ce code postal ne figure pas dans l&#39;annuaire : 56999.'
assert_body_contains 'Ce code commune ne figure pas dans l&#39;annuaire : 56998.'
assert_body_contains 'name="inconnus_ok"'
[[ $(cpts_count) == "$cpts0" && $(territory_count) == "$terr0" ]] || fail "unknown codes written"

note "CSRF token missing: 403, nothing written"
http POST /admin/cpts/nouvelle --data-urlencode 'nom=CPTS T0112 Golfe' --data 'codes_postaux=56000'
assert_status 403
[[ $(cpts_count) == "$cpts0" ]] || fail "created without CSRF"

note "created: CPTS, territory, codes without duplicates, audited"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Golfe' \
	--data-urlencode $'codes_postaux=56000, 56000\n' --data-urlencode 'communes=56260'
assert_status 303
CA=$(sql "SELECT id FROM parvis.cpts WHERE name = 'CPTS T0112 Golfe'")
[[ -n $CA ]] || fail "CPTS not created"
assert_header Location "^/admin/cpts/$CA\\?ok=cpts-creee$"
TA=$(sql "SELECT territory_id FROM parvis.cpts WHERE id = $CA")
[[ $(sql "SELECT CONCAT(t.name, '|', c.updated_by) FROM parvis.territory t JOIN parvis.cpts c ON c.territory_id = t.id WHERE c.id = $CA") == \
	"CPTS T0112 Golfe|$admin_id" ]] || fail "territory or author wrong"
[[ $(sql "SELECT GROUP_CONCAT(postal_code) FROM parvis.territory_postal_code WHERE territory_id = $TA") == 56000 ]] ||
	fail "postal codes wrong"
[[ $(sql "SELECT GROUP_CONCAT(insee) FROM parvis.territory_commune WHERE territory_id = $TA") == 56260 ]] ||
	fail "communes wrong"
[[ $(audit_count cpts.create "$CA" ok "nom=CPTS T0112 Golfe; territoire=$TA; codes postaux=56000; communes=56260") == 1 ]] ||
	fail "creation not audited: $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'cpts.create' ORDER BY id DESC LIMIT 1")"
http GET "/admin/cpts/$CA?ok=cpts-creee"
assert_status 200
assert_body_contains 'La CPTS a été créée'
assert_body_contains '56260 (Vannes)'
assert_body_contains "territoire n° $TA"

note "the same name again: 422"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Golfe' --data 'codes_postaux=56100'
assert_status 422
assert_body_contains 'Une CPTS porte déjà ce nom.'
[[ $(cpts_count) == $((cpts0 + 1)) && $(territory_count) == $((terr0 + 1)) ]] || fail "duplicate name left rows"

note "unknown codes kept when the box is ticked (a second CPTS)"
http POST /admin/cpts/nouvelle --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Îles' \
	--data 'codes_postaux=56999&inconnus_ok=1'
assert_status 303
CB=$(sql "SELECT id FROM parvis.cpts WHERE name = 'CPTS T0112 Îles'")
TB=$(sql "SELECT territory_id FROM parvis.cpts WHERE id = $CB")
[[ $(sql "SELECT GROUP_CONCAT(postal_code) FROM parvis.territory_postal_code WHERE territory_id = $TB") == 56999 ]] ||
	fail "ticked unknown code not kept"
[[ $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'cpts.create' AND object_id = '$CB'") == *"codes absents de l'annuaire acceptés" ]] ||
	fail "accepted unknown codes not in the audit row"

note "edit: invalid input changes nothing; a valid change is saved and its difference audited"
http POST "/admin/cpts/$CA" --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Golfe' \
	--data-urlencode 'codes_postaux=56000 1234'
assert_status 422
assert_body_contains 'Ce code postal n&#39;est pas valide : 1234.'
[[ $(sql "SELECT COUNT(*) FROM parvis.territory_commune WHERE territory_id = $TA") == 1 ]] || fail "invalid edit wrote"
http POST "/admin/cpts/$CA" --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Îles' --data 'codes_postaux=56000'
assert_status 422
assert_body_contains 'Une autre CPTS porte déjà ce nom.'
http POST "/admin/cpts/$CA" --data-urlencode "csrf=$tok" --data-urlencode 'nom=CPTS T0112 Golfe du Morbihan' \
	--data-urlencode 'codes_postaux=56100 56000' --data-urlencode 'communes='
assert_status 303
assert_header Location "^/admin/cpts/$CA\\?ok=cpts-modifiee$"
[[ $(sql "SELECT CONCAT(c.name, '|', t.name) FROM parvis.cpts c JOIN parvis.territory t ON t.id = c.territory_id WHERE c.id = $CA") == \
	"CPTS T0112 Golfe du Morbihan|CPTS T0112 Golfe du Morbihan" ]] || fail "not renamed"
[[ $(sql "SELECT GROUP_CONCAT(postal_code ORDER BY postal_code) FROM parvis.territory_postal_code WHERE territory_id = $TA") == 56000,56100 ]] ||
	fail "postal codes not replaced"
[[ $(sql "SELECT COUNT(*) FROM parvis.territory_commune WHERE territory_id = $TA") == 0 ]] || fail "communes not emptied"
[[ $(audit_count cpts.update "$CA" ok "nom=CPTS T0112 Golfe → CPTS T0112 Golfe du Morbihan; codes postaux +56100; communes -56260") == 1 ]] ||
	fail "update audit: $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'cpts.update' ORDER BY id DESC LIMIT 1")"
http GET "/admin/cpts/$CA"
assert_status 200
assert_body_contains '56000 56100</textarea>'
http GET /admin/cpts/999999999
assert_status 404
http GET /admin/cpts/abc
assert_status 404

note "managers: unknown account and CSRF missing refused; added by e-mail, audited as a role grant"
http POST "/admin/cpts/$CA/gestionnaires" --data-urlencode "csrf=$tok" --data 'compte=personne.t0112'
assert_status 422
assert_body_contains 'Aucun compte n&#39;a cet identifiant ou cette adresse e-mail.'
assert_body_contains 'id="compte-error"'
http POST "/admin/cpts/$CA/gestionnaires" --data 'compte=t0112mgr'
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE user_id = $mgr_id AND role = 'cpts_manager'") == 0 ]] ||
	fail "manager added by a refused request"
http POST "/admin/cpts/$CA/gestionnaires" --data-urlencode "csrf=$tok" --data-urlencode 'compte=t0112mgr@test.parvis.localhost'
assert_status 303
assert_header Location "^/admin/cpts/$CA\\?ok=gestionnaire-ajoute$"
[[ $(sql "SELECT CONCAT(scope_type, ':', scope_id, ':', granted_by) FROM parvis.user_role WHERE user_id = $mgr_id AND role = 'cpts_manager'") == \
	"cpts:$CA:$admin_id" ]] || fail "role not granted with the CPTS scope"
[[ $(audit_count role.grant t0112mgr ok "cpts_manager:cpts:$CA") == 1 ]] || fail "grant not audited"
http POST "/admin/cpts/$CA/gestionnaires" --data-urlencode "csrf=$tok" --data 'compte=t0112mgr'
assert_status 422
assert_body_contains 'Le compte t0112mgr gère déjà cette CPTS.'
http POST "/admin/cpts/999999999/gestionnaires" --data-urlencode "csrf=$tok" --data 'compte=t0112mgr'
assert_status 404
http GET "/admin/cpts/$CA"
assert_body_contains 't0112mgr@test.parvis.localhost'
http GET /admin/cpts
assert_status 200
grep -A4 "href=\"/admin/cpts/$CA\"" "$HTTP_DIR/body" | grep -q '>1</td>' || fail "managers not counted in the list"

note "a manager (not an admin) cannot make managers"
as_admin_jar=$TEST_TMP/jar-admin
cp "$HTTP_DIR/cookies" "$as_admin_jar"
login_strong t0112mgr
http GET /
mtok=$(csrf)
[[ -n $mtok ]] || fail "no CSRF token"
http POST "/admin/cpts/$CB/gestionnaires" --data-urlencode "csrf=$mtok" --data 'compte=t0112pro'
assert_status 403
http POST "/admin/cpts/$CA/gestionnaires" --data-urlencode "csrf=$mtok" --data 'compte=t0112pro'
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE role = 'cpts_manager' AND scope_id IN ($CA, $CB)") == 1 ]] ||
	fail "a non-admin made a manager"

note "end to end: the new manager sees the territory's chips in the directory"
http GET /annuaire/recherche
assert_status 200
assert_body_contains 'CPTS T0112 Golfe du Morbihan'
assert_body_contains 'name="cp" value="56000" checked'
assert_body_contains 'name="cp" value="56100" checked'
http GET "/annuaire/recherche?cpts=$CA"
assert_status 200
hits | grep -qx "$P1" || fail "Vannes professional not found in the territory"
hits | grep -qx "$P2" || fail "Lorient professional not found in the territory"

note "adherents counted in the list"
cp "$as_admin_jar" "$HTTP_DIR/cookies"
sql "INSERT INTO parvis.cpts_professional (cpts_id, idnps, status, note) VALUES ($CA, '$P1', 'adherent', '')"
http GET /admin/cpts
grep -A5 "href=\"/admin/cpts/$CA\"" "$HTTP_DIR/body" | grep -q 'data-label="Adhérents">1<' || fail "adherents not counted"

note "remove a manager: CSRF required, then removed and audited"
http POST "/admin/cpts/$CA/gestionnaires/retrait" --data "utilisateur=$mgr_id"
assert_status 403
http POST "/admin/cpts/$CA/gestionnaires/retrait" --data-urlencode "csrf=$tok" --data "utilisateur=$mgr_id"
assert_status 303
assert_header Location "^/admin/cpts/$CA\\?ok=gestionnaire-retire$"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE user_id = $mgr_id AND role = 'cpts_manager'") == 0 ]] || fail "manager not removed"
[[ $(audit_count role.revoke t0112mgr ok "cpts_manager:cpts:$CA") == 1 ]] || fail "removal not audited"
http POST "/admin/cpts/$CA/gestionnaires/retrait" --data-urlencode "csrf=$tok" --data "utilisateur=$mgr_id"
assert_status 409
assert_body_contains 'ne gère pas (ou plus) cette CPTS'

note "delete: refused while statuses exist (nothing removed, audited as denied)"
http POST "/admin/cpts/$CA/gestionnaires" --data-urlencode "csrf=$tok" --data 'compte=t0112mgr'
assert_status 303
http POST "/admin/cpts/$CA/suppression" --data confirmer=1
assert_status 403
http POST "/admin/cpts/$CA/suppression" --data-urlencode "csrf=$tok"
assert_status 422
assert_body_contains 'Cochez la case qui confirme la suppression'
http POST "/admin/cpts/$CA/suppression" --data-urlencode "csrf=$tok" --data confirmer=1
assert_status 409
assert_body_contains 'ne peut pas être supprimée'
assert_body_contains '1 professionnels suivis'
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts WHERE id = $CA") == 1 ]] || fail "CPTS with statuses deleted"
[[ $(sql "SELECT COUNT(*) FROM parvis.territory_postal_code WHERE territory_id = $TA") == 2 ]] || fail "territory touched"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE user_id = $mgr_id AND role = 'cpts_manager'") == 1 ]] || fail "managers touched"
[[ $(audit_count cpts.delete "$CA" denied) == 1 ]] || fail "refusal not audited"

note "delete a CPTS without data: CPTS, territory, codes and managers gone, audited"
http POST "/admin/cpts/$CB/gestionnaires" --data-urlencode "csrf=$tok" --data 'compte=t0112pro'
assert_status 303
http POST "/admin/cpts/$CB/suppression" --data-urlencode "csrf=$tok"
assert_status 422
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts WHERE id = $CB") == 1 ]] || fail "deleted without confirmation"
http POST "/admin/cpts/$CB/suppression" --data-urlencode "csrf=$tok" --data confirmer=1
assert_status 303
assert_header Location '^/admin/cpts\?ok=cpts-supprimee$'
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts WHERE id = $CB") == 0 ]] || fail "CPTS not deleted"
[[ $(sql "SELECT COUNT(*) FROM parvis.territory WHERE id = $TB") == 0 ]] || fail "territory not deleted"
[[ $(sql "SELECT COUNT(*) FROM parvis.territory_postal_code WHERE territory_id = $TB") == 0 ]] || fail "codes not deleted"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE role = 'cpts_manager' AND scope_id = $CB") == 0 ]] || fail "managers kept"
[[ $(audit_count cpts.delete "$CB") == 1 ]] || fail "deletion not audited"
[[ $(audit_count role.revoke t0112pro ok "cpts_manager:cpts:$CB") == 1 ]] || fail "managers' removal not audited"
http GET /admin/cpts?ok=cpts-supprimee
assert_body_contains 'La CPTS a été supprimée.'
assert_body_not_contains 'CPTS T0112 Îles'

note "parvis-admin create-cpts: the pages' checks; refusals write nothing"
cli() {
	CLI_RC=0
	CLI_OUT=$(stack admin "$@" </dev/null 2>&1) || CLI_RC=$?
}
cpts0=$(cpts_count) terr0=$(territory_count)
cli create-cpts 'CPTS T0112 Ria' --postal-codes '56000 5600X'
[[ $CLI_RC == 1 && $CLI_OUT == *"codes postaux non valides : 5600X"* ]] || fail "invalid code: $CLI_RC $CLI_OUT"
cli create-cpts 'CPTS T0112 Ria' --communes '56260,56998'
[[ $CLI_RC == 1 && $CLI_OUT == *"56998 ne figure pas dans l'annuaire"* && $CLI_OUT == *"--allow-unknown"* ]] ||
	fail "unknown code: $CLI_RC $CLI_OUT"
cli create-cpts 'CPTS T0112 Ria'
[[ $CLI_RC == 1 && $CLI_OUT == *"--postal-codes and/or --communes"* ]] || fail "no territory: $CLI_RC $CLI_OUT"
cli create-cpts 'CPTS T0112 Golfe du Morbihan' --postal-codes 56000
[[ $CLI_RC == 1 && $CLI_OUT == *"Une CPTS porte déjà ce nom."* ]] || fail "duplicate: $CLI_RC $CLI_OUT"
cli create-cpts
[[ $CLI_RC == 2 ]] || fail "usage: $CLI_RC"
[[ $(cpts_count) == "$cpts0" && $(territory_count) == "$terr0" ]] || fail "a refused command wrote"
cli create-cpts 'CPTS T0112 Ria' --postal-codes '56100' --postal-codes '56000,56100' --communes 56121 --communes '56998' --allow-unknown
[[ $CLI_RC == 0 && $CLI_OUT == *"CPTS T0112 Ria created"* ]] || fail "create-cpts: $CLI_RC $CLI_OUT"
CC=$(sql "SELECT id FROM parvis.cpts WHERE name = 'CPTS T0112 Ria'")
TC=$(sql "SELECT territory_id FROM parvis.cpts WHERE id = $CC")
[[ $(sql "SELECT GROUP_CONCAT(postal_code ORDER BY postal_code) FROM parvis.territory_postal_code WHERE territory_id = $TC") == 56000,56100 &&
	$(sql "SELECT GROUP_CONCAT(insee ORDER BY insee) FROM parvis.territory_commune WHERE territory_id = $TC") == 56121,56998 ]] ||
	fail "territory wrong"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE program = 'admin' AND user_id IS NULL AND action = 'cpts.create'
	AND object_id = '$CC' AND detail = 'nom=CPTS T0112 Ria; territoire=$TC; codes postaux=56100,56000; communes=56121,56998; codes absents de l''annuaire acceptés'") == 1 ]] ||
	fail "create-cpts not audited: $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'cpts.create' ORDER BY id DESC LIMIT 1")"

note "parvis-admin cpts-add-manager: by number or name, login or e-mail; audited as a grant"
cli cpts-add-manager 999999999 t0112pro
[[ $CLI_RC == 1 && $CLI_OUT == *"no CPTS"* ]] || fail "unknown CPTS: $CLI_RC $CLI_OUT"
cli cpts-add-manager "$CC" nobody.t0112
[[ $CLI_RC == 1 && $CLI_OUT == *"no user"* ]] || fail "unknown user: $CLI_RC $CLI_OUT"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE role = 'cpts_manager' AND scope_id = $CC") == 0 ]] || fail "refusal wrote"
cli cpts-add-manager 'CPTS T0112 Ria' "t0112pro@test.parvis.localhost"
[[ $CLI_RC == 0 ]] || fail "cpts-add-manager: $CLI_OUT"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role r JOIN parvis.app_user u ON u.id = r.user_id
	WHERE u.login = 't0112pro' AND r.role = 'cpts_manager' AND r.scope_type = 'cpts' AND r.scope_id = $CC") == 1 ]] ||
	fail "manager not granted"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE program = 'admin' AND action = 'role.grant'
	AND object_id = 't0112pro' AND detail = 'cpts_manager:cpts:$CC'") == 1 ]] || fail "CLI grant not audited"
cli cpts-add-manager "$CC" t0112pro
[[ $CLI_RC == 0 && $CLI_OUT == *"already has the role"* ]] || fail "second grant: $CLI_RC $CLI_OUT"
