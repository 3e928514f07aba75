// Loading a network from any file nnsim accepts, told apart by content rather than by extension.
//
//  - an nnsim network description: JSON with "format": "nnsim-network" (core/network_json.hpp);
//  - a Keras model JSON: JSON with "class_name" and "config"; its weights come from LoadOptions::weights,
//    else "<stem>_weights.h5" beside it, else "<stem>.h5";
//  - a Keras full-model HDF5 file (model.save()), recognised by the HDF5 signature;
//  - an hls4ml config (YAML or JSON with KerasJson / KerasH5 / HLSConfig), which names its model.
// LoadOptions::config applies an hls4ml config to a Keras model. The result is always validated.
#pragma once

#include <string>

#include "core/graph.hpp"

namespace nnsim {

struct LoadOptions {
    std::string weights;  ///< Keras weights HDF5; empty: the file beside the model JSON (or KerasH5)
    std::string config;   ///< hls4ml config (YAML or JSON) to apply to a Keras model; empty: none
    bool ignore_quantizers = false;  ///< read QKeras layers as float layers (frontends/keras.hpp qkeras_as_float)
};

/// Load and validate a network. Every problem is a UserError naming the file and what was expected;
/// malformed JSON or YAML is reported with its line and column.
Graph load_network(const std::string& path, const LoadOptions& opt = {});

}  // namespace nnsim
