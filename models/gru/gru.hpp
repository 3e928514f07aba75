// The gru kind: gated recurrent unit (Keras GRU): gates z, r, h; reset_after both ways.
// Arithmetic, parts and timing formula: models/common/recurrent.hpp.
#pragma once

#include "models/common/recurrent.hpp"

namespace nnsim {

class GruKind : public RecurrentKind {
  public:
    GruKind() : RecurrentKind(CellType::kGru) {}
    const char* name() const override { return "gru"; }
    const char* summary() const override { return "gated recurrent unit (Keras GRU): gates z, r, h; reset_after both ways"; }
    const char* hls4ml_class() const override { return "GRU"; }
};

}  // namespace nnsim
