// Leaky ReLU: y = x > 0 ? x : alpha * x (hls4ml nnet::leaky_relu; Keras LeakyReLU).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class LeakyReluKind : public UnaryKind {
  public:
    const char* name() const override { return "leaky_relu"; }
    const char* summary() const override { return "leaky ReLU y = x > 0 ? x : alpha * x"; }
    const char* hls4ml_class() const override { return "LeakyReLU"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
};

}  // namespace nnsim
