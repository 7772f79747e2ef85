#!/usr/bin/env bash
# Directory import through parvis-admin: the real-format fixtures (current
# and 2021-22 columns, BOM, CRLF, trailing '|', bad lines, a missing
# column), idempotent re-import keeping local data, disappeared and moved
# professionals, gen-rpps, and the professionals found in the UI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

F=$ANNUAIRE_FIXTURES
q() { sql "$1"; }

note "the three files of a day, in any order: activity first"
import_rpps "$F/mssante.txt" "$F/savoir_faire.txt" "$F/activite_new.txt" ||
	fail "import failed: $(cat "$TEST_TMP/import.log")"
grep -q 'activite_new.txt (PS_LibreAcces_Personne_activite' "$TEST_TMP/import.log" || fail "kind not recognised"
[[ $(grep -n 'import-rpps: ' "$TEST_TMP/import.log" | head -n 1) == *activite_new* ]] ||
	fail "activity was not imported first"
grep -q 'savoir_faire.txt (PS_LibreAcces_SavoirFaire, BOM)' "$TEST_TMP/import.log" || fail "BOM not reported"
grep -q 'peak RSS' "$TEST_TMP/import.log" || fail "no peak RSS"
[[ $(q "SELECT COUNT(*) FROM parvis.professional WHERE idnps IN ('810000000009', '0207654321',
	'810000000017', '810000000025', '810000000033') AND file_status = 'present'") == 5 ]] ||
	fail "professionals not imported"
[[ $(q "SELECT CONCAT(last_name, '/', first_name, '/', last_key, '/', profession_code, '/', practice_title)
	FROM parvis.professional WHERE idnps = '810000000025'") == "D'ALMEIDA/CÉLINE/DALMEIDA/21/DR" ]] ||
	fail "identity or search key wrong"
[[ $(q "SELECT COUNT(*) FROM parvis.practice_site WHERE idnps = '810000000009' AND status = 'present'") == 2 ]] ||
	fail "LEFÈVRE's two sites (one line per savoir-faire on one of them) expected"
[[ $(q "SELECT CONCAT(postal_code, '/', commune_code, '/', dept_code, '/', phone) FROM parvis.practice_site
	WHERE idnps = '0207654321'") == "20000/2A004/2A/0495211234" ]] || fail "Corsican site wrong"
[[ $(q "SELECT COUNT(*) FROM parvis.practice_site WHERE idnps = '810000000017'") == 0 ]] ||
	fail "a line without site made a site"
[[ $(q "SELECT GROUP_CONCAT(skill_code ORDER BY skill_code) FROM parvis.professional_skill
	WHERE idnps = '810000000009'") == "CAPA01,SM54" ]] || fail "savoir-faire not imported"
[[ $(q "SELECT DISTINCT skills FROM parvis.practice_site WHERE idnps = '810000000009'") == "CAPA01,SM54" ]] ||
	fail "savoir-faire not copied onto the sites"
[[ $(q "SELECT address FROM parvis.professional_mssante WHERE idnps = '810000000009'") == helene.lefevre@medecin.mssante.fr ]] ||
	fail "MSSanté address not imported"
[[ $(q "SELECT COUNT(*) FROM parvis.professional_mssante WHERE address LIKE 'secretariat%'") == 0 ]] ||
	fail "an organisational mailbox was imported"
[[ $(q "SELECT label FROM parvis.rpps_profession WHERE code = '70'") == "Masseur-Kinésithérapeute" ]] ||
	fail "profession lookup not built"
[[ $(q "SELECT CONCAT(label, '/', type_code) FROM parvis.rpps_skill WHERE code = 'SM54'") == "Médecine Générale/S" ]] ||
	fail "savoir-faire lookup not built"
[[ $(q "SELECT label FROM parvis.rpps_label WHERE kind = 'sector' AND code = 'SA08'") == "Cabinet de groupe" ]] ||
	fail "sector lookup not built"
[[ $(q "SELECT COUNT(*) FROM parvis.rpps_commune WHERE postal_code = '25000' AND insee = '25056'") == 1 ]] ||
	fail "commune lookup not built"
[[ $(q "SELECT CONCAT(kind, ':', status, ':', record_count, ':', bad_lines, ':', skipped_lines)
	FROM parvis.rpps_import WHERE file_name = 'mssante.txt'") == "mssante:done:3:0:1" ]] ||
	fail "MSSanté run not recorded"
[[ $(q "SELECT CONCAT(baseline, ':', professionals_new) FROM parvis.rpps_import
	WHERE file_name = 'activite_new.txt' ORDER BY id LIMIT 1") == "1:5" ]] || fail "baseline run not recorded"
[[ $(q "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'rpps.import'") -ge 3 ]] || fail "import not audited"

note "local data: a card, a CPTS status and note, before a re-import"
q "INSERT INTO parvis.professional_card (idnps, email, about, completed) VALUES ('810000000009', 'h.lefevre@exemple.fr', 'Texte', TRUE)"
cpts=$(make_cpts "CPTS T0201" 25000)
q "INSERT INTO parvis.cpts_professional (cpts_id, idnps, status, note) VALUES ($cpts, '810000000009', 'adherent', 'Note privée')"
sites_before=$(q "SELECT GROUP_CONCAT(id ORDER BY id) FROM parvis.practice_site")

note "re-import of the same file: nothing written, local data kept"
import_rpps "$F/activite_new.txt" || fail "re-import failed"
grep -q 'professionals: 0 new, 0 disappeared, 0 moved' "$TEST_TMP/import.log" || fail "re-import changed things: $(cat "$TEST_TMP/import.log")"
[[ $(q "SELECT GROUP_CONCAT(id ORDER BY id) FROM parvis.practice_site") == "$sites_before" ]] || fail "sites renumbered"
[[ $(q "SELECT COUNT(*) FROM parvis.professional WHERE last_import_id <> first_import_id") == 0 ]] ||
	fail "unchanged professionals were rewritten"
[[ $(q "SELECT CONCAT(email, '/', completed) FROM parvis.professional_card WHERE idnps = '810000000009'") == "h.lefevre@exemple.fr/1" ]] ||
	fail "card lost"
[[ $(q "SELECT CONCAT(status, '/', note) FROM parvis.cpts_professional WHERE idnps = '810000000009'") == "adherent/Note privée" ]] ||
	fail "CPTS status lost"

note "bad lines: counted, reported with line numbers, never silently dropped; nothing marked gone"
import_rpps "$F/activite_bad.txt" || fail "a file with bad lines must still import its good lines"
for l in 3 5 6 7 8 9; do
	grep -q "line $l: " "$TEST_TMP/import.log" || fail "line $l not reported: $(cat "$TEST_TMP/import.log")"
done
grep -q 'wrong field count' "$TEST_TMP/import.log" || fail "reason not given"
grep -q '6 bad lines' "$TEST_TMP/import.log" || fail "bad lines not counted"
grep -q 'nothing is marked as gone' "$TEST_TMP/import.log" || fail "an unsound file marked professionals gone"
run=$(q "SELECT id FROM parvis.rpps_import WHERE file_name = 'activite_bad.txt'")
[[ $(q "SELECT GROUP_CONCAT(line_no ORDER BY line_no) FROM parvis.rpps_import_bad_line WHERE import_id = $run") == "3,5,6,7,8,9" ]] ||
	fail "bad lines not kept"
[[ $(q "SELECT CONCAT(bad_lines, ':', record_count) FROM parvis.rpps_import WHERE id = $run") == "6:3" ]] ||
	fail "bad run counts wrong"
[[ $(q "SELECT COUNT(*) FROM parvis.professional WHERE file_status <> 'present'") == 0 ]] ||
	fail "professionals marked gone by a file with bad lines"

note "a missing required column: a clear message, exit 1, nothing imported"
runs=$(q "SELECT COUNT(*) FROM parvis.rpps_import")
if import_rpps "$F/activite_missing_column.txt"; then fail "missing column accepted"; fi
grep -q "required column(s) missing from the header: \"Nom d'exercice\"" "$TEST_TMP/import.log" ||
	fail "message unclear: $(cat "$TEST_TMP/import.log")"
[[ $(q "SELECT COUNT(*) FROM parvis.rpps_import") == "$runs" ]] || fail "a run was recorded"
if import_rpps /nonexistent/PS_LibreAcces_Personne_activite.txt; then fail "missing file accepted"; fi

note "2021-22 columns with a BOM, and CRLF line ends (partial files)"
import_rpps --partial "$F/activite_old_bom.txt" || fail "old columns refused: $(cat "$TEST_TMP/import.log")"
grep -q 'BOM' "$TEST_TMP/import.log" || fail "BOM not seen"
grep -q 'professionals: 0 new, 0 disappeared, 0 moved' "$TEST_TMP/import.log" ||
	fail "the old column set changed identities: $(cat "$TEST_TMP/import.log")"
import_rpps --partial "$F/activite_crlf.txt" || fail "CRLF refused"
[[ $(q "SELECT COUNT(*) FROM parvis.professional WHERE first_name LIKE '%\r%' OR last_name LIKE '%\r%'") == 0 ]] ||
	fail "CR left in names"
[[ $(q "SELECT partial FROM parvis.rpps_import WHERE file_name = 'activite_crlf.txt'") == 1 ]] || fail "partial not recorded"

note "a newer file without NGUYEN: disappeared, kept, her sites gone"
grep -v '|810000000033|' "$F/activite_new.txt" >"$TEST_TMP/PS_LibreAcces_Personne_activite_2.txt"
import_rpps "$TEST_TMP/PS_LibreAcces_Personne_activite_2.txt" || fail "import failed"
grep -q 'professionals: 0 new, 1 disappeared, 0 moved' "$TEST_TMP/import.log" || fail "$(cat "$TEST_TMP/import.log")"
[[ $(q "SELECT CONCAT(file_status, ':', disappeared_at IS NOT NULL) FROM parvis.professional WHERE idnps = '810000000033'") == "disappeared:1" ]] ||
	fail "NGUYEN not marked disappeared"
[[ $(q "SELECT status FROM parvis.practice_site WHERE idnps = '810000000033'") == gone ]] || fail "site not gone"
[[ $(q "SELECT COUNT(*) FROM parvis.professional WHERE file_status = 'present'") == 4 ]] || fail "others touched"

note "she comes back; SANTONI moves within Ajaccio: moved, the new site is an arrival"
sed 's/|20000 AJACCIO|20000|2A004|/|20090 AJACCIO|20090|2A004|/' "$F/activite_new.txt" \
	>"$TEST_TMP/PS_LibreAcces_Personne_activite_3.txt"
grep -q '|20090|2A004|' "$TEST_TMP/PS_LibreAcces_Personne_activite_3.txt" || fail "fixture edit failed"
import_rpps "$TEST_TMP/PS_LibreAcces_Personne_activite_3.txt" || fail "import failed"
grep -q 'professionals: 0 new, 0 disappeared, 1 moved' "$TEST_TMP/import.log" || fail "$(cat "$TEST_TMP/import.log")"
[[ $(q "SELECT file_status FROM parvis.professional WHERE idnps = '810000000033'") == present ]] || fail "NGUYEN not back"
[[ $(q "SELECT moved_at IS NOT NULL FROM parvis.professional WHERE idnps = '0207654321'") == 1 ]] || fail "move not marked"
[[ $(q "SELECT CONCAT(postal_code, ':', status, ':', arrived_at IS NOT NULL) FROM parvis.practice_site
	WHERE idnps = '0207654321' ORDER BY id") == $'20000:gone:0\n20090:present:1' ]] || fail "sites of the move wrong"
[[ $(q "SELECT COUNT(*) FROM parvis.professional_card") -ge 1 && $(q "SELECT COUNT(*) FROM parvis.cpts_professional") -ge 1 ]] ||
	fail "local data lost"

note "gen-rpps: usage, a generated population imported, found in the UI"
if stack admin gen-rpps nothing 10 "$TEST_TMP/x.txt" 2>/dev/null; then fail "bad kind accepted"; fi
if stack admin gen-rpps activite 0 "$TEST_TMP/x.txt" 2>/dev/null; then fail "N = 0 accepted"; fi
g=$TEST_TMP/gen
mkdir -p "$g"
# The generated population lives all over France, as the real one does:
# the directory tests after this one have departments of their own (39,
# 73...) and expect to find them as they left them, so it goes at the end,
# with the communes it brought.
communes_before=$(q "SELECT COALESCE(GROUP_CONCAT(CONCAT(postal_code, '/', insee)), '') FROM parvis.rpps_commune")
at_exit 'gen_import="(SELECT id FROM parvis.rpps_import WHERE kind = '"'"'activite'"'"'
		AND file_name = '"'"'PS_LibreAcces_Personne_activite_gen.txt'"'"')"
	sql "CREATE TEMPORARY TABLE gen_people AS SELECT idnps FROM parvis.professional
			WHERE first_import_id IN $gen_import;
		DELETE FROM parvis.practice_site WHERE idnps IN (SELECT idnps FROM gen_people);
		DELETE FROM parvis.professional_skill WHERE idnps IN (SELECT idnps FROM gen_people);
		DELETE FROM parvis.professional_mssante WHERE idnps IN (SELECT idnps FROM gen_people);
		DELETE FROM parvis.professional WHERE idnps IN (SELECT idnps FROM gen_people);
		DELETE k FROM parvis.site_skill k LEFT JOIN parvis.practice_site s ON s.id = k.site_id
			WHERE s.id IS NULL;
		DELETE FROM parvis.rpps_commune
			WHERE FIND_IN_SET(CONCAT(postal_code, '"'"'/'"'"', insee), '"'"'$communes_before'"'"') = 0"'
stack admin gen-rpps activite 1500 "$g/PS_LibreAcces_Personne_activite_gen.txt" --seed 201 --bom --old-columns ||
	fail "gen-rpps activite failed"
stack admin gen-rpps savoir-faire 1500 "$g/PS_LibreAcces_SavoirFaire_gen.txt" --seed 201 || fail "gen-rpps sf failed"
stack admin gen-rpps mssante 1500 "$g/Extraction_Correspondance_MSSante_gen.txt" --seed 201 || fail "gen-rpps mssante failed"
[[ $(head -c 3 "$g/PS_LibreAcces_Personne_activite_gen.txt" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "no BOM"
[[ $(wc -l <"$g/PS_LibreAcces_Personne_activite_gen.txt") == 1501 ]] || fail "not 1500 lines"
import_rpps --partial "$g"/*.txt || fail "generated files refused: $(cat "$TEST_TMP/import.log")"
grep -q '1500 records, 0 bad lines' "$TEST_TMP/import.log" || fail "$(cat "$TEST_TMP/import.log")"
read -r id last first pc < <(q "SELECT p.idnps, p.last_name, p.first_name, s.postal_code FROM parvis.professional p
	JOIN parvis.practice_site s ON s.idnps = p.idnps WHERE p.first_import_id = (SELECT MAX(id) FROM parvis.rpps_import
	WHERE kind = 'activite') AND p.last_name NOT LIKE '% %' AND p.first_name NOT LIKE '% %' ORDER BY p.id LIMIT 1" | tr '\t' ' ')
[[ -n $id ]] || fail "no generated professional"
make_user t0201pro
login_ready t0201pro
http GET /annuaire/ -G --data-urlencode "nom=$last" --data-urlencode "lieu=$pc"
assert_status 200
hits | grep -qx "$id" || fail "$first $last ($id) not found by name and postal code"
http GET "/annuaire/pro/$id"
assert_status 200
assert_body_contains "$last"
assert_body_contains "$pc"

note "the search's derived tables: rebuilt once per import command, and after a failure"
# derived_ok: site_place_stat and site_skill say what practice_site holds,
# and no rebuild is pending.
derived_ok() {
	[[ $(q "SELECT COUNT(*) FROM (SELECT postal_code, profession_code, COUNT(*) AS n
		FROM parvis.practice_site WHERE status = 'present' GROUP BY postal_code, profession_code) a
		LEFT JOIN parvis.site_place_stat t USING (postal_code, profession_code)
		WHERE t.sites IS NULL OR t.sites <> a.n") == 0 ]] || fail "$1: site_place_stat misses sites"
	[[ $(q "SELECT COUNT(*) FROM parvis.site_place_stat t WHERE NOT EXISTS (SELECT 1
		FROM parvis.practice_site s WHERE s.status = 'present' AND s.postal_code = t.postal_code
		AND s.profession_code = t.profession_code)") == 0 ]] || fail "$1: site_place_stat counts gone sites"
	[[ $(q "SELECT COUNT(*) FROM parvis.site_skill k LEFT JOIN parvis.practice_site s ON s.id = k.site_id
		WHERE s.id IS NULL OR s.status <> 'present' OR s.postal_code <> k.postal_code
		OR FIND_IN_SET(k.skill_code, s.skills) = 0") == 0 ]] || fail "$1: site_skill has rows of no site"
	[[ $(q "SELECT COUNT(*) FROM parvis.site_skill k JOIN parvis.practice_site s ON s.id = k.site_id
		WHERE k.status <> s.status OR BINARY k.idnps <> BINARY s.idnps
		OR BINARY k.last_key <> BINARY s.last_key OR BINARY k.first_key <> BINARY s.first_key
		OR BINARY k.profession_code <> BINARY s.profession_code
		OR BINARY k.commune_code <> BINARY s.commune_code
		OR BINARY k.skills <> BINARY s.skills") == 0 ]] || fail "$1: site_skill's copies differ from the sites"
	[[ $(q "SELECT COUNT(*) FROM parvis.site_skill") == $(q "SELECT COUNT(DISTINCT j.code, s.id)
		FROM parvis.practice_site s, JSON_TABLE(CONCAT('[\"', REPLACE(s.skills, ',', '\",\"'), '\"]'),
		'\$[*]' COLUMNS (code VARCHAR(16) CHARACTER SET ascii PATH '\$')) j
		WHERE s.status = 'present' AND s.skills <> '' AND j.code <> ''") ]] || fail "$1: site_skill misses sites"
	[[ $(q "SELECT COUNT(*) FROM parvis.directory_index_state WHERE stale <> 0") == 0 ]] ||
		fail "$1: a rebuild is still pending"
}
derived_ok "after the generated files"
[[ $(grep -c 'search tables rebuilt (site_place_stat, site_skill)' "$TEST_TMP/import.log") == 1 ]] ||
	fail "three files, not one rebuild: $(cat "$TEST_TMP/import.log")"
# An import stopped before its rebuild (killed, the database gone) leaves
# the flag set and the tables stale: the next command rebuilds them first,
# even one that imports nothing.
q "DELETE FROM parvis.site_skill WHERE site_id % 2 = 0;
	UPDATE parvis.site_place_stat SET sites = sites + 7;
	UPDATE parvis.directory_index_state SET stale = 1"
if import_rpps "$F/activite_missing_column.txt"; then fail "missing column accepted"; fi
grep -q 'search tables rebuilt' "$TEST_TMP/import.log" || fail "no rebuild: $(cat "$TEST_TMP/import.log")"
derived_ok "after a failed import following a stopped one"
# A failing file leaves them matching what was committed, flag cleared.
if import_rpps /nonexistent/PS_LibreAcces_SavoirFaire.txt; then fail "missing file accepted"; fi
derived_ok "after a failed import"

note "anonymous visitors are sent to the login page"
http_reset
http GET /annuaire/
assert_status 303
assert_header Location '^/connexion'
