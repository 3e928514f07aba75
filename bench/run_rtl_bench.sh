#!/usr/bin/env bash
# Benchmark: Verilator simulation of the generated RTL next to the SystemC model on the same run
# (nnsim verify simulates both on the same samples), for KERAS_3layer at RF 1 and RF 16, under
# io_parallel and io_stream. Targets: the model at least as fast as the RTL at RF 1 and at least 10x
# faster at RF 16.
#   bash bench/run_rtl_bench.sh [samples]
set -euo pipefail
cd "$(dirname "$0")/.."
NNSIM=${NNSIM:-./build/nnsim}
SAMPLES=${1:-20000}
NET=../shared/external_models/keras/KERAS_3layer.json
for io in io_parallel io_stream; do
  for cfg in "--reuse-factor 1" "--strategy Resource --reuse-factor 16"; do
    echo "== KERAS_3layer $io $cfg, $SAMPLES samples"
    # shellcheck disable=SC2086
    "$NNSIM" verify --net "$NET" --io-type $io $cfg --samples "$SAMPLES" \
      --work "nnsim_work/bench_${io}_$(echo $cfg | tr -d ' -')" | grep -E "verify:|speed:|built"
  done
done
