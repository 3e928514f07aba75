// Mapping of Keras layers to nnsim graph inputs and nodes (keras_layers.hpp).
//
// Names follow hls4ml so that hls4ml configs written for a model apply to its import unchanged: a layer
// keeps its Keras name, and a Dense with a non-linear activation gets a separate activation node
// "<dense name>_<activation>". Parameters are those the kinds declare (models/registry.cpp); weights are
// kept as the float values stored in the file.
#include "frontends/keras_layers.hpp"

#include <cctype>

#include "core/registry.hpp"
#include "frontends/keras.hpp"
#include "frontends/keras_weights.hpp"

namespace nnsim {

using nlohmann::json;

namespace {

/// A Keras activation name and the nnsim kind that computes it.
struct ActivationMapping {
    const char* keras;  ///< Keras activation name
    const char* kind;   ///< nnsim kind
    double max_value;   ///< clipped_relu bound, 0 for kinds without one
};
const ActivationMapping kActivations[] = {
    {"relu", "relu", 0},       {"relu6", "clipped_relu", 6}, {"linear", "linear", 0},
    {"sigmoid", "sigmoid", 0}, {"tanh", "tanh", 0},          {"softmax", "softmax", 0},
    {"relu1", "clipped_relu", 1}, {"binary_tanh", "bipolar", 0}, {"ternary_tanh", "ternary", 0},
    {"hard_sigmoid", "hard_activation", 0}, {"hard_tanh", "hard_activation", 0},
    {"elu", "elu", 0}, {"selu", "selu", 0},
};

std::string supported_activations() {
    std::string all;
    for (const auto& a : kActivations) all += (all.empty() ? "" : ", ") + std::string(a.keras);
    return all;
}

}  // namespace

const std::vector<std::pair<const char*, KerasMapper::AddFn>>& KerasMapper::table() {
    static const std::vector<std::pair<const char*, AddFn>> kTable = {
        {"InputLayer", &KerasMapper::add_input},
        {"Dense", &KerasMapper::add_dense},
        {"BinaryDense", &KerasMapper::add_dense},
        {"TernaryDense", &KerasMapper::add_dense},
        {"Activation", &KerasMapper::add_activation},
        {"BatchNormalization", &KerasMapper::add_batchnorm},
        {"ReLU", &KerasMapper::add_relu},
        {"LeakyReLU", &KerasMapper::add_leaky_relu},
        {"ELU", &KerasMapper::add_elu},
        {"Softmax", &KerasMapper::add_softmax},
        {"Dropout", &KerasMapper::add_dropout},
        {"Flatten", &KerasMapper::add_flatten},
        {"Reshape", &KerasMapper::add_reshape},
        {"ZeroPadding1D", &KerasMapper::add_reformat},
        {"ZeroPadding2D", &KerasMapper::add_reformat},
        {"Cropping1D", &KerasMapper::add_reformat},
        {"Cropping2D", &KerasMapper::add_reformat},
        {"UpSampling1D", &KerasMapper::add_reformat},
        {"UpSampling2D", &KerasMapper::add_reformat},
        {"MaxPooling1D", &KerasMapper::add_pooling},
        {"MaxPooling2D", &KerasMapper::add_pooling},
        {"AveragePooling1D", &KerasMapper::add_pooling},
        {"AveragePooling2D", &KerasMapper::add_pooling},
        {"GlobalMaxPooling1D", &KerasMapper::add_pooling},
        {"GlobalMaxPooling2D", &KerasMapper::add_pooling},
        {"GlobalAveragePooling1D", &KerasMapper::add_pooling},
        {"GlobalAveragePooling2D", &KerasMapper::add_pooling},
        {"Conv1D", &KerasMapper::add_conv},
        {"Conv2D", &KerasMapper::add_conv},
        {"DepthwiseConv1D", &KerasMapper::add_conv},
        {"DepthwiseConv2D", &KerasMapper::add_conv},
        {"SeparableConv1D", &KerasMapper::add_conv},
        {"SeparableConv2D", &KerasMapper::add_conv},
        {"Add", &KerasMapper::add_merge},
        {"Subtract", &KerasMapper::add_merge},
        {"Multiply", &KerasMapper::add_merge},
        {"Average", &KerasMapper::add_merge},
        {"Maximum", &KerasMapper::add_merge},
        {"Minimum", &KerasMapper::add_merge},
        {"Concatenate", &KerasMapper::add_merge},
        {"LSTM", &KerasMapper::add_recurrent},
        {"GRU", &KerasMapper::add_recurrent},
        {"SimpleRNN", &KerasMapper::add_recurrent},
        {"FixedPointQuantizer", &KerasMapper::add_fixed_point_quantizer},
        {"HGQ>FixedPointQuantizer", &KerasMapper::add_fixed_point_quantizer},
    };
    return kTable;
}

bool keras_class_supported(const std::string& keras_class) {
    for (const auto& entry : KerasMapper::table())
        if (keras_class == entry.first) return true;
    return false;
}

std::string keras_unsupported(const std::string& name, const std::string& keras_class) {
    const bool qkeras = keras_class.size() > 1 && keras_class[0] == 'Q' && std::isupper(keras_class[1]);
    return "layer '" + name + "' (" + keras_class + ") is not supported yet; supported: " + keras_supported_classes() +
           (qkeras ? " (this QKeras layer is not supported yet; --ignore-quantizers reads it as its float layer)"
                   : "");
}

std::string keras_supported_classes() {
    std::string all;
    for (const auto& entry : KerasMapper::table())
        all += (all.empty() ? "" : ", ") + std::string(entry.first);
    return all;
}

void KerasMapper::add(const KerasLayer& l) {
    for (const auto& entry : table())
        if (l.class_name == entry.first) return (this->*entry.second)(l);
    fail(l, keras_unsupported(l.name, l.class_name));
}

std::string KerasMapper::tensor_of(const std::string& keras_name) const {
    auto it = m_tensor.find(keras_name);
    return it == m_tensor.end() ? "" : it->second;
}

void KerasMapper::fail(const KerasLayer& l, const std::string& message, const std::string& field) {
    m_diag.error(m_file + ": " + l.where + field + " (layer " + l.name + ")", message);
    m_failed.insert(l.name);
}

std::string KerasMapper::input_of(const KerasLayer& l) {
    if (l.inbound.size() != 1) {
        fail(l, "layer '" + l.name + "' (" + l.class_name + ") takes 1 input, got " +
                    std::to_string(l.inbound.size()));
        return "";
    }
    const std::string& producer = l.inbound[0];
    auto it = m_tensor.find(producer);
    if (it != m_tensor.end()) return it->second;
    if (m_failed.count(producer)) m_failed.insert(l.name);  // already reported at the producer
    else
        fail(l, "input '" + producer + "' is not an earlier layer of the model");
    return "";
}

Node& KerasMapper::add_node(const KerasLayer& l, const char* kind, const std::string& node_name,
                            const std::string& input, const std::string& where_suffix) {
    Node n;
    n.name = node_name;
    n.kind = Registry::instance().find(kind);
    NNSIM_ASSERT(n.kind != nullptr, std::string("the Keras importer maps to unregistered kind ") + kind);
    n.inputs = {input};
    n.where = l.where + where_suffix;
    m_graph.nodes.push_back(std::move(n));
    m_tensor[l.name] = node_name;
    auto s = m_shape.find(input);
    if (s != m_shape.end()) m_shape[node_name] = s->second;
    return m_graph.nodes.back();
}

void KerasMapper::attach_weight(const KerasLayer& l, Node& n, const std::string& var) {
    n.weights[var] = m_weights.read(l.name, var, var + " of layer '" + l.name + "' (" + l.class_name + ")");
}

bool KerasMapper::number_field(const KerasLayer& l, const char* key, double fallback, double& out) {
    out = fallback;
    auto it = l.config->find(key);
    if (it == l.config->end() || it->is_null()) return true;
    if (!it->is_number()) {
        fail(l, std::string(key) + " must be a number, got " + it->dump(), std::string("/config/") + key);
        return false;
    }
    out = it->get<double>();
    return true;
}

bool KerasMapper::bool_field(const KerasLayer& l, const char* key, bool fallback, bool& out) {
    out = fallback;
    auto it = l.config->find(key);
    if (it == l.config->end() || it->is_null()) return true;
    if (!it->is_boolean()) {
        fail(l, std::string(key) + " must be true or false, got " + it->dump(),
             std::string("/config/") + key);
        return false;
    }
    out = it->get<bool>();
    return true;
}

bool KerasMapper::check_channels_last(const KerasLayer& l) {
    const nlohmann::json& cfg = *l.config;
    if (cfg.contains("data_format") && cfg["data_format"].is_string() && cfg["data_format"] != "channels_last") {
        fail(l, "only channels_last data is supported, got " + cfg["data_format"].dump(), "/config/data_format");
        return false;
    }
    return true;
}

bool KerasMapper::check_last_axis(const KerasLayer& l, const std::string& input) {
    auto it = l.config->find("axis");
    if (it == l.config->end() || it->is_null()) return true;
    json axis = *it;
    if (axis.is_array() && axis.size() == 1) axis = axis[0];
    auto s = m_shape.find(input);
    const int64_t rank = s == m_shape.end() ? -1 : int64_t(s->second.size());
    // Keras counts the batch dimension: the last axis of a [batch, n] tensor is 1 (or -1).
    if (axis.is_number_integer() && (axis.get<int64_t>() == -1 || axis.get<int64_t>() == rank)) return true;
    fail(l, "axis " + it->dump() + " is not the last axis; only the last axis (-1) is supported",
         "/config/axis");
    return false;
}

void KerasMapper::add_activation_node(const KerasLayer& l, const json& activation,
                                      const std::string& node_name, const std::string& input,
                                      const std::string& field) {
    if (!activation.is_string()) {
        fail(l, "activation must be a name such as \"relu\", got " + activation.dump(), field);
        return;
    }
    const std::string a = activation.get<std::string>();
    for (const auto& m : kActivations) {
        if (a != m.keras) continue;
        Node& n = add_node(l, m.kind, node_name, input, field);
        if (m.max_value > 0) n.params["max_value"] = m.max_value;
        // binary_tanh: the bipolar kind's default, x >= 0 ? 1 : -1, as hls4ml's binary_tanh since 1.2.
        if (a == "hard_tanh") n.params["function"] = a;  // slope 0.2, shift 0.5 as hls4ml (QKeras: 0.5, 0.5)
        return;
    }
    fail(l, "activation '" + a + "' is not supported yet; supported: " + supported_activations(), field);
}

void KerasMapper::add_input(const KerasLayer& l) {
    const char* key = l.config->contains("batch_input_shape") ? "batch_input_shape" : "batch_shape";
    auto it = l.config->find(key);
    if (it == l.config->end() || it->is_null()) {
        fail(l, "no batch_input_shape: nnsim needs the shape of the network input", "/config");
        return;
    }
    const std::string field = std::string("/config/") + key;
    if (!it->is_array() || it->size() < 2) {
        fail(l, "expected [null, d1, d2, ...], got " + it->dump(), field);
        return;
    }
    Shape shape;
    for (size_t i = 1; i < it->size(); ++i) {
        const json& d = (*it)[i];
        if (!d.is_number_integer() || d.get<int64_t>() <= 0 || d.get<int64_t>() > (int64_t(1) << 30)) {
            fail(l,
                 "dimension " + std::to_string(i) + " is " + d.dump() +
                     "; nnsim needs every input dimension fixed and positive",
                 field);
            return;
        }
        shape.push_back(d.get<int>());
    }
    m_graph.inputs.push_back(GraphInput{l.name, shape, m_graph.default_precision});
    m_tensor[l.name] = l.name;
    m_shape[l.name] = shape;
}

void KerasMapper::add_dense(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    auto units = l.config->find("units");
    if (units == l.config->end() || !units->is_number_integer() || units->get<int64_t>() <= 0) {
        fail(l, "units must be a positive integer", "/config/units");
        return;
    }
    auto s = m_shape.find(input);
    if (s != m_shape.end() && s->second.size() != 1) {
        fail(l, "input shape " + shape_to_string(s->second) +
                    " is multi-dimensional; Dense on multi-dimensional inputs needs CNN support, not yet "
                    "available");
        return;
    }
    bool use_bias = true;
    if (!bool_field(l, "use_bias", true, use_bias)) return;
    const int64_t n_out = units->get<int64_t>();
    Node& n = add_node(l, "dense", l.name, input);
    n.params["n_out"] = n_out;
    attach_weight(l, n, "kernel");
    if (use_bias) attach_weight(l, n, "bias");
    if (l.class_name != "Dense") binarize_kernel(l, n);
    m_shape[l.name] = Shape{int(n_out)};
    // hls4ml splits Dense(activation=X) into the Dense and an activation layer "<name>_<X>".
    auto act = l.config->find("activation");
    if (act == l.config->end() || act->is_null() || (act->is_string() && act->get<std::string>() == "linear"))
        return;
    const std::string act_name = act->is_string() ? act->get<std::string>() : "activation";
    add_activation_node(l, *act, l.name + "_" + act_name, l.name, "/config/activation");
}

void KerasMapper::add_activation(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    auto act = l.config->find("activation");
    if (act == l.config->end()) return fail(l, "no activation given", "/config");
    add_activation_node(l, *act, l.name, input, "/config/activation");
}

void KerasMapper::add_batchnorm(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty() || !check_last_axis(l, input)) return;
    double epsilon = 1e-3;
    bool center = true, scale = true;
    if (!number_field(l, "epsilon", 1e-3, epsilon) || !bool_field(l, "center", true, center) ||
        !bool_field(l, "scale", true, scale))
        return;
    Node& n = add_node(l, "batchnorm", l.name, input);
    n.params["epsilon"] = epsilon;
    if (scale) attach_weight(l, n, "gamma");
    if (center) attach_weight(l, n, "beta");
    attach_weight(l, n, "moving_mean");
    attach_weight(l, n, "moving_variance");
}

void KerasMapper::add_relu(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    double max_value = 0, negative_slope = 0, threshold = 0;
    const bool has_max = l.config->contains("max_value") && !(*l.config)["max_value"].is_null();
    if (!number_field(l, "max_value", 0, max_value) ||
        !number_field(l, "negative_slope", 0, negative_slope) || !number_field(l, "threshold", 0, threshold))
        return;
    if (threshold != 0)
        return fail(l, "threshold " + std::to_string(threshold) + " is not supported (only 0)",
                    "/config/threshold");
    if (has_max && negative_slope != 0)
        return fail(l, "a ReLU with both max_value and negative_slope is not supported yet", "/config");
    if (has_max && max_value <= 0)
        return fail(l, "max_value must be positive, got " + std::to_string(max_value), "/config/max_value");
    if (negative_slope != 0) add_node(l, "leaky_relu", l.name, input).params["alpha"] = negative_slope;
    else if (has_max)
        add_node(l, "clipped_relu", l.name, input).params["max_value"] = max_value;
    else
        add_node(l, "relu", l.name, input);
}

void KerasMapper::add_leaky_relu(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    double alpha = 0.3;                                                          // Keras default
    const char* key = l.config->contains("alpha") ? "alpha" : "negative_slope";  // Keras 3 renamed it
    if (!number_field(l, key, 0.3, alpha)) return;
    add_node(l, "leaky_relu", l.name, input).params["alpha"] = alpha;
}

void KerasMapper::add_elu(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    double alpha = 1.0;  // Keras default
    if (!number_field(l, "alpha", 1.0, alpha)) return;
    add_node(l, "elu", l.name, input).params["alpha"] = alpha;
}

void KerasMapper::add_softmax(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty() || !check_last_axis(l, input)) return;
    add_node(l, "softmax", l.name, input);
}

void KerasMapper::add_dropout(const KerasLayer& l) {
    // Identity at inference: consumers read the input directly.
    const std::string input = input_of(l);
    if (!input.empty()) m_tensor[l.name] = input;
}

void KerasMapper::add_flatten(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    auto s = m_shape.find(input);
    if (s == m_shape.end() || s->second.size() == 1) {
        m_tensor[l.name] = input;  // already flat: nothing to do
        return;
    }
    // A multi-dimensional tensor: a reshape to [n] (a repack under io_stream).
    const int64_t size = shape_size(s->second);
    Node& n = add_node(l, "reshape", l.name, input, "");
    n.params["target_shape"] = std::vector<int64_t>{size};
    m_shape[l.name] = Shape{int(size)};
}

void KerasMapper::add_reshape(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    auto t = l.config->find("target_shape");
    std::vector<int64_t> target;
    if (t != l.config->end() && t->is_array())
        for (const auto& e : *t)
            if (e.is_number_integer()) target.push_back(e.get<int64_t>());
    if (target.empty() || t->size() != target.size()) {
        fail(l, "target_shape must be a list of integers (without the batch dimension)", "/config/target_shape");
        return;
    }
    Node& n = add_node(l, "reshape", l.name, input, "");
    n.params["target_shape"] = target;  // validation checks the sizes and infers a -1
    auto s = m_shape.find(input);
    int64_t known = 1;
    for (int64_t d : target) known *= d > 0 ? d : 1;
    Shape out;
    for (int64_t d : target) out.push_back(int(d > 0 ? d : (s == m_shape.end() ? 1 : shape_size(s->second) / known)));
    m_shape[l.name] = out;
}

}  // namespace nnsim
