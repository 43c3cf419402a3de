#!/usr/bin/env bash
# Cross-builds tpserve for Windows (MinGW-w64, cmake/mingw-w64-x86_64.cmake)
# into build/windows, warnings as errors, after scripts/setup-windows.sh has
# made sure the compiler, Wine and the MinGW dependencies are there.
# Extra arguments are Ninja targets (default: all), e.g.
# `build-windows.sh tpserve_unit_http`. Off a terminal it prints nothing on
# success; on failure, the configure log or the failing commands' output.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in
  -h | --help)
    sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac

build="$root/build/windows"
"$root/scripts/setup-windows.sh"
mkdir -p "$build"

triplet=x86_64-w64-mingw32
cache=${TPSERVE_MINGW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tpserve-mingw}
cmake_args=(
  -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake"
  -DTPSERVE_MINGW_PREFIX="$cache/$triplet"
  -DTPSERVE_WINEPREFIX="${TPSERVE_WINEPREFIX:-$build/wine}"
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTPSERVE_WERROR=ON
)

# Configure once per set of options; afterwards Ninja re-runs CMake by itself.
stamp="$build/.build-sh-options"
if [ ! -f "$build/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${cmake_args[*]}" ]; then
  if ! cmake -S "$root" -B "$build" -G Ninja "${cmake_args[@]}" >"$build/configure.log" 2>&1; then
    cat "$build/configure.log" >&2
    echo "build-windows.sh: configure failed" >&2
    rm -f "$stamp"
    exit 1
  fi
  echo "${cmake_args[*]}" >"$stamp"
fi

jobs=$(nproc 2>/dev/null || echo 2)
quiet=(--quiet)
[ -t 1 ] && quiet=()
if ! ninja -C "$build" -j"$jobs" "${quiet[@]}" "$@" | { grep -v '^ninja: no work to do\.$' || true; }; then
  echo "build-windows.sh: build failed" >&2
  exit 1
fi
