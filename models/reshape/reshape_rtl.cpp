// Verilog core of the reshape kind under io_parallel (and for single-beat tensors under io_stream):
// the same values in the same row-major order, so wires, through the shared cast when the result
// type differs from the input's. Timing: II 1, latency 1 (the result register).
#include <sstream>

#include "models/reshape/reshape.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void ReshapeKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const FixedType& in = spec.in_types[0];
    const FixedType& res = spec.out_type;
    const bool copy = in == res;
    emit_core_header(os, spec, "Reshape of layer " + n.name + ": " +
                                   (copy ? "the raw values unchanged." : in.to_string() + " cast to " + res.to_string() + "."));
    os << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n";
    if (copy) {
        os << "    always @(posedge clk) begin\n        if (in_valid) res <= in_data;\n    end\nendmodule\n";
        return;
    }
    std::ostringstream body;
    std::vector<std::string> y;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string id = "r" + std::to_string(i);
        body << "    wire [" << in.width - 1 << ":0] " << id << "_x = " << elem("in_data", i, in.width) << ";\n";
        y.push_back(emit_cast(body, id + "_x", signal_type(in), res, id + "_c"));
    }
    os << body.str() << "    always @(posedge clk) begin\n        if (in_valid) begin\n";
    for (int i = 0; i < spec.out_elems; ++i) os << "            " << elem("res", i, res.width) << " <= " << y[size_t(i)] << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
