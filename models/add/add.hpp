// Add (hls4ml Merge "add"): y = result_t(a + b) element by element, for two inputs of the same shape.
//
// Values: as hls4ml's nnet::add, the sum is formed at full precision (the two inputs aligned to the
// larger number of fraction bits, no overflow) and cast once to result_t with the shared cast.
// Timing: II 1, latency 1 (an adder and the result register). Pixel-wise (StreamStyle::kPixelwise):
// under io_stream beat j of both inputs is read in the same cycle and gives output beat j.
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

class AddKind : public LayerKind {
  public:
    const char* name() const override { return "add"; }
    const char* summary() const override { return "element-wise sum of two tensors of the same shape (Merge add)"; }
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
