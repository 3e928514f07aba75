// IR pass: fuse a batchnorm into the layer before it (Dense) when that layer feeds only the batchnorm.
//
// hls4ml does not fuse at Model granularity (hls4ml_reference.md section 9), so this pass is off by
// default and changes the numbers when enabled: the folded weights W * scale and b * scale + bias are
// computed in float32 and quantized to the Dense weight and bias types; the Dense takes the batchnorm's
// result type. Correctness: the float function is unchanged. Terminates: each fusion removes a node.
#pragma once

#include "core/graph.hpp"

namespace nnsim {

/// Returns the number of batchnorm nodes fused away.
int fuse_batchnorm(Graph& g);

}  // namespace nnsim
