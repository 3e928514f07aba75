// How large the waveforms of a run will be, and the bound a run with waveforms must stay inside.
// A VCD grows with every cycle; a long run with --vcd can fill a disk overnight. The estimate is an
// upper bound from the timing model: cycles = latency + samples x II, stretched by the slowest
// handshake ratio, times the bytes one cycle can write when every traced value changes.
#pragma once

#include <cstdint>
#include <string>

#include "core/graph.hpp"

namespace nnsim {

struct WaveformEstimate {
    uint64_t cycles = 0;       ///< cycles the run is expected to take (timing model, stalls included)
    uint64_t model_bytes = 0;  ///< SystemC model VCD (sim/trace.cpp: five values per FIFO, two per layer)
    uint64_t rtl_bytes = 0;    ///< Verilator VCD at trace depth 2 (the FIFOs' ports: four words each)
};

/// Upper bound of the waveform sizes of `samples` samples through `g` with the given handshake
/// ratios (1 = no stalls).
WaveformEstimate estimate_waveforms(const Graph& g, uint64_t samples, double input_ratio, double ready_ratio);

/// Throws UserError (naming `path`) when `bytes` exceed the bound: 8 GiB, or 90 % of the free space of
/// the folder that will hold `path`, whichever is less. NNSIM_NO_SIZE_LIMIT=1 lifts the bound.
void check_waveform_budget(const std::string& path, uint64_t bytes, const WaveformEstimate& e, uint64_t samples);

}  // namespace nnsim
