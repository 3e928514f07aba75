// Bit-exact fixed-point arithmetic on raw integers.
//
// A FixedType describes an ap_fixed<W,I,Q,O,N> / sc_fixed<W,I,Q,O,N> format: W total bits, I integer bits
// (sign included when signed), F = W - I fractional bits, a quantization (rounding) mode Q applied to the
// bits below 2^-F, and an overflow mode O (with N saturated bits for WRAP) applied when the rounded value
// does not fit in W bits. A value of such a type is held as its raw two's-complement integer in an
// int64_t: real value = raw * 2^-F. Widths up to 64 bits are supported.
//
// The central operation is cast(): convert an exact value raw * 2^-frac (held in 128 bits, so that the
// full product of two 64-bit operands fits) to a FixedType, exactly as assigning an sc_fix of higher
// precision to an sc_fixed<W,I,Q,O,N> does. SystemC's sc_fixed is the oracle: tests/oracle/
// fixed_oracle_test.cpp compares every mode against it on randomized cases.
#pragma once

#include <cstdint>
#include <string>

namespace nnsim {

/// Quantization modes, named as in ap_fixed (AP_TRN ...) and sc_fixed (SC_TRN ...).
enum class RoundMode : uint8_t {
    kTrn,       ///< truncate toward minus infinity (floor); the default
    kTrnZero,   ///< truncate toward zero
    kRnd,       ///< round to nearest, ties toward plus infinity
    kRndZero,   ///< round to nearest, ties toward zero
    kRndMinInf, ///< round to nearest, ties toward minus infinity
    kRndInf,    ///< round to nearest, ties away from zero
    kRndConv,   ///< round to nearest, ties to even (convergent)
};

/// Overflow modes, named as in ap_fixed (AP_WRAP ...) and sc_fixed (SC_WRAP ...).
enum class OverflowMode : uint8_t {
    kWrap,    ///< keep the low W bits (with N > 0: the N most significant bits saturate)
    kSat,     ///< clamp to the type's minimum or maximum
    kSatZero, ///< an overflowing value becomes zero
    kSatSym,  ///< signed: clamp to [-max, max]; unsigned: as kSat
};

/// What a cast did to a value that did not fit (for the overflow report).
enum class CastEvent : uint8_t { kNone, kWrapped, kSaturated };

/// One fixed-point format. Plain value type; cheap to copy.
struct FixedType {
    int width = 16;             ///< W: total bits, 1..64
    int integer = 6;            ///< I: integer bits including the sign bit; may be negative or exceed W
    bool is_signed = true;      ///< fixed<> / int<> vs ufixed<> / uint<>
    RoundMode round = RoundMode::kTrn;
    OverflowMode overflow = OverflowMode::kWrap;
    int sat_bits = 0;           ///< N: saturated MSBs in WRAP mode (ap_fixed's fifth parameter)

    int frac() const { return width - integer; }
    /// Smallest and largest raw values representable in `width` bits.
    int64_t raw_min() const;
    int64_t raw_max() const;
    /// Real value of a raw integer of this type.
    double to_double(int64_t raw) const;
    /// hls4ml spelling, e.g. "fixed<16,6>", "ufixed<8,3,RND,SAT>", "int<8>".
    std::string to_string() const;

    bool operator==(const FixedType& o) const;
    bool operator!=(const FixedType& o) const { return !(*this == o); }
};

/// Convert the exact value `raw * 2^-frac` to type `t`: quantize with t.round, then handle overflow with
/// t.overflow. `event`, if given, receives whether the value wrapped or saturated.
int64_t cast_general(__int128 raw, int frac, const FixedType& t, CastEvent* event = nullptr);

/// cast_general, with its most frequent case inline (every element-wise layer casts each value):
/// truncation to fewer or as many fraction bits, everything within int64, the value in range, where
/// the result is raw >> (frac - t.frac()).
inline int64_t cast(__int128 raw, int frac, const FixedType& t, CastEvent* event = nullptr) {
    const int s = frac - (t.width - t.integer);
    if (t.round == RoundMode::kTrn && s >= 0 && s < 63 && t.width < 63 && raw >= INT64_MIN && raw <= INT64_MAX) {
        const int64_t q = int64_t(raw) >> s;
        const int64_t lo = t.is_signed ? -(int64_t(1) << (t.width - 1)) : 0;
        const int64_t hi = t.is_signed ? (int64_t(1) << (t.width - 1)) - 1 : (int64_t(1) << t.width) - 1;
        const bool sym_min = t.overflow == OverflowMode::kSatSym && t.is_signed && q == lo;
        if (q >= lo && q <= hi && !sym_min) {
            if (event) *event = CastEvent::kNone;
            return q;
        }
    }
    return cast_general(raw, frac, t, event);
}

/// cast() from a fixed number of fraction bits to one type, planned once for the element-wise loops of
/// a layer: where the mode allows (TRN or RND when bits are dropped, any mode when none are) a value
/// that lands in range costs one add, one shift and two compares; everything else (an overflow, the
/// other rounding modes, SAT_SYM's excluded minimum) takes cast_general. Identical to cast() always.
class FastCast {
  public:
    FastCast() = default;
    FastCast(int frac, const FixedType& t) : m_frac(frac), m_type(t) {
        const int s = frac - t.frac();
        const bool rounds_ok = s <= 0 || t.round == RoundMode::kTrn || t.round == RoundMode::kRnd;
        if (!rounds_ok || s > 62 || s < -62 || t.width > 62) return;
        m_shift = s;
        m_round = (s > 0 && t.round == RoundMode::kRnd) ? int64_t(1) << (s - 1) : 0;
        m_lo = t.is_signed ? -(int64_t(1) << (t.width - 1)) : 0;
        m_hi = t.is_signed ? (int64_t(1) << (t.width - 1)) - 1 : (int64_t(1) << t.width) - 1;
        if (t.overflow == OverflowMode::kSatSym && t.is_signed) ++m_lo;  // the minimum saturates to -max
        if (s < 0) {  // no bits dropped: raw << -s is in range iff raw is within the range >> -s
            m_raw_lo = -((-m_lo) >> -s);
            m_raw_hi = m_hi >> -s;
        }
        m_fast = true;
    }
    /// cast(raw, frac, t) for the plan's frac and t.
    int64_t operator()(__int128 raw) const {
        if (m_fast && raw > -kSafe && raw < kSafe) {
            const int64_t r = int64_t(raw);
            if (m_shift >= 0) {
                const int64_t q = (r + m_round) >> m_shift;
                if (q >= m_lo && q <= m_hi) return q;
            } else if (r >= m_raw_lo && r <= m_raw_hi) {
                return r * (int64_t(1) << -m_shift);
            }
        }
        return cast_general(raw, m_frac, m_type);
    }
    /// In place over n raw values with the plan's frac, each below 2^62 in magnitude: when every value
    /// takes the fast path, v[i] becomes cast(v[i]) and the result is true; otherwise false, with v
    /// partly changed (the caller then casts each value the general way). A loop without branches,
    /// which the compiler vectorizes.
    bool cast_all(int64_t* v, size_t n) const {
        if (!m_fast) return false;
        int64_t bad = 0;
        if (m_shift >= 0) {
            const int64_t r = m_round, lo = m_lo, hi = m_hi;
            const int s = m_shift;
            for (size_t i = 0; i < n; ++i) {
                const int64_t q = (v[i] + r) >> s;
                bad |= int64_t(q < lo) | int64_t(q > hi);
                v[i] = q;
            }
        } else {
            const int64_t lo = m_raw_lo, hi = m_raw_hi, mul = int64_t(1) << -m_shift;
            for (size_t i = 0; i < n; ++i) {
                bad |= int64_t(v[i] < lo) | int64_t(v[i] > hi);
                v[i] *= mul;
            }
        }
        return bad == 0;
    }
    int frac() const { return m_frac; }
    const FixedType& type() const { return m_type; }

  private:
    static constexpr int64_t kSafe = int64_t(1) << 62;  ///< |raw| below it: raw + rounding fits int64
    int m_frac = 0;
    FixedType m_type;
    bool m_fast = false;
    int m_shift = 0;
    int64_t m_round = 0, m_lo = 0, m_hi = 0, m_raw_lo = 0, m_raw_hi = 0;
};

/// Convert a double (taken as the exact binary value it holds) to type `t`. NaN becomes 0; infinities
/// overflow like any out-of-range value.
int64_t cast_double(double value, const FixedType& t, CastEvent* event = nullptr);

/// Names of the modes as they appear in precision strings ("TRN", "RND_CONV", "SAT_SYM", ...).
const char* round_mode_name(RoundMode m);
const char* overflow_mode_name(OverflowMode m);

}  // namespace nnsim
