#!/usr/bin/env bash
# Benchmark: `nnsim run` from end to end (read a data file of SAMPLES inputs, evaluate counting
# overflows, compare with the float model, write the predictions) on KERAS_3layer, against the
# evaluator alone (bench_evaluator's counting path, no files, no float model) measured in the same
# command. The ratio is the share of the command's rate that the evaluation keeps; the rest is the data
# files and the float model.
#   bash bench/run_cli_bench.sh [SAMPLES] [REPEAT]
set -euo pipefail
cd "$(dirname "$0")/.."
NNSIM=${NNSIM:-./build/nnsim}
BENCH=${BENCH:-./build/bench/bench_evaluator}
SAMPLES=${1:-200000}
REPEAT=${2:-3}
NET=../shared/external_models/keras/KERAS_3layer.json
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$SAMPLES" "$dir/in.dat" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
with open(path, "w") as f:
    for _ in range(n):
        f.write(" ".join(repr(rng.gauss(0.0, 1.0)) for _ in range(16)) + "\n")
PY
best=0
for ((r = 0; r < REPEAT; ++r)); do
  t0=$(date +%s.%N)
  "$NNSIM" run --net "$NET" --input "$dir/in.dat" --output "$dir/out.dat" > /dev/null
  t1=$(date +%s.%N)
  rate=$(python3 -c "print($SAMPLES / ($t1 - $t0))")
  printf 'nnsim run, %s samples from a file to a file: %.0f inferences/s\n' "$SAMPLES" "$rate"
  best=$(python3 -c "print(max($best, $rate))")
done
eval_rate=$( ("$BENCH" --seconds 1 "$NET" || true) | awk '/evaluator, counting overflows/ { print $(NF - 2) }')
python3 -c "print('best: nnsim run %.0f inferences/s; evaluator counting overflows %.0f/s: ratio %.2f' % ($best, $eval_rate, $best / $eval_rate))"
