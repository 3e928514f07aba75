// nnsim command line: parses arguments (the only translation unit that includes CLI11) and dispatches
// to the subcommands in commands.hpp. Bad input of any kind ends with one line per problem on stderr,
// "nnsim: error: <file>: <where>: <what>", and exit code 2.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/diag.hpp"
#include "core/library_crash.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/verify_args.hpp"

namespace {

constexpr int kExitUserError = 2;
constexpr int kExitInternalError = 70;  // a bug in nnsim (sysexits EX_SOFTWARE), never a user's input

/// Options every command that reads a network accepts.
void add_net_options(CLI::App* cmd, nnsim::NetOptions& o, bool required = true) {
    auto* net = cmd->add_option("--net", o.net, "network: nnsim description, Keras JSON or H5, or hls4ml config");
    if (required) net->required();
    cmd->add_option("--weights", o.weights, "Keras weights HDF5 (default: <model>_weights.h5 beside the JSON)");
    cmd->add_option("--config", o.config, "hls4ml config (YAML or JSON) to apply to a Keras model");
    cmd->add_flag("--ignore-quantizers", o.ignore_quantizers,
                  "read QKeras layers as float Keras layers (structure only; quantizers ignored)");
    cmd->add_option("--precision", o.overrides.precision, "model precision for every variable, e.g. fixed<8,3>");
    cmd->add_option("--reuse-factor", o.overrides.reuse_factor, "ReuseFactor of every layer");
    cmd->add_option("--strategy", o.overrides.strategy, "Latency or Resource for every layer");
    cmd->add_option("--io-type", o.overrides.io_type, "io_parallel or io_stream");
    cmd->add_option("--fifo-depth", o.overrides.fifo_depth, "depth of every FIFO between layers");
    cmd->add_flag("--fuse-batchnorm", o.overrides.fuse_batchnorm, "fold batchnorm layers into the dense before them");
}

/// Options of a sweep: on the top-level command (`nnsim --net N --sweep reuse`) and on `nnsim sweep`.
void add_sweep_options(CLI::App* cmd, nnsim::SweepOptions& s, bool required) {
    auto* sweep = cmd->add_option("--sweep", s.sweep, "sweep kinds, comma-separated (reuse, reuse:layer, precision, "
                                                      "strategy, io, fifo), or a spec file (configs/sweep_example.yaml)");
    if (required) sweep->required();
    cmd->add_option("--out", s.out, "folder of the sweep's store, CSV, JSON and Pareto plots")->capture_default_str();
    cmd->add_option("-j,--jobs", s.jobs, "parallel workers (default: one per core)");
    cmd->add_flag("--simulate", s.simulate, "run every point on the SystemC model, one worker process per point");
    cmd->add_flag("--verify", s.verify, "also check every point's Verilog under Verilator (implies --simulate)");
    cmd->add_option("--input", s.input, "samples for the accuracy figures (hls4ml .dat format)");
    cmd->add_option("--labels", s.labels, "true class of each --input sample: an index or a one-hot row per line");
    cmd->add_option("--samples", s.samples, "samples per point (default: 100 random, or all of --input)");
    cmd->add_option("--seed", s.seed, "seed of the random samples")->capture_default_str();
    cmd->add_option("--part", s.part, "FPGA part for utilisation (default: the network's, else xcku115)");
    cmd->add_option("--top", s.top, "rows of the ranked table")->capture_default_str();
    cmd->add_flag("--retry-failed", s.retry_failed, "compute points stored as failed again");
    cmd->add_flag("--no-plot", s.no_plot, "do not draw the Pareto plot");
    cmd->add_option("--shard", s.shard, "compute only shard K/N: the points i with i % N == K (0 <= K < N)");
    cmd->add_option("--merge", s.merge, "merge the stores of these shard folders instead of computing")->expected(1, -1);
    cmd->add_option("--backend", s.backend, "local, or slurm: write (and with --submit, submit) a job array")
        ->check(CLI::IsMember({"local", "slurm"}))->capture_default_str();
    cmd->add_option("--tasks", s.tasks, "Slurm array tasks (shards)")->capture_default_str();
    cmd->add_option("--partition", s.partition, "Slurm partition");
    cmd->add_option("--time", s.time, "Slurm time limit per task")->capture_default_str();
    cmd->add_flag("--submit", s.submit, "submit the array with sbatch");
    cmd->add_flag("--wait", s.wait, "with --submit: wait for the array (sbatch --wait), then merge");
}

std::string command_line(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

void print_error(const std::string& message) {
    size_t start = 0;
    while (start <= message.size()) {
        size_t end = message.find('\n', start);
        if (end == std::string::npos) end = message.size();
        std::fprintf(stderr, "nnsim: error: %s\n", message.substr(start, end - start).c_str());
        start = end + 1;
    }
}

}  // namespace

// SystemC prints a banner when its kernel starts unless this is set; set it before anything runs.
const int kQuietSystemC = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

// libsystemc provides main() and calls sc_main().
extern "C" int sc_main(int argc, char** argv) {
    spdlog::set_default_logger(spdlog::stderr_color_st("nnsim"));  // warnings never mix with results
    CLI::App app{"nnsim: cycle-accurate simulation and Verilog generation for hls4ml-style networks"};
    // `nnsim --net model.json --sweep reuse` (no subcommand) is the documented form of a sweep.
    app.require_subcommand(0, 1);
    nnsim::NetOptions top_net;
    nnsim::SweepOptions top_sweep;
    add_net_options(&app, top_net, false);
    add_sweep_options(&app, top_sweep, false);
    app.set_help_all_flag("--help-all", "help for every command");

    nnsim::ImportArgs import_args;
    auto* import_cmd = app.add_subcommand("import", "convert a Keras model (+ hls4ml config) to an nnsim description");
    add_net_options(import_cmd, import_args.net);
    import_cmd->add_option("-o,--out", import_args.out, "description to write (default: stdout)");
    import_cmd->add_flag("--inline-weights", import_args.inline_weights, "write weight values instead of HDF5 references");

    nnsim::RunArgs run_args;
    auto* run_cmd = app.add_subcommand("run", "bit-exact inference over a data file (untimed)");
    add_net_options(run_cmd, run_args.net);
    run_cmd->add_option("--input", run_args.input, "samples, one per line (hls4ml tb_input_features.dat format)");
    run_cmd->add_option("--random-samples", run_args.random_samples, "instead of --input: N standard-normal samples");
    run_cmd->add_option("--seed", run_args.seed, "seed of --random-samples");
    run_cmd->add_option("--output", run_args.output, "predictions to write, same format");
    run_cmd->add_option("--reference", run_args.reference, "expected predictions to compare with");
    run_cmd->add_option("--trace", run_args.trace_dir, "folder for every layer's outputs, fixed (.dat) and float");
    run_cmd->add_option("--report", run_args.report, "JSON report to write");
    run_cmd->add_option("--samples", run_args.samples, "use only the first N samples");

    nnsim::SimArgs sim_args;
    auto* sim_cmd = app.add_subcommand("sim", "cycle-accurate SystemC simulation with latency, II and FIFO figures");
    add_net_options(sim_cmd, sim_args.net);
    sim_cmd->add_option("--input", sim_args.input, "samples file (default: seeded standard-normal samples)");
    sim_cmd->add_option("--samples", sim_args.samples, "number of random samples (default 100), or limit of --input (default: all)");
    sim_cmd->add_option("--seed", sim_args.seed, "seed of the random samples")->capture_default_str();
    sim_cmd->add_option("--input-ratio", sim_args.input_ratio, "fraction of cycles the source offers a sample")->capture_default_str();
    sim_cmd->add_option("--ready-ratio", sim_args.ready_ratio, "fraction of cycles the output is ready")->capture_default_str();
    sim_cmd->add_option("--stall-seed", sim_args.stall_seed, "seed of the input and ready patterns")->capture_default_str();
    sim_cmd->add_option("--deadlock-cycles", sim_args.deadlock_cycles, "cycles without progress that count as deadlock");
    sim_cmd->add_option("--vcd", sim_args.vcd, "waveform file (a .gtkw view is written beside it)");
    sim_cmd->add_option("--report", sim_args.report, "JSON report to write");
    sim_cmd->add_option("--output", sim_args.output, "predictions to write (hls4ml testbench format)");
    sim_cmd->add_option("--part", sim_args.part, "FPGA part for utilisation (default: the network's part)");
    sim_cmd->add_option("--scheduler", sim_args.scheduler, "who runs the model's processes: auto, calendar or kernel")
        ->check(CLI::IsMember({"auto", "calendar", "kernel"}))->capture_default_str();

    nnsim::FifoArgs fifo_args;
    auto* fifo_cmd = app.add_subcommand("fifo", "size every FIFO from simulated occupancy and confirm latency and II");
    add_net_options(fifo_cmd, fifo_args.net);
    fifo_cmd->add_option("--samples", fifo_args.samples, "samples per run (default: enough for the steady state, >= 20)");
    fifo_cmd->add_option("--seed", fifo_args.seed, "seed of the random samples")->capture_default_str();
    fifo_cmd->add_option("--margin", fifo_args.margin, "words added to every measured occupancy")->capture_default_str();
    fifo_cmd->add_option("-o,--out", fifo_args.out, "sized network description to write");
    fifo_cmd->add_option("--json", fifo_args.json, "JSON report to write");
    fifo_cmd->add_flag("--verify", fifo_args.verify, "check the sized design's Verilog with nnsim verify");
    fifo_cmd->add_flag("--analytical", fifo_args.analytical, "size on the beat schedule instead of the SystemC model");

    nnsim::NetOptions validate_args;
    auto* validate_cmd = app.add_subcommand("validate", "check a network and report every problem");
    add_net_options(validate_cmd, validate_args);

    nnsim::NetOptions gen_args;
    std::string gen_out;
    bool gen_lint = false;
    auto* gen_cmd = app.add_subcommand("gen", "write synthesizable Verilog for the network");
    add_net_options(gen_cmd, gen_args);
    gen_cmd->add_option("-o,--out", gen_out, "output folder")->required();
    gen_cmd->add_flag("--lint", gen_lint, "run verilator --lint-only -Wall on the result");

    nnsim::VerifyArgs verify_args;
    auto* verify_cmd =
        app.add_subcommand("verify", "check the generated RTL under Verilator against the model, word and cycle");
    add_net_options(verify_cmd, verify_args.net);
    verify_cmd->add_option("--input", verify_args.input, "samples file (default: seeded standard-normal samples)");
    verify_cmd->add_option("--samples", verify_args.samples,
                           "number of random samples (default 100), or limit of --input (default: all)");
    verify_cmd->add_option("--seed", verify_args.seed, "seed of the random samples")->capture_default_str();
    verify_cmd->add_option("--input-ratio", verify_args.input_ratio, "fraction of cycles the source offers a sample")
        ->capture_default_str();
    verify_cmd->add_option("--ready-ratio", verify_args.ready_ratio, "fraction of cycles the output is ready")
        ->capture_default_str();
    verify_cmd->add_option("--stall-seed", verify_args.stall_seed, "seed of the input and ready patterns")
        ->capture_default_str();
    verify_cmd->add_option("--vcd", verify_args.vcd, "folder for RTL and model waveforms and a combined .gtkw");
    verify_cmd->add_flag("--fst", verify_args.fst, "write the RTL waveform as FST");
    verify_cmd->add_option("--scheduler", verify_args.scheduler, "who runs the model's processes: auto, calendar or kernel")
        ->check(CLI::IsMember({"auto", "calendar", "kernel"}))->capture_default_str();
    verify_cmd->add_option("--work", verify_args.work, "work folder (default: nnsim_work/<network>-<hash>)");
    verify_cmd->add_option("--rtl-dir", verify_args.rtl_dir, "use this Verilog folder instead of generating")
        ->group("");  // hidden: for mutation tests and hand-edited RTL

    nnsim::NetOptions timing_args;
    std::string timing_json;
    auto* timing_cmd = app.add_subcommand("timing", "latency, II and valid reuse factors from the timing model");
    add_net_options(timing_cmd, timing_args);
    timing_cmd->add_option("--json", timing_json, "write the figures as JSON");
    std::string timing_part;
    timing_cmd->add_option("--part", timing_part, "FPGA part for utilisation (default: the network's part)");

    nnsim::NetOptions synth_args;
    std::string synth_part, synth_out, synth_json;
    auto* synth_cmd =
        app.add_subcommand("synth", "synthesize the generated Verilog with Yosys (xc7) next to the resource estimate");
    add_net_options(synth_cmd, synth_args);
    synth_cmd->add_option("--part", synth_part, "FPGA part for utilisation (default: the network's part)");
    synth_cmd->add_option("--out", synth_out, "keep the design and Yosys logs in this folder");
    synth_cmd->add_option("--json", synth_json, "write estimate and cell counts as JSON");

    nnsim::NetOptions sweep_net;
    nnsim::SweepOptions sweep_opts;
    auto* sweep_cmd = app.add_subcommand("sweep", "design-space exploration: ranked table, CSV/JSON, Pareto plots");
    add_net_options(sweep_cmd, sweep_net);
    add_sweep_options(sweep_cmd, sweep_opts, true);

    std::string schema_out;
    auto* schema_cmd = app.add_subcommand("schema", "print the JSON Schema of network descriptions");
    schema_cmd->add_option("-o,--out", schema_out, "file to write (default: stdout)");

    std::string help_kind;
    auto* help_cmd = app.add_subcommand("help", "list layer kinds, or describe one");
    help_cmd->add_option("kind", help_kind, "layer kind");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what());
        return kExitUserError;
    }

    nnsim::install_library_crash_report();  // a crash inside libhdf5 on a corrupt file: one line, exit 2
    try {
        if (*import_cmd) return nnsim::cmd_import(import_args);
        if (*run_cmd) return nnsim::cmd_run(run_args);
        if (*sim_cmd) return nnsim::cmd_sim(sim_args);
        if (*fifo_cmd) return nnsim::cmd_fifo(fifo_args);
        if (*validate_cmd) return nnsim::cmd_validate(validate_args);
        if (*verify_cmd) return nnsim::cmd_verify(verify_args);
        if (*gen_cmd) return nnsim::cmd_gen(gen_args, gen_out, gen_lint);
        if (*timing_cmd) return nnsim::cmd_timing(timing_args, timing_json, timing_part);
        if (*synth_cmd) return nnsim::cmd_synth(synth_args, synth_part, synth_out, synth_json);
        if (*schema_cmd) return nnsim::cmd_schema(schema_out);
        if (*help_cmd) return nnsim::cmd_help_kind(help_kind);
        if (*sweep_cmd) {
            sweep_opts.command_line = command_line(argc, argv);
            sweep_opts.args.assign(argv + 1, argv + argc);
            return nnsim::cmd_sweep(sweep_net, sweep_opts);
        }
        if (top_sweep.sweep.empty()) {
            print_error("a command is required (nnsim --help), or --net NET --sweep KINDS for a sweep");
            return kExitUserError;
        }
        top_sweep.command_line = command_line(argc, argv);
        top_sweep.args.assign(argv + 1, argv + argc);
        return nnsim::cmd_sweep(top_net, top_sweep);
    } catch (const nnsim::UserError& e) {
        print_error(e.what());
        return kExitUserError;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "nnsim: error: out of memory\n");
        return kExitUserError;
    } catch (const std::exception& e) {
        // Every input error is a UserError; anything else is nnsim's bug, reported as such instead of
        // ending in the SystemC runtime's handler.
        std::fprintf(stderr, "nnsim: internal error: %s (a bug in nnsim: please report it with the input)\n", e.what());
        return kExitInternalError;
    }
    return 0;
}
