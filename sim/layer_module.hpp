// One layer of the network as a SystemC module: the timing shell shared by every layer kind, around
// the kind's bit-exact LayerOp (values) and Timing (cycles).
//
// Timing contract (docs/timing.md), evaluated at the start of every cycle t from registered state:
//   pop    = the oldest pending result is ready (accepted at t0 with t0 + latency <= t) and every
//            output channel has a free slot  -> it is written to all outputs in cycle t;
//   accept = t >= last accept + II, every input channel holds a word, and fewer than
//            P = ceil(latency / II) results are pending after this cycle's pop
//            -> one word is read from every input in cycle t, its result is ready at t + latency.
// P bounds the results in flight (a pipeline of depth `latency` started every II cycles), so the
// compute core never stalls; back-pressure holds results in the pending queue. The generated RTL
// implements the same shell (rtl/), so handshakes land on the same cycles.
//
// The module sleeps between the cycles where something can change: until the head result is ready,
// until the next II slot, or until a channel event (notified one cycle after the transfer). It never
// polls idle cycles, which keeps large reuse factors cheap to simulate.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "core/layer_kind.hpp"
#include "sim/channel.hpp"

namespace nnsim {

/// Counters of one module over a run (cycles unless noted).
struct LayerStats {
    uint64_t accepted = 0;        ///< samples read
    uint64_t written = 0;         ///< results written
    uint64_t busy_cycles = 0;     ///< cycles with at least one sample in flight or pending
    uint64_t stall_out_cycles = 0;///< cycles a ready result waited for output space
    uint64_t stall_in_cycles = 0; ///< cycles the module could accept but an input was empty (after the first sample)
};

class LayerModule : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(LayerModule);
    LayerModule(const sc_core::sc_module_name& name, const Node& node, const NodeInputs& in, const Timing& timing,
                std::unique_ptr<LayerOp> op, const sc_core::sc_time& period, size_t output_slots);

    std::vector<Channel*> inputs;   ///< one per node input, bound by the top builder
    std::vector<Channel*> outputs;  ///< one per consumer (fan-out writes all at once)

    const Node& node() const { return m_node; }
    const Timing& timing() const { return m_timing; }
    const LayerStats& stats() const { return m_stats; }
    /// What the module waits for right now, for deadlock reports.
    std::string waiting_on() const;
    bool idle() const { return m_pending.empty(); }

  private:
    /// A result in flight or waiting for output space.
    struct Pending {
        uint64_t ready;   ///< first cycle it may be written
        uint32_t sample;  ///< sample index
        int64_t* data;    ///< slot of the result ring
    };
    void run();
    uint64_t cycle() const;
    void account(uint64_t from, uint64_t to);

    const Node& m_node;
    Timing m_timing;
    std::unique_ptr<LayerOp> m_op;       ///< the kind's bit-exact evaluator
    sc_core::sc_time m_period;
    size_t m_capacity;                   ///< P = ceil(latency / II)
    std::deque<Pending> m_pending;       ///< results in flight, oldest first
    std::vector<std::vector<int64_t>> m_ring;  ///< result storage, reused round-robin
    size_t m_ring_next = 0;
    uint64_t m_next_accept = 0;          ///< earliest cycle of the next accept (II)
    LayerStats m_stats;
    uint64_t m_last_cycle = 0;           ///< last cycle accounted in the stats
    bool m_waiting_input = false, m_waiting_output = false;  ///< for waiting_on()
};

}  // namespace nnsim
