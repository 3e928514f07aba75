// The Verilator side of `nnsim verify`: a C++ testbench for a generated top, its cached build with
// Verilator's Makefile flow, and a run of it on a stimulus file.
//
// The testbench (harness) drives the top of rtl/generator.hpp exactly as the SystemC model's boundary
// (sim/boundary.hpp) drives its channels: rst high for 2 cycles, then in every cycle t (counted from
// the first cycle with rst = 0) input k offers its next beat when it has one and the input pattern is
// active in t, and every output is ready when the output pattern is active in t. The patterns are the
// stateless splitmix64 patterns of sim/patterns.hpp, whose arithmetic the harness source repeats. The
// harness records the cycle of every handshake (tvalid & tready before the rising edge that ends the
// cycle) and the tdata of every output beat, and stops when every expected output beat has arrived
// plus a few drain cycles (to catch extra beats), or when nothing moved for `hang_cycles` cycles.
//
// Build cache. A work folder holds the design's Verilog (rtl/), the harness (harness.cpp) and one
// object folder per build variant (obj_plain, obj_vcd, obj_fst). The folder's hash covers the Verilog
// files' contents, the harness source and the Verilator flags; the default folder is
// <root>/<network>-<hash>, so a second run of the same design reuses the executable and a changed
// design builds afresh. A variant is built in a temporary folder that is renamed when complete, so
// concurrent runs never see half a build. Nothing here needs SystemC.
//
// tdata packing (rtl/generator.hpp): element i of a beat in bits [i*E +: E], raw two's complement.
// Beats travel between nnsim and the harness as hex strings of ceil(W/4) digits, most significant first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtl/generator.hpp"
#include "sim/patterns.hpp"

namespace nnsim {

/// Waveform output of a harness build variant.
enum class WaveFormat { kNone, kVcd, kFst };

/// Source text of the C++ testbench for design `d` (top module d.top, ports per rtl/generator.hpp).
/// The Verilated class is always `Vtop` (verilator --prefix Vtop).
std::string verilator_harness_source(const RtlDesign& d);

/// Where and how to build.
struct VerilatorBuildOptions {
    std::string work_dir;              ///< folder to use as is (empty: <work_root>/<name>-<hash>)
    std::string work_root = "nnsim_work";
    std::string name;                  ///< network name for the default folder name
    WaveFormat wave = WaveFormat::kNone;
    int jobs = 2;                      ///< parallel compile jobs (verilator -j, make -j)
};

/// A prepared (and, after build_verilated, built) testbench.
struct VerilatedBuild {
    std::string dir;           ///< work folder
    std::string hash;          ///< 16 hex digits over the Verilog, the harness and the flags
    RtlDesign design;          ///< the design as copied into <dir>/rtl (absolute file paths)
    std::string exe;           ///< the testbench executable
    std::vector<std::string> command;  ///< the verilator command line
    std::string log;           ///< build log file
    bool reused = false;       ///< an executable of the same hash and variant exists: no build
    double seconds = 0;        ///< wall time of the build
};

/// Copy the design's Verilog into the work folder, write the harness and decide whether the
/// executable can be reused. `d.files` may be relative to `d.dir`. Throws UserError on I/O errors.
VerilatedBuild prepare_verilated(const RtlDesign& d, const VerilatorBuildOptions& opt);

/// Build the testbench with Verilator unless `b.reused`. Throws UserError naming the log (and its
/// last lines) when Verilator or the C++ compiler fails, or when verilator is not installed.
void build_verilated(VerilatedBuild& b);

/// What the harness is asked to do.
struct HarnessStimulus {
    std::vector<std::vector<std::string>> input_beats;  ///< [input][beat] tdata as hex
    std::vector<std::vector<bool>> input_last;          ///< [input][beat] tlast
    std::vector<size_t> output_beats;                   ///< expected beats per output
    CyclePattern input_pattern;                         ///< cycles in which inputs offer a beat
    CyclePattern output_pattern;                        ///< cycles in which outputs are ready
    uint64_t hang_cycles = 100000;                      ///< cycles without any handshake = a hang
    uint64_t drain_cycles = 64;                         ///< cycles run after the last expected beat
    uint64_t period_ps = 5000;                          ///< clock period, for the waveform's time axis
    std::string wave_file;                              ///< waveform to write (needs a tracing build)
};

/// What the harness saw.
struct HarnessResult {
    bool completed = false;                           ///< every expected output beat arrived
    bool hung = false;                                ///< stopped after hang_cycles without progress
    uint64_t cycles = 0;                              ///< cycles run after reset
    std::vector<std::vector<uint64_t>> input_cycles;  ///< [input][beat] handshake cycle
    std::vector<std::vector<uint64_t>> output_cycles; ///< [output][beat] handshake cycle
    std::vector<std::vector<std::string>> output_data;  ///< [output][beat] tdata as hex
    std::vector<std::vector<bool>> output_last;       ///< [output][beat] tlast
    double seconds = 0;                               ///< wall time of the run (process start to exit)
    double loop_seconds = 0;                          ///< of which the clocked simulation loop (the RTL's time)
};

/// Write the stimulus into <b.dir>/<tag>.stim, run the testbench, read <b.dir>/<tag>.out.
/// Throws UserError when the executable fails or its result file is malformed.
HarnessResult run_verilated(const VerilatedBuild& b, const HarnessStimulus& s, const std::string& tag);

/// Pack elements [first, first + count) of `raw`, `elem_width` bits each, into a hex beat of
/// `beat_width` bits (element i at bits [i*E +: E]; unused high bits zero).
std::string pack_beat(const std::vector<int64_t>& raw, size_t first, size_t count, int elem_width, int beat_width);

/// Element i of a hex beat: `elem_width` bits at [i*E +: E], sign-extended when `is_signed`.
int64_t unpack_element(const std::string& hex, size_t i, int elem_width, bool is_signed);

/// Run a program (argv[0] looked up in PATH) with stdout and stderr appended to `log`; returns its
/// exit status (127 when it cannot be started, 128 + n when killed by signal n).
/// With `progress_seconds` > 0, a line "  still building, N s ..." goes to stdout every that many
/// seconds while the program runs (the Verilator build of a large design takes minutes).
int run_program(const std::vector<std::string>& argv, const std::string& log, int progress_seconds = 0);

}  // namespace nnsim
