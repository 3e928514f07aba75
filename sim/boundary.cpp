// Source and sink of the SystemC model (boundary.hpp).
#include "sim/boundary.hpp"

#include "core/diag.hpp"
#include "sim/calendar.hpp"

namespace nnsim {

namespace {
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
    : ProcessModule(name, period), m_feed(feed), m_pattern(pattern), m_beats(beats), m_width(width) {}

void Source::step() {
    if (!m_started) {
        collect_events();
        m_started = true;
    }
    if (m_wait_push) {  // a sample was pushed: act from the start of the next cycle
        m_wait_push = false;
        return sc_core::next_trigger(to_next_cycle(m_period));
    }
    const size_t k = m_sent;
    if (k >= m_feed->samples.size()) {
        if (m_feed->closed) return;  // no trigger: the process never runs again
        NNSIM_ASSERT(!calendar, "the cycle calendar runs closed feeds only");
        m_wait_push = true;
        return sc_core::next_trigger(m_feed->pushed);
    }
    const uint64_t t = cycle();
    if (m_beat == 0 && pace > 0 && t < k * pace)  // a paced stream: one sample every `pace` cycles
        return sleep(t, k * pace, false, false);
    const uint64_t next = m_pattern.next_active(t);
    if (next > t) return sleep(t, next, false, false);
    for (const Channel* c : outputs)
        if (!c->can_write()) return sleep(t, UINT64_MAX, false, true);  // until a read frees a slot
    const Token tok{uint32_t(k), uint32_t(m_beat), m_feed->samples[k].data() + m_beat * m_width};
    for (Channel* c : outputs) c->write(tok, t);
    if (m_beat == 0) accept_cycles.push_back(t);
    beat_cycles.push_back(t);
    if (++m_beat == m_beats) {
        m_beat = 0;
        ++m_sent;
        if (!calendar) accepted.notify(sc_core::SC_ZERO_TIME);
        if (drained()) return;  // no trigger: the process never runs again
    }
    // A FIFO this write filled has room next cycle only if its reader reads in this cycle: then wait
    // for a read (the read event is one cycle after it) instead of looking next cycle.
    bool filled = false;
    for (const Channel* c : outputs) filled = filled || !c->can_write();
    sleep(t, filled ? UINT64_MAX : t + 1, false, filled);
}

Sink::Sink(const sc_core::sc_module_name& name, size_t width, const CyclePattern& pattern,
           const sc_core::sc_time& period, size_t beats)
    : ProcessModule(name, period), m_width(width), m_beats(beats), m_pattern(pattern) {}

void Sink::reserve(size_t n) {
    reserve_committed(m_values, n * m_width * m_beats);
    reserve_committed(accept_cycles, n);
    reserve_committed(beat_cycles, n * m_beats);
    reserve_committed(samples, n);
}

std::vector<std::vector<int64_t>> Sink::values() const {
    std::vector<std::vector<int64_t>> v(m_results);
    for (size_t i = 0; i < m_results; ++i) v[i].assign(result(i), result(i) + m_width * m_beats);
    return v;
}

void Sink::step() {
    if (!m_started) {
        collect_events();
        m_started = true;
    }
    const uint64_t t = cycle();
    Channel* input = inputs[0];
    if (!input->can_read()) return sleep(t, UINT64_MAX, true, false);  // until a word is written
    const uint64_t next = m_pattern.next_active(t);
    if (next > t) return sleep(t, next, false, false);
    const Token tok = input->read(t);
    beat_cycles.push_back(t);
    m_values.insert(m_values.end(), tok.data, tok.data + m_width);
    if (tok.beat + 1 == m_beats) {
        ++m_results;
        samples.push_back(tok.sample);
        accept_cycles.push_back(t);
        if (calendar) calendar->note_result();
        else if (m_results >= notify_from) received.notify(sc_core::SC_ZERO_TIME);
    }
    // With the FIFO now empty, only a write (in this cycle or later) brings the next word.
    const bool emptied = !input->can_read();
    sleep(t, emptied ? UINT64_MAX : t + 1, emptied, false);
}

}  // namespace nnsim
