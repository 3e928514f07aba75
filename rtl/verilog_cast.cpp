// Verilog-2005 for fixed-point casts, bit-exact with nnsim::cast (core/fixed.cpp).
//
// The emitted logic has three parts, each left out when it cannot matter:
//   1. the floor of the shifted value: a pure bit selection of the source (sign or zero extended, zeros
//      appended when fraction bits are added);
//   2. the rounding increment (0 or 1) computed from the dropped bits, added to the floor;
//   3. overflow handling: a range test on the rounded value and a mux to the saturated pattern.
// Part 3 is omitted for WRAP without saturated bits and whenever the source range cannot overflow the
// destination; a cast with TRN (or no dropped bits) and WRAP is therefore only wires. Every constant
// and every operand is sized so that `verilator --lint-only -Wall` reports nothing.
//
// Names: the result is `<uniq>_o`; `<uniq>_s` is a copy of the source (when it is an expression or only
// partly read), `<uniq>_rnd` the increment, `<uniq>_v` the rounded value, `<uniq>_ovf` the overflow flag.
#include "rtl/verilog_cast.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace nnsim {
namespace {

using i128 = __int128;

bool is_identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    for (char c : s) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) return false;
    }
    return true;
}

/// A sized constant: the low `w` bits of v as w'h....
std::string hex_const(int w, uint64_t v) {
    if (w < 64) v &= (uint64_t(1) << w) - 1;
    std::ostringstream s;
    s << w << "'h" << std::hex << v;
    return s.str();
}

/// `{n{bit}}`, or the bit itself when n == 1.
std::string replicate(int n, const std::string& bit) {
    if (n == 1) return bit;
    return "{" + std::to_string(n) + "{" + bit + "}}";
}

/// Concatenation of parts (most significant first); no braces around a single part.
std::string concat(const std::vector<std::string>& parts) {
    if (parts.size() == 1) return parts[0];
    std::string s = "{";
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
    return s + "}";
}

/// Bit references into a named vector of `width` bits, viewed as an integer of unbounded width
/// (sign or zero extended above, zero below bit 0). Records which real bits are referenced.
class Bits {
  public:
    Bits(std::string name, int width, bool is_signed)
        : name_(std::move(name)), width_(width), signed_(is_signed), used_(size_t(width), false) {}

    /// One bit; "1'b0" below bit 0 or above an unsigned vector.
    std::string bit(int i) {
        if (i < 0 || (i >= width_ && !signed_)) return "1'b0";
        return slice(std::min(i, width_ - 1), std::min(i, width_ - 1));
    }
    std::string sign() { return bit(width_ - 1 + (signed_ ? 0 : 1)); }

    /// Bits [hi:lo] (hi >= lo) of the extended integer, as an expression of exactly hi-lo+1 bits.
    std::string field(int hi, int lo) {
        std::vector<std::string> parts;
        if (hi >= width_) {
            const int n = hi - std::max(lo, width_) + 1;
            parts.push_back(signed_ ? replicate(n, bit(width_ - 1)) : zeros(n));
        }
        const int top = std::min(hi, width_ - 1), bottom = std::max(lo, 0);
        if (top >= bottom) parts.push_back(slice(top, bottom));
        if (lo < 0) parts.push_back(zeros(std::min(hi, -1) - lo + 1));
        return concat(parts);
    }

    /// OR of real bits [hi:lo], 0 <= lo <= hi < width.
    std::string any(int hi, int lo) {
        if (hi == lo) return slice(hi, lo);
        return "(|" + slice(hi, lo) + ")";
    }

    bool all_used() const {
        for (bool u : used_) {
            if (!u) return false;
        }
        return true;
    }

  private:
    static std::string zeros(int n) { return std::to_string(n) + "'d0"; }

    std::string slice(int hi, int lo) {
        for (int i = lo; i <= hi; ++i) used_[size_t(i)] = true;
        if (hi == width_ - 1 && lo == 0) return name_;  // whole vector: also right for a scalar net
        if (hi == lo) return name_ + "[" + std::to_string(hi) + "]";
        return name_ + "[" + std::to_string(hi) + ":" + std::to_string(lo) + "]";
    }

    std::string name_;
    int width_;
    bool signed_;
    std::vector<bool> used_;
};

/// Could the rounded value of a `from` source shifted right by s (left by -s) leave the range of `to`
/// (or hit the signed minimum under SAT_SYM)? Conservative: true when unsure.
bool may_overflow(const SignalType& from, int s, bool rounds, const FixedType& to) {
    const int mag = from.is_signed ? from.width - 1 : from.width;  // |source| < 2^mag (or = for min)
    i128 lo, hi;
    if (s >= 0) {
        const int e = std::max(mag - s, 0);
        if (e > 100) return true;
        lo = from.is_signed ? -(i128(1) << e) : 0;
        hi = (i128(1) << e) - 1 + (rounds ? 1 : 0);
    } else {
        const int z = -s, e = mag + z;
        if (e > 100) return true;
        lo = from.is_signed ? -(i128(1) << e) : 0;
        hi = ((i128(1) << mag) - 1) << z;
    }
    const int w = to.width;
    const i128 tlo = to.is_signed ? -(i128(1) << (w - 1)) : 0;
    const i128 thi = to.is_signed ? (i128(1) << (w - 1)) - 1 : (i128(1) << w) - 1;
    if (lo < tlo || hi > thi) return true;
    return to.overflow == OverflowMode::kSatSym && to.is_signed && lo <= tlo;
}

}  // namespace

CastPlan plan_cast(const SignalType& from, const FixedType& to) {
    const int ws = from.width, w = to.width;
    // s > 0: drop s fraction bits (rounding); s < 0: append -s zero bits.
    int s = from.frac - to.frac();
    // Beyond ws + 1 dropped bits every further one is a copy of the sign: the floor (0 or -1), the half
    // bit (the sign) and the sticky bit (source != 0) are those of s = ws + 1.
    if (s > ws + 1) s = ws + 1;
    // Appending w or more zeros leaves zero low bits and a value that fits only when it is zero.
    if (s < -w) s = -w;

    RoundMode m = s > 0 ? to.round : RoundMode::kTrn;
    if (!from.is_signed) {
        // A non-negative source makes the sign-dependent modes coincide with simpler ones.
        if (m == RoundMode::kTrnZero) m = RoundMode::kTrn;
        if (m == RoundMode::kRndZero) m = RoundMode::kRndMinInf;
        if (m == RoundMode::kRndInf) m = RoundMode::kRnd;
        if (m == RoundMode::kRndConv && s == ws) m = RoundMode::kRndMinInf;  // the floor is 0: even
        if (s > ws) m = RoundMode::kTrn;  // less than half an LSB: every mode gives 0
    }
    if (m == RoundMode::kRndMinInf && s == 1) m = RoundMode::kTrn;  // needs a sticky bit; there is none
    CastPlan p;
    p.shift = s;
    p.mode = m;
    p.rounds = m != RoundMode::kTrn;
    p.overflow_logic = (to.overflow != OverflowMode::kWrap || to.sat_bits > 0) && may_overflow(from, s, p.rounds, to);
    p.rounded_width = std::max((from.is_signed ? ws : ws + 1) - s, 1) + (p.rounds ? 1 : 0);
    return p;
}

namespace {

/// Writes the cast of the source `x` into wire `out` (declared by the caller).
void emit_logic(std::ostream& o, Bits& x, const SignalType& from, const FixedType& to, const std::string& u,
                const std::string& out) {
    const int w = to.width;
    const CastPlan plan = plan_cast(from, to);
    const int s = plan.shift;
    const RoundMode m = plan.mode;

    // Rounding increment from the half bit h, the sticky OR of the bits below it, the sign of the
    // unrounded value and the floor's LSB (ties to even).
    std::string inc;
    if (m != RoundMode::kTrn) {
        const std::string h = x.bit(s - 1);
        const bool has_sticky = s >= 2;
        auto sticky_or = [&](const std::string& other) {
            return has_sticky ? "(" + x.any(s - 2, 0) + " | " + other + ")" : other;
        };
        switch (m) {
            case RoundMode::kTrnZero: inc = x.sign() + " & " + sticky_or(h); break;
            case RoundMode::kRnd: inc = h; break;
            case RoundMode::kRndZero: inc = h + " & " + sticky_or(x.sign()); break;
            case RoundMode::kRndMinInf: inc = h + " & " + x.any(s - 2, 0); break;
            case RoundMode::kRndInf: inc = h + " & " + sticky_or("~" + x.sign()); break;
            case RoundMode::kRndConv: inc = h + " & " + sticky_or(x.bit(s)); break;
            case RoundMode::kTrn: break;
        }
    }
    const bool rounds = plan.rounds;
    const std::string rnd = u + "_rnd";
    if (rounds) {
        o << "    wire " << rnd << ";\n";
        o << "    assign " << rnd << " = " << inc << ";\n";
    }

    if (!plan.overflow_logic) {
        // The result is the low w bits of floor + increment: wires only without rounding.
        const std::string low = x.field(s + w - 1, s);
        if (!rounds) {
            o << "    assign " << out << " = " << low << ";\n";
        } else if (w == 1) {
            o << "    assign " << out << " = " << low << " ^ " << rnd << ";\n";
        } else {
            o << "    assign " << out << " = " << low << " + {" << (w - 1) << "'d0, " << rnd << "};\n";
        }
        return;
    }

    // v: the rounded value as a signed vector wide enough to hold it exactly (one bit more than the
    // floor when rounding can carry out).
    const int wv = plan.rounded_width, wq = wv - (rounds ? 1 : 0);
    const std::string floor_bits = x.field(s + wv - 1, s);
    std::string v = u + "_v";
    if (!rounds && is_identifier(floor_bits)) {
        v = floor_bits;  // the whole source as it is (same width and scale)
    } else {
        o << "    wire [" << (wv - 1) << ":0] " << v << ";\n";
        o << "    assign " << v << " = " << floor_bits;
        if (rounds) o << " + {" << wq << "'d0, " << rnd << "}";
        o << ";\n";
    }
    Bits vb(v, wv, true);
    const std::string neg = vb.sign();

    // Overflow: the bits above the destination are not all copies of its sign (signed) or not all
    // zero (unsigned, which also catches negative values); SAT_SYM also rejects the signed minimum.
    std::string ovf;
    if (to.is_signed) {
        if (wv > w) {
            const std::string hb = v + "[" + std::to_string(wv - 1) + ":" + std::to_string(w - 1) + "]";
            ovf = "(|" + hb + ") & ~(&" + hb + ")";
        }
        if (to.overflow == OverflowMode::kSatSym && wv >= w) {
            const std::string smin = hex_const(w, uint64_t(1) << (w - 1));
            const std::string min_test = "(" + vb.field(w - 1, 0) + " == " + smin + ")";
            ovf = ovf.empty() ? min_test : "(" + ovf + ") | " + min_test;
        }
        if (ovf.empty()) ovf = "1'b0";
    } else {
        ovf = wv - 1 >= w ? "(|" + v + "[" + std::to_string(wv - 1) + ":" + std::to_string(w) + "])" : neg;
    }
    const std::string ov = u + "_ovf";
    o << "    wire " << ov << ";\n";
    o << "    assign " << ov << " = " << ovf << ";\n";

    const std::string val = vb.field(w - 1, 0);  // the low w bits: the result when in range, or wrapped
    const uint64_t ones = w == 64 ? ~uint64_t(0) : (uint64_t(1) << w) - 1;
    const uint64_t smax = ones >> 1;  // signed maximum
    std::string sat;
    switch (to.overflow) {
        case OverflowMode::kSat:
        case OverflowMode::kSatSym:
            if (!to.is_signed) {
                sat = "(" + neg + " ? " + hex_const(w, 0) + " : " + hex_const(w, ones) + ")";
            } else if (to.overflow == OverflowMode::kSat) {
                sat = "(" + neg + " ? " + hex_const(w, smax + 1) + " : " + hex_const(w, smax) + ")";
            } else {
                sat = "(" + neg + " ? " + hex_const(w, ~smax + 1) + " : " + hex_const(w, smax) + ")";
            }
            break;
        case OverflowMode::kSatZero: sat = hex_const(w, 0); break;
        case OverflowMode::kWrap: {
            // The n most significant bits saturate, the rest wrap. Signed: the sign follows the value and
            // the next n-1 bits its inverse; unsigned: all ones when too large, zeros when negative.
            const int n = std::min(to.sat_bits, w);
            std::vector<std::string> parts;
            if (to.is_signed) {
                parts.push_back(neg);
                if (n > 1) parts.push_back(replicate(n - 1, "~" + neg));
            } else {
                parts.push_back(replicate(n, "~" + neg));
            }
            if (n < w) parts.push_back(vb.field(w - n - 1, 0));
            sat = concat(parts);
            break;
        }
    }
    o << "    assign " << out << " = " << ov << " ? " << sat << " : " << val << ";\n";
}

}  // namespace

std::string emit_cast(std::ostream& body, const std::string& src, const SignalType& from, const FixedType& to,
                      const std::string& uniq) {
    if (from.width < 1 || from.width > 128) {
        throw std::invalid_argument("emit_cast: source width " + std::to_string(from.width) +
                                    " not in 1..128");
    }
    if (to.width < 1 || to.width > 64) {
        throw std::invalid_argument("emit_cast: destination width " + std::to_string(to.width) +
                                    " not in 1..64");
    }
    const std::string out = uniq + "_o";
    const std::string copy = uniq + "_s";

    // First pass into a scratch stream only to learn which source bits the logic reads.
    std::ostringstream scratch;
    Bits probe(copy, from.width, from.is_signed);
    emit_logic(scratch, probe, from, to, uniq, out);

    // A named signal whose bits are all read is used in place. Otherwise the source goes through a
    // local copy: expressions cannot be sliced, and a partly read copy keeps Verilator's unused-bit
    // warning off the caller's signal (it is silenced here, locally).
    const bool direct = is_identifier(src) && probe.all_used();
    if (!direct) {
        const bool partial = !probe.all_used();
        if (partial) body << "    /* verilator lint_off UNUSEDSIGNAL */\n";
        body << "    wire [" << (from.width - 1) << ":0] " << copy << ";\n";
        if (partial) body << "    /* verilator lint_on UNUSEDSIGNAL */\n";
        body << "    assign " << copy << " = " << src << ";\n";
    }
    body << "    wire [" << (to.width - 1) << ":0] " << out << ";\n";
    Bits x(direct ? src : copy, from.width, from.is_signed);
    emit_logic(body, x, from, to, uniq, out);
    return out;
}

}  // namespace nnsim
