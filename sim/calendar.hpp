// The cycle calendar: runs the model's processes (layer shells, sources, sinks) as plain calls in
// cycle order, inside one SystemC process, instead of one SystemC kernel wake-up per process and cycle.
//
// The model's contract is already a synchronous one (docs/timing.md): every process acts at the start
// of a cycle from registered state, a transfer becomes visible in the next cycle, and a process sleeps
// until a cycle it computed or a channel event one cycle after a transfer. So a run is a sequence of
// cycles; in each, the due processes step in any order, then the channels commit the cycle's transfers
// (sc_fifo's update phase). The calendar skips the cycles nobody is due in, as SystemC's kernel does,
// but a wake-up costs an append to a list and a call rather than the kernel's event, runnable queue
// and method dispatch. It is a calendar queue: one list per cycle for the next 64 cycles (a bit per
// list says it is not empty, so the next due cycle is one count-trailing-zeros away) and a heap for
// wake-ups further ahead. A process made due sooner than it was leaves its later entry behind; an
// entry counts only if it names the cycle the process is due in. The processes, the sc_fifo channels and
// their flags are the same objects under both schedulers, so both give the same cycles: the kernel
// remains the reference (`--scheduler kernel`) and is used wherever SystemC time must follow the model
// cycle by cycle (waveforms, a TLM initiator feeding samples while the model runs).
//
// The run ends as under the Watchdog (sim/watchdog.hpp): after the cycle in which the last result
// arrives, or at the first progress check (every `interval` cycles, after that cycle) that finds no
// transfer since the previous one while work is outstanding.
#pragma once

#include <cstdint>
#include <queue>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/cycle_process.hpp"
#include "sim/watchdog.hpp"

namespace nnsim {

class Calendar : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Calendar);
    Calendar(const sc_core::sc_module_name& name, const RunMonitor& monitor, uint64_t interval);
    /// Run `processes` on the calendar instead of the kernel (before sc_start). `channels`: every
    /// channel between them, each written by one process and read by one.
    void enable(const std::vector<CycleProcess*>& processes, const std::vector<Channel*>& channels);
    bool enabled() const { return m_enabled; }

    uint64_t now() const { return m_now; }
    /// Make `p` due in cycle `c` (> now) unless it is due sooner already.
    void wake(const CycleProcess* p, uint64_t c) {
        const uint32_t i = p->calendar_slot;
        if (c >= m_due[i]) return;
        m_due[i] = c;
        if (c - m_now < kNear) {
            m_near[c % kNear].push_back(i);
            m_near_used |= uint64_t(1) << (c % kNear);
        } else {
            m_far.emplace(c, i);
        }
    }
    /// A sink completed a result in this cycle: the run may be finished after it.
    void note_result() { m_result = true; }

    bool deadlocked = false;
    uint64_t end_cycle = 0;  ///< the cycle the run ended in

  private:
    static constexpr uint64_t kNear = 64;  ///< cycles ahead kept in per-cycle lists
    void run();
    /// Step every process due in cycle c (the current one).
    void step_cycle(uint64_t c);
    /// The next cycle after now with a process due in it (UINT64_MAX: none).
    uint64_t next_cycle();
    /// The progress check at cycle `at`; true if the run is deadlocked there.
    bool check_progress(uint64_t at);

    const RunMonitor& m_monitor;
    uint64_t m_interval;
    bool m_enabled = false;
    uint64_t m_now = 0;
    uint64_t m_last_progress = 0;
    bool m_result = false;            ///< see note_result()
    std::vector<CycleProcess*> m_processes;
    std::vector<uint64_t> m_due;      ///< per process: the cycle it is due in (UINT64_MAX: asleep on events)
    std::vector<uint32_t> m_near[kNear];  ///< processes due in cycle c (now <= c < now + kNear) at c % kNear
    uint64_t m_near_used = 0;             ///< bit k: m_near[k] is not empty
    using Entry = std::pair<uint64_t, uint32_t>;  ///< (cycle, process) due at least kNear cycles ahead
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_far;
    std::vector<Channel*> m_commits;  ///< channels with a transfer in the current cycle
};

}  // namespace nnsim
