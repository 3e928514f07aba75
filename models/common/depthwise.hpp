// Depthwise convolutions (depthwise_conv1d, depthwise_conv2d), valid padding, any stride: hls4ml's
// DepthwiseConv1D / DepthwiseConv2D. Shared by models/depthwise_conv1d and models/depthwise_conv2d,
// which only name the kind and its rank.
//
// Values: output channel c * M + m of output pixel (oy, ox) = bias[c * M + m] + the sum over the
// window (row, column order) of x[oy * s_h + kh, ox * s_w + kw, c] * kernel[kh, kw, c, m], with hls4ml's
// arithmetic (its depthwise_product): each product cast to accum_t before it is added, the accumulator
// starting at the bias cast to accum_t and cast to accum_t after every addition, the result cast to
// result_t. M = depth_multiplier; hls4ml implements M = 1 only, so the kind refuses any other value.
//
// Hardware: the window core is the dense kind's MAC core (models/dense, MacPlan) on the K * C * M
// products of the window (K = K_h * K_w; input element k * C + c of the flattened window, output
// c * M + m), in RF groups of ceil(K * C * M / RF) multipliers: the per-channel products only, no
// zero weights for the other channels.
//
// Reuse factors: hls4ml validates a depthwise layer's reuse factor with the conv rule on (n_in, n_out)
// = (K * C, C) (its get_layer_mult_size); nnsim keeps those up to K * C * M (one multiplier), since
// hls4ml's depthwise Resource kernel caps its loop at K * C iterations.
//
// Timing (docs/timing.md, "Windows"), RF the reuse factor, Ld = RF + 1 (Latency) or RF + 2 (Resource):
//   io_stream   (StreamStyle::kRepack, rtl/window_shell.cpp) II = RF per input pixel, L = Ld from the
//               pixel that completes a window; output pixel j needs window_needs(...)[j] input beats
//   io_parallel (one beat = the whole tensor, conv_parallel_rtl.cpp) the output pixels go one after
//               the other through one window core: II = P * RF, L = (P - 1) * RF + Ld, P = output pixels.
#pragma once

#include "core/layer_kind.hpp"
#include "models/dense/dense.hpp"
#include "rtl/window_shell.hpp"

namespace nnsim {

class DepthwiseKind : public LayerKind {
  public:
    /// `rank`: 1 for depthwise_conv1d (input [W, C]), 2 for depthwise_conv2d (input [H, W, C]).
    explicit DepthwiseKind(int rank) : m_rank(rank) {}
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    StreamStyle stream_style() const override { return StreamStyle::kRepack; }
    std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    int64_t macs(const Node& node, const NodeInputs& in) const override;
    std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                         std::ostream& wrap) const override;
    bool fold_affine(Node& node, const std::vector<double>& scale, const std::vector<double>& shift) const override;

  private:
    /// The window core's product list: n_in = K * C window elements, n_out = C * M outputs.
    MacPlan window_plan(const Node& node, const WindowGeometry& g) const;
    /// The window core's spec (module `module`) for input type `xt` and result type `rt`.
    RtlCoreSpec window_spec(const Node& node, const WindowGeometry& g, const std::string& module,
                            const FixedType& xt, const FixedType& rt) const;
    /// The first line of the window core's Verilog.
    std::string comment(const Node& node, const MacPlan& plan) const;
    int m_rank;
};

}  // namespace nnsim
