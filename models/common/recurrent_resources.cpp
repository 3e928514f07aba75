// Resource estimate of a recurrent layer's Verilog (recurrent_rtl.cpp): the cell's parts estimated by
// their own kinds (the two dense products and the table activations, each with the shell figures those
// kinds include), plus the element-wise products of the gates, the state registers and the sequencing.
// A static layer (and any layer under io_stream) has one cell; a non-static one has T cells and the
// delay lines that keep each step's input until its cell starts (shift registers, Yosys's SRL LUTs).
#include <algorithm>

#include "core/resources.hpp"
#include "models/common/recurrent.hpp"
#include "models/common/table_activation.hpp"
#include "models/dense/dense.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// One element-wise product of `n` lanes with its cast, as Yosys maps it: in DSPs where mul2dsp puts
/// it (the cast's logic only), otherwise an array of about wa * wb / 2 LUTs.
Resources products(int n, const FixedType& a, const FixedType& b, const FixedType& to) {
    Resources r;
    const int y = a.width + b.width;
    const int d = res::mul_dsps(a.width, a.is_signed, b.width, b.is_signed, y);
    r.dsp = double(n) * d;
    const res::Sig p{y, a.frac() + b.frac(), a.is_signed || b.is_signed};
    r.lut = double(n) * ((d == 0 ? 0.5 * a.width * b.width : 0.0) + res::cast_luts(p, to));
    return r;
}

/// Whether a + b of two such products is absorbed into the second product's DSP (its post-adder).
bool in_dsp(const FixedType& a, const FixedType& b) {
    return res::mul_dsps(a.width, a.is_signed, b.width, b.is_signed, a.width + b.width) > 0;
}

/// LUTs of a Latency cell relative to the sum of its parts' estimates (fitted, see cell_resources).
constexpr double kFlattenedLatencyLuts = 0.89;

/// A delay line of `d` cycles on `width` bits (recurrent_rtl.cpp's delay()): delays of 1 or 2 cycles
/// stay flip-flops, longer ones become shift registers, one SRL LUT per 32 stages per bit.
void add_delay(Resources& r, double width, int d) {
    if (d <= 0) return;
    if (d <= 2) r.ff += width * d;
    else r.lut += width * double((d + 31) / 32);
}

/// The same delay feeding an operand of a product Yosys puts in DSPs (`dsp`): its last two stages
/// become the DSP's input registers.
void add_delay_into(Resources& r, double width, int d, bool dsp) { add_delay(r, width, dsp ? d - 2 : d); }

/// The bits of an activation's results that vary over its table (what a register of them keeps); all
/// `width` bits for an activation without a table.
double result_bits(const Node& act, int width) {
    if (const auto* t = dynamic_cast<const TableActivationKind*>(act.kind)) return t->columns(act).result;
    return width;
}

/// The dense part `d` without its output columns [from, from + count): the gate a zero state makes dead.
Node without_columns(const Node& d, int from, int count) {
    Node r = d;
    for (const char* w : {"kernel", "bias"}) {
        auto it = r.weights.find(w);
        if (it == r.weights.end()) continue;
        WeightTensor& t = it->second;
        const int cols = t.shape.back(), rows = int(t.data.size()) / cols;
        std::vector<double> kept;
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
                if (j < from || j >= from + count) kept.push_back(t.data[size_t(i) * cols + j]);
        t.data = std::move(kept);
        t.shape.back() = cols - count;
    }
    r.params["n_out"] = int64_t(r.shape[0] - count);
    r.shape = {r.shape[0] - count};
    return r;
}

/// One cell (recurrent_rtl.cpp's emit_cell), register by register. `zero_state`: the first cell of a
/// non-static chain, whose state inputs are the constant 0 (Yosys removes its recurrent products and
/// the state's delay lines); `held`: the top holds x and the state for the whole step (no delays).
Resources cell_resources(const RecurrentCell& c, bool zero_state, bool held) {
    Resources r;
    // A part's estimate includes the timing shell its kind has as a layer; inside the cell the core
    // stands alone, so that shell is taken off again, and so is the part's valid pipeline: started by
    // the cell's valid chain, it repeats that chain's bits and Yosys merges the equal registers.
    auto part = [&](const Node& p, const NodeInputs& in, const FixedType& out, bool x_in_dsp = true) {
        const Timing t = p.kind->timing(p, in, IoType::kParallel);
        Resources e = x_in_dsp ? p.kind->estimate(p, in, IoType::kParallel)
                               : estimate_mac_core(p, dense_plan(p, int(shape_size(in.shapes[0]))), in.types[0], t, false);
        const Resources sh = res::shell(t, int(shape_size(p.shape)) * out.width, p.kind->rtl_held_results(p));
        e.lut -= sh.lut, e.ff -= sh.ff + res::valid_pipeline(t.latency).ff;
        r += e;
    };
    const int n = c.n, lm = c.lat_mac, g = c.gates * n;
    const double wa = c.accum.width, wh = c.result_t.width, ws = c.state_t.width, wr = c.recr_act_t.width;
    const bool state_delays = !held && !zero_state;
    const double zb = n * result_bits(c.recr_act, c.recr_act_t.width);  // the gates' varying bits
    // With a zero state, LSTM's forget gate (it multiplies c_prev) and, without reset_after, GRU's
    // reset gate (it multiplies h_prev) are dead: Yosys removes their kernel columns and table entries
    // (Keras's gate order: i, f, c, o and z, r, h; the second block of n columns).
    const bool dead_gate = zero_state && (c.type == CellType::kLstm || c.has_h_product());
    part(dead_gate ? without_columns(c.kernel, n, n) : c.kernel, c.kernel_in(), c.accum);
    add_delay(r, g * wa, lm - c.lat_k);
    if (!zero_state) {
        // A held cell zeroes the first step's state by a multiplexer in front of the recurrent
        // product's input register. Where nothing else reads that state (SimpleRNN, LSTM) Yosys folds
        // the multiplexer into the register as a synchronous reset, per bit, and the register no longer
        // fits the DSPs' A registers (Latency; Resource keeps it anyway).
        const bool x_reset = held && c.recurrent.strategy == Strategy::kLatency && c.type != CellType::kGru;
        part(c.recurrent, c.recurrent_in(), c.accum, !x_reset);
        if (c.has_h_product()) part(c.recurrent_h, c.recurrent_h_in(), c.accum);
        add_delay(r, (c.has_h_product() ? 2 * n : g) * wa, lm - c.lat_r);
    }
    part(c.act, c.act_in(), c.type == CellType::kSimpleRnn ? c.result_t : c.act_t);
    auto part_gates = [&] {  // the gates' table, without the dead gate's entries
        if (!dead_gate) return part(c.recr_act, c.recr_act_in(), c.recr_act_t);
        Node g = c.recr_act;
        g.shape = {(c.gates - 2) * n};
        part(g, NodeInputs{{g.shape}, {c.accum}}, c.recr_act_t);
    };
    r.ff += c.step_latency();  // the valid chain
    // The pre-activations: one adder per gate column (GRU's candidate is summed later).
    r.lut += (c.type == CellType::kGru ? 2 * n : g) * wa;
    switch (c.type) {
        case CellType::kSimpleRnn: break;
        case CellType::kLstm:
            part_gates();
            part(c.act_state, c.act_state_in(), c.act_t);
            r += products(n, c.act_t, c.recr_act_t, c.state_t);  // g * i
            if (!zero_state) r += products(n, c.state_t, c.recr_act_t, c.state_t);  // c_prev * f
            r += products(n, c.recr_act_t, c.act_t, c.result_t);  // o * act(c)
            if (!in_dsp(c.state_t, c.recr_act_t)) r.lut += n * ws;  // c_t's sum (else the post-adder)
            r.ff += n * (ws + wh);                                // c_reg, h_reg
            add_delay_into(r, zb, 3, in_dsp(c.recr_act_t, c.act_t));  // o waits for act(c)
            // c out, then c_prev in the next cell: one chain of 3 + lm + 2 stages from c_reg, in SRLs.
            if (state_delays) add_delay(r, n * ws, lm + 2), add_delay(r, n * ws, 3);
            break;
        case CellType::kGru: {
            part_gates();
            const int k_act = c.reset_after ? lm + 3 : lm + 3 + c.lat_h;
            if (c.reset_after) {
                // r * b_h: with a zero state b_h is the recurrent bias, a constant the product keeps
                // (and its delay line is constant too); otherwise the line's two stages are the
                // product's B registers when it is a DSP.
                r += products(n, c.recr_act_t, c.accum, c.accum);
                add_delay(r, n * wa, 2);  // a_h
                if (!zero_state) add_delay_into(r, n * wa, 2, in_dsp(c.recr_act_t, c.accum));  // b_h
                if (!in_dsp(c.recr_act_t, c.accum)) r.lut += n * wa;                   // a_h + r * b_h
                r.ff += n * wa;                                                        // u_reg
            } else {
                if (!zero_state) {  // with a zero state r * h and the register after it are constants
                    r += products(n, c.recr_act_t, c.result_t, c.result_t);  // r * h
                    r.ff += n * wh;                                            // rh_reg
                }
                add_delay(r, n * wa, 3 + c.lat_h);                                         // a_h
                r.lut += n * wa;                                                           // a_h + (r h) U_h
                if (state_delays) add_delay_into(r, n * wh, lm + 2, in_dsp(c.recr_act_t, c.result_t));  // h_prev, r * h
            }
            r += products(n, c.act_t, c.recr_act_t, c.result_t);  // (1 - z) * candidate
            if (!zero_state) r += products(n, c.result_t, c.recr_act_t, c.result_t);  // z * h_prev
            r.lut += n * (in_dsp(c.result_t, c.recr_act_t) ? wr : wh + wr);  // 1 - z, the sum (or post-adder)
            r.ff += n * wh;                                       // h_reg
            // z waits for the candidate. Where z * h_prev is a DSP, that product takes the line's last
            // two stages as its B registers and 1 - z keeps its own copy of them in flip-flops.
            const int dz = k_act + 2 - (lm + 2);
            if (!zero_state && in_dsp(c.result_t, c.recr_act_t)) r.ff += 2 * zb, add_delay(r, zb, dz - 2);
            else add_delay(r, zb, dz);
            if (state_delays) add_delay_into(r, n * wh, k_act + 2, in_dsp(c.result_t, c.recr_act_t));  // h_prev, z * h
            break;
        }
    }
    // Under Latency the parts are combinational trees between registers that Yosys, on the flattened
    // layer, optimizes across the parts' boundaries (the dense sums, the pre-activation adders and the
    // table index logic): the cell's LUTs came out 9 to 14 % below the sum of its parts (kept as
    // separate modules) on simple_rnn and lstm, static and non-static, fixed<16,6>.
    if (c.kernel.strategy == Strategy::kLatency) r.lut *= kFlattenedLatencyLuts;
    return r;
}

}  // namespace

Resources RecurrentKind::estimate(const Node& node, const NodeInputs& in, IoType io) const {
    const RecurrentCell c = make_cell(node, in);
    const int T = c.steps;
    const double xbits = double(c.n_in) * c.x_t.width;
    const double hbits = double(c.n) * c.result_t.width;
    Resources r;
    if (io == IoType::kStream) {
        // One cell fed a beat at a time: the one-entry output queue and its multiplexer, counters.
        r = cell_resources(c, false, true);
        r.ff += hbits + bits_for(uint64_t(T)) + bits_for(uint64_t(c.step_latency())) + 3;
        r.lut += hbits + 2.0 * (bits_for(uint64_t(T)) + bits_for(uint64_t(c.step_latency()))) + 10;
    } else if (c.is_static) {
        // One cell; the steps still to come in a buffer shifted a step at a time (a load-or-shift
        // multiplexer per bit when T > 2), the step's x selected from it or the input, the step
        // counter.
        r = cell_resources(c, false, true);
        const int sw = bits_for(uint64_t(T > 1 ? T - 1 : 1));
        if (T > 1) r.ff += double(T - 1) * xbits, r.lut += xbits;
        if (T > 2) r.lut += double(T - 1) * xbits;
        // (The zeroed state costs nothing: it becomes the synchronous reset of the registers it feeds.)
        r.ff += sw;
        r.lut += 2.0 * sw + 4;
        if (c.return_sequences) r.ff += double(T - 1) * hbits;  // the earlier steps' h
    } else {
        r = cell_resources(c, true, false);
        const Resources cell = cell_resources(c, false, false);
        for (int t = 1; t < T; ++t) r += cell;
        // Step t's input waits t * L_step cycles; outputs of return_sequences wait (T-1-t) * L_step.
        for (int t = 1; t < T; ++t) {
            add_delay(r, xbits, t * c.step_latency());
            if (c.return_sequences) add_delay(r, hbits, (T - 1 - t) * c.step_latency());
        }
    }
    // The layer's own timing shell around the whole core.
    r += res::shell(timing(node, in, io), int(shape_size(node.shape)) * c.result_t.width, rtl_held_results(node));
    return r;
}

}  // namespace nnsim
