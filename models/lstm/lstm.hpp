// The lstm kind: long short-term memory (Keras LSTM): gates i, f, c, o; cell state c and hidden state h.
// Arithmetic, parts and timing formula: models/common/recurrent.hpp.
#pragma once

#include "models/common/recurrent.hpp"

namespace nnsim {

class LstmKind : public RecurrentKind {
  public:
    LstmKind() : RecurrentKind(CellType::kLstm) {}
    const char* name() const override { return "lstm"; }
    const char* summary() const override { return "long short-term memory (Keras LSTM): gates i, f, c, o; cell state c and hidden state h"; }
    const char* hls4ml_class() const override { return "LSTM"; }
};

}  // namespace nnsim
