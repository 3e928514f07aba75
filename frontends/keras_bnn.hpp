// hls4ml's passes for binary and ternary Keras networks (keras_bnn.cpp): batchnorm + binary/ternary
// tanh merged into thresholds, and the +-1 dense layers after them summed in integers.
#pragma once

#include "core/graph.hpp"
#include "frontends/qkeras.hpp"

namespace nnsim {

/// Apply merge_batch_norm_quantized_tanh and then quantize_dense_output to an imported Keras graph
/// (`quantizers`: the QKeras quantizers found, for a ternary QActivation's threshold).
void apply_hls4ml_binary_passes(Graph& g, const QKerasQuantizers& quantizers);

}  // namespace nnsim
