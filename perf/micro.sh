#!/usr/bin/env bash
# Micro-benchmarks of core's hot-path pieces (Google Benchmark, perf/micro/):
# ns per operation for request parsing, path resolution, head writing, the
# whole static handler, ranges, Accept-Encoding, globs, access-log lines and
# the file cache. Not part of the test suite: numbers, not pass/fail (a
# benchmark whose result is wrong reports ERROR OCCURRED instead of a time).
#
# Builds perf/micro as its own CMake project, Release, then runs it. Extra
# arguments go to the benchmark binary, e.g.
#   perf/micro.sh --benchmark_filter='Parse|Resolve'
#   perf/micro.sh --benchmark_format=json --benchmark_out=perf/results/micro.json
#
# Environment (defaults in brackets):
#   MIN_TIME [0.5]            seconds each benchmark runs at least
#                             (--benchmark_min_time)
#   REPETITIONS [1]           runs of each benchmark; >1 also prints mean,
#                             median and stddev (--benchmark_repetitions)
#   BUILD [build/micro]       build directory
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
MIN_TIME=${MIN_TIME:-0.5}
REPETITIONS=${REPETITIONS:-1}
BUILD=${BUILD:-$repo/build/micro}

if [ "$(dpkg-query -W -f='${Status}' libbenchmark-dev 2>/dev/null)" != "install ok installed" ]; then
  echo "micro.sh: libbenchmark-dev missing, running scripts/setup.sh --bench" >&2
  scripts/setup.sh --bench
  if [ "$(dpkg-query -W -f='${Status}' libbenchmark-dev 2>/dev/null)" != "install ok installed" ]; then
    echo "micro.sh: still no libbenchmark-dev; install it: sudo apt-get install libbenchmark-dev" >&2
    exit 1
  fi
fi

generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
cmake -S perf/micro -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target tpserve_micro -j "$(nproc)"

# Debian's libbenchmark is built without NDEBUG, so the binary prints
# "Library was built as DEBUG": that concerns the harness only; the code
# measured is ours, compiled -O3 -DNDEBUG.
exec "$BUILD/tpserve_micro" --benchmark_min_time="$MIN_TIME" \
  --benchmark_repetitions="$REPETITIONS" "$@"
