// The streaming shells' shared pieces (gather_shell.hpp).
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

}  // namespace nnsim
