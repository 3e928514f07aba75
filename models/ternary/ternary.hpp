// Ternary activation (hls4ml ternary_tanh of Keras ternary networks): d = 2x in the input type (its
// overflow mode applies), y = d > 1 ? +1 : (d <= -1 ? -1 : 0), so +-0.5 are the thresholds,
// then cast to result_t (which must hold -1..1, e.g. int<2>). Timing: II 1, latency 1 (element-wise).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class TernaryKind : public UnaryKind {
  public:
    const char* name() const override { return "ternary"; }
    const char* summary() const override { return "ternary activation y = 2x > 1 ? 1 : (2x <= -1 ? -1 : 0), 2x in the input type (hls4ml ternary_tanh)"; }
    const char* hls4ml_class() const override { return "Activation"; }
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
};

}  // namespace nnsim
