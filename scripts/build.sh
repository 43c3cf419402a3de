#!/usr/bin/env bash
# Configures and builds tpserve into build/<kind> with Ninja.
#   debug    Debug build
#   release  optimised build (what serve.sh, perf/bench.sh and the Dockerfile use)
#   test     RelWithDebInfo with warnings as errors (what test.sh and CI use)
# Extra arguments are Ninja targets (default: all), e.g. `build.sh release tpserve`.
# Off a terminal it prints nothing on success; on failure, the configure log
# or the failing commands' output.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

kind=${1:-release}
[ $# -gt 0 ] && shift
case "$kind" in
  debug) cmake_args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  release) cmake_args=(-DCMAKE_BUILD_TYPE=Release) ;;
  test) cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DTPSERVE_WERROR=ON) ;;
  -h | --help)
    sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *)
    echo "usage: scripts/build.sh [debug|release|test] [ninja targets...]" >&2
    exit 2
    ;;
esac

build="$root/build/$kind"
mkdir -p "$build"

# Configure once per set of options: afterwards Ninja re-runs CMake by itself
# when a CMakeLists.txt changes or a globbed source appears.
stamp="$build/.build-sh-options"
if [ ! -f "$build/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${cmake_args[*]}" ]; then
  if ! cmake -S "$root" -B "$build" -G Ninja "${cmake_args[@]}" >"$build/configure.log" 2>&1; then
    cat "$build/configure.log" >&2
    echo "build.sh: configure failed ($kind)" >&2
    rm -f "$stamp"
    exit 1
  fi
  echo "${cmake_args[*]}" >"$stamp"
fi

jobs=$(nproc 2>/dev/null || echo 2)
# On a terminal Ninja's one-line progress is welcome; elsewhere (CI, logs) only
# compiler output and failures are printed.
quiet=(--quiet)
[ -t 1 ] && quiet=()
if ! ninja -C "$build" -j"$jobs" "${quiet[@]}" "$@" | { grep -v '^ninja: no work to do\.$' || true; }; then
  echo "build.sh: build failed ($kind)" >&2
  exit 1
fi
