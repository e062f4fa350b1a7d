#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest --output-on-failure).
# The GUI tests run offscreen; no display is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh release
export QT_QPA_PLATFORM=offscreen
cd build/release
ctest --output-on-failure --timeout 1500 "$@"
