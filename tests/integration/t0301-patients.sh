#!/usr/bin/env bash
# ICOPE patient files: strong session required, create (validation, INS key,
# postal code -> territory, duplicates shown with a confirmation step, same
# INS refused), landing on the administrative panel, the list (normal and
# simplified views, search by name / INS / birth date, sort), favourite
# panels as quick links and landing panel, edit, history; audit rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/icope-lib.sh"

# ins_with_key 13DIGITS: the 15-character INS with its key.
ins_with_key() {
	printf '%s%02d' "$1" $((97 - $1 % 97))
}

account t0301a pro
ua=$USER_ID
accept_all_cgu "$ua"

npat() { sql "SELECT COUNT(*) - $base FROM parvis.patient"; }
base=0
base=$(npat)

note "anonymous: sent to the login page"
http GET /icope/usagers
assert_status 303
assert_header Location '^/connexion\?suite=%2Ficope%2Fusagers'

note "level-1 session: refused with the step-up page"
login t0301a
http GET /icope/usagers
assert_status 403
assert_body_contains 'authentification'
http GET /icope/usagers/nouveau
assert_status 403

login_strong t0301a

note "empty list"
http GET /icope/usagers
assert_status 200
assert_body_contains 'Aucun dossier ne vous est accessible'

note "the creation form"
http GET /icope/usagers/nouveau
assert_status 200
assert_body_contains 'name="nom_naissance"'
assert_body_contains 'name="ins"'
assert_body_contains 'name="code_postal"'
tok=$(csrf)

ins1=$(ins_with_key 2401131555123)
bad_ins=${ins1:0:13}$(printf '%02d' $(((10#${ins1:13:2} + 1) % 100)))

note "invalid input: 422 with messages, nothing created"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=" --data-urlencode "prenoms=Jeanne" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1940-11-22" \
	--data-urlencode "ins=$bad_ins" --data-urlencode "code_postal=3100" \
	--data-urlencode "lieu_naissance=ZZ123"
assert_status 422
assert_body_contains 'class="alert alert-error"'
assert_body_contains 'id="nom_naissance-error"'
assert_body_contains 'id="ins-error"'
assert_body_contains 'id="code_postal-error"'
assert_body_contains 'id="lieu_naissance-error"'
assert_body_contains 'value="Jeanne"'
[[ $(npat) == 0 ]] || fail "a patient was created"

note "INS whose sex digit disagrees with the sex: refused"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Dupont" --data-urlencode "prenoms=Jeanne" \
	--data-urlencode "sexe=M" --data-urlencode "date_naissance=1940-11-22" \
	--data-urlencode "ins=$ins1" --data-urlencode "code_postal=31000"
assert_status 422
assert_body_contains 'ne correspond pas au sexe'

note "future birth date refused"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Dupont" --data-urlencode "prenoms=Jeanne" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=2099-01-01" \
	--data-urlencode "code_postal=31000"
assert_status 422
assert_body_contains 'futur'

note "CSRF missing: 403, nothing created"
http POST /icope/usagers/nouveau --data-urlencode "nom_naissance=Dupont" \
	--data-urlencode "prenoms=Jeanne" --data-urlencode "sexe=F" \
	--data-urlencode "date_naissance=1940-11-22" --data-urlencode "code_postal=31000"
assert_status 403
[[ $(npat) == 0 ]] || fail "a patient was created"

note "create: lands on the administrative panel; creator in the care circle; territory from the postal code"
ins_spaced="${ins1:0:1} ${ins1:1:2} ${ins1:3:2} ${ins1:5:2} ${ins1:7:3} ${ins1:10:3} ${ins1:13:2}"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Dupont" --data-urlencode "nom_utilise=Martin" \
	--data-urlencode "prenoms=Jeanne Marie" --data-urlencode "sexe=F" \
	--data-urlencode "date_naissance=22/11/1940" --data-urlencode "lieu_naissance=31555" \
	--data-urlencode "ins=$ins_spaced" --data-urlencode "rang_naissance=1" \
	--data-urlencode "adresse=12 rue des Lilas" --data-urlencode "code_postal=31000" \
	--data-urlencode "ville=Toulouse" --data-urlencode "medecin=Dr Claire Martin, Toulouse" \
	--data-urlencode "telephone=05 61 00 00 01" --data-urlencode "contact_nom=Paul Martin (fils)" \
	--data-urlencode "contact_telephone=06 12 34 56 78"
assert_status 303
pid=$(sql "SELECT id FROM parvis.patient WHERE ins = '$ins1'")
[[ -n $pid ]] || fail "patient not stored with the normalised INS"
assert_header Location "^/icope/usagers/$pid/administratif$"
[[ $(sql "SELECT CONCAT_WS('|', birth_name, used_name, first_names, sex, birth_date, birth_place_insee,
	birth_rank, postal_code, territory_id, phone, contact_phone, created_by)
	FROM parvis.patient WHERE id = $pid") == "Dupont|Martin|Jeanne Marie|F|1940-11-22|31555|1|31000|1|0561000001|0612345678|$ua" ]] ||
	fail "patient row: $(sql "SELECT * FROM parvis.patient WHERE id = $pid")"
[[ $(sql "SELECT COUNT(*) FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $ua") == 1 ]] ||
	fail "creator not in the care circle"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.create' AND patient_id = $pid
	AND user_id = $ua AND outcome = 'ok' AND program = 'icope'") == 1 ]] || fail "creation not audited"

note "the administrative panel, audited as a read"
before=$(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.read' AND patient_id = $pid")
http GET "/icope/usagers/$pid/administratif"
assert_status 200
assert_body_contains 'Martin (Dupont) Jeanne Marie'
assert_body_contains "$ins1"
assert_body_contains '12 rue des Lilas'
assert_body_contains 'CPTS Toulouse'
assert_body_contains 'ICOPE – Alertes et STEP 2'
assert_body_contains 'Historique'
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.read' AND patient_id = $pid
	AND detail = 'administratif'") -gt $before ]] || fail "read not audited"

note "a homonym (same names and birth date): shown first, created after confirmation"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=DUPONT" --data-urlencode "prenoms=jeanne marie" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1940-11-22" \
	--data-urlencode "code_postal=31200"
assert_status 200
assert_body_contains 'id="doublons"'
assert_body_contains "/icope/usagers/$pid"
assert_body_contains 'name="doublons_vus" value="1"'
assert_body_contains 'Créer quand même'
[[ $(npat) == 1 ]] || fail "created without confirmation"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=DUPONT" --data-urlencode "prenoms=jeanne marie" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1940-11-22" \
	--data-urlencode "code_postal=31200" --data-urlencode "doublons_vus=1"
assert_status 303
pid2=$(sql "SELECT MAX(id) FROM parvis.patient WHERE created_by = $ua")
[[ $pid2 != "$pid" ]] || fail "no second file"
[[ $(sql "SELECT detail FROM parvis.audit_log WHERE action = 'patient.create' AND patient_id = $pid2") == *doublon* ]] ||
	fail "confirmation not in the audit detail"

note "same INS: refused even after confirmation"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Durand" --data-urlencode "prenoms=Jeanne" \
	--data-urlencode "sexe=F" --data-urlencode "date_naissance=1940-11-22" \
	--data-urlencode "ins=$ins1" --data-urlencode "code_postal=31000" --data-urlencode "doublons_vus=1"
assert_status 409
assert_body_contains 'déjà cet INS'
[[ $(npat) == 2 ]] || fail "same INS created"

note "a third file, no territory for its postal code"
http POST /icope/usagers/nouveau --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Bernard" --data-urlencode "prenoms=André" \
	--data-urlencode "sexe=M" --data-urlencode "date_naissance=1950-03-04" \
	--data-urlencode "code_postal=75011"
assert_status 303
pid3=$(sql "SELECT id FROM parvis.patient WHERE birth_name = 'Bernard' AND created_by = $ua")
[[ $(sql "SELECT territory_id IS NULL FROM parvis.patient WHERE id = $pid3") == 1 ]] || fail "territory set"

note "list, normal view: every file, audited"
http GET /icope/usagers
assert_status 200
assert_body_contains 'Martin (Dupont) Jeanne Marie'
assert_body_contains 'Bernard André'
assert_body_contains "$ins1"
assert_body_contains 'vue complète</strong>'
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.list' AND user_id = $ua
	AND FIND_IN_SET('$pid', detail)") -ge 1 ]] || fail "list not audited with the ids shown"

note "simplified view: one line per person, age and next STEP 1"
http GET '/icope/usagers?vue=simple'
assert_status 200
assert_body_contains 'vue simplifiée</strong>'
assert_body_contains 'Alertes ouvertes'
assert_body_not_contains "$ins1"
grep -q 'ans</td>' "$HTTP_DIR/body" || fail "no age column"

note "search by name prefix (accents and case ignored), by INS, by birth date"
http GET '/icope/usagers?q=bern'
assert_status 200
assert_body_contains 'Bernard André'
assert_body_not_contains 'Jeanne Marie'
http GET '/icope/usagers?q=andre'
assert_body_contains 'Bernard André'
http GET "/icope/usagers?q=$(printf '%s' "$ins_spaced" | sed 's/ /+/g')"
assert_status 200
assert_body_contains 'Martin (Dupont) Jeanne Marie'
assert_body_not_contains 'Bernard'
grep -c 'Jeanne Marie' "$HTTP_DIR/body" | grep -qx 1 || fail "INS search should find one file"
http GET '/icope/usagers?q=04%2F03%2F1950'
assert_body_contains 'Bernard André'
assert_body_not_contains 'Jeanne Marie'
http GET '/icope/usagers?q=%25'
assert_status 200
assert_body_contains 'Aucun dossier ne correspond'

note "sort by birth date: the oldest first"
http GET '/icope/usagers?tri=naissance'
assert_status 200
first=$(grep -o '/icope/usagers/[0-9]*">' "$HTTP_DIR/body" | head -n 1 | grep -o '[0-9]*')
[[ $first == "$pid" ]] || fail "sorted by birth date: first is $first"
http GET '/icope/usagers?tri=nom'
first=$(grep -o '/icope/usagers/[0-9]*">' "$HTTP_DIR/body" | head -n 1 | grep -o '[0-9]*')
[[ $first == "$pid3" ]] || fail "sorted by name: first is $first"

note "opening a file lands on the administrative panel without favourites"
http GET "/icope/usagers/$pid"
assert_status 303
assert_header Location "^/icope/usagers/$pid/administratif$"

note "favourite panels: landing on the first, quick links in the header"
sql "INSERT INTO parvis.user_favorite_panel (user_id, position, panel) VALUES
	($ua, 1, 'suivi'), ($ua, 2, 'historique')"
http GET "/icope/usagers/$pid"
assert_status 303
assert_header Location "^/icope/usagers/$pid/suivi$"
http GET "/icope/usagers/$pid/suivi"
assert_status 200
assert_body_contains 'Mes volets favoris'
assert_body_contains "href=\"/icope/usagers/$pid/historique\""
assert_body_contains 'à faire dès que possible'

note "edit the administrative part"
http GET "/icope/usagers/$pid/administratif/modifier"
assert_status 200
assert_body_contains 'value="Dupont"'
assert_body_contains 'value="1940-11-22"'
http POST "/icope/usagers/$pid/administratif/modifier" --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Dupont" --data-urlencode "nom_utilise=Martin" \
	--data-urlencode "prenoms=Jeanne Marie" --data-urlencode "sexe=F" \
	--data-urlencode "date_naissance=1940-11-22" --data-urlencode "ins=$ins1" \
	--data-urlencode "code_postal=75011" --data-urlencode "ville=Paris"
assert_status 303
assert_header Location "^/icope/usagers/$pid/administratif\?enregistre=1$"
[[ $(sql "SELECT CONCAT_WS('|', postal_code, city, territory_id IS NULL, updated_by) FROM parvis.patient
	WHERE id = $pid") == "75011|Paris|1|$ua" ]] || fail "edit not stored"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'patient.update' AND patient_id = $pid") == 1 ]] ||
	fail "edit not audited"
note "edit with another file's INS: refused"
ins3=$(ins_with_key 1500375111001)
sql "UPDATE parvis.patient SET ins = '$ins3' WHERE id = $pid3"
http POST "/icope/usagers/$pid/administratif/modifier" --data-urlencode "csrf=$tok" \
	--data-urlencode "nom_naissance=Dupont" --data-urlencode "prenoms=Jeanne Marie" \
	--data-urlencode "sexe=M" --data-urlencode "date_naissance=1950-03-04" \
	--data-urlencode "ins=$ins3" --data-urlencode "code_postal=75011"
assert_status 409
[[ $(sql "SELECT ins FROM parvis.patient WHERE id = $pid") == "$ins1" ]] || fail "INS changed"

note "history: the file's audit trail, without addresses"
http GET "/icope/usagers/$pid/historique"
assert_status 200
assert_body_contains 'Création du dossier'
assert_body_contains 'Modification de l&#39;identité'
assert_body_not_contains '127.0.0.1'

note "renamed: the name order follows at once (care_circle_by_name, kept by triggers)"
http POST "/icope/usagers/$pid/administratif/modifier" --data-urlencode "csrf=$(csrf)" \
	--data-urlencode "nom_naissance=Aaron" --data-urlencode "nom_utilise=Martin" \
	--data-urlencode "prenoms=Jeanne Marie" --data-urlencode "sexe=F" \
	--data-urlencode "date_naissance=1940-11-22" --data-urlencode "ins=$ins1" \
	--data-urlencode "code_postal=75011" --data-urlencode "ville=Paris"
assert_status 303
[[ $(sql "SELECT birth_name FROM parvis.care_circle_by_name WHERE patient_id = $pid AND user_id = $ua") == Aaron ]] ||
	fail "order copy not renamed"
for view in complete simple; do
	http GET "/icope/usagers?vue=$view&tri=nom"
	assert_status 200
	first=$(grep -o '/icope/usagers/[0-9]*">' "$HTTP_DIR/body" | head -n 1 | grep -o '[0-9]*')
	[[ $first == "$pid" ]] || fail "$view view sorted by name after the rename: first is $first"
done
note "out of the care circle: out of the list, even if the order copy were stale"
sql "DELETE FROM parvis.care_circle WHERE patient_id = $pid AND user_id = $ua"
[[ $(sql "SELECT COUNT(*) FROM parvis.care_circle_by_name WHERE patient_id = $pid AND user_id = $ua") == 0 ]] ||
	fail "order copy kept a removed member"
sql "INSERT INTO parvis.care_circle_by_name (patient_id, user_id, birth_name, first_names)
	VALUES ($pid, $ua, 'Aaron', 'Jeanne Marie')"
http GET '/icope/usagers?vue=simple&tri=nom'
assert_status 200
assert_body_not_contains "/icope/usagers/$pid\""
assert_body_contains "/icope/usagers/$pid3\""
note "back in the care circle over a stale order row: added, and listed again"
sql "UPDATE parvis.care_circle_by_name SET birth_name = 'Zzz' WHERE patient_id = $pid AND user_id = $ua"
sql "INSERT INTO parvis.care_circle (patient_id, user_id, added_at) VALUES ($pid, $ua, NOW())"
[[ $(sql "SELECT birth_name FROM parvis.care_circle_by_name WHERE patient_id = $pid AND user_id = $ua") == Aaron ]] ||
	fail "order copy not refreshed on a new membership"
http GET '/icope/usagers?vue=simple&tri=nom'
first=$(grep -o '/icope/usagers/[0-9]*">' "$HTTP_DIR/body" | head -n 1 | grep -o '[0-9]*')
[[ $first == "$pid" ]] || fail "back in the circle: first is $first"
