// Small accessors of the network IR (graph.hpp).
#include "core/graph.hpp"

#include <sstream>

#include "core/diag.hpp"

namespace nnsim {

int64_t shape_size(const Shape& s) {
    int64_t n = 1;
    for (int d : s) n *= d;
    return n;
}

std::string shape_to_string(const Shape& s) {
    std::ostringstream o;
    o << "[";
    for (size_t i = 0; i < s.size(); ++i) o << (i ? "," : "") << s[i];
    o << "]";
    return o.str();
}

int64_t shape_pixels(const Shape& s) { return s.empty() || s.back() <= 0 ? 1 : shape_size(s) / s.back(); }

const char* strategy_name(Strategy s) { return s == Strategy::kLatency ? "Latency" : "Resource"; }
const char* io_type_name(IoType t) { return t == IoType::kParallel ? "io_parallel" : "io_stream"; }

int64_t Node::get_int(const std::string& key) const {
    auto it = params.find(key);
    NNSIM_ASSERT(it != params.end(), "layer " + name + ": parameter " + key + " missing");
    if (auto* v = std::get_if<int64_t>(&it->second)) return *v;
    NNSIM_ASSERT(false, "layer " + name + ": parameter " + key + " is not an integer");
}

const std::vector<int64_t>& Node::get_int_list(const std::string& key) const {
    auto it = params.find(key);
    NNSIM_ASSERT(it != params.end(), "layer " + name + ": parameter " + key + " missing");
    if (auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
    NNSIM_ASSERT(false, "layer " + name + ": parameter " + key + " is not a list of integers");
}

double Node::get_float(const std::string& key) const {
    auto it = params.find(key);
    NNSIM_ASSERT(it != params.end(), "layer " + name + ": parameter " + key + " missing");
    if (auto* v = std::get_if<double>(&it->second)) return *v;
    if (auto* v = std::get_if<int64_t>(&it->second)) return double(*v);
    NNSIM_ASSERT(false, "layer " + name + ": parameter " + key + " is not a number");
}

bool Node::get_bool(const std::string& key) const {
    auto it = params.find(key);
    NNSIM_ASSERT(it != params.end(), "layer " + name + ": parameter " + key + " missing");
    if (auto* v = std::get_if<bool>(&it->second)) return *v;
    NNSIM_ASSERT(false, "layer " + name + ": parameter " + key + " is not a boolean");
}

const std::string& Node::get_string(const std::string& key) const {
    auto it = params.find(key);
    NNSIM_ASSERT(it != params.end(), "layer " + name + ": parameter " + key + " missing");
    if (auto* v = std::get_if<std::string>(&it->second)) return *v;
    NNSIM_ASSERT(false, "layer " + name + ": parameter " + key + " is not a string");
}

const FixedType& Node::type(const std::string& var) const {
    auto it = precision.find(var);
    NNSIM_ASSERT(it != precision.end(), "layer " + name + ": precision of '" + var + "' missing");
    return it->second;
}

const Node* Graph::find(const std::string& n) const {
    for (const auto& node : nodes)
        if (node.name == n) return &node;
    return nullptr;
}

Node* Graph::find(const std::string& n) {
    for (auto& node : nodes)
        if (node.name == n) return &node;
    return nullptr;
}

int Graph::index_of(const std::string& n) const {
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].name == n) return int(i);
    return -1;
}

Shape Graph::shape_of(const std::string& tensor) const {
    for (const auto& in : inputs)
        if (in.name == tensor) return in.shape;
    const Node* n = find(tensor);
    NNSIM_ASSERT(n != nullptr, "unknown tensor " + tensor);
    return n->shape;
}

FixedType Graph::type_of(const std::string& tensor) const {
    for (const auto& in : inputs)
        if (in.name == tensor) return in.precision;
    const Node* n = find(tensor);
    NNSIM_ASSERT(n != nullptr, "unknown tensor " + tensor);
    return n->type("result");
}

}  // namespace nnsim
