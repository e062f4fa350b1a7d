#!/usr/bin/env bash
# kill -9 soak: imports and training runs killed at random moments, then checked.
#  - import: after each kill the workspace passes SQLite's integrity_check and holds either no
#    trace of the dataset or the whole of it (the counts of an uninterrupted import);
#  - train: after each kill `m6-cli resume` finishes the run with exactly the test metrics of an
#    uninterrupted run (or, killed before its first checkpoint, says there is nothing to resume).
# Usage: scripts/kill-soak.sh [points per phase, default 20] [seed, default 1]
# Needs the release build (scripts/build.sh release) and the sqlite3 shell.
set -euo pipefail
cd "$(dirname "$0")/.."
points="${1:-20}"
RANDOM="${2:-1}"
cli="$PWD/build/release/app/exe/m6-cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ms() { date +%s%3N; }
set +m  # no "Killed" line from the shell for every kill
# A kill at a random moment within the first `span` milliseconds of a process.
kill_at_random() {
  local span=$1 pid=$2
  local wait=$((RANDOM * span / 32768))
  sleep "$(printf '%d.%03d' $((wait / 1000)) $((wait % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  echo "$wait"
}

# --- import ---
awk 'BEGIN { srand(7); print "user,item,rating,time";
  for (i = 0; i < 300000; i++) printf "%d,%d,%d,%d\n", int(rand()*3000), int(rand()*5000), 1+int(rand()*5), 1500000000+i }' \
  >"$tmp/ratings.csv"
cat >"$tmp/mapping.json" <<'JSON'
{"format": "csv", "interactions": {"file": "ratings.csv", "delimiter": ",", "header": true,
 "user": "user", "item": "item", "rating": "rating", "timestamp": "time"}}
JSON
"$cli" --workspace "$tmp/base.m6ws" demo-data --name demo --users 300 --items 200 \
  --interactions 6000 >/dev/null 2>&1
cp "$tmp/base.m6ws" "$tmp/ref.m6ws"
t0=$(ms)
"$cli" --workspace "$tmp/ref.m6ws" import "$tmp/ratings.csv" --name big --mapping "$tmp/mapping.json" >/dev/null 2>&1
span=$(($(ms) - t0))
want=$("$cli" --workspace "$tmp/ref.m6ws" stats big --json | tail -1 | grep -o '"interactions": [0-9]*')
absent=0 whole=0 bad=0
for i in $(seq 1 "$points"); do
  rm -f "$tmp"/k.m6ws*
  cp "$tmp/base.m6ws" "$tmp/k.m6ws"
  "$cli" --workspace "$tmp/k.m6ws" import "$tmp/ratings.csv" --name big \
    --mapping "$tmp/mapping.json" >/dev/null 2>&1 &
  pid=$!
  at=$(kill_at_random "$span" "$pid")
  wait "$pid" 2>/dev/null || true
  check=$(sqlite3 "$tmp/k.m6ws" 'PRAGMA integrity_check' 2>&1 | head -1)
  names=$("$cli" --workspace "$tmp/k.m6ws" datasets --json 2>&1 | tail -1)
  if [ "$check" != ok ]; then
    bad=$((bad + 1)); echo "import kill at ${at} ms: integrity_check says $check"
  elif ! grep -q '"name": "big"' <<<"$names"; then
    absent=$((absent + 1))
  elif [ "$("$cli" --workspace "$tmp/k.m6ws" stats big --json | tail -1 | grep -o '"interactions": [0-9]*')" = "$want" ]; then
    whole=$((whole + 1))
  else
    bad=$((bad + 1)); echo "import kill at ${at} ms: a partial dataset"
  fi
done
echo "import: $points kills within ${span} ms: $absent left no trace, $whole complete, $bad damaged or partial"

# --- train ---
train=(train --dataset demo --preset quick --set train.epochs=4 --set train.seed=3 --json)
t0=$(ms)
ref=$("$cli" --workspace "$tmp/ref.m6ws" "${train[@]}" 2>/dev/null | tail -1 | grep -o '"test": {[^}]*}')
span=$(($(ms) - t0))
same=0 early=0 late=0 differ=0
for i in $(seq 1 "$points"); do
  before=$("$cli" --workspace "$tmp/base.m6ws" runs --json | tail -1 | { grep -o '"run": [0-9]*' || true; } | wc -l)
  "$cli" --workspace "$tmp/base.m6ws" "${train[@]}" >/dev/null 2>&1 &
  pid=$!
  at=$(kill_at_random "$span" "$pid")
  wait "$pid" 2>/dev/null || true
  list=$("$cli" --workspace "$tmp/base.m6ws" runs --json | tail -1)
  if [ "$({ grep -o '"run": [0-9]*' <<<"$list" || true; } | wc -l)" -eq "$before" ]; then
    early=$((early + 1))  # killed before the run was recorded
    continue
  fi
  run=$(grep -o '"run": [0-9]*' <<<"$list" | tail -1 | grep -o '[0-9]*')
  if [ "$({ grep -o '"status": "[a-z]*"' <<<"$list" || true; } | tail -1)" = '"status": "finished"' ]; then
    late=$((late + 1))  # the run had ended before the kill came
    continue
  fi
  out=$("$cli" --workspace "$tmp/base.m6ws" resume "$run" --json 2>"$tmp/resume.err" | tail -1 || true)
  got=$(grep -o '"test": {[^}]*}' <<<"$out" || true)
  if [ -n "$got" ] && [ "$got" = "$ref" ]; then
    same=$((same + 1))
  elif grep -q "last.pt" "$tmp/resume.err"; then
    early=$((early + 1))  # killed before its first checkpoint: nothing to resume, and it says so
  else
    differ=$((differ + 1)); echo "train kill at ${at} ms (run $run): $(tail -1 "$tmp/resume.err") ${got}"
  fi
done
echo "train: $points kills within ${span} ms: $same resumed to the uninterrupted metrics, $early before the run or its first checkpoint existed, $late after it had finished, $differ otherwise"
[ "$bad" -eq 0 ] && [ "$differ" -eq 0 ]
