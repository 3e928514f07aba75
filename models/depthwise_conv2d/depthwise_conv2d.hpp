// DepthwiseConv2D (hls4ml DepthwiseConv2D, io_stream line buffer): input [H, W, C], kernel
// [k_h, k_w, C, 1], valid padding, strides [s_h, s_w]; output [(H - k_h) / s_h + 1,
// (W - k_w) / s_w + 1, C], each channel the dot product of its own window with its own kernel column
// (models/common/depthwise.hpp).
// Timing: io_stream II = RF per input pixel, latency RF + 1 (Latency) / RF + 2 (Resource) from the
// pixel completing a window; io_parallel II = P * RF, latency P * RF + 1 / + 2 (P output pixels).
#pragma once

#include "models/common/depthwise.hpp"

namespace nnsim {

class DepthwiseConv2DKind : public DepthwiseKind {
  public:
    DepthwiseConv2DKind() : DepthwiseKind(2) {}
    const char* name() const override { return "depthwise_conv2d"; }
    const char* summary() const override { return "2D depthwise convolution, valid padding (Keras DepthwiseConv2D)"; }
    const char* hls4ml_class() const override { return "DepthwiseConv2D"; }
};

}  // namespace nnsim
