// The untimed reference evaluator: runs a validated graph one inference at a time, bit-exact on raw
// fixed-point integers, and the same graph in double precision for accuracy comparisons.
//
// Each node is compiled once by its kind into a LayerOp; buffers are allocated once, so run() does no
// allocation. The SystemC model and the RTL checks take their values from this code (one
// implementation of the arithmetic).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

class Evaluator {
  public:
    /// `g` must be validated and must outlive the evaluator.
    explicit Evaluator(const Graph& g);

    const Graph& graph() const { return m_graph; }
    size_t input_size(size_t k) const { return m_input_raw[k].size(); }
    size_t node_size(size_t node) const { return m_node_raw[node].size(); }

    /// Convert one sample of input k to its precision. Values go through float32 first, as hls4ml's
    /// testbench reads them (atof into float, then into the input type).
    void set_input(size_t k, const double* values);
    void set_input_raw(size_t k, const int64_t* raw);
    const std::vector<int64_t>& input_raw(size_t k) const { return m_input_raw[k]; }

    /// Evaluate every node bit-exactly. With count = true every layer also counts overflow events.
    void run(bool count = false);
    const std::vector<int64_t>& node_raw(size_t node) const { return m_node_raw[node]; }
    /// Real values of a node's result (raw * 2^-F of its result type).
    std::vector<double> node_values(size_t node) const;

    /// Evaluate in double precision from unquantized inputs (one pointer per graph input). With
    /// `quantizers`, the results that the imported model's activation quantizers fix
    /// (Graph::quantizer_precision "result", a graph input's included) are quantized to their type: the model's quantized float
    /// reference (QKeras's inference arithmetic with float accumulation).
    void run_float(const std::vector<const double*>& inputs, bool quantizers = false);
    /// Whether any result has an activation quantizer (then run_float(..., true) differs).
    bool has_activation_quantizers() const;
    const std::vector<double>& node_float(size_t node) const { return m_node_float[node]; }

    /// Overflow counters of a node, accumulated over every counted run().
    std::vector<OverflowCounter>& counters(size_t node) { return m_ops[node]->counters(); }
    /// Multiply-accumulates per inference over the whole graph.
    int64_t macs() const { return m_macs; }
    /// Node indices of the graph outputs.
    const std::vector<size_t>& output_nodes() const { return m_outputs; }

  private:
    const Graph& m_graph;
    std::vector<std::unique_ptr<LayerOp>> m_ops;        ///< one compiled op per node
    std::vector<std::vector<int64_t>> m_input_raw;      ///< per graph input
    std::vector<std::vector<int64_t>> m_node_raw;       ///< per node result
    std::vector<std::vector<double>> m_input_float;     ///< per graph input (float path)
    std::vector<std::vector<double>> m_node_float;      ///< per node result (float path)
    std::vector<std::vector<const int64_t*>> m_args;    ///< per node: pointers to its input buffers
    std::vector<std::vector<const double*>> m_fargs;    ///< same for the float path
    std::vector<size_t> m_outputs;                      ///< node indices of the outputs
    std::vector<const FixedType*> m_quantized_result;   ///< per node: its activation quantizer's type, or null
    std::vector<const FixedType*> m_quantized_input;    ///< per graph input: its quantizer's type, or null
    int64_t m_macs = 0;
};

}  // namespace nnsim
