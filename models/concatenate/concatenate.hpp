// Concatenate (hls4ml class "Concatenate"): y = the two inputs joined along `axis` (default -1, the
// channels), every element cast from its input's type to result_t with the shared cast (hls4ml
// assigns each input element to a res_T element: nnet_merge.h concatenate1d/2d/3d).
//
// Shapes: both inputs of the same rank, equal in every dimension but `axis`; `axis` in [-rank, rank-1].
// Timing: II 1, latency 1 (the casts, then the result register).
// Streaming (StreamStyle::kPixelwise): on the channel axis an output pixel is the input pixels side by
// side (input 0's channels first), so beat j of both inputs gives output beat j; the inputs have the
// same pixel grid. Concatenating along another axis of multi-pixel io_stream tensors (hls4ml streams
// all of input 0's beats, then all of input 1's) is refused by check_stream (docs/timing.md,
// "Concatenate on another axis"); under io_parallel any axis works, the whole tensor being one beat.
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

/// The concatenation as `outer` blocks of input 0's `inner0` values followed by input 1's `inner1`.
struct ConcatLayout {
    int64_t outer = 1, inner0 = 0, inner1 = 0;
};
/// Layout of a validated node for inputs of `elems0` and `elems1` values. A node whose output is
/// rank 1 (flat tensors, or the one-pixel view under io_stream, where only the channel axis remains)
/// concatenates its inputs whole.
ConcatLayout concat_layout(const Node& node, int64_t elems0, int64_t elems1);

class ConcatenateKind : public LayerKind {
  public:
    const char* name() const override { return "concatenate"; }
    const char* summary() const override { return "two tensors joined along an axis, by default the channels (Concatenate)"; }
    const char* hls4ml_class() const override { return "Concatenate"; }
    std::vector<ParamSpec> params() const override;
    int arity() const override { return 2; }
    StreamStyle stream_style() const override { return StreamStyle::kPixelwise; }
    void check_stream(const Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
};

}  // namespace nnsim
