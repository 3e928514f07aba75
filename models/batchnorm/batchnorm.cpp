// BatchNormalization kind (batchnorm.hpp). hls4ml keeps it as its own layer (no fusion at Model
// granularity): scale and bias are folded from gamma, beta, moving_mean, moving_variance in float32,
// quantized to the scale and bias types, and each output is result_t(x * scale[c] + bias[c]) with the
// product and the sum exact and one final cast (hls4ml_reference.md section 9).
#include "models/batchnorm/batchnorm.hpp"

#include <cmath>

namespace nnsim {
namespace {

class BatchNormOp : public LayerOp {
  public:
    BatchNormOp(const Node& n, const NodeInputs& in) : m_in(in.types[0]), m_res(n.type("result")) {
        m_n = size_t(shape_size(in.shapes[0]));
        std::vector<double> scale32, bias32;  // folded in float32, as hls4ml does, for the fixed path
        batchnorm_scale_bias(n, scale32, bias32);
        const FixedType& st = n.type("scale");
        const FixedType& bt = n.type("bias");
        m_fp = m_in.frac() + st.frac();
        m_fs = std::max(m_fp, bt.frac());
        for (size_t c = 0; c < scale32.size(); ++c) {
            m_scale.push_back(cast_double(scale32[c], st));
            const int64_t b = cast_double(bias32[c], bt);
            m_bias.push_back(__int128(b) << (m_fs - bt.frac()));  // aligned to the sum's fraction bits
        }
        batchnorm_scale_bias_double(n, m_scale_f, m_bias_f);  // the float reference folds in double
        m_c_result = add_counter("result");
        m_cast = FastCast(m_fs, m_res);
        plan_fast_path(st, bt);
    }

    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const size_t c_n = m_scale.size();
        const int up = m_fs - m_fp;
        const int64_t* x = in[0];
        if (m_fast64 && !count) {  // the same sums in int64 (see plan_fast_path), then one cast pass
            const int64_t* scale = m_scale.data();
            const int64_t* bias = m_bias64.data();
            const int64_t mul = int64_t(1) << up;
            for (size_t p = 0, n = m_n; p < n; p += c_n)
                for (size_t c = 0; c < c_n; ++c) out[p + c] = x[p + c] * scale[c] * mul + bias[c];
            if (m_cast.cast_all(out, m_n)) return;
        }
        for (size_t p = 0; p < m_n; p += c_n)
            for (size_t c = 0; c < c_n; ++c) {
                const __int128 v = ((__int128(x[p + c]) * m_scale[c]) << up) + m_bias[c];
                out[p + c] = cast_counted(v, m_cast, m_c_result, count);
            }
    }

    void eval_float(const double* const* in, double* out) const override {
        const size_t c_n = m_scale_f.size();
        for (size_t i = 0; i < m_n; ++i) out[i] = in[0][i] * m_scale_f[i % c_n] + m_bias_f[i % c_n];
    }

  private:
    /// x * scale << up + bias is exact in int64 when |x * scale| < 2^(Wx + Ws - 1) shifted by up and the
    /// bias (at most 2^(Wb - 1) shifted likewise) stay below 2^61 (so their sum is below 2^62, as
    /// FastCast::cast_all needs).
    void plan_fast_path(const FixedType& st, const FixedType& bt) {
        const int up = m_fs - m_fp;
        if (m_in.width + st.width + up > 60 || bt.width + (m_fs - bt.frac()) > 60) return;
        for (const __int128 b : m_bias) m_bias64.push_back(int64_t(b));
        m_fast64 = true;
    }

    FixedType m_in, m_res;
    size_t m_n = 0;                            ///< elements per inference
    std::vector<double> m_scale_f, m_bias_f;   ///< scale and bias per channel in double, for eval_float
    std::vector<int64_t> m_scale;              ///< scale in the scale type
    std::vector<__int128> m_bias;              ///< bias in the bias type, shifted to m_fs fraction bits
    int m_fp = 0, m_fs = 0;                    ///< fraction bits of the product and of the sum
    size_t m_c_result = 0;
    FastCast m_cast;                           ///< the final cast of the sum to result_t
    std::vector<int64_t> m_bias64;             ///< m_bias in int64, for the fast path
    bool m_fast64 = false;                     ///< the sums fit int64 (plan_fast_path)
};

}  // namespace

std::vector<ParamSpec> BatchNormKind::params() const {
    return {{"epsilon", ParamType::kFloat, 0.001, false, "added to the variance (Keras epsilon)", {}, 0, 1e6}};
}

std::vector<PrecisionVarSpec> BatchNormKind::precision_vars() const {
    return {{"scale", "type of the folded scale gamma / sqrt(var + eps)", ""},
            {"bias", "type of the folded bias beta - scale * mean", ""},
            {"result", "type of the layer output", ""}};
}

std::vector<WeightSpec> BatchNormKind::weight_specs() const {
    return {{"gamma", "scale per channel; 1 when absent (Keras scale=False)", false},
            {"beta", "offset per channel; 0 when absent (Keras center=False)", false},
            {"moving_mean", "mean per channel", true},
            {"moving_variance", "variance per channel", true}};
}

void BatchNormKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    n.shape = in.shapes[0];
    const int c = in.shapes[0].back();
    for (const auto& [name, w] : n.weights)
        if (w.shape != Shape{c})
            diag.error("", "weight '" + name + "' has shape " + shape_to_string(w.shape) + ", expected [" +
                               std::to_string(c) + "] (channels of input " + shape_to_string(in.shapes[0]) + ")");
    if (diag.has_errors()) return;
    for (double v : n.weights.at("moving_variance").data)
        if (!(v + n.get_float("epsilon") > 0)) {
            diag.error("", "moving_variance + epsilon must be positive in every channel");
            break;
        }
}

void batchnorm_scale_bias(const Node& n, std::vector<double>& scale, std::vector<double>& bias) {
    const auto& mean = n.weights.at("moving_mean").data;
    const auto& var = n.weights.at("moving_variance").data;
    const float eps = float(n.get_float("epsilon"));
    const auto g = n.weights.find("gamma");
    const auto b = n.weights.find("beta");
    scale.clear();
    bias.clear();
    for (size_t c = 0; c < mean.size(); ++c) {
        const float gamma = g != n.weights.end() ? float(g->second.data[c]) : 1.0f;
        const float beta = b != n.weights.end() ? float(b->second.data[c]) : 0.0f;
        const float s = gamma / std::sqrt(float(var[c]) + eps);
        scale.push_back(double(s));
        bias.push_back(double(beta - s * float(mean[c])));
    }
}

void batchnorm_scale_bias_double(const Node& n, std::vector<double>& scale, std::vector<double>& bias) {
    const auto& mean = n.weights.at("moving_mean").data;
    const auto& var = n.weights.at("moving_variance").data;
    const auto g = n.weights.find("gamma");
    const auto b = n.weights.find("beta");
    const double eps = n.get_float("epsilon");
    scale.clear();
    bias.clear();
    for (size_t c = 0; c < mean.size(); ++c) {
        const double s = (g != n.weights.end() ? g->second.data[c] : 1.0) / std::sqrt(var[c] + eps);
        scale.push_back(s);
        bias.push_back((b != n.weights.end() ? b->second.data[c] : 0.0) - s * mean[c]);
    }
}

std::unique_ptr<LayerOp> BatchNormKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<BatchNormOp>(n, in);
}

int64_t BatchNormKind::macs(const Node& n, const NodeInputs& in) const {
    (void)n;
    return shape_size(in.shapes[0]);
}

}  // namespace nnsim
