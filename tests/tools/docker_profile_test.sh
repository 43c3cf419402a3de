#!/usr/bin/env bash
# The server under Docker's seccomp profiles, without Docker: seccomp_exec
# installs the profile shipped as config/seccomp-io_uring.json the way
# Docker + runc would, then runs the server.
#   1. with that profile (`docker run --security-opt seccomp=<it>`), the
#      server runs io_uring when it is demanded: --check-config says so, and
#      it serves GET / with "I/O engine io_uring" in its log;
#   2. with the same profile minus io_uring_setup/enter/register (Docker >= 25's
#      default profile, so a plain `docker run`), `--io-backend auto` falls
#      back to epoll and says EPERM, in --check-config and in the start-up log,
#      and serves GET /; a demanded io_uring exits 2 and names EPERM.
# Usage: docker_profile_test.sh SECCOMP_EXEC PROFILE -- SERVER [ARGS...]
#   SERVER ARGS: the server and the arguments that pick its root and config,
#   without --listen or --io-backend (this script adds them).
# Prints one line per check; exits 1 at the first failure.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/common.sh"

if [ $# -lt 4 ] || [ "$3" != -- ]; then
  sed -n '12,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit 2
fi
seccomp_exec=$1 profile=$2
shift 3
server=("$@")
without=(--without "io_uring_setup,io_uring_enter,io_uring_register")

work=$(mktemp -d /tmp/tpserve-docker-profile.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && stop_pid "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "docker_profile_test: FAIL: $*" >&2
  exit 1
}

# has FILE TEXT WHAT: FILE contains TEXT, else fail naming WHAT.
has() {
  grep -qF -- "$2" "$1" || fail "$3: no '$2' in: $(cat "$1")"
}

# check_config EXPECTED_EXIT NAME SECCOMP_ARGS... -- SERVER_ARGS...
check_config() {
  local want=$1 name=$2 rc=0
  shift 2
  local filter=()
  while [ "$1" != -- ]; do filter+=("$1"); shift; done
  shift
  "$seccomp_exec" "${filter[@]}" "$profile" -- "${server[@]}" "$@" --check-config \
    >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit $rc, expected $want: $(cat "$work/$name.err")"
}

# serve NAME SECCOMP_ARGS... -- SERVER_ARGS...: starts the server, GET / must be 200.
serve() {
  local name=$1 port status
  shift
  local filter=()
  while [ "$1" != -- ]; do filter+=("$1"); shift; done
  shift
  port=$(free_port)
  start_server "$work/$name.out" "$work/$name.err" "$port" \
    "$seccomp_exec" "${filter[@]}" "$profile" -- "${server[@]}" "$@" \
    --listen "127.0.0.1:$port" || fail "$name: the server did not start"
  server_pid=$SERVER_PID
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/") || true
  stop_pid "$server_pid"
  server_pid=
  [ "$status" = 200 ] || fail "$name: GET / gave $status: $(cat "$work/$name.err")"
}

# 1. The shipped profile allows io_uring.
check_config 0 allowed-check -- --io-backend io_uring
has "$work/allowed-check.err" "I/O engine io_uring" "profile, --check-config"
serve allowed-serve -- --io-backend io_uring
has "$work/allowed-serve.err" "I/O engine io_uring" "profile, start-up log"
echo "shipped profile: io_uring (--check-config, GET / 200)"

# 2. Without the three syscalls (Docker >= 25's default): epoll, EPERM.
check_config 0 default-check "${without[@]}" -- --io-backend auto
has "$work/default-check.err" "I/O engine epoll" "default profile, --check-config"
has "$work/default-check.err" "EPERM" "default profile, --check-config"
serve default-serve "${without[@]}" -- --io-backend auto
has "$work/default-serve.err" "I/O engine epoll" "default profile, start-up log"
has "$work/default-serve.err" "EPERM" "default profile, start-up log"
check_config 2 default-demanded "${without[@]}" -- --io-backend io_uring
has "$work/default-demanded.err" "EPERM" "default profile, io_uring demanded"
echo "default profile (no io_uring): auto -> epoll, EPERM logged, GET / 200; io_uring demanded -> exit 2"
echo "docker_profile_test: PASS"
