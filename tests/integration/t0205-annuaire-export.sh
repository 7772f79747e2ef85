#!/usr/bin/env bash
# The CPTS module's current result set: the copy-the-addresses dialog
# (warning about health data, the addresses in a selectable text area,
# those without one, never those who asked not to be contacted) and the
# CSV export (UTF-8 with BOM, ';', quoted, formulas neutralised, audited).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

Q1=$(idnps_of 7302000001) Q2=$(idnps_of 7302000002) Q3=$(idnps_of 7302000003)
Q4=$(idnps_of 7302000004) Q5=$(idnps_of 7302000005)
CH="postal=73000 insee=73065 commune=Chambéry"
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0205.txt" \
	"$(act_line idnps="$Q1" last=ALBERTIN first=ANNE $CH)" \
	"$(act_line idnps="$Q2" last=BALMAT first=BRUNO prof=60 prof_label=Infirmier $CH)" \
	"$(act_line idnps="$Q3" last=CACHAT first=CHLOE $CH phone=0479000003)" \
	"$(act_line idnps="$Q4" last=DUCLOS first=DENIS $CH)" \
	"$(act_line idnps="$Q5" last==1+1 'first=JE"AN' $CH)"
# Bruno Balmat's MSSanté mailbox, in the published format.
{
	head -n 1 "$ANNUAIRE_FIXTURES/mssante.txt"
	sed -n 2p "$ANNUAIRE_FIXTURES/mssante.txt" |
		awk -F'|' -v OFS='|' -v id="$Q2" '{ $2 = "bruno.balmat@infirmier.mssante.fr"; $4 = substr(id, 2); $5 = id; print }'
} >"$TEST_TMP/Extraction_Correspondance_MSSante_t0205.txt"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0205.txt" \
	"$TEST_TMP/Extraction_Correspondance_MSSante_t0205.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
[[ $(sql "SELECT address FROM parvis.professional_mssante WHERE idnps = '$Q2'") == bruno.balmat@infirmier.mssante.fr ]] ||
	fail "MSSanté line not imported"
CA=$(make_cpts "CPTS T0205 Chambéry" 73000)
sql "INSERT INTO parvis.professional_card (idnps, email, completed) VALUES ('$Q1', 'anne.albertin@exemple.fr', TRUE),
	('$Q4', 'd.duclos@exemple.fr', TRUE)"
sql "INSERT INTO parvis.cpts_professional (cpts_id, idnps, status, note) VALUES ($CA, '$Q1', 'adherent', ''),
	($CA, '$Q2', 'adherent', ''), ($CA, '$Q3', 'adherent', 'NOTE-T0205'), ($CA, '$Q4', 'ne_plus_contacter', '')"
make_user t0205m pro "cpts_manager:cpts:$CA"
mid=$USER_ID
login_ready t0205m

note "the adherents: their addresses to copy, those without one"
http GET "/annuaire/recherche?cpts=$CA&f=1&cp=73000&statut=adherent"
assert_status 200
[[ $(hits | paste -sd ' ') == "$Q1 $Q2 $Q3" ]] || fail "adherents: $(hits | paste -sd ' ')"
assert_body_contains 'Copier les adresses e-mail de ces résultats (2)'
assert_body_contains 'Ne mettez jamais de données de santé dans un e-mail ordinaire.'
assert_body_contains 'messagerie sécurisée de santé'
assert_body_contains '<textarea id="adresses" readonly rows="4" data-copy-source>anne.albertin@exemple.fr; bruno.balmat@infirmier.mssante.fr</textarea>'
assert_body_contains 'data-copy="adresses" hidden>'
grep -A3 'Sans adresse e-mail publiée' "$HTTP_DIR/body" | grep -q "CHLOE CACHAT</a> – Médecin, tél. 0479000003" ||
	fail "CACHAT not listed without address"
assert_body_contains "href=\"/annuaire/recherche/export.csv?cpts=$CA&amp;f=1&amp;cp=73000&amp;statut=adherent\""
assert_body_not_contains 'NOTE-T0205'

note "everyone: never those who asked not to be contacted"
http GET "/annuaire/recherche?cpts=$CA&f=1&cp=73000"
assert_status 200
hits | grep -qx "$Q4" || fail "DUCLOS not in the results"
assert_body_not_contains 'd.duclos@exemple.fr'
assert_body_contains '1 professionnel(s) qui ne souhaitent plus être contactés ne sont pas repris.'
grep -A8 'Sans adresse e-mail publiée' "$HTTP_DIR/body" | grep -q 'DUCLOS' && fail "DUCLOS listed without address"

note "CSV: UTF-8 with BOM, ';', one row per result, audited"
audits=$(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'cpts.export' AND user_id = $mid")
http GET "/annuaire/recherche/export.csv?cpts=$CA&f=1&cp=73000"
assert_status 200
assert_header Content-Type '^text/csv; charset=utf-8$'
assert_header Content-Disposition "^attachment; filename=\"cpts-$CA-[0-9]{4}-[0-9]{2}-[0-9]{2}\\.csv\"$"
[[ $(head -c 3 "$HTTP_DIR/body" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "no BOM"
csv=$TEST_TMP/export.csv
tail -c +4 "$HTTP_DIR/body" >"$csv"
[[ $(head -n 1 "$csv") == $'"Correspondance";"Statut";"Identifiant (IDNPS)";"Civilité d\'exercice";"Nom";"Prénom";"Profession";"Spécialité";"Lieu d\'exercice";"Adresse";"Téléphone";"Adresse e-mail";"Fiche renseignée"\r' ]] ||
	fail "header row: $(head -n 1 "$csv")"
[[ $(wc -l <"$csv") == 6 ]] || fail "$(wc -l <"$csv") lines"
grep -q "^\"exacte\";\"adhérent\";\"$Q1\";\"Docteur\";\"ALBERTIN\";\"ANNE\";\"Médecin\";\"\";\"CABINET ALBERTIN\";\"12 Rue DE LA REPUBLIQUE, 73000 Chambéry\";\"\";\"anne.albertin@exemple.fr\";\"oui\"" "$csv" ||
	fail "ALBERTIN's row: $(grep ALBERTIN "$csv")"
grep "\"$Q4\"" "$csv" | grep -q '"ne souhaite plus être contacté";.*;"";"oui"' || fail "DUCLOS's address exported: $(grep DUCLOS "$csv")"
grep -q "\"'=1+1\";\"JE\"\"AN\"" "$csv" || fail "formula or quote not neutralised: $(grep AN "$csv")"
grep -q 'NOTE-T0205' "$csv" && fail "a private note was exported"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE action = 'cpts.export' AND user_id = $mid
	AND object_id = '$CA' AND detail = '5 professionnels'") == $((audits + 1)) ]] || fail "export not audited"
http GET "/annuaire/recherche/export.csv?cpts=$CA&f=1&cp=73000&statut=adherent"
[[ $(tail -c +4 "$HTTP_DIR/body" | wc -l) == 4 ]] || fail "adherents' export"
http GET "/annuaire/recherche/export.csv?cpts=$CA&f=1&cp=7300"
assert_status 422
