// Options of `nnsim verify` (tools/nnsim/cmd_verify.cpp): the generated RTL, simulated by Verilator,
// against the SystemC model on the same samples and the same input and ready patterns.
#pragma once

#include <cstdint>
#include <string>

#include "tools/nnsim/commands.hpp"

namespace nnsim {

struct VerifyArgs {
    NetOptions net;
    std::string input;         ///< samples file; otherwise seeded random samples (as `nnsim sim`)
    int samples = 0;           ///< limit of the file's samples, or random samples (0: all / 100)
    uint64_t seed = 1;         ///< seed of the random samples
    double input_ratio = 1.0;  ///< fraction of cycles in which the inputs offer a sample
    double ready_ratio = 1.0;  ///< fraction of cycles in which the outputs are ready
    uint64_t stall_seed = 1;   ///< seed of both patterns
    std::string vcd;           ///< folder for the RTL's and the model's waveforms and a combined view
    std::string work;          ///< work folder (default: nnsim_work/<network>-<hash>)
    bool fst = false;          ///< RTL waveform as FST instead of VCD
    std::string scheduler = "auto";  ///< who runs the model's processes (as `nnsim sim`)
    std::string rtl_dir;       ///< hidden: use this (possibly hand-edited) Verilog instead of generating
};

int cmd_verify(const VerifyArgs& a);

}  // namespace nnsim
