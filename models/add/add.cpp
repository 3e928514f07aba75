// Add kind (add.hpp).
#include "models/add/add.hpp"

#include <algorithm>

namespace nnsim {
namespace {

/// out[i] = result_t(a[i] + b[i]) with the sum exact at max(F_a, F_b) fraction bits.
class AddOp : public LayerOp {
  public:
    AddOp(size_t n, const FixedType& a, const FixedType& b, const FixedType& res) : m_n(n), m_res(res) {
        m_frac = std::max(a.frac(), b.frac());
        m_shift_a = m_frac - a.frac();
        m_shift_b = m_frac - b.frac();
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const int64_t* a = in[0];
        const int64_t* b = in[1];
        for (size_t i = 0; i < m_n; ++i) {
            const __int128 sum = (__int128(a[i]) << m_shift_a) + (__int128(b[i]) << m_shift_b);
            out[i] = cast_counted(sum, m_frac, m_res, m_c_result, count);
        }
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t i = 0; i < m_n; ++i) out[i] = in[0][i] + in[1][i];
    }

  private:
    size_t m_n;                 ///< elements per evaluation
    FixedType m_res;            ///< result type
    int m_frac;                 ///< fraction bits of the exact sum
    int m_shift_a, m_shift_b;   ///< alignment of each input to m_frac
    size_t m_c_result;          ///< overflow counter of the result cast
};

}  // namespace

void AddKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    if (in.shapes[0] != in.shapes[1]) {
        diag.error("", "add expects two inputs of the same shape, got " + shape_to_string(in.shapes[0]) + " (" +
                           n.inputs[0] + ") and " + shape_to_string(in.shapes[1]) + " (" + n.inputs[1] + ")");
        return;
    }
    n.shape = in.shapes[0];
}

std::unique_ptr<LayerOp> AddKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<AddOp>(size_t(shape_size(n.shape)), in.types[0], in.types[1], n.type("result"));
}

Timing AddKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)n, (void)in, (void)io;
    return {1, 1};
}

// One adder per element of a beat (about one LUT per result bit, carry chains included) and the
// result register; no DSP. Under io_stream a beat is one pixel. Not yet calibrated against Yosys.
Resources AddKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    (void)in;
    const double elems = double(io == IoType::kStream ? n.shape.back() : shape_size(n.shape));
    const int w = n.type("result").width;
    Resources r;
    r.lut = elems * w;
    r.ff = elems * w;
    return r;
}

}  // namespace nnsim
