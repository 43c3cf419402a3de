#!/usr/bin/env bash
# Runs clang-tidy (configuration: the committed .clang-tidy) over the server
# sources: server/core, server/platform/linux and server/app (their headers are
# checked through HeaderFilterRegex; tests, llhttp and the Windows port are not).
# Exits 1 if clang-tidy reports any warning or cannot compile a file, so CI can
# gate on it. Extra arguments are source files to check instead of all of them,
# e.g. `scripts/tidy.sh server/core/plan/TransmitPlan.cpp`.
# TIDY_BUILD_DIR picks the compilation database (default build/test, configured
# here if it is not yet); TIDY_JOBS the parallelism (default: nproc).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  exit 0
fi

"$root/scripts/setup.sh" --tidy
tidy=""
for candidate in clang-tidy clang-tidy-14; do
  if command -v "$candidate" >/dev/null; then
    tidy=$candidate
    break
  fi
done
if [ -z "$tidy" ]; then
  echo "tidy.sh: clang-tidy not found (Debian: apt-get install clang-tidy)" >&2
  exit 2
fi

build=${TIDY_BUILD_DIR:-$root/build/test}
if [ ! -f "$build/compile_commands.json" ]; then
  # Configuring is enough: clang-tidy needs the compile commands, not objects.
  mkdir -p "$build"
  if ! cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DTPSERVE_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$build/tidy-configure.log" 2>&1; then
    cat "$build/tidy-configure.log" >&2
    echo "tidy.sh: configure failed ($build)" >&2
    exit 1
  fi
fi

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(find server/core server/platform/linux server/app -name '*.cpp' | sort)
fi

jobs=${TIDY_JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The compile commands are g++'s; clang's front end must not trip over a g++-only
# warning flag (e.g. -Wno-restrict on older clang).
status=0
printf '%s\n' "${files[@]}" |
  xargs -P "$jobs" -n 1 "$tidy" -p "$build" --quiet \
    --extra-arg=-Wno-unknown-warning-option >"$out" 2>/dev/null || status=$?

# Headers are seen once per including file: report each finding once.
warnings=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' "$out" | sort -u || true)
if [ -n "$warnings" ]; then
  cat "$out"
  echo
  echo "tidy.sh: $(printf '%s\n' "$warnings" | wc -l) finding(s); by check:" >&2
  printf '%s\n' "$warnings" | grep -oE '\[[^]]+\]$' | sort | uniq -c | sort -rn >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  cat "$out"
  echo "tidy.sh: clang-tidy failed (exit $status) without a warning line" >&2
  exit 1
fi
echo "tidy.sh: ${#files[@]} file(s) clean"
