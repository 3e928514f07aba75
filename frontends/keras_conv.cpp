// Keras Conv1D/2D, DepthwiseConv1D/2D and SeparableConv1D/2D -> the nnsim kinds conv1d/2d and
// depthwise_conv1d/2d (keras_layers.hpp), split the way hls4ml splits them:
//  - padding='same' becomes an explicit zero_padding1d/2d layer "<name>_pad" before a valid
//    convolution; per axis, total = max((ceil(in / s) - 1) * s + k - in, 0), before = total / 2, after
//    = the rest (no layer when every amount is 0);
//  - SeparableConv becomes a depthwise layer "<name>_depthwise" (depthwise_kernel, no bias) followed by
//    a 1x1 convolution "<name>_pointwise" (pointwise_kernel and the bias), each with its own precisions
//    (hls4ml config LayerName entries for those names apply to them);
//  - activation=X splits off as a layer "<name>_<X>", as for Dense.
// Only channels_last data, dilation 1 and groups 1 are supported; anything else is one line naming
// the layer and the field.
#include <algorithm>

#include "frontends/keras_layers.hpp"
#include "frontends/keras_weights.hpp"

namespace nnsim {

void KerasMapper::add_conv(const KerasLayer& l) {
    const std::string& cls = l.class_name;
    const int dims = keras_image_dims(cls);
    const bool depthwise = cls.rfind("Depthwise", 0) == 0, separable = cls.rfind("Separable", 0) == 0;
    const std::string input = input_of(l);
    if (input.empty()) return;
    const nlohmann::json& cfg = *l.config;
    const std::string dims_text = std::to_string(dims);
    auto is_ones = [](const std::vector<int64_t>& v) {
        return std::all_of(v.begin(), v.end(), [](int64_t x) { return x == 1; });
    };
    if (!check_channels_last(l)) return;
    std::vector<int64_t> kernel, strides(size_t(dims), 1), dilation;
    if (!cfg.contains("kernel_size") || !keras_sizes(cfg["kernel_size"], dims, kernel)) {
        fail(l, "kernel_size must be an integer or " + dims_text + " integers", "/config/kernel_size");
        return;
    }
    if (cfg.contains("strides") && !keras_sizes(cfg["strides"], dims, strides)) {
        fail(l, "strides must be an integer or " + dims_text + " integers, got " + cfg["strides"].dump(),
             "/config/strides");
        return;
    }
    if (cfg.contains("dilation_rate") && (!keras_sizes(cfg["dilation_rate"], dims, dilation) || !is_ones(dilation))) {
        fail(l, "dilation_rate " + cfg["dilation_rate"].dump() + " is not supported (only 1)", "/config/dilation_rate");
        return;
    }
    if (cfg.contains("groups") && !(cfg["groups"].is_number_integer() && cfg["groups"].get<int64_t>() == 1)) {
        fail(l, "groups " + cfg["groups"].dump() + " is not supported (only 1)", "/config/groups");
        return;
    }
    const std::string padding = cfg.value("padding", std::string("valid"));
    if (padding != "valid" && padding != "same") {
        fail(l, "padding must be 'valid' or 'same', got '" + padding + "'", "/config/padding");
        return;
    }
    int64_t filters = 0, multiplier = 1;
    if (!depthwise) {
        if (!cfg.contains("filters") || !cfg["filters"].is_number_integer() || cfg["filters"].get<int64_t>() <= 0) {
            fail(l, "filters must be a positive integer", "/config/filters");
            return;
        }
        filters = cfg["filters"].get<int64_t>();
    }
    if ((depthwise || separable) && cfg.contains("depth_multiplier")) {
        if (!cfg["depth_multiplier"].is_number_integer()) {
            fail(l, "depth_multiplier must be an integer", "/config/depth_multiplier");
            return;
        }
        multiplier = cfg["depth_multiplier"].get<int64_t>();  // the depthwise kind checks its value
    }
    bool use_bias = true;
    if (!bool_field(l, "use_bias", true, use_bias)) return;
    auto s = m_shape.find(input);
    if (s == m_shape.end() || int(s->second.size()) != dims + 1) {
        fail(l, "expects a " + std::string(dims == 1 ? "[W, C]" : "[H, W, C]") + " input, got " +
                    (s == m_shape.end() ? std::string("an unknown shape") : shape_to_string(s->second)));
        return;
    }
    Shape shape = s->second;

    // Same padding: an explicit zero padding before a valid convolution.
    std::string x = input;
    if (padding == "same") {
        std::vector<int64_t> pads;
        for (int d = 0; d < dims; ++d) {
            const int64_t in = shape[size_t(d)], k = kernel[size_t(d)], st = std::max<int64_t>(1, strides[size_t(d)]);
            const int64_t total = std::max<int64_t>(((in + st - 1) / st - 1) * st + k - in, 0);
            pads.push_back(total / 2);
            pads.push_back(total - total / 2);
            shape[size_t(d)] = int(in + total);
        }
        if (!std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) {
            x = l.name + "_pad";
            Node& pad = add_node(l, dims == 1 ? "zero_padding1d" : "zero_padding2d", x, input);
            pad.params["padding"] = pads;
            m_shape[x] = shape;
        }
    }
    // The output shape, for later layers (Flatten); validation checks every size again.
    Shape out = shape;
    for (int d = 0; d < dims; ++d)
        out[size_t(d)] = int((shape[size_t(d)] - kernel[size_t(d)]) / std::max<int64_t>(1, strides[size_t(d)]) + 1);
    const std::string context = " of layer '" + l.name + "' (" + cls + ")";
    std::string last = l.name;
    if (!depthwise && !separable) {
        Node& n = add_node(l, dims == 1 ? "conv1d" : "conv2d", l.name, x);
        n.params["filters"] = filters;
        n.params["kernel_size"] = kernel;
        n.params["strides"] = strides;
        attach_weight(l, n, "kernel");
        if (use_bias) attach_weight(l, n, "bias");
        out.back() = int(filters);
    } else {
        const std::string dw_name = separable ? l.name + "_depthwise" : l.name;
        Node& dw = add_node(l, dims == 1 ? "depthwise_conv1d" : "depthwise_conv2d", dw_name, x);
        dw.params["kernel_size"] = kernel;
        dw.params["strides"] = strides;
        dw.params["depth_multiplier"] = multiplier;
        dw.weights["kernel"] = m_weights.read(l.name, "depthwise_kernel", "depthwise_kernel" + context);
        if (depthwise && use_bias) attach_weight(l, dw, "bias");
        out.back() = int(shape.back() * multiplier);
        m_shape[dw_name] = out;
        if (separable) {
            last = l.name + "_pointwise";
            Node& pw = add_node(l, dims == 1 ? "conv1d" : "conv2d", last, dw_name);
            pw.params["filters"] = filters;
            pw.params["kernel_size"] = std::vector<int64_t>(size_t(dims), 1);
            pw.params["strides"] = std::vector<int64_t>(size_t(dims), 1);
            pw.weights["kernel"] = m_weights.read(l.name, "pointwise_kernel", "pointwise_kernel" + context);
            if (use_bias) attach_weight(l, pw, "bias");
            out.back() = int(filters);
        }
    }
    m_shape[last] = out;
    auto act = cfg.find("activation");
    if (act == cfg.end() || act->is_null() || (act->is_string() && act->get<std::string>() == "linear")) return;
    const std::string act_name = act->is_string() ? act->get<std::string>() : "activation";
    add_activation_node(l, *act, l.name + "_" + act_name, last, "/config/activation");
}

}  // namespace nnsim
