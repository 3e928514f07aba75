// Convolution kinds (conv.hpp): declarations, shapes, the evaluator (dense kernel per output pixel),
// timing, reuse factors, estimate, batch-norm folding and the Verilog entry points.
#include "models/common/conv.hpp"

#include <sstream>

#include "core/resources.hpp"
#include "models/dense/dense.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

const DenseKind& dense_kind() {
    static const DenseKind k;
    return k;
}

/// Bit-exact convolution: gathers each output pixel's window and runs the window's dense op on it.
class ConvOp : public LayerOp {
  public:
    ConvOp(const WindowGeometry& g, std::unique_ptr<LayerOp> dense, int filters)
        : m_g(g), m_dense(std::move(dense)), m_f(filters) {
        m_n_in = g.k_h * g.k_w * g.chans;
        m_win.assign(size_t(m_n_in), 0);
        m_win_f.assign(size_t(m_n_in), 0.0);
        counters() = m_dense->counters();
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        run(in[0], out, 0, size_t(m_g.out_h) * size_t(m_g.out_w), count);
        if (count) counters() = m_dense->counters();
    }
    void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t beat_width) override {
        // A beat is one output pixel under io_stream, the whole tensor under io_parallel.
        const size_t per = beat_width / size_t(m_f);
        run(in[0], out, first * per, count * per, false);
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t p = 0; p < size_t(m_g.out_h) * size_t(m_g.out_w); ++p) {
            gather(in[0], p, m_win_f.data());
            const double* arg = m_win_f.data();
            m_dense->eval_float(&arg, out + p * size_t(m_f));
        }
    }

  private:
    /// Window of output pixel p (row-major) into w, in (row, column, channel) order. The taps of one
    /// window row are K_w adjacent pixels, so each row is one contiguous run of K_w * C values.
    template <typename T>
    void gather(const T* x, size_t p, T* w) const {
        const int oy = int(p / size_t(m_g.out_w)), ox = int(p % size_t(m_g.out_w));
        const size_t run = size_t(m_g.k_w) * size_t(m_g.chans);
        for (int kh = 0; kh < m_g.k_h; ++kh) {
            const size_t src = (size_t(oy * m_g.s_h + kh) * size_t(m_g.in_w) + size_t(ox * m_g.s_w)) * size_t(m_g.chans);
            std::copy(x + src, x + src + run, w + size_t(kh) * run);
        }
    }
    void run(const int64_t* x, int64_t* out, size_t first, size_t count, bool count_events) {
        for (size_t p = first; p < first + count; ++p) {
            gather(x, p, m_win.data());
            const int64_t* arg = m_win.data();
            m_dense->eval(&arg, out + p * size_t(m_f), count_events);
        }
    }

    WindowGeometry m_g;
    std::unique_ptr<LayerOp> m_dense;  ///< the window's dense op (n_in = K_h * K_w * C, n_out = F)
    int m_f, m_n_in = 0;
    std::vector<int64_t> m_win;
    mutable std::vector<double> m_win_f;
};

/// The dense node holding a conv node's weights as [n_in, F] (same row-major data).
Node as_dense(const Node& n) {
    Node d;
    d.name = n.name;
    d.kind = &dense_kind();
    d.where = n.where;
    const int f = int(n.get_int("filters"));
    d.params["n_out"] = int64_t(f);
    d.precision = n.precision;
    d.weights = n.weights;
    WeightTensor& k = d.weights.at("kernel");
    k.shape = {int(k.data.size() / size_t(f)), f};
    d.reuse_factor = n.reuse_factor;
    d.strategy = n.strategy;
    d.fifo_depth = n.fifo_depth;
    d.shape = {f};
    return d;
}

}  // namespace

std::vector<ParamSpec> window_params(int rank) {
    const std::vector<int64_t> ones(size_t(rank), 1);
    const std::string dims = rank == 1 ? "[k]" : "[k_h, k_w]";
    return {{"kernel_size", ParamType::kIntList, std::vector<int64_t>{}, true,
             "window size " + dims + " in pixels (valid padding: pad with a zero_padding layer before)", {}, 1, 1 << 20},
            {"strides", ParamType::kIntList, ones, false, "stride " + std::string(rank == 1 ? "[s]" : "[s_h, s_w]") +
             " in pixels between windows", {}, 1, 1 << 20}};
}

std::vector<ParamSpec> ConvKind::params() const {
    std::vector<ParamSpec> p = {
        {"filters", ParamType::kInt, int64_t(0), true, "number of output channels (Keras filters)", {}, 1, 1 << 20}};
    for (ParamSpec& w : window_params(m_rank)) p.push_back(std::move(w));
    return p;
}

std::vector<PrecisionVarSpec> ConvKind::precision_vars() const { return dense_kind().precision_vars(); }

std::vector<WeightSpec> ConvKind::weight_specs() const {
    return {{"kernel", m_rank == 1 ? "weights, shape [k, C, filters] (Keras layout)"
                                   : "weights, shape [k_h, k_w, C, filters] (Keras layout)", true},
            {"bias", "biases, shape [filters]; zero when absent", false}};
}

WindowGeometry window_geometry(const Node& n, const Shape& s, int rank) {
    const auto& k = n.get_int_list("kernel_size");
    const auto& st = n.get_int_list("strides");
    WindowGeometry g;
    g.chans = s.back();
    g.in_w = s[s.size() - 2];
    g.k_w = int(k.back());
    g.s_w = int(st.back());
    if (rank == 2) g.in_h = s[0], g.k_h = int(k[0]), g.s_h = int(st[0]);
    g.out_h = (g.in_h - g.k_h) / g.s_h + 1;
    g.out_w = (g.in_w - g.k_w) / g.s_w + 1;
    return g;
}

bool check_window(const Node& n, const Shape& s, int rank, const char* kind, Diagnostics& diag) {
    const std::string expect = rank == 1 ? "[W, C]" : "[H, W, C]";
    if (int(s.size()) != rank + 1) {
        diag.error("", std::string(kind) + " expects an input of shape " + expect + ", got " + shape_to_string(s));
        return false;
    }
    const auto& k = n.get_int_list("kernel_size");
    const auto& st = n.get_int_list("strides");
    if (int(k.size()) != rank || int(st.size()) != rank) {
        diag.error("", "kernel_size and strides must have " + std::to_string(rank) + " entr" +
                           (rank == 1 ? "y" : "ies") + ", got kernel_size " +
                           shape_to_string(Shape(k.begin(), k.end())) + " and strides " +
                           shape_to_string(Shape(st.begin(), st.end())));
        return false;
    }
    for (int a = 0; a < rank; ++a)
        if (k[size_t(a)] > s[size_t(a)]) {
            diag.error("", "kernel_size " + shape_to_string(Shape(k.begin(), k.end())) + " is larger than input " +
                               shape_to_string(s) + " (valid padding; add a zero_padding layer before)");
            return false;
        }
    return true;
}

WindowGeometry ConvKind::geometry(const Node& n, const NodeInputs& in) const {
    return window_geometry(n, in.shapes[0], m_rank);
}

std::vector<int64_t> ConvKind::stream_needs(const Node& n, const NodeInputs& in) const {
    return window_needs(geometry(n, in));
}

void ConvKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape& s = in.shapes[0];
    if (!check_window(n, s, m_rank, name(), diag)) return;
    const auto& k = n.get_int_list("kernel_size");
    const int f = int(n.get_int("filters"));
    Shape want(k.begin(), k.end());
    want.push_back(s.back());
    want.push_back(f);
    const WeightTensor& kt = n.weights.at("kernel");
    if (kt.shape != want) {
        diag.error("", "kernel has shape " + shape_to_string(kt.shape) + ", expected " + shape_to_string(want) +
                           " for kernel_size " + shape_to_string(Shape(k.begin(), k.end())) + ", " +
                           std::to_string(s.back()) + " input channels and " + std::to_string(f) + " filters");
        return;
    }
    auto b = n.weights.find("bias");
    if (b != n.weights.end() && b->second.shape != Shape{f})
        diag.error("", "bias has shape " + shape_to_string(b->second.shape) + ", expected [" + std::to_string(f) + "]");
    const WindowGeometry g = geometry(n, in);
    n.shape = m_rank == 1 ? Shape{g.out_w, f} : Shape{g.out_h, g.out_w, f};
}

Node ConvKind::window_dense(const Node& n, const NodeInputs& in, NodeInputs& dense_in) const {
    const WindowGeometry g = geometry(n, in);
    dense_in.shapes = {Shape{g.k_h * g.k_w * g.chans}};
    dense_in.types = {in.types[0]};
    return as_dense(n);
}

std::unique_ptr<LayerOp> ConvKind::compile(const Node& n, const NodeInputs& in) const {
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    return std::make_unique<ConvOp>(geometry(n, in), dense_kind().compile(d, din), int(n.get_int("filters")));
}

int64_t ConvKind::macs(const Node& n, const NodeInputs& in) const {
    const WindowGeometry g = geometry(n, in);
    return int64_t(g.out_h) * g.out_w * g.k_h * g.k_w * g.chans * n.get_int("filters");
}

std::vector<int> ConvKind::valid_reuse_factors(const Node& n, const NodeInputs& in) const {
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    return dense_kind().valid_reuse_factors(d, din);
}

Timing ConvKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    return window_kind_timing(geometry(n, in), dense_kind().timing(d, din, io), io);
}

Timing window_kind_timing(const WindowGeometry& g, const Timing& t, IoType io) {
    if (io == IoType::kStream) return t;  // per input beat (a single-beat tensor has one output pixel)
    const int p = g.out_h * g.out_w;
    return {p * t.ii, (p - 1) * t.ii + t.latency};
}

// Compared with Yosys (nnsim synth) on a few 6x6x2-sized points only, not on the calibration grid:
// io_stream within about 20 % (LUT, FF), DSPs exact. The window's dense core (its own estimate, which
// includes a result queue like the shell's) plus, under io_stream, the window shell
// (rtl/window_shell.cpp), or under io_parallel the input register, the window multiplexer, the
// register of the first P - 1 output pixels and the pixel counters.
Resources ConvKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    Resources r = dense_kind().estimate(d, din, IoType::kParallel);
    const WindowGeometry g = geometry(n, in);
    const int ew = in.types[0].width, rw = n.type("result").width, f = int(n.get_int("filters"));
    return r += window_io_estimate(g, in.shapes[0], n.shape, io, ew, f * rw, dense_kind().timing(d, din, io));
}

Resources window_io_estimate(const WindowGeometry& g, const Shape& in_shape, const Shape& out_shape, IoType io,
                             int ew, int out_pixel_bits, const Timing& core) {
    const bool streams = io == IoType::kStream && (shape_pixels(in_shape) > 1 || shape_pixels(out_shape) > 1);
    if (streams) return window_shell_estimate(g, ew, out_pixel_bits, core);
    return conv_parallel_estimate(g, ew, out_pixel_bits);
}

Resources conv_parallel_estimate(const WindowGeometry& g, int ew, int out_pixel_bits) {
    Resources r;
    const int p = g.out_h * g.out_w;
    const int n_in = g.k_h * g.k_w * g.chans;
    r.ff += double(g.in_h) * g.in_w * g.chans * ew + double(p - 1) * out_pixel_bits + 2.0 * bits_for(uint64_t(p)) + 8;
    // Window multiplexer: a (P-1)-input multiplexer from x_reg and the 2-way choice of in_data per
    // window bit; the factor 2 fits Yosys on 6x6x2 / 5x5x2 / 4x4x2 inputs, 3x3 kernel, RF 2 (-10..-20 %).
    if (p > 1) r.lut += double(n_in) * ew * (1.0 + 2.0 * res::mux_luts(p - 1, 1));
    r.lut += res::coefficients().control_lut;
    return r;
}

void ConvKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    // The whole-tensor core (io_parallel, or a one-pixel tensor under io_stream).
    NNSIM_ASSERT(spec.in_shapes.size() == 1, "conv core needs its input shape");
    const NodeInputs in{{spec.in_shapes[0]}, {spec.in_types[0]}};
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    const WindowGeometry g = geometry(n, in);
    RtlCoreSpec ws;
    ws.module = spec.module + "_win";
    ws.in_types = din.types;
    ws.in_elems = {g.k_h * g.k_w * g.chans};
    ws.in_offset = {0};
    ws.in_width = ws.in_elems[0] * din.types[0].width;
    ws.out_type = spec.out_type;
    ws.out_elems = int(n.get_int("filters"));
    ws.out_width = ws.out_elems * ws.out_type.width;
    ws.timing = dense_kind().timing(d, din, IoType::kParallel);
    // The conv module first (Verilator wants the file's first module to match its name).
    std::ostringstream dense_core;
    dense_kind().emit_rtl_core(d, ws, dense_core);
    emit_conv_parallel_core(os, spec, g, ws.module, ws.timing);
    os << "/* verilator lint_off DECLFILENAME */\n" << dense_core.str() << "/* verilator lint_on DECLFILENAME */\n";
}

void ConvKind::emit_rtl_stream(const Node& n, const RtlStreamSpec& spec, std::ostream& core,
                               std::ostream& wrap) const {
    const NodeInputs in{{spec.in_shape}, {spec.whole.in_types[0]}};
    NodeInputs din;
    const Node d = window_dense(n, in, din);
    const WindowGeometry g = geometry(n, in);
    RtlCoreSpec ws;
    ws.module = spec.whole.module;
    ws.in_types = din.types;
    ws.in_elems = {g.k_h * g.k_w * g.chans};
    ws.in_offset = {0};
    ws.in_width = ws.in_elems[0] * din.types[0].width;
    ws.out_type = spec.whole.out_type;
    ws.out_elems = int(n.get_int("filters"));
    ws.out_width = ws.out_elems * ws.out_type.width;
    ws.timing = dense_kind().timing(d, din, IoType::kStream);
    dense_kind().emit_rtl_core(d, ws, core);
    emit_window_shell(wrap, spec, g, ws.module, din.types[0].width, ws.out_width, ws.timing);
}

bool ConvKind::fold_affine(Node& n, const std::vector<double>& scale, const std::vector<double>& shift) const {
    return fold_kernel_affine(n, as_dense(n), scale, shift);
}

bool fold_kernel_affine(Node& n, Node d, const std::vector<double>& scale, const std::vector<double>& shift) {
    if (!dense_kind().fold_affine(d, scale, shift)) return false;
    const Shape kshape = n.weights.at("kernel").shape;
    n.weights = d.weights;
    n.weights.at("kernel").shape = kshape;
    return true;
}

}  // namespace nnsim
