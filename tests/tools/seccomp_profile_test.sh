#!/usr/bin/env bash
# scripts/seccomp-profile.sh offline, on variants of the committed
# config/seccomp-io_uring.json (no package download):
#   1. the committed file gives itself back (it is the script's output);
#   2. with io_uring_* removed, as in Docker >= 25's default, the script puts
#      them back where they were: the committed file again;
#   3. with io_uring_* moved into an ERRNO rule (and one such rule holding
#      nothing else), they leave those rules for the allow list, and a rule
#      left without names is dropped.
# Needs jq (scripts/setup.sh --docker); exits 77 (skipped) without it.
# Usage: seccomp_profile_test.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
command -v jq >/dev/null 2>&1 || { echo "seccomp_profile_test: no jq, skipped"; exit 77; }

committed=$root/config/seccomp-io_uring.json
work=$(mktemp -d /tmp/tpserve-seccomp-profile-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "seccomp_profile_test: FAIL: $*" >&2
  exit 1
}

generate() {  # generate INPUT OUTPUT
  "$root/scripts/seccomp-profile.sh" "$1" -o "$2" 2>"$work/log" || fail "$1: $(cat "$work/log")"
}

names='["io_uring_enter", "io_uring_register", "io_uring_setup"]'
jq -e "[.syscalls[] | select(.action == \"SCMP_ACT_ALLOW\") | .names[]] | contains($names)" \
  "$committed" >/dev/null || fail "the committed profile does not allow io_uring"

generate "$committed" "$work/same.json"
cmp -s "$committed" "$work/same.json" || fail "the committed file is not the script's output of itself"
echo "committed file: unchanged by the script"

jq --tab ".syscalls |= map(.names -= $names)" "$committed" >"$work/v25.json"
jq -e "[.syscalls[].names[]] | any(startswith(\"io_uring\")) | not" "$work/v25.json" >/dev/null
generate "$work/v25.json" "$work/restored.json"
cmp -s "$committed" "$work/restored.json" ||
  fail "io_uring not restored in place: $(diff "$committed" "$work/restored.json" | head -20)"
echo "without io_uring (Docker >= 25): restored in place"

jq --tab ".syscalls |= map(.names -= $names)
  | .syscalls += [{names: [\"io_uring_setup\", \"open_tree\"], action: \"SCMP_ACT_ERRNO\",
                   errnoRet: 38, args: [], includes: {}, excludes: {}},
                  {names: [\"io_uring_enter\"], action: \"SCMP_ACT_ERRNO\",
                   args: [], includes: {}, excludes: {}}]" "$committed" >"$work/errno.json"
generate "$work/errno.json" "$work/moved.json"
jq -e --slurpfile want "$committed" \
  '.syscalls[0] == $want[0].syscalls[0]
   and (.syscalls | length) == ($want[0].syscalls | length) + 1
   and .syscalls[-1].names == ["open_tree"] and .syscalls[-1].errnoRet == 38' \
  "$work/moved.json" >/dev/null || fail "io_uring in ERRNO rules: $(jq -c '.syscalls[-2:]' "$work/moved.json")"
echo "io_uring in ERRNO rules: moved to the allow list, emptied rule dropped"
echo "seccomp_profile_test: PASS"
