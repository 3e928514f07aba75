// Waveforms of the SystemC model: a VCD with, per FIFO, its write and read handshakes, occupancy and
// the sample and first value of the last word written, and per layer its pending count and state;
// plus a GTKWave save file (.gtkw) beside it that opens onto a readable view.
//
// Signal names follow the generated RTL: <fifo>.wr, <fifo>.rd, <fifo>.count, <fifo>.sample,
// <fifo>.data0, <layer>.pending, <layer>.state (0 idle, 1 busy, 2 output stalled). The model skips
// idle cycles, so a sampler process records the state of every cycle at its middle (half a period
// after the edge); `clk` rises at every cycle start.
#pragma once

#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "core/graph.hpp"
#include "sim/channel.hpp"
#include "sim/layer_module.hpp"

namespace nnsim {

class WaveTrace {
  public:
    WaveTrace(const std::string& vcd_path, const Graph& g, const sc_core::sc_time& period,
              const std::vector<std::unique_ptr<Channel>>& channels,
              const std::vector<std::unique_ptr<LayerShell>>& layers);
    ~WaveTrace();
    /// Flush and close the VCD and write the .gtkw file.
    void close(uint64_t cycles);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace nnsim
