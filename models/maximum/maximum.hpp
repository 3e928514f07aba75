// Maximum (hls4ml Merge "maximum"): y = result_t(a > b ? a : b), the comparison exact across input types.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code and the exact value rules:
// models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class MaximumKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "maximum"; }
    const char* summary() const override { return "element-wise maximum of two tensors of the same shape (Merge maximum)"; }
    MergeOp op() const override { return MergeOp::kMaximum; }
};

}  // namespace nnsim
