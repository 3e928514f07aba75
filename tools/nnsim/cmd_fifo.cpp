// `nnsim fifo`: size every FIFO of an io_stream (or io_parallel) network from simulation, the job hls4ml
// does with hours of RTL co-simulation (hls4ml_reference.md section 3), and confirm the result.
//
// 1. Measure: the SystemC model (or with --analytical the beat schedule, core/beat_schedule.hpp) runs N
//    samples with every FIFO deep enough that nothing ever refuses a write (checked: no FIFO fills) and the
//    source paced at the timing model's II: sample k is offered no earlier than cycle k x II, the rate
//    the network sustains. (A source that runs ahead of the bottleneck fills the FIFOs in front of it
//    with samples that only wait; their occupancy then grows with N, which is what makes hls4ml's
//    optimizer oversize the first FIFO.) Each FIFO's maximum occupancy is recorded.
// 2. Size: depth = max(2, occupancy + margin), one depth per tensor (the max over its FIFOs). The
//    occupancy counts the words held at the start of a cycle plus the one written in it, so under
//    registered flags a FIFO of exactly that depth never refuses a write of the measured run: margin 0
//    is exactly enough (hls4ml adds 1 to a figure measured differently). The floor of 2: a FIFO of depth
//    1 passes one word every two cycles whenever words follow each other; it would only be exact if
//    no two writes were ever one cycle apart, the timing model treats it as half rate, and it saves
//    nothing (a LUTRAM of depth 1 or 2 is the same cells).
// 3. Confirm: the sized design runs again with a source that offers samples as fast as it can. The
//    contract is a max-plus system, monotone in every operand: a feasible paced schedule with these
//    depths exists (the measured one), so the free-running one is no later anywhere, and the first
//    sample's latency and the II must equal the measured ones. If they do not (too few samples to
//    reach the steady state), the FIFOs that filled up grow by half and the run repeats.
// The analytical `needed` figures (analyze_timing(g, true).fifos) are the same measurement on the beat
// schedule; the report compares them FIFO by FIFO. Exit codes: 0 sized and confirmed, 2 bad input,
// 3 a deadlock remains, 1 the figures could not be reproduced or --verify failed.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/network_json.hpp"
#include "core/resources.hpp"
#include "core/samples.hpp"
#include "core/timing_model.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/fifo_runs.hpp"
#include "tools/nnsim/verify_args.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRounds = 12;

nlohmann::json memory_json(const Resources& r, int64_t bits) {
    return {{"lut", r.lut}, {"ff", r.ff}, {"bram18", r.bram18}, {"bits", bits}};
}

nlohmann::json run_json(const FifoRun& r) {
    nlohmann::json j = {{"completed", r.completed}, {"deadlocked", r.deadlocked}, {"latency", r.latency},
                        {"ii", r.ii}, {"seconds", r.seconds}};
    if (r.deadlocked) j["deadlock"] = r.report;
    return j;
}

std::string run_text(const FifoRun& r) {
    if (r.deadlocked) return "deadlock";
    if (!r.completed) return "incomplete";
    char b[96];
    std::snprintf(b, sizeof b, "latency %lld, II %.4g", (long long)r.latency, r.ii);
    return b;
}

/// Memory of the FIFOs of `g` as the resource estimator counts it (core/resources.cpp estimate_fifo).
struct Memory {
    Resources total;
    int64_t bits = 0;
    std::vector<Resources> per;
};
Memory memory(const Graph& g, const std::vector<FifoEdge>& edges) {
    Memory m;
    for (const auto& e : edges) {
        const int d = fifo_depth(g, e.tensor);
        m.per.push_back(estimate_fifo(d, e.width));
        m.total += m.per.back();
        m.bits += int64_t(d) * e.width;
    }
    return m;
}

/// `nnsim verify` on the description at `path`, in a child process (the parent has no SystemC
/// elaboration, the child may have one). Returns its exit code.
int verify_child(const std::string& path, int samples, uint64_t seed) {
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) throw UserError("fork failed");
    if (pid == 0) {
        int rc = 2;
        try {
            VerifyArgs va;
            va.net.net = path;
            va.samples = samples;
            va.seed = seed;
            rc = cmd_verify(va);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "nnsim: error: %s\n", e.what());
        }
        std::fflush(stdout);
        std::fflush(stderr);
        _exit(rc);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

}  // namespace

int cmd_fifo(const FifoArgs& a) {
    const auto t_start = std::chrono::steady_clock::now();
    const Graph g = load_for_command(a.net);
    if (a.margin < 0) throw UserError("--margin: must be 0 or more, got " + std::to_string(a.margin));
    if (a.samples < 0) throw UserError("--samples: must be positive, got " + std::to_string(a.samples));
    const std::vector<FifoEdge> edges = fifo_edges(g);
    std::vector<std::string> tensors;  // distinct, in edge order
    for (const auto& e : edges)
        if (std::find(tensors.begin(), tensors.end(), e.tensor) == tensors.end()) tensors.push_back(e.tensor);

    // The timing model with FIFOs that never fill, and its per-FIFO `needed`.
    Graph wide = g;
    for (const auto& t : tensors) set_tensor_depth(wide, t, 1 << 20);
    const NetworkTiming model = analyze_timing(wide, true);
    // Enough samples for the steady state: the pipeline full (latency / II samples) and then some.
    const size_t steady = size_t(std::max<int64_t>(20, 2 + (model.latency + model.ii - 1) / model.ii));
    const size_t n = a.samples > 0 ? size_t(a.samples) : steady;
    const size_t n_confirm = std::max(n, steady);  // a short measurement is caught by a long enough rerun

    // Samples and the outputs every run must reproduce.
    Evaluator ev(g);
    const auto samples = make_samples("", int(n_confirm), a.seed, sample_columns(ev));
    const auto raw = quantize_samples(ev, samples);
    std::vector<std::vector<std::vector<int64_t>>> expected(ev.output_nodes().size());
    for (size_t s = 0; s < n_confirm; ++s) {
        for (size_t k = 0; k < raw.size(); ++k) ev.set_input_raw(k, raw[k][s].data());
        ev.run(false);
        for (size_t o = 0; o < ev.output_nodes().size(); ++o) expected[o].push_back(ev.node_raw(ev.output_nodes()[o]));
    }
    auto first_n = [n](std::vector<std::vector<std::vector<int64_t>>> v) {
        for (auto& x : v) x.resize(n);
        return v;
    };
    const auto raw_n = first_n(raw), expected_n = first_n(expected);
    const uint64_t watchdog = uint64_t(1200 + 4 * (model.latency + model.ii));
    const RunStimulus stim_n{&raw_n, &expected_n, n, 0, watchdog}, stim_confirm{&raw, &expected, n_confirm, 0, watchdog};
    auto run = [&](const Graph& d, uint64_t pace, bool confirm = false) {
        RunStimulus s = confirm ? stim_confirm : stim_n;
        s.pace = pace;
        return a.analytical ? run_schedule(d, s) : run_systemc(d, s);
    };
    const char* engine = a.analytical ? "beat schedule" : "SystemC model";

    // Before: the network as given, the source as fast as it can (as long as the confirmation).
    const FifoRun before = run(g, 0, true);
    // Measure: paced at the II, every FIFO deep enough that nothing refuses a write. The whole run's
    // beats always are; to keep the model's storage small on large tensors, start from 4 x the
    // analytical need (+ 64) and double any FIFO that filled up until none does.
    std::map<std::string, int64_t> whole, deep;
    for (const auto& t : tensors) whole[t] = std::max<int64_t>(2, int64_t(n) * tensor_beats(g, t) + 1);
    for (size_t i = 0; i < edges.size(); ++i) {
        const std::string& t = edges[i].tensor;
        deep[t] = std::min(whole[t], std::max<int64_t>(deep[t], 4 * int64_t(model.fifos[i].needed) + 64));
    }
    Graph unbounded = g;
    FifoRun measured;
    for (;;) {
        for (const auto& [t, d] : deep) set_tensor_depth(unbounded, t, int(d));
        measured = run(unbounded, uint64_t(model.ii));
        bool again = false;
        for (size_t i = 0; i < edges.size() && i < measured.max_occupancy.size(); ++i) {
            int64_t& d = deep[edges[i].tensor];
            if (measured.max_occupancy[i] >= d && d < whole[edges[i].tensor]) {
                d = std::min(whole[edges[i].tensor], 2 * d);
                again = true;
            }
        }
        if (!again) break;
    }
    if (!measured.completed || measured.deadlocked)
        throw std::runtime_error("the run with unbounded FIFOs did not complete: " + measured.report);
    if (!measured.outputs_ok) {
        std::fprintf(stderr, "nnsim: internal error: model output differs from the evaluator\n");
        return 1;
    }

    // Size, confirm, grow what filled up until the figures hold.
    std::map<std::string, int> depth;
    for (size_t i = 0; i < edges.size(); ++i)
        depth[edges[i].tensor] = std::max({depth[edges[i].tensor], 2, measured.max_occupancy[i] + a.margin});
    Graph sized = g;
    FifoRun after;
    std::vector<std::string> rounds;
    bool ok = false;
    for (int round = 0; round < kMaxRounds; ++round) {
        for (const auto& [t, d] : depth) set_tensor_depth(sized, t, d);
        after = run(sized, 0, true);
        ok = after.completed && !after.deadlocked && after.outputs_ok && after.latency == measured.latency &&
             std::fabs(after.ii - measured.ii) < 1e-9;
        if (ok || (after.completed && !after.outputs_ok)) break;
        std::string grown;
        for (const auto& t : tensors) {
            bool full = false;
            for (size_t i = 0; i < edges.size(); ++i)
                full = full || (edges[i].tensor == t && after.max_occupancy[i] >= depth[t]);
            if (!full) continue;
            const int d = depth[t] + std::max(1, depth[t] / 2);
            grown += (grown.empty() ? "" : ", ") + t + " " + std::to_string(depth[t]) + " -> " + std::to_string(d);
            depth[t] = d;
        }
        rounds.push_back("round " + std::to_string(round + 1) + ": " + run_text(after) + "; grew " +
                         (grown.empty() ? "nothing (no FIFO filled up)" : grown));
        if (grown.empty()) break;
    }

    // Report.
    const Memory mem_given = memory(g, edges), mem_sized = memory(sized, edges);
    Graph plain = g;  // the default rule: hls4ml's pixels of the tensor, at least 2
    for (const auto& t : tensors) set_tensor_depth(plain, t, 0);
    const Memory mem_default = memory(plain, edges);
    nlohmann::json j;
    j["network"] = g.name;
    j["engine"] = a.analytical ? "analytical" : "systemc";
    j["samples"] = n;
    j["samples_confirm"] = n_confirm;
    j["margin"] = a.margin;
    j["model"] = {{"latency", model.latency}, {"ii", model.ii}};
    j["before"] = run_json(before);
    j["measured"] = run_json(measured);
    j["after"] = run_json(after);
    j["confirmed"] = ok;
    j["rounds"] = rounds;
    j["fifos"] = nlohmann::json::array();
    std::vector<std::string> differ;
    std::printf("%s: FIFO sizing on the %s, %zu samples, margin %d (%s)\n", g.name.c_str(), engine, n, a.margin,
                io_type_name(g.io_type));
    std::printf("  %-44s %5s %7s %6s %6s %6s %6s  %-16s %-16s\n", "fifo", "bits", "default", "given", "occ",
                "needed", "sized", "before LUT/FF/BR", "after LUT/FF/BR");
    auto mem_cell = [](const Resources& r) {
        char b[48];
        std::snprintf(b, sizeof b, "%.0f/%.0f/%.0f", r.lut, r.ff, r.bram18);
        return std::string(b);
    };
    for (size_t i = 0; i < edges.size(); ++i) {
        const auto& e = edges[i];
        const int occ = measured.max_occupancy[i], need = model.fifos[i].needed;
        if (occ != need)
            differ.push_back(e.name + ": " + (a.analytical ? "schedule " : "simulation ") + std::to_string(occ) +
                             ", analytical needed " + std::to_string(need) + " (" + (need > occ ? "+" : "") +
                             std::to_string(need - occ) + ")");
        std::printf("  %-44s %5d %7d %6d %6d %6d %6d  %-16s %-16s\n", e.name.c_str(), e.width,
                    fifo_depth(plain, e.tensor), fifo_depth(g, e.tensor), occ, need, fifo_depth(sized, e.tensor),
                    mem_cell(mem_given.per[i]).c_str(), mem_cell(mem_sized.per[i]).c_str());
        j["fifos"].push_back({{"name", e.name}, {"tensor", e.tensor}, {"width", e.width},
                              {"default", fifo_depth(plain, e.tensor)}, {"given", fifo_depth(g, e.tensor)},
                              {"max_occupancy", occ}, {"needed", need}, {"sized", fifo_depth(sized, e.tensor)},
                              {"memory_before", memory_json(mem_given.per[i], int64_t(fifo_depth(g, e.tensor)) * e.width)},
                              {"memory_after", memory_json(mem_sized.per[i], int64_t(fifo_depth(sized, e.tensor)) * e.width)}});
    }
    std::printf("  %-44s %5s %7s %6s %6s %6s %6s  %-16s %-16s\n", "total", "", "", "", "", "", "",
                mem_cell(mem_given.total).c_str(), mem_cell(mem_sized.total).c_str());
    std::printf("  memory bits: default %lld, given %lld, sized %lld\n", (long long)mem_default.bits,
                (long long)mem_given.bits, (long long)mem_sized.bits);
    j["totals"] = {{"default", memory_json(mem_default.total, mem_default.bits)},
                   {"before", memory_json(mem_given.total, mem_given.bits)},
                   {"after", memory_json(mem_sized.total, mem_sized.bits)}};
    std::printf("  before: %s; unbounded (paced at II %lld): %s; sized: %s (timing model: latency %lld, II %lld)\n",
                run_text(before).c_str(), (long long)model.ii, run_text(measured).c_str(), run_text(after).c_str(),
                (long long)model.latency, (long long)model.ii);
    if (n < steady)
        std::printf("  note: %zu samples measure less than the steady state (%zu); the rerun used %zu\n", n, steady,
                    n_confirm);
    for (const auto& r : rounds) std::printf("  %s\n", r.c_str());
    if (differ.empty())
        std::printf("  the analytical beat schedule gives the same depth on every FIFO (--analytical sizes "
                    "without simulating)\n");
    else
        for (const auto& d : differ) std::printf("  differs: %s\n", d.c_str());
    j["analytical_agrees"] = differ.empty();
    j["differences"] = differ;

    // The sized description.
    std::string sized_path = a.out;
    std::string scratch;
    if (sized_path.empty() && a.verify) {
        scratch = (fs::temp_directory_path() / ("nnsim_fifo_" + std::to_string(getpid()))).string();
        fs::create_directories(scratch);
        sized_path = scratch + "/" + g.name + "_sized.json";
    }
    if (!sized_path.empty()) {
        WriteOptions wo;
        wo.out_path = sized_path;
        std::ofstream f(sized_path);
        if (!f || !(f << write_network(sized, wo))) throw UserError(sized_path + ": cannot write network description");
        if (!a.out.empty()) std::printf("  wrote %s\n", a.out.c_str());
    }
    int verify_rc = -1;
    if (a.verify && ok) verify_rc = verify_child(sized_path, int(std::min<size_t>(n, 100)), a.seed);
    if (!scratch.empty()) fs::remove_all(scratch);
    j["verify"] = verify_rc < 0 ? nlohmann::json(nullptr) : nlohmann::json(verify_rc == 0);
    j["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    std::printf("  sizing took %.3f s (runs: before %.3f s, measure %.3f s, sized %.3f s)\n", double(j["seconds"]),
                before.seconds, measured.seconds, after.seconds);
    if (!a.json.empty()) {
        std::ofstream f(a.json);
        if (!f || !(f << j.dump(2) << "\n")) throw UserError(a.json + ": cannot write report");
    }

    if (after.deadlocked) {
        std::fprintf(stderr, "nnsim: deadlock remains after sizing: %s\n", after.report.c_str());
        return 3;
    }
    if (!after.outputs_ok) {
        std::fprintf(stderr, "nnsim: internal error: model output differs from the evaluator\n");
        return 1;
    }
    if (!ok) {
        std::fprintf(stderr, "nnsim: fifo: the sized design does not reproduce latency %lld and II %.4g: %s\n",
                     (long long)measured.latency, measured.ii, run_text(after).c_str());
        return 1;
    }
    if (verify_rc > 0) {
        std::fprintf(stderr, "nnsim: fifo: verify of the sized design failed (exit %d)\n", verify_rc);
        return verify_rc == 3 ? 3 : 1;
    }
    return 0;
}

}  // namespace nnsim
