// The Verilog generator: one validated network in, a folder of synthesizable Verilog-2005 out.
//
// The generated top implements the same timing contract as the SystemC model (docs/timing.md), so
// that under the same input and ready patterns every handshake happens on the same cycle.
//
// Top module `<name>_top` (name = the network name made a legal identifier), ports:
//   input  clk                      rising-edge clock
//   input  rst                      synchronous, active high; the first cycle with rst = 0 is cycle 0
//   for each network input k (in graph order):
//   input  [W_k-1:0] s<k>_axis_tdata    one tensor (io_parallel) or pixel (io_stream) per beat;
//                                       element i in bits [i*E +: E], E = the input type's width,
//                                       raw two's complement (zero-extended for unsigned types)
//                                       (a sample of B pixels is B beats, in row-major order)
//   input  s<k>_axis_tvalid, output s<k>_axis_tready, input s<k>_axis_tlast (ignored: beats are counted)
//   for each network output k:
//   output [W_k-1:0] m<k>_axis_tdata    element i in bits [i*E +: E], E = the output's result width
//   output m<k>_axis_tvalid, input m<k>_axis_tready, output m<k>_axis_tlast (1 on a sample's last beat,
//                                       from a count of the beats read; always 1 for one-beat samples)
// A transfer happens in cycle t when tvalid and tready are both high at the rising edge ending t.
// tready of an input and tvalid of an output depend only on registered state (FIFO counts).
#pragma once

#include <string>
#include <vector>

#include "core/graph.hpp"

namespace nnsim {

struct RtlDesign {
    std::string dir;                 ///< output folder
    std::string top;                 ///< top module name
    std::vector<std::string> files;  ///< Verilog files written, in dependency order (leaves first)
    std::vector<int> input_widths;   ///< tdata width of each input port
    std::vector<int> output_widths;  ///< tdata width of each output port
};

/// Refuse (UserError with a hint) a design whose estimate exceeds four times the largest known part,
/// unless NNSIM_NO_SIZE_LIMIT is set: its Verilog would not build on a machine like this one.
void check_design_size(const Graph& g);
/// Write the design into `dir` (created if needed), after check_design_size. Same graph in,
/// byte-identical files out.
RtlDesign generate_rtl(const Graph& g, const std::string& dir);

/// A legal, unique-within-the-design Verilog identifier for a network or layer name.
std::string verilog_name(const std::string& name);

}  // namespace nnsim
