// Resource estimates of the element-wise kinds built on unary_rtl.cpp (relu, clipped_relu, leaky_relu,
// linear): one combinational function per element, one result register, latency 1, and the timing
// shell (which leaves the pending result in the core: no skid register, no multiplexer).
#include <algorithm>
#include <cmath>

#include "core/resources.hpp"
#include "models/clipped_relu/clipped_relu.hpp"
#include "models/leaky_relu/leaky_relu.hpp"
#include "models/linear/linear.hpp"
#include "models/relu/relu.hpp"

namespace nnsim {
namespace {

/// The frame around the per-element logic: result register, valid bit, shell.
Resources unary_frame(const Node& n, const NodeInputs& in, const Timing& t, double lut_elem, double dsp_elem,
                      const char* what) {
    (void)in;
    const int elems = int(shape_size(n.shape));
    const int wo = n.type("result").width;
    Resources r;
    r.dsp = dsp_elem * elems;
    r.lut = lut_elem * elems;
    r.ff = double(elems) * wo;
    r += res::valid_pipeline(t.latency);
    const Resources sh = res::shell(t, elems * wo, /*held=*/1);
    r += sh;
    res::debug_components(n.name, {{"kind", 0}, {std::string("lut_") + what, lut_elem * elems},
                                   {"lut_shell", sh.lut}, {"ff_shell", sh.ff}, {"lut", r.lut}, {"ff", r.ff}});
    return r;
}

/// LUTs of the "x > 0" test of a w-bit value (sign bit and an OR of the others).
double positive_test_luts(const FixedType& in) { return std::ceil(double(in.width) / 6.0); }

}  // namespace

Resources ReluKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    // y = cast(x), or 0 through the register's synchronous reset when x is negative: one gate (the
    // reset, in_valid & sign) per element.
    const double lut = (x.is_signed ? 1 : 0) + res::cast_luts(res::sig_of(x), n.type("result"));
    return unary_frame(n, in, timing(n, in, io), lut, 0, "relu");
}

Resources LinearKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const double lut = res::cast_luts(res::sig_of(in.types[0]), n.type("result"));
    return unary_frame(n, in, timing(n, in, io), lut, 0, "linear");
}

Resources ClippedReluKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& rt = n.type("result");
    // Comparison with the threshold, the three-way choice per result bit and the cast; Yosys's count
    // grows faster than linearly with the width (fitted: w + w^2/16).
    const double lut = x.width + double(x.width) * x.width / 16.0 + res::cast_luts(res::sig_of(x), rt);
    return unary_frame(n, in, timing(n, in, io), lut, 0, "clipped_relu");
}

Resources LeakyReluKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& pt = n.type("param");
    const FixedType& rt = n.type("result");
    const int64_t alpha = cast_double(n.get_float("alpha"), pt);
    const bool sgn = x.is_signed || pt.is_signed;
    const int pw = x.width + pt.width + (x.is_signed != pt.is_signed ? 1 : 0);
    const res::Sig prod{pw, x.frac() + pt.frac(), sgn};
    double dsp = 0, lut = 0;
    if (alpha != 0 && !res::is_pow2_abs(alpha)) {
        int tz = 0;
        while (tz < 62 && !((uint64_t(alpha) >> tz) & 1)) ++tz;
        const int a = x.width + (sgn && !x.is_signed ? 1 : 0);
        const int b = res::const_width(alpha >> tz, sgn);
        const int y_used = res::cast_is_wires(prod, rt) ? std::max(1, std::min(pw, prod.frac - rt.frac() + rt.width)) : pw;
        dsp = res::mul_dsps(a, sgn, b, sgn, std::min(y_used - tz, a + b));
        if (dsp == 0) lut += double(b) * a * 0.5;
    } else if (alpha < 0) {
        lut += rt.width;  // negation
    }
    lut += positive_test_luts(x) + rt.width + res::cast_luts(res::sig_of(x), rt) + res::cast_luts(prod, rt);
    return unary_frame(n, in, timing(n, in, io), lut, dsp, "leaky_relu");
}

}  // namespace nnsim
