// The network boundary in the SystemC model: a source that offers samples under an input arrival
// pattern, and sinks that accept results under an output ready pattern (sim/patterns.hpp). The same
// patterns drive the RTL testbench, so handshake cycles can be compared one for one.
#pragma once

#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

#include "sim/channel.hpp"
#include "sim/patterns.hpp"

namespace nnsim {

/// Writes sample k of one network input into its channels in the first cycle that is active in the
/// pattern, after sample k-1, and in which every channel has room (the AXI-Stream tvalid/tready
/// handshake of the generated top).
class Source : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Source);
    Source(const sc_core::sc_module_name& name, const std::vector<std::vector<int64_t>>* samples,
           const CyclePattern& pattern, const sc_core::sc_time& period);
    std::vector<Channel*> outputs;        ///< channels of the input's consumers
    std::vector<uint64_t> accept_cycles;  ///< handshake cycle of every sample
    size_t sent() const { return accept_cycles.size(); }

  private:
    void run();
    const std::vector<std::vector<int64_t>>* m_samples;  ///< raw input values per sample
    CyclePattern m_pattern;
    sc_core::sc_time m_period;
};

/// Reads results of one network output in cycles active in the ready pattern.
class Sink : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Sink);
    Sink(const sc_core::sc_module_name& name, size_t width, size_t expected, const CyclePattern& pattern,
         const sc_core::sc_time& period, sc_core::sc_event* done);
    Channel* input = nullptr;
    std::vector<uint64_t> accept_cycles;       ///< handshake cycle of every result
    std::vector<std::vector<int64_t>> values;  ///< raw result values per sample
    std::vector<uint32_t> samples;             ///< sample index of every result, in arrival order
    bool finished() const { return values.size() >= m_expected; }

  private:
    void run();
    size_t m_width;             ///< values per result
    size_t m_expected;          ///< results to collect before reporting done
    CyclePattern m_pattern;
    sc_core::sc_time m_period;
    sc_core::sc_event* m_done;  ///< notified when this sink has every result
};

}  // namespace nnsim
