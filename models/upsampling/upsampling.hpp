// Nearest-neighbour upsampling, 1D and 2D (hls4ml "UpSampling1D", "UpSampling2D").
//
// upsampling1d: [W, C] -> [W * s, C], param size [s]: output pixel x copies input pixel x / s.
// upsampling2d: [H, W, C] -> [H * sh, W * sw, C], param size [sh, sw]: output (y, x) copies input
// (y / sh, x / sw); param interpolation, "nearest" (the only one).
// Values: copies through result_t (which follows the input unless set).
// Timing: II 1, latency 1 (models/common/gather.hpp). Under io_stream: II 1 per input beat, latency 1;
// input beat x releases the s (sw) copies of itself in the first copy of its row; the row's last beat
// also releases the sh - 1 repeated rows, sw + (sh - 1) * W * sw beats at once.
// The io_stream Verilog and estimate are the counter-based upsampling shell (upsampling_shell.cpp).
#pragma once

#include "models/common/gather.hpp"

namespace nnsim {

class UpSamplingKind : public GatherKind {
  public:
    explicit UpSamplingKind(int dims) : m_dims(dims) {}
    const char* name() const override { return m_dims == 1 ? "upsampling1d" : "upsampling2d"; }
    const char* summary() const override {
        return m_dims == 1 ? "each pixel of a [W, C] sequence repeated s times"
                           : "nearest-neighbour upsampling of an [H, W, C] image by [sh, sw]";
    }
    const char* hls4ml_class() const override { return "Resize"; }  // hls4ml converts UpSampling1D/2D to Resize
    std::vector<ParamSpec> params() const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                         std::ostream& wrap) const override;

  protected:
    int spatial_dims() const override { return m_dims; }
    std::string gather_map(const Node& n, const Shape& in, GatherMap& m) const override;
    Shape input_shape(const Node& n) const override;

  private:
    int m_dims;
};

}  // namespace nnsim
