// Bipolar kind (bipolar.hpp): the sign of the input as the integer +1 or -1, cast to result_t (which
// must hold both, e.g. fixed<2,2>); the float path gives the same +-1.
#include "models/bipolar/bipolar.hpp"

#include <cmath>

#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

std::unique_ptr<LayerOp> BipolarKind::compile(const Node& n, const NodeInputs& in) const {
    (void)in;
    return make_unary_op(
        n, [](int64_t x) { return Exact{x >= 0 ? 1 : -1, 0}; }, [](double x) { return x >= 0 ? 1.0 : -1.0; });
}

// RTL: the sign bit chooses the two-bit constant -1 or +1, then the cast to result_t.
std::string BipolarKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                     const FixedType& res, const std::string& uniq) const {
    (void)node;
    const std::string neg = in.is_signed ? x + "[" + std::to_string(in.width - 1) + "]" : "1'b0";
    os << "    wire [1:0] " << uniq << "_sign = " << neg << " ? 2'b11 : 2'b01;\n";
    // Only the sign bit matters; Verilator's lint ignores signals named *unused*.
    os << "    wire " << uniq << "_unused_bits = ^" << x << ";\n";
    return emit_cast(os, uniq + "_sign", SignalType{2, 0, true}, res, uniq + "_c");
}

Resources BipolarKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    (void)in;
    // Result register and shell.
    const int elems = int(shape_size(n.shape));
    const int wo = n.type("result").width;
    const Timing t = timing(n, in, io);
    Resources r;
    // Every result bit is the sign bit or a constant: one flip-flop per element, no per-element LUT.
    r.ff = double(elems);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, elems * wo, /*held=*/1);
    return r;
}

}  // namespace nnsim
