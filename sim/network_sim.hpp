// Builds the SystemC model of a network (one layer shell per node, Channels on every edge, a Source
// per network input and a Sink per output), runs it, and returns what happened on every handshake.
//
// SystemC allows one elaboration per process: one NetworkModel (or one simulate() call) per process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"
#include "sim/boundary.hpp"
#include "sim/patterns.hpp"

namespace nnsim {

/// Who calls the model's processes (sim/calendar.hpp): the cycle calendar where it can (every feed
/// closed, no waveforms), SystemC's kernel otherwise; both give the same cycles.
enum class Scheduler { kAuto, kKernel, kCalendar };
/// "auto", "kernel" or "calendar" (the CLI checks the name).
Scheduler scheduler_from_name(const std::string& name);

struct SimOptions {
    CyclePattern input_pattern;     ///< cycles in which the source may offer a sample
    CyclePattern output_pattern;    ///< cycles in which the sinks are ready
    uint64_t deadlock_cycles = 0;   ///< cycles without any transfer that count as a deadlock (0: automatic)
    std::string vcd;                ///< waveform file to write (empty: none); a .gtkw is written beside it
    uint64_t pace = 0;              ///< sources offer sample k no earlier than cycle k * pace (0: at once)
    bool stop_when_done = true;     ///< end the run when every fed sample is out (a TLM host stops it itself)
    Scheduler scheduler = Scheduler::kAuto;
};

struct LayerReport {
    std::string name, kind;
    Timing timing;
    uint64_t accepted = 0, written = 0, busy_cycles = 0, stall_in_cycles = 0, stall_out_cycles = 0;
};

struct FifoReport {
    std::string name;
    int depth = 0;
    int max_occupancy = 0;
    uint64_t writes = 0;
};

struct SimResult {
    bool completed = false;                      ///< every sample reached every sink
    bool deadlocked = false;
    std::string deadlock_report;                 ///< which modules wait on which FIFOs
    uint64_t cycles = 0;                         ///< cycles simulated
    std::vector<uint64_t> input_cycles;          ///< handshake cycle of every sample at the first input
    std::vector<uint64_t> output_cycles;         ///< handshake cycle of every sample at the (last) output
    std::vector<std::vector<std::vector<int64_t>>> outputs;  ///< [output][sample] raw values
    std::vector<std::vector<uint64_t>> output_handshakes;     ///< [output][sample] handshake cycles
    std::vector<std::vector<uint64_t>> input_beat_cycles;     ///< [input][beat] handshake cycles
    std::vector<std::vector<uint64_t>> output_beat_cycles;    ///< [output][beat] handshake cycles
    std::vector<LayerReport> layers;
    std::vector<FifoReport> fifos;
    double wall_seconds = 0;                     ///< time spent in sc_start
    std::string scheduler;                       ///< "calendar" or "kernel" (see Scheduler)
};

/// The elaborated model. Construct it, feed samples (feed(k).push or preload), then run().
class NetworkModel {
  public:
    NetworkModel(const Graph& g, const SimOptions& opt);
    ~NetworkModel();
    /// Samples of network input k; push() adds one while the model runs (TLM), close() ends the input.
    SampleFeed& feed(size_t k);
    Source& source(size_t k);
    Sink& sink(size_t k);
    /// Simulate until every fed sample has reached every sink (feeds closed), a deadlock, or sc_stop().
    SimResult run();

  private:
    bool uses_calendar() const;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// inputs[k][s]: raw values of network input k for sample s (already in the input precision).
SimResult simulate(const Graph& g, const std::vector<std::vector<std::vector<int64_t>>>& inputs,
                   const SimOptions& opt);

}  // namespace nnsim
