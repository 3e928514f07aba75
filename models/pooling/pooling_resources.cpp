// Resource estimates of the pooling kinds, following their Verilog (pooling_rtl.cpp,
// global_pool_rtl.cpp). Not calibrated against Yosys: the per-operation figures are the usual ones of
// core/resources.cpp (a carry-chain adder or comparator is about one LUT per bit, a 2:1 multiplexer
// one LUT per bit, casts from res::cast_luts, the divider's product from res::mul_dsps).
//   per output value, max:     (n - 1) comparators and multiplexers in the input width, the result cast;
//   per output value, average: n input casts, (n - 1) adds with their accum_t casts, the sum register,
//                              the divider (negate, constant product, negate back), the result cast;
//   io_parallel:               every output value of the tensor, the result register, the shell;
//   io_stream, windowed:       one output pixel's values (the window core) and the window shell's
//                              own estimate (rtl/window_shell.hpp window_shell_estimate); with
//                              "same" padding the whole-tensor core behind the generic repack shell;
//   io_stream, global:         one accumulator per channel (one step, not n), the result register, a
//                              queue of L beats, counters.
#include <algorithm>

#include "core/resources.hpp"
#include "models/pooling/pool_common.hpp"
#include "models/pooling/pooling.hpp"

namespace nnsim {
namespace {

/// One output value's datapath over `n` values, with `steps` combining steps (n - 1 in a window core,
/// 1 in the global accumulator).
Resources value_datapath(PoolOp op, int64_t n, int64_t steps, const FixedType& in, const FixedType& accum,
                         const FixedType& res) {
    const res::Coefficients& k = res::coefficients();
    Resources r;
    if (op == PoolOp::kMax) {
        r.lut += double(steps) * (k.adder_lut_per_bit * in.width + in.width);
        r.lut += res::cast_luts(res::sig_of(in), res);
    } else {
        const int w = accum.width;
        const Reciprocal rc = reciprocal_of(w, n);
        const int pw = w + rc.mult_width, qw = pw - rc.shift;
        r.lut += double(steps + 1 == n ? n : steps) * res::cast_luts(res::sig_of(in), accum);  // one per input
        r.lut += double(steps) * (k.adder_lut_per_bit * (w + 1) + res::cast_luts(SignalType{w + 1, accum.frac(), accum.is_signed}, accum));
        r.ff += w;
        r.dsp += res::mul_dsps(w, false, rc.mult_width, false, pw);
        if (r.dsp == 0) r.lut += double(w) * rc.mult_width / 2.0;
        if (accum.is_signed) r.lut += 2.0 * k.adder_lut_per_bit * w + qw;
        r.lut += res::cast_luts(SignalType{qw + 1, accum.frac(), accum.is_signed}, res);
    }
    r.ff += res.width;
    return r;
}

Resources scaled(Resources r, double f) {
    r.dsp *= f, r.lut *= f, r.ff *= f, r.bram18 *= f;
    return r;
}

}  // namespace

Resources PoolingKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const PoolGeometry g = pool_geometry(n, in.shapes[0], false);
    const PoolOp op = pool_op_of(n);
    const Timing t = timing(n, in, io);
    const int64_t win = int64_t(g.k_h) * g.k_w;
    const Resources one = value_datapath(op, win, win - 1, in.types[0], n.type("accum"), n.type("result"));
    const int rw = n.type("result").width;
    Resources r;
    if (io == IoType::kParallel) {
        r = scaled(one, double(shape_size(n.shape)));
        r += res::valid_pipeline(t.latency);
        return r += res::shell(t, int(shape_size(n.shape)) * rw);
    }
    // Under io_stream with several beats: one output pixel's core behind the window shell.
    if (shape_pixels(in.shapes[0]) == 1 && shape_pixels(n.shape) == 1) {
        r = scaled(one, double(g.chans));
        r += res::valid_pipeline(t.latency);
        return r += res::shell(t, g.chans * rw);
    }
    if (g.padded) {
        // "same" max pooling: the whole-tensor core behind the generic repack shell (its sample buffer
        // of the earlier input beats, a queue of released beats and their multiplexers).
        r = scaled(one, double(shape_size(n.shape)));
        r += res::valid_pipeline(t.latency);
        const int64_t bi = shape_pixels(in.shapes[0]), bo = shape_pixels(n.shape);
        const int ki = g.chans * in.types[0].width, ko = g.chans * rw;
        r.ff += double(bi - 1) * ki + double(g.out_w + 1) * ko + 16;
        r.lut += double(bi - 1) * ki + double(g.out_w + 1) * (res::mux_luts(int(bo), ko) + ko) +
                 res::coefficients().control_lut;
        return r;
    }
    r = scaled(one, double(g.chans));
    r += res::valid_pipeline(t.latency);
    return r += window_shell_estimate(g, in.types[0].width, g.chans * rw, t);
}

Resources GlobalPoolingKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const PoolGeometry g = pool_geometry(n, in.shapes[0], true);
    const PoolOp op = pool_op_of(n);
    const Timing t = timing(n, in, io);
    const int64_t pixels = int64_t(g.in_h) * g.in_w;
    const int rw = n.type("result").width;
    if (io == IoType::kParallel || pixels == 1) {
        Resources r = scaled(value_datapath(op, pixels, pixels - 1, in.types[0], n.type("accum"), n.type("result")),
                             double(g.chans));
        r += res::valid_pipeline(t.latency);
        return r += res::shell(t, g.chans * rw);
    }
    // Accumulator shell: one step per channel, the accumulator register (input width for max), the
    // first-beat multiplexer, the queue of L beats and its output multiplexer, counters.
    Resources r = scaled(value_datapath(op, pixels, 1, in.types[0], n.type("accum"), n.type("result")), double(g.chans));
    const int aw = op == PoolOp::kMax ? in.types[0].width : n.type("accum").width;
    // (value_datapath counts an average's sum register already: it is the accumulator.)
    r.ff += (op == PoolOp::kMax ? double(g.chans) * aw : 0.0) + double(t.latency) * g.chans * rw + t.latency + 8 +
            bits_for(uint64_t(pixels));
    r.lut += double(g.chans) * aw + double(g.chans) * rw * t.latency + res::coefficients().control_lut;
    return r;
}

}  // namespace nnsim
