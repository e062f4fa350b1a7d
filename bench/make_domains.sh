#!/usr/bin/env bash
# Two domains with disjoint items and disjoint users from one MovieLens "latest" folder, for the
# open-domain (zero-shot) protocol (README, "Adaptation, cold start and model files"):
#   A: films released before 2000, rated by users with an odd id;
#   B: films released in 2000 or later (or of unknown year), rated by users with an even id.
# Both keep the same kind of content (genres, tags, title words), nothing else in common.
# Usage: bench/make_domains.sh ML_FOLDER OUT_FOLDER   (writes OUT/A and OUT/B as MovieLens CSVs)
set -euo pipefail
src="${1:?usage: make_domains.sh ML_FOLDER OUT_FOLDER}"
out="${2:?usage: make_domains.sh ML_FOLDER OUT_FOLDER}"
for f in movies.csv ratings.csv; do
  [ -f "$src/$f" ] || { echo "make_domains: $src/$f is missing" >&2; exit 1; }
done
mkdir -p "$out/A" "$out/B"
# movieId -> domain, from the last "(YYYY)" in the line (titles may hold commas and quotes).
awk -F, 'NR > 1 {
  line = $0; year = 0
  while (match(line, /\([0-9][0-9][0-9][0-9]\)/)) {
    year = substr(line, RSTART + 1, 4) + 0; line = substr(line, RSTART + RLENGTH)
  }
  print $1 "," ((year > 0 && year < 2000) ? "A" : "B")
}' "$src/movies.csv" > "$out/domains.csv"
for d in A B; do
  odd=$([ "$d" = A ] && echo 1 || echo 0)
  awk -F, -v d="$d" 'FNR == NR { dom[$1] = $2; next } FNR == 1 || dom[$1] == d' \
    "$out/domains.csv" "$src/movies.csv" > "$out/$d/movies.csv"
  for f in ratings.csv tags.csv; do
    [ -f "$src/$f" ] || continue
    awk -F, -v d="$d" -v odd="$odd" 'FNR == NR { dom[$1] = $2; next }
      FNR == 1 || (dom[$2] == d && ($1 % 2) == odd)' \
      "$out/domains.csv" "$src/$f" > "$out/$d/$f"
  done
done
rm "$out/domains.csv"
for d in A B; do
  echo "domain $d: $(($(wc -l < "$out/$d/movies.csv") - 1)) films, $(($(wc -l < "$out/$d/ratings.csv") - 1)) ratings"
done
