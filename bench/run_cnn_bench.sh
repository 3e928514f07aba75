#!/usr/bin/env bash
# Benchmark of a streaming CNN (default configs/svhn_cnn.json) in one run: the bit-exact evaluator
# against a bare im2col int32 loop of the same layers (bench_cnn), then the SystemC model against
# Verilator on the same samples and stalls (nnsim verify simulates both), each with its ratio.
# Targets: evaluator >= 0.5 of the bare loop; the model >= 10x Verilator on this CNN.
#   bash bench/run_cnn_bench.sh [network] [samples]
set -euo pipefail
cd "$(dirname "$0")/.."
NNSIM=${NNSIM:-./build/nnsim}
NET=${1:-configs/svhn_cnn.json}
SAMPLES=${2:-100}
echo "== evaluator vs bare loop: $NET"
./build/bench/bench_cnn "$NET" --seconds 2
echo "== SystemC model vs Verilator: $NET, $SAMPLES samples"
"$NNSIM" verify --net "$NET" --samples "$SAMPLES" --work "nnsim_work/bench_cnn" | tee /tmp/nnsim_cnn_bench.$$ |
  grep -E "verify:|speed:|built"
awk '/speed:/ {
  for (i = 1; i <= NF; ++i) if ($i == "inferences/s;") rtl = $(i - 1); else if ($i == "inferences/s") model = $(i - 1);
  printf "images/s: Verilator %s, SystemC model %s; target model >= 10x Verilator: %s\n", rtl, model,
         (model >= 10 * rtl) ? "met" : "NOT met" }' /tmp/nnsim_cnn_bench.$$
rm -f /tmp/nnsim_cnn_bench.$$
