// How a run of the model ends: every fed sample has reached every sink, or nothing moved for a whole
// check interval while work is outstanding (a deadlock). RunMonitor answers both from the model's
// state; the Watchdog asks it under SystemC's kernel scheduling, the cycle calendar (sim/calendar.hpp)
// asks it itself, at the same cycles.
//
// Progress is checked at every multiple of the interval, after that cycle's transfers: the run is
// deadlocked at the first check that finds the same number of transfers as the one before while
// something is still to be done, and it ends there.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "sim/boundary.hpp"
#include "sim/channel.hpp"
#include "sim/layer_module.hpp"

namespace nnsim {

struct RunMonitor {
    std::vector<Channel*> channels;
    std::vector<Source*> sources;
    std::vector<SampleFeed*> feeds;
    std::vector<Sink*> sinks;
    std::vector<LayerShell*> layers;

    /// Every sample is fed before the run (no TLM initiator adds any while it runs).
    bool feeds_closed() const;
    /// Every fed sample has left the network and no more will come.
    bool finished() const;
    /// Something is still to be done: a sample waiting to enter, in a FIFO, or in a layer.
    bool pending() const;
    /// Transfers so far (writes and reads over every channel).
    uint64_t progress() const;
};

/// The watchdog under SystemC's kernel scheduling: wakes at every check and on results (the last one
/// when the count is known) and stops the run.
class Watchdog : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Watchdog);
    Watchdog(const sc_core::sc_module_name& name, const RunMonitor& monitor, uint64_t interval,
             const sc_core::sc_time& period, bool stop_when_done);
    bool enabled = true;       ///< false when the calendar runs the model (it checks by itself)
    bool deadlocked = false;
    sc_core::sc_time tail = sc_core::SC_ZERO_TIME;  ///< time simulated after the end (waveforms: the last cycle)
    sc_core::sc_time end_time = sc_core::sc_max_time();  ///< when the watchdog ended the run

  private:
    void run();
    const RunMonitor& m_monitor;
    uint64_t m_interval;
    sc_core::sc_time m_period;
    bool m_stop_when_done;     ///< see SimOptions::stop_when_done
};

}  // namespace nnsim
