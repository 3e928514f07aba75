// Verilog core of the softmax kind, bit-exact with SoftmaxOp (softmax.cpp), one register per stage:
//   stable  (latency 4): max and differences -> exp index | exp table, cast to accum_t |
//                        adder tree, inv_inp_t cast, 1/x table | products cast to result_t
//   latency (latency 3): exp index = top input bits, exp table, cast | tree and 1/x | products
//   argmax  (latency 2): one-hot of the first maximum | output register
// The adder tree has hls4ml's shape (split at 2^floor(log2(n-1)), a cast after every addition).
#include <algorithm>
#include <functional>
#include <sstream>

#include "models/softmax/softmax.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

int log2_of(int v) {
    int k = 0;
    while ((1 << k) < v) ++k;
    return k;
}

/// A case-ROM function `name` of `entries` raw values of `width` bits.
void emit_rom(std::ostream& os, const std::string& name, int width, const std::vector<int64_t>& entries) {
    const int ab = std::max(1, log2_of(int(entries.size())));
    os << "    function [" << width - 1 << ":0] " << name << ";\n        input [" << ab - 1 << ":0] a;\n        begin\n"
       << "            case (a)\n";
    for (size_t i = 0; i < entries.size(); ++i)
        os << "                " << vconst(ab, int64_t(i)) << ": " << name << " = " << vconst(width, entries[i]) << ";\n";
    os << "                default: " << name << " = " << vconst(width, 0) << ";\n            endcase\n        end\n"
       << "    endfunction\n";
}

}  // namespace

void SoftmaxKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const std::string impl = n.get_string("implementation");
    if (spec.in_elems[0] != spec.out_elems || n.shape.size() != 1)
        throw UserError("layer " + n.name + ": the Verilog generator supports softmax over flat tensors only");
    const FixedType& in = spec.in_types[0];
    const FixedType& res = spec.out_type;
    const int len = spec.out_elems, w = in.width;
    emit_core_header(os, spec, "Softmax (" + impl + ") of layer " + n.name + " over " + std::to_string(len) +
                                   " values, result " + res.to_string() + ".");
    os << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n";
    std::ostringstream b;
    auto x = [&](int i) { return elem("in_data", i, w); };
    if (impl == "argmax") {
        // First maximum: a later element wins only when strictly greater.
        b << "    wire [" << w - 1 << ":0] mx0 = " << x(0) << ";\n";
        const int ib = std::max(1, log2_of(len));
        b << "    wire [" << ib - 1 << ":0] ix0 = " << vconst(ib, 0) << ";\n";
        const std::string gt_s = in.is_signed ? "$signed(" : "(";
        for (int i = 1; i < len; ++i) {
            b << "    wire g" << i << " = " << gt_s << x(i) << ") > " << gt_s << "mx" << i - 1 << ");\n"
              << "    wire [" << w - 1 << ":0] mx" << i << " = g" << i << " ? " << x(i) << " : mx" << i - 1 << ";\n"
              << "    wire [" << ib - 1 << ":0] ix" << i << " = g" << i << " ? " << vconst(ib, i) << " : ix" << i - 1
              << ";\n";
        }
        const int64_t one = cast(1, 0, res);
        os << b.str() << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << w - 1 << ":0] mx_last = mx" << len - 1
           << ";\n    /* verilator lint_on UNUSEDSIGNAL */\n    reg [" << ib - 1 << ":0] arg;\n"
           << "    always @(posedge clk) begin\n        if (in_valid) arg <= ix" << len - 1 << ";\n";
        for (int i = 0; i < len; ++i)
            os << "        " << elem("res", i, res.width) << " <= (arg == " << vconst(ib, i) << ") ? "
               << vconst(res.width, one) << " : " << vconst(res.width, 0) << ";\n";
        os << "    end\nendmodule\n";
        return;
    }
    const SoftmaxTables tabs = softmax_tables(n, in);
    const FixedType& exp_t = n.type("exp_table");
    const FixedType& acc = n.type("accum");
    const FixedType& ii = n.type("inv_inp");
    const FixedType& inv_t = n.type("inv_table");
    const int ne = log2_of(tabs.exp_size), ni = log2_of(tabs.inv_size), nw = tabs.norm_width;
    emit_rom(os, "exp_rom", exp_t.width, tabs.exp_table);
    emit_rom(os, "inv_rom", inv_t.width, tabs.inv_table);
    const std::string exp_ab = std::to_string(std::max(1, ne) - 1);
    // Stage A: exp indices.
    std::vector<std::string> idx;
    if (impl == "stable") {
        for (int i = 0; i < len; ++i) b << "    reg [" << exp_ab << ":0] ei" << i << ";\n";
        const std::string cmp = in.is_signed ? "$signed(" : "(";
        b << "    wire [" << w - 1 << ":0] mx0 = " << x(0) << ";\n";
        for (int i = 1; i < len; ++i)
            b << "    wire [" << w - 1 << ":0] mx" << i << " = (" << cmp << x(i) << ") > " << cmp << "mx" << i - 1
              << ")) ? " << x(i) << " : mx" << i - 1 << ";\n";
        const FixedType norm{nw, nw - in.frac(), false, RoundMode::kTrn, OverflowMode::kWrap, 0};
        for (int i = 0; i < len; ++i) {
            const std::string d = "d" + std::to_string(i);
            b << "    wire [" << w << ":0] " << d << "_full = " << extend("mx" + std::to_string(len - 1), w, w + 1, in.is_signed)
              << " - " << extend(x(i), w, w + 1, in.is_signed) << ";\n";
            // Only the top bits index the table.
            const std::string dn = emit_cast(b, d + "_full", SignalType{w + 1, in.frac(), true}, norm, d + "_n");
            idx.push_back(top_bits(b, dn, nw, ne, d + "_i"));
        }
    } else {
        for (int i = 0; i < len; ++i) {
            b << "    wire [" << w - 1 << ":0] xi" << i << " = " << x(i) << ";\n";
            idx.push_back(top_bits(b, "xi" + std::to_string(i), w, ne, "xi" + std::to_string(i)));
        }
    }
    // The stage after the index: exp values in accum_t.
    const bool stable = impl == "stable";
    std::ostringstream e;
    for (int i = 0; i < len; ++i) {
        const std::string src = stable ? "ei" + std::to_string(i) : idx[size_t(i)];
        e << "    wire [" << exp_t.width - 1 << ":0] ex" << i << " = exp_rom(" << src << ");\n";
    }
    std::vector<std::string> ev;
    for (int i = 0; i < len; ++i) ev.push_back(emit_cast(e, "ex" + std::to_string(i), signal_type(exp_t), acc, "ea" + std::to_string(i)));
    os << b.str() << e.str();
    for (int i = 0; i < len; ++i) os << "    reg [" << acc.width - 1 << ":0] ev" << i << ";\n";
    os << "    always @(posedge clk) begin\n";
    if (stable) {
        os << "        if (in_valid) begin\n";
        for (int i = 0; i < len; ++i) os << "            ei" << i << " <= " << idx[size_t(i)] << ";\n";
        os << "        end\n";
    }
    for (int i = 0; i < len; ++i) os << "        ev" << i << " <= " << ev[size_t(i)] << ";\n";
    os << "    end\n";
    // Adder tree, inverse.
    std::ostringstream t;
    int uniq = 0;
    std::function<std::string(int, int)> tree = [&](int lo, int cnt) -> std::string {
        if (cnt == 1) return "ev" + std::to_string(lo);
        int split = 1;
        if (cnt > 2)
            while (split * 2 <= cnt - 1) split *= 2;
        const std::string a = tree(lo, split), c = tree(lo + split, cnt - split);
        const std::string id = "ts" + std::to_string(uniq++);
        t << "    wire [" << acc.width << ":0] " << id << " = " << extend(a, acc.width, acc.width + 1, acc.is_signed) << " + "
          << extend(c, acc.width, acc.width + 1, acc.is_signed) << ";\n";
        return emit_cast(t, id, SignalType{acc.width + 1, acc.frac(), acc.is_signed}, acc, id + "_c");
    };
    const std::string sum = tree(0, len);
    const std::string inv_in = emit_cast(t, sum, signal_type(acc), ii, "iv");
    const std::string inv_idx = top_bits(t, inv_in, ii.width, ni, "ivx");
    t << "    wire [" << inv_t.width - 1 << ":0] inv_v = inv_rom(" << inv_idx << ");\n";
    os << t.str() << "    reg [" << inv_t.width - 1 << ":0] inv;\n";
    for (int i = 0; i < len; ++i) os << "    reg [" << acc.width - 1 << ":0] ew" << i << ";\n";
    os << "    always @(posedge clk) begin\n        inv <= inv_v;\n";
    for (int i = 0; i < len; ++i) os << "        ew" << i << " <= ev" << i << ";\n";
    os << "    end\n";
    // Products.
    std::ostringstream p;
    const int pw = acc.width + inv_t.width + (acc.is_signed != inv_t.is_signed ? 1 : 0);
    const bool ps = acc.is_signed || inv_t.is_signed;
    std::vector<std::string> y;
    for (int i = 0; i < len; ++i) {
        const std::string id = "p" + std::to_string(i);
        p << "    wire [" << pw - 1 << ":0] " << id << "_a = " << extend("ew" + std::to_string(i), acc.width, pw, acc.is_signed)
          << ";\n    wire [" << pw - 1 << ":0] " << id << "_b = " << extend("inv", inv_t.width, pw, inv_t.is_signed) << ";\n"
          << "    wire [" << pw - 1 << ":0] " << id << " = "
          << (ps ? "$signed(" + id + "_a) * $signed(" + id + "_b)" : id + "_a * " + id + "_b") << ";\n";
        y.push_back(emit_cast(p, id, SignalType{pw, acc.frac() + inv_t.frac(), ps}, res, id + "_c"));
    }
    os << p.str() << "    always @(posedge clk) begin\n";
    for (int i = 0; i < len; ++i) os << "        " << elem("res", i, res.width) << " <= " << y[size_t(i)] << ";\n";
    os << "    end\nendmodule\n";
}

}  // namespace nnsim
