#!/usr/bin/env bash
# Writes config/seccomp-io_uring.json: Docker's default seccomp profile with
# io_uring_setup, io_uring_enter and io_uring_register allowed, for
#   docker run --security-opt seccomp=config/seccomp-io_uring.json ...
# Docker >= 25 (and containerd >= 2) left these three out of their default
# profile, so a default `docker run` refuses io_uring and tpserve falls back
# to epoll; this profile gives io_uring back and changes nothing else.
#
# The input is Docker's own default.json: by default the one in Debian 12's
# golang-github-docker-docker-dev (Docker 20.10.24 sources, Apache-2.0),
# fetched with `apt-get download` into a temporary directory (nothing is
# installed); or the file given as argument, e.g. profiles/seccomp/default.json
# from the source of the Docker version you run. Docker 20.10's default still
# allows io_uring, so from it the output is that profile as is.
#
# The three names are removed from every rule that is not an unconditional
# allow (no args, includes or excludes), and added to the first such allow
# rule if no unconditional allow lists them, each in its place in Docker's
# order (the other names keep theirs). Output: pretty-printed with tabs, as Docker prints it; the same
# input always gives the same bytes.
#
# Usage: scripts/seccomp-profile.sh [--check] [DEFAULT_JSON] [-o OUT]
#   --check  write nothing; exit 1 if OUT differs from what would be written
# Needs jq (scripts/setup.sh --docker installs it).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  sed -n '22,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

check=0
input=
out=config/seccomp-io_uring.json
while (($#)); do
  case "$1" in
    --check) check=1 ;;
    -o)
      [ $# -ge 2 ] || { usage >&2; exit 2; }
      out=$2
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
      [ -z "$input" ] || { usage >&2; exit 2; }
      input=$1
      ;;
  esac
  shift
done

command -v jq >/dev/null 2>&1 || scripts/setup.sh --docker

tmp=$(mktemp -d /tmp/tpserve-seccomp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ -z "$input" ]; then
  package=golang-github-docker-docker-dev
  # apt's sandbox user must be able to write the download directory.
  chmod 777 "$tmp"
  (cd "$tmp" && apt-get download -qq "$package" >/dev/null 2>&1) ||
    { echo "seccomp-profile.sh: apt-get download $package failed (is this Debian?);" \
      "pass a Docker default.json instead" >&2; exit 1; }
  dpkg-deb -x "$tmp"/"$package"_*.deb "$tmp/x"
  input=$tmp/x/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
  echo "seccomp-profile.sh: $package $(dpkg-deb -f "$tmp"/"$package"_*.deb Version)" >&2
fi
[ -f "$input" ] || { echo "seccomp-profile.sh: no such file: $input" >&2; exit 1; }

# shellcheck disable=SC2016  # $names etc. are jq variables
jq --tab '
  # Docker sorts names ignoring underscores ("io_cancel", "ioctl", "io_destroy").
  def key: gsub("_"; "");
  def insert($n):
    (($n | key) as $k | [to_entries[] | select((.value | key) > $k) | .key] | first // length) as $at
    | .[:$at] + [$n] + .[$at:];
  def unconditional:
    .action == "SCMP_ACT_ALLOW"
    and ((.args // []) | length) == 0
    and ((.includes // {}) | length) == 0
    and ((.excludes // {}) | length) == 0;
  ["io_uring_enter", "io_uring_register", "io_uring_setup"] as $names
  | if (.syscalls | map(select(unconditional)) | length) == 0 then
      error("no unconditional SCMP_ACT_ALLOW rule to add io_uring to")
    else . end
  | .syscalls |= map(
      if unconditional then .
      elif .names then .names -= $names
      else . end)
  | .syscalls |= map(select(unconditional or ((.names // [.name]) | length) > 0))
  | ([.syscalls[] | select(unconditional) | (.names // [.name])[]]) as $allowed
  | ($names - $allowed) as $missing
  | if ($missing | length) > 0 then
      (first(.syscalls | to_entries[] | select(.value | unconditional) | .key)) as $i
      | .syscalls[$i].names |= reduce $missing[] as $n (.; insert($n))
    else . end
' "$input" >"$tmp/profile.json"

# The result must allow the three unconditionally and still be a profile.
for name in io_uring_setup io_uring_enter io_uring_register; do
  jq -e --arg n "$name" \
    '[.syscalls[] | select(.action == "SCMP_ACT_ALLOW" and ((.args // []) | length) == 0
      and ((.includes // {}) | length) == 0 and ((.excludes // {}) | length) == 0)
      | (.names // [.name])[]] | index($n) != null' "$tmp/profile.json" >/dev/null ||
    { echo "seccomp-profile.sh: $name is not allowed in the result" >&2; exit 1; }
done
jq -e '.defaultAction | type == "string"' "$tmp/profile.json" >/dev/null

if ((check)); then
  if cmp -s "$tmp/profile.json" "$out"; then
    echo "seccomp-profile.sh: $out is up to date"
    exit 0
  fi
  echo "seccomp-profile.sh: $out differs from what $input gives:" >&2
  diff -u "$out" "$tmp/profile.json" >&2 || true
  exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$tmp/profile.json" "$out"
echo "seccomp-profile.sh: wrote $out ($(jq '[.syscalls[].names // [] | length] | add' "$out") names in $(jq '.syscalls | length' "$out") rules)" >&2
