#!/usr/bin/env bash
# The grants an open session acts on (session.roles, sql/015) follow every
# change of user_role at once, whoever makes it (the admin pages,
# parvis-admin, SQL): a role granted opens its pages on the next request,
# a role revoked closes them on the next request, in every open session of
# the user; a session opened later starts with the grants of that moment.
. "$(dirname "$0")/lib.sh"

make_user t0116a pro
uid=$USER_ID
accept_all_cgu "$uid"
make_user t0116b pro
other=$USER_ID
accept_all_cgu "$other"

# roles_of_sessions USER_ID: the distinct session.roles values of the user,
# each with its items sorted (the triggers order them by the role ENUM).
roles_of_sessions() {
	sql "SELECT DISTINCT roles FROM parvis.session WHERE user_id = $1" |
		while IFS= read -r v; do tr ',' '\n' <<<"$v" | LC_ALL=C sort | paste -sd, -; done |
		LC_ALL=C sort | paste -sd'|' -
}
# second session of t0116a, opened by SQL like session_create would (two
# sessions must both follow).
sql "INSERT INTO parvis.session (token_hash, user_id, level, csrf_token, created_at, last_seen_at)
	VALUES (SHA2('t0116-second', 256), $uid, 1, REPEAT('c', 43), UTC_TIMESTAMP(), UTC_TIMESTAMP())"
login_strong t0116a

note "a new session carries the user's grants"
[[ $(roles_of_sessions "$uid") == 'pro:none:0' ]] || fail "sessions carry: $(roles_of_sessions "$uid")"
http GET /support/
assert_status 403

note "a role granted by parvis-admin opens its pages on the next request, in every session"
stack admin grant-role t0116a support >/dev/null || fail "grant-role failed"
[[ $(roles_of_sessions "$uid") == 'pro:none:0,support:none:0' ]] ||
	fail "after the grant: $(roles_of_sessions "$uid")"
http GET /support/
assert_status 200
[[ $(roles_of_sessions "$other") == 'pro:none:0' || -z $(roles_of_sessions "$other") ]] ||
	fail "another user's sessions changed: $(roles_of_sessions "$other")"

note "a scoped role changed in SQL (UPDATE) follows too"
sql "INSERT INTO parvis.cpts (name, territory_id) SELECT 'CPTS t0116', id FROM parvis.territory LIMIT 1" 2>/dev/null ||
	sql "INSERT INTO parvis.territory (name) VALUES ('T t0116');
		INSERT INTO parvis.cpts (name, territory_id) VALUES ('CPTS t0116', LAST_INSERT_ID())"
cpts=$(sql "SELECT MAX(id) FROM parvis.cpts WHERE name = 'CPTS t0116'")
sql "INSERT INTO parvis.user_role (user_id, role, scope_type, scope_id) VALUES ($uid, 'cpts_manager', 'cpts', $cpts)"
[[ $(roles_of_sessions "$uid") == "cpts_manager:cpts:$cpts,pro:none:0,support:none:0" ]] ||
	fail "after the scoped grant: $(roles_of_sessions "$uid")"
http GET "/annuaire/recherche?cpts=$cpts"
assert_status 200
sql "UPDATE parvis.user_role SET scope_id = $((cpts + 100000)) WHERE user_id = $uid AND role = 'cpts_manager'"
[[ $(roles_of_sessions "$uid") == "cpts_manager:cpts:$((cpts + 100000)),pro:none:0,support:none:0" ]] ||
	fail "after the UPDATE: $(roles_of_sessions "$uid")"
http GET "/annuaire/recherche?cpts=$cpts"
assert_status 403 404

note "a role revoked closes its pages on the next request"
stack admin revoke-role t0116a support >/dev/null || fail "revoke-role failed"
sql "DELETE FROM parvis.user_role WHERE user_id = $uid AND role = 'cpts_manager'"
[[ $(roles_of_sessions "$uid") == 'pro:none:0' ]] || fail "after the revocations: $(roles_of_sessions "$uid")"
http GET /support/
assert_status 403

note "a damaged session.roles grants nothing it does not spell, and the page still answers"
sql "UPDATE parvis.session SET roles = 'support:none,pro:none:0' WHERE user_id = $uid"
http GET /support/
assert_status 403
http GET /
assert_status 200
