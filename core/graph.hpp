// The network IR: a graph of layer nodes with typed parameters, per-variable precision and weights.
//
// Every part of nnsim reads this one structure: the reference evaluator, the SystemC model, the RTL
// generator and the sweeps. It is built from a network description (core/network_json.cpp) or by an
// importer (frontends/), and checked by Graph validation (core/validate.cpp), which also infers shapes.
// Nodes are kept in topological order. Nothing here knows about particular layer kinds: kind-specific
// behaviour lives behind the LayerKind interface (core/layer_kind.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/fixed.hpp"

namespace nnsim {

class LayerKind;

/// Tensor shape without the batch dimension, channels last (Keras convention).
using Shape = std::vector<int>;
int64_t shape_size(const Shape& s);
/// Pixels of a tensor: all axes but the last (1 for a flat tensor); the io_stream beats per sample.
int64_t shape_pixels(const Shape& s);
std::string shape_to_string(const Shape& s);

/// hls4ml Strategy.
enum class Strategy { kLatency, kResource };
/// hls4ml IOType.
enum class IoType { kParallel, kStream };

const char* strategy_name(Strategy s);  ///< "Latency" / "Resource"
const char* io_type_name(IoType t);     ///< "io_parallel" / "io_stream"

/// A kind-specific parameter value (see ParamSpec in layer_kind.hpp); the list holds ParamType::kIntList.
using ParamValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>>;

/// A float weight tensor as trained (float32 values held exactly in doubles), before quantization.
struct WeightTensor {
    Shape shape;               ///< e.g. [n_in, n_out] for a Dense kernel
    std::vector<double> data;  ///< row-major values
    std::string file;          ///< HDF5 file the values came from (absolute path), empty when inline
    std::string dataset;       ///< dataset path inside `file`, empty when inline
};

/// One layer instance.
struct Node {
    std::string name;                             ///< unique; used in reports, waveforms and RTL names
    const LayerKind* kind = nullptr;              ///< behaviour of this layer kind (never null once built)
    std::vector<std::string> inputs;              ///< producing node names or graph input names
    Shape shape;                                  ///< output shape, set by validation
    std::map<std::string, ParamValue> params;     ///< kind parameters, defaults filled in by validation
    std::map<std::string, FixedType> precision;   ///< per variable: result, weight, bias, accum, table, ...
    std::map<std::string, WeightTensor> weights;  ///< per weight name: kernel, bias, scale, ...
    int reuse_factor = 1;                         ///< hls4ml ReuseFactor
    Strategy strategy = Strategy::kLatency;       ///< hls4ml Strategy
    int fifo_depth = 0;                           ///< depth of this node's output FIFO; 0 = default rule
    std::string where;                            ///< JSON pointer of the layer in its description

    bool has_param(const std::string& key) const { return params.count(key) != 0; }
    int64_t get_int(const std::string& key) const;
    const std::vector<int64_t>& get_int_list(const std::string& key) const;
    double get_float(const std::string& key) const;  ///< accepts integer values too
    bool get_bool(const std::string& key) const;
    const std::string& get_string(const std::string& key) const;
    const FixedType& type(const std::string& var) const;  ///< precision of a variable (must exist)
};

/// A network input.
struct GraphInput {
    std::string name;
    Shape shape;
    FixedType precision;  ///< the input type; samples are converted to it (TRN/WRAP unless set otherwise)
    int fifo_depth = 0;   ///< depth of the FIFOs from the source to this input's consumers; 0 = default rule
};

/// A precision fixed by a quantizer of the imported model (QKeras), with the quantizer's text.
struct QuantizerPrecision {
    FixedType type;
    std::string quantizer;
    /// An hls4ml config entry naming this layer's variable wins (HGQ's embedded precisions, as in
    /// hls4ml); otherwise the quantizer wins over any config (QKeras).
    bool yields_to_layer_config = false;
};

/// The whole network.
struct Graph {
    std::string name;                  ///< network name (used for generated file names)
    std::string source_file;           ///< file the graph was read from, for messages
    std::vector<GraphInput> inputs;
    std::vector<Node> nodes;           ///< topological order
    std::vector<std::string> outputs;  ///< names of the nodes whose results are network outputs
    IoType io_type = IoType::kParallel;
    double clock_period_ns = 5.0;      ///< hls4ml ClockPeriod
    std::string part;                  ///< FPGA part, e.g. xcku115-flvb2104-2-i
    FixedType default_precision;       ///< model precision (hls4ml Model: Precision)
    int default_reuse_factor = 1;
    Strategy default_strategy = Strategy::kLatency;
    /// Per node and variable, the precisions the imported model's quantizers fix (QKeras); applied
    /// after an hls4ml config, which does not override them (frontends/load.cpp).
    std::map<std::string, std::map<std::string, QuantizerPrecision>> quantizer_precision;
    /// Per node and variable, where an importer set its precision ("quantizer quantized_bits(6,0,1)",
    /// "config HLSConfig/LayerName/fc1/Precision/weight"); absent: the default. Reported by nnsim import.
    std::map<std::string, std::map<std::string, std::string>> precision_source;

    /// Node by name, or nullptr.
    const Node* find(const std::string& name) const;
    Node* find(const std::string& name);
    /// Index of a node, or -1.
    int index_of(const std::string& name) const;
    /// Shape and precision of a tensor (a graph input or a node's result).
    Shape shape_of(const std::string& tensor) const;
    FixedType type_of(const std::string& tensor) const;
};

}  // namespace nnsim
