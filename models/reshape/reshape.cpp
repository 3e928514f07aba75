// Reshape kind (reshape.hpp).
#include "models/reshape/reshape.hpp"

#include <algorithm>

#include "core/resources.hpp"
#include "core/timing_model.hpp"

namespace nnsim {
namespace {

/// out[i] = result_t(in[i]): a copy when the types agree, else the shared cast.
class ReshapeOp : public LayerOp {
  public:
    ReshapeOp(size_t n, const FixedType& in, const FixedType& res)
        : m_n(n), m_in_frac(in.frac()), m_res(res), m_copy(in == res) {
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        if (m_copy && !count) {
            std::copy(in[0], in[0] + m_n, out);
            return;
        }
        for (size_t i = 0; i < m_n; ++i) out[i] = cast_counted(in[0][i], m_in_frac, m_res, m_c_result, count);
    }
    void eval_float(const double* const* in, double* out) const override { std::copy(in[0], in[0] + m_n, out); }

  private:
    size_t m_n;         ///< elements per inference
    int m_in_frac;      ///< fraction bits of the input
    FixedType m_res;    ///< result type
    bool m_copy;        ///< same type in and out: the raw integers pass unchanged
    size_t m_c_result;  ///< overflow counter of the cast
};

}  // namespace

std::vector<ParamSpec> ReshapeKind::params() const {
    return {{"target_shape", ParamType::kIntList, std::vector<int64_t>{}, true,
             "output shape without the batch dimension, channels last; one entry may be -1 (inferred)", {}, -1,
             1 << 30}};
}

std::vector<PrecisionVarSpec> ReshapeKind::precision_vars() const {
    PrecisionVarSpec r{"result", "type of the layer output", ""};
    r.follows_input = true;
    return {r};
}

void ReshapeKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const auto& target = n.get_int_list("target_shape");
    const int64_t size = shape_size(in.shapes[0]);
    Shape out;
    int64_t known = 1;
    int inferred = -1;
    for (size_t i = 0; i < target.size(); ++i) {
        if (target[i] == -1 && inferred < 0) {
            inferred = int(i);
        } else if (target[i] <= 0) {
            diag.error("", "target_shape " + shape_to_string(Shape(target.begin(), target.end())) +
                               ": dimensions must be positive, with at most one -1");
            return;
        } else {
            known *= target[i];
        }
        out.push_back(int(target[i]));
    }
    if (inferred >= 0 && size % known == 0) out[size_t(inferred)] = int(size / known);
    if (shape_size(out) != size || (inferred >= 0 && size % known != 0)) {
        diag.error("", "target_shape " + shape_to_string(Shape(target.begin(), target.end())) + " does not hold the " +
                           std::to_string(size) + " values of input " + shape_to_string(in.shapes[0]));
        return;
    }
    n.shape = out;
}

std::unique_ptr<LayerOp> ReshapeKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<ReshapeOp>(size_t(shape_size(n.shape)), in.types[0], n.type("result"));
}

// One register stage; under io_stream the repack shell moves one output beat per cycle.
Timing ReshapeKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)n, (void)in, (void)io;
    return {1, 1};
}

// Not calibrated against synthesis (no Verilog yet). io_parallel: the result register, plus one
// LUT per bit when a cast changes the type. io_stream: the repack buffer holds the input tensor
// (one register per bit) and a multiplexer picks each output beat from it.
Resources ReshapeKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    // The core: a result register of the whole tensor, through the cast when the types differ, and
    // the shell (rtl/generator.cpp's under io_parallel, rtl/repack_shell.cpp's under io_stream).
    const int w = n.type("result").width;
    const double elems = double(shape_size(n.shape));
    Resources r;
    r.ff = elems * w;
    if (!(in.types[0] == n.type("result"))) r.lut += elems * res::cast_luts(res::sig_of(in.types[0]), n.type("result"));
    r += res::valid_pipeline(1);
    const int64_t bi = io == IoType::kStream ? shape_pixels(in.shapes[0]) : 1;
    const int64_t bo = io == IoType::kStream ? shape_pixels(n.shape) : 1;
    const Timing t = timing(n, in, io);
    if (bi == 1 && bo == 1) return r += res::shell(t, int(elems) * w);
    // Repack shell: the earlier input beats' buffer and its current-beat multiplexer, C queued output
    // beats each loaded from a multiplexer of the released beats, the bypass multiplexer, counters.
    const int ki = int(in.shapes[0].back()) * in.types[0].width, ko = int(n.shape.back()) * w;
    const int64_t c = repack_capacity(repack_needs(in.shapes[0].back(), n.shape.back(), bo), t);
    r.ff += double(bi - 1) * ki + double(c) * ko + 16;
    r.lut += double(bi - 1) * ki + double(c) * (res::mux_luts(int(bo), ko) + ko) + res::mux_luts(int(bo), ko) + ko +
             res::coefficients().control_lut;
    return r;
}

}  // namespace nnsim
