// The simple_rnn kind: simple recurrent layer (Keras SimpleRNN): h_t = act(W x_t + U h_{t-1} + b).
// Arithmetic, parts and timing formula: models/common/recurrent.hpp.
#pragma once

#include "models/common/recurrent.hpp"

namespace nnsim {

class SimpleRnnKind : public RecurrentKind {
  public:
    SimpleRnnKind() : RecurrentKind(CellType::kSimpleRnn) {}
    const char* name() const override { return "simple_rnn"; }
    const char* summary() const override { return "simple recurrent layer (Keras SimpleRNN): h_t = act(W x_t + U h_{t-1} + b)"; }
    const char* hls4ml_class() const override { return "SimpleRNN"; }
};

}  // namespace nnsim
