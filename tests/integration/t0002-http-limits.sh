#!/usr/bin/env bash
# Malformed requests of every kind get a clear 4xx in French, the security
# headers, and never take a worker down.
. "$(dirname "$0")/lib.sh"

workers_before=$(worker_pids portal | wc -l)

note "security headers on a page"
http GET /a-propos
assert_status 200
assert_header Content-Security-Policy "default-src 'none'"
assert_header Content-Security-Policy "frame-ancestors 'none'"
assert_header Content-Security-Policy "script-src 'self'"
assert_header X-Content-Type-Options '^nosniff$'
assert_header Referrer-Policy 'same-origin'
assert_header Cache-Control 'no-store'
assert_header X-Request-Id '^[0-9a-f]{16,32}$'
assert_body_contains '<html lang="fr">'
assert_body_contains 'Version du schéma'

note "unknown route: 404 page in French"
http GET /nexiste/pas
assert_status 404
assert_body_contains "Cette page n&#39;existe pas."
assert_body_contains '<h1>Page introuvable</h1>'
assert_body_contains '<title>Page introuvable'
assert_header Content-Type 'text/html; charset=utf-8'

note "wrong method on a known route: 405 with Allow"
http DELETE /a-propos
assert_status 405
assert_header Allow 'GET, HEAD'
http POST /a-propos --data 'x=1'
assert_status 405

note "HEAD has headers and no body"
http HEAD /a-propos
assert_status 200
[[ ! -s $HTTP_DIR/body ]] || fail "HEAD returned a body"

note "invalid UTF-8 in the query string"
http GET '/a-propos?q=%FF%FE'
assert_status 400
assert_body_contains 'UTF-8'

note "bad percent escape"
http GET '/a-propos?q=%G1'
assert_status 400

note "too many query fields"
q=$(seq 1 300 | sed 's/.*/f&=1/' | paste -sd'&')
http GET "/a-propos?$q"
assert_status 400
assert_body_contains 'trop de champs'

note "garbage cookie header is ignored or refused, never a crash"
http GET /a-propos -H 'Cookie: ;;;=;a=%%%; parvis_session=not-a-token'
assert_status 200 400
http GET / -H 'Cookie: parvis_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
assert_status 303
assert_header Location '^/connexion\?suite=%2F$'

note "invalid UTF-8 in the path"
http GET '/a-propos%FF'
assert_status 400 404

note "POST without a CSRF token is refused"
http POST /deconnexion --data 'x=1'
assert_status 403 401 404 405

note "multipart with a broken boundary"
http POST /deconnexion -H 'Content-Type: multipart/form-data; boundary=abc' \
	--data-binary $'--abc\r\nContent-Disposition: form-data; name="x"\r\n\r\nvalue\r\n--abc'
assert_status 400 401 403 404 405

note "unsupported content type"
http POST /deconnexion -H 'Content-Type: application/json' --data '{"a":1}'
assert_status 415 401 403 404 405

note "body bigger than the limit"
head -c $((7 * 1024 * 1024)) /dev/zero >"$TEST_TMP/big"
http POST /deconnexion -H 'Content-Type: application/x-www-form-urlencoded' --data-binary @"$TEST_TMP/big"
assert_status 413

note "a non-local redirect target in suite= is never followed"
http GET '/nexiste?suite=https://evil.example'
assert_status 404

note "workers all alive after the abuse"
http GET /healthz
assert_status 200
workers_after=$(worker_pids portal | wc -l)
[[ $workers_after -eq $workers_before ]] || fail "workers: $workers_before before, $workers_after after"
grep -E 'AddressSanitizer|runtime error:|LeakSanitizer' "$PARVIS_STATE"/log/*.log && fail "sanitizer report in the logs"
true
