// One layer of the network as a SystemC module: the timing shell shared by every layer kind, around
// the kind's bit-exact LayerOp (values) and Timing (cycles). Repacking kinds (reshape) have their own
// shell (sim/repack_module.hpp); both derive from LayerShell.
//
// Timing contract (docs/timing.md), per beat (one per sample under io_parallel and for flat tensors;
// one per pixel under io_stream), evaluated at the start of every cycle t from registered state:
//   pop    = the oldest pending result is ready (accepted at t0 with t0 + latency <= t) and every
//            output channel has a free slot  -> it is written to all outputs in cycle t;
//   accept = t >= last accept + II, every input channel holds a word, and fewer than
//            P = ceil(latency / II) results are pending after this cycle's pop
//            -> one word (the same beat of the same sample) is read from every input in cycle t, its
//               result is ready at t + latency.
// P bounds the results in flight (a pipeline of depth `latency` started every II cycles), so the
// compute core never stalls; back-pressure holds results in the pending queue. The generated RTL
// implements the same shell (rtl/), so handshakes land on the same cycles.
//
// The module sleeps between the cycles where something can change: until the head result is ready,
// until the next II slot, or until a channel event (notified one cycle after the transfer). It never
// polls idle cycles, which keeps large reuse factors cheap to simulate. Each shell is one step per
// cycle it acts in (sim/cycle_process.hpp), run as an SC_METHOD by SystemC's kernel or called by the
// cycle calendar (sim/calendar.hpp).
#pragma once

#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "core/layer_kind.hpp"
#include "sim/channel.hpp"
#include "sim/cycle_process.hpp"

namespace nnsim {

/// A first-in first-out queue on a ring that doubles when full: the shells' results in flight, without
/// std::deque's chunk bookkeeping on every push and pop.
template <class T>
class Ring {
  public:
    bool empty() const { return m_size == 0; }
    size_t size() const { return m_size; }
    const T& front() const { return m_buf[m_head]; }
    void pop_front() {
        m_head = (m_head + 1) & m_mask;
        --m_size;
    }
    void push_back(const T& v) {
        if (m_size == m_buf.size()) grow();
        m_buf[(m_head + m_size) & m_mask] = v;
        ++m_size;
    }

  private:
    void grow() {
        std::vector<T> b(m_buf.empty() ? 4 : 2 * m_buf.size());
        for (size_t i = 0; i < m_size; ++i) b[i] = m_buf[(m_head + i) & m_mask];
        m_buf.swap(b);
        m_mask = m_buf.size() - 1;
        m_head = 0;
    }
    std::vector<T> m_buf;  ///< power-of-two size
    size_t m_mask = 0;     ///< m_buf.size() - 1
    size_t m_head = 0, m_size = 0;
};

/// Storage for a shell's result beats, reused round-robin: a beat's slot must outlive its time
/// pending and in the output FIFOs, so there are that many slots plus a margin.
class ResultSlots {
  public:
    ResultSlots(size_t count, size_t width) : m_values(count * width, 0), m_count(count), m_width(width) {}
    int64_t* next() {
        int64_t* slot = m_values.data() + m_next * m_width;
        if (++m_next == m_count) m_next = 0;
        return slot;
    }

  private:
    std::vector<int64_t> m_values;
    size_t m_count, m_width, m_next = 0;
};

/// Counters of one module over a run (cycles unless noted).
struct LayerStats {
    uint64_t accepted = 0;        ///< samples read (counted at their last beat)
    uint64_t written = 0;         ///< results written (counted at their last beat)
    uint64_t busy_cycles = 0;     ///< cycles with at least one beat in flight or pending
    uint64_t stall_out_cycles = 0;///< cycles a ready result waited for output space
    uint64_t stall_in_cycles = 0; ///< cycles the module could accept but an input was empty (after the first sample)
};

/// What the top builder, the watchdog and the waveforms see of a layer, whichever shell models it.
/// Its inputs are one channel per node input; its outputs one per consumer.
class LayerShell : public ProcessModule {
  public:
    LayerShell(const sc_core::sc_module_name& name, const Node& node, const Timing& timing,
               const sc_core::sc_time& period)
        : ProcessModule(name, period), m_node(node), m_timing(timing) {}

    const Node& node() const { return m_node; }
    const Timing& timing() const { return m_timing; }
    const LayerStats& stats() const { return m_stats; }
    /// What the module waits for right now, for deadlock reports: the full output FIFOs it needs space
    /// in and the empty input FIFOs it needs data from.
    std::string waiting_on() const;
    /// Nothing in flight or waiting for output space.
    bool idle() const { return m_pending.empty(); }

  protected:
    /// An output beat in flight or waiting for output space.
    struct Pending {
        uint64_t ready;   ///< first cycle it may be written
        uint32_t sample;  ///< sample index
        uint32_t beat;    ///< output beat index within the sample
        int64_t* data;    ///< the beat's values (storage owned by the shell)
    };
    /// Add cycles [from, to) to the stats, during which `pending` results were held.
    void account(uint64_t from, uint64_t to, bool pending) {
        if (to <= from) return;
        const uint64_t n = to - from;
        if (pending) m_stats.busy_cycles += n;
        if (m_waiting_output && to > m_output_since) m_stats.stall_out_cycles += to - std::max(from, m_output_since);
        if (m_waiting_input && m_stats.accepted > 0 && to > m_waiting_since)
            m_stats.stall_in_cycles += to - std::max(from, m_waiting_since);
    }
    /// The first step of every cycle t: write the oldest pending beat to every output if it is ready and
    /// every output has room, else note that the shell waits for output space. `last_beat`: the index of
    /// a sample's last output beat (a sample counts as written with it).
    void write_oldest(uint64_t t, uint32_t last_beat) {
        m_waiting_output = false;
        if (m_pending.empty() || m_pending.front().ready > t) return;
        for (const Channel* c : outputs)
            if (!c->can_write()) {
                m_waiting_output = true;
                m_output_since = t;
                return;
            }
        const Pending& p = m_pending.front();
        for (Channel* c : outputs) c->write(Token{p.sample, p.beat, p.data}, t);
        if (p.beat == last_beat) ++m_stats.written;
        m_pending.pop_front();
    }
    /// The step in cycle t ends with the oldest result ready but not written (it wrote another one in
    /// t, or it is blocked): it waits for output space from t + 1 unless it already did.
    void note_ready_result(uint64_t t) {
        if (!m_waiting_output) m_waiting_output = true, m_output_since = t + 1;
    }
    /// Every input FIFO holds a word.
    bool inputs_hold_data() const {
        for (const Channel* c : inputs)
            if (!c->can_read()) return false;
        return true;
    }

    Ring<Pending> m_pending;        ///< output beats in flight, oldest first

    const Node& m_node;
    Timing m_timing;
    LayerStats m_stats;
    uint64_t m_last_cycle = 0;  ///< last cycle accounted in the stats
    bool m_waiting_input = false, m_waiting_output = false;  ///< for waiting_on()
    uint64_t m_waiting_since = 0;  ///< first cycle of the wait for input (the stats count from it)
    uint64_t m_output_since = 0;   ///< first cycle of the wait for output space
    bool m_started = false;     ///< the first call (after the channels were bound) has run
};

/// The shell of kinds that take one beat from every input and give one beat out (StreamStyle kTensor
/// and kPixelwise): under io_stream a pixel-wise kind's op is compiled for one pixel and runs per beat.
class LayerModule : public LayerShell {
  public:
    /// `beats`: beats per sample of the inputs and the output; `beat_width`: values per output beat;
    /// `output_slots`: the deepest output FIFO (result storage must outlive the words queued there).
    LayerModule(const sc_core::sc_module_name& name, const Node& node, const Timing& timing,
                std::unique_ptr<LayerOp> op, const sc_core::sc_time& period, size_t beats, size_t beat_width,
                size_t output_slots);

    void step() override;

  private:
    std::unique_ptr<LayerOp> m_op;       ///< the kind's bit-exact evaluator (of one beat)
    uint32_t m_beats;                    ///< beats per sample
    size_t m_capacity;                   ///< P = ceil(latency / II)
    ResultSlots m_slots;                 ///< result storage
    uint64_t m_next_accept = 0;          ///< earliest cycle of the next accept (II)
    std::vector<const int64_t*> m_args;  ///< the op's arguments: the beat read from every input
};

}  // namespace nnsim
