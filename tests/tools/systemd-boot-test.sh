#!/usr/bin/env bash
# Boots the Debian package for real: a Debian 12 tree made with debootstrap
# (cached), booted with `systemd-nspawn -b`, in which a one-shot unit installs
# the .deb (dpkg -i: the postinst creates the user and enables the unit),
# starts tpserve, GETs /, changes the config, reloads, GETs the new config,
# stops it and checks the clean exit (ExecMainStatus=0), prints the journal
# and powers the machine off. Prints the transcript; exits 0 only when every
# step passed.
#
#   tests/tools/systemd-boot-test.sh [PATH.deb]   (default: scripts/package.sh deb)
#   tests/tools/systemd-boot-test.sh --prepare    (only make the cached tree)
# TPSERVE_BOOT_SKIP_LOGROTATE=1 skips the logrotate + SIGUSR1 step (says so).
#
# Needs root, debootstrap and systemd-container (scripts/setup.sh --boot,
# which this script runs).
# The tree is cached under ~/.cache/tpserve-nspawn/<key>, the key being the
# mirror (the machine's configured apt source for bookworm), the suite and
# the package list; a tree older than 30 days is made again (security
# updates). The booted machine works on a tmpfs overlay of the tree
# (--volatile=overlay), so the cache is never changed by a run, and has a
# private network (loopback only): nothing it listens on reaches the host.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
suite=bookworm
# systemd-sysv: systemd as init. procps, adduser: the package's own
# dependencies (/bin/kill for ExecReload; the postinst's adduser). curl: the
# GETs. The libraries: tpserve's shlib dependencies, so no apt is needed
# inside the machine (checked against the .deb's Depends below).
include=systemd,systemd-sysv,dbus,procps,adduser,logrotate,curl,ca-certificates
include+=,liburing2,libyaml-cpp0.7,libboost-program-options1.74.0
boot_timeout=${TPSERVE_BOOT_TIMEOUT:-120}

die() {
  echo "systemd-boot-test: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, systemd-nspawn)"
"$root/scripts/setup.sh" --boot
command -v debootstrap >/dev/null || die "debootstrap missing (scripts/setup.sh --boot)"
command -v systemd-nspawn >/dev/null || die "systemd-nspawn missing (scripts/setup.sh --boot)"

# The machine's own Debian mirror, as apt is configured (no host name is
# written here): the first source that serves $suite main.
# shellcheck disable=SC2016 # apt's $(FIELD) placeholders, not shell
mirror=$(apt-get indextargets --format '$(REPO_URI) $(CODENAME) $(COMPONENT)' \
  'Created-By: Packages' 2>/dev/null | awk -v s="$suite" '$2 == s && $3 == "main" { print $1; exit }')
[ -n "$mirror" ] || die "no configured apt source serves '$suite main' (run apt-get update)"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/tpserve-nspawn
key=$(printf '%s\n' "$suite" "$mirror" "$include" | sha1sum | cut -c1-12)
tree=$cache/$suite-$key

prepare_tree() {
  if [ -f "$tree/.complete" ] && [ -z "$(find "$tree/.complete" -mtime +30)" ]; then
    return 0
  fi
  echo "systemd-boot-test: debootstrap $suite from $mirror into $tree (a few minutes, cached)"
  rm -rf "$tree" "$tree.partial"
  mkdir -p "$cache"
  local started=$SECONDS
  if ! debootstrap --variant=minbase --include="$include" "$suite" "$tree.partial" "$mirror" \
    >"$cache/debootstrap.log" 2>&1; then
    tail -20 "$cache/debootstrap.log" >&2
    die "debootstrap failed (log: $cache/debootstrap.log)"
  fi
  # A fresh machine: no machine-id yet (systemd makes one at boot), and the
  # console is enough (no getty on it, which would wait for a login).
  rm -f "$tree.partial/etc/machine-id"
  : >"$tree.partial/etc/machine-id"
  ln -sf /dev/null "$tree.partial/etc/systemd/system/console-getty.service"
  date -u +%FT%TZ >"$tree.partial/.complete"
  mv "$tree.partial" "$tree"
  echo "systemd-boot-test: tree ready in $((SECONDS - started)) s"
}

prepare_tree
[ "${1:-}" = --prepare ] && exit 0

deb=${1:-}
if [ -z "$deb" ]; then
  deb=$("$root/scripts/package.sh" deb)
fi
[ -f "$deb" ] || die "no package at '$deb'"

# Every dependency of the package must already be in the tree (no apt inside).
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[ (].*//;s/^ *//;/^$/d')
for package in $depends; do
  # shellcheck disable=SC2016 # dpkg-query's ${Status}, not shell
  state=$(chroot "$tree" dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$state" = "install ok installed" ] ||
    die "the tree lacks '$package' (a Depends of $(basename "$deb")): add it to include= in $0"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$deb" "$work/tpserve.deb"
cp "$root/tests/tools/systemd-boot-test-inside.sh" "$work/inside.sh"
# For a build without log reopening (SIGUSR1) yet: the transcript says skipped.
[ "${TPSERVE_BOOT_SKIP_LOGROTATE:-0}" = 1 ] && : >"$work/skip-logrotate"
cat >"$work/tpserve-boot-test.service" <<'UNIT'
[Unit]
Description=tpserve boot test (tests/tools/systemd-boot-test.sh)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/bash /run/tpserve-boot-test/inside.sh
StandardOutput=journal+console
StandardError=journal+console
# Whatever happened, the machine goes down and the outer script returns.
ExecStopPost=/bin/systemctl poweroff --no-block
UNIT

echo "systemd-boot-test: booting $suite ($tree) with $(basename "$deb")"
started=$SECONDS
status=0
# systemd.wants= (systemd-debug-generator) pulls the test unit into the boot
# transaction; in a container PID 1 reads its arguments as the command line.
timeout --foreground -k 10 "$boot_timeout" systemd-nspawn --quiet --boot --directory="$tree" \
  --volatile=overlay --private-network --register=no --keep-unit --machine=tpserve-boot-test \
  --bind-ro="$work:/run/tpserve-boot-test" \
  --bind-ro="$work/tpserve-boot-test.service:/etc/systemd/system/tpserve-boot-test.service" \
  systemd.wants=tpserve-boot-test.service >"$work/console.log" 2>&1 || status=$?
elapsed=$((SECONDS - started))
# The console, without the boot's status chatter and terminal escapes.
sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$work/console.log" |
  grep -v -E '^\[ *(OK|INFO) *\]|^ +(Starting|Stopping|Mounting|Unmounting) ' >"$work/transcript" || true
cat "$work/transcript"
echo "systemd-boot-test: boot to power-off took ${elapsed} s (systemd-nspawn exit $status)"
((status == 124 || status == 137)) && die "the machine did not power off within ${boot_timeout} s"
# The unit's lines come as "bash[PID]: ...".
grep -q -E '(^|: )BOOT-TEST PASS$' "$work/transcript" || die "FAILED (see the transcript above)"
echo "systemd-boot-test: PASS"
