// The pooling evaluator, geometry and timing shared by the pooling kinds (pool_common.hpp; the rules
// are in pooling.hpp's file comment).
#include <algorithm>
#include <limits>

#include "core/diag.hpp"
#include "models/pooling/pool_common.hpp"

namespace nnsim {
namespace {

/// Pooling over geometry g, output pixel by output pixel (so eval_beats computes released pixels only).
class PoolLayerOp : public LayerOp {
  public:
    PoolLayerOp(const PoolGeometry& g, PoolOp op, const FixedType& in, const FixedType& accum, const FixedType& res)
        : m_op(op), m_chans(size_t(g.chans)), m_in(in), m_accum(accum), m_res(res) {
        for (int p = 0; p < g.out_h * g.out_w; ++p) m_windows.push_back(window_pixels(g, p));
        m_c_accum = op == PoolOp::kAverage ? add_counter("accum") : 0;
        m_c_result = add_counter("result");
        m_max_cast = FastCast(in.frac(), res);
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (size_t p = 0; p < m_windows.size(); ++p) pixel(in[0], out, p, count);
    }
    void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t width) override {
        // A beat is `width` values: one pixel under io_stream, the whole tensor under io_parallel.
        for (size_t p = first * width / m_chans; p < (first + count) * width / m_chans; ++p) pixel(in[0], out, p, false);
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t p = 0; p < m_windows.size(); ++p)
            for (size_t c = 0; c < m_chans; ++c) {
                double m = -std::numeric_limits<double>::infinity(), s = 0;
                for (int i : m_windows[p]) {
                    const double v = in[0][size_t(i) * m_chans + c];
                    m = std::max(m, v);
                    s += v;
                }
                out[p * m_chans + c] = m_op == PoolOp::kMax ? m : s / double(m_windows[p].size());
            }
    }

  private:
    /// Output pixel p, all channels.
    void pixel(const int64_t* x, int64_t* out, size_t p, bool count) {
        const std::vector<int>& win = m_windows[p];
        if (m_op == PoolOp::kMax && !count && m_in.width <= 62 && !win.empty()) {
            // Channel-wise maxima over the window's pixels, then one vectorized cast pass.
            int64_t* y = out + p * m_chans;
            const size_t c_n = m_chans;
            const int64_t* first = x + size_t(win[0]) * c_n;
            for (size_t c = 0; c < c_n; ++c) y[c] = first[c];
            for (size_t k = 1; k < win.size(); ++k) {
                const int64_t* v = x + size_t(win[k]) * c_n;
                for (size_t c = 0; c < c_n; ++c) y[c] = std::max(y[c], v[c]);
            }
            if (m_max_cast.cast_all(y, c_n)) return;
        }
        const int64_t n = int64_t(win.size());
        for (size_t c = 0; c < m_chans; ++c) {
            int64_t m = 0, acc = 0;
            for (size_t k = 0; k < win.size(); ++k) {
                const int64_t v = x[size_t(win[k]) * m_chans + c];
                if (m_op == PoolOp::kMax) {
                    m = k == 0 ? v : std::max(m, v);
                } else {
                    const int64_t a = cast(v, m_in.frac(), m_accum);
                    acc = k == 0 ? a : cast_counted(__int128(acc) + a, m_accum.frac(), m_accum, m_c_accum, count);
                }
            }
            int64_t& y = out[p * m_chans + c];
            if (m_op == PoolOp::kMax) y = cast_counted(m, m_in.frac(), m_res, m_c_result, count);
            else y = cast_counted(acc / n, m_accum.frac(), m_res, m_c_result, count);  // C++ `/` truncates toward 0
        }
    }

    PoolOp m_op;
    size_t m_chans;
    std::vector<std::vector<int>> m_windows;  ///< per output pixel, its input pixels in window order
    FixedType m_in, m_accum, m_res;
    size_t m_c_accum, m_c_result;  ///< overflow counters of the partial sums and of the result cast
    FastCast m_max_cast;           ///< the result cast of a maximum (input type -> result_t)
};

}  // namespace

PoolOp pool_op_of(const Node& n) { return n.get_string("op") == "max" ? PoolOp::kMax : PoolOp::kAverage; }

PoolGeometry pool_geometry(const Node& n, const Shape& in, bool global) {
    PoolGeometry g;
    const bool two_d = in.size() == 3;
    g.in_h = two_d ? in[0] : 1;
    g.in_w = in[in.size() - 2];
    g.chans = in.back();
    if (global) {
        g.k_h = g.s_h = g.in_h;
        g.k_w = g.s_w = g.in_w;
    } else {
        const auto& k = n.get_int_list("pool_size");
        std::vector<int64_t> s = n.get_int_list("strides");
        if (s.empty()) s = k;
        g.k_h = two_d ? int(k[0]) : 1;
        g.k_w = int(k.back());
        g.s_h = two_d ? int(s[0]) : 1;
        g.s_w = int(s.back());
    }
    if (!global && n.get_string("padding") == "same") {
        g.out_h = (g.in_h + g.s_h - 1) / g.s_h;
        g.out_w = (g.in_w + g.s_w - 1) / g.s_w;
        const int pad_h = std::max((g.out_h - 1) * g.s_h + g.k_h - g.in_h, 0);
        const int pad_w = std::max((g.out_w - 1) * g.s_w + g.k_w - g.in_w, 0);
        g.pad_top = pad_h / 2, g.pad_left = pad_w / 2;
        g.padded = pad_h > 0 || pad_w > 0;
    } else {
        g.out_h = (g.in_h - g.k_h) / g.s_h + 1;
        g.out_w = (g.in_w - g.k_w) / g.s_w + 1;
    }
    return g;
}

std::vector<int> window_pixels(const PoolGeometry& g, int p) {
    const int y0 = (p / g.out_w) * g.s_h - g.pad_top, x0 = (p % g.out_w) * g.s_w - g.pad_left;
    std::vector<int> px;
    for (int y = std::max(y0, 0); y < std::min(y0 + g.k_h, g.in_h); ++y)
        for (int x = std::max(x0, 0); x < std::min(x0 + g.k_w, g.in_w); ++x) px.push_back(y * g.in_w + x);
    NNSIM_ASSERT(!px.empty(), "pooling window outside the image");
    return px;
}

std::vector<int64_t> pool_needs(const PoolGeometry& g) {
    std::vector<int64_t> needs;
    for (int p = 0; p < g.out_h * g.out_w; ++p) {
        const int64_t last = int64_t(window_pixels(g, p).back()) + 1;
        needs.push_back(needs.empty() ? last : std::max(needs.back(), last));
    }
    return needs;
}

std::unique_ptr<LayerOp> make_pool_op(const PoolGeometry& g, PoolOp op, const FixedType& in,
                                      const FixedType& accum, const FixedType& result) {
    return std::make_unique<PoolLayerOp>(g, op, in, accum, result);
}

Timing pool_timing(PoolOp op) { return {1, op == PoolOp::kMax ? 1 : 2}; }

Reciprocal reciprocal_of(int mag_width, int64_t n) {
    NNSIM_ASSERT(n >= 1, "pool size must be positive");
    int l = 0;
    while ((int64_t(1) << l) < n) ++l;
    Reciprocal r;
    r.mag_width = mag_width;
    r.shift = mag_width + l;
    if (r.shift > 62) throw UserError("pooling: the average's accumulator of " + std::to_string(mag_width) +
                                      " bits is too wide for the Verilog divider (at most " +
                                      std::to_string(62 - l) + " bits for a pool of " + std::to_string(n) + ")");
    const uint64_t p = uint64_t(1) << r.shift;
    r.mult = p / uint64_t(n) + (p % uint64_t(n) != 0 ? 1 : 0);
    r.mult_width = bits_for(r.mult);
    return r;
}

}  // namespace nnsim
