// Pooling kinds: pooling1d / pooling2d (a max or average over sliding windows, hls4ml "Pooling1D" /
// "Pooling2D") and global_pooling1d / global_pooling2d (over the whole image, one value per channel,
// hls4ml "GlobalPooling1D" / "GlobalPooling2D"). Inputs are channels last: [W, C] for 1D kinds,
// [H, W, C] for 2D kinds; windowed outputs are [out_w, C] / [out_h, out_w, C] with Keras "valid"
// positions out = (in - pool) / stride + 1 (floor; "same": below), global outputs [C].
//
// Values (every kind, channel by channel; raw integers, nnsim::cast for every quantization point).
// The window of an output position is visited in row-major order (window row, then column); the
// global window is the whole image in input (beat) order.
//   max:     m = the largest input value (compared in the input type); y = result_t(m).
//   average: acc = 0; for each x in order: acc = accum_t(acc + accum_t(x)) (each input is cast to
//            accum_t first, then every partial sum is cast to accum_t: rounding and overflow of
//            accum_t, wrap or saturation after each add); q = acc / N truncated toward zero at accum_t's
//            fraction bits, N the number of values pooled (pool area; image pixels for global
//            pooling); y = result_t(q).
// hls4ml, for comparison (nnet_pooling.h, nnet_pooling_stream.h; facts, not code): io_parallel sums
// `accum_t y = 0; y += x` sequentially in the window order above without first casting x; io_stream
// casts every window value to accum_t, then its line-buffer kernel reduces the window with a balanced
// add (or max) tree in accum_t and its global kernel accumulates pixel by pixel in input order in
// accum_t, starting from 0 (average) or accum_t's minimum (max); the division is ap_fixed's `sum / N`
// by an integer, which keeps the dividend's fraction bits and truncates the quotient toward zero,
// then converts to result_t. nnsim's order equals every one of these whenever accum_t has at least
// the input's fraction bits and no partial sum saturates (wrapping sums are associative), and equals
// hls4ml's io_stream global average pooling always. Max pooling uses no accum_t in nnsim (hls4ml's
// casts to accum_t are the identity when accum_t = the input type, the default).
//
// Padding: "valid" (windows inside the input) or "same" (Keras/TensorFlow: out = ceil(in / stride),
// max((out - 1) * stride + pool - in, 0) pad pixels per axis, the smaller half before): a window holds
// only its pixels inside the input, so max ignores the pad and average divides by the number of real
// pixels (N varies per output; hls4ml io_parallel's count_pad = false). hls4ml's streaming kernels
// reject padding; nnsim's Verilog streams "same" pooling through the generic repack shell (a buffer of
// the sample and the whole-tensor core) instead of the line-buffer window shell, so with "same" padding
// under io_stream the latency is 1 for average too (sum and division in one cycle).
//
// Timing (II per input beat; io_parallel: the whole tensor is one beat):
//   max:     II 1, L = 1 (a chain of compare-and-selects, the result cast and its register)
//   average: II 1, L = 2 (the accum_t adder chain registered, then the division as a multiply by a
//            reciprocal constant and the result cast, registered)
// Under io_stream the kinds are StreamStyle::kRepack: output pixel j of a windowed kind needs the
// input beats up to its window's bottom-right pixel (rtl/window_shell.hpp window_needs; with "same"
// padding its last pixel inside the input, made non-decreasing, so the last input beat can release
// several output pixels); global pooling's one output beat needs every input beat. Latency counts
// from that last needed beat.
#pragma once

#include <string>

#include "core/layer_kind.hpp"

namespace nnsim {

/// What the windowed and global pooling kinds share: name and hls4ml class built from the number of
/// image axes, the result/accum precision variables, StreamStyle::kRepack.
class PoolingKindBase : public LayerKind {
  public:
    const char* name() const override { return m_name.c_str(); }
    const char* hls4ml_class() const override { return m_class.c_str(); }
    std::vector<PrecisionVarSpec> precision_vars() const override;
    StreamStyle stream_style() const override { return StreamStyle::kRepack; }

  protected:
    /// `prefix` "" or "global_" ("pooling1d", "global_pooling2d"; classes "Pooling1D", "GlobalPooling2D").
    PoolingKindBase(int dims, const std::string& prefix);
    int m_dims;
    std::string m_name, m_class;
};

/// pooling1d (dims 1) and pooling2d (dims 2).
class PoolingKind : public PoolingKindBase {
  public:
    explicit PoolingKind(int dims) : PoolingKindBase(dims, "") {}
    const char* summary() const override;
    std::vector<ParamSpec> params() const override;
    std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                         std::ostream& wrap) const override;
};

/// global_pooling1d (dims 1) and global_pooling2d (dims 2).
class GlobalPoolingKind : public PoolingKindBase {
  public:
    explicit GlobalPoolingKind(int dims) : PoolingKindBase(dims, "global_") {}
    const char* summary() const override;
    std::vector<ParamSpec> params() const override;
    std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                         std::ostream& wrap) const override;
};

}  // namespace nnsim
