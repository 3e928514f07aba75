// Reshape (and Flatten = reshape to [n]): the same values in a new shape, row-major; hls4ml "Reshape".
//
// Values: identity on the raw integers; the result precision defaults to the input's, and when it is
// set to another type every value goes through the shared cast (result_t rounding and overflow).
// Timing: II 1, latency 1. Under io_stream it is a rate-changing repack (StreamStyle::kRepack,
// sim/repack_module.hpp): output beats leave in row-major order, each one cycle after the input beat
// holding its last element was accepted, at most one per cycle; [8,4] -> [32] writes its one beat one
// cycle after the eighth input beat, [32] -> [8,4] writes eight beats on eight consecutive cycles.
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

class ReshapeKind : public LayerKind {
  public:
    const char* name() const override { return "reshape"; }
    const char* summary() const override { return "the same values in another shape, row-major (Flatten: [n])"; }
    const char* hls4ml_class() const override { return "Reshape"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    StreamStyle stream_style() const override { return StreamStyle::kRepack; }
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
};

}  // namespace nnsim
