# Helpers for the ICOPE tests (t03NN): source it after lib.sh.
#
#   . "$(dirname "$0")/icope-lib.sh"
# shellcheck shell=bash

# q SQL: sql, for short.
q() { sql "$1"; }

# account LOGIN [ROLE[:TYPE:ID]...]: make_user with only these roles
# (default: pro), granted here: parvis-admin create-user may grant them to
# another id (it reads the id after its audit insert), so only a role ICOPE
# ignores goes through it.  The id is in $USER_ID.
account() {
	local r role type id
	make_user "$1" referent:establishment:1
	sql "DELETE FROM parvis.user_role WHERE user_id = $USER_ID"
	shift
	for r in "${@:-pro}"; do
		IFS=: read -r role type id <<<"$r"
		sql "INSERT IGNORE INTO parvis.user_role (user_id, role, scope_type, scope_id)
			VALUES ($USER_ID, '$role', '${type:-none}', ${id:-0})"
	done
}

# account_cgu LOGIN [ROLE[:TYPE:ID]...]: account, with every CGU accepted.
account_cgu() {
	account "$@"
	accept_all_cgu "$USER_ID"
}
