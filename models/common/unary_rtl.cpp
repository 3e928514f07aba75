// The Verilog core shared by element-wise kinds (unary.hpp): latency 1, one register stage holding
// every element's result, computed combinationally from in_data by the kind's rtl_element(), or zero
// through the register's synchronous reset where the kind's rtl_zero_when() holds.
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
    std::ostringstream body, regs;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string x = "x" + std::to_string(i), e = "e" + std::to_string(i);
        body << "    wire [" << wi - 1 << ":0] " << x << " = " << elem("in_data", i, wi) << ";\n";
        const std::string y = rtl_element_at(body, node, x, in, spec.out_type, e, i);
        const std::string zero = rtl_zero_when(x, in);
        regs << "    always @(posedge clk) begin\n";
        if (!zero.empty()) {
            body << "    wire " << e << "_zero = in_valid & " << zero << ";\n";
            regs << "        if (" << e << "_zero) " << elem("res", i, wo) << " <= " << vconst(wo, 0) << ";\n        else ";
        } else {
            regs << "        ";
        }
        regs << "if (in_valid) " << elem("res", i, wo) << " <= " << y << ";\n    end\n";
    }
    os << body.str() << regs.str() << "endmodule\n";
}

}  // namespace nnsim
