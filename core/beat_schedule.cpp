// Beat-level closed-form schedule with finite FIFOs (beat_schedule.hpp).
#include "core/beat_schedule.hpp"

#include <algorithm>
#include <map>

#include "core/timing_model.hpp"
#include "core/validate.hpp"

namespace nnsim {
namespace {

/// A source, a layer or a sink, with the cycles of the beats computed so far.
struct Entity {
    enum Role { kSource, kLayer, kSink } role = kLayer;
    std::string name;
    Timing timing;
    bool repack = false;
    size_t in_words = 0, out_words = 0;  ///< beats over all samples read / written
    std::vector<size_t> in_ch, out_ch;   ///< FIFOs read / written
    std::vector<int64_t> accepts;        ///< cycle each input beat was read (A, or the sink's R)
    std::vector<int64_t> writes;         ///< cycle each output beat was written (W)
    int64_t pending_cap = 1;             ///< P of a per-beat layer, C of a repack
    size_t beats = 1;                    ///< source: beats per sample
    std::vector<size_t> source_beat;     ///< repack: input beat (0-based) each output beat needs last
    std::vector<size_t> released_before; ///< repack: output beats released before each input beat
    std::vector<size_t> released_by;     ///< repack: output beats each input beat releases
};

struct Fifo {
    std::string name;
    size_t prod = 0, cons = 0;  ///< entity indices
    size_t depth = 2;
};

class Scheduler {
  public:
    explicit Scheduler(int64_t pace) : m_pace(pace) {}
    std::vector<Entity> ents;
    std::vector<Fifo> fifos;

    /// Read the next input beat of `e` if its operands are known.
    bool try_accept(Entity& e) {
        if (e.role == Entity::kSource) return false;
        const size_t k = e.accepts.size();
        if (k >= e.in_words) return false;
        int64_t t = k > 0 ? e.accepts[k - 1] + (e.role == Entity::kSink ? 1 : e.timing.ii) : 0;
        for (size_t c : e.in_ch) {
            const Entity& p = ents[fifos[c].prod];
            if (k >= p.writes.size()) return false;
            t = std::max(t, p.writes[k] + 1);
        }
        if (e.role == Entity::kLayer) {
            // Room in the shell: the result `m` beats back must have been written by now.
            const int64_t m = e.repack ? int64_t(e.released_before[k] + e.released_by[k]) - e.pending_cap
                                       : int64_t(k) + 1 - e.pending_cap;
            if (m > 0) {
                if (size_t(m - 1) >= e.writes.size()) return false;
                t = std::max(t, e.writes[size_t(m - 1)]);
            }
        }
        e.accepts.push_back(t);
        return true;
    }

    /// Write the next output beat of `e` if its operands are known.
    bool try_write(Entity& e) {
        if (e.role == Entity::kSink) return false;
        const size_t j = e.writes.size();
        if (j >= e.out_words) return false;
        int64_t t = j > 0 ? e.writes[j - 1] + 1 : 0;
        if (e.role == Entity::kSource) t = std::max(t, int64_t(j / e.beats) * m_pace);
        if (e.role == Entity::kLayer) {
            const size_t src = e.repack ? e.source_beat[j] : j;
            if (src >= e.accepts.size()) return false;
            t = std::max(t, e.accepts[src] + e.timing.latency);
        }
        for (size_t c : e.out_ch) {
            const Fifo& f = fifos[c];
            if (j < f.depth) continue;
            const Entity& q = ents[f.cons];
            if (j - f.depth >= q.accepts.size()) return false;
            t = std::max(t, q.accepts[j - f.depth] + 1);
        }
        e.writes.push_back(t);
        return true;
    }

    bool done() const {
        for (const Entity& e : ents)
            if (e.accepts.size() < e.in_words || e.writes.size() < e.out_words) return false;
        return true;
    }

    /// What every unfinished entity waits for, and the full and empty FIFOs.
    std::string report() const {
        std::string rep;
        for (const Entity& e : ents) {
            std::string waits;
            auto add = [&](const std::string& w) { waits += (waits.empty() ? "" : ", ") + w; };
            const size_t j = e.writes.size();
            if (e.role != Entity::kSink && j < e.out_words)
                for (size_t c : e.out_ch)
                    if (j >= fifos[c].depth && j - fifos[c].depth >= ents[fifos[c].cons].accepts.size())
                        add("space in full FIFO " + fifos[c].name);
            const size_t k = e.accepts.size();
            if (e.role != Entity::kSource && k < e.in_words)
                for (size_t c : e.in_ch)
                    if (k >= ents[fifos[c].prod].writes.size()) add("data from empty FIFO " + fifos[c].name);
            if (!waits.empty()) rep += "\n  " + e.name + " waits for " + waits;
        }
        for (const Fifo& f : fifos) {
            const size_t held = ents[f.prod].writes.size() - ents[f.cons].accepts.size();
            if (held >= f.depth) rep += "\n  FIFO " + f.name + " is full (" + std::to_string(f.depth) + ")";
            else if (held == 0) rep += "\n  FIFO " + f.name + " is empty";
        }
        return rep;
    }

  private:
    int64_t m_pace;  ///< cycles between the source's samples at the least (0: as fast as it can)
};

/// Most slots a FIFO uses: at each write, the beats written before and not yet read, plus one.
int max_occupancy(const std::vector<int64_t>& writes, const std::vector<int64_t>& reads) {
    int64_t most = 0;
    size_t freed = 0;
    for (size_t j = 0; j < writes.size(); ++j) {
        while (freed < j && freed < reads.size() && reads[freed] < writes[j]) ++freed;
        most = std::max<int64_t>(most, int64_t(j - freed) + 1);
    }
    return int(most);
}

}  // namespace

bool has_multi_beat_tensors(const Graph& g) {
    if (g.io_type == IoType::kParallel) return false;
    for (const auto& in : g.inputs)
        if (tensor_beats(g, in.name) > 1) return true;
    for (const auto& n : g.nodes)
        if (tensor_beats(g, n.name) > 1) return true;
    return false;
}

BeatSchedule schedule_beats(const Graph& g, const std::vector<Timing>& timing, const std::vector<int>& depth,
                            size_t samples, int64_t pace) {
    Scheduler s(pace);
    std::map<std::string, size_t> entity;  // tensor -> producing entity
    for (const auto& in : g.inputs) {
        Entity e;
        e.role = Entity::kSource;
        e.name = "source_" + in.name;
        e.beats = size_t(tensor_beats(g, in.name));
        e.out_words = e.beats * samples;
        entity[in.name] = s.ents.size();
        s.ents.push_back(e);
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        Entity e;
        e.name = n.name;
        e.timing = timing[i];
        e.repack = n.kind->stream_style() == StreamStyle::kRepack;
        const size_t in_beats = size_t(tensor_beats(g, n.inputs[0])), out_beats = size_t(tensor_beats(g, n.name));
        e.in_words = in_beats * samples;
        e.out_words = out_beats * samples;
        e.pending_cap = (e.timing.latency + e.timing.ii - 1) / e.timing.ii;
        if (e.repack) {
            const auto needs = beat_needs(g, n);
            e.pending_cap = repack_capacity(needs, e.timing);
            e.released_by.assign(e.in_words, 0);
            for (size_t k = 0; k < samples; ++k)
                for (int64_t x : needs) {
                    e.source_beat.push_back(k * in_beats + size_t(x - 1));
                    ++e.released_by[e.source_beat.back()];
                }
            size_t before = 0;
            for (size_t b : e.released_by) e.released_before.push_back(before), before += b;
        }
        entity[n.name] = s.ents.size();
        s.ents.push_back(e);
    }
    std::map<std::pair<std::string, std::string>, int> seen;  // edges so far (a layer reading a tensor twice)
    auto add_fifo = [&](const std::string& from, const std::string& to, size_t cons) {
        Fifo f;
        f.name = fifo_name(from, to, seen[{from, to}]++);
        f.prod = entity.at(from);
        f.cons = cons;
        f.depth = size_t(depth.at(s.fifos.size()));
        s.ents[f.prod].out_ch.push_back(s.fifos.size());
        s.ents[cons].in_ch.push_back(s.fifos.size());
        s.fifos.push_back(f);
    };
    for (const auto& n : g.nodes)
        for (const auto& in : n.inputs) add_fifo(in, n.name, entity.at(n.name));
    std::vector<size_t> sinks;
    for (const auto& o : g.outputs) {
        Entity e;
        e.role = Entity::kSink;
        e.name = "sink_" + o;
        e.in_words = size_t(tensor_beats(g, o)) * samples;
        sinks.push_back(s.ents.size());
        s.ents.push_back(e);
        add_fifo(o, "out", sinks.back());
    }

    // Compute every beat as soon as its operands are known; a pass without progress is a deadlock.
    bool progress = true;
    while (progress && !s.done()) {
        progress = false;
        for (Entity& e : s.ents) {
            while (true) {
                const bool a = s.try_accept(e);
                const bool w = s.try_write(e);
                if (!a && !w) break;
                progress = true;
            }
        }
    }
    BeatSchedule r;
    for (const Fifo& f : s.fifos)
        r.fifo_max_occupancy.push_back(max_occupancy(s.ents[f.prod].writes, s.ents[f.cons].accepts));
    if (!s.done()) {
        r.deadlocked = true;
        r.deadlock_report = "no schedule completes " + std::to_string(samples) + " samples" + s.report();
        return r;
    }
    if (!g.inputs.empty()) {
        const size_t b = size_t(tensor_beats(g, g.inputs[0].name));
        for (size_t k = 0; k < samples; ++k) r.input_cycles.push_back(s.ents[0].writes[k * b]);
    }
    r.output_cycles.assign(samples, 0);
    for (size_t o = 0; o < sinks.size(); ++o) {
        const size_t b = size_t(tensor_beats(g, g.outputs[o]));
        for (size_t k = 0; k < samples; ++k)
            r.output_cycles[k] = std::max(r.output_cycles[k], s.ents[sinks[o]].accepts[k * b + b - 1]);
    }
    return r;
}

}  // namespace nnsim
