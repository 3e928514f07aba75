// Keras v2 importer: turns a Keras model (architecture JSON plus weights HDF5, or one full-model HDF5)
// into the nnsim graph IR, naming and splitting layers exactly as hls4ml does.
//
// Accepted inputs (Keras 2.0 to 2.4 layouts, also what TensorFlow 2.x Keras writes):
//  - a model JSON from model.to_json(): {"class_name": "Model" | "Functional" | "Sequential", "config": ...},
//    where a Sequential config is a list of layers or {"layers": [...]} and may lack an InputLayer (the
//    first layer's batch_input_shape then gives the input, named "<first layer>_input" as Keras does);
//  - weights from model.save_weights() (/<layer>/<layer>/<var>:0) or model.save() (/model_weights/...);
//  - a full-model HDF5 from model.save(), whose root attribute model_config holds the architecture.
//
// Layer mapping (Keras class -> nnsim kind): InputLayer -> graph input; Dense -> dense, plus a separate
// activation node "<dense>_<activation>" unless the activation is linear; Activation -> relu, linear,
// sigmoid, tanh, softmax, or clipped_relu (relu6); BatchNormalization -> batchnorm; ReLU -> relu,
// clipped_relu (max_value) or leaky_relu (negative_slope); LeakyReLU -> leaky_relu; Softmax -> softmax;
// Dropout and 1-D Flatten are dropped and their consumers rewired. Any other class is a UserError
// naming the layer and its class.
//
// The returned graph is not validated yet: the caller applies an hls4ml config first (if any), then
// validates (frontends/load.hpp does both).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/graph.hpp"

namespace nnsim {

/// Import a model JSON and its weights. An empty `weights_path` means the file beside the JSON:
/// "<stem>_weights.h5", then "<stem>.h5" (UserError naming both if neither exists).
/// With `float_qkeras`, QKeras layers are read as their float equivalents (qkeras_as_float).
Graph import_keras_json(const std::string& json_path, const std::string& weights_path, bool float_qkeras = false);

/// Import a full-model HDF5 file. A non-empty `weights_path` reads the weights from that file instead.
Graph import_keras_h5(const std::string& h5_path, const std::string& weights_path = "", bool float_qkeras = false);

/// Import an already parsed model JSON. `source_file` names the file in messages and becomes
/// Graph::source_file; `where_prefix` is put before JSON pointers (e.g. "model_config" for the attribute
/// of a full-model file); `name` becomes Graph::name. Layer classes and structure are checked before
/// `weights_path` is opened, so that an unsupported model is reported as such even without weights.
Graph import_keras_model(const nlohmann::json& model, const std::string& source_file,
                         const std::string& where_prefix, const std::string& name,
                         const std::string& weights_path);

/// The model with its QKeras layers renamed to their float Keras classes and QActivation quantizers
/// to their float activations (frontends/keras_float_qkeras.cpp); warns how many layers changed.
nlohmann::json qkeras_as_float(const nlohmann::json& model, const std::string& source_file);

/// Whether a parsed JSON document looks like a Keras model (an object with class_name and config).
bool looks_like_keras_model(const nlohmann::json& j);

/// The Keras layer classes the importer understands, comma-separated (for messages and help).
std::string keras_supported_classes();

/// The default weights file of a model JSON: "<stem>_weights.h5" beside it, else "<stem>.h5".
/// Throws a UserError naming both candidates if neither exists.
std::string default_keras_weights(const std::string& json_path);

}  // namespace nnsim
