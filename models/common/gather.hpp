// Shared base of the image reformatting kinds (zero padding, cropping, nearest-neighbour upsampling):
// every output pixel is either all zeros or a copy of one input pixel, channels unchanged, through
// the result cast when result_t differs from the input's type. A kind only says, per output pixel
// (row-major), which input pixel it copies (GatherMap::src, -1 for zeros).
//
// Values: out[j, c] = src[j] < 0 ? 0 : result_t(in[src[j], c]). The result precision follows the
// input (like reshape); set to another type, the copied values go through the shared cast.
// Timing: II 1, latency 1 under both io types (one register stage). Under io_stream these kinds are
// StreamStyle::kRepack with one input beat per cycle (II 1 per input beat, latency 1 from the input
// beat an output beat needs last): output pixel j needs
//   needs[j] = max(1, max over j' <= j of (src[j'] + 1))
// input beats: a copied pixel its source beat (or a later one, for the order), a zero pixel the
// input beats before it (padding before the first input pixel: the first beat; bottom padding rows:
// the last beat); an upsampled row repeated needs the whole input row; a cropped-away input beat
// releases nothing. Each kind writes its own counter-based shell with that contract (zero padding,
// cropping, upsampling; helpers in rtl/gather_shell.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layer_kind.hpp"

namespace nnsim {

/// What a reformatting kind does to a tensor: its output shape and, per output pixel, the input pixel
/// it copies (-1: zeros). Pixels are counted row-major over every axis but the last (channels).
struct GatherMap {
    Shape out;
    std::vector<int64_t> src;
};

/// An image's size and the four border widths a padding or cropping layer's list parameter `key`
/// gives ([left, right] for 1D, [top, bottom, left, right] for 2D), for the io_stream shells.
struct BorderGeometry {
    int64_t h = 1, w = 1, top = 0, bottom = 0, left = 0, right = 0;
};
BorderGeometry border_geometry(const Node& n, const Shape& in, int dims, const std::string& key);

/// needs[j] of the file comment.
std::vector<int64_t> gather_needs(const std::vector<int64_t>& src);

/// A 2D (rows x cols) gather of an [h, w] pixel grid: out pixel (y, x) copies input pixel
/// (row(y), col(x)) or zero where either is -1. Shared by the kinds to build GatherMap::src.
std::vector<int64_t> gather_grid(int64_t w, const std::vector<int64_t>& row, const std::vector<int64_t>& col);

class GatherKind : public LayerKind {
  public:
    std::vector<PrecisionVarSpec> precision_vars() const override;
    StreamStyle stream_style() const override { return StreamStyle::kRepack; }
    std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;

  protected:
    /// Spatial axes of the input (1: [W, C], 2: [H, W, C]).
    virtual int spatial_dims() const = 0;
    /// The map of node `n` on an input of shape `in` (rank spatial_dims() + 1). Returns an empty
    /// string, or a one-line problem (bad parameter list, nothing left) without the layer prefix.
    virtual std::string gather_map(const Node& n, const Shape& in, GatherMap& m) const = 0;
    /// The input shape of a validated node, from its output shape and parameters.
    virtual Shape input_shape(const Node& n) const = 0;

  private:
    GatherMap map_of(const Node& n, const NodeInputs& in) const;
};

/// The integer list parameter `key` of n, checked to hold `count` entries: "" or the problem.
std::string int_list_of(const Node& n, const std::string& key, size_t count, std::vector<int64_t>& v);

}  // namespace nnsim
