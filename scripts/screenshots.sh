#!/usr/bin/env bash
# Makes the README's screenshots again from the current build: the screenshot test drives the
# real windows offscreen on the demo dataset and small trained runs and writes each screen to a
# temporary folder; every picture the README shows (resources/screenshots/*.png named in
# README.md) is replaced by its new version, and the ones that changed are listed, to look at
# before committing them. Builds first when the build is missing.
#   scripts/screenshots.sh [CASE ...]   (cases of tests/ui/test_screenshots, e.g. trainingPages;
#                                        default: every screen, about two minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/release
if [ ! -x "$build/tests/ui/test_screenshots" ]; then
  scripts/build.sh release
fi
shots=$(mktemp -d)
trap 'rm -rf "$shots"' EXIT
M6_SCREENSHOTS="$shots" QT_QPA_PLATFORM=offscreen "$build/tests/ui/test_screenshots" "$@" >"$shots/log" 2>&1 ||
  { grep -E 'FAIL|Totals' "$shots/log"; exit 1; }
changed=0
for picture in $(grep -o 'resources/screenshots/[A-Za-z0-9_-]*\.png' README.md | sort -u); do
  made="$shots/$(basename "$picture")"
  [ -f "$made" ] || continue  # a case that was not run this time
  if ! cmp -s "$made" "$picture"; then
    cp "$made" "$picture"
    echo "new: $picture"
    changed=$((changed + 1))
  fi
done
echo "screenshots: $changed of the README's pictures changed"
