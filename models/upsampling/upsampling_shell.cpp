// The io_stream Verilog and resource estimate of the upsampling kinds (upsampling.hpp): the gather
// shell's contract (rtl/gather_shell.hpp; the repack contract with II 1, latency 1), with counters in
// place of its per-beat ROMs, so that the module stays a few dozen lines for any image size.
//
// For an H x W image upsampled by [sh, sw] (Wo = W sw), input beat (r, c) releases the sw copies of
// itself in the first copy of row r, and the row's last beat also the sh - 1 repeated rows:
//   released(c) = sw + [c = W-1] (sh - 1) Wo,     C = sw + (sh - 1) Wo
// Handshake, as in the gather shell:
//   pop    = pend != 0 & ~out_full
//   accept = ~in0_empty & (pend - pop + released(c)) <= C
// Every accepted pixel (cast to result_t) is written to a ring of R words in LUT RAM, R from
// plan_gather (about one input row: the fewest slots no pixel is overwritten in while an output beat
// still copies it). The output side walks the upsampled image: the slot of the current input row's
// first pixel (rb), the slot read (rs, one step every sw beats), back to rb for each repeated row,
// rb + W (mod R) after the last repeat.
#include <algorithm>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "models/upsampling/upsampling.hpp"
#include "rtl/gather_shell.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// The geometry of one upsampling layer under io_stream, as the shell sees it.
struct UpGeometry {
    int64_t h = 1, w = 1, sh = 1, sw = 1, ring = 1;
    int64_t wo() const { return w * sw; }
    int64_t capacity() const { return sw + (sh - 1) * wo(); }
};

/// The shell's geometry of node `n` on input `in` with map `m` and timing `t` (R from plan_gather).
UpGeometry up_geometry(const Node& n, const Shape& in, int dims, const Timing& t, const GatherMap& m) {
    const auto& s = n.get_int_list("size");
    UpGeometry g;
    g.h = dims == 1 ? 1 : in[0];
    g.w = in[size_t(dims - 1)];
    g.sh = dims == 1 ? 1 : s[0];
    g.sw = s[size_t(dims - 1)];
    g.ring = plan_gather(m.src, gather_needs(m.src), g.h * g.w, t).ring;
    return g;
}

}  // namespace

Resources UpSamplingKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    if (io != IoType::kStream || shape_pixels(in.shapes[0]) == 1) return GatherKind::estimate(n, in, io);
    GatherMap m;
    const std::string err = gather_map(n, in.shapes[0], m);
    NNSIM_ASSERT(err.empty(), "layer " + n.name + ": " + err);
    const UpGeometry g = up_geometry(n, in.shapes[0], m_dims, timing(n, in, io), m);
    const FixedType& res = n.type("result");
    const int chans = int(in.shapes[0].back()), ko = chans * res.width;
    const int aw = bits_for(uint64_t(2 * g.capacity())) + 1;
    const int rw = std::max(1, bits_for(uint64_t(g.ring - 1)));
    const int counters = bits_for(uint64_t(std::max<int64_t>(1, g.w - 1))) +
                         bits_for(uint64_t(std::max<int64_t>(1, g.wo() - 1))) + bits_for(uint64_t(g.sw - 1)) +
                         bits_for(uint64_t(g.sh - 1));
    Resources r = res::async_ram(int(g.ring), ko);
    r.ff += counters + aw + 3 * rw;
    // Counters and slot pointers (an adder and a compare per bit, the slots' wrap), the release sum
    // and the accept compare, the casts.
    r.lut += 1.5 * counters + 3.0 * rw + 3.0 * aw;
    if (!(in.types[0] == res)) r.lut += chans * res::cast_luts(res::sig_of(in.types[0]), res);
    return r;
}

void UpSamplingKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                     std::ostream& wrap) const {
    GatherMap m;
    const std::string err = gather_map(n, spec.in_shape, m);
    NNSIM_ASSERT(err.empty(), "layer " + n.name + ": " + err);
    const UpGeometry g = up_geometry(n, spec.in_shape, m_dims, spec.whole.timing, m);
    const FixedType& in_t = spec.whole.in_types[0];
    const FixedType& res_t = spec.whole.out_type;
    const int chans = int(spec.in_shape.back()), ki = chans * in_t.width, ko = chans * res_t.width;
    const int64_t c = g.capacity(), r = g.ring;
    NNSIM_ASSERT(c == repack_capacity(spec.needs, spec.whole.timing),
                 "layer " + n.name + ": the upsampling shell's C differs from the repack contract's");
    const int aw = bits_for(uint64_t(2 * c)) + 1;
    const int rw = std::max(1, bits_for(uint64_t(r - 1)));  // ring slots 0..R-1
    const int wb = bits_for(uint64_t(std::max<int64_t>(1, g.w - 1)));
    const int ob = bits_for(uint64_t(std::max<int64_t>(1, g.wo() - 1)));
    const int xb = bits_for(uint64_t(std::max<int64_t>(1, g.sw - 1))), yb = bits_for(uint64_t(std::max<int64_t>(1, g.sh - 1)));
    auto k = [&](int64_t v) { return vconst(aw, v); };
    auto ks = [&](int64_t v) { return vconst(rw, v); };
    // rb + W (mod R) without a wider sum: rb < R and W mod R < R.
    const int64_t step = g.w % r;
    const std::string rb_next =
        step == 0 ? "rb" : "(rb >= " + ks(r - step) + ") ? rb - " + ks(r - step) + " : rb + " + ks(step);

    core << "// Layer " << n.name << " (" << name() << "): no separate core; the upsampling shell " << spec.module
         << " holds the layer.\n";
    wrap << "// Layer " << n.name << " (" << name() << "): upsampling shell (models/upsampling/upsampling_shell.cpp),\n"
         << "// " << g.h << " x " << g.w << " pixels of " << chans << " values repeated [" << g.sh << ", " << g.sw
         << "]; at most C = " << c << " released beats unwritten, a ring of R = " << r << " pixels.\n";
    emit_shell_ports(wrap, spec.module, ki, ko);
    wrap << "    reg [" << wb - 1 << ":0] in_c;\n"
         << "    wire [" << aw - 1 << ":0] rel_n = (in_c == " << vconst(wb, g.w - 1) << ") ? " << k(c) << " : "
         << k(g.sw) << ";\n";
    emit_release_handshake(wrap, aw, c);
    const std::string wdata = emit_input_cast(wrap, chans, in_t, res_t);
    wrap << "    reg [" << ko - 1 << ":0] ring [0:" << r - 1 << "];\n"
         << "    reg [" << rw - 1 << ":0] wq;\n    reg [" << rw - 1 << ":0] rb;\n    reg [" << rw - 1 << ":0] rs;\n"
         << "    always @(posedge clk) begin\n        if (accept) ring[wq] <= " << wdata << ";\n    end\n"
         << "    assign out_data = ring[rs];\n"
         << "    reg [" << ob - 1 << ":0] out_c;\n    reg [" << xb - 1 << ":0] sub_x;\n    reg [" << yb - 1
         << ":0] sub_y;\n"
         << "    wire out_row_end = (out_c == " << vconst(ob, g.wo() - 1) << ");\n"
         << "    wire x_last = (sub_x == " << vconst(xb, g.sw - 1) << ");\n"
         << "    wire y_last = (sub_y == " << vconst(yb, g.sh - 1) << ");\n"
         << "    wire [" << rw - 1 << ":0] rb_next = " << rb_next << ";\n";
    wrap << "    always @(posedge clk) begin\n        if (rst) begin\n            pend <= " << k(0) << ";\n"
         << "            in_c <= " << vconst(wb, 0) << ";\n            out_c <= " << vconst(ob, 0) << ";\n"
         << "            sub_x <= " << vconst(xb, 0) << ";\n            sub_y <= " << vconst(yb, 0) << ";\n"
         << "            wq <= " << ks(0) << ";\n            rb <= " << ks(0) << ";\n            rs <= " << ks(0) << ";\n"
         << "        end else begin\n"
         << "            pend <= pend_after_pop + (accept ? rel_n : " << k(0) << ");\n"
         << "            if (accept) begin\n"
         << "                in_c <= " << wrap_increment("in_c", wb, g.w) << ";\n"
         << "                wq <= " << wrap_increment("wq", rw, r) << ";\n"
         << "            end\n"
         << "            if (pop) begin\n"
         << "                if (out_row_end) begin\n"
         << "                    out_c <= " << vconst(ob, 0) << ";\n                    sub_x <= " << vconst(xb, 0)
         << ";\n"
         << "                    sub_y <= y_last ? " << vconst(yb, 0) << " : sub_y + " << vconst(yb, 1) << ";\n"
         << "                    rb <= y_last ? rb_next : rb;\n"
         << "                    rs <= y_last ? rb_next : rb;\n"
         << "                end else begin\n"
         << "                    out_c <= out_c + " << vconst(ob, 1) << ";\n"
         << "                    sub_x <= x_last ? " << vconst(xb, 0) << " : sub_x + " << vconst(xb, 1) << ";\n"
         << "                    if (x_last) rs <= " << wrap_increment("rs", rw, r) << ";\n"
         << "                end\n            end\n        end\n    end\nendmodule\n";
}

}  // namespace nnsim
