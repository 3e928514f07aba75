// ReLU kind (relu.hpp). The comparison is on the input value; only the final cast can overflow.
#include "models/relu/relu.hpp"

namespace nnsim {

std::unique_ptr<LayerOp> ReluKind::compile(const Node& n, const NodeInputs& in) const {
    const int f = in.types[0].frac();
    return make_unary_op(
        n, [f](int64_t x) { return Exact{x > 0 ? x : 0, f}; }, [](double x) { return x > 0 ? x : 0.0; });
}

}  // namespace nnsim
