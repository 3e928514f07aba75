// The RTL sliding-window shell of streaming window kinds under io_stream (convolutions, depthwise
// convolutions, pooling): hls4ml's line-buffer implementation (hls4ml_reference.md section 2.5).
// It implements the repack contract of docs/timing.md with at most one output beat released per
// input beat: input pixels arrive one per beat in row-major order; K_h - 1 line buffers of the row
// width and a K_h x K_w x C window register assemble each window; when an input beat completes a
// window whose top-left corner lies on the stride grid, the window goes to the kind's window core,
// whose result (one output pixel) is written L cycles later through a queue of ceil(L / II) beats
// with bypass.
#pragma once

#include <ostream>
#include <string>

#include "core/layer_kind.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

/// Geometry of a window kind on a [in_h, in_w, chans] input (1D kinds: in_h = k_h = s_h = 1).
struct WindowGeometry {
    int in_h = 1, in_w = 1, chans = 1;  ///< input tensor, channels last
    int k_h = 1, k_w = 1;               ///< window
    int s_h = 1, s_w = 1;               ///< stride
    int out_h = 1, out_w = 1;           ///< output positions: (in - k) / s + 1 per axis
};

/// Per output pixel (row-major), the input beats needed: the beat of the window's bottom-right pixel
/// plus one. This is the kind's LayerKind::stream_needs.
std::vector<int64_t> window_needs(const WindowGeometry& g);

/// Writes module `spec.module` (the layer wrapper's ports) around the window core `core_module`, whose
/// ports are those of RtlCoreSpec: in_data = the window, k_h * k_w * chans elements of `elem_width`
/// bits in (row, column, channel) row-major order, element 0 in the low bits; out_data = one output
/// beat of `out_beat_width` bits, valid exactly t.latency cycles after in_valid; in_valid is high at
/// most once every t.ii cycles. An input beat is accepted at most once every t.ii cycles (the kind's
/// per-beat II) under the repack contract's room rule.
void emit_window_shell(std::ostream& os, const RtlStreamSpec& spec, const WindowGeometry& g,
                       const std::string& core_module, int elem_width, int out_beat_width, const Timing& t);

/// Estimated resources of that shell alone (shift chain, window taps, queue, counters); the kind adds
/// its window core's estimate. Not calibrated against Yosys.
Resources window_shell_estimate(const WindowGeometry& g, int elem_width, int out_beat_width, const Timing& t);

}  // namespace nnsim
