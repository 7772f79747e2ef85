# Helpers for the integration tests: source it at the top of each test.
#
#   . "$(dirname "$0")/lib.sh"
#
# A test runs against a started stack whose settings are in the environment
# (tests/integration/run does that; by hand: eval "$(scripts/stack env)").
# Any failed helper, assertion or command ends the test with a message.
# shellcheck shell=bash

set -eEuo pipefail

: "${PARVIS_URL:?run through tests/integration/run, or eval \"\$(scripts/stack env)\" first}"
: "${PARVIS_STATE:?}" "${PARVIS_STACK:?}" "${PARVIS_MAIL_DIR:?}"

TEST_NAME=$(basename "$0" .sh)
# Per-test scratch folder: last response, cookie jar, temporary files.
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/parvis-$TEST_NAME.XXXXXX")
HTTP_DIR=$TEST_TMP/http
mkdir -p "$HTTP_DIR"
: >"$HTTP_DIR/cookies"
HTTP_STATUS=""
HTTP_METHOD=""
HTTP_TARGET=""

_lib_at_exit=()
_lib_cleanup() {
	local i
	for ((i = ${#_lib_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_lib_at_exit[i]}" || true
	done
	rm -rf -- "$TEST_TMP"
}

# at_exit COMMAND: run COMMAND (a string, eval'd) when the test ends, pass
# or fail; the last registered runs first. E.g. at_exit 'stack db-start'
at_exit() {
	_lib_at_exit+=("$1")
}
trap _lib_cleanup EXIT
# A command that fails outside any helper: say where.
trap 'printf "FAIL: %s:%s: command failed (exit %s): %s\n" "${BASH_SOURCE[0]##*/}" "$LINENO" "$?" "$BASH_COMMAND" >&2' ERR

# fail MESSAGE: end the test, naming the caller's line and the last request.
fail() {
	local where="${BASH_SOURCE[1]##*/}:${BASH_LINENO[0]}"
	if [[ ${FUNCNAME[1]:-} == assert_* ]]; then
		where="${BASH_SOURCE[2]##*/}:${BASH_LINENO[1]}"
	fi
	trap - ERR
	printf 'FAIL: %s: %s\n' "$where" "$*" >&2
	if [[ -n $HTTP_TARGET ]]; then
		printf '  last request: %s %s -> %s\n' "$HTTP_METHOD" "$HTTP_TARGET" "$HTTP_STATUS" >&2
		if [[ -s $HTTP_DIR/body ]]; then
			printf '  body (start):\n' >&2
			head -c 600 "$HTTP_DIR/body" | sed 's/^/    /' >&2
			printf '\n' >&2
		fi
	fi
	exit 1
}

# note TEXT: progress line in the test's log.
note() {
	printf '# %s\n' "$*"
}

# stack ARGS: scripts/stack on this test's stack.
stack() {
	"$PARVIS_STACK" --state "$PARVIS_STATE" "$@"
}

# http METHOD PATH|URL [curl options...]: one request. Sets HTTP_STATUS and
# leaves the status in $HTTP_DIR/status, the headers (CR removed) in
# $HTTP_DIR/headers and the body in $HTTP_DIR/body. Cookies persist across
# calls in the test (http_reset forgets them); redirects are not followed.
# Unsafe methods send the Origin header a browser would send, unless
# HTTP_NO_ORIGIN=1. Example: http POST /connexion --data-urlencode "id=x"
http() {
	local method=$1 target=$2 url
	shift 2
	case $target in
	http://* | https://*) url=$target ;;
	/*) url=$PARVIS_URL$target ;;
	*) fail "http: path must start with /: $target" ;;
	esac
	local args=(-sS --max-time 30 -D "$HTTP_DIR/headers.raw"
		-b "$HTTP_DIR/cookies" -c "$HTTP_DIR/cookies" -w '%{http_code}')
	case $method in
	GET) args+=(-o "$HTTP_DIR/body") ;;
	# --head writes the headers to -o: keep the body file empty.
	HEAD) args+=(--head -o /dev/null) ;;
	*) args+=(-X "$method" -o "$HTTP_DIR/body") ;;
	esac
	if [[ $method != GET && $method != HEAD && ${HTTP_NO_ORIGIN:-0} != 1 ]]; then
		args+=(-H "Origin: $PARVIS_URL")
	fi
	HTTP_METHOD=$method
	HTTP_TARGET=$target
	rm -f "$HTTP_DIR/body" "$HTTP_DIR/headers.raw"
	HTTP_STATUS=$(curl "${args[@]}" "$@" "$url") || HTTP_STATUS=${HTTP_STATUS:-000}
	: >>"$HTTP_DIR/body"
	: >>"$HTTP_DIR/headers.raw"
	tr -d '\r' <"$HTTP_DIR/headers.raw" >"$HTTP_DIR/headers"
	printf '%s\n' "$HTTP_STATUS" >"$HTTP_DIR/status"
}

# http_reset: forget the cookies (a new browser).
http_reset() {
	: >"$HTTP_DIR/cookies"
}

# http_body: the body of the last response.
http_body() {
	cat -- "$HTTP_DIR/body"
}

# header_value NAME: value of that header in the last response (last one if
# repeated, e.g. after a 100 Continue), empty if absent.
header_value() {
	awk -v n="$1" 'BEGIN { n = tolower(n) }
		/^HTTP\// { v = "" }
		{ i = index($0, ":"); if (i > 0 && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v) } }
		END { print v }' "$HTTP_DIR/headers"
}

# assert_status CODE...: the last status is one of these.
assert_status() {
	local c
	for c in "$@"; do
		[[ $HTTP_STATUS == "$c" ]] && return 0
	done
	fail "status $HTTP_STATUS, expected $*"
}

# assert_header NAME REGEX: header NAME is present and matches the extended
# regular expression (use '' to only require it to be present).
assert_header() {
	local v
	grep -qi "^$1:" "$HTTP_DIR/headers" || fail "no $1 header"
	v=$(header_value "$1")
	[[ -z $2 ]] || grep -Eq -- "$2" <<<"$v" || fail "header $1: '$v' does not match /$2/"
}

# assert_no_header NAME
assert_no_header() {
	! grep -qi "^$1:" "$HTTP_DIR/headers" || fail "unexpected $1 header: $(header_value "$1")"
}

# assert_body_contains TEXT: the body holds TEXT (fixed string).
assert_body_contains() {
	grep -qF -- "$1" "$HTTP_DIR/body" || fail "body does not contain '$1'"
}

# assert_body_not_contains TEXT
assert_body_not_contains() {
	! grep -qF -- "$1" "$HTTP_DIR/body" || fail "body contains '$1'"
}

# sql QUERY: run it as parvis_admin; prints rows, tab-separated, no header.
sql() {
	mariadb --defaults-file="$PARVIS_STATE/admin.cnf" --batch --skip-column-names \
		-e "$1" || fail "sql failed: $1"
}

# mail_count: number of messages the SMTP sink received.
mail_count() {
	local n=0 f
	for f in "$PARVIS_MAIL_DIR"/new/* "$PARVIS_MAIL_DIR"/cur/*; do
		[[ -f $f ]] && n=$((n + 1))
	done
	printf '%s\n' "$n"
}

# mail_last: text of the newest message (with X-MailFrom and X-RcptTo).
mail_last() {
	local f
	f=$(find "$PARVIS_MAIL_DIR/new" "$PARVIS_MAIL_DIR/cur" -type f -printf '%T@ %p\n' 2>/dev/null |
		sort -n | tail -n 1 | cut -d ' ' -f 2-) || true
	[[ -n $f ]] || fail "no mail received"
	cat -- "$f"
}

# wait_for_mail N [SECONDS]: wait until at least N messages arrived (default
# 20 s). Typical: n=$(mail_count); <action>; wait_for_mail $((n + 1))
wait_for_mail() {
	local want=$1 deadline=$((SECONDS + ${2:-20}))
	until (($(mail_count) >= want)); do
		((SECONDS < deadline)) || fail "$(mail_count) mail(s) after ${2:-20}s, expected $want"
		sleep 0.2
	done
}

# wait_until SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

# status_is CODE PATH: GET PATH answers CODE (for wait_until).
status_is() {
	[[ $(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$PARVIS_URL$2") == "$1" ]]
}

# supervisor_pid PROGRAM: pid of the supervisor of portal|annuaire|icope.
supervisor_pid() {
	cat -- "$PARVIS_STATE/run/$1.pid"
}

# worker_pids PROGRAM: pids of the workers of portal|annuaire|icope, one a line.
worker_pids() {
	pgrep -P "$(supervisor_pid "$1")" | sort -n || true
}

# ---- Parvis flows ----

# csrf: the CSRF token of the first form of the last page.
csrf() {
	{ grep -o 'name="csrf" value="[^"]*"' "$HTTP_DIR/body" || true; } | head -n 1 |
		sed 's/.*value="//; s/"$//'
}

# form_value NAME: the value of the hidden field NAME in the last page.
form_value() {
	{ grep -o "name=\"$1\" value=\"[^\"]*\"" "$HTTP_DIR/body" || true; } | head -n 1 |
		sed 's/.*value="//; s/"$//'
}

# mail_for ADDRESS: the newest message sent to ADDRESS (fails if none).
mail_for() {
	local f
	f=$({ grep -l -i -F "X-RcptTo: $1" -r "$PARVIS_MAIL_DIR/new" "$PARVIS_MAIL_DIR/cur" 2>/dev/null || true; } |
		xargs -r ls -t 2>/dev/null | head -n 1) || true
	[[ -n $f ]] || fail "no mail to $1"
	cat -- "$f"
}

# mail_count_for ADDRESS: how many messages went to ADDRESS.
mail_count_for() {
	{ grep -l -i -F "X-RcptTo: $1" -r "$PARVIS_MAIL_DIR/new" "$PARVIS_MAIL_DIR/cur" 2>/dev/null || true; } |
		wc -l
}

# mail_text ADDRESS: "Subject: ..." and the decoded body of the newest
# message to ADDRESS.
mail_text() {
	mail_for "$1" | python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)
print("Subject: " + m["subject"]); print(m.get_content())'
}

# mails_text ADDRESS: the same for every message to ADDRESS, oldest first,
# each followed by a "=====" line.
mails_text() {
	local f
	{ grep -l -i -F "X-RcptTo: $1" -r "$PARVIS_MAIL_DIR/new" "$PARVIS_MAIL_DIR/cur" 2>/dev/null || true; } |
		xargs -r ls -tr | while read -r f; do
		python3 -c 'import sys, email, email.policy
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("Subject: " + m["subject"]); print(m.get_content()); print("=====")' "$f"
	done
}

# wait_for_mail_to ADDRESS N [SECONDS]: until N messages went to ADDRESS.
wait_for_mail_to() {
	local deadline=$((SECONDS + ${3:-20}))
	until (($(mail_count_for "$1") >= $2)); do
		((SECONDS < deadline)) || fail "$(mail_count_for "$1") mail(s) to $1 after ${3:-20}s, expected $2"
		sleep 0.2
	done
}

# TEST_PASSWORD: the password of the users make_user creates.
TEST_PASSWORD='Test-Parvis-2026!'

# make_user LOGIN [ROLE...]: an active user LOGIN with e-mail
# LOGIN@test.parvis.localhost, mobile 0611223344 and these roles
# (default: pro). Prints nothing; the id is in $USER_ID.
make_user() {
	local login=$1 roles=() r
	shift
	[[ $# -gt 0 ]] || set -- pro
	for r in "$@"; do roles+=(--role "$r"); done
	printf '%s\n' "$TEST_PASSWORD" | stack admin create-user --login "$login" \
		--email "$login@test.parvis.localhost" --first-name Test --last-name "${login^}" \
		--mobile 0611223344 "${roles[@]}" --password-stdin >/dev/null ||
		fail "cannot create user $login"
	USER_ID=$(sql "SELECT id FROM parvis.app_user WHERE login = '$login'")
}

# account LOGIN [ROLE[:TYPE:ID]...]: make_user with exactly these roles
# (default: pro), written here, so that a test does not depend on how
# parvis-admin grants or scopes them.  The id is in $USER_ID.
account() {
	local r role type id
	make_user "$1"
	sql "DELETE FROM parvis.user_role WHERE user_id = $USER_ID"
	shift
	for r in "${@:-pro}"; do
		IFS=: read -r role type id <<<"$r"
		sql "INSERT IGNORE INTO parvis.user_role (user_id, role, scope_type, scope_id)
			VALUES ($USER_ID, '$role', '${type:-none}', ${id:-0})"
	done
}

# accept_all_cgu USER_ID: record acceptance of every current CGU version.
accept_all_cgu() {
	sql "INSERT IGNORE INTO parvis.cgu_acceptance (user_id, version_id)
		SELECT $1, v.id FROM parvis.cgu_version v"
}

# login LOGIN [PASSWORD]: password login in this test's cookie jar (level 1).
login() {
	http_reset
	http GET /connexion
	http POST /connexion --data-urlencode "csrf=$(csrf)" \
		--data-urlencode "identifiant=$1" --data-urlencode "mot_de_passe=${2:-$TEST_PASSWORD}"
	assert_status 303
}

# login_code LOGIN: login (level 1), then a code sent by e-mail; the code
# is in LOGIN_CODE, the code page is the last one.
login_code() {
	local before
	login "$1"
	http GET '/connexion/code?suite=/'
	assert_status 200
	before=$(mail_count_for "$1@test.parvis.localhost")
	http POST /connexion/envoi --data-urlencode "csrf=$(csrf)" --data 'canal=email&suite=/'
	assert_status 200
	wait_for_mail_to "$1@test.parvis.localhost" $((before + 1))
	LOGIN_CODE=$(mail_for "$1@test.parvis.localhost" | grep -oE 'code Parvis : [0-9]{6}' | grep -oE '[0-9]{6}')
	[[ $LOGIN_CODE =~ ^[0-9]{6}$ ]] || fail "no code in the mail to $1"
}

# login_strong LOGIN: login, then the e-mail code (level 2).
login_strong() {
	login_code "$1"
	http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=$LOGIN_CODE&suite=/"
	assert_status 303
}

# forget_directory "POSTAL..." IDNPS...: removes these professionals from the
# directory (their sites, CPTS statuses, options, cards, skills, MSSanté
# addresses) and the communes of those postal codes, so that a test leaves
# the directory as it found it (t0201 expects its first import to meet an
# empty directory).  Meant for at_exit.
forget_directory() {
	local pcs in
	pcs=$(printf "'%s'," $1)
	shift
	in=$(printf "'%s'," "$@")
	sql "DELETE FROM parvis.cpts_professional_history WHERE idnps IN (${in%,});
		DELETE FROM parvis.cpts_professional WHERE idnps IN (${in%,});
		DELETE FROM parvis.professional_option WHERE idnps IN (${in%,});
		DELETE FROM parvis.professional_card WHERE idnps IN (${in%,});
		DELETE FROM parvis.professional_skill WHERE idnps IN (${in%,});
		DELETE FROM parvis.professional_mssante WHERE idnps IN (${in%,});
		DELETE FROM parvis.practice_site WHERE idnps IN (${in%,});
		DELETE FROM parvis.professional WHERE idnps IN (${in%,});
		DELETE FROM parvis.rpps_commune WHERE postal_code IN (${pcs%,})"
}
