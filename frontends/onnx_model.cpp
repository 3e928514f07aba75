// ONNX file -> nnsim graph (onnx.hpp): protobuf parsing, opset check, constants, graph inputs and
// outputs, the operator table and the input checks of every node (helpers: onnx_helpers.cpp).
#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/diag.hpp"
#include "core/registry.hpp"
#include "frontends/hls4ml_config.hpp"
#include "frontends/onnx.hpp"
#include "frontends/onnx_importer.hpp"

namespace nnsim {

namespace {

constexpr int64_t kMinOpset = 6, kMaxOpset = 18;

/// Domains whose Quant, BipolarQuant and Trunc are QONNX's.
bool qonnx_domain(const std::string& d) {
    return d == "qonnx.custom_op.general" || d == "onnx.brevitas" || d == "finn.custom_op.general" ||
           d == "qonnx.custom_op.channels_last";
}

bool standard_domain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

template <typename T>
void copy_raw(const std::string& raw, std::vector<double>& out) {
    const size_t n = raw.size() / sizeof(T);
    out.resize(n);
    for (size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
        out[i] = double(v);
    }
}

}  // namespace

std::string onnx_read_tensor(const onnx::TensorProto& t, OnnxConst& c) {
    c.dims.assign(t.dims().begin(), t.dims().end());
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
        return "its data is stored in an external file, which is not supported (save the model with the data inside)";
    const std::string& raw = t.raw_data();
    const bool has_raw = t.has_raw_data();
    using TP = onnx::TensorProto;
    switch (t.data_type()) {
    case TP::FLOAT:
        if (has_raw) copy_raw<float>(raw, c.data);
        else c.data.assign(t.float_data().begin(), t.float_data().end());
        break;
    case TP::DOUBLE:
        if (has_raw) copy_raw<double>(raw, c.data);
        else c.data.assign(t.double_data().begin(), t.double_data().end());
        break;
    case TP::INT64:
        if (has_raw) copy_raw<int64_t>(raw, c.data);
        else c.data.assign(t.int64_data().begin(), t.int64_data().end());
        break;
    case TP::INT32: case TP::INT16: case TP::INT8: case TP::UINT8: case TP::UINT16: case TP::BOOL:
        if (has_raw) {
            switch (t.data_type()) {
            case TP::INT32: copy_raw<int32_t>(raw, c.data); break;
            case TP::INT16: copy_raw<int16_t>(raw, c.data); break;
            case TP::INT8: copy_raw<int8_t>(raw, c.data); break;
            case TP::UINT16: copy_raw<uint16_t>(raw, c.data); break;
            default: copy_raw<uint8_t>(raw, c.data); break;
            }
        } else {
            c.data.assign(t.int32_data().begin(), t.int32_data().end());
        }
        break;
    default:
        return "element type " + std::to_string(t.data_type()) +
               " is not supported (float, double and integer tensors are)";
    }
    if (int64_t(c.data.size()) != c.size())
        return "holds " + std::to_string(c.data.size()) + " values for dimensions of " + std::to_string(c.size()) +
               " elements (truncated file?)";
    return "";
}

bool OnnxTensor::identity() const {
    if (!order.empty()) return false;
    for (size_t i = 0; i < perm.size(); ++i)
        if (perm[i] != int(i)) return false;
    return true;
}

const std::vector<std::pair<const char*, OnnxImporter::OpFn>>& OnnxImporter::table() {
    static const std::vector<std::pair<const char*, OpFn>> kTable = {
        {"Gemm", &OnnxImporter::op_gemm},
        {"MatMul", &OnnxImporter::op_matmul},
        {"Add", &OnnxImporter::op_add},
        {"Relu", &OnnxImporter::op_activation},
        {"LeakyRelu", &OnnxImporter::op_activation},
        {"Elu", &OnnxImporter::op_activation},
        {"Selu", &OnnxImporter::op_activation},
        {"Sigmoid", &OnnxImporter::op_activation},
        {"Tanh", &OnnxImporter::op_activation},
        {"Clip", &OnnxImporter::op_activation},
        {"Softmax", &OnnxImporter::op_softmax},
        {"Identity", &OnnxImporter::op_identity},
        {"Dropout", &OnnxImporter::op_identity},
        {"BatchNormalization", &OnnxImporter::op_batchnorm},
        {"Flatten", &OnnxImporter::op_reshape},
        {"Reshape", &OnnxImporter::op_reshape},
        {"Squeeze", &OnnxImporter::op_reshape},
        {"Unsqueeze", &OnnxImporter::op_reshape},
        {"Transpose", &OnnxImporter::op_transpose},
        {"Constant", &OnnxImporter::op_constant},
        {"Conv", &OnnxImporter::op_conv},
        {"MaxPool", &OnnxImporter::op_pool},
        {"AveragePool", &OnnxImporter::op_pool},
        {"Pad", &OnnxImporter::op_pad},
        {"GlobalAveragePool", &OnnxImporter::op_global_pool},
        {"GlobalMaxPool", &OnnxImporter::op_global_pool},
        {"Concat", &OnnxImporter::op_concat},
        {"Resize", &OnnxImporter::op_resize},
        {"Upsample", &OnnxImporter::op_resize},
        {"Quant", &OnnxImporter::op_quant},
        {"BipolarQuant", &OnnxImporter::op_bipolar_quant},
        {"Trunc", &OnnxImporter::op_trunc},
    };
    return kTable;
}

std::string OnnxImporter::supported_ops() {
    std::string all;
    for (const auto& e : table()) all += (all.empty() ? "" : ", ") + std::string(e.first);
    return all;
}

OnnxImporter::OnnxImporter(const onnx::ModelProto& model, std::string file)
    : m_model(model), m_file(std::move(file)) {}

void OnnxImporter::fail(const onnx::NodeProto& n, const std::string& message) const {
    const std::string name = n.name().empty() ? "#" + std::to_string(m_index) : n.name();
    throw UserError(m_file + ": node '" + name + "' (" + n.op_type() + "): " + message);
}

const OnnxConst* OnnxImporter::optional_constant(const onnx::NodeProto& n, int input, const char* what) const {
    if (input >= n.input_size() || n.input(input).empty()) return nullptr;
    auto it = m_consts.find(n.input(input));
    if (it == m_consts.end())
        fail(n, std::string("input ") + std::to_string(input) + " ('" + n.input(input) + "', " + what +
                    ") must be an initializer (a constant); nnsim cannot take it from a computed tensor");
    return &it->second;
}

const OnnxConst& OnnxImporter::constant(const onnx::NodeProto& n, int input, const char* what) const {
    const OnnxConst* c = optional_constant(n, input, what);
    if (c == nullptr) fail(n, std::string("input ") + std::to_string(input) + " (" + what + ") is missing");
    return *c;
}

int64_t OnnxImporter::as_int(const onnx::NodeProto& n, double v, const char* what) const {
    if (!(v >= -2147483648.0 && v <= 2147483648.0) || v != double(int64_t(v)))
        fail(n, std::string(what) + " value " + std::to_string(v) + " is not an integer of at most 2^31");
    return int64_t(v);
}

const OnnxTensor& OnnxImporter::tensor(const onnx::NodeProto& n, int input) const {
    if (input >= n.input_size() || n.input(input).empty())
        fail(n, "input " + std::to_string(input) + " is missing");
    auto it = m_tensors.find(n.input(input));
    if (it == m_tensors.end())
        fail(n, "input " + std::to_string(input) + " ('" + n.input(input) +
                    "') must be a tensor computed by the network, not a constant");
    return it->second;
}

int OnnxImporter::readers(const std::string& name) const {
    auto it = m_readers.find(name);
    return it == m_readers.end() ? 0 : it->second;
}

Node* OnnxImporter::producer_of(const std::string& onnx_name) {
    auto it = m_created.find(onnx_name);
    return it == m_created.end() ? nullptr : m_graph.find(it->second);
}

void OnnxImporter::read_constants() {
    const auto& g = m_model.graph();
    for (const auto& t : g.initializer()) {
        OnnxConst c;
        const std::string err = onnx_read_tensor(t, c);
        if (!err.empty()) throw UserError(m_file + ": initializer '" + t.name() + "': " + err);
        m_consts[t.name()] = std::move(c);
    }
}

void OnnxImporter::read_inputs() {
    const auto& g = m_model.graph();
    // Which inputs are read by a Transpose first (Keras exports transpose channels-last inputs).
    std::set<std::string> transposed;
    for (const auto& n : g.node())
        if (n.op_type() == "Transpose" && n.input_size() > 0) transposed.insert(n.input(0));
    for (const auto& in : g.input()) {
        if (is_const(in.name())) continue;  // old exporters list initializers as inputs too
        const std::string where = m_file + ": graph input '" + in.name() + "'";
        if (!in.type().has_tensor_type() || !in.type().tensor_type().has_shape())
            throw UserError(where + ": has no tensor shape; nnsim needs the shape of every input");
        const auto& dims = in.type().tensor_type().shape().dim();
        if (dims.size() < 2)
            throw UserError(where + ": expected [batch, ...] with at least one axis after the batch axis");
        OnnxTensor t;
        for (int i = 1; i < dims.size(); ++i) {
            if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0 || dims[i].dim_value() > (1 << 30))
                throw UserError(where + ": dimension " + std::to_string(i) +
                                " is not a fixed positive size; nnsim needs every input dimension fixed");
            t.onnx.push_back(int(dims[i].dim_value()));
        }
        Shape shape = t.onnx;
        const size_t r = t.onnx.size();
        if (r >= 2 && !m_channels_last && !transposed.count(in.name())) {
            // Channels-first input: nnsim reads it channels-last ([H, W, C]).
            for (size_t i = 0; i + 1 < r; ++i) t.perm.push_back(int(i + 1)), shape[i] = t.onnx[i + 1];
            t.perm.push_back(0);
            shape[r - 1] = t.onnx[0];
        }
        GraphInput gi{onnx_clean_name(in.name()), shape, m_graph.default_precision};
        m_onnx_names.emplace(in.name(), gi.name);
        if (!m_names.insert(gi.name).second) throw UserError(where + ": duplicate input name");
        t.nnsim = gi.name;
        m_shape[gi.name] = shape;
        m_graph.inputs.push_back(gi);
        m_tensors[in.name()] = t;
    }
    if (m_graph.inputs.empty()) throw UserError(m_file + ": the graph has no inputs besides its initializers");
}

void OnnxImporter::read_outputs(Graph& g) {
    for (const auto& out : m_model.graph().output()) {
        auto it = m_tensors.find(out.name());
        if (it == m_tensors.end())
            throw UserError(m_file + ": graph output '" + out.name() + "' is a constant, not computed by the network");
        const std::string& t = it->second.nnsim;
        if (g.find(t) == nullptr)
            throw UserError(m_file + ": graph output '" + out.name() + "' is a network input, not a layer");
        if (std::find(g.outputs.begin(), g.outputs.end(), t) == g.outputs.end()) g.outputs.push_back(t);
    }
}

void OnnxImporter::add(const onnx::NodeProto& n, size_t index) {
    m_index = index;
    for (const auto& entry : table()) {
        if (n.op_type() != entry.first) continue;
        const bool quantizer = n.op_type() == "Quant" || n.op_type() == "BipolarQuant" || n.op_type() == "Trunc";
        const bool ok = quantizer ? qonnx_domain(n.domain()) || standard_domain(n.domain())
                                  : standard_domain(n.domain()) || channels_last_domain(n);
        if (!ok) fail(n, "operator of domain '" + n.domain() + "' is not supported");
        // Every mapped operator but Constant reads input 0, and every one writes output 0.
        if (n.op_type() != "Constant" && (n.input_size() < 1 || n.input(0).empty())) fail(n, "has no input");
        if (n.output_size() < 1 || n.output(0).empty()) fail(n, "has no output");
        for (int k = 0; k < n.input_size(); ++k) {
            const std::string& x = n.input(k);
            if (!x.empty() && !m_consts.count(x) && !m_tensors.count(x))
                fail(n, "input '" + x + "' is neither an initializer, a graph input nor the output of an earlier node "
                        "(missing initializer?)");
        }
        return (this->*entry.second)(n);
    }
    fail(n, "operator " + n.op_type() + (n.domain().empty() ? "" : " of domain '" + n.domain() + "'") +
                " is not supported; supported: " + supported_ops());
}

Graph OnnxImporter::run() {
    const auto& g = m_model.graph();
    bool has_default = false;
    for (const auto& op : m_model.opset_import()) {
        if (!standard_domain(op.domain())) continue;
        has_default = true;
        m_opset = op.version();
        if (m_opset < kMinOpset || m_opset > kMaxOpset)
            throw UserError(m_file + ": opset " + std::to_string(m_opset) + " of the default ONNX domain" +
                            (g.node_size() > 0 ? " (node '" + g.node(0).name() + "' (" + g.node(0).op_type() + ") on)" : "") +
                            " is not supported; supported: " + std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset));
    }
    if (!has_default) m_opset = kMaxOpset;
    if (g.node_size() == 0) throw UserError(m_file + ": the ONNX graph has no nodes");
    for (const auto& n : g.node()) {
        if (channels_last_domain(n)) m_channels_last = true;
        for (const auto& x : n.input()) ++m_readers[x];
    }
    for (const auto& out : g.output()) ++m_readers[out.name()];
    m_graph.name = onnx_clean_name(std::filesystem::path(m_file).stem().string());
    m_graph.source_file = m_file;
    read_constants();
    read_inputs();
    for (int i = 0; i < g.node_size(); ++i) add(g.node(i), size_t(i));
    read_outputs(m_graph);
    return std::move(m_graph);
}

bool has_onnx_signature(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    unsigned char b[2] = {0, 0};
    if (!f.read(reinterpret_cast<char*>(b), 2)) return false;
    return b[0] == 0x08 && b[1] >= 1 && b[1] <= 30;  // ir_version: field 1, varint, 1..30
}

Graph import_onnx(const std::string& path, const Hls4mlConfig* config) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw UserError(path + ": cannot be opened");
    google::protobuf::io::IstreamInputStream raw(&f);
    google::protobuf::io::CodedInputStream coded(&raw);
    coded.SetTotalBytesLimit(INT32_MAX);
    onnx::ModelProto model;
    if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
        throw UserError(path + ": not a valid ONNX model: the protobuf is truncated or malformed");
    if (!model.has_graph())
        throw UserError(path + ": not an ONNX model: the protobuf has no graph (truncated file?)");
    OnnxImporter importer(model, path);
    Graph g = importer.run();
    if (config != nullptr) {
        // LayerName entries may use the ONNX names, as hls4ml's ONNX configs do.
        Hls4mlConfig cfg = *config;
        for (const auto& [onnx_name, name] : importer.onnx_names()) {
            auto it = cfg.layer_name.find(onnx_name);
            if (onnx_name == name || it == cfg.layer_name.end() || cfg.layer_name.count(name)) continue;
            cfg.layer_name[name] = it->second;
            cfg.layer_name.erase(it);
        }
        apply_hls4ml_config(cfg, g);
    }
    for (const auto& [name, vars] : importer.quantized()) {
        if (Node* n = g.find(name)) {
            for (const auto& [var, t] : vars) {
                n->precision[var] = t;
                g.precision_source[name][var] = "quantizer QONNX Quant node";
            }
            // An activation quantizer: the quantized float reference (nnsim run) applies it too.
            if (vars.count("result")) g.quantizer_precision[name]["result"] = {vars.at("result"), "QONNX Quant node"};
            continue;
        }
        for (auto& in : g.inputs)
            if (in.name == name && vars.count("result")) {
                in.precision = vars.at("result");
                g.precision_source[name]["result"] = "quantizer QONNX Quant node";
                g.quantizer_precision[name]["result"] = {vars.at("result"), "QONNX Quant node"};
            }
    }
    return g;
}

}  // namespace nnsim
