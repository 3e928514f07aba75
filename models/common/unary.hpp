// Shared pieces of element-wise layer kinds (relu, linear, sigmoid, ...): the output has the input's
// shape, and each element is one function of one input element followed by one cast to result_t.
#pragma once

#include <memory>
#include <utility>

#include "core/layer_kind.hpp"

namespace nnsim {

/// An exact intermediate value raw * 2^-frac, before the final cast to the result type.
struct Exact {
    __int128 raw;
    int frac;
};

/// Element-wise op: out[i] = result_t(fixed_fn(in[i])), and float_fn in the float path.
template <typename FixedFn, typename FloatFn>
class UnaryOp : public LayerOp {
  public:
    UnaryOp(size_t n, const FixedType& result, FixedFn fixed_fn, FloatFn float_fn)
        : m_n(n), m_res(result), m_fixed(std::move(fixed_fn)), m_float(std::move(float_fn)) {
        m_c_result = add_counter("result");
        m_plan[0] = m_plan[1] = FastCast(m_res.frac(), m_res);
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const int64_t* x = in[0];
        if (count) {
            for (size_t i = 0; i < m_n; ++i) {
                const Exact e = m_fixed(x[i]);
                out[i] = cast_counted(e.raw, e.frac, m_res, m_c_result, true);
            }
            return;
        }
        // A function gives one or two fraction counts (leaky_relu: x or alpha * x): a plan for each,
        // held in locals so that the loop keeps them in registers.
        FastCast a = m_plan[0], b = m_plan[1];
        for (size_t i = 0; i < m_n; ++i) {
            const Exact e = m_fixed(x[i]);
            if (e.frac == a.frac()) {
                out[i] = a(e.raw);
            } else {
                if (e.frac != b.frac()) b = FastCast(e.frac, m_res);
                out[i] = b(e.raw);
            }
        }
        m_plan[0] = a, m_plan[1] = b;
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t i = 0; i < m_n; ++i) out[i] = m_float(in[0][i]);
    }

  private:
    size_t m_n;           ///< elements per inference
    FixedType m_res;      ///< result type
    FastCast m_plan[2];   ///< the result casts for the fraction counts the function last gave
    FixedFn m_fixed;      ///< raw input -> exact value
    FloatFn m_float;      ///< float reference function
    size_t m_c_result;    ///< overflow counter of the result cast
};

template <typename FixedFn, typename FloatFn>
std::unique_ptr<LayerOp> make_unary_op(const Node& n, FixedFn fixed_fn, FloatFn float_fn) {
    return std::make_unique<UnaryOp<FixedFn, FloatFn>>(size_t(shape_size(n.shape)), n.type("result"),
                                                       std::move(fixed_fn), std::move(float_fn));
}

/// Base of element-wise kinds: the output shape is the input shape; one element per multiplier-free
/// operator, II 1 and latency 1 (the result is written the cycle after the input is accepted).
class UnaryKind : public LayerKind {
  public:
    /// Acts on each pixel alone (along the last axis): under io_stream one beat at a time.
    StreamStyle stream_style() const override { return StreamStyle::kPixelwise; }
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override {
        (void)node, (void)in, (void)io;
        return {1, 1};
    }
    /// Latency-1 core: every element through rtl_element(), registered (models/common/unary_rtl.cpp).
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;

  protected:
    /// Verilog computing one output element, already in the result type `res`, from the input element
    /// `x` (a wire of in.width bits). Declarations go to `os`, named `<uniq>_*`; returns the wire name.
    virtual std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                    const FixedType& res, const std::string& uniq) const;

  public:
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override {
        (void)diag;
        node.shape = in.shapes[0];
    }
};

}  // namespace nnsim
