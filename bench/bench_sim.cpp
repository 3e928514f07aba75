// Benchmark: speed of the cycle-accurate SystemC model next to the untimed bit-exact evaluator, both
// measured in this process over the same samples. Prints one row per configuration: simulated
// cycles/s, timed-model inferences/s, evaluator inferences/s, their ratio, and whether the target is
// met (timed / untimed >= 1/3 at reuse factor 1, >= 1/5 at reuse factor 16 and above, interpolated
// in log2 of the reuse factor in between). The model's outputs are checked against the evaluator, so
// a wrong simulation is an error (exit 1), not a number; a missed target is only reported. The
// evaluator is timed half before and half after the simulation; `drift` is how far those two halves
// differ (a large drift means the machine's load changed and the ratio is unreliable).
//
// SystemC allows one elaboration per process, so one run measures one configuration
// (bench/run_sim_bench.sh runs the four standard ones).
//
//   bench_sim [model] [--reuse-factor N] [--io-type io_parallel|io_stream] [--strategy Latency|Resource]
//             [--samples N] [--seconds S] [--seed S] [--no-header]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/overrides.hpp"
#include "frontends/load.hpp"
#include "sim/network_sim.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// SystemC prints a banner when its kernel starts unless this is set; set it before anything runs.
const int kQuietSystemC = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

/// Target of timed / untimed inferences per second at a reuse factor.
double target_ratio(int rf) {
    if (rf <= 1) return 1.0 / 3.0;
    if (rf >= 16) return 1.0 / 5.0;
    const double f = std::log2(double(rf)) / 4.0;  // 0 at RF 1, 1 at RF 16
    return 1.0 / (3.0 + 2.0 * f);
}

int parse_int(const char* opt, const char* v) {
    char* end = nullptr;
    const long x = std::strtol(v, &end, 10);
    if (!*v || *end || x <= 0 || x > 1000000000L)
        throw nnsim::UserError(std::string(opt) + ": expected a positive integer, got '" + v + "'");
    return int(x);
}

}  // namespace

extern "C" int sc_main(int argc, char** argv) {
    (void)kQuietSystemC;
    std::string model = std::string(NNSIM_SHARED_DIR) + "/external_models/keras/KERAS_3layer.json";
    nnsim::Overrides o;
    int samples = 20000;
    double seconds = 0.5;
    unsigned seed = 1;
    bool header = true;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
            if (a == "--no-header") header = false;
            else if (a[0] != '-') model = a;
            else if (a != "--reuse-factor" && a != "--io-type" && a != "--strategy" && a != "--samples" &&
                     a != "--seconds" && a != "--seed")
                throw nnsim::UserError("unknown option " + a);
            else if (!v) throw nnsim::UserError(a + ": missing value");
            else if (a == "--reuse-factor") o.reuse_factor = parse_int(argv[i++], v);
            else if (a == "--io-type") o.io_type = argv[++i];
            else if (a == "--strategy") o.strategy = argv[++i];
            else if (a == "--samples") samples = parse_int(argv[i++], v);
            else if (a == "--seconds") seconds = std::atof(argv[++i]);
            else seed = unsigned(parse_int(argv[i++], v));  // --seed
        }

        nnsim::Graph g = nnsim::load_network(model, {});
        nnsim::apply_overrides(g, o);
        nnsim::Evaluator ev(g);
        int rf = 1;
        for (const auto& n : g.nodes) rf = std::max(rf, n.reuse_factor);

        // Seeded standard-normal samples, quantized once; expected outputs from the evaluator.
        std::mt19937_64 rng(seed);
        std::normal_distribution<double> normal(0.0, 1.0);
        std::vector<std::vector<std::vector<int64_t>>> raw(g.inputs.size());
        std::vector<std::vector<std::vector<int64_t>>> expected(ev.output_nodes().size());
        for (int s = 0; s < samples; ++s) {
            for (size_t k = 0; k < g.inputs.size(); ++k) {
                std::vector<double> x(ev.input_size(k));
                for (auto& v : x) v = normal(rng);
                ev.set_input(k, x.data());
                raw[k].push_back(ev.input_raw(k));
            }
            ev.run(false);
            for (size_t q = 0; q < ev.output_nodes().size(); ++q)
                expected[q].push_back(ev.node_raw(ev.output_nodes()[q]));
        }

        // (a) Untimed evaluator over the same samples, repeated to at least `seconds` in all: half
        // before the simulation and half after it, so that a change of machine load during the run
        // shows up (the `drift` column) and weighs on both sides of the ratio alike.
        int64_t checksum = 0;
        auto measure = [&](double budget) {
            size_t count = 0;
            double elapsed = 0;
            const auto t0 = Clock::now();
            while (elapsed < budget) {
                for (size_t s = 0; s < size_t(samples); ++s) {
                    for (size_t k = 0; k < g.inputs.size(); ++k) ev.set_input_raw(k, raw[k][s].data());
                    ev.run(false);
                    checksum += ev.node_raw(ev.output_nodes()[0])[0];
                }
                count += size_t(samples);
                elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
            }
            return std::make_pair(count, elapsed);
        };
        const auto before = measure(seconds / 2);

        // (b) The cycle-accurate model, once (one elaboration per process).
        const nnsim::SimResult r = nnsim::simulate(g, raw, nnsim::SimOptions{});
        size_t words = 0, mismatches = 0;
        for (size_t q = 0; q < r.outputs.size() && q < expected.size(); ++q)
            for (size_t s = 0; s < r.outputs[q].size() && s < expected[q].size(); ++s) {
                words += r.outputs[q][s].size();
                if (r.outputs[q][s] != expected[q][s]) ++mismatches;
            }
        if (!r.completed || r.outputs.size() != expected.size() || mismatches > 0) {
            std::fprintf(stderr,
                         "bench_sim: error: the model %s (%zu of %d samples out, %zu differ from the evaluator)%s%s\n",
                         r.deadlocked ? "deadlocked" : r.completed ? "is not bit-exact" : "did not complete",
                         r.outputs.empty() ? size_t(0) : r.outputs[0].size(), samples, mismatches,
                         r.deadlock_report.empty() ? "" : ": ", r.deadlock_report.c_str());
            return 1;
        }
        const auto after = measure(seconds / 2);
        const double eval_rate = double(before.first + after.first) / (before.second + after.second);
        const double drift = std::fabs(double(before.first) / before.second - double(after.first) / after.second) /
                             eval_rate;
        const double wall = r.wall_seconds > 0 ? r.wall_seconds : 1e-9;
        const double cycles_rate = double(r.cycles) / wall;
        const double timed_rate = double(samples) / wall;
        const double ratio = timed_rate / eval_rate;
        const double target = target_ratio(rf);

        if (header) {
            std::printf("network %s, %d samples, clock %.3g ns; model checked bit-exact against the evaluator "
                        "(%zu words); evaluator checksum %lld\n",
                        g.name.c_str(), samples, g.clock_period_ns, words, (long long)checksum);
            std::printf("%-4s %-11s %-8s %10s %9s %12s %12s %14s %6s %7s %7s %s\n", "RF", "io_type",
                        "strategy", "cycles", "sim_s", "cycles/s", "timed inf/s", "untimed inf/s", "drift", "ratio",
                        "target", "met");
        }
        std::printf("%-4d %-11s %-8s %10llu %9.3f %12.0f %12.0f %14.0f %5.0f%% %7.3f %7.3f %s\n", rf,
                    nnsim::io_type_name(g.io_type), nnsim::strategy_name(g.default_strategy),
                    (unsigned long long)r.cycles, r.wall_seconds, cycles_rate, timed_rate, eval_rate, 100 * drift,
                    ratio, target, ratio >= target ? "met" : "NOT met");
        std::fflush(stdout);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_sim: error: %s\n", e.what());
        return 2;
    }
}
