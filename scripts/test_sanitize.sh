#!/usr/bin/env bash
# Build nnsim under AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize/, -O1) and run the
# unit tests and the fast command-line tests there; any sanitizer report fails the run. The Verilator-
# and Yosys-heavy tests stay out (minutes each, and the sanitizers check nnsim, not those tools).
#   bash scripts/test_sanitize.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Some kernels (high vm.mmap_rnd_bits) stop the ASan runtime of GCC 12 before main: then say so and skip.
probe=$(mktemp -d)
echo 'int main() { return 0; }' > "$probe/p.cpp"
if ! g++ -fsanitize=address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null || ! "$probe/p" >/dev/null 2>&1; then
    echo "test_sanitize: the sanitizer runtime does not start on this machine; skipped"
    rm -rf "$probe"
    exit 0
fi
rm -rf "$probe"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DNNSIM_SANITIZE=address,undefined >/dev/null
cmake --build build-sanitize -j"$(nproc)" --target nnsim unit_tests fixed_oracle_test
# Leaks are not findings here: SystemC and HDF5 keep process-lifetime allocations by design.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd build-sanitize
# The GoogleTest cases (CamelCase names) and the fast command-line tests; -LE slow drops the Yosys ones.
ctest --output-on-failure -j"$(nproc)" -LE "slow|slurm" \
  -R "^[A-Z]|^cli\.test_(errors|import|bad_inputs|qkeras|keras3|reference_numpy|sweep_shards|reformat|onnx_errors|sim)$" "$@"
