// Conv2D (hls4ml Conv2D, io_stream line buffer): input [H, W, C], kernel [k_h, k_w, C, filters],
// valid padding, strides [s_h, s_w]; output [(H - k_h) / s_h + 1, (W - k_w) / s_w + 1, filters].
// Each output pixel is the dense kernel on its flattened window (models/common/conv.hpp).
// Timing: io_stream II = RF per input pixel, latency RF + 1 (Latency) / RF + 2 (Resource) from the
// pixel completing a window; io_parallel II = P * RF, latency P * RF + 1 / + 2 (P output pixels).
#pragma once

#include "models/common/conv.hpp"

namespace nnsim {

class Conv2DKind : public ConvKind {
  public:
    Conv2DKind() : ConvKind(2) {}
    const char* name() const override { return "conv2d"; }
    const char* summary() const override { return "2D convolution, valid padding (Keras Conv2D)"; }
    const char* hls4ml_class() const override { return "Conv2D"; }
};

}  // namespace nnsim
