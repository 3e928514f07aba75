// The Verilog core shared by element-wise kinds (unary.hpp): latency 1, one register stage holding
// every element's result, computed combinationally from in_data by the kind's rtl_element().
#include <sstream>

#include "models/common/unary.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

std::string UnaryKind::rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                   const FixedType& res, const std::string& uniq) const {
    (void)os, (void)x, (void)in, (void)res, (void)uniq;
    throw UserError("layer " + node.name + ": kind " + name() + " has no Verilog generator yet");
}

void UnaryKind::emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const {
    emit_core_header(os, spec, std::string(name()) + " of layer " + node.name + ", element by element.");
    const FixedType& in = spec.in_types[0];
    const int wi = in.width, wo = spec.out_type.width;
    os << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n";
    std::ostringstream body;
    std::vector<std::string> results;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string x = "x" + std::to_string(i);
        body << "    wire [" << wi - 1 << ":0] " << x << " = " << elem("in_data", i, wi) << ";\n";
        results.push_back(rtl_element(body, node, x, in, spec.out_type, "e" + std::to_string(i)));
    }
    os << body.str();
    os << "    always @(posedge clk) begin\n        if (in_valid) begin\n";
    for (int i = 0; i < spec.out_elems; ++i)
        os << "            " << elem("res", i, wo) << " <= " << results[size_t(i)] << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
