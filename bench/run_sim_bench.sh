#!/bin/bash
# Runs bench_sim (SystemC model vs untimed evaluator) on KERAS_3layer at reuse factor 1 and 16, with
# io_parallel and io_stream: four runs, each its own process (SystemC allows one elaboration per
# process), printed as one table. A missed speed target is reported in the table, not an error; a run
# that fails (load error, deadlock, output differing from the evaluator) makes the script exit 1
# after the other runs.
#
#   bench/run_sim_bench.sh [BUILD_DIR] [extra bench_sim options, e.g. --samples 5000]
# BUILD_DIR defaults to build/ at the top of the project; build it first:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
set -u

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    build="$1"
    shift
fi
bin="${build}/bench/bench_sim"
if [ ! -x "$bin" ]; then
    echo "run_sim_bench.sh: error: $bin not found; build it first:" >&2
    echo "  cmake -S $root -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build -j2 --target bench_sim" >&2
    exit 2
fi
model="${root}/../shared/external_models/keras/KERAS_3layer.json"

failed=0
first=1
for rf in 1 16; do
    for io in io_parallel io_stream; do
        header=--no-header
        [ $first -eq 1 ] && header=
        if ! "$bin" "$model" --reuse-factor "$rf" --io-type "$io" $header "$@"; then
            echo "run_sim_bench.sh: bench_sim failed for RF $rf $io" >&2
            failed=1
        else
            first=0
        fi
    done
done
exit $failed
