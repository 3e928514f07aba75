// Network timing model (timing_model.hpp): the first-sample beat recurrence and the steady-state II.
#include "core/timing_model.hpp"

#include <algorithm>
#include <map>

#include "core/validate.hpp"

namespace nnsim {

int fifo_depth(const Graph& g, const std::string& tensor) {
    const Node* n = g.find(tensor);
    if (n && n->fifo_depth > 0) return n->fifo_depth;
    for (const auto& in : g.inputs)
        if (in.name == tensor && in.fifo_depth > 0) return in.fifo_depth;
    if (g.io_type == IoType::kParallel) return 2;
    return int(std::max<int64_t>(2, shape_pixels(g.shape_of(tensor))));
}

int input_fifo_depth(const Graph& g, const std::string& input) { return fifo_depth(g, input); }

std::string fifo_name(const std::string& from, const std::string& to, int dup) {
    return "fifo_" + from + "__" + to + (dup > 0 ? "_" + std::to_string(dup) : "");
}

int64_t tensor_beats(const Graph& g, const std::string& tensor) {
    return g.io_type == IoType::kStream ? shape_pixels(g.shape_of(tensor)) : 1;
}

int64_t beat_width(const Graph& g, const std::string& tensor) {
    return shape_size(g.shape_of(tensor)) / tensor_beats(g, tensor);
}

std::vector<int64_t> repack_needs(int64_t in_width, int64_t out_width, int64_t out_beats) {
    std::vector<int64_t> needs(static_cast<size_t>(out_beats));
    // Output beat j holds elements [j * out_width, (j + 1) * out_width); its last one is in input beat
    // ((j + 1) * out_width - 1) / in_width.
    for (int64_t j = 0; j < out_beats; ++j) needs[size_t(j)] = ((j + 1) * out_width - 1) / in_width + 1;
    return needs;
}

int64_t repack_capacity(const std::vector<int64_t>& needs, const Timing& t) {
    int64_t most = 0, run = 0;
    for (size_t j = 0; j < needs.size(); ++j) {
        run = (j > 0 && needs[j] == needs[j - 1]) ? run + 1 : 1;
        most = std::max(most, run);
    }
    return most + (t.latency + t.ii - 1) / t.ii - 1;
}

namespace {

/// Cycles of the first sample's beats (write cycles into a tensor's FIFOs, or accept cycles).
using Cycles = std::vector<int64_t>;

/// What a layer does with the first sample: when it accepts each input beat, when it writes each
/// output beat.
struct Schedule {
    Cycles accepts, writes;
};

/// Readable cycle of beat j of each input: the max over inputs of (write + 1).
int64_t readable(const std::vector<const Cycles*>& ins, size_t j) {
    int64_t r = 0;
    for (const Cycles* w : ins) r = std::max(r, (*w)[j] + 1);
    return r;
}

/// A kTensor or kPixelwise layer: beat j accepted when the II slot has come and every input holds it.
Schedule per_beat(const std::vector<const Cycles*>& ins, size_t beats, const Timing& t) {
    Schedule s{Cycles(beats), Cycles(beats)};
    int64_t a = -t.ii;
    for (size_t j = 0; j < beats; ++j) {
        a = std::max(a + t.ii, readable(ins, j));
        s.accepts[j] = a;
        s.writes[j] = a + t.latency;
    }
    return s;
}

/// A kRepack layer (sim/repack_module.hpp): input beats accepted at II intervals while the shell has
/// room for the output beats they release; output beats written in order, one per cycle.
Schedule repack(const std::vector<const Cycles*>& ins, size_t in_beats, const std::vector<int64_t>& needs,
                const Timing& t, int64_t cap) {
    Schedule s{Cycles(in_beats), Cycles(needs.size())};
    Cycles& w = s.writes;
    size_t released = 0;  // output beats released so far
    int64_t a = -t.ii;
    for (size_t i = 0; i < in_beats; ++i) {
        size_t rel = 0;
        while (released + rel < needs.size() && needs[released + rel] == int64_t(i) + 1) ++rel;
        a = std::max(a + t.ii, readable(ins, i));
        // Room: after this cycle's write, released - written + rel <= cap; writes happen in order,
        // so at least m = released + rel - cap beats must have been written by cycle a.
        const int64_t m = int64_t(released + rel) - cap;
        if (m > 0) a = std::max(a, w[size_t(m - 1)]);
        s.accepts[i] = a;
        for (size_t k = 0; k < rel; ++k, ++released)
            w[released] = std::max(a + t.latency, released > 0 ? w[released - 1] + 1 : int64_t(0));
    }
    return s;
}

/// Slots a FIFO needs: at the write of beat j, the beats written before and not yet read (a read in
/// cycle t frees its slot from t + 1), plus j. Reads and writes are both in order: one pass.
int needed_depth(const Cycles& writes, const Cycles& reads) {
    int64_t most = 1;
    size_t freed = 0;  // beats read before the current write's cycle
    for (size_t j = 0; j < writes.size(); ++j) {
        while (freed < j && reads[freed] < writes[j]) ++freed;
        most = std::max<int64_t>(most, int64_t(j - freed) + 1);
    }
    return int(most);
}

/// The recurrence of the file comment over `samples` samples, the source starting sample k in cycle
/// k * pace (pace 0: one sample only).
struct Run {
    std::map<std::string, Cycles> writes;  ///< per tensor: write cycle of every beat
    std::map<std::string, std::vector<std::pair<std::string, Cycles>>> reads;  ///< per tensor: (reader, read cycles)
    int64_t first_latency = 0;             ///< last beat of the first sample read by the sink
};

Run run_recurrence(const Graph& g, const std::vector<Timing>& timings, size_t samples, int64_t pace) {
    Run run;
    for (const auto& in : g.inputs) {
        const size_t b = size_t(tensor_beats(g, in.name));
        Cycles w(b * samples);
        for (size_t k = 0; k < samples; ++k)
            for (size_t j = 0; j < b; ++j) w[k * b + j] = int64_t(k) * pace + int64_t(j);
        run.writes[in.name] = w;
    }
    for (size_t idx = 0; idx < g.nodes.size(); ++idx) {
        const Node& n = g.nodes[idx];
        const Timing& t = timings[idx];
        std::vector<const Cycles*> ins;
        for (const auto& i : n.inputs) ins.push_back(&run.writes[i]);
        const size_t in_beats = size_t(tensor_beats(g, n.inputs[0]));
        const size_t out_beats = size_t(tensor_beats(g, n.name));
        Schedule s;
        if (n.kind->stream_style() == StreamStyle::kRepack) {
            const auto needs = repack_needs(beat_width(g, n.inputs[0]), beat_width(g, n.name), int64_t(out_beats));
            std::vector<int64_t> all;  // the needs of the whole stream of samples
            for (size_t k = 0; k < samples; ++k)
                for (int64_t x : needs) all.push_back(int64_t(k * in_beats) + x);
            s = repack(ins, in_beats * samples, all, t, repack_capacity(needs, t));
        } else {
            s = per_beat(ins, out_beats * samples, t);
        }
        for (const auto& i : n.inputs) run.reads[i].emplace_back(n.name, s.accepts);
        run.writes[n.name] = s.writes;
    }
    for (const auto& o : g.outputs) {
        const Cycles& w = run.writes[o];
        Cycles s(w.size());
        for (size_t j = 0; j < w.size(); ++j) s[j] = std::max(w[j] + 1, j > 0 ? s[j - 1] + 1 : int64_t(0));
        run.first_latency = std::max(run.first_latency, s[size_t(tensor_beats(g, o)) - 1]);
        run.reads[o].emplace_back("out", s);
    }
    return run;
}

}  // namespace

NetworkTiming analyze_timing(const Graph& g) {
    NetworkTiming nt;
    // Steady-state II: the slowest rate of any tensor or layer.
    int64_t ii = 1;
    auto consider = [&](int64_t cycles, const std::string& what) {
        if (cycles > ii) {
            ii = cycles;
            nt.bottleneck = what;
        }
    };
    // A tensor's FIFOs pass one beat per cycle, or one per two cycles at depth 1.
    auto consider_tensor = [&](const std::string& tensor) {
        const int64_t b = tensor_beats(g, tensor);
        if (fifo_depth(g, tensor) == 1) consider(2 * b, "FIFO after " + tensor + " (depth 1)");
        else consider(b, "the " + std::to_string(b) + " beats of " + tensor);
    };
    for (const auto& in : g.inputs) consider_tensor(in.name);
    for (const auto& n : g.nodes) {
        const Timing t = n.kind->timing(n, node_inputs(g, n), g.io_type);
        nt.layers.push_back(t);
        const int64_t in_beats = tensor_beats(g, n.inputs[0]), out_beats = tensor_beats(g, n.name);
        if (n.kind->stream_style() == StreamStyle::kRepack) consider(std::max(in_beats * t.ii, out_beats), n.name);
        else consider(out_beats * t.ii, n.name);
        consider_tensor(n.name);
    }
    nt.ii = ii;
    if (nt.bottleneck.empty()) nt.bottleneck = "every layer (II 1)";

    // First-sample latency from one sample; FIFO needs from enough samples at the steady rate to fill
    // the pipeline (the first sample's beats do not depend on later samples).
    const Run first = run_recurrence(g, nt.layers, 1, 0);
    nt.latency = first.first_latency;
    const size_t samples = size_t(std::min<int64_t>(64, 2 + (nt.latency + ii - 1) / ii));
    const Run run = run_recurrence(g, nt.layers, samples, ii);
    std::map<std::pair<std::string, std::string>, int> seen;  // edges built so far (add(x, x) has two)
    auto needed = [&](const Run& r, const std::string& from, const std::string& to, int dup) {
        for (const auto& [reader, reads] : r.reads.at(from))
            if (reader == to && dup-- == 0) return needed_depth(r.writes.at(from), reads);
        return 1;
    };
    auto add_fifo = [&](const std::string& from, const std::string& to) {
        const int dup = seen[{from, to}]++;
        nt.fifos.push_back({fifo_name(from, to, dup), fifo_depth(g, from), needed(run, from, to, dup),
                            needed(first, from, to, dup)});
    };
    // FIFOs in the order the SystemC model builds them: per node its inputs, then the outputs.
    for (const auto& n : g.nodes)
        for (const auto& i : n.inputs) add_fifo(i, n.name);
    for (const auto& o : g.outputs) add_fifo(o, "out");
    return nt;
}

}  // namespace nnsim
