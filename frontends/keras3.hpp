// Keras 3 `.keras` archives (a zip of metadata.json, config.json and model.weights.h5), imported
// through the Keras 2 importer (frontends/keras.hpp):
//  - config.json is rewritten to the Keras 2 forms the importer reads: InputLayer batch_shape becomes
//    batch_input_shape, a functional layer's inbound nodes ({"args": [keras tensors with
//    keras_history]}) become [[[layer, node, tensor, {}]]] lists, and a single input_layers or
//    output_layers entry becomes a list of one;
//  - model.weights.h5 stores every layer's variables as layers/<object name>/vars/<i>, the object name
//    being the snake-case class name made unique in layer order (q_dense, q_dense_1, ...); the reader
//    lays them out as Keras 2 weight files do (/<layer>/<layer>/<var>:0) under each class's variable
//    names, in a temporary file that is gone when the import returns. The imported weights are held
//    inline (they name no file).
// The zip is read with libzip. A layer with variables whose class has no variable names here, an
// archive without config.json or model.weights.h5, and a damaged zip are one-line UserErrors.
#pragma once

#include <string>

#include "core/graph.hpp"

namespace nnsim {

/// Import a Keras 3 archive. With `float_qkeras`, QKeras layers are read as float layers.
Graph import_keras3(const std::string& path, bool float_qkeras = false);

}  // namespace nnsim
