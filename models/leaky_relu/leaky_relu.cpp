// Leaky ReLU kind (leaky_relu.hpp). alpha is quantized to the `param` type; the product alpha * x is
// formed at full precision and cast once to result_t, as hls4ml's `res = alpha * datareg`.
#include "models/leaky_relu/leaky_relu.hpp"

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

}  // namespace nnsim
