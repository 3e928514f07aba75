// Heterogeneous fixed-point quantizer (HGQ's FixedPointQuantizer, hls4ml's per-element "mask" function):
// element i is cast to its own type, fixed<bits_i, integers_i> (ufixed<> where keep_negative_i is 0),
// with the layer's rounding and saturation modes, or is 0 where bits_i is 0 (a pruned element); the
// value is then stored in result_t, which holds every element type exactly.
// Timing: II 1, latency 1 (element-wise, one register stage).
#pragma once

#include <vector>

#include "models/common/unary.hpp"

namespace nnsim {

class FixedPointQuantizerKind : public UnaryKind {
  public:
    const char* name() const override { return "fixed_point_quantizer"; }
    const char* summary() const override {
        return "per-element fixed-point quantizer y_i = fixed<bits_i, integers_i>(x_i) (HGQ FixedPointQuantizer)";
    }
    const char* hls4ml_class() const override { return "FixedPointQuantizer"; }
    std::vector<ParamSpec> params() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    void check_stream(const Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;

    /// The type of each element (width 0: a pruned element, always 0), for `count` elements (a whole
    /// tensor, or one pixel under io_stream: the masks then repeat per pixel, as check_stream requires).
    static std::vector<FixedType> element_types(const Node& node, size_t count);
    /// The type of element `i` alone.
    static FixedType element_type(const Node& node, size_t i);

  protected:
    std::string rtl_element_at(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                               const FixedType& res, const std::string& uniq, int index) const override;
};

}  // namespace nnsim
