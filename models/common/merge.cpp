// Element-wise merges (merge.hpp): shape check, the bit-exact and float evaluators, timing, resources.
#include "models/common/merge.hpp"

#include <algorithm>

#include "core/resources.hpp"

namespace nnsim {

MergeArith merge_arith(MergeOp op, const FixedType& a, const FixedType& b) {
    MergeArith m;
    if (op == MergeOp::kMultiply) {
        m.frac = a.frac() + b.frac();
        return m;
    }
    const int f = std::max(a.frac(), b.frac());
    m.shift_a = f - a.frac();
    m.shift_b = f - b.frac();
    m.frac = op == MergeOp::kAverage ? f + 1 : f;  // (a + b) * 2^-1: the same raw sum, one more fraction bit
    return m;
}

namespace {

/// out[i] = result_t(op(a[i], b[i])) with the exact intermediate of merge.hpp.
class MergeOpEval : public LayerOp {
  public:
    MergeOpEval(MergeOp op, size_t n, const FixedType& a, const FixedType& b, const FixedType& res)
        : m_op(op), m_n(n), m_res(res), m_ar(merge_arith(op, a, b)) {
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (size_t i = 0; i < m_n; ++i) {
            const __int128 a = __int128(in[0][i]) << m_ar.shift_a;
            const __int128 b = __int128(in[1][i]) << m_ar.shift_b;
            __int128 v = 0;
            switch (m_op) {
                case MergeOp::kAdd:
                case MergeOp::kAverage: v = a + b; break;
                case MergeOp::kSubtract: v = a - b; break;
                case MergeOp::kMultiply: v = a * b; break;
                case MergeOp::kMaximum: v = a > b ? a : b; break;
                case MergeOp::kMinimum: v = a < b ? a : b; break;
            }
            out[i] = cast_counted(v, m_ar.frac, m_res, m_c_result, count);
        }
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t i = 0; i < m_n; ++i) {
            const double a = in[0][i], b = in[1][i];
            switch (m_op) {
                case MergeOp::kAdd: out[i] = a + b; break;
                case MergeOp::kSubtract: out[i] = a - b; break;
                case MergeOp::kMultiply: out[i] = a * b; break;
                case MergeOp::kAverage: out[i] = (a + b) * 0.5; break;
                case MergeOp::kMaximum: out[i] = a > b ? a : b; break;
                case MergeOp::kMinimum: out[i] = a < b ? a : b; break;
            }
        }
    }

  private:
    MergeOp m_op;
    size_t m_n;          ///< elements per evaluation
    FixedType m_res;     ///< result type
    MergeArith m_ar;     ///< alignment and fraction bits of the exact value
    size_t m_c_result;   ///< overflow counter of the result cast
};

}  // namespace

void ElementwiseMergeKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    if (in.shapes[0] != in.shapes[1]) {
        diag.error("", std::string(name()) + " expects two inputs of the same shape, got " +
                           shape_to_string(in.shapes[0]) + " (" + n.inputs[0] + ") and " +
                           shape_to_string(in.shapes[1]) + " (" + n.inputs[1] + ")");
        return;
    }
    n.shape = in.shapes[0];
}

std::unique_ptr<LayerOp> ElementwiseMergeKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<MergeOpEval>(op(), size_t(shape_size(n.shape)), in.types[0], in.types[1],
                                         n.type("result"));
}

Timing ElementwiseMergeKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)n, (void)in, (void)io;
    return {1, 1};
}

// Follows merge_rtl.cpp per element of a beat (under io_stream the node is one pixel): an adder or
// subtracter of the exact width (about one LUT per bit on the carry chain), a multiplier (DSP48E1s by
// Yosys's mul2dsp rules, else about W_a * W_b / 2 LUTs), or a comparator and a multiplexer of the
// aligned width; then the cast (res::cast_luts) and the result register; plus the valid bit and the
// timing shell. Not fitted; checked with `nnsim synth` on two test designs of tests/cli/test_merges.py:
// DSPs and FFs exact, LUTs within +20% with wrapping, truncating casts (io_parallel [6,4], mixed inputs
// into fixed<9,3>), about +50% where the cast rounds and saturates (res::cast_luts counts about twice
// the LUTs Yosys keeps for ap_fixed<8,3,AP_RND,AP_SAT> from 12 or 13-bit sums).
Resources ElementwiseMergeKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType &a = in.types[0], &b = in.types[1];
    const FixedType& rt = n.type("result");
    const MergeOp o = op();
    const MergeArith ar = merge_arith(o, a, b);
    const bool sgn = a.is_signed || b.is_signed || o == MergeOp::kSubtract;
    auto aligned_width = [&](const FixedType& t, int shift) { return t.width + shift + (sgn && !t.is_signed ? 1 : 0); };
    const int aw = std::max(aligned_width(a, ar.shift_a), aligned_width(b, ar.shift_b));
    double lut = 0, dsp = 0;
    int ww = aw + 1;
    switch (o) {
        case MergeOp::kMultiply: {
            ww = a.width + b.width + (a.is_signed != b.is_signed ? 1 : 0);
            dsp = res::mul_dsps(a.width + (sgn && !a.is_signed), sgn, b.width + (sgn && !b.is_signed), sgn, ww);
            if (dsp == 0) lut = 0.5 * a.width * b.width;
            break;
        }
        case MergeOp::kMaximum:
        case MergeOp::kMinimum:
            ww = aw;
            lut = 2.0 * aw;  // comparator on the carry chain, then the multiplexer
            break;
        default: {
            // Sum bits above the result's top bit are dropped by a wrapping cast, and Yosys trims their adder.
            const res::Sig sum{ww, ar.frac, sgn};
            lut = res::cast_is_wires(sum, rt) ? std::min(ww, std::max(1, ar.frac - rt.frac() + rt.width)) : ww;
        }
    }
    lut += res::cast_luts(res::Sig{ww, ar.frac, sgn}, rt);
    const double elems = double(shape_size(n.shape));
    const Timing t = timing(n, in, io);
    Resources r;
    r.dsp = dsp * elems;
    r.lut = lut * elems;
    r.ff = elems * rt.width;
    r += res::valid_pipeline(t.latency);
    const Resources sh = res::shell(t, int(elems) * rt.width);
    r += sh;
    res::debug_components(n.name, {{"lut_elem", lut}, {"dsp_elem", dsp}, {"lut_shell", sh.lut}, {"lut", r.lut},
                                   {"ff", r.ff}});
    return r;
}

}  // namespace nnsim
