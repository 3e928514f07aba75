// Verilog core of the concatenate kind: output element j is one input element cast to result_t with
// the shared cast (rtl/verilog_cast.hpp), following concat_layout (input 0's block, then input 1's,
// `outer` times); then the result register. Timing: II 1, latency 1. Under io_stream the core sees
// one pixel (the two input pixels side by side).
#include <sstream>

#include "models/concatenate/concatenate.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void ConcatenateKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const FixedType& res = spec.out_type;
    const ConcatLayout l = concat_layout(n, spec.in_elems[0], spec.in_elems[1]);
    emit_core_header(os, spec, "Concatenate of layer " + n.name + ": " + spec.in_types[0].to_string() + " and " +
                                   spec.in_types[1].to_string() + " cast to " + res.to_string() + ".");
    std::ostringstream body;
    std::vector<std::string> y;
    for (int64_t o = 0; o < l.outer; ++o) {
        for (int k = 0; k < 2; ++k) {
            const FixedType& t = spec.in_types[size_t(k)];
            const int64_t inner = k == 0 ? l.inner0 : l.inner1;
            for (int64_t i = 0; i < inner; ++i) {
                const int64_t src = o * inner + i;
                const std::string id = "c" + std::to_string(y.size());
                body << "    wire [" << t.width - 1 << ":0] " << id << "_x = in_data["
                     << spec.in_offset[size_t(k)] + src * t.width << " +: " << t.width << "];\n";
                y.push_back(emit_cast(body, id + "_x", signal_type(t), res, id + "_c"));
            }
        }
    }
    os << body.str();
    emit_result_register(os, spec.out_width, res.width, y);
}

}  // namespace nnsim
