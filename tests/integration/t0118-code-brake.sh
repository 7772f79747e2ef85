#!/usr/bin/env bash
# The per-account brake on one-time codes: a code allows 5 tries and a
# session 5 codes, but whoever has the password can open sessions at will.
# Every wrong code of an account, whatever its session or purpose, counts:
# the 10th within an hour stops codes from being sent or checked for the
# account (429, Retry-After), voids its live codes, warns the user by mail
# and is audited.  Parallel guesses are counted one after the other: never
# more than 10 reach a check.  An hour later codes work again.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
failures() { count "login_attempt WHERE user_id = $ua AND kind = 'code' AND success = FALSE"; }
jar_save() { cp -- "$HTTP_DIR/cookies" "$HTTP_DIR/jar-$1"; }
jar_use() { cp -- "$HTTP_DIR/jar-$1" "$HTTP_DIR/cookies"; }

make_user t0118a
ua=$USER_ID
accept_all_cgu "$ua"

# session N: a new level-1 session with a code sent by e-mail; its cookies
# are saved as jar N and the code is in CODE.
session() {
	login_code t0118a
	CODE=$LOGIN_CODE
	jar_save "$1"
}
# guess CODE: types CODE on the code page of the current jar.
guess() {
	http GET '/connexion/code?suite=/'
	http POST /connexion/code --data-urlencode "csrf=$(csrf)" --data "code=$1&suite=/"
}
# while_locked HTTP-ARGS...: the request, sent while another transaction
# holds the user's row for 2 s; its duration in ms in $took.
while_locked() {
	local holder start
	mariadb --defaults-file="$PARVIS_STATE/admin.cnf" -e "BEGIN; SELECT id FROM parvis.app_user
		WHERE id = $ua FOR UPDATE; SELECT SLEEP(2); COMMIT;" >/dev/null &
	holder=$!
	sleep 0.5
	start=$(date +%s%N)
	http "$@"
	took=$((($(date +%s%N) - start) / 1000000))
	wait "$holder"
}
wrong_of() { printf '%06d' $(((10#$1 + 1) % 1000000)); }

note "two sessions, five wrong codes each: the tenth brakes the account"
session 1
c1=$CODE
for i in 1 2 3 4 5; do
	guess "$(wrong_of "$c1")"
	assert_status 401
done
assert_body_contains 'Trop d&#39;essais pour ce code'
[[ $(failures) == 5 ]] || fail "not 5 failures recorded: $(failures)"
session 2
c2=$CODE
session 3
c3=$CODE
jar_use 2
for i in 1 2 3 4; do
	guess "$(wrong_of "$c2")"
	assert_status 401
done
mails_before=$(mail_count_for "t0118a@$D")
guess "$(wrong_of "$c2")"
assert_status 429
assert_header Retry-After '^3600$'
assert_body_contains 'Trop de codes erronés ont été saisis sur ce compte'
[[ $(failures) == 10 ]] || fail "not 10 failures recorded: $(failures)"
[[ $(count "audit_log WHERE user_id = $ua AND action = 'otp.locked' AND outcome = 'denied'") == 1 ]] ||
	fail "the brake is not audited"
wait_for_mail_to "t0118a@$D" $((mails_before + 1))
text=$(mail_text "t0118a@$D")
grep -qF 'codes erronés sur votre compte' <<<"$text" || fail "no warning mail: $text"
grep -qF 'Mot de passe oublié' <<<"$text" || fail "the warning does not say what to do: $text"
[[ $(count "otp_code WHERE user_id = $ua AND used_at IS NULL") == 0 ]] || fail "live codes left after the brake"

note "braked: the right code of another session is refused, no code is sent"
jar_use 3
guess "$c3"
assert_status 429
assert_body_contains 'Trop de codes erronés'
[[ $(sql "SELECT MAX(level) FROM parvis.session WHERE user_id = $ua") == 1 ]] || fail "a braked code raised a session"
[[ $(count "audit_log WHERE user_id = $ua AND action = 'otp.refused'") == 1 ]] || fail "the refusal is not audited"
[[ $(failures) == 10 ]] || fail "a refused code was counted as a failure"
codes=$(count "otp_code WHERE user_id = $ua")
login t0118a
http GET '/connexion/code?suite=/'
http POST /connexion/envoi --data-urlencode "csrf=$(csrf)" --data 'canal=email&suite=/'
assert_status 429
assert_body_contains 'Trop de codes erronés'
[[ $(count "otp_code WHERE user_id = $ua") == "$codes" ]] || fail "a braked account got a new code"

note "an hour later codes work again"
sql "UPDATE parvis.login_attempt SET at = at - INTERVAL 61 MINUTE WHERE user_id = $ua"
session 4
guess "$CODE"
assert_status 303
[[ $(sql "SELECT MAX(level) FROM parvis.session WHERE user_id = $ua") == 2 ]] || fail "the right code did not raise the session"
[[ $(count "login_attempt WHERE user_id = $ua AND kind = 'code' AND success = TRUE") == 1 ]] ||
	fail "the good code is not recorded"

note "a wrong code of the settings counts too"
http GET /compte/coordonnees
T=$(csrf)
http POST /compte/coordonnees/email --data-urlencode "csrf=$T" --data-urlencode "email=n.t0118a@$D" \
	--data-urlencode "actuel_email=$TEST_PASSWORD"
assert_status 303
code=$(sql "SELECT 1 FROM parvis.otp_code WHERE user_id = $ua AND purpose = 'email' AND used_at IS NULL")
[[ $code == 1 ]] || fail "no contact code"
wait_for_mail_to "n.t0118a@$D" 1
c=$(mail_text "n.t0118a@$D" | grep -oE 'code Parvis : [0-9]{6}' | grep -oE '[0-9]{6}' | tail -n 1)
http GET /compte/coordonnees
http POST /compte/coordonnees/email/code --data-urlencode "csrf=$(csrf)" --data-urlencode "code_email=$(wrong_of "$c")"
assert_status 422
[[ $(count "login_attempt WHERE user_id = $ua AND kind = 'code' AND success = FALSE
	AND at >= UTC_TIMESTAMP() - INTERVAL 1 HOUR") == 1 ]] || fail "the settings' wrong code was not counted"

note "a code check waits for the account's row lock (what counts parallel guesses one by one)"
http GET /compte/coordonnees
t=$(csrf)
while_locked POST /compte/coordonnees/email/code --data-urlencode "csrf=$t" --data-urlencode "code_email=$(wrong_of "$c")"
assert_status 422
((took >= 1000)) || fail "the check did not wait for the account's lock (${took} ms)"

note "parallel guesses: never more than 10 reach a check"
sql "UPDATE parvis.login_attempt SET at = at - INTERVAL 61 MINUTE WHERE user_id = $ua"
declare -A codes
for s in 5 6 7 8 9 10; do
	session "$s"
	codes[$s]=$CODE
done
# The login's code check waits for the lock too.
jar_use 5
http GET '/connexion/code?suite=/'
t=$(csrf)
while_locked POST /connexion/code --data-urlencode "csrf=$t" --data "code=$(wrong_of "${codes[5]}")&suite=/"
assert_status 401
((took >= 1000)) || fail "the login's code check did not wait for the account's lock (${took} ms)"
pids=()
for s in 5 6 7 8 9 10; do
	jar_use "$s"
	http GET '/connexion/code?suite=/'
	t=$(csrf)
	for i in 1 2 3; do
		curl -s -o /dev/null -b "$HTTP_DIR/jar-$s" -H "Origin: $PARVIS_URL" \
			--data-urlencode "csrf=$t" --data "code=$(wrong_of "${codes[$s]}")&suite=/" \
			-w '%{http_code}\n' "$PARVIS_URL/connexion/code" >>"$HTTP_DIR/parallel" &
		pids+=($!)
	done
done
wait "${pids[@]}"
[[ $(count "login_attempt WHERE user_id = $ua AND kind = 'code' AND success = FALSE
	AND at >= UTC_TIMESTAMP() - INTERVAL 1 HOUR") == 10 ]] || fail "not exactly 10 failures counted in parallel"
[[ $(grep -c '^429$' "$HTTP_DIR/parallel") -ge 8 ]] || fail "fewer than 8 parallel guesses were braked: $(sort "$HTTP_DIR/parallel" | uniq -c)"
[[ $(grep -vcE '^(401|429)$' "$HTTP_DIR/parallel") == 0 ]] || fail "unexpected answers: $(sort "$HTTP_DIR/parallel" | uniq -c)"
