#!/usr/bin/env bash
# Favourite partners picked from the directory (/compte/partenaires):
# search by name (folded, either order), profession, postal code, at most
# 20 hits; several ticked and added at once; the list shows the directory's
# name, profession, address and phone; a partner gone from the directory
# stays, marked; at most 20 partners; invalid input, duplicates, one's own
# number, CSRF and anonymous refused, changing nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/annuaire-lib.sh"

P1=$(idnps_of 8111000001) P2=$(idnps_of 8111000002) P3=$(idnps_of 8111000003)
P4=$(idnps_of 8111000004) ME=$(idnps_of 8111000005)
GRENOBLE="postal=38000 insee=38185 commune=Grenoble"
ECHIROLLES="postal=38130 insee=38151 commune=Échirolles"
lines=(
	"$(act_line idnps="$P1" last=GARNUCHE first=ÉLISE $GRENOBLE number=3 street="DU LYCEE" \
		phone=0476000001 company="CABINET MEDICAL DU LYCEE")"
	"$(act_line idnps="$P2" last=GARNUCHE-DUVAL first=MARC prof=60 prof_label=Infirmier $ECHIROLLES)"
	"$(act_line idnps="$P3" last="D'ORGEVAL" first=ANNE prof=70 prof_label=Masseur-Kinésithérapeute $GRENOBLE)"
	"$(act_line idnps="$P4" last=GARNUCHEI first=LUC prof=60 prof_label=Infirmier $GRENOBLE)"
	"$(act_line idnps="$ME" last=GARNUCHEOT first=PAUL $GRENOBLE)"
)
for i in $(seq -w 1 25); do
	lines+=("$(act_line idnps="$(idnps_of 81110001"$i")" last=ZUGARTEST first="N$i" prof=60 \
		prof_label=Infirmier postal=38200 insee=38544 commune=Vienne)")
done
act_file "$TEST_TMP/PS_LibreAcces_Personne_activite_t0111.txt" "${lines[@]}"
# The directory tests (t02NN) run after this one and expect to find the
# directory as they left it (their first import is the baseline): leave
# nothing of ours behind.
at_exit 'sql "DELETE FROM parvis.practice_site WHERE idnps LIKE '"'"'881110%'"'"'";
	sql "DELETE FROM parvis.professional WHERE idnps LIKE '"'"'881110%'"'"'";
	sql "DELETE FROM parvis.rpps_import WHERE file_name = '"'"'PS_LibreAcces_Personne_activite_t0111.txt'"'"'"'

import_rpps --partial "$TEST_TMP/PS_LibreAcces_Personne_activite_t0111.txt" || fail "import: $(cat "$TEST_TMP/import.log")"

make_user t0111
ua=$USER_ID
sql "UPDATE parvis.app_user SET idnps = '$ME' WHERE id = $ua"
count() { sql "SELECT COUNT(*) FROM parvis.user_favorite_partner WHERE user_id = $ua${1:+ AND $1}"; }
audits() { sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $ua AND action = '$1'${2:+ AND detail = '$2'}"; }
hits() { grep -o 'name="pro" value="[0-9]*"' "$HTTP_DIR/body" | grep -o '[0-9]\{10,\}' | paste -sd ' ' || true; }

note "anonymous: to the login page"
http GET '/compte/partenaires?nom=garnuche'
assert_status 303
assert_header Location '^/connexion'

login_ready t0111
note "the page: search form with the directory's professions"
http GET /compte/partenaires
assert_status 200
assert_body_contains 'Aucun partenaire favori'
assert_body_contains 'Rechercher dans l'"'"'annuaire'
assert_body_contains '<option value="70">Masseur-Kinésithérapeute</option>'
T=$(csrf)

note "search by name: start of the last name, accents and case ignored; oneself not offered"
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche'
assert_status 200
[[ $(hits) == "$P1 $P2 $P4" ]] || fail "garnuche: $(hits)"
assert_body_contains 'ÉLISE GARNUCHE – Médecin (Grenoble)'
assert_body_contains 'MARC GARNUCHE-DUVAL – Infirmier (Échirolles)'
assert_body_contains 'PAUL GARNUCHEOT – Médecin (Grenoble) : vous'
for n in 'élise garnuche' 'GARNUCHE Elise' 'Garnuche  élise'; do
	http GET /compte/partenaires -G --data-urlencode "nom=$n"
	[[ $(hits) == "$P1" ]] || fail "$n: $(hits)"
done
for n in "d'orgeval" 'dorgeval' 'D’ORGEVAL'; do
	http GET /compte/partenaires -G --data-urlencode "nom=$n"
	[[ $(hits) == "$P3" ]] || fail "$n: $(hits)"
done
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche duval'
[[ $(hits) == "$P2" ]] || fail "garnuche duval: $(hits)"
http GET /compte/partenaires -G --data-urlencode 'nom=_arnuche'
[[ -z $(hits) ]] || fail "_ matched: $(hits)"
assert_body_contains 'Aucun professionnel de l'"'"'annuaire ne correspond'
note "profession and postal code narrow it"
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche' --data-urlencode profession=60
[[ $(hits) == "$P2 $P4" ]] || fail "garnuche infirmier: $(hits)"
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche' --data-urlencode code_postal=38000
[[ $(hits) == "$P1 $P4" ]] || fail "garnuche 38000: $(hits)"
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche' --data-urlencode code_postal=38000 --data-urlencode profession=60
[[ $(hits) == "$P4" ]] || fail "garnuche 38000 infirmier: $(hits)"
note "at most 20 hits"
http GET /compte/partenaires -G --data-urlencode 'nom=zugartest'
[[ $(hits | wc -w) == 20 ]] || fail "not 20 hits: $(hits | wc -w)"
assert_body_contains 'D'"'"'autres professionnels correspondent'
note "invalid search: 422, messages beside the fields, no search"
http GET /compte/partenaires -G --data-urlencode 'nom=g' --data-urlencode code_postal=3800 --data-urlencode 'profession=<b>'
assert_status 422
assert_body_contains 'id="nom-error"'
assert_body_contains 'id="code_postal-error"'
assert_body_contains 'id="profession-error"'
assert_body_contains 'Saisissez un code postal à 5 chiffres.'
[[ -z $(hits) ]] || fail "searched anyway"

note "several ticked, added at once, in order, audited"
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P1&pro=$P2&pro=$P1&nom=garnuche"
assert_status 303
assert_header Location '^/compte/partenaires\?ok=partenaires-ajoutes$'
[[ $(sql "SELECT GROUP_CONCAT(CONCAT(position, ':', idnps) ORDER BY position) FROM parvis.user_favorite_partner
	WHERE user_id = $ua") == "1:$P1,2:$P2" ]] || fail "partners not stored in order"
[[ $(audits settings.partner.added annuaire) == 2 ]] || fail "additions not audited"
note "the list: name, profession, address, phone from the directory"
http GET '/compte/partenaires?ok=partenaires-ajoutes'
assert_status 200
assert_body_contains 'Les professionnels ont été ajoutés'
assert_body_contains 'Mes partenaires (2 sur 20)'
assert_body_contains 'ÉLISE GARNUCHE'
assert_body_contains 'CABINET MEDICAL DU LYCEE'
assert_body_contains 'DU LYCEE'
assert_body_contains '38000 Grenoble'
assert_body_contains 'Tél. : 04 76 00 00 01'
assert_body_contains "RPPS ${P1:1}"
assert_body_contains "action=\"/compte/partenaires/$P1/retrait\""
assert_body_not_contains 'ne figure plus'
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche'
assert_body_contains 'ÉLISE GARNUCHE – Médecin (Grenoble) : déjà parmi vos partenaires'
[[ $(hits) == "$P4" ]] || fail "partners offered again: $(hits)"

note "refused: already there, unknown to the directory, malformed, none, oneself, CSRF; nothing changed"
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P1"
assert_status 422
assert_body_contains 'figure déjà dans vos partenaires'
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P3&pro=$(idnps_of 8111999999)"
assert_status 422
assert_body_contains 'ne figure pas dans'
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=${P3:0:11}x"
assert_status 422
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "nom=garnuche"
assert_status 422
assert_body_contains 'Cochez au moins un professionnel'
assert_body_contains 'id="resultats-error"'
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$ME"
assert_status 422
assert_body_contains 'vous-même'
http POST /compte/partenaires/ajout --data "pro=$P3"
assert_status 403
[[ $(count) == 2 ]] || fail "a refused addition was stored"
[[ $(audits settings.partner.added annuaire) == 2 ]] || fail "refusals audited as additions"

note "a partner gone from the directory stays, marked; a number typed not in it too"
sql "UPDATE parvis.professional SET file_status = 'disappeared' WHERE idnps = '$P1'"
http POST /compte/partenaires --data-urlencode "csrf=$T" --data-urlencode "idnps=$(idnps_of 8111888888)"
assert_status 303
http GET /compte/partenaires
assert_body_contains 'ÉLISE GARNUCHE'
assert_body_contains 'ne figure plus dans l'"'"'annuaire'
assert_body_contains 'absent de l'"'"'annuaire'
assert_body_contains "RPPS $(idnps_of 8111888888 | cut -c2-)"
http GET /compte/partenaires -G --data-urlencode 'nom=garnuche'
[[ $(hits) == "$P4" ]] || fail "a professional gone from the directory is offered: $(hits)"
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P1"
assert_status 422

note "at most 20: a batch that would pass the limit adds nothing"
for i in $(seq 10 26); do
	sql "INSERT INTO parvis.user_favorite_partner (user_id, idnps, position) VALUES ($ua, '$(idnps_of 81110001"$i")', $i)"
done
[[ $(count) == 20 ]] || fail "setup: $(count) partners"
sql "DELETE FROM parvis.user_favorite_partner WHERE user_id = $ua AND idnps = '$P2'"
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P2&pro=$P3"
assert_status 422
assert_body_contains 'vous pouvez en ajouter encore 1'
[[ $(count) == 19 ]] || fail "a batch past the limit was stored"
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P3"
assert_status 303
assert_header Location '^/compte/partenaires\?ok=partenaire-ajoute$'
[[ $(count "idnps = '$P3' AND position = 27") == 1 ]] || fail "not added last"
http GET /compte/partenaires
assert_body_contains 'maximum de 20 partenaires'
http POST /compte/partenaires/ajout --data-urlencode "csrf=$T" --data "pro=$P2"
assert_status 422
[[ $(count) == 20 ]] || fail "a 21st partner was stored"

note "removal keeps working"
http POST "/compte/partenaires/$P1/retrait" --data-urlencode "csrf=$T"
assert_status 303
[[ $(count "idnps = '$P1'") == 0 ]] || fail "not removed"
