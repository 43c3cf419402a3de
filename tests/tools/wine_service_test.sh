#!/usr/bin/env bash
# The Windows service under Wine: tpserve.exe --service install, sc start,
# a GET over loopback, sc stop (a graceful drain: the error log says
# "stopped"), a start that fails (its port taken: STOPPED, SERVICE_EXIT_CODE
# 1), --service uninstall; plus the refusals (--service run from a
# console, a second install, uninstalling what is not installed).
#   tests/tools/wine_service_test.sh [BUILD_DIR]     (default build/windows)
# Runs in a throw-away copy of the build's Wine prefix, so a failure can never
# leave an auto-start service behind in the prefix the other tests use; a
# persistent wineserver keeps services.exe (and so the service) alive between
# the steps, and is killed at the end. Exits non-zero on the first failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$root/build/windows}" && pwd)
exe="$build/tpserve.exe"
run="$build/wine-run.sh"
wineserver=$(command -v wineserver64 || true)
[ -n "$wineserver" ] || wineserver=/usr/lib/wine/wineserver64
for need in "$exe" "$run" "$wineserver" "$build/wine"; do
  [ -e "$need" ] || { echo "wine_service_test: missing $need" >&2; exit 1; }
done

work=$(mktemp -d)
export TPSERVE_WINEPREFIX="$work/wine" WINEPREFIX="$work/wine" WINEDEBUG=-all
holder=""
cleanup() {
  set +e
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  # Stops (bounded, 30 s) and removes the service if a step left it there.
  timeout 60 "$run" "$exe" --service uninstall >/dev/null 2>&1
  timeout 20 "$wineserver" -k >/dev/null 2>&1
  timeout 20 "$wineserver" -w >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
cp -a "$build/wine" "$work/wine"
"$wineserver" -p

fail() {
  echo "wine_service_test: FAIL: $*" >&2
  for log in "$work"/logs/*.log; do
    [ -f "$log" ] && { echo "-- $log:"; cat -A "$log"; } >&2
  done
  exit 1
}
# expect CODE STEP COMMAND...: runs COMMAND (≤ 60 s), prints its output,
# fails unless it exits with CODE; the output is left in $work/out.
expect() {
  local want=$1 step=$2 code=0
  shift 2
  echo "== $step"
  timeout 60 "$@" >"$work/out" 2>&1 || code=$?
  sed 's/^/   /' "$work/out"
  [ "$code" = "$want" ] || fail "$step: exit code $code, expected $want"
}
# wait_state STATE: polls `sc query tpserve` (≤ 30 s) until STATE.
wait_state() {
  local i
  for i in $(seq 60); do
    if timeout 20 "$run" sc query tpserve 2>&1 | grep -q "STATE *: *[0-9]* *$1"; then
      echo "   state $1 after ~$((i / 2)) s"
      return 0
    fi
    sleep 0.5
  done
  timeout 20 "$run" sc query tpserve 2>&1 | sed 's/^/   /'
  fail "the service did not reach $1 within 30 s"
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/www" "$work/logs"
echo "hello from the service" >"$work/www/index.html"
cat >"$work/service.yaml" <<YAML
listen: ["127.0.0.1:$port"]
workers: 2
root: $work/www
log:
  access: $work/logs/access.log
  error: $work/logs/error.log
  level: info
YAML
cd "$work"  # Wine maps it to Z:, so the Linux paths above resolve

expect 2 "--service run from a console is refused" "$run" "$exe" --service run --config service.yaml
grep -q "error 1063" "$work/out" || fail "no ERROR_FAILED_SERVICE_CONTROLLER_CONNECT in the message"
expect 2 "--service uninstall before install" "$run" "$exe" --service uninstall
expect 0 "--service install" "$run" "$exe" --service install --config service.yaml
grep -q -- '--service run --config "Z:' "$work/out" || fail "the command line lacks the absolute config path"
expect 2 "a second --service install" "$run" "$exe" --service install --config service.yaml
expect 0 "sc start tpserve" "$run" sc start tpserve
wait_state RUNNING
echo "== GET http://127.0.0.1:$port/"
body=$(curl -sS --max-time 10 "http://127.0.0.1:$port/") || fail "GET failed"
[ "$body" = "hello from the service" ] || fail "GET answered '$body'"
echo "   $body"
expect 0 "sc stop tpserve" "$run" sc stop tpserve
wait_state STOPPED
grep -q '\[info\] stopped' "$work/logs/error.log" || fail "no graceful stop in the error log"
grep -q '"GET / HTTP/1.1" 200' "$work/logs/access.log" || fail "the GET is not in the access log"
echo "   error log: $(grep -c . "$work/logs/error.log") lines, ends with: $(tail -n1 "$work/logs/error.log")"
# A start that fails (the port taken): STOPPED with tpserve's exit code.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(30)' "$port" &
holder=$!
sleep 0.5
expect 0 "sc start tpserve with its port taken" "$run" sc start tpserve
wait_state STOPPED
timeout 20 "$run" sc query tpserve >"$work/out" 2>&1 || true
sed 's/^/   /' "$work/out"
grep -q "SERVICE_EXIT_CODE *: *1 " "$work/out" || fail "a failed start is not the service's exit code 1"
grep -q "WSA error 10048" "$work/logs/error.log" || fail "the bind failure is not in the error log"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
expect 0 "--service uninstall" "$run" "$exe" --service uninstall
expect 1 "sc query tpserve after uninstall" "$run" sc query tpserve
echo "wine_service_test: PASS"
