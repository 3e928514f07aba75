// Analytical evaluation of design points (sweep.hpp): the timing contract in closed form, resource
// estimates against a part, and accuracy through the bit-exact evaluator, with per-thread caches
// (timing runs depend only on the timing configuration, accuracy only on the precisions).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "core/beat_schedule.hpp"
#include "core/build_id.hpp"
#include "core/datafile.hpp"
#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/network_json.hpp"
#include "core/samples.hpp"
#include "core/sweep.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"

namespace nnsim {
namespace {

uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}
uint64_t fnv1a(uint64_t h, const std::string& s) { return fnv1a(h, s.data(), s.size() + 1); }

/// Index of the class a sample's outputs decide (a single output is a score: decision at 0.5).
int decision(const std::vector<double>& v) {
    if (v.size() == 1) return v[0] >= 0.5 ? 1 : 0;
    size_t best = 0;
    for (size_t i = 1; i < v.size(); ++i)
        if (v[i] > v[best]) best = i;
    return int(best);
}

/// `nnsim sim`'s steady-state interval: average over the second half of the handshakes.
double steady_interval(const std::vector<int64_t>& c) {
    if (c.size() < 2) return 0;
    const size_t from = c.size() / 2 == c.size() - 1 ? 0 : c.size() / 2;
    return double(c.back() - c[from]) / double(c.size() - 1 - from);
}

}  // namespace

SweepContext make_context(const Graph& base, const std::string& mode, const std::string& input,
                          const std::string& labels, int samples, uint64_t seed, const std::string& part) {
    SweepContext ctx;
    ctx.base = &base;
    ctx.mode = mode;
    ctx.seed = seed;
    if (!part.empty() || base.part.empty()) {
        ctx.part = find_part(part.empty() ? "xcku115" : part);
    } else {
        try {
            ctx.part = find_part(base.part);
        } catch (const UserError& e) {
            throw UserError(std::string(e.what()) + " (the network's part; choose one with --part)");
        }
    }
    if (samples < 0) throw UserError("--samples: must be a positive integer");
    if (!labels.empty() && input.empty()) throw UserError("--labels: needs --input");
    Evaluator ev(base);
    // The samples of `nnsim sim --samples N --seed S` (or --input F), so that a point can be rerun alone.
    ctx.inputs = make_samples(input, default_sample_count(input, samples), seed, sample_columns(ev));
    if (ctx.inputs.empty()) throw UserError(input + ": no samples");
    ctx.have_input = !input.empty();
    ctx.samples = ctx.inputs.size();
    // The float model (the same for every point: no quantization at all).
    for (const auto& s : ctx.inputs) {
        std::vector<const double*> ptrs;
        size_t off = 0;
        for (size_t k = 0; k < base.inputs.size(); ++k) ptrs.push_back(s.data() + off), off += ev.input_size(k);
        ev.run_float(ptrs);
        std::vector<double> out;
        for (size_t o : ev.output_nodes()) out.insert(out.end(), ev.node_float(o).begin(), ev.node_float(o).end());
        ctx.float_out.push_back(out);
    }
    if (!labels.empty()) {
        const auto rows = read_data_file(labels, 0);
        if (rows.size() < ctx.samples)
            throw UserError(labels + ": " + std::to_string(rows.size()) + " labels for " + std::to_string(ctx.samples) +
                            " samples");
        const bool score = ctx.float_out[0].size() == 1;
        size_t right = 0;
        for (size_t i = 0; i < ctx.samples; ++i) {
            const auto& row = rows[i];
            const int label = row.size() > 1 ? decision(row) : score ? int(row[0] >= 0.5) : int(std::lround(row[0]));
            ctx.labels.push_back(label);
            right += decision(ctx.float_out[i]) == label;
        }
        ctx.float_accuracy = double(right) / double(ctx.samples);
    }
    for (const auto& n : base.nodes) {
        ctx.layers.push_back(n.name);
        for (const auto& in : n.inputs) ctx.channels.push_back("fifo_" + in + "__" + n.name);
    }
    for (const auto& o : base.outputs) ctx.channels.push_back("fifo_" + o + "__out");
    // Identity of everything a point's figures depend on besides its own settings.
    WriteOptions wo;
    wo.inline_weights = true;
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, std::string("nnsim-sweep-1"));
    h = fnv1a(h, write_network(base, wo));
    h = fnv1a(h, mode + " " + ctx.part.name + " " + std::to_string(ctx.samples) + " " + std::to_string(seed) +
                     (ctx.have_input ? " input" : " random"));
    for (const auto& s : ctx.inputs) h = fnv1a(h, s.data(), s.size() * sizeof(double));
    h = fnv1a(h, ctx.labels.data(), ctx.labels.size() * sizeof(int));
    // A fingerprint of the models: stored points computed by an nnsim whose timing or resource model
    // gives the base network other figures are not reused.
    const Resources br = estimate_network(base).total;
    const NetworkTiming bt = analyze_timing(base);
    const double fp[] = {br.dsp, br.lut, br.ff, br.bram18, br.uram, double(bt.latency), double(bt.ii)};
    h = fnv1a(h, fp, sizeof fp);
    // That fingerprint misses model changes visible only at other settings (an estimate at RF > 1):
    // points stored by another nnsim build are not reused either.
    h = fnv1a(h, build_id());
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", (unsigned long long)h);
    ctx.hash = buf;
    return ctx;
}

RunPlan::RunPlan(const Graph& g) : I(g.inputs.size()), M(g.nodes.size()), O(g.outputs.size()) {
    std::map<std::string, size_t> entity;
    for (size_t k = 0; k < I; ++k) entity[g.inputs[k].name] = k;
    for (size_t i = 0; i < M; ++i) entity[g.nodes[i].name] = I + i;
    in_ch.resize(M), out_ch.resize(I + M);
    for (size_t i = 0; i < M; ++i)
        for (const auto& in : g.nodes[i].inputs) {
            chans.push_back({entity.at(in), i, in});
            in_ch[i].push_back(chans.size() - 1), out_ch[chans.back().prod].push_back(chans.size() - 1);
        }
    for (size_t o = 0; o < O; ++o) {
        chans.push_back({entity.at(g.outputs[o]), M + o, g.outputs[o]});
        out_ch[chans.back().prod].push_back(chans.size() - 1);
        out_entity.push_back(chans.back().prod);
    }
}

std::vector<int> RunPlan::depths(const Graph& g) const {
    std::vector<int> d;
    for (const auto& c : chans) d.push_back(fifo_depth(g, c.tensor));
    return d;
}

std::vector<int> RunPlan::word_widths(const Graph& g) const {
    std::vector<int> w;
    for (const auto& c : chans) w.push_back(int(beat_width(g, c.tensor)) * g.type_of(c.tensor).width);
    return w;
}

RunFigures RunPlan::run(const Graph& g, const std::vector<Timing>& tm, const std::vector<int>& depth,
                        size_t N) const {
    if (has_multi_beat_tensors(g)) {
        // Several beats per sample: the beat-level schedule (core/beat_schedule.hpp).
        const BeatSchedule b = schedule_beats(g, tm, depth, N);
        if (b.deadlocked) throw UserError("deadlock: " + b.deadlock_report);
        RunFigures f;
        f.fifo_depth = depth;
        f.fifo_max_occupancy = b.fifo_max_occupancy;
        cycle_figures(b.input_cycles, b.output_cycles, f);
        return f;
    }
    // Handshake cycles of every sample under the contract, with the source and sinks always ready:
    //   source  s(k) = max(s(k-1) + 1, read of word k-D of each of its FIFOs + 1)
    //   accept  a(k) = max(a(k-1) + II, write of word k by each producer + 1, write of k-P by itself)
    //   write   w(k) = max(a(k) + L, w(k-1) + 1, read of word k-D of each of its FIFOs + 1)
    //   sink    r(k) = max(r(k-1) + 1, w(k) + 1)
    // where D is a FIFO's depth and P = ceil(L / II) the samples a layer keeps in flight.
    std::vector<int64_t> w((I + M) * N), a(M * N), r(O * N);
    auto read = [&](size_t c, size_t s) {
        const size_t cons = chans[c].cons;
        return cons < M ? a[cons * N + s] : r[(cons - M) * N + s];
    };
    auto room = [&](size_t e, size_t s, int64_t t) {  // earliest cycle >= t with room for word s
        for (size_t c : out_ch[e])
            if (s >= size_t(depth[c])) t = std::max(t, read(c, s - size_t(depth[c])) + 1);
        return t;
    };
    for (size_t s = 0; s < N; ++s) {
        for (size_t k = 0; k < I; ++k) w[k * N + s] = room(k, s, s == 0 ? 0 : w[k * N + s - 1] + 1);
        for (size_t i = 0; i < M; ++i) {
            const int64_t ii = tm[i].ii, lat = tm[i].latency, P = (lat + ii - 1) / ii;
            int64_t t = s == 0 ? 0 : a[i * N + s - 1] + ii;
            for (size_t c : in_ch[i]) t = std::max(t, w[chans[c].prod * N + s] + 1);
            if (int64_t(s) >= P) t = std::max(t, w[(I + i) * N + s - size_t(P)]);
            a[i * N + s] = t;
            w[(I + i) * N + s] = room(I + i, s, std::max(t + lat, s == 0 ? 0 : w[(I + i) * N + s - 1] + 1));
        }
        for (size_t o = 0; o < O; ++o) {
            const int64_t ready = w[out_entity[o] * N + s] + 1;
            r[o * N + s] = s == 0 ? ready : std::max(ready, r[o * N + s - 1] + 1);
        }
    }
    RunFigures f;
    f.fifo_depth = depth;
    for (size_t c = 0; c < chans.size(); ++c) {
        // A write of word s uses (words written before its cycle) - (words read before it) + 1 slots.
        int used_max = 0;
        size_t reads = 0;
        for (size_t s = 0; s < N; ++s) {
            const int64_t t = w[chans[c].prod * N + s];
            while (reads < s && read(c, reads) < t) ++reads;
            used_max = std::max(used_max, int(s - reads + 1));
        }
        f.fifo_max_occupancy.push_back(used_max);
    }
    if (N == 0 || I == 0 || O == 0) return f;
    std::vector<int64_t> in(w.begin(), w.begin() + int64_t(N)), out(r.begin(), r.begin() + int64_t(N));
    for (size_t o = 1; o < O; ++o)
        for (size_t s = 0; s < N; ++s) out[s] = std::max(out[s], r[o * N + s]);
    cycle_figures(in, out, f);
    return f;
}

RunFigures analytical_run(const Graph& g, size_t n_samples) {
    std::vector<Timing> tm;
    for (const auto& n : g.nodes) tm.push_back(n.kind->timing(n, node_inputs(g, n), g.io_type));
    const RunPlan plan(g);
    return plan.run(g, tm, plan.depths(g), n_samples);
}

void cycle_figures(const std::vector<int64_t>& in, const std::vector<int64_t>& out, RunFigures& f) {
    const size_t n = std::min(in.size(), out.size());
    if (n == 0) return;
    f.latency = out[0] - in[0];
    f.latency_max = 0;
    for (size_t s = 0; s < n; ++s) f.latency_max = std::max(f.latency_max, out[s] - in[s]);
    f.run_cycles = out[n - 1] - in[0];
    f.ii = std::max(steady_interval(in), steady_interval(out));
}

void fill_static(const SweepContext& ctx, const Graph& g, PointResult& r, const Resources* res) {
    const NetworkTiming nt = analyze_timing(g);
    r.latency = nt.latency;
    r.ii = double(nt.ii);
    r.throughput = nt.throughput(g.clock_period_ns);
    r.res = res ? *res : estimate_network(g).total;
    r.util = utilisation(r.res, ctx.part).percent;
    r.util_max = std::max({r.util.dsp, r.util.lut, r.util.ff, r.util.bram18, r.util.uram});
}

void evaluate_samples(const SweepContext& ctx, const Graph& g, Outputs& out, std::vector<uint64_t>& wrapped,
                      std::vector<uint64_t>& saturated) {
    Evaluator ev(g);
    out.clear();
    for (const auto& s : ctx.inputs) {
        size_t off = 0;
        for (size_t k = 0; k < g.inputs.size(); ++k) ev.set_input(k, s.data() + off), off += ev.input_size(k);
        ev.run(true);
        std::vector<double> o;
        for (size_t idx : ev.output_nodes()) {
            const std::vector<double> v = ev.node_values(idx);
            o.insert(o.end(), v.begin(), v.end());
        }
        out.push_back(std::move(o));
    }
    wrapped.assign(g.nodes.size(), 0);
    saturated.assign(g.nodes.size(), 0);
    for (size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& c : ev.counters(i)) wrapped[i] += c.wrapped, saturated[i] += c.saturated;
}

void fill_accuracy(const SweepContext& ctx, const Graph& g, const Outputs& fixed_out,
                   const std::vector<uint64_t>& wrapped, const std::vector<uint64_t>& saturated, PointResult& r) {
    (void)g;
    NNSIM_ASSERT(fixed_out.size() == ctx.float_out.size(), "one output row per sample");
    r.has_accuracy = true;
    r.max_abs_error = 0;
    size_t same = 0, right = 0;
    for (size_t s = 0; s < fixed_out.size(); ++s) {
        for (size_t i = 0; i < fixed_out[s].size(); ++i)
            r.max_abs_error = std::max(r.max_abs_error, std::fabs(fixed_out[s][i] - ctx.float_out[s][i]));
        const int d = decision(fixed_out[s]);
        same += d == decision(ctx.float_out[s]);
        if (!ctx.labels.empty()) right += d == ctx.labels[s];
    }
    r.argmax_agreement = fixed_out.empty() ? 0 : double(same) / double(fixed_out.size());
    r.accuracy = ctx.labels.empty() ? -1 : double(right) / double(fixed_out.size());
    r.wrapped = wrapped;
    r.saturated = saturated;
}

std::vector<int> precision_key(const Graph& g) {
    std::vector<int> k;
    auto add = [&k](const FixedType& t) {
        k.insert(k.end(), {t.width, t.integer, int(t.is_signed), int(t.round), int(t.overflow), t.sat_bits});
    };
    for (const auto& in : g.inputs) add(in.precision);
    for (const auto& n : g.nodes)
        for (const auto& [var, t] : n.precision) add(t);
    return k;
}

// ---------------------------------------------------------------------------------------------

struct PointEvaluator::Impl {
    const SweepContext& ctx;
    const SweepGrid& grid;
    Graph work;
    RunPlan plan;
    std::vector<std::vector<int>> valid;              ///< reuse factors of every node
    std::map<std::vector<int>, RunFigures> runs;      ///< by timing configuration
    std::map<std::vector<int>, PointResult> accuracy; ///< by precisions (accuracy fields only)
    std::map<std::vector<int>, bool> validated;       ///< precisions that passed validation
    std::vector<std::map<std::vector<int>, Resources>> layer_res;  ///< per node, by its configuration
    bool slow_resources = false;  ///< estimate_network() is not layer estimates + FIFOs: call it per point
    bool checked[2] = {false, false};  ///< the decomposition was checked for io_parallel, io_stream

    /// estimate_network(g).total from per-layer estimates cached by layer configuration, plus the FIFOs
    /// (core/resources.cpp composes it so). The first point of each io type checks this against
    /// estimate_network(), and a difference makes every later point call estimate_network() itself.
    Resources resources(const Graph& g, const std::vector<NodeInputs>& ins) {
        if (slow_resources) return estimate_network(g).total;
        layer_res.resize(g.nodes.size());
        Resources total, fifos;
        auto add_type = [](std::vector<int>& k, const FixedType& t) {
            k.insert(k.end(), {t.width, t.integer, int(t.is_signed), int(t.round), int(t.overflow), t.sat_bits});
        };
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            const Node& n = g.nodes[i];
            std::vector<int> key{n.reuse_factor, int(n.strategy), int(g.io_type), n.fifo_depth};
            for (const auto& [var, t] : n.precision) add_type(key, t);
            for (const auto& t : ins[i].types) add_type(key, t);
            auto it = layer_res[i].find(key);
            if (it == layer_res[i].end()) it = layer_res[i].emplace(key, estimate_layer(g, n, ins[i])).first;
            total += it->second;
        }
        const std::vector<int> depth = plan.depths(g), width = plan.word_widths(g);
        for (size_t c = 0; c < depth.size(); ++c) fifos += estimate_fifo(depth[c], width[c]);
        total += fifos;
        bool& done = checked[g.io_type == IoType::kStream];
        if (!done) {
            done = true;
            const Resources ref = estimate_network(g).total;
            slow_resources = !(ref.dsp == total.dsp && ref.lut == total.lut && ref.ff == total.ff &&
                               ref.bram18 == total.bram18 && ref.uram == total.uram);
            return ref;
        }
        return total;
    }
    Impl(const SweepContext& c, const SweepGrid& gr) : ctx(c), grid(gr), work(*c.base), plan(*c.base) {
        for (const auto& n : c.base->nodes) valid.push_back(sweep_reuse_factors(*c.base, n));
    }
};

PointEvaluator::PointEvaluator(const SweepContext& ctx, const SweepGrid& grid) : m(std::make_unique<Impl>(ctx, grid)) {}
PointEvaluator::~PointEvaluator() = default;

PointResult PointEvaluator::evaluate(uint64_t index) {
    const auto t0 = std::chrono::steady_clock::now();
    PointResult r;
    r.index = index;
    try {
        Graph& g = m->work;
        apply_point(g, *m->ctx.base, m->grid.settings(size_t(index)), &m->valid, false);
        // Validation: shapes, parameters and weights are the base's; what a point changes is checked by
        // apply_point (reuse factors) and here (strategy), and precisions by a full validation once per
        // distinct set of precisions and io type (what a kind can stream depends on it: check_stream).
        std::vector<int> pkey = precision_key(g);
        pkey.push_back(int(g.io_type));
        if (!m->validated.count(pkey)) {
            validate_or_throw(g);
            m->validated[pkey] = true;
        }
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            const Node& n = g.nodes[i];
            const std::vector<int>& v = m->valid[i];
            if (n.strategy == Strategy::kResource && v.size() > 1 && !std::binary_search(v.begin(), v.end(), n.reuse_factor))
                validate_or_throw(g);  // reports the reuse factor that Resource does not allow
        }
        std::vector<NodeInputs> ins;
        std::vector<Timing> tm;
        for (const auto& n : g.nodes) {
            ins.push_back(node_inputs(g, n));
            tm.push_back(n.kind->timing(n, ins.back(), g.io_type));
        }
        const Resources res = m->resources(g, ins);
        fill_static(m->ctx, g, r, &res);
        const std::vector<int> depth = m->plan.depths(g);
        std::vector<int> tkey(depth);
        for (const auto& t : tm) tkey.insert(tkey.end(), {t.ii, t.latency});
        tkey.push_back(int(g.io_type));  // the io type sets the beats of every tensor
        auto it = m->runs.find(tkey);
        if (it == m->runs.end()) it = m->runs.emplace(tkey, m->plan.run(g, tm, depth, m->ctx.samples)).first;
        const RunFigures& f = it->second;
        // The run includes what finite FIFOs cost (a skip connection whose short branch cannot hold
        // the long branch's delay throttles the merge); on chains it equals the timing model.
        r.latency = f.latency, r.ii = f.ii;
        r.throughput = f.ii > 0 ? 1e9 / (f.ii * g.clock_period_ns) : 0;
        r.latency_max = f.latency_max;
        r.run_cycles = f.run_cycles;
        r.fifo_depth = f.fifo_depth;
        r.fifo_max_occupancy = f.fifo_max_occupancy;
        if (m->ctx.have_input) {
            auto ai = m->accuracy.find(pkey);
            if (ai == m->accuracy.end()) {
                Outputs out;
                std::vector<uint64_t> wr, sat;
                evaluate_samples(m->ctx, g, out, wr, sat);
                PointResult a;
                fill_accuracy(m->ctx, g, out, wr, sat, a);
                ai = m->accuracy.emplace(pkey, std::move(a)).first;
            }
            const PointResult& a = ai->second;
            r.has_accuracy = true;
            r.max_abs_error = a.max_abs_error;
            r.argmax_agreement = a.argmax_agreement;
            r.accuracy = a.accuracy;
            r.wrapped = a.wrapped;
            r.saturated = a.saturated;
        }
        r.ok = true;
    } catch (const UserError& e) {
        r.ok = false;
        r.error = e.what();
    } catch (const std::exception& e) {
        r.ok = false;
        r.error = std::string("internal error: ") + e.what();
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace nnsim
