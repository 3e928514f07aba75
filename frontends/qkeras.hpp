// QKeras quantized import: the quantizers of QDense, QConv1D/2D, QDepthwiseConv2D,
// QSeparableConv1D/2D, QBatchNormalization (its parameters, folded by batchnorm afterwards), QLSTM/QGRU/QSimpleRNN (kernel, recurrent and bias quantizers; the
// activations must be tanh/sigmoid, a state_quantizer is refused) and QActivation become nnsim
// precisions, and
// the weights are quantized as QKeras does at inference, so that they are stored exactly.
//
// Quantizers (QKeras's inference arithmetic; round() is round-half-to-even, as tf.round):
//   quantized_bits(bits, integer, keep_negative=1, alpha=1, symmetric=0):
//       m = 2^(bits - keep_negative), m_i = 2^integer,
//       q(x) = m_i * clip(round(x * m / m_i), keep_negative * (symmetric - m), m - 1) / m
//       -> ap_fixed<bits, integer + 1> (keep_negative) or ap_ufixed<bits, integer>
//   quantized_relu(bits, integer=0):
//       q(x) = clip(round(relu(x) * 2^(bits - integer)) / 2^(bits - integer), 0, 2^integer - 2^(integer - bits))
//       -> relu with result ap_fixed<bits + 1, integer + 1, AP_RND_CONV, AP_SAT> (hls4ml's type for it)
//   quantized_tanh(bits, use_stochastic_rounding=0, symmetric=0, use_real_tanh=0), an activation:
//       m = 2^(bits - 1), q(x) = clip(round(t(x) * m) / m, -1 + symmetric / m, 1 - 1 / m) with
//       t = 2 * hard_sigmoid - 1 = clip(x, -1, 1) (or tanh with use_real_tanh)
//       -> hls4ml's hard_tanh (slope 0.5, shift 0.5; the tanh table with use_real_tanh), result
//       ap_fixed<bits, 1, AP_RND_CONV, AP_SAT> (AP_SAT_SYM when symmetric)
//   quantized_sigmoid(bits, symmetric=0, use_real_sigmoid=0, use_stochastic_rounding=0), an activation:
//       m = 2^bits, q(x) = clip(round(s(x) * m) / m, symmetric / m, 1 - 1 / m) with
//       s = hard_sigmoid = clip(0.5 x + 0.5, 0, 1) (or sigmoid with use_real_sigmoid)
//       -> hls4ml's hard_sigmoid (the sigmoid table), result ap_ufixed<bits, 0, AP_RND_CONV, AP_SAT>
//   quantized_po2(bits, max_value=None), a weight quantizer:
//       exponents e in [min_exp, max_exp] = [-2^k, 2^k - 1], k = bits - 1 - (max_value is None or > 1),
//       q(x) = sign(x) * 2^clip(round(log2(min(|x|, max_value))), min_exp, max_exp) (sign(0) = +1,
//       |x| < eps = 1e-7: sign * 2^min_exp)
//       -> the narrowest ap_fixed holding every +-2^e exactly; hls4ml shifts by the exponent instead,
//       with a product type wide enough to be exact, so the products are the same
// As weight quantizers (kernel_quantizer, bias_quantizer, depthwise_quantizer, pointwise_quantizer) the
// type keeps TRN/WRAP: the quantized weights are exact in it. As an activation (QActivation, or a
// Q-layer's `activation`) quantized_bits becomes a linear layer whose result type rounds and saturates
// as QKeras does (AP_RND_CONV, AP_SAT). A quantizer's precision wins over an hls4ml config's for the
// same variable, as in hls4ml. quantized_bits with alpha "auto" or "auto_po2" on a QDense/QConv kernel
// keeps the kernel on its grid and adds a rescale layer (qkeras_alpha.cpp). Other quantizers
// (quantized_relu_po2, which hls4ml refuses too, ...), quantized_po2, quantized_tanh and
// quantized_sigmoid where they cannot be (weights; the activation of a Q-layer), and other alphas are
// refused with a one-line error naming the layer.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/fixed.hpp"
#include "core/graph.hpp"

namespace nnsim {

/// One QKeras quantizer, as its config gives it.
struct QKerasQuantizer {
    std::string kind;         ///< "quantized_bits", "quantized_relu" or "quantized_po2"
    int bits = 0;
    int integer = 0;
    bool keep_negative = true;
    bool symmetric = false;
    bool use_real = false;    ///< quantized_tanh/quantized_sigmoid: use_real_tanh/use_real_sigmoid
    double max_value = -1;    ///< quantized_po2: the largest magnitude (< 0: none)
    int min_exp = 0, max_exp = 0;  ///< quantized_po2: the exponents' clip range
    int top_exp = 0;               ///< quantized_po2: the largest exponent a value can have (max_value)
    std::string alpha;        ///< quantized_bits: "auto" or "auto_po2" (a per-channel scale), else empty
    double threshold = -1;    ///< ternary: the threshold argument (< 0: not given)
    std::string text;         ///< e.g. "quantized_bits(6,0,1,alpha=1)", for reports

    /// The value QKeras's inference computes for `x`.
    double quantize(double x) const;
    /// The precision of a weight (TRN/WRAP, exact for quantize()'s values) or of an activation result.
    FixedType weight_type() const;
    FixedType activation_type() const;
};

/// Parse a quantizer: a config object {"class_name": ..., "config": {...}} or its string form
/// ("quantized_bits(6,0,alpha=1)"). UserError "<file>: <where> (layer '<layer>'): ..." if unsupported.
QKerasQuantizer parse_qkeras_quantizer(const nlohmann::json& q, const std::string& file, const std::string& where,
                                       const std::string& layer);

/// The quantizers of a QKeras model, per Keras layer name and role ("kernel", "bias", "activation").
using QKerasQuantizers = std::map<std::string, std::map<std::string, QKerasQuantizer>>;

/// The model with its QKeras layers as their float Keras classes (their activations as float
/// activations), and the quantizers found. A model without QKeras layers comes back unchanged.
nlohmann::json lower_qkeras(const nlohmann::json& model, const std::string& source_file, QKerasQuantizers& found);

/// A kernel quantized by quantized_bits with alpha auto/auto_po2, factorized as hls4ml does: the
/// weights on the quantizer's grid (row-major as the kernel) and the scale of each output channel.
struct AlphaSplit {
    std::vector<double> grid;
    std::vector<double> scale;
};
AlphaSplit qkeras_alpha_split(const WeightTensor& kernel, const QKerasQuantizer& q);
/// Insert the rescale layer "<layer>_alpha" after `layer` (qkeras_alpha.cpp), moving its bias there.
void insert_alpha_layer(Graph& g, const std::string& layer, const std::vector<double>& scale, const QKerasQuantizer& q);

/// Quantize the imported graph's weights with their layers' quantizers (stored inline from then on) and
/// record the quantizers' precisions in Graph::quantizer_precision.
void apply_qkeras_quantizers(Graph& g, const QKerasQuantizers& q);

}  // namespace nnsim
