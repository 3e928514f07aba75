// Softmax over the last axis, as hls4ml computes it (stable, latency and argmax implementations).
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

class SoftmaxKind : public LayerKind {
  public:
    /// Acts on each pixel alone (along the last axis): under io_stream one beat at a time.
    StreamStyle stream_style() const override { return StreamStyle::kPixelwise; }
    const char* name() const override { return "softmax"; }
    const char* summary() const override { return "softmax over the last axis through exp and 1/x lookup tables"; }
    const char* hls4ml_class() const override { return "Softmax"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
};

/// Table sizes and contents of a softmax node, shared by the evaluator, the SystemC model and the RTL.
struct SoftmaxTables {
    int exp_size = 0;               ///< entries of the exp table
    int inv_size = 0;               ///< entries of the 1/x table
    int norm_width = 0;             ///< width of the index source of the exp table (W-1 stable, W latency)
    std::vector<int64_t> exp_table; ///< raw exp_table_t values
    std::vector<int64_t> inv_table; ///< raw inv_table_t values
};
SoftmaxTables softmax_tables(const Node& node, const FixedType& input);

}  // namespace nnsim
