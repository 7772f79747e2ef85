# Helpers for the directory's tests (t02NN): source it after lib.sh.
#
#   . "$(dirname "$0")/annuaire-lib.sh"
#
# Builds activity files in the published format line by line, so that a
# test controls exactly who practises where; imports them with parvis-admin;
# creates CPTS with their territories.
# shellcheck shell=bash

ANNUAIRE_FIXTURES=tests/fixtures/rpps
ACT_HEADER=$(head -n 1 "$ANNUAIRE_FIXTURES/activite_new.txt")

# rpps_luhn TEN_DIGITS: the 11-digit RPPS number (the Luhn key appended).
rpps_luhn() {
	local base=$1 sum=0 i d n=${#1}
	for ((i = 0; i < n; i++)); do
		d=${base:n-1-i:1}
		if ((i % 2 == 0)); then
			d=$((d * 2))
			((d > 9)) && d=$((d - 9))
		fi
		sum=$((sum + d))
	done
	printf '%s%s\n' "$base" $(((10 - sum % 10) % 10))
}

# idnps_of TEN_DIGITS: the IDNPS ('8' + RPPS) of that base number.
idnps_of() {
	printf '8%s\n' "$(rpps_luhn "$1")"
}

# act_line key=value...: one line of PS_LibreAcces_Personne_activite.
# Keys: idnps last first prof prof_label skill skill_label mode postal
# insee commune structure company street number phone email sector
act_line() {
	local -A v=([prof]=10 [prof_label]=Médecin [mode]=L [number]=12
		[street]="DE LA REPUBLIQUE" [sector]=SA07 [skill]="" [skill_label]=""
		[phone]="" [email]="" [company]="" [structure]="" [title]=""
		[postal]="" [insee]="" [commune]="" [last]="" [first]="" [idnps]="")
	local kv
	for kv in "$@"; do v[${kv%%=*}]=${kv#*=}; done
	local id=${v[idnps]} mode_label=Libéral skill_type="" skill_type_label=""
	[[ ${v[mode]} == S ]] && mode_label=Salarié
	if [[ -n ${v[skill]} ]]; then skill_type=S; skill_type_label="Spécialité ordinale"; fi
	[[ -n ${v[structure]} ]] || v[structure]="T${id}${v[postal]}${v[mode]}"
	[[ -n ${v[company]} ]] || v[company]="CABINET ${v[last]}"
	[[ ${v[prof]} == 10 && -z ${v[title]} ]] && v[title]=DR
	local title_label=""
	[[ ${v[title]} == DR ]] && title_label=Docteur
	local f=(
		"${id:0:1}" "${id:1}" "$id" "${v[title]}" "$title_label" M Monsieur
		"${v[last]}" "${v[first]}" "${v[prof]}" "${v[prof_label]}" C Civil
		"$skill_type" "$skill_type_label" "${v[skill]}" "${v[skill_label]}"
		"${v[mode]}" "$mode_label" "" "" "" "" "${v[structure]}" "${v[company]}" ""
		"" "" "${v[number]}" "" R Rue "${v[street]}" "" "${v[postal]} ${v[commune]^^}"
		"${v[postal]}" "${v[insee]}" "${v[commune]}" "" "" "${v[phone]}" "" ""
		"${v[email]}" "${v[postal]:0:2}" "" "" "ARS/ARS/ARS" "${v[sector]}"
		"Cabinet individuel" "" "" FON-01 Titulaire GENR01
		"Activité standard de soin ou de pharmacien"
	)
	local IFS='|'
	printf '%s|\n' "${f[*]}"
}

# act_file FILE LINE...: an activity file with the published header.
act_file() {
	local out=$1
	shift
	{
		printf '%s\n' "$ACT_HEADER"
		printf '%s\n' "$@"
	} >"$out"
}

# import_rpps FILE... [--partial]: parvis-admin import-rpps; output in
# $TEST_TMP/import.log, exit status returned.
import_rpps() {
	stack admin import-rpps "$@" >"$TEST_TMP/import.log" 2>&1
}

# make_cpts NAME POSTAL... [insee:CODE...]: a CPTS and its territory;
# prints the CPTS id.
make_cpts() {
	local name=$1 tid code
	shift
	sql "INSERT INTO parvis.territory (name) VALUES ('$name')"
	tid=$(sql "SELECT MAX(id) FROM parvis.territory WHERE name = '$name'")
	for code in "$@"; do
		case $code in
		insee:*) sql "INSERT INTO parvis.territory_commune (territory_id, insee) VALUES ($tid, '${code#insee:}')" ;;
		*) sql "INSERT INTO parvis.territory_postal_code (territory_id, postal_code) VALUES ($tid, '$code')" ;;
		esac
	done
	sql "INSERT INTO parvis.cpts (name, territory_id) VALUES ('$name', $tid)"
	sql "SELECT id FROM parvis.cpts WHERE name = '$name'"
}

# login_ready LOGIN: login and accept every CGU (level 1).
login_ready() {
	local uid
	uid=$(sql "SELECT id FROM parvis.app_user WHERE login = '$1'")
	accept_all_cgu "$uid"
	login "$1"
}

# hits: the IDNPS of the results on the last page, in order, one a line.
hits() {
	grep -o 'class="hit-name" href="/annuaire/pro/[0-9]*' "$HTTP_DIR/body" |
		sed 's/.*\/pro\///' || true
}

# section_hits exact|approx: the IDNPS listed under that heading.
section_hits() {
	local from
	case $1 in
	exact) from='Correspondances exactes' ;;
	approx) from='Correspondances approchées' ;;
	esac
	awk -v from="$from" '
		index($0, "Correspondances exactes") { on = (from == "Correspondances exactes") }
		index($0, "Correspondances approchées") { on = (from == "Correspondances approchées") }
		on' "$HTTP_DIR/body" |
		grep -o 'class="hit-name" href="/annuaire/pro/[0-9]*' | sed 's/.*\/pro\///' || true
}
