// The timing contract with finite FIFOs, evaluated beat by beat in closed form: the handshake cycle of
// every beat of N samples, with always-ready boundaries, as the SystemC model would produce them, but
// without a cycle loop (a max-plus recurrence solved in dependency order). Sweeps use it for networks
// whose tensors are several beats (io_stream multi-pixel tensors, repacks); `nnsim timing`'s figures
// (core/timing_model.hpp) are its special case with FIFOs that never fill.
//
// Per FIFO c of depth D from producer p to consumer q, with W the write cycles of p's beats and R the
// cycles q reads them (docs/timing.md):
//   source           W[k] = max(W[k-1] + 1, R_c[k-D] + 1 for each of its FIFOs, pace x its sample)
//   per-beat layer   A[k] = max(A[k-1] + II, W_in[k] + 1 for each input, W[k-P])      (P = ceil(L/II))
//                    W[k] = max(A[k] + L, W[k-1] + 1, R_c[k-D] + 1 for each output FIFO)
//   repack           A[i] = max(A[i-1] + II, W_in[i] + 1, W[m-1]) with m = (output beats released
//                           before i) + (released by i) - C: the shell must have room for them
//                    W[j] = max(A[needs[j]-1] + L, W[j-1] + 1, R_c[j-D] + 1 for each output FIFO)
//   sink             R[k] = max(R[k-1] + 1, W[k] + 1)
// and R_c = A of the consumer (or the sink's R). Each value depends only on earlier beats of the same
// entity and on values of other entities, so the beats are computed as soon as their operands are; if
// none can be while some are missing, the network deadlocks, and the missing operands name the full
// and empty FIFOs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

struct BeatSchedule {
    std::vector<int64_t> input_cycles;     ///< per sample: handshake of its first beat at the first input
    std::vector<int64_t> output_cycles;    ///< per sample: handshake of its last beat, latest over outputs
    std::vector<int> fifo_max_occupancy;   ///< per FIFO, in the SystemC model's order (timing_model.hpp)
    bool deadlocked = false;
    std::string deadlock_report;           ///< the waiting layers and FIFOs, as `nnsim sim` words them
};

/// Schedule `samples` samples through `g` with these layer timings (graph order) and FIFO depths (the
/// SystemC model's FIFO order: per node its inputs, then one per network output). With `pace` > 0 the
/// source offers sample k no earlier than cycle k * pace (the timing model's steady-state stream).
BeatSchedule schedule_beats(const Graph& g, const std::vector<Timing>& timing, const std::vector<int>& depth,
                            size_t samples, int64_t pace = 0);

/// True if some tensor of `g` is more than one beat per sample (then sweeps use schedule_beats).
bool has_multi_beat_tensors(const Graph& g);

}  // namespace nnsim
