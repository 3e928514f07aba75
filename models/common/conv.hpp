// Convolutions (conv1d, conv2d), valid padding, any stride: hls4ml's Conv1D / Conv2D, whose every
// output pixel is hls4ml's dense kernel on the flattened window. Shared by models/conv1d and
// models/conv2d, which only name the kind and its rank.
//
// Values: output pixel (oy, ox) = dense(window), n_in = K_h * K_w * C in (row, column, channel) order,
// n_out = F, with the kernel [K_h, K_w, C, F] read as [K_h * K_w * C, F] (the same row-major data),
// the bias, the precisions (weight, bias, accum, result), the reuse factor and the strategy of the
// layer: each product cast to accum_t before it is added, the accumulator starting at the bias
// (models/dense/dense.cpp). The kind builds that dense node (window_dense) and delegates the window's
// arithmetic, valid reuse factors, per-window timing, Verilog core and core estimate to the dense kind.
//
// Timing (docs/timing.md, "Windows"), RF the reuse factor, Ld = RF + 1 (Latency) or RF + 2 (Resource):
//   io_stream   (StreamStyle::kRepack, rtl/window_shell.cpp) II = RF per input pixel, L = Ld from
//               the pixel that completes a window; output pixel j needs window_needs(...)[j] input beats
//   io_parallel (one beat = the whole tensor, conv_parallel_rtl.cpp) the output pixels go one after
//               the other through one dense core: II = P * RF, L = P * RF + 1 (Latency) or + 2
//               (Resource), P = output pixels.
#pragma once

#include "core/layer_kind.hpp"
#include "rtl/window_shell.hpp"

namespace nnsim {

class ConvKind : public LayerKind {
  public:
    /// `rank`: 1 for conv1d (input [W, C]), 2 for conv2d (input [H, W, C]).
    explicit ConvKind(int rank) : m_rank(rank) {}
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

    /// Geometry of a validated node on its input (1D: in_h = k_h = s_h = 1).
    WindowGeometry geometry(const Node& node, const NodeInputs& in) const;
    /// The dense node computing one output pixel from its flattened window, and its input ([n_in]).
    Node window_dense(const Node& node, const NodeInputs& in, NodeInputs& dense_in) const;

  private:
    int m_rank;
};

/// kernel_size ([k] or [k_h, k_w], required) and strides (default ones) of a window kind of `rank`.
std::vector<ParamSpec> window_params(int rank);
/// Geometry of a validated window node of `rank` (1: input [W, C], 2: [H, W, C]) on input shape `s`.
WindowGeometry window_geometry(const Node& node, const Shape& s, int rank);
/// Checks the input rank, the lengths of kernel_size and strides and that the window fits the input
/// (valid padding); reports the first problem (`kind` names the layer kind) and returns false.
bool check_window(const Node& node, const Shape& s, int rank, const char* kind, Diagnostics& diag);
/// The io_parallel core's own logic around its window core (conv_parallel_rtl.cpp): input register,
/// window multiplexer, register of the first P - 1 output pixels of `out_pixel_bits`, counters.
/// Fitted on conv2d (conv.cpp); for depthwise_conv2d 5x4x4 and 8x8x4, 3x3, RF 2 the layer comes out
/// at LUT +21 %, FF +3 % / +1 %, DSP exact against Yosys (xc7).
Resources conv_parallel_estimate(const WindowGeometry& g, int elem_width, int out_pixel_bits);

/// Timing of a window kind from its window core's timing `t`: under io_stream `t` itself (per input
/// beat), under io_parallel the P output pixels one after the other, II = P * t.ii and
/// L = (P - 1) * t.ii + t.latency.
Timing window_kind_timing(const WindowGeometry& g, const Timing& t, IoType io);
/// The logic of a window kind around its window core (timing `core`): the window shell under io_stream
/// (unless input and output are single pixels), conv_parallel_estimate otherwise.
Resources window_io_estimate(const WindowGeometry& g, const Shape& in_shape, const Shape& out_shape, IoType io,
                             int elem_width, int out_pixel_bits, const Timing& core);
/// Batch-norm folding of a window kind through `dense`, the dense node of its weights ([n_in, n_out],
/// the kernel's data in the same order): folds it, then gives `n` its weights with the kernel's shape.
bool fold_kernel_affine(Node& n, Node dense, const std::vector<double>& scale, const std::vector<double>& shift);

/// Writes the io_parallel whole-tensor core (conv_parallel_rtl.cpp): the output pixels one after the
/// other through the window's dense core `dense_module`, II = P * RF, latency (P - 1) * RF + Ld.
void emit_conv_parallel_core(std::ostream& os, const RtlCoreSpec& spec, const WindowGeometry& g,
                             const std::string& dense_module, const Timing& dense_timing);

}  // namespace nnsim
