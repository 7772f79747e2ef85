#!/usr/bin/env bash
# parvis-admin as the administration pages: role grants checked against the
# same role x scope table (same French messages), create-user --role all or
# nothing, applications (add-application, edit-application) and terms of use
# (create-cgu-document, publish-cgu) with the pages' validation.  Each change
# is in the database with its audit row (program admin, from "cli", no user,
# object = the user's login, the application's code, the CGU "doc:version");
# each refusal says why, exits 1 (2 for a usage error) and changes nothing.
. "$(dirname "$0")/lib.sh"

# cli ARGS...: parvis-admin ARGS; CLI_RC its exit status, CLI_OUT what it
# printed (stdout and stderr).  Standard input is /dev/null unless
# CLI_STDIN names a file.
cli() {
	CLI_RC=0
	CLI_OUT=$(stack admin "$@" <"${CLI_STDIN:-/dev/null}" 2>&1) || CLI_RC=$?
}

# assert_cli STATUS [TEXT]: the last cli exited STATUS and printed TEXT.
assert_cli() {
	[[ $CLI_RC == "$1" ]] || fail "exit status $CLI_RC, expected $1; output: $CLI_OUT"
	[[ -z ${2:-} ]] || grep -qF -- "$2" <<<"$CLI_OUT" || fail "output lacks '$2': $CLI_OUT"
}

audit_total() {
	sql "SELECT COUNT(*) FROM parvis.audit_log"
}

# audit_rows ACTION OBJECT_TYPE OBJECT_ID [DETAIL]: rows written by the
# command line for that action and object.
audit_rows() {
	local detail=""
	[[ $# -lt 4 ]] || detail=" AND detail = '${4//\'/\'\'}'"
	sql "SELECT COUNT(*) FROM parvis.audit_log WHERE program = 'admin' AND ip = 'cli'
		AND user_id IS NULL AND outcome = 'ok' AND action = '$1' AND object_type = '$2'
		AND object_id = '$3'$detail"
}

roles_of() {
	sql "SELECT COALESCE(GROUP_CONCAT(CONCAT(role, ':', scope_type, ':', scope_id)
		ORDER BY role, scope_type, scope_id), '') FROM parvis.user_role WHERE user_id = $1"
}

# ---- roles ----

make_user t0110a pro
ua=$USER_ID

note "grant-role: every role x scope type, granted only as the pages allow"
declare -A needs=([admin]=none [support]=none [pro]=none [cpts_manager]=cpts
	[alert_manager]=territory [ars_verifier]=region [ans_verifier]=none [referent]=establishment)
granted=0
for role in admin support pro cpts_manager alert_manager ars_verifier ans_verifier referent; do
	for scope in none cpts territory region establishment; do
		[[ $role == pro ]] && continue	# held already: see the duplicate below
		[[ $scope == none ]] && spec=$role || spec=$role:$scope:7
		before=$(roles_of "$ua")
		audits=$(audit_total)
		cli grant-role t0110a "$spec"
		if [[ ${needs[$role]} == "$scope" ]]; then
			assert_cli 0
			[[ $scope == none ]] && sid=0 || sid=7
			[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE user_id = $ua AND role = '$role'
				AND scope_type = '$scope' AND scope_id = $sid AND granted_by IS NULL") == 1 ]] ||
				fail "$spec not granted"
			[[ $(audit_rows role.grant user t0110a "$role:$scope:$sid") == 1 ]] ||
				fail "no audit row with the login for $spec"
			granted=$((granted + 1))
		else
			assert_cli 1 "parvis-admin: $spec: Le rôle « "
			[[ $(roles_of "$ua") == "$before" ]] || fail "refused $spec changed the roles"
			[[ $(audit_total) == "$audits" ]] || fail "refused $spec was audited"
		fi
	done
done
[[ $granted == 7 ]] || fail "expected 7 valid pairs besides pro, got $granted"

note "grant-role: the pages' sentences, word for word"
audits=$(audit_total)
before=$(roles_of "$ua")
cli grant-role t0110a admin:cpts:3
assert_cli 1 "Le rôle « Administrateur » ne prend pas de portée : choisissez « Aucune »."
cli grant-role t0110a cpts_manager:territory:3
assert_cli 1 "Le rôle « Gestionnaire de CPTS » s'attribue avec la portée « CPTS »."
cli grant-role t0110a referent
assert_cli 1 "Le rôle « Référent de structure » s'attribue avec la portée « Établissement »."
cli grant-role t0110a cpts_manager:cpts:0
assert_cli 1 "Indiquez le numéro de la CPTS (un nombre entier positif)."
cli grant-role t0110a cpts_manager:cpts:
assert_cli 1 "Indiquez le numéro de la CPTS (un nombre entier positif)."
cli grant-role t0110a support:none:5
assert_cli 1 "Ce rôle ne prend pas de portée : laissez le numéro vide."
cli grant-role t0110a cpts_manager:cpts:-1
assert_cli 1 "Le numéro de la portée est un nombre entier positif."
cli grant-role t0110a superuser
assert_cli 1 "Le rôle « superuser » n'existe pas"
cli grant-role t0110a admin:planet:1
assert_cli 1 "La portée « planet » n'existe pas"
cli grant-role t0110a cpts_manager:cpts
assert_cli 1 "RÔLE:PORTÉE:NUMÉRO"
cli grant-role nobody_t0110 pro
assert_cli 1 "no user nobody_t0110"
cli grant-role t0110a
assert_cli 2 "usage: parvis-admin grant-role"
[[ $(roles_of "$ua") == "$before" ]] || fail "a refused grant changed the roles"
[[ $(audit_total) == "$audits" ]] || fail "a refused grant was audited"

note "the same grant twice changes nothing and is audited once"
cli grant-role t0110a cpts_manager:cpts:7
assert_cli 0 "already has the role cpts_manager:cpts:7"
[[ $(audit_rows role.grant user t0110a cpts_manager:cpts:7) == 1 ]] || fail "a repeated grant was audited"

note "revoke-role: audited with the login; a role not held is an error"
cli revoke-role t0110a cpts_manager:cpts:7
assert_cli 0
[[ $(sql "SELECT COUNT(*) FROM parvis.user_role WHERE user_id = $ua AND role = 'cpts_manager'") == 0 ]] ||
	fail "cpts_manager:cpts:7 not revoked"
[[ $(audit_rows role.revoke user t0110a cpts_manager:cpts:7) == 1 ]] || fail "revoke not audited"
audits=$(audit_total)
cli revoke-role t0110a cpts_manager:cpts:7
assert_cli 1 "t0110a does not have the role cpts_manager:cpts:7"
[[ $(audit_total) == "$audits" ]] || fail "a revoke that removed nothing was audited"
# A row the rules refuse (made by other means) can still go.
sql "INSERT INTO parvis.user_role (user_id, role, scope_type, scope_id) VALUES ($ua, 'referent', 'none', 0)"
cli revoke-role t0110a referent
assert_cli 0
[[ $(audit_rows role.revoke user t0110a referent:none:0) == 1 ]] || fail "revoke of referent:none not audited"

note "create-user --role: a refused role creates nothing"
audits=$(audit_total)
printf '%s\n' "$TEST_PASSWORD" >"$TEST_TMP/pw"
CLI_STDIN=$TEST_TMP/pw cli create-user --login t0110b --email t0110b@test.parvis.localhost \
	--first-name Test --last-name B --role pro --role admin:cpts:3 --password-stdin
assert_cli 1 "Le rôle « Administrateur » ne prend pas de portée : choisissez « Aucune »."
[[ $(sql "SELECT COUNT(*) FROM parvis.app_user WHERE login = 't0110b'") == 0 ]] || fail "t0110b created"
[[ $(audit_total) == "$audits" ]] || fail "the refused create-user was audited"
# Refused by the database (the e-mail is taken): nothing either.
CLI_STDIN=$TEST_TMP/pw cli create-user --login t0110b --email t0110a@test.parvis.localhost \
	--first-name Test --last-name B --role pro --password-stdin
assert_cli 1 "cannot create t0110b"
[[ $(sql "SELECT COUNT(*) FROM parvis.app_user WHERE login = 't0110b'") == 0 ]] || fail "t0110b created"
[[ $(audit_total) == "$audits" ]] || fail "the failed create-user was audited"
CLI_STDIN=$TEST_TMP/pw cli create-user --login t0110b --email t0110b@test.parvis.localhost \
	--first-name Test --last-name B --role pro --role cpts_manager:cpts:4 --password-stdin
assert_cli 0 "user t0110b created"
ub=$(sql "SELECT id FROM parvis.app_user WHERE login = 't0110b'")
[[ $(roles_of "$ub") == "pro:none:0,cpts_manager:cpts:4" ]] || fail "t0110b roles: $(roles_of "$ub")"
[[ $(audit_rows user.create user t0110b) == 1 ]] || fail "user.create not audited"
[[ $(audit_rows role.grant user t0110b pro:none:0) == 1 &&
	$(audit_rows role.grant user t0110b cpts_manager:cpts:4) == 1 ]] || fail "t0110b grants not audited"

# ---- applications ----

portal_doc=$(sql "SELECT id FROM parvis.cgu_document WHERE code = 'portal'")

note "add-application: saved with its roles, CGU and audit row"
cli add-application --code t0110app --name ' Outil T0110 ' --description 'Un outil pour le test.' \
	--url /annuaire/outil --icon outil-test --level 2 --position 55 --role pro --role cpts_manager \
	--cgu portal
assert_cli 0 "application t0110app created"
row=$(sql "SELECT name, description, url, icon, required_level, position, enabled,
	cgu_document_id, COALESCE(updated_by, 'NULL') FROM parvis.application WHERE code = 't0110app'")
[[ $row == "Outil T0110	Un outil pour le test.	/annuaire/outil	outil-test	2	55	1	$portal_doc	NULL" ]] ||
	fail "application row: $row"
app_id=$(sql "SELECT id FROM parvis.application WHERE code = 't0110app'")
[[ $(sql "SELECT GROUP_CONCAT(role ORDER BY role) FROM parvis.application_role WHERE application_id = $app_id") == \
	"pro,cpts_manager" ]] || fail "application roles"
[[ $(audit_rows application.create application t0110app "nom=Outil T0110 url=/annuaire/outil niveau=2 position=55 active=1 cgu=$portal_doc roles=pro,cpts_manager") == 1 ]] ||
	fail "application.create not audited as the page does"

note "the page's tile list shows it to a professional"
make_user t0110u pro
accept_all_cgu "$USER_ID"
login t0110u
http GET /
assert_status 200
assert_body_contains 'Outil T0110'

note "add-application: the page's defaults"
cli add-application --code t0110min --name 'Minimal' --description 'Sans options.' --url /
assert_cli 0
[[ $(sql "SELECT icon, required_level, position, enabled, cgu_document_id IS NULL FROM parvis.application
	WHERE code = 't0110min'") == "app	1	100	1	1" ]] || fail "defaults"
[[ $(sql "SELECT COUNT(*) FROM parvis.application_role ar JOIN parvis.application a ON a.id = ar.application_id
	WHERE a.code = 't0110min'") == 0 ]] || fail "roles without --role"

note "add-application: refusals, with the pages' sentences, change nothing"
apps=$(sql "SELECT COUNT(*) FROM parvis.application")
audits=$(audit_total)
refuse_app() {
	local want=$1 text=$2
	shift 2
	cli add-application "$@"
	assert_cli "$want" "$text"
	[[ $(sql "SELECT COUNT(*) FROM parvis.application") == "$apps" ]] || fail "refused add-application saved: $*"
	[[ $(audit_total) == "$audits" ]] || fail "refused add-application audited: $*"
}
base=(--name 'Outil' --description 'Description.' --url /x/)
refuse_app 1 "--code: Le code compte 2 à 32 caractères" --code T0110 "${base[@]}"
refuse_app 1 "--code: Une application a déjà ce code." --code t0110app "${base[@]}"
refuse_app 1 "--name: Le nom compte 2 à 100 caractères." --code t0110x --name A --description D --url /x/
refuse_app 1 "--description: Décrivez l'application" --code t0110x --name Outil --description ' ' --url /x/
refuse_app 1 "--url: Indiquez une adresse locale qui commence par « / »" --code t0110x --name Outil \
	--description D --url https://exemple.fr/
refuse_app 1 "--url: Indiquez une adresse locale" --code t0110x --name Outil --description D --url //exemple.fr/
refuse_app 1 "--url: Indiquez une adresse locale" --code t0110x --name Outil --description D --url '/a"b'
refuse_app 1 "--icon: Le code d'icône compte au plus 64 caractères" --code t0110x "${base[@]}" --icon Icône
refuse_app 1 "--level: Choisissez le niveau d'authentification demandé (1 à 3)." --code t0110x "${base[@]}" --level 4
refuse_app 1 "--position: La position est un nombre entier de 0 à 100000." --code t0110x "${base[@]}" --position -1
refuse_app 1 "--cgu: no CGU document with the code nothere" --code t0110x "${base[@]}" --cgu nothere
refuse_app 1 "--cgu: Le code compte 2 à 32 caractères" --code t0110x "${base[@]}" --cgu 'Not a code'
refuse_app 1 "--role: Le rôle « superuser » n'existe pas" --code t0110x "${base[@]}" --role superuser
refuse_app 1 "without a scope" --code t0110x "${base[@]}" --role cpts_manager:cpts:1
refuse_app 2 "usage: parvis-admin add-application" --code t0110x --name Outil --description D
refuse_app 2 "go one without the other" --code t0110x "${base[@]}" --cgu portal --no-cgu
# Every fault at once: one line each, in the order of the form.
refuse_app 1 "--code:" --code X --name A --description ' ' --url x --icon É --level 0 --position x
for opt in --name: --description: --url: --icon: --level: --position:; do
	grep -qF -- "$opt" <<<"$CLI_OUT" || fail "no message for $opt: $CLI_OUT"
done

note "edit-application: options replace, the rest stays"
cli edit-application t0110app --name 'Outil modifié' --level 3 --no-cgu --role support --disabled
assert_cli 0 "application t0110app updated"
row=$(sql "SELECT name, description, url, icon, required_level, position, enabled,
	cgu_document_id IS NULL FROM parvis.application WHERE code = 't0110app'")
[[ $row == "Outil modifié	Un outil pour le test.	/annuaire/outil	outil-test	3	55	0	1" ]] ||
	fail "edited row: $row"
[[ $(sql "SELECT GROUP_CONCAT(role) FROM parvis.application_role WHERE application_id = $app_id") == support ]] ||
	fail "edited roles"
[[ $(audit_rows application.update application t0110app "nom=Outil modifié url=/annuaire/outil niveau=3 position=55 active=0 cgu=- roles=support") == 1 ]] ||
	fail "application.update not audited"
cli edit-application t0110app --enabled --cgu portal --no-roles --url /annuaire/
assert_cli 0
[[ $(sql "SELECT enabled, cgu_document_id, url FROM parvis.application WHERE id = $app_id") == \
	"1	$portal_doc	/annuaire/" ]] || fail "second edit"
[[ $(sql "SELECT COUNT(*) FROM parvis.application_role WHERE application_id = $app_id") == 0 ]] ||
	fail "--no-roles kept roles"

note "edit-application: refusals change nothing"
snapshot() {
	sql "SELECT CONCAT_WS('|', name, description, url, icon, required_level, position, enabled,
		COALESCE(cgu_document_id, 0), updated_at) FROM parvis.application WHERE id = $app_id"
}
snap=$(snapshot)
audits=$(audit_total)
for args in "--url https://exemple.fr/" "--level 9" "--name A" "--cgu nothere" "--role superuser" \
	"--code autre" "--enabled --disabled"; do
	# shellcheck disable=SC2086 # the options, split on purpose
	cli edit-application t0110app $args
	[[ $CLI_RC != 0 ]] || fail "edit-application t0110app $args accepted"
	[[ $(snapshot) == "$snap" ]] || fail "edit-application $args changed the row"
	[[ $(audit_total) == "$audits" ]] || fail "edit-application $args audited"
done
cli edit-application nothere --name Outil
assert_cli 1 "no application nothere"
cli edit-application
assert_cli 2 "usage: parvis-admin edit-application"

# ---- terms of use ----

note "create-cgu-document: saved and audited; refusals change nothing"
cli create-cgu-document t0110doc '  Conditions de test T0110 '
assert_cli 0 "CGU document t0110doc created"
[[ $(sql "SELECT title FROM parvis.cgu_document WHERE code = 't0110doc'") == "Conditions de test T0110" ]] ||
	fail "document row"
[[ $(audit_rows cgu.document.create cgu t0110doc "Conditions de test T0110") == 1 ]] ||
	fail "cgu.document.create not audited"
docs=$(sql "SELECT COUNT(*) FROM parvis.cgu_document")
audits=$(audit_total)
cli create-cgu-document t0110doc 'Encore'
assert_cli 1 "Un document a déjà ce code."
cli create-cgu-document T0110 'Titre correct'
assert_cli 1 "Le code compte 2 à 32 caractères"
cli create-cgu-document t0110d2 'X'
assert_cli 1 "Le titre compte 2 à 200 caractères."
cli create-cgu-document t0110d2
assert_cli 2 "usage: parvis-admin create-cgu-document"
[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_document") == "$docs" ]] || fail "a refused document was saved"
[[ $(audit_total) == "$audits" ]] || fail "a refused document was audited"

note "publish-cgu from stdin: the text normalised as the page stores it"
printf '  \r\n\r\nArticle 1 : objet.\r\nArticle 2 : données de santé.  \r\n\r\n' >"$TEST_TMP/v1"
CLI_STDIN=$TEST_TMP/v1 cli publish-cgu t0110doc 1.0
assert_cli 0 "CGU t0110doc version 1.0 published"
body=$(sql "SELECT HEX(v.body) FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 't0110doc' AND v.version = '1.0'")
want=$(printf 'Article 1 : objet.\nArticle 2 : données de santé.' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
[[ $body == "$want" ]] || fail "stored text: $body"
[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 't0110doc' AND v.published_by IS NULL") == 1 ]] || fail "published_by"
bytes=$(printf 'Article 1 : objet.\nArticle 2 : données de santé.' | wc -c)
[[ $(audit_rows cgu.publish cgu t0110doc:1.0 "$bytes octets") == 1 ]] || fail "cgu.publish not audited"

note "publish-cgu --file: no 64 KiB limit here, the pages' 100 000 characters are"
python3 -c 'import sys; sys.stdout.write("Conditions : é" * 6000 + "\n")' >"$TEST_TMP/big"	# 84 000 chars
[[ $(stat -c %s "$TEST_TMP/big") -gt 65536 ]] || fail "the big text is not over 64 KiB"
cli publish-cgu t0110doc 1.1 --file "$TEST_TMP/big"
assert_cli 0 "CGU t0110doc version 1.1 published"
[[ $(sql "SELECT CHAR_LENGTH(v.body) FROM parvis.cgu_version v JOIN parvis.cgu_document d
	ON d.id = v.document_id WHERE d.code = 't0110doc' AND v.version = '1.1'") == 84000 ]] || fail "big text length"

versions=$(sql "SELECT COUNT(*) FROM parvis.cgu_version")
audits=$(audit_total)
refuse_publish() {
	local want=$1 text=$2
	shift 2
	cli publish-cgu "$@"
	assert_cli "$want" "$text"
	[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_version") == "$versions" ]] || fail "refused publish-cgu saved: $*"
	[[ $(audit_total) == "$audits" ]] || fail "refused publish-cgu audited: $*"
}
python3 -c 'import sys; sys.stdout.write("a" * 100001)' >"$TEST_TMP/toobig"
printf 'Trop court.\n' >"$TEST_TMP/short"
printf 'Un texte assez long pour être publié.\n' >"$TEST_TMP/ok"
refuse_publish 1 "Le texte compte 20 à 100 000 caractères." t0110doc 1.2 --file "$TEST_TMP/toobig"
refuse_publish 1 "Le texte compte 20 à 100 000 caractères." t0110doc 1.2 --file "$TEST_TMP/short"
refuse_publish 1 "Le texte compte 20 à 100 000 caractères." t0110doc 1.2	# empty stdin
refuse_publish 1 "Cette version existe déjà pour ce document" t0110doc 1.0 --file "$TEST_TMP/ok"
refuse_publish 1 "Indiquez un numéro de version comme 1.1 ou 2.0" t0110doc 1. --file "$TEST_TMP/ok"
refuse_publish 1 "Indiquez un numéro de version" t0110doc v2 --file "$TEST_TMP/ok"
refuse_publish 1 "no CGU document with the code nothere" nothere 1.0 --file "$TEST_TMP/ok"
refuse_publish 1 "$TEST_TMP/missing: No such file" t0110doc 1.2 --file "$TEST_TMP/missing"
refuse_publish 2 "usage: parvis-admin publish-cgu" t0110doc --file "$TEST_TMP/ok"

note "a new portal version from the command line: users accept it again"
latest=$(sql "SELECT v.version FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 'portal' ORDER BY v.published_at DESC, v.id DESC LIMIT 1")
new_version="$latest.10"
printf 'Conditions du portail, version T0110 : relisez-les.\n' >"$TEST_TMP/portal"
cli publish-cgu portal "$new_version" --file "$TEST_TMP/portal"
assert_cli 0
[[ $(audit_rows cgu.publish cgu "portal:$new_version") == 1 ]] || fail "portal publication not audited"
http GET /
assert_status 303
assert_header Location '^/cgu/portal\?suite=%2F$'
http GET '/cgu/portal?suite=%2F'
assert_status 200
assert_body_contains "Version $new_version"
assert_body_contains 'Conditions du portail, version T0110'
note "done"
