// Verilog core of the element-wise merges (merge.hpp): per element, the exact intermediate of the
// evaluator, then the shared cast (rtl/verilog_cast.hpp), then the result register.
//   add, subtract, average: both inputs aligned to F = max(F_a, F_b) fraction bits (extended by each
//     input's signedness, one bit more for an unsigned input of a signed operation), one guard bit;
//     average reinterprets the same sum with F + 1 fraction bits.
//   multiply: both inputs extended to W_a + W_b (+1 for mixed signedness) bits, one multiplier.
//   maximum, minimum: both aligned to F without a guard bit, one comparator and a multiplexer; the
//     chosen aligned value is cast (the same real value as the chosen input).
// Timing: II 1, latency 1 (combinational from the accepted inputs, then the result register). Under
// io_stream the core sees one pixel.
#include <algorithm>
#include <sstream>

#include "models/common/merge.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

const char* op_word(MergeOp op) {
    switch (op) {
        case MergeOp::kAdd: return "Add";
        case MergeOp::kSubtract: return "Subtract";
        case MergeOp::kMultiply: return "Multiply";
        case MergeOp::kAverage: return "Average";
        case MergeOp::kMaximum: return "Maximum";
        case MergeOp::kMinimum: return "Minimum";
    }
    return "";
}

}  // namespace

void ElementwiseMergeKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const MergeOp o = op();
    const FixedType& a = spec.in_types[0];
    const FixedType& b = spec.in_types[1];
    const FixedType& res = spec.out_type;
    const MergeArith ar = merge_arith(o, a, b);
    const bool is_signed = a.is_signed || b.is_signed || o == MergeOp::kSubtract;
    const bool compare = o == MergeOp::kMaximum || o == MergeOp::kMinimum;
    // Width of each aligned input as a value of the operation's signedness.
    auto aligned_width = [&](const FixedType& t, int shift) {
        return t.width + shift + (is_signed && !t.is_signed ? 1 : 0);
    };
    const int aw = std::max(aligned_width(a, ar.shift_a), aligned_width(b, ar.shift_b));
    int ww = compare ? aw : aw + 1;  // width of the exact value
    if (o == MergeOp::kMultiply) ww = a.width + b.width + (a.is_signed != b.is_signed ? 1 : 0);
    emit_core_header(os, spec, std::string(op_word(o)) + " of layer " + n.name + ": " + a.to_string() + ", " +
                                   b.to_string() + " exact, then cast to " + res.to_string() + ".");
    // Extended first, then shifted: a bit select of a concatenation is not Verilog-2005.
    auto aligned = [&](const std::string& x, const FixedType& t, int shift, int width) {
        const std::string ext = extend(x, t.width, width - shift, t.is_signed);
        return shift > 0 ? "{" + ext + ", " + vconst(shift, 0) + "}" : ext;
    };
    auto sgn = [&](const std::string& x) { return is_signed ? "$signed(" + x + ")" : x; };
    std::ostringstream body;
    std::vector<std::string> y;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string id = "s" + std::to_string(i);
        body << "    wire [" << a.width - 1 << ":0] " << id << "_a = in_data["
             << spec.in_offset[0] + i * a.width << " +: " << a.width << "];\n"
             << "    wire [" << b.width - 1 << ":0] " << id << "_b = in_data["
             << spec.in_offset[1] + i * b.width << " +: " << b.width << "];\n";
        const std::string xa = aligned(id + "_a", a, ar.shift_a, ww), xb = aligned(id + "_b", b, ar.shift_b, ww);
        const std::string v = id + "_v";
        switch (o) {
            case MergeOp::kAdd:
            case MergeOp::kAverage:
                body << "    wire [" << ww - 1 << ":0] " << v << " = " << xa << " + " << xb << ";\n";
                break;
            case MergeOp::kSubtract:
                body << "    wire [" << ww - 1 << ":0] " << v << " = " << xa << " - " << xb << ";\n";
                break;
            case MergeOp::kMultiply:
                body << "    wire [" << ww - 1 << ":0] " << id << "_x = " << xa << ";\n"
                     << "    wire [" << ww - 1 << ":0] " << id << "_y = " << xb << ";\n"
                     << "    wire [" << ww - 1 << ":0] " << v << " = " << sgn(id + "_x") << " * " << sgn(id + "_y")
                     << ";\n";
                break;
            case MergeOp::kMaximum:
            case MergeOp::kMinimum:
                body << "    wire [" << ww - 1 << ":0] " << id << "_x = " << xa << ";\n"
                     << "    wire [" << ww - 1 << ":0] " << id << "_y = " << xb << ";\n"
                     << "    wire " << id << "_first = " << sgn(id + "_x") << (o == MergeOp::kMaximum ? " > " : " < ")
                     << sgn(id + "_y") << ";\n"
                     << "    wire [" << ww - 1 << ":0] " << v << " = " << id << "_first ? " << id << "_x : " << id
                     << "_y;\n";
                break;
        }
        y.push_back(emit_cast(body, v, SignalType{ww, ar.frac, is_signed}, res, id + "_c"));
    }
    os << body.str();
    emit_result_register(os, spec.out_width, res.width, y);
}

}  // namespace nnsim
