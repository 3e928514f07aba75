#!/bin/bash
# Sweep throughput (issue 7), both modes in one run, each with -j 1 and -j 2:
#   analytical  the full reuse x precision sweep of KERAS_3layer: every valid reuse factor of every layer
#               (--sweep reuse:layer, 10,164 combinations) x the 44 default precisions = 447,216 points;
#               target >= 10,000 points/s per core
#   simulated   --sweep reuse,strategy,io,fifo --simulate (96 points), the SystemC model with 100 samples
#               per point in one worker process per point; target >= 50 points/s
# Each point is committed to the SQLite store as it finishes, as in normal use; the figures are those the
# sweep prints for its loop ("computed N points in T s"), without loading the network and writing the
# CSV/JSON/plot. points/s is wall clock; "per CPU s" divides by the CPU time the sweep used (process and
# workers), which stays meaningful on a loaded machine. A missed target is reported, not an error.
#
#   bench/bench_sweep.sh [BUILD_DIR] [--quick]     (--quick: reuse:layer only, 10,164 analytical points)
# BUILD_DIR defaults to build/ at the top of the project.
set -u
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build"
quick=0
for a in "$@"; do
    if [ "$a" = "--quick" ]; then quick=1; else build="$a"; fi
done
bin="${build}/nnsim"
if [ ! -x "$bin" ]; then
    echo "bench_sweep.sh: error: $bin not found; build it first:" >&2
    echo "  cmake -S $root -B $build -DCMAKE_BUILD_TYPE=Release && cmake --build $build -j2 --target nnsim" >&2
    exit 2
fi
model="${NNSIM_SHARED_DIR:-${root}/../shared}/external_models/keras/KERAS_3layer.json"
tmp="$(mktemp -d /tmp/nnsim_bench_sweep.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
analytical="reuse:layer,precision"
[ $quick -eq 1 ] && analytical="reuse:layer"

echo "nnsim sweep benchmark: KERAS_3layer, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-44s %4s %8s %8s %10s %9s %12s  %s\n" "sweep" "-j" "points" "wall s" "points/s" "CPU s" "per CPU s" "target"
failed=0
run() {  # label jobs target per_core args...
    local label="$1" jobs="$2" target="$3" per_core="$4"
    shift 4
    local out="$tmp/out_$RANDOM"
    local line
    if ! line="$("$bin" --net "$model" --out "$out" -j "$jobs" --no-plot --top 0 "$@" 2> "$tmp/err" |
                 grep '^computed ')"; then
        echo "bench_sweep.sh: the sweep failed: $label -j $jobs" >&2
        cat "$tmp/err" >&2
        failed=1
        return
    fi
    rm -rf "$out"
    # computed N points in T s (R points/s on J ...; C CPU s, P points per CPU second), ...
    local n t r c p
    n=$(echo "$line" | sed -E 's/^computed ([0-9]+) points in ([0-9.]+) s \(([0-9]+) points\/s.*; ([0-9.]+) CPU s, ([0-9]+) points per CPU second.*/\1 \2 \3 \4 \5/')
    read -r n t r c p <<< "$n"
    local verdict
    if [ "$per_core" = 1 ]; then
        local cores=$(( jobs < $(nproc) ? jobs : $(nproc) ))
        local rate=$(( r / cores ))
        if [ "$rate" -ge "$target" ]; then verdict="met: $rate/s per core >= $target"
        elif [ "$p" -ge "$target" ]; then verdict="met per CPU second ($p >= $target; wall $rate/s per core on a loaded machine)"
        else verdict="MISSED: $rate/s per core, $p per CPU second < $target"; fi
    else
        if [ "$r" -ge "$target" ]; then verdict="met: $r/s >= $target"; else verdict="MISSED: $r/s < $target"; fi
    fi
    printf "%-44s %4s %8s %8s %10s %9s %12s  %s\n" "$label" "$jobs" "$n" "$t" "$r" "$c" "$p" "$verdict"
}
for j in 1 2; do
    run "analytical --sweep $analytical" "$j" 10000 1 --sweep "$analytical"
done
for j in 1 2; do
    run "simulated --sweep reuse,strategy,io,fifo" "$j" 50 0 --sweep reuse,strategy,io,fifo --simulate --samples 100
done
exit $failed
