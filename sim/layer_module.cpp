// The layer timing shells (layer_module.hpp).
#include "sim/layer_module.hpp"

#include "core/diag.hpp"

namespace nnsim {

std::string LayerShell::waiting_on() const {
    std::string s;
    if (m_waiting_output)
        for (const Channel* c : outputs)
            if (!c->can_write()) s += (s.empty() ? "" : ", ") + ("space in full FIFO " + c->name());
    if (m_waiting_input)
        for (const Channel* c : inputs)
            if (!c->can_read()) s += (s.empty() ? "" : ", ") + ("data from empty FIFO " + c->name());
    return s.empty() ? "nothing" : s;
}

LayerModule::LayerModule(const sc_core::sc_module_name& name, const Node& node, const Timing& timing,
                         std::unique_ptr<LayerOp> op, const sc_core::sc_time& period, size_t beats,
                         size_t beat_width, size_t output_slots)
    : LayerShell(name, node, timing, period), m_op(std::move(op)), m_beats(uint32_t(beats)),
      m_capacity(size_t((timing.latency + timing.ii - 1) / timing.ii)),
      // A result slot is busy while pending (<= P) and while queued in any output FIFO.
      m_slots(m_capacity + output_slots + 2, beat_width) {}

void LayerModule::step() {
    if (!m_started) {
        collect_events();
        m_args.resize(inputs.size());
        m_started = true;
    }
    {
        const uint64_t t = cycle();
        account(m_last_cycle, t, !m_pending.empty());
        m_last_cycle = t;
        // 1. Write the oldest result if it is ready and every output has room.
        write_oldest(t, m_beats - 1);
        // 2. Accept a new sample if the II slot has come, the inputs hold data and a slot is free.
        m_waiting_input = false;
        if (t >= m_next_accept && m_pending.size() < m_capacity) {
            if (inputs_hold_data()) {
                const Token tok = inputs[0]->read(t);
                m_args[0] = tok.data;
                for (size_t k = 1; k < inputs.size(); ++k) {
                    const Token in = inputs[k]->read(t);
                    NNSIM_ASSERT(in.sample == tok.sample && in.beat == tok.beat,
                                 "layer " + m_node.name + ": inputs out of step");
                    m_args[k] = in.data;
                }
                int64_t* slot = m_slots.next();
                m_op->eval(m_args.data(), slot, false);
                m_pending.push_back(Pending{t + uint64_t(m_timing.latency), tok.sample, tok.beat, slot});
                m_next_accept = t + uint64_t(m_timing.ii);
                if (tok.beat + 1 == m_beats) ++m_stats.accepted;
            } else {
                m_waiting_input = true;
                m_waiting_since = t;
            }
        }
        // 3. Sleep until the next cycle in which something can change.
        uint64_t wake = UINT64_MAX;  // a cycle known from our own timing
        bool on_inputs = false, on_outputs = false;
        if (!m_pending.empty()) {
            if (m_pending.front().ready > t) {
                wake = std::min(wake, m_pending.front().ready);
            } else {  // ready: written next cycle if a read frees a slot (its event wakes us), else later
                on_outputs = true;
                note_ready_result(t);
            }
        }
        if (m_pending.size() < m_capacity) {
            // The next accept needs the II slot and data. With data waiting (written before this
            // cycle), or an II slot more than a cycle away, wake at the slot; else a write to an input
            // wakes us (its event comes one cycle after it, never before t + 1, so no accept is
            // missed), and from t + 1 the shell waits for input.
            if (m_next_accept > t + 1 || inputs_hold_data()) {
                wake = std::min(wake, std::max(m_next_accept, t + 1));
            } else {
                on_inputs = true;
                if (!m_waiting_input) m_waiting_input = true, m_waiting_since = t + 1;
            }
        }
        sleep(t, wake, on_inputs, on_outputs);
    }
}

}  // namespace nnsim
