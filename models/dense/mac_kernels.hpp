// The multiply-accumulate kernels of dense and of every convolution window (the deferred-wrap fast
// path, models/dense/dense.cpp): acc[j] += (x[i] * w[i][j] + rc) >> s over the inputs i, modulo 2^bits
// of the accumulator lanes. Products are formed in T (int32 when every product and the rounding
// constant fit, else int64) and summed in U, the unsigned type of T's width. Dispatched to the CPU's
// vector units (core/simd.hpp).
#pragma once

#include <cstdint>

namespace nnsim {

/// The kernels keep this many output columns' sums in vector registers; a column count that is a
/// multiple of it takes no scalar tail.
constexpr int kMacBlockColumns = 16;

/// acc[0 .. n_out) += the shifted products of x[0 .. n_in) with the row-major weights w[n_in][n_out].
void mac_rows(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out, int64_t rc, int s);
void mac_rows(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out, int32_t rc, int s);

/// The same sums, also checking that every shifted product and every partial sum (the accumulator
/// starting from acc's values, read as signed) stays within [lo, hi]: the accum_t range. True when
/// they all do, so that the wrapping sums equal the exact ones and casting each product and sum to a
/// wrapping accum_t would have changed nothing (no overflow event to count). Requires the accumulator
/// width to be at most 31 bits for T = int32 and 62 for int64, so that one step out of the range
/// cannot wrap the lane back into it.
bool mac_rows_checked(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out, int64_t rc, int s,
                      int64_t lo, int64_t hi);
bool mac_rows_checked(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out, int32_t rc, int s,
                      int32_t lo, int32_t hi);

/// The sums as the general path forms them with a wrapping signed accum_t of `wa` bits (acc holding
/// values of that type, read as signed): every shifted product and every partial sum wrapped to wa
/// bits, adding to prod_wraps and sum_wraps the products and sums the wrap changed (the overflow events
/// the general path counts). Requires wa <= 30 for T = int32 and wa <= 62 for int64.
void mac_rows_counted(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out, int64_t rc, int s,
                      int wa, uint64_t& prod_wraps, uint64_t& sum_wraps);
void mac_rows_counted(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out, int32_t rc, int s,
                      int wa, uint64_t& prod_wraps, uint64_t& sum_wraps);

/// The sums' start and end around mac_rows: acc[j] = the bias b[j] (in the accumulator lanes), and
/// out[j] = the low `wa` bits of acc[j] sign-extended (`is_signed`) or zero-extended: the wrapped
/// accum_t value (wa <= 64).
void load_accumulators(const int64_t* b, uint64_t* acc, int n);
void load_accumulators(const int64_t* b, uint32_t* acc, int n);
void widen_accumulators(const uint64_t* acc, int64_t* out, int n, int wa, bool is_signed);
void widen_accumulators(const uint32_t* acc, int64_t* out, int n, int wa, bool is_signed);

/// The float model's sums: out[j] += x[i] * w[i][j] over the inputs i in order, every product and sum
/// rounded to double (the build contracts no multiply-add), so each output's value is the scalar
/// loop's on every machine; only the lanes differ.
void mac_rows_double(const double* x, const double* w, double* out, int n_in, int n_out);

}  // namespace nnsim
