// Command-line overrides of a network's configuration, applied as hls4ml's Model level would be.
#pragma once

#include <string>

#include "core/graph.hpp"

namespace nnsim {

/// Settings a user can force on a whole network; empty strings and zeros mean "leave as is".
struct Overrides {
    std::string precision;  ///< like hls4ml `Model: Precision`: every variable without a fixed default
    int reuse_factor = 0;   ///< every layer's ReuseFactor
    std::string strategy;   ///< "Latency" or "Resource" for every layer
    std::string io_type;    ///< "io_parallel" or "io_stream"
    int fifo_depth = 0;     ///< depth of every FIFO between layers
    bool fuse_batchnorm = false;  ///< run the batch-norm fusion pass
};

/// Apply the overrides, then validate the graph again. Throws UserError on bad values.
void apply_overrides(Graph& g, const Overrides& o);

}  // namespace nnsim
