#!/usr/bin/env bash
# Administration, part 2: terms of use (CGU) documents and versions, with the
# end-to-end effect of a new version (every user accepts again at their next
# page), and the read-only audit log view with its filters and paging.
. "$(dirname "$0")/lib.sh"

CUR_JAR=""
as() {
	[[ -z $CUR_JAR ]] || cp "$HTTP_DIR/cookies" "$TEST_TMP/jar-$CUR_JAR"
	if [[ -f $TEST_TMP/jar-$1 ]]; then
		cp "$TEST_TMP/jar-$1" "$HTTP_DIR/cookies"
	else
		: >"$HTTP_DIR/cookies"
	fi
	CUR_JAR=$1
}
href() {
	{ grep -o "$1" "$HTTP_DIR/body" || true; } | head -n 1 | sed 's/.*href="//; s/"$//; s/&amp;/\&/g'
}
rows() {
	grep -c '<tr id="entree-' "$HTTP_DIR/body" || true
}
versions() {
	sql "SELECT COUNT(*) FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
		WHERE d.code = '$1'"
}

# user ROLE...: make_user, then exactly these roles (parvis-admin
# create-user currently grants them to the id of its audit row, not of the
# new user: set them here until it is fixed).
user() {
	local login=$1 r
	shift
	make_user "$login" "$@"
	sql "DELETE FROM parvis.user_role WHERE user_id = $USER_ID"
	for r in "$@"; do
		sql "INSERT INTO parvis.user_role (user_id, role) VALUES ($USER_ID, '$r')"
	done
}

user t0109adm admin
admin_id=$USER_ID
accept_all_cgu "$admin_id"
user t0109usr pro
usr_id=$USER_ID
accept_all_cgu "$usr_id"

as usr
login t0109usr
http GET /
assert_status 200
as admin
login_strong t0109adm
http GET /admin/cgu
assert_status 200
tok=$(csrf)

note "CGU list: each document with its version in force"
assert_body_contains 'href="/admin/cgu/portal"'
assert_body_contains 'href="/admin/cgu/icope"'
latest=$(sql "SELECT v.version FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 'portal' ORDER BY v.published_at DESC, v.id DESC LIMIT 1")
assert_body_contains "$latest, publiée le"

note "new document: invalid code or title refused, valid one created and audited"
docs=$(sql "SELECT COUNT(*) FROM parvis.cgu_document")
for code in 'X' 'T0109' 'a b' 'été' "$(printf 'c%.0s' {1..33})"; do
	http POST /admin/cgu --data-urlencode "csrf=$tok" --data-urlencode "code=$code" \
		--data-urlencode "titre=Conditions d'essai"
	assert_status 422
	assert_body_contains 'id="code-error"'
done
http POST /admin/cgu --data-urlencode "csrf=$tok" --data 'code=t0109doc' --data-urlencode 'titre=x'
assert_status 422
assert_body_contains 'id="titre-error"'
assert_body_contains 'value="t0109doc"'
[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_document") == "$docs" ]] || fail "an invalid document was created"
http POST /admin/cgu --data 'code=t0109doc' --data-urlencode "titre=Conditions d'essai"
assert_status 403
http POST /admin/cgu --data-urlencode "csrf=$tok" --data 'code=t0109doc' --data-urlencode "titre=Conditions d'essai T0109"
assert_status 303
assert_header Location '^/admin/cgu/t0109doc\?ok=document-cree$'
[[ $(sql "SELECT title FROM parvis.cgu_document WHERE code = 't0109doc'") == "Conditions d'essai T0109" ]] ||
	fail "document not stored"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $admin_id AND action = 'cgu.document.create'
	AND object_type = 'cgu' AND object_id = 't0109doc' AND outcome = 'ok'") == 1 ]] || fail "creation not audited"
http POST /admin/cgu --data-urlencode "csrf=$tok" --data 'code=t0109doc' --data-urlencode 'titre=Encore'
assert_status 422
assert_body_contains 'Un document a déjà ce code.'
http GET '/admin/cgu/t0109doc?ok=document-cree'
assert_status 200
assert_body_contains 'Le document a été créé'
assert_body_contains "Aucune version n'est publiée"
http GET /admin/cgu/nothere
assert_status 404

note "the new document can be chosen for an application"
http GET /admin/applications/nouvelle
assert_body_contains 'essai T0109 (t0109doc)'

note "publish: version label and text are checked, duplicates refused"
body_ok="Nouvelles conditions d'essai : le texte compte bien plus de vingt caractères."
for v in '' 'v1' '1..2' '.1' '1.' '1,1' '123456789012345678901'; do
	http POST /admin/cgu/t0109doc --data-urlencode "csrf=$tok" --data-urlencode "version=$v" \
		--data-urlencode "texte=$body_ok"
	assert_status 422
	assert_body_contains 'id="version-error"'
done
http POST /admin/cgu/t0109doc --data-urlencode "csrf=$tok" --data 'version=1.0' --data-urlencode 'texte=Trop court.'
assert_status 422
assert_body_contains 'id="texte-error"'
assert_body_contains 'Trop court.</textarea>'
http POST /admin/cgu/t0109doc --data-urlencode "csrf=$tok" --data 'version=1.0' \
	--data-urlencode "texte=$(printf 'Texte\001 de contrôle, assez long pour passer.')"
assert_status 422
assert_body_contains 'caractères de contrôle'
[[ $(versions t0109doc) == 0 ]] || fail "an invalid version was published"
http POST /admin/cgu/t0109doc --data-urlencode "csrf=$tok" --data 'version=1.0' \
	--data-urlencode "texte=$(printf 'Premier paragraphe des conditions.\r\n\r\nSecond paragraphe.\r\n')"
assert_status 303
assert_header Location '^/admin/cgu/t0109doc\?ok=version-publiee$'
[[ $(sql "SELECT HEX(v.body) FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 't0109doc'") == $(printf 'Premier paragraphe des conditions.\n\nSecond paragraphe.' | xxd -p -u | tr -d '\n') ]] ||
	fail "the text is not stored with plain line ends and without trailing blanks"
[[ $(sql "SELECT published_by FROM parvis.cgu_version v JOIN parvis.cgu_document d ON d.id = v.document_id
	WHERE d.code = 't0109doc'") == "$admin_id" ]] || fail "publisher not recorded"
http POST /admin/cgu/t0109doc --data-urlencode "csrf=$tok" --data 'version=1.0' --data-urlencode "texte=$body_ok"
assert_status 422
assert_body_contains 'Cette version existe déjà'
[[ $(versions t0109doc) == 1 ]] || fail "a duplicate version was published"

note "the publish form starts from the text in force"
http GET '/admin/cgu/t0109doc?ok=version-publiee'
assert_status 200
assert_body_contains 'La nouvelle version a été publiée'
assert_body_contains 'en vigueur'
assert_body_contains 'Premier paragraphe des conditions.'

note "publish portal 1.x: a user who accepted the previous version must accept again"
portal_before=$(versions portal)
http GET /admin/cgu/portal
assert_status 200
assert_body_contains '<textarea id="texte"'
new_version="$latest.9"
http POST /admin/cgu/portal --data-urlencode "csrf=$tok" --data-urlencode "version=$latest" \
	--data-urlencode "texte=$body_ok"
assert_status 422
[[ $(versions portal) == "$portal_before" ]] || fail "duplicate portal version published"
http POST /admin/cgu/portal --data-urlencode "csrf=$tok" --data-urlencode "version=$new_version" \
	--data-urlencode "texte=Conditions du portail, version T0109 : relisez-les avant de continuer."
assert_status 303
[[ $(versions portal) == $((portal_before + 1)) ]] || fail "portal version not published"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $admin_id AND action = 'cgu.publish'
	AND object_type = 'cgu' AND object_id = 'portal:$new_version' AND outcome = 'ok'") == 1 ]] ||
	fail "publication not audited"

as usr
http GET /
assert_status 303
assert_header Location '^/cgu/portal\?suite=%2F$'
http GET '/cgu/portal?suite=%2F'
assert_status 200
assert_body_contains "Version $new_version"
assert_body_contains 'Conditions du portail, version T0109'
http POST /cgu/portal --data-urlencode "csrf=$(csrf)" --data "version=$(form_value version)&accepte=1&suite=/"
assert_status 303
http GET /
assert_status 200
[[ $(sql "SELECT COUNT(*) FROM parvis.cgu_acceptance a JOIN parvis.cgu_version v ON v.id = a.version_id
	JOIN parvis.cgu_document d ON d.id = v.document_id WHERE a.user_id = $usr_id AND d.code = 'portal'
	AND v.version = '$new_version'") == 1 ]] || fail "acceptance of the new version not recorded"

note "the admin too accepts the new version before the next admin page"
as admin
http GET /admin/journal
assert_status 303
assert_header Location '^/cgu/portal\?suite=%2Fadmin%2Fjournal$'
http GET '/cgu/portal?suite=%2Fadmin%2Fjournal'
http POST /cgu/portal --data-urlencode "csrf=$(csrf)" --data "version=$(form_value version)&accepte=1" \
	--data-urlencode 'suite=/admin/journal'
assert_status 303
assert_header Location '^/admin/journal$'

note "journal: newest first, dates in French, the view itself is recorded"
views=$(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $admin_id AND action = 'audit.view'")
http GET /admin/journal
assert_status 200
assert_body_contains 'cgu.publish'
assert_body_contains "portal:$new_version"
grep -qE '<td data-label="Date">[0-9]{2}/[0-9]{2}/[0-9]{4} à [0-9]{2}:[0-9]{2}</td>' "$HTTP_DIR/body" ||
	fail "dates are not shown as JJ/MM/AAAA à HH:MM"
ids=$(grep -o '<tr id="entree-[0-9]*' "$HTTP_DIR/body" | grep -o '[0-9]*$')
[[ $ids == "$(sort -rn <<<"$ids")" ]] || fail "entries are not newest first"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $admin_id AND action = 'audit.view'") == $((views + 1)) ]] ||
	fail "the view was not recorded"

note "journal: filter by action prefix"
http GET '/admin/journal?action=cgu.pub'
assert_status 200
assert_body_contains "portal:$new_version"
assert_body_not_contains 'cgu.document.create'
assert_body_not_contains '>cgu.accept<'
[[ $(sql "SELECT detail FROM parvis.audit_log WHERE user_id = $admin_id AND action = 'audit.view'
	ORDER BY id DESC LIMIT 1") == 'action=cgu.pub' ]] || fail "the view's filters are not recorded"

note "journal: filter by user login"
http GET '/admin/journal?login=t0109usr'
assert_status 200
assert_body_contains '>cgu.accept<'
assert_body_not_contains '>cgu.publish<'
assert_body_not_contains '>t0109adm<'
http GET '/admin/journal?login=nobody-t0109'
assert_status 200
assert_body_contains 'a cet identifiant.'

note "journal: filter by object type and id"
http GET "/admin/journal?objet=cgu&objet_id=portal:$new_version"
assert_status 200
assert_body_contains '>cgu.publish<'
assert_body_contains '>cgu.accept<'
assert_body_not_contains '>audit.view<'

note "journal: filter by outcome"
as usr
http_reset
http GET /connexion
http POST /connexion --data-urlencode "csrf=$(csrf)" --data 'identifiant=t0109usr&mot_de_passe=wrong-password-1'
assert_status 401
as admin
http GET '/admin/journal?resultat=denied&action=login'
assert_status 200
assert_body_contains '>login.failed<'
assert_body_not_contains '>cgu.publish<'
assert_body_contains 'badge-warn'
http GET '/admin/journal?resultat=ok&action=login.failed'
assert_body_contains 'Aucune entrée ne correspond'

note "journal: filter by dates (JJ/MM/AAAA, Europe/Paris, end day included)"
today=$(TZ=Europe/Paris date +%d/%m/%Y)
yesterday=$(TZ=Europe/Paris date -d yesterday +%d/%m/%Y)
http GET "/admin/journal?du=$today&au=$today&action=cgu.publish"
assert_status 200
assert_body_contains "portal:$new_version"
http GET "/admin/journal?au=$yesterday&action=cgu.publish&objet_id=portal:$new_version"
assert_status 200
assert_body_contains 'Aucune entrée ne correspond'
http GET "/admin/journal?du=01/01/2000&au=31/12/2000"
assert_status 200
assert_body_contains 'Aucune entrée ne correspond'

note "journal: invalid filters are 422 with a message beside the field"
for q in 'du=32/13/2020' 'au=hier' "du=$today&au=$yesterday" 'action=ROLE' "action=a'b" 'objet=User' \
	'resultat=maybe' 'avant=abc'; do
	http GET "/admin/journal?$q"
	assert_status 422
	assert_body_contains 'alert-error'
	assert_body_not_contains '<tr id="entree-'
done
http GET '/admin/journal?du=32/13/2020'
assert_body_contains 'id="du-error"'
assert_body_contains 'value="32/13/2020"'

note "journal: 100 a page, next and previous links keep the filters"
values=""
for i in $(seq 1 150); do
	values+="${values:+,}(UTC_TIMESTAMP(3), NULL, 'test', 't0109.page', 'test', '$i', 'ok')"
done
sql "INSERT INTO parvis.audit_log (at, user_id, program, action, object_type, object_id, outcome) VALUES $values"
http GET '/admin/journal?action=t0109.page'
assert_status 200
[[ $(rows) == 100 ]] || fail "page 1 holds $(rows) entries, expected 100"
assert_body_contains '<td data-label="Objet">test 150</td>'
assert_body_not_contains 'rel="prev"'
older=$(href 'href="/admin/journal?action=t0109.page&amp;avant=[0-9]*"')
[[ -n $older ]] || fail "no link to older entries"
http GET "$older"
assert_status 200
[[ $(rows) == 50 ]] || fail "page 2 holds $(rows) entries, expected 50"
assert_body_contains '<td data-label="Objet">test 50</td>'
assert_body_contains '<td data-label="Objet">test 1</td>'
assert_body_not_contains 'rel="next"'
newer=$(href 'href="/admin/journal?action=t0109.page&amp;apres=[0-9]*"')
[[ -n $newer ]] || fail "no link to newer entries"
http GET "$newer"
assert_status 200
[[ $(rows) == 100 ]] || fail "back to page 1: $(rows) entries"
assert_body_contains '<td data-label="Objet">test 150</td>'
assert_body_contains '<td data-label="Objet">test 51</td>'
assert_body_not_contains 'rel="prev"'
ids=$(grep -o '<tr id="entree-[0-9]*' "$HTTP_DIR/body" | grep -o '[0-9]*$')
[[ $ids == "$(sort -rn <<<"$ids")" ]] || fail "newer page is not newest first"

note "journal: read-only, for admins at level 2 only"
http POST /admin/journal --data-urlencode "csrf=$tok"
assert_status 405
as usr
login t0109usr
http GET /admin/journal
assert_status 403
as anon
http GET '/admin/journal?action=role'
assert_status 303
assert_header Location '^/connexion\?suite=%2Fadmin%2Fjournal'
