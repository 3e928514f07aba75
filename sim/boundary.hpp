// The network boundary in the SystemC model: a source that offers samples under an input arrival
// pattern, and sinks that accept results under an output ready pattern (sim/patterns.hpp). The same
// patterns drive the RTL testbench, so handshake cycles can be compared one for one.
//
// Source and sink are processes like the layer shells (sim/cycle_process.hpp): one step per cycle
// they act in, run by SystemC's kernel or the cycle calendar.
//
// Samples reach the source through a SampleFeed: preloaded for `nnsim sim`, or pushed one by one by
// the TLM-2.0 target (sim/tlm_target.hpp).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <systemc>
#include <vector>

#include "sim/channel.hpp"
#include "sim/cycle_process.hpp"
#include "sim/patterns.hpp"

namespace nnsim {

/// Reserve room for `n` elements in `v` and commit its memory: the pages are written once here, so
/// that recording into them during the run neither reallocates nor takes a page fault per 4 KiB (a
/// fault costs microseconds on a virtual machine, more than a sample's steps).
template <class T>
void reserve_committed(std::vector<T>& v, size_t n) {
    const size_t used = v.size();
    if (n > used) v.resize(n);
    v.resize(used);  // keeps the capacity and the now-mapped pages
}

/// Samples of one network input, in order. Entries are never removed while the model runs (tokens
/// in flight point into them).
struct SampleFeed {
    std::deque<std::vector<int64_t>> samples;  ///< raw input values per sample
    bool closed = false;                       ///< no sample will be added any more
    sc_core::sc_event pushed;                  ///< notified when a sample is added
    void push(std::vector<int64_t> s) {
        samples.push_back(std::move(s));
        pushed.notify(sc_core::SC_ZERO_TIME);
    }
};

/// Writes the beats of sample k of one network input into its channels, each in the first cycle that
/// is active in the pattern, after the previous beat, and in which every channel has room (the
/// AXI-Stream tvalid/tready handshake of the generated top). A sample is `beats` beats of `width`
/// values (one beat per sample under io_parallel, one per pixel under io_stream).
/// Its outputs are the channels of the input's consumers.
class Source : public ProcessModule {
  public:
    Source(const sc_core::sc_module_name& name, SampleFeed* feed, const CyclePattern& pattern,
           const sc_core::sc_time& period, size_t beats = 1, size_t width = 0);
    std::vector<uint64_t> accept_cycles;  ///< handshake cycle of the first beat of every sample
    std::vector<uint64_t> beat_cycles;    ///< handshake cycle of every beat
    sc_core::sc_event accepted;           ///< notified when a sample's last beat has been accepted
    uint64_t pace = 0;                    ///< offer sample k no earlier than cycle k * pace (0: no limit)
    size_t sent() const { return m_sent; }  ///< samples whose every beat has been accepted
    bool drained() const { return m_feed->closed && sent() == m_feed->samples.size(); }
    /// Room for the handshakes of `n` samples, so that recording them never reallocates during the run.
    void reserve(size_t n) {
        reserve_committed(accept_cycles, n);
        reserve_committed(beat_cycles, n * m_beats);
    }
    void step() override;

  private:
    SampleFeed* m_feed;
    CyclePattern m_pattern;
    size_t m_beats, m_width;  ///< beats per sample and values per beat
    size_t m_sent = 0;        ///< see sent(); also the index of the sample being sent
    size_t m_beat = 0;        ///< index of the next beat of that sample
    bool m_started = false;   ///< the first call (after the channels were bound) has run
    bool m_wait_push = false; ///< sleeping until a sample is pushed
};

/// Reads the beats of one network output in cycles active in the ready pattern, one per cycle, and
/// assembles them into results of `beats` x `width` values. Its one input is the output's channel.
class Sink : public ProcessModule {
  public:
    Sink(const sc_core::sc_module_name& name, size_t width, const CyclePattern& pattern,
         const sc_core::sc_time& period, size_t beats = 1);
    std::vector<uint64_t> accept_cycles;       ///< handshake cycle of the last beat of every result
    std::vector<uint64_t> beat_cycles;         ///< handshake cycle of every beat
    std::vector<uint32_t> samples;             ///< sample index of every result, in arrival order
    /// Complete results so far, and the raw values of result i (beats x width values; the pointer is
    /// valid until the next result arrives).
    size_t results() const { return m_results; }
    const int64_t* result(size_t i) const { return m_values.data() + i * m_width * m_beats; }
    /// Every complete result, one vector each.
    std::vector<std::vector<int64_t>> values() const;
    /// Room for `n` results, so that storing them never reallocates during the run.
    void reserve(size_t n);
    sc_core::sc_event received;                ///< notified (delta) after a complete result, see notify_from
    /// `received` is notified only for results from this count on (0: every result). A reader that
    /// needs only the last of a known number of results raises it, so the kernel schedules no
    /// notification per result.
    size_t notify_from = 0;
    void step() override;

  private:
    size_t m_width;                  ///< values per beat
    size_t m_beats;                  ///< beats per result
    std::vector<int64_t> m_values;   ///< results, one after the other, and the one being assembled
    size_t m_results = 0;            ///< see results()
    CyclePattern m_pattern;
    bool m_started = false;          ///< the first call (after the channel was bound) has run
};

}  // namespace nnsim
