// Verilog core of the batchnorm kind: y = result_t(x * scale[c] + bias[c]) per element, with the
// product and the sum exact (as BatchNormOp). The result is computed from the accepted input and
// registered, then delayed so that it appears exactly `latency` = RF + 1 cycles after the accept.
// The multipliers are not yet shared over RF cycles: the RTL has one constant multiplier per element
// whatever the reuse factor (the timing is the contract's; resources reflect RF 1).
#include <algorithm>
#include <sstream>

#include "models/batchnorm/batchnorm.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void BatchNormKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const FixedType& in = spec.in_types[0];
    const FixedType& st = n.type("scale");
    const FixedType& bt = n.type("bias");
    const FixedType& res = spec.out_type;
    std::vector<double> scale, bias;
    batchnorm_scale_bias(n, scale, bias);
    const int c_n = int(scale.size());
    const int fp = in.frac() + st.frac();
    const int fs = std::max(fp, bt.frac());
    const int pw = in.width + st.width + (in.is_signed != st.is_signed ? 1 : 0);
    // The sum: product aligned to fs fraction bits plus the bias, with a guard bit.
    const int bw_shift = fs - bt.frac(), pw_shift = fs - fp;
    const int sw = std::max(pw + pw_shift, bt.width + bw_shift) + 2;
    emit_core_header(os, spec, "BatchNorm of layer " + n.name + ": scale " + st.to_string() + ", bias " +
                                   bt.to_string() + ", result " + res.to_string() + ".");
    std::ostringstream b;
    std::vector<std::string> y;
    for (int i = 0; i < spec.out_elems; ++i) {
        const int c = i % c_n;
        const int64_t sr = cast_double(scale[size_t(c)], st);
        const int64_t br = cast_double(bias[size_t(c)], bt);
        const std::string id = "b" + std::to_string(i);
        b << "    wire [" << pw - 1 << ":0] " << id << "_x = " << extend(elem("in_data", i, in.width), in.width, pw, in.is_signed)
          << ";\n    wire [" << pw - 1 << ":0] " << id << "_p = "
          << (in.is_signed || st.is_signed ? "$signed(" + id + "_x) * $signed(" + vconst(pw, sr) + ")"
                                           : id + "_x * " + vconst(pw, sr))
          << ";\n";
        const bool ps = in.is_signed || st.is_signed;
        const std::string pe = pw_shift > 0 ? "{" + extend(id + "_p", pw, sw - pw_shift, ps) + ", " + vconst(pw_shift, 0) + "}"
                                            : extend(id + "_p", pw, sw, ps);
        // The bias as a constant already aligned to fs fraction bits.
        const __int128 bal = __int128(br) * (__int128(1) << bw_shift);
        b << "    wire [" << sw - 1 << ":0] " << id << "_s = " << pe << " + " << vconst(sw, int64_t(bal)) << ";\n";
        y.push_back(emit_cast(b, id + "_s", SignalType{sw, fs, true}, res, id + "_c"));
    }
    os << b.str();
    const int l = spec.timing.latency;
    os << "    reg [" << spec.out_width - 1 << ":0] stage0;\n    always @(posedge clk) begin\n";
    for (int i = 0; i < spec.out_elems; ++i) os << "        " << elem("stage0", i, res.width) << " <= " << y[size_t(i)] << ";\n";
    os << "    end\n";
    for (int s = 1; s < l; ++s)
        os << "    reg [" << spec.out_width - 1 << ":0] stage" << s << ";\n    always @(posedge clk) stage" << s
           << " <= stage" << s - 1 << ";\n";
    os << "    assign out_data = stage" << l - 1 << ";\nendmodule\n";
}

}  // namespace nnsim
