// The network-level timing model: FIFO depths, and the latency and II that a simulation without
// stalls must measure, computed directly from the layer kinds' Timing (no simulation).
//
// Structure of the modelled hardware: the source writes a sample into the FIFO of each consumer of a
// network input; every layer is a timing shell (sim/layer_module.hpp) with its kind's II and latency
// reading one word from each input FIFO and writing its result to one FIFO per consumer; the sink
// reads the FIFO after each output layer. A FIFO write in cycle t is readable in cycle t + 1.
//
//   first-sample latency = longest path over layers of (latency_i + 1), plus 1 for the sink read:
//                          input accepted in cycle 0, output accepted in cycle sum(L_i + 1) + ... + 1
//                          (for a chain of n layers: sum(L_i) + n + 1)
//   steady-state II      = max(max_i II_i, 2 if some FIFO has depth 1 else 1)
// Default FIFO depths: io_parallel 2 (two slots pass one word per cycle with registered flags);
// io_stream hls4ml's rule prod(shape) / shape[-1] (the pixels of the tensor), raised to at least 2.
// A layer's `fifo_depth` overrides the depth of every FIFO it writes.
#pragma once

#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

/// Depth of the FIFOs written by a tensor (a network input or a node's result) under the rule above.
int fifo_depth(const Graph& g, const std::string& tensor);
/// Depth of the FIFO between the source and a consumer of a network input.
int input_fifo_depth(const Graph& g, const std::string& input);

struct NetworkTiming {
    std::vector<Timing> layers;   ///< per node, in graph order
    int64_t latency = 0;          ///< first sample, input accepted to output accepted, in cycles
    int64_t ii = 1;               ///< steady-state cycles between samples without stalls
    std::string bottleneck;       ///< layer (or FIFO) that sets the II
    double throughput(double clock_period_ns) const { return 1e9 / (double(ii) * clock_period_ns); }
};

NetworkTiming analyze_timing(const Graph& g);

}  // namespace nnsim
