// Design-space exploration (docs/sweeps.md): a grid of design points over a base network, each point
// evaluated analytically (timing model, resource estimates, accuracy through the bit-exact evaluator)
// or by simulation, stored in an SQLite file that survives interruption, ranked, and reduced to
// Pareto fronts.
//
//   sweep_grid.cpp   the grid: built-in kinds (reuse, precision, strategy, io, fifo), spec files,
//                    enumeration by index, and applying a point to a graph
//   sweep_eval.cpp   the analytical evaluation of one point, the samples and float outputs it shares
//   sweep_store.cpp  the SQLite results store and the JSON form of a point's result
//   pareto.cpp       Pareto fronts, ranking, the table, CSV / JSON / gnuplot outputs
//   tools/nnsim/cmd_sweep.cpp  the command: worker threads and processes, progress, the simulated mode
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "core/layer_kind.hpp"
#include "core/resources.hpp"

namespace nnsim {

// ---------------------------------------------------------------------------------------------
// Grid (sweep_grid.cpp)

/// One setting of a design point, as text: name "reuse", "reuse.fc1", "precision", "precision.fc1",
/// "precision.fc1.accum", "strategy", "strategy.fc1", "io", "fifo" (scale of the default depths),
/// "fifo_depth", "fifo_depth.fc1"; value "4", "fixed<8,3>", "Resource", "io_stream", "0.5", ...
struct Setting {
    std::string name;
    std::string value;
};

/// One axis of the grid: a setting and the values it takes.
struct SweepAxis {
    std::string name;
    std::vector<std::string> values;
};

/// The points of a sweep: the cartesian product of the axes (the first axis varies slowest), then
/// explicit extra points. Points are decoded from their index, so a grid of millions costs nothing.
class SweepGrid {
  public:
    std::vector<SweepAxis> axes;
    std::vector<std::vector<Setting>> extra;
    std::string description;  ///< "--sweep reuse,precision" or the spec file

    size_t size() const;
    size_t grid_size() const;  ///< product of the axis lengths (1 without axes)
    /// Settings of point i, in application order (io, strategy, precision, reuse, fifo).
    std::vector<Setting> settings(size_t i) const;
    /// Canonical text of point i, e.g. "reuse=4 precision=fixed<8,3>": its identity in the store.
    std::string key(size_t i) const;
    /// Names of every setting that varies (axis names plus those of extra points), in column order.
    std::vector<std::string> columns() const;
};

/// Build the grid of `--sweep ARG`: a comma-separated list of kinds (reuse, reuse:layer, precision,
/// strategy, io, fifo) or a spec file (YAML or JSON, configs/sweep_example.yaml). UserError if bad.
SweepGrid make_grid(const std::string& arg, const Graph& base);

/// The canonical text of a list of settings (as SweepGrid::key).
std::string settings_key(const std::vector<Setting>& s);

/// Reuse factors of one layer that a sweep may use: the kind's valid values (hls4ml's rule).
std::vector<int> sweep_reuse_factors(const Graph& g, const Node& n);
/// Layers whose reuse factor matters (more than one valid value).
std::vector<const Node*> reusable_layers(const Graph& g);
/// The global reuse factors: those valid for every reusable layer (the intersection) when there are
/// at least two; otherwise (CNNs) the powers of two up to the largest valid reuse factor of any layer.
/// A global value sets every reusable layer to closest_reuse_factor(value, its valid list).
std::vector<int> global_reuse_factors(const Graph& g);
/// The largest of `valid` (ascending) not above `rf`, or the smallest when all are above (hls4ml
/// likewise moves an invalid reuse factor to a valid one).
int closest_reuse_factor(int rf, const std::vector<int>& valid);
/// The precisions of `--sweep precision`: fixed<W,I> for W in 6..20 step 2 and I in 3..8, I < W.
std::vector<std::string> default_precisions();

/// Make `g` the base network with a point's settings applied, then validate it. `g` must be a copy of
/// `base` (it is reset from `base`, not copied, so that weights are not copied per point). Throws
/// UserError for a setting that does not apply (unknown layer, reuse factor that is not valid, ...).
/// `valid`, if given, holds sweep_reuse_factors() of every node of `base` (a cache for fast sweeps).
/// `check` = false skips the final validation (the caller validates).
void apply_point(Graph& g, const Graph& base, const std::vector<Setting>& settings,
                 const std::vector<std::vector<int>>* valid = nullptr, bool check = true);

// ---------------------------------------------------------------------------------------------
// Evaluation (sweep_eval.cpp)

/// Figures of one run of N samples under the timing contract (analytical or from the SystemC model).
struct RunFigures {
    int64_t latency = 0;      ///< first sample: input accepted to output accepted, cycles
    int64_t latency_max = 0;  ///< worst sample of the run (samples wait behind a bottleneck)
    int64_t run_cycles = 0;   ///< first input accepted to last output accepted
    double ii = 0;            ///< steady-state interval, as `nnsim sim` measures it
    std::vector<int> fifo_depth;          ///< per channel (SweepContext::channels order)
    std::vector<int> fifo_max_occupancy;  ///< per channel
};

/// Result of one design point.
struct PointResult {
    uint64_t index = 0;
    bool ok = false;
    std::string error;         ///< why the point failed
    int64_t latency = 0;       ///< cycles, first sample
    double ii = 0;             ///< cycles between samples
    double throughput = 0;     ///< inferences per second at the clock period
    int64_t latency_max = 0;   ///< cycles, worst sample of the N-sample run
    int64_t run_cycles = 0;    ///< cycles for the N-sample run
    Resources res;             ///< estimated resources of the design
    Resources util;            ///< percent of the part
    double util_max = 0;       ///< largest of util (percent); over 100: the design does not fit
    std::vector<int> fifo_depth, fifo_max_occupancy;  ///< per channel
    bool has_accuracy = false;
    double max_abs_error = 0;      ///< vs the float model, over every output value
    double argmax_agreement = 0;   ///< fraction of samples whose class matches the float model's
    double accuracy = -1;          ///< fraction matching the labels (-1: no labels)
    std::vector<uint64_t> wrapped, saturated;  ///< per layer, over every quantization point
    int verified = -1;             ///< --verify: 1 passed (failures make the point fail); -1 not run
    double seconds = 0;            ///< time spent computing the point
    int64_t run = 0;               ///< store: the sweep run that computed it
    int64_t compute_count = 0;     ///< store: how many times it was computed
    uint8_t fronts = 0;            ///< bit 0: latency-DSP front, 1: latency-LUT, 2: accuracy-resources
    uint64_t rank = 0;             ///< 1 = best
};
enum : uint8_t { kFrontLatencyDsp = 1, kFrontLatencyLut = 2, kFrontAccuracy = 4 };

/// What every point of a sweep shares: the base network, the samples, the float model's outputs.
struct SweepContext {
    const Graph* base = nullptr;
    PartInfo part;                     ///< for utilisation (core/resources.hpp)
    std::string mode = "analytical";  ///< analytical | simulated | verified
    size_t samples = 100;              ///< samples per run (timing and accuracy)
    uint64_t seed = 1;                 ///< seed of the random samples (without --input)
    bool have_input = false;           ///< accuracy figures are computed only with --input
    std::vector<std::vector<double>> inputs;    ///< per sample, every network input concatenated
    std::vector<std::vector<double>> float_out; ///< per sample, the float model's outputs
    std::vector<int> labels;                    ///< per sample class (or 0/1 decision); empty: none
    double float_accuracy = -1;                 ///< the float model's accuracy on the labels
    std::vector<std::string> channels;          ///< FIFO names, as the SystemC model names them
    std::vector<std::string> layers;            ///< node names
    std::string hash;                           ///< identity of the sweep's context in the store
};

/// Build the context: samples from `input` (or N seeded standard-normal samples), labels, float outputs.
SweepContext make_context(const Graph& base, const std::string& mode, const std::string& input,
                          const std::string& labels, int samples, uint64_t seed, const std::string& part);

/// Per sample, the values of every network output concatenated (real values of the fixed-point results).
using Outputs = std::vector<std::vector<double>>;

/// The timing contract (docs/timing.md) evaluated in closed form: a max-plus recurrence over the
/// handshake cycles of N samples with always-ready boundaries (no cycle-by-cycle simulation). The
/// plan holds the graph's channels, which no sweep setting changes.
class RunPlan {
  public:
    explicit RunPlan(const Graph& g);
    /// Depth of every channel of `g` (same structure as the plan's graph).
    std::vector<int> depths(const Graph& g) const;
    /// Word width in bits of every channel of `g` (the producer's tensor size times its width).
    std::vector<int> word_widths(const Graph& g) const;
    /// Figures of N samples of `g` (the plan's graph with a point's settings) with these layer timings
    /// (graph order) and channel depths. Networks with multi-beat tensors go through schedule_beats().
    RunFigures run(const Graph& g, const std::vector<Timing>& timing, const std::vector<int>& depth,
                   size_t samples) const;

  private:
    struct Chan {
        size_t prod;         ///< producing entity: graph input k, or I + node index
        size_t cons;         ///< consuming node index, or M + output index for a sink
        std::string tensor;  ///< the producer's tensor (sets the depth)
    };
    size_t I, M, O;
    std::vector<Chan> chans;                          ///< SweepContext::channels order
    std::vector<std::vector<size_t>> in_ch, out_ch;  ///< channels read by each node, written by each entity
    std::vector<size_t> out_entity;                   ///< entity of each network output
};
RunFigures analytical_run(const Graph& g, size_t samples);

/// Latency, worst latency, run length and steady-state interval from the handshake cycles of the first
/// input and of the outputs (the latest output of each sample), measured as `nnsim sim` measures them.
void cycle_figures(const std::vector<int64_t>& in, const std::vector<int64_t>& out, RunFigures& f);

/// Figures every mode computes the same way: resources, utilisation (and the network timing model's
/// latency, II and throughput, which a simulated point replaces by what it measured).
/// `res`, if given, is the design's estimate (else estimate_network() is called).
void fill_static(const SweepContext& ctx, const Graph& g, PointResult& r, const Resources* res = nullptr);
/// Accuracy figures from the point's fixed-point outputs, and overflow counts from the evaluator.
void fill_accuracy(const SweepContext& ctx, const Graph& g, const Outputs& fixed_out,
                   const std::vector<uint64_t>& wrapped, const std::vector<uint64_t>& saturated, PointResult& r);
/// Run the bit-exact evaluator over the context's samples: outputs and per-layer overflow counts.
void evaluate_samples(const SweepContext& ctx, const Graph& g, Outputs& out, std::vector<uint64_t>& wrapped,
                      std::vector<uint64_t>& saturated);

/// Every precision of a graph (inputs and node variables) as integers: graphs with equal keys compute
/// the same numbers, so accuracy and overflow figures are computed once per key.
std::vector<int> precision_key(const Graph& g);

/// Analytical evaluation of points; one per thread (it keeps a working graph and caches).
class PointEvaluator {
  public:
    PointEvaluator(const SweepContext& ctx, const SweepGrid& grid);
    ~PointEvaluator();
    PointResult evaluate(uint64_t index);

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// ---------------------------------------------------------------------------------------------
// Store (sweep_store.cpp)

/// The JSON form of a point: `full` for results.json (with its settings, rank and Pareto marks), else
/// the figures only (the store, whose key column holds the settings, and the simulated mode's workers).
std::string result_to_json(const PointResult& r, const SweepContext& ctx, const SweepGrid& grid, bool full = false);
PointResult result_from_json(const std::string& text);

/// Results in an SQLite file (WAL journal): one row per (context, point key), committed as each point
/// finishes, so that a killed sweep loses nothing that finished and a rerun skips it.
class SweepStore {
  public:
    explicit SweepStore(const std::string& path);
    ~SweepStore();
    SweepStore(const SweepStore&) = delete;
    SweepStore& operator=(const SweepStore&) = delete;
    /// Register this invocation; returns its run number.
    int64_t begin_run(const std::string& context, const std::string& command, uint64_t points);
    /// Every stored point of a context: key -> result (with run and compute_count filled in).
    std::map<std::string, PointResult> load(const std::string& context);
    /// Fill `results` (one per grid point) from the stored points of ctx.hash; return the indices of the
    /// points still to compute (not stored, or stored as failed when `retry_failed`).
    std::vector<uint64_t> restore(const SweepContext& ctx, const SweepGrid& grid, bool retry_failed,
                                  std::vector<PointResult>& results);
    /// Insert or replace one point; committed at once unless inside begin() ... commit().
    void put(const std::string& context, const std::string& key, const PointResult& r, const std::string& json);
    /// One transaction for points that have all finished already (a worker pool outpacing the commits).
    void begin();
    void commit();
    /// Record how the run ended.
    void end_run(int64_t run, uint64_t computed, const std::string& status);

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

// ---------------------------------------------------------------------------------------------
// Pareto fronts and outputs (pareto.cpp)

/// Points not dominated when both coordinates are minimized (equal points are all kept).
std::vector<bool> pareto_front(const std::vector<double>& x, const std::vector<double>& y);
/// Mark the three fronts on the successful points and rank every point: front points first, then by
/// latency, DSP, LUT; failed points last.
void mark_fronts_and_rank(std::vector<PointResult>& results);
/// The accuracy figure that the accuracy front uses (accuracy on labels, else argmax agreement).
double accuracy_figure(const PointResult& r);

void write_csv(const std::string& path, const std::vector<PointResult>& results, const SweepContext& ctx,
               const SweepGrid& grid);
void write_json(const std::string& path, const std::vector<PointResult>& results, const SweepContext& ctx,
                const SweepGrid& grid);
/// The ranked table on stdout: the `top` best points, with their Pareto marks (D, L, A).
void print_table(const std::vector<PointResult>& results, const SweepContext& ctx, const SweepGrid& grid, int top);
/// Write DIR/pareto.gp and DIR/pareto.dat and run gnuplot for DIR/pareto.png and DIR/pareto.svg.
/// Returns an empty string on success, else why the plot could not be drawn.
std::string write_plot(const std::string& dir, const std::vector<PointResult>& results, const SweepContext& ctx);

// ---------------------------------------------------------------------------------------------
// Command options (tools/nnsim/cmd_sweep.cpp)

struct SweepOptions {
    std::string sweep;                ///< --sweep: kinds ("reuse,precision") or a spec file
    std::string out = "nnsim_sweep";  ///< --out: folder of the store, CSV, JSON and plots
    int jobs = 0;                     ///< -j: workers (0: one per core)
    bool simulate = false;            ///< --simulate: each point runs the SystemC model
    bool verify = false;              ///< --verify: each point also runs the Verilator check
    std::string input;                ///< --input: samples for accuracy (hls4ml .dat)
    std::string labels;               ///< --labels: class per sample (index or one-hot rows)
    int samples = 0;                  ///< --samples: samples per point (0: 100, or all of --input)
    uint64_t seed = 1;                ///< --seed of the random samples
    std::string part;                 ///< --part (default: the network's, else xcku115-flvb2104-2-i)
    int top = 20;                     ///< --top: rows of the terminal table
    bool retry_failed = false;        ///< --retry-failed: compute failed points again
    bool no_plot = false;             ///< --no-plot
    std::string command_line;         ///< for the store's run table
    std::vector<std::string> args;    ///< the command's arguments (argv without the program), for --backend slurm
    std::string shard;                ///< --shard K/N: compute only the points i with i % N == K
    std::vector<std::string> merge;   ///< --merge DIR...: the results of these shards' stores, nothing computed
    std::string backend = "local";    ///< --backend local | slurm
    int tasks = 4;                    ///< --tasks: Slurm array tasks (shards)
    std::string partition;            ///< --partition (Slurm)
    std::string time = "1:00:00";     ///< --time (Slurm)
    bool submit = false;              ///< --submit: call sbatch
    bool wait = false;                ///< --wait: wait for the array, then merge
};

}  // namespace nnsim
