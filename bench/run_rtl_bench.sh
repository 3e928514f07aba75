#!/usr/bin/env bash
# Benchmark: Verilator simulation of the generated RTL next to the SystemC model on the same run
# (nnsim verify simulates both on the same samples), for KERAS_3layer at RF 1 and RF 16, under
# io_parallel and io_stream. Targets: the model at least as fast as the RTL at RF 1 and at least 10x
# faster at RF 16.
#
# The machines are shared and their speed moves between two measurements seconds apart, so every
# configuration runs REPEAT times (the Verilator build is reused after the first) and the ratio is
# taken of each simulator's best rate over those runs, next to the ratio of every single run.
#   bash bench/run_rtl_bench.sh [samples] [repeat]
set -euo pipefail
cd "$(dirname "$0")/.."
NNSIM=${NNSIM:-./build/nnsim}
SAMPLES=${1:-20000}
REPEAT=${2:-3}
NET=../shared/external_models/keras/KERAS_3layer.json
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for io in io_parallel io_stream; do
  for cfg in "--reuse-factor 1" "--strategy Resource --reuse-factor 16"; do
    target=10
    case "$cfg" in *"reuse-factor 1") target=1 ;; esac
    echo "== KERAS_3layer $io $cfg, $SAMPLES samples, $REPEAT runs"
    : > "$log"
    for ((r = 0; r < REPEAT; ++r)); do
      # shellcheck disable=SC2086
      "$NNSIM" verify --net "$NET" --io-type $io $cfg --samples "$SAMPLES" \
        --work "nnsim_work/bench_${io}_$(echo $cfg | tr -d ' -')" | tee -a "$log" | grep -E "verify:|speed:|built"
    done
    awk -v target="$target" '/speed:/ {
      for (i = 1; i <= NF; ++i) if ($i == "inferences/s;") rtl = $(i - 1); else if ($i == "inferences/s") model = $(i - 1);
      if (rtl + 0 > best_rtl) best_rtl = rtl + 0
      if (model + 0 > best_model) best_model = model + 0
      runs = runs sprintf(" %.2f", model / rtl) }
      END { printf "best rates: Verilator %.3g, SystemC model %.3g inferences/s: ratio %.2f (runs:%s); target %gx: %s\n",
                   best_rtl, best_model, best_model / best_rtl, runs, target,
                   (best_model >= target * best_rtl) ? "met" : "NOT met" }' "$log"
  done
done
