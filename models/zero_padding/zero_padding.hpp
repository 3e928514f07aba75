// Zero padding, 1D and 2D (hls4ml "ZeroPadding1D", "ZeroPadding2D"): zeros around the image.
//
// zero_padding1d: [W, C] -> [left + W + right, C], param padding [left, right].
// zero_padding2d: [H, W, C] -> [top + H + bottom, left + W + right, C], param padding
// [top, bottom, left, right]. Keras padding='same' convolutions are imported as one of these (top =
// total // 2, bottom the rest; the same for left/right) followed by a valid convolution.
// Values: zeros, and the input values through result_t (which follows the input unless set).
// Timing: II 1, latency 1 (models/common/gather.hpp). Under io_stream: II 1 per input beat, latency 1;
// padding pixels before the first input pixel are released by the first input beat, a row's right
// padding and the next row's left padding by the row's last beat, the bottom rows by the last beat.
// The io_stream Verilog and estimate are the counter-based padding shell (zero_padding_shell.cpp).
#pragma once

#include "models/common/gather.hpp"

namespace nnsim {

class ZeroPaddingKind : public GatherKind {
  public:
    explicit ZeroPaddingKind(int dims) : m_dims(dims) {}
    const char* name() const override { return m_dims == 1 ? "zero_padding1d" : "zero_padding2d"; }
    const char* summary() const override {
        return m_dims == 1 ? "zeros before and after a [W, C] sequence" : "zeros around an [H, W, C] image";
    }
    const char* hls4ml_class() const override { return m_dims == 1 ? "ZeroPadding1D" : "ZeroPadding2D"; }
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
