// Recurrent layers: declarations, validation, the cell's parts and its bit-exact evaluator
// (arithmetic and timing in recurrent.hpp).
#include "models/common/recurrent.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "models/dense/dense.hpp"
#include "models/sigmoid/sigmoid.hpp"
#include "models/tanh/tanh.hpp"

namespace nnsim {
namespace {

const DenseKind kDense;
const SigmoidKind kSigmoid;
const TanhKind kTanh;

int gate_count(CellType t) { return t == CellType::kLstm ? 4 : t == CellType::kGru ? 3 : 1; }
bool has_gates(CellType t) { return t != CellType::kSimpleRnn; }

const LayerKind* activation_kind(const std::string& name) {
    if (name == "sigmoid") return &kSigmoid;
    return &kTanh;
}

/// Columns [first, first + count) of a [rows, cols] weight matrix.
WeightTensor columns(const WeightTensor& w, int first, int count) {
    WeightTensor out;
    const int rows = w.shape[0], cols = w.shape[1];
    out.shape = {rows, count};
    out.data.reserve(size_t(rows) * size_t(count));
    for (int i = 0; i < rows; ++i)
        for (int j = first; j < first + count; ++j) out.data.push_back(w.data[size_t(i) * size_t(cols) + size_t(j)]);
    return out;
}

Node dense_part(const Node& n, const std::string& suffix, const WeightTensor& kernel, const WeightTensor* bias,
                const std::string& wvar, const std::string& bvar, int rf) {
    Node d;
    d.name = n.name + "_" + suffix;
    d.kind = &kDense;
    d.params["n_out"] = int64_t(kernel.shape[1]);
    d.precision["weight"] = n.type(wvar);
    d.precision["bias"] = n.type(bvar);
    d.precision["accum"] = n.type("accum");
    d.precision["result"] = n.type("accum");
    d.weights["kernel"] = kernel;
    if (bias) d.weights["bias"] = *bias;
    d.reuse_factor = rf;
    d.strategy = n.strategy;
    d.shape = {kernel.shape[1]};
    return d;
}

Node table_part(const Node& n, const std::string& suffix, const std::string& fn, const std::string& size_param,
                const std::string& table_var, const FixedType& result, int elems) {
    Node a;
    a.name = n.name + "_" + suffix;
    a.kind = activation_kind(fn);
    a.params["table_size"] = n.get_int(size_param);
    a.precision["table"] = n.type(table_var);
    a.precision["result"] = result;
    a.shape = {elems};
    return a;
}

int dense_latency(const Node& d) { return d.reuse_factor + (d.strategy == Strategy::kResource ? 2 : 1); }

}  // namespace

int RecurrentCell::step_latency() const {
    switch (type) {
        case CellType::kSimpleRnn: return lat_mac + lat_table;
        case CellType::kLstm: return lat_mac + 2 * lat_table + 2;
        case CellType::kGru: return lat_mac + 2 * lat_table + 2 + (has_h_product() ? lat_h : 0);
    }
    return 1;
}

int RecurrentCell::cell_ii() const {
    int ii = std::max(kernel.reuse_factor, recurrent.reuse_factor);
    if (has_h_product()) ii = std::max(ii, recurrent_h.reuse_factor);
    return ii;
}

NodeInputs RecurrentCell::kernel_in() const { return {{Shape{n_in}}, {x_t}}; }
NodeInputs RecurrentCell::recurrent_in() const { return {{Shape{n}}, {result_t}}; }
NodeInputs RecurrentCell::recurrent_h_in() const { return {{Shape{n}}, {result_t}}; }
NodeInputs RecurrentCell::recr_act_in() const { return {{Shape{(gates - 1) * n}}, {accum}}; }
NodeInputs RecurrentCell::act_in() const { return {{Shape{n}}, {accum}}; }
NodeInputs RecurrentCell::act_state_in() const { return {{Shape{n}}, {state_t}}; }

RecurrentCell make_cell(const Node& node, const NodeInputs& in) {
    const CellType type = static_cast<const RecurrentKind*>(node.kind)->cell_type();
    RecurrentCell c;
    c.type = type;
    c.steps = in.shapes[0][0];
    c.n_in = in.shapes[0][1];
    c.n = int(node.get_int("units"));
    c.gates = gate_count(type);
    c.return_sequences = node.get_bool("return_sequences");
    c.is_static = node.get_bool("static");
    c.reset_after = type == CellType::kGru ? node.get_bool("reset_after") : true;
    c.x_t = in.types[0];
    c.accum = node.type("accum");
    c.result_t = node.type("result");
    c.act_t = has_gates(type) ? node.type("act") : c.result_t;
    c.recr_act_t = has_gates(type) ? node.type("recr_act") : c.result_t;
    c.state_t = type == CellType::kLstm ? node.type("state") : c.result_t;
    const int rf = node.reuse_factor;
    // Without an explicit recurrent_reuse_factor the recurrent product takes the layer's, or under the
    // Resource strategy the valid one closest to it (the smaller on a tie), as hls4ml sets it.
    int rrf = int(node.get_int("recurrent_reuse_factor"));
    if (rrf <= 0) {
        rrf = rf;
        if (node.strategy == Strategy::kResource) {
            const std::vector<int> ok = DenseKind::valid_rfs(c.n, c.gates * c.n);
            int best = ok.front();
            for (int v : ok)
                if (std::abs(v - rf) < std::abs(best - rf)) best = v;
            rrf = best;
        }
    }
    auto opt = [&](const char* w) -> const WeightTensor* {
        auto it = node.weights.find(w);
        return it == node.weights.end() ? nullptr : &it->second;
    };
    const WeightTensor& rk = node.weights.at("recurrent_kernel");
    c.kernel = dense_part(node, "kernel", node.weights.at("kernel"), opt("bias"), "weight", "bias", rf);
    if (c.has_h_product()) {
        c.recurrent = dense_part(node, "recurrent", columns(rk, 0, 2 * c.n), nullptr, "recurrent_weight",
                                 "recurrent_bias", rrf);
        c.recurrent_h = dense_part(node, "recurrent_h", columns(rk, 2 * c.n, c.n), nullptr, "recurrent_weight",
                                   "recurrent_bias", rrf);
        c.lat_h = dense_latency(c.recurrent_h);
    } else {
        c.recurrent = dense_part(node, "recurrent", rk, opt("recurrent_bias"), "recurrent_weight", "recurrent_bias",
                                 rrf);
    }
    const std::string act = node.get_string("activation");
    if (has_gates(type)) {
        c.recr_act = table_part(node, "recr_act", node.get_string("recurrent_activation"), "recr_table_size",
                                "recr_table", c.recr_act_t, (c.gates - 1) * c.n);
        c.act = table_part(node, "act", act, "table_size", "table", c.act_t, c.n);
        if (type == CellType::kLstm) c.act_state = table_part(node, "act_state", act, "table_size", "table", c.act_t, c.n);
    } else {
        c.act = table_part(node, "act", act, "table_size", "table", c.result_t, c.n);
    }
    c.lat_k = dense_latency(c.kernel);
    c.lat_r = dense_latency(c.recurrent);
    c.lat_mac = std::max(c.lat_k, c.lat_r);
    return c;
}

std::vector<ParamSpec> RecurrentKind::params() const {
    std::vector<ParamSpec> p = {
        {"units", ParamType::kInt, int64_t(0), true, "size of the state h (Keras units)", {}, 1, 4096},
        {"return_sequences", ParamType::kBool, false, false,
         "output h of every time step [T, units] instead of the last one [units]", {}},
        {"static", ParamType::kBool, true, false,
         "one cell reused for every time step (II = latency); false: one cell per step, pipelined (hls4ml static)", {}},
        {"activation", ParamType::kString, std::string("tanh"), false, "the state activation (lookup table)",
         {"tanh", "sigmoid"}},
        {"recurrent_reuse_factor", ParamType::kInt, int64_t(0), false,
         "reuse factor of the recurrent product; 0: the layer's reuse factor", {}, 0, 1 << 20},
        {"table_size", ParamType::kInt, int64_t(1024), false, "entries of the activation table", {}, 2, 1 << 20},
    };
    if (has_gates(m_type)) {
        p.push_back({"recurrent_activation", ParamType::kString, std::string("sigmoid"), false,
                     "the gates' activation (lookup table)", {"sigmoid", "tanh"}});
        p.push_back({"recr_table_size", ParamType::kInt, int64_t(1024), false,
                     "entries of the recurrent activation's table", {}, 2, 1 << 20});
    }
    if (m_type == CellType::kGru)
        p.push_back({"reset_after", ParamType::kBool, true, false,
                     "apply the reset gate after the recurrent product (Keras' default; two bias vectors)", {}});
    return p;
}

std::vector<PrecisionVarSpec> RecurrentKind::precision_vars() const {
    std::vector<PrecisionVarSpec> v = {
        {"weight", "type of the kernel weights", ""},
        {"recurrent_weight", "type of the recurrent kernel weights", ""},
        {"bias", "type of the biases", ""},
        {"recurrent_bias", "type of the recurrent biases", ""},
        {"accum", "accumulator of both products and the gates' pre-activations", ""},
        {"table", "entries of the activation table", "fixed<18,8>"},
    };
    if (has_gates(m_type)) {
        v.push_back({"recr_table", "entries of the recurrent activation's table", "fixed<18,8>"});
        v.push_back({"recr_act", "the gates after the recurrent activation", ""});
        v.push_back({"act", "the candidate state after the activation", ""});
    }
    if (m_type == CellType::kLstm) v.push_back({"state", "the cell state c", ""});
    v.push_back({"result", "the hidden state h, the layer output", ""});
    return v;
}

std::vector<WeightSpec> RecurrentKind::weight_specs() const {
    return {{"kernel", "input weights [n_in, G*units] (Keras layout, gates side by side)", true},
            {"recurrent_kernel", "state weights [units, G*units]", true},
            {"bias", "input biases [G*units]; zero when absent", false},
            {"recurrent_bias", "state biases [G*units] (GRU reset_after's second row); zero when absent", false}};
}

void RecurrentKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape& s = in.shapes[0];
    if (s.size() != 2) {
        diag.error("", std::string(name()) + " expects an input [time steps, features], got shape " + shape_to_string(s));
        return;
    }
    const int units = int(n.get_int("units"));
    const int g = gate_count(m_type) * units;
    // The first weight of the wrong shape (one mismatch, such as units, shows in all of them).
    auto check = [&](const char* w, const Shape& want) {
        auto it = n.weights.find(w);
        if (it == n.weights.end() || it->second.shape == want) return true;
        diag.error("", std::string(w) + " has shape " + shape_to_string(it->second.shape) + ", expected " +
                           shape_to_string(want) + " for input " + shape_to_string(s) + " and " +
                           std::to_string(units) + " units");
        return false;
    };
    if (!check("kernel", {s[1], g}) || !check("recurrent_kernel", {units, g}) || !check("bias", {g}) ||
        !check("recurrent_bias", {g}))
        return;
    if (m_type == CellType::kGru && !n.get_bool("reset_after") && n.weights.count("recurrent_bias"))
        diag.error("", "a GRU without reset_after has one bias vector; remove recurrent_bias");
    for (const char* var : {"result", "act", "recr_act", "state"}) {
        auto it = n.precision.find(var);
        if (it != n.precision.end() && it->second.width > 32)
            diag.error("", std::string(var) + " type " + it->second.to_string() + " is wider than 32 bits");
    }
    if (n.type("accum").width > 48)
        diag.error("", "accum type " + n.type("accum").to_string() + " is wider than 48 bits");
    const int rrf = int(n.get_int("recurrent_reuse_factor"));
    if (n.strategy == Strategy::kResource && rrf > 0) {
        const std::vector<int> ok = DenseKind::valid_rfs(units, g);
        if (!std::binary_search(ok.begin(), ok.end(), rrf))
            diag.error("", "recurrent_reuse_factor " + std::to_string(rrf) + " is not valid for the recurrent product (" +
                               std::to_string(units) + " x " + std::to_string(g) + ") under the Resource strategy");
    }
    n.shape = n.get_bool("return_sequences") ? Shape{s[0], units} : Shape{units};
}

int64_t RecurrentKind::macs(const Node& n, const NodeInputs& in) const {
    const int64_t g = gate_count(m_type) * n.get_int("units");
    return int64_t(in.shapes[0][0]) * (int64_t(in.shapes[0][1]) + n.get_int("units")) * g;
}

std::vector<int> RecurrentKind::valid_reuse_factors(const Node& n, const NodeInputs& in) const {
    return DenseKind::valid_rfs(in.shapes[0].size() == 2 ? in.shapes[0][1] : 1, gate_count(m_type) * int(n.get_int("units")));
}

std::vector<int64_t> RecurrentKind::stream_needs(const Node& n, const NodeInputs& in) const {
    const int64_t steps = in.shapes[0][0];
    if (!n.get_bool("return_sequences")) return {steps};
    std::vector<int64_t> needs;
    for (int64_t t = 1; t <= steps; ++t) needs.push_back(t);
    return needs;
}

Timing RecurrentKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    const RecurrentCell c = make_cell(n, in);
    if (io == IoType::kStream) return {c.step_latency(), c.step_latency()};
    const int total = c.steps * c.step_latency();
    return {c.is_static ? total : c.cell_ii(), total};
}

}  // namespace nnsim
