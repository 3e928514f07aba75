// Conv1D (hls4ml Conv1D, io_stream line buffer): input [W, C], kernel [k, C, filters], valid padding,
// strides [s]; output [(W - k) / s + 1, filters]. Each output pixel is the dense kernel on its
// flattened window (models/common/conv.hpp).
// Timing: io_stream II = RF per input pixel, latency RF + 1 (Latency) / RF + 2 (Resource) from the
// pixel completing a window; io_parallel II = P * RF, latency P * RF + 1 / + 2 (P output pixels).
#pragma once

#include "models/common/conv.hpp"

namespace nnsim {

class Conv1DKind : public ConvKind {
  public:
    Conv1DKind() : ConvKind(1) {}
    const char* name() const override { return "conv1d"; }
    const char* summary() const override { return "1D convolution, valid padding (Keras Conv1D)"; }
    const char* hls4ml_class() const override { return "Conv1D"; }
};

}  // namespace nnsim
