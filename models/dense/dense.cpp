// Dense (fully connected) layer: y_j = b_j + sum_i x_i * W_ij, bit-exact as hls4ml's C simulation.
// Timing: II = RF; latency RF + 1 (Latency strategy) or RF + 2 (Resource, weights in a ROM).
//
// Arithmetic (hls4ml_reference.md section 9): every product x_i * W_ij is formed at full precision,
// then cast to accum_t (accum_t's rounding and overflow); the accumulator starts at the bias cast to
// accum_t and is cast to accum_t after every addition, in input order; the result is accum cast to
// result_t. Latency and Resource strategies and every reuse factor compute the same numbers.
//
// Fast path: when accum_t wraps (WRAP, no saturated bits) and rounds with TRN or RND, the per-product
// and per-addition wraps are all modulo 2^W_acc and can be deferred to one wrap at the end; each
// product then costs one multiply, one add of a rounding constant and one shift. The general path
// (any mode, and overflow counting) performs every cast.
#include <algorithm>
#include <cmath>

#include "models/dense/dense.hpp"
#include "models/dense/mac_kernels.hpp"

namespace nnsim {
namespace {

/// Bit-exact Dense evaluation, compiled from a node.
class DenseOp : public LayerOp {
  public:
    DenseOp(const Node& n, const NodeInputs& in)
        : m_in(in.types[0]), m_w(n.type("weight")), m_b(n.type("bias")), m_acc(n.type("accum")),
          m_res(n.type("result")) {
        m_n_in = int(shape_size(in.shapes[0]));
        m_n_out = int(n.get_int("n_out"));
        const WeightTensor& k = n.weights.at("kernel");
        m_kernel_f = k.data;
        m_w_raw.resize(k.data.size());
        for (size_t i = 0; i < k.data.size(); ++i) m_w_raw[i] = cast_double(k.data[i], m_w);
        m_bias_f.assign(size_t(m_n_out), 0.0);
        auto bit = n.weights.find("bias");
        if (bit != n.weights.end()) m_bias_f = bit->second.data;
        m_b_acc.resize(size_t(m_n_out));
        for (int j = 0; j < m_n_out; ++j)
            m_b_acc[size_t(j)] = cast(cast_double(m_bias_f[size_t(j)], m_b), m_b.frac(), m_acc);
        m_c_product = add_counter("product");
        m_c_accum = add_counter("accum");
        m_c_result = add_counter("result");
        m_res_is_acc = m_res == m_acc;
        if (reads_binary_input(n)) {
            m_binary_one = int64_t(1) << m_in.frac();
            m_x_binary.resize(size_t(m_n_in));
            m_xf_binary.resize(size_t(m_n_in));
        }
        m_cast_res = FastCast(m_acc.frac(), m_res);
        plan_fast_path();
    }

    void eval(const int64_t* const* raw_in, int64_t* out, bool count) override {
        const int64_t* x = raw_in[0];
        if (m_binary_one != 0) {  // binary_input: +1 where x >= 0, else -1
            for (int i = 0; i < m_n_in; ++i) m_x_binary[size_t(i)] = x[i] >= 0 ? m_binary_one : -m_binary_one;
            x = m_x_binary.data();
        }
        const int64_t* const in[] = {x};
        if (!count && m_fast32) return eval_fast<int32_t, uint32_t>(in[0], out, m_w32.data(), m_acc32.data());
        if (!count && m_fast64) return eval_fast<int64_t, uint64_t>(in[0], out, m_w64.data(), m_acc64.data());
        // Counting: with a signed accum_t, the wrapping sums with their wraps counted in the vector
        // lanes (eval_counted); with an unsigned one, the fast sums with range checks, and only an
        // inference where some product or partial sum leaves accum_t takes the general path.
        if (count && (m_counted32 || m_counted64)) {
            // The range check is cheaper while nothing wraps; once an inference wraps, wraps are
            // counted directly until one passes without.
            if (!m_wrapping) {
                const bool ok = m_counted32 ? eval_checked<int32_t, uint32_t>(in[0], out, m_w32.data(), m_acc32.data())
                                            : eval_checked<int64_t, uint64_t>(in[0], out, m_w64.data(), m_acc64.data());
                if (ok) return;
            }
            const uint64_t wraps = m_counted32
                                       ? eval_counted<int32_t, uint32_t>(in[0], out, m_w32.data(), m_acc32.data())
                                       : eval_counted<int64_t, uint64_t>(in[0], out, m_w64.data(), m_acc64.data());
            m_wrapping = wraps > 0;
            return;
        }
        if (count && m_checked32 && eval_checked<int32_t, uint32_t>(in[0], out, m_w32.data(), m_acc32.data())) return;
        if (count && m_checked64 && eval_checked<int64_t, uint64_t>(in[0], out, m_w64.data(), m_acc64.data()))
            return;
        eval_general(in[0], out, count);
    }

    void eval_float(const double* const* in, double* out) const override {
        const double* x = in[0];
        if (m_binary_one != 0) {
            for (int i = 0; i < m_n_in; ++i) m_xf_binary[size_t(i)] = x[i] >= 0 ? 1.0 : -1.0;
            x = m_xf_binary.data();
        }
        for (int j = 0; j < m_n_out; ++j) out[j] = m_bias_f[size_t(j)];
        mac_rows_double(x, m_kernel_f.data(), out, m_n_in, m_n_out);
    }

  private:
    void plan_fast_path() {
        const bool wraps = m_acc.overflow == OverflowMode::kWrap && m_acc.sat_bits == 0;
        const bool rounding_ok = m_acc.round == RoundMode::kTrn || m_acc.round == RoundMode::kRnd;
        m_shift = m_in.frac() + m_w.frac() - m_acc.frac();  // product bits dropped on the cast to accum_t
        if (!wraps || !rounding_ok || m_shift < 0 || m_shift > 62) return;
        m_round_const = (m_acc.round == RoundMode::kRnd && m_shift > 0) ? (int64_t(1) << (m_shift - 1)) : 0;
        // The kernels' weights and accumulators have their columns padded with zeros to whole vector
        // blocks (kMacBlockColumns), so no column takes a scalar tail: a zero weight's shifted product
        // is (0 + rc) >> s = 0 (rc < 2^s), so a padded accumulator stays 0 and never counts a wrap.
        m_n_pad = (m_n_out + kMacBlockColumns - 1) / kMacBlockColumns * kMacBlockColumns;
        const auto padded = [&](auto& dst) {
            dst.assign(size_t(m_n_in) * size_t(m_n_pad), 0);
            for (int i = 0; i < m_n_in; ++i)
                std::copy_n(m_w_raw.begin() + ptrdiff_t(i) * m_n_out, m_n_out, dst.begin() + ptrdiff_t(i) * m_n_pad);
        };
        m_acc64.assign(size_t(m_n_pad), 0);
        if (m_in.width + m_w.width <= 62) {
            m_fast64 = true;
            padded(m_w64);
        }
        // 32-bit lanes when every product plus the rounding constant fits in int32 (then the int32
        // arithmetic is the int64 arithmetic) and the accumulator is <= 32 bits. The largest product
        // magnitude is max|x| * max|w| (2^(W-1) for a signed type, 2^W - 1 for an unsigned one).
        const auto max_abs = [](const FixedType& t) {
            return t.is_signed ? (int64_t(1) << (t.width - 1)) : (int64_t(1) << t.width) - 1;
        };
        const bool fits32 = m_in.width + m_w.width <= 34 &&
                            max_abs(m_in) * max_abs(m_w) + m_round_const <= int64_t(INT32_MAX);
        if (fits32 && m_acc.width <= 32) {
            m_fast32 = true;
            padded(m_w32);
            m_acc32.assign(size_t(m_n_pad), 0);
        }
        // The counting path's checks need a lane wider than accum_t (mac_kernels.hpp).
        m_acc_lo = m_acc.raw_min(), m_acc_hi = m_acc.raw_max();
        m_checked32 = m_fast32 && m_acc.width <= 31;
        m_checked64 = !m_checked32 && m_fast64 && m_acc.width <= 62;
        m_counted32 = m_fast32 && m_acc.is_signed && m_acc.width <= 30;
        m_counted64 = !m_counted32 && m_fast64 && m_acc.is_signed && m_acc.width <= 62;
    }

    /// Deferred-wrap evaluation (see the file comment). T holds a product, U accumulates modulo 2^bits.
    template <typename T, typename U>
    void eval_fast(const int64_t* x, int64_t* out, const T* w, U* acc) {
        const int n_out = m_n_out;  // locals throughout: `out` may alias the members
        load_accumulators(m_b_acc.data(), acc, n_out);
        mac_rows(x, w, acc, m_n_in, m_n_pad, T(m_round_const), m_shift);
        // Sign- or zero-extend the low W_acc bits: the accumulator's wrapped value.
        const int wa = m_acc.width;
        widen_accumulators(acc, out, n_out, wa, m_acc.is_signed);
        if (m_res_is_acc || (wa <= 62 && m_cast_res.cast_all(out, size_t(n_out)))) return;
        // Some sum leaves the fast cast: redo the extension and cast each the general way.
        for (int j = 0; j < n_out; ++j) {
            const uint64_t u = uint64_t(acc[j]);
            const int64_t a = wa >= 64 ? int64_t(u)
                              : m_acc.is_signed ? int64_t(u << (64 - wa)) >> (64 - wa)
                                                : int64_t(u & ((uint64_t(1) << wa) - 1));
            out[j] = cast(a, m_acc.frac(), m_res);
        }
    }

    /// The counting path when no product or partial sum overflows: the fast sums with range checks
    /// (mac_rows_checked), every product and sum counted as a cast without event, the result casts
    /// counted one by one. False (nothing counted, out unset) when some value left accum_t.
    template <typename T, typename U>
    bool eval_checked(const int64_t* x, int64_t* out, const T* w, U* acc) {
        const int n_out = m_n_out;
        for (int j = 0; j < n_out; ++j) acc[j] = U(m_b_acc[size_t(j)]);
        if (!mac_rows_checked(x, w, acc, m_n_in, m_n_pad, T(m_round_const), m_shift, T(m_acc_lo), T(m_acc_hi)))
            return false;
        const uint64_t n = uint64_t(m_n_in) * uint64_t(n_out);
        counters()[m_c_product].casts += n;
        counters()[m_c_accum].casts += n;
        for (int j = 0; j < n_out; ++j) out[j] = int64_t(T(acc[j]));  // in range: the lane is the exact sum
        count_result_casts(out);
        return true;
    }

    /// The counting path of a wrapping signed accum_t: mac_rows_counted, then the result casts. Returns
    /// the number of products and sums that wrapped.
    template <typename T, typename U>
    uint64_t eval_counted(const int64_t* x, int64_t* out, const T* w, U* acc) {
        const int n_out = m_n_out;
        for (int j = 0; j < n_out; ++j) acc[j] = U(m_b_acc[size_t(j)]);
        uint64_t prod_wraps = 0, sum_wraps = 0;
        mac_rows_counted(x, w, acc, m_n_in, m_n_pad, T(m_round_const), m_shift, m_acc.width, prod_wraps, sum_wraps);
        const uint64_t n = uint64_t(m_n_in) * uint64_t(n_out);
        counters()[m_c_product].casts += n;
        counters()[m_c_product].wrapped += prod_wraps;
        counters()[m_c_accum].casts += n;
        counters()[m_c_accum].wrapped += sum_wraps;
        for (int j = 0; j < n_out; ++j) out[j] = int64_t(T(acc[j]));
        count_result_casts(out);
        return prod_wraps + sum_wraps;
    }

    /// out holds the accumulators: cast them to result_t, counting the casts and their events (the
    /// vectorized cast when every value takes it, else one by one).
    void count_result_casts(int64_t* out) {
        const size_t n_out = size_t(m_n_out);
        OverflowCounter& c = counters()[m_c_result];
        if (m_res_is_acc) {
            c.casts += n_out;
            return;
        }
        m_acc_copy.assign(out, out + n_out);
        if (m_acc.width <= 62 && m_cast_res.cast_all(out, n_out)) {
            c.casts += n_out;
            return;
        }
        for (size_t j = 0; j < n_out; ++j) out[j] = cast_counted(m_acc_copy[j], m_acc.frac(), m_res, m_c_result, true);
    }

    void eval_general(const int64_t* x, int64_t* out, bool count) {
        const int fp = m_in.frac() + m_w.frac();
        const int fa = m_acc.frac();
        for (int j = 0; j < m_n_out; ++j) {
            int64_t acc = m_b_acc[size_t(j)];
            for (int i = 0; i < m_n_in; ++i) {
                const __int128 p = __int128(x[i]) * m_w_raw[size_t(i) * size_t(m_n_out) + size_t(j)];
                const int64_t pc = cast_counted(p, fp, m_acc, m_c_product, count);
                acc = cast_counted(__int128(acc) + pc, fa, m_acc, m_c_accum, count);
            }
            out[j] = cast_counted(acc, fa, m_res, m_c_result, count);
        }
    }

    FixedType m_in, m_w, m_b, m_acc, m_res;  ///< input, weight, bias, accumulator and result types
    int m_n_in = 0, m_n_out = 0;
    int64_t m_binary_one = 0;                   ///< binary_input: raw +1 in the input type, else 0
    std::vector<int64_t> m_x_binary;            ///< binary_input: the inputs read as +-1
    mutable std::vector<double> m_xf_binary;    ///< the same for the float path
    std::vector<double> m_kernel_f, m_bias_f;  ///< float weights [n_in][n_out] and bias, for eval_float
    std::vector<int64_t> m_w_raw;              ///< quantized weights [n_in][n_out]
    int m_n_pad = 0;                           ///< n_out rounded up to whole kernel blocks
    std::vector<int64_t> m_w64;                ///< the same [n_in][n_pad], zero-padded, for the fast 64-bit path
    std::vector<int32_t> m_w32;                ///< the same in 32 bits, when the fast 32-bit path applies
    std::vector<int64_t> m_b_acc;              ///< bias cast to accum_t: the accumulator's start value
    std::vector<uint32_t> m_acc32;             ///< accumulators of the 32-bit fast path
    std::vector<uint64_t> m_acc64;             ///< accumulators of the 64-bit fast path
    bool m_fast32 = false, m_fast64 = false;   ///< which deferred-wrap path applies
    bool m_checked32 = false, m_checked64 = false;  ///< which checked path counts (eval_checked)
    bool m_counted32 = false, m_counted64 = false;  ///< which wrap-counting path counts (eval_counted)
    bool m_wrapping = false;                   ///< the last counted inference wrapped (see eval)
    std::vector<int64_t> m_acc_copy;           ///< the accumulators, while count_result_casts casts them
    int64_t m_acc_lo = 0, m_acc_hi = 0;        ///< accum_t's raw range
    bool m_res_is_acc = false;                 ///< result_t == accum_t: no final cast
    FastCast m_cast_res;                       ///< the final cast accum_t -> result_t
    int m_shift = 0;                           ///< fractional bits dropped when a product becomes accum_t
    int64_t m_round_const = 0;                 ///< 2^(shift-1) under RND, else 0
    size_t m_c_product = 0, m_c_accum = 0, m_c_result = 0;  ///< overflow counter indices
};

}  // namespace

std::vector<ParamSpec> DenseKind::params() const {
    return {{"n_out", ParamType::kInt, int64_t(0), true, "number of outputs (Keras units)", {}, 1, 1 << 20},
            {"binary_input", ParamType::kBool, false, false,
             "read every input as +1 (x >= 0) or -1 (x < 0), as hls4ml's XNOR product reads the bit of a binary "
             "layer; the import sets it after a binary threshold layer, and with +-1 weights at RF 1 the Verilog "
             "is XNOR and popcount"}};
}

std::vector<PrecisionVarSpec> DenseKind::precision_vars() const {
    return {{"weight", "type of the kernel weights", ""},
            {"bias", "type of the biases", ""},
            {"accum", "accumulator type; every product and partial sum is cast to it", ""},
            {"result", "type of the layer output", ""}};
}

std::vector<WeightSpec> DenseKind::weight_specs() const {
    return {{"kernel", "weights, shape [n_in, n_out] (Keras layout)", true},
            {"bias", "biases, shape [n_out]; zero when absent", false}};
}

void DenseKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape& s = in.shapes[0];
    if (s.size() != 1) {
        diag.error("", "dense expects a flat input, got shape " + shape_to_string(s) + " (insert a flatten layer)");
        return;
    }
    const int n_in = s[0];
    const int n_out = int(n.get_int("n_out"));
    const WeightTensor& k = n.weights.at("kernel");
    if (k.shape != Shape{n_in, n_out})
        diag.error("", "kernel has shape " + shape_to_string(k.shape) + ", expected " +
                           shape_to_string(Shape{n_in, n_out}) + " for input " + shape_to_string(s) +
                           " and n_out " + std::to_string(n_out));
    auto b = n.weights.find("bias");
    if (b != n.weights.end() && b->second.shape != Shape{n_out})
        diag.error("", "bias has shape " + shape_to_string(b->second.shape) + ", expected [" + std::to_string(n_out) + "]");
    if (reads_binary_input(n)) {
        const FixedType& t = in.types[0];
        const int f = t.frac();
        if (f < 0 || f > 60 || t.raw_max() < (int64_t(1) << f) || t.raw_min() > -(int64_t(1) << f))
            diag.error("/binary_input", "the input type " + t.to_string() + " does not hold +1 and -1");
    }
    n.shape = {n_out};
}

std::unique_ptr<LayerOp> DenseKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<DenseOp>(n, in);
}

int64_t DenseKind::macs(const Node& n, const NodeInputs& in) const {
    return shape_size(in.shapes[0]) * n.get_int("n_out");
}

// Timing: the products are spread over RF cycles (ceil(n_in * n_out / RF) multipliers), so II = RF.
// Latency: RF cycles of multiply-accumulate after the input register, plus the result register; the
// Resource strategy reads its weights from a ROM with a registered output, one cycle more.
//   Latency:  II = RF, L = RF + 1        Resource: II = RF, L = RF + 2
Timing DenseKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)in, (void)io;
    const int rf = n.reuse_factor;
    return {rf, n.strategy == Strategy::kResource ? rf + 2 : rf + 1};
}

// hls4ml's _validate_reuse_factor for an (n_in, n_out) multiplication (hls4ml_reference.md 2.2).
std::vector<int> DenseKind::valid_reuse_factors(const Node& n, const NodeInputs& in) const {
    return valid_rfs(shape_size(in.shapes[0]), n.get_int("n_out"));
}

std::vector<int> DenseKind::valid_rfs(int64_t n_in, int64_t n_out) {
    std::vector<int> valid;
    for (int64_t rf = 1; rf <= n_in * n_out; ++rf) {
        const int64_t multfactor = std::min(n_in, rf);
        const int64_t multiplier_limit = (n_in * n_out + multfactor - 1) / multfactor;
        const bool functional = multiplier_limit % n_out == 0 || rf >= n_in;
        const bool qor = (rf % n_in == 0 || rf < n_in) && (n_in * n_out) % rf == 0;
        if (functional && qor) valid.push_back(int(rf));
    }
    return valid;
}

bool DenseKind::fold_affine(Node& n, const std::vector<double>& scale, const std::vector<double>& shift) const {
    const int n_out = int(n.get_int("n_out"));
    if (int(scale.size()) != n_out || int(shift.size()) != n_out) return false;
    WeightTensor& k = n.weights.at("kernel");
    const int n_in = k.shape[0];
    for (int i = 0; i < n_in; ++i)
        for (int j = 0; j < n_out; ++j) {
            double& w = k.data[size_t(i) * size_t(n_out) + size_t(j)];
            w = double(float(w) * float(scale[size_t(j)]));
        }
    WeightTensor& b = n.weights["bias"];
    if (b.data.empty()) {
        b.shape = {n_out};
        b.data.assign(size_t(n_out), 0.0);
    }
    for (int j = 0; j < n_out; ++j)
        b.data[size_t(j)] = double(float(b.data[size_t(j)]) * float(scale[size_t(j)]) + float(shift[size_t(j)]));
    // The folded values no longer match the stored datasets: they become inline weights.
    k.file.clear(), k.dataset.clear(), b.file.clear(), b.dataset.clear();
    return true;
}

}  // namespace nnsim
