#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (build/fuzz) and runs each for a set time from the
# seed corpus in tests/fuzz/corpus (plus a small model file exported by the release m6-cli when
# it is built), then prints, per harness, the inputs executed and the crashes found.
# Usage: scripts/fuzz.sh [seconds per harness, default 600] [harness ...]
# A crash leaves its input as build/fuzz/crashes/<harness>/crash-*; the script exits 1 then.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  harnesses=(fuzz_record_reader fuzz_import_formats fuzz_mapping fuzz_model_file fuzz_zip_import)
fi
root="$PWD"
build="$root/build/fuzz"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DM6_FUZZ=ON >/dev/null
fi
cmake --build "$build" --parallel "${M6_BUILD_JOBS:-$(nproc)}" --target "${harnesses[@]}"

# A real model file as a seed, so the model-file harness starts from the format and mutates it.
seeds="$build/seeds"
mkdir -p "$seeds"
cli="$root/build/release/app/exe/m6-cli"
if [ ! -f "$seeds/model.m6model" ] && [ -x "$cli" ]; then
  tmp=$(mktemp -d)
  "$cli" --workspace "$tmp/w.m6ws" demo-data --name d --users 60 --items 50 \
    --interactions 900 >/dev/null 2>&1 || true
  "$cli" --workspace "$tmp/w.m6ws" train --dataset d --preset quick --set train.epochs=1 \
    --set model.dim=8 --set model.heads=1 --set model.text_buckets=16 \
    --set model.history_length=4 >/dev/null 2>&1 || true
  "$cli" --workspace "$tmp/w.m6ws" export 1 --out "$seeds/model.m6model" >/dev/null 2>&1 || true
  rm -rf "$tmp"
fi

status=0
printf '%-22s %12s %8s %8s\n' harness inputs seconds crashes
for h in "${harnesses[@]}"; do
  corpus="$build/corpus/$h"
  crashes="$build/crashes/$h"
  mkdir -p "$corpus" "$crashes"
  cp -n "$root"/tests/fuzz/corpus/"$h"/* "$corpus"/ 2>/dev/null || true
  if [ "$h" = fuzz_model_file ] && [ -f "$seeds/model.m6model" ]; then
    cp -n "$seeds/model.m6model" "$corpus"/ || true
  fi
  log="$build/$h.log"
  mkdir -p "$build/tmp/$h"
  # LibTorch leaks a little when its zip reader refuses a malformed archive (lsan.supp): checking
  # for leaks after every such input (libFuzzer's default) costs a whole leak scan and a
  # symbolizer run each time, 6x the harness's own work. The model-file harness checks for leaks
  # once, at the end of the run, instead.
  leaks=1
  if [ "$h" = fuzz_model_file ]; then
    leaks=0
  fi
  set +e
  TMPDIR="$build/tmp/$h" LSAN_OPTIONS="suppressions=$root/tests/fuzz/lsan.supp" \
    "$build/tests/fuzz/$h" -max_total_time="$seconds" -seed=1 -detect_leaks="$leaks" \
    -rss_limit_mb=4096 -max_len=131072 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  # A slow-unit file is libFuzzer's note of an input that took over 10 s of wall time (on a busy
  # machine, any input can); crashes, leaks, timeouts and out-of-memory inputs are findings.
  found=$(find "$crashes" -type f ! -name 'slow-unit-*' | wc -l)
  printf '%-22s %12s %8s %8s\n' "$h" "${runs:-0}" "$seconds" "$found"
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    status=1
    echo "  $h failed (exit $rc); its log: $log" >&2
    tail -n 30 "$log" >&2
  fi
done
for h in "${harnesses[@]}"; do rm -rf "$build/tmp/$h"; done
exit $status
