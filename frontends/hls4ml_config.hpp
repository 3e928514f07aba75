// hls4ml configuration files (YAML, or the equivalent JSON): reading them and applying them to a graph.
//
// Top-level keys: KerasJson, KerasH5, OnnxModel (paths relative to the config file's folder; when nothing is there,
// relative to the working directory as hls4ml resolves them), KerasModel (a Python object: ignored with a
// warning), OutputDir, ProjectName, Part (XilinxPart is its legacy alias), ClockPeriod, IOType
// (io_parallel | io_stream), Backend, and HLSConfig {Model, LayerType, LayerName}.
// Each HLSConfig level may set Precision (a string, or a dict keyed by variable: weight, bias, result,
// accum, table, exp_table, inv_table, default, ...), `<var>_t` keys (exp_table_t: ap_fixed<18,8>),
// table_size, implementation, ReuseFactor and Strategy.
//
// Precedence, exactly as hls4ml's HLSConfig.get_precision, for each variable a node's kind declares:
//   LayerName <layer> <var> -> <layer> default -> LayerType <class> <var> -> <class> default
//   -> Model <var> -> Model default -> fixed<16,6>
// where <class> is the kind's hls4ml layer class. A variable with a fixed default (hls4ml's table_t,
// exp_table_t, inv_table_t, inv_inp_t) keeps it unless set by its own name at LayerName or LayerType
// level. ReuseFactor, Strategy, table_size and implementation follow LayerName -> LayerType -> Model.
// Defaults when absent, as hls4ml: Precision fixed<16,6>, ReuseFactor 1, Strategy Latency, IOType
// io_parallel, ClockPeriod 5. `auto` is accepted for a dense accumulator only, and replaced by hls4ml's
// inference rule (hls4ml_reference.md section 1.5).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/graph.hpp"

namespace nnsim {

/// A precision as written in a config: a fixed-point type, or "auto".
struct ConfigPrecision {
    FixedType type;        ///< the parsed type (meaningless when is_auto)
    bool is_auto = false;  ///< written as "auto"
    std::string key_path;  ///< where it was written, e.g. "HLSConfig/LayerName/fc1/Precision/weight"
};

/// One level of HLSConfig: Model, LayerType/<class> or LayerName/<layer>. Absent keys stay empty.
struct ConfigLevel {
    std::string key_path;  ///< "HLSConfig/Model", "HLSConfig/LayerName/fc1", ...
    std::map<std::string, ConfigPrecision>
        precision;                              ///< by variable ("weight", "exp_table", ...) or "default"
    std::optional<int> reuse_factor;            ///< ReuseFactor
    std::optional<Strategy> strategy;           ///< Strategy
    std::optional<int64_t> table_size;          ///< table_size (activation lookup tables)
    std::optional<std::string> implementation;  ///< softmax implementation (stable, latency, argmax)
    std::optional<int64_t> recr_table_size;     ///< recr_table_size (the gates' table of a recurrent layer)
    std::optional<int64_t> recurrent_reuse_factor;  ///< RecurrentReuseFactor (recurrent layers)
    std::optional<bool> is_static;              ///< static / Static (recurrent layers: one cell for all steps)
};

/// A parsed hls4ml config file.
struct Hls4mlConfig {
    std::string path;                    ///< the config file, named in messages
    std::string keras_json;              ///< KerasJson resolved against the config's folder; empty if absent
    std::string keras_h5;                ///< KerasH5 resolved likewise; empty if absent
    std::string onnx_model;              ///< OnnxModel resolved likewise; empty if absent
    std::string output_dir;              ///< OutputDir as written
    std::string project_name;            ///< ProjectName as written
    std::string part;                    ///< Part (or legacy XilinxPart); empty if absent
    std::string backend;                 ///< Backend as written (Vivado, Vitis, ...)
    double clock_period_ns = 5.0;        ///< ClockPeriod
    IoType io_type = IoType::kParallel;  ///< IOType
    ConfigLevel model;                   ///< HLSConfig/Model
    std::map<std::string, ConfigLevel> layer_type;  ///< HLSConfig/LayerType, by hls4ml layer class
    std::map<std::string, ConfigLevel> layer_name;  ///< HLSConfig/LayerName, by layer (or input) name
};

/// Whether a parsed document looks like an hls4ml config (a mapping with KerasJson, KerasH5, KerasModel,
/// OnnxModel, PytorchModel or HLSConfig).
bool looks_like_hls4ml_config(const nlohmann::json& j);

/// Read a config file, YAML or JSON (told apart by content). Throws UserError with every problem, each
/// naming the file and the key path ("cfg.yml: HLSConfig/Model/ReuseFactor: must be a positive integer,
/// got 0"); malformed YAML or JSON is reported with its line and column.
Hls4mlConfig read_hls4ml_config(const std::string& path);

/// Parse an already loaded config tree (from YAML or JSON); `path` is used in messages and to resolve
/// relative paths.
Hls4mlConfig parse_hls4ml_config(const nlohmann::json& j, const std::string& path);

/// Apply a config to an imported graph: precisions, reuse factors, strategies, table sizes, IO type,
/// clock period and part, then resolve `auto` dense accumulators. LayerName entries that match no layer
/// or input are warnings. The graph is validated afterwards by the caller.
void apply_hls4ml_config(const Hls4mlConfig& cfg, Graph& g);

}  // namespace nnsim
