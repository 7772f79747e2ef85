#!/usr/bin/env bash
# Directory search for every logged-in user: name (folded), profession,
# specialty, care modality, place (postal codes, commune, department),
# exact and approximate matches in the documented order, the 50-result cap,
# invalid input, the public sheet, and what a list never shows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

A=$(idnps_of 3902000001) B=$(idnps_of 3902000002) C=$(idnps_of 3902000003)
D=$(idnps_of 3902000004) E=$(idnps_of 3902000005) F=$(idnps_of 3902000006)
G=$(idnps_of 3902000007)
LONS="postal=39000 insee=39300 commune=Lons-le-Saunier"
DOLE="postal=39100 insee=39198 commune=Dole"
BREVANS="postal=39100 insee=39078 commune=Brevans"
CLAUDE="postal=39200 insee=39478 commune=Saint-Claude"
lines=(
	"$(act_line idnps="$A" last=QUINTARD first=PIERRE skill=SM54 "skill_label=Médecine Générale" $LONS)"
	"$(act_line idnps="$B" last=QUINTARDEAU first=MARIE prof=60 prof_label=Infirmier $LONS)"
	"$(act_line idnps="$C" last=VERNIZEAU first=CLAIRE skill=SM04 skill_label=Cardiologie $DOLE phone=0384000003)"
	"$(act_line idnps="$D" last="D'ARVIEUX" first=JEAN skill=SM54 "skill_label=Médecine Générale" $BREVANS)"
	"$(act_line idnps="$E" last=LE-QUELLEC first=ANNE prof=70 prof_label=Masseur-Kinésithérapeute $CLAUDE)"
	"$(act_line idnps="$F" last=PETITGIRARD first=LOUIS skill=SM54 "skill_label=Médecine Générale" $LONS)"
	"$(act_line idnps="$F" last=PETITGIRARD first=LOUIS skill=SM54 "skill_label=Médecine Générale" $CLAUDE)"
	"$(act_line idnps="$G" last=MOUCHETTE first=JULIE prof=60 prof_label=Infirmier $DOLE)"
)
for i in $(seq -w 1 60); do
	lines+=("$(act_line idnps="$(idnps_of 39030000"$i")" last=CAPTEST first="N$i" prof=60 \
		prof_label=Infirmier postal=39300 insee=39097 commune=Champagnole)")
done
# One nurse with 300 sites in Morez: more rows than the engine reads at first.
M=$(idnps_of 3904000001)
for i in $(seq 1 300); do
	lines+=("$(act_line idnps="$M" last=AAMULTI first=SITES prof=60 prof_label=Infirmier \
		number="$i" postal=39400 insee=39372 commune=Morez)")
done
# Foncine-le-Haut and Foncine-le-Bas, one postal code each; another
# commune shares the first code.
FH=$(idnps_of 3905000001) FB=$(idnps_of 3905000002) FO=$(idnps_of 3905000003)
lines+=(
	"$(act_line idnps="$FH" last=FONTEST first=UN postal=39460 insee=39228 commune=Foncine-le-Haut)"
	"$(act_line idnps="$FB" last=FONTEST first=DEUX postal=39461 insee=39229 commune=Foncine-le-Bas)"
	"$(act_line idnps="$FO" last=AAFONTEST first=TROIS postal=39460 insee=39991 commune=Autreville)"
)
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0202.txt" "${lines[@]}"
import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0202.txt" || fail "import: $(cat "$TEST_TMP/import.log")"
# MOUCHETTE has filled in her card: home visits; QUINTARD has a private status.
sql "INSERT INTO parvis.professional_card (idnps, email, completed) VALUES ('$G', 'j.mouchette@exemple.fr', TRUE)"
sql "INSERT INTO parvis.professional_option (idnps, kind, code) VALUES ('$G', 'care', 'domicile')"
cpts=$(make_cpts "CPTS T0202" 39000)
sql "INSERT INTO parvis.cpts_professional (cpts_id, idnps, status, note) VALUES ($cpts, '$A', 'refus', 'NOTE-SECRETE-T0202')"

make_user t0202
login_ready t0202
search() { http GET /annuaire/ -G "$@"; assert_status 200; }
list() { hits | paste -sd ' '; }
expect() { # expect exact|approx "IDNPS..." 
	local got
	got=$(section_hits "$1" | paste -sd ' ')
	[[ $got == "$2" ]] || fail "$1 matches: got '$got', expected '$2'"
}

note "the form offers the professions and specialties of the files"
http GET /annuaire/
assert_status 200
assert_body_contains '<option value="70">Masseur-Kinésithérapeute</option>'
assert_body_contains '<option value="SM04">Cardiologie</option>'
assert_body_contains 'value="domicile"'

note "name: the start of the last name, or first + last, in either order"
search --data-urlencode nom=quintard
[[ $(list) == "$A $B" ]] || fail "quintard: $(list)"
assert_body_contains 'toute la France'
search --data-urlencode "nom=Pierre Quintard"
[[ $(list) == "$A" ]] || fail "pierre quintard: $(list)"
search --data-urlencode "nom=quintard pierre"
[[ $(list) == "$A" ]] || fail "quintard pierre: $(list)"
note "accents, case, hyphens and apostrophes do not matter"
for n in "d'arvieux" "darvieux" "D’ARVIEUX"; do
	search --data-urlencode "nom=$n"
	[[ $(list) == "$D" ]] || fail "$n: $(list)"
done
for n in "le quellec" "le-quellec" "LE QUELLEC"; do
	search --data-urlencode "nom=$n"
	[[ $(list) == "$E" ]] || fail "$n: $(list)"
done
search --data-urlencode "nom=vérnizeau"
[[ $(list) == "$C" ]] || fail "accent: $(list)"
note "LIKE wildcards typed are literal"
search --data-urlencode "nom=%uintard" --data-urlencode lieu=39000
[[ -z $(list) ]] || fail "% matched: $(list)"
search --data-urlencode "nom=_uintard"
[[ -z $(list) ]] || fail "_ matched: $(list)"

note "place + one criterion: exact matches only, in name order"
search --data-urlencode lieu=39000 --data-urlencode profession=10
expect exact "$F $A"
[[ $(list) == "$F $A" ]] || fail "lieu 39000 médecins: $(list)"

note "exact (all criteria) and approximate (some) matches"
search --data-urlencode lieu=39100 --data-urlencode profession=10 --data-urlencode specialite=SM04
expect exact "$C"
expect approx "$D"
assert_body_contains 'Correspondances exactes (1)'
assert_body_contains 'Correspondances approchées (1)'

note "ranking: care 2 + profession 3 > specialty 4 > profession 3; ties by name"
search --data-urlencode "lieu=39000 39100 39200" --data-urlencode profession=60 \
	--data-urlencode specialite=SM54 --data-urlencode prise_en_charge=domicile
expect exact ""
expect approx "$G $D $F $A $B"
grep -q 'Correspondances exactes' "$HTTP_DIR/body" && fail "an exact heading without exact matches"
search --data-urlencode "lieu=39100" --data-urlencode profession=60 --data-urlencode prise_en_charge=domicile
expect exact "$G"

note "a commune name: its postal code refined by its INSEE code (Dole, not Brevans)"
search --data-urlencode lieu=dole --data-urlencode profession=10
[[ $(list) == "$C" ]] || fail "dole: $(list)"
search --data-urlencode lieu=39100 --data-urlencode profession=10
[[ $(list) == "$D $C" ]] || fail "39100: $(list)"
note "a department"
search --data-urlencode lieu=39 --data-urlencode profession=70
[[ $(list) == "$E" ]] || fail "department 39: $(list)"
note "someone with two sites comes once"
search --data-urlencode "lieu=39000, 39200" --data-urlencode specialite=SM54
[[ $(list) == "$F $A" ]] || fail "two sites: $(list)"
note "the site shown: the first (by id) in the place, else the first"
first_site=$(sql "SELECT postal_code FROM parvis.practice_site WHERE idnps = '$F' ORDER BY id LIMIT 1")
[[ $first_site == 39000 ]] || fail "PETITGIRARD's first site is in $first_site"
search --data-urlencode nom=PETITGIRARD
assert_body_contains '39000 Lons-le-Saunier'
assert_body_not_contains '39200 Saint-Claude'
search --data-urlencode nom=PETITGIRARD --data-urlencode lieu=39200
assert_body_contains '39200 Saint-Claude'
assert_body_not_contains '39000 Lons-le-Saunier'
search --data-urlencode nom=PETITGIRARD --data-urlencode "lieu=39200, 39000"
assert_body_contains '39000 Lons-le-Saunier'
assert_body_not_contains '39200 Saint-Claude'

note "at most 50 results, the most relevant first"
search --data-urlencode lieu=39300 --data-urlencode profession=60
[[ $(hits | wc -l) == 50 ]] || fail "$(hits | wc -l) results"
assert_body_contains 'Les 50 résultats les plus pertinents'
hits | head -n 1 | grep -qx "$(idnps_of 3903000001)" || fail "cap: first is not N01"
hits | grep -qx "$(idnps_of 3903000051)" && fail "cap: the 51st is shown"

note "a professional with 300 sites in the place comes once, first by name"
search --data-urlencode "lieu=39300 39400" --data-urlencode profession=60 --data-urlencode specialite=SM54
expect exact ""
[[ $(hits | wc -l) == 50 ]] || fail "300 sites: $(hits | wc -l) results"
hits | head -n 1 | grep -qx "$M" || fail "300 sites: AAMULTI is not first"
[[ $(hits | grep -cx "$M") == 1 ]] || fail "300 sites: AAMULTI listed $(hits | grep -cx "$M") times"
hits | sed -n 2p | grep -qx "$(idnps_of 3903000001)" || fail "300 sites: N01 is not second"
hits | grep -qx "$(idnps_of 3903000050)" && fail "300 sites: N50 is shown"
search --data-urlencode "lieu=39300 39400" --data-urlencode profession=60
[[ $(hits | grep -cx "$M") == 1 ]] || fail "300 sites, exact: AAMULTI listed $(hits | grep -cx "$M") times"

note "several postal codes: each read in name order up to a limit, merged"
for q in "profession=60" "nom="; do
	search --data-urlencode "lieu=39300 39400" --data-urlencode "$q"
	[[ $(hits | wc -l) == 50 ]] || fail "$q, two codes: $(hits | wc -l) results"
	hits | head -n 1 | grep -qx "$M" || fail "$q, two codes: AAMULTI is not first"
	[[ $(hits | grep -cx "$M") == 1 ]] || fail "$q, two codes: AAMULTI listed $(hits | grep -cx "$M") times"
	hits | sed -n 2p | grep -qx "$(idnps_of 3903000001)" || fail "$q, two codes: N01 is not second"
	hits | sed -n 50p | grep -qx "$(idnps_of 3903000049)" || fail "$q, two codes: N49 is not last"
done
search --data-urlencode "lieu=39460 39461"
[[ $(list) == "$FO $FB $FH" ]] || fail "39460 39461: $(list)"
note "a commune name of several postal codes, refined by its INSEE codes"
search --data-urlencode lieu=foncine
[[ $(list) == "$FB $FH" ]] || fail "foncine: $(list)"
search --data-urlencode lieu=foncine --data-urlencode profession=10
[[ $(list) == "$FB $FH" ]] || fail "foncine, médecins: $(list)"

note "how a place is read (its site counts) never changes the results"
plans=(
	"lieu=39300 39400|profession=60"
	"lieu=39000 39100 39200|"
	"lieu=39000 39100 39200|nom=quintard"
	"lieu=39100|profession=10"
	"lieu=dole|profession=10"
	"lieu=39|profession=70"
	"lieu=39000 39100 39200|profession=60|specialite=SM54|prise_en_charge=domicile"
	"lieu=foncine|"
	"lieu=39460 39461|profession=10"
)
declare -A before
search_plan() { # search_plan "name=value|name=value..."
	local a args=()
	IFS='|' read -r -a fields <<<"$1"
	for a in "${fields[@]}"; do args+=(--data-urlencode "$a"); done
	search "${args[@]}"
}
for p in "${plans[@]}"; do
	search_plan "$p"
	before[$p]="$(hits | paste -sd ' ') / $(section_hits exact | paste -sd ' ')"
done
sql "UPDATE parvis.site_place_stat SET sites = 1000000"
for p in "${plans[@]}"; do
	search_plan "$p"
	got="$(hits | paste -sd ' ') / $(section_hits exact | paste -sd ' ')"
	[[ $got == "${before[$p]}" ]] || fail "$p: read by name: '$got', by place: '${before[$p]}'"
	[[ $got != " / " ]] || fail "$p: no result"
done
sql "DELETE FROM parvis.site_place_stat"

note "the form's lists follow a change of their tables at once, in every worker"
sql "UPDATE parvis.rpps_profession SET label = 'Kinésithérapeute T0202' WHERE code = '70'"
sql "INSERT INTO parvis.rpps_skill (code, label, type_code, type_label) VALUES ('SMT0202', 'Savoir T0202', 'S', 'Spécialité ordinale')"
sql "UPDATE parvis.directory_option SET label = 'Visites à domicile T0202' WHERE kind = 'care' AND code = 'domicile'"
for i in 1 2 3 4 5 6; do
	search --data-urlencode lieu=39 --data-urlencode profession=70
	[[ $(list) == "$E" ]] || fail "department 39 after the change: $(list)"
	assert_body_contains '<option value="70" selected>Kinésithérapeute T0202</option>'
	assert_body_contains '<option value="SMT0202">Savoir T0202</option>'
	assert_body_contains 'Visites à domicile T0202'
	http GET /annuaire/
	assert_status 200
	assert_body_contains '<option value="70">Kinésithérapeute T0202</option>'
	search --data-urlencode lieu=12345
	assert_body_contains 'Aucun professionnel ne correspond'
	assert_body_contains '<option value="SMT0202">Savoir T0202</option>'
done
sql "UPDATE parvis.rpps_profession SET label = 'Masseur-Kinésithérapeute' WHERE code = '70'"
sql "DELETE FROM parvis.rpps_skill WHERE code = 'SMT0202'"
sql "UPDATE parvis.directory_option SET label = 'Visites à domicile' WHERE kind = 'care' AND code = 'domicile'"
for i in 1 2 3 4 5 6; do
	http GET /annuaire/
	assert_body_contains '<option value="70">Masseur-Kinésithérapeute</option>'
	assert_body_not_contains 'SMT0202'
	assert_body_not_contains 'T0202</label>'
done

note "the green card icon and the list's contents; no status, no note"
search --data-urlencode lieu=39100
grep -A3 "/annuaire/pro/$G\"" "$HTTP_DIR/body" | grep -q 'card-done' || fail "no green card for MOUCHETTE"
grep -A3 "/annuaire/pro/$C\"" "$HTTP_DIR/body" | grep -q 'card-empty' || fail "VERNIZEAU's card is not grey"
search --data-urlencode lieu=39000
assert_body_not_contains 'NOTE-SECRETE-T0202'
assert_body_not_contains 'status-refus'
assert_body_contains 'QUINTARD'

note "invalid input: 422 with the message beside the field"
search_bad() { http GET /annuaire/ -G "$@"; assert_status 422; }
search_bad --data-urlencode "nom=$(printf 'x%.0s' $(seq 1 101))"
assert_body_contains 'nom-error'
search_bad --data-urlencode "nom=' - '"
assert_body_contains 'Indiquez au moins une lettre du nom.'
search_bad --data-urlencode 'profession=<script>'
assert_body_contains 'Cette profession n&#39;existe pas.'
assert_body_not_contains '<script>'
search_bad --data-urlencode lieu=99999
assert_body_contains 'lieu-error'
search_bad --data-urlencode 'prise_en_charge=x y'
http GET /annuaire/ -G --data-urlencode lieu=12345
assert_status 200
assert_body_contains 'Aucun professionnel ne correspond'

note "the public sheet; unknown and malformed identifiers"
http GET "/annuaire/pro/$C"
assert_status 200
assert_body_contains 'VERNIZEAU'
assert_body_contains 'Cardiologie'
assert_body_contains '39100 Dole'
assert_body_contains '0384000003'
assert_body_not_contains 'cpts-private'
http GET "/annuaire/pro/$A"
assert_status 200
assert_body_not_contains 'NOTE-SECRETE-T0202'
assert_body_not_contains 'refus'
http GET "/annuaire/pro/$(idnps_of 3909999999)"
assert_status 404
http GET /annuaire/pro/abc
assert_status 404
http GET "/annuaire/pro/$C?cpts=$cpts"
assert_status 403
