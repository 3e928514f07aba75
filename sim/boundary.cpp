// Source and sink of the SystemC model (boundary.hpp).
#include "sim/boundary.hpp"

namespace nnsim {

namespace {
uint64_t now_cycle(const sc_core::sc_time& period) { return sc_core::sc_time_stamp().value() / period.value(); }

/// Time from now to the start of the next cycle (used after waking on an event that may fire mid-cycle).
sc_core::sc_time to_next_cycle(const sc_core::sc_time& period) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const double cycles = now / period;
    const double next = double(uint64_t(cycles)) + 1.0;
    return period * next - now;
}
}  // namespace

Source::Source(const sc_core::sc_module_name& name, SampleFeed* feed, const CyclePattern& pattern,
               const sc_core::sc_time& period, size_t beats, size_t width)
    : sc_module(name), m_feed(feed), m_pattern(pattern), m_period(period), m_beats(beats), m_width(width) {
    SC_METHOD(run);
}

void Source::run() {
    if (!m_started) {
        for (Channel* c : outputs) m_freed |= c->read_event();
        m_started = true;
    }
    if (m_wait_push) {  // a sample was pushed: act from the start of the next cycle
        m_wait_push = false;
        return next_trigger(to_next_cycle(m_period));
    }
    const size_t k = m_sent;
    if (k >= m_feed->samples.size()) {
        if (m_feed->closed) return;  // no trigger: the method never runs again
        m_wait_push = true;
        return next_trigger(m_feed->pushed);
    }
    const uint64_t t = now_cycle(m_period);
    if (m_beat == 0 && pace > 0 && t < k * pace)  // a paced stream: one sample every `pace` cycles
        return next_trigger(m_period * double(k * pace - t));
    const uint64_t next = m_pattern.next_active(t);
    if (next > t) return next_trigger(m_period * double(next - t));
    bool room = true;
    for (const Channel* c : outputs) room = room && c->can_write();
    if (!room) {
        bool read_now = false;  // a read in this cycle frees a slot next cycle, without the event
        for (Channel* c : outputs) read_now = c->watch_read(t) || read_now;
        return read_now ? sleep_one_cycle() : next_trigger(m_freed);
    }
    const Token tok{uint32_t(k), uint32_t(m_beat), m_feed->samples[k].data() + m_beat * m_width};
    for (Channel* c : outputs) c->write(tok, t);
    if (m_beat == 0) accept_cycles.push_back(t);
    beat_cycles.push_back(t);
    if (++m_beat == m_beats) {
        m_beat = 0;
        ++m_sent;
        accepted.notify(sc_core::SC_ZERO_TIME);
    }
    sleep_one_cycle();
}

Sink::Sink(const sc_core::sc_module_name& name, size_t width, const CyclePattern& pattern,
           const sc_core::sc_time& period, size_t beats)
    : sc_module(name), m_width(width), m_beats(beats), m_pattern(pattern), m_period(period) {
    m_partial.reserve(width * beats);
    SC_METHOD(run);
}

void Sink::run() {
    const uint64_t t = now_cycle(m_period);
    if (!input->can_read()) {
        // A word written in this cycle is readable next cycle, without the event.
        return input->watch_written(t) ? sleep_one_cycle() : next_trigger(input->written_event());
    }
    const uint64_t next = m_pattern.next_active(t);
    if (next > t) return next_trigger(m_period * double(next - t));
    const Token tok = input->read(t);
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
        if (values.size() >= notify_from) received.notify(sc_core::SC_ZERO_TIME);
    }
    sleep_one_cycle();
}

}  // namespace nnsim
