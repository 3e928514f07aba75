// Helpers shared by the ONNX operator mappers (onnx_importer.hpp): names, attributes, node creation,
// and the element order that maps an nnsim tensor to the ONNX tensor it holds.
#include <onnx/onnx_pb.h>

#include <cctype>
#include <cmath>

#include "core/diag.hpp"
#include "core/registry.hpp"
#include "frontends/onnx_importer.hpp"

namespace nnsim {

std::string onnx_clean_name(const std::string& name) {
    std::string out;
    for (char ch : name) {
        const bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
        if (!ok && (out.empty() || out.back() == '_')) continue;
        out += ok ? ch : '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "t" + out;
    return out;
}

bool onnx_power_of_two(const std::vector<double>& v, int& log2) {
    if (v.empty()) return false;
    for (double x : v)
        if (x != v[0]) return false;
    if (!(v[0] > 0)) return false;
    int e = 0;
    const double m = std::frexp(v[0], &e);
    if (m != 0.5) return false;
    log2 = e - 1;
    return true;
}

namespace {
const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}
}  // namespace

int64_t OnnxImporter::attr_int(const onnx::NodeProto& n, const char* name, int64_t fallback) const {
    const auto* a = find_attr(n, name);
    if (a == nullptr) return fallback;
    if (a->type() != onnx::AttributeProto::INT) fail(n, std::string("attribute ") + name + " must be an integer");
    return a->i();
}

double OnnxImporter::attr_float(const onnx::NodeProto& n, const char* name, double fallback) const {
    const auto* a = find_attr(n, name);
    if (a == nullptr) return fallback;
    if (a->type() != onnx::AttributeProto::FLOAT) fail(n, std::string("attribute ") + name + " must be a float");
    return double(a->f());
}

std::string OnnxImporter::attr_string(const onnx::NodeProto& n, const char* name, const std::string& fallback) const {
    const auto* a = find_attr(n, name);
    if (a == nullptr) return fallback;
    if (a->type() != onnx::AttributeProto::STRING) fail(n, std::string("attribute ") + name + " must be a string");
    return a->s();
}

std::optional<std::vector<int64_t>> OnnxImporter::attr_ints(const onnx::NodeProto& n, const char* name) const {
    const auto* a = find_attr(n, name);
    if (a == nullptr) return std::nullopt;
    if (a->type() != onnx::AttributeProto::INTS)
        fail(n, std::string("attribute ") + name + " must be a list of integers");
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

Node& OnnxImporter::add_node(const onnx::NodeProto& n, const char* kind, const std::vector<std::string>& inputs,
                             const Shape& shape, const std::string& suffix) {
    std::string base = n.name().empty() ? (n.output_size() > 0 ? n.output(0) : n.op_type()) : n.name();
    base = onnx_clean_name(base) + suffix;
    std::string name = base;
    for (int k = 2; m_names.count(name); ++k) name = base + "_" + std::to_string(k);
    m_names.insert(name);
    Node node;
    node.name = name;
    node.kind = Registry::instance().find(kind);
    NNSIM_ASSERT(node.kind != nullptr, std::string("the ONNX importer maps to unregistered kind ") + kind);
    node.inputs = inputs;
    node.where = "node " + (n.name().empty() ? "#" + std::to_string(m_index) : n.name()) + " (" + n.op_type() + ")";
    m_graph.nodes.push_back(std::move(node));
    m_shape[name] = shape;
    if (suffix.empty() && n.output_size() > 0) m_created[n.output(0)] = name;
    if (suffix.empty() && !n.name().empty()) m_onnx_names.emplace(n.name(), name);
    return m_graph.nodes.back();
}

void OnnxImporter::set_output(const onnx::NodeProto& n, const OnnxTensor& t, int k) {
    if (k < n.output_size() && !n.output(k).empty()) m_tensors[n.output(k)] = t;
}

void OnnxImporter::set_output(const onnx::NodeProto& n, OnnxConst c, int k) {
    if (k < n.output_size() && !n.output(k).empty()) m_consts[n.output(k)] = std::move(c);
}

bool OnnxImporter::channels_last_domain(const onnx::NodeProto& n) {
    return n.domain() == "qonnx.custom_op.channels_last";
}

std::vector<int64_t> OnnxImporter::element_order(const OnnxTensor& t) const {
    if (!t.order.empty()) return t.order;
    const int64_t total = shape_size(t.onnx);
    std::vector<int64_t> order(static_cast<size_t>(total));
    const size_t r = t.onnx.size();
    if (t.identity()) {
        for (int64_t j = 0; j < total; ++j) order[size_t(j)] = j;
        return order;
    }
    // ONNX strides, then walk the nnsim tensor (the ONNX axes in perm order) row-major.
    std::vector<int64_t> stride(r, 1), dims(r), step(r);
    for (size_t a = r; a-- > 1;) stride[a - 1] = stride[a] * t.onnx[a];
    for (size_t i = 0; i < r; ++i) dims[i] = t.onnx[size_t(t.perm[i])], step[i] = stride[size_t(t.perm[i])];
    std::vector<int64_t> idx(r, 0);
    int64_t src = 0;
    for (int64_t j = 0; j < total; ++j) {
        order[size_t(j)] = src;
        for (size_t i = r; i-- > 0;) {
            src += step[i];
            if (++idx[i] < dims[i]) break;
            src -= step[i] * dims[i];
            idx[i] = 0;
        }
    }
    return order;
}

std::string OnnxImporter::flat_input(const onnx::NodeProto& n, const OnnxTensor& t, std::vector<int64_t>& order) {
    order = element_order(t);
    const Shape& s = m_shape.at(t.nnsim);
    if (s.size() == 1) return t.nnsim;
    const int64_t size = shape_size(s);
    Node& r = add_node(n, "reshape", {t.nnsim}, Shape{int(size)}, "_flatten");
    r.params["target_shape"] = std::vector<int64_t>{size};
    return r.name;
}

}  // namespace nnsim
