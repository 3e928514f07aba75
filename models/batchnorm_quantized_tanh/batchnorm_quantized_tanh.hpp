// Batch normalization merged with a binary or ternary tanh (hls4ml "BatchNormalizationQuantizedTanh",
// made by its merge_batch_norm_quantized_tanh pass from a BatchNormalization followed by binary_tanh or
// ternary_tanh): the normalization is folded into per-channel thresholds on the raw input.
//
// With the batchnorm's scale s and bias b folded in float32 (models/batchnorm), t = -b / s, and F the
// input type's fraction bits, every threshold is floored to the input's grid, floor(v * 2^F) / 2^F,
// and held in the input type (its overflow mode applies):
//   binary:  y = x >= thr ? +1 : -1,                                thr = t
//   ternary: y = x > hi ? +1 : (x <= lo ? -1 : 0),  hi = T / s + t,  lo = -T / s + t
// with T the ternary threshold (0.5 for Keras's ternary_tanh activation, QKeras's own for a ternary
// QActivation, 0.33 by default). As in hls4ml, a negative scale does not flip the comparison. y is
// +-1 (and 0) in result_t, int<2>: hls4ml's binary output is the bit (y + 1) / 2, which its XNOR dense
// reads as +-1 again, so the values downstream are the same.
// The float reference is the unmerged pair: z = s x + b in double, binary z >= 0 ? 1 : -1, ternary
// z > T ? 1 : (z <= -T ? -1 : 0).
// Timing: II 1, latency 1 (element-wise, one register stage).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class BatchNormQuantizedTanhKind : public UnaryKind {
  public:
    const char* name() const override { return "batchnorm_quantized_tanh"; }
    const char* summary() const override {
        return "batch normalization + binary/ternary tanh as per-channel thresholds (hls4ml "
               "BatchNormalizationQuantizedTanh)";
    }
    const char* hls4ml_class() const override { return "BatchNormalizationQuantizedTanh"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

    /// Per channel, the raw thresholds in the input type `in`: binary {thr}, ternary {hi, lo}.
    static std::vector<std::vector<int64_t>> raw_thresholds(const Node& node, const FixedType& in);

  protected:
    std::string rtl_element_at(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                               const FixedType& res, const std::string& uniq, int index) const override;
};

}  // namespace nnsim
