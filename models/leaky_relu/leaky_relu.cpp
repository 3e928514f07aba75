// Leaky ReLU kind (leaky_relu.hpp). alpha is quantized to the `param` type; the product alpha * x is
// formed at full precision and cast once to result_t, as hls4ml's `res = alpha * datareg`.
#include "models/leaky_relu/leaky_relu.hpp"

#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

std::vector<ParamSpec> LeakyReluKind::params() const {
    return {{"alpha", ParamType::kFloat, 0.3, false, "slope for negative inputs (Keras default 0.3)", {}, -1e6, 1e6}};
}

std::vector<PrecisionVarSpec> LeakyReluKind::precision_vars() const {
    return {{"param", "type of alpha", ""}, {"result", "type of the layer output", ""}};
}

std::unique_ptr<LayerOp> LeakyReluKind::compile(const Node& n, const NodeInputs& in) const {
    const int f = in.types[0].frac();
    const FixedType& pt = n.type("param");
    const int64_t alpha_raw = cast_double(n.get_float("alpha"), pt);
    const int fa = f + pt.frac();
    const double alpha = n.get_float("alpha");
    return make_unary_op(
        n,
        [f, fa, alpha_raw](int64_t x) {
            if (x > 0) return Exact{x, f};
            return Exact{__int128(x) * alpha_raw, fa};
        },
        [alpha](double x) { return x > 0 ? x : alpha * x; });
}

// RTL: both branches cast to result_t (x, and the full product alpha * x), then a multiplexer.
std::string LeakyReluKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                       const FixedType& res, const std::string& uniq) const {
    const FixedType& pt = node.type("param");
    const int64_t alpha_raw = cast_double(node.get_float("alpha"), pt);
    const int w = in.width;
    const int pw = in.width + pt.width + (in.is_signed != pt.is_signed ? 1 : 0);
    const bool sgn = in.is_signed || pt.is_signed;
    const std::string xe = extend(x, w, pw, in.is_signed);
    os << "    wire [" << pw - 1 << ":0] " << uniq << "_xe = " << xe << ";\n";
    os << "    wire [" << pw - 1 << ":0] " << uniq << "_prod = "
       << (sgn ? "$signed(" + uniq + "_xe) * $signed(" + vconst(pw, alpha_raw) + ")"
               : uniq + "_xe * " + vconst(pw, alpha_raw))
       << ";\n";
    const std::string pos = in.is_signed ? "(~" + x + "[" + std::to_string(w - 1) + "] & (|" + x + "))" : "(|" + x + ")";
    const std::string a = emit_cast(os, x, signal_type(in), res, uniq + "_p");
    const std::string b = emit_cast(os, uniq + "_prod", SignalType{pw, in.frac() + pt.frac(), sgn}, res, uniq + "_n");
    os << "    wire [" << res.width - 1 << ":0] " << uniq << "_y = " << pos << " ? " << a << " : " << b << ";\n";
    return uniq + "_y";
}

}  // namespace nnsim
