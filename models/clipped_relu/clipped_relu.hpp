// Clipped ReLU: y = min(max(x, 0), max_value) (hls4ml relu_max: relu1, relu6; Keras ReLU(max_value)).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class ClippedReluKind : public UnaryKind {
  public:
    const char* name() const override { return "clipped_relu"; }
    const char* summary() const override { return "ReLU clipped at max_value (relu1, relu6)"; }
    const char* hls4ml_class() const override { return "Activation"; }
    std::vector<ParamSpec> params() const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
};

}  // namespace nnsim
