// Runs of a network with its configured FIFO depths for `nnsim fifo` (tools/nnsim/cmd_fifo.cpp): on
// the SystemC model, in a forked process because SystemC allows one elaboration per process, or on the
// analytical beat schedule (core/beat_schedule.hpp), which follows the same contract beat by beat.
// Both give the same figures: first-sample latency, steady-state II (measured as `nnsim sim` does),
// and each FIFO's most slots in use.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.hpp"

namespace nnsim {

/// One FIFO of the network, in the order the SystemC model builds them (core/timing_model.hpp).
struct FifoEdge {
    std::string name;    ///< fifo_name(tensor, consumer)
    std::string tensor;  ///< the tensor it carries (a network input or a node): its depth is the tensor's
    int width = 0;       ///< bits per word (one beat)
};
std::vector<FifoEdge> fifo_edges(const Graph& g);

/// Set the depth of every FIFO a tensor writes (a node's or a network input's `fifo_depth`).
void set_tensor_depth(Graph& g, const std::string& tensor, int depth);

struct FifoRun {
    bool completed = false;         ///< every sample came out
    bool deadlocked = false;
    bool outputs_ok = true;         ///< every output word equals the bit-exact evaluator (SystemC runs)
    std::string report;             ///< the deadlock report, or why the run failed
    int64_t latency = 0;            ///< first sample: first input beat accepted to last output beat accepted
    double ii = 0;                  ///< steady-state cycles between samples, as `nnsim sim` measures it
    uint64_t cycles = 0;            ///< cycles simulated (SystemC runs)
    double seconds = 0;             ///< wall time of the run
    std::vector<int> max_occupancy; ///< per FIFO (fifo_edges order): most slots in use at once
};

/// Stimulus of a run: the quantized inputs ([input][sample] raw values), the evaluator's outputs
/// ([output][sample]) to check against, and the source's pace (sample k offered no earlier than cycle
/// k * pace; 0: as fast as the FIFOs take it).
struct RunStimulus {
    const std::vector<std::vector<std::vector<int64_t>>>* inputs = nullptr;
    const std::vector<std::vector<std::vector<int64_t>>>* expected = nullptr;
    size_t samples = 0;
    uint64_t pace = 0;
    uint64_t deadlock_cycles = 0;  ///< watchdog bound of SystemC runs (0: the model's automatic bound)
};

/// The SystemC model of `g` in a child process.
FifoRun run_systemc(const Graph& g, const RunStimulus& s);
/// The beat schedule of `g` (no values: outputs_ok stays true).
FifoRun run_schedule(const Graph& g, const RunStimulus& s);

}  // namespace nnsim
