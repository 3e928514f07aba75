// Dense (fully connected) layer kind. See dense.cpp for the arithmetic it implements.
#pragma once

#include "core/layer_kind.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

/// The products of a multiply-accumulate core y_j = b_j + sum over its products of x_i * w: the dense
/// kind's n_in * n_out products, or a sparse subset of them (the depthwise convolutions' per-channel
/// window). The core computes them in RF groups of M = ceil(products / RF) consecutive products (group
/// k in the k-th cycle, multiplier m takes product k * M + m); within a group out_idx is non-decreasing,
/// and each output's products appear in input order across the list. dense_rtl.cpp writes its Verilog,
/// dense_resources.cpp estimates it; the arithmetic is the dense kind's (each product cast to accum_t,
/// accumulator from the bias, in list order per output).
struct MacPlan {
    int n_in = 0, n_out = 0;
    std::vector<int> in_idx;      ///< per product p: the input element it reads
    std::vector<int> out_idx;     ///< per product p: its output
    std::vector<int64_t> weight;  ///< per product p: the quantized weight (weight_t raw)
    int64_t total() const { return int64_t(in_idx.size()); }
};

/// The dense kind's full product list for `n_in` inputs (kernel [n_in, n_out]).
MacPlan dense_plan(const Node& node, int n_in);
/// Writes the MAC core of `plan` (module spec.module, timing II = RF, latency RF + 1 / RF + 2) with the
/// precisions, bias ([n_out], optional), reuse factor and strategy of `node`.
void emit_mac_core(const Node& node, const MacPlan& plan, const RtlCoreSpec& spec, const std::string& comment,
                   std::ostream& os);
/// Whether `node` reads its inputs as +-1 (the dense kind's binary_input; other kinds that share the
/// dense code, such as the convolutions, never do).
inline bool reads_binary_input(const Node& node) {
    return node.has_param("binary_input") && node.get_bool("binary_input");
}
/// Whether emit_mac_core builds XNOR and popcount for `plan` on inputs of type `xt`: the node reads
/// binary inputs (binary_input, so `xt` is the int<2> code of +-1), its weights are +-1 or 0, RF 1,
/// and a wrapping accumulator holds +-1.
bool mac_uses_xnor(const Node& node, const MacPlan& plan, const FixedType& xt);
/// At RF 1, a wrapping accumulator's sums are trees of carry-chain adders (dense_rtl.cpp emit_sum_tree)
/// when the product casts to accum_t are wires; otherwise chains Yosys merges into $macc cells.
bool mac_uses_sum_tree(const Node& node, const FixedType& xt);
/// The adder bits of the popcount tree over `count` bits that emit_mac_core writes.
int popcount_adder_bits(int count);
/// Estimated resources of that core with its timing shell, for input type `xt` and timing `t`.
/// `x_in_dsp`: whether Yosys may move the input register into the A registers of the DSPs that read it
/// (false when its driver lets Yosys fold a per-bit synchronous reset into it, which a DSP cannot take).
Resources estimate_mac_core(const Node& node, const MacPlan& plan, const FixedType& xt, const Timing& t,
                            bool x_in_dsp = true);

class DenseKind : public LayerKind {
  public:
    const char* name() const override { return "dense"; }
    const char* summary() const override { return "fully connected layer y = W x + b (Keras Dense)"; }
    const char* hls4ml_class() const override { return "Dense"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    int64_t macs(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const override;
    /// hls4ml's valid reuse factors of an (n_in, n_out) product, ascending.
    static std::vector<int> valid_rfs(int64_t n_in, int64_t n_out);
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    /// The MAC core's result register loads only when a sample's sum is complete; with Resource and
    /// RF > 1 a second finished sum waits in the accumulators (dense_rtl.cpp).
    int rtl_held_results(const Node& node) const override;
    bool fold_affine(Node& node, const std::vector<double>& scale, const std::vector<double>& shift) const override;
};

}  // namespace nnsim
