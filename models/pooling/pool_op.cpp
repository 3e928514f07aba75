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
    PoolLayerOp(const WindowGeometry& g, PoolOp op, const FixedType& in, const FixedType& accum,
                const FixedType& res)
        : m_g(g), m_op(op), m_in(in), m_accum(accum), m_res(res) {
        m_c_accum = op == PoolOp::kAverage ? add_counter("accum") : 0;
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (int p = 0; p < m_g.out_h * m_g.out_w; ++p) pixel(in[0], out, p, count);
    }
    void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t width) override {
        // A beat is `width` values: one pixel under io_stream, the whole tensor under io_parallel.
        const size_t c = size_t(m_g.chans);
        for (size_t p = first * width / c; p < (first + count) * width / c; ++p) pixel(in[0], out, int(p), false);
    }
    void eval_float(const double* const* in, double* out) const override {
        const WindowGeometry& g = m_g;
        for (int p = 0; p < g.out_h * g.out_w; ++p) {
            const int y0 = (p / g.out_w) * g.s_h, x0 = (p % g.out_w) * g.s_w;
            for (int c = 0; c < g.chans; ++c) {
                double m = -std::numeric_limits<double>::infinity(), s = 0;
                for (int ky = 0; ky < g.k_h; ++ky)
                    for (int kx = 0; kx < g.k_w; ++kx) {
                        const double v = in[0][(size_t(y0 + ky) * size_t(g.in_w) + size_t(x0 + kx)) * size_t(g.chans) + size_t(c)];
                        m = std::max(m, v);
                        s += v;
                    }
                out[size_t(p) * size_t(g.chans) + size_t(c)] = m_op == PoolOp::kMax ? m : s / double(g.k_h * g.k_w);
            }
        }
    }

  private:
    /// Output pixel p, all channels.
    void pixel(const int64_t* x, int64_t* out, int p, bool count) {
        const WindowGeometry& g = m_g;
        const int y0 = (p / g.out_w) * g.s_h, x0 = (p % g.out_w) * g.s_w;
        const int64_t n = int64_t(g.k_h) * g.k_w;
        for (int c = 0; c < g.chans; ++c) {
            int64_t m = 0, acc = 0;
            bool first = true;
            for (int ky = 0; ky < g.k_h; ++ky)
                for (int kx = 0; kx < g.k_w; ++kx) {
                    const int64_t v = x[(size_t(y0 + ky) * size_t(g.in_w) + size_t(x0 + kx)) * size_t(g.chans) + size_t(c)];
                    if (m_op == PoolOp::kMax) {
                        m = first ? v : std::max(m, v);
                    } else {
                        const int64_t a = cast(v, m_in.frac(), m_accum);
                        acc = first ? a : cast_counted(__int128(acc) + a, m_accum.frac(), m_accum, m_c_accum, count);
                    }
                    first = false;
                }
            int64_t& y = out[size_t(p) * size_t(g.chans) + size_t(c)];
            if (m_op == PoolOp::kMax) y = cast_counted(m, m_in.frac(), m_res, m_c_result, count);
            else y = cast_counted(acc / n, m_accum.frac(), m_res, m_c_result, count);  // C++ `/` truncates toward 0
        }
    }

    WindowGeometry m_g;
    PoolOp m_op;
    FixedType m_in, m_accum, m_res;
    size_t m_c_accum, m_c_result;  ///< overflow counters of the partial sums and of the result cast
};

}  // namespace

PoolOp pool_op_of(const Node& n) { return n.get_string("op") == "max" ? PoolOp::kMax : PoolOp::kAverage; }

WindowGeometry pool_geometry(const Node& n, const Shape& in, bool global) {
    WindowGeometry g;
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
    g.out_h = (g.in_h - g.k_h) / g.s_h + 1;
    g.out_w = (g.in_w - g.k_w) / g.s_w + 1;
    return g;
}

std::unique_ptr<LayerOp> make_pool_op(const WindowGeometry& g, PoolOp op, const FixedType& in,
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
