// Source and sink of the SystemC model (boundary.hpp).
#include "sim/boundary.hpp"

namespace nnsim {

namespace {
uint64_t now_cycle(const sc_core::sc_time& period) { return uint64_t(sc_core::sc_time_stamp() / period); }

/// Wait until the start of the next cycle (used after waking on an event that may fire mid-cycle).
void align_to_next_cycle(const sc_core::sc_time& period) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const double cycles = now / period;
    const double next = double(uint64_t(cycles)) + 1.0;
    sc_core::wait(period * next - now);
}
}  // namespace

Source::Source(const sc_core::sc_module_name& name, SampleFeed* feed, const CyclePattern& pattern,
               const sc_core::sc_time& period, size_t beats, size_t width)
    : sc_module(name), m_feed(feed), m_pattern(pattern), m_period(period), m_beats(beats), m_width(width) {
    SC_THREAD(run);
}

void Source::run() {
    sc_core::sc_event_or_list freed;
    for (Channel* c : outputs) freed |= c->read_event();
    for (size_t k = 0;; ++k) {
        while (k >= m_feed->samples.size()) {
            if (m_feed->closed) return;
            wait(m_feed->pushed);
            align_to_next_cycle(m_period);
        }
        for (size_t b = 0; b < m_beats;) {
            const uint64_t t = now_cycle(m_period);
            if (b == 0 && pace > 0 && t < k * pace) {  // a paced stream: one sample every `pace` cycles
                wait(m_period * double(k * pace - t));
                continue;
            }
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
            const Token tok{uint32_t(k), uint32_t(b), m_feed->samples[k].data() + b * m_width};
            for (Channel* c : outputs) c->write(tok);
            if (b == 0) accept_cycles.push_back(t);
            beat_cycles.push_back(t);
            if (++b == m_beats) {
                ++m_sent;
                accepted.notify(sc_core::SC_ZERO_TIME);
            }
            wait(m_period);
        }
    }
}

Sink::Sink(const sc_core::sc_module_name& name, size_t width, const CyclePattern& pattern,
           const sc_core::sc_time& period, size_t beats)
    : sc_module(name), m_width(width), m_beats(beats), m_pattern(pattern), m_period(period) {
    m_partial.reserve(width * beats);
    SC_THREAD(run);
}

void Sink::run() {
    while (true) {
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
        beat_cycles.push_back(t);
        if (m_beats == 1) {
            values.emplace_back(tok.data, tok.data + m_width);  // one beat per result: no assembly
        } else {
            m_partial.insert(m_partial.end(), tok.data, tok.data + m_width);
            if (tok.beat + 1 == m_beats) {
                values.push_back(std::move(m_partial));
                m_partial.clear();
                m_partial.reserve(m_width * m_beats);
            }
        }
        if (tok.beat + 1 == m_beats) {
            samples.push_back(tok.sample);
            accept_cycles.push_back(t);
            received.notify(sc_core::SC_ZERO_TIME);
        }
        wait(m_period);
    }
}

}  // namespace nnsim
