// HGQ proxy models (keras_layers.hpp add_fixed_point_quantizer): a Keras model whose layers are
// followed by FixedPointQuantizer layers, each holding per-element masks (keep_negative, bits, integers
// as int8 weights) and, in its config, `overrides`: the hls4ml precisions (result_t, weight_t, bias_t,
// accum_t, table_t) and table sizes of the layers before it. As hls4ml's proxy-model flow does:
//  - every override sets that layer's precision (source "quantizer HGQ ..."), unless an hls4ml config
//    names the layer's variable itself (then the config wins, where QKeras's quantizers would not);
//  - a quantizer marked `fusible` (homogeneous: the layer before already casts to its type) is removed;
//  - any other becomes a fixed_point_quantizer node with the masks broadcast to its input's shape.
// The kernels in the file are already quantized by HGQ; the weight_t overrides hold them exactly.
#include <algorithm>

#include "core/precision.hpp"
#include "core/registry.hpp"
#include "frontends/keras_layers.hpp"
#include "frontends/keras_weights.hpp"

namespace nnsim {
namespace {

using nlohmann::json;

/// Broadcast a mask of shape [1, m1, ..., mk] (numpy rules, aligned right) to the tensor shape `to`;
/// returns false if the shapes are incompatible.
bool broadcast_mask(const WeightTensor& mask, const Shape& to, std::vector<int64_t>& out) {
    Shape from = mask.shape;
    if (!from.empty() && from.size() > to.size()) {  // the leading batch axis
        if (from[0] != 1) return false;
        from.erase(from.begin());
    }
    if (from.size() > to.size()) return false;
    from.insert(from.begin(), to.size() - from.size(), 1);
    for (size_t a = 0; a < to.size(); ++a)
        if (from[a] != 1 && from[a] != to[a]) return false;
    const int64_t n = shape_size(to);
    out.assign(size_t(n), 0);
    for (int64_t i = 0; i < n; ++i) {
        int64_t rest = i, src = 0, stride = 1;
        for (size_t a = to.size(); a-- > 0;) {
            const int64_t idx = rest % to[a];
            rest /= to[a];
            if (from[a] != 1) src += idx * stride;
            stride *= from[a];
        }
        out[size_t(i)] = int64_t(mask.data[size_t(src)]);
    }
    if (std::all_of(out.begin(), out.end(), [&](int64_t v) { return v == out[0]; })) out.resize(1);
    return true;
}

}  // namespace

void KerasMapper::apply_hgq_overrides(const KerasLayer& l) {
    const auto ov = l.config->find("overrides");
    if (ov == l.config->end() || ov->is_null()) return;
    const std::string base = "/config/overrides/layers";
    if (!ov->is_object() || !ov->contains("layers") || !(*ov)["layers"].is_object()) {
        fail(l, "overrides must be an object {\"layers\": {layer: {variable: precision}}}, got " + ov->dump(),
             "/config/overrides");
        return;
    }
    const std::string source = "HGQ FixedPointQuantizer " + l.name;
    for (const auto& [target, conf] : (*ov)["layers"].items()) {
        if (!conf.is_object()) {
            fail(l, "expected an object of precisions, got " + conf.dump(), base + "/" + target);
            continue;
        }
        // The target: a graph input, a node, or a layer the import removed (skipped, as hls4ml does).
        const GraphInput* input = nullptr;
        for (const auto& in : m_graph.inputs)
            if (in.name == target) input = &in;
        const Node* node = m_graph.find(target);
        if (node == nullptr && input == nullptr) node = m_graph.find(tensor_of(target));
        if (node == nullptr && input == nullptr && target != l.name) continue;
        for (const auto& [key, value] : conf.items()) {
            const std::string field = base + "/" + target + "/" + key;
            if (key == "table_size" && node != nullptr && node->has_param("table_size")) {
                if (!value.is_number_integer() || value.get<int64_t>() < 1) {
                    fail(l, "table_size must be a positive integer, got " + value.dump(), field);
                    continue;
                }
                m_graph.find(node->name)->params["table_size"] = value.get<int64_t>();
                continue;
            }
            if (key.size() < 3 || key.compare(key.size() - 2, 2, "_t") != 0) continue;  // _accum_multiplicity, ...
            const std::string var = key.substr(0, key.size() - 2);
            FixedType type;
            std::string error;
            if (!value.is_string() || !parse_fixed_type(value.get<std::string>(), type, error)) {
                fail(l, value.is_string() ? error : "expected a precision string, got " + value.dump(), field);
                continue;
            }
            std::string name = target;
            if (input != nullptr) {
                if (var != "result") continue;
            } else if (node != nullptr) {
                const auto vars = node->kind->precision_vars();
                if (std::none_of(vars.begin(), vars.end(), [&](const PrecisionVarSpec& v) { return v.name == var; }))
                    continue;  // a variable the kind does not have (hls4ml skips it too)
                name = node->name;
            } else if (var != "result") {
                continue;  // the quantizer itself has only a result type
            }
            m_graph.quantizer_precision[name][var] = {type, source, /*yields_to_layer_config=*/true};
        }
    }
}

void KerasMapper::add_fixed_point_quantizer(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    bool fusible = false;
    if (!bool_field(l, "fusible", false, fusible)) return;
    std::string modes[2] = {"TRN", "WRAP"};
    const char* keys[2] = {"RND", "SAT"};
    for (int k = 0; k < 2; ++k) {
        auto it = l.config->find(keys[k]);
        if (it == l.config->end() || it->is_null()) continue;
        RoundMode r;
        OverflowMode o;
        const bool ok = it->is_string() && (k == 0 ? parse_round_mode(it->get<std::string>(), r)
                                                   : parse_overflow_mode(it->get<std::string>(), o));
        if (!ok) {
            fail(l, std::string("unknown ") + (k == 0 ? "rounding" : "saturation") + " mode " + it->dump() +
                        (k == 0 ? " (expected TRN, RND, RND_CONV, ...)" : " (expected WRAP, SAT, SAT_SYM, ...)"),
                 std::string("/config/") + keys[k]);
            return;
        }
        modes[k] = it->get<std::string>();
    }
    if (fusible) {
        apply_hgq_overrides(l);
        m_tensor[l.name] = input;  // the layer before casts to the same type already
        return;
    }
    auto s = m_shape.find(input);
    if (s == m_shape.end()) {
        fail(l, "the shape of its input is unknown");
        return;
    }
    const Shape shape = s->second;
    Node& n = add_node(l, "fixed_point_quantizer", l.name, input);
    for (const char* mask : {"keep_negative", "bits", "integers"}) {
        const WeightTensor w = m_weights.read(l.name, mask, std::string(mask) + " of layer '" + l.name + "' (" + l.class_name + ")");
        std::vector<int64_t> values;
        if (!broadcast_mask(w, shape, values)) {
            fail(l, std::string("mask ") + mask + " of shape " + shape_to_string(w.shape) +
                        " does not broadcast to the input shape " + shape_to_string(shape));
            return;
        }
        n.params[mask] = values;
    }
    n.params["rounding"] = modes[0];
    n.params["saturation"] = modes[1];
    apply_hgq_overrides(l);
}

}  // namespace nnsim
