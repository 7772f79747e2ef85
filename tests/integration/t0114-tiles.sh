#!/usr/bin/env bash
# The tiles page: favourite tiles first (starred and unstarred, kept on the
# account and in the session's copy), and each worker's in-memory
# application catalog read again as soon as an application or the roles it
# admits change (pages asked many times, so that every worker answers).
. "$(dirname "$0")/lib.sh"

make_user t0114a pro
uid=$USER_ID
accept_all_cgu "$uid"
login_strong t0114a

# tiles_order: the tile ids of the last page, in order, space-separated.
tiles_order() {
	http_body | grep -oE 'id="tuile-[a-z0-9_-]+"' | sed 's/id="tuile-//; s/"//' | tr '\n' ' '
}
# every_page_has TEXT: 12 pages in a row all contain TEXT.
every_page_has() {
	local i
	for ((i = 0; i < 12; i++)); do
		http GET /
		assert_status 200
		assert_body_contains "$1"
	done
}
# star CODE: the star button of tile CODE, from a fresh page (its token).
star() {
	http GET /
	http POST "/favoris/$1" --data-urlencode "csrf=$(csrf)"
}
every_page_lacks() {
	local i
	for ((i = 0; i < 12; i++)); do
		http GET /
		assert_status 200
		assert_body_not_contains "$1"
	done
}

note "a pro sees the directory then ICOPE, in the administrators' order"
http GET /
assert_status 200
[[ $(tiles_order) == 'annuaire icope ' ]] || fail "order: $(tiles_order)"
assert_body_not_contains 'tuile-admin'
assert_body_not_contains 'tile-favorite'

note "star ICOPE: it comes first, on the account and in every worker's page"
star icope
assert_status 303
assert_header Location '^/$'
icope_id=$(sql "SELECT id FROM parvis.application WHERE code = 'icope'")
annuaire_id=$(sql "SELECT id FROM parvis.application WHERE code = 'annuaire'")
[[ $(sql "SELECT favorite_apps FROM parvis.app_user WHERE id = $uid") == "$icope_id" ]] ||
	fail "favorite_apps not kept"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_favorite_app WHERE user_id = $uid") == 1 ]] ||
	fail "user_favorite_app not written"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $uid
	AND action = 'tiles.favorite.added' AND object_id = 'icope'") == 1 ]] || fail "star not audited"
for ((i = 0; i < 12; i++)); do
	http GET /
	[[ $(tiles_order) == 'icope annuaire ' ]] || fail "order after the star: $(tiles_order)"
	assert_body_contains 'aria-pressed="true"'
done

note "star the directory too: both, in the administrators' order"
star annuaire
assert_status 303
expect=$(printf '%s\n' "$icope_id" "$annuaire_id" | sort -n | paste -sd,)
[[ $(sql "SELECT favorite_apps FROM parvis.app_user WHERE id = $uid") == "$expect" ]] ||
	fail "favorite_apps: $(sql "SELECT favorite_apps FROM parvis.app_user WHERE id = $uid")"
http GET /
[[ $(tiles_order) == 'annuaire icope ' ]] || fail "order with two stars: $(tiles_order)"

note "unstar both"
star annuaire
star icope
[[ $(sql "SELECT favorite_apps FROM parvis.app_user WHERE id = $uid") == "" ]] || fail "favorite_apps not emptied"
[[ $(sql "SELECT COUNT(*) FROM parvis.user_favorite_app WHERE user_id = $uid") == 0 ]] ||
	fail "user_favorite_app not emptied"
[[ $(sql "SELECT COUNT(*) FROM parvis.audit_log WHERE user_id = $uid
	AND action = 'tiles.favorite.removed'") == 2 ]] || fail "unstars not audited"
every_page_lacks 'tile-favorite'

note "an application the user may not open cannot be starred; unknown ones neither"
star admin
assert_status 404
star nexiste-pas
assert_status 404
star "$(printf 'x%.0s' {1..40})"
assert_status 404
[[ $(sql "SELECT COUNT(*) FROM parvis.user_favorite_app WHERE user_id = $uid") == 0 ]] ||
	fail "a refused star was written"

note "a renamed application shows its new name at once, in every worker"
gen0=$(sql "SELECT catalog_generation FROM parvis.cgu_state WHERE id = 1")
sql "UPDATE parvis.application SET name = 'Annuaire renommé T0114' WHERE code = 'annuaire'"
(($(sql "SELECT catalog_generation FROM parvis.cgu_state WHERE id = 1") > gen0)) ||
	fail "the catalog generation did not move"
every_page_has 'Annuaire renommé T0114'

note "a role added to an application opens its tile; removed, it goes"
sql "INSERT INTO parvis.application_role (application_id, role)
	SELECT id, 'pro' FROM parvis.application WHERE code = 'support'"
every_page_has 'id="tuile-support"'
sql "DELETE r FROM parvis.application_role r JOIN parvis.application a ON a.id = r.application_id
	WHERE a.code = 'support' AND r.role = 'pro'"
every_page_lacks 'id="tuile-support"'

note "a disabled application disappears at once"
sql "UPDATE parvis.application SET enabled = FALSE WHERE code = 'icope'"
every_page_lacks 'id="tuile-icope"'
sql "UPDATE parvis.application SET enabled = TRUE WHERE code = 'icope'"
every_page_has 'id="tuile-icope"'

note "a new application for pros appears at once"
sql "INSERT INTO parvis.application (code, name, description, url, required_level, position)
	VALUES ('t0114', 'Application T0114', 'Essai', '/t0114/', 1, 500)"
sql "INSERT INTO parvis.application_role (application_id, role)
	SELECT id, 'pro' FROM parvis.application WHERE code = 't0114'"
every_page_has 'id="tuile-t0114"'
http GET /
[[ $(tiles_order) == 'annuaire icope t0114 ' ]] || fail "order with the new one: $(tiles_order)"
