// Bipolar kind (bipolar.hpp): the sign of the input as the integer +1 or -1, cast to result_t (which
// must hold both, e.g. fixed<2,2>); the float path gives the same +-1.
#include "models/bipolar/bipolar.hpp"

#include <cmath>

#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

std::vector<ParamSpec> BipolarKind::params() const {
    return {{"zero", ParamType::kInt, int64_t(1), false,
             "the output for x = 0: +1 (QONNX BipolarQuant) or -1 (hls4ml binary_tanh)", {}, -1, 1}};
}

std::unique_ptr<LayerOp> BipolarKind::compile(const Node& n, const NodeInputs& in) const {
    (void)in;
    const int64_t zero = n.get_int("zero") < 0 ? -1 : 1;
    return make_unary_op(
        n, [zero](int64_t x) { return Exact{x > 0 ? 1 : x < 0 ? -1 : zero, 0}; },
        [zero](double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : double(zero); });
}

// RTL: the sign bit (and, with zero = -1, "not zero") chooses the two-bit constant -1 or +1, then the
// cast to result_t.
std::string BipolarKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                     const FixedType& res, const std::string& uniq) const {
    const std::string neg = in.is_signed ? bit_of(x, in.width - 1) : "1'b0";
    if (node.get_int("zero") < 0) {
        os << "    wire [1:0] " << uniq << "_sign = (" << neg << " | (" << x << " == " << vconst(in.width, 0)
           << ")) ? 2'b11 : 2'b01;\n";
    } else {
        os << "    wire [1:0] " << uniq << "_sign = " << neg << " ? 2'b11 : 2'b01;\n";
        // Only the sign bit matters; Verilator's lint ignores signals named *unused*.
        os << "    wire " << uniq << "_unused_bits = ^" << x << ";\n";
    }
    return emit_cast(os, uniq + "_sign", SignalType{2, 0, true}, res, uniq + "_c");
}

Resources BipolarKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    // Result register and shell.
    const int elems = int(shape_size(n.shape));
    const int wo = n.type("result").width;
    const Timing t = timing(n, in, io);
    Resources r;
    // Every result bit is the sign bit or a constant: one flip-flop per element, no per-element LUT
    // (with zero = -1 a zero test of the input: about W/6 LUTs).
    r.ff = double(elems);
    if (n.get_int("zero") < 0) r.lut += double(elems) * std::ceil(in.types[0].width / 6.0);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, elems * wo, /*held=*/1);
    return r;
}

}  // namespace nnsim
