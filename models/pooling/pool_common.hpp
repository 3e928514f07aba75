// What the pooling kinds (pooling.hpp) share: the operation, the window geometry of a node, the
// evaluator, the timing, and the Verilog building blocks (the pooling core of any geometry and the
// exact division by the pool size as a multiplication by a reciprocal constant).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/layer_kind.hpp"
#include "rtl/verilog_util.hpp"
#include "rtl/window_shell.hpp"

namespace nnsim {

enum class PoolOp { kMax, kAverage };

/// The node's `op` parameter.
PoolOp pool_op_of(const Node& n);

/// A pooling window geometry with Keras "same" padding: windows start pad_top rows above and pad_left
/// columns left of the image and read only the pixels inside it (no padding: both 0 and every window
/// inside the image, WindowGeometry's "valid" positions).
struct PoolGeometry : WindowGeometry {
    int pad_top = 0, pad_left = 0;
    bool padded = false;  ///< some window reaches outside the image
};

/// Geometry of a validated pooling node on input shape `in` ([W, C] or [H, W, C]); a global kind is
/// one window over the whole image (out_h = out_w = 1). "same": out = ceil(in / s), total pad
/// max((out - 1) * s + k - in, 0) per axis, its smaller half before (Keras, TensorFlow).
PoolGeometry pool_geometry(const Node& n, const Shape& in, bool global);

/// Input pixels (row-major indices) inside the window of output pixel p, in window order (row, then
/// column); never empty (a "same" window always overlaps the image).
std::vector<int> window_pixels(const PoolGeometry& g, int p);

/// Per output pixel, the input beats it needs: its last real pixel + 1, made non-decreasing (with
/// padding the windows of the last output row can end on the same input row as the row before).
/// Without padding this equals window_needs.
std::vector<int64_t> pool_needs(const PoolGeometry& g);

/// The evaluator of pooling.hpp's rules over geometry g (accum is used by kAverage only).
std::unique_ptr<LayerOp> make_pool_op(const PoolGeometry& g, PoolOp op, const FixedType& in,
                                      const FixedType& accum, const FixedType& result);

/// II 1; latency 1 (max) or 2 (average).
Timing pool_timing(PoolOp op);

/// Exact q = trunc0(a / n) for any a with |a| < 2^mag_width: |q| = (|a| * mult) >> shift, the sign
/// of a applied after. shift = mag_width + ceil(log2 n), mult = ceil(2^shift / n): the error of the
/// reciprocal, below 2^-ceil(log2 n) <= 1/n, never moves the floor of |a| / n.
struct Reciprocal {
    int mag_width = 1;   ///< bits of |a|
    int shift = 0;
    uint64_t mult = 1;
    int mult_width = 1;  ///< bits of mult
};
Reciprocal reciprocal_of(int mag_width, int64_t n);

/// Writes a core module following `spec` that pools geometry g: in_data holds the input image
/// (row-major pixels, channels last; a window shell's window is an image of the window's size with
/// one output position), out_data every output pixel's C results. Latency pool_timing(op).latency.
void emit_pool_core(std::ostream& os, const RtlCoreSpec& spec, const PoolGeometry& g, PoolOp op,
                    const FixedType& accum, const std::string& comment);

/// Writes the division stage of an average: `acc` (an accum-typed register) divided by n, cast to
/// `res`; declares wires prefixed `uniq` and returns the name of the result wire (res.width bits).
std::string emit_pool_divide(std::ostream& os, const std::string& acc, const FixedType& accum, int64_t n,
                             const FixedType& res, const std::string& uniq);

/// Writes one step of an average's running sum, accum_t(acc + xa) for two accum-typed values (xa:
/// an input already cast to accum_t); returns the name of the accum-typed wire.
std::string emit_sum_step(std::ostream& os, const std::string& acc, const std::string& xa, const FixedType& accum,
                          const std::string& uniq);

/// Writes `max(a, b)` of two values of type t; returns a wire name.
std::string emit_max_step(std::ostream& os, const std::string& a, const std::string& b, const FixedType& t,
                          const std::string& uniq);

/// The global pooling stream shell: per channel a running max or sum over the input beats, one output
/// beat L cycles after the last input beat, under the repack contract (global_pool_rtl.cpp).
void emit_global_pool_shell(std::ostream& os, const RtlStreamSpec& spec, const Node& n, PoolOp op,
                            const FixedType& in, const FixedType& accum, const FixedType& res);

}  // namespace nnsim
