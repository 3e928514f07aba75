// The lowering of QKeras layers to their float Keras classes and the application of their quantizers
// to the imported graph (qkeras.hpp); the quantizers themselves are in qkeras_quantizer.cpp.
#include "frontends/qkeras.hpp"

#include <algorithm>
#include <set>

#include "core/diag.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {
namespace {

using json = nlohmann::json;

const std::map<std::string, std::string>& float_classes() {
    static const std::map<std::string, std::string> k = {
        {"QDense", "Dense"},         {"QConv1D", "Conv1D"},
        {"QConv2D", "Conv2D"},       {"QDepthwiseConv2D", "DepthwiseConv2D"},
        {"QSeparableConv1D", "SeparableConv1D"}, {"QSeparableConv2D", "SeparableConv2D"},
        {"QActivation", "Activation"}, {"QLSTM", "LSTM"}, {"QGRU", "GRU"}, {"QSimpleRNN", "SimpleRNN"},
        {"QBatchNormalization", "BatchNormalization"}};
    return k;
}

/// The quantizer keys of a Q-layer's config and the weight each one quantizes.
const std::map<std::string, std::string>& weight_quantizer_keys() {
    static const std::map<std::string, std::string> k = {{"kernel_quantizer", "kernel"},
                                                         {"bias_quantizer", "bias"},
                                                         {"depthwise_quantizer", "depthwise_kernel"},
                                                         {"pointwise_quantizer", "pointwise_kernel"},
                                                         {"recurrent_quantizer", "recurrent_kernel"}};
    return k;
}

}  // namespace

json lower_qkeras(const json& model, const std::string& source_file, QKerasQuantizers& found) {
    json m = model;
    if (!m.is_object() || !m.contains("config")) return m;
    json* layers = &m["config"];
    std::string base = "/config";
    if (layers->is_object() && layers->contains("layers")) layers = &(*layers)["layers"], base += "/layers";
    if (!layers->is_array()) return m;
    for (size_t i = 0; i < layers->size(); ++i) {
        json& l = (*layers)[i];
        if (!l.is_object() || !l.contains("class_name") || !l["class_name"].is_string() || !l.contains("config") ||
            !l["config"].is_object())
            continue;
        const auto it = float_classes().find(l["class_name"].get<std::string>());
        if (it == float_classes().end()) continue;
        json& c = l["config"];
        const std::string name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : "";
        const std::string where = base + "/" + std::to_string(i) + "/config";
        auto& q = found[name];
        if (c.contains("state_quantizer") && !c["state_quantizer"].is_null())
            throw UserError(source_file + ": " + where + "/state_quantizer (layer '" + name +
                            "'): a state quantizer is not supported yet (the state keeps the layer's state and result "
                            "precisions)");
        c.erase("state_quantizer");
        // QBatchNormalization: its gamma, beta, mean and variance quantizers quantize those parameters
        // (QKeras's inference values); the batchnorm kind then folds them into its scale and bias, as
        // hls4ml does.
        static const std::map<std::string, std::string> bn_keys = {{"gamma_quantizer", "gamma"},
                                                                   {"beta_quantizer", "beta"},
                                                                   {"mean_quantizer", "moving_mean"},
                                                                   {"variance_quantizer", "moving_variance"}};
        for (const auto& [key, weight] : bn_keys) {
            if (c.contains(key) && !c[key].is_null()) {
                QKerasQuantizer bq = parse_qkeras_quantizer(c[key], source_file, where + "/" + key, name);
                if (bq.kind != "quantized_bits" && bq.kind != "quantized_po2" && bq.kind != "quantized_relu")
                    throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): " + bq.kind +
                                    " as a batch-normalization parameter quantizer is not supported");
                if (!bq.alpha.empty())
                    throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name +
                                    "'): alpha " + bq.alpha + " is supported for kernels only");
                q["bn_" + weight] = bq;
            }
            c.erase(key);
        }
        for (const auto& [key, weight] : weight_quantizer_keys()) {
            if (!c.contains(key) || c[key].is_null()) continue;
            q[weight] = parse_qkeras_quantizer(c[key], source_file, where + "/" + key, name);
            const bool alpha_layer = it->first == "QDense" || it->first == "QConv1D" || it->first == "QConv2D";
            if (!q[weight].alpha.empty() && (weight != "kernel" || !alpha_layer))
                throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): alpha " +
                                q[weight].alpha + " is supported for the kernel of QDense and QConv1D/2D only (as in hls4ml)");
            if (q[weight].kind == "quantized_tanh" || q[weight].kind == "quantized_sigmoid")
                throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): " + q[weight].kind +
                                " is an activation quantizer; as a weight quantizer it is not supported");
            c.erase(key);
        }
        if (c.contains("activation")) {
            const json& a = c["activation"];
            static const std::set<std::string> bare = {"binary", "stochastic_binary", "ternary", "stochastic_ternary",
                                                       "bernoulli"};  // QKeras quantizers named without arguments
            const bool quantizer = a.is_object() || (a.is_string() && a.get<std::string>().find('(') != std::string::npos) ||
                                   (a.is_string() && a.get<std::string>().rfind("quantized_", 0) == 0) ||
                                   (a.is_string() && bare.count(a.get<std::string>()));
            if (quantizer) {
                const QKerasQuantizer aq = parse_qkeras_quantizer(a, source_file, where + "/activation", name);
                if (aq.kind == "quantized_po2")
                    throw UserError(source_file + ": " + where + "/activation (layer '" + name +
                                    "'): quantized_po2 as an activation is not supported yet (its results are powers "
                                    "of two, hls4ml's exponent type)");
                const bool hard = (aq.kind == "quantized_tanh" || aq.kind == "quantized_sigmoid") && !aq.use_real;
                if (it->first != "QActivation" && aq.kind != "quantized_relu")
                    throw UserError(source_file + ": " + where + "/activation (layer '" + name + "'): " + aq.kind +
                                    " as the activation of a " + it->first +
                                    " is not supported yet (a QActivation after the layer is)");
                q["activation"] = aq;
                // binary, ternary: hls4ml's binary_tanh (x > 0 ? 1 : -1; QKeras gives +1 for x = 0) and
                // ternary_tanh (thresholds +-1; QKeras's default threshold is 0.33).
                // quantized_tanh/sigmoid: hls4ml's HardActivation (slope and shift 0.5, set by
                // apply_qkeras_quantizers), or with use_real_* the tanh/sigmoid tables.
                c["activation"] = aq.kind == "quantized_relu"      ? "relu"
                                  : aq.kind == "binary"            ? "binary_tanh"
                                  : aq.kind == "ternary"           ? "ternary_tanh"
                                  : aq.kind == "quantized_tanh"    ? (hard ? "hard_tanh" : "tanh")
                                  : aq.kind == "quantized_sigmoid" ? (hard ? "hard_sigmoid" : "sigmoid")
                                                                   : "linear";
            }
        }
        l["class_name"] = it->second;
    }
    return m;
}

void apply_qkeras_quantizers(Graph& g, const QKerasQuantizers& q) {
    std::map<std::string, Node*> by_name;
    for (Node& n : g.nodes) by_name[n.name] = &n;
    auto node = [&](const std::string& name) -> Node* {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : it->second;
    };
    auto set_weight = [&](Node* n, const char* weight, const char* var, const QKerasQuantizer& quant) {
        if (n == nullptr) return;
        auto w = n->weights.find(weight);
        if (w == n->weights.end()) return;
        for (double& v : w->second.data) v = quant.quantize(v);
        w->second.file.clear(), w->second.dataset.clear();  // quantized: no longer the file's values
        g.quantizer_precision[n->name][var] = {quant.weight_type(), quant.text};
    };
    std::vector<std::pair<std::string, const QKerasQuantizer*>> alpha_layers;
    for (const auto& [layer, roles] : q) {
        // Separable layers are split into "<layer>_depthwise" and "<layer>_pointwise" (keras_conv.cpp).
        Node* own = node(layer);
        Node* dw = own ? own : node(layer + "_depthwise");
        Node* last = own ? own : node(layer + "_pointwise");
        for (const auto& [role, quant] : roles) {
            if (role.rfind("bn_", 0) == 0 && own != nullptr) {  // a QBatchNormalization parameter
                auto w = own->weights.find(role.substr(3));
                if (w == own->weights.end()) continue;
                for (double& v : w->second.data) v = quant.quantize(v);
                w->second.file.clear(), w->second.dataset.clear();
                continue;
            }
            if (role == "kernel" && !quant.alpha.empty()) alpha_layers.emplace_back(layer, &quant);
            else if (role == "kernel") set_weight(own, "kernel", "weight", quant);
            else if (role == "depthwise_kernel") set_weight(dw, "kernel", "weight", quant);
            else if (role == "pointwise_kernel") set_weight(node(layer + "_pointwise"), "kernel", "weight", quant);
            else if (role == "recurrent_kernel") set_weight(own, "recurrent_kernel", "recurrent_weight", quant);
            else if (role == "bias") {
                set_weight(last, "bias", "bias", quant);
                set_weight(last, "recurrent_bias", "recurrent_bias", quant);  // a GRU's second bias row
            }
        }
        auto act = roles.find("activation");
        if (act == roles.end() || last == nullptr) continue;
        // A QActivation is its own node; a Q-layer's quantized_relu is split off as "<layer>_relu".
        Node* target = last->weights.empty() ? last : node(last->name + "_relu");
        if (target == nullptr) continue;
        g.quantizer_precision[target->name]["result"] = {act->second.activation_type(), act->second.text};
        const auto params = target->kind->params();
        const bool has_slope =
            std::any_of(params.begin(), params.end(), [](const ParamSpec& p) { return p.name == "slope"; });
        if (has_slope) {  // QKeras's hard_sigmoid: slope and shift 0.5, in ufixed<2,0>
            FixedType half;
            half.width = 2, half.integer = 0, half.is_signed = false;
            target->params["slope"] = 0.5;
            target->params["shift"] = 0.5;
            g.quantizer_precision[target->name]["slope"] = {half, act->second.text};
            g.quantizer_precision[target->name]["shift"] = {half, act->second.text};
        }
    }
    // alpha auto/auto_po2: the kernel on the quantizer's grid, the scale in a layer after it (inserted
    // last: the node pointers above stay valid until then).
    for (const auto& [layer, quant] : alpha_layers) {
        Node* n = g.find(layer);  // not by_name: each insertion moves the nodes
        if (n == nullptr || !n->weights.count("kernel")) continue;
        WeightTensor& k = n->weights["kernel"];
        const AlphaSplit split = qkeras_alpha_split(k, *quant);
        k.data = split.grid;
        k.file.clear(), k.dataset.clear();
        g.quantizer_precision[layer]["weight"] = {quant->weight_type(), quant->text};
        insert_alpha_layer(g, layer, split.scale, *quant);
    }
}

}  // namespace nnsim
