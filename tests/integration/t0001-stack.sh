#!/bin/bash
# The stack itself: routing through nginx to the three programs, static
# files, nginx's limits, the SMTP sink, a database outage and a worker crash.

. "$(dirname "$0")/lib.sh"

note "health checks of the three programs"
for path in /healthz /annuaire/healthz /icope/healthz; do
	http GET "$path"
	assert_status 200
	assert_body_contains ok
done

note "static files: served by nginx, long cache, no sniffing"
http GET /static/parvis.css
assert_status 200
assert_header Content-Type '^text/css'
assert_header X-Content-Type-Options '^nosniff$'
assert_header Cache-Control 'max-age=[0-9]+'
max_age=$(header_value Cache-Control | sed -n 's/.*max-age=\([0-9]*\).*/\1/p')
((max_age >= 86400)) || fail "Cache-Control max-age $max_age is under one day"
# Plain HTTP on loopback: HSTS would be wrong here.
assert_no_header Strict-Transport-Security
http GET /static/absent-file.css
assert_status 404

note "unknown path"
http GET /cette-page-n-existe-pas
assert_status 404

note "/annuaire without slash: relative redirect"
http GET /annuaire
assert_status 301
assert_header Location '^/annuaire/$'

note "TRACE refused"
http TRACE /
assert_status 405 400

note "request body limit (6 MB)"
head -c $((7 * 1024 * 1024)) /dev/zero >"$TEST_TMP/7mb"
http POST / --data-binary "@$TEST_TMP/7mb" -H 'Content-Type: application/octet-stream'
assert_status 413
# Below the limit nginx passes it on (the program may refuse it its own way).
head -c $((5 * 1024 * 1024)) /dev/zero >"$TEST_TMP/5mb"
http POST / --data-binary "@$TEST_TMP/5mb" -H 'Content-Type: application/octet-stream'
if [[ $HTTP_STATUS == 413 ]] && grep -q '<center>nginx</center>' "$HTTP_DIR/body"; then
	fail "nginx refused a 5 MB body"
fi

note "SMTP sink stores every message"
n=$(mail_count)
printf 'From: Parvis <no-reply@parvis.localhost>\r\nTo: test@example.org\r\nSubject: Essai\r\n\r\nBonjour, ceci est un essai : é à ç.\r\n' \
	>"$TEST_TMP/mail.txt"
curl -sS --max-time 10 "smtp://127.0.0.1:$PARVIS_SMTP_PORT" \
	--mail-from no-reply@parvis.localhost --mail-rcpt test@example.org \
	-T "$TEST_TMP/mail.txt" || fail "the SMTP sink refused a message"
wait_for_mail $((n + 1)) 10
mail_last >"$TEST_TMP/last"
grep -q '^X-RcptTo: test@example.org$' "$TEST_TMP/last" || fail "recipient not recorded"
grep -qF 'ceci est un essai : é à ç.' "$TEST_TMP/last" || fail "message text altered"

note "database outage: 503, then back to 200 without restarting workers"
programs=(portal annuaire icope)
declare -A sup_before workers_before
for p in "${programs[@]}"; do
	sup_before[$p]=$(supervisor_pid "$p")
	workers_before[$p]=$(worker_pids "$p" | tr '\n' ' ')
done
at_exit 'stack db-start >/dev/null 2>&1'
stack db-stop
for path in /healthz /annuaire/healthz /icope/healthz; do
	wait_until 10 status_is 503 "$path" ||
		fail "$path does not answer 503 within 10 s of the database stopping"
done
stack db-start
for path in /healthz /annuaire/healthz /icope/healthz; do
	wait_until 30 status_is 200 "$path" ||
		fail "$path does not answer 200 within 30 s of the database restarting"
done
for p in "${programs[@]}"; do
	[[ $(supervisor_pid "$p") == "${sup_before[$p]}" ]] ||
		fail "parvis-$p supervisor restarted"
	now=$(worker_pids "$p" | tr '\n' ' ')
	[[ $now == "${workers_before[$p]}" ]] ||
		fail "parvis-$p workers changed across the outage: '${workers_before[$p]}' -> '$now'"
done

note "kill -9 of a portal worker under load"
mapfile -t before < <(worker_pids portal)
((${#before[@]} >= 2)) || fail "portal has ${#before[@]} worker(s), expected at least 2"
supervisor=$(supervisor_pid portal)
victim=${before[0]}
codes=$TEST_TMP/codes
: >"$codes"
(
	for ((i = 0; i < 200; i++)); do
		curl -s -o /dev/null --max-time 10 -w '%{http_code}\n' "$PARVIS_URL/healthz" || true
	done >"$codes"
) &
loop=$!
at_exit "kill $loop 2>/dev/null"
lines_at_least() {
	(($(wc -l <"$1") >= $2))
}
wait_until 20 lines_at_least "$codes" 40 || fail "the request loop is stuck"
kill -KILL "$victim"
wait "$loop"
total=$(wc -l <"$codes")
ok=$(grep -c '^200$' "$codes" || true)
note "$ok of $total requests answered 200"
((total == 200)) || fail "$total requests made, expected 200"
((total - ok <= 5)) || fail "$((total - ok)) requests failed around the crash: $(sort "$codes" | uniq -c | tr '\n' ' ')"
respawned() {
	local now
	mapfile -t now < <(worker_pids portal)
	((${#now[@]} == ${#before[@]})) && [[ " ${now[*]} " != *" $victim "* ]]
}
wait_until 10 respawned ||
	fail "worker not respawned: before ${before[*]}, now $(worker_pids portal | tr '\n' ' ')"
[[ $(supervisor_pid portal) == "$supervisor" ]] || fail "the portal supervisor changed"
kill -0 "$supervisor" || fail "the portal supervisor died"
http GET /healthz
assert_status 200

note "the portal's login pool: its own supervisor, niced, serving the login endpoints"
login_sup=$(supervisor_pid portal-login)
kill -0 "$login_sup" || fail "no login pool"
[[ $login_sup != "$(supervisor_pid portal)" ]] || fail "the login pool is the page pool"
mapfile -t login_workers < <(worker_pids portal-login)
((${#login_workers[@]} == 2)) || fail "the login pool has ${#login_workers[@]} workers, expected 2"
for w in "${login_workers[@]}"; do
	[[ $(ps -o ni= -p "$w" | tr -d ' ') == 10 ]] || fail "login worker $w is not niced"
done
for w in $(worker_pids portal); do
	[[ $(ps -o ni= -p "$w" | tr -d ' ') == 0 ]] || fail "page worker $w is niced"
done
# A login request reaches the login pool: stop it, and the login page fails
# while the other pages still answer.
kill -STOP "$login_sup" "${login_workers[@]}"
code=$(curl -s -o /dev/null -w '%{http_code}' -m 3 "$PARVIS_URL/connexion" || true)
http GET /a-propos
kill -CONT "$login_sup" "${login_workers[@]}"
[[ $code != 200 ]] || fail "/connexion answered while the login pool was stopped"
assert_status 200
http GET /connexion
assert_status 200

note "least privilege: per-table grants only; each program reaches only its own data"
# The server's superuser (the stack's own, by socket): parvis_admin cannot
# read other accounts' privileges.
super_sql() {
	mariadb --no-defaults --socket="$PARVIS_DB_SOCKET" --user="$(id -un)" \
		--batch --skip-column-names -e "$1"
}
# has_priv WHO TABLE PRIV: 1 when the account holds PRIV on TABLE.
has_priv() {
	super_sql "SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES
		WHERE GRANTEE = '''parvis_$1''@''localhost''' AND TABLE_NAME = '$2'
		AND PRIVILEGE_TYPE = '$3'"
}
(($(super_sql "SELECT COUNT(*) FROM information_schema.TABLE_PRIVILEGES
	WHERE GRANTEE = '''parvis_icope''@''localhost'''") > 20)) ||
	fail "cannot read the programs' grants"
for who in portal annuaire icope mailer; do
	[[ $(super_sql "SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES
		WHERE GRANTEE = '''parvis_$who''@''localhost'''") == 0 ]] ||
		fail "parvis_$who has a schema-wide grant"
done
[[ $(has_priv annuaire patient SELECT) == 0 ]] || fail "the directory reads patient files"
[[ $(has_priv annuaire icope_step1 SELECT) == 0 ]] || fail "the directory reads STEP 1"
[[ $(has_priv icope cpts_professional SELECT) == 0 ]] || fail "ICOPE reads the CPTS statuses"
[[ $(has_priv portal patient SELECT) == 0 ]] || fail "the portal reads patient files"
for who in annuaire icope; do
	for t in user_token account_request login_attempt account_throttle; do
		[[ $(has_priv $who $t SELECT) == 0 ]] || fail "parvis_$who reads $t"
	done
	[[ $(has_priv $who app_user UPDATE) == 0 ]] || fail "parvis_$who changes accounts"
	[[ $(has_priv $who audit_log INSERT) == 1 ]] || fail "parvis_$who cannot audit"
	[[ $(has_priv $who audit_log UPDATE) == 0 ]] || fail "parvis_$who may change the audit log"
	[[ $(has_priv $who audit_log DELETE) == 0 ]] || fail "parvis_$who may delete from the audit log"
done
[[ $(has_priv icope patient UPDATE) == 1 ]] || fail "ICOPE cannot update its patient files"
[[ $(has_priv annuaire professional UPDATE) == 0 ]] || fail "the directory may rewrite the import's data"
