// Resource estimates of the generated hardware (DSP48E1, LUT, FF, BRAM18, URAM) and the capacities of
// common FPGA parts.
//
// Every layer kind estimates its own layer (LayerKind::estimate: the kind's core plus the timing shell
// of rtl/generator.cpp); estimate_network() adds the FIFOs and the top's glue. The figures are
// closed-form functions of the configuration (shapes, reuse factor, strategy, precisions) and of the
// quantized weights (zero and power-of-two constants vanish or become shifts, as in Yosys), calibrated
// against Yosys 0.23 `synth_xilinx -family xc7 -flatten -noiopad` on the generated RTL. The formulas and
// the measured error are in docs/resources.md; `nnsim synth` puts both side by side for one network and
// `bench/calibrate.py` regenerates the published error table.
//
// Counting convention (the same in the estimator and in `nnsim synth`):
//   DSP    DSP48E1 cells
//   LUT    LUT1..LUT6 (one each) plus LUT-based memories and shift registers: RAM32M / RAM64M 4,
//          RAM32X1D / RAM64X1D 2, RAM128X1D 4, RAM32X1S / RAM64X1S / SRL16E / SRLC32E 1, ...
//          (MUXF7/MUXF8 and CARRY4 are not LUTs)
//   FF     FDRE, FDSE, FDCE, FDPE
//   BRAM18 RAMB18E1 + 2 x RAMB36E1
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/fixed.hpp"
#include "core/graph.hpp"
#include "core/layer_kind.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

/// Capacity of one FPGA part.
struct PartInfo {
    std::string name;    ///< short name, e.g. "xcku115"
    std::string family;  ///< "7-series", "UltraScale", "UltraScale+"
    Resources capacity;  ///< DSP slices, LUTs, FFs, 18 Kb block RAMs (a 36 Kb one counts twice), UltraRAMs
};

/// The built-in table of parts, in a fixed order.
const std::vector<PartInfo>& known_parts();
/// A part by its short name or by a full part string that starts with it ("xcku115-flvb2104-2-i"),
/// case-insensitive. Unknown parts throw a UserError naming the known ones.
const PartInfo& find_part(const std::string& part);

/// Use of a part: percentages per resource and the resources over 100 %.
struct Utilisation {
    std::string part;                 ///< the part's short name
    Resources capacity;
    Resources percent;                ///< used / capacity * 100 (0 where the part has none and none is used)
    std::vector<std::string> over;    ///< names of the resources above 100 % ("DSP", "LUT", "FF", "BRAM18", "URAM")
};
Utilisation utilisation(const Resources& used, const PartInfo& part);
/// One line: "xc7z020: DSP 12.3 %, LUT 45.6 %, FF 7.8 %, BRAM18 0.0 %" plus " -- over capacity: DSP (123.4 %)".
std::string utilisation_line(const Utilisation& u);

/// Estimates of a whole network: one entry per node (graph order) and the FIFOs with the top's glue.
struct NetworkResources {
    std::vector<Resources> layers;  ///< per node, in graph order
    Resources fifos;                ///< every FIFO between layers and at the ports, plus the top's glue
    Resources total;                ///< sum of all
};
NetworkResources estimate_network(const Graph& g);

/// Estimate of one layer of g: its kind's estimate, per pixel for pixel-wise kinds under io_stream.
Resources estimate_layer(const Graph& g, const Node& n, const NodeInputs& in);

/// Whether a FIFO of `depth` words of `width` bits is the block-RAM module nnsim_fifo_bram (else
/// nnsim_fifo, LUT RAM): when Yosys would put a synchronously read memory of that size into block RAM
/// (res::place_rom). The generator (rtl/fifo_modules.cpp) and estimate_fifo both decide by it.
bool fifo_in_block_ram(int depth, int width);
/// Estimate of the FIFO of `depth` words of `width` bits (storage, pointers, flags; for the block-RAM
/// module also its head and bypass registers and their multiplexer).
Resources estimate_fifo(int depth, int width);

namespace res {

// Building blocks shared by the kinds' estimate() implementations. All model Yosys 0.23 synth_xilinx
// -family xc7 on the constructs the generator writes (rtl/, models/*/*_rtl.cpp).

/// A fixed-point signal as the RTL holds it: the generator's own type.
using Sig = SignalType;
inline Sig sig_of(const FixedType& t) { return signal_type(t); }

/// cast_double(v, t) (the quantized raw value), with a fast path for TRN/WRAP.
int64_t quantize(double v, const FixedType& t);

/// DSP48E1 count of a $mul with operand widths after Yosys's width reduction, following mul2dsp.v with
/// the xc7 parameters (25x18, partial products 18 bits, signed only, no DSP below 2x2 operands or a
/// 9-bit result). 0 means the product is built from LUTs.
int mul_dsps(int a_width, bool a_signed, int b_width, bool b_signed, int y_width);

/// Width of the constant `c` as Yosys reduces it: the shortest two's complement (signed) or binary
/// (unsigned) representation; 0 for c == 0.
int const_width(int64_t c, bool is_signed);
/// |c| is a power of two (Yosys turns the product into a shift, or a negated shift).
bool is_pow2_abs(int64_t c);

/// Width to which Yosys reduces a multiplexer or ROM column set of constants: leading bit positions
/// that are the same constant in every value collapse into one sign bit (signed) or vanish (unsigned).
/// `values` must hold raw `width`-bit patterns (sign-extended for signed).
int mux_const_width(const std::vector<int64_t>& values, int width, bool is_signed);
/// Number of bit positions (of `width`) in which not all `values` agree: the columns that remain logic.
int varying_bits(const std::vector<int64_t>& values, int width);

/// How Yosys's memory_libmap (xc7 library, -logic-cost-rom 1/64) places a ROM of `words` x `width`.
struct RomPlacement {
    bool block = false;  ///< block RAM (else logic)
    double bram18 = 0;   ///< 18 Kb block RAMs (a RAMB36 counts 2)
};
/// `sync`: the read has a register Yosys can merge (address or data); asynchronous ROMs never go to BRAM.
RomPlacement place_rom(int64_t words, int width, bool sync);

/// Block RAMs of a memory of `words` x `width` with one write port and one synchronous read port
/// (nnsim_fifo_bram) that memory_libmap puts into block RAM: the cheapest configuration by
/// place_rom's costs, each address block with its own ceil(width / data bits) cells (as measured).
struct RamPlacement {
    double bram18 = 0;           ///< 18 Kb block RAMs (a RAMB36 counts 2)
    int64_t address_blocks = 1;  ///< cells in depth whose read data are multiplexed
};
RamPlacement block_ram(int64_t words, int width);

/// Columns of a ROM of raw `from`-typed values: `stored` = the columns that are not constant over the
/// entries (Yosys drops constant columns before placing the ROM; the others stay even when unused),
/// `used` = those of them that a cast to `to` reads (the logic left when the ROM is not a block RAM).
/// `result` = the bits of the cast values that vary (the register after the cast keeps only those).
void rom_columns(const std::vector<int64_t>& values, const FixedType& from, const FixedType& to, int& stored,
                 int& used, int& result);

/// LUTs of a ROM kept in logic: each varying output column is a function of `addr_bits` inputs.
double rom_logic_luts(int addr_bits, int varying_columns);

/// LUTs (as LUTRAM cells times their LUT size) and FFs of an asynchronously read RAM of depth x width
/// (the skid queue and the FIFOs): RAM32M up to 32 words, RAM64M up to 64, RAM128X1D beyond; one word
/// is a plain register (FFs).
Resources async_ram(int depth, int width);

/// LUTs of the cast logic rtl/verilog_cast.cpp writes for a conversion from `from` to `to` (rounding
/// increment and overflow handling; plain bit selections cost nothing).
double cast_luts(const Sig& from, const FixedType& to);
/// Whether that cast is only wires (no rounding, no overflow logic).
bool cast_is_wires(const Sig& from, const FixedType& to);

/// The layer wrapper of rtl/generator.cpp around a core: skid queue of P = ceil(L/II) results of
/// `out_width` bits, sample counters, II counter. A core keeping `held` pending results itself
/// (LayerKind::rtl_held_results) needs no queue when held >= P, one register and its multiplexer when
/// held = 1 and P = 2.
Resources shell(const Timing& t, int out_width, int held = 0);
/// The valid pipeline every core has (emit_core_header): `latency` flip-flops with reset.
Resources valid_pipeline(int latency);

/// Adder-tree LUTs of a wrapping sum of `operands` values of `width` bits (Yosys $macc: carry-save
/// tree, then one carry chain).
double sum_luts(int operands, int width);
/// LUTs of an n-input multiplexer of `width` bits selected by a counter.
double mux_luts(int inputs, int width);

/// When the environment variable NNSIM_RESOURCE_DEBUG is set, writes one JSON line to stderr with the
/// named LUT and FF components of a layer's estimate (used to fit coefficients()).
void debug_components(const std::string& layer, const std::vector<std::pair<std::string, double>>& parts);

/// Global calibration coefficients (docs/resources.md); fitted once on the calibration grid.
struct Coefficients {
    double csa_lut_per_bit;     ///< LUTs per operand bit beyond two in a $macc (carry-save) sum
    double csa_shared_lut_per_bit; ///< LUTs per bit and tree level an output adds to a shared tree
    double sat_add_lut_per_bit; ///< LUTs per bit of one saturating accumulator addition (without its cast)
    double final_adder_lut_per_bit; ///< LUTs per bit of a $macc's final carry chain
    double acc_update_lut_factor; ///< multiplies the k-selected accumulator update multiplexer (RF > 1)
    double adder_lut_per_bit;   ///< LUTs per bit of a carry-chain adder
    double control_lut;         ///< LUTs of a layer's control logic (shell counters, flags)
    double cast_mux_lut_per_bit;///< LUTs per bit of a saturation multiplexer
    double slot_mask_lut_per_bit; ///< LUTs per bit of a product masked by the group counter in a slot sum
    double slot_update_lut_factor; ///< multiplies the k-selected accumulator update with slot sums
    double round_adder_lut_per_bit; ///< LUTs per bit of a cast's rounding increment
};
/// The coefficients; NNSIM_RESOURCE_COEFFS="name=value,..." overrides them for fitting
/// (bench/calibrate.py --fit), never needed otherwise.
const Coefficients& coefficients();

}  // namespace res

}  // namespace nnsim
