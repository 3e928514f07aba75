// Shared pieces of element-wise layer kinds (relu, linear, sigmoid, ...): the output has the input's
// shape, and each element is one function of one input element followed by one cast to result_t.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include "core/layer_kind.hpp"
#include "core/simd.hpp"

namespace nnsim {

/// An exact intermediate value raw * 2^-frac, before the final cast to the result type.
struct Exact {
    __int128 raw;
    int frac;
};

/// out[i] = select(x[i]) for i < n: the selection pass of UnaryOp, built for the machine's vector units
/// (core/simd.hpp; the baseline x86-64 has no 64-bit compare to vectorize it with).
template <typename SelectFn>
NNSIM_SIMD_CLONES void select_all(const int64_t* x, int64_t* out, size_t n, SelectFn select) {
    for (size_t i = 0; i < n; ++i) out[i] = select(x[i]);
}

/// No selection function: UnaryOp's fast path is the per-element one.
struct NoSelect {};

/// Element-wise op: out[i] = result_t(fixed_fn(in[i])), and float_fn in the float path. With a
/// SelectFn (an int64 -> int64 function whose value keeps the input's fraction bits, as relu's
/// max(x, 0)), uncounted evaluation is two branch-free passes the compiler vectorizes: the selection,
/// then FastCast::cast_all; values that would not take the fast cast redo the general path.
template <typename FixedFn, typename FloatFn, typename SelectFn = NoSelect>
class UnaryOp : public LayerOp {
  public:
    UnaryOp(size_t n, const FixedType& in, const FixedType& result, FixedFn fixed_fn, FloatFn float_fn,
            SelectFn select = {})
        : m_n(n), m_res(result), m_fixed(std::move(fixed_fn)), m_float(std::move(float_fn)), m_select(select) {
        m_c_result = add_counter("result");
        m_plan[0] = m_plan[1] = FastCast(m_res.frac(), m_res);
        m_select_cast = FastCast(in.frac(), m_res);
        m_select_ok = in.width <= 62;  // |x| < 2^62, as cast_all needs
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const int64_t* x = in[0];
        if constexpr (!std::is_same_v<SelectFn, NoSelect>) {
            if (count && m_select_ok) {  // the fast pass counts as casts without events when it succeeds
                select_all(x, out, m_n, m_select);
                if (m_select_cast.cast_all(out, m_n)) {
                    counters()[m_c_result].casts += m_n;
                    return;
                }
            }
        }
        if (count) {
            for (size_t i = 0; i < m_n; ++i) {
                const Exact e = m_fixed(x[i]);
                out[i] = cast_counted(e.raw, e.frac, m_res, m_c_result, true);
            }
            return;
        }
        if constexpr (!std::is_same_v<SelectFn, NoSelect>) {
            if (m_select_ok) {
                select_all(x, out, m_n, m_select);
                if (m_select_cast.cast_all(out, m_n)) return;
            }
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
    FixedFn m_fixed;      ///< raw input -> exact value
    FloatFn m_float;      ///< float reference function
    SelectFn m_select;    ///< the selection of the fast path (or NoSelect)
    size_t m_c_result;    ///< overflow counter of the result cast
    FastCast m_plan[2];   ///< the result casts for the fraction counts the function last gave
    FastCast m_select_cast;    ///< the result cast of a selected value
    bool m_select_ok = false;  ///< the input is narrow enough for the selection path
};

template <typename FixedFn, typename FloatFn>
std::unique_ptr<LayerOp> make_unary_op(const Node& n, FixedFn fixed_fn, FloatFn float_fn) {
    return std::make_unique<UnaryOp<FixedFn, FloatFn>>(size_t(shape_size(n.shape)), n.type("result"), n.type("result"),
                                                       std::move(fixed_fn), std::move(float_fn));
}

/// An element-wise op whose value is a selection among input values (relu, linear): `select` maps a
/// raw input to a raw value with the input's fraction bits, then the one cast to result_t.
template <typename SelectFn, typename FloatFn>
std::unique_ptr<LayerOp> make_select_op(const Node& n, const FixedType& in, SelectFn select, FloatFn float_fn) {
    const int f = in.frac();
    auto fixed_fn = [select, f](int64_t x) { return Exact{select(x), f}; };
    return std::make_unique<UnaryOp<decltype(fixed_fn), FloatFn, SelectFn>>(
        size_t(shape_size(n.shape)), in, n.type("result"), fixed_fn, std::move(float_fn), select);
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
    /// The element-wise core's result register loads only with in_valid (latency 1).
    int rtl_held_results(const Node& node) const override {
        (void)node;
        return 1;
    }

  protected:
    /// Verilog computing one output element, already in the result type `res`, from the input element
    /// `x` (a wire of in.width bits). Declarations go to `os`, named `<uniq>_*`; returns the wire name.
    virtual std::string rtl_element(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                    const FixedType& res, const std::string& uniq) const;
    /// rtl_element() for element `index` of the core's beat (the channel, for a pixel-wise beat under
    /// io_stream): kinds whose function differs per element override this one. Default: rtl_element().
    virtual std::string rtl_element_at(std::ostream& os, const Node& node, const std::string& x, const FixedType& in,
                                       const FixedType& res, const std::string& uniq, int index) const {
        (void)index;
        return rtl_element(os, node, x, in, res, uniq);
    }
    /// A condition on the input element `x` under which the result is zero, or "" for none. The core
    /// then loads zero through the result register's synchronous reset and rtl_element() otherwise, so
    /// the choice costs one gate per element instead of one per bit; rtl_element() may then leave the
    /// zero case out.
    virtual std::string rtl_zero_when(const std::string& x, const FixedType& in) const {
        (void)x, (void)in;
        return "";
    }

  public:
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override {
        (void)diag;
        node.shape = in.shapes[0];
    }
};

}  // namespace nnsim
