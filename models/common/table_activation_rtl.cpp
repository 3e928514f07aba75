// Verilog core of the lookup-table activations (table_activation.hpp), latency 2:
//   cycle 1: index = clamp(trunc0(x * N / R) + N/2, 0, N-1) per element (the clamp only where the
//            input's range reaches beyond the table), registered;
//   cycle 2: table[index] (a case ROM shared by all elements), cast to result_t, registered.
// N and R are powers of two, so x * N / R is a shift; truncation toward zero adds 2^s - 1 to negative
// values before the arithmetic shift right by s.
#include <algorithm>
#include <sstream>

#include "models/common/table_activation.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void TableActivationKind::emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const {
    const int size = int(node.get_int("table_size"));
    if ((size & (size - 1)) != 0)
        throw UserError("layer " + node.name + ": the Verilog generator needs a power-of-two table_size, got " +
                        std::to_string(size));
    int nb = 0;
    while ((1 << nb) < size) ++nb;
    int rb = 0;
    while ((1 << rb) < range()) ++rb;
    const FixedType& in = spec.in_types[0];
    const FixedType& tt = node.type("table");
    const std::vector<int64_t> tab = table(node);
    emit_core_header(os, spec, std::string(name()) + " of layer " + node.name + ": " + std::to_string(size) +
                                   "-entry table of " + tt.to_string() + ", result " + spec.out_type.to_string() + ".");
    emit_case_rom(os, "lut", nb, tt.width, tab);
    // q = trunc0(raw * 2^nb / 2^(rb + F)): shift right by s = rb + F - nb (left when negative).
    const int w = in.width;
    const int s = rb + in.frac() - nb;
    const int qw = std::max(w, s + 1) + (s < 0 ? -s : 0) + 2;  // room for the shift, the + N/2, a sign bit
    const bool clamp = index_clamps(in, size, range());
    std::ostringstream body;
    std::vector<std::string> idx;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string e = "e" + std::to_string(i);
        const std::string x = elem("in_data", i, w);
        const std::string xs = extend(x, w, qw, in.is_signed);
        body << "    wire signed [" << qw - 1 << ":0] " << e << "_x = " << xs << ";\n";
        if (s > 0) {
            body << "    wire signed [" << qw - 1 << ":0] " << e << "_b = " << e << "_x + (" << e << "_x[" << qw - 1
                 << "] ? " << vconst(qw, (int64_t(1) << s) - 1) << " : " << vconst(qw, 0) << ");\n"
                 << "    wire signed [" << qw - 1 << ":0] " << e << "_q = " << e << "_b >>> " << s << ";\n";
        } else {
            body << "    wire signed [" << qw - 1 << ":0] " << e << "_q = " << e << "_x <<< " << -s << ";\n";
        }
        body << "    wire signed [" << qw - 1 << ":0] " << e << "_i = " << e << "_q + " << vconst(qw, size / 2) << ";\n";
        if (clamp)
            body << "    wire [" << nb - 1 << ":0] " << e << "_idx = " << e << "_i[" << qw - 1 << "] ? " << vconst(nb, 0)
                 << " : ((" << e << "_i > " << vconst(qw, size - 1) << ") ? " << vconst(nb, size - 1) << " : " << e
                 << "_i[" << nb - 1 << ":0]);\n";
        else  // every input's index is in range: the low bits are the index
            body << "    wire [" << nb - 1 << ":0] " << e << "_idx = " << e << "_i[" << nb - 1 << ":0];\n";
        idx.push_back(e + "_idx");
    }
    os << body.str();
    for (int i = 0; i < spec.out_elems; ++i) os << "    reg [" << nb - 1 << ":0] idx" << i << ";\n";
    os << "    always @(posedge clk) begin\n        if (in_valid) begin\n";
    for (int i = 0; i < spec.out_elems; ++i) os << "            idx" << i << " <= " << idx[size_t(i)] << ";\n";
    os << "        end\n    end\n";
    std::ostringstream stage2;
    std::vector<std::string> res;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string t = "t" + std::to_string(i);
        stage2 << "    wire [" << tt.width - 1 << ":0] " << t << " = lut(idx" << i << ");\n";
        res.push_back(emit_cast(stage2, t, signal_type(tt), spec.out_type, t + "_c"));
    }
    os << stage2.str() << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n";
    for (int i = 0; i < spec.out_elems; ++i)
        os << "        " << elem("res", i, spec.out_type.width) << " <= " << res[size_t(i)] << ";\n";
    os << "    end\nendmodule\n";
}

}  // namespace nnsim
