// What every process of the model (layer shells, sources, sinks) shares: the cycle it acts in and how
// it sleeps until the next cycle in which something can change.
//
// A process is one step() per cycle it acts in. Two schedulers call it, in exactly the same cycles:
//   - SystemC's kernel: the process is an SC_METHOD, re-armed by sleep() with next_trigger (a timeout,
//     the shared next-cycle event, or the one-cycle-delayed events of its channels);
//   - the cycle calendar (sim/calendar.hpp): step() is a plain call in cycle order, and sleep() is an
//     entry in the calendar plus a note, on the process, of which channel events may wake it.
// The channels tell whichever scheduler runs (sim/channel.hpp), so a step's code does not know which.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "sim/channel.hpp"

namespace nnsim {

class Calendar;

class CycleProcess {
  public:
    virtual ~CycleProcess() = default;
    std::vector<Channel*> inputs;    ///< channels read (a sink's one input; a source has none)
    std::vector<Channel*> outputs;   ///< channels written (fan-out writes all at once)
    NextCycle* next_cycle = nullptr; ///< shared next-cycle event (null: a timeout of one period)
    /// The process's work in the current cycle; it ends with sleep() (or, once finished, without).
    virtual void step() = 0;

    /// Calendar bookkeeping (sim/calendar.cpp): its place there, and which channel events wake it.
    Calendar* calendar = nullptr;    ///< null: SystemC's kernel schedules the process
    uint32_t calendar_slot = 0;
    const uint64_t* calendar_clock = nullptr;  ///< the calendar's current cycle
    bool wake_on_inputs = false, wake_on_outputs = false;

  protected:
    explicit CycleProcess(const sc_core::sc_time& period) : m_period(period) {}
    /// The current cycle.
    uint64_t cycle() const { return calendar_clock ? *calendar_clock : kernel_cycle(); }
    uint64_t kernel_cycle() const { return sc_core::sc_time_stamp().value() / m_period.value(); }
    /// The event lists sleep() waits on; call once, after the channels are bound, before sleeping.
    void collect_events();
    /// The last step of every cycle t: sleep until cycle `wake` (UINT64_MAX: no timed wake-up, t: the
    /// next cycle) or, if sooner, a write to an input (`on_inputs`) or a read from an output
    /// (`on_outputs`). With neither and no wake-up only new input can change anything.
    void sleep(uint64_t t, uint64_t wake, bool on_inputs, bool on_outputs);

    sc_core::sc_time m_period;
    sc_core::sc_event_or_list m_in_events, m_out_events, m_all_events;  ///< see collect_events()
};

/// A process that is also a module of the model (layer shells, sources, sinks): its step is an
/// SC_METHOD named `run`, which under the calendar runs once at start-up and does nothing.
class ProcessModule : public CycleProcess, public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(ProcessModule);
    ProcessModule(const sc_core::sc_module_name& name, const sc_core::sc_time& period)
        : CycleProcess(period), sc_module(name) {
        SC_METHOD(run);
    }

  private:
    void run() {
        if (!calendar) step();
    }
};

}  // namespace nnsim
