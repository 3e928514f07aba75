// Add (hls4ml Merge "add"): y = result_t(a + b) element by element, for two inputs of the same shape.
// The sum is exact (inputs aligned to the larger number of fraction bits) and cast once to result_t.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code: models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class AddKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "add"; }
    const char* summary() const override { return "element-wise sum of two tensors of the same shape (Merge add)"; }
    MergeOp op() const override { return MergeOp::kAdd; }
};

}  // namespace nnsim
