// The nnsim subcommands. main.cpp parses the command line (CLI11 lives only there, it is slow to
// compile) and calls one of these with plain option structs. Each returns the process exit code and
// throws UserError for bad input (printed by main, exit code 2).
#pragma once

#include <cstdint>
#include <string>

#include "core/graph.hpp"
#include "core/overrides.hpp"
#include "core/sweep.hpp"

namespace nnsim {

/// How a command finds its network: any supported file plus optional weights, config and overrides.
struct NetOptions {
    std::string net;      ///< nnsim description, Keras JSON or H5, or hls4ml config
    std::string weights;  ///< Keras weights file (default: <stem>_weights.h5 beside the JSON)
    std::string config;   ///< hls4ml config applied to a Keras model
    bool ignore_quantizers = false;  ///< QKeras layers read as float layers
    Overrides overrides;  ///< --precision, --reuse-factor, --strategy, --io-type, --fuse-batchnorm
};

/// Load, apply overrides, validate.
Graph load_for_command(const NetOptions& opt);

struct ImportArgs {
    NetOptions net;
    std::string out;            ///< description to write
    bool inline_weights = false;
};
int cmd_import(const ImportArgs& a);

struct RunArgs {
    NetOptions net;
    std::string input;      ///< samples, hls4ml testbench format
    std::string output;     ///< predictions to write
    std::string reference;  ///< expected predictions to compare with
    std::string trace_dir;  ///< per-layer outputs (fixed and float) for every sample
    std::string report;     ///< JSON report
    int samples = 0;        ///< limit (0 = all)
    int random_samples = 0; ///< instead of --input: this many standard-normal samples
    uint64_t seed = 1;      ///< seed of the random samples
};
int cmd_run(const RunArgs& a);

struct SimArgs {
    NetOptions net;
    std::string input;            ///< samples file; otherwise seeded random samples
    int samples = 0;              ///< limit of the file's samples, or random samples (0: all / 100)
    uint64_t seed = 1;            ///< seed of the random samples
    double input_ratio = 1.0;     ///< fraction of cycles in which the source offers a sample
    double ready_ratio = 1.0;     ///< fraction of cycles in which the sinks are ready
    uint64_t stall_seed = 1;      ///< seed of both patterns
    uint64_t deadlock_cycles = 0; ///< 0: automatic bound
    std::string vcd;              ///< waveform file
    std::string report;           ///< JSON report
    std::string output;           ///< predictions, hls4ml testbench format
    std::string part;             ///< FPGA part for utilisation (default: the network's part)
    std::string scheduler = "auto";  ///< auto, calendar or kernel (sim/network_sim.hpp Scheduler)
};
int cmd_sim(const SimArgs& a);

/// `nnsim fifo`: size every FIFO from the model's occupancy with unbounded FIFOs, confirm, write.
struct FifoArgs {
    NetOptions net;
    int samples = 0;          ///< samples per run (0: enough for the steady state, at least 20)
    uint64_t seed = 1;        ///< seed of the random samples
    int margin = 0;           ///< words added to every measured occupancy
    std::string out;          ///< sized network description to write
    std::string json;         ///< JSON report
    bool verify = false;      ///< run `nnsim verify` on the sized design
    bool analytical = false;  ///< measure and confirm on the beat schedule instead of the SystemC model
};
int cmd_fifo(const FifoArgs& a);

int cmd_validate(const NetOptions& opt);
int cmd_gen(const NetOptions& opt, const std::string& out, bool lint);
int cmd_timing(const NetOptions& opt, const std::string& json_out, const std::string& part);

/// Generate the Verilog, synthesize it with Yosys, print estimate vs cell counts per layer.
int cmd_synth(const NetOptions& opt, const std::string& part, const std::string& out, const std::string& json_out);
int cmd_schema(const std::string& out);
int cmd_help_kind(const std::string& kind);
/// `nnsim --net NET --sweep KINDS|SPEC` and `nnsim sweep`: design-space exploration (docs/sweeps.md).
int cmd_sweep(const NetOptions& net, const SweepOptions& opt);

}  // namespace nnsim
