// Clipped ReLU kind (clipped_relu.hpp). As hls4ml's relu_max: x < 0 gives 0, x > max_value gives
// result_t(max_value), anything else result_t(x). The comparison is exact: x > max_value exactly when
// the raw input exceeds floor(max_value * 2^F).
#include "models/clipped_relu/clipped_relu.hpp"

#include <cmath>

#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// floor(max_value * 2^f) as a raw value of the input's scale, saturated to 64 bits.
int64_t threshold(double max_value, const FixedType& in) {
    const FixedType scale{64, 64 - in.frac(), true, RoundMode::kTrn, OverflowMode::kSat, 0};
    return cast_double(max_value, scale);
}

}  // namespace

std::vector<ParamSpec> ClippedReluKind::params() const {
    return {{"max_value", ParamType::kFloat, 6.0, true, "upper clipping bound (1 for relu1, 6 for relu6)", {}, 1e-30, 1e30}};
}

std::unique_ptr<LayerOp> ClippedReluKind::compile(const Node& n, const NodeInputs& in) const {
    const int f = in.types[0].frac();
    const double max_value = n.get_float("max_value");
    const int64_t thr = threshold(max_value, in.types[0]);
    const FixedType& res = n.type("result");
    const int64_t max_res = cast_double(max_value, res);
    const int fr = res.frac();
    return make_unary_op(
        n,
        [f, thr, max_res, fr](int64_t x) {
            if (x < 0) return Exact{0, f};
            if (x > thr) return Exact{max_res, fr};
            return Exact{x, f};
        },
        [max_value](double x) { return x < 0 ? 0.0 : (x > max_value ? max_value : x); });
}

// RTL: the same three-way choice; the comparison uses the input width plus one bit so that a threshold
// beyond the input's range never matches.
std::string ClippedReluKind::rtl_element(std::ostream& os, const Node& node, const std::string& x,
                                         const FixedType& in, const FixedType& res, const std::string& uniq) const {
    const double max_value = node.get_float("max_value");
    const int64_t thr = threshold(max_value, in);
    const int64_t max_res = cast_double(max_value, res);
    const int w = in.width;
    const std::string neg = in.is_signed ? x + "[" + std::to_string(w - 1) + "]" : "1'b0";
    const bool never = thr >= in.raw_max();
    std::string gt = "1'b0";
    if (!never) {
        // x is known non-negative here, so an unsigned compare of x's value bits suffices.
        os << "    wire " << uniq << "_gt = " << x << " > " << vconst(w, thr) << ";\n";
        gt = uniq + "_gt";
    }
    const std::string c = emit_cast(os, x, signal_type(in), res, uniq + "_c");
    os << "    wire [" << res.width - 1 << ":0] " << uniq << "_y = " << neg << " ? " << vconst(res.width, 0) << " : ("
       << gt << " ? " << vconst(res.width, max_res) << " : " << c << ");\n";
    return uniq + "_y";
}

}  // namespace nnsim
