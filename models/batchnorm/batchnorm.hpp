// Batch normalization as hls4ml computes it: y = result_t(x * scale + bias) per channel (last axis).
#pragma once

#include "core/layer_kind.hpp"

namespace nnsim {

class BatchNormKind : public LayerKind {
  public:
    /// Acts on each pixel alone (along the last axis): under io_stream one beat at a time.
    StreamStyle stream_style() const override { return StreamStyle::kPixelwise; }
    const char* name() const override { return "batchnorm"; }
    const char* summary() const override {
        return "batch normalization y = x * scale + bias, scale = gamma / sqrt(var + eps)";
    }
    const char* hls4ml_class() const override { return "BatchNormalization"; }
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    int64_t macs(const Node& node, const NodeInputs& in) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    /// ceil(n / RF) multipliers: II = RF, latency RF + 1 (as dense with the Latency strategy).
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override {
        (void)in, (void)io;
        return {node.reuse_factor, node.reuse_factor + 1};
    }
    /// Divisors of the element count: ceil(n / RF) multipliers each used RF times.
    std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const override {
        (void)node;
        std::vector<int> v;
        const int64_t n = shape_size(in.shapes[0]);
        for (int64_t rf = 1; rf <= n; ++rf)
            if (n % rf == 0) v.push_back(int(rf));
        return v;
    }
};

/// The folded per-channel scale and bias of a batchnorm node, computed in float32 as hls4ml does:
/// scale = gamma / sqrt(var + eps), bias = beta - scale * mean.
void batchnorm_scale_bias(const Node& node, std::vector<double>& scale, std::vector<double>& bias);
/// The same fold in double precision, for the float reference.
void batchnorm_scale_bias_double(const Node& node, std::vector<double>& scale, std::vector<double>& bias);

}  // namespace nnsim
