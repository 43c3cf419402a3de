#!/usr/bin/env bash
# Installs what is missing, builds the test configuration (warnings as errors)
# and runs every test with ctest. Exits non-zero on any build or test failure.
# Extra arguments go to ctest, e.g. `scripts/test.sh -R http -V`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/build.sh test
# Each test has its own TIMEOUT; --timeout bounds any test that has none.
exec ctest --test-dir build/test --output-on-failure --no-tests=error -j2 --timeout 300 "$@"
