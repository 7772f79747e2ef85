# Helpers for the ICOPE tests (t03NN): source it after lib.sh.
#
#   . "$(dirname "$0")/icope-lib.sh"
# shellcheck shell=bash

# q SQL: sql, for short.
q() { sql "$1"; }

# account_cgu LOGIN [ROLE[:TYPE:ID]...]: account, with every CGU accepted.
account_cgu() {
	account "$@"
	accept_all_cgu "$USER_ID"
}
