// Loading a network from any accepted file (load.hpp): detection by content, then the matching reader.
//
// Detection order: HDF5 signature (Keras full-model file), ZIP signature (Keras 3 archive,
// frontends/keras3.hpp), the start of an ONNX protobuf (or a .onnx name: a broken ONNX file is reported as such), then text: JSON when it starts like JSON (nnsim description, Keras model JSON or hls4ml config,
// told apart by their keys), YAML otherwise (hls4ml config).
#include "frontends/load.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/diag.hpp"
#include "core/network_json.hpp"
#include "core/validate.hpp"
#include "frontends/file_formats.hpp"
#include "frontends/hls4ml_config.hpp"
#include "frontends/keras.hpp"
#include "frontends/keras3.hpp"
#include "frontends/onnx.hpp"

namespace nnsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string unrecognized(const std::string& path, const std::string& why) {
    return path + ": not a recognized network file (" + why +
           "): expected an nnsim description (JSON with \"format\": \"nnsim-network\"), a Keras model JSON "
           "(\"class_name\" and \"config\"), a Keras HDF5 model, an ONNX model, or an hls4ml config "
           "(KerasJson/KerasH5/OnnxModel/HLSConfig)";
}

/// Set the precisions the model's quantizers fix: they win over an hls4ml config, as in hls4ml, except
/// those that yield to a config entry naming the layer (HGQ). A graph input's entry is its "result".
void apply_quantizer_precisions(Graph& g) {
    for (const auto& [node, vars] : g.quantizer_precision) {
        Node* n = g.find(node);
        GraphInput* input = nullptr;
        for (auto& in : g.inputs)
            if (in.name == node) input = &in;
        for (const auto& [var, p] : vars) {
            const auto vars_source = g.precision_source.find(node);
            if (p.yields_to_layer_config && vars_source != g.precision_source.end()) {
                const auto source = vars_source->second.find(var);
                if (source != vars_source->second.end() &&
                    source->second.rfind("config HLSConfig/LayerName/", 0) == 0)
                    continue;
            }
            if (n != nullptr) n->precision[var] = p.type;
            else if (input != nullptr && var == "result") input->precision = p.type;
            else continue;
            g.precision_source[node][var] = "quantizer " + p.quantizer;
        }
    }
}

/// Apply LoadOptions::config, if any, to an imported Keras model and validate it.
Graph finish_keras(Graph g, const LoadOptions& opt) {
    if (!opt.config.empty()) apply_hls4ml_config(read_hls4ml_config(opt.config), g);
    apply_quantizer_precisions(g);
    validate_or_throw(g);
    return g;
}

/// Load the model an hls4ml config names, and apply the config to it.
Graph load_from_config(const Hls4mlConfig& cfg, const LoadOptions& opt) {
    if (!opt.config.empty())
        throw UserError(cfg.path +
                        ": is itself an hls4ml config; give it either as the network or as the "
                        "config to apply, not both (" +
                        opt.config + ")");
    std::error_code ec;
    if (!cfg.onnx_model.empty()) {
        if (!cfg.keras_json.empty() || !cfg.keras_h5.empty())
            throw UserError(cfg.path + ": names both an ONNX model (OnnxModel) and a Keras model; give one");
        if (!fs::exists(cfg.onnx_model, ec)) throw UserError(cfg.path + ": OnnxModel: " + cfg.onnx_model + " not found");
        Graph g = import_onnx(cfg.onnx_model, &cfg);
        validate_or_throw(g);
        return g;
    }
    if (!cfg.keras_json.empty() && !fs::exists(cfg.keras_json, ec))
        throw UserError(cfg.path + ": KerasJson: " + cfg.keras_json + " not found");
    if (!cfg.keras_h5.empty() && opt.weights.empty() && !fs::exists(cfg.keras_h5, ec))
        throw UserError(cfg.path + ": KerasH5: " + cfg.keras_h5 + " not found");
    Graph g;
    if (!cfg.keras_json.empty())
        g = import_keras_json(cfg.keras_json, !opt.weights.empty() ? opt.weights : cfg.keras_h5, opt.ignore_quantizers);
    else if (!cfg.keras_h5.empty())
        g = import_keras_h5(cfg.keras_h5, opt.weights, opt.ignore_quantizers);
    else
        throw UserError(cfg.path +
                        ": names no model (expected KerasJson with KerasH5, a full-model KerasH5, or OnnxModel)");
    apply_hls4ml_config(cfg, g);
    apply_quantizer_precisions(g);
    validate_or_throw(g);
    return g;
}

/// A parsed JSON document: an nnsim description, a Keras model or an hls4ml config.
Graph load_json(const json& j, const std::string& path, const LoadOptions& opt) {
    if (j.is_object() && j.contains("format") && j["format"].is_string() &&
        j["format"].get<std::string>() == "nnsim-network") {
        if (!opt.config.empty())
            throw UserError(path +
                            ": is an nnsim description, which carries its own precisions; an hls4ml "
                            "config (" +
                            opt.config + ") applies to Keras models only");
        if (!opt.weights.empty())
            spdlog::warn("{}: an nnsim description names its own weights; {} ignored", path, opt.weights);
        return read_network_file(path);
    }
    if (looks_like_keras_model(j)) return finish_keras(import_keras_json(path, opt.weights, opt.ignore_quantizers), opt);
    if (looks_like_hls4ml_config(j)) return load_from_config(parse_hls4ml_config(j, path), opt);
    throw UserError(unrecognized(path, "JSON without the keys of any of them"));
}

}  // namespace

Graph load_network(const std::string& path, const LoadOptions& opt) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw UserError(path + ": file not found");
    if (fs::is_directory(path, ec)) throw UserError(path + ": is a directory, expected a network file");
    if (has_hdf5_signature(path)) return finish_keras(import_keras_h5(path, opt.weights, opt.ignore_quantizers), opt);
    if (has_zip_signature(path)) {
        if (!opt.weights.empty()) spdlog::warn("{}: a Keras 3 archive holds its own weights; {} ignored", path, opt.weights);
        return finish_keras(import_keras3(path, opt.ignore_quantizers), opt);
    }
    if (has_onnx_signature(path) || fs::path(path).extension() == ".onnx") {
        if (!opt.weights.empty()) spdlog::warn("{}: an ONNX model holds its own weights; {} ignored", path, opt.weights);
        Graph g;
        if (opt.config.empty()) {
            g = import_onnx(path);
        } else {
            const Hls4mlConfig cfg = read_hls4ml_config(opt.config);
            g = import_onnx(path, &cfg);
        }
        validate_or_throw(g);
        return g;
    }
    const std::string text = read_text_file(path);
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) throw UserError(path + ": the file is empty");
    if (text.find('\0') != std::string::npos) throw UserError(unrecognized(path, "binary content"));
    if (looks_like_json(text)) return load_json(parse_json_text(text, path), path, opt);
    const json y = parse_yaml_text(text, path);
    if (looks_like_hls4ml_config(y)) return load_from_config(parse_hls4ml_config(y, path), opt);
    throw UserError(unrecognized(path, "text that is neither JSON nor an hls4ml YAML config"));
}

}  // namespace nnsim
