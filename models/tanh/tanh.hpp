// Tanh through a lookup table over [-4, 4) (hls4ml nnet::tanh); see table_activation.hpp.
#pragma once

#include <cmath>

#include "models/common/table_activation.hpp"

namespace nnsim {

class TanhKind : public TableActivationKind {
  public:
    const char* name() const override { return "tanh"; }
    const char* summary() const override { return "hyperbolic tangent through a lookup table"; }
    const char* hls4ml_class() const override { return "Activation"; }

  protected:
    int range() const override { return 8; }
    double entry(float in) const override { return std::tanh(double(in)); }
    double exact(double x) const override { return std::tanh(x); }
};

}  // namespace nnsim
