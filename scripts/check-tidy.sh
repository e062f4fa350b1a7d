#!/usr/bin/env bash
# clang-tidy (Debian 12's clang-tidy 14) with the project's .clang-tidy: any finding fails, with the
# file, line and check. Run by ctest (check_tidy) and so by .ci/run.
#   scripts/check-tidy.sh [BUILD_DIR] [--all]   (BUILD_DIR: its compile_commands.json; default
#                                                build/release)
# Always every source of the plain-C++ layers, model/core and storage (about a minute on 2 cores).
# Of the Qt layers, app/ and ui/, the sources changed since M6_TIDY_BASE (default HEAD~1; a header
# counts as its .cpp) and those not committed yet: each takes seconds to parse (Qt, some LibTorch),
# the whole of them about ten minutes. --all checks every app/ and ui/ source (do that when the
# checks change).
set -uo pipefail
cd "$(dirname "$0")/.."
build=build/release
all=0
for arg in "$@"; do
  case "$arg" in
    --all) all=1 ;;
    *) build=$arg ;;
  esac
done

if ! command -v run-clang-tidy >/dev/null; then
  echo "check-tidy: clang-tidy is missing (scripts/install-deps.sh --tests installs it)"
  exit 1
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "check-tidy: $build/compile_commands.json is missing (configure the build first)"
  exit 1
fi

# The app/ and ui/ sources to check, as one alternation for run-clang-tidy's file regex.
qtLayers() {
  if [ "$all" = 1 ]; then
    ls app/*/*.cpp ui/*.cpp
    return
  fi
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return
  local base=${M6_TIDY_BASE:-HEAD~1}
  {
    git rev-parse -q --verify "$base^{commit}" >/dev/null && git diff --name-only "$base" -- app ui
    git diff --name-only HEAD -- app ui
  } | sed -E 's/\.h$/.cpp/' | sort -u | while read -r f; do
    [ -f "$f" ] && [[ "$f" == *.cpp ]] && echo "$f"
  done
}
mapfile -t qt < <(qtLayers)
pattern="(storage|model/core)/[^/]*\.cpp"
if [ ${#qt[@]} -gt 0 ]; then
  pattern="($pattern|$(printf '%s\n' "${qt[@]}" | sed 's/\./\\./g' | paste -sd '|'))"
fi
scope="model/core and storage"
[ ${#qt[@]} -gt 0 ] && scope="$scope, and ${#qt[@]} source(s) of app/ and ui/"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
run-clang-tidy -p "$build" -j "$(nproc)" -quiet "^$PWD/$pattern\$" >"$log" 2>&1
status=$?
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '(warning|error): ' | sed "s|$PWD/||" | sort -u)
if [ $status -ne 0 ] || [ -n "$findings" ]; then
  if [ -n "$findings" ]; then
    printf '%s\n' "$findings"
  else
    tail -n 20 "$log"
  fi
  echo "check-tidy: clang-tidy found $(printf '%s\n' "$findings" | grep -c .) problem(s) in $scope"
  exit 1
fi
echo "check-tidy: $scope are clean"
