// Small helpers for writing readable, lint-clean Verilog-2005 from C++: sized constants, element
// slices of packed vectors, bit widths, and the interface every layer kind's core module implements.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/fixed.hpp"
#include "core/graph.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {

/// Bits needed to count 0..n (at least 1).
int bits_for(uint64_t n);
/// A sized binary constant of `width` bits holding the low bits of `value` ("16'b...") .
std::string vconst(int width, int64_t value);
/// A Verilog function `name` returning `values[a]` (each `width` bits) for an `addr_bits`-bit argument a:
/// the case ROM of the table activations; 0 beyond the values.
void emit_case_rom(std::ostream& os, const std::string& name, int addr_bits, int width,
                   const std::vector<int64_t>& values);
/// Element i of a packed vector whose elements are `width` bits wide: "vec[i*width +: width]".
std::string elem(const std::string& vec, int i, int width);

/// Bit `bit` of a `width`-bit expression, folding "v[off +: w]" into "v[off+bit]" (Yosys does not read
/// a bit select of a part select).
std::string bit_of(const std::string& expr, int bit);
/// `x` (w bits) extended to `to` bits by its signedness (sign or zero extension); `x` itself if equal.
std::string extend(const std::string& x, int w, int to, bool is_signed);

/// Declares `<uniq>_top`, the top `bits` bits of the `width`-bit wire `wire`, using every bit of `wire`
/// (the low bits go to a waived unused wire, so Verilator -Wall stays quiet). Returns the name.
std::string top_bits(std::ostream& os, const std::string& wire, int width, int bits, const std::string& uniq);

/// What the generator asks of a kind: a module `module` with ports
///   input clk, input rst, input in_valid, input [IN_W-1:0] in_data,
///   output out_valid, output [OUT_W-1:0] out_data
/// where in_data packs the inputs in order (input 0 in the low bits), element i of input k at
/// in_data[in_offset[k] + i*W_k +: W_k], and out_data element i at [i*W_out +: W_out]. in_valid is
/// high in the cycle a sample is accepted (at most once every II cycles); out_valid must be high
/// exactly `timing.latency` cycles later with the result. The core never stalls.
struct RtlCoreSpec {
    std::string module;
    std::vector<FixedType> in_types;  ///< precision of each input tensor
    std::vector<int> in_elems;        ///< elements of each input per beat
    std::vector<int> in_offset;       ///< bit offset of each input in in_data
    std::vector<Shape> in_shapes;     ///< shape of each input tensor (of one pixel for pixel-wise kinds)
    int in_width = 0;                 ///< IN_W
    FixedType out_type;               ///< the node's result type
    int out_elems = 0;
    int out_width = 0;                ///< OUT_W
    Timing timing;
    bool out_take = false;            ///< the shell drives an input out_take (LayerKind::rtl_held_results 2)
};

/// What the generator asks of a streaming kind under io_stream (LayerKind::emit_rtl_stream).
struct RtlStreamSpec {
    std::string module;           ///< the layer module to write (ports of the layer wrapper)
    RtlCoreSpec whole;            ///< the layer's whole-tensor core spec (module = `module` + "_core")
    Shape in_shape;               ///< shape of input 0 (channels last)
    Shape out_shape;              ///< shape of the result
    int in_beats = 1;             ///< beats per sample of input 0
    std::vector<int64_t> needs;   ///< LayerKind::stream_needs, one entry per output beat
};

/// Writes the port list and the in_valid delay line shared by fixed-latency cores:
/// `module <m> (...)` up to and including the declarations, and a valid pipeline `vld` of
/// timing.latency stages with out_valid = vld[latency-1].
/// With `take_port` the port list also has `input wire out_take` (LayerKind::rtl_held_results 2) and
/// the core defines out_valid itself (no valid pipeline is written).
void emit_core_header(std::ostream& os, const RtlCoreSpec& spec, const std::string& comment, bool take_port = false);

/// Writes a core's result register and its end: `reg [out_width-1:0] res`, out_data = res, element i of
/// res (`width` bits) loaded with y[i] in the cycles `enable` is high, then `endmodule`.
void emit_result_register(std::ostream& os, int out_width, int width, const std::vector<std::string>& y,
                          const std::string& enable = "in_valid");

}  // namespace nnsim
