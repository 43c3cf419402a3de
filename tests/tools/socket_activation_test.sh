#!/usr/bin/env bash
# Socket activation for real: systemd-socket-activate (package systemd) holds
# the listening socket and execs tpserve with it as LISTEN_FDS on the first
# connection.
#   1. tpserve serves that connection and later ones on the passed socket,
#      with 2 workers, logs it as its listener, and exits 0 on SIGTERM
#      (io_uring where available, and epoll);
#   2. a second configured address without a passed socket is bound by
#      tpserve itself and serves too;
#   3. a passed socket that no listen: address names stops the start-up
#      with exit 1 and a message naming the address.
# Usage: socket_activation_test.sh TPSERVE ROOT
# Exits 77 (skipped) without systemd-socket-activate.
set -euo pipefail

tpserve=$1
site=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../scripts/common.sh
. "$root/scripts/common.sh"
command -v systemd-socket-activate >/dev/null 2>&1 || {
  echo "socket_activation_test: no systemd-socket-activate, skipped"
  exit 77
}
work=$(mktemp -d /tmp/tpserve-socket-activation.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && stop_pid "$pid"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "socket_activation_test: FAIL: $*" >&2
  cat "$work/err" >&2 2>/dev/null || true
  exit 1
}

# Waits (at most 10 s) until systemd-socket-activate listens on PORT.
wait_listening() {
  for _ in $(seq 1 100); do
    grep -q "Listening on 127.0.0.1:$1" "$work/err" 2>/dev/null && return 0
    alive "$pid" || fail "systemd-socket-activate exited"
    sleep 0.1
  done
  fail "systemd-socket-activate did not listen on $1"
}

own_port=$(free_port)
# Both engines: io_uring's multishot accept and epoll's edge-triggered
# listeners, each worker on its own dup of the one passed socket.
for backend in auto epoll; do
  port=$(free_port)
  # The process keeps its pid when it execs tpserve: LISTEN_PID is right.
  systemd-socket-activate -l "127.0.0.1:$port" \
    "$tpserve" --root "$site" --workers 2 --access-log off --io-backend "$backend" \
    --listen "127.0.0.1:$own_port" --listen "127.0.0.1:$port" >"$work/out" 2>"$work/err" &
  pid=$!
  wait_listening "$port"
  # The first connection starts tpserve; curl waits in the passed socket's
  # backlog meanwhile.
  for i in 1 2 3 4 5 6; do
    body=$(curl -sS --max-time 10 "http://127.0.0.1:$port/index.html") || fail "GET $i on the passed socket"
    [ "$body" = "$(cat "$site/index.html")" ] || fail "GET $i: not index.html"
  done
  grep -q "listening on http://127.0.0.1:$port/" "$work/err" || fail "no 'listening on' line for the passed socket"
  curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$own_port/" || fail "GET on tpserve's own listener"
  engine=$(grep -o 'I/O engine [a-z_]*' "$work/err" | head -1)
  echo "socket_activation_test: $engine: 6 GETs served on the passed socket, 1 on tpserve's own"
  kill -TERM "$pid"
  status=0
  wait "$pid" || status=$?
  pid=
  [ "$status" = 0 ] || fail "exit status $status after SIGTERM, not 0"
  echo "socket_activation_test: SIGTERM -> exit 0"
done

port=$(free_port)
systemd-socket-activate -l "127.0.0.1:$port" \
  "$tpserve" --root "$site" --workers 1 --listen "127.0.0.1:$own_port" >"$work/out" 2>"$work/err" &
pid=$!
wait_listening "$port"
curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null &&
  fail "a GET was answered by a server that should have refused its passed socket"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 1 ] || fail "exit status $status with an unexpected passed socket, not 1"
grep -q "systemd passed descriptor 3 is bound to 127.0.0.1:$port, which is not a listen: address" \
  "$work/err" || fail "no message naming the unexpected socket"
echo "socket_activation_test: an unexpected passed socket -> exit 1: $(grep -o 'systemd passed.*' "$work/err")"
echo "socket_activation_test: PASS"
