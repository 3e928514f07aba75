// The scheduling side shared by every process of the model (cycle_process.hpp).
#include "sim/cycle_process.hpp"

#include "sim/calendar.hpp"

namespace nnsim {

void CycleProcess::collect_events() {
    for (Channel* c : inputs) m_in_events |= c->written_event(), m_all_events |= c->written_event();
    for (Channel* c : outputs) m_out_events |= c->read_event(), m_all_events |= c->read_event();
}

void CycleProcess::sleep(uint64_t t, uint64_t wake, bool on_inputs, bool on_outputs) {
    if (wake == t) wake = t + 1;
    if (!on_inputs && !on_outputs && wake == UINT64_MAX) on_inputs = true;  // only new input can help
    // A channel event fires one cycle after a transfer, so never before t + 1: when the timed wake-up
    // is t + 1 the events cannot wake the process sooner and are left unarmed.
    if (wake != t + 1) {
        if (on_inputs)
            for (Channel* c : inputs)
                if (c->watch_written(t)) wake = t + 1;
        if (on_outputs)
            for (Channel* c : outputs)
                if (c->watch_read(t)) wake = t + 1;
    }
    if (calendar) {  // the events matter only if they can come before the timed wake-up
        wake_on_inputs = on_inputs && wake != t + 1;
        wake_on_outputs = on_outputs && wake != t + 1;
        if (wake != UINT64_MAX) calendar->wake(this, wake);
        return;
    }
    if (wake == t + 1) return next_cycle ? sc_core::next_trigger(next_cycle->arm()) : sc_core::next_trigger(m_period);
    const bool timed = wake != UINT64_MAX;
    const sc_core::sc_time delay = timed ? m_period * double(wake - t) : sc_core::SC_ZERO_TIME;
    if (on_inputs && on_outputs) timed ? sc_core::next_trigger(delay, m_all_events) : sc_core::next_trigger(m_all_events);
    else if (on_inputs) timed ? sc_core::next_trigger(delay, m_in_events) : sc_core::next_trigger(m_in_events);
    else if (on_outputs) timed ? sc_core::next_trigger(delay, m_out_events) : sc_core::next_trigger(m_out_events);
    else sc_core::next_trigger(delay);
}

}  // namespace nnsim
