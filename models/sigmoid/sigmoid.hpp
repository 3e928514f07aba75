// Sigmoid through a lookup table over [-8, 8) (hls4ml nnet::sigmoid); see table_activation.hpp.
#pragma once

#include <cmath>

#include "models/common/table_activation.hpp"

namespace nnsim {

class SigmoidKind : public TableActivationKind {
  public:
    const char* name() const override { return "sigmoid"; }
    const char* summary() const override { return "logistic sigmoid 1/(1+exp(-x)) through a lookup table"; }
    const char* hls4ml_class() const override { return "Activation"; }

  protected:
    int range() const override { return 16; }
    // hls4ml: float sigmoid_fcn_float(float x) { return 1.0 / (1 + std::exp(-x)); }
    double entry(float in) const override { return double(float(1.0 / double(1.0f + std::exp(-in)))); }
    double exact(double x) const override { return 1.0 / (1.0 + std::exp(-x)); }
};

}  // namespace nnsim
