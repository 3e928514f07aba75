// Clipped ReLU kind (clipped_relu.hpp). As hls4ml: x < 0 gives 0, x > max gives result_t(max), else x.
// The comparison with max_value is exact (max_value is compared with the input's real value).
#include "models/clipped_relu/clipped_relu.hpp"

#include <cmath>

namespace nnsim {

std::vector<ParamSpec> ClippedReluKind::params() const {
    return {{"max_value", ParamType::kFloat, 6.0, true, "upper clipping bound (1 for relu1, 6 for relu6)", {}, 1e-30, 1e30}};
}

std::unique_ptr<LayerOp> ClippedReluKind::compile(const Node& n, const NodeInputs& in) const {
    const int f = in.types[0].frac();
    const double max_value = n.get_float("max_value");
    // max_value as an exact raw value with 60 fractional bits (enough for every double we accept here).
    const FixedType fine{64, 4, true, RoundMode::kTrn, OverflowMode::kSat, 0};
    const int64_t max_fine = cast_double(max_value, fine);
    const int ff = fine.frac();
    return make_unary_op(
        n,
        [f, max_fine, ff](int64_t x) {
            if (x < 0) return Exact{0, f};
            // Compare x * 2^-f with max_fine * 2^-ff exactly in 128 bits.
            const __int128 lhs = ff >= f ? (__int128(x) << (ff - f)) : __int128(x);
            const __int128 rhs = ff >= f ? __int128(max_fine) : (__int128(max_fine) << (f - ff));
            if (lhs > rhs) return Exact{max_fine, ff};
            return Exact{x, f};
        },
        [max_value](double x) { return x < 0 ? 0.0 : (x > max_value ? max_value : x); });
}

}  // namespace nnsim
