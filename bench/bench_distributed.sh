#!/usr/bin/env bash
# bench_distributed: data-parallel training measured as a user runs it: whole m6-cli
# processes, examples/s and seconds/epoch from the run's own JSON, wall time and peak RSS of the
# command from /usr/bin/time (for a job: rank 0's process; its children are counted in its wall
# time, not in its RSS). Prints figures; asserts nothing. Traffic stays on 127.0.0.1.
#
# Rows, per dataset: one process with 1 and 2 torch threads at the per-rank batch B; one process
# at the global batch 2B (what two ranks compute per step); --nproc 2 (B per rank); and the two
# ranks started as two separate `--rank/--world-size/--master 127.0.0.1:PORT` commands, as two
# machines would. The scaling ratio is --nproc 2 over one process with one thread at batch B.
#
# Usage: bench/bench_distributed.sh [--build DIR] [--preset P] [--epochs N] [--large]
#   --large also generates a MovieLens-25M-shaped demo dataset (162,541 users, 59,047 items,
#   25,000,095 interactions; about a minute) and trains one epoch on a 2% share of its training
#   examples (train.train_fraction) with per-epoch validation on 2,000 users; the final test
#   ranks every user.
set -euo pipefail

build=build/release
preset=balanced
epochs=1
large=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --large) large=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--preset P] [--epochs N] [--large]" >&2; exit 2 ;;
  esac
done
cli=$build/app/exe/m6-cli
[ -x "$cli" ] || { echo "no $cli: build first (scripts/build.sh release)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ws=$work/bench.m6ws

field() { grep -o "\"$1\": [0-9.eE+-]*" "$2" | head -1 | awk '{print $2}'; }

free_port() {
  # A port below the kernel's ephemeral range (32768 and up) that nothing listens on.
  local p
  for _ in 1 2 3 4 5 6 7 8; do
    p=$((20000 + RANDOM % 12000))
    if ! (echo > "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
      echo "$p"
      return
    fi
  done
  echo "$p"
}

# row LABEL ARGS...: one m6-cli command, its figures on one line.
row() {
  local label=$1
  shift
  if ! /usr/bin/time -f "%e %M" -o "$work/time" "$cli" --workspace "$ws" "$@" --json \
    > "$work/out" 2> "$work/err"; then
    echo "$label: failed: $(tail -1 "$work/err")"
    return
  fi
  local eps spe wall rss
  eps=$(field examples_per_s "$work/out")
  spe=$(field seconds_per_epoch "$work/out")
  read -r wall rss < "$work/time"
  printf '  %-46s %9.0f ex/s %8.2f s/epoch %8.1f s wall %6d MiB\n' "$label" "$eps" "$spe" \
    "$wall" $((rss / 1024))
  echo "$eps" > "$work/last_eps"
}

bench_dataset() {
  local dataset=$1
  shift
  local batch
  batch=$("$cli" config-show --preset "$preset" | grep -o '"batch_size": [0-9]*' | awk '{print $2}')
  local common=(train --dataset "$dataset" --preset "$preset" --set "train.epochs=$epochs" "$@")
  echo "$dataset, preset $preset, $epochs epoch(s), batch $batch per rank:"
  row "1 process, 1 thread, batch $batch" "${common[@]}" --set train.threads=1
  local one
  one=$(cat "$work/last_eps")
  row "1 process, 2 threads, batch $batch" "${common[@]}" --set train.threads=2
  row "1 process, 1 thread, batch $((2 * batch))" "${common[@]}" --set train.threads=1 \
    --set "train.batch_size=$((2 * batch))"
  row "--nproc 2 (1 thread each, batch $batch each)" "${common[@]}" --nproc 2
  local two
  two=$(cat "$work/last_eps")
  local port
  port=$(free_port)
  "$cli" --workspace "$ws" "${common[@]}" --set train.threads=1 --rank 1 --world-size 2 \
    --master "127.0.0.1:$port" --json > /dev/null 2> "$work/rank1.err" &
  local follower=$!
  row "--rank 0/1 --world-size 2 --master 127.0.0.1" "${common[@]}" --set train.threads=1 \
    --rank 0 --world-size 2 --master "127.0.0.1:$port"
  wait "$follower" || echo "  rank 1 failed: $(tail -1 "$work/rank1.err")"
  awk -v a="$two" -v b="$one" 'BEGIN { printf "  scaling ratio (--nproc 2 / 1 process 1 thread): %.2fx\n", a / b }'
}

echo "bench_distributed: $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
"$cli" --workspace "$ws" demo-data --json > /dev/null
bench_dataset demo
if [ "$large" = 1 ]; then
  /usr/bin/time -f "%e s, %M KB" -o "$work/gen" "$cli" --workspace "$ws" demo-data --name large \
    --users 162541 --items 59047 --interactions 25000095 --json > /dev/null
  echo "generated large (25,000,095 interactions): $(cat "$work/gen")"
  bench_dataset large --set train.train_fraction=0.02 --set train.valid_users=2000
fi
