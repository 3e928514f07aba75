// Bipolar (sign) activation: y = x > 0 ? +1 : (x < 0 ? -1 : zero), then cast to result_t; with zero = +1
// (the default) QONNX's BipolarQuant of a computed tensor with scale 1 and hls4ml's binary_tanh of
// Keras binary networks (x >= 0 ? 1 : -1 since hls4ml 1.2; zero = -1 gives the older x > 0 ? 1 : -1).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class BipolarKind : public UnaryKind {
  public:
    const char* name() const override { return "bipolar"; }
    const char* summary() const override { return "sign activation y = x >= 0 ? 1 : -1 (QONNX BipolarQuant)"; }
    const char* hls4ml_class() const override { return "Activation"; }
    std::vector<ParamSpec> params() const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
};

}  // namespace nnsim
