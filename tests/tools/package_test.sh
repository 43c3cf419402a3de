#!/usr/bin/env bash
# Checks the Debian package: builds it (scripts/package.sh deb) unless given
# a .deb, then
#   * lintian: fails on any error or warning (the info tags left are in
#     docs/operations.md, "Debian package"),
#   * the files, their modes, the conffiles, the Depends and the maintainer
#     scripts (user, enable, purge),
#   * /usr/sbin/tpserve stripped and built with Debian's hardening (PIE,
#     -z relro, -z now, stack protector, _FORTIFY_SOURCE), read with readelf,
#   * the units with `systemd-analyze verify` (in a root made of the
#     package, the host's units and procps' /bin/kill) and their
#     `systemd-analyze security` exposure,
#   * /etc/tpserve/tpserve.yaml with the packaged binary's --check-config,
#   * tpserve(8): groff's warnings, and every option of --help named in it.
# Prints what it checked; exits 1 on the first failure.
#   tests/tools/package_test.sh [PATH.deb]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fail() {
  echo "package_test: FAIL: $*" >&2
  exit 1
}
ok() { echo "package_test: ok: $*"; }

deb=${1:-}
if [ -z "$deb" ]; then
  deb=$("$root/scripts/package.sh" deb)
fi
[ -f "$deb" ] || fail "no package at '$deb'"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree=$work/tree
dpkg-deb -x "$deb" "$tree"
dpkg-deb -e "$deb" "$work/control"
echo "package_test: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# --- lintian ------------------------------------------------------------------
# lintian refuses root only with a warning on stderr ("not recommended").
if ! lintian --fail-on error,warning --info --display-info "$deb" >"$work/lintian" 2>"$work/lintian.err"; then
  cat "$work/lintian" "$work/lintian.err" >&2
  fail "lintian reports errors or warnings"
fi
echo "package_test: lintian (tags at info level and above):"
grep -E '^[EWI]: ' "$work/lintian" | sort -u | sed 's/^/  /' || true
ok "lintian: no error, no warning"

# --- files ----------------------------------------------------------------------
expect_file() { # PATH MODE
  [ -f "$tree$1" ] || fail "missing $1"
  [ "$(stat -c %a "$tree$1")" = "$2" ] || fail "$1 has mode $(stat -c %a "$tree$1"), not $2"
}
expect_file /usr/sbin/tpserve 755
expect_file /etc/tpserve/tpserve.yaml 644
expect_file /etc/logrotate.d/tpserve 644
expect_file /lib/systemd/system/tpserve.service 644
expect_file /lib/systemd/system/tpserve.socket 644
expect_file /usr/share/man/man8/tpserve.8.gz 644
expect_file /usr/share/doc/tpserve/copyright 644
expect_file /usr/share/doc/tpserve/changelog.gz 644
expect_file /usr/share/doc/tpserve/examples/default.yaml 644
expect_file /usr/share/tpserve/www/index.html 644
cmp -s "$tree/lib/systemd/system/tpserve.service" "$root/packaging/systemd/tpserve.service" ||
  fail "the packaged unit is not packaging/systemd/tpserve.service"
owners=$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)
[ "$owners" = root/root ] || fail "files owned by $owners, not root/root"
ok "files, modes and owners"

conffiles=$(sort "$work/control/conffiles" | tr '\n' ' ')
[ "$conffiles" = "/etc/logrotate.d/tpserve /etc/tpserve/tpserve.yaml " ] ||
  fail "conffiles are '$conffiles'"
ok "conffiles: $conffiles"

depends=$(dpkg-deb -f "$deb" Depends)
for needed in adduser procps libc6 liburing2 libyaml-cpp libboost-program-options; do
  [[ "$depends" == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done
ok "Depends: $depends"

grep -q 'adduser --quiet --system --group' "$work/control/postinst" || fail "postinst makes no user"
grep -q "deb-systemd-helper enable 'tpserve.service'" "$work/control/postinst" ||
  fail "postinst does not enable tpserve.service"
# The socket: debhelper's "dont-enable" snippet (enabled again on upgrade
# only if the admin had enabled it).
grep -q "deb-systemd-helper debian-installed 'tpserve.socket'" "$work/control/postinst" ||
  fail "postinst enables tpserve.socket (socket activation is opt-in)"
# The user exists before the unit starts: adduser comes first.
[ "$(grep -n -m1 adduser "$work/control/postinst" | cut -d: -f1)" -lt \
  "$(grep -n -m1 deb-systemd-helper "$work/control/postinst" | cut -d: -f1)" ] ||
  fail "postinst starts the unit before it makes the user"
grep -q 'rm -rf /var/log/tpserve' "$work/control/postrm" || fail "postrm purge keeps the logs"
ok "maintainer scripts: user before enable + start, socket not enabled, purge removes logs"

# --- the binary -----------------------------------------------------------------
binary=$tree/usr/sbin/tpserve
# Read once into variables: `readelf | grep -q` under pipefail fails when
# grep stops reading early (SIGPIPE).
sections=$(readelf -W -S "$binary")
header=$(readelf -W -h "$binary")
dynamic=$(readelf -W -d "$binary")
segments=$(readelf -W -l "$binary")
symbols=$(readelf -W --dyn-syms "$binary")
grep -q -E '\.(symtab|debug_info) ' <<<"$sections" && fail "tpserve is not stripped"
grep -q -E 'Type: *DYN' <<<"$header" || fail "tpserve is not PIE"
grep -q -E 'FLAGS_1.*PIE' <<<"$dynamic" || fail "tpserve is not PIE (FLAGS_1)"
grep -q GNU_RELRO <<<"$segments" || fail "no RELRO"
grep -q -E '\(FLAGS\).*BIND_NOW' <<<"$dynamic" || fail "no -z now"
grep -q __stack_chk_fail <<<"$symbols" || fail "no stack protector"
grep -q -E '__[a-z]+_chk@' <<<"$symbols" || fail "no _FORTIFY_SOURCE functions"
ok "binary: stripped, PIE, relro, now, stack protector, fortify"
"$binary" --version >/dev/null || fail "the packaged tpserve does not run here"

# --- the units --------------------------------------------------------------
# verify resolves units and commands in --root: give it the host's targets
# and /bin/kill (procps, a dependency) besides the package.
cp -an /lib/systemd/system/. "$tree/lib/systemd/system/"
mkdir -p "$tree/bin" && cp /bin/kill "$tree/bin/kill"
if ! systemd-analyze verify --root="$tree" --man=no \
  /lib/systemd/system/tpserve.service /lib/systemd/system/tpserve.socket >"$work/verify" 2>&1; then
  cat "$work/verify" >&2
  fail "systemd-analyze verify"
fi
[ -s "$work/verify" ] && { cat "$work/verify" >&2; fail "systemd-analyze verify printed warnings"; }
ok "systemd-analyze verify: tpserve.service, tpserve.socket"
exposure=$(systemd-analyze security --offline=true --root="$tree" tpserve.service 2>/dev/null |
  sed -n 's/.*Overall exposure level for tpserve.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "systemd-analyze security gave no exposure level"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "exposure $exposure is above 2.0"
ok "systemd-analyze security: exposure $exposure (0 = locked down, 10 = none)"

# --- the configuration and the man page -------------------------------------
# Its root and log directory exist only once installed: point them here.
"$binary" --check-config -c "$tree/etc/tpserve/tpserve.yaml" --root "$tree/usr/share/tpserve/www" \
  --access-log off >"$work/check" 2>&1 || { cat "$work/check" >&2; fail "tpserve.yaml does not check"; }
ok "tpserve.yaml: $(tail -1 "$work/check")"

LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$tree/usr/share/man/man8/tpserve.8.gz" \
  >"$work/man" 2>"$work/man.err" || fail "man cannot format tpserve.8"
[ -s "$work/man.err" ] && { cat "$work/man.err" >&2; fail "groff warns about tpserve.8"; }
help=$("$binary" --help)
for option in $(grep -o -E -- '--[a-z-]+' <<<"$help" | sort -u); do
  grep -q -- "$option" "$work/man" || fail "tpserve(8) does not describe $option"
done
ok "tpserve(8): formats without warnings, names every option of --help"
echo "package_test: PASS"
