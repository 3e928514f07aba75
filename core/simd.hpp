// Runtime dispatch of the evaluator's hot loops to the machine's vector units: a function marked
// NNSIM_SIMD_CLONES is built three times on x86-64 with GCC >= 11 (AVX-512, AVX2 and the baseline
// x86-64) and the loader picks the best clone for the CPU. The clones compute the same integer
// arithmetic; only their vectorization differs. The shipped build has no -march flag, so the binary
// runs on any x86-64; elsewhere the macro is empty and the baseline is built once.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define NNSIM_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define NNSIM_SIMD_CLONES
#endif
