// Dense (fully connected) layer kind. See dense.cpp for the arithmetic it implements.
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

class DenseKind : public LayerKind {
  public:
    const char* name() const override { return "dense"; }
    const char* summary() const override { return "fully connected layer y = W x + b (Keras Dense)"; }
    const char* hls4ml_class() const override { return "Dense"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    int64_t macs(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    bool fold_affine(Node& node, const std::vector<double>& scale, const std::vector<double>& shift) const override;
};

}  // namespace nnsim
