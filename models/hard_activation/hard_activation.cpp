// Hard activation kind (hard_activation.hpp). With x of F_x fraction bits, slope of F_s and shift of
// F_h, every term is brought to F = max(F_x + F_s, F_h, 0) fraction bits: s = slope * x * 2^(F - F_x -
// F_s) + shift * 2^(F - F_h), one = 2^F; s is clipped to [0, one], and hard_tanh takes 2s - one. The
// value is exact (as hls4ml's ap_fixed arithmetic is); only the final cast to result_t rounds.
#include "models/hard_activation/hard_activation.hpp"

#include <algorithm>
#include <cmath>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// The constants of a node for an input of type `in`, on the common scale.
struct HardPlan {
    int64_t slope = 0, shift = 0;  ///< raw values in their types
    int x_shift = 0, h_shift = 0;  ///< left shifts of the product and of the shift to F
    int frac = 0;                  ///< F
    bool tanh = false;
};

HardPlan plan(const Node& n, const FixedType& in) {
    HardPlan p;
    const FixedType& st = n.type("slope");
    const FixedType& ht = n.type("shift");
    p.slope = cast_double(n.get_float("slope"), st);
    p.shift = cast_double(n.get_float("shift"), ht);
    p.frac = std::max({in.frac() + st.frac(), ht.frac(), 0});
    p.x_shift = p.frac - in.frac() - st.frac();
    p.h_shift = p.frac - ht.frac();
    p.tanh = n.get_string("function") == "hard_tanh";
    return p;
}

Exact evaluate(const HardPlan& p, int64_t x) {
    const __int128 one = __int128(1) << p.frac;
    __int128 s = (__int128(x) * p.slope << p.x_shift) + (__int128(p.shift) << p.h_shift);
    s = std::min(std::max(s, __int128(0)), one);
    return Exact{p.tanh ? 2 * s - one : s, p.frac};
}

/// Width of the signed datapath: the product, the shift and 2 * one fit with room for the sign.
int datapath_width(const HardPlan& p, const FixedType& in, const Node& n) {
    const int product = in.width + n.type("slope").width + 1 + p.x_shift;
    const int shift = n.type("shift").width + 1 + p.h_shift;
    return std::max({product, shift, p.frac + 2}) + 2;
}

}  // namespace

std::vector<ParamSpec> HardActivationKind::params() const {
    return {{"function", ParamType::kString, std::string("hard_sigmoid"), false, "hard_sigmoid or hard_tanh",
             {"hard_sigmoid", "hard_tanh"}},
            {"slope", ParamType::kFloat, 0.2, false, "slope (Keras's hard_sigmoid 0.2; QKeras 0.5)", {}, 0, 1e6},
            {"shift", ParamType::kFloat, 0.5, false, "shift (0.5 for both)", {}, 0, 1e6}};
}

std::vector<PrecisionVarSpec> HardActivationKind::precision_vars() const {
    return {{"slope", "type of the slope (hls4ml slope_t)", "ufixed<16,0>"},
            {"shift", "type of the shift (hls4ml shift_t)", "ufixed<2,0>"},
            {"result", "type of the layer output", ""}};
}

void HardActivationKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    UnaryKind::infer(n, in, diag);
    const HardPlan p = plan(n, in.types[0]);
    if (p.frac > 60 || datapath_width(p, in.types[0], n) > 120)
        diag.error("", "input, slope and shift types need " + std::to_string(p.frac) +
                           " fraction bits together (at most 60 supported)");
}

std::unique_ptr<LayerOp> HardActivationKind::compile(const Node& n, const NodeInputs& in) const {
    const HardPlan p = plan(n, in.types[0]);
    const double slope = n.get_float("slope"), shift = n.get_float("shift");
    const bool tanh = p.tanh;
    return make_unary_op(
        n, [p](int64_t x) { return evaluate(p, x); },
        [slope, shift, tanh](double x) {
            const double s = std::min(std::max(slope * x + shift, 0.0), 1.0);
            return tanh ? 2 * s - 1 : s;
        });
}

// RTL: the same datapath in one signed expression per step: product and shift on the common scale,
// the clip (a sign test and a comparison with one), hard_tanh's 2s - one, then the cast to result_t.
std::string HardActivationKind::rtl_element(std::ostream& os, const Node& n, const std::string& x,
                                            const FixedType& in, const FixedType& res, const std::string& uniq) const {
    const HardPlan p = plan(n, in);
    const int w = datapath_width(p, in, n);
    const std::string W = std::to_string(w - 1);
    const auto sconst = [&](int64_t v, int shift) {
        return "($signed(" + vconst(w, v) + ") <<< " + std::to_string(shift) + ")";
    };
    os << "    wire signed [" << W << ":0] " << uniq << "_x = " << extend(x, in.width, w, in.is_signed) << ";\n"
       << "    wire signed [" << W << ":0] " << uniq << "_s = ((" << uniq << "_x * $signed(" << vconst(w, p.slope)
       << ")) <<< " << p.x_shift << ") + " << sconst(p.shift, p.h_shift) << ";\n"
       << "    wire signed [" << W << ":0] " << uniq << "_c = " << uniq << "_s[" << W << "] ? " << vconst(w, 0)
       << " : (" << uniq << "_s > " << sconst(1, p.frac) << " ? " << sconst(1, p.frac) << " : " << uniq << "_s);\n";
    std::string v = uniq + "_c";
    if (p.tanh) {
        os << "    wire signed [" << W << ":0] " << uniq << "_t = (" << v << " <<< 1) - " << sconst(1, p.frac) << ";\n";
        v = uniq + "_t";
    }
    return emit_cast(os, v, SignalType{w, p.frac, true}, res, uniq + "_r");
}

// Per element: the constant product (a shift when the slope is a power of two, else a DSP or
// shift-and-add LUTs as Yosys maps it), the clip (a comparison and a three-way choice: about one LUT
// per input bit), the cast and the result register; plus the valid bit and the timing shell. On the
// test design of tests/cli/test_qkeras.py (fixed<12,4> inputs, slopes 0.2 and 0.5): LUTs -8 % and +7 %.
Resources HardActivationKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& rt = n.type("result");
    const HardPlan p = plan(n, x);
    const double elems = double(shape_size(n.shape));
    Resources r;
    const int cw = res::const_width(p.slope, false);
    if (p.slope != 0 && !res::is_pow2_abs(p.slope)) {
        const int dsp = res::mul_dsps(x.width, x.is_signed, cw + 1, true, x.width + cw);
        r.dsp += dsp * elems;
        if (dsp == 0) r.lut += elems * double(x.width) * cw / 2.0;
    }
    r.lut += elems * (x.width + 2 + res::cast_luts(SignalType{datapath_width(p, x, n), p.frac, true}, rt));
    r.ff += elems * rt.width;
    const Timing t = timing(n, in, io);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, int(elems) * rt.width, /*held=*/1);
    return r;
}

}  // namespace nnsim
