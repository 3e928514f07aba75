// The io_stream Verilog and resource estimate of the zero padding kinds (zero_padding.hpp): the gather
// shell's contract (rtl/gather_shell.hpp; the repack contract with II 1, latency 1), with counters in
// place of its per-beat ROMs, so that the module stays a few dozen lines for any image size.
//
// An input beat at (row r, column c) of an H x W image padded by [T, B, L, R] (Wo = L + W + R)
// releases its own output beat, plus the T * Wo + L zero beats before it if it is the first beat, plus
// the R + L zero beats that follow it if it ends a row, or the R + B * Wo that end the image if it is
// the last one:
//   released(r, c) = 1 + [r = 0 & c = 0] (T Wo + L) + [c = W-1] ([r = H-1] ? R + B Wo : R + L)
// Handshake, as in the gather shell:
//   pop    = pend != 0 & ~out_full
//   accept = ~in0_empty & (pend - pop + released(r, c)) <= C,   C = repack_capacity
// The accepted pixels (cast to result_t) wait in a queue of Q = min(C, H W) words in LUT RAM: every
// queued pixel's output beat is released and unwritten, so at most C are queued. The output side walks
// the padded image with its own counters and writes zeros outside [T, T+H) x [L, L+W), the queue head
// inside.
#include <algorithm>
#include <sstream>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "models/zero_padding/zero_padding.hpp"
#include "rtl/gather_shell.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// The geometry of one padding layer under io_stream, as the shell sees it.
struct PadGeometry : BorderGeometry {
    explicit PadGeometry(const BorderGeometry& b) : BorderGeometry(b) {}
    int64_t wo() const { return left + w + right; }
    int64_t ho() const { return top + h + bottom; }
    int64_t lead() const { return top * wo() + left; }     ///< zeros released by the first beat
    int64_t row_tail() const { return right + left; }      ///< zeros released by a row's last beat
    int64_t last_tail() const { return right + bottom * wo(); }  ///< zeros released by the last beat
    /// C of the repack contract (latency 1, II 1): the most beats one input beat releases.
    int64_t capacity() const {
        int64_t c = 1 + lead() + (w == 1 ? (h == 1 ? last_tail() : row_tail()) : 0);  // the first beat
        if (h * w > 1) c = std::max(c, 1 + last_tail());                              // the last beat
        if (h > 1 && (w > 1 || h > 2)) c = std::max(c, 1 + row_tail());               // another row's end
        return c;
    }
    int64_t queue() const { return std::max<int64_t>(1, std::min(capacity(), h * w)); }
};

PadGeometry geometry(const Node& n, const Shape& in, int dims) {
    return PadGeometry(border_geometry(n, in, dims, "padding"));
}

/// "(x < k)"-style terms of a comparison that can be true, joined by " | "; "1'b0" if none.
std::string outside(const std::string& r, const std::string& c, const PadGeometry& g, int rb, int cb) {
    std::vector<std::string> t;
    if (g.top > 0) t.push_back("(" + r + " < " + vconst(rb, g.top) + ")");
    if (g.bottom > 0) t.push_back("(" + r + " >= " + vconst(rb, g.top + g.h) + ")");
    if (g.left > 0) t.push_back("(" + c + " < " + vconst(cb, g.left) + ")");
    if (g.right > 0) t.push_back("(" + c + " >= " + vconst(cb, g.left + g.w) + ")");
    if (t.empty()) return "1'b0";
    std::string s = t[0];
    for (size_t i = 1; i < t.size(); ++i) s += " | " + t[i];
    return s;
}

}  // namespace

Resources ZeroPaddingKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    if (io != IoType::kStream || shape_pixels(in.shapes[0]) == 1) return GatherKind::estimate(n, in, io);
    const PadGeometry g = geometry(n, in.shapes[0], m_dims);
    const FixedType& res = n.type("result");
    const int chans = int(in.shapes[0].back()), ko = chans * res.width;
    const int aw = bits_for(uint64_t(2 * g.capacity())) + 1;
    const int qw = std::max(1, bits_for(uint64_t(g.queue() - 1)));
    const int counters = 2 * (bits_for(uint64_t(std::max<int64_t>(1, g.ho() - 1))) +
                              bits_for(uint64_t(std::max<int64_t>(1, g.wo() - 1))));
    Resources r = res::async_ram(int(g.queue()), ko);
    r.ff += counters + aw + 2 * qw;
    // Counters and pointers (an adder and a wrap compare per bit), the release sum and the accept
    // compare, the zero gate of the output word, the casts.
    r.lut += 1.5 * (counters + 2 * qw) + 3.0 * aw + ko;
    if (!(in.types[0] == res)) r.lut += chans * res::cast_luts(res::sig_of(in.types[0]), res);
    return r;
}

void ZeroPaddingKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                      std::ostream& wrap) const {
    const PadGeometry g = geometry(n, spec.in_shape, m_dims);
    const FixedType& in_t = spec.whole.in_types[0];
    const FixedType& res_t = spec.whole.out_type;
    const int chans = int(spec.in_shape.back()), ki = chans * in_t.width, ko = chans * res_t.width;
    const int64_t c = g.capacity(), q = g.queue();
    NNSIM_ASSERT(c == repack_capacity(spec.needs, spec.whole.timing),
                 "layer " + n.name + ": the padding shell's C differs from the repack contract's");
    const int aw = bits_for(uint64_t(2 * c)) + 1;
    const int qw = std::max(1, bits_for(uint64_t(q - 1)));
    const int hb = bits_for(uint64_t(std::max<int64_t>(1, g.h - 1))), wb = bits_for(uint64_t(std::max<int64_t>(1, g.w - 1)));
    const int ob = bits_for(uint64_t(std::max<int64_t>(1, g.ho() - 1))), pb = bits_for(uint64_t(std::max<int64_t>(1, g.wo() - 1)));
    auto k = [&](int64_t v) { return vconst(aw, v); };

    core << "// Layer " << n.name << " (" << name() << "): no separate core; the padding shell " << spec.module
         << " holds the layer.\n";
    wrap << "// Layer " << n.name << " (" << name() << "): zero padding shell (models/zero_padding/zero_padding_shell.cpp),\n"
         << "// " << g.h << " x " << g.w << " pixels of " << chans << " values padded by [" << g.top << ", " << g.bottom
         << ", " << g.left << ", " << g.right << "]; at most C = " << c << " released beats unwritten, " << q
         << " queued pixels.\n";
    emit_shell_ports(wrap, spec.module, ki, ko);
    // Input side: position, beats released.
    wrap << "    reg [" << hb - 1 << ":0] in_r;\n    reg [" << wb - 1 << ":0] in_c;\n"
         << "    wire row_end = (in_c == " << vconst(wb, g.w - 1) << ");\n"
         << "    wire last_row = (in_r == " << vconst(hb, g.h - 1) << ");\n"
         << "    wire first = (in_r == " << vconst(hb, 0) << ") & (in_c == " << vconst(wb, 0) << ");\n"
         << "    wire [" << aw - 1 << ":0] rel_n = " << k(1) << " + (first ? " << k(g.lead()) << " : " << k(0)
         << ") + (row_end ? (last_row ? " << k(g.last_tail()) << " : " << k(g.row_tail()) << ") : " << k(0) << ");\n";
    emit_release_handshake(wrap, aw, c);
    const std::string wdata = emit_input_cast(wrap, chans, in_t, res_t);
    wrap << "    reg [" << ko - 1 << ":0] queue [0:" << q - 1 << "];\n"
         << "    reg [" << qw - 1 << ":0] wq;\n    reg [" << qw - 1 << ":0] rq;\n"
         << "    always @(posedge clk) begin\n        if (accept) queue[wq] <= " << wdata << ";\n    end\n";
    // Output side: position in the padded image, zeros outside the input's window.
    wrap << "    reg [" << ob - 1 << ":0] out_r;\n    reg [" << pb - 1 << ":0] out_c;\n"
         << "    wire zero_h = " << outside("out_r", "out_c", g, ob, pb) << ";\n"
         << "    assign out_data = zero_h ? {" << ko << "{1'b0}} : queue[rq];\n"
         << "    wire out_row_end = (out_c == " << vconst(pb, g.wo() - 1) << ");\n";
    // State.
    wrap << "    always @(posedge clk) begin\n        if (rst) begin\n            pend <= " << k(0) << ";\n"
         << "            in_r <= " << vconst(hb, 0) << ";\n            in_c <= " << vconst(wb, 0) << ";\n"
         << "            out_r <= " << vconst(ob, 0) << ";\n            out_c <= " << vconst(pb, 0) << ";\n"
         << "            wq <= " << vconst(qw, 0) << ";\n            rq <= " << vconst(qw, 0) << ";\n"
         << "        end else begin\n"
         << "            pend <= pend_after_pop + (accept ? rel_n : " << k(0) << ");\n"
         << "            if (accept) begin\n"
         << "                wq <= " << wrap_increment("wq", qw, q) << ";\n"
         << "                in_c <= " << wrap_increment("in_c", wb, g.w) << ";\n"
         << "                if (row_end) in_r <= " << wrap_increment("in_r", hb, g.h) << ";\n"
         << "            end\n"
         << "            if (pop) begin\n"
         << "                if (~zero_h) rq <= " << wrap_increment("rq", qw, q) << ";\n"
         << "                out_c <= " << wrap_increment("out_c", pb, g.wo()) << ";\n"
         << "                if (out_row_end) out_r <= " << wrap_increment("out_r", ob, g.ho()) << ";\n"
         << "            end\n        end\n    end\nendmodule\n";
}

}  // namespace nnsim
