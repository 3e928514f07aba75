// Graph validation (validate.hpp). Errors are collected, never asserted: this code runs on user data.
#include "core/validate.hpp"

#include <cmath>
#include <set>

#include "core/precision.hpp"

namespace nnsim {
namespace {

std::string where_of(const Graph& g, const Node& n) {
    std::string w = g.source_file.empty() ? "" : g.source_file + ": ";
    return w + (n.where.empty() ? "layer " + n.name : n.where + " (layer " + n.name + ")");
}

const char* type_name(ParamType t) {
    switch (t) {
        case ParamType::kBool: return "a boolean";
        case ParamType::kInt: return "an integer";
        case ParamType::kFloat: return "a number";
        case ParamType::kString: return "a string";
        case ParamType::kIntList: return "a list of integers";
    }
    return "?";
}

/// Type-check one parameter value against its declaration; converts int -> float where declared float.
bool check_param(const ParamSpec& spec, ParamValue& v, std::string& err) {
    switch (spec.type) {
        case ParamType::kBool:
            if (!std::holds_alternative<bool>(v)) break;
            return true;
        case ParamType::kInt: {
            if (!std::holds_alternative<int64_t>(v)) break;
            double x = double(std::get<int64_t>(v));
            if (x < spec.min || x > spec.max) {
                err = "must be in [" + std::to_string(int64_t(spec.min)) + ", " + std::to_string(int64_t(spec.max)) +
                      "], got " + std::to_string(std::get<int64_t>(v));
                return false;
            }
            return true;
        }
        case ParamType::kFloat: {
            if (auto* i = std::get_if<int64_t>(&v)) v = double(*i);
            if (!std::holds_alternative<double>(v)) break;
            double x = std::get<double>(v);
            if (!std::isfinite(x) || x < spec.min || x > spec.max) {
                err = "must be a finite number in [" + std::to_string(spec.min) + ", " + std::to_string(spec.max) +
                      "], got " + std::to_string(x);
                return false;
            }
            return true;
        }
        case ParamType::kString: {
            if (!std::holds_alternative<std::string>(v)) break;
            if (spec.choices.empty()) return true;
            for (const auto& c : spec.choices)
                if (c == std::get<std::string>(v)) return true;
            std::string all;
            for (const auto& c : spec.choices) all += (all.empty() ? "" : ", ") + c;
            err = "must be one of " + all + ", got '" + std::get<std::string>(v) + "'";
            return false;
        }
        case ParamType::kIntList: {
            if (!std::holds_alternative<std::vector<int64_t>>(v)) break;
            const auto& list = std::get<std::vector<int64_t>>(v);
            // An optional list whose default is empty ("absent": pooling's strides) may stay empty.
            const auto* dflt = std::get_if<std::vector<int64_t>>(&spec.default_value);
            if (list.empty() && !spec.required && dflt && dflt->empty()) return true;
            if (list.empty()) {
                err = "must be a non-empty list of integers";
                return false;
            }
            for (int64_t x : list)
                if (double(x) < spec.min || double(x) > spec.max) {
                    err = "must hold integers in [" + std::to_string(int64_t(spec.min)) + ", " +
                          std::to_string(int64_t(spec.max)) + "], got " + std::to_string(x);
                    return false;
                }
            return true;
        }
    }
    err = std::string("must be ") + type_name(spec.type);
    return false;
}

/// Under the Resource strategy, the reuse factor must be one of the kind's valid values (hls4ml would
/// silently pick the closest one; nnsim says which values are valid instead).
void check_reuse_factor(const Node& n, const NodeInputs& in, const std::string& w, Diagnostics& diag) {
    const std::vector<int> valid = n.kind->valid_reuse_factors(n, in);
    if (valid.size() <= 1) return;  // the reuse factor does not apply to this kind
    for (int v : valid)
        if (v == n.reuse_factor) return;
    // Name the valid values nearest to the requested one.
    std::string near;
    size_t pos = 0;
    while (pos < valid.size() && valid[pos] < n.reuse_factor) ++pos;
    const size_t from = pos >= 3 ? pos - 3 : 0;
    for (size_t i = from; i < valid.size() && i < pos + 3; ++i) near += (near.empty() ? "" : ", ") + std::to_string(valid[i]);
    diag.error(w, "reuse_factor " + std::to_string(n.reuse_factor) + " is not valid for the Resource strategy (" +
                      std::to_string(valid.size()) + " valid values from 1 to " + std::to_string(valid.back()) +
                      "; nearest: " + near + ")");
}

/// Under io_stream a kind that moves whole tensors (StreamStyle::kTensor) needs single-pixel inputs
/// and output; element-wise and repacking kinds take any shape (docs/timing.md, "Beats") unless the
/// kind's check_stream refuses the node's configuration.
void check_stream_style(const Graph& g, const Node& n, const NodeInputs& in, const std::string& w, Diagnostics& diag) {
    if (g.io_type != IoType::kStream) return;
    Diagnostics local;
    n.kind->check_stream(n, in, local);
    for (const auto& l : local.lines()) diag.error(w, l);
    if (!local.lines().empty() || n.kind->stream_style() != StreamStyle::kTensor) return;
    bool multi = shape_pixels(n.shape) > 1;
    for (const auto& s : in.shapes) multi = multi || shape_pixels(s) > 1;
    if (multi)
        diag.error(w, std::string(n.kind->name()) + " has no io_stream model for multi-pixel tensors (input " +
                          shape_to_string(in.shapes[0]) + ", output " + shape_to_string(n.shape) +
                          "); flatten it first with a reshape layer");
}

}  // namespace

NodeInputs node_inputs(const Graph& g, const Node& n) {
    NodeInputs in;
    for (const auto& t : n.inputs) {
        in.shapes.push_back(g.shape_of(t));
        in.types.push_back(g.type_of(t));
    }
    return in;
}

void validate(Graph& g, Diagnostics& diag) {
    const std::string file = g.source_file.empty() ? "" : g.source_file + ": ";
    std::set<std::string> known;  // tensors defined so far (inputs, then nodes in order)
    if (g.inputs.empty()) diag.error(file + "/inputs", "the network has no inputs");
    for (size_t i = 0; i < g.inputs.size(); ++i) {
        const auto& in = g.inputs[i];
        const std::string w = file + "/inputs/" + std::to_string(i);
        if (in.name.empty()) diag.error(w, "input name is empty");
        if (!known.insert(in.name).second) diag.error(w, "duplicate tensor name '" + in.name + "'");
        if (in.shape.empty()) diag.error(w, "input '" + in.name + "' has an empty shape");
        if (in.fifo_depth < 0) diag.error(w, "input '" + in.name + "' has a negative fifo_depth");
        for (int d : in.shape)
            if (d <= 0) diag.error(w, "input '" + in.name + "' has a non-positive dimension in " + shape_to_string(in.shape));
    }
    if (g.nodes.empty()) diag.error(file + "/layers", "the network has no layers");
    if (!(g.clock_period_ns > 0)) diag.error(file + "/clock_period_ns", "must be positive");
    if (diag.has_errors()) return;

    for (auto& n : g.nodes) {
        const std::string w = where_of(g, n);
        if (n.kind == nullptr) continue;  // the reader already reported an unknown kind
        const size_t errors_before = diag.lines().size();
        if (!known.insert(n.name).second) diag.error(w, "duplicate layer name '" + n.name + "'");
        if (n.reuse_factor < 1)
            diag.error(w, "reuse_factor must be a positive integer, got " + std::to_string(n.reuse_factor));
        if (int(n.inputs.size()) != n.kind->arity()) {
            diag.error(w, std::string(n.kind->name()) + " takes " + std::to_string(n.kind->arity()) +
                              " input(s), got " + std::to_string(n.inputs.size()));
            continue;
        }
        bool inputs_ok = true;
        for (const auto& t : n.inputs) {
            if (known.count(t) == 0 || t == n.name) {
                diag.error(w, "input '" + t + "' is not a network input or an earlier layer");
                inputs_ok = false;
            } else if (g.shape_of(t).empty()) {
                inputs_ok = false;  // the producer failed validation: its errors are already reported
            }
        }
        // Parameters: unknown keys, types, ranges, defaults.
        const auto specs = n.kind->params();
        for (auto& [key, value] : n.params) {
            const ParamSpec* spec = nullptr;
            for (const auto& s : specs)
                if (s.name == key) spec = &s;
            if (!spec) {
                std::string all;
                for (const auto& s : specs) all += (all.empty() ? "" : ", ") + s.name;
                diag.error(w, "unknown parameter '" + key + "' for kind " + n.kind->name() +
                                  (all.empty() ? " (it takes none)" : " (expected one of " + all + ")"));
                continue;
            }
            std::string err;
            if (!check_param(*spec, value, err)) diag.error(w, "parameter '" + key + "' " + err);
        }
        for (const auto& s : specs) {
            if (n.params.count(s.name)) continue;
            if (s.required) diag.error(w, "missing required parameter '" + s.name + "' (" + s.doc + ")");
            else n.params[s.name] = s.default_value;
        }
        // Precisions: unknown variables, then defaults.
        const auto vars = n.kind->precision_vars();
        for (const auto& [var, type] : n.precision) {
            bool found = false;
            for (const auto& v : vars) found = found || v.name == var;
            if (!found) {
                std::string all;
                for (const auto& v : vars) all += (all.empty() ? "" : ", ") + v.name;
                diag.error(w, "unknown precision variable '" + var + "' (expected one of " + all + ")");
            }
        }
        for (const auto& v : vars) {
            if (n.precision.count(v.name)) continue;
            if (v.follows_input && inputs_ok) {
                n.precision[v.name] = g.type_of(n.inputs[0]);
            } else if (v.fixed_default.empty()) {
                n.precision[v.name] = g.default_precision;
            } else {
                FixedType t;
                std::string err;
                NNSIM_ASSERT(parse_fixed_type(v.fixed_default, t, err), "bad built-in default " + v.fixed_default);
                n.precision[v.name] = t;
            }
        }
        // Weights: required and unknown names.
        const auto wspecs = n.kind->weight_specs();
        for (const auto& ws : wspecs)
            if (ws.required && n.weights.count(ws.name) == 0) diag.error(w, "missing weight '" + ws.name + "'");
        for (const auto& [wname, tensor] : n.weights) {
            bool found = false;
            for (const auto& ws : wspecs) found = found || ws.name == wname;
            if (!found) diag.error(w, "unknown weight '" + wname + "' for kind " + n.kind->name());
            if (int64_t(tensor.data.size()) != shape_size(tensor.shape))
                diag.error(w, "weight '" + wname + "' has " + std::to_string(tensor.data.size()) +
                                  " values but shape " + shape_to_string(tensor.shape));
        }
        if (!inputs_ok || diag.lines().size() > errors_before) continue;
        Diagnostics local;
        const NodeInputs in = node_inputs(g, n);
        n.kind->infer(n, in, local);
        for (const auto& l : local.lines()) diag.error(w, l);
        if (!local.has_errors() && (n.shape.empty() || shape_size(n.shape) <= 0))
            diag.error(w, "inferred an empty output shape");
        if (!local.has_errors() && n.strategy == Strategy::kResource) check_reuse_factor(n, in, w, diag);
        if (!local.has_errors()) check_stream_style(g, n, in, w, diag);
    }
    if (g.outputs.empty() && !g.nodes.empty()) g.outputs.push_back(g.nodes.back().name);
    for (size_t i = 0; i < g.outputs.size(); ++i)
        if (g.find(g.outputs[i]) == nullptr)
            diag.error(file + "/outputs/" + std::to_string(i), "output '" + g.outputs[i] + "' is not a layer");
}

void validate_or_throw(Graph& g) {
    Diagnostics diag;
    validate(g, diag);
    diag.throw_if_errors();
}

}  // namespace nnsim
