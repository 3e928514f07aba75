// The multiply-accumulate kernels (mac_kernels.hpp).
#include "models/dense/mac_kernels.hpp"

#include <cstring>

#include "core/simd.hpp"

namespace nnsim {
namespace {

// Outputs go in blocks of kMacBlock columns whose sums stay in vector registers over all the inputs
// (GCC vector extensions: the same integer arithmetic lane by lane, in the widest registers of the
// clone); the columns left over after the last block take the row loop.
constexpr int kMacBlock = kMacBlockColumns;
template <typename T, typename U>
__attribute__((always_inline)) inline void mac_rows_impl(const int64_t* __restrict x, const T* __restrict w, U* __restrict acc, int n_in, int n_out,
                          T rc, int s) {
    typedef T VT __attribute__((vector_size(kMacBlock * sizeof(T))));
    typedef U VU __attribute__((vector_size(kMacBlock * sizeof(U))));
    int j0 = 0;
    for (; j0 + kMacBlock <= n_out; j0 += kMacBlock) {
        VU a;
        std::memcpy(&a, acc + j0, sizeof a);
        for (int i = 0; i < n_in; ++i) {
            VT wv;
            std::memcpy(&wv, w + size_t(i) * size_t(n_out) + size_t(j0), sizeof wv);
            a += (VU)((wv * T(x[i]) + rc) >> s);
        }
        std::memcpy(acc + j0, &a, sizeof a);
    }
    if (j0 == n_out) return;
    for (int i = 0; i < n_in; ++i) {
        const T xi = T(x[i]);
        const T* __restrict wr = w + size_t(i) * size_t(n_out);
        for (int j = j0; j < n_out; ++j) acc[j] += U(T(xi * wr[j] + rc) >> s);
    }
}

/// mac_rows_impl with the range checks of mac_rows_checked: the lanes' sums read as signed T. A value v
/// is in [lo, hi] iff the unsigned difference v - lo is at most hi - lo: one compare per check.
template <typename T, typename U>
__attribute__((always_inline)) inline bool mac_rows_checked_impl(const int64_t* __restrict x, const T* __restrict w,
                                                                 U* __restrict acc, int n_in, int n_out, T rc, int s,
                                                                 T lo, T hi) {
    typedef T VT __attribute__((vector_size(kMacBlock * sizeof(T))));
    typedef U VU __attribute__((vector_size(kMacBlock * sizeof(U))));
    const U span = U(hi) - U(lo);
    const VU lov = VU{} + U(lo), spanv = VU{} + span;
    VU bad = VU{};
    int j0 = 0;
    for (; j0 + kMacBlock <= n_out; j0 += kMacBlock) {
        VU a;
        std::memcpy(&a, acc + j0, sizeof a);
        for (int i = 0; i < n_in; ++i) {
            VT wv;
            std::memcpy(&wv, w + size_t(i) * size_t(n_out) + size_t(j0), sizeof wv);
            const VU q = (VU)((wv * T(x[i]) + rc) >> s);
            a += q;
            bad |= (VU)((q - lov) > spanv) | (VU)((a - lov) > spanv);
        }
        std::memcpy(acc + j0, &a, sizeof a);
    }
    U any = 0;
    for (int k = 0; k < kMacBlock; ++k) any |= bad[k];
    for (int i = 0; i < n_in; ++i) {
        const T xi = T(x[i]);
        const T* __restrict wr = w + size_t(i) * size_t(n_out);
        for (int j = j0; j < n_out; ++j) {
            const U q = U(T(xi * wr[j] + rc) >> s);
            acc[j] += q;
            any |= U(q - U(lo) > span) | U(acc[j] - U(lo) > span);
        }
    }
    return any == 0;
}

/// The sums of the general path with a wrapping signed accum_t of `wa` bits, in vector lanes: every
/// shifted product wrapped to wa bits (counted when that changed it), every partial sum wrapped
/// likewise (counted when that changed it). Lanes hold exact values between wraps: a product fits T,
/// and a partial sum of two wa-bit values fits when wa <= bits(T) - 2.
template <typename T, typename U>
__attribute__((always_inline)) inline void mac_rows_counted_impl(const int64_t* __restrict x, const T* __restrict w,
                                                                 U* __restrict acc, int n_in, int n_out, T rc, int s,
                                                                 int wa, uint64_t& prod_wraps, uint64_t& sum_wraps) {
    typedef T VT __attribute__((vector_size(kMacBlock * sizeof(T))));
    typedef U VU __attribute__((vector_size(kMacBlock * sizeof(U))));
    const int k = int(sizeof(T)) * 8 - wa;  // sign extension from wa bits: (v << k) >> k
    auto wrap = [k](T v) { return T(U(v) << k) >> k; };
    int j0 = 0;
    for (; j0 + kMacBlock <= n_out; j0 += kMacBlock) {
        VT a, pw = VT{}, sw = VT{};
        std::memcpy(&a, acc + j0, sizeof a);
        for (int i = 0; i < n_in; ++i) {
            VT wv;
            std::memcpy(&wv, w + size_t(i) * size_t(n_out) + size_t(j0), sizeof wv);
            const VT q = (wv * T(x[i]) + rc) >> s;
            const VT qw = (VT)((VU)q << k) >> k;
            pw -= (VT)(qw != q);  // a comparison gives -1 where true
            const VT sum = a + qw;
            a = (VT)((VU)sum << k) >> k;
            sw -= (VT)(a != sum);
        }
        std::memcpy(acc + j0, &a, sizeof a);
        for (int l = 0; l < kMacBlock; ++l) prod_wraps += uint64_t(pw[l]), sum_wraps += uint64_t(sw[l]);
    }
    for (int i = 0; i < n_in; ++i) {
        const T xi = T(x[i]);
        const T* __restrict wr = w + size_t(i) * size_t(n_out);
        for (int j = j0; j < n_out; ++j) {
            const T q = T(xi * wr[j] + rc) >> s;
            const T qw = wrap(q);
            prod_wraps += qw != q;
            const T sum = T(acc[j]) + qw;
            const T a = wrap(sum);
            sum_wraps += a != sum;
            acc[j] = U(a);
        }
    }
}

}  // namespace

NNSIM_SIMD_CLONES void mac_rows(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out, int64_t rc,
                                int s) {
    mac_rows_impl(x, w, acc, n_in, n_out, rc, s);
}
NNSIM_SIMD_CLONES void mac_rows(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out, int32_t rc,
                                int s) {
    mac_rows_impl(x, w, acc, n_in, n_out, rc, s);
}
NNSIM_SIMD_CLONES bool mac_rows_checked(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out,
                                        int64_t rc, int s, int64_t lo, int64_t hi) {
    return mac_rows_checked_impl(x, w, acc, n_in, n_out, rc, s, lo, hi);
}
NNSIM_SIMD_CLONES bool mac_rows_checked(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out,
                                        int32_t rc, int s, int32_t lo, int32_t hi) {
    return mac_rows_checked_impl(x, w, acc, n_in, n_out, rc, s, lo, hi);
}

NNSIM_SIMD_CLONES void mac_rows_counted(const int64_t* x, const int64_t* w, uint64_t* acc, int n_in, int n_out,
                                        int64_t rc, int s, int wa, uint64_t& prod_wraps, uint64_t& sum_wraps) {
    mac_rows_counted_impl(x, w, acc, n_in, n_out, rc, s, wa, prod_wraps, sum_wraps);
}
NNSIM_SIMD_CLONES void mac_rows_counted(const int64_t* x, const int32_t* w, uint32_t* acc, int n_in, int n_out,
                                        int32_t rc, int s, int wa, uint64_t& prod_wraps, uint64_t& sum_wraps) {
    mac_rows_counted_impl(x, w, acc, n_in, n_out, rc, s, wa, prod_wraps, sum_wraps);
}

namespace {
template <typename U>
void load_impl(const int64_t* b, U* acc, int n) {
    for (int j = 0; j < n; ++j) acc[j] = U(b[j]);
}
template <typename U>
void widen_impl(const U* acc, int64_t* out, int n, int wa, bool is_signed) {
    if (wa >= 64) {
        for (int j = 0; j < n; ++j) out[j] = int64_t(uint64_t(acc[j]));
    } else if (is_signed) {
        const int up = 64 - wa;
        for (int j = 0; j < n; ++j) out[j] = int64_t(uint64_t(acc[j]) << up) >> up;
    } else {
        const uint64_t mask = (uint64_t(1) << wa) - 1;
        for (int j = 0; j < n; ++j) out[j] = int64_t(uint64_t(acc[j]) & mask);
    }
}
}  // namespace

NNSIM_SIMD_CLONES void mac_rows_double(const double* __restrict x, const double* __restrict w, double* __restrict out,
                                       int n_in, int n_out) {
    // Two vectors of half a block each: GCC keeps them in registers (one vector of a whole block of
    // doubles goes through the stack on every input).
    constexpr int kHalf = kMacBlock / 2;
    typedef double VD __attribute__((vector_size(kHalf * sizeof(double))));
    int j0 = 0;
    for (; j0 + kMacBlock <= n_out; j0 += kMacBlock) {
        VD a, b;
        std::memcpy(&a, out + j0, sizeof a);
        std::memcpy(&b, out + j0 + kHalf, sizeof b);
        for (int i = 0; i < n_in; ++i) {
            const double* row = w + size_t(i) * size_t(n_out) + size_t(j0);
            VD wa, wb;
            std::memcpy(&wa, row, sizeof wa);
            std::memcpy(&wb, row + kHalf, sizeof wb);
            a += wa * x[i];
            b += wb * x[i];
        }
        std::memcpy(out + j0, &a, sizeof a);
        std::memcpy(out + j0 + kHalf, &b, sizeof b);
    }
    for (int i = 0; i < n_in; ++i)
        for (int j = j0; j < n_out; ++j) out[j] += x[i] * w[size_t(i) * size_t(n_out) + size_t(j)];
}

NNSIM_SIMD_CLONES void load_accumulators(const int64_t* b, uint64_t* acc, int n) { load_impl(b, acc, n); }
NNSIM_SIMD_CLONES void load_accumulators(const int64_t* b, uint32_t* acc, int n) { load_impl(b, acc, n); }
NNSIM_SIMD_CLONES void widen_accumulators(const uint64_t* acc, int64_t* out, int n, int wa, bool is_signed) {
    widen_impl(acc, out, n, wa, is_signed);
}
NNSIM_SIMD_CLONES void widen_accumulators(const uint32_t* acc, int64_t* out, int n, int wa, bool is_signed) {
    widen_impl(acc, out, n, wa, is_signed);
}

}  // namespace nnsim
