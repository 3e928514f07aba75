// Subtract (hls4ml Merge "subtract"): y = result_t(a - b) element by element, the difference exact.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code and the exact value rules:
// models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class SubtractKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "subtract"; }
    const char* summary() const override { return "element-wise difference a - b of two tensors of the same shape (Merge subtract)"; }
    MergeOp op() const override { return MergeOp::kSubtract; }
};

}  // namespace nnsim
