#!/usr/bin/env bash
# Builds tpserve for Windows (scripts/build-windows.sh) and tests it under Wine:
#   1. the unit tests, each Windows test executable run by ctest under wine64
#      (built first, so they run even while tpserve.exe does not link yet);
#   2. the integration suite: the Linux-built tpserve_integration
#      (build/test, scripts/build.sh test) driving build/windows/tpserve.exe
#      under Wine over loopback (a missing tpserve.exe is a failure).
# Options:
#   --unit-only        skip step 2
#   --gtest_filter=X   passed to the integration suite (e.g. to skip a test
#                      that depends on Linux behaviour)
# Environment: TPSERVE_WINDOWS_SERVER, the command prefix step 2 starts the
# server with (default: build/windows/wine-run.sh build/windows/tpserve.exe,
# i.e. /usr/lib/wine/wine64 in the build's Wine prefix, headless and quiet).
# Exits non-zero on any build or test failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
unit_only=0
integration_args=()
for arg in "$@"; do
  case "$arg" in
    --unit-only) unit_only=1 ;;
    --gtest_filter=*) integration_args+=("$arg") ;;
    -h | --help)
      sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      echo "usage: scripts/test-windows.sh [--unit-only] [--gtest_filter=PATTERN]" >&2
      exit 2
      ;;
  esac
done

build="$root/build/windows"
# The tests first, so the unit results come even while tpserve.exe does not link.
"$root/scripts/build-windows.sh" tests/all
# Before each phase, settle the prefix and keep one wineserver up for all of
# it. A cold wineserver starts services.exe, which starts the prefix's own
# services for a few seconds; a program calling StartServiceCtrlDispatcher
# meanwhile can connect to one of their control pipes (WindowsService tests).
# And a wineserver that a program started by itself exits 3 s after its last
# program; a program launched just as it exits dies before running, with
# "wine client error:0: recvmsg: Connection reset by peer" (the likely cause
# of a failure seen once in 181 integration tests, which start one server
# per test; ServerProcess also retries such a launch once). Persisting 5
# minutes past the last program spans the suite's gaps; the builds between
# the phases may outlast it, hence once per phase (a no-op while one is up).
export WINEPREFIX="${TPSERVE_WINEPREFIX:-$build/wine}"
wineserver=/usr/lib/wine/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || true)
settle_wine() {
  [ -n "$wineserver" ] || return 0
  "$wineserver" -p300 || true
  "$build/wine-run.sh" wineboot >/dev/null 2>&1 || true
}
settle_wine
echo "== unit tests under Wine (ctest -L unit)"
ctest --test-dir "$build" -L unit --output-on-failure --no-tests=error -j2 --timeout 300

((unit_only)) && exit 0

"$root/scripts/build-windows.sh"
server_exe="$build/tpserve.exe"
if [ ! -f "$server_exe" ]; then
  echo "test-windows.sh: $server_exe was not built (scripts/build-windows.sh" \
    "succeeded without it): the integration suite cannot run" >&2
  exit 1
fi

echo "== integration tests: Linux-built suite against tpserve.exe under Wine"
"$root/scripts/build.sh" test tpserve_integration
settle_wine
suite="$root/build/test/tests/integration/tpserve_integration"
export TPSERVE_SERVER="${TPSERVE_WINDOWS_SERVER:-$build/wine-run.sh $server_exe}"
# Wine delivers SIGINT to the program as CTRL_C_EVENT (a graceful stop), but
# SIGTERM kills the Wine process outright.
export TPSERVE_STOP_SIGNAL=INT
# Paths the suite hands the server (document roots, config files) are Linux
# paths; Wine maps them through its Z: drive as long as the server's working
# directory is on Z: too, which it is when started from a Linux directory.
exec "$suite" "${integration_args[@]}"
