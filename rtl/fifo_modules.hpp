// The two FIFO modules between layers, with the same ports and cycles: nnsim_fifo (asynchronous read;
// LUT RAM or flip-flops) and nnsim_fifo_bram (synchronous read behind a head register; block RAM).
// fifo_in_block_ram (core/resources.hpp) picks one per FIFO, for the generator and the estimate alike.
#pragma once

#include <string>

namespace nnsim {

/// Name of the module of a FIFO of `depth` words of `width` bits: "nnsim_fifo_bram" when
/// fifo_in_block_ram(depth, width), else "nnsim_fifo". Its file is the name plus ".v".
std::string fifo_module_name(int depth, int width);
/// Verilog text of the module named `name` (one of the two names above).
const char* fifo_module_text(const std::string& name);
/// Parameters of either module for that FIFO: `#(.WIDTH(..), .DEPTH(..), .AW(..), .CW(..))`.
std::string fifo_params(int depth, int width);

}  // namespace nnsim
