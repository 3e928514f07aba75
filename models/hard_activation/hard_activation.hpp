// Hard sigmoid and hard tanh (hls4ml HardActivation, the hls4ml form of QKeras's quantized_sigmoid and
// quantized_tanh and of Keras's hard_sigmoid): s = clip(slope * x + shift, 0, 1) with slope and shift
// held in their own types (slope_t ufixed<16,0>, shift_t ufixed<2,0> by default), computed exactly;
// hard_sigmoid gives result_t(s), hard_tanh result_t(2 * s - 1).
// Timing: II 1, latency 1 (element-wise, one register stage).
#pragma once

#include "models/common/unary.hpp"

namespace nnsim {

class HardActivationKind : public UnaryKind {
  public:
    const char* name() const override { return "hard_activation"; }
    const char* summary() const override {
        return "hard sigmoid clip(slope * x + shift, 0, 1) or hard tanh 2 * that - 1 (hls4ml HardActivation)";
    }
    const char* hls4ml_class() const override { return "HardActivation"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

  protected:
    std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                            const FixedType& res, const std::string& uniq) const override;
};

}  // namespace nnsim
