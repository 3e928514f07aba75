// Resource estimate of a recurrent layer's Verilog (recurrent_rtl.cpp): the cell's parts estimated by
// their own kinds (the two dense products and the table activations, each with the shell figures those
// kinds include), plus the element-wise products of the gates, the state registers and the sequencing.
// A static layer (and any layer under io_stream) has one cell; a non-static one has T cells and the
// delay lines that keep each step's input until its cell starts (shift registers, Yosys's SRL LUTs).
#include <algorithm>

#include "core/resources.hpp"
#include "models/common/recurrent.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// One element-wise product of `n` lanes with its cast, as Yosys maps it.
Resources products(int n, const FixedType& a, const FixedType& b, const FixedType& to) {
    Resources r;
    const int y = a.width + b.width;
    const int d = res::mul_dsps(a.width, a.is_signed, b.width, b.is_signed, y);
    r.dsp = double(n) * d;
    // Without DSPs a product is an array of about wa * wb / 2 LUTs; the cast adds a few per bit.
    r.lut = double(n) * ((d == 0 ? 0.5 * a.width * b.width : 0.0) + 0.5 * to.width);
    return r;
}

/// One cell; `zero_state`: the first cell of a non-static chain, whose state input is the constant 0
/// (Yosys removes its recurrent products).
Resources cell_resources(const RecurrentCell& c, bool zero_state) {
    Resources r;
    // A part's estimate includes the timing shell its kind has as a layer; inside the cell the core
    // stands alone, so that shell is taken off again.
    auto part = [&](const Node& p, const NodeInputs& in, const FixedType& out) {
        const Timing t = p.kind->timing(p, in, IoType::kParallel);
        Resources e = p.kind->estimate(p, in, IoType::kParallel);
        const Resources sh = res::shell(t, int(shape_size(p.shape)) * out.width, p.kind->rtl_held_results(p));
        e.lut -= sh.lut, e.ff -= sh.ff;
        r += e;
    };
    part(c.kernel, c.kernel_in(), c.accum);
    if (!zero_state) {
        part(c.recurrent, c.recurrent_in(), c.accum);
        if (c.has_h_product()) part(c.recurrent_h, c.recurrent_h_in(), c.accum);
    }
    part(c.act, c.act_in(), c.type == CellType::kSimpleRnn ? c.result_t : c.act_t);
    const int n = c.n;
    switch (c.type) {
        case CellType::kSimpleRnn: break;
        case CellType::kLstm:
            part(c.recr_act, c.recr_act_in(), c.recr_act_t);
            part(c.act_state, c.act_state_in(), c.act_t);
            r += products(n, c.act_t, c.recr_act_t, c.state_t);
            r += products(n, c.state_t, c.recr_act_t, c.state_t);
            r += products(n, c.recr_act_t, c.act_t, c.result_t);
            r.ff += double(n) * (c.state_t.width + c.result_t.width);
            break;
        case CellType::kGru:
            part(c.recr_act, c.recr_act_in(), c.recr_act_t);
            r += products(n, c.recr_act_t, c.reset_after ? c.accum : c.result_t, c.accum);
            r += products(n, c.act_t, c.recr_act_t, c.result_t);
            r += products(n, c.result_t, c.recr_act_t, c.result_t);
            r.ff += double(n) * (c.accum.width + c.result_t.width);
            break;
    }
    r.ff += c.step_latency();  // the cell's valid chain
    // The gates' pre-activation adders and casts.
    r.lut += double(c.gates * n) * (c.accum.width + 2);
    r.ff += double(n) * c.result_t.width;
    return r;
}

}  // namespace

Resources RecurrentKind::estimate(const Node& node, const NodeInputs& in, IoType io) const {
    const RecurrentCell c = make_cell(node, in);
    const int T = c.steps;
    Resources r;
    const double xbits = double(c.n_in) * c.x_t.width;
    const double hbits = double(c.n) * c.result_t.width;
    if (io == IoType::kStream) {
        // One cell whatever `static` says, fed a beat at a time; a one-entry output queue, counters.
        r = cell_resources(c, false);
        r.ff += hbits + 2.0 * bits_for(uint64_t(T)) + 4;
        r.lut += hbits + 2.0 * bits_for(uint64_t(T)) + 8;
    } else if (c.is_static) {
        r = cell_resources(c, false);
        r.ff += double(T) * xbits;                          // the sample's input sequence
        r.lut += double(T) * xbits / 6.0 + 2.0 * bits_for(uint64_t(T)) + 8;  // step multiplexer, counters
        if (c.return_sequences) r.ff += double(T) * hbits;
    } else {
        r = cell_resources(c, true);
        const Resources cell = cell_resources(c, false);
        for (int t = 1; t < T; ++t) r += cell;
        // Step t's input waits t * L_step cycles; outputs of return_sequences wait (T-1-t) * L_step.
        // A delay of d cycles is one shift register per bit: SRL LUTs of up to 32 stages (Yosys keeps
        // delays of 1 or 2 cycles in flip-flops).
        auto delay = [&](double width, int d) {
            if (d <= 0) return;
            if (d <= 2) r.ff += width * d;
            else r.lut += width * double((d + 31) / 32);
        };
        for (int t = 1; t < T; ++t) {
            delay(xbits, t * c.step_latency());
            if (c.return_sequences) delay(hbits, (T - 1 - t) * c.step_latency());
        }
    }
    // The layer's own timing shell around the whole core.
    r += res::shell(timing(node, in, io), int(shape_size(node.shape)) * c.result_t.width, rtl_held_results(node));
    return r;
}

}  // namespace nnsim
