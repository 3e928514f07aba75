// Shared code of the element-wise merges of two tensors of the same shape (hls4ml class "Merge"):
// add, subtract, multiply, average, maximum, minimum. Each kind is a folder under models/ that only
// names its MergeOp; evaluation, timing, resources and Verilog live here (merge.cpp, merge_rtl.cpp).
//
// Values (hls4ml nnet_merge.h / nnet_merge_stream.h, ap_fixed arithmetic): every intermediate is exact
// and cast once to result_t with the shared cast (core/fixed.hpp, rtl/verilog_cast.hpp):
//   add      a + b               exact at F = max(F_a, F_b) fraction bits
//   subtract a - b               exact at F (signed even for two unsigned inputs)
//   multiply a * b               exact product at F_a + F_b fraction bits (ap_fixed's full-width
//                                product: W_a + W_b bits), cast once; no intermediate type
//   average  (a + b) * 0.5       hls4ml multiplies the exact sum by ap_ufixed<1,0>(0.5): the sum at
//                                F + 1 fraction bits, exact (no rounding before the result cast)
//   maximum  a > b ? a : b       the comparison is exact between the two input types (both aligned to
//   minimum  a < b ? a : b       F); the chosen input is then cast to result_t (equal values cast
//                                alike, so which one wins a tie does not matter)
// Float evaluation: a + b, a - b, a * b, (a + b) / 2, max, min in double.
// Timing: II 1, latency 1 (the combinational operation and cast, then the result register).
// Pixel-wise (StreamStyle::kPixelwise): under io_stream beat j of both inputs is read in the same
// cycle and gives output beat j, so a ResNet-style fan-out feeding both inputs needs no extra layer.
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

enum class MergeOp { kAdd, kSubtract, kMultiply, kAverage, kMaximum, kMinimum };

/// How one pair of elements is combined: the exact intermediate's fraction bits and each input's
/// alignment shift to it (multiply: no alignment, the product's fraction bits are F_a + F_b).
struct MergeArith {
    int frac = 0;              ///< fraction bits of the exact value that is cast to result_t
    int shift_a = 0, shift_b = 0;  ///< left shifts aligning a and b to the common fraction bits
};
MergeArith merge_arith(MergeOp op, const FixedType& a, const FixedType& b);

/// Base of the element-wise merge kinds: everything but the name and the operation.
class ElementwiseMergeKind : public LayerKind {
  public:
    virtual MergeOp op() const = 0;
    const char* hls4ml_class() const override { return "Merge"; }
    int arity() const override { return 2; }
    StreamStyle stream_style() const override { return StreamStyle::kPixelwise; }
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
};

}  // namespace nnsim
