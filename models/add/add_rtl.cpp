// Verilog core of the add kind: y[i] = result_t(a[i] + b[i]) with the sum exact (both inputs aligned
// to the larger number of fraction bits, one guard bit, sign or zero extension by each input's type),
// then the shared cast. Timing: II 1, latency 1 (the adders and casts are combinational from the
// accepted inputs, the result register is the one cycle). Under io_stream the core sees one pixel.
#include <algorithm>
#include <sstream>

#include "models/add/add.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void AddKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const FixedType& a = spec.in_types[0];
    const FixedType& b = spec.in_types[1];
    const FixedType& res = spec.out_type;
    const int frac = std::max(a.frac(), b.frac());
    const int shift_a = frac - a.frac(), shift_b = frac - b.frac();
    const bool sum_signed = a.is_signed || b.is_signed;
    // Width of each aligned input as a value of the sum's signedness, then one guard bit for the carry.
    auto aligned_width = [&](const FixedType& t, int shift) {
        return t.width + shift + (sum_signed && !t.is_signed ? 1 : 0);
    };
    const int sw = std::max(aligned_width(a, shift_a), aligned_width(b, shift_b)) + 1;
    emit_core_header(os, spec, "Add of layer " + n.name + ": " + a.to_string() + " + " + b.to_string() +
                                   " exact, then cast to " + res.to_string() + ".");
    // Extended first, then shifted: a bit select of a concatenation is not Verilog-2005.
    auto aligned = [&](const std::string& x, const FixedType& t, int shift) {
        const std::string ext = extend(x, t.width, sw - shift, t.is_signed);
        return shift > 0 ? "{" + ext + ", " + vconst(shift, 0) + "}" : ext;
    };
    std::ostringstream body;
    std::vector<std::string> y;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string id = "s" + std::to_string(i);
        const std::string xa = "in_data[" + std::to_string(spec.in_offset[0] + i * a.width) + " +: " +
                               std::to_string(a.width) + "]";
        const std::string xb = "in_data[" + std::to_string(spec.in_offset[1] + i * b.width) + " +: " +
                               std::to_string(b.width) + "]";
        body << "    wire [" << a.width - 1 << ":0] " << id << "_a = " << xa << ";\n"
             << "    wire [" << b.width - 1 << ":0] " << id << "_b = " << xb << ";\n"
             << "    wire [" << sw - 1 << ":0] " << id << "_sum = " << aligned(id + "_a", a, shift_a) << " + "
             << aligned(id + "_b", b, shift_b) << ";\n";
        y.push_back(emit_cast(body, id + "_sum", SignalType{sw, frac, sum_signed}, res, id + "_c"));
    }
    os << body.str();
    os << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n        if (in_valid) begin\n";
    for (int i = 0; i < spec.out_elems; ++i)
        os << "            " << elem("res", i, res.width) << " <= " << y[size_t(i)] << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
