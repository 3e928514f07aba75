// Verilog core of the dense kind: the datapath behind the timing II = RF, latency RF + 1 (Latency) or
// RF + 2 (Resource), bit-exact with DenseOp.
//
// The core runs on a product list (MacPlan, dense.hpp): the dense kind's is every x_i * W_ij, chunked
// by input when RF divides n_in (group k: inputs k*c .. k*c+c-1 of every output, c = n_in / RF) and in
// output-major order p = j * n_in + i otherwise; other kinds (the depthwise convolutions) pass a sparse
// list in output-major order. The products are split into RF groups of M = ceil(products / RF)
// consecutive products; group k is computed in the k-th cycle after the
// input register by M multipliers (with RF = 1 every product has its own constant multiplier and zero
// weights disappear). Each product is cast to accum_t and added to acc_j in input order with a cast
// after every addition, so saturating accumulators behave as in the evaluator; a wrapping accumulator
// is a plain modulo-2^W sum. In the last group's cycle the result register takes result_t(acc).
// Latency keeps the weights as constants (multiplexed by the group counter when RF > 1); Resource
// reads one M-weight word per cycle from a ROM with a registered output, one cycle ahead of the MACs.
// A dense layer with binary_input maps its inputs to +-1 codes in front of the core; with +-1 weights
// at RF 1 the core is XNOR and popcount (mac_uses_xnor): acc + (2 * popcount - n_j) * 2^F_acc.
#include <algorithm>
#include <map>
#include <sstream>

#include "core/precision.hpp"
#include "core/resources.hpp"
#include "models/dense/dense.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

namespace {

std::string emit_sum_tree(std::ostream& os, std::vector<std::string> terms, int w, const std::string& id);

/// RF > 1 with a wrapping accumulator. Group k's products k*M .. k*M+M-1 belong to the outputs
/// j0(k) = out(k*M) onwards; product p is in slot t = out(p) - j0(k). One sum per slot adds the
/// products of its multipliers (a multiplier that changes slot with k is masked by k), and acc_j adds
/// the sum of its slot in each of its group cycles. Addition modulo 2^W makes the order of the terms
/// irrelevant, so this is bit-exact with the in-order accumulation while the adder trees are shared
/// by all outputs (hls4ml's Resource loop accumulating into acc[out_index]).
void emit_slot_sums(std::ostream& body, const MacPlan& plan, int rf, int m_count,
                    const std::vector<std::string>& casted, int aw, const std::string& k_sig, int kw,
                    std::vector<std::string>& next) {
    const int64_t total = plan.total();
    const int n_out = plan.n_out;
    std::vector<std::map<int, std::vector<int>>> members;              // slot -> multiplier -> groups
    std::vector<std::vector<std::pair<int, int>>> uses(static_cast<size_t>(n_out));  // output -> (group, slot)
    std::vector<int> active(static_cast<size_t>(m_count), 0);                      // groups in which m has a product
    for (int k = 0; k < rf && int64_t(k) * m_count < total; ++k) {
        const int64_t lo = int64_t(k) * m_count, hi = std::min(total, lo + m_count);
        const int64_t j0 = plan.out_idx[size_t(lo)];
        for (int64_t p = lo; p < hi; ++p) {
            const int m = int(p - lo), j = plan.out_idx[size_t(p)], t = int(j - j0);
            if (size_t(t) >= members.size()) members.resize(size_t(t) + 1);
            members[size_t(t)][m].push_back(k);
            ++active[size_t(m)];
            auto& u = uses[size_t(j)];
            if (u.empty() || u.back().first != k) u.emplace_back(k, t);
        }
    }
    const std::string zero_w = vconst(aw, 0);
    for (size_t t = 0; t < members.size(); ++t) {
        std::vector<std::string> terms;
        for (const auto& [m, ks] : members[t]) {
            std::string term = casted[size_t(m)];
            if (int(ks.size()) != active[size_t(m)]) {
                term = "slot" + std::to_string(t) + "_m" + std::to_string(m);
                body << "    reg [" << aw - 1 << ":0] " << term << ";\n    always @(*) begin\n        case (" << k_sig
                     << ")\n            ";
                for (size_t i = 0; i < ks.size(); ++i) body << (i ? ", " : "") << vconst(kw, ks[i]);
                body << ": " << term << " = " << casted[size_t(m)] << ";\n            default: " << term << " = "
                     << zero_w << ";\n        endcase\n    end\n";
            }
            terms.push_back(term);
        }
        const std::string sum = emit_sum_tree(body, terms, aw, "slot" + std::to_string(t) + "_sum");
        body << "    wire [" << aw - 1 << ":0] slot" << t << " = " << sum << ";\n";
    }
    for (int j = 0; j < n_out; ++j) {
        const std::string nx = "acc_next" + std::to_string(j), acc = "acc" + std::to_string(j);
        std::map<int, bool> added;
        for (const auto& [k, t] : uses[size_t(j)])
            if (!added[t]) {
                added[t] = true;
                body << "    wire [" << aw - 1 << ":0] acc_add" << j << "_" << t << " = " << acc << " + slot" << t
                     << ";\n";
            }
        if (added.size() == 1 && int(uses[size_t(j)].size()) == rf) {
            // One slot in every group (the input-chunked plan): no choice to make over k.
            body << "    wire [" << aw - 1 << ":0] " << nx << " = acc_add" << j << "_" << added.begin()->first << ";\n";
            next[size_t(j)] = nx;
            continue;
        }
        body << "    reg [" << aw - 1 << ":0] " << nx << ";\n    always @(*) begin\n        case (" << k_sig << ")\n";
        for (const auto& [k, t] : uses[size_t(j)])
            body << "            " << vconst(kw, k) << ": " << nx << " = acc_add" << j << "_" << t << ";\n";
        body << "            default: " << nx << " = " << acc << ";\n        endcase\n    end\n";
        next[size_t(j)] = nx;
    }
}

/// The sum modulo 2^w of `terms` (w-bit wires) as a balanced tree of two-input adders (`<id>_*`
/// wires); returns the sum's wire. Each adder adds the low w - 1 bits on one carry chain and forms the
/// top bit from the chain's carry out: an intermediate sum is then never a single adder's whole result,
/// so Yosys's alumacc does not merge the tree into one $macc (which maccmap maps to a carry-save tree,
/// two LUTs per full adder) and maps every adder to LUTs on a CARRY4 chain, one LUT per bit. Exact for a
/// wrapping accumulator: addition modulo 2^w does not depend on the order of the terms.
std::string emit_sum_tree(std::ostream& os, std::vector<std::string> terms, int w, const std::string& id) {
    if (terms.empty()) return vconst(w, 0);
    for (int depth = 0; terms.size() > 1; ++depth) {
        std::vector<std::string> up;
        for (size_t i = 0; i + 1 < terms.size(); i += 2) {
            const std::string& a = terms[i];
            const std::string& b = terms[i + 1];
            const std::string name = id + "_t" + std::to_string(depth) + "_" + std::to_string(i / 2);
            if (w < 2) {
                os << "    wire " << name << " = " << a << " ^ " << b << ";\n";
            } else {
                const std::string top = std::to_string(w - 1), low = std::to_string(w - 2);
                os << "    wire [" << top << ":0] " << name << "_lo = {1'b0, " << a << "[" << low << ":0]} + {1'b0, " << b
                   << "[" << low << ":0]};\n";
                os << "    wire [" << top << ":0] " << name << " = {" << a << "[" << top << "] ^ " << b << "[" << top
                   << "] ^ " << name << "_lo[" << top << "], " << name << "_lo[" << low << ":0]};\n";
            }
            up.push_back(name);
        }
        if (terms.size() % 2) up.push_back(terms.back());
        terms = std::move(up);
    }
    return terms[0];
}

/// The number of set bits among `bits` (1-bit expressions) as a balanced tree of adders whose widths
/// grow with the count they can reach; returns a wire of bits_for(bits.size()) bits (`<id>_*` wires).
std::string emit_popcount(std::ostream& os, const std::vector<std::string>& bits, const std::string& id) {
    struct Term {
        std::string name;
        int width;
        int64_t max;
    };
    std::vector<Term> level;
    for (size_t i = 0; i < bits.size(); ++i) {
        const std::string w = id + "_b" + std::to_string(i);
        os << "    wire " << w << " = " << bits[i] << ";\n";
        level.push_back({w, 1, 1});
    }
    for (int depth = 0; level.size() > 1; ++depth) {
        std::vector<Term> up;
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
            const Term& a = level[i];
            const Term& b = level[i + 1];
            const int64_t max = a.max + b.max;
            const int w = bits_for(uint64_t(max));
            const std::string name = id + "_s" + std::to_string(depth) + "_" + std::to_string(i / 2);
            os << "    wire [" << w - 1 << ":0] " << name << " = " << extend(a.name, a.width, w, false) << " + "
               << extend(b.name, b.width, w, false) << ";\n";
            up.push_back({name, w, max});
        }
        if (level.size() % 2) up.push_back(level.back());
        level = std::move(up);
    }
    return level[0].name;
}

}  // namespace

MacPlan dense_plan(const Node& n, int n_in) {
    const int n_out = int(n.get_int("n_out"));
    const int rf = n.reuse_factor;
    const FixedType& wt = n.type("weight");
    const std::vector<double>& k = n.weights.at("kernel").data;
    MacPlan plan;
    plan.n_in = n_in, plan.n_out = n_out;
    const size_t total = size_t(n_in) * size_t(n_out);
    plan.in_idx.resize(total), plan.out_idx.resize(total), plan.weight.resize(total);
    // Input-chunked when RF divides n_in: group k holds, for every output j, the c = n_in / RF inputs
    // k * c .. k * c + c - 1, so each multiplier serves one output and each accumulator adds c
    // products per cycle (no adder tree shared across outputs, no per-output multiplexing over k).
    // Otherwise output-major: p = j * n_in + i.
    const bool chunked = rf > 1 && n_in % rf == 0;
    const size_t c = chunked ? size_t(n_in / rf) : size_t(n_in);
    for (int j = 0; j < n_out; ++j)
        for (int i = 0; i < n_in; ++i) {
            const size_t p = chunked ? (size_t(i) / c * size_t(n_out) + size_t(j)) * c + size_t(i) % c
                                     : size_t(j) * size_t(n_in) + size_t(i);
            plan.in_idx[p] = i, plan.out_idx[p] = j;
            plan.weight[p] = res::quantize(k[size_t(i) * size_t(n_out) + size_t(j)], wt);
        }
    return plan;
}

bool mac_uses_xnor(const Node& n, const MacPlan& plan, const FixedType& xt) {
    const FixedType& wt = n.type("weight");
    const FixedType& at = n.type("accum");
    const bool acc_wraps = at.overflow == OverflowMode::kWrap && at.sat_bits == 0;
    const int64_t one_w = wt.frac() >= 0 && wt.frac() < 62 ? int64_t(1) << wt.frac() : 0;
    bool xnor = reads_binary_input(n) && n.reuse_factor == 1 && acc_wraps &&
                one_w != 0 && at.frac() >= 0 && at.frac() < 60 && at.raw_max() >= (int64_t(1) << at.frac()) &&
                at.raw_min() <= -(int64_t(1) << at.frac()) && xt.width == 2 && xt.is_signed;
    for (int64_t p = 0; xnor && p < plan.total(); ++p) {
        const int64_t w = plan.weight[size_t(p)];
        xnor = w == 0 || w == one_w || w == -one_w;
    }
    return xnor;
}

bool mac_uses_sum_tree(const Node& n, const FixedType& xt) {
    const FixedType& wt = n.type("weight");
    const FixedType& at = n.type("accum");
    const bool psigned = xt.is_signed || wt.is_signed;
    const res::Sig prod{xt.width + wt.width + (xt.is_signed != wt.is_signed ? 1 : 0), xt.frac() + wt.frac(), psigned};
    return n.reuse_factor == 1 && at.overflow == OverflowMode::kWrap && at.sat_bits == 0 && res::cast_is_wires(prod, at);
}

int popcount_adder_bits(int count) {
    std::vector<int64_t> level(size_t(std::max(count, 0)), 1);  // the most each term can reach
    int bits = 0;
    while (level.size() > 1) {
        std::vector<int64_t> up;
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
            up.push_back(level[i] + level[i + 1]);
            bits += bits_for(uint64_t(up.back()));
        }
        if (level.size() % 2) up.push_back(level.back());
        level = std::move(up);
    }
    return bits;
}

int DenseKind::rtl_held_results(const Node& n) const {
    return n.strategy == Strategy::kResource && n.reuse_factor > 1 ? 2 : 1;
}

void DenseKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const MacPlan plan = dense_plan(n, spec.in_elems[0]);
    const int m_count = int((plan.total() + n.reuse_factor - 1) / n.reuse_factor);
    RtlCoreSpec mac = spec;
    if (reads_binary_input(n)) {
        // binary_input: this module maps every input to the 2-bit code of +1 (x >= 0) or -1 and hands
        // the codes to the MAC core behind it (module <core>_mac, input type int<2>).
        const FixedType& xt = spec.in_types[0];
        const int n_in = spec.in_elems[0];
        std::string err;
        parse_fixed_type("int<2>", mac.in_types[0], err);
        mac.module = spec.module + "_mac";
        mac.in_width = 2 * n_in;
        mac.in_offset = {0};
        os << "// Dense " << n.name << " with binary inputs: x >= 0 reads as +1 (code 01), x < 0 as -1 (code 11).\n"
           << "module " << spec.module << " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
           << "    input wire [" << spec.in_width - 1 << ":0] in_data,\n"
           << (spec.out_take ? "    input wire out_take,\n" : "") << "    output wire out_valid,\n"
           << "    output wire [" << spec.out_width - 1 << ":0] out_data\n);\n"
           << "    wire [" << mac.in_width - 1 << ":0] codes;\n";
        if (!xt.is_signed)
            os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << spec.in_width - 1
               << ":0] unused_in = in_data;\n    /* verilator lint_on UNUSEDSIGNAL */\n";
        for (int i = 0; i < n_in; ++i)
            os << "    assign codes[" << 2 * i + 1 << ":" << 2 * i << "] = "
               << (xt.is_signed ? "in_data[" + std::to_string(i * xt.width + xt.width - 1) + "] ? 2'b11 : 2'b01"
                                : std::string("2'b01"))
               << ";\n";
        if (xt.is_signed && xt.width > 1) {
            os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << spec.in_width - 1
               << ":0] unused_low = in_data;\n    /* verilator lint_on UNUSEDSIGNAL */\n";
        }
        os << "    " << mac.module << " mac (\n        .clk(clk),\n        .rst(rst),\n        .in_valid(in_valid),\n"
           << "        .in_data(codes),\n" << (spec.out_take ? "        .out_take(out_take),\n" : "")
           << "        .out_valid(out_valid),\n        .out_data(out_data)\n    );\nendmodule\n\n"
           << "/* verilator lint_off DECLFILENAME */\n";
    }
    const std::string products = mac_uses_xnor(n, plan, mac.in_types[0]) ? std::string("XNOR and popcount")
                                                                          : std::to_string(m_count) + " multipliers";
    emit_mac_core(n, plan, mac,
                  "Dense " + n.name + ": " + std::to_string(plan.n_in) + " -> " + std::to_string(plan.n_out) + ", " +
                      strategy_name(n.strategy) + ", RF " + std::to_string(n.reuse_factor) + ", " + products +
                      "; weight " + n.type("weight").to_string() + ", accum " +
                      n.type("accum").to_string() + ", result " + spec.out_type.to_string() + ".",
                  os);
    if (reads_binary_input(n)) os << "/* verilator lint_on DECLFILENAME */\n";
}

void emit_mac_core(const Node& n, const MacPlan& plan, const RtlCoreSpec& spec, const std::string& comment,
                   std::ostream& os) {
    const FixedType& xt = spec.in_types[0];
    const FixedType& wt = n.type("weight");
    const FixedType& bt = n.type("bias");
    const FixedType& at = n.type("accum");
    const FixedType& rt = spec.out_type;
    const int n_out = plan.n_out;
    const int rf = n.reuse_factor;
    const bool resource = n.strategy == Strategy::kResource;
    const int64_t total = plan.total();
    const int m_count = int((total + rf - 1) / rf);
    const int kw = bits_for(uint64_t(rf > 1 ? rf - 1 : 1));
    const int pw = xt.width + wt.width + (xt.is_signed != wt.is_signed ? 1 : 0);  // product width
    const bool psigned = xt.is_signed || wt.is_signed;
    const SignalType prod_t{pw, xt.frac() + wt.frac(), psigned};
    const SignalType acc_t = signal_type(at);
    const bool acc_wraps = at.overflow == OverflowMode::kWrap && at.sat_bits == 0;

    // Biases already in accum_t (the accumulator's start value).
    std::vector<int64_t> b_acc(size_t(n_out), 0);
    auto bit = n.weights.find("bias");
    for (int j = 0; j < n_out; ++j) {
        const double bv = bit != n.weights.end() ? bit->second.data[size_t(j)] : 0.0;
        b_acc[size_t(j)] = cast(cast_double(bv, bt), bt.frac(), at);
    }
    auto weight = [&](int64_t p) { return plan.weight[size_t(p)]; };
    auto input = [&](int64_t p) { return plan.in_idx[size_t(p)]; };

    // XNOR and popcount (mac_uses_xnor): the x register holds 2-bit codes of +-1, each product is a
    // bit (x's sign XNOR w's), and acc_next = acc + (2 * popcount - n_j) * 2^F_acc, equal to the
    // modulo-2^W sum of the products.
    const bool xnor = mac_uses_xnor(n, plan, xt);

    // Resource with RF > 1 keeps a second finished sum in the accumulators while the result register
    // still holds one the shell has not taken (rtl_held_results 2): the weight word is zero whenever
    // the MAC stage is idle, so acc_next = acc and the result register takes result_t(acc) later.
    const bool keeps_two = spec.out_take && resource && rf > 1;
    emit_core_header(os, spec, comment, keeps_two);
    // Control: the group counter k runs 0..RF-1 in the cycles after an accept (one cycle later for
    // Resource, whose MAC stage follows the ROM read).
    os << "    reg [" << spec.in_width - 1 << ":0] x_reg;\n    reg busy;\n    reg [" << kw - 1 << ":0] k;\n"
       << "    always @(posedge clk) begin\n        if (in_valid) x_reg <= in_data;\n    end\n"
       << "    always @(posedge clk) begin\n"
       << "        if (rst) begin\n            busy <= 1'b0;\n            k <= " << vconst(kw, 0) << ";\n        end"
       << " else if (in_valid) begin\n            busy <= 1'b1;\n            k <= " << vconst(kw, 0) << ";\n"
       << "        end else if (busy) begin\n            if (k == " << vconst(kw, rf - 1) << ") busy <= 1'b0;\n"
       << "            else k <= k + " << vconst(kw, 1) << ";\n        end\n    end\n";
    // Inputs whose every weight is zero (pruned, or a quantizer's zeros) reach no multiplier: their
    // register bits are left unread, which is said to the linter rather than left to a warning.
    std::vector<char> read(size_t(spec.in_elems[0]), 0);
    for (int64_t p = 0; p < total; ++p)
        if (plan.weight[size_t(p)] != 0) read[size_t(plan.in_idx[size_t(p)])] = 1;
    // (The XNOR path reads only the high bit of each input's code.)
    const bool some_unread = xnor || std::find(read.begin(), read.end(), 0) != read.end();
    auto waive_unread = [&](const std::string& reg) {
        if (some_unread)
            os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << spec.in_width - 1 << ":0] unused_" << reg
               << " = " << reg << ";\n    /* verilator lint_on UNUSEDSIGNAL */\n";
    };
    waive_unread("x_reg");
    std::string mac_busy = "busy", mac_k = "k", mac_x = "x_reg", mac_start = "in_valid";
    if (resource) {
        // The MAC stage runs one cycle behind: ROM word, inputs, counter and start all delayed by one.
        os << "    reg busy_b;\n    reg [" << kw - 1 << ":0] k_b;\n    reg start_b;\n    reg [" << spec.in_width - 1
           << ":0] x_b;\n"
           << "    always @(posedge clk) begin\n        if (rst) begin\n            busy_b <= 1'b0;\n"
           << "            start_b <= 1'b0;\n        end else begin\n            busy_b <= busy;\n"
           << "            start_b <= in_valid;\n        end\n        k_b <= k;\n        x_b <= x_reg;\n    end\n";
        mac_busy = "busy_b", mac_k = "k_b", mac_x = "x_b", mac_start = "start_b";
        waive_unread("x_b");
    }
    if (resource && rf > 1) {
        // The weight ROM: one word of M weights per group, registered read (block RAM when large).
        os << "    reg [" << m_count * wt.width - 1 << ":0] w_word;\n    always @(posedge clk) begin\n"
           << "        if (!busy) w_word <= " << vconst(m_count * wt.width, 0) << ";\n"
           << "        else case (k)\n";
        for (int k = 0; k < rf; ++k) {
            os << "            " << vconst(kw, k) << ": w_word <= {";
            for (int m = m_count - 1; m >= 0; --m) {
                const int64_t p = int64_t(k) * m_count + m;
                os << vconst(wt.width, p < total ? weight(p) : 0) << (m ? ", " : "");
            }
            os << "};\n";
        }
        os << "            default: w_word <= " << vconst(m_count * wt.width, 0) << ";\n        endcase\n    end\n";
    }
    std::ostringstream body;
    std::vector<std::string> next(static_cast<size_t>(n_out));
    const int aw = at.width;
    if (xnor) {
        for (int j = 0; j < n_out; ++j) body << "    reg [" << aw - 1 << ":0] acc" << j << ";\n";
        std::vector<std::vector<std::string>> bits(static_cast<size_t>(n_out));
        for (int64_t p = 0; p < total; ++p) {
            if (weight(p) == 0) continue;
            // x's code is 2'b01 for +1, 2'b11 for -1: its high bit is 1 for -1.
            const std::string neg = mac_x + "[" + std::to_string(2 * input(p) + 1) + "]";
            bits[size_t(plan.out_idx[size_t(p)])].push_back(weight(p) > 0 ? "~" + neg : neg);
        }
        for (int j = 0; j < n_out; ++j) {
            const std::string id = "pc" + std::to_string(j);
            const int n_j = int(bits[size_t(j)].size());
            const std::string nx = "acc_next" + std::to_string(j);
            if (n_j == 0) {
                body << "    wire [" << aw - 1 << ":0] " << nx << " = acc" << j << ";\n";
            } else {
                const std::string pop = emit_popcount(body, bits[size_t(j)], id);
                const int pwid = bits_for(uint64_t(n_j));
                // 2 * pop - n_j in accumulator units, modulo 2^W.
                body << "    wire [" << aw - 1 << ":0] " << id << "_v = {" << extend(pop, pwid, aw, false)
                     << "} << " << (at.frac() + 1) << ";\n"
                     << "    wire [" << aw - 1 << ":0] " << nx << " = acc" << j << " + " << id << "_v - "
                     << vconst(aw, int64_t(n_j) << at.frac()) << ";\n";
            }
            next[size_t(j)] = nx;
        }
    } else {
    // Multipliers: m takes product k*M + m in group k.
    std::vector<std::string> casted(static_cast<size_t>(m_count));  // cast of multiplier m's product to accum_t
    std::vector<bool> zero(size_t(m_count), false);     // a constant zero product (RF 1, pruned weight)
    std::map<std::vector<int>, std::string> x_mux;      // input sequence over k -> its multiplexer
    for (int m = 0; m < m_count; ++m) {
        const std::string id = "m" + std::to_string(m);
        std::string xop, wop;
        if (rf == 1) {
            const int64_t p = m;
            if (weight(p) == 0) {
                zero[size_t(m)] = true;
                continue;
            }
            xop = elem(mac_x, input(p), xt.width);
            wop = vconst(pw, weight(p));
            body << "    wire [" << xt.width - 1 << ":0] " << id << "_x = " << xop << ";\n";
        } else {
            // The input multiplexer over k; multipliers reading the same sequence of inputs share one.
            std::vector<int> seq;
            for (int k = 0; k < rf; ++k) {
                const int64_t p = int64_t(k) * m_count + m;
                seq.push_back(p < total ? input(p) : -1);
            }
            const auto shared = x_mux.find(seq);
            if (shared != x_mux.end()) {
                body << "    wire [" << xt.width - 1 << ":0] " << id << "_x = " << shared->second << ";\n";
            } else {
                x_mux.emplace(seq, id + "_x");
                body << "    reg [" << xt.width - 1 << ":0] " << id << "_x;\n";
                body << "    always @(*) begin\n        case (" << mac_k << ")\n";
                for (int k = 0; k < rf; ++k)
                    body << "            " << vconst(kw, k) << ": " << id << "_x = "
                         << (seq[size_t(k)] >= 0 ? elem(mac_x, seq[size_t(k)], xt.width) : vconst(xt.width, 0)) << ";\n";
                body << "            default: " << id << "_x = " << vconst(xt.width, 0) << ";\n        endcase\n    end\n";
            }
            if (resource) {
                wop = extend(elem("w_word", m, wt.width), wt.width, pw, wt.is_signed);
            } else {
                body << "    reg [" << wt.width - 1 << ":0] " << id << "_w;\n    always @(*) begin\n        case ("
                     << mac_k << ")\n";
                for (int k = 0; k < rf; ++k) {
                    const int64_t p = int64_t(k) * m_count + m;
                    body << "            " << vconst(kw, k) << ": " << id << "_w = "
                         << vconst(wt.width, p < total ? weight(p) : 0) << ";\n";
                }
                body << "            default: " << id << "_w = " << vconst(wt.width, 0) << ";\n        endcase\n    end\n";
                wop = extend(id + "_w", wt.width, pw, wt.is_signed);
            }
        }
        body << "    wire [" << pw - 1 << ":0] " << id << "_xe = " << extend(id + "_x", xt.width, pw, xt.is_signed)
             << ";\n";
        body << "    wire [" << pw - 1 << ":0] " << id << "_p = "
             << (psigned ? "$signed(" + id + "_xe) * $signed(" + wop + ")" : id + "_xe * " + wop) << ";\n";
        casted[size_t(m)] = emit_cast(body, id + "_p", prod_t, at, id + "_c");
    }
    // Accumulators and their next values per group.
    for (int j = 0; j < n_out; ++j) body << "    reg [" << aw - 1 << ":0] acc" << j << ";\n";
    // For each output j, the groups (k) that touch it and the multipliers, in input order.
    std::vector<std::map<int, std::vector<int>>> terms(static_cast<size_t>(n_out));
    for (int64_t p = 0; p < total; ++p) {
        const int j = plan.out_idx[size_t(p)], k = int(p / m_count), m = int(p % m_count);
        terms[size_t(j)][k].push_back(m);
    }
    int uniq = 0;
    auto add = [&](const std::string& a, const std::string& c) {
        // a + c in accum_t with accum_t's overflow handling.
        const std::string id = "s" + std::to_string(uniq++);
        if (acc_wraps) {
            body << "    wire [" << aw - 1 << ":0] " << id << " = " << a << " + " << c << ";\n";
            return id;
        }
        body << "    wire [" << aw << ":0] " << id << "_sum = " << extend(a, aw, aw + 1, at.is_signed) << " + "
             << extend(c, aw, aw + 1, at.is_signed) << ";\n";
        return emit_cast(body, id + "_sum", SignalType{aw + 1, at.frac(), at.is_signed}, at, id);
    };
    // RF 1 with a wrapping accumulator and product casts that are wires: each output's sum as a tree of
    // carry-chain adders (emit_sum_tree); a cast with logic (rounding, overflow) keeps the chain, where
    // Yosys folds a rounding increment into the sum as one more single-bit term.
    const bool sum_tree = mac_uses_sum_tree(n, xt);
    if (acc_wraps && rf > 1) {
        emit_slot_sums(body, plan, rf, m_count, casted, aw, mac_k, kw, next);
    } else {
        for (int j = 0; j < n_out; ++j) {
            const std::string cur = "acc_cur" + std::to_string(j);
            body << "    wire [" << aw - 1 << ":0] " << cur << " = acc" << j << ";\n";
            std::map<int, std::string> per_group;
            for (const auto& [k, ms] : terms[size_t(j)]) {
                if (sum_tree) {  // RF 1: one group, its products and the accumulator in a tree
                    std::vector<std::string> ops{cur};
                    for (int m : ms)
                        if (!zero[size_t(m)]) ops.push_back(casted[size_t(m)]);
                    per_group[k] = emit_sum_tree(body, ops, aw, "sum" + std::to_string(j));
                    continue;
                }
                std::string v = cur;
                for (int m : ms)
                    if (!zero[size_t(m)]) v = add(v, casted[size_t(m)]);
                per_group[k] = v;
            }
            const std::string nx = "acc_next" + std::to_string(j);
            if (rf == 1) {
                body << "    wire [" << aw - 1 << ":0] " << nx << " = " << per_group.begin()->second << ";\n";
            } else {
                body << "    reg [" << aw - 1 << ":0] " << nx << ";\n    always @(*) begin\n        case (" << mac_k
                     << ")\n";
                for (const auto& [k, v] : per_group) body << "            " << vconst(kw, k) << ": " << nx << " = " << v << ";\n";
                body << "            default: " << nx << " = " << cur << ";\n        endcase\n    end\n";
            }
            next[size_t(j)] = nx;
        }
    }
    }  // the multiply-accumulate path
    std::vector<std::string> results;
    for (int j = 0; j < n_out; ++j)
        results.push_back(emit_cast(body, next[size_t(j)], acc_t, rt, "r" + std::to_string(j)));
    os << body.str();
    std::string last = mac_busy + " && " + mac_k + " == " + vconst(kw, rf - 1);
    if (keeps_two) {
        // done: the last group's cycle; a sum finished while res holds an untaken result waits
        // (acc_pend) until the shell takes it (out_take), and out_valid follows every load of res.
        os << "    wire done = " << last << ";\n    reg acc_pend;\n    reg res_full;\n    reg out_v;\n"
           << "    wire res_free = ~res_full | out_take;\n"
           << "    wire load_res = (done | acc_pend) & res_free;\n"
           << "    assign out_valid = out_v;\n"
           << "    always @(posedge clk) begin\n        if (rst) begin\n            acc_pend <= 1'b0;\n"
           << "            res_full <= 1'b0;\n            out_v <= 1'b0;\n        end else begin\n"
           << "            acc_pend <= (done | acc_pend) & ~res_free;\n"
           << "            res_full <= load_res | (res_full & ~out_take);\n"
           << "            out_v <= load_res;\n        end\n    end\n";
        last = "load_res";
    }
    os << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n";
    for (int j = 0; j < n_out; ++j)
        os << "        if (" << mac_start << ") acc" << j << " <= " << vconst(aw, b_acc[size_t(j)]) << ";\n"
           << "        else if (" << mac_busy << ") acc" << j << " <= " << next[size_t(j)] << ";\n";
    os << "        if (" << last << ") begin\n";
    for (int j = 0; j < n_out; ++j) os << "            " << elem("res", j, rt.width) << " <= " << results[size_t(j)] << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
