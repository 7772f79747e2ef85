#!/usr/bin/env bash
# The systemd units shipped in systemd/ (installed in $pkgdatadir/systemd):
# systemd-analyze verify finds nothing to say about them (syntax, unknown
# keys, executables) with this build's programs in ExecStart; each worker
# listens on the socket nginx/parvis.conf connects to; the login pool runs
# at a lower priority; the purge timer starts the purge service daily.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd -P)
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/deps --test installs systemd)"
units=$HTTP_DIR/units
mkdir -p "$units"
for f in "$SRC"/systemd/*.in; do
	sed -e "s|@pkglibexecdir@|$PARVIS_BUILD|g; s|@sbindir@|$PARVIS_BUILD|g" \
		-e "s|@sysconfdir@|/etc|g; s|@pkgdatadir@|/usr/share/parvis|g" "$f" >"$units/$(basename "$f" .in)"
done
[[ $(ls "$units" | wc -l) == 8 ]] || fail "not 8 units: $(ls "$units")"

note "systemd-analyze verify: silent"
out=$(cd "$units" && systemd-analyze verify --man=no ./*.service ./*.timer ./*.target 2>&1) ||
	fail "verify failed: $out"
[[ -z $out ]] || fail "verify complains: $out"

note "each worker's socket is one nginx connects to"
for u in portal portal-login annuaire icope; do
	sock=$(grep -oE -- '--socket [^ ]+' "$units/parvis-$u.service" | cut -d' ' -f2)
	[[ $sock == /run/parvis/$u.sock ]] || fail "parvis-$u: socket $sock"
	grep -qF "server unix:$sock;" "$SRC/nginx/parvis.conf" || fail "nginx does not connect to $sock"
	grep -qx 'RuntimeDirectory=parvis' "$units/parvis-$u.service" || fail "parvis-$u: no /run/parvis"
	grep -qx 'RuntimeDirectoryPreserve=yes' "$units/parvis-$u.service" ||
		fail "parvis-$u: stopping it would remove the others' sockets"
done
grep -qx 'Nice=10' "$units/parvis-portal-login.service" || fail "the login pool is not niced"
! grep -q '^Nice=' "$units/parvis-portal.service" || fail "the page workers are niced"

note "the purge runs daily; the target starts the five services"
grep -qx 'OnCalendar=daily' "$units/parvis-purge.timer" || fail "the purge is not daily"
grep -qE '^ExecStart=.*/parvis-admin --config /etc/parvis/parvis.conf purge$' "$units/parvis-purge.service" ||
	fail "the purge service does not run parvis-admin purge"
for u in portal portal-login annuaire icope mailer; do
	grep -q "parvis-$u.service" "$units/parvis.target" || fail "parvis.target does not start parvis-$u"
done
