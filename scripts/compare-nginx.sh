#!/usr/bin/env bash
# Sends the same ~110 raw HTTP requests to nginx and to tpserve (same files,
# equivalent configs) and prints, per request, each server's status and key
# headers and whether they agree, then every difference field by field.
# Installs what is missing (nginx comes with --bench), builds the release
# tpserve unless --tpserve is given, and stops both servers when done, on
# failure or after the time limit. Differences are findings: the exit status
# is non-zero only when the comparison could not run.
#   scripts/compare-nginx.sh [--tpserve BIN] [--markdown] [--only NAME] [--raw] [--keep]
# See tests/tools/nginx-compare/README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tpserve=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tpserve)
      [ $# -ge 2 ] || { echo "compare-nginx.sh: --tpserve needs a path" >&2; exit 2; }
      tpserve=$2
      shift 2
      ;;
    -h | --help)
      sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done

scripts/setup.sh --bench
if [ -z "$tpserve" ]; then
  scripts/build.sh release tpserve
  tpserve=build/release/tpserve
fi
nginx=$(command -v nginx || echo /usr/sbin/nginx)

# compare.py has its own --deadline (120 s) and stops the servers on SIGTERM;
# timeout(1) is the backstop should it hang anyway.
exec timeout --kill-after=10 180 python3 tests/tools/nginx-compare/compare.py \
  --tpserve "$tpserve" --nginx "$nginx" "${args[@]}"
