// The Verilog generator (generator.hpp): the shared FIFO modules (fifo_modules.hpp), one wrapper per
// layer holding the timing shell around the kind's core, and the top that wires FIFOs, layers and
// AXI-Stream ports exactly as the SystemC model wires its channels (sim/network_sim.cpp).
//
// The layer wrapper implements the shell of sim/layer_module.hpp in logic:
//   head_valid = (skid_count != 0) | core_out_valid        the oldest pending result is ready
//   pop        = head_valid & ~out_full                     written to every consumer FIFO
//   accept     = all inputs non-empty & ii_wait == 0 & (q_count - pop) < P
//   q_count'   = q_count + accept - pop                     samples accepted and not yet written
// Results that cannot be written when the core delivers them wait in a P-entry skid queue; a result
// delivered into an empty queue can be written in the same cycle (bypass), as in the model. A core
// that keeps pending results itself (LayerKind::rtl_held_results) needs a smaller queue: none when it
// keeps P of them, one register when it keeps one and P = 2.
#include "rtl/generator.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "rtl/fifo_modules.hpp"
#include "rtl/repack_shell.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;

struct Edge {
    std::string name;      ///< fifo_<from>__<to>, as in the model
    std::string from, to;  ///< producer tensor, consumer node ("out" for a network output)
    int depth = 2;
    int width = 0;         ///< bits per word
};

/// {zeros, bit} of `w` bits, or the bit itself when w == 1 (keeps every assignment width-exact).
std::string widen(const std::string& bit, int w) { return w == 1 ? bit : "{" + vconst(w - 1, 0) + ", " + bit + "}"; }

/// The result side of the shell for any core: results the consumer FIFOs cannot take when the core
/// delivers them wait in a P-entry skid queue (LUT RAM); one delivered into an empty queue can be
/// written in the same cycle (bypass). Defines head_valid, pop and out_data.
void emit_skid_queue(std::ostream& os, int p, int ow) {
    const int sw = bits_for(uint64_t(p));
    const int pw = std::max(1, bits_for(uint64_t(p - 1)));
    auto inc = [&](const std::string& r) {
        return "(" + r + " == " + vconst(pw, p - 1) + ") ? " + vconst(pw, 0) + " : " + r + " + " + vconst(pw, 1);
    };
    os << "    // skid queue of P entries\n"
       << "    reg [" << ow - 1 << ":0] skid [0:" << p - 1 << "];\n"
       << "    reg [" << sw - 1 << ":0] skid_count;\n"
       << "    reg [" << pw - 1 << ":0] skid_head;\n"
       << "    reg [" << pw - 1 << ":0] skid_tail;\n"
       << "    wire from_skid = (skid_count != " << vconst(sw, 0) << ");\n"
       << "    wire head_valid = from_skid | core_out_valid;\n"
       << "    wire pop = head_valid & ~out_full;\n"
       << "    wire push = core_out_valid & ~(pop & ~from_skid);\n"
       << "    assign out_data = from_skid ? skid[skid_head] : core_out_data;\n"
       << "    always @(posedge clk) begin\n"
       << "        if (push) skid[skid_tail] <= core_out_data;\n"
       << "    end\n"
       << "    always @(posedge clk) begin\n"
       << "        if (rst) begin\n"
       << "            skid_count <= " << vconst(sw, 0) << ";\n"
       << "            skid_head <= " << vconst(pw, 0) << ";\n"
       << "            skid_tail <= " << vconst(pw, 0) << ";\n"
       << "        end else begin\n"
       << "            if (push) skid_tail <= " << inc("skid_tail") << ";\n"
       << "            if (pop & from_skid) skid_head <= " << inc("skid_head") << ";\n"
       << "            skid_count <= skid_count + " << widen("push", sw) << " - " << widen("(pop & from_skid)", sw)
       << ";\n"
       << "        end\n"
       << "    end\n";
}

/// The result side for a core that keeps pending results itself (LayerKind::rtl_held_results): the
/// newest pending result stays on the core's out_data (core_pend). With `slots` = 1 the core keeps
/// every pending result (P <= its held results) and the shell stores nothing. With `slots` = 2 (a core
/// holding one result, P = 2) the register `prev` follows out_data while it holds nothing pending, so
/// when the core delivers a result over an unwritten one, the older is in `prev` (prev_pend). Order
/// and cycles are the skid queue's.
void emit_held_results(std::ostream& os, int slots, int ow) {
    const int p = slots;
    os << "    // pending results held in the core" << (p == 2 ? " and one register" : "") << "\n"
       << "    reg core_pend;\n"
       << "    wire core_live = core_pend | core_out_valid;\n";
    if (p == 1) {
        os << "    wire head_valid = core_live;\n"
           << "    wire pop = head_valid & ~out_full;\n"
           << "    assign out_data = core_out_data;\n"
           << "    always @(posedge clk) begin\n"
           << "        if (rst) core_pend <= 1'b0;\n"
           << "        else core_pend <= core_live & ~pop;\n"
           << "    end\n";
        return;
    }
    os << "    reg prev_pend;\n"
       << "    reg [" << ow - 1 << ":0] prev;\n"
       << "    wire from_prev = prev_pend | (core_pend & core_out_valid);\n"
       << "    wire head_valid = from_prev | core_live;\n"
       << "    wire pop = head_valid & ~out_full;\n"
       << "    assign out_data = from_prev ? prev : core_out_data;\n"
       << "    always @(posedge clk) begin\n"
       << "        if (!(from_prev & ~pop)) prev <= core_out_data;\n"
       << "    end\n"
       << "    always @(posedge clk) begin\n"
       << "        if (rst) begin\n"
       << "            core_pend <= 1'b0;\n"
       << "            prev_pend <= 1'b0;\n"
       << "        end else begin\n"
       << "            prev_pend <= from_prev & ~pop;\n"
       << "            core_pend <= core_live & ~(pop & ~from_prev);\n"
       << "        end\n"
       << "    end\n";
}

/// The wrapper of one layer: shell logic around `<layer>_core`.
void emit_layer(std::ostream& os, const std::string& mod, const Node& n, const RtlCoreSpec& spec, int n_inputs) {
    const int p = (spec.timing.latency + spec.timing.ii - 1) / spec.timing.ii;
    const int qw = bits_for(uint64_t(p));
    const int ow = spec.out_width;
    os << "// Layer " << n.name << " (" << n.kind->name() << ", " << strategy_name(n.strategy) << ", RF "
       << n.reuse_factor << "): timing shell around " << spec.module << ".\n"
       << "// II " << spec.timing.ii << ", latency " << spec.timing.latency << ", at most P = " << p
       << " samples in flight.\n"
       << "module " << mod << " (\n    input wire clk,\n    input wire rst,\n";
    for (int k = 0; k < n_inputs; ++k)
        os << "    input wire [" << spec.in_elems[size_t(k)] * spec.in_types[size_t(k)].width - 1 << ":0] in" << k
           << "_data,\n    input wire in" << k << "_empty,\n    output wire in" << k << "_rd,\n";
    os << "    output wire [" << ow - 1 << ":0] out_data,\n    output wire out_wr,\n    input wire out_full\n);\n";
    os << "    wire core_out_valid;\n    wire [" << ow - 1 << ":0] core_out_data;\n";
    os << "    reg [" << qw - 1 << ":0] q_count;\n";
    const int held = n.kind->rtl_held_results(n);
    if (held >= p) emit_held_results(os, 1, ow);
    else if (held == 1 && p == 2) emit_held_results(os, 2, ow);
    else emit_skid_queue(os, p, ow);
    std::string all_in = "1'b1";
    for (int k = 0; k < n_inputs; ++k) all_in += " & ~in" + std::to_string(k) + "_empty";
    os << "    wire inputs_ready = " << all_in << ";\n";
    if (spec.timing.ii > 1) {
        const int iw = bits_for(uint64_t(spec.timing.ii - 1));
        os << "    reg [" << iw - 1 << ":0] ii_wait;\n"
           << "    wire ii_ok = (ii_wait == " << vconst(iw, 0) << ");\n";
    } else {
        os << "    wire ii_ok = 1'b1;\n";
    }
    os << "    wire [" << qw << ":0] q_after_pop = {1'b0, q_count} - " << widen("pop", qw + 1) << ";\n"
       << "    wire accept = inputs_ready & ii_ok & (q_after_pop < " << vconst(qw + 1, p) << ");\n";
    for (int k = 0; k < n_inputs; ++k) os << "    assign in" << k << "_rd = accept;\n";
    os << "    assign out_wr = pop;\n"
       << "    always @(posedge clk) begin\n"
       << "        if (rst) begin\n"
       << "            q_count <= " << vconst(qw, 0) << ";\n";
    if (spec.timing.ii > 1) os << "            ii_wait <= " << vconst(bits_for(uint64_t(spec.timing.ii - 1)), 0) << ";\n";
    os << "        end else begin\n"
       << "            q_count <= q_count + " << widen("accept", qw) << " - " << widen("pop", qw) << ";\n";
    if (spec.timing.ii > 1) {
        const int iw = bits_for(uint64_t(spec.timing.ii - 1));
        os << "            if (accept) ii_wait <= " << vconst(iw, spec.timing.ii - 1) << ";\n"
           << "            else if (!ii_ok) ii_wait <= ii_wait - " << vconst(iw, 1) << ";\n";
    }
    os << "        end\n    end\n";
    std::string in_cat;
    for (int k = n_inputs - 1; k >= 0; --k) in_cat += (in_cat.empty() ? "" : ", ") + ("in" + std::to_string(k) + "_data");
    os << "    " << spec.module << " core (\n        .clk(clk),\n        .rst(rst),\n        .in_valid(accept),\n"
       << "        .in_data({" << in_cat << "}),\n        .out_valid(core_out_valid),\n        .out_data(core_out_data)"
       << (held >= 2 ? ",\n        .out_take(pop)" : "") << "\n    );\nendmodule\n";
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
    const std::string path = (fs::path(dir) / name).string();
    std::ofstream f(path);
    if (!f || !(f << text)) throw UserError(path + ": cannot write");
    return name;
}

}  // namespace

std::string verilog_name(const std::string& name) {
    static const std::set<std::string> kKeywords = {
        "module", "endmodule", "input", "output", "inout", "wire", "reg", "assign", "always", "begin", "end",
        "if", "else", "case", "endcase", "default", "for", "function", "endfunction", "parameter", "localparam",
        "integer", "initial", "posedge", "negedge", "or", "and", "not", "signed", "unsigned", "generate", "task"};
    std::string s;
    for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "n_" + s;
    if (kKeywords.count(s)) s += "_";
    return s;
}

void check_design_size(const Graph& g) {
    // Four times the largest part in the table (xcvu13p: 12,288 DSPs, 1.73 M LUTs): a design beyond it
    // fits no FPGA, and its Verilog (products and ROMs written out) would take hours and tens of GB to
    // build with Verilator or synthesize with Yosys on a machine like this one.
    constexpr double kMaxDsp = 4 * 12288, kMaxLut = 4 * 1728000;
    const char* force = std::getenv("NNSIM_NO_SIZE_LIMIT");
    if (force && *force && std::string(force) != "0") return;
    const Resources r = estimate_network(g).total;
    if (r.dsp <= kMaxDsp && r.lut <= kMaxLut) return;
    char what[160];
    std::snprintf(what, sizeof what, "an estimated %.0f DSP48E1 and %.0f LUTs (the largest known part, xcvu13p, has "
                  "12,288 and 1.73 M)", r.dsp, r.lut);
    throw UserError((g.source_file.empty() ? g.name : g.source_file) + ": the Verilog of this design needs " + what +
                    "; generating, building or synthesizing it would exhaust this machine. Raise the reuse factor "
                    "(--strategy Resource --reuse-factor N), or set NNSIM_NO_SIZE_LIMIT=1 to generate it anyway");
}

RtlDesign generate_rtl(const Graph& g, const std::string& dir) {
    check_design_size(g);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UserError(dir + ": cannot create output folder: " + ec.message());
    RtlDesign d;
    d.dir = dir;
    const std::string net = verilog_name(g.name.empty() ? "net" : g.name);
    d.top = net + "_top";
    const NetworkTiming nt = analyze_timing(g);

    // Word widths of every tensor: one beat is the whole tensor (io_parallel) or one pixel (io_stream).
    std::map<std::string, int> word_width;
    for (const auto& in : g.inputs) word_width[in.name] = int(beat_width(g, in.name)) * in.precision.width;
    for (const auto& n : g.nodes) {
        word_width[n.name] = int(beat_width(g, n.name)) * n.type("result").width;
        bool multi_beat = tensor_beats(g, n.name) > 1;
        for (const auto& in : n.inputs) multi_beat = multi_beat || tensor_beats(g, in) > 1;
        if (multi_beat && n.kind->stream_style() == StreamStyle::kTensor)
            throw UserError("layer " + n.name + ": " + n.kind->name() +
                            " on multi-pixel io_stream tensors has no Verilog generator yet");
    }

    // Layers: core from the kind (for one pixel when the kind works pixel by pixel, as the model's op),
    // wrapper from the shell template.
    std::vector<std::string> layer_mods;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        Node pixel_node;
        NodeInputs in = node_inputs(g, g.nodes[i]);
        const Node& n = pixel_view(g, g.nodes[i], pixel_node, in) ? pixel_node : g.nodes[i];
        RtlCoreSpec spec;
        const std::string mod = net + "_" + verilog_name(n.name);
        spec.module = mod + "_core";
        int off = 0;
        for (size_t k = 0; k < in.types.size(); ++k) {
            spec.in_types.push_back(in.types[k]);
            spec.in_shapes.push_back(in.shapes[k]);
            spec.in_elems.push_back(int(shape_size(in.shapes[k])));
            spec.in_offset.push_back(off);
            off += spec.in_elems.back() * in.types[k].width;
        }
        spec.in_width = off;
        spec.out_type = n.type("result");
        spec.out_elems = int(shape_size(n.shape));
        spec.out_width = spec.out_elems * spec.out_type.width;
        spec.timing = nt.layers[i];
        std::ostringstream core, wrap;
        core << "// Generated by nnsim from layer " << n.name << " of network " << g.name << ".\n";
        wrap << "// Generated by nnsim from layer " << n.name << " of network " << g.name << ".\n";
        const int64_t in_beats = n.inputs.empty() ? 1 : tensor_beats(g, n.inputs[0]);
        if (n.kind->stream_style() == StreamStyle::kRepack && (in_beats > 1 || tensor_beats(g, n.name) > 1)) {
            RtlStreamSpec stream;
            stream.module = mod;
            stream.whole = spec;
            stream.in_shape = in.shapes[0];
            stream.out_shape = n.shape;
            stream.in_beats = int(in_beats);
            stream.needs = beat_needs(g, n);
            n.kind->emit_rtl_stream(n, stream, core, wrap);
        } else {
            spec.out_take = n.kind->rtl_held_results(n) >= 2;
            n.kind->emit_rtl_core(n, spec, core);
            emit_layer(wrap, mod, n, spec, int(n.inputs.size()));
        }
        d.files.push_back(write_file(dir, spec.module + ".v", core.str()));
        d.files.push_back(write_file(dir, mod + ".v", wrap.str()));
        layer_mods.push_back(mod);
    }

    // Edges, named as the model's channels.
    // A layer reading one tensor twice has one FIFO per input, as in the model.
    std::vector<Edge> edges;
    std::map<std::string, std::vector<std::string>> input_fifos;  // node -> its input FIFOs, in order
    std::map<std::pair<std::string, std::string>, int> seen;
    for (const auto& n : g.nodes)
        for (const auto& in : n.inputs) {
            edges.push_back(Edge{fifo_name(in, n.name, seen[{in, n.name}]++), in, n.name, fifo_depth(g, in),
                                 word_width[in]});
            input_fifos[n.name].push_back(edges.back().name);
        }
    for (const auto& o : g.outputs) edges.push_back(Edge{fifo_name(o, "out"), o, "out", fifo_depth(g, o), word_width[o]});
    // The FIFO modules in use (deep ones in block RAM, fifo_modules.hpp), written before the layers.
    std::vector<std::string> fifo_files;
    for (const auto& e : edges) {
        const std::string f = fifo_module_name(e.depth, e.width) + ".v";
        if (std::find(fifo_files.begin(), fifo_files.end(), f) == fifo_files.end()) fifo_files.push_back(f);
    }
    std::sort(fifo_files.begin(), fifo_files.end());
    for (const auto& f : fifo_files) write_file(dir, f, fifo_module_text(f.substr(0, f.size() - 2)));
    d.files.insert(d.files.begin(), fifo_files.begin(), fifo_files.end());

    std::ostringstream top;
    top << "// Generated by nnsim: top of network " << g.name << " (" << io_type_name(g.io_type) << ", clock "
        << g.clock_period_ns << " ns).\n"
        << "// Timing model: first-sample latency " << nt.latency << " cycles, II " << nt.ii
        << " cycles. AXI-Stream ports as described in the README beside this file.\n"
        << "module " << d.top << " (\n    input wire clk,\n    input wire rst";
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        const int w = word_width[g.inputs[k].name];
        d.input_widths.push_back(w);
        top << ",\n    input wire [" << w - 1 << ":0] s" << k << "_axis_tdata,\n    input wire s" << k
            << "_axis_tvalid,\n    output wire s" << k << "_axis_tready,\n    input wire s" << k << "_axis_tlast";
    }
    for (size_t k = 0; k < g.outputs.size(); ++k) {
        const int w = word_width[g.outputs[k]];
        d.output_widths.push_back(w);
        top << ",\n    output wire [" << w - 1 << ":0] m" << k << "_axis_tdata,\n    output wire m" << k
            << "_axis_tvalid,\n    input wire m" << k << "_axis_tready,\n    output wire m" << k << "_axis_tlast";
    }
    top << "\n);\n";
    for (const auto& e : edges) {
        const int cw = bits_for(uint64_t(e.depth));
        top << "    wire " << e.name << "_wr;\n    wire [" << e.width - 1 << ":0] " << e.name << "_wdata;\n"
            << "    wire " << e.name << "_rd;\n    wire [" << e.width - 1 << ":0] " << e.name << "_rdata;\n"
            << "    wire " << e.name << "_full;\n    wire " << e.name << "_empty;\n"
            << "    wire [" << cw - 1 << ":0] " << e.name << "_count;\n";
    }
    // Producers: network inputs and layers write every FIFO of their tensor when none is full.
    auto producer_full = [&](const std::string& tensor) {
        std::string s;
        for (const auto& e : edges)
            if (e.from == tensor) s += (s.empty() ? "" : " | ") + (e.name + "_full");
        return s.empty() ? std::string("1'b0") : s;
    };
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        const std::string t = g.inputs[k].name, pfx = "s" + std::to_string(k) + "_axis_";
        top << "    assign " << pfx << "tready = ~(" << producer_full(t) << ");\n";
        for (const auto& e : edges)
            if (e.from == t)
                top << "    assign " << e.name << "_wr = " << pfx << "tvalid & " << pfx << "tready;\n"
                    << "    assign " << e.name << "_wdata = " << pfx << "tdata;\n";
        top << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire " << pfx << "tlast_unused = " << pfx
            << "tlast;\n    /* verilator lint_on UNUSEDSIGNAL */\n";
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        top << "    wire " << verilog_name(n.name) << "_out_wr;\n    wire [" << word_width[n.name] - 1 << ":0] "
            << verilog_name(n.name) << "_out_data;\n";
        for (const auto& e : edges)
            if (e.from == n.name)
                top << "    assign " << e.name << "_wr = " << verilog_name(n.name) << "_out_wr;\n"
                    << "    assign " << e.name << "_wdata = " << verilog_name(n.name) << "_out_data;\n";
        top << "    " << layer_mods[i] << " " << verilog_name(n.name) << " (\n        .clk(clk),\n        .rst(rst),\n";
        for (size_t k = 0; k < n.inputs.size(); ++k) {
            const std::string& e = input_fifos[n.name][k];
            top << "        .in" << k << "_data(" << e << "_rdata),\n        .in" << k << "_empty(" << e
                << "_empty),\n        .in" << k << "_rd(" << e << "_rd),\n";
        }
        top << "        .out_data(" << verilog_name(n.name) << "_out_data),\n        .out_wr(" << verilog_name(n.name)
            << "_out_wr),\n        .out_full(" << producer_full(n.name) << ")\n    );\n";
    }
    for (size_t k = 0; k < g.outputs.size(); ++k) {
        const std::string e = fifo_name(g.outputs[k], "out"), pfx = "m" + std::to_string(k) + "_axis_";
        top << "    assign " << pfx << "tvalid = ~" << e << "_empty;\n    assign " << pfx << "tdata = " << e
            << "_rdata;\n    assign " << e << "_rd = " << pfx << "tvalid & " << pfx << "tready;\n";
        const int64_t beats = tensor_beats(g, g.outputs[k]);
        if (beats == 1) {
            top << "    assign " << pfx << "tlast = 1'b1;\n";
            continue;
        }
        // tlast on a sample's last beat: a count of the beats read from the output FIFO.
        const int bw = bits_for(uint64_t(beats - 1));
        top << "    reg [" << bw - 1 << ":0] " << pfx << "beat;\n    assign " << pfx << "tlast = (" << pfx
            << "beat == " << vconst(bw, beats - 1) << ");\n    always @(posedge clk) begin\n        if (rst) " << pfx
            << "beat <= " << vconst(bw, 0) << ";\n        else if (" << e << "_rd) " << pfx << "beat <= " << pfx
            << "tlast ? " << vconst(bw, 0) << " : " << pfx << "beat + " << vconst(bw, 1) << ";\n    end\n";
    }
    for (const auto& e : edges) {
        top << "    " << fifo_module_name(e.depth, e.width) << " " << fifo_params(e.depth, e.width) << " " << e.name << " (\n        .clk(clk),\n        .rst(rst),\n"
            << "        .wr_en(" << e.name << "_wr),\n        .wr_data(" << e.name << "_wdata),\n        .rd_en("
            << e.name << "_rd),\n        .rd_data(" << e.name << "_rdata),\n        .full(" << e.name
            << "_full),\n        .empty(" << e.name << "_empty),\n        .count(" << e.name << "_count)\n    );\n";
    }
    top << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << edges.size() << ":0] counts_observed = {1'b0";
    for (const auto& e : edges) top << ", |" << e.name << "_count";
    top << "};\n    /* verilator lint_on UNUSEDSIGNAL */\nendmodule\n";
    d.files.push_back(write_file(dir, d.top + ".v", top.str()));

    std::ostringstream readme;
    readme << "# " << d.top << "\n\nGenerated by nnsim from network `" << g.name << "` (" << io_type_name(g.io_type)
           << ", clock " << g.clock_period_ns << " ns). Files, leaves first:\n\n";
    for (const auto& f : d.files) readme << "- `" << f << "`\n";
    readme << "\nTop `" << d.top << "`: `clk`, synchronous active-high `rst`; per input k an AXI-Stream slave\n"
           << "`s<k>_axis_tdata/tvalid/tready/tlast` and per output k a master `m<k>_axis_tdata/tvalid/tready/tlast`.\n"
           << "One beat carries one sample's tensor (io_parallel) or one pixel, the last axis (io_stream: a sample\n"
           << "of B pixels is B beats in row-major order, `tlast` high on the last; the inputs' `tlast` is ignored).\n"
           << "Element i of a beat sits in bits `[i*E +: E]` with E the element width (raw two's-complement\n"
           << "fixed point of the input type or of the output layer's result type).\n"
           << "Timing model: first-sample latency " << nt.latency << " cycles, II " << nt.ii
           << " cycles; see nnsim's docs/timing.md.\n\n"
           << "Check it against the model with `nnsim verify --net <description>`; lint with\n"
           << "`verilator --lint-only -Wall $(cat filelist.f)`.\n";
    write_file(dir, "README.md", readme.str());
    std::ostringstream list;
    for (const auto& f : d.files) list << f << "\n";
    write_file(dir, "filelist.f", list.str());
    return d;
}

}  // namespace nnsim
