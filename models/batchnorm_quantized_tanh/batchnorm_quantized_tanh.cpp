// The merged batchnorm + binary/ternary tanh kind (batchnorm_quantized_tanh.hpp): thresholds as hls4ml's
// BatchNormalizationQuantizedTanh.set_thresholds computes them (numpy float32), comparisons per element.
#include "models/batchnorm_quantized_tanh/batchnorm_quantized_tanh.hpp"

#include <cmath>

#include "core/resources.hpp"
#include "models/batchnorm/batchnorm.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

bool is_ternary(const Node& n) { return n.get_string("quantize") == "ternary"; }

/// A float32 threshold floored to the grid of `in` (F fraction bits) and held in `in`, as numpy's
/// floor(v * 2**F) / 2**F and the C++ initialization of a data_T array give it.
int64_t grid_threshold(float v, const FixedType& in) {
    const float scaled = std::floor(v * std::ldexp(1.0f, in.frac()));
    return cast_double(std::ldexp(double(scaled), -in.frac()), in);
}

class BatchNormQuantizedTanhOp : public LayerOp {
  public:
    BatchNormQuantizedTanhOp(const Node& n, const NodeInputs& in)
        : m_res(n.type("result")), m_ternary(is_ternary(n)), m_threshold(n.get_float("threshold")) {
        m_n = size_t(shape_size(in.shapes[0]));
        m_raw = BatchNormQuantizedTanhKind::raw_thresholds(n, in.types[0]);
        batchnorm_scale_bias_double(n, m_scale, m_bias);  // the float reference, as the batchnorm kind's
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const size_t chans = m_raw.size();
        for (size_t i = 0; i < m_n; ++i) {
            const std::vector<int64_t>& t = m_raw[i % chans];
            const int64_t x = in[0][i];
            const int64_t y = m_ternary ? (x > t[0] ? 1 : x <= t[1] ? -1 : 0) : (x >= t[0] ? 1 : -1);
            out[i] = cast_counted(y, 0, m_res, m_c_result, count);
        }
    }
    void eval_float(const double* const* in, double* out) const override {
        const size_t chans = m_scale.size();
        for (size_t i = 0; i < m_n; ++i) {
            const double z = m_scale[i % chans] * in[0][i] + m_bias[i % chans];
            out[i] = m_ternary ? (z > m_threshold ? 1.0 : z <= -m_threshold ? -1.0 : 0.0) : (z >= 0 ? 1.0 : -1.0);
        }
    }

  private:
    size_t m_n = 0;
    FixedType m_res;
    bool m_ternary;
    double m_threshold;
    std::vector<std::vector<int64_t>> m_raw;  ///< per channel: {thr} or {hi, lo}
    std::vector<double> m_scale, m_bias;      ///< the float reference's fold
    size_t m_c_result = 0;
};

}  // namespace

std::vector<ParamSpec> BatchNormQuantizedTanhKind::params() const {
    return {{"quantize", ParamType::kString, std::string("binary"), false,
             "binary (y = +-1) or ternary (y = -1, 0, +1)", {"binary", "ternary"}},
            {"epsilon", ParamType::kFloat, 1e-3, false, "the batchnorm's epsilon", {}, 0, 1e6},
            {"threshold", ParamType::kFloat, 0.5, false,
             "ternary: the activation's threshold T (0.5 for Keras's ternary_tanh, QKeras's own for a ternary "
             "QActivation)", {}, 0, 1e6}};
}

std::vector<PrecisionVarSpec> BatchNormQuantizedTanhKind::precision_vars() const {
    return {{"result", "type of the output, -1..1 (hls4ml: a bit for binary, int<2> for ternary)", "int<2>"}};
}

std::vector<WeightSpec> BatchNormQuantizedTanhKind::weight_specs() const {
    return {{"gamma", "the batchnorm's scale per channel; 1 when absent", false},
            {"beta", "the batchnorm's offset per channel; 0 when absent", false},
            {"moving_mean", "the batchnorm's mean per channel", true},
            {"moving_variance", "the batchnorm's variance per channel", true}};
}

void BatchNormQuantizedTanhKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    UnaryKind::infer(n, in, diag);
    const int c = in.shapes[0].back();
    for (const auto& [name, w] : n.weights)
        if (w.shape != Shape{c}) {
            diag.error("", "weight '" + name + "' has shape " + shape_to_string(w.shape) + ", expected [" +
                               std::to_string(c) + "] (one value per channel)");
            return;
        }
    std::vector<double> scale, bias;
    batchnorm_scale_bias(n, scale, bias);
    for (size_t i = 0; i < scale.size(); ++i)
        if (!std::isfinite(scale[i]) || scale[i] == 0 || !std::isfinite(bias[i])) {
            diag.error("", "channel " + std::to_string(i) +
                               ": the folded scale is 0 or not finite (gamma 0 or variance + epsilon <= 0), so "
                               "its threshold is not a number");
            return;
        }
}

std::vector<std::vector<int64_t>> BatchNormQuantizedTanhKind::raw_thresholds(const Node& n, const FixedType& in) {
    std::vector<double> scale, bias;
    batchnorm_scale_bias(n, scale, bias);  // float32 values, as hls4ml's BatchNormalization computes them
    const float big_t = float(n.get_float("threshold"));
    std::vector<std::vector<int64_t>> raw;
    for (size_t c = 0; c < scale.size(); ++c) {
        const float s = float(scale[c]), t = -float(bias[c]) / s;
        if (is_ternary(n)) raw.push_back({grid_threshold(big_t / s + t, in), grid_threshold(-big_t / s + t, in)});
        else raw.push_back({grid_threshold(t, in)});
    }
    return raw;
}

std::unique_ptr<LayerOp> BatchNormQuantizedTanhKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<BatchNormQuantizedTanhOp>(n, in);
}

// RTL: one or two signed comparisons of the element with its channel's constants choose the two-bit
// constant +1, -1 or 0, then the cast to result_t.
std::string BatchNormQuantizedTanhKind::rtl_element_at(std::ostream& os, const Node& n, const std::string& x,
                                                       const FixedType& in, const FixedType& res,
                                                       const std::string& uniq, int index) const {
    const auto raw = raw_thresholds(n, in);
    const std::vector<int64_t>& t = raw[size_t(index) % raw.size()];
    const int w = in.width + 1;
    const std::string xs = uniq + "_x";
    os << "    wire signed [" << w - 1 << ":0] " << xs << " = " << extend(x, in.width, w, in.is_signed) << ";\n";
    auto k = [&](int64_t v) { return "$signed(" + vconst(w, v) + ")"; };
    if (is_ternary(n))
        os << "    wire [1:0] " << uniq << "_t = (" << xs << " > " << k(t[0]) << ") ? 2'b01 : ((" << xs
           << " <= " << k(t[1]) << ") ? 2'b11 : 2'b00);\n";
    else
        os << "    wire [1:0] " << uniq << "_t = (" << xs << " >= " << k(t[0]) << ") ? 2'b01 : 2'b11;\n";
    return emit_cast(os, uniq + "_t", SignalType{2, 0, true}, res, uniq + "_c");
}

Resources BatchNormQuantizedTanhKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const int elems = int(shape_size(n.shape));
    const int wi = in.types[0].width, wo = n.type("result").width;
    const int compares = is_ternary(n) ? 2 : 1;
    const Timing t = timing(n, in, io);
    Resources r;
    // Comparisons with constants, about W/3 LUTs each as ABC maps them (Yosys on KERAS_3layer_binary_smaller's
    // three layers: 366, 71 and 44 LUTs for 64 x fixed<16,6>, 32 x int<8> and 32 x int<7>); binary: one
    // result bit varies.
    r.lut = double(elems) * (compares * wi / 3.0 + (compares - 1));
    r.ff = double(elems) * compares;
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, elems * wo, /*held=*/1);
    return r;
}

}  // namespace nnsim
