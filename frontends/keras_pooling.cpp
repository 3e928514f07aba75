// Keras MaxPooling1D/2D, AveragePooling1D/2D -> pooling1d/2d and GlobalMaxPooling1D/2D,
// GlobalAveragePooling1D/2D -> global_pooling1d/2d (keras_layers.hpp). Keras writes pool_size and
// strides as an integer or a list (strides null: the pool size); padding is "valid" or "same". Only
// channels_last data is supported, and global pooling without keepdims.
#include "frontends/keras_layers.hpp"

namespace nnsim {
/// keras_layers.hpp. Shared by the layers whose sizes Keras writes this way.
bool keras_sizes(const nlohmann::json& v, int dims, std::vector<int64_t>& out) {
    out.clear();
    if (v.is_number_integer()) {
        out.assign(size_t(dims), v.get<int64_t>());
        return true;
    }
    if (!v.is_array() || int(v.size()) != dims) return false;
    for (const auto& e : v) {
        if (!e.is_number_integer()) return false;
        out.push_back(e.get<int64_t>());
    }
    return true;
}

void KerasMapper::add_pooling(const KerasLayer& l) {
    const std::string& cls = l.class_name;
    const int dims = keras_image_dims(cls);
    const bool global = cls.rfind("Global", 0) == 0;
    const bool max = cls.find("Max") != std::string::npos;
    const std::string input = input_of(l);
    if (input.empty()) return;
    const nlohmann::json& cfg = *l.config;
    if (!check_channels_last(l)) return;
    if (global && cfg.contains("keepdims") && cfg["keepdims"].is_boolean() && cfg["keepdims"].get<bool>()) {
        fail(l, "keepdims true is not supported (the output is [C])", "/config/keepdims");
        return;
    }
    std::vector<int64_t> pool, strides;
    std::string padding = "valid";
    if (!global) {
        if (!cfg.contains("pool_size") || !keras_sizes(cfg["pool_size"], dims, pool)) {
            fail(l, "pool_size must be an integer or " + std::to_string(dims) + " integers, got " +
                        (cfg.contains("pool_size") ? cfg["pool_size"].dump() : std::string("nothing")),
                 "/config/pool_size");
            return;
        }
        if (cfg.contains("strides") && !cfg["strides"].is_null() && !keras_sizes(cfg["strides"], dims, strides)) {
            fail(l, "strides must be null, an integer or " + std::to_string(dims) + " integers, got " +
                        cfg["strides"].dump(),
                 "/config/strides");
            return;
        }
        if (cfg.contains("padding") && cfg["padding"].is_string()) padding = cfg["padding"].get<std::string>();
    }
    const std::string kind = std::string(global ? "global_pooling" : "pooling") + std::to_string(dims) + "d";
    Node& n = add_node(l, kind.c_str(), l.name, input);
    n.params["op"] = std::string(max ? "max" : "average");
    if (!global) {
        n.params["pool_size"] = pool;
        if (!strides.empty()) n.params["strides"] = strides;
        n.params["padding"] = padding;  // validation rejects anything but valid and same
    }
    // The output shape, for later layers that need it (Flatten); validation checks the sizes.
    auto s = m_shape.find(input);
    if (s == m_shape.end() || int(s->second.size()) != dims + 1) return;
    Shape out = s->second;
    if (global) {
        m_shape[l.name] = Shape{out.back()};
        return;
    }
    if (strides.empty()) strides = pool;
    for (int d = 0; d < dims; ++d) {
        const int64_t in = out[size_t(d)], k = pool[size_t(d)], st = std::max<int64_t>(strides[size_t(d)], 1);
        out[size_t(d)] = int(padding == "same" ? (in + st - 1) / st : (in - k) / st + 1);
    }
    m_shape[l.name] = out;
}

}  // namespace nnsim
