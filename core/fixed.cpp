// Fixed-point cast: quantization then overflow handling on a 128-bit exact value (see fixed.hpp).
#include "core/fixed.hpp"

#include <cmath>
#include <sstream>

#include "core/simd.hpp"

namespace nnsim {
namespace {

using i128 = __int128;
using u128 = unsigned __int128;

/// Arithmetic shift right of a signed 128-bit value by s >= 0 bits (floor division by 2^s).
i128 shr_floor(i128 v, int s) {
    if (s >= 127) return v < 0 ? -1 : 0;
    return v >> s;
}

/// Quantize raw * 2^-s to an integer (s > 0 dropped fractional bits) with rounding mode m.
i128 quantize(i128 v, int s, RoundMode m) {
    if (s <= 0) return v;
    if (s > 100) {
        // Drop all but 100 fractional bits, folding the dropped ones into a sticky bit 0. With at least
        // two kept bits below the half position this preserves every rounding decision exactly.
        int k = s - 100;
        i128 kept = shr_floor(v, k);
        bool sticky = (k >= 127) ? v != 0 : (kept << k) != v;
        v = sticky ? (kept | 1) : kept;
        s = 100;
    }
    const i128 q = v >> s;
    if (m == RoundMode::kTrn) return q;
    const i128 r = v - (q << s);  // dropped bits, 0 <= r < 2^s
    const i128 half = i128(1) << (s - 1);
    const bool neg = v < 0;
    switch (m) {
        case RoundMode::kTrn: return q;
        case RoundMode::kTrnZero: return (neg && r != 0) ? q + 1 : q;
        case RoundMode::kRnd: return r >= half ? q + 1 : q;
        case RoundMode::kRndZero: return r > half ? q + 1 : (r == half && neg ? q + 1 : q);
        case RoundMode::kRndMinInf: return r > half ? q + 1 : q;
        case RoundMode::kRndInf: return r > half ? q + 1 : (r == half && !neg ? q + 1 : q);
        case RoundMode::kRndConv: return r > half ? q + 1 : (r == half && (q & 1) ? q + 1 : q);
    }
    return q;
}

/// Sign-extend (or zero-extend) the low `w` bits of v.
int64_t low_bits(i128 v, int w, bool is_signed) {
    u128 mask = (w >= 128) ? ~u128(0) : ((u128(1) << w) - 1);
    u128 u = u128(v) & mask;
    if (is_signed && w < 128 && ((u >> (w - 1)) & 1)) u |= ~mask;
    return int64_t(i128(u));
}

}  // namespace

int64_t FixedType::raw_min() const {
    if (!is_signed) return 0;
    return width == 64 ? INT64_MIN : -(int64_t(1) << (width - 1));
}

int64_t FixedType::raw_max() const {
    if (is_signed) return width == 64 ? INT64_MAX : (int64_t(1) << (width - 1)) - 1;
    return width >= 63 ? INT64_MAX : (int64_t(1) << width) - 1;  // unsigned types are limited to 63 bits
}

double FixedType::to_double(int64_t raw) const { return std::ldexp(double(raw), -frac()); }

bool FixedType::operator==(const FixedType& o) const {
    return width == o.width && integer == o.integer && is_signed == o.is_signed && round == o.round &&
           overflow == o.overflow && sat_bits == o.sat_bits;
}

const char* round_mode_name(RoundMode m) {
    switch (m) {
        case RoundMode::kTrn: return "TRN";
        case RoundMode::kTrnZero: return "TRN_ZERO";
        case RoundMode::kRnd: return "RND";
        case RoundMode::kRndZero: return "RND_ZERO";
        case RoundMode::kRndMinInf: return "RND_MIN_INF";
        case RoundMode::kRndInf: return "RND_INF";
        case RoundMode::kRndConv: return "RND_CONV";
    }
    return "?";
}

const char* overflow_mode_name(OverflowMode m) {
    switch (m) {
        case OverflowMode::kWrap: return "WRAP";
        case OverflowMode::kSat: return "SAT";
        case OverflowMode::kSatZero: return "SAT_ZERO";
        case OverflowMode::kSatSym: return "SAT_SYM";
    }
    return "?";
}

std::string FixedType::to_string() const {
    std::ostringstream s;
    bool modes = round != RoundMode::kTrn || overflow != OverflowMode::kWrap || sat_bits != 0;
    if (integer == width && !modes) {
        s << (is_signed ? "int<" : "uint<") << width << ">";
        return s.str();
    }
    s << (is_signed ? "fixed<" : "ufixed<") << width << "," << integer;
    if (modes) {
        s << "," << round_mode_name(round) << "," << overflow_mode_name(overflow);
        if (sat_bits != 0) s << "," << sat_bits;
    }
    s << ">";
    return s.str();
}

int64_t cast_general(__int128 raw, int frac, const FixedType& t, CastEvent* event) {
    if (event) *event = CastEvent::kNone;
    const int f = t.frac();
    const i128 lo = t.raw_min();
    const i128 hi = t.is_signed ? i128(t.raw_max()) : ((i128(1) << t.width) - 1);
    i128 q;            // the quantized value in units of 2^-f, or its low 128 bits when `huge`
    bool huge = false; // |value| >= 2^126 units: out of every range, only sign and low bits matter
    if (frac >= f) {
        q = quantize(raw, frac - f, t.round);
    } else {
        const int s = f - frac;
        if (raw != 0 && (s >= 126 || raw >= (i128(1) << (126 - s)) || raw < -(i128(1) << (126 - s)))) {
            huge = true;
            q = s >= 128 ? 0 : i128(u128(raw) << s);
        } else {
            q = raw * (i128(1) << s);
        }
    }
    const bool neg = huge ? raw < 0 : q < 0;
    // SAT_SYM's range is symmetric: like sc_fixed (and ap_fixed), a signed type's exact minimum
    // -2^(W-1) counts as an overflow and saturates to -(2^(W-1)-1).
    const bool sym_min = t.overflow == OverflowMode::kSatSym && t.is_signed && q == lo;
    if (!huge && q >= lo && q <= hi && !sym_min) return int64_t(q);
    switch (t.overflow) {
        case OverflowMode::kSat:
            if (event) *event = CastEvent::kSaturated;
            return int64_t(neg ? lo : hi);
        case OverflowMode::kSatZero:
            if (event) *event = CastEvent::kSaturated;
            return 0;
        case OverflowMode::kSatSym:
            if (event) *event = CastEvent::kSaturated;
            if (!t.is_signed) return int64_t(neg ? lo : hi);
            return int64_t(neg ? -hi : hi);
        case OverflowMode::kWrap: break;
    }
    if (event) *event = CastEvent::kWrapped;
    if (t.sat_bits <= 0) return low_bits(q, t.width, t.is_signed);
    // WRAP with N saturated bits: the N most significant bits take the saturated pattern, the rest wrap.
    const int n = t.sat_bits < t.width ? t.sat_bits : t.width;
    uint64_t u = uint64_t(low_bits(q, t.width, false));
    for (int k = 0; k < n; ++k) {
        const int bit = t.width - 1 - k;
        // signed: the sign bit follows the value and the next N-1 bits its inverse;
        // unsigned: ones when the value is too large, zeros when it is negative
        const bool v = t.is_signed ? ((k == 0) ? neg : !neg) : !neg;
        if (v) u |= (uint64_t(1) << bit);
        else u &= ~(uint64_t(1) << bit);
    }
    return low_bits(i128(u), t.width, t.is_signed);
}

int64_t cast_double(double value, const FixedType& t, CastEvent* event) {
    if (std::isnan(value)) {
        if (event) *event = CastEvent::kNone;
        return 0;
    }
    if (std::isinf(value)) {
        // Treat as +-2^1100, beyond every double: it overflows every type exactly as +-DBL_MAX
        // does (the low bits that WRAP keeps are zero for both). 2^120 was not enough: with
        // I > W + 56 it fitted, or wrapped to a nonzero pattern.
        return cast(value > 0 ? 1 : -1, -1100, t, event);
    }
    // Write value = m * 2^e with an integer mantissa m (53 bits), exactly.
    int e = 0;
    double m = std::frexp(value, &e);  // value = m * 2^e, 0.5 <= |m| < 1
    int64_t mant = int64_t(std::ldexp(m, 53));
    int exp2 = e - 53;  // value = mant * 2^exp2
    // frac = -exp2 runs from -971 (huge: cast() keeps the sign and the low bits that WRAP needs)
    // to 1074 + 52 (tiny: quantize() folds the excess into a sticky bit).
    return cast(i128(mant), -exp2, t, event);
}

NNSIM_SIMD_CLONES bool shift_cast_all(int64_t* v, size_t n, int64_t round, int shift, int64_t lo, int64_t hi) {
    int64_t bad = 0;
    for (size_t i = 0; i < n; ++i) {
        // Unsigned add: a value far out of range (it fails the bound check anyway) must not overflow.
        const int64_t q = int64_t(uint64_t(v[i]) + uint64_t(round)) >> shift;
        bad |= int64_t(q < lo) | int64_t(q > hi);
        v[i] = q;
    }
    return bad == 0;
}

NNSIM_SIMD_CLONES bool scale_cast_all(int64_t* v, size_t n, int up, int64_t lo, int64_t hi) {
    int64_t bad = 0;
    const int64_t mul = int64_t(1) << up;
    for (size_t i = 0; i < n; ++i) {
        bad |= int64_t(v[i] < lo) | int64_t(v[i] > hi);
        v[i] = int64_t(uint64_t(v[i]) * uint64_t(mul));  // out-of-range inputs wrap; the result is then unused
    }
    return bad == 0;
}

}  // namespace nnsim
