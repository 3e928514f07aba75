// Verilog of the pooling kinds: the pooling core of any geometry (the whole tensor under io_parallel,
// one window behind the line-buffer window shell under io_stream) and its building blocks. Per output
// value, in the evaluator's order (pool_op.cpp):
//   max:     a chain of signed (or unsigned) comparisons in the input type, the result cast, a register
//            (latency 1);
//   average: each input cast to accum_t, a chain of adds each cast to accum_t, registered (stage 1);
//            then |acc| * ceil(2^s / N) >> s (exact truncation toward zero, pool_common.hpp Reciprocal)
//            with the sign put back, the cast to result_t, registered (stage 2, latency 2); with a
//            latency-1 spec ("same" padding under io_stream, behind the generic repack shell) both
//            stages in one cycle.
// Every cast is rtl/verilog_cast.hpp's emit_cast, bit-exact with nnsim::cast.
#include <sstream>

#include "models/pooling/pool_common.hpp"
#include "models/pooling/pooling.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

std::string emit_max_step(std::ostream& os, const std::string& a, const std::string& b, const FixedType& t,
                          const std::string& uniq) {
    const std::string sa = t.is_signed ? "$signed(" + a + ")" : a, sb = t.is_signed ? "$signed(" + b + ")" : b;
    os << "    wire [" << t.width - 1 << ":0] " << uniq << " = (" << sa << " >= " << sb << ") ? " << a << " : " << b
       << ";\n";
    return uniq;
}

std::string emit_sum_step(std::ostream& os, const std::string& acc, const std::string& xa, const FixedType& accum,
                          const std::string& uniq) {
    const int w = accum.width;
    os << "    wire [" << w << ":0] " << uniq << "_s = " << extend(acc, w, w + 1, accum.is_signed) << " + "
       << extend(xa, w, w + 1, accum.is_signed) << ";\n";
    return emit_cast(os, uniq + "_s", SignalType{w + 1, accum.frac(), accum.is_signed}, accum, uniq + "_c");
}

std::string emit_pool_divide(std::ostream& os, const std::string& acc, const FixedType& accum, int64_t n,
                             const FixedType& res, const std::string& uniq) {
    const int w = accum.width;
    const Reciprocal r = reciprocal_of(w, n);
    const int pw = w + r.mult_width;  // product width: |acc| * mult < 2^pw
    const std::string mag = uniq + "_mag";
    if (accum.is_signed) {
        os << "    wire " << uniq << "_neg = " << bit_of(acc, w - 1) << ";\n"
           << "    wire [" << w - 1 << ":0] " << mag << " = " << uniq << "_neg ? (~" << acc << " + " << vconst(w, 1)
           << ") : " << acc << ";\n";
    } else {
        os << "    wire [" << w - 1 << ":0] " << mag << " = " << acc << ";\n";
    }
    os << "    wire [" << pw - 1 << ":0] " << uniq << "_prod = " << extend(mag, w, pw, false) << " * "
       << vconst(pw, int64_t(r.mult)) << ";\n";
    const int qw = pw - r.shift;
    const std::string qm = top_bits(os, uniq + "_prod", pw, qw, uniq + "_qm");
    if (!accum.is_signed) return emit_cast(os, qm, SignalType{qw, accum.frac(), false}, res, uniq + "_r");
    os << "    wire [" << qw << ":0] " << uniq << "_q = " << uniq << "_neg ? -{1'b0, " << qm << "} : {1'b0, " << qm
       << "};\n";
    return emit_cast(os, uniq + "_q", SignalType{qw + 1, accum.frac(), true}, res, uniq + "_r");
}

void emit_pool_core(std::ostream& os, const RtlCoreSpec& spec, const PoolGeometry& g, PoolOp op,
                    const FixedType& accum, const std::string& comment) {
    const FixedType& in = spec.in_types[0];
    const FixedType& res = spec.out_type;
    emit_core_header(os, spec, comment);
    std::ostringstream s1, s2;  // stage 1 (from in_data) and stage 2 (average: from the sum registers)
    std::vector<std::string> y;
    for (int p = 0; p < g.out_h * g.out_w; ++p) {
        const std::vector<int> win = window_pixels(g, p);
        for (int c = 0; c < g.chans; ++c) {
            const std::string id = "o" + std::to_string(p) + "_" + std::to_string(c);
            std::string cur;
            for (size_t k = 0; k < win.size(); ++k) {
                const int e = win[k] * g.chans + c;
                const std::string x = "in_data[" + std::to_string(spec.in_offset[0] + e * in.width) + " +: " +
                                      std::to_string(in.width) + "]";
                const std::string uk = id + "_k" + std::to_string(k);
                if (op == PoolOp::kMax) {
                    cur = k == 0 ? x : emit_max_step(s1, cur, x, in, uk);
                } else {
                    const std::string xa = emit_cast(s1, x, signal_type(in), accum, uk + "_x");
                    cur = k == 0 ? xa : emit_sum_step(s1, cur, xa, accum, uk);
                }
            }
            const int64_t n = int64_t(win.size());
            if (op == PoolOp::kMax) {
                y.push_back(emit_cast(s1, cur, signal_type(in), res, id + "_r"));
            } else if (spec.timing.latency == 1) {
                y.push_back(emit_pool_divide(s1, cur, accum, n, res, id + "_d"));  // sum and divide in one cycle
            } else {
                s1 << "    reg [" << accum.width - 1 << ":0] " << id << "_acc;\n"
                   << "    always @(posedge clk) if (in_valid) " << id << "_acc <= " << cur << ";\n";
                y.push_back(emit_pool_divide(s2, id + "_acc", accum, n, res, id + "_d"));
            }
        }
    }
    os << s1.str() << s2.str();
    emit_result_register(os, spec.out_width, res.width, y, spec.timing.latency == 1 ? "in_valid" : "vld[0]");
}

// ---------------------------------------------------------------------------------- the kinds

void PoolingKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    emit_pool_core(os, spec, pool_geometry(n, spec.in_shapes[0], false), pool_op_of(n), n.type("accum"),
                   std::string(name()) + " " + n.get_string("op") + " of layer " + n.name + ".");
}

// Under io_stream: the window core (one output pixel from one window, geometry k_h x k_w with one
// position) behind the line-buffer window shell.
void PoolingKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                  std::ostream& wrap) const {
    const PoolGeometry g = pool_geometry(n, spec.in_shape, false);
    if (g.padded) {
        // The window shell has no padding: "same" pooling goes through the generic repack shell (a
        // whole-sample buffer and the whole-tensor core, latency 1: timing() says so).
        return LayerKind::emit_rtl_stream(n, spec, core, wrap);
    }
    const FixedType& in = spec.whole.in_types[0];
    PoolGeometry wg = g;
    wg.in_h = g.k_h, wg.in_w = g.k_w, wg.s_h = g.k_h, wg.s_w = g.k_w, wg.out_h = wg.out_w = 1;
    RtlCoreSpec ws;
    ws.module = spec.whole.module;
    ws.in_types = {in};
    ws.in_shapes = {m_dims == 1 ? Shape{g.k_w, g.chans} : Shape{g.k_h, g.k_w, g.chans}};
    ws.in_elems = {g.k_h * g.k_w * g.chans};
    ws.in_offset = {0};
    ws.in_width = ws.in_elems[0] * in.width;
    ws.out_type = spec.whole.out_type;
    ws.out_elems = g.chans;
    ws.out_width = g.chans * ws.out_type.width;
    ws.timing = pool_timing(pool_op_of(n));
    emit_pool_core(core, ws, wg, pool_op_of(n), n.type("accum"),
                   std::string(name()) + " " + n.get_string("op") + " window core of layer " + n.name + ".");
    emit_window_shell(wrap, spec, g, ws.module, in.width, ws.out_width, ws.timing);
}

void GlobalPoolingKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    emit_pool_core(os, spec, pool_geometry(n, spec.in_shapes[0], true), pool_op_of(n), n.type("accum"),
                   std::string(name()) + " " + n.get_string("op") + " of layer " + n.name + ".");
}

void GlobalPoolingKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                        std::ostream& wrap) const {
    (void)core;
    emit_global_pool_shell(wrap, spec, n, pool_op_of(n), spec.whole.in_types[0], n.type("accum"), n.type("result"));
}

}  // namespace nnsim
