// The RTL gather shell (gather_shell.hpp).
#include "rtl/gather_shell.hpp"

#include <algorithm>
#include <sstream>
#include <string>

#include "core/diag.hpp"
#include "core/timing_model.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

GatherPlan plan_gather(const std::vector<int64_t>& src, const std::vector<int64_t>& needs, int64_t in_beats,
                       const Timing& t) {
    GatherPlan p;
    const int64_t bo = int64_t(src.size()), bi = in_beats;
    p.capacity = repack_capacity(needs, t);
    p.released.assign(size_t(bi), 0);
    p.keep.assign(size_t(bi), false);
    for (int64_t j = 0; j < bo; ++j) {
        ++p.released[size_t(needs[size_t(j)] - 1)];
        if (src[size_t(j)] >= 0) p.keep[size_t(src[size_t(j)])] = true;
    }
    // Kept beats before each input beat, over three samples (global indices): kept_before[I].
    const int64_t samples = 3;
    std::vector<int64_t> kept_before(size_t(samples * bi + 1), 0);
    for (int64_t i = 0; i < samples * bi; ++i)
        kept_before[size_t(i + 1)] = kept_before[size_t(i)] + (p.keep[size_t(i % bi)] ? 1 : 0);
    p.kept = kept_before[size_t(bi)];
    // The head output beat H (global) can be written while A input beats are accepted, with at most
    // C released beats unwritten: A <= NEED(H + C) - 1. Its source must not have been overwritten by
    // then: the kept beats from its source up to A must fit the ring.
    auto need = [&](int64_t j) { return (j / bo) * bi + needs[size_t(j % bo)]; };
    p.ring = 1;
    for (int64_t h = 0; h < 2 * bo; ++h) {
        const int64_t s = src[size_t(h % bo)];
        if (s < 0) continue;
        const int64_t a_max = need(h + p.capacity) - 1;
        p.ring = std::max(p.ring, kept_before[size_t(a_max)] - kept_before[size_t((h / bo) * bi + s)]);
    }
    p.slot.assign(size_t(bo), -1);
    for (int64_t j = 0; j < bo; ++j)
        if (src[size_t(j)] >= 0) p.slot[size_t(j)] = kept_before[size_t(src[size_t(j)])] % p.ring;
    return p;
}

void emit_shell_ports(std::ostream& os, const std::string& module, int ki, int ko) {
    os << "module " << module << " (\n    input wire clk,\n    input wire rst,\n"
       << "    input wire [" << ki - 1 << ":0] in0_data,\n    input wire in0_empty,\n    output wire in0_rd,\n"
       << "    output wire [" << ko - 1 << ":0] out_data,\n    output wire out_wr,\n    input wire out_full\n);\n";
}

void emit_release_handshake(std::ostream& os, int aw, int64_t capacity) {
    os << "    reg [" << aw - 1 << ":0] pend;\n"
       << "    wire pop = (pend != " << vconst(aw, 0) << ") & ~out_full;\n"
       << "    wire [" << aw - 1 << ":0] pend_after_pop = pend - {" << vconst(aw - 1, 0) << ", pop};\n"
       << "    wire accept = ~in0_empty & ((pend_after_pop + rel_n) <= " << vconst(aw, capacity) << ");\n"
       << "    assign in0_rd = accept;\n    assign out_wr = pop;\n";
}

std::string emit_input_cast(std::ostream& os, int chans, const FixedType& in_type, const FixedType& res_type) {
    if (in_type == res_type) return "in0_data";
    std::ostringstream body;
    body << "    wire [" << chans * res_type.width - 1 << ":0] wdata;\n";
    for (int ch = 0; ch < chans; ++ch) {
        const std::string y = emit_cast(body, elem("in0_data", ch, in_type.width), signal_type(in_type), res_type,
                                        "c" + std::to_string(ch));
        body << "    assign " << elem("wdata", ch, res_type.width) << " = " << y << ";\n";
    }
    os << body.str();
    return "wdata";
}

std::string wrap_increment(const std::string& r, int bits, int64_t n) {
    return "(" + r + " == " + vconst(bits, n - 1) + ") ? " + vconst(bits, 0) + " : " + r + " + " + vconst(bits, 1);
}

void emit_gather_shell(std::ostream& os, const RtlStreamSpec& spec, const Node& n, const std::vector<int64_t>& src,
                       int chans, const FixedType& in_type, const FixedType& res_type) {
    const Timing& t = spec.whole.timing;
    NNSIM_ASSERT(t.ii == 1 && t.latency == 1, "the RTL gather shell has II 1, latency 1");
    const GatherPlan p = plan_gather(src, spec.needs, spec.in_beats, t);
    const int bi = spec.in_beats, bo = int(src.size());
    const int ki = chans * in_type.width, ko = chans * res_type.width;
    const int64_t c = p.capacity, r = p.ring;
    const int aw = bits_for(uint64_t(2 * c)) + 1;  // pending arithmetic
    const int ibw = bits_for(uint64_t(std::max(1, bi - 1)));
    const int obw = bits_for(uint64_t(std::max(1, bo - 1)));
    const int rw = bits_for(uint64_t(r)) + 1;  // ring positions 0..2R-1 before the wrap
    auto k = [&](int64_t v) { return vconst(aw, v); };
    auto kr = [&](int64_t v) { return vconst(rw, v); };

    os << "// Layer " << n.name << " (" << n.kind->name() << "): gather shell (rtl/gather_shell.hpp), " << bi
       << " input beats -> " << bo << " output beats of " << chans << " values per sample;\n"
       << "// at most C = " << c << " released beats unwritten, a ring of R = " << r << " kept input beats (" << p.kept
       << " of the " << bi << " input beats are copied).\n";
    emit_shell_ports(os, spec.module, ki, ko);
    // Input side: beat counter and its ROM (beats released, kept or not).
    if (bi > 1)
        os << "    reg [" << ibw - 1 << ":0] in_beat;\n";
    else
        os << "    wire [0:0] in_beat = 1'b0;\n";
    os << "    reg [" << aw - 1 << ":0] rel_n;\n    reg keep_now;\n    always @(*) begin\n        case (in_beat)\n";
    for (int i = 0; i < bi; ++i)
        if (p.released[size_t(i)] > 0 || p.keep[size_t(i)])
            os << "            " << vconst(ibw, i) << ": begin rel_n = " << k(p.released[size_t(i)])
               << "; keep_now = 1'b" << (p.keep[size_t(i)] ? 1 : 0) << "; end\n";
    os << "            default: begin rel_n = " << k(0) << "; keep_now = 1'b0; end\n        endcase\n    end\n";
    // Handshake: the repack contract's counting.
    emit_release_handshake(os, aw, c);
    // Write side: the cast, the ring.
    const std::string wdata = emit_input_cast(os, chans, in_type, res_type);
    for (int64_t s = 0; s < r; ++s) os << "    reg [" << ko - 1 << ":0] ring" << s << ";\n";
    os << "    reg [" << rw - 1 << ":0] wp;\n    always @(posedge clk) begin\n        if (accept & keep_now) begin\n";
    for (int64_t s = 0; s < r; ++s)
        os << "            if (wp == " << kr(s) << ") ring" << s << " <= " << wdata << ";\n";
    os << "        end\n    end\n";
    // Read side: the head beat's ROM entry, its ring slot, the zero gate.
    if (bo > 1)
        os << "    reg [" << obw - 1 << ":0] head;\n";
    else
        os << "    wire [0:0] head = 1'b0;\n";
    os << "    reg [" << rw - 1 << ":0] hb;\n    reg zero_h;\n    reg [" << rw - 1 << ":0] off_h;\n"
       << "    always @(*) begin\n        case (head)\n";
    for (int j = 0; j < bo; ++j)
        if (p.slot[size_t(j)] != 0)
            os << "            " << vconst(obw, j) << ": begin zero_h = 1'b" << (p.slot[size_t(j)] < 0 ? 1 : 0)
               << "; off_h = " << kr(std::max<int64_t>(0, p.slot[size_t(j)])) << "; end\n";
    os << "            default: begin zero_h = 1'b0; off_h = " << kr(0) << "; end\n        endcase\n    end\n"
       << "    wire [" << rw - 1 << ":0] rsum = hb + off_h;\n"
       << "    wire [" << rw - 1 << ":0] rslot = (rsum >= " << kr(r) << ") ? rsum - " << kr(r) << " : rsum;\n"
       << "    reg [" << ko - 1 << ":0] rdata;\n    always @(*) begin\n        case (rslot)\n";
    for (int64_t s = 1; s < r; ++s) os << "            " << kr(s) << ": rdata = ring" << s << ";\n";
    os << "            default: rdata = ring0;\n        endcase\n    end\n"
       << "    assign out_data = zero_h ? {" << ko << "{1'b0}} : rdata;\n"
       << "    wire [" << rw - 1 << ":0] hsum = hb + " << kr(p.kept % r) << ";\n"
       << "    wire [" << rw - 1 << ":0] wsum = wp + " << kr(1) << ";\n";
    // State.
    os << "    always @(posedge clk) begin\n        if (rst) begin\n            pend <= " << k(0) << ";\n"
       << "            wp <= " << kr(0) << ";\n            hb <= " << kr(0) << ";\n";
    if (bi > 1) os << "            in_beat <= " << vconst(ibw, 0) << ";\n";
    if (bo > 1) os << "            head <= " << vconst(obw, 0) << ";\n";
    os << "        end else begin\n"
       << "            pend <= pend_after_pop + (accept ? rel_n : " << k(0) << ");\n"
       << "            if (accept & keep_now) wp <= (wsum == " << kr(r) << ") ? " << kr(0) << " : wsum;\n";
    if (bi > 1)
        os << "            if (accept) in_beat <= (in_beat == " << vconst(ibw, bi - 1) << ") ? " << vconst(ibw, 0)
           << " : in_beat + " << vconst(ibw, 1) << ";\n";
    const std::string last = bo > 1 ? "(head == " + vconst(obw, bo - 1) + ")" : "1'b1";
    os << "            if (pop & " << last << ") hb <= (hsum >= " << kr(r) << ") ? hsum - " << kr(r) << " : hsum;\n";
    if (bo > 1)
        os << "            if (pop) head <= " << last << " ? " << vconst(obw, 0) << " : head + " << vconst(obw, 1)
           << ";\n";
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
