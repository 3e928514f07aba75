// ReLU: y = x > 0 ? x : 0, in the input type, then cast to result_t (hls4ml nnet::relu).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class ReluKind : public UnaryKind {
  public:
    const char* name() const override { return "relu"; }
    const char* summary() const override { return "rectified linear unit y = max(x, 0)"; }
    const char* hls4ml_class() const override { return "Activation"; }
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
    std::string rtl_zero_when(const std::string& x, const FixedType& in) const override;
};

}  // namespace nnsim
