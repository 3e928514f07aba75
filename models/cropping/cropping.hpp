// Cropping, 1D and 2D (hls4ml "Cropping1D", "Cropping2D"): the image without its borders.
//
// cropping1d: [W, C] -> [W - left - right, C], param cropping [left, right].
// cropping2d: [H, W, C] -> [H - top - bottom, W - left - right, C], param cropping
// [top, bottom, left, right]. At least one row and one column must remain.
// Values: the kept input values through result_t (which follows the input unless set).
// Timing: II 1, latency 1 (models/common/gather.hpp). Under io_stream: II 1 per input beat, latency 1;
// every kept input beat releases its own output beat, a cropped-away beat releases nothing.
// The io_stream Verilog and estimate are the counter-based cropping shell (cropping_shell.cpp).
#pragma once

#include "models/common/gather.hpp"

namespace nnsim {

class CroppingKind : public GatherKind {
  public:
    explicit CroppingKind(int dims) : m_dims(dims) {}
    const char* name() const override { return m_dims == 1 ? "cropping1d" : "cropping2d"; }
    const char* summary() const override {
        return m_dims == 1 ? "a [W, C] sequence without its first and last pixels"
                           : "an [H, W, C] image without its borders";
    }
    const char* hls4ml_class() const override { return m_dims == 1 ? "Cropping1D" : "Cropping2D"; }
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
