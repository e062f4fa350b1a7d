#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest --output-on-failure).
# The GUI tests run offscreen; no display is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
scripts/build.sh release
export QT_QPA_PLATFORM=offscreen
cd build/release
# Two tests at a time on two cores (one per core elsewhere): most tests train with one torch
# thread or wait on child processes, so the whole suite takes 300 s here instead of 515 s.
ctest --output-on-failure --timeout 1500 -j "${M6_TEST_JOBS:-$(nproc)}" "$@"
