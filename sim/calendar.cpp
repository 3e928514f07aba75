// The cycle calendar (calendar.hpp).
#include "sim/calendar.hpp"

#include <algorithm>

namespace nnsim {

void calendar_written(CycleProcess* reader, uint64_t c) {
    if (reader && reader->wake_on_inputs) reader->calendar->wake(reader, c);
}

void calendar_read(CycleProcess* writer, uint64_t c) {
    if (writer && writer->wake_on_outputs) writer->calendar->wake(writer, c);
}

Calendar::Calendar(const sc_core::sc_module_name& name, const RunMonitor& monitor, uint64_t interval)
    : sc_module(name), m_monitor(monitor), m_interval(interval) {
    SC_METHOD(run);
}

void Calendar::enable(const std::vector<CycleProcess*>& processes, const std::vector<Channel*>& channels) {
    m_enabled = true;
    m_processes = processes;
    m_due.assign(processes.size(), UINT64_MAX);
    for (size_t i = 0; i < processes.size(); ++i) processes[i]->calendar_slot = uint32_t(i);
    for (Channel* c : channels) c->use_calendar(&m_commits);
    for (CycleProcess* p : processes) {
        p->calendar = this;
        p->calendar_clock = &m_now;
        for (Channel* c : p->inputs) c->reader = p;
        for (Channel* c : p->outputs) c->writer = p;
    }
}

bool Calendar::check_progress(uint64_t at) {
    const uint64_t p = m_monitor.progress();
    if (p == m_last_progress && m_monitor.pending()) {
        deadlocked = true;
        end_cycle = at;
        return true;
    }
    m_last_progress = p;
    return false;
}

void Calendar::step_cycle(uint64_t c) {
    m_now = c;
    const auto step = [this, c](uint32_t i) {
        if (m_due[i] != c) return;  // left behind: due sooner and stepped, or asleep since
        m_due[i] = UINT64_MAX;
        CycleProcess* p = m_processes[i];
        p->wake_on_inputs = p->wake_on_outputs = false;
        p->step();
    };
    std::vector<uint32_t>& near = m_near[c % kNear];
    if (m_near_used & (uint64_t(1) << (c % kNear))) {
        // Steps append only to other cycles' lists (they wake processes from c + 1 on; c + kNear goes far).
        for (size_t k = 0; k < near.size(); ++k) step(near[k]);
        near.clear();
        m_near_used &= ~(uint64_t(1) << (c % kNear));
    }
    while (!m_far.empty() && m_far.top().first == c) {
        const uint32_t i = m_far.top().second;
        m_far.pop();
        step(i);
    }
    for (Channel* ch : m_commits) ch->commit();
    m_commits.clear();
}

uint64_t Calendar::next_cycle() {
    uint64_t c = UINT64_MAX;
    if (m_near_used) {
        const unsigned from = unsigned((m_now + 1) % kNear);
        const uint64_t rotated = from == 0 ? m_near_used : (m_near_used >> from) | (m_near_used << (kNear - from));
        c = m_now + 1 + uint64_t(__builtin_ctzll(rotated));
    }
    while (!m_far.empty() && m_far.top().first < c && m_due[m_far.top().second] != m_far.top().first)
        m_far.pop();  // left behind
    if (!m_far.empty()) c = std::min(c, m_far.top().first);
    return c;
}

void Calendar::run() {
    if (!m_enabled) return;  // SystemC's kernel schedules the processes
    // Every process steps in cycle 0, as every SC_METHOD runs once at start-up.
    for (CycleProcess* p : m_processes) wake(p, 0);
    m_last_progress = m_monitor.progress();
    uint64_t next_check = m_interval;
    // Finished before any cycle only without samples (the Watchdog sees it so too).
    uint64_t c = 0;
    for (bool stop = m_monitor.finished(); !stop; c = next_cycle()) {
        // Progress checks due before cycle c see every transfer up to them.
        while (next_check < c && !stop) {
            stop = check_progress(next_check);
            if (!stop && c == UINT64_MAX && !m_monitor.pending()) stop = true, end_cycle = next_check;
            next_check += m_interval;
        }
        if (stop) break;
        step_cycle(c);
        end_cycle = c;
        if (m_result) stop = m_monitor.finished(), m_result = false;
    }
    sc_core::sc_stop();
}

}  // namespace nnsim
