#!/usr/bin/env bash
# Installs what is missing, builds the release server and serves www/ on
# http://127.0.0.1:8080/ (config/default.yaml) until Ctrl+C.
# Extra arguments go to tpserve, e.g. `scripts/serve.sh --listen 127.0.0.1:9090`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/build.sh release tpserve
exec build/release/tpserve --config config/default.yaml "$@"
