// The repacking timing shell (repack_module.hpp).
#include "sim/repack_module.hpp"

#include <algorithm>

#include "core/diag.hpp"
#include "core/timing_model.hpp"

namespace nnsim {

RepackModule::RepackModule(const sc_core::sc_module_name& name, const Node& node, const Timing& timing,
                           std::unique_ptr<LayerOp> op, const sc_core::sc_time& period, size_t in_beats,
                           size_t in_width, size_t out_width, const std::vector<int64_t>& needs,
                           size_t output_slots)
    : LayerShell(name, node, timing, period), m_op(std::move(op)), m_in_beats(in_beats), m_in_width(in_width),
      m_out_width(out_width), m_capacity(size_t(repack_capacity(needs, timing))),
      m_slots(m_capacity + output_slots + 2, out_width) {
    m_first_released.assign(in_beats, needs.size());
    m_released.assign(in_beats, 0);
    for (size_t j = 0; j < needs.size(); ++j) {
        const size_t i = size_t(needs[j] - 1);
        m_first_released[i] = std::min(m_first_released[i], j);
        ++m_released[i];
    }
    m_out_buf.assign(needs.size() * out_width, 0);
}

void RepackModule::accept(uint64_t t) {
    const size_t i = m_in_beat;
    uint32_t sample = 0;
    for (size_t k = 0; k < inputs.size(); ++k) {
        const Token tok = inputs[k]->read(t);
        NNSIM_ASSERT(tok.beat == i, "layer " + m_node.name + ": beats out of order");
        std::copy(tok.data, tok.data + m_in_width, m_in_buf[k].begin() + long(i * m_in_width));
        sample = tok.sample;
    }
    if (m_released[i] > 0) {
        m_op->eval_beats(m_args.data(), m_out_buf.data(), m_first_released[i], m_released[i], m_out_width);
        for (size_t j = m_first_released[i]; j < m_first_released[i] + m_released[i]; ++j) {
            int64_t* slot = m_slots.next();
            std::copy(m_out_buf.begin() + long(j * m_out_width), m_out_buf.begin() + long((j + 1) * m_out_width), slot);
            m_pending.push_back(Pending{t + uint64_t(m_timing.latency), sample, uint32_t(j), slot});
        }
    }
    m_next_accept = t + uint64_t(m_timing.ii);
    m_in_beat = (i + 1) % m_in_beats;
    if (m_in_beat == 0) ++m_stats.accepted;
}

void RepackModule::step() {
    if (!m_started) {
        for (size_t k = 0; k < inputs.size(); ++k) m_in_buf.emplace_back(m_in_beats * m_in_width, 0);
        for (const auto& b : m_in_buf) m_args.push_back(b.data());
        collect_events();
        m_started = true;
    }
    const uint32_t last_beat = uint32_t(m_out_buf.size() / m_out_width - 1);
    {
        const uint64_t t = cycle();
        account(m_last_cycle, t, !m_pending.empty());
        m_last_cycle = t;
        // 1. Write the oldest released beat if it is ready and every output has room.
        write_oldest(t, last_beat);
        // 2. Accept the next input beat if the II slot has come, the inputs hold it and its released
        //    beats fit.
        m_waiting_input = false;
        const bool fits = m_pending.size() + m_released[m_in_beat] <= m_capacity;
        if (t >= m_next_accept && fits) {
            if (inputs_hold_data()) accept(t);
            else m_waiting_input = true;
        }
        // 3. Sleep until the next cycle in which something can change.
        uint64_t wake = UINT64_MAX;
        bool on_inputs = false, on_outputs = false;
        if (!m_pending.empty()) {
            if (m_pending.front().ready > t) {
                wake = std::min(wake, m_pending.front().ready);
            } else {
                // Released beats queue up ready (one input beat releases several): write the next one
                // next cycle if there is room, else when a read downstream frees a slot.
                on_outputs = true;
                bool room = true;
                for (Channel* c : outputs) room = room && c->can_write();
                if (room) wake = std::min(wake, t + 1);
                else note_ready_result(t);
            }
        }
        if (m_pending.size() + m_released[m_in_beat] <= m_capacity) {
            if (m_next_accept > t) wake = std::min(wake, m_next_accept);
            else on_inputs = true;
            if (inputs_hold_data() && m_next_accept <= t + 1) wake = std::min(wake, t + 1);
        }
        sleep(t, wake, on_inputs, on_outputs);
    }
}

}  // namespace nnsim
