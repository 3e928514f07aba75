// The RTL repack shell (repack_shell.hpp), cycle for cycle the shell of sim/repack_module.cpp with
// II 1 and latency 1:
//   pending    = queued beats + the beats the core releases this cycle (accepted last cycle)
//   pop        = a pending beat (queue head, else the core's first released beat) & ~out_full
//   accept     = input non-empty & (pending - pop + beats this input beat releases) <= C
// An accepted input beat goes into the sample buffer; when it releases output beats, the core (the
// kind's whole-tensor core, latency 1) computes the sample with this beat in place, and in the next
// cycle its released beats are written or queued in order. C = repack_capacity (at most one input
// beat's released beats wait at once with latency 1).
#include "rtl/repack_shell.hpp"

#include <algorithm>
#include <sstream>

#include "core/diag.hpp"
#include "core/timing_model.hpp"

namespace nnsim {

void LayerKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                std::ostream& wrap) const {
    emit_rtl_core(n, spec.whole, core);
    emit_repack_shell(wrap, spec.module, n, spec.whole, spec.in_beats, spec.needs);
}

void emit_repack_shell(std::ostream& os, const std::string& mod, const Node& n, const RtlCoreSpec& spec,
                       int in_beats, const std::vector<int64_t>& needs) {
    NNSIM_ASSERT(spec.timing.ii == 1 && spec.timing.latency == 1, "the RTL repack shell has II 1, latency 1");
    const int bi = in_beats, bo = int(needs.size());
    const int ki = spec.in_width / bi, ko = spec.out_width / bo;
    std::vector<int> released(size_t(bi), 0), first(size_t(bi), 0);
    for (int j = bo - 1; j >= 0; --j) {
        ++released[size_t(needs[size_t(j)] - 1)];
        first[size_t(needs[size_t(j)] - 1)] = j;
    }
    const int c = int(repack_capacity(needs, spec.timing));
    const int aw = bits_for(uint64_t(2 * std::max(c, bo))) + 1;  // width of index arithmetic
    const int ibw = bits_for(uint64_t(std::max(1, bi - 1)));
    auto k = [&](int64_t v) { return vconst(aw, v); };
    auto widen = [&](const std::string& bit) { return "{" + vconst(aw - 1, 0) + ", " + bit + "}"; };

    os << "// Layer " << n.name << " (" << n.kind->name() << "): repack shell around " << spec.module << ",\n"
       << "// " << bi << " input beats of " << ki << " bits -> " << bo << " output beats of " << ko
       << " bits per sample, at most C = " << c << " released beats held (docs/timing.md, Repack).\n"
       << "module " << mod << " (\n    input wire clk,\n    input wire rst,\n"
       << "    input wire [" << ki - 1 << ":0] in0_data,\n    input wire in0_empty,\n    output wire in0_rd,\n"
       << "    output wire [" << ko - 1 << ":0] out_data,\n    output wire out_wr,\n    input wire out_full\n);\n";
    // Input side: beat counter, sample buffer, the sample with the current beat in place.
    // The last input beat is never buffered: when it arrives it is in0_data, and no output beat released
    // before it depends on it.
    if (bi > 1)
        os << "    reg [" << ibw - 1 << ":0] in_beat;\n    reg [" << (bi - 1) * ki - 1 << ":0] sample_buf;\n";
    else os << "    wire [0:0] in_beat = 1'b0;\n";
    os << "    wire [" << spec.in_width - 1 << ":0] sample_now;\n";
    for (int i = 0; i + 1 < bi; ++i)
        os << "    assign sample_now[" << i * ki << " +: " << ki << "] = (in_beat == " << vconst(ibw, i)
           << ") ? in0_data : sample_buf[" << i * ki << " +: " << ki << "];\n";
    os << "    assign sample_now[" << (bi - 1) * ki << " +: " << ki << "] = in0_data;\n";
    // Output beat `idx` of the core's result, as a multiplexer (no computed part-select).
    auto beat_mux = [&](const std::string& name, const std::string& idx) {
        os << "    reg [" << ko - 1 << ":0] " << name << ";\n    always @(*) begin\n        case (" << idx << ")\n";
        for (int j = 0; j < bo; ++j)
            os << "            " << k(j) << ": " << name << " = core_out_data[" << j * ko << " +: " << ko << "];\n";
        os << "            default: " << name << " = core_out_data[0 +: " << ko << "];\n        endcase\n    end\n";
    };
    // What the current input beat releases: how many output beats, from which one.
    std::string rel_n = k(0), rel_j = k(0);
    for (int i = bi - 1; i >= 0; --i)
        if (released[size_t(i)] > 0) {
            rel_n = "(in_beat == " + vconst(ibw, i) + ") ? " + k(released[size_t(i)]) + " : (" + rel_n + ")";
            rel_j = "(in_beat == " + vconst(ibw, i) + ") ? " + k(first[size_t(i)]) + " : (" + rel_j + ")";
        }
    os << "    wire [" << aw - 1 << ":0] rel_n_now = " << rel_n << ";\n"
       << "    wire [" << aw - 1 << ":0] rel_j_now = " << rel_j << ";\n"
       << "    reg [" << aw - 1 << ":0] rel_count;\n    reg [" << aw - 1 << ":0] rel_first;\n"
       << "    wire core_out_valid;\n    wire [" << spec.out_width - 1 << ":0] core_out_data;\n";
    // Output side: queue of released beats (head at slot 0), pop, accept.
    os << "    reg [" << ko - 1 << ":0] q [0:" << c - 1 << "];\n    reg [" << aw - 1 << ":0] q_count;\n"
       << "    wire from_q = (q_count != " << k(0) << ");\n"
       << "    wire head_valid = from_q | core_out_valid;\n"
       << "    wire pop = head_valid & ~out_full;\n"
       << "    wire pop_q = pop & from_q;\n"
       << "    wire bypass = pop & ~from_q;\n"
       << "    wire [" << aw - 1 << ":0] pending = q_count + (core_out_valid ? rel_count : " << k(0) << ");\n"
       << "    wire [" << aw - 1 << ":0] pending_after_pop = pending - " << widen("pop") << ";\n"
       << "    wire accept = ~in0_empty & ((pending_after_pop + rel_n_now) <= " << k(c) << ");\n"
       << "    wire [" << aw - 1 << ":0] q_base = q_count - " << widen("pop_q") << ";\n"
       << "    wire [" << aw - 1 << ":0] n_push = core_out_valid ? rel_count - " << widen("bypass") << " : " << k(0)
       << ";\n"
       << "    wire [" << aw - 1 << ":0] push_first = rel_first + " << widen("bypass") << ";\n"
       << "    assign in0_rd = accept;\n    assign out_wr = pop;\n";
    beat_mux("bypass_beat", "rel_first");
    os << "    assign out_data = from_q ? q[0] : bypass_beat;\n";
    for (int s = 0; s < c; ++s) {
        const std::string shifted = s + 1 < c ? "(pop_q ? q[" + std::to_string(s + 1) + "] : q[" + std::to_string(s) + "])"
                                              : "q[" + std::to_string(s) + "]";
        const std::string qs = "q" + std::to_string(s);
        os << "    wire [" << aw - 1 << ":0] " << qs << "_off = " << k(s) << " - q_base;\n"
           << "    wire [" << aw - 1 << ":0] " << qs << "_idx = push_first + " << qs << "_off;\n";
        beat_mux(qs + "_in", qs + "_idx");
        os << "    always @(posedge clk) begin\n"
           << "        if (core_out_valid & (q_base <= " << k(s) << ") & (" << qs << "_off < n_push))\n"
           << "            q[" << s << "] <= " << qs << "_in;\n        else\n            q[" << s << "] <= " << shifted
           << ";\n    end\n";
    }
    os << "    always @(posedge clk) begin\n        if (accept) begin\n";
    for (int i = 0; i + 1 < bi; ++i)
        os << "            if (in_beat == " << vconst(ibw, i) << ") sample_buf[" << i * ki << " +: " << ki
           << "] <= in0_data;\n";
    os << "            rel_count <= rel_n_now;\n            rel_first <= rel_j_now;\n        end\n    end\n";
    os << "    always @(posedge clk) begin\n        if (rst) begin\n            q_count <= " << k(0) << ";\n";
    if (bi > 1) os << "            in_beat <= " << vconst(ibw, 0) << ";\n";
    os << "        end else begin\n            q_count <= q_base + n_push;\n";
    if (bi > 1)
        os << "            if (accept) in_beat <= (in_beat == " << vconst(ibw, bi - 1) << ") ? " << vconst(ibw, 0)
           << " : in_beat + " << vconst(ibw, 1) << ";\n";
    os << "        end\n    end\n";
    os << "    " << spec.module << " core (\n        .clk(clk),\n        .rst(rst),\n"
       << "        .in_valid(accept & (rel_n_now != " << k(0) << ")),\n        .in_data(sample_now),\n"
       << "        .out_valid(core_out_valid),\n        .out_data(core_out_data)\n    );\nendmodule\n";
}

}  // namespace nnsim
