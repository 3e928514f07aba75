// The streaming Verilog of global pooling under io_stream (pool_common.hpp emit_global_pool_shell):
// no image buffer, one accumulator per channel, cycle for cycle sim/repack_module.cpp's machine for
// needs = [B] (the one output beat needs all B input beats), II 1 and latency L:
//   acc      on each accepted beat: beat 0 loads the first value (max: the input; average: accum_t(x)),
//            later beats combine it in input order (max(acc, x) / accum_t(acc + accum_t(x)), the
//            evaluator's order, so saturating sums agree);
//   result   max (L 1): the accepted last beat's max cast to result_t, registered;
//            average (L 2): the last beat's sum is in acc the next cycle, divided and cast, registered;
//   vld      the released beat in flight, L stages; the result is ready when vld[L-1] is set;
//   pending  queued results + in-flight stages; pop = (queue head or ready result) & ~out_full;
//   accept   = ~in0_empty & (pending - pop + (this beat is the last) <= C), C = L (repack_capacity:
//            one beat per release + ceil(L / II) - 1); a ready result that cannot be written goes to
//            a C-entry queue, else it bypasses it.
#include <algorithm>
#include <sstream>

#include "models/pooling/pool_common.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

void emit_global_pool_shell(std::ostream& os, const RtlStreamSpec& spec, const Node& n, PoolOp op,
                            const FixedType& in, const FixedType& accum, const FixedType& res) {
    const Timing t = pool_timing(op);
    const int l = t.latency, c = l;  // capacity C = L with one released beat per sample and II 1
    const int bi = spec.in_beats, chans = spec.in_shape.back();
    const int ki = chans * in.width, ko = chans * res.width;
    const int ibw = bits_for(uint64_t(bi - 1));
    const int aw = bits_for(uint64_t(2 * c + 2)) + 1;
    auto k = [&](int64_t v) { return vconst(aw, v); };
    auto widen = [&](const std::string& bit) { return "{" + vconst(aw - 1, 0) + ", " + bit + "}"; };

    os << "// Layer " << n.name << " (" << n.kind->name() << ", " << n.get_string("op") << "): " << bi
       << " input beats of " << chans << " channels -> one output beat, a running "
       << (op == PoolOp::kMax ? "max" : "sum") << " per channel, II 1, latency " << l
       << " (docs/timing.md, Repack; needs = [" << bi << "]).\n"
       << "module " << spec.module << " (\n    input wire clk,\n    input wire rst,\n"
       << "    input wire [" << ki - 1 << ":0] in0_data,\n    input wire in0_empty,\n    output wire in0_rd,\n"
       << "    output wire [" << ko - 1 << ":0] out_data,\n    output wire out_wr,\n    input wire out_full\n);\n"
       << "    reg [" << ibw - 1 << ":0] in_beat;\n"
       << "    wire first = (in_beat == " << vconst(ibw, 0) << ");\n"
       << "    wire last = (in_beat == " << vconst(ibw, bi - 1) << ");\n"
       << "    reg [" << l - 1 << ":0] vld;\n"
       << "    wire ready = vld[" << l - 1 << "];\n"
       << "    reg [" << aw - 1 << ":0] q_count;\n"
       << "    reg [" << ko - 1 << ":0] q [0:" << c - 1 << "];\n"
       << "    reg [" << ko - 1 << ":0] res;\n"
       << "    wire from_q = (q_count != " << k(0) << ");\n"
       << "    wire pop = (from_q | ready) & ~out_full;\n"
       << "    wire pop_q = pop & from_q;\n"
       << "    wire push = ready & ~(pop & ~from_q);\n";
    std::string in_flight = widen("vld[0]");
    for (int s = 1; s < l; ++s) in_flight += " + " + widen("vld[" + std::to_string(s) + "]");
    os << "    wire [" << aw - 1 << ":0] pending = q_count + " << in_flight << ";\n"
       << "    wire accept = ~in0_empty & ((pending - " << widen("pop") << " + " << widen("last") << ") <= " << k(c)
       << ");\n"
       << "    wire [" << aw - 1 << ":0] q_base = q_count - " << widen("pop_q") << ";\n"
       << "    assign in0_rd = accept;\n    assign out_wr = pop;\n"
       << "    assign out_data = from_q ? q[0] : res;\n";

    // Per channel: the combined value of this beat, the accumulator, and the result.
    std::ostringstream body, regs;
    const FixedType& at = op == PoolOp::kMax ? in : accum;
    for (int ch = 0; ch < chans; ++ch) {
        const std::string id = "c" + std::to_string(ch);
        const std::string x = "in0_data[" + std::to_string(ch * in.width) + " +: " + std::to_string(in.width) + "]";
        body << "    reg [" << at.width - 1 << ":0] " << id << "_acc;\n";
        std::string nxt;
        if (op == PoolOp::kMax) {
            const std::string m = emit_max_step(body, id + "_acc", x, in, id + "_m");
            body << "    wire [" << in.width - 1 << ":0] " << id << "_nxt = first ? " << x << " : " << m << ";\n";
            nxt = id + "_nxt";
            const std::string y = emit_cast(body, nxt, signal_type(in), res, id + "_r");
            regs << "            if (accept & last) " << elem("res", ch, res.width) << " <= " << y << ";\n";
        } else {
            const std::string xa = emit_cast(body, x, signal_type(in), accum, id + "_x");
            const std::string s = emit_sum_step(body, id + "_acc", xa, accum, id + "_s");
            body << "    wire [" << accum.width - 1 << ":0] " << id << "_nxt = first ? " << xa << " : " << s << ";\n";
            nxt = id + "_nxt";
            const std::string y = emit_pool_divide(body, id + "_acc", accum, shape_pixels(spec.in_shape), res, id + "_d");
            regs << "            if (vld[0]) " << elem("res", ch, res.width) << " <= " << y << ";\n";
        }
        regs << "            if (accept) " << id << "_acc <= " << nxt << ";\n";
    }
    os << body.str() << "    always @(posedge clk) begin\n" << regs.str() << "    end\n";

    // Queue of results that could not be written when ready (head at slot 0).
    for (int s = 0; s < c; ++s) {
        const std::string shifted = s + 1 < c ? "(pop_q ? q[" + std::to_string(s + 1) + "] : q[" + std::to_string(s) + "])"
                                              : "q[" + std::to_string(s) + "]";
        os << "    always @(posedge clk) begin\n        if (push & (q_base == " << k(s) << "))\n            q[" << s
           << "] <= res;\n        else\n            q[" << s << "] <= " << shifted << ";\n    end\n";
    }
    os << "    always @(posedge clk) begin\n        if (rst) begin\n            in_beat <= " << vconst(ibw, 0)
       << ";\n            vld <= " << vconst(l, 0) << ";\n            q_count <= " << k(0) << ";\n"
       << "        end else begin\n            if (accept) in_beat <= last ? " << vconst(ibw, 0) << " : in_beat + "
       << vconst(ibw, 1) << ";\n";
    if (l == 1) os << "            vld <= accept & last;\n";
    else os << "            vld <= {vld[" << l - 2 << ":0], accept & last};\n";
    os << "            q_count <= q_base + " << widen("push") << ";\n        end\n    end\nendmodule\n";
}

}  // namespace nnsim
