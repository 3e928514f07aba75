// ReLU kind (relu.hpp). The comparison is on the input value; only the final cast can overflow.
#include "models/relu/relu.hpp"

#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

std::unique_ptr<LayerOp> ReluKind::compile(const Node& n, const NodeInputs& in) const {
    return make_select_op(
        n, in.types[0], [](int64_t x) { return x > 0 ? x : int64_t(0); }, [](double x) { return x > 0 ? x : 0.0; });
}

// RTL: x when positive (sign bit clear and nonzero), else zero; then the cast to result_t.
std::string ReluKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                  const FixedType& res, const std::string& uniq) const {
    (void)node;
    // x itself where it is positive; negative inputs are rtl_zero_when's (and x = 0 casts to 0).
    return emit_cast(os, x, signal_type(in), res, uniq + "_c");
}

std::string ReluKind::rtl_zero_when(const std::string& x, const FixedType& in) const {
    return in.is_signed ? x + "[" + std::to_string(in.width - 1) + "]" : "";
}

}  // namespace nnsim
