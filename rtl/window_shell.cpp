// The RTL sliding-window shell (window_shell.hpp), cycle for cycle sim/repack_module.cpp for needs from
// window_needs (each input beat releases at most one output beat):
//   held       = released output beats not yet written (in the core's pipeline or queued)
//   pop        = a ready beat (queue head, else the core's output this cycle) & ~out_full
//   accept     = II slot reached & input non-empty & (held - pop + releases(this beat)) <= C
//   C          = ceil(L / II) (repack_capacity with one beat released per input beat)
// Storage: the K_h - 1 line buffers and the window registers form one shift chain of the
// D = (K_h - 1) * W + K_w - 1 pixels accepted before the current one (shifted on every accept, never
// cleared between samples: a window on the stride grid only reaches pixels of its own sample). Window
// element (kh, kw) is the pixel accepted (K_h - 1 - kh) * W + (K_w - 1 - kw) beats ago, the current
// beat for the bottom-right corner. A 1x1 kernel has no chain (D = 0): the window is the input beat.
// Row and column counters follow the input beat; the beat releases a window when its position lies on
// the stride grid of bottom-right corners (constant row and column masks indexed by the counters).
#include "rtl/window_shell.hpp"

#include <algorithm>

#include "core/diag.hpp"
#include "core/resources.hpp"

namespace nnsim {

std::vector<int64_t> window_needs(const WindowGeometry& g) {
    std::vector<int64_t> needs;
    needs.reserve(size_t(g.out_h) * size_t(g.out_w));
    for (int oy = 0; oy < g.out_h; ++oy)
        for (int ox = 0; ox < g.out_w; ++ox) {
            const int64_t r = int64_t(oy) * g.s_h + g.k_h - 1, c = int64_t(ox) * g.s_w + g.k_w - 1;
            needs.push_back(r * g.in_w + c + 1);
        }
    return needs;
}

namespace {

/// Mask of `n` positions padded to 2^bits: bit p set when a window's last row (column) p lies on the
/// stride grid, p = k - 1 + s * i for i < outs.
std::string grid_mask(int bits, int k, int s, int outs) {
    const int size = 1 << bits;
    std::string m(size_t(size), '0');  // m[0] is the top bit
    for (int i = 0; i < outs; ++i) m[size_t(size - 1 - (k - 1 + s * i))] = '1';
    return std::to_string(size) + "'b" + m;
}

}  // namespace

void emit_window_shell(std::ostream& os, const RtlStreamSpec& spec, const WindowGeometry& g,
                       const std::string& core_module, int elem_width, int out_beat_width, const Timing& t) {
    NNSIM_ASSERT(g.out_h >= 1 && g.out_w >= 1 && g.k_h <= g.in_h && g.k_w <= g.in_w, "window shell geometry");
    const int pw = g.chans * elem_width;                     // one input pixel
    const int depth = (g.k_h - 1) * g.in_w + g.k_w - 1;      // pixels of the shift chain
    const int win = g.k_h * g.k_w * pw;                      // the window
    const int cap = (t.latency + t.ii - 1) / t.ii;           // C
    const int hw = bits_for(uint64_t(cap + 1)) + 1;          // width of held arithmetic
    const int cw = bits_for(uint64_t(std::max(1, g.in_w - 1))), rw = bits_for(uint64_t(std::max(1, g.in_h - 1)));
    const int gw = bits_for(uint64_t(std::max(1, t.ii - 1)));
    auto h = [&](int64_t v) { return vconst(hw, v); };

    os << "// Window shell of " << spec.module << ": " << g.in_h << "x" << g.in_w << "x" << g.chans << " input, "
       << g.k_h << "x" << g.k_w << " window, stride " << g.s_h << "x" << g.s_w << " -> " << g.out_h << "x" << g.out_w
       << " output pixels through " << core_module << " (II " << t.ii << ", latency " << t.latency << ");\n"
       << "// line buffers + window registers: a shift chain of " << depth << " pixels; output queue C = " << cap
       << " (docs/timing.md, Windows).\n"
       << "module " << spec.module << " (\n    input wire clk,\n    input wire rst,\n"
       << "    input wire [" << pw - 1 << ":0] in0_data,\n    input wire in0_empty,\n    output wire in0_rd,\n"
       << "    output wire [" << out_beat_width - 1 << ":0] out_data,\n    output wire out_wr,\n"
       << "    input wire out_full\n);\n";
    // Position of the current input beat and whether it completes a window on the stride grid.
    os << "    reg [" << cw - 1 << ":0] col;\n"
       << "    localparam [" << (1 << cw) - 1 << ":0] COL_GRID = " << grid_mask(cw, g.k_w, g.s_w, g.out_w) << ";\n";
    std::string on_grid = "COL_GRID[col]";
    if (g.in_h > 1) {
        os << "    reg [" << rw - 1 << ":0] row;\n"
           << "    localparam [" << (1 << rw) - 1 << ":0] ROW_GRID = " << grid_mask(rw, g.k_h, g.s_h, g.out_h) << ";\n";
        on_grid = "ROW_GRID[row] & " + on_grid;
    }
    os << "    wire release_now = " << on_grid << ";\n";
    // Held results, the queue and the handshake.
    os << "    wire core_out_valid;\n    wire [" << out_beat_width - 1 << ":0] core_out_data;\n"
       << "    reg [" << hw - 1 << ":0] held;\n    reg [" << hw - 1 << ":0] q_count;\n"
       << "    reg [" << out_beat_width - 1 << ":0] q [0:" << cap - 1 << "];\n"
       << "    wire from_q = (q_count != " << h(0) << ");\n"
       << "    wire pop = (from_q | core_out_valid) & ~out_full;\n"
       << "    wire pop_q = pop & from_q;\n"
       << "    wire push = core_out_valid & ~(pop & ~from_q);\n"
       << "    wire [" << hw - 1 << ":0] held_after_pop = held - {" << vconst(hw - 1, 0) << ", pop};\n";
    std::string slot_ok = "1'b1";
    if (t.ii > 1) {
        os << "    reg [" << gw - 1 << ":0] gap;\n";
        slot_ok = "(gap == " + vconst(gw, 0) + ")";
    }
    os << "    wire accept = " << slot_ok << " & ~in0_empty & ((held_after_pop + {" << vconst(hw - 1, 0)
       << ", release_now}) <= " << h(cap) << ");\n"
       << "    wire start = accept & release_now;\n"
       << "    wire [" << hw - 1 << ":0] q_base = q_count - {" << vconst(hw - 1, 0) << ", pop_q};\n"
       << "    assign in0_rd = accept;\n    assign out_wr = pop;\n"
       << "    assign out_data = from_q ? q[0] : core_out_data;\n";
    // The shift chain and the window.
    if (depth > 0) {
        os << "    reg [" << depth * pw - 1 << ":0] chain;\n    always @(posedge clk) begin\n"
           << "        if (accept) chain <= "
           << (depth == 1 ? std::string("in0_data") : "{chain[" + std::to_string((depth - 1) * pw - 1) + ":0], in0_data}")
           << ";\n    end\n";
    }
    os << "    wire [" << win - 1 << ":0] window;\n";
    for (int kh = 0; kh < g.k_h; ++kh)
        for (int kw = 0; kw < g.k_w; ++kw) {
            const int back = (g.k_h - 1 - kh) * g.in_w + (g.k_w - 1 - kw);
            os << "    assign window[" << (kh * g.k_w + kw) * pw << " +: " << pw << "] = "
               << (back == 0 ? std::string("in0_data") : "chain[" + std::to_string((back - 1) * pw) + " +: " +
                                                            std::to_string(pw) + "]")
               << ";\n";
        }
    // Queue: head at slot 0; a pushed beat goes to the first free slot after this cycle's pop.
    for (int s = 0; s < cap; ++s) {
        const std::string shifted = s + 1 < cap ? "(pop_q ? q[" + std::to_string(s + 1) + "] : q[" + std::to_string(s) + "])"
                                                : "q[" + std::to_string(s) + "]";
        os << "    always @(posedge clk) begin\n        if (push & (q_base == " << h(s) << ")) q[" << s
           << "] <= core_out_data;\n        else q[" << s << "] <= " << shifted << ";\n    end\n";
    }
    // Counters.
    os << "    always @(posedge clk) begin\n        if (rst) begin\n            held <= " << h(0) << ";\n"
       << "            q_count <= " << h(0) << ";\n            col <= " << vconst(cw, 0) << ";\n";
    if (g.in_h > 1) os << "            row <= " << vconst(rw, 0) << ";\n";
    if (t.ii > 1) os << "            gap <= " << vconst(gw, 0) << ";\n";
    os << "        end else begin\n"
       << "            held <= held_after_pop + {" << vconst(hw - 1, 0) << ", start};\n"
       << "            q_count <= q_base + {" << vconst(hw - 1, 0) << ", push};\n";
    if (t.ii > 1)
        os << "            if (accept) gap <= " << vconst(gw, t.ii - 1) << ";\n            else if (gap != "
           << vconst(gw, 0) << ") gap <= gap - " << vconst(gw, 1) << ";\n";
    os << "            if (accept) begin\n"
       << "                col <= (col == " << vconst(cw, g.in_w - 1) << ") ? " << vconst(cw, 0) << " : col + "
       << vconst(cw, 1) << ";\n";
    if (g.in_h > 1)
        os << "                if (col == " << vconst(cw, g.in_w - 1) << ") row <= (row == " << vconst(rw, g.in_h - 1)
           << ") ? " << vconst(rw, 0) << " : row + " << vconst(rw, 1) << ";\n";
    os << "            end\n        end\n    end\n";
    os << "    " << core_module << " core (\n        .clk(clk),\n        .rst(rst),\n        .in_valid(start),\n"
       << "        .in_data(window),\n        .out_valid(core_out_valid),\n        .out_data(core_out_data)\n"
       << "    );\nendmodule\n";
}

Resources window_shell_estimate(const WindowGeometry& g, int elem_width, int out_beat_width, const Timing& t) {
    // Not calibrated against Yosys: the shift chain (SRL-mappable: one LUT per bit per 32 pixels, plus
    // the tapped window pixels as FFs), the queue (C beats of registers with a two-way multiplexer each),
    // the bypass multiplexer, counters and handshake logic.
    const int pw = g.chans * elem_width;
    const int depth = (g.k_h - 1) * g.in_w + g.k_w - 1;
    const int cap = (t.latency + t.ii - 1) / t.ii;
    Resources r;
    const double taps = double(g.k_h * g.k_w - 1);
    r.ff += taps * pw;
    r.lut += double(std::max(0.0, double(depth) - taps)) / 32.0 * pw;
    r.ff += double(cap) * out_beat_width;
    r.lut += double(cap) * out_beat_width + out_beat_width;
    const int counters = bits_for(uint64_t(g.in_w)) + bits_for(uint64_t(g.in_h)) + bits_for(uint64_t(t.ii)) +
                         2 * bits_for(uint64_t(cap + 1));
    r.ff += counters;
    r.lut += 2.0 * counters + res::coefficients().control_lut;
    return r;
}

}  // namespace nnsim
