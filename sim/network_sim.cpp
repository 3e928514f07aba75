// The top builder and run loop of the SystemC model (network_sim.hpp).
#include "sim/network_sim.hpp"

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <systemc>

#include "core/diag.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "sim/boundary.hpp"
#include "sim/layer_module.hpp"
#include "sim/trace.hpp"

namespace nnsim {
namespace {

/// Wakes every `interval` cycles; stops the run when every sink is done, or when no channel moved
/// since the last check while samples are still outstanding (a deadlock).
class Watchdog : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Watchdog);
    Watchdog(const sc_core::sc_module_name& name, uint64_t interval, const sc_core::sc_time& period)
        : sc_module(name), m_interval(interval), m_period(period) {
        SC_THREAD(run);
    }
    std::vector<Channel*> channels;
    std::vector<Sink*> sinks;
    sc_core::sc_event done;  ///< notified by a sink that finished
    bool deadlocked = false;

  private:
    uint64_t progress() const {
        uint64_t p = 0;
        for (const Channel* c : channels) p += c->writes() + c->reads();
        return p;
    }
    bool finished() const {
        for (const Sink* s : sinks)
            if (!s->finished()) return false;
        return true;
    }
    void run() {
        uint64_t last = progress();
        while (true) {
            wait(m_period * double(m_interval), done);
            if (finished()) break;
            if (done.triggered()) continue;
            const uint64_t now = progress();
            if (now == last) {
                deadlocked = true;
                break;
            }
            last = now;
        }
        sc_core::sc_stop();
    }
    uint64_t m_interval;
    sc_core::sc_time m_period;
};

std::string channel_name(const std::string& from, const std::string& to) { return "fifo_" + from + "__" + to; }

}  // namespace

SimResult simulate(const Graph& g, const std::vector<std::vector<std::vector<int64_t>>>& inputs,
                   const SimOptions& opt) {
    NNSIM_ASSERT(inputs.size() == g.inputs.size(), "one sample set per network input");
    const size_t samples = inputs.empty() ? 0 : inputs[0].size();
    const sc_core::sc_time period(g.clock_period_ns, sc_core::SC_NS);
    const NetworkTiming nt = analyze_timing(g);

    // Channels: one per (producer, consumer) edge, plus one per network output for its sink.
    std::vector<std::unique_ptr<Channel>> channels;
    std::map<std::string, std::vector<Channel*>> writes_of;  // tensor -> channels it writes
    std::map<std::string, std::vector<Channel*>> reads_of;   // node -> its input channels, in order
    for (const auto& n : g.nodes)
        for (const auto& in : n.inputs) {
            channels.push_back(std::make_unique<Channel>(channel_name(in, n.name), fifo_depth(g, in), period));
            writes_of[in].push_back(channels.back().get());
            reads_of[n.name].push_back(channels.back().get());
        }
    std::vector<Channel*> out_channels;
    for (const auto& o : g.outputs) {
        channels.push_back(std::make_unique<Channel>(channel_name(o, "out"), fifo_depth(g, o), period));
        writes_of[o].push_back(channels.back().get());
        out_channels.push_back(channels.back().get());
    }

    // Modules.
    std::vector<std::unique_ptr<LayerModule>> layers;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        const NodeInputs in = node_inputs(g, n);
        size_t slots = 0;
        for (Channel* c : writes_of[n.name]) slots = std::max(slots, size_t(c->depth()));
        layers.push_back(std::make_unique<LayerModule>(n.name.c_str(), n, in, nt.layers[i], n.kind->compile(n, in),
                                                       period, slots));
        layers.back()->inputs = reads_of[n.name];
        layers.back()->outputs = writes_of[n.name];
    }
    std::vector<std::unique_ptr<Source>> sources;
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        sources.push_back(std::make_unique<Source>(("source_" + g.inputs[k].name).c_str(), &inputs[k],
                                                   opt.input_pattern, period));
        sources.back()->outputs = writes_of[g.inputs[k].name];
    }
    uint64_t interval = opt.deadlock_cycles;
    if (interval == 0) {
        int64_t slowest = 1;
        for (const auto& t : nt.layers) slowest = std::max<int64_t>(slowest, t.latency + t.ii);
        const double gaps = 1.0 / std::min(opt.input_pattern.ratio, opt.output_pattern.ratio);
        interval = uint64_t(1000 + 4 * slowest + 200 * gaps);
    }
    Watchdog watchdog("watchdog", interval, period);
    std::vector<std::unique_ptr<Sink>> sinks;
    for (size_t k = 0; k < g.outputs.size(); ++k) {
        const size_t width = size_t(shape_size(g.find(g.outputs[k])->shape));
        sinks.push_back(std::make_unique<Sink>(("sink_" + g.outputs[k]).c_str(), width, samples, opt.output_pattern,
                                               period, &watchdog.done));
        sinks.back()->input = out_channels[k];
        watchdog.sinks.push_back(sinks.back().get());
    }
    for (auto& c : channels) watchdog.channels.push_back(c.get());

    std::unique_ptr<WaveTrace> trace;
    if (!opt.vcd.empty()) trace = std::make_unique<WaveTrace>(opt.vcd, g, period, channels, layers);

    // sc_stop() is how a run ends; its informational message is noise here.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const auto t0 = std::chrono::steady_clock::now();
    if (samples > 0) sc_core::sc_start();
    SimResult r;
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cycles = uint64_t(sc_core::sc_time_stamp() / period);
    if (trace) trace->close(r.cycles);
    r.deadlocked = watchdog.deadlocked;
    r.completed = !r.deadlocked;
    for (auto& s : sinks) r.completed = r.completed && s->finished();
    if (!sources.empty()) r.input_cycles = sources[0]->accept_cycles;
    for (auto& s : sinks) {
        // Results leave in sample order (every layer is in order); keep them indexed by sample anyway.
        std::vector<std::vector<int64_t>> vals(s->values.size());
        std::vector<uint64_t> cyc(s->values.size());
        for (size_t i = 0; i < s->values.size(); ++i) {
            NNSIM_ASSERT(s->samples[i] == i, "results out of order at sink " + std::string(s->name()));
            vals[i] = s->values[i];
            cyc[i] = s->accept_cycles[i];
        }
        r.outputs.push_back(std::move(vals));
        r.output_handshakes.push_back(std::move(cyc));
    }
    if (!r.output_handshakes.empty()) {
        r.output_cycles = r.output_handshakes[0];
        for (const auto& h : r.output_handshakes)
            for (size_t i = 0; i < h.size() && i < r.output_cycles.size(); ++i)
                r.output_cycles[i] = std::max(r.output_cycles[i], h[i]);
    }
    for (auto& l : layers) {
        const LayerStats& s = l->stats();
        r.layers.push_back(LayerReport{l->node().name, l->node().kind->name(), l->timing(), s.accepted, s.written,
                                       s.busy_cycles, s.stall_in_cycles, s.stall_out_cycles});
    }
    for (auto& c : channels) r.fifos.push_back(FifoReport{c->name(), c->depth(), c->max_occupancy(), c->writes()});
    if (r.deadlocked) {
        std::string rep = "no transfer for " + std::to_string(interval) + " cycles before cycle " +
                          std::to_string(r.cycles) + " with " +
                          std::to_string(samples - (sinks.empty() ? 0 : sinks[0]->values.size())) +
                          " samples outstanding";
        for (auto& l : layers)
            if (!l->idle() || l->waiting_on() != "nothing")
                rep += "\n  " + l->node().name + " waits for " + l->waiting_on();
        for (auto& c : channels) {
            if (c->count() == c->depth()) rep += "\n  FIFO " + c->name() + " is full (" + std::to_string(c->depth()) + ")";
            else if (c->count() == 0) rep += "\n  FIFO " + c->name() + " is empty";
        }
        r.deadlock_report = rep;
    }
    return r;
}

}  // namespace nnsim
