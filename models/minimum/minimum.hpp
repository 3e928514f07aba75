// Minimum (hls4ml Merge "minimum"): y = result_t(a < b ? a : b), the comparison exact across input types.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code and the exact value rules:
// models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class MinimumKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "minimum"; }
    const char* summary() const override { return "element-wise minimum of two tensors of the same shape (Merge minimum)"; }
    MergeOp op() const override { return MergeOp::kMinimum; }
};

}  // namespace nnsim
