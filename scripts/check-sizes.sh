#!/usr/bin/env bash
# The size rule of ../shared/STYLE.md section 7: a source or header file over 500 lines is the
# exception, and says why in its first comment, on a line that starts "// Over 500 lines:".
# Checked by grep over the tracked files (fast; run by ctest and therefore by .ci/run). Prints
# each file over the limit without a reason and exits 1 when there is one.
set -uo pipefail
cd "$(dirname "$0")/.."

limit=500
status=0
while IFS= read -r file; do
  lines=$(wc -l <"$file")
  [ "$lines" -le "$limit" ] && continue
  # The first comment: the leading run of // lines (after an optional blank line).
  if ! awk 'NF == 0 && !seen { next } /^\/\// { seen = 1; print; next } { exit }' "$file" |
    grep -q '^// Over 500 lines: .'; then
    echo "$file: $lines lines and no '// Over 500 lines: <reason>' in its first comment"
    status=1
  fi
done < <(git ls-files '*.cpp' '*.h' 2>/dev/null ||
  find app ui model storage tests bench -name '*.cpp' -o -name '*.h')
[ $status -eq 0 ] && echo "check-sizes: every file over $limit lines says why"
exit $status
