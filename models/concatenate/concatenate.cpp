// Concatenate kind (concatenate.hpp): shapes, the io_stream restriction, evaluators, timing, resources.
#include "models/concatenate/concatenate.hpp"

#include "core/resources.hpp"

namespace nnsim {

std::vector<ParamSpec> ConcatenateKind::params() const {
    return {{"axis", ParamType::kInt, int64_t(-1), false,
             "axis along which the inputs are joined, counted without the batch axis; negative counts from the "
             "last (-1 = channels)",
             {},
             -64,
             63}};
}

namespace {

/// The axis in [0, rank) or -1 if out of range.
int normalized_axis(int64_t axis, size_t rank) {
    const int64_t a = axis < 0 ? axis + int64_t(rank) : axis;
    return a >= 0 && a < int64_t(rank) ? int(a) : -1;
}

/// out = input 0's block then input 1's block, `outer` times, each value cast to result_t.
class ConcatOp : public LayerOp {
  public:
    ConcatOp(const ConcatLayout& l, const FixedType& a, const FixedType& b, const FixedType& res)
        : m_l(l), m_a(a), m_b(b), m_res(res) {
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (int64_t o = 0; o < m_l.outer; ++o) {
            for (int64_t i = 0; i < m_l.inner0; ++i)
                *out++ = cast_counted(in[0][o * m_l.inner0 + i], m_a.frac(), m_res, m_c_result, count);
            for (int64_t i = 0; i < m_l.inner1; ++i)
                *out++ = cast_counted(in[1][o * m_l.inner1 + i], m_b.frac(), m_res, m_c_result, count);
        }
    }
    void eval_float(const double* const* in, double* out) const override {
        for (int64_t o = 0; o < m_l.outer; ++o) {
            for (int64_t i = 0; i < m_l.inner0; ++i) *out++ = in[0][o * m_l.inner0 + i];
            for (int64_t i = 0; i < m_l.inner1; ++i) *out++ = in[1][o * m_l.inner1 + i];
        }
    }

  private:
    ConcatLayout m_l;
    FixedType m_a, m_b, m_res;  ///< input and result types
    size_t m_c_result;          ///< overflow counter of the result cast
};

}  // namespace

ConcatLayout concat_layout(const Node& n, int64_t elems0, int64_t elems1) {
    ConcatLayout l;
    const int ax = n.shape.size() <= 1 ? 0 : normalized_axis(n.get_int("axis"), n.shape.size());
    for (int d = 0; d < ax; ++d) l.outer *= n.shape[size_t(d)];
    l.inner0 = elems0 / l.outer;
    l.inner1 = elems1 / l.outer;
    return l;
}

void ConcatenateKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape &s0 = in.shapes[0], &s1 = in.shapes[1];
    const std::string got = shape_to_string(s0) + " (" + n.inputs[0] + ") and " + shape_to_string(s1) + " (" +
                            n.inputs[1] + ")";
    if (s0.size() != s1.size()) {
        diag.error("", "concatenate expects two inputs of the same rank, got " + got);
        return;
    }
    const int64_t axis = n.get_int("axis");
    const int ax = normalized_axis(axis, s0.size());
    if (ax < 0) {
        diag.error("", "concatenate axis " + std::to_string(axis) + " is out of range for inputs of rank " +
                           std::to_string(s0.size()) + " (expected " + std::to_string(-int64_t(s0.size())) + " to " +
                           std::to_string(s0.size() - 1) + ")");
        return;
    }
    for (size_t d = 0; d < s0.size(); ++d) {
        if (int(d) != ax && s0[d] != s1[d]) {
            diag.error("", "concatenate on axis " + std::to_string(axis) + " expects inputs equal in every other "
                           "dimension, got " + got);
            return;
        }
    }
    n.shape = s0;
    n.shape[size_t(ax)] += s1[size_t(ax)];
}

void ConcatenateKind::check_stream(const Node& n, const NodeInputs& in, Diagnostics& diag) const {
    if (normalized_axis(n.get_int("axis"), n.shape.size()) == int(n.shape.size()) - 1) return;
    if (shape_pixels(n.shape) > 1 || shape_pixels(in.shapes[0]) > 1 || shape_pixels(in.shapes[1]) > 1)
        diag.error("", "concatenate on axis " + std::to_string(n.get_int("axis")) +
                           " of multi-pixel io_stream tensors is not supported (only the channel axis, -1, "
                           "streams pixel by pixel); use io_parallel or flatten the inputs first");
}

std::unique_ptr<LayerOp> ConcatenateKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<ConcatOp>(concat_layout(n, shape_size(in.shapes[0]), shape_size(in.shapes[1])),
                                      in.types[0], in.types[1], n.type("result"));
}

Timing ConcatenateKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)n, (void)in, (void)io;
    return {1, 1};
}

// Follows concatenate_rtl.cpp: per output element the cast from its input's type (res::cast_luts; a
// plain bit selection costs nothing) and the result register; plus the valid bit and the timing shell.
// Not fitted; `nnsim synth` on the test designs of tests/cli/test_merges.py: LUTs +8..10% and FFs +6..8%
// with wrapping, truncating casts, LUTs about +70% where the casts round and saturate (res::cast_luts).
Resources ConcatenateKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& rt = n.type("result");
    const double elems = double(shape_size(n.shape));
    Resources r;
    for (size_t k = 0; k < 2; ++k)
        r.lut += double(shape_size(in.shapes[k])) * res::cast_luts(res::sig_of(in.types[k]), rt);
    r.ff = elems * rt.width;
    const Timing t = timing(n, in, io);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, int(elems) * rt.width);
    return r;
}

}  // namespace nnsim
