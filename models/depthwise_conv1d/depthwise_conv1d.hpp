// DepthwiseConv1D (hls4ml DepthwiseConv1D, io_stream line buffer): input [W, C], kernel [k, C, 1],
// valid padding, strides [s]; output [(W - k) / s + 1, C], each channel the dot product of its own
// window with its own kernel column (models/common/depthwise.hpp).
// Timing: io_stream II = RF per input pixel, latency RF + 1 (Latency) / RF + 2 (Resource) from the
// pixel completing a window; io_parallel II = P * RF, latency P * RF + 1 / + 2 (P output pixels).
#pragma once

#include "models/common/depthwise.hpp"

namespace nnsim {

class DepthwiseConv1DKind : public DepthwiseKind {
  public:
    DepthwiseConv1DKind() : DepthwiseKind(1) {}
    const char* name() const override { return "depthwise_conv1d"; }
    const char* summary() const override { return "1D depthwise convolution, valid padding (Keras DepthwiseConv1D)"; }
    const char* hls4ml_class() const override { return "DepthwiseConv1D"; }
};

}  // namespace nnsim
