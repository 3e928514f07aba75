// Resource estimate of the batchnorm kind (batchnorm_rtl.cpp): per element one constant product
// x * scale[c] (nothing for a zero scale, a shift for +-2^s, otherwise a DSP48E1 or LUTs by the
// mul2dsp rules), an adder for a non-zero bias, the cast, and a delay line of `latency` result
// registers (Yosys turns chains of three or more plain registers into SRL shift registers).
#include <algorithm>
#include <cmath>

#include "core/resources.hpp"
#include "models/batchnorm/batchnorm.hpp"

namespace nnsim {

Resources BatchNormKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& st = n.type("scale");
    const FixedType& bt = n.type("bias");
    const FixedType& rt = n.type("result");
    std::vector<double> scale, bias;
    batchnorm_scale_bias(n, scale, bias);
    const int c_n = int(scale.size());
    const int elems = int(shape_size(n.shape));
    const int fp = x.frac() + st.frac();
    const int fs = std::max(fp, bt.frac());
    const bool ps = x.is_signed || st.is_signed;
    const int pw = x.width + st.width + (x.is_signed != st.is_signed ? 1 : 0);
    const int pw_shift = fs - fp, bw_shift = fs - bt.frac();
    const int sw = std::max(pw + pw_shift, bt.width + bw_shift) + 2;
    const res::Sig sum{sw, fs, true};
    const bool wires = res::cast_is_wires(sum, rt);
    // Highest sum bit the cast reads (+1), and the product bits below it.
    const int sum_used = wires ? std::max(1, std::min(sw, fs - rt.frac() + rt.width)) : sw;
    const int prod_used = std::max(1, std::min(pw, sum_used - pw_shift));
    const int a = x.width + (ps && !x.is_signed ? 1 : 0);
    const res::Coefficients& k = res::coefficients();
    const Timing t = timing(n, in, io);

    double dsp = 0, lut_mul = 0, lut_add = 0;
    for (int i = 0; i < elems; ++i) {
        bool in_dsp = false;
        const int c = i % c_n;
        const int64_t sr = cast_double(scale[size_t(c)], st);
        const int64_t br = cast_double(bias[size_t(c)], bt);
        if (sr != 0 && !res::is_pow2_abs(sr)) {
            int tz = 0;
            while (tz < 62 && !((uint64_t(sr) >> tz) & 1)) ++tz;
            const int b = res::const_width(sr >> tz, ps);
            const int d = res::mul_dsps(a, ps, b, ps, std::min(prod_used - tz, a + b));
            dsp += d;
            in_dsp = d > 0;
            if (d == 0) lut_mul += double(b) * a * 0.5;
        } else if (sr < 0) {
            lut_mul += prod_used;  // negation
        }
        // The bias add goes into the DSP's post-adder when it reads the product from bit 0.
        if (br != 0 && !(in_dsp && pw_shift == 0)) lut_add += k.adder_lut_per_bit * sum_used;
    }
    const double lut_cast = elems * res::cast_luts(sum, rt);
    // Delay line: stage0 .. stage(L-1); three or more in a row become SRLs (one LUT per 32 stages).
    const int l = t.latency;
    double ff_line = 0, lut_line = 0;
    if (l >= 3) lut_line = double(elems) * rt.width * std::ceil(l / 32.0);
    else ff_line = double(elems) * rt.width * l;
    Resources r;
    r.dsp = dsp;
    r.lut = lut_mul + lut_add + lut_cast + lut_line;
    r.ff = ff_line;
    r += res::valid_pipeline(l);
    const Resources sh = res::shell(t, elems * rt.width);
    r += sh;
    res::debug_components(n.name, {{"dsp", dsp}, {"lut_mul", lut_mul}, {"lut_add", lut_add}, {"lut_cast", lut_cast},
                                   {"lut_line", lut_line}, {"lut_shell", sh.lut}, {"ff_line", ff_line},
                                   {"ff_shell", sh.ff}, {"lut", r.lut}, {"ff", r.ff}});
    return r;
}

}  // namespace nnsim
