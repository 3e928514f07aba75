// Depthwise convolution kinds (depthwise.hpp): declarations, shapes, the evaluator (per channel, the
// dense arithmetic on the channel's window), timing, reuse factors, estimate, batch-norm folding and
// the Verilog (the dense MAC core on the window's product list, in the conv kinds' window shell or
// io_parallel core).
#include "models/common/depthwise.hpp"

#include <sstream>

#include "core/resources.hpp"
#include "models/common/conv.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

const DenseKind& dense_kind() {
    static const DenseKind k;
    return k;
}

/// Bit-exact depthwise convolution, output pixel by output pixel.
class DepthwiseOp : public LayerOp {
  public:
    DepthwiseOp(const Node& n, const FixedType& in_t, const WindowGeometry& g, int mult)
        : m_g(g), m_mult(mult), m_in(in_t), m_w(n.type("weight")), m_acc(n.type("accum")), m_res(n.type("result")) {
        m_n_out = g.chans * mult;
        m_kernel_f = n.weights.at("kernel").data;
        m_w_raw.resize(m_kernel_f.size());
        for (size_t i = 0; i < m_kernel_f.size(); ++i) m_w_raw[i] = cast_double(m_kernel_f[i], m_w);
        m_bias_f.assign(size_t(m_n_out), 0.0);
        auto bit = n.weights.find("bias");
        if (bit != n.weights.end()) m_bias_f = bit->second.data;
        const FixedType& bt = n.type("bias");
        m_b_acc.resize(size_t(m_n_out));
        for (int o = 0; o < m_n_out; ++o) m_b_acc[size_t(o)] = cast(cast_double(m_bias_f[size_t(o)], bt), bt.frac(), m_acc);
        m_c_product = add_counter("product");
        m_c_accum = add_counter("accum");
        m_c_result = add_counter("result");
        // Deferred wrap (as the dense kind's fast path): with a wrapping accum_t that truncates or
        // rounds half up, every product cast and addition is modulo 2^W_acc, so one wrap at the end
        // gives the same accumulator.
        const bool wraps = m_acc.overflow == OverflowMode::kWrap && m_acc.sat_bits == 0;
        const bool rounding_ok = m_acc.round == RoundMode::kTrn || m_acc.round == RoundMode::kRnd;
        m_shift = m_in.frac() + m_w.frac() - m_acc.frac();
        m_fast = wraps && rounding_ok && m_shift >= 0 && m_shift <= 62 && m_in.width + m_w.width <= 62;
        if (m_fast && m_acc.round == RoundMode::kRnd && m_shift > 0) m_round = int64_t(1) << (m_shift - 1);
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (size_t p = 0; p < pixels(); ++p) pixel(in[0], p, out + p * size_t(m_n_out), count);
    }
    void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t beat_width) override {
        // A beat is one output pixel under io_stream, the whole tensor under io_parallel.
        const size_t per = beat_width / size_t(m_n_out);
        for (size_t p = first * per; p < (first + count) * per; ++p) pixel(in[0], p, out + p * size_t(m_n_out), false);
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t p = 0; p < pixels(); ++p)
            for (int o = 0; o < m_n_out; ++o) {
                double acc = m_bias_f[size_t(o)];
                for (int k = 0; k < m_g.k_h * m_g.k_w; ++k) acc += in[0][src(p, k, o / m_mult)] * m_kernel_f[widx(k, o)];
                out[p * size_t(m_n_out) + size_t(o)] = acc;
            }
    }

  private:
    size_t pixels() const { return size_t(m_g.out_h) * size_t(m_g.out_w); }
    /// Input element of channel c at window position k (row-major in the window) of output pixel p.
    size_t src(size_t p, int k, int c) const {
        const int oy = int(p / size_t(m_g.out_w)), ox = int(p % size_t(m_g.out_w));
        const int y = oy * m_g.s_h + k / m_g.k_w, x = ox * m_g.s_w + k % m_g.k_w;
        return (size_t(y) * size_t(m_g.in_w) + size_t(x)) * size_t(m_g.chans) + size_t(c);
    }
    /// Kernel element [k, c, m] of output channel o = c * M + m.
    size_t widx(int k, int o) const { return size_t(k) * size_t(m_n_out) + size_t(o); }
    void pixel(const int64_t* x, size_t p, int64_t* y, bool count) {
        if (m_fast && !count) return pixel_fast(x, p, y);
        const int fp = m_in.frac() + m_w.frac(), fa = m_acc.frac();
        for (int o = 0; o < m_n_out; ++o) {
            int64_t acc = m_b_acc[size_t(o)];
            for (int k = 0; k < m_g.k_h * m_g.k_w; ++k) {
                const __int128 prod = __int128(x[src(p, k, o / m_mult)]) * m_w_raw[widx(k, o)];
                const int64_t pc = cast_counted(prod, fp, m_acc, m_c_product, count);
                acc = cast_counted(__int128(acc) + pc, fa, m_acc, m_c_accum, count);
            }
            y[o] = cast_counted(acc, fa, m_res, m_c_result, count);
        }
    }

    void pixel_fast(const int64_t* x, size_t p, int64_t* y) const {
        const int wa = m_acc.width;
        for (int o = 0; o < m_n_out; ++o) {
            uint64_t acc = uint64_t(m_b_acc[size_t(o)]);
            for (int k = 0; k < m_g.k_h * m_g.k_w; ++k)
                acc += uint64_t((x[src(p, k, o / m_mult)] * m_w_raw[widx(k, o)] + m_round) >> m_shift);
            int64_t a;  // the low W_acc bits, sign- or zero-extended
            if (wa >= 64) a = int64_t(acc);
            else if (m_acc.is_signed) a = int64_t(acc << (64 - wa)) >> (64 - wa);
            else a = int64_t(acc & ((uint64_t(1) << wa) - 1));
            y[o] = m_res == m_acc ? a : cast(a, m_acc.frac(), m_res);
        }
    }

    WindowGeometry m_g;
    int m_mult, m_n_out = 0;
    FixedType m_in, m_w, m_acc, m_res;
    std::vector<double> m_kernel_f, m_bias_f;  ///< float kernel [K][C][M] and bias [C * M]
    std::vector<int64_t> m_w_raw, m_b_acc;     ///< quantized kernel; bias cast to accum_t
    size_t m_c_product = 0, m_c_accum = 0, m_c_result = 0;
    bool m_fast = false;  ///< deferred-wrap path applies (see the constructor)
    int m_shift = 0;      ///< product fraction bits dropped by the cast to accum_t
    int64_t m_round = 0;  ///< 2^(shift-1) under RND, else 0
};

/// The dense view of a depthwise node's weights for folding: kernel [K, C * M] (the same row-major
/// data; column c * M + m is output channel c * M + m), n_out = C * M.
Node as_dense(const Node& n) {
    Node d;
    d.name = n.name;
    d.kind = &dense_kind();
    d.where = n.where;
    d.precision = n.precision;
    d.weights = n.weights;
    WeightTensor& k = d.weights.at("kernel");
    const int outs = k.shape[k.shape.size() - 2] * k.shape.back();
    k.shape = {int(k.data.size() / size_t(outs)), outs};
    d.params["n_out"] = int64_t(outs);
    d.reuse_factor = n.reuse_factor;
    d.strategy = n.strategy;
    d.shape = {outs};
    return d;
}

/// The window core's timing: the dense MAC core's (II = RF, latency RF + 1 or RF + 2).
Timing core_timing(const Node& n, const NodeInputs& in) { return dense_kind().timing(n, in, IoType::kParallel); }

}  // namespace

std::vector<ParamSpec> DepthwiseKind::params() const {
    std::vector<ParamSpec> p = window_params(m_rank);
    p.push_back({"depth_multiplier", ParamType::kInt, int64_t(1), false,
                 "output channels per input channel (Keras depth_multiplier); hls4ml supports 1 only", {}, 1, 1 << 20});
    return p;
}

std::vector<PrecisionVarSpec> DepthwiseKind::precision_vars() const { return dense_kind().precision_vars(); }

std::vector<WeightSpec> DepthwiseKind::weight_specs() const {
    return {{"kernel", m_rank == 1 ? "weights, shape [k, C, depth_multiplier] (Keras depthwise_kernel)"
                                   : "weights, shape [k_h, k_w, C, depth_multiplier] (Keras depthwise_kernel)", true},
            {"bias", "biases, shape [C * depth_multiplier]; zero when absent", false}};
}

std::vector<int64_t> DepthwiseKind::stream_needs(const Node& n, const NodeInputs& in) const {
    return window_needs(window_geometry(n, in.shapes[0], m_rank));
}

void DepthwiseKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape& s = in.shapes[0];
    if (!check_window(n, s, m_rank, name(), diag)) return;
    const int mult = int(n.get_int("depth_multiplier"));
    if (mult != 1) {
        diag.error("", "depth_multiplier " + std::to_string(mult) +
                           " is not supported (hls4ml's depthwise kernels implement depth_multiplier 1 only)");
        return;
    }
    const auto& k = n.get_int_list("kernel_size");
    Shape want(k.begin(), k.end());
    want.push_back(s.back());
    want.push_back(mult);
    const WeightTensor& kt = n.weights.at("kernel");
    if (kt.shape != want) {
        diag.error("", "kernel has shape " + shape_to_string(kt.shape) + ", expected " + shape_to_string(want) +
                           " for kernel_size " + shape_to_string(Shape(k.begin(), k.end())) + ", " +
                           std::to_string(s.back()) + " input channels and depth_multiplier " + std::to_string(mult));
        return;
    }
    const int outs = s.back() * mult;
    auto b = n.weights.find("bias");
    if (b != n.weights.end() && b->second.shape != Shape{outs}) {
        diag.error("", "bias has shape " + shape_to_string(b->second.shape) + ", expected [" + std::to_string(outs) + "]");
        return;
    }
    const WindowGeometry g = window_geometry(n, s, m_rank);
    n.shape = m_rank == 1 ? Shape{g.out_w, outs} : Shape{g.out_h, g.out_w, outs};
}

std::unique_ptr<LayerOp> DepthwiseKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<DepthwiseOp>(n, in.types[0], window_geometry(n, in.shapes[0], m_rank),
                                         int(n.get_int("depth_multiplier")));
}

int64_t DepthwiseKind::macs(const Node& n, const NodeInputs& in) const {
    const WindowGeometry g = window_geometry(n, in.shapes[0], m_rank);
    return int64_t(g.out_h) * g.out_w * g.k_h * g.k_w * g.chans * n.get_int("depth_multiplier");
}

std::vector<int> DepthwiseKind::valid_reuse_factors(const Node& n, const NodeInputs& in) const {
    // hls4ml's rule on (K * C, C * M), up to the number of products.
    const WindowGeometry g = window_geometry(n, in.shapes[0], m_rank);
    const int64_t outs = int64_t(g.chans) * n.get_int("depth_multiplier");
    const int64_t products = int64_t(g.k_h) * g.k_w * outs;
    Node d;
    d.params["n_out"] = outs;
    const NodeInputs din{{Shape{g.k_h * g.k_w * g.chans}}, {in.types[0]}};
    std::vector<int> valid;
    for (int rf : dense_kind().valid_reuse_factors(d, din))
        if (rf <= products) valid.push_back(rf);
    return valid;
}

Timing DepthwiseKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    return window_kind_timing(window_geometry(n, in.shapes[0], m_rank), core_timing(n, in), io);
}

MacPlan DepthwiseKind::window_plan(const Node& n, const WindowGeometry& g) const {
    const int mult = int(n.get_int("depth_multiplier")), kk = g.k_h * g.k_w, c_count = g.chans;
    const FixedType& wt = n.type("weight");
    const std::vector<double>& w = n.weights.at("kernel").data;
    MacPlan plan;
    plan.n_in = kk * c_count;
    plan.n_out = c_count * mult;
    for (int o = 0; o < plan.n_out; ++o) {
        const int c = o / mult;
        for (int k = 0; k < kk; ++k) {
            plan.in_idx.push_back(k * c_count + c);
            plan.out_idx.push_back(o);
            plan.weight.push_back(res::quantize(w[size_t(k) * size_t(plan.n_out) + size_t(o)], wt));
        }
    }
    return plan;
}

// Not calibrated against Yosys. The window's MAC core (dense_resources.cpp on the window's product
// list, which includes a result queue like the shell's) plus, under io_stream, the window shell
// (rtl/window_shell.cpp), or under io_parallel the conv kinds' io_parallel sequencer.
Resources DepthwiseKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const WindowGeometry g = window_geometry(n, in.shapes[0], m_rank);
    const Timing dt = core_timing(n, in);
    Resources r = estimate_mac_core(n, window_plan(n, g), in.types[0], dt);
    const int ew = in.types[0].width, out_bits = int(n.shape.back()) * n.type("result").width;
    return r += window_io_estimate(g, in.shapes[0], n.shape, io, ew, out_bits, dt);
}

RtlCoreSpec DepthwiseKind::window_spec(const Node& n, const WindowGeometry& g, const std::string& module,
                                       const FixedType& xt, const FixedType& rt) const {
    RtlCoreSpec ws;
    ws.module = module;
    ws.in_types = {xt};
    ws.in_elems = {g.k_h * g.k_w * g.chans};
    ws.in_offset = {0};
    ws.in_shapes = {Shape{ws.in_elems[0]}};
    ws.in_width = ws.in_elems[0] * xt.width;
    ws.out_type = rt;
    ws.out_elems = g.chans * int(n.get_int("depth_multiplier"));
    ws.out_width = ws.out_elems * rt.width;
    ws.timing = core_timing(n, NodeInputs{});
    return ws;
}

void DepthwiseKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    // The whole-tensor core (io_parallel, or a one-pixel tensor under io_stream).
    NNSIM_ASSERT(spec.in_shapes.size() == 1, "depthwise core needs its input shape");
    const WindowGeometry g = window_geometry(n, spec.in_shapes[0], m_rank);
    const RtlCoreSpec ws = window_spec(n, g, spec.module + "_win", spec.in_types[0], spec.out_type);
    const MacPlan plan = window_plan(n, g);
    std::ostringstream mac;
    emit_mac_core(n, plan, ws, comment(n, plan), mac);
    // The layer's module first (Verilator wants the file's first module to match its name).
    emit_conv_parallel_core(os, spec, g, ws.module, ws.timing);
    os << "/* verilator lint_off DECLFILENAME */\n" << mac.str() << "/* verilator lint_on DECLFILENAME */\n";
}

void DepthwiseKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                                    std::ostream& wrap) const {
    const WindowGeometry g = window_geometry(n, spec.in_shape, m_rank);
    const RtlCoreSpec ws = window_spec(n, g, spec.whole.module, spec.whole.in_types[0], spec.whole.out_type);
    const MacPlan plan = window_plan(n, g);
    emit_mac_core(n, plan, ws, comment(n, plan), core);
    emit_window_shell(wrap, spec, g, ws.module, spec.whole.in_types[0].width, ws.out_width, ws.timing);
}

std::string DepthwiseKind::comment(const Node& n, const MacPlan& plan) const {
    const int64_t m_count = (plan.total() + n.reuse_factor - 1) / n.reuse_factor;
    return std::string(name()) + " " + n.name + " window core: " + std::to_string(plan.total()) +
           " per-channel products -> " + std::to_string(plan.n_out) + " channels, " + strategy_name(n.strategy) +
           ", RF " + std::to_string(n.reuse_factor) + ", " + std::to_string(m_count) + " multipliers; weight " +
           n.type("weight").to_string() + ", accum " + n.type("accum").to_string() + ", result " +
           n.type("result").to_string() + ".";
}

bool DepthwiseKind::fold_affine(Node& n, const std::vector<double>& scale, const std::vector<double>& shift) const {
    return fold_kernel_affine(n, as_dense(n), scale, shift);
}

}  // namespace nnsim
