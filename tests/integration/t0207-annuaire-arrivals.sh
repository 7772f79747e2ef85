#!/usr/bin/env bash
# New arrivals on a CPTS territory: professionals new in the file, or with
# a new site on the territory, since a date (by default the last import);
# territory by postal code, or by commune (INSEE code first).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

S1=$(idnps_of 7602000001) S2=$(idnps_of 7602000002) S3=$(idnps_of 7602000003)
T1=$(idnps_of 7602000004) OUT=$(idnps_of 7602000005)
ROUEN="postal=76000 insee=76540 commune=Rouen"
# Something in the directory first, so that what follows is not the
# baseline (whose sites are the starting point, not arrivals).
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_a.txt" \
	"$(act_line idnps="$T1" last=HAUTOT first=THEO postal=27000 insee=27229 commune=Evreux)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_a.txt" || fail "import a"
sleep 1.2
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_b.txt" \
	"$(act_line idnps="$S1" last=HOULBREQUE first=SOPHIE $ROUEN)" \
	"$(act_line idnps="$S2" last=HOUPPEVILLE first=SIMON prof=60 prof_label=Infirmier $ROUEN)" \
	"$(act_line idnps="$OUT" last=HOUDETOT first=OSCAR postal=76100 insee=76540 commune=Rouen)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_b.txt" || fail "import b"
sleep 1.2
# Théo Hautot opens a practice in Rouen; Sarah arrives in the file.
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_c.txt" \
	"$(act_line idnps="$T1" last=HAUTOT first=THEO postal=27000 insee=27229 commune=Evreux)" \
	"$(act_line idnps="$T1" last=HAUTOT first=THEO $ROUEN number=5)" \
	"$(act_line idnps="$S3" last=HOUVILLE first=SARAH $ROUEN)"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_c.txt" || fail "import c"
CA=$(make_cpts "CPTS T0207 Rouen" 76000)
CC=$(make_cpts "CPTS T0207 Rouen communes" insee:76540)
make_user t0207 pro "cpts_manager:cpts:$CA" "cpts_manager:cpts:$CC"
login_ready t0207
arrivals() { grep -o 'href="/annuaire/pro/[0-9]*' "$HTTP_DIR/body" | sed 's/.*\/pro\///' | sort | paste -sd ' '; }

note "by default: since the last import"
http GET "/annuaire/arrivees?cpts=$CA"
assert_status 200
[[ $(arrivals) == "$(printf '%s\n' "$T1" "$S3" | sort | paste -sd ' ')" ]] || fail "default: $(arrivals)"
grep -A4 "/annuaire/pro/$T1" "$HTTP_DIR/body" | grep -q 'installé sur le territoire' || fail "T1 not marked as moved in"
grep -A4 "/annuaire/pro/$S3" "$HTTP_DIR/body" | grep -q 'nouveau dans le fichier' || fail "S3 not marked as new"
assert_body_not_contains 'HOUDETOT'

note "since a date"
day=$(TZ=Europe/Paris date +%d/%m/%Y)
http GET "/annuaire/arrivees?cpts=$CA" -G --data-urlencode "depuis=$day"
assert_status 200
[[ $(arrivals) == "$(printf '%s\n' "$T1" "$S1" "$S2" "$S3" | sort | paste -sd ' ')" ]] || fail "today: $(arrivals)"
http GET "/annuaire/arrivees?cpts=$CA" -G --data-urlencode "depuis=$(TZ=Europe/Paris date -d tomorrow +%d/%m/%Y)"
assert_status 200
[[ -z $(arrivals) ]] || fail "tomorrow: $(arrivals)"
assert_body_contains 'Aucune arrivée sur le territoire'
http GET "/annuaire/arrivees?cpts=$CA" -G --data-urlencode "depuis=31/02/2026"
assert_status 422

note "a territory of communes: the INSEE code decides (76100 Rouen counts)"
http GET "/annuaire/arrivees?cpts=$CC" -G --data-urlencode "depuis=$day"
assert_status 200
arrivals | grep -q "$OUT" || fail "76100 Rouen not on the commune territory: $(arrivals)"
note "the territory's chips in the search come from its communes"
http GET "/annuaire/recherche?cpts=$CC"
assert_body_contains 'name="cp" value="76000" checked'
assert_body_contains 'name="cp" value="76100" checked'
