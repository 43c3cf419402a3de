#!/usr/bin/env bash
# The training run of the profile-guided release build (scripts/build.sh
# release): starts the instrumented TPSERVE on an ephemeral loopback port over
# a small document root, once per Linux I/O engine the machine allows, drives
# it with the client TRAIN (perf/pgo/train.cpp) for SECONDS, and stops it with
# SIGTERM so that it exits normally and writes its profile.
#   perf/pgo/train.sh TPSERVE TRAIN [SECONDS]
# Exits non-zero when no engine could be trained; build.sh then builds
# without a profile.
set -euo pipefail

tpserve=$1
train=$2
seconds=${3:-3}
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill -9 "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

root="$work/www"
mkdir -p "$root"
head -c 1024 /dev/zero | tr '\0' 'a' >"$root/small.txt"
head -c 65536 /dev/zero | tr '\0' 'b' >"$root/medium.bin"
printf 'body { margin: 0 }\n%.0s' $(seq 200) >"$root/style.css"
gzip -9 -k "$root/style.css"
printf '<!doctype html><title>pgo</title>\n' >"$root/index.html"

trained=0
for engine in io_uring epoll; do
  log="$work/$engine.log"
  : >"$log"
  "$tpserve" --root "$root" --listen 127.0.0.1:0 --workers 2 --access-log off \
    --io-backend "$engine" 2>"$log" >/dev/null &
  server=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log" | head -1)
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "pgo: no training with $engine here (tpserve: $(tail -1 "$log"))" >&2
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
    continue
  fi
  # An engine counts only when the client got every answer it expected and
  # the server then exited normally (which is when it writes its profile).
  client=0
  "$train" "$port" "$seconds" >/dev/null || client=$?
  kill -TERM "$server" 2>/dev/null || true
  status=0
  wait "$server" || status=$?
  server=
  if [ "$client" -ne 0 ]; then
    echo "pgo: the training client failed against tpserve ($engine)" >&2
  elif [ "$status" -ne 0 ]; then
    echo "pgo: tpserve ($engine) did not exit cleanly: $(tail -1 "$log")" >&2
  else
    trained=$((trained + 1))
  fi
done
[ "$trained" -gt 0 ]
