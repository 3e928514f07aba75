// Internal to the ONNX importer (onnx.hpp): the state of one import and the per-operator mappers.
//
// ONNX tensors are channels-first (N, C, H, W) and nnsim tensors channels-last ([H, W, C], no batch).
// The importer never moves data to convert between them: every ONNX tensor computed at run time is
// an OnnxTensor, an nnsim tensor plus how its elements map to the ONNX tensor's elements (an axis
// permutation, or after a reshape of a permuted tensor an explicit element order). Transpose, Reshape,
// Flatten, Squeeze and Unsqueeze only change that mapping; operators that care about the layout
// (Conv, pooling, BatchNormalization, Gemm) read it and permute their weights instead
// (docs/onnx_import.md). Constants (initializers, Constant nodes, quantizers of constants) are
// OnnxConst values. This is the one place in nnsim that maps ONNX operator names to nnsim kinds.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/graph.hpp"

namespace onnx {
class ModelProto;
class NodeProto;
class TensorProto;
}  // namespace onnx

namespace nnsim {

/// A constant tensor (float values held in doubles), with the fixed-point type of its values when a
/// QONNX quantizer produced it.
struct OnnxConst {
    std::vector<int64_t> dims;  ///< ONNX dimensions (with the batch axis if it had one)
    std::vector<double> data;   ///< row-major
    std::optional<FixedType> type;  ///< exact type of the values (quantized constants)
    /// Elements the dimensions give; -1 if a dimension is negative or the count exceeds 2^40.
    int64_t size() const {
        int64_t n = 1;
        for (int64_t d : dims) {
            if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d)) return -1;
            n *= d;
        }
        return n;
    }
};

/// A tensor computed at run time: which nnsim tensor carries it and in which element order.
struct OnnxTensor {
    std::string nnsim;           ///< the graph input or node that holds the values
    Shape onnx;                  ///< the ONNX shape without the batch axis
    std::vector<int> perm;       ///< nnsim axis i is ONNX axis perm[i] (empty: the ONNX order)
    std::vector<int64_t> order;  ///< if set: nnsim element j is ONNX element order[j] (row-major)
    bool identity() const;       ///< nnsim elements in ONNX row-major order
};

/// One import: reads the model's graph in order and builds the nnsim graph.
class OnnxImporter {
  public:
    OnnxImporter(const onnx::ModelProto& model, std::string file);
    /// Build the graph; throws a UserError naming the file and the node at the first problem.
    Graph run();
    /// Precisions set from QONNX quantizers: node (or input) name -> variable -> type. These win over
    /// an hls4ml config's, as the quantizers are part of the model.
    const std::map<std::string, std::map<std::string, FixedType>>& quantized() const { return m_quantized; }
    /// ONNX node and input names -> the nnsim names made of them ("/linear/Gemm" -> "linear_Gemm").
    const std::map<std::string, std::string>& onnx_names() const { return m_onnx_names; }

    // Operator mappers, by ONNX op_type (onnx_ops.cpp, onnx_conv.cpp, onnx_quant.cpp).
    void op_gemm(const onnx::NodeProto& n);
    void op_matmul(const onnx::NodeProto& n);
    void op_add(const onnx::NodeProto& n);
    void op_activation(const onnx::NodeProto& n);
    void op_softmax(const onnx::NodeProto& n);
    void op_identity(const onnx::NodeProto& n);
    void op_batchnorm(const onnx::NodeProto& n);
    void op_reshape(const onnx::NodeProto& n);
    void op_transpose(const onnx::NodeProto& n);
    void op_constant(const onnx::NodeProto& n);
    void op_conv(const onnx::NodeProto& n);
    void op_pool(const onnx::NodeProto& n);
    void op_pad(const onnx::NodeProto& n);
    void op_global_pool(const onnx::NodeProto& n);
    void op_concat(const onnx::NodeProto& n);
    void op_resize(const onnx::NodeProto& n);
    void op_quant(const onnx::NodeProto& n);
    void op_bipolar_quant(const onnx::NodeProto& n);
    void op_trunc(const onnx::NodeProto& n);

    /// The operators understood, comma-separated (for messages).
    static std::string supported_ops();

  private:
    using OpFn = void (OnnxImporter::*)(const onnx::NodeProto&);
    static const std::vector<std::pair<const char*, OpFn>>& table();

    void read_constants();
    void read_inputs();
    void read_outputs(Graph& g);
    void add(const onnx::NodeProto& n, size_t index);

  public:
    // Helpers for the mappers.
    [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& message) const;
    bool is_const(const std::string& name) const { return m_consts.count(name) != 0; }
    const OnnxConst& constant(const onnx::NodeProto& n, int input, const char* what) const;
    const OnnxConst* optional_constant(const onnx::NodeProto& n, int input, const char* what) const;
    const OnnxTensor& tensor(const onnx::NodeProto& n, int input) const;
    /// A constant's value used as an integer (a shape, an axis, a pad): refused unless it is a whole
    /// number of magnitude at most 2^31.
    int64_t as_int(const onnx::NodeProto& n, double v, const char* what) const;
    /// Integer, float, string and integer-list attributes with their defaults.
    int64_t attr_int(const onnx::NodeProto& n, const char* name, int64_t fallback) const;
    double attr_float(const onnx::NodeProto& n, const char* name, double fallback) const;
    std::string attr_string(const onnx::NodeProto& n, const char* name, const std::string& fallback) const;
    std::optional<std::vector<int64_t>> attr_ints(const onnx::NodeProto& n, const char* name) const;
    /// A new node of `kind` reading `inputs`, named after the ONNX node (plus `suffix`), with shape `shape`.
    Node& add_node(const onnx::NodeProto& n, const char* kind, const std::vector<std::string>& inputs,
                   const Shape& shape, const std::string& suffix = "");
    /// Record ONNX output `k` of `n` as computed tensor `t`, or as constant `c`.
    void set_output(const onnx::NodeProto& n, const OnnxTensor& t, int k = 0);
    void set_output(const onnx::NodeProto& n, OnnxConst c, int k = 0);
    /// The nnsim shape of a tensor created so far.
    const Shape& nnsim_shape(const std::string& nnsim) const { return m_shape.at(nnsim); }
    /// The flat nnsim tensor of `t` (a reshape node "<node>_flatten" first if it is not flat) and, per
    /// nnsim element, the ONNX element it holds.
    std::string flat_input(const onnx::NodeProto& n, const OnnxTensor& t, std::vector<int64_t>& order);
    /// Per nnsim element j (row-major), the ONNX element (row-major) it holds.
    std::vector<int64_t> element_order(const OnnxTensor& t) const;
    /// Whether the node's `channels_last` form applies (the QONNX channels-last domain).
    static bool channels_last_domain(const onnx::NodeProto& n);
    /// Pin a quantized precision of a node or input.
    void pin(const std::string& name, const std::string& var, const FixedType& t) { m_quantized[name][var] = t; }
    /// How many nodes read ONNX tensor `name`, and whether it is a graph output.
    int readers(const std::string& name) const;
    /// The node that computed nnsim tensor `nnsim` directly from ONNX tensor `onnx_name`, or nullptr.
    Node* producer_of(const std::string& onnx_name);
    /// Whether a quantizer already set the result precision of node or input `name`.
    bool result_quantized(const std::string& name) const {
        auto it = m_quantized.find(name);
        return it != m_quantized.end() && it->second.count("result") != 0;
    }
    Graph& graph() { return m_graph; }

  private:
    const onnx::ModelProto& m_model;
    std::string m_file;
    Graph m_graph;
    std::map<std::string, OnnxConst> m_consts;      ///< ONNX constant tensors by name
    std::map<std::string, OnnxTensor> m_tensors;    ///< ONNX computed tensors by name
    std::map<std::string, Shape> m_shape;           ///< nnsim tensor -> shape
    std::map<std::string, std::string> m_created;   ///< ONNX tensor -> the nnsim node made for it
    std::map<std::string, int> m_readers;           ///< ONNX tensor -> number of reading nodes (+1 if output)
    std::set<std::string> m_names;                  ///< nnsim names taken
    std::map<std::string, std::map<std::string, FixedType>> m_quantized;
    std::map<std::string, std::string> m_onnx_names;  ///< see onnx_names()
    bool m_channels_last = false;                   ///< the model uses the QONNX channels-last domain
    int64_t m_opset = 0;                            ///< default-domain opset
    size_t m_index = 0;                             ///< index of the node being mapped
};

/// The values of a TensorProto into `c`; returns an error message, empty on success.
std::string onnx_read_tensor(const onnx::TensorProto& t, OnnxConst& c);

/// A valid nnsim name from an ONNX name ("/linear/Gemm" -> "linear_Gemm").
std::string onnx_clean_name(const std::string& name);

/// Whether the values are a power of two scalar (all equal); sets log2 of it.
bool onnx_power_of_two(const std::vector<double>& v, int& log2);

}  // namespace nnsim
