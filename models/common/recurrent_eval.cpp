// The recurrent layers' evaluator: the cell of recurrent.hpp applied to every time step, bit-exact
// through the compiled dense and table-activation parts, and in double precision for the float model.
#include <algorithm>

#include "models/common/recurrent.hpp"

namespace nnsim {
namespace {

/// An exact value raw * 2^-frac.
struct Wide {
    __int128 raw;
    int frac;
};

Wide mul(int64_t a, int fa, int64_t b, int fb) { return {__int128(a) * b, fa + fb}; }
Wide add(Wide a, Wide b) {
    const int f = std::max(a.frac, b.frac);
    return {(a.raw << (f - a.frac)) + (b.raw << (f - b.frac)), f};
}

class RecurrentOp : public LayerOp {
  public:
    explicit RecurrentOp(RecurrentCell cell) : m_c(std::move(cell)) {
        const int g = m_c.gates * m_c.n;
        m_k = m_c.kernel.kind->compile(m_c.kernel, m_c.kernel_in());
        m_r = m_c.recurrent.kind->compile(m_c.recurrent, m_c.recurrent_in());
        if (m_c.has_h_product()) m_rh = m_c.recurrent_h.kind->compile(m_c.recurrent_h, m_c.recurrent_h_in());
        if (m_c.type != CellType::kSimpleRnn) m_gate = m_c.recr_act.kind->compile(m_c.recr_act, m_c.recr_act_in());
        m_act = m_c.act.kind->compile(m_c.act, m_c.act_in());
        if (m_c.type == CellType::kLstm) m_act_c = m_c.act_state.kind->compile(m_c.act_state, m_c.act_state_in());
        for (auto* part : {m_k.get(), m_r.get(), m_rh.get(), m_gate.get(), m_act.get(), m_act_c.get()}) {
            if (!part) continue;
            m_parts.push_back({part, counters().size()});
            const char* prefix = part == m_k.get()      ? "kernel."
                                 : part == m_r.get()    ? "recurrent."
                                 : part == m_rh.get()   ? "recurrent_h."
                                 : part == m_gate.get() ? "recr_act."
                                 : part == m_act.get()  ? "act."
                                                        : "act_state.";
            for (const OverflowCounter& oc : part->counters()) add_counter(prefix + oc.what);
        }
        m_c_pre = add_counter("preactivation");
        m_c_state = add_counter("state");
        m_c_res = add_counter("result");
        m_a.resize(size_t(g)), m_b.resize(size_t(g)), m_ifo.resize(size_t(g)), m_z.resize(size_t(g)), m_gv.resize(size_t(g));
        m_h.resize(size_t(m_c.n)), m_cs.resize(size_t(m_c.n)), m_t.resize(size_t(m_c.n)), m_u.resize(size_t(m_c.n));
        m_fa.resize(size_t(g)), m_fb.resize(size_t(g)), m_fz.resize(size_t(g)), m_fg.resize(size_t(g));
        m_fh.resize(size_t(m_c.n)), m_fc.resize(size_t(m_c.n)), m_ft.resize(size_t(m_c.n)), m_fu.resize(size_t(m_c.n));
    }

    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        std::fill(m_h.begin(), m_h.end(), 0);
        std::fill(m_cs.begin(), m_cs.end(), 0);
        const int n = m_c.n;
        for (int t = 0; t < m_c.steps; ++t) {
            const int64_t* xt = in[0] + size_t(t) * size_t(m_c.n_in);
            const int64_t* hp = m_h.data();
            m_k->eval(&xt, m_a.data(), count);
            m_r->eval(&hp, m_b.data(), count);
            switch (m_c.type) {
                case CellType::kSimpleRnn: step_rnn(count); break;
                case CellType::kLstm: step_lstm(count); break;
                case CellType::kGru: step_gru(count); break;
            }
            if (m_c.return_sequences) std::copy(m_h.begin(), m_h.end(), out + size_t(t) * size_t(n));
        }
        if (!m_c.return_sequences) std::copy(m_h.begin(), m_h.end(), out);
        if (count) gather_counters();
    }

    void eval_float(const double* const* in, double* out) const override {
        std::fill(m_fh.begin(), m_fh.end(), 0.0);
        std::fill(m_fc.begin(), m_fc.end(), 0.0);
        const int n = m_c.n;
        for (int t = 0; t < m_c.steps; ++t) {
            const double* xt = in[0] + size_t(t) * size_t(m_c.n_in);
            const double* hp = m_fh.data();
            m_k->eval_float(&xt, m_fa.data());
            m_r->eval_float(&hp, m_fb.data());
            float_step();
            if (m_c.return_sequences) std::copy(m_fh.begin(), m_fh.end(), out + size_t(t) * size_t(n));
        }
        if (!m_c.return_sequences) std::copy(m_fh.begin(), m_fh.end(), out);
    }

  private:
    /// z[j] = accum_t(a[j] + b[j]) for j in [first, first + count).
    void preactivation(int first, int count, bool cnt) {
        const int f = m_c.accum.frac();
        for (int j = first; j < first + count; ++j)
            m_z[size_t(j)] = cast_counted(__int128(m_a[size_t(j)]) + m_b[size_t(j)], f, m_c.accum, m_c_pre, cnt);
    }

    void step_rnn(bool cnt) {
        preactivation(0, m_c.n, cnt);
        const int64_t* z = m_z.data();
        m_act->eval(&z, m_h.data(), cnt);
    }

    void step_lstm(bool cnt) {
        const int n = m_c.n;
        preactivation(0, 4 * n, cnt);
        // The gates i, f, o (columns [0, 2n) and [3n, 4n)) through the recurrent activation.
        std::copy(m_z.begin(), m_z.begin() + 2 * n, m_ifo.begin());
        std::copy(m_z.begin() + 3 * n, m_z.begin() + 4 * n, m_ifo.begin() + 2 * n);
        const int64_t* gin = m_ifo.data();
        m_gate->eval(&gin, m_gv.data(), cnt);  // m_gv: i [0, n), f [n, 2n), o [2n, 3n)
        const int64_t* zc = m_z.data() + 2 * n;
        m_act->eval(&zc, m_t.data(), cnt);  // g
        const int fr = m_c.recr_act_t.frac(), fa = m_c.act_t.frac(), fs = m_c.state_t.frac();
        for (int j = 0; j < n; ++j) {
            const Wide v = add(mul(m_t[size_t(j)], fa, m_gv[size_t(j)], fr), mul(m_cs[size_t(j)], fs, m_gv[size_t(n + j)], fr));
            m_cs[size_t(j)] = cast_counted(v.raw, v.frac, m_c.state_t, m_c_state, cnt);
        }
        const int64_t* cs = m_cs.data();
        m_act_c->eval(&cs, m_t.data(), cnt);  // act(c_t)
        for (int j = 0; j < n; ++j)
            m_h[size_t(j)] = cast_counted(__int128(m_gv[size_t(2 * n + j)]) * m_t[size_t(j)], fr + fa, m_c.result_t, m_c_res, cnt);
    }

    void step_gru(bool cnt) {
        const int n = m_c.n;
        const int fr = m_c.recr_act_t.frac(), fa = m_c.act_t.frac(), fh = m_c.result_t.frac(), facc = m_c.accum.frac();
        preactivation(0, 2 * n, cnt);
        const int64_t* zr = m_z.data();
        m_gate->eval(&zr, m_gv.data(), cnt);  // z [0, n), r [n, 2n)
        if (m_c.reset_after) {
            for (int j = 0; j < n; ++j) {
                const int64_t rb = cast_counted(__int128(m_gv[size_t(n + j)]) * m_b[size_t(2 * n + j)], fr + facc, m_c.accum, m_c_pre, cnt);
                m_u[size_t(j)] = cast_counted(__int128(m_a[size_t(2 * n + j)]) + rb, facc, m_c.accum, m_c_pre, cnt);
            }
        } else {
            for (int j = 0; j < n; ++j)
                m_t[size_t(j)] = cast_counted(__int128(m_gv[size_t(n + j)]) * m_h[size_t(j)], fr + fh, m_c.result_t, m_c_res, cnt);
            const int64_t* rh = m_t.data();
            m_rh->eval(&rh, m_b.data() + 2 * n, cnt);
            for (int j = 0; j < n; ++j)
                m_u[size_t(j)] = cast_counted(__int128(m_a[size_t(2 * n + j)]) + m_b[size_t(2 * n + j)], facc, m_c.accum, m_c_pre, cnt);
        }
        const int64_t* u = m_u.data();
        m_act->eval(&u, m_t.data(), cnt);  // hh
        const int64_t one = int64_t(1) << fr;
        for (int j = 0; j < n; ++j) {
            const int64_t z = m_gv[size_t(j)];
            const Wide v = add(mul(m_t[size_t(j)], fa, one - z, fr), mul(m_h[size_t(j)], fh, z, fr));
            m_h[size_t(j)] = cast_counted(v.raw, v.frac, m_c.result_t, m_c_res, cnt);
        }
    }

    void float_step() const {
        const int n = m_c.n;
        const int g = m_c.gates * n;
        for (int j = 0; j < g; ++j) m_fz[size_t(j)] = m_fa[size_t(j)] + m_fb[size_t(j)];
        auto act = [&](const LayerOp& op, const double* x, double* y) { op.eval_float(&x, y); };
        if (m_c.type == CellType::kSimpleRnn) return act(*m_act, m_fz.data(), m_fh.data());
        if (m_c.type == CellType::kLstm) {
            std::vector<double> ifo(m_fz.begin(), m_fz.begin() + 2 * n);
            ifo.insert(ifo.end(), m_fz.begin() + 3 * n, m_fz.begin() + 4 * n);
            act(*m_gate, ifo.data(), m_fg.data());
            act(*m_act, m_fz.data() + 2 * n, m_ft.data());
            for (int j = 0; j < n; ++j) m_fc[size_t(j)] = m_ft[size_t(j)] * m_fg[size_t(j)] + m_fc[size_t(j)] * m_fg[size_t(n + j)];
            act(*m_act_c, m_fc.data(), m_ft.data());
            for (int j = 0; j < n; ++j) m_fh[size_t(j)] = m_fg[size_t(2 * n + j)] * m_ft[size_t(j)];
            return;
        }
        act(*m_gate, m_fz.data(), m_fg.data());
        if (m_c.reset_after) {
            for (int j = 0; j < n; ++j) m_fu[size_t(j)] = m_fa[size_t(2 * n + j)] + m_fg[size_t(n + j)] * m_fb[size_t(2 * n + j)];
        } else {
            for (int j = 0; j < n; ++j) m_ft[size_t(j)] = m_fg[size_t(n + j)] * m_fh[size_t(j)];
            const double* rh = m_ft.data();
            m_rh->eval_float(&rh, m_fb.data() + 2 * n);
            for (int j = 0; j < n; ++j) m_fu[size_t(j)] = m_fa[size_t(2 * n + j)] + m_fb[size_t(2 * n + j)];
        }
        act(*m_act, m_fu.data(), m_ft.data());
        for (int j = 0; j < n; ++j) {
            const double z = m_fg[size_t(j)];
            m_fh[size_t(j)] = m_ft[size_t(j)] * (1.0 - z) + m_fh[size_t(j)] * z;
        }
    }

    /// Move the parts' overflow counts into this layer's counters (prefixed by the part).
    void gather_counters() {
        for (const auto& p : m_parts) {
            std::vector<OverflowCounter>& src = p.op->counters();
            for (size_t i = 0; i < src.size(); ++i) {
                OverflowCounter& dst = counters()[p.first + i];
                dst.casts += src[i].casts, dst.wrapped += src[i].wrapped, dst.saturated += src[i].saturated;
                src[i].casts = src[i].wrapped = src[i].saturated = 0;
            }
        }
    }

    struct Part {
        LayerOp* op;
        size_t first;  ///< index of its first counter in counters()
    };
    RecurrentCell m_c;
    std::unique_ptr<LayerOp> m_k, m_r, m_rh, m_gate, m_act, m_act_c;
    std::vector<Part> m_parts;
    size_t m_c_pre = 0, m_c_state = 0, m_c_res = 0;
    std::vector<int64_t> m_a, m_b, m_z, m_gv, m_ifo, m_h, m_cs, m_t, m_u;
    mutable std::vector<double> m_fa, m_fb, m_fz, m_fg, m_fh, m_fc, m_ft, m_fu;  ///< float path scratch
};

}  // namespace

std::unique_ptr<LayerOp> RecurrentKind::compile(const Node& node, const NodeInputs& in) const {
    return std::make_unique<RecurrentOp>(make_cell(node, in));
}

}  // namespace nnsim
