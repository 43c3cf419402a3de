#!/usr/bin/env bash
# Configures and builds tpserve into build/<kind> with Ninja.
#   debug    Debug build
#   release  optimised build (what serve.sh, perf/bench.sh and the Dockerfile use),
#            profile-guided: the first build after a change to server/ builds
#            an instrumented server, runs it under perf/pgo/train.sh (a few
#            seconds per I/O engine), then builds with the profile; without
#            a change it is an ordinary incremental build. TPSERVE_PGO=0
#            builds without a profile (into the same directory).
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
    sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
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
configure() {
  if [ ! -f "$build/build.ninja" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$*" ]; then
    if ! cmake -S "$root" -B "$build" -G Ninja "$@" >"$build/configure.log" 2>&1; then
      cat "$build/configure.log" >&2
      echo "build.sh: configure failed ($kind)" >&2
      rm -f "$stamp"
      exit 1
    fi
    echo "$*" >"$stamp"
  fi
}

jobs=$(nproc 2>/dev/null || echo 2)
# On a terminal Ninja's one-line progress is welcome; elsewhere (CI, logs) only
# compiler output and failures are printed.
quiet=(--quiet)
[ -t 1 ] && quiet=()
build_targets() {
  if ! ninja -C "$build" -j"$jobs" "${quiet[@]}" "$@" | { grep -v '^ninja: no work to do\.$' || true; }; then
    echo "build.sh: build failed ($kind)" >&2
    exit 1
  fi
}

if [ "$kind" = release ] && [ "${TPSERVE_PGO:-1}" != 0 ]; then
  # The profile belongs to the code it was taken from: a change to our
  # sources, to llhttp's (compiled in) or to the compiler takes a new one.
  # (A system header that changes under it only costs that function its
  # profile: CMakeLists.txt keeps the mismatch a warning.)
  profile="$build/pgo"
  signature=$(
    {
      (cd "$root" && find server perf/pgo cmake CMakeLists.txt -type f -print0 |
        LC_ALL=C sort -z | xargs -0 sha1sum)
      find /usr/share/llhttp /usr/share/include/llhttp -type f -print0 2>/dev/null |
        LC_ALL=C sort -z | xargs -0 -r sha1sum || true
      "${CXX:-c++}" --version 2>&1 | head -1 || true
      "${CC:-cc}" --version 2>&1 | head -1 || true
    } | sha1sum | cut -d' ' -f1
  )
  use=-DTPSERVE_PGO=use
  if [ "$(cat "$profile/signature" 2>/dev/null)" != "$signature" ]; then
    [ -t 1 ] && echo "build.sh: training the profile-guided build (instrumented server, perf/pgo/train.sh)"
    rm -rf "$profile"
    configure "${cmake_args[@]}" -DTPSERVE_PGO=generate
    build_targets tpserve tpserve_pgo_train
    if "$root/perf/pgo/train.sh" "$build/tpserve" "$build/tpserve_pgo_train"; then
      mkdir -p "$profile"
      echo "$signature" >"$profile/signature"
    else
      echo "build.sh: the training run failed; building without a profile" >&2
      rm -rf "$profile"
      use=-DTPSERVE_PGO=
    fi
  fi
  cmake_args+=("$use")
elif [ "$kind" = release ]; then
  cmake_args+=(-DTPSERVE_PGO=)
fi
configure "${cmake_args[@]}"
build_targets "$@"
