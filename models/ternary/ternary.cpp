// Ternary kind (ternary.hpp). hls4ml doubles the input in its own type first (datareg = 2 * x, so the
// type's overflow mode applies: WRAP drops the top bit, SAT clamps), then compares with +-1: with F
// fraction bits, 2x > 1 is raw(2x) > 2^F and 2x <= -1 is raw(2x) <= -2^F (F >= 0); with F < 0 every
// non-zero raw value is at least 2 in magnitude, so the tests are raw > 0 and raw < 0.
#include "models/ternary/ternary.hpp"

#include <cmath>

#include "core/fixed.hpp"
#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// The raw thresholds of the input type: 1 when raw(2x) > hi, -1 when raw(2x) <= lo.
void thresholds(const FixedType& in, __int128& hi, __int128& lo) {
    const int f = in.frac();
    hi = f >= 0 ? (__int128(1) << std::min(f, 100)) : 0;
    lo = f >= 0 ? -hi : -1;
}

}  // namespace

std::unique_ptr<LayerOp> TernaryKind::compile(const Node& n, const NodeInputs& in) const {
    __int128 hi, lo;
    const FixedType t = in.types[0];
    thresholds(t, hi, lo);
    const int f = t.frac();
    return make_unary_op(
        n,
        [hi, lo, t, f](int64_t x) {
            const int64_t d = cast(int64_t(2) * x, f, t);  // 2 * x back in the input type
            return Exact{d > hi ? 1 : d <= lo ? -1 : 0, 0};
        },
        [](double x) { return 2 * x > 1 ? 1.0 : 2 * x <= -1 ? -1.0 : 0.0; });
}

// RTL: 2x in the input type (a shift, then the type's overflow), two comparisons with constants (left
// out where the input type cannot reach them) choose the two-bit constant +1, -1 or 0, then the cast
// to result_t.
std::string TernaryKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                     const FixedType& res, const std::string& uniq) const {
    (void)node;
    __int128 hi, lo;
    thresholds(in, hi, lo);
    const bool can_hi = hi < in.raw_max(), can_lo = lo >= in.raw_min();
    const std::string dbl = uniq + "_2x";
    os << "    wire [" << in.width << ":0] " << dbl << " = {" << x << ", 1'b0};\n";
    const std::string d = emit_cast(os, dbl, SignalType{in.width + 1, in.frac(), in.is_signed}, in, uniq + "_d");
    const int w = in.width + 2;
    const std::string xs = uniq + "_x";
    os << "    wire signed [" << w - 1 << ":0] " << xs << " = " << extend(d, in.width, w, in.is_signed) << ";\n";
    const std::string up = can_hi ? "(" + xs + " > $signed(" + vconst(w, int64_t(hi)) + "))" : "1'b0";
    const std::string down = can_lo ? "(" + xs + " <= $signed(" + vconst(w, int64_t(lo)) + "))" : "1'b0";
    if (!can_hi && !can_lo) os << "    wire " << uniq << "_unused_bits = ^" << xs << ";\n";
    os << "    wire [1:0] " << uniq << "_t = " << up << " ? 2'b01 : (" << down << " ? 2'b11 : 2'b00);\n";
    return emit_cast(os, uniq + "_t", SignalType{2, 0, true}, res, uniq + "_c");
}

Resources TernaryKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const int elems = int(shape_size(n.shape));
    const int wi = in.types[0].width, wo = n.type("result").width;
    const Timing t = timing(n, in, io);
    Resources r;
    // Two comparisons with constants (a carry chain of about W/2 LUTs each), two result flip-flops.
    r.lut = double(elems) * (2.0 * std::ceil(wi / 2.0) + 1);
    r.ff = 2.0 * elems;
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, elems * wo, /*held=*/1);
    return r;
}

}  // namespace nnsim
