// The top builder and run loop of the SystemC model (network_sim.hpp).
#include "sim/network_sim.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <systemc>

#include "core/diag.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "sim/calendar.hpp"
#include "sim/layer_module.hpp"
#include "sim/repack_module.hpp"
#include "sim/trace.hpp"
#include "sim/watchdog.hpp"

namespace nnsim {
namespace {

/// The layer's op as the shell runs it: under io_stream a pixel-wise kind computes one pixel at a time,
/// so its op is compiled for the pixel shape [C] (`pixel_node` keeps the node copy alive).
std::unique_ptr<LayerOp> compile_for_beats(const Graph& g, const Node& n, const NodeInputs& in,
                                           std::unique_ptr<Node>& pixel_node) {
    auto pixel = std::make_unique<Node>();
    NodeInputs pixel_in = in;
    if (!pixel_view(g, n, *pixel, pixel_in)) return n.kind->compile(n, in);
    pixel_node = std::move(pixel);
    return n.kind->compile(*pixel_node, pixel_in);
}

}  // namespace

struct NetworkModel::Impl {
    const Graph& g;
    SimOptions opt;
    sc_core::sc_time period;
    NetworkTiming timing;
    uint64_t interval = 0;
    std::unique_ptr<NextCycle> next_cycle;  ///< shared by every module
    std::vector<std::unique_ptr<Channel>> channels;
    std::vector<std::unique_ptr<LayerShell>> layers;
    std::vector<std::unique_ptr<Node>> pixel_nodes;  ///< per-pixel copies of nodes (compile_for_beats)
    std::vector<std::unique_ptr<SampleFeed>> feeds;
    std::vector<std::unique_ptr<Source>> sources;
    std::vector<std::unique_ptr<Sink>> sinks;
    RunMonitor monitor;
    std::unique_ptr<Watchdog> watchdog;
    std::unique_ptr<Calendar> calendar;
    std::unique_ptr<WaveTrace> trace;
    Impl(const Graph& graph, const SimOptions& o) : g(graph), opt(o) {}
    bool feeds_closed() const { return monitor.feeds_closed(); }
};

NetworkModel::NetworkModel(const Graph& g, const SimOptions& opt) : m_impl(std::make_unique<Impl>(g, opt)) {
    Impl& m = *m_impl;
    // SystemC's informational messages (sc_stop, the trace time unit) are noise for nnsim's users.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    m.period = sc_core::sc_time(g.clock_period_ns, sc_core::SC_NS);
    m.timing = analyze_timing(g);
    m.next_cycle = std::make_unique<NextCycle>(m.period);

    // Channels: one per (producer, consumer) edge, plus one per network output for its sink.
    std::map<std::string, std::vector<Channel*>> writes_of;  // tensor -> channels it writes
    std::map<std::string, std::vector<Channel*>> reads_of;   // node -> its input channels, in order
    std::map<std::pair<std::string, std::string>, int> edges;  // (from, to) -> edges so far
    for (const auto& n : g.nodes)
        for (const auto& in : n.inputs) {
            const std::string name = fifo_name(in, n.name, edges[{in, n.name}]++);
            m.channels.push_back(std::make_unique<Channel>(name, fifo_depth(g, in), m.period));
            writes_of[in].push_back(m.channels.back().get());
            reads_of[n.name].push_back(m.channels.back().get());
        }
    std::vector<Channel*> out_channels;
    for (const auto& o : g.outputs) {
        m.channels.push_back(std::make_unique<Channel>(fifo_name(o, "out"), fifo_depth(g, o), m.period));
        writes_of[o].push_back(m.channels.back().get());
        out_channels.push_back(m.channels.back().get());
    }
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        const NodeInputs in = node_inputs(g, n);
        size_t slots = 0;
        for (Channel* c : writes_of[n.name]) slots = std::max(slots, size_t(c->depth()));
        m.pixel_nodes.emplace_back();
        auto op = compile_for_beats(g, n, in, m.pixel_nodes.back());
        const size_t out_beats = size_t(tensor_beats(g, n.name)), out_width = size_t(beat_width(g, n.name));
        if (n.kind->stream_style() == StreamStyle::kRepack) {
            const auto needs = beat_needs(g, n);
            m.layers.push_back(std::make_unique<RepackModule>(
                n.name.c_str(), n, m.timing.layers[i], std::move(op), m.period, size_t(tensor_beats(g, n.inputs[0])),
                size_t(beat_width(g, n.inputs[0])), out_width, needs, slots));
        } else {
            m.layers.push_back(std::make_unique<LayerModule>(n.name.c_str(), n, m.timing.layers[i], std::move(op),
                                                             m.period, out_beats, out_width, slots));
        }
        m.layers.back()->inputs = reads_of[n.name];
        m.layers.back()->outputs = writes_of[n.name];
        m.layers.back()->next_cycle = m.next_cycle.get();
    }
    for (size_t k = 0; k < g.inputs.size(); ++k) {
        const std::string& name = g.inputs[k].name;
        m.feeds.push_back(std::make_unique<SampleFeed>());
        m.sources.push_back(std::make_unique<Source>(("source_" + name).c_str(), m.feeds.back().get(),
                                                     opt.input_pattern, m.period, size_t(tensor_beats(g, name)),
                                                     size_t(beat_width(g, name))));
        m.sources.back()->outputs = writes_of[name];
        m.sources.back()->pace = opt.pace;
        m.sources.back()->next_cycle = m.next_cycle.get();
    }
    for (size_t k = 0; k < g.outputs.size(); ++k) {
        const std::string& name = g.outputs[k];
        m.sinks.push_back(std::make_unique<Sink>(("sink_" + name).c_str(), size_t(beat_width(g, name)),
                                                 opt.output_pattern, m.period, size_t(tensor_beats(g, name))));
        m.sinks.back()->inputs = {out_channels[k]};
        m.sinks.back()->next_cycle = m.next_cycle.get();
    }
    m.interval = opt.deadlock_cycles;
    if (m.interval == 0) {
        int64_t slowest = 1;
        for (const auto& t : m.timing.layers) slowest = std::max<int64_t>(slowest, t.latency + t.ii);
        const double gaps = 1.0 / std::min(opt.input_pattern.ratio, opt.output_pattern.ratio);
        m.interval = uint64_t(1000 + 4 * slowest + 200 * gaps);
    }
    for (auto& c : m.channels) m.monitor.channels.push_back(c.get());
    for (auto& s : m.sources) m.monitor.sources.push_back(s.get());
    for (auto& f : m.feeds) m.monitor.feeds.push_back(f.get());
    for (auto& s : m.sinks) m.monitor.sinks.push_back(s.get());
    for (auto& l : m.layers) m.monitor.layers.push_back(l.get());
    m.watchdog = std::make_unique<Watchdog>("watchdog", m.monitor, m.interval, m.period, opt.stop_when_done);
    m.calendar = std::make_unique<Calendar>("calendar", m.monitor, m.interval);
    if (!opt.vcd.empty()) m.trace = std::make_unique<WaveTrace>(opt.vcd, g, m.period, m.channels, m.layers);
    if (m.trace) m.watchdog->tail = m.period;
}

NetworkModel::~NetworkModel() = default;

SampleFeed& NetworkModel::feed(size_t k) { return *m_impl->feeds.at(k); }
Source& NetworkModel::source(size_t k) { return *m_impl->sources.at(k); }
Sink& NetworkModel::sink(size_t k) { return *m_impl->sinks.at(k); }

Scheduler scheduler_from_name(const std::string& name) {
    if (name == "kernel") return Scheduler::kKernel;
    if (name == "calendar") return Scheduler::kCalendar;
    return Scheduler::kAuto;
}

bool NetworkModel::uses_calendar() const {
    const Impl& m = *m_impl;
    if (m.opt.scheduler == Scheduler::kKernel) return false;
    // SystemC time must follow the model cycle by cycle for waveforms and for samples pushed while
    // the model runs; the calendar runs ahead of it.
    const bool possible = m.feeds_closed() && !m.trace && m.opt.stop_when_done;
    if (!possible && m.opt.scheduler == Scheduler::kCalendar)
        throw UserError("--scheduler calendar: not with waveforms or samples fed while the model runs (TLM)");
    return possible;
}

SimResult NetworkModel::run() {
    Impl& m = *m_impl;
    SimResult r;
    if (uses_calendar()) {
        std::vector<CycleProcess*> processes;
        for (auto& s : m.sources) processes.push_back(s.get());
        for (auto& l : m.layers) processes.push_back(l.get());
        for (auto& s : m.sinks) processes.push_back(s.get());
        m.calendar->enable(processes, m.monitor.channels);
        m.watchdog->enabled = false;
    }
    // With the sample count known, results are stored without reallocating during the run.
    if (m.feeds_closed()) {
        for (auto& s : m.sinks) s->reserve(m.feeds[0]->samples.size());
        for (auto& s : m.sources) s->reserve(m.feeds[0]->samples.size());
    }
    r.scheduler = m.calendar->enabled() ? "calendar" : "kernel";
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (m.calendar->enabled()) {
        r.cycles = m.calendar->end_cycle;
        r.deadlocked = m.calendar->deadlocked;
    } else {
        const sc_core::sc_time end =
            m.watchdog->end_time == sc_core::sc_max_time() ? sc_core::sc_time_stamp() : m.watchdog->end_time;
        r.cycles = uint64_t(end / m.period);
        r.deadlocked = m.watchdog->deadlocked;
    }
    if (m.trace) m.trace->close(r.cycles);
    r.completed = !r.deadlocked && m.monitor.finished();
    if (!m.sources.empty()) r.input_cycles = m.sources[0]->accept_cycles;
    for (auto& s : m.sources) r.input_beat_cycles.push_back(s->beat_cycles);
    for (auto& s : m.sinks) r.output_beat_cycles.push_back(s->beat_cycles);
    for (auto& s : m.sinks) {
        for (size_t i = 0; i < s->samples.size(); ++i)
            NNSIM_ASSERT(s->samples[i] == i, "results out of order at sink " + std::string(s->name()));
        r.outputs.push_back(s->values());
        r.output_handshakes.push_back(s->accept_cycles);
    }
    if (!r.output_handshakes.empty()) {
        r.output_cycles = r.output_handshakes[0];
        for (const auto& h : r.output_handshakes)
            for (size_t i = 0; i < h.size() && i < r.output_cycles.size(); ++i)
                r.output_cycles[i] = std::max(r.output_cycles[i], h[i]);
    }
    for (auto& l : m.layers) {
        const LayerStats& s = l->stats();
        r.layers.push_back(LayerReport{l->node().name, l->node().kind->name(), l->timing(), s.accepted, s.written,
                                       s.busy_cycles, s.stall_in_cycles, s.stall_out_cycles});
    }
    for (auto& c : m.channels) r.fifos.push_back(FifoReport{c->name(), c->depth(), c->max_occupancy(), c->writes()});
    if (r.deadlocked) {
        const size_t fed = m.feeds.empty() ? 0 : m.feeds[0]->samples.size();
        const size_t out = m.sinks.empty() ? 0 : m.sinks[0]->results();
        std::string rep = "no transfer for " + std::to_string(m.interval) + " cycles before cycle " +
                          std::to_string(r.cycles) + " with " + std::to_string(fed - out) + " samples outstanding";
        for (auto& s : m.sources) {
            if (s->sent() >= m.feeds[0]->samples.size()) continue;
            std::string full;
            for (const Channel* c : s->outputs)
                if (!c->can_write()) full += (full.empty() ? "" : ", ") + ("space in full FIFO " + c->name());
            rep += "\n  " + std::string(s->basename()) + " waits " + (full.empty() ? "to send" : "for " + full);
        }
        for (auto& l : m.layers)
            if (!l->idle() || l->waiting_on() != "nothing")
                rep += "\n  " + l->node().name + " waits for " + l->waiting_on();
        for (auto& c : m.channels) {
            if (c->count() >= c->depth())
                rep += "\n  FIFO " + c->name() + " is full (" + std::to_string(c->depth()) + ")";
            else if (c->count() == 0) rep += "\n  FIFO " + c->name() + " is empty";
        }
        r.deadlock_report = rep;
    }
    return r;
}

SimResult simulate(const Graph& g, const std::vector<std::vector<std::vector<int64_t>>>& inputs,
                   const SimOptions& opt) {
    NNSIM_ASSERT(inputs.size() == g.inputs.size(), "one sample set per network input");
    NetworkModel model(g, opt);
    for (size_t k = 0; k < inputs.size(); ++k) {
        for (const auto& s : inputs[k]) model.feed(k).samples.push_back(s);
        model.feed(k).closed = true;
    }
    return model.run();
}

}  // namespace nnsim
