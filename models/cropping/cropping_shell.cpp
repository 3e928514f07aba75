// The io_stream Verilog and resource estimate of the cropping kinds (cropping.hpp): the gather shell's
// contract (rtl/gather_shell.hpp; the repack contract with II 1, latency 1), with row and column
// counters in place of its per-beat ROMs, so that the module stays a few dozen lines for any image.
//
// An input beat at (row r, column c) of an H x W image cropped by [T, B, L, R] releases its own
// output beat if it is kept, nothing otherwise:
//   released(r, c) = [T <= r < H - B] [L <= c < W - R],   C = 1
// Handshake, as in the gather shell:
//   pop    = pend & ~out_full
//   accept = ~in0_empty & (pend - pop + released(r, c)) <= 1
// A kept pixel (cast to result_t) waits in one register until it is written.
#include <algorithm>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "models/cropping/cropping.hpp"
#include "rtl/gather_shell.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

using CropGeometry = BorderGeometry;

CropGeometry crop_geometry(const Node& n, const Shape& in, int dims) {
    return border_geometry(n, in, dims, "cropping");
}

/// "(x >= lo) & (x < hi)" for the bounds that can fail, or "1'b1".
std::string inside(const std::string& x, int bits, int64_t lo, int64_t hi, int64_t n) {
    std::string s;
    if (lo > 0) s = "(" + x + " >= " + vconst(bits, lo) + ")";
    if (hi < n) s += (s.empty() ? "" : " & ") + std::string("(") + x + " < " + vconst(bits, hi) + ")";
    return s.empty() ? "1'b1" : s;
}

}  // namespace

Resources CroppingKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    if (io != IoType::kStream || shape_pixels(in.shapes[0]) == 1) return GatherKind::estimate(n, in, io);
    const CropGeometry g = crop_geometry(n, in.shapes[0], m_dims);
    const FixedType& res = n.type("result");
    const int chans = int(in.shapes[0].back()), ko = chans * res.width;
    const int counters = bits_for(uint64_t(std::max<int64_t>(1, g.h - 1))) + bits_for(uint64_t(std::max<int64_t>(1, g.w - 1)));
    Resources r;
    // The held pixel, the counters and the pending flag; the counters' adders and compares, the casts.
    r.ff = ko + counters + 1;
    r.lut = 2.5 * counters + 4;
    if (!(in.types[0] == res)) r.lut += chans * res::cast_luts(res::sig_of(in.types[0]), res);
    return r;
}

void CroppingKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                   std::ostream& wrap) const {
    const CropGeometry g = crop_geometry(n, spec.in_shape, m_dims);
    const FixedType& in_t = spec.whole.in_types[0];
    const FixedType& res_t = spec.whole.out_type;
    const int chans = int(spec.in_shape.back()), ki = chans * in_t.width, ko = chans * res_t.width;
    NNSIM_ASSERT(repack_capacity(spec.needs, spec.whole.timing) == 1,
                 "layer " + n.name + ": the cropping shell's C differs from the repack contract's");
    const int aw = 2;  // pend - pop + released <= 2
    const int hb = bits_for(uint64_t(std::max<int64_t>(1, g.h - 1))), wb = bits_for(uint64_t(std::max<int64_t>(1, g.w - 1)));

    core << "// Layer " << n.name << " (" << name() << "): no separate core; the cropping shell " << spec.module
         << " holds the layer.\n";
    wrap << "// Layer " << n.name << " (" << name() << "): cropping shell (models/cropping/cropping_shell.cpp), "
         << g.h << " x " << g.w << " pixels of " << chans << " values cropped by [" << g.top << ", " << g.bottom << ", "
         << g.left << ", " << g.right << "]; C = 1.\n";
    emit_shell_ports(wrap, spec.module, ki, ko);
    wrap << "    reg [" << hb - 1 << ":0] in_r;\n    reg [" << wb - 1 << ":0] in_c;\n"
         << "    wire keep = " << inside("in_r", hb, g.top, g.h - g.bottom, g.h) << " & "
         << inside("in_c", wb, g.left, g.w - g.right, g.w) << ";\n"
         << "    wire [" << aw - 1 << ":0] rel_n = {1'b0, keep};\n";
    emit_release_handshake(wrap, aw, 1);
    const std::string wdata = emit_input_cast(wrap, chans, in_t, res_t);
    wrap << "    reg [" << ko - 1 << ":0] held;\n    assign out_data = held;\n"
         << "    always @(posedge clk) begin\n        if (accept & keep) held <= " << wdata << ";\n    end\n"
         << "    always @(posedge clk) begin\n        if (rst) begin\n            pend <= " << vconst(aw, 0) << ";\n"
         << "            in_r <= " << vconst(hb, 0) << ";\n            in_c <= " << vconst(wb, 0) << ";\n"
         << "        end else begin\n"
         << "            pend <= pend_after_pop + (accept ? rel_n : " << vconst(aw, 0) << ");\n"
         << "            if (accept) begin\n"
         << "                in_c <= " << wrap_increment("in_c", wb, g.w) << ";\n"
         << "                if (in_c == " << vconst(wb, g.w - 1) << ") in_r <= " << wrap_increment("in_r", hb, g.h)
         << ";\n            end\n        end\n    end\nendmodule\n";
}

}  // namespace nnsim
