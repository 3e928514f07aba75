// Applying an hls4ml config to an imported graph (hls4ml_config.hpp): the precedence rules, and the
// inference of `auto` dense accumulators.
//
// Precedence is hls4ml's HLSConfig.get_precision: <layer>_<var>, <layer>_default, <LayerType>_<var>,
// <LayerType>_default, model <var>, model default. Only variables the node's kind declares are looked up;
// a variable with a fixed default (table_t and the softmax tables) is only taken from LayerName or
// LayerType entries that name it, never from a `default` or the model. A variable that follows the input
// (the result of zero padding, cropping, upsampling and reshape; hls4ml gives those layers their input's
// type) is likewise only taken from an entry that names it. Graph inputs are looked up as layers of class
// InputLayer with the one variable `result`.
//
// Separable convolutions: the importer splits a SeparableConv<d>D "<s>" as hls4ml does, into
// "<s>_depthwise" and "<s>_pointwise". As in hls4ml (SeperableToDepthwiseAndConv), each part gets a
// LayerName config derived from the separable layer's (its LayerType SeparableConv<d>D entry updated
// key by key with its LayerName <s> entry): depthwise / depthwise_accum / depthwise_result become the
// depthwise part's weight / accum / result, pointwise / pointwise_accum / pointwise_result the
// pointwise part's; the other part's keys are dropped; everything else (bias, result, default,
// ReuseFactor, Strategy, ...) goes to both. The derived entry replaces a LayerName entry of the part.
//
// `auto` dense accumulator (hls4ml infer_precision.py, _infer_common_precision with n_ops = n_in):
//   W = W_w + W_in + ceil(log2 n_in), I = I_w + I_in + ceil(log2 n_in), signed = s_w | s_in;
//   then with the bias: I = max(I + (s_b & !signed), I_b + (signed & !s_b)) + 1, W = I + max(W - I, F_b);
//   TRN/WRAP, and clipped to the model's `maximum` precision when one is given.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "core/diag.hpp"
#include "core/registry.hpp"
#include "frontends/hls4ml_config.hpp"

namespace nnsim {
namespace {

/// The config levels that apply to one layer (or input), most specific first.
struct LayerLevels {
    const ConfigLevel* name = nullptr;   ///< LayerName/<layer>
    const ConfigLevel* type = nullptr;   ///< LayerType/<class>
    const ConfigLevel* model = nullptr;  ///< Model
};

template <typename Map>
const ConfigLevel* find_level(const Map& levels, const std::string& key) {
    auto it = levels.find(key);
    return it == levels.end() ? nullptr : &it->second;
}

const ConfigPrecision* precision_at(const ConfigLevel* level, const std::string& var) {
    if (level == nullptr) return nullptr;
    auto it = level->precision.find(var);
    return it == level->precision.end() ? nullptr : &it->second;
}

/// The config precision of variable `var` by hls4ml's precedence; nullptr if the config sets none.
const ConfigPrecision* resolve_precision(const LayerLevels& lv, const std::string& var, bool fixed_default) {
    const ConfigLevel* levels[] = {lv.name, lv.type};
    for (const ConfigLevel* level : levels) {
        if (const ConfigPrecision* p = precision_at(level, var)) return p;
        if (fixed_default) continue;  // only set by its own name, at layer level
        if (const ConfigPrecision* p = precision_at(level, "default")) return p;
    }
    if (fixed_default) return nullptr;
    if (const ConfigPrecision* p = precision_at(lv.model, var)) return p;
    return precision_at(lv.model, "default");
}

/// The first set value of a per-level setting along LayerName -> LayerType -> Model.
template <typename T>
std::optional<T> resolve_setting(const LayerLevels& lv, std::optional<T> ConfigLevel::*member) {
    for (const ConfigLevel* level : {lv.name, lv.type, lv.model})
        if (level != nullptr && (level->*member).has_value()) return level->*member;
    return std::nullopt;
}

/// The LayerName config hls4ml derives for part `mine` ("depthwise" or "pointwise") of a separable
/// layer from its LayerType entry `type` and LayerName entry `name` (either may be null).
ConfigLevel separable_part(const ConfigLevel* type, const ConfigLevel* name, const std::string& mine,
                           const std::string& other) {
    ConfigLevel r;
    r.key_path = name != nullptr ? name->key_path : type->key_path;
    // Shallow update, as a Python dict: a LayerName Precision replaces the LayerType one as a whole.
    for (const ConfigLevel* level : {type, name}) {
        if (level == nullptr) continue;
        if (!level->precision.empty()) r.precision = level->precision;
        if (level->reuse_factor) r.reuse_factor = level->reuse_factor;
        if (level->strategy) r.strategy = level->strategy;
        if (level->table_size) r.table_size = level->table_size;
        if (level->implementation) r.implementation = level->implementation;
        if (level->recr_table_size) r.recr_table_size = level->recr_table_size;
        if (level->recurrent_reuse_factor) r.recurrent_reuse_factor = level->recurrent_reuse_factor;
        if (level->is_static) r.is_static = level->is_static;
    }
    std::map<std::string, ConfigPrecision> out;
    for (const auto& [var, p] : r.precision)
        if (var != mine && var.rfind(mine + "_", 0) != 0 && var != other && var.rfind(other + "_", 0) != 0)
            out[var] = p;
    for (const char* v : {"", "_accum", "_result"}) {
        auto it = r.precision.find(mine + v);
        if (it != r.precision.end()) out[*v ? std::string(v + 1) : std::string("weight")] = it->second;
    }
    r.precision = std::move(out);
    return r;
}

int ceil_log2(int64_t n) {
    int k = 0;
    while ((int64_t(1) << k) < n) ++k;
    return k;
}

/// Applies one config to one graph, collecting problems.
class ConfigApplier {
  public:
    ConfigApplier(const Hls4mlConfig& cfg, Graph& g) : m_cfg(cfg), m_graph(g) {}
    void run();

  private:
    void error(const std::string& key_path, const std::string& message) {
        if (m_reported.insert(key_path + message).second) m_diag.error(m_cfg.path + ": " + key_path, message);
    }
    LayerLevels levels_of(const std::string& name, const std::string& cls) const {
        const ConfigLevel* derived = find_level(m_derived, name);
        return {derived != nullptr ? derived : find_level(m_cfg.layer_name, name),
                find_level(m_cfg.layer_type, cls), &m_cfg.model};
    }
    void derive_separable();
    void apply_inputs();
    void apply_node(size_t index);
    void infer_auto_accum(Node& n);
    void warn_unused() const;

    const Hls4mlConfig& m_cfg;         ///< the config applied
    Graph& m_graph;                    ///< the graph changed
    Diagnostics m_diag;                ///< problems found
    std::set<std::string> m_reported;  ///< problems already reported (a model-level one hits every layer)
    std::vector<size_t> m_auto_accum;  ///< nodes whose accumulator is `auto`
    std::map<std::string, ConfigLevel> m_derived;  ///< LayerName configs of separable parts, by part name
    std::set<std::string> m_separable_names;       ///< separable layers split into two parts
    std::set<std::string> m_separable_classes;     ///< their hls4ml classes (SeparableConv2D, ...)
};

void ConfigApplier::derive_separable() {
    std::set<std::string> names;
    for (const auto& n : m_graph.nodes) names.insert(n.name);
    const std::string suffix = "_depthwise";
    for (const auto& dw : m_graph.nodes) {
        const std::string kind = dw.kind->name();
        if (kind.rfind("depthwise_conv", 0) != 0 || dw.name.size() <= suffix.size() ||
            dw.name.compare(dw.name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const std::string stem = dw.name.substr(0, dw.name.size() - suffix.size());
        const std::string dims = kind.substr(kind.size() - 2);  // "1d" or "2d"
        const std::string pw_name = stem + "_pointwise";
        auto pw = std::find_if(m_graph.nodes.begin(), m_graph.nodes.end(), [&](const Node& n) {
            return n.name == pw_name && n.kind->name() == "conv" + dims && n.inputs == std::vector<std::string>{dw.name};
        });
        if (pw == m_graph.nodes.end() || names.count(stem)) continue;
        const std::string cls = "SeparableConv" + dims.substr(0, 1) + "D";
        const ConfigLevel* type = find_level(m_cfg.layer_type, cls);
        const ConfigLevel* name = find_level(m_cfg.layer_name, stem);
        m_separable_names.insert(stem);
        m_separable_classes.insert(cls);
        if (type == nullptr && name == nullptr) continue;
        for (const auto& [part, mine, other] : {std::tuple{dw.name, "depthwise", "pointwise"},
                                                std::tuple{pw_name, "pointwise", "depthwise"}}) {
            if (const ConfigLevel* own = find_level(m_cfg.layer_name, part))
                spdlog::warn("{}: {}: replaced by the config derived from separable layer '{}' (as hls4ml does)",
                             m_cfg.path, own->key_path, stem);
            m_derived[part] = separable_part(type, name, mine, other);
        }
    }
}

void ConfigApplier::run() {
    m_graph.io_type = m_cfg.io_type;
    m_graph.clock_period_ns = m_cfg.clock_period_ns;
    if (!m_cfg.part.empty()) m_graph.part = m_cfg.part;
    // An `auto` model default would reach every variable of every layer: reported once, here.
    if (const ConfigPrecision* def = precision_at(&m_cfg.model, "default")) {
        if (def->is_auto)
            error(def->key_path, "auto precision is supported only for dense accum; the model default "
                                 "must be a type such as ap_fixed<16,6>");
        else
            m_graph.default_precision = def->type;
    }
    m_graph.default_reuse_factor = m_cfg.model.reuse_factor.value_or(1);
    m_graph.default_strategy = m_cfg.model.strategy.value_or(Strategy::kLatency);
    derive_separable();
    apply_inputs();
    for (size_t i = 0; i < m_graph.nodes.size(); ++i) apply_node(i);
    m_diag.throw_if_errors();
    for (size_t i : m_auto_accum) infer_auto_accum(m_graph.nodes[i]);
    m_diag.throw_if_errors();
    warn_unused();
}

void ConfigApplier::apply_inputs() {
    for (auto& in : m_graph.inputs) {
        const LayerLevels lv = levels_of(in.name, "InputLayer");
        const ConfigPrecision* p = resolve_precision(lv, "result", false);
        if (p == nullptr) in.precision = m_graph.default_precision;
        else if (p->is_auto && p == precision_at(&m_cfg.model, "default"))
            continue;  // reported in run()
        else if (p->is_auto)
            error(p->key_path, "auto precision is supported only for dense accum (input '" + in.name + "')");
        else {
            in.precision = p->type;
            m_graph.precision_source[in.name]["result"] = "config " + p->key_path;
        }
    }
}

void ConfigApplier::apply_node(size_t index) {
    Node& n = m_graph.nodes[index];
    const LayerLevels lv = levels_of(n.name, n.kind->hls4ml_class());
    const bool is_dense = n.kind == Registry::instance().find("dense");
    for (const auto& var : n.kind->precision_vars()) {
        const ConfigPrecision* p = resolve_precision(lv, var.name, !var.fixed_default.empty() || var.follows_input);
        if (p == nullptr) {
            if (var.fixed_default.empty() && !var.follows_input) n.precision[var.name] = m_graph.default_precision;
            continue;  // a fixed or input-following default is filled in by validation
        }
        if (!p->is_auto) {
            n.precision[var.name] = p->type;
            m_graph.precision_source[n.name][var.name] = "config " + p->key_path;
        } else if (is_dense && var.name == "accum") {
            m_auto_accum.push_back(index);
            m_graph.precision_source[n.name][var.name] = "config " + p->key_path + " (auto: exact for the layer)";
        } else if (p != precision_at(&m_cfg.model, "default")) {  // an auto model default: reported in run()
            error(p->key_path, "auto precision is supported only for dense accum (layer '" + n.name +
                                   "', variable '" + var.name + "')");
        }
    }
    n.reuse_factor = resolve_setting(lv, &ConfigLevel::reuse_factor).value_or(1);
    n.strategy = resolve_setting(lv, &ConfigLevel::strategy).value_or(Strategy::kLatency);
    // Table size and softmax implementation go to the kind parameters of the same name, if it has them.
    const auto params = n.kind->params();
    auto declares = [&](const char* p) {
        return std::any_of(params.begin(), params.end(), [&](const ParamSpec& s) { return s.name == p; });
    };
    if (auto ts = resolve_setting(lv, &ConfigLevel::table_size)) {
        if (declares("table_size")) n.params["table_size"] = *ts;
        else if (lv.name && lv.name->table_size)
            spdlog::warn("{}: {}/table_size: layer '{}' ({}) has no lookup table; ignored", m_cfg.path,
                         lv.name->key_path, n.name, n.kind->name());
    }
    if (auto impl = resolve_setting(lv, &ConfigLevel::implementation)) {
        if (declares("implementation")) n.params["implementation"] = *impl;
        else if (lv.name && lv.name->implementation)
            spdlog::warn("{}: {}/implementation: layer '{}' ({}) has no implementation choice; ignored",
                         m_cfg.path, lv.name->key_path, n.name, n.kind->name());
    }
    // The recurrent layers' settings, where the kind has them.
    auto param = [&](const char* name, const auto& value) {
        if (value && declares(name)) n.params[name] = *value;
    };
    param("recr_table_size", resolve_setting(lv, &ConfigLevel::recr_table_size));
    param("recurrent_reuse_factor", resolve_setting(lv, &ConfigLevel::recurrent_reuse_factor));
    param("static", resolve_setting(lv, &ConfigLevel::is_static));
    // Variables named at LayerName level that this kind does not have are most likely typos.
    if (lv.name == nullptr) return;
    const auto vars = n.kind->precision_vars();
    for (const auto& [var, p] : lv.name->precision) {
        const std::string& named = var;  // a lambda cannot capture a structured binding before C++20
        const bool known =
            var == "default" ||
            std::any_of(vars.begin(), vars.end(), [&](const PrecisionVarSpec& v) { return v.name == named; });
        if (!known)
            spdlog::warn("{}: {}: layer '{}' ({}) has no precision variable '{}'; ignored", m_cfg.path,
                         p.key_path, n.name, n.kind->name(), var);
    }
}

void ConfigApplier::infer_auto_accum(Node& n) {
    const std::string where =
        resolve_precision(levels_of(n.name, n.kind->hls4ml_class()), "accum", false)->key_path;
    // The input type: a graph input, or the result of an earlier node (validation reports anything else).
    const FixedType* in = nullptr;
    for (const auto& gi : m_graph.inputs)
        if (n.inputs.size() == 1 && gi.name == n.inputs[0]) in = &gi.precision;
    for (const auto& other : m_graph.nodes) {
        if (&other == &n) break;
        if (n.inputs.size() == 1 && other.name == n.inputs[0] && other.precision.count("result"))
            in = &other.precision.at("result");
    }
    auto k = n.weights.find("kernel");
    if (in == nullptr || k == n.weights.end() || k->second.shape.size() != 2) return;  // left to validation
    const FixedType& w = n.precision.at("weight");
    const FixedType& b = n.precision.at("bias");
    const int log_ops = ceil_log2(std::max<int64_t>(1, k->second.shape[0]));
    FixedType acc;
    acc.width = w.width + in->width + log_ops;
    acc.integer = w.integer + in->integer + log_ops;
    acc.is_signed = w.is_signed || in->is_signed;
    // hls4ml always counts the bias (zero when the layer has none).
    const int frac = acc.width - acc.integer;
    acc.integer = std::max(acc.integer + int(b.is_signed && !acc.is_signed),
                           b.integer + int(acc.is_signed && !b.is_signed)) +
                  1;
    acc.width = acc.integer + std::max(frac, b.frac());
    acc.is_signed = acc.is_signed || b.is_signed;
    if (const ConfigPrecision* max = precision_at(&m_cfg.model, "maximum"); max && !max->is_auto) {
        acc.width = std::min(acc.width, max->type.width);
        acc.integer = std::min(acc.integer, max->type.integer);
        acc.is_signed = max->type.is_signed;
        if (max->type.round != RoundMode::kTrn) acc.round = max->type.round;
        if (max->type.overflow != OverflowMode::kWrap) acc.overflow = max->type.overflow;
        if (max->type.sat_bits != 0) acc.sat_bits = max->type.sat_bits;
    }
    if (acc.width > 64 || acc.width < 1)
        return error(where,
                     "auto accum of layer '" + n.name + "' would be " + std::to_string(acc.width) +
                         " bits wide (at most 64); set a Model Precision 'maximum' or an explicit accum");
    n.precision["accum"] = acc;
}

void ConfigApplier::warn_unused() const {
    std::set<std::string> names, classes;
    for (const auto& in : m_graph.inputs) names.insert(in.name), classes.insert("InputLayer");
    for (const auto& n : m_graph.nodes) names.insert(n.name), classes.insert(n.kind->hls4ml_class());
    names.insert(m_separable_names.begin(), m_separable_names.end());
    classes.insert(m_separable_classes.begin(), m_separable_classes.end());
    for (const auto& [name, level] : m_cfg.layer_name)
        if (!names.count(name))
            spdlog::warn("{}: {}: no layer or input named '{}' in the model; ignored", m_cfg.path,
                         level.key_path, name);
    for (const auto& [cls, level] : m_cfg.layer_type)
        if (!classes.count(cls))
            spdlog::warn("{}: {}: no layer of class '{}' in the model; ignored", m_cfg.path, level.key_path,
                         cls);
}

}  // namespace

void apply_hls4ml_config(const Hls4mlConfig& cfg, Graph& g) {
    ConfigApplier applier(cfg, g);
    applier.run();
}

}  // namespace nnsim
