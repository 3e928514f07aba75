// `--ignore-quantizers`: a QKeras model read as its float Keras equivalent, for its layer structure
// (shapes, timing, FIFO sizing, resources at the configured precisions) before quantized import
// exists. QDense, QConv1D/2D, QDepthwiseConv2D, QSeparableConv1D/2D, QBatchNormalization and
// QActivation become Dense, Conv1D/2D, DepthwiseConv2D, SeparableConv1D/2D, BatchNormalization and
// Activation; a QActivation's quantized_relu, quantized_tanh, quantized_sigmoid and quantized_bits
// become relu, tanh, sigmoid and linear. Weights are read as stored (float), quantizers are ignored,
// and the import says so in a warning naming how many layers it changed. HGQ's FixedPointQuantizer
// layers become the identity (as Dropout is at inference) and their embedded precisions are ignored.
// Binary and ternary activations have no float equivalent and stay unsupported.
#include <spdlog/spdlog.h>

#include <map>

#include "frontends/keras.hpp"

namespace nnsim {
namespace {

const std::map<std::string, std::string>& float_classes() {
    static const std::map<std::string, std::string> k = {
        {"QDense", "Dense"},
        {"QConv1D", "Conv1D"},
        {"QConv2D", "Conv2D"},
        {"QDepthwiseConv2D", "DepthwiseConv2D"},
        {"QSeparableConv1D", "SeparableConv1D"},
        {"QSeparableConv2D", "SeparableConv2D"},
        {"QBatchNormalization", "BatchNormalization"},
        {"QActivation", "Activation"},
        {"FixedPointQuantizer", "Dropout"},
        {"HGQ>FixedPointQuantizer", "Dropout"}};
    return k;
}

/// The float activation of a QActivation's `activation` (a quantizer object or its string form such
/// as "quantized_relu(6,0)"); the input unchanged if it is not a quantizer.
nlohmann::json float_activation(const nlohmann::json& a) {
    std::string name;
    if (a.is_object() && a.contains("class_name") && a["class_name"].is_string()) name = a["class_name"];
    else if (a.is_string()) name = a.get<std::string>().substr(0, a.get<std::string>().find('('));
    else return a;
    static const std::map<std::string, std::string> k = {{"quantized_relu", "relu"},
                                                         {"quantized_tanh", "tanh"},
                                                         {"quantized_sigmoid", "sigmoid"},
                                                         {"quantized_bits", "linear"}};
    auto it = k.find(name);
    return it == k.end() ? a : nlohmann::json(it->second);
}

}  // namespace

nlohmann::json qkeras_as_float(const nlohmann::json& model, const std::string& source_file) {
    nlohmann::json m = model;
    if (!looks_like_keras_model(m)) return m;
    nlohmann::json* layers = &m["config"];
    if (layers->is_object() && layers->contains("layers")) layers = &(*layers)["layers"];
    if (!layers->is_array()) return m;
    int changed = 0;
    for (auto& l : *layers) {
        if (!l.is_object() || !l.contains("class_name") || !l["class_name"].is_string()) continue;
        auto it = float_classes().find(l["class_name"].get<std::string>());
        if (it == float_classes().end()) continue;
        l["class_name"] = it->second;
        if (l.contains("config") && l["config"].is_object() && l["config"].contains("activation"))
            l["config"]["activation"] = float_activation(l["config"]["activation"]);
        ++changed;
    }
    if (changed > 0)
        spdlog::warn("{}: --ignore-quantizers: {} QKeras/HGQ layer(s) imported as float layers with float weights; "
                     "their quantizers are ignored",
                     source_file, changed);
    return m;
}

}  // namespace nnsim
