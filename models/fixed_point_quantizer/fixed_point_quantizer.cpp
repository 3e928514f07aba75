// Heterogeneous fixed-point quantizer kind (fixed_point_quantizer.hpp). The masks `keep_negative`,
// `bits` and `integers` hold one entry per element of the tensor (row-major, channels last) or a single
// entry for all. Each element goes through two casts: to its own type with the layer's modes, then to
// result_t (TRN/WRAP unless the result type says otherwise); the second is exact when result_t holds
// every element type, as the HGQ proxy model's result_t does.
#include "models/fixed_point_quantizer/fixed_point_quantizer.hpp"

#include <algorithm>

#include "core/diag.hpp"
#include "core/precision.hpp"
#include "core/resources.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

const char* const kMasks[] = {"keep_negative", "bits", "integers"};

/// Mask entry `i` of `key`: a single entry applies to every element.
int64_t mask_at(const Node& n, const char* key, size_t i) {
    const std::vector<int64_t>& v = n.get_int_list(key);
    return v.size() == 1 ? v[0] : v[i];
}

class FixedPointQuantizerOp : public LayerOp {
  public:
    FixedPointQuantizerOp(const FixedType& in, const FixedType& res, std::vector<FixedType> elems)
        : m_in(in), m_res(res), m_elems(std::move(elems)) {
        m_c_element = add_counter("element");
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        const int f = m_in.frac();
        for (size_t i = 0; i < m_elems.size(); ++i) {
            const FixedType& t = m_elems[i];
            if (t.width == 0) {
                out[i] = 0;
                continue;
            }
            const int64_t q = cast_counted(in[0][i], f, t, m_c_element, count);
            out[i] = cast_counted(q, t.frac(), m_res, m_c_result, count);
        }
    }
    /// The float reference has no quantizers: the identity.
    void eval_float(const double* const* in, double* out) const override {
        std::copy(in[0], in[0] + m_elems.size(), out);
    }
    /// The quantized float reference: each element in its own type (HGQ's proxy model).
    void eval_float_quantized(const double* const* in, double* out) const override {
        for (size_t i = 0; i < m_elems.size(); ++i) {
            const FixedType& t = m_elems[i];
            out[i] = t.width == 0 ? 0.0 : t.to_double(cast_double(in[0][i], t));
        }
    }

  private:
    FixedType m_in, m_res;
    std::vector<FixedType> m_elems;
    size_t m_c_element = 0, m_c_result = 0;
};

}  // namespace

std::vector<ParamSpec> FixedPointQuantizerKind::params() const {
    return {
        {"keep_negative", ParamType::kIntList, {}, true, "per element: 1 for a signed type, 0 for an unsigned one", {}, 0, 1},
        {"bits", ParamType::kIntList, {}, true, "per element: the width in bits, sign included (0: the element is pruned to 0)", {}, 0, 62},
        {"integers", ParamType::kIntList, {}, true, "per element: the integer bits, sign included", {}, -64, 64},
        {"rounding", ParamType::kString, std::string("TRN"), false, "rounding mode of the element casts", {}},
        {"saturation", ParamType::kString, std::string("WRAP"), false, "overflow mode of the element casts", {}},
    };
}

FixedType FixedPointQuantizerKind::element_type(const Node& n, size_t i) {
    FixedType t;
    parse_round_mode(n.get_string("rounding"), t.round);
    parse_overflow_mode(n.get_string("saturation"), t.overflow);
    t.width = int(mask_at(n, "bits", i));
    t.integer = int(mask_at(n, "integers", i));
    t.is_signed = mask_at(n, "keep_negative", i) != 0;
    return t;
}

std::vector<FixedType> FixedPointQuantizerKind::element_types(const Node& n, size_t count) {
    std::vector<FixedType> types(count);
    for (size_t i = 0; i < count; ++i) types[i] = element_type(n, i);
    return types;
}

void FixedPointQuantizerKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    UnaryKind::infer(n, in, diag);
    const size_t elems = size_t(shape_size(n.shape));
    for (const char* key : kMasks) {
        const size_t len = n.get_int_list(key).size();
        if (len != 1 && len != elems)
            diag.error("/" + std::string(key), "has " + std::to_string(len) + " entries; expected 1 or one per element (" +
                                                   std::to_string(elems) + " for shape " + shape_to_string(n.shape) + ")");
    }
    RoundMode rnd;
    OverflowMode sat;
    if (!parse_round_mode(n.get_string("rounding"), rnd))
        diag.error("/rounding", "unknown rounding mode '" + n.get_string("rounding") + "' (expected TRN, RND, RND_CONV, ...)");
    if (!parse_overflow_mode(n.get_string("saturation"), sat))
        diag.error("/saturation", "unknown saturation mode '" + n.get_string("saturation") + "' (expected WRAP, SAT, SAT_SYM, ...)");
}

void FixedPointQuantizerKind::check_stream(const Node& n, const NodeInputs& in, Diagnostics& diag) const {
    (void)in;
    const size_t elems = size_t(shape_size(n.shape)), pixel = size_t(n.shape.back());
    for (const char* key : kMasks) {
        const std::vector<int64_t>& v = n.get_int_list(key);
        if (v.size() == 1) continue;
        for (size_t i = pixel; i < elems; ++i)
            if (v[i] != v[i % pixel]) {
                diag.error("/" + std::string(key),
                           "differs between pixels; under io_stream a heterogeneous quantizer streams pixel by "
                           "pixel, so its masks may vary along the channel axis only (use io_parallel)");
                return;
            }
    }
}

std::unique_ptr<LayerOp> FixedPointQuantizerKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<FixedPointQuantizerOp>(in.types[0], n.type("result"),
                                                   element_types(n, size_t(shape_size(in.shapes[0]))));
}

// RTL: the two casts of the element (emit_cast, so the modes are exactly the evaluator's), or the
// constant 0 for a pruned element.
std::string FixedPointQuantizerKind::rtl_element_at(std::ostream& os, const Node& n, const std::string& x,
                                                    const FixedType& in, const FixedType& res, const std::string& uniq,
                                                    int index) const {
    const FixedType t = element_type(n, size_t(index));
    if (t.width == 0) {
        os << "    wire [" << res.width - 1 << ":0] " << uniq << "_zero = " << vconst(res.width, 0) << ";\n"
           << "    wire " << uniq << "_unused_bits = ^" << x << ";\n";
        return uniq + "_zero";
    }
    const std::string q = emit_cast(os, x, signal_type(in), t, uniq + "_q");
    return emit_cast(os, q, signal_type(t), res, uniq + "_r");
}

// Per element the two casts (res::cast_luts: a truncating, wrapping cast is wiring) and the result
// register, whose bits Yosys keeps only where the element type has them (the rest are constant zeros
// or copies of the sign); a pruned element costs nothing. Plus the valid bit and the timing shell.
Resources FixedPointQuantizerKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& rt = n.type("result");
    const size_t elems = size_t(shape_size(n.shape));
    const std::vector<FixedType> types = element_types(n, elems);
    Resources r;
    for (const FixedType& t : types) {
        if (t.width == 0) continue;
        r.lut += res::cast_luts(res::sig_of(in.types[0]), t) + res::cast_luts(res::sig_of(t), rt);
        r.ff += std::min(t.width, rt.width);
    }
    const Timing tm = timing(n, in, io);
    r += res::valid_pipeline(tm.latency);
    r += res::shell(tm, int(elems) * rt.width, /*held=*/1);
    return r;
}

}  // namespace nnsim
