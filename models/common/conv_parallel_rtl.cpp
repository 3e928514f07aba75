// The io_parallel Verilog core of a convolution (one beat = the whole tensor): the P output pixels go
// one after the other through one dense core of the window (n_in = K_h * K_w * C, n_out = F, II RF,
// latency Ld = RF + 1 or RF + 2), as hls4ml's io_parallel conv with one partition per pixel:
//   cycle t0 (in_valid)      pixel 0's window, taken straight from in_data, enters the dense core;
//                            in_data is kept in x_reg
//   cycle t0 + p * RF        pixel p's window, multiplexed from x_reg by the pixel counter
//   cycle t0 + p * RF + Ld   pixel p's result leaves the dense core; pixels 0..P-2 are registered
//   out_valid                with pixel P-1's result, at t0 + (P - 1) * RF + Ld
// So II = P * RF and latency = (P - 1) * RF + Ld = P * RF + 1 (Latency) or P * RF + 2 (Resource);
// the next sample's pixel 0 enters at t0 + P * RF, after the last pixel. With P = 1 the core is the
// dense core on the one window.
#include <algorithm>

#include "models/common/conv.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

void emit_conv_parallel_core(std::ostream& os, const RtlCoreSpec& spec, const WindowGeometry& g,
                             const std::string& dense_module, const Timing& dt) {
    const int p_count = g.out_h * g.out_w, rf = dt.ii;
    const int ew = spec.in_types[0].width, pw = g.chans * ew, iw = spec.in_width;
    const int win = g.k_h * g.k_w * pw, ow = spec.out_width / p_count;
    const int pb = bits_for(uint64_t(std::max(1, p_count - 1))), gw = bits_for(uint64_t(std::max(1, rf - 1)));
    // Bit offset in the input tensor of window pixel (kh, kw) of output pixel p.
    auto src_off = [&](int p, int kh, int kw) {
        const int oy = p / g.out_w, ox = p % g.out_w;
        return ((oy * g.s_h + kh) * g.in_w + ox * g.s_w + kw) * pw;
    };
    os << "// Convolution core " << spec.module << ": " << g.in_h << "x" << g.in_w << "x" << g.chans << " -> "
       << g.out_h << "x" << g.out_w << " pixels through " << dense_module << ", one pixel every " << rf
       << " cycles.\n// II " << spec.timing.ii << ", latency " << spec.timing.latency << " cycles (docs/timing.md).\n"
       << "module " << spec.module << " (\n    input wire clk,\n    input wire rst,\n    input wire in_valid,\n"
       << "    input wire [" << iw - 1 << ":0] in_data,\n    output wire out_valid,\n"
       << "    output wire [" << spec.out_width - 1 << ":0] out_data\n);\n"
       << "    wire win_valid;\n    wire [" << win - 1 << ":0] window;\n    wire core_out_valid;\n"
       << "    wire [" << ow - 1 << ":0] core_out_data;\n";
    if (p_count == 1) {
        for (int kh = 0; kh < g.k_h; ++kh)
            for (int kw = 0; kw < g.k_w; ++kw)
                os << "    assign window[" << (kh * g.k_w + kw) * pw << " +: " << pw << "] = in_data["
                   << src_off(0, kh, kw) << " +: " << pw << "];\n";
        if (win < iw)
            os << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << iw - 1
               << ":0] unused_in = in_data;\n    /* verilator lint_on UNUSEDSIGNAL */\n";
        os << "    assign win_valid = in_valid;\n    assign out_valid = core_out_valid;\n"
           << "    assign out_data = core_out_data;\n";
    } else {
        os << "    reg [" << iw - 1 << ":0] x_reg;\n    reg busy;\n    reg [" << pb - 1 << ":0] pix;\n"
           << "    reg [" << pb - 1 << ":0] opix;\n    reg [" << (p_count - 1) * ow - 1 << ":0] res;\n";
        std::string issue = "busy";
        if (rf > 1) {
            os << "    reg [" << gw - 1 << ":0] gap;\n";
            issue = "busy & (gap == " + vconst(gw, 0) + ")";
        }
        os << "    wire issue = " << issue << ";\n"
           << "    /* verilator lint_off UNUSEDSIGNAL */\n    wire [" << 2 * iw - 1
           << ":0] unused_in = {in_data, x_reg};\n    /* verilator lint_on UNUSEDSIGNAL */\n"
           << "    assign win_valid = in_valid | issue;\n";
        // The window multiplexer: pixel 0's window straight from in_data, pixel p >= 1's picked from
        // x_reg by the pixel counter.
        for (int kh = 0; kh < g.k_h; ++kh)
            for (int kw = 0; kw < g.k_w; ++kw) {
                const std::string wp = "wp" + std::to_string(kh) + "_" + std::to_string(kw);
                os << "    reg [" << pw - 1 << ":0] " << wp << ";\n    always @(*) begin\n        case (pix)\n";
                for (int p = 1; p < p_count; ++p)
                    os << "            " << vconst(pb, p) << ": " << wp << " = x_reg[" << src_off(p, kh, kw) << " +: "
                       << pw << "];\n";
                os << "            default: " << wp << " = x_reg[" << src_off(p_count - 1, kh, kw) << " +: " << pw
                   << "];\n        endcase\n    end\n"
                   << "    assign window[" << (kh * g.k_w + kw) * pw << " +: " << pw << "] = in_valid ? in_data["
                   << src_off(0, kh, kw) << " +: " << pw << "] : " << wp << ";\n";
            }
        // Pixel sequencer and result collection.
        os << "    always @(posedge clk) begin\n        if (in_valid) x_reg <= in_data;\n"
           << "        if (core_out_valid) begin\n            case (opix)\n";
        for (int p = 0; p + 1 < p_count; ++p)
            os << "                " << vconst(pb, p) << ": res[" << p * ow << " +: " << ow << "] <= core_out_data;\n";
        os << "                default: ;\n            endcase\n        end\n    end\n"
           << "    always @(posedge clk) begin\n        if (rst) begin\n            busy <= 1'b0;\n"
           << "            pix <= " << vconst(pb, 0) << ";\n            opix <= " << vconst(pb, 0) << ";\n";
        if (rf > 1) os << "            gap <= " << vconst(gw, 0) << ";\n";
        os << "        end else begin\n            if (in_valid) begin\n                busy <= 1'b1;\n"
           << "                pix <= " << vconst(pb, 1) << ";\n";
        if (rf > 1) os << "                gap <= " << vconst(gw, rf - 1) << ";\n";
        os << "            end else if (issue) begin\n"
           << "                if (pix == " << vconst(pb, p_count - 1) << ") busy <= 1'b0;\n"
           << "                pix <= pix + " << vconst(pb, 1) << ";\n";
        if (rf > 1)
            os << "                gap <= " << vconst(gw, rf - 1) << ";\n            end else if (busy) begin\n"
               << "                gap <= gap - " << vconst(gw, 1) << ";\n";
        os << "            end\n            if (core_out_valid) opix <= (opix == " << vconst(pb, p_count - 1) << ") ? "
           << vconst(pb, 0) << " : opix + " << vconst(pb, 1) << ";\n        end\n    end\n"
           << "    assign out_valid = core_out_valid & (opix == " << vconst(pb, p_count - 1) << ");\n"
           << "    assign out_data = {core_out_data, res};\n";
    }
    os << "    " << dense_module << " win_core (\n        .clk(clk),\n        .rst(rst),\n        .in_valid(win_valid),\n"
       << "        .in_data(window),\n        .out_valid(core_out_valid),\n        .out_data(core_out_data)\n"
       << "    );\nendmodule\n";
}

}  // namespace nnsim
