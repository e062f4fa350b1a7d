#!/usr/bin/env bash
# Installs what is missing, builds, and starts the workbench. On first start with an empty
# workspace the workbench creates the built-in demo dataset, so there is something to explore.
# Extra arguments go to m6-workbench (for example --workspace FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/release/app/exe/m6-workbench "$@"
