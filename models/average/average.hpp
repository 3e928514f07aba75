// Average (hls4ml Merge "average"): y = result_t((a + b) * 0.5) element by element, the halved sum exact.
// Timing: II 1, latency 1. Pixel-wise under io_stream. Shared code and the exact value rules:
// models/common/merge.hpp.
#pragma once

#include "models/common/merge.hpp"

namespace nnsim {

class AverageKind : public ElementwiseMergeKind {
  public:
    const char* name() const override { return "average"; }
    const char* summary() const override { return "element-wise mean (a + b) / 2 of two tensors of the same shape (Merge average)"; }
    MergeOp op() const override { return MergeOp::kAverage; }
};

}  // namespace nnsim
