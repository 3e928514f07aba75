#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ (one per reader) for SECONDS each (default 60) and prints the
# executions, the rate and the findings per harness. A finding is a crash, a sanitizer report (ASan,
# UBSan), an exception other than nnsim's input error, more than 2 s or more than 1 GiB on one input;
# its input is kept in build-fuzz/findings/<harness>/ (replay: build-fuzz/fuzz/<harness> FILE).
#   bash bench/fuzz.sh [SECONDS [HARNESS...]]      (harness names: precision, network, onnx, ...)
# Seeds: fuzz/corpus/ (committed, small) plus the real files of configs/ and ../shared/external_models.
set -euo pipefail
cd "$(dirname "$0")/.."
EACH=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
ONLY=" $* "
SHARED=${NNSIM_SHARED_DIR:-../shared}
M=$SHARED/external_models
bash scripts/setup.sh --fuzz >/dev/null
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNNSIM_FUZZ=ON >/dev/null
cmake --build build-fuzz --target fuzzers -j"$(nproc)" >/dev/null

seed() {  # seed HARNESS FILE...: copy the files that exist into the harness's corpus
    local dir=build-fuzz/corpus/$1
    shift
    for f in "$@"; do [[ -f "$f" ]] && cp "$f" "$dir/"; done
    return 0
}
export NNSIM_FUZZ_WEIGHTS=$M/keras/KERAS_3layer_weights.h5
# HDF5 asks for huge buffers on corrupt files and handles a failed allocation: a null return is no finding.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1
printf '%-20s %12s %10s %9s %9s\n' harness executions "exec/s" findings upstream
total=0
upstream_total=0
for bin in build-fuzz/fuzz/fuzz_*; do
    h=$(basename "$bin" | sed 's/^fuzz_//')
    [[ "$ONLY" == "  " || "$ONLY" == *" $h "* ]] || continue
    mkdir -p "build-fuzz/corpus/$h" "build-fuzz/findings/$h"
    [[ -d "fuzz/corpus/$h" ]] && cp fuzz/corpus/"$h"/* "build-fuzz/corpus/$h/"
    case $h in
        network) seed "$h" configs/*.json ;;
        keras_json) seed "$h" "$M"/keras/KERAS_1layer.json "$M"/keras/KERAS_3layer.json "$M"/keras/qkeras_3layer.json \
            "$M"/keras/jetTagger_Conv2D_Small.json "$M"/keras/KERAS_3layer_batch_norm.json ;;
        hdf5) seed "$h" "$M"/keras/KERAS_1layer_weights.h5 "$M"/keras/KERAS_3layer_weights.h5 ;;
        hls4ml_config) seed "$h" "$M"/keras-config.yml "$M"/onnx-config.yml "$M"/config-files/*.yml ;;
        datafile) seed "$h" "$M"/data/garnet_1layer_input.dat ;;
        sweep_spec) seed "$h" configs/sweep_example.yaml ;;
        onnx) seed "$h" $(ls -S "$M"/onnx/*.onnx 2>/dev/null | tail -3) ;;
    esac
    log=build-fuzz/findings/$h.log
    "$bin" -max_total_time="$EACH" -timeout=2 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="build-fuzz/findings/$h/" "build-fuzz/corpus/$h" >"$log" 2>&1 || true
    execs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    rate=$(grep -a -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    found=$(find "build-fuzz/findings/$h" -type f | wc -l)
    # A report whose innermost frame outside the sanitizer runtime and libc is in a Debian library
    # (libhdf5, libprotobuf, libyaml-cpp) is that library's bug: counted apart, not as nnsim's.
    upstream=0
    if [[ $found -gt 0 ]]; then
        frame=$(grep -a -E '^ +#[0-9]+ ' "$log" | grep -a -v -E 'libclang_rt|sanitizer|libc\.so|libc-start|libstdc|strdup|malloc|memcpy|strlen' | head -1)
        if grep -q -E 'libhdf5|libprotobuf|libyaml' <<<"$frame"; then upstream=$found; found=0; fi
    fi
    total=$((total + found))
    upstream_total=$((upstream_total + upstream))
    printf '%-20s %12s %10s %9s %9s\n' "$h" "${execs:-0}" "${rate:-0}" "$found" "$upstream"
done
echo "findings in nnsim: $total; in Debian's libraries: $upstream_total (inputs in build-fuzz/findings/, logs beside them)"
[[ $total -eq 0 ]]
