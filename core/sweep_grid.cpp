// The grid of a sweep (sweep.hpp): built-in kinds, spec files, enumeration, applying a point.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/diag.hpp"
#include "core/precision.hpp"
#include "core/sweep.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "frontends/file_formats.hpp"

namespace nnsim {
namespace {

const char* const kBases[] = {"io", "strategy", "precision", "reuse", "fifo", "fifo_depth", "static"};

/// Whether a node's kind has the parameter `param` (the recurrent layers' `static`).
bool declares(const Node& n, const char* param) {
    for (const auto& p : n.kind->params())
        if (p.name == param) return true;
    return false;
}

/// Application order of a setting: io, strategy, precision, reuse, fifo, fifo_depth; a global setting
/// before the per-layer ones of the same base. -1 for an unknown base.
int precedence(const std::string& name) {
    const size_t dot = name.find('.');
    const std::string base = name.substr(0, dot);
    for (int i = 0; i < int(std::size(kBases)); ++i)
        if (base == kBases[i]) return 2 * i + (dot == std::string::npos ? 0 : 1);
    return -1;
}

bool by_precedence(const std::string& a, const std::string& b) {
    const int pa = precedence(a), pb = precedence(b);
    return pa != pb ? pa < pb : a < b;
}

void sort_settings(std::vector<Setting>& s) {
    std::stable_sort(s.begin(), s.end(), [](const Setting& a, const Setting& b) { return by_precedence(a.name, b.name); });
}

std::vector<std::string> to_strings(const std::vector<int>& v) {
    std::vector<std::string> s;
    for (int x : v) s.push_back(std::to_string(x));
    return s;
}

std::string join(const std::vector<int>& v) {
    std::string s;
    for (int x : v) s += (s.empty() ? "" : " ") + std::to_string(x);
    return s;
}

/// A scalar of a spec file as setting text.
std::string scalar_text(const nlohmann::json& v, const std::string& where) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v.get<double>());
        return buf;
    }
    throw UserError(where + ": expected a number or a string");
}

/// Check a setting name against the network: known base, existing layer, existing variable.
void check_name(const std::string& name, const Graph& g, const std::string& where) {
    if (precedence(name) < 0)
        throw UserError(where + ": unknown setting '" + name +
                        "' (expected io, strategy, precision, reuse, fifo, fifo_depth or static, optionally .<layer>)");
    const size_t dot = name.find('.');
    if (dot == std::string::npos) return;
    const std::string base = name.substr(0, dot), rest = name.substr(dot + 1);
    if (base == "io" || base == "fifo") throw UserError(where + ": '" + base + "' applies to the whole network only");
    if (g.find(rest)) return;
    const size_t d2 = rest.rfind('.');
    if (base == "precision" && d2 != std::string::npos && g.find(rest.substr(0, d2))) {
        const Node* n = g.find(rest.substr(0, d2));
        for (const auto& v : n->kind->precision_vars())
            if (v.name == rest.substr(d2 + 1)) return;
        throw UserError(where + ": layer " + n->name + " has no precision variable '" + rest.substr(d2 + 1) + "'");
    }
    throw UserError(where + ": no layer named '" + rest + "' in " + g.name);
}

/// The values of a built-in kind (or of a spec-file keyword) for a setting name.
std::vector<std::string> default_values(const std::string& name, const Graph& g, const std::string& where) {
    const size_t dot = name.find('.');
    const std::string base = name.substr(0, dot);
    if (base == "reuse") {
        if (dot == std::string::npos) return to_strings(global_reuse_factors(g));
        return to_strings(sweep_reuse_factors(g, *g.find(name.substr(dot + 1))));
    }
    if (base == "precision") return default_precisions();
    if (base == "strategy") return {"Latency", "Resource"};
    if (base == "io") return {"io_parallel", "io_stream"};
    if (base == "fifo") return {"0.5", "1", "2", "4"};
    if (base == "static") return {"true", "false"};
    throw UserError(where + ": '" + name + "' has no default values; give a list");
}

void add_axis(SweepGrid& grid, SweepAxis axis, const std::string& where) {
    for (const auto& a : grid.axes)
        if (a.name == axis.name) throw UserError(where + ": '" + axis.name + "' is swept twice");
    if (axis.values.empty()) throw UserError(where + ": '" + axis.name + "' has no values");
    grid.axes.push_back(std::move(axis));
}

void add_kind(SweepGrid& grid, const std::string& kind, const Graph& g, const std::string& where) {
    if (kind == "reuse:layer" || kind == "reuse:per-layer" || kind == "reuse_per_layer") {
        if (reusable_layers(g).empty()) return add_axis(grid, {"reuse", {"1"}}, where);  // nothing to vary
        for (const Node* n : reusable_layers(g))
            add_axis(grid, {"reuse." + n->name, default_values("reuse." + n->name, g, where)}, where);
        return;
    }
    if (kind == "static" && std::none_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return declares(n, "static"); }))
        throw UserError(where + ": 'static' applies to recurrent layers (lstm, gru, simple_rnn); " + g.name + " has none");
    if (kind != "reuse" && kind != "precision" && kind != "strategy" && kind != "io" && kind != "fifo" && kind != "static")
        throw UserError(where + ": unknown sweep kind '" + kind +
                        "' (expected reuse, reuse:layer, precision, strategy, io, fifo, static, or a spec file)");
    add_axis(grid, {kind, default_values(kind, g, where)}, where);
}

SweepGrid read_spec(const std::string& path, const Graph& g) {
    const std::string text = read_text_file(path);
    const nlohmann::json j = looks_like_json(text) ? parse_json_text(text, path) : parse_yaml_text(text, path);
    if (!j.is_object()) throw UserError(path + ": expected a mapping with 'grid', 'sweep' and/or 'points'");
    SweepGrid grid;
    grid.description = path;
    for (const auto& [key, value] : j.items()) {
        const std::string where = path + ": /" + key;
        if (key == "sweep") {
            if (value.is_string()) add_kind(grid, value.get<std::string>(), g, where);
            else if (value.is_array())
                for (const auto& k : value) add_kind(grid, scalar_text(k, where), g, where);
            else throw UserError(where + ": expected a kind or a list of kinds");
        } else if (key == "grid") {
            if (!value.is_object()) throw UserError(where + ": expected a mapping of setting -> values");
            for (const auto& [name, vals] : value.items()) {
                const std::string w = where + "/" + name;
                if (name == "reuse" && vals.is_string() && vals.get<std::string>() == "per_layer") {
                    add_kind(grid, "reuse:layer", g, w);
                    continue;
                }
                check_name(name, g, w);
                SweepAxis axis{name, {}};
                if (vals.is_array()) {
                    for (const auto& v : vals) axis.values.push_back(scalar_text(v, w));
                } else {
                    const std::string s = scalar_text(vals, w);
                    if (s == "valid" || s == "default") axis.values = default_values(name, g, w);
                    else axis.values = {s};
                }
                add_axis(grid, axis, w);
            }
        } else if (key == "points") {
            if (!value.is_array()) throw UserError(where + ": expected a list of points");
            for (size_t i = 0; i < value.size(); ++i) {
                const std::string w = where + "/" + std::to_string(i);
                if (!value[i].is_object()) throw UserError(w + ": expected a mapping of setting -> value");
                std::vector<Setting> point;
                for (const auto& [name, v] : value[i].items()) {
                    check_name(name, g, w + "/" + name);
                    point.push_back({name, scalar_text(v, w + "/" + name)});
                }
                sort_settings(point);
                grid.extra.push_back(point);
            }
        } else {
            throw UserError(where + ": unknown key (expected sweep, grid or points)");
        }
    }
    if (grid.axes.empty() && grid.extra.empty()) throw UserError(path + ": the spec defines no points");
    return grid;
}

}  // namespace

std::vector<int> sweep_reuse_factors(const Graph& g, const Node& n) {
    return n.kind->valid_reuse_factors(n, node_inputs(g, n));
}

std::vector<const Node*> reusable_layers(const Graph& g) {
    std::vector<const Node*> r;
    for (const auto& n : g.nodes)
        if (sweep_reuse_factors(g, n).size() > 1) r.push_back(&n);
    return r;
}

std::vector<int> global_reuse_factors(const Graph& g) {
    std::vector<int> common;
    bool first = true;
    for (const Node* n : reusable_layers(g)) {
        const std::vector<int> v = sweep_reuse_factors(g, *n);
        if (first) common = v;
        else {
            std::vector<int> both;
            std::set_intersection(common.begin(), common.end(), v.begin(), v.end(), std::back_inserter(both));
            common = both;
        }
        first = false;
    }
    if (first) return {1};
    if (common.size() > 1) return common;
    // The layers' lists barely meet (CNNs: a convolution's reuse factors divide K x K x C x F, a batch
    // norm's its channels): powers of two up to the largest valid reuse factor, which each layer reads
    // as its closest valid reuse factor not above it (closest_reuse_factor).
    int most = 1;
    for (const Node* n : reusable_layers(g)) most = std::max(most, sweep_reuse_factors(g, *n).back());
    std::vector<int> pow2;
    for (int64_t r = 1; r <= most; r *= 2) pow2.push_back(int(r));
    return pow2;
}

int closest_reuse_factor(int rf, const std::vector<int>& valid) {
    auto it = std::upper_bound(valid.begin(), valid.end(), rf);
    return it == valid.begin() ? valid.front() : *(it - 1);
}

std::vector<std::string> default_precisions() {
    std::vector<std::string> p;
    for (int w = 6; w <= 20; w += 2)
        for (int i = 3; i <= 8 && i < w; ++i) p.push_back("fixed<" + std::to_string(w) + "," + std::to_string(i) + ">");
    return p;
}

size_t SweepGrid::grid_size() const {
    size_t n = 1;
    for (const auto& a : axes) n *= a.values.size();
    return axes.empty() ? 0 : n;
}

size_t SweepGrid::size() const { return grid_size() + extra.size(); }

std::vector<Setting> SweepGrid::settings(size_t i) const {
    const size_t n = grid_size();
    if (i >= n) return extra.at(i - n);
    std::vector<Setting> s(axes.size());
    for (size_t a = axes.size(); a-- > 0;) {
        const size_t len = axes[a].values.size();
        s[a] = {axes[a].name, axes[a].values[i % len]};
        i /= len;
    }
    return s;  // axes are kept in application order
}

std::string settings_key(const std::vector<Setting>& s) {
    std::string k;
    for (const auto& x : s) k += (k.empty() ? "" : " ") + x.name + "=" + x.value;
    return k.empty() ? "(base)" : k;
}

std::string SweepGrid::key(size_t i) const { return settings_key(settings(i)); }

std::vector<std::string> SweepGrid::columns() const {
    std::vector<std::string> c;
    for (const auto& a : axes) c.push_back(a.name);
    for (const auto& p : extra)
        for (const auto& s : p)
            if (std::find(c.begin(), c.end(), s.name) == c.end()) c.push_back(s.name);
    std::stable_sort(c.begin(), c.end(), by_precedence);
    return c;
}

SweepGrid make_grid(const std::string& arg, const Graph& base) {
    if (arg.empty()) throw UserError("--sweep: expected kinds (reuse, precision, strategy, io, fifo) or a spec file");
    const std::string ext = std::filesystem::path(arg).extension().string();
    if (std::filesystem::is_regular_file(arg) || ext == ".yaml" || ext == ".yml" || ext == ".json") {
        SweepGrid g = read_spec(arg, base);
        std::stable_sort(g.axes.begin(), g.axes.end(),
                         [](const SweepAxis& a, const SweepAxis& b) { return by_precedence(a.name, b.name); });
        return g;
    }
    SweepGrid grid;
    grid.description = "--sweep " + arg;
    size_t start = 0;
    while (start <= arg.size()) {
        size_t end = arg.find(',', start);
        if (end == std::string::npos) end = arg.size();
        const std::string kind = arg.substr(start, end - start);
        if (!kind.empty()) add_kind(grid, kind, base, "--sweep");
        start = end + 1;
    }
    if (grid.axes.empty()) throw UserError("--sweep: no kinds given");
    std::stable_sort(grid.axes.begin(), grid.axes.end(),
                     [](const SweepAxis& a, const SweepAxis& b) { return by_precedence(a.name, b.name); });
    return grid;
}

// ---------------------------------------------------------------------------------------------
// Applying a point

namespace {

Strategy parse_strategy(const std::string& s) {
    if (s == "Latency" || s == "latency") return Strategy::kLatency;
    if (s == "Resource" || s == "resource") return Strategy::kResource;
    throw UserError("strategy: expected Latency or Resource, got '" + s + "'");
}

FixedType parse_precision(const std::string& s) {
    FixedType t;
    std::string err;
    if (!parse_fixed_type(s, t, err)) throw UserError("precision '" + s + "': " + err);
    return t;
}

int parse_positive(const std::string& what, const std::string& s) {
    size_t used = 0;
    long v = 0;
    try {
        v = std::stol(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || v < 1 || v > 1 << 30) throw UserError(what + ": expected a positive integer, got '" + s + "'");
    return int(v);
}

void set_reuse(Node& n, int rf, const std::vector<int>& valid) {
    if (!std::binary_search(valid.begin(), valid.end(), rf))
        throw UserError("reuse factor " + std::to_string(rf) + " is not valid for layer " + n.name + " (valid: " +
                        join(valid) + ")");
    n.reuse_factor = rf;
}

}  // namespace

void apply_point(Graph& g, const Graph& base, const std::vector<Setting>& settings,
                 const std::vector<std::vector<int>>* valid, bool check) {
    std::vector<int> scratch;
    auto valid_of = [&](const Node& n) -> const std::vector<int>& {
        if (valid) return (*valid)[size_t(&n - g.nodes.data())];
        return scratch = sweep_reuse_factors(g, n);
    };
    NNSIM_ASSERT(g.nodes.size() == base.nodes.size() && g.inputs.size() == base.inputs.size(),
                 "apply_point: the graph is not a copy of the base");
    g.io_type = base.io_type;
    g.default_precision = base.default_precision;
    g.default_reuse_factor = base.default_reuse_factor;
    g.default_strategy = base.default_strategy;
    for (size_t i = 0; i < g.inputs.size(); ++i) g.inputs[i].precision = base.inputs[i].precision;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        Node& n = g.nodes[i];
        const Node& b = base.nodes[i];
        n.reuse_factor = b.reuse_factor;
        n.strategy = b.strategy;
        n.fifo_depth = b.fifo_depth;
        if (n.precision != b.precision) n.precision = b.precision;
        if (b.has_param("static")) n.params["static"] = b.params.at("static");
    }
    for (const auto& s : settings) {
        const size_t dot = s.name.find('.');
        const std::string base_name = s.name.substr(0, dot);
        std::string layer = dot == std::string::npos ? "" : s.name.substr(dot + 1), var;
        if (base_name == "precision" && !layer.empty() && !g.find(layer)) {
            var = layer.substr(layer.rfind('.') + 1);
            layer = layer.substr(0, layer.rfind('.'));
        }
        Node* target = layer.empty() ? nullptr : g.find(layer);
        if (!layer.empty() && !target) throw UserError(s.name + ": no layer named '" + layer + "'");
        if (base_name == "io") {
            if (s.value == "io_parallel") g.io_type = IoType::kParallel;
            else if (s.value == "io_stream") g.io_type = IoType::kStream;
            else throw UserError("io: expected io_parallel or io_stream, got '" + s.value + "'");
        } else if (base_name == "strategy") {
            const Strategy st = parse_strategy(s.value);
            if (target) target->strategy = st;
            else {
                g.default_strategy = st;
                for (auto& n : g.nodes) n.strategy = st;
            }
        } else if (base_name == "precision") {
            const FixedType t = parse_precision(s.value);
            if (!var.empty()) {
                target->precision[var] = t;
            } else {
                if (!target) {
                    g.default_precision = t;
                    for (auto& in : g.inputs) in.precision = t;
                }
                for (auto& n : g.nodes)
                    if (!target || &n == target)
                        for (const auto& v : n.kind->precision_vars())
                            if (v.fixed_default.empty()) n.precision[v.name] = t;
            }
        } else if (base_name == "reuse") {
            const int rf = parse_positive("reuse", s.value);
            if (target) set_reuse(*target, rf, valid_of(*target));
            else {
                g.default_reuse_factor = rf;
                for (auto& n : g.nodes) {
                    const std::vector<int>& v = valid_of(n);
                    if (v.size() > 1) n.reuse_factor = closest_reuse_factor(rf, v);
                }
            }
        } else if (base_name == "fifo") {
            double scale = 0;
            try {
                scale = std::stod(s.value);
            } catch (const std::exception&) {
            }
            if (!(scale > 0 && scale < 1e6)) throw UserError("fifo: expected a positive scale, got '" + s.value + "'");
            std::vector<int> depths;
            for (const auto& n : g.nodes) depths.push_back(std::max(1, int(std::lround(fifo_depth(g, n.name) * scale))));
            for (size_t i = 0; i < g.nodes.size(); ++i) g.nodes[i].fifo_depth = depths[i];
        } else if (base_name == "fifo_depth") {
            const int d = parse_positive("fifo_depth", s.value);
            for (auto& n : g.nodes)
                if (!target || &n == target) n.fifo_depth = d;
        } else if (base_name == "static") {
            if (s.value != "true" && s.value != "false")
                throw UserError("static: expected true or false, got '" + s.value + "'");
            for (auto& n : g.nodes)
                if ((!target || &n == target) && declares(n, "static")) n.params["static"] = s.value == "true";
        } else {
            throw UserError("unknown setting '" + s.name + "'");
        }
    }
    if (check) validate_or_throw(g);
}

}  // namespace nnsim
