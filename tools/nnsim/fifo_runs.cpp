// Runs of a network for `nnsim fifo` (fifo_runs.hpp): the SystemC model in a forked child that sends
// its figures back as JSON through a pipe, or the analytical beat schedule in this process.
#include "tools/nnsim/fifo_runs.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/beat_schedule.hpp"
#include "core/diag.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "sim/network_sim.hpp"

namespace nnsim {
namespace {

/// `nnsim sim`'s steady-state interval: the average over the second half of the handshakes.
template <class T>
double steady_interval(const std::vector<T>& c) {
    if (c.size() < 2) return 0;
    const size_t from = c.size() / 2 == c.size() - 1 ? 0 : c.size() / 2;
    return double(int64_t(c.back()) - int64_t(c[from])) / double(c.size() - 1 - from);
}

template <class T>
void figures(const std::vector<T>& in, const std::vector<T>& out, FifoRun& r) {
    if (!in.empty() && !out.empty()) r.latency = int64_t(out[0]) - int64_t(in[0]);
    r.ii = std::max(steady_interval(in), steady_interval(out));
}

nlohmann::json to_json(const FifoRun& r) {
    return {{"completed", r.completed}, {"deadlocked", r.deadlocked}, {"outputs_ok", r.outputs_ok},
            {"report", r.report},       {"latency", r.latency},       {"ii", r.ii},
            {"cycles", r.cycles},       {"seconds", r.seconds},       {"max_occupancy", r.max_occupancy}};
}

FifoRun from_json(const nlohmann::json& j) {
    FifoRun r;
    r.completed = j.at("completed"), r.deadlocked = j.at("deadlocked"), r.outputs_ok = j.at("outputs_ok");
    r.report = j.at("report"), r.latency = j.at("latency"), r.ii = j.at("ii");
    r.cycles = j.at("cycles"), r.seconds = j.at("seconds");
    r.max_occupancy = j.at("max_occupancy").get<std::vector<int>>();
    return r;
}

/// In the child: simulate and describe the run.
FifoRun simulate_here(const Graph& g, const RunStimulus& s) {
    SimOptions opt;
    opt.pace = s.pace;
    opt.deadlock_cycles = s.deadlock_cycles;
    const SimResult sr = simulate(g, *s.inputs, opt);
    FifoRun r;
    r.completed = sr.completed, r.deadlocked = sr.deadlocked, r.report = sr.deadlock_report;
    r.cycles = sr.cycles, r.seconds = sr.wall_seconds;
    figures(sr.input_cycles, sr.output_cycles, r);
    for (const auto& f : sr.fifos) r.max_occupancy.push_back(f.max_occupancy);
    if (r.completed) r.outputs_ok = sr.outputs == *s.expected;
    return r;
}

}  // namespace

std::vector<FifoEdge> fifo_edges(const Graph& g) {
    std::map<std::string, int> width;  // a FIFO word is one beat: its values times their width
    for (const auto& in : g.inputs) width[in.name] = int(beat_width(g, in.name)) * in.precision.width;
    for (const auto& n : g.nodes) width[n.name] = int(beat_width(g, n.name)) * n.type("result").width;
    std::vector<FifoEdge> e;
    std::map<std::pair<std::string, std::string>, int> seen;  // add(x, x) reads x through two FIFOs
    auto add = [&](const std::string& from, const std::string& to) {
        e.push_back({fifo_name(from, to, seen[{from, to}]++), from, width[from]});
    };
    for (const auto& n : g.nodes)
        for (const auto& i : n.inputs) add(i, n.name);
    for (const auto& o : g.outputs) add(o, "out");
    return e;
}

void set_tensor_depth(Graph& g, const std::string& tensor, int depth) {
    for (auto& n : g.nodes)
        if (n.name == tensor) n.fifo_depth = depth;
    for (auto& in : g.inputs)
        if (in.name == tensor) in.fifo_depth = depth;
}

FifoRun run_systemc(const Graph& g, const RunStimulus& s) {
    int fds[2];
    if (pipe(fds) != 0) throw UserError(std::string("pipe: ") + std::strerror(errno));
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t pid = fork();
    if (pid < 0) throw UserError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        close(fds[0]);
        nlohmann::json j;
        try {
            j = to_json(simulate_here(g, s));
        } catch (const std::exception& e) {
            j = {{"error", e.what()}};
        }
        const std::string text = j.dump();
        for (size_t done = 0; done < text.size();) {
            const ssize_t w = write(fds[1], text.data() + done, text.size() - done);
            if (w <= 0) _exit(4);
            done += size_t(w);
        }
        close(fds[1]);
        std::fflush(stdout);
        _exit(0);
    }
    close(fds[1]);
    std::string text;
    char buf[65536];
    for (;;) {
        const ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        text.append(buf, size_t(got));
    }
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || text.empty())
        throw std::runtime_error("the SystemC model's process failed (status " +
                                 std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)) + ")");
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.contains("error")) throw UserError(j["error"].get<std::string>());
    return from_json(j);
}

FifoRun run_schedule(const Graph& g, const RunStimulus& s) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Timing> timing;
    for (const auto& n : g.nodes) timing.push_back(n.kind->timing(n, node_inputs(g, n), g.io_type));
    std::vector<int> depth;
    for (const auto& e : fifo_edges(g)) depth.push_back(fifo_depth(g, e.tensor));
    const BeatSchedule b = schedule_beats(g, timing, depth, s.samples, int64_t(s.pace));
    FifoRun r;
    r.deadlocked = b.deadlocked, r.report = b.deadlock_report;
    r.completed = !b.deadlocked && b.output_cycles.size() == s.samples;
    figures(b.input_cycles, b.output_cycles, r);
    r.max_occupancy = b.fifo_max_occupancy;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace nnsim
