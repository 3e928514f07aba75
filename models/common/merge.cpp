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

// Per element of a beat (under io_stream a beat is one pixel): an adder, subtracter or comparator and
// multiplexer of about one LUT per result bit (add, subtract, average: as add always was), a
// multiplier (DSP48E1s by Yosys's mul2dsp rules, else about W_a * W_b LUTs), and the result register.
// Not yet calibrated against Yosys.
Resources ElementwiseMergeKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const double elems = double(io == IoType::kStream ? n.shape.back() : shape_size(n.shape));
    const int w = n.type("result").width;
    const FixedType &a = in.types[0], &b = in.types[1];
    Resources r;
    r.ff = elems * w;
    switch (op()) {
        case MergeOp::kMultiply: {
            const bool s = a.is_signed || b.is_signed;
            const int pw = a.width + b.width + (a.is_signed != b.is_signed ? 1 : 0);
            const int d = res::mul_dsps(a.width, s, b.width, s, pw);
            r.dsp = elems * d;
            r.lut = d > 0 ? elems * w : elems * (a.width * b.width + w);
            break;
        }
        case MergeOp::kMaximum:
        case MergeOp::kMinimum:
            r.lut = elems * (std::max(a.width, b.width) / 2 + w);  // carry-chain compare, then the select
            break;
        default: r.lut = elems * w;
    }
    return r;
}

}  // namespace nnsim
