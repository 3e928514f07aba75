// Internal to the Keras importer: the mapping of individual Keras layers to graph inputs and nodes.
//
// KerasMapper receives the layers one at a time in topological order (keras.cpp reads the structure)
// and keeps, for each Keras layer name, the tensor that now carries its output and that tensor's shape,
// so that dropped layers can be rewired and Flatten can tell whether its input is already flat. This is
// the one place in nnsim that maps Keras class names to nnsim kind names.
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "core/graph.hpp"

namespace nnsim {

class KerasWeightFile;

/// One Keras layer as read from the model JSON.
struct KerasLayer {
    std::string class_name;                  ///< Keras class, e.g. "Dense"
    std::string name;                        ///< layer name, unique in the model
    const nlohmann::json* config = nullptr;  ///< the layer's "config" object (owned by the model JSON)
    std::vector<std::string> inbound;        ///< names of the producing Keras layers, in order
    std::string where;                       ///< JSON pointer of the layer (with any prefix), for messages
};

/// A Keras size field (kernel_size, strides, pool_size) as `dims` integers: an integer is repeated,
/// a list must have `dims` integer entries. Returns false for any other form.
bool keras_sizes(const nlohmann::json& v, int dims, std::vector<int64_t>& out);

/// The number of image axes of a Keras 1D/2D layer class (Conv2D: 2, MaxPooling1D: 1).
inline int keras_image_dims(const std::string& keras_class) {
    return keras_class.find("2D") != std::string::npos ? 2 : 1;
}

/// The one-line message for a layer of an unmapped class (with a hint for QKeras classes).
std::string keras_unsupported(const std::string& name, const std::string& keras_class);

/// Whether the importer maps Keras class `keras_class`.
bool keras_class_supported(const std::string& keras_class);

class KerasMapper {
  public:
    /// Nodes and inputs go into `g`; problems are reported to `diag` (prefixed with `file`).
    KerasMapper(Graph& g, const KerasWeightFile& weights, const std::string& file, Diagnostics& diag)
        : m_graph(g), m_weights(weights), m_file(file), m_diag(diag) {}

    /// Map one layer (its producers must have been added before).
    void add(const KerasLayer& l);
    /// The tensor now carrying the output of Keras layer `keras_name`; empty if there is none.
    std::string tensor_of(const std::string& keras_name) const;

  private:
    // One mapper per supported class (see the table in keras_layers.cpp).
    void add_input(const KerasLayer& l);
    /// Dense, and the binary and ternary dense layers of hls4ml's Keras examples (BinaryDense,
    /// TernaryDense), whose kernels binarize_kernel quantizes.
    void add_dense(const KerasLayer& l);
    /// BinaryDense: w >= 0 ? 1 : -1; TernaryDense: w > 0.5 ? 1 : (w <= -0.5 ? -1 : 0), as hls4ml's
    /// BinaryQuantizer(bits=2) and TernaryQuantizer; the weight type becomes int<2>, pinned like a QKeras
    /// quantizer's (keras_binary.cpp).
    void binarize_kernel(const KerasLayer& l, Node& n);
    void add_activation(const KerasLayer& l);
    void add_batchnorm(const KerasLayer& l);
    void add_relu(const KerasLayer& l);
    void add_leaky_relu(const KerasLayer& l);
    void add_elu(const KerasLayer& l);
    void add_softmax(const KerasLayer& l);
    void add_dropout(const KerasLayer& l);
    void add_flatten(const KerasLayer& l);
    /// Keras Reshape: the reshape kind with the same target shape (channels last).
    void add_reshape(const KerasLayer& l);
    /// ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D (keras_reformat.cpp).
    void add_reformat(const KerasLayer& l);
    /// Max/AveragePooling1D/2D and GlobalMax/AveragePooling1D/2D (keras_pooling.cpp).
    void add_pooling(const KerasLayer& l);
    /// Conv1D/2D, DepthwiseConv1D/2D, SeparableConv1D/2D (keras_conv.cpp).
    void add_conv(const KerasLayer& l);
    /// Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate (keras_merge.cpp).
    void add_merge(const KerasLayer& l);
    /// LSTM, GRU, SimpleRNN (keras_recurrent.cpp).
    void add_recurrent(const KerasLayer& l);
    /// HGQ's FixedPointQuantizer (keras_hgq.cpp): removed when fusible, else a fixed_point_quantizer
    /// node; either way its `overrides` set the precisions of the layers it names.
    void add_fixed_point_quantizer(const KerasLayer& l);
    void apply_hgq_overrides(const KerasLayer& l);

    friend bool keras_class_supported(const std::string& keras_class);
    friend std::string keras_supported_classes();
    using AddFn = void (KerasMapper::*)(const KerasLayer&);
    /// The Keras class -> mapper table.
    static const std::vector<std::pair<const char*, AddFn>>& table();

    /// Report a problem of layer `l`; `field` is a pointer below the layer ("/config/units").
    void fail(const KerasLayer& l, const std::string& message, const std::string& field = "");
    /// The tensor feeding a single-input layer; empty (reported unless a producer failed) if none.
    std::string input_of(const KerasLayer& l);
    /// Create a node of nnsim kind `kind` reading `input`; its output becomes `keras_name`'s tensor.
    Node& add_node(const KerasLayer& l, const char* kind, const std::string& node_name,
                   const std::string& input, const std::string& where_suffix = "");
    /// Add the node of Keras activation `activation` (relu, relu6, softmax, ...) reading `input`.
    void add_activation_node(const KerasLayer& l, const nlohmann::json& activation,
                             const std::string& node_name, const std::string& input,
                             const std::string& field);
    /// Check that an `axis` config field names the last axis of `input`.
    bool check_last_axis(const KerasLayer& l, const std::string& input);
    /// Check that an image layer's data_format, if given, is channels_last (reported otherwise).
    bool check_channels_last(const KerasLayer& l);
    /// Read and attach weight `var` of layer `l` to node `n`.
    void attach_weight(const KerasLayer& l, Node& n, const std::string& var);

    // Typed config fields: a missing or null field gives the default; a wrong type is reported.
    bool number_field(const KerasLayer& l, const char* key, double fallback, double& out);
    bool bool_field(const KerasLayer& l, const char* key, bool fallback, bool& out);

    Graph& m_graph;                               ///< the graph being built
    const KerasWeightFile& m_weights;             ///< where weights come from
    std::string m_file;                           ///< model file named in messages
    Diagnostics& m_diag;                          ///< problems found
    std::map<std::string, std::string> m_tensor;  ///< Keras layer name -> tensor carrying its output
    std::map<std::string, Shape> m_shape;         ///< tensor -> shape (known while importing)
    std::set<std::string> m_failed;  ///< layers that could not be mapped (their consumers stay quiet)
};

}  // namespace nnsim
