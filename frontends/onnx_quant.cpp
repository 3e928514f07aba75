// QONNX quantizers -> nnsim precisions (onnx_importer.hpp), as hls4ml's QONNX flow folds them:
//  - Quant(x, scale, zero_point, bitwidth) with a power-of-two scalar scale s = 2^e, zero point 0 and
//    an integer bit width W is the fixed-point type <W, W + e> (ufixed when signed=0), rounding as
//    rounding_mode (ROUND: to nearest, ties to even = AP_RND_CONV; FLOOR: AP_TRN; ROUND_TO_ZERO:
//    AP_TRN_ZERO) and saturating (narrow: symmetric saturation, AP_SAT_SYM).
//    On a constant (weights, bias) the values are quantized here and the type becomes the consuming
//    layer's weight or bias precision. On a computed tensor the type becomes the result precision of
//    the layer that produced it (or of the network input) when nothing else reads that tensor, else
//    a `linear` layer with that result precision is added.
//  - BipolarQuant on a constant: the values become +-scale (x >= 0 gives +scale), type <2, 2 + e>; on a
//    computed tensor with scale 1: a bipolar (sign) layer with result type <2, 2>.
//  - Trunc(x, scale, zero_point, in_bitwidth, out_bitwidth) on a computed tensor: drops the
//    in_bitwidth - out_bitwidth low bits: type <out, out + e + in - out>, rounding_mode FLOOR by default.
// Anything else (a scale that is not a power of two or differs per channel, a non-zero zero point, a
// sign activation with a scale other than 1) is a one-line error naming the node.
#include <onnx/onnx_pb.h>

#include <cmath>

#include "frontends/onnx_importer.hpp"

namespace nnsim {

namespace {

/// Round x as the QONNX rounding mode does.
double qonnx_round(double x, RoundMode mode) {
    switch (mode) {
    case RoundMode::kTrn: return std::floor(x);
    case RoundMode::kTrnZero: return std::trunc(x);
    default: return std::nearbyint(x);  // ties to even in the default floating-point environment
    }
}

}  // namespace

namespace {

/// The fixed-point type of a QONNX quantizer, or an error message.
std::string quant_type(const OnnxConst& scale, const OnnxConst& zero, double bits, bool is_signed, bool narrow,
                       const std::string& rounding, FixedType& t) {
    int e = 0;
    if (!onnx_power_of_two(scale.data, e))
        return "the scale is not one power of two (per-channel or other scales cannot be expressed as one fixed-point "
               "type)";
    for (double z : zero.data)
        if (z != 0) return "a non-zero zero point cannot be expressed as a fixed-point type";
    if (bits != std::floor(bits) || bits < 1 || bits > 64)
        return "the bit width must be an integer from 1 to 64, got " + std::to_string(bits);
    t = FixedType{};
    t.width = int(bits);
    t.integer = int(bits) + e;
    t.is_signed = is_signed;
    if (rounding == "ROUND") t.round = RoundMode::kRndConv;
    else if (rounding == "FLOOR") t.round = RoundMode::kTrn;
    else if (rounding == "ROUND_TO_ZERO") t.round = RoundMode::kTrnZero;
    else return "rounding_mode '" + rounding + "' is not supported (ROUND, FLOOR, ROUND_TO_ZERO)";
    if (narrow && !is_signed) return "narrow unsigned quantization (maximum 2^W - 2) cannot be expressed as a fixed-point type";
    t.overflow = narrow ? OverflowMode::kSatSym : OverflowMode::kSat;
    return "";
}

}  // namespace

void OnnxImporter::op_quant(const onnx::NodeProto& n) {
    const OnnxConst& scale = constant(n, 1, "scale");
    const OnnxConst& zero = constant(n, 2, "zero point");
    const OnnxConst& bits = constant(n, 3, "bit width");
    if (bits.data.size() != 1) fail(n, "the bit width must be a scalar");
    const bool is_signed = attr_int(n, "signed", 1) != 0, narrow = attr_int(n, "narrow", 0) != 0;
    FixedType t;
    const std::string err =
        quant_type(scale, zero, bits.data[0], is_signed, narrow, attr_string(n, "rounding_mode", "ROUND"), t);
    if (!err.empty()) fail(n, err);
    if (is_const(n.input(0))) {
        OnnxConst c = m_consts.at(n.input(0));
        const double lsb = std::ldexp(1.0, t.integer - t.width);
        const double hi = double(t.raw_max()), lo = narrow ? -hi : double(t.raw_min());
        for (double& v : c.data) v = std::min(hi, std::max(lo, qonnx_round(v / lsb, t.round))) * lsb;
        FixedType exact = t;  // the values are exact: plain truncation and wrapping suffice
        exact.round = RoundMode::kTrn, exact.overflow = OverflowMode::kWrap;
        c.type = exact;
        return set_output(n, std::move(c));
    }
    const OnnxTensor& x = tensor(n, 0);
    const std::string& src = n.input(0);
    const bool sole_reader = readers(src) == 1;
    if (sole_reader) {
        for (const auto& in : graph().inputs)
            if (in.name == x.nnsim && !result_quantized(in.name)) {
                pin(in.name, "result", t);
                return set_output(n, x);
            }
        if (Node* p = producer_of(src); p != nullptr && !result_quantized(p->name)) {
            pin(p->name, "result", t);
            m_created[n.output(0)] = p->name;
            return set_output(n, x);
        }
    }
    Node& lin = add_node(n, "linear", {x.nnsim}, nnsim_shape(x.nnsim));
    pin(lin.name, "result", t);
    OnnxTensor out = x;
    out.nnsim = lin.name;
    set_output(n, out);
}

void OnnxImporter::op_bipolar_quant(const onnx::NodeProto& n) {
    const OnnxConst& scale = constant(n, 1, "scale");
    int e = 0;
    if (!onnx_power_of_two(scale.data, e)) fail(n, "the scale is not one power of two");
    if (!is_const(n.input(0))) {
        // A sign activation: the bipolar kind, whose +-1 fit fixed<2,2>.
        if (e != 0) fail(n, "a sign activation with a scale other than 1 is not supported");
        const OnnxTensor& x = tensor(n, 0);
        Node& b = add_node(n, "bipolar", {x.nnsim}, nnsim_shape(x.nnsim));
        FixedType t;
        t.width = 2, t.integer = 2, t.is_signed = true;
        pin(b.name, "result", t);
        OnnxTensor out = x;
        out.nnsim = b.name;
        return set_output(n, out);
    }
    OnnxConst c = m_consts.at(n.input(0));
    const double s = std::ldexp(1.0, e);
    for (double& v : c.data) v = v >= 0 ? s : -s;
    FixedType t;
    t.width = 2, t.integer = 2 + e, t.is_signed = true;
    c.type = t;
    set_output(n, std::move(c));
}

void OnnxImporter::op_trunc(const onnx::NodeProto& n) {
    const OnnxConst& scale = constant(n, 1, "scale");
    const OnnxConst& zero = constant(n, 2, "zero point");
    const OnnxConst& in_bits = constant(n, 3, "input bit width");
    const OnnxConst& out_bits = constant(n, 4, "output bit width");
    if (is_const(n.input(0))) fail(n, "truncating a constant is not supported");
    if (in_bits.data.size() != 1 || out_bits.data.size() != 1) fail(n, "the bit widths must be scalars");
    const double in_w = in_bits.data[0], out_w = out_bits.data[0];
    if (out_w > in_w) fail(n, "the output bit width exceeds the input bit width");
    FixedType t;
    const std::string err = quant_type(scale, zero, out_w, attr_int(n, "signed", 1) != 0, false,
                                       attr_string(n, "rounding_mode", "FLOOR"), t);
    if (!err.empty()) fail(n, err);
    t.integer += int(in_w - out_w);
    t.overflow = OverflowMode::kWrap;  // the input fits in_bitwidth bits: nothing overflows
    const OnnxTensor& x = tensor(n, 0);
    Node& lin = add_node(n, "linear", {x.nnsim}, nnsim_shape(x.nnsim));
    pin(lin.name, "result", t);
    OnnxTensor out = x;
    out.nnsim = lin.name;
    set_output(n, out);
}

}  // namespace nnsim
