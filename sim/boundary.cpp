// Source and sink of the SystemC model (boundary.hpp).
#include "sim/boundary.hpp"

namespace nnsim {

namespace {
uint64_t now_cycle(const sc_core::sc_time& period) { return uint64_t(sc_core::sc_time_stamp() / period); }
}  // namespace

Source::Source(const sc_core::sc_module_name& name, const std::vector<std::vector<int64_t>>* samples,
               const CyclePattern& pattern, const sc_core::sc_time& period)
    : sc_module(name), m_samples(samples), m_pattern(pattern), m_period(period) {
    SC_THREAD(run);
}

void Source::run() {
    sc_core::sc_event_or_list freed;
    for (Channel* c : outputs) freed |= c->read_event();
    for (size_t k = 0; k < m_samples->size(); ++k) {
        while (true) {
            const uint64_t t = now_cycle(m_period);
            const uint64_t next = m_pattern.next_active(t);
            if (next > t) {
                wait(m_period * double(next - t));
                continue;
            }
            bool room = true;
            for (Channel* c : outputs) room = room && c->can_write();
            if (!room) {
                wait(freed);
                continue;
            }
            for (Channel* c : outputs) c->write(Token{uint32_t(k), (*m_samples)[k].data()});
            accept_cycles.push_back(t);
            wait(m_period);
            break;
        }
    }
}

Sink::Sink(const sc_core::sc_module_name& name, size_t width, size_t expected, const CyclePattern& pattern,
           const sc_core::sc_time& period, sc_core::sc_event* done)
    : sc_module(name), m_width(width), m_expected(expected), m_pattern(pattern), m_period(period), m_done(done) {
    SC_THREAD(run);
}

void Sink::run() {
    while (!finished()) {
        if (!input->can_read()) {
            wait(input->written_event());
            continue;
        }
        const uint64_t t = now_cycle(m_period);
        const uint64_t next = m_pattern.next_active(t);
        if (next > t) {
            wait(m_period * double(next - t));
            continue;
        }
        const Token tok = input->read();
        values.emplace_back(tok.data, tok.data + m_width);
        samples.push_back(tok.sample);
        accept_cycles.push_back(t);
        wait(m_period);
    }
    m_done->notify(sc_core::SC_ZERO_TIME);
}

}  // namespace nnsim
