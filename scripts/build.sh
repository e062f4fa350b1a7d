#!/usr/bin/env bash
# Configures and builds M6 Workbench with a CMake preset (default: release).
# Usage: scripts/build.sh [release|debug] [extra ninja targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
shift || true
if [ ! -f "build/${preset}/build.ninja" ]; then
  cmake --preset "${preset}"
fi
# Two parallel jobs by default: a file that includes LibTorch needs about 1 GB to compile.
jobs="${M6_BUILD_JOBS:-$(nproc)}"
cmake --build --preset "${preset}" --parallel "${jobs}" ${1:+--target "$@"}
