#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ (one per reader) for SECONDS each (default 60) and prints the
# executions, the rate and the findings per harness. A finding is a crash, a sanitizer report (ASan,
# UBSan), an exception other than nnsim's input error, more than 2 s or more than 1 GiB on one input;
# its input is kept in build-fuzz/findings/<harness>/ with its replayed report beside it (FILE.replay;
# replay by hand: build-fuzz/fuzz/fuzz_<harness> FILE).
#   bash bench/fuzz.sh [SECONDS [HARNESS...]]      (harness names: precision, network, onnx, ...)
#   bash bench/fuzz.sh --acceptance [HARNESS...]     each harness until its acceptance count of
#                                                  executions (10^7 precision and datafile, 10^6 the others)
# Seeds: fuzz/corpus/ (committed, small) plus the real files of configs/ and ../shared/external_models.
set -euo pipefail
cd "$(dirname "$0")/.."
EACH=${1:-60}
RUNS=-1
if [[ $EACH == --acceptance ]]; then EACH=7200; RUNS=acceptance; fi
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
# HDF5 asks for huge buffers on corrupt files and handles a failed allocation: an allocation above
# 1 GiB returns null (no finding). fuzz/upstream.supp: reports from libc calls made by the Debian
# libraries (not built with ASan) are theirs, not nnsim's.
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:max_allocation_size_mb=1024:suppressions=$PWD/fuzz/upstream.supp
printf '%-20s %12s %10s %9s %9s\n' harness executions "exec/s" findings upstream
total=0
upstream_total=0
unreproduced=0
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
        datafile) [[ -f "$M"/data/garnet_1layer_input.dat ]] &&
            head -c 2000 "$M"/data/garnet_1layer_input.dat >"build-fuzz/corpus/$h/garnet_head.dat" ;;
        sweep_spec) seed "$h" configs/sweep_example.yaml ;;
        onnx) seed "$h" $(ls -S "$M"/onnx/*.onnx 2>/dev/null | tail -3) ;;
    esac
    log=build-fuzz/findings/$h.log
    runs=$RUNS
    if [[ $runs == acceptance ]]; then
        case $h in precision|datafile) runs=10000000 ;; *) runs=1000000 ;; esac
    fi
    # Text readers get inputs of at most 4 KiB (longer lines only repeat what short ones test);
    # the binary formats as long as their largest seed.
    case $h in precision|datafile|sweep_spec|hls4ml_config) maxlen=(-max_len=4096) ;; *) maxlen=() ;; esac
    # Fork mode: a crash, timeout or out-of-memory input is kept and fuzzing goes on, so one
    # upstream bug does not end the run; every kept input is replayed and classified afterwards.
    rm -f build-fuzz/findings/"$h"/*
    start=$SECONDS
    "$bin" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 -max_total_time="$EACH" -runs="$runs" \
        "${maxlen[@]}" -timeout=2 -rss_limit_mb=1024 \
        -artifact_prefix="build-fuzz/findings/$h/" "build-fuzz/corpus/$h" >"$log" 2>&1 || true
    execs=$(grep -a -o -E '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    iters=$(grep -a -o -E 'fuzzed for [0-9]+ iterations' "$log" | grep -o -E '[0-9]+' || true)
    [[ -n $iters ]] && execs=$iters
    execs=${execs:-0}
    rate=$((execs / (SECONDS - start > 0 ? SECONDS - start : 1)))
    # A report whose innermost frame outside the sanitizer runtime, libFuzzer and libc is in a Debian
    # library (libhdf5, libprotobuf, libyaml-cpp) is that library's bug: counted apart, not as nnsim's.
    found=0
    upstream=0
    for input in build-fuzz/findings/"$h"/*; do
        [[ -f $input ]] || continue
        if "$bin" -timeout=2 -rss_limit_mb=1024 "$input" >"$input.replay" 2>&1; then
            # Clean on its own: memory a fork job gathered over many inputs, not this input's.
            unreproduced=$((unreproduced + 1))
            continue
        fi
        frame=$(grep -a -E '^ +#[0-9]+ ' "$input.replay" |
            grep -a -v -E 'libclang_rt|sanitizer|fuzzer::|libc\.so|libc-start|libstdc|sysdeps/|in (__interceptor_)?(strdup|strcmp|strncmp|malloc|calloc|realloc|memcpy|memmove|memcmp|strlen|strnlen|operator new)' | head -1 || true)
        if grep -q -E 'libhdf5|libprotobuf|libyaml' <<<"$frame"; then upstream=$((upstream + 1)); else found=$((found + 1)); fi
    done
    total=$((total + found))
    upstream_total=$((upstream_total + upstream))
    printf '%-20s %12s %10s %9s %9s\n' "$h" "${execs:-0}" "${rate:-0}" "$found" "$upstream"
done
echo "findings in nnsim: $total; in Debian's libraries: $upstream_total; kept inputs clean on replay: $unreproduced (inputs in build-fuzz/findings/, logs beside them)"
[[ $total -eq 0 ]]
