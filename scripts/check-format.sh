#!/usr/bin/env bash
# Every C++ file of the tree is formatted as .clang-format says (Debian 12's clang-format 14):
# prints the files that are not, with the first lines clang-format would change, and exits 1.
# Fast (a few seconds); run by ctest (check_format) and therefore by .ci/run. Fix with
#   clang-format -i FILE...
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is missing (scripts/install-deps.sh --tests installs it)"
  exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find app ui model storage tests bench -name '*.cpp' -o -name '*.h' | sort)
fi
present=()
for f in "${files[@]}"; do
  [ -f "$f" ] && present+=("$f")
done
# One clang-format process for the whole list (a process per file takes a minute).
report=$(clang-format --dry-run -Werror "${present[@]}" 2>&1)
if [ -n "$report" ]; then
  mapfile -t bad < <(printf '%s\n' "$report" | grep -oE '^[^: ]+\.(cpp|h):[0-9]+' | cut -d: -f1 | sort -u)
  for f in "${bad[@]}"; do
    echo "not formatted: $f"
    printf '%s\n' "$report" | grep -m 2 -F "$f:" | sed 's/^/  /'
  done
  echo "check-format: ${#bad[@]} of ${#present[@]} files differ from .clang-format (clang-format -i them)"
  exit 1
fi
echo "check-format: all ${#present[@]} files formatted"
