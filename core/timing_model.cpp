// Network timing model (timing_model.hpp): the steady-state II, and the first-sample latency and FIFO
// needs from the beat schedule (core/beat_schedule.hpp) with FIFOs that never fill.
#include "core/timing_model.hpp"

#include <algorithm>
#include <map>

#include "core/beat_schedule.hpp"
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

bool pixel_view(const Graph& g, const Node& n, Node& pixel, NodeInputs& in) {
    if (n.kind->stream_style() != StreamStyle::kPixelwise || tensor_beats(g, n.name) == 1) return false;
    pixel = n;
    pixel.shape = {n.shape.back()};
    for (auto& s : in.shapes) s = {s.back()};
    return true;
}

std::vector<int64_t> repack_needs(int64_t in_width, int64_t out_width, int64_t out_beats) {
    std::vector<int64_t> needs(static_cast<size_t>(out_beats));
    // Output beat j holds elements [j * out_width, (j + 1) * out_width); its last one is in input beat
    // ((j + 1) * out_width - 1) / in_width.
    for (int64_t j = 0; j < out_beats; ++j) needs[size_t(j)] = ((j + 1) * out_width - 1) / in_width + 1;
    return needs;
}

std::vector<int64_t> LayerKind::stream_needs(const Node& n, const NodeInputs& in) const {
    return repack_needs(in.shapes[0].back(), n.shape.back(), shape_pixels(n.shape));
}

std::vector<int64_t> beat_needs(const Graph& g, const Node& n) {
    if (tensor_beats(g, n.inputs[0]) == 1 && tensor_beats(g, n.name) == 1) return {1};
    std::vector<int64_t> needs = n.kind->stream_needs(n, node_inputs(g, n));
    const int64_t in_beats = tensor_beats(g, n.inputs[0]);
    NNSIM_ASSERT(int64_t(needs.size()) == tensor_beats(g, n.name), "layer " + n.name + ": one need per output beat");
    for (size_t j = 0; j < needs.size(); ++j)
        NNSIM_ASSERT(needs[j] >= 1 && needs[j] <= in_beats && (j == 0 || needs[j] >= needs[j - 1]),
                     "layer " + n.name + ": stream needs must be non-decreasing within [1, input beats]");
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

NetworkTiming analyze_timing(const Graph& g, bool fifo_needs) {
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

    // First-sample latency from one sample through FIFOs that never fill; FIFO needs from enough
    // samples at the steady rate to fill the pipeline (core/beat_schedule.hpp).
    size_t n_fifos = g.outputs.size();
    for (const auto& n : g.nodes) n_fifos += n.inputs.size();
    const std::vector<int> unbounded(n_fifos, 1 << 30);
    if (!fifo_needs && !has_multi_beat_tensors(g)) {
        // One beat per tensor: the schedule's closed form, the longest path of (L + 1), plus 1 for the
        // sink (sweeps call this per point; the beat schedule gives the same figure, slower).
        std::map<std::string, int64_t> readable;  // cycle the first sample's word becomes readable
        for (const auto& in : g.inputs) readable[in.name] = 1;
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            int64_t start = 0;
            for (const auto& in : g.nodes[i].inputs) start = std::max(start, readable[in]);
            readable[g.nodes[i].name] = start + nt.layers[i].latency + 1;
        }
        for (const auto& o : g.outputs) nt.latency = std::max(nt.latency, readable[o]);
        return nt;
    }
    const BeatSchedule first = schedule_beats(g, nt.layers, unbounded, 1);
    nt.latency = first.output_cycles.empty() ? 0 : first.output_cycles[0];  // the first input beat: cycle 0
    if (!fifo_needs) return nt;
    const size_t samples = size_t(std::min<int64_t>(64, 2 + (nt.latency + ii - 1) / ii));
    const BeatSchedule stream = schedule_beats(g, nt.layers, unbounded, samples, ii);
    std::map<std::pair<std::string, std::string>, int> seen;  // edges built so far (add(x, x) has two)
    auto add_fifo = [&](const std::string& from, const std::string& to) {
        const size_t c = nt.fifos.size();
        nt.fifos.push_back({fifo_name(from, to, seen[{from, to}]++), fifo_depth(g, from),
                            stream.fifo_max_occupancy[c], first.fifo_max_occupancy[c]});
    };
    // FIFOs in the order the SystemC model builds them: per node its inputs, then the outputs.
    for (const auto& n : g.nodes)
        for (const auto& i : n.inputs) add_fifo(i, n.name);
    for (const auto& o : g.outputs) add_fifo(o, "out");
    return nt;
}

}  // namespace nnsim
