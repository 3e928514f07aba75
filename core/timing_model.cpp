// Network timing model (timing_model.hpp).
#include "core/timing_model.hpp"

#include <algorithm>
#include <map>

#include "core/validate.hpp"

namespace nnsim {

int fifo_depth(const Graph& g, const std::string& tensor) {
    const Node* n = g.find(tensor);
    if (n && n->fifo_depth > 0) return n->fifo_depth;
    if (g.io_type == IoType::kParallel) return 2;
    const Shape s = g.shape_of(tensor);
    const int64_t pixels = shape_size(s) / s.back();
    return int(std::max<int64_t>(2, pixels));
}

int input_fifo_depth(const Graph& g, const std::string& input) { return fifo_depth(g, input); }

NetworkTiming analyze_timing(const Graph& g) {
    NetworkTiming nt;
    std::map<std::string, int64_t> ready;  // cycle in which the first sample's word becomes readable
    for (const auto& in : g.inputs) ready[in.name] = 1;  // written in cycle 0
    int64_t ii = 1;
    auto consider_fifo = [&](const std::string& tensor) {
        if (fifo_depth(g, tensor) == 1 && ii < 2) {
            ii = 2;
            nt.bottleneck = "FIFO after " + tensor + " (depth 1)";
        }
    };
    for (const auto& in : g.inputs) consider_fifo(in.name);
    for (const auto& n : g.nodes) {
        const Timing t = n.kind->timing(n, node_inputs(g, n), g.io_type);
        nt.layers.push_back(t);
        int64_t start = 0;
        for (const auto& i : n.inputs) start = std::max(start, ready[i]);
        ready[n.name] = start + t.latency + 1;
        if (t.ii > ii) {
            ii = t.ii;
            nt.bottleneck = n.name;
        }
        consider_fifo(n.name);
    }
    int64_t last = 0;
    for (const auto& o : g.outputs) last = std::max(last, ready[o]);
    nt.latency = last;  // the sink reads in the cycle the word becomes readable
    nt.ii = ii;
    if (nt.bottleneck.empty()) nt.bottleneck = "every layer (II 1)";
    return nt;
}

}  // namespace nnsim
