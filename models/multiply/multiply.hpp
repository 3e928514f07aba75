// Multiply (hls4ml Merge "multiply"): y = result_t(a * b) element by element, the full-width product cast once.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code and the exact value rules:
// models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class MultiplyKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "multiply"; }
    const char* summary() const override { return "element-wise product of two tensors of the same shape (Merge multiply)"; }
    MergeOp op() const override { return MergeOp::kMultiply; }
};

}  // namespace nnsim
