#!/usr/bin/env bash
# CPTS module access: the role cpts_manager is needed, and its scope is
# checked against the CPTS the URL or the form names.  A manager of CPTS A
# reads and changes nothing of CPTS B, URL tampering included (search,
# export, arrivals, sheet, status); refusals are audited.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

P1=$(idnps_of 7102000001) P2=$(idnps_of 7102000002) P3=$(idnps_of 7102000003)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0203.txt" \
	"$(act_line idnps="$P1" last=ROUSSELINE first=ALICE postal=71000 insee=71270 commune=Mâcon)" \
	"$(act_line idnps="$P2" last=ROUSSELOT first=BRUNO prof=60 prof_label=Infirmier postal=71100 insee=71076 commune=Chalon-sur-Saône)" \
	"$(act_line idnps="$P3" last=ROUSSEAUX first=CELINE postal=71200 insee=71153 commune=Le-Creusot)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0203.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
CA=$(make_cpts "CPTS T0203 Mâconnais" 71000 71100)
CB=$(make_cpts "CPTS T0203 Creusot" 71200)
sql "INSERT INTO parvis.cpts_professional (cpts_id, idnps, status, note) VALUES ($CB, '$P3', 'refus', 'NOTE-DE-B')"

make_user t0203a pro "cpts_manager:cpts:$CA"
make_user t0203b pro "cpts_manager:cpts:$CB"
make_user t0203ab pro "cpts_manager:cpts:$CA" "cpts_manager:cpts:$CB"
make_user t0203pro pro

note "anonymous: sent to the login page"
for p in /annuaire/recherche /annuaire/arrivees "/annuaire/recherche/export.csv?cpts=$CA"; do
	http GET "$p"
	assert_status 303
	assert_header Location '^/connexion'
done

note "a user without the role: 403 everywhere in the module"
login_ready t0203pro
for p in "/annuaire/recherche" "/annuaire/recherche?cpts=$CA" "/annuaire/recherche/export.csv?cpts=$CA" \
	"/annuaire/arrivees?cpts=$CA"; do
	http GET "$p"
	assert_status 403
done
http GET "/annuaire/pro/$P1"
tok=$(csrf)
http POST "/annuaire/pro/$P1/statut" --data-urlencode "csrf=$tok" --data "cpts=$CA&statut=adherent&note=x"
assert_status 403
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional WHERE idnps = '$P1'") == 0 ]] || fail "status written"

note "manager of A: the search of A by default, its territory as chips"
login_ready t0203a
http GET /annuaire/recherche
assert_status 200
assert_body_contains 'CPTS T0203 Mâconnais'
assert_body_contains 'name="cp" value="71000" checked'
assert_body_contains 'name="cp" value="71100" checked'
assert_body_not_contains 'value="71200"'
hits | grep -qx "$P1" || fail "P1 not in A's search"
hits | grep -qx "$P2" || fail "P2 not in A's search"
hits | grep -qx "$P3" && fail "P3 (B's territory) in A's search"
assert_body_not_contains 'cpts-choice'

note "manager of A tampers with URLs for B: 403, audited, nothing shown"
denied=$(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'cpts.access' AND outcome = 'denied'")
for p in "/annuaire/recherche?cpts=$CB" "/annuaire/recherche?cpts=$CB&f=1&cp=71200&statut=refus" \
	"/annuaire/recherche/export.csv?cpts=$CB" "/annuaire/arrivees?cpts=$CB" "/annuaire/pro/$P3?cpts=$CB"; do
	http GET "$p"
	assert_status 403
	assert_body_not_contains 'NOTE-DE-B'
	assert_body_not_contains 'ROUSSEAUX'
done
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'cpts.access' AND outcome = 'denied'") == $((denied + 5)) ]] ||
	fail "refusals not audited"
http GET "/annuaire/pro/$P3"
assert_status 200
assert_body_not_contains 'NOTE-DE-B'
assert_body_not_contains 'de la CPTS T0203 Creusot'
assert_body_contains 'Pour la CPTS T0203 Mâconnais'
assert_body_contains '<strong>inconnu</strong>'
tok=$(csrf)
http POST "/annuaire/pro/$P3/statut" --data-urlencode "csrf=$tok" --data "cpts=$CB&statut=adherent&note=pirate"
assert_status 403
[[ $(sql "SELECT CONCAT(status, '/', note) FROM parvis.cpts_professional WHERE cpts_id = $CB AND idnps = '$P3'") == "refus/NOTE-DE-B" ]] ||
	fail "B's status changed by A's manager"
[[ $(sql "SELECT COUNT(*) FROM parvis.cpts_professional_history WHERE cpts_id = $CB") == 0 ]] || fail "history written"
http POST "/annuaire/pro/$P3/statut" --data-urlencode "csrf=$tok" --data "statut=adherent"
assert_status 400
http POST "/annuaire/pro/$P3/statut" --data-urlencode "csrf=$tok" --data "cpts=abc&statut=adherent"
assert_status 403
http GET "/annuaire/recherche?cpts=abc"
assert_status 404
http GET "/annuaire/recherche?cpts=999999"
assert_status 403
note "A's manager may set A's status of a professional outside A's territory"
http POST "/annuaire/pro/$P3/statut" --data-urlencode "csrf=$tok" --data "cpts=$CA&statut=membre&note=vu+au+congres"
assert_status 303
assert_header Location "^/annuaire/pro/$P3\\?cpts=$CA"
[[ $(sql "SELECT status FROM parvis.cpts_professional WHERE cpts_id = $CA AND idnps = '$P3'") == membre ]] ||
	fail "A's status not written"

note "manager of B sees B's note, not A's"
login_ready t0203b
http GET "/annuaire/pro/$P3"
assert_status 200
assert_body_contains 'NOTE-DE-B'
assert_body_not_contains 'vu au congres'
http GET "/annuaire/pro/$P3?cpts=$CA"
assert_status 403
http GET "/annuaire/recherche"
assert_status 200
hits | grep -qx "$P3" || fail "P3 not in B's search"
hits | grep -qx "$P1" && fail "P1 in B's search"

note "manager of both: a choice of CPTS, each one's data"
login_ready t0203ab
http GET "/annuaire/recherche?cpts=$CB"
assert_status 200
assert_body_contains 'cpts-choice'
assert_body_contains "<option value=\"$CB\" selected>CPTS T0203 Creusot</option>"
http GET "/annuaire/pro/$P3?cpts=$CA"
assert_status 200
assert_body_contains 'vu au congres'
assert_body_not_contains 'NOTE-DE-B'
http GET "/annuaire/pro/$P3?cpts=$CB"
assert_body_contains 'NOTE-DE-B'
assert_body_not_contains 'vu au congres'
