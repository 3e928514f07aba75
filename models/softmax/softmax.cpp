// Softmax kind (softmax.hpp): hls4ml's table-based softmax, bit for bit (hls4ml_reference.md s. 9).
//
// stable (default), input type ap_fixed<W,I> with F = W - I, s = 1 if signed else 0:
//   x_max = max_i x_i;  d_i = x_max - x_i cast to inp_norm_t = ufixed<W-s, I-s> (TRN, WRAP: d wraps
//   modulo 2^(I-s) on ordinary inputs, which hls4ml users meet as silent accuracy loss);
//   exp_i = accum_t(exp_table[top log2(exp_size) bits of d_i]), entry k = exp_table_t(expf(-v_k)) with
//   v_k the inp_norm_t value whose top bits are k;
//   sum = balanced adder tree of exp_i in accum_t (split at 2^floor(log2(n-1)), each add cast);
//   inv = inv_table[top log2(inv_size) bits of inv_inp_t(sum)], entry k = inv_table_t(1.0f / u_k),
//   u_k the inv_inp_t value whose top bits are k (entry 0 saturates);
//   y_i = result_t(exp_i * inv).
//   Sizes: inv_size = min(table_size, 2^W), exp_size = min(inv_size, 2^(W-s)).
// latency: as stable without the max subtraction; the exp index is the top bits of x_i itself
//   (exp_size = min(table_size, 2^W), entries expf of the signed value).
// argmax: y = one-hot of the first maximum, result_t(1) there and 0 elsewhere.
#include "models/softmax/softmax.hpp"

#include <cmath>

namespace nnsim {
namespace {

int log2_exact(int64_t v) {
    int k = 0;
    while ((int64_t(1) << k) < v) ++k;
    return k;
}

uint64_t low_mask(int w) { return w >= 64 ? ~uint64_t(0) : ((uint64_t(1) << w) - 1); }

/// Sign-extend the low w bits.
int64_t sext(uint64_t u, int w) { return w >= 64 ? int64_t(u) : int64_t(u << (64 - w)) >> (64 - w); }

/// Raw value of a type whose top `bits` bits (of `width`) are k and the rest zero.
int64_t from_top_bits(uint64_t k, int bits, int width, bool is_signed) {
    const uint64_t u = (k << (width - bits)) & low_mask(width);
    return is_signed ? sext(u, width) : int64_t(u);
}

class SoftmaxOp : public LayerOp {
  public:
    SoftmaxOp(const Node& n, const NodeInputs& in)
        : m_in(in.types[0]), m_acc(n.type("accum")), m_inv_inp(n.type("inv_inp")), m_inv_t(n.type("inv_table")),
          m_exp_t(n.type("exp_table")), m_res(n.type("result")) {
        const std::string impl = n.get_string("implementation");
        m_argmax = impl == "argmax";
        m_stable = impl == "stable";
        m_inner = size_t(in.shapes[0].back());
        m_outer = size_t(shape_size(in.shapes[0])) / m_inner;
        m_tables = softmax_tables(n, m_in);
        m_exp_bits = log2_exact(m_tables.exp_size);
        m_inv_bits = log2_exact(m_tables.inv_size);
        const int nw = m_tables.norm_width;
        m_diff = FastCast(m_in.frac(), FixedType{nw, nw - m_in.frac(), false, RoundMode::kTrn, OverflowMode::kWrap, 0});
        m_to_acc = FastCast(m_exp_t.frac(), m_acc);
        m_sum = FastCast(m_acc.frac(), m_acc);
        m_to_inv = FastCast(m_acc.frac(), m_inv_inp);
        m_to_res = FastCast(m_acc.frac() + m_inv_t.frac(), m_res);
        m_one = FastCast(0, m_res);
        m_exp.resize(m_inner);
        m_c_diff = add_counter("softmax_diff");
        m_c_accum = add_counter("accum");
        m_c_inv = add_counter("inv_inp");
        m_c_result = add_counter("result");
    }

    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        for (size_t o = 0; o < m_outer; ++o) eval_row(in[0] + o * m_inner, out + o * m_inner, count);
    }

    void eval_float(const double* const* in, double* out) const override {
        for (size_t o = 0; o < m_outer; ++o) {
            const double* x = in[0] + o * m_inner;
            double* y = out + o * m_inner;
            size_t arg = 0;
            for (size_t i = 1; i < m_inner; ++i)
                if (x[i] > x[arg]) arg = i;
            if (m_argmax) {
                for (size_t i = 0; i < m_inner; ++i) y[i] = i == arg ? 1.0 : 0.0;
                continue;
            }
            double sum = 0;
            for (size_t i = 0; i < m_inner; ++i) sum += (y[i] = std::exp(x[i] - x[arg]));
            for (size_t i = 0; i < m_inner; ++i) y[i] /= sum;
        }
    }

  private:
    void eval_row(const int64_t* x, int64_t* y, bool count) {
        if (m_argmax) {
            size_t arg = 0;
            for (size_t i = 1; i < m_inner; ++i)
                if (x[i] > x[arg]) arg = i;
            for (size_t i = 0; i < m_inner; ++i) y[i] = i == arg ? cast_counted(1, m_one, m_c_result, count) : 0;
            return;
        }
        const int ne = m_exp_bits;
        const int nw = m_tables.norm_width;
        if (m_stable) {
            int64_t x_max = x[0];
            for (size_t i = 1; i < m_inner; ++i) x_max = x[i] > x_max ? x[i] : x_max;
            for (size_t i = 0; i < m_inner; ++i) {
                const int64_t d = cast_counted(__int128(x_max) - x[i], m_diff, m_c_diff, count);
                const size_t idx = size_t(uint64_t(d) >> (nw - ne));
                m_exp[i] = cast_counted(m_tables.exp_table[idx], m_to_acc, m_c_accum, count);
            }
        } else {  // latency
            for (size_t i = 0; i < m_inner; ++i) {
                const size_t idx = size_t((uint64_t(x[i]) & low_mask(nw)) >> (nw - ne));
                m_exp[i] = cast_counted(m_tables.exp_table[idx], m_to_acc, m_c_accum, count);
            }
        }
        const int64_t sum = tree_sum(m_exp.data(), m_inner, count);
        const int64_t inv_in = cast_counted(sum, m_to_inv, m_c_inv, count);
        const int ni = m_inv_bits;
        const int wi = m_inv_inp.width;
        const size_t inv_idx = size_t((uint64_t(inv_in) & low_mask(wi)) >> (wi - ni));
        const int64_t inv = m_tables.inv_table[inv_idx];
        for (size_t i = 0; i < m_inner; ++i)
            y[i] = cast_counted(__int128(m_exp[i]) * inv, m_to_res, m_c_result, count);
    }

    /// hls4ml's reduce<>: a balanced tree split at 2^floor(log2(n-1)), every add cast to accum_t.
    int64_t tree_sum(const int64_t* v, size_t n, bool count) {
        if (n == 1) return v[0];
        if (n == 2) return cast_counted(__int128(v[0]) + v[1], m_sum, m_c_accum, count);
        size_t split = 1;
        while (split * 2 <= n - 1) split *= 2;
        const int64_t a = tree_sum(v, split, count);
        const int64_t b = tree_sum(v + split, n - split, count);
        return cast_counted(__int128(a) + b, m_sum, m_c_accum, count);
    }

    FixedType m_in, m_acc, m_inv_inp, m_inv_t, m_exp_t, m_res;
    bool m_argmax = false, m_stable = false;  ///< the implementation: argmax, stable, else latency
    int m_exp_bits = 0, m_inv_bits = 0;       ///< log2 of the exp and 1/x table sizes
    FastCast m_diff, m_to_acc, m_sum, m_to_inv, m_to_res, m_one;  ///< the casts, planned once
    size_t m_inner = 0, m_outer = 0;  ///< softmax length (last axis) and number of rows
    SoftmaxTables m_tables;
    std::vector<int64_t> m_exp;     ///< exp_i of the current row, in accum_t
    size_t m_c_diff = 0, m_c_accum = 0, m_c_inv = 0, m_c_result = 0;
};

}  // namespace

std::vector<ParamSpec> SoftmaxKind::params() const {
    return {{"implementation", ParamType::kString, std::string("stable"), false,
             "hls4ml softmax implementation", {"stable", "latency", "argmax"}},
            {"table_size", ParamType::kInt, int64_t(1024), false,
             "entries of the exp and 1/x tables before hls4ml's shrinking to the input width (power of two)", {}, 2,
             1 << 20}};
}

std::vector<PrecisionVarSpec> SoftmaxKind::precision_vars() const {
    return {{"exp_table", "type of the exp table entries (hls4ml exp_table_t)", "fixed<18,8,RND,SAT>"},
            {"inv_table", "type of the 1/x table entries (hls4ml inv_table_t)", "fixed<18,8,RND,SAT>"},
            {"inv_inp", "type the exp sum is cast to before indexing the 1/x table", "fixed<18,8,RND,SAT>"},
            {"accum", "type of the exp values and their sum", ""},
            {"result", "type of the layer output", ""}};
}

void SoftmaxKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    n.shape = in.shapes[0];
    const int64_t ts = n.get_int("table_size");
    if ((ts & (ts - 1)) != 0) diag.error("", "table_size must be a power of two, got " + std::to_string(ts));
    if (in.types[0].width < 2) diag.error("", "softmax input must be at least 2 bits wide");
    const int w = in.types[0].width;
    const int64_t inv_size = std::min<int64_t>(ts, w >= 30 ? (int64_t(1) << 30) : (int64_t(1) << w));
    if ((int64_t(1) << n.type("inv_inp").width) < inv_size)
        diag.error("", "inv_inp (" + n.type("inv_inp").to_string() + ") is too narrow to index a " +
                           std::to_string(inv_size) + "-entry 1/x table");
}

SoftmaxTables softmax_tables(const Node& n, const FixedType& in) {
    SoftmaxTables t;
    const std::string impl = n.get_string("implementation");
    const int64_t table_size = n.get_int("table_size");
    const int w = in.width;
    const int s = in.is_signed ? 1 : 0;
    auto pow2 = [](int k) { return k >= 30 ? (int64_t(1) << 30) : (int64_t(1) << k); };
    t.inv_size = int(std::min<int64_t>(table_size, pow2(w)));
    if (impl == "argmax") return t;
    const bool stable = impl == "stable";
    t.norm_width = stable ? w - s : w;
    t.exp_size = int(std::min<int64_t>(t.inv_size, pow2(t.norm_width)));
    const int ne = log2_exact(t.exp_size);
    const FixedType& exp_t = n.type("exp_table");
    const int f = in.frac();
    for (int k = 0; k < t.exp_size; ++k) {
        const int64_t v = from_top_bits(uint64_t(k), ne, t.norm_width, stable ? false : in.is_signed);
        const float x = float(std::ldexp(double(v), -f));
        t.exp_table.push_back(cast_double(double(std::exp(stable ? -x : x)), exp_t));
    }
    const FixedType& ii = n.type("inv_inp");
    const FixedType& inv_t = n.type("inv_table");
    const int ni = log2_exact(t.inv_size);
    for (int k = 0; k < t.inv_size; ++k) {
        const int64_t v = from_top_bits(uint64_t(k), ni, ii.width, ii.is_signed);
        const float u = float(std::ldexp(double(v), -ii.frac()));
        t.inv_table.push_back(cast_double(double(1.0f / u), inv_t));
    }
    return t;
}

// Timing, II 1: stable has four registered stages (max and differences; exp ROM; adder tree and 1/x
// ROM; products), latency three (no max stage), argmax two (compare tree; one-hot).
Timing SoftmaxKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)in, (void)io;
    const std::string& impl = n.get_string("implementation");
    return {1, impl == "stable" ? 4 : impl == "latency" ? 3 : 2};
}

std::unique_ptr<LayerOp> SoftmaxKind::compile(const Node& n, const NodeInputs& in) const {
    return std::make_unique<SoftmaxOp>(n, in);
}

}  // namespace nnsim
