// ELU and SELU kinds (elu.hpp): model, Verilog core and estimate.
//
// Verilog, latency 2: cycle 1 registers per element the sign of x, the table index (N a power of two:
// -x * N / 8 is a shift of the negated input, floored since it is non-negative) and the non-negative
// branch already in result_t; cycle 2 reads the table (a case ROM), scales it (elu's alpha_r), casts
// and chooses.
#include "models/elu/elu.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

constexpr double kLambda = 1.0507009873554804934193349852946;
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;

/// The constant of the branch that multiplies: selu's lambda (x >= 0), elu's alpha (x < 0), raw in result_t.
int64_t factor(const Node& n, bool selu) {
    return cast_double(selu ? kLambda : n.get_float("alpha"), n.type("result"));
}

int log2_exact(int v) {
    int b = 0;
    while ((1 << b) < v) ++b;
    return b;
}

}  // namespace

std::vector<ParamSpec> EluFamilyKind::params() const {
    std::vector<ParamSpec> p = LookupTableKind::params();
    if (!selu()) p.push_back({"alpha", ParamType::kFloat, 1.0, false, "scale of the negative branch (Keras alpha)", {}, -1e6, 1e6});
    return p;
}

std::vector<int64_t> EluFamilyKind::table(const Node& n) const {
    const int size = int(n.get_int("table_size"));
    std::vector<int64_t> tab(size_t(size), 0);
    for (int i = 0; i < size; ++i) {
        // hls4ml: float in_val = -8.0 * ii / float(N); the function in double (exp of the float
        // promoted), returned as float, converted to table_t.
        const float in_val = float(-8.0 * i / double(float(size)));
        const double e = std::exp(double(in_val)) - 1.0;
        const float v = float(selu() ? kLambda * (kSeluAlpha * e) : e);
        tab[size_t(i)] = cast_double(double(v), n.type("table"));
    }
    return tab;
}

int EluFamilyKind::index(int64_t x_raw, const FixedType& in, int size) {
    const int f = in.frac();
    __int128 num = -__int128(x_raw) * size, den = 8;
    if (f >= 0) den <<= f;
    else num <<= -f;
    const __int128 q = num / den;
    return int(std::min<__int128>(q, size - 1));
}

std::unique_ptr<LayerOp> EluFamilyKind::compile(const Node& n, const NodeInputs& in) const {
    std::vector<int64_t> tab = table(n);
    const FixedType x_t = in.types[0];
    const int size = int(n.get_int("table_size"));
    const int fx = x_t.frac(), ft = n.type("table").frac(), fr = n.type("result").frac();
    const int64_t k = factor(n, selu());
    const bool s = selu();
    const double alpha = s ? kSeluAlpha : n.get_float("alpha");
    const double scale = s ? kLambda : 1.0;
    return make_unary_op(
        n,
        [tab = std::move(tab), x_t, size, fx, ft, fr, k, s](int64_t x) {
            if (x >= 0) return s ? Exact{__int128(x) * k, fx + fr} : Exact{x, fx};
            const int64_t t = tab[size_t(index(x, x_t, size))];
            return s ? Exact{t, ft} : Exact{__int128(t) * k, ft + fr};
        },
        [alpha, scale](double x) { return scale * (x >= 0 ? x : alpha * (std::exp(x) - 1.0)); });
}

void EluFamilyKind::emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const {
    const int size = int(node.get_int("table_size"));
    if ((size & (size - 1)) != 0)
        throw UserError("layer " + node.name + ": the Verilog generator needs a power-of-two table_size, got " +
                        std::to_string(size));
    const int nb = log2_exact(size);
    const FixedType& in = spec.in_types[0];
    const FixedType& tt = node.type("table");
    const FixedType& rt = spec.out_type;
    const std::vector<int64_t> tab = table(node);
    const int64_t k = factor(node, selu());
    emit_core_header(os, spec, std::string(name()) + " of layer " + node.name + ": " + std::to_string(size) +
                                   "-entry table of " + tt.to_string() + ", result " + rt.to_string() + ".");
    emit_case_rom(os, "lut", nb, tt.width, tab);
    // idx = floor(-raw * 2^nb / 2^(3 + F)): a shift right by s = 3 + F - nb (left when negative).
    const int w = in.width, s = 3 + in.frac() - nb;
    const int qw = std::max(w + 1, s + 2) + (s < 0 ? -s : 0) + 1;
    const int kw = res::const_width(k, true) + 1;
    std::ostringstream st1, st2;
    for (int i = 0; i < spec.out_elems; ++i) {
        const std::string e = "e" + std::to_string(i), x = e + "_x", raw = e + "_in";
        st1 << "    wire [" << w - 1 << ":0] " << raw << " = " << elem("in_data", i, w) << ";\n";
        st1 << "    wire signed [" << qw - 1 << ":0] " << x << " = " << extend(raw, w, qw, in.is_signed)
            << ";\n    wire signed [" << qw - 1 << ":0] " << e << "_q = (-" << x << ") " << (s >= 0 ? ">>> " : "<<< ")
            << std::abs(s) << ";\n    wire [" << nb - 1 << ":0] " << e << "_idx = (" << e << "_q > " << vconst(qw, size - 1)
            << ") ? " << vconst(nb, size - 1) << " : " << e << "_q[" << nb - 1 << ":0];\n";
        std::string pos;
        if (selu()) {
            const int pw = w + kw + 1;
            st1 << "    wire signed [" << pw - 1 << ":0] " << e << "_p = " << extend(raw, w, pw, in.is_signed)
                << " * $signed(" << vconst(pw, k) << ");\n";
            pos = emit_cast(st1, e + "_p", SignalType{pw, in.frac() + rt.frac(), true}, rt, e + "_pc");
        } else {
            pos = emit_cast(st1, raw, signal_type(in), rt, e + "_pc");
        }
        const std::string neg = in.is_signed ? raw + "[" + std::to_string(w - 1) + "]" : "1'b0";
        st1 << "    reg [" << nb - 1 << ":0] idx" << i << ";\n    reg neg" << i << ";\n    reg [" << rt.width - 1 << ":0] pos"
            << i << ";\n    always @(posedge clk) if (in_valid) begin idx" << i << " <= " << e << "_idx; neg" << i
            << " <= " << neg << "; pos" << i << " <= " << pos << "; end\n";
        const std::string t = "t" + std::to_string(i);
        st2 << "    wire [" << tt.width - 1 << ":0] " << t << " = lut(idx" << i << ");\n";
        std::string negv;
        if (selu()) {
            negv = emit_cast(st2, t, signal_type(tt), rt, t + "_c");
        } else {
            const int pw = tt.width + kw + 1;
            st2 << "    wire signed [" << pw - 1 << ":0] " << t << "_p = " << extend(t, tt.width, pw, tt.is_signed)
                << " * $signed(" << vconst(pw, k) << ");\n";
            negv = emit_cast(st2, t + "_p", SignalType{pw, tt.frac() + rt.frac(), true}, rt, t + "_c");
        }
        st2 << "    wire [" << rt.width - 1 << ":0] y" << i << " = neg" << i << " ? " << negv << " : pos" << i << ";\n";
    }
    os << st1.str() << st2.str() << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n";
    for (int i = 0; i < spec.out_elems; ++i) os << "        " << elem("res", i, rt.width) << " <= y" << i << ";\n";
    os << "    end\nendmodule\n";
}

// Per element: the index (a negation and the clamp), the registered non-negative value (selu: a
// constant product), a table_size-entry ROM (each varying column a function of the index bits, or
// block RAM), elu's constant product on the table value, the casts, the choice and the registers.
Resources EluFamilyKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& tt = n.type("table");
    const FixedType& rt = n.type("result");
    const int size = int(n.get_int("table_size"));
    const int nb = log2_exact(size);
    const double elems = double(shape_size(n.shape));
    int stored = 0, used = 0, result = 0;
    res::rom_columns(table(n), tt, rt, stored, used, result);
    const res::RomPlacement pl = res::place_rom(size, stored, true);
    const int64_t k = factor(n, selu());
    const int kw = res::const_width(k, true);
    const auto const_product = [&](int width, Resources& r) {
        if (k == 0 || res::is_pow2_abs(k)) return;
        const int dsp = res::mul_dsps(width, true, kw, true, width + kw);
        r.dsp += dsp * elems;
        if (dsp == 0) r.lut += elems * double(width) * kw / 2.0;
    };
    Resources r;
    const_product(selu() ? x.width : tt.width, r);
    r.bram18 = pl.bram18 * elems;
    const double lut_index = x.width + nb;
    const double lut_rom = pl.block ? 0 : res::rom_logic_luts(nb, used);
    const double lut_cast = 2 * res::cast_luts(res::sig_of(tt), rt);
    r.lut += elems * (lut_index + lut_rom + lut_cast + rt.width);
    r.ff = elems * (nb + 1 + 2.0 * rt.width);
    const Timing t = timing(n, in, io);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, int(elems) * rt.width);
    return r;
}

}  // namespace nnsim
