// The network-level timing model: FIFO depths, beats, and the latency and II that a simulation
// without stalls must measure, computed directly from the layer kinds' Timing (no simulation).
//
// Structure of the modelled hardware (docs/timing.md): under io_stream a FIFO word is one pixel (the
// last axis), so a tensor of shape [d0..dk-1, C] is B = d0 * ... * dk-1 beats per sample; under
// io_parallel every tensor is one beat. The source writes the beats of a network input into the FIFO
// of each of its consumers, one beat per cycle; every layer is a timing shell (sim/layer_module.hpp,
// sim/repack_module.hpp) with its kind's II and latency per beat; the sink reads one beat per cycle.
// A FIFO write in cycle t is readable in cycle t + 1.
//
// First-sample latency: a recurrence over the beats of one sample through an empty network, assuming
// no FIFO ever refuses a write (see FifoTiming::needed for when that holds); it is the beat schedule
// of core/beat_schedule.hpp with unbounded FIFOs:
//   source      w[j] = j                                      (beat j written in cycle j)
//   readable    r[j] = w[j] + 1
//   per beat    a[j] = max(a[j-1] + II, max over inputs r_in[j]),  w[j] = a[j] + L
//               (kTensor kinds: one beat; kPixelwise kinds: every beat)
//   repack      input beat i accepted at a[i] = max(a[i-1] + II, r_in[i], the cycle the shell has room
//               for the beats it releases); output beat j is ready at a[needs[j] - 1] + L and written
//               at w[j] = max(ready, w[j-1] + 1)
//   sink        s[j] = max(r[j], s[j-1] + 1); latency = s[last beat] of the slowest output
// For a chain of single-beat layers this is sum(L_i) + n + 1.
//
// The same recurrence over a stream of samples entering every II cycles gives each FIFO's `needed`
// depth: the most words it holds at once. A FIFO shallower than that stalls its producer, which
// costs latency or throughput, and on a skip connection can deadlock (docs/timing.md).
//
// Steady-state II (cycles between samples) = the largest of: beats of every tensor (one beat per cycle
// per FIFO; twice that if one of its FIFOs has depth 1), B x II of each per-beat layer, and
// max(B_in x II, B_out) of each repack.
//
// Default FIFO depths: io_parallel 2 (two slots pass one word per cycle with registered flags);
// io_stream hls4ml's rule prod(shape) / shape[-1] (the pixels of the tensor), raised to at least 2.
// A layer's `fifo_depth` (or a network input's) overrides the depth of every FIFO it writes.
#pragma once

#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

/// Depth of the FIFOs written by a tensor (a network input or a node's result) under the rule above.
int fifo_depth(const Graph& g, const std::string& tensor);
/// Depth of the FIFO between the source and a consumer of a network input.
int input_fifo_depth(const Graph& g, const std::string& input);
/// Name of the FIFO from tensor `from` to layer `to` ("out" for a network output's sink); `dup` counts
/// earlier edges between the same two (a layer reading one tensor twice).
std::string fifo_name(const std::string& from, const std::string& to, int dup = 0);

/// Beats per sample of a tensor: its pixels under io_stream, 1 under io_parallel.
int64_t tensor_beats(const Graph& g, const std::string& tensor);
/// Values per beat of a tensor: its channels (last axis) under io_stream, all values under io_parallel.
int64_t beat_width(const Graph& g, const std::string& tensor);
/// Under io_stream a pixel-wise kind (StreamStyle::kPixelwise) with several pixels per sample computes
/// one pixel at a time: its hardware and its op are those of the node reshaped to one pixel ([C]).
/// Returns false, leaving `pixel` and `in` alone, when the node works on its whole tensor.
bool pixel_view(const Graph& g, const Node& n, Node& pixel, NodeInputs& in);
/// A row-major repack from beats of `in_width` values to `out_beats` beats of `out_width` values: for
/// each output beat, the number of input beats that hold its elements (counted from the first).
std::vector<int64_t> repack_needs(int64_t in_width, int64_t out_width, int64_t out_beats);
/// Per output beat of node `n`, the input beats it needs (LayerKind::stream_needs when the node has
/// several beats in or out under io_stream; {1} otherwise: one beat in, one beat out).
std::vector<int64_t> beat_needs(const Graph& g, const Node& n);
/// Results a repack shell may hold (released and not yet written): the most output beats one input
/// beat releases, plus ceil(latency / II) - 1 for the pipeline.
int64_t repack_capacity(const std::vector<int64_t>& needs, const Timing& t);

/// One FIFO of the network and what the first sample needs of it.
struct FifoTiming {
    std::string name;  ///< fifo_name(from, to)
    int depth = 0;     ///< configured depth
    int needed = 0;    ///< most slots in use when samples enter at the steady-state II under the
                       ///< recurrence above: with depth >= needed on every FIFO no write is ever
                       ///< refused, and the latency and II are exact (sufficient, not necessary:
                       ///< room in another FIFO of the same path can take the words instead)
    int needed_first = 0;  ///< the same for the first sample alone
};

struct NetworkTiming {
    std::vector<Timing> layers;    ///< per node, in graph order
    std::vector<FifoTiming> fifos; ///< per FIFO, in the order the SystemC model builds them (if asked)
    int64_t latency = 0;           ///< first sample, first input beat accepted to last output beat accepted
    int64_t ii = 1;                ///< steady-state cycles between samples without stalls
    std::string bottleneck;        ///< layer (or FIFO) that sets the II
    double throughput(double clock_period_ns) const { return 1e9 / (double(ii) * clock_period_ns); }
};

/// The network's timing; with `fifo_needs`, also NetworkTiming::fifos (a longer run of the schedule).
NetworkTiming analyze_timing(const Graph& g, bool fifo_needs = false);

}  // namespace nnsim
