// The end of a run: finished or deadlocked (watchdog.hpp).
#include "sim/watchdog.hpp"

#include <algorithm>

namespace nnsim {

bool RunMonitor::feeds_closed() const {
    for (const SampleFeed* f : feeds)
        if (!f->closed) return false;
    return !feeds.empty();
}

bool RunMonitor::finished() const {
    for (const Source* s : sources)
        if (!s->drained()) return false;
    const size_t n = sources.empty() ? 0 : sources[0]->sent();
    for (const Sink* s : sinks)
        if (s->results() < n) return false;
    return true;
}

bool RunMonitor::pending() const {
    for (size_t k = 0; k < sources.size(); ++k)
        if (sources[k]->sent() < feeds[k]->samples.size()) return true;
    for (const Channel* c : channels)
        if (c->count() > 0) return true;
    for (const LayerShell* l : layers)
        if (!l->idle()) return true;
    return false;
}

uint64_t RunMonitor::progress() const {
    uint64_t p = 0;
    for (const Channel* c : channels) p += c->writes() + c->reads();
    return p;
}

Watchdog::Watchdog(const sc_core::sc_module_name& name, const RunMonitor& monitor, uint64_t interval,
                   const sc_core::sc_time& period, bool stop_when_done)
    : sc_module(name), m_monitor(monitor), m_interval(interval), m_period(period), m_stop_when_done(stop_when_done) {
    SC_THREAD(run);
}

void Watchdog::run() {
    if (!enabled) return;
    const auto& sinks = m_monitor.sinks;
    const auto& feeds = m_monitor.feeds;
    sc_core::sc_event_or_list results;
    for (Sink* s : sinks) results |= s->received;
    // With every feed closed the number of results is known: only the last one can end the run, so
    // the sinks notify that one alone (fed incrementally, as through TLM, they notify every result).
    if (m_monitor.feeds_closed())
        for (Sink* s : sinks) s->notify_from = std::max(s->notify_from, feeds[0]->samples.size());
    // Checks at the middle of cycles k x interval: after every transfer of those cycles.
    sc_core::sc_time next_check = m_period * (double(m_interval) + 0.5);
    uint64_t last = m_monitor.progress();
    while (!(m_stop_when_done && m_monitor.finished())) {
        const sc_core::sc_time left = next_check - sc_core::sc_time_stamp();
        if (sinks.empty()) wait(left);
        else wait(left, results);
        if (m_stop_when_done && m_monitor.finished()) break;
        if (sc_core::sc_time_stamp() < next_check) continue;  // woken by a result
        next_check += m_period * double(m_interval);
        const uint64_t now = m_monitor.progress();
        if (now == last && m_monitor.pending()) {
            deadlocked = true;
            break;
        }
        last = now;
    }
    end_time = sc_core::sc_time_stamp();
    if (tail != sc_core::SC_ZERO_TIME) wait(tail);
    sc_core::sc_stop();
}

}  // namespace nnsim
