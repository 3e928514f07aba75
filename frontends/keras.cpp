// Keras model JSON -> nnsim graph (keras.hpp): structure, layer mapping and connectivity.
//
// Two passes. read_structure() reads every layer's class, name and producers and reports all problems
// at once (unsupported classes first of all), before any weights are touched. build() then walks the
// layers in file order (Keras writes them topologically sorted), creating nodes and graph inputs and
// tracking, for every Keras layer name, the tensor that now carries its output: a dropped layer
// (Dropout, 1-D Flatten) maps to its input, a Dense with an activation to its activation node; a
// multi-dimensional Flatten becomes a reshape.
#include "frontends/keras.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "core/diag.hpp"
#include "core/registry.hpp"
#include "frontends/file_formats.hpp"
#include "frontends/keras_bnn.hpp"
#include "frontends/keras_layers.hpp"
#include "frontends/keras_weights.hpp"
#include "frontends/qkeras.hpp"

namespace nnsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

/// The producers of a functional layer from its inbound_nodes ([[[name, node, tensor, kwargs], ...]]).
void read_inbound(const json& layer, KerasLayer& l, Diagnostics& diag, const std::string& loc) {
    auto it = layer.find("inbound_nodes");
    if (it == layer.end() || it->is_null()) return;
    const json& nodes = *it;
    const std::string ptr = loc + "/inbound_nodes";
    if (!nodes.is_array()) return diag.error(ptr, "expected an array of inbound nodes");
    if (nodes.size() > 1)
        return diag.error(ptr, "layer '" + l.name + "' is called " + std::to_string(nodes.size()) +
                                   " times; shared layers are not supported yet");
    if (nodes.empty()) return;
    if (!nodes[0].is_array())
        return diag.error(ptr + "/0",
                          "expected [[producer, node_index, tensor_index, kwargs], ...] "
                          "(Keras 2 layout; Keras 3 files are not supported yet)");
    for (size_t k = 0; k < nodes[0].size(); ++k) {
        const json& e = nodes[0][k];
        const std::string ep = ptr + "/0/" + std::to_string(k);
        if (!e.is_array() || e.empty() || !e[0].is_string()) {
            diag.error(ep, "expected [producer, node_index, tensor_index, kwargs]");
            continue;
        }
        const std::string producer = e[0].get<std::string>();
        if ((e.size() > 1 && e[1].is_number_integer() && e[1].get<int64_t>() != 0) ||
            (e.size() > 2 && e[2].is_number_integer() && e[2].get<int64_t>() != 0))
            diag.error(ep, "uses a second call or a second output of layer '" + producer +
                               "'; shared layers and multi-output layers are not supported yet");
        l.inbound.push_back(producer);
    }
}

/// The [name, node, tensor] entries of config.input_layers / output_layers (a single entry may be flat).
std::vector<std::string> layer_list(const json& config, const char* key) {
    std::vector<std::string> out;
    auto it = config.find(key);
    if (it == config.end() || !it->is_array() || it->empty()) return out;
    if ((*it)[0].is_string()) return {(*it)[0].get<std::string>()};
    for (const auto& e : *it)
        if (e.is_array() && !e.empty() && e[0].is_string()) out.push_back(e[0].get<std::string>());
    return out;
}

/// Reads a model JSON's structure, then builds the graph through the per-class mappers.
class KerasImporter {
  public:
    KerasImporter(const json& model, std::string file, std::string prefix)
        : m_model(model), m_file(std::move(file)), m_prefix(std::move(prefix)) {}

    /// Read classes, names and producers of every layer; throw all problems found at once.
    void read_structure();
    /// Build the graph from the structure read, reading weights from `weights`.
    Graph build(const KerasWeightFile& weights, const std::string& name);

  private:
    std::string loc(const std::string& ptr) const { return m_file + ": " + m_prefix + ptr; }
    void read_layer(const json& layer, const std::string& ptr);
    void find_outputs(Graph& g, const KerasMapper& mapper);

    const json& m_model;                      ///< the whole model JSON
    std::string m_file;                       ///< file named in messages
    std::string m_prefix;                     ///< put before JSON pointers ("" or "model_config")
    bool m_sequential = false;                ///< Sequential model: each layer consumes the previous one
    std::vector<KerasLayer> m_layers;         ///< in file order
    std::vector<std::string> m_input_order;   ///< config.input_layers, if given
    std::vector<std::string> m_output_order;  ///< config.output_layers, if given
    Diagnostics m_diag;                       ///< structure problems
};

void KerasImporter::read_layer(const json& layer, const std::string& ptr) {
    if (!layer.is_object() || !layer.contains("class_name") || !layer["class_name"].is_string() ||
        !layer.contains("config") || !layer["config"].is_object()) {
        m_diag.error(loc(ptr), "expected a layer object with \"class_name\" and \"config\"");
        return;
    }
    KerasLayer l;
    l.class_name = layer["class_name"].get<std::string>();
    l.config = &layer["config"];
    l.where = m_prefix + ptr;
    if (layer.contains("name") && layer["name"].is_string()) l.name = layer["name"].get<std::string>();
    else if (l.config->contains("name") && (*l.config)["name"].is_string())
        l.name = (*l.config)["name"].get<std::string>();
    if (l.name.empty()) {
        m_diag.error(loc(ptr), "layer has no name");
        return;
    }
    if (!keras_class_supported(l.class_name))
        m_diag.error(loc(ptr) + " (layer " + l.name + ")",
                     keras_unsupported(l.name, l.class_name));
    if (!m_sequential) read_inbound(layer, l, m_diag, loc(ptr));
    m_layers.push_back(std::move(l));
}

void KerasImporter::read_structure() {
    const std::string cls = m_model.value("class_name", "");
    const json& config = m_model["config"];
    const json* layers = nullptr;
    std::string base;
    if (cls == "Sequential") {
        m_sequential = true;
        if (config.is_array()) layers = &config, base = "/config/";
        else if (config.is_object() && config.contains("layers"))
            layers = &config["layers"], base = "/config/layers/";
    } else if (cls == "Model" || cls == "Functional") {
        if (config.is_object() && config.contains("layers"))
            layers = &config["layers"], base = "/config/layers/";
        m_input_order = layer_list(config, "input_layers");
        m_output_order = layer_list(config, "output_layers");
    } else {
        throw UserError(loc("/class_name") + ": '" + cls +
                        "' is not a Keras model class (expected Model, Functional or Sequential)");
    }
    if (layers == nullptr || !layers->is_array())
        throw UserError(loc("/config") + ": expected " +
                        (m_sequential ? "a list of layers or {\"layers\": [...]}" : "{\"layers\": [...]}"));
    if (layers->empty()) throw UserError(loc("/config") + ": the model has no layers");
    for (size_t i = 0; i < layers->size(); ++i) read_layer((*layers)[i], base + std::to_string(i));
    m_diag.throw_if_errors();

    if (!m_sequential) return;
    // Sequential: chain the layers; without an InputLayer the first layer's batch_input_shape is the input.
    if (m_layers[0].class_name != "InputLayer") {
        KerasLayer in;
        in.class_name = "InputLayer";
        in.name = m_layers[0].name + "_input";
        in.config = m_layers[0].config;
        in.where = m_layers[0].where;
        m_layers.insert(m_layers.begin(), std::move(in));
    }
    for (size_t i = 1; i < m_layers.size(); ++i) m_layers[i].inbound = {m_layers[i - 1].name};
}

Graph KerasImporter::build(const KerasWeightFile& weights, const std::string& name) {
    Graph g;
    g.name = name;
    g.source_file = m_file;
    KerasMapper mapper(g, weights, m_file, m_diag);
    for (const auto& l : m_layers) mapper.add(l);
    m_diag.throw_if_errors();
    // Graph inputs in the order of config.input_layers when given.
    if (!m_input_order.empty()) {
        std::vector<GraphInput> ordered;
        for (const auto& n : m_input_order)
            for (const auto& in : g.inputs)
                if (in.name == n) ordered.push_back(in);
        if (ordered.size() == g.inputs.size()) g.inputs = std::move(ordered);
    }
    find_outputs(g, mapper);
    m_diag.throw_if_errors();
    return g;
}

void KerasImporter::find_outputs(Graph& g, const KerasMapper& mapper) {
    std::vector<std::string> keras_outputs = m_output_order;
    if (keras_outputs.empty()) {
        // No output_layers: the layers nobody consumes, in file order.
        std::set<std::string> consumed;
        for (const auto& l : m_layers)
            for (const auto& p : l.inbound) consumed.insert(p);
        for (const auto& l : m_layers)
            if (!consumed.count(l.name) && l.class_name != "InputLayer") keras_outputs.push_back(l.name);
    }
    for (const auto& k : keras_outputs) {
        const std::string t = mapper.tensor_of(k);
        if (t.empty()) {
            m_diag.error(loc("/config/output_layers"),
                         "output layer '" + k + "' is not a layer of the model");
            continue;
        }
        if (g.find(t) == nullptr) {
            m_diag.error(loc("/config/output_layers"), "output '" + k + "' is a network input, not a layer");
            continue;
        }
        bool seen = false;
        for (const auto& o : g.outputs) seen = seen || o == t;
        if (!seen) g.outputs.push_back(t);
    }
}

}  // namespace

bool looks_like_keras_model(const json& j) {
    return j.is_object() && j.contains("class_name") && j["class_name"].is_string() && j.contains("config");
}

std::string default_keras_weights(const std::string& json_path) {
    const fs::path p(json_path);
    const fs::path dir = p.parent_path();
    const std::string stem = p.stem().string();
    const fs::path first = dir / (stem + "_weights.h5");
    const fs::path second = dir / (stem + ".h5");
    std::error_code ec;
    if (fs::exists(first, ec)) return first.string();
    if (fs::exists(second, ec)) return second.string();
    throw UserError(json_path + ": no weights file found: tried " + first.string() + " and " +
                    second.string() + " (give the weights HDF5 file explicitly)");
}

Graph import_keras_model(const json& model, const std::string& source_file, const std::string& where_prefix,
                         const std::string& name, const std::string& weights_path) {
    if (!looks_like_keras_model(model))
        throw UserError(source_file +
                        ": not a Keras model (expected an object with \"class_name\" and \"config\")");
    QKerasQuantizers quantizers;
    const json lowered = lower_qkeras(model, source_file, quantizers);  // the importer keeps a reference
    KerasImporter importer(lowered, source_file, where_prefix);
    importer.read_structure();
    const KerasWeightFile weights(weights_path);
    Graph g = importer.build(weights, name);
    apply_qkeras_quantizers(g, quantizers);
    apply_hls4ml_binary_passes(g, quantizers);
    return g;
}

Graph import_keras_json(const std::string& json_path, const std::string& weights_path, bool float_qkeras) {
    json model = parse_json_text(read_text_file(json_path), json_path);
    if (float_qkeras) model = qkeras_as_float(model, json_path);
    if (!looks_like_keras_model(model))
        throw UserError(json_path +
                        ": not a Keras model JSON (expected an object with \"class_name\" and \"config\")");
    // Check the structure before looking for weights: an unsupported model is reported as such.
    QKerasQuantizers quantizers;
    const json lowered = lower_qkeras(model, json_path, quantizers);  // the importer keeps a reference
    KerasImporter importer(lowered, json_path, "");
    importer.read_structure();
    const KerasWeightFile weights(weights_path.empty() ? default_keras_weights(json_path) : weights_path);
    Graph g = importer.build(weights, fs::path(json_path).stem().string());
    apply_qkeras_quantizers(g, quantizers);
    apply_hls4ml_binary_passes(g, quantizers);
    return g;
}

Graph import_keras_h5(const std::string& h5_path, const std::string& weights_path, bool float_qkeras) {
    const KerasWeightFile file(h5_path);
    const std::string config = file.model_config();
    if (config.empty())
        throw UserError(h5_path +
                        ": no model_config attribute: this is a weights-only file (model.save_weights); "
                        "load the model JSON and give this file as its weights");
    json model = parse_json_text(config, h5_path + " (attribute model_config)");
    if (float_qkeras) model = qkeras_as_float(model, h5_path);
    const std::string name = fs::path(h5_path).stem().string();
    if (weights_path.empty() || weights_path == h5_path) {
        if (!looks_like_keras_model(model))
            throw UserError(h5_path +
                            ": model_config is not a Keras model (expected \"class_name\" and \"config\")");
        QKerasQuantizers quantizers;
        const json lowered = lower_qkeras(model, h5_path, quantizers);  // the importer keeps a reference
        KerasImporter importer(lowered, h5_path, "model_config");
        importer.read_structure();
        Graph g = importer.build(file, name);
        apply_qkeras_quantizers(g, quantizers);
        apply_hls4ml_binary_passes(g, quantizers);
        return g;
    }
    return import_keras_model(model, h5_path, "model_config", name, weights_path);
}

}  // namespace nnsim
