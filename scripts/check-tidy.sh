#!/usr/bin/env bash
# clang-tidy (Debian 12's clang-tidy 14) with the project's .clang-tidy on the plain-C++ layers,
# model/core and storage (their own sources, not the tests): any finding fails, with the file,
# line and check. The Qt and LibTorch layers are not checked here: one of their files takes
# seconds to parse, the whole tree minutes. Run by ctest (check_tidy) and so by .ci/run.
#   scripts/check-tidy.sh [BUILD_DIR]   (default build/release: its compile_commands.json)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}

if ! command -v run-clang-tidy >/dev/null; then
  echo "check-tidy: clang-tidy is missing (scripts/install-deps.sh --tests installs it)"
  exit 1
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "check-tidy: $build/compile_commands.json is missing (configure the build first)"
  exit 1
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run-clang-tidy -p "$build" -j "$(nproc)" -quiet "^$PWD/(storage|model/core)/[^/]*\.cpp\$" \
  >"$log" 2>&1
status=$?
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '(warning|error): ' | sed "s|$PWD/||" | sort -u)
if [ $status -ne 0 ] || [ -n "$findings" ]; then
  if [ -n "$findings" ]; then
    printf '%s\n' "$findings"
  else
    tail -n 20 "$log"
  fi
  echo "check-tidy: clang-tidy found $(printf '%s\n' "$findings" | grep -c . ) problem(s) in model/core and storage"
  exit 1
fi
echo "check-tidy: model/core and storage are clean"
