// Reading hls4ml config files (hls4ml_config.hpp). Applying them is in hls4ml_config_apply.cpp.
//
// The YAML or JSON text becomes one JSON tree (file_formats.hpp), which is checked key by key. Every
// problem is collected with its key path and reported at once; keys hls4ml knows but nnsim does not use
// (Trace, Compression, WriterConfig, ...) are ignored quietly, unknown keys with a warning.
#include "frontends/hls4ml_config.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <climits>
#include <cmath>
#include <filesystem>

#include "core/diag.hpp"
#include "core/precision.hpp"
#include "frontends/file_formats.hpp"

namespace nnsim {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

/// Top-level keys hls4ml accepts that do not affect nnsim's model.
const char* const kIgnoredTopKeys[] = {"InputData",  "OutputPredictions", "ClockUncertainty", "WriterConfig",
                                       "Stamp",      "Version",           "OutputPrecision",  "Flows",
                                       "Optimizers", "SkipOptimizers",    "ProjectDir",       "Namespace"};
/// Per-level keys hls4ml accepts that nnsim does not use (yet).
const char* const kIgnoredLevelKeys[] = {"Trace",
                                         "Compression",
                                         "BramFactor",
                                         "TraceOutput",
                                         "PipelineStyle",
                                         "PipelineInterval",
                                         "ConvImplementation",
                                         "ParallelizationFactor",
                                         "TargetCycles",
                                         "skip",
                                         "Skip",
                                         "accum_t_auto",
                                         "InputData",
                                         "OutputPredictions",
                                         "unroll"};

bool in_list(const std::string& key, const char* const* begin, const char* const* end) {
    for (auto p = begin; p != end; ++p)
        if (key == *p) return true;
    return false;
}

std::string lower(const std::string& s) {
    std::string l;
    for (char c : s) l += char(std::tolower(static_cast<unsigned char>(c)));
    return l;
}

/// A scalar as text for messages: strings quoted, numbers as written.
std::string shown(const json& v) {
    return v.is_string() ? "'" + v.get<std::string>() + "'" : v.dump();
}

/// Parses one config tree, collecting problems.
class ConfigReader {
  public:
    ConfigReader(Hls4mlConfig& cfg) : m_cfg(cfg), m_dir(fs::path(cfg.path).parent_path()) {}

    void read(const json& j);
    Diagnostics& diag() { return m_diag; }

  private:
    void error(const std::string& key_path, const std::string& message) {
        m_diag.error(m_cfg.path + ": " + key_path, message);
    }
    /// A model path relative to the config's folder; if nothing is there but the path exists relative to
    /// the working directory (where hls4ml resolves it, e.g. example-models' config-files/), that one.
    std::string resolve(const std::string& file) const {
        const fs::path p(file);
        if (p.is_absolute()) return p.lexically_normal().string();
        const fs::path beside = (m_dir / p).lexically_normal();
        std::error_code ec;
        if (!fs::exists(beside, ec) && fs::exists(p, ec)) return p.lexically_normal().string();
        return beside.string();
    }
    bool get_string(const json& v, const std::string& key_path, std::string& out);
    void read_hls_config(const json& j);
    void read_level(const json& j, ConfigLevel& level);
    void read_precision(const json& v, const std::string& var, const std::string& key_path,
                        ConfigLevel& level);
    bool positive_int(const json& v, const std::string& key_path, int64_t max, int64_t& out);

    Hls4mlConfig& m_cfg;  ///< filled in
    fs::path m_dir;       ///< the config's folder, for relative paths
    Diagnostics m_diag;   ///< problems found
};

bool ConfigReader::get_string(const json& v, const std::string& key_path, std::string& out) {
    if (v.is_string()) out = v.get<std::string>();
    else if (v.is_number())
        out = v.dump();  // e.g. an all-digit ProjectName
    else {
        error(key_path, "expected a string, got " + v.dump());
        return false;
    }
    return true;
}

bool ConfigReader::positive_int(const json& v, const std::string& key_path, int64_t max, int64_t& out) {
    bool ok = false;
    if (v.is_number_integer()) {
        out = v.get<int64_t>();
        ok = true;
    } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>() &&
               std::fabs(v.get<double>()) < 1e15) {
        out = int64_t(v.get<double>());
        ok = true;
    }
    if (!ok || out < 1 || out > max) {
        error(key_path, "must be a positive integer" +
                            (ok && out > max ? " at most " + std::to_string(max) : std::string()) + ", got " +
                            shown(v));
        return false;
    }
    return true;
}

void ConfigReader::read(const json& j) {
    if (!j.is_object())
        return error("(top level)", "expected a mapping of config keys (KerasJson, HLSConfig, ...)");
    std::string xilinx_part;
    for (const auto& [key, v] : j.items()) {
        if (key == "KerasJson" || key == "KerasH5") {
            std::string s;
            if (get_string(v, key, s)) (key == "KerasJson" ? m_cfg.keras_json : m_cfg.keras_h5) = resolve(s);
        } else if (key == "KerasModel") {
            spdlog::warn("{}: KerasModel (a Python Keras object) cannot be read from a file; ignored",
                         m_cfg.path);
        } else if (key == "OnnxModel") {
            std::string s;
            if (get_string(v, key, s)) m_cfg.onnx_model = resolve(s);
        } else if (key == "PytorchModel") {
            error(key, "PyTorch models are not supported yet; export the model to ONNX (OnnxModel) or give a "
                       "Keras model (KerasJson/KerasH5)");
        } else if (key == "OutputDir") {
            get_string(v, key, m_cfg.output_dir);
        } else if (key == "ProjectName") {
            get_string(v, key, m_cfg.project_name);
        } else if (key == "Backend") {
            get_string(v, key, m_cfg.backend);
        } else if (key == "Part") {
            get_string(v, key, m_cfg.part);
        } else if (key == "XilinxPart") {
            get_string(v, key, xilinx_part);
        } else if (key == "ClockPeriod") {
            if (!v.is_number() || !(v.get<double>() > 0) || !std::isfinite(v.get<double>()))
                error(key, "must be a positive number of nanoseconds, got " + shown(v));
            else
                m_cfg.clock_period_ns = v.get<double>();
        } else if (key == "IOType") {
            const std::string t = v.is_string() ? lower(v.get<std::string>()) : "";
            if (t == "io_parallel") m_cfg.io_type = IoType::kParallel;
            else if (t == "io_stream")
                m_cfg.io_type = IoType::kStream;
            else if (t == "io_serial")
                error(key,
                      "io_serial is not supported (hls4ml no longer supports it either); use io_parallel or "
                      "io_stream");
            else
                error(key, "must be io_parallel or io_stream, got " + shown(v));
        } else if (key == "HLSConfig") {
            read_hls_config(v);
        } else if (!in_list(key, std::begin(kIgnoredTopKeys), std::end(kIgnoredTopKeys))) {
            spdlog::warn("{}: unknown top-level key '{}' ignored", m_cfg.path, key);
        }
    }
    if (!xilinx_part.empty()) {
        if (m_cfg.part.empty()) m_cfg.part = xilinx_part;
        else if (m_cfg.part != xilinx_part)
            spdlog::warn("{}: both Part ({}) and XilinxPart ({}) given; using Part", m_cfg.path, m_cfg.part,
                         xilinx_part);
    }
}

void ConfigReader::read_hls_config(const json& j) {
    if (j.is_null()) return;
    if (!j.is_object()) return error("HLSConfig", "expected a mapping with Model, LayerType and LayerName");
    for (const auto& [key, v] : j.items()) {
        if (key == "Model") {
            m_cfg.model.key_path = "HLSConfig/Model";
            read_level(v, m_cfg.model);
        } else if (key == "LayerType" || key == "LayerName") {
            if (v.is_null()) continue;
            if (!v.is_object()) {
                error("HLSConfig/" + key,
                      "expected a mapping from " +
                          std::string(key == "LayerType" ? "layer classes" : "layer names") + " to settings");
                continue;
            }
            auto& levels = key == "LayerType" ? m_cfg.layer_type : m_cfg.layer_name;
            for (const auto& [name, lv] : v.items()) {
                ConfigLevel& level = levels[name];
                level.key_path = "HLSConfig/" + key + "/" + name;
                read_level(lv, level);
            }
        } else if (!in_list(key, std::begin(kIgnoredTopKeys), std::end(kIgnoredTopKeys))) {
            spdlog::warn("{}: unknown key 'HLSConfig/{}' ignored", m_cfg.path, key);
        }
    }
}

void ConfigReader::read_precision(const json& v, const std::string& var, const std::string& key_path,
                                  ConfigLevel& level) {
    if (!v.is_string())
        return error(key_path, "expected a precision such as ap_fixed<16,6>, got " + v.dump());
    ConfigPrecision p;
    p.key_path = key_path;
    const std::string text = v.get<std::string>();
    if (lower(text) == "auto") {
        p.is_auto = true;
    } else {
        std::string err;
        if (!parse_fixed_type(text, p.type, err)) return error(key_path, err);
    }
    auto existing = level.precision.find(var);
    if (existing != level.precision.end() &&
        (existing->second.is_auto != p.is_auto || (!p.is_auto && existing->second.type != p.type)))
        return error(key_path, "conflicts with " + existing->second.key_path);
    level.precision[var] = p;
}

void ConfigReader::read_level(const json& j, ConfigLevel& level) {
    const std::string& kp = level.key_path;
    if (j.is_null()) return;
    if (!j.is_object())
        return error(kp, "expected a mapping of settings (Precision, ReuseFactor, Strategy, ...)");
    for (const auto& [key, v] : j.items()) {
        const std::string at = kp + "/" + key;
        if (key == "Precision") {
            if (v.is_object()) {
                for (const auto& [var, pv] : v.items()) {
                    // Accept hls4ml's type names too: {exp_table_t: ...} means exp_table.
                    const bool has_t = var.size() > 2 && var.compare(var.size() - 2, 2, "_t") == 0;
                    read_precision(pv, has_t ? var.substr(0, var.size() - 2) : var, at + "/" + var, level);
                }
            } else {
                read_precision(v, "default", at, level);
            }
        } else if (key == "ReuseFactor") {
            int64_t rf = 0;
            if (positive_int(v, at, INT_MAX, rf)) level.reuse_factor = int(rf);
        } else if (key == "Strategy") {
            const std::string s = v.is_string() ? lower(v.get<std::string>()) : "";
            if (s == "latency") level.strategy = Strategy::kLatency;
            else if (s == "resource")
                level.strategy = Strategy::kResource;
            else if (s == "resourceunrolled" || s == "resource_unrolled" || s == "distributed_arithmetic" ||
                     s == "da")
                error(at, "strategy " + shown(v) + " is not supported yet (supported: Latency, Resource)");
            else if ((s == "stable" || s == "legacy" || s == "argmax") && !level.implementation)
                level.implementation = s;  // older hls4ml configs give a softmax's implementation as its Strategy
            else
                error(at, "must be Latency or Resource, got " + shown(v));
        } else if (key == "table_size") {
            int64_t ts = 0;
            if (positive_int(v, at, int64_t(1) << 20, ts)) level.table_size = ts;
        } else if (key == "recr_table_size" || key == "RecrTableSize") {
            int64_t ts = 0;
            if (positive_int(v, at, int64_t(1) << 20, ts)) level.recr_table_size = ts;
        } else if (key == "RecurrentReuseFactor" || key == "recurrent_reuse_factor") {
            int64_t rf = 0;
            if (positive_int(v, at, INT_MAX, rf)) level.recurrent_reuse_factor = rf;
        } else if (key == "static" || key == "Static") {
            if (v.is_boolean()) level.is_static = v.get<bool>();
            else error(at, "must be true or false, got " + shown(v));
        } else if (key == "implementation") {
            std::string s;
            if (get_string(v, at, s)) level.implementation = s;
        } else if (key.size() > 2 && key.compare(key.size() - 2, 2, "_t") == 0) {
            read_precision(v, key.substr(0, key.size() - 2), at, level);  // hls4ml style: exp_table_t: ...
        } else if (!in_list(key, std::begin(kIgnoredLevelKeys), std::end(kIgnoredLevelKeys))) {
            spdlog::warn("{}: unknown key '{}' ignored", m_cfg.path, at);
        }
    }
}

}  // namespace

bool looks_like_hls4ml_config(const json& j) {
    if (!j.is_object()) return false;
    for (const char* k : {"KerasJson", "KerasH5", "KerasModel", "OnnxModel", "PytorchModel", "HLSConfig"})
        if (j.contains(k)) return true;
    return false;
}

Hls4mlConfig parse_hls4ml_config(const json& j, const std::string& path) {
    Hls4mlConfig cfg;
    cfg.path = path;
    cfg.model.key_path = "HLSConfig/Model";
    ConfigReader reader(cfg);
    reader.read(j);
    reader.diag().throw_if_errors();
    return cfg;
}

Hls4mlConfig read_hls4ml_config(const std::string& path) {
    const std::string text = read_text_file(path);
    const json j = looks_like_json(text) ? parse_json_text(text, path) : parse_yaml_text(text, path);
    if (!looks_like_hls4ml_config(j))
        throw UserError(path +
                        ": not an hls4ml config (expected keys such as KerasJson, KerasH5 and HLSConfig)");
    return parse_hls4ml_config(j, path);
}

}  // namespace nnsim
