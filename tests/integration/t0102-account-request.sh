#!/usr/bin/env bash
# Account requests (/compte/demande): the form, invalid input changes
# nothing, a valid request is stored pending and acknowledged by mail (with
# its tracking link), a duplicate address does not tell whether an account
# exists, a referent asks for a colleague, CSRF and per-address throttling.
. "$(dirname "$0")/lib.sh"

D=test.parvis.localhost
count() { sql "SELECT COUNT(*) FROM parvis.$1"; }
requests() { count "account_request${1:+ WHERE $1}"; }
outbox_to() { count "outbox WHERE recipient = '$1'"; }

# Luhn key of a 10-digit RPPS body: a valid 11-digit RPPS number.
rpps() {
	local s=$1 sum=0 i d n=${#1}
	for ((i = 0; i < n; i++)); do
		d=${s:n-1-i:1}
		if ((i % 2 == 0)); then
			d=$((d * 2))
			((d > 9)) && d=$((d - 9))
		fi
		sum=$((sum + d))
	done
	printf '%s%s\n' "$s" $(((10 - sum % 10) % 10))
}
# mail_has ADDRESS TEXT: the newest mail to ADDRESS holds TEXT.
mail_has() {
	local text
	text=$(mail_text "$1")
	grep -qF -- "$2" <<<"$text"
}
# post_request EMAIL [FIELD=VALUE...]: the request form, filled in; the
# arguments replace the default values.
post_request() {
	local -A v=([civilite]=Mme [prenom]=Camille [nom]=Bérard [profession]=Infirmière
		[rpps_adeli]=$RPPS [structure]="Maison de santé des Tilleuls" [email]=$1
		[mobile]="06 12 34 56 78")
	local a k args=()
	shift
	for a in "$@"; do
		v[${a%%=*}]=${a#*=}
	done
	for k in "${!v[@]}"; do
		args+=(--data-urlencode "$k=${v[$k]}")
	done
	http GET /compte/demande
	assert_status 200
	http POST /compte/demande --data-urlencode "csrf=$(csrf)" "${args[@]}"
}

RPPS=$(rpps 1000012345)
BAD_RPPS=${RPPS:0:10}$(((${RPPS:10:1} + 1) % 10))
sql "DELETE FROM parvis.account_throttle"
n0=$(requests)

note "the form: every field labelled, a CSRF token, no account needed"
http GET /compte/demande
assert_status 200
for f in civilite prenom nom profession rpps_adeli structure email mobile; do
	assert_body_contains "name=\"$f\""
done
for f in prenom nom profession rpps_adeli structure email mobile; do
	assert_body_contains "<label for=\"$f\""
done
[[ -n $(csrf) ]] || fail "no CSRF token on the form"
assert_body_not_contains 'pour un collègue'

note "CSRF: a request without the token changes nothing"
http POST /compte/demande --data 'civilite=M&prenom=A&nom=B&profession=Medecin&structure=Cabinet&email=csrf.t0102@test.parvis.localhost&mobile=0612345678'
assert_status 403
[[ $(requests) == "$n0" ]] || fail "a request was stored without CSRF token"

note "invalid fields: 422, message beside the field, nothing stored, no mail"
post_request "invalid.t0102@$D" "mobile=01 23 45 67 89"
assert_status 422
assert_body_contains 'id="mobile-error"'
assert_body_contains 'aria-describedby="mobile-error"'
assert_body_contains 'class="alert alert-error" role="alert"'
assert_body_contains 'href="#mobile"'
assert_body_contains 'value="Maison de santé des Tilleuls"'
post_request "invalid.t0102@$D" "rpps_adeli=$BAD_RPPS"
assert_status 422
assert_body_contains 'id="rpps_adeli-error"'
assert_body_not_contains 'id="mobile-error"'
post_request "invalid.t0102@$D" "rpps_adeli=12345"
assert_status 422
assert_body_contains 'Le numéro RPPS compte 11 chiffres'
post_request "invalid.t0102@$D" "prenom=" "nom=   "
assert_status 422
assert_body_contains 'id="prenom-error"'
assert_body_contains 'id="nom-error"'
assert_body_contains 'Le formulaire contient 2 erreurs'
post_request "invalid.t0102@$D" "email=pas-une-adresse"
assert_status 422
assert_body_contains 'id="email-error"'
post_request "invalid.t0102@$D" "civilite=Dr"
assert_status 422
assert_body_contains 'Choisissez une civilité.'
[[ $(requests) == "$n0" ]] || fail "an invalid request was stored"
[[ $(outbox_to "invalid.t0102@$D") == 0 ]] || fail "an invalid request sent mail"
[[ $(count "account_throttle") == 0 ]] || fail "invalid requests count against the address"

note "a valid request: 303 to the next-steps page, stored pending, normalised"
before=$(mail_count_for "camille.t0102@$D")
post_request "camille.t0102@$D" "rpps_adeli=${RPPS:0:5} ${RPPS:5}"
assert_status 303
assert_header Location '^/compte/demande/envoyee$'
[[ $(requests) == $((n0 + 1)) ]] || fail "the request was not stored"
row=$(sql "SELECT civility, first_name, last_name, profession, rpps_adeli, structure, mobile, status,
	COALESCE(requested_by, 'NULL'), ip, COALESCE(user_id, 'NULL') FROM parvis.account_request
	WHERE email = 'camille.t0102@$D'")
[[ $row == "Mme	Camille	Bérard	Infirmière	$RPPS	Maison de santé des Tilleuls	0612345678	pending	NULL	127.0.0.1	NULL" ]] ||
	fail "stored row: $row"
rid=$(sql "SELECT id FROM parvis.account_request WHERE email = 'camille.t0102@$D'")
[[ $(count "audit_log WHERE action = 'account_request.create' AND object_id = '$rid' AND outcome = 'ok'") == 1 ]] ||
	fail "no audit row for the request"

note "the acknowledgement mail says what happens next"
wait_for_mail_to "camille.t0102@$D" $((before + 1))
text=$(mail_text "camille.t0102@$D")
grep -q '^Subject: Votre demande de compte Parvis$' <<<"$text" || fail "acknowledgement subject: $text"
grep -q '4 à 7 jours' <<<"$text" || fail "the mail does not give the delay"
grep -q 'votre identifiant' <<<"$text" || fail "the mail does not announce the identifier"
grep -q 'Parvis, services numériques en santé' <<<"$text" || fail "unsigned mail"
grep -qE "$PARVIS_URL/compte/demande/suivi/[A-Za-z0-9_-]{43}" <<<"$text" || fail "no tracking link in: $text"

http GET /compte/demande/envoyee
assert_status 200
assert_body_contains '4 à 7 jours ouvrés'
assert_body_contains 'identifiant'
assert_body_contains 'mot de passe'
page_new=$(grep -v 'Référence de la page' "$HTTP_DIR/body")

note "duplicate of a pending request: same answer, nothing stored, the owner is told"
before=$(mail_count_for "camille.t0102@$D")
post_request "Camille.T0102@$D"
assert_status 303
assert_header Location '^/compte/demande/envoyee$'
[[ $(requests) == $((n0 + 1)) ]] || fail "a duplicate request was stored"
wait_for_mail_to "camille.t0102@$D" $((before + 1))
mail_has "camille.t0102@$D" 'déjà en cours' || fail "the owner is not told of the pending request"
[[ $(count "audit_log WHERE action = 'account_request.duplicate' AND detail = 'demande en cours'") -ge 1 ]] ||
	fail "no audit row for the duplicate"

note "duplicate of an existing account: same answer, the owner gets the reset link"
account t0102x
before=$(mail_count_for "t0102x@$D")
post_request "t0102x@$D"
assert_status 303
assert_header Location '^/compte/demande/envoyee$'
[[ $(requests "email = 't0102x@$D'") == 0 ]] || fail "a request was stored for an existing account"
http GET /compte/demande/envoyee
assert_status 200
[[ $(grep -v 'Référence de la page' "$HTTP_DIR/body") == "$page_new" ]] ||
	fail "the page differs when an account exists"
wait_for_mail_to "t0102x@$D" $((before + 1))
text=$(mail_text "t0102x@$D")
grep -q 'Un compte existe déjà' <<<"$text" || fail "the owner is not told: $text"
grep -q 'identifiant est t0102x' <<<"$text" || fail "the identifier is not recalled"
grep -q "$PARVIS_URL/mot-de-passe/oubli" <<<"$text" || fail "no reset link in: $text"
[[ $(count "audit_log WHERE action = 'account_request.duplicate' AND detail = 'compte existant'") -ge 1 ]] ||
	fail "no audit row for the existing account"

note "a structure referent asks for a colleague"
account t0102ref referent
uref=$USER_ID
accept_all_cgu "$uref"
login t0102ref
http GET /compte/demande
assert_status 200
assert_body_contains 'pour un collègue'
before_ref=$(mail_count_for "t0102ref@$D")
http POST /compte/demande --data-urlencode "csrf=$(csrf)" --data-urlencode "civilite=M" \
	--data-urlencode "prenom=Hugo" --data-urlencode "nom=Lefèvre" \
	--data-urlencode "profession=Aide-soignant" --data-urlencode "structure=EHPAD Les Cèdres" \
	--data-urlencode "email=hugo.t0102@$D" --data-urlencode "mobile=+33 7 12 34 56 78"
assert_status 303
assert_header Location '^/compte/demande/envoyee\?collegue=1$'
row=$(sql "SELECT requested_by, mobile, COALESCE(rpps_adeli, 'NULL') FROM parvis.account_request WHERE email = 'hugo.t0102@$D'")
[[ $row == "$uref	0712345678	NULL" ]] || fail "referent request row: $row"
wait_for_mail_to "hugo.t0102@$D" 1
mail_has "hugo.t0102@$D" 'Test T0102ref, référent de votre structure' ||
	fail "the colleague is not told who asked"
wait_for_mail_to "t0102ref@$D" $((before_ref + 1))
mail_has "t0102ref@$D" 'pour Hugo Lefèvre est bien enregistrée' || fail "the referent gets no copy"
mail_has "t0102ref@$D" "$PARVIS_URL/compte/demande/suivi/" || fail "no tracking link in the referent's copy"
http GET '/compte/demande/envoyee?collegue=1'
assert_status 200
assert_body_contains 'votre collègue'
[[ $(count "audit_log WHERE action = 'account_request.create' AND user_id = $uref AND detail = 'pour un collègue'") == 1 ]] ||
	fail "no audit row for the referent's request"

note "a logged-in user without the referent role gets the ordinary form"
account t0102pro
accept_all_cgu "$USER_ID"
login t0102pro
http GET /compte/demande
assert_status 200
assert_body_not_contains 'pour un collègue'
http_reset

note "per-address throttling: 429 past the hourly limit, nothing stored"
sql "INSERT INTO parvis.account_throttle (at, ip, kind)
	SELECT UTC_TIMESTAMP(), '127.0.0.1', 'request' FROM seq_1_to_25"
[[ $(count "account_throttle WHERE kind = 'request'") -ge 20 ]] || fail "could not fill the throttle table"
n1=$(requests)
post_request "throttled.t0102@$D"
assert_status 429
assert_header Retry-After '^3600$'
assert_body_contains 'Trop de demandes'
[[ $(requests) == "$n1" ]] || fail "a throttled request was stored"
sql "DELETE FROM parvis.account_throttle"
post_request "throttled.t0102@$D"
assert_status 303

note "no outbox row ever holds what the visitor typed for a stranger's address"
[[ $(count "outbox WHERE recipient = 'camille.t0102@$D' AND body LIKE '%Tilleuls%'") == 0 ]] ||
	fail "free text sent to an unproven address"
