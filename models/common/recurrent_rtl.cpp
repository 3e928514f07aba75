// Verilog of the recurrent layers (recurrent.hpp). The cell's dense products and table activations are
// the dense and sigmoid/tanh kinds' own cores; a cell module joins them with the element-wise steps as
// a pipeline in which every value is valid in one known cycle after the step's start s:
//   s + L_mac      both products (the faster one delayed to match), the gates' pre-activations
//   s + L_mac + 2  the table outputs (gates; the candidate for SimpleRNN, which is then done)
//   LSTM:  c_t registered (s + L_mac + 3), act(c_t) at + 5, h_t registered: done at s + L_mac + 6
//   GRU:   accum_t(a_h + r * b_h) registered (+ 3), act at + 5, h_t registered: done at + 6
//   GRU without reset_after: r * h registered (+ 3), its product (+ L_h), act (+ 2), h_t: + L_h + 6
// Values needed later travel through shift registers. A static layer has one cell: the top holds the
// state between steps and feeds the next step's input from a shifting buffer (II = latency =
// T * L_step). A non-static layer chains T cells: step t's input is delayed t * L_step cycles and the
// state moves from cell to cell, so a new sample can start every cell II cycles.
#include <sstream>

#include "models/common/recurrent.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// A Verilog wire holding a raw fixed-point value.
struct Val {
    std::string wire;
    SignalType t;
};

SignalType sig(const FixedType& t) { return signal_type(t); }

/// `x` aligned to `frac` fraction bits and extended (by its own signedness) to `width` bits.
std::string aligned(const Val& x, int frac, int width) {
    const int shift = frac - x.t.frac;
    const std::string ext = extend(x.wire, x.t.width, width - shift, x.t.is_signed);
    return shift > 0 ? "{" + ext + ", " + vconst(shift, 0) + "}" : ext;
}

/// Exact x + y.
Val exact_sum(std::ostream& b, const std::string& id, const Val& x, const Val& y) {
    const bool s = x.t.is_signed || y.t.is_signed;
    const int f = std::max(x.t.frac, y.t.frac);
    auto w_of = [&](const Val& v) { return v.t.width + (f - v.t.frac) + (s && !v.t.is_signed ? 1 : 0); };
    const int w = std::max(w_of(x), w_of(y)) + 1;
    b << "    wire [" << w - 1 << ":0] " << id << " = " << aligned(x, f, w) << " + " << aligned(y, f, w) << ";\n";
    return {id, SignalType{w, f, s}};
}

/// Exact x * y.
Val exact_product(std::ostream& b, const std::string& id, const Val& x, const Val& y) {
    const bool s = x.t.is_signed || y.t.is_signed;
    const int w = x.t.width + y.t.width + (x.t.is_signed != y.t.is_signed ? 1 : 0);
    b << "    wire [" << w - 1 << ":0] " << id << "_x = " << extend(x.wire, x.t.width, w, x.t.is_signed) << ";\n"
      << "    wire [" << w - 1 << ":0] " << id << "_y = " << extend(y.wire, y.t.width, w, y.t.is_signed) << ";\n";
    if (s) b << "    wire [" << w - 1 << ":0] " << id << " = $signed(" << id << "_x) * $signed(" << id << "_y);\n";
    else b << "    wire [" << w - 1 << ":0] " << id << " = " << id << "_x * " << id << "_y;\n";
    return {id, SignalType{w, x.t.frac + y.t.frac, s}};
}

/// 1 - z, exact.
Val one_minus(std::ostream& b, const std::string& id, const Val& z) {
    const int w = std::max(z.t.width, z.t.frac + 1) + 2;
    b << "    wire [" << w - 1 << ":0] " << id << " = " << vconst(w, int64_t(1) << z.t.frac) << " - "
      << extend(z.wire, z.t.width, w, z.t.is_signed) << ";\n";
    return {id, SignalType{w, z.t.frac, true}};
}

/// `sig` delayed by `d` cycles through a shift register named `name` (the signal itself for d = 0).
std::string delay(std::ostream& os, const std::string& name, const std::string& sig, int width, int d) {
    if (d == 0) return sig;
    os << "    reg [" << d * width - 1 << ":0] " << name << ";\n    always @(posedge clk) " << name << " <= ";
    if (d == 1) os << sig << ";\n";
    else os << "{" << name << "[" << (d - 1) * width - 1 << ":0], " << sig << "};\n";
    return name + "[" + std::to_string((d - 1) * width) + " +: " + std::to_string(width) + "]";
}

RtlCoreSpec part_spec(const std::string& module, const FixedType& in, int in_elems, const FixedType& out,
                      int out_elems, Timing t) {
    RtlCoreSpec s;
    s.module = module;
    s.in_types = {in};
    s.in_elems = {in_elems};
    s.in_offset = {0};
    s.in_shapes = {Shape{in_elems}};
    s.in_width = in_elems * in.width;
    s.out_type = out;
    s.out_elems = out_elems;
    s.out_width = out_elems * out.width;
    s.timing = t;
    return s;
}

/// Instantiates part core `module` started by `valid` on `data`; returns its out_data wire.
std::string instance(std::ostream& os, const std::string& module, const std::string& id, const std::string& valid,
                     const std::string& data, int out_width) {
    os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire " << id << "_vld;\n    /* verilator lint_on UNUSEDSIGNAL */\n"
       << "    wire [" << out_width - 1 << ":0] " << id << "_out;\n"
       << "    " << module << " u_" << id << " (.clk(clk), .rst(rst), .in_valid(" << valid << "), .in_data(" << data
       << "), .out_valid(" << id << "_vld), .out_data(" << id << "_out));\n";
    return id + "_out";
}

/// Writes the cell module `m`: ports clk, rst, start, x, h_prev (c_prev), done, h (c). With `held`
/// the top keeps x, h_prev and c_prev stable for the whole step, so they are not delayed.
void emit_cell(std::ostream& os, const RecurrentCell& c, const std::string& m, bool held) {
    const int n = c.n, L = c.step_latency(), lm = c.lat_mac;
    const int wx = c.x_t.width, wh = c.result_t.width, ws = c.state_t.width, wa = c.accum.width;
    const bool lstm = c.type == CellType::kLstm;
    os << "// One step of " << m << ": start in cycle s, h (and c) valid in cycle s + " << L << " (done).\n"
       << "module " << m << "_cell (\n    input wire clk,\n    input wire rst,\n    input wire start,\n"
       << "    input wire [" << c.n_in * wx - 1 << ":0] x,\n    input wire [" << n * wh - 1 << ":0] h_prev,\n";
    if (lstm) os << "    input wire [" << n * ws - 1 << ":0] c_prev,\n    output wire [" << n * ws - 1 << ":0] c,\n";
    os << "    output wire done,\n    output wire [" << n * wh - 1 << ":0] h\n);\n"
       << "    reg [" << L - 1 << ":0] v;  // v[k-1]: k cycles after start\n"
       << "    always @(posedge clk) begin\n        if (rst) v <= " << vconst(L, 0) << ";\n"
       << "        else v <= {v[" << L - 2 << ":0], start};\n    end\n    assign done = v[" << L - 1 << "];\n";
    auto at = [](int k) { return "v[" + std::to_string(k - 1) + "]"; };
    auto prev = [&](const std::string& name, const std::string& sig, int width, int k) {
        return held ? sig : delay(os, name, sig, width, k);
    };
    const int g = c.gates * n;
    const std::string ko = instance(os, m + "_k", "k", "start", "x", g * wa);
    const int rcols = c.has_h_product() ? 2 * n : g;
    const std::string ro = instance(os, m + "_r", "r", "start", "h_prev", rcols * wa);
    const std::string a = delay(os, "a_d", ko, g * wa, lm - c.lat_k);
    const std::string b = delay(os, "b_d", ro, rcols * wa, lm - c.lat_r);
    os << "    wire [" << g * wa - 1 << ":0] prod_x = " << a << ";\n    wire [" << rcols * wa - 1 << ":0] prod_h = " << b
       << ";\n";
    // Pre-activations of the columns that add a and b directly: all but GRU's candidate.
    const int pre_cols = c.type == CellType::kGru ? 2 * n : g;
    std::ostringstream body;
    std::vector<std::string> z;
    for (int j = 0; j < pre_cols; ++j) {
        const std::string id = "z" + std::to_string(j);
        body << "    wire [" << wa - 1 << ":0] " << id << "_a = " << elem("prod_x", j, wa) << ";\n"
             << "    wire [" << wa - 1 << ":0] " << id << "_b = " << elem("prod_h", j, wa) << ";\n";
        const Val s = exact_sum(body, id + "_s", {id + "_a", sig(c.accum)}, {id + "_b", sig(c.accum)});
        z.push_back(emit_cast(body, s.wire, s.t, c.accum, id + "_c"));
    }
    os << body.str();
    auto pack = [&](const std::vector<std::string>& parts) {
        std::string s = "{";
        for (size_t i = parts.size(); i-- > 0;) s += parts[i] + (i ? ", " : "}");
        return s;
    };
    const int wr = c.recr_act_t.width, wact = c.act_t.width;
    if (c.type == CellType::kSimpleRnn) {
        const std::string ao = instance(os, m + "_a", "act", at(lm), pack(z), n * wh);
        os << "    assign h = " << ao << ";\nendmodule\n\n";
        return;
    }
    if (lstm) {
        std::vector<std::string> ifo(z.begin(), z.begin() + 2 * n);
        ifo.insert(ifo.end(), z.begin() + 3 * n, z.end());
        const std::vector<std::string> zc(z.begin() + 2 * n, z.begin() + 3 * n);
        const std::string go = instance(os, m + "_g", "gate", at(lm), pack(ifo), 3 * n * wr);
        const std::string co = instance(os, m + "_a", "cand", at(lm), pack(zc), n * wact);
        const std::string cp = prev("c_prev_d", "c_prev", n * ws, lm + 2);
        os << "    wire [" << n * ws - 1 << ":0] cp = " << cp << ";\n";
        std::ostringstream cb;
        std::vector<std::string> cn, hn;
        for (int j = 0; j < n; ++j) {
            const std::string id = "c" + std::to_string(j);
            cb << "    wire [" << wr - 1 << ":0] " << id << "_i = " << elem(go, j, wr) << ";\n"
               << "    wire [" << wr - 1 << ":0] " << id << "_f = " << elem(go, n + j, wr) << ";\n"
               << "    wire [" << wact - 1 << ":0] " << id << "_g = " << elem(co, j, wact) << ";\n"
               << "    wire [" << ws - 1 << ":0] " << id << "_p = " << elem("cp", j, ws) << ";\n";
            const Val p1 = exact_product(cb, id + "_gi", {id + "_g", sig(c.act_t)}, {id + "_i", sig(c.recr_act_t)});
            const Val p2 = exact_product(cb, id + "_cf", {id + "_p", sig(c.state_t)}, {id + "_f", sig(c.recr_act_t)});
            const Val s = exact_sum(cb, id + "_s", p1, p2);
            cn.push_back(emit_cast(cb, s.wire, s.t, c.state_t, id + "_q"));
        }
        os << cb.str() << "    reg [" << n * ws - 1 << ":0] c_reg;\n    always @(posedge clk) if (" << at(lm + 2)
           << ") c_reg <= " << pack(cn) << ";\n";
        const std::string tc = instance(os, m + "_ac", "tc", at(lm + 3), "c_reg", n * wact);
        const std::string o = delay(os, "o_d", go + "[" + std::to_string(2 * n * wr) + " +: " + std::to_string(n * wr) + "]",
                                    n * wr, 3);
        os << "    wire [" << n * wr - 1 << ":0] o = " << o << ";\n";
        std::ostringstream hb;
        for (int j = 0; j < n; ++j) {
            const std::string id = "h" + std::to_string(j);
            hb << "    wire [" << wr - 1 << ":0] " << id << "_o = " << elem("o", j, wr) << ";\n"
               << "    wire [" << wact - 1 << ":0] " << id << "_t = " << elem(tc, j, wact) << ";\n";
            const Val p = exact_product(hb, id + "_ot", {id + "_o", sig(c.recr_act_t)}, {id + "_t", sig(c.act_t)});
            hn.push_back(emit_cast(hb, p.wire, p.t, c.result_t, id + "_q"));
        }
        os << hb.str() << "    reg [" << n * wh - 1 << ":0] h_reg;\n    always @(posedge clk) if (" << at(lm + 5)
           << ") h_reg <= " << pack(hn) << ";\n    assign h = h_reg;\n";
        const std::string c_out = held ? std::string("c_reg") : delay(os, "c_out_d", "c_reg", n * ws, 3);
        os << "    assign c = " << c_out << ";\nendmodule\n\n";
        return;
    }
    // GRU: gates z, r at s + L_mac + 2.
    const std::vector<std::string> zr(z.begin(), z.begin() + 2 * n);
    const std::string go = instance(os, m + "_g", "gate", at(lm), pack(zr), 2 * n * wr);
    std::ostringstream ub;
    std::vector<std::string> u;
    int k_act;  // cycle (after start) in which the candidate's pre-activation enters the table
    std::string a_h;
    if (c.reset_after) {
        a_h = delay(os, "ah_d", "prod_x[" + std::to_string(2 * n * wa) + " +: " + std::to_string(n * wa) + "]", n * wa, 2);
        const std::string b_h = delay(os, "bh_d", "prod_h[" + std::to_string(2 * n * wa) + " +: " + std::to_string(n * wa) + "]", n * wa, 2);
        os << "    wire [" << n * wa - 1 << ":0] ah = " << a_h << ";\n    wire [" << n * wa - 1 << ":0] bh = " << b_h << ";\n";
        for (int j = 0; j < n; ++j) {
            const std::string id = "u" + std::to_string(j);
            ub << "    wire [" << wr - 1 << ":0] " << id << "_r = " << elem(go, n + j, wr) << ";\n"
               << "    wire [" << wa - 1 << ":0] " << id << "_b = " << elem("bh", j, wa) << ";\n"
               << "    wire [" << wa - 1 << ":0] " << id << "_a = " << elem("ah", j, wa) << ";\n";
            const Val p = exact_product(ub, id + "_rb", {id + "_r", sig(c.recr_act_t)}, {id + "_b", sig(c.accum)});
            const std::string rb = emit_cast(ub, p.wire, p.t, c.accum, id + "_rq");
            const Val s = exact_sum(ub, id + "_s", {id + "_a", sig(c.accum)}, {rb, sig(c.accum)});
            u.push_back(emit_cast(ub, s.wire, s.t, c.accum, id + "_q"));
        }
        os << ub.str() << "    reg [" << n * wa - 1 << ":0] u_reg;\n    always @(posedge clk) if (" << at(lm + 2)
           << ") u_reg <= " << pack(u) << ";\n";
        k_act = lm + 3;
        const std::string hh = instance(os, m + "_a", "cand", at(k_act), "u_reg", n * wact);
        os << "    wire [" << n * wact - 1 << ":0] hh = " << hh << ";\n";
    } else {
        const std::string hp = prev("hr_d", "h_prev", n * wh, lm + 2);
        os << "    wire [" << n * wh - 1 << ":0] hr = " << hp << ";\n";
        std::vector<std::string> rh;
        for (int j = 0; j < n; ++j) {
            const std::string id = "q" + std::to_string(j);
            ub << "    wire [" << wr - 1 << ":0] " << id << "_r = " << elem(go, n + j, wr) << ";\n"
               << "    wire [" << wh - 1 << ":0] " << id << "_h = " << elem("hr", j, wh) << ";\n";
            const Val p = exact_product(ub, id + "_rh", {id + "_r", sig(c.recr_act_t)}, {id + "_h", sig(c.result_t)});
            rh.push_back(emit_cast(ub, p.wire, p.t, c.result_t, id + "_c"));
        }
        os << ub.str() << "    reg [" << n * wh - 1 << ":0] rh_reg;\n    always @(posedge clk) if (" << at(lm + 2)
           << ") rh_reg <= " << pack(rh) << ";\n";
        const std::string bo = instance(os, m + "_rh", "rh", at(lm + 3), "rh_reg", n * wa);
        k_act = lm + 3 + c.lat_h;
        a_h = delay(os, "ah_d", "prod_x[" + std::to_string(2 * n * wa) + " +: " + std::to_string(n * wa) + "]", n * wa, 3 + c.lat_h);
        os << "    wire [" << n * wa - 1 << ":0] ah = " << a_h << ";\n";
        std::ostringstream sb;
        for (int j = 0; j < n; ++j) {
            const std::string id = "u" + std::to_string(j);
            sb << "    wire [" << wa - 1 << ":0] " << id << "_a = " << elem("ah", j, wa) << ";\n"
               << "    wire [" << wa - 1 << ":0] " << id << "_b = " << elem(bo, j, wa) << ";\n";
            const Val s = exact_sum(sb, id + "_s", {id + "_a", sig(c.accum)}, {id + "_b", sig(c.accum)});
            u.push_back(emit_cast(sb, s.wire, s.t, c.accum, id + "_q"));
        }
        os << sb.str();
        const std::string hh = instance(os, m + "_a", "cand", at(k_act), pack(u), n * wact);
        os << "    wire [" << n * wact - 1 << ":0] hh = " << hh << ";\n";
    }
    const int k_mix = k_act + 2;  // the candidate leaves its table; h_t registered in this cycle
    const std::string zd = delay(os, "z_d", go + "[0 +: " + std::to_string(n * wr) + "]", n * wr, k_mix - (lm + 2));
    const std::string hp = prev("hm_d", "h_prev", n * wh, k_mix);
    os << "    wire [" << n * wr - 1 << ":0] zg = " << zd << ";\n    wire [" << n * wh - 1 << ":0] hm = " << hp << ";\n";
    std::ostringstream hb;
    std::vector<std::string> hn;
    for (int j = 0; j < n; ++j) {
        const std::string id = "h" + std::to_string(j);
        hb << "    wire [" << wr - 1 << ":0] " << id << "_z = " << elem("zg", j, wr) << ";\n"
           << "    wire [" << wact - 1 << ":0] " << id << "_c = " << elem("hh", j, wact) << ";\n"
           << "    wire [" << wh - 1 << ":0] " << id << "_p = " << elem("hm", j, wh) << ";\n";
        const Val omz = one_minus(hb, id + "_omz", {id + "_z", sig(c.recr_act_t)});
        const Val p1 = exact_product(hb, id + "_cz", {id + "_c", sig(c.act_t)}, omz);
        const Val p2 = exact_product(hb, id + "_hz", {id + "_p", sig(c.result_t)}, {id + "_z", sig(c.recr_act_t)});
        const Val s = exact_sum(hb, id + "_s", p1, p2);
        hn.push_back(emit_cast(hb, s.wire, s.t, c.result_t, id + "_q"));
    }
    os << hb.str() << "    reg [" << n * wh - 1 << ":0] h_reg;\n    always @(posedge clk) if (" << at(k_mix)
       << ") h_reg <= " << pack(hn) << ";\n    assign h = h_reg;\nendmodule\n\n";
}

/// The parts' cores: modules <m>_k, _r (_rh), _g, _a (_ac).
void emit_parts(std::ostream& os, const RecurrentCell& c, const std::string& m) {
    const int n = c.n;
    auto dense = [&](const Node& d, const std::string& mod, const FixedType& in, int in_elems, const NodeInputs& ni) {
        d.kind->emit_rtl_core(
            d, part_spec(mod, in, in_elems, c.accum, int(d.get_int("n_out")), d.kind->timing(d, ni, IoType::kParallel)), os);
    };
    dense(c.kernel, m + "_k", c.x_t, c.n_in, c.kernel_in());
    dense(c.recurrent, m + "_r", c.result_t, n, c.recurrent_in());
    if (c.has_h_product()) dense(c.recurrent_h, m + "_rh", c.result_t, n, c.recurrent_h_in());
    auto table = [&](const Node& a, const std::string& mod, const FixedType& in, const FixedType& out, int elems,
                     const NodeInputs& ni) {
        a.kind->emit_rtl_core(a, part_spec(mod, in, elems, out, elems, a.kind->timing(a, ni, IoType::kParallel)), os);
    };
    if (c.type == CellType::kSimpleRnn) return table(c.act, m + "_a", c.accum, c.result_t, n, c.act_in());
    table(c.recr_act, m + "_g", c.accum, c.recr_act_t, (c.gates - 1) * n, c.recr_act_in());
    table(c.act, m + "_a", c.accum, c.act_t, n, c.act_in());
    if (c.type == CellType::kLstm) table(c.act_state, m + "_ac", c.state_t, c.act_t, n, c.act_state_in());
}

}  // namespace

void RecurrentKind::emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const {
    const RecurrentCell c = make_cell(node, NodeInputs{spec.in_shapes, spec.in_types});
    const std::string& m = spec.module;
    const int T = c.steps, L = c.step_latency(), n = c.n;
    const int xw = c.n_in * c.x_t.width, hw = n * c.result_t.width, cw = n * c.state_t.width;
    const bool lstm = c.type == CellType::kLstm;
    // The top module first (the file is named after it), then the cell and the parts' cores.
    std::ostringstream parts;
    emit_cell(parts, c, m, c.is_static);
    emit_parts(parts, c, m);
    os << "// " << name() << " layer " << node.name << ": " << T << " steps of " << c.n_in << " -> " << n << ", "
       << (c.is_static ? "static (one cell)" : "non-static (one cell per step)") << ", step " << L << " cycles.\n"
       << "// II " << spec.timing.ii << ", latency " << spec.timing.latency << " cycles (docs/timing.md).\n"
       << "module " << m << " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
       << "    input wire [" << spec.in_width - 1 << ":0] in_data,\n    output wire out_valid,\n"
       << "    output wire [" << spec.out_width - 1 << ":0] out_data\n);\n";
    if (c.is_static) {
        const int sw = bits_for(uint64_t(T > 1 ? T - 1 : 1));
        os << "    wire done;\n    wire [" << hw - 1 << ":0] h;\n    reg [" << sw - 1 << ":0] step;\n"
           << "    wire last = step == " << vconst(sw, T - 1) << ";\n"
           << "    wire first = in_valid | (step == " << vconst(sw, 0) << " & ~done);  // step 0: no state yet\n"
           << "    wire start = in_valid | (done & ~last);\n";
        if (lstm) os << "    wire [" << cw - 1 << ":0] c;\n";
        if (T > 1) {
            os << "    reg [" << (T - 1) * xw - 1 << ":0] xbuf;  // the steps still to come, next in the low bits\n"
               << "    wire [" << xw - 1 << ":0] x = in_valid ? in_data[" << xw - 1 << ":0] : xbuf[" << xw - 1 << ":0];\n"
               << "    always @(posedge clk) begin\n        if (in_valid) xbuf <= in_data[" << T * xw - 1 << ":" << xw << "];\n";
            if (T > 2) os << "        else if (start) xbuf <= {" << vconst(xw, 0) << ", xbuf[" << (T - 1) * xw - 1 << ":" << xw << "]};\n";
            os << "    end\n";
        } else {
            os << "    wire [" << xw - 1 << ":0] x = in_data;\n";
        }
        os << "    always @(posedge clk) begin\n        if (rst) step <= " << vconst(sw, 0) << ";\n"
           << "        else if (in_valid) step <= " << vconst(sw, 0) << ";\n"
           << "        else if (done & ~last) step <= step + " << vconst(sw, 1) << ";\n    end\n"
           << "    " << m << "_cell u_cell (.clk(clk), .rst(rst), .start(start), .x(x), .h_prev(first ? " << vconst(hw, 0)
           << " : h), ";
        if (lstm) os << ".c_prev(first ? " << vconst(cw, 0) << " : c), .c(c), ";
        os << ".done(done), .h(h));\n    assign out_valid = done & last;\n";
        if (c.return_sequences && T > 1) {
            os << "    reg [" << (T - 1) * hw - 1 << ":0] seq;  // h of the earlier steps, the oldest in the low bits\n"
               << "    always @(posedge clk) if (done) seq <= " << (T > 2 ? "{h, seq[" + std::to_string((T - 1) * hw - 1) + ":" + std::to_string(hw) + "]}" : std::string("h")) << ";\n"
               << "    assign out_data = {h, seq};\n";
        } else {
            os << "    assign out_data = h;\n";
        }
        os << "endmodule\n\n/* verilator lint_off DECLFILENAME */\n" << parts.str() << "/* verilator lint_on DECLFILENAME */\n";
        return;
    }
    // Non-static: T cells in a chain.
    for (int t = 0; t < T; ++t) {
        const std::string s = std::to_string(t);
        os << "    wire done" << s << ";\n    wire [" << hw - 1 << ":0] h" << s << ";\n";
        if (lstm) os << (t == T - 1 ? "    /* verilator lint_off UNUSEDSIGNAL */\n" : "") << "    wire [" << cw - 1 << ":0] c" << s
                     << ";\n" << (t == T - 1 ? "    /* verilator lint_on UNUSEDSIGNAL */\n" : "");
        const std::string x = delay(os, "x" + s + "_d", "in_data[" + std::to_string(t * xw) + " +: " + std::to_string(xw) + "]", xw, t * L);
        os << "    " << m << "_cell u_cell" << s << " (.clk(clk), .rst(rst), .start("
           << (t == 0 ? std::string("in_valid") : "done" + std::to_string(t - 1)) << "), .x(" << x << "), .h_prev("
           << (t == 0 ? vconst(hw, 0) : "h" + std::to_string(t - 1)) << "), ";
        if (lstm) os << ".c_prev(" << (t == 0 ? vconst(cw, 0) : "c" + std::to_string(t - 1)) << "), .c(c" << s << "), ";
        os << ".done(done" << s << "), .h(h" << s << "));\n";
    }
    os << "    assign out_valid = done" << T - 1 << ";\n";
    if (c.return_sequences) {
        std::vector<std::string> slots;
        for (int t = 0; t < T; ++t)
            slots.push_back(delay(os, "y" + std::to_string(t) + "_d", "h" + std::to_string(t), hw, (T - 1 - t) * L));
        os << "    assign out_data = {";
        for (int t = T; t-- > 0;) os << slots[size_t(t)] << (t ? ", " : "};\n");
    } else {
        os << "    assign out_data = h" << T - 1 << ";\n";
    }
    os << "endmodule\n\n/* verilator lint_off DECLFILENAME */\n" << parts.str() << "/* verilator lint_on DECLFILENAME */\n";
}

// Under io_stream (one time step per input beat): one cell, started by each accepted beat with the
// state of the previous step (zero for a sample's first beat). Output beats follow the repack contract
// of docs/timing.md with II = L = L_step and C = 1: a released result is written in the cycle its step
// is done or waits in a one-entry queue; a beat that releases a result is accepted only when the
// results held after this cycle's write leave room for it.
void RecurrentKind::emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                                    std::ostream& wrap) const {
    const RecurrentCell c = make_cell(node, NodeInputs{spec.whole.in_shapes, spec.whole.in_types});
    const std::string& m = spec.module;
    const int T = c.steps, L = c.step_latency(), n = c.n;
    const int xw = c.n_in * c.x_t.width, hw = n * c.result_t.width, cw = n * c.state_t.width;
    const bool lstm = c.type == CellType::kLstm;
    const int tw = bits_for(uint64_t(T > 1 ? T - 1 : 1));
    const int lw = bits_for(uint64_t(L));
    core << "/* verilator lint_off DECLFILENAME */\n";
    emit_cell(core, c, m, true);
    emit_parts(core, c, m);
    core << "/* verilator lint_on DECLFILENAME */\n";
    wrap << "// Layer " << node.name << " (" << name() << ") under io_stream: " << T << " beats of " << c.n_in
         << " values in, " << (c.return_sequences ? std::to_string(T) + " beats" : std::string("1 beat")) << " of " << n
         << " out per sample;\n// one cell, a step of " << L << " cycles per beat (II = L = " << L
         << ", docs/timing.md, Recurrent layers).\n"
         << "module " << m << " (\n    input wire clk,\n    input wire rst,\n"
         << "    input wire [" << xw - 1 << ":0] in0_data,\n    input wire in0_empty,\n    output wire in0_rd,\n"
         << "    output wire [" << hw - 1 << ":0] out_data,\n    output wire out_wr,\n    input wire out_full\n);\n"
         << "    reg [" << tw - 1 << ":0] in_beat;    // index of the next input beat within its sample\n"
         << "    reg [" << lw - 1 << ":0] wait_cnt;   // cycles until the next accept may happen (II)\n"
         << "    reg first_reg;                 // the running step is a sample's first: zero state\n"
         << "    reg inflight;                  // a released result is being computed\n"
         << "    reg q_full;                    // a finished result waits for room downstream\n"
         << "    reg [" << hw - 1 << ":0] q_data;\n"
         << "    wire done;\n    wire [" << hw - 1 << ":0] h;\n";
    if (lstm) wrap << "    wire [" << cw - 1 << ":0] c;\n";
    const std::string releases = c.return_sequences ? "1'b1" : "(in_beat == " + vconst(tw, T - 1) + ")";
    wrap << "    wire ready_now = inflight & done;   // the released result of the running step, this cycle\n"
         << "    wire pop = (q_full | ready_now) & ~out_full;\n"
         << "    wire [1:0] held_after_pop = {1'b0, q_full} + {1'b0, inflight} - {1'b0, pop};\n"
         << "    wire rel_now = " << releases << ";\n"
         << "    wire accept = ~in0_empty & (wait_cnt == " << vconst(lw, 0) << ") & ((held_after_pop + {1'b0, rel_now}) <= 2'd1);\n"
         << "    wire first = accept ? (in_beat == " << vconst(tw, 0) << ") : first_reg;\n"
         << "    assign in0_rd = accept;\n    assign out_wr = pop;\n"
         << "    assign out_data = q_full ? q_data : h;\n"
         << "    " << m << "_cell u_cell (.clk(clk), .rst(rst), .start(accept), .x(in0_data), .h_prev(first ? "
         << vconst(hw, 0) << " : h), ";
    if (lstm) wrap << ".c_prev(first ? " << vconst(cw, 0) << " : c), .c(c), ";
    wrap << ".done(done), .h(h));\n"
         << "    always @(posedge clk) begin\n"
         << "        if (rst) begin\n            in_beat <= " << vconst(tw, 0) << ";\n            wait_cnt <= "
         << vconst(lw, 0) << ";\n            first_reg <= 1'b0;\n            inflight <= 1'b0;\n"
         << "            q_full <= 1'b0;\n        end else begin\n"
         << "            if (accept) begin\n"
         << "                in_beat <= (in_beat == " << vconst(tw, T - 1) << ") ? " << vconst(tw, 0) << " : in_beat + "
         << vconst(tw, 1) << ";\n"
         << "                wait_cnt <= " << vconst(lw, L - 1) << ";\n                first_reg <= first;\n"
         << "            end else if (wait_cnt != " << vconst(lw, 0) << ") begin\n"
         << "                wait_cnt <= wait_cnt - " << vconst(lw, 1) << ";\n            end\n"
         << "            // The released result: in flight from its accept to its step's end.\n"
         << "            if (accept & rel_now) inflight <= 1'b1;\n"
         << "            else if (ready_now) inflight <= 1'b0;\n"
         << "            if (ready_now & ~pop) q_full <= 1'b1;\n"
         << "            else if (q_full & pop) q_full <= 1'b0;\n"
         << "        end\n"
         << "        if (ready_now & ~pop) q_data <= h;\n"
         << "    end\nendmodule\n";
}

}  // namespace nnsim
