// `nnsim --net NET --sweep KINDS|SPEC` (and `nnsim sweep ...`): design-space exploration (docs/sweeps.md).
//
// Analytical mode: -j threads evaluate points with PointEvaluator (core/sweep_eval.cpp); the main
// thread commits each result to the store as it arrives. Simulated mode (--simulate, --verify): the
// SystemC kernel allows one elaboration per process, so every point runs in a forked worker process
// (up to -j at a time) that applies the point, runs the model (and, with --verify, the Verilator check
// in a process of its own) and writes its result to a file; the main process stays single-threaded,
// never elaborates, and commits each result when its worker exits. A worker that crashes or deadlocks
// is recorded as a failed point with its reason. SIGINT stops the sweep after committing what finished.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/network_json.hpp"
#include "core/sweep.hpp"
#include "sim/network_sim.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/sweep_shards.hpp"
#include "tools/nnsim/verify_args.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// CPU seconds used so far by this process and its reaped children (the workers of the simulated mode).
double cpu_seconds() {
    double s = 0;
    for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage u {};
        getrusage(who, &u);
        s += double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
    }
    return s;
}

std::string hms(double s) {
    char buf[32];
    const long t = long(s + 0.5);
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    return buf;
}

/// Points done, rate and ETA on stderr: redrawn in place on a terminal, a line every 5 s otherwise;
/// nothing for sweeps that end within half a second.
class Progress {
  public:
    explicit Progress(size_t total) : m_total(total), m_t0(Clock::now()), m_tty(isatty(2)) {}
    void tick() { ++m_done, draw(false); }
    void draw(bool final) {
        const double t = since(m_t0);
        if (t < 0.5 || (final && !m_shown)) return;
        if (!final && t - m_last < (m_tty ? 0.1 : 5.0)) return;
        m_last = t;
        m_shown = true;
        const double rate = m_done / std::max(t, 1e-9);
        const int width = 30, full = m_total ? int(width * m_done / m_total) : width;
        std::fprintf(stderr, "%s[%s%s] %zu/%zu points  %.1f/s  ETA %s%s", m_tty ? "\r" : "",
                     std::string(size_t(full), '#').c_str(), std::string(size_t(width - full), '.').c_str(), m_done,
                     m_total, rate, rate > 0 ? hms(double(m_total - m_done) / rate).c_str() : "?",
                     m_tty && !final ? "  " : "\n");
    }

  private:
    size_t m_total, m_done = 0;
    Clock::time_point m_t0;
    bool m_tty, m_shown = false;
    double m_last = -1;
};

/// Per-layer overflow counts (wrapped, saturated) of one set of precisions.
using Counts = std::pair<std::vector<uint64_t>, std::vector<uint64_t>>;

struct Sweep {
    const SweepOptions& opt;
    const SweepGrid& grid;
    const SweepContext& ctx;
    SweepStore& store;
    std::vector<PointResult>& results;
    Progress& progress;
    int jobs;
    size_t computed = 0;

    void commit(PointResult r, const std::string& json) {
        const size_t i = size_t(r.index);
        r.compute_count = results[i].compute_count + 1;
        store.put(ctx.hash, grid.key(i), r, json);
        results[i] = std::move(r);
        ++computed;
        progress.tick();
    }

    void analytical(const std::vector<uint64_t>& todo, int64_t run) {
        if (jobs <= 1) {
            // Points are committed in transactions of at most kBatch of wall time: an interrupted sweep
            // loses no more than that (the points are computed again when it resumes).
            const auto kBatch = std::chrono::milliseconds(50);
            PointEvaluator ev(ctx, grid);
            bool open = false;
            auto opened = std::chrono::steady_clock::now();
            for (size_t k = 0; k < todo.size() && !g_interrupted; ++k) {
                PointResult r = ev.evaluate(todo[k]);
                r.run = run;
                const std::string json = result_to_json(r, ctx, grid);
                if (!open) store.begin(), open = true, opened = std::chrono::steady_clock::now();
                commit(std::move(r), json);
                if (std::chrono::steady_clock::now() - opened >= kBatch) store.commit(), open = false;
            }
            if (open) store.commit();
            return;
        }
        std::atomic<size_t> next{0};
        std::mutex mu;
        std::condition_variable ready, space;
        std::vector<std::pair<PointResult, std::string>> queue;
        int running = jobs;
        auto worker = [&] {
            PointEvaluator ev(ctx, grid);
            for (size_t k; !g_interrupted && (k = next++) < todo.size();) {
                PointResult r = ev.evaluate(todo[k]);
                r.run = run;
                std::string json = result_to_json(r, ctx, grid);
                std::unique_lock<std::mutex> lock(mu);
                space.wait(lock, [&] { return queue.size() < 4096 || g_interrupted; });
                queue.emplace_back(std::move(r), std::move(json));
                ready.notify_one();
            }
            std::lock_guard<std::mutex> lock(mu);
            --running;
            ready.notify_one();
        };
        std::vector<std::thread> threads;
        for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
        std::vector<std::pair<PointResult, std::string>> batch;
        try {
            while (true) {
                {
                    std::unique_lock<std::mutex> lock(mu);
                    ready.wait_for(lock, std::chrono::milliseconds(100), [&] { return !queue.empty() || running == 0; });
                    batch.swap(queue);
                    space.notify_all();
                    if (batch.empty() && running == 0) break;
                }
                // Points that finished while the previous commit was being written: one transaction.
                if (batch.size() > 1) store.begin();
                for (auto& [r, json] : batch) commit(std::move(r), json);
                if (batch.size() > 1) store.commit();
                batch.clear();
                progress.draw(false);
            }
        } catch (...) {  // the store failed: stop the workers before reporting it
            g_interrupted = 1;
            space.notify_all();
            for (auto& t : threads) t.join();
            throw;
        }
        for (auto& t : threads) t.join();
    }

    // ---- simulated mode -------------------------------------------------------------------------

    /// In a worker process: evaluate point `index` by simulation, write its JSON to `file`. `known`: the
    /// overflow counts of the point's precisions if an earlier worker reported them (counting is slow).
    [[noreturn]] void worker_process(uint64_t index, const std::string& file, const std::string& work,
                                     const Counts* known) {
        PointResult r;
        r.index = index;
        const auto t0 = Clock::now();
        try {
            Graph g = *ctx.base;
            apply_point(g, *ctx.base, grid.settings(size_t(index)));
            if (const char* crash = std::getenv("NNSIM_SWEEP_CRASH_KEY"))  // tests: a point whose worker crashes
                if (grid.key(size_t(index)) == crash) std::abort();
            fill_static(ctx, g, r);
            if (opt.verify) verify_point(g, work);
            Evaluator ev(g);
            std::vector<std::vector<std::vector<int64_t>>> raw(g.inputs.size());
            std::vector<std::vector<std::vector<int64_t>>> expected(ev.output_nodes().size());
            for (const auto& s : ctx.inputs) {
                size_t off = 0;
                for (size_t k = 0; k < g.inputs.size(); ++k) {
                    ev.set_input(k, s.data() + off);
                    raw[k].push_back(ev.input_raw(k));
                    off += ev.input_size(k);
                }
                ev.run(ctx.have_input && !known);  // counting overflows is slower: only when needed
                for (size_t o = 0; o < ev.output_nodes().size(); ++o) expected[o].push_back(ev.node_raw(ev.output_nodes()[o]));
            }
            SimOptions so;
            so.input_pattern = CyclePattern{1.0, 3};
            so.output_pattern = CyclePattern{1.0, 4};
            const SimResult sr = simulate(g, raw, so);
            if (sr.deadlocked) throw UserError("deadlock: " + sr.deadlock_report);
            if (!sr.completed) throw UserError("the simulation ended before every sample came out");
            if (sr.outputs != expected) throw UserError("internal error: model output differs from the evaluator");
            RunFigures f;
            cycle_figures(std::vector<int64_t>(sr.input_cycles.begin(), sr.input_cycles.end()),
                          std::vector<int64_t>(sr.output_cycles.begin(), sr.output_cycles.end()), f);
            r.latency = f.latency, r.latency_max = f.latency_max, r.run_cycles = f.run_cycles, r.ii = f.ii;
            r.throughput = f.ii > 0 ? 1e9 / (f.ii * g.clock_period_ns) : 0;
            for (size_t c = 0; c < sr.fifos.size(); ++c) {
                NNSIM_ASSERT(c < ctx.channels.size() && sr.fifos[c].name == ctx.channels[c], "FIFO order");
                r.fifo_depth.push_back(sr.fifos[c].depth);
                r.fifo_max_occupancy.push_back(sr.fifos[c].max_occupancy);
            }
            if (ctx.have_input) {
                Outputs out(ctx.samples);
                for (size_t o = 0; o < sr.outputs.size(); ++o) {
                    const FixedType& t = g.find(g.outputs[o])->type("result");
                    for (size_t s = 0; s < sr.outputs[o].size(); ++s)
                        for (int64_t v : sr.outputs[o][s]) out[s].push_back(t.to_double(v));
                }
                Counts counts = known ? *known : Counts(std::vector<uint64_t>(g.nodes.size()), std::vector<uint64_t>(g.nodes.size()));
                for (size_t i = 0; !known && i < g.nodes.size(); ++i)
                    for (const auto& c : ev.counters(i)) counts.first[i] += c.wrapped, counts.second[i] += c.saturated;
                fill_accuracy(ctx, g, out, counts.first, counts.second, r);
            }
            if (opt.verify) r.verified = 1;
            r.ok = true;
        } catch (const UserError& e) {
            r.ok = false, r.error = e.what();
        } catch (const std::exception& e) {
            r.ok = false, r.error = std::string("internal error: ") + e.what();
        }
        r.seconds = since(t0);
        std::ofstream f(file + ".tmp");
        f << result_to_json(r, ctx, grid);
        f.close();
        std::fflush(stderr);
        _exit(f && std::rename((file + ".tmp").c_str(), file.c_str()) == 0 ? 0 : 4);
    }

    /// --verify: the generated RTL under Verilator against the SystemC model, in a process of its own.
    void verify_point(const Graph& g, const std::string& work) {
        fs::create_directories(work);
        WriteOptions wo;
        wo.out_path = work + "/net.json";
        std::ofstream(wo.out_path) << write_network(g, wo);
        const pid_t pid = fork();
        if (pid == 0) {
            VerifyArgs va;
            va.net.net = wo.out_path;
            va.samples = int(ctx.samples);
            va.seed = ctx.seed;
            if (ctx.have_input) va.input = opt.input;
            va.work = work + "/verilator";
            if (!std::freopen((work + "/verify.log").c_str(), "w", stdout)) _exit(2);
            try {
                _exit(cmd_verify(va));
            } catch (const std::exception& e) {
                std::fprintf(stderr, "%s\n", e.what());
                _exit(2);
            }
        }
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            throw UserError("verify: the RTL differs from the model or could not be checked (exit status " +
                            std::to_string(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)) + ", log " + work + ")");
    }

    static std::string last_line(const std::string& path) {
        std::ifstream f(path);
        std::string line, last;
        while (std::getline(f, line))
            if (!line.empty()) last = line;
        return last;
    }

    void simulated(const std::vector<uint64_t>& todo, int64_t run) {
        const std::string work = opt.out + "/work";
        fs::create_directories(work);
        struct Slot { pid_t pid; uint64_t index; Clock::time_point start; std::vector<int> pkey; };
        std::vector<Slot> running;
        Graph probe = *ctx.base;  // to find a point's precisions before its worker starts
        std::map<std::vector<int>, Counts> counts;
        size_t next = 0;
        while (next < todo.size() || !running.empty()) {
            if (g_interrupted) {
                for (const auto& s : running) kill(s.pid, SIGKILL);
                for (const auto& s : running) waitpid(s.pid, nullptr, 0);
                return;
            }
            while (int(running.size()) < jobs && next < todo.size()) {
                const uint64_t index = todo[next++];
                const std::string base = work + "/p" + std::to_string(index);
                std::vector<int> pkey;
                const Counts* known = nullptr;
                if (ctx.have_input) {
                    try {
                        apply_point(probe, *ctx.base, grid.settings(size_t(index)), nullptr, false);
                        pkey = precision_key(probe);
                        auto it = counts.find(pkey);
                        if (it != counts.end()) known = &it->second;
                    } catch (const UserError&) {
                        pkey.clear();  // the worker reports the problem
                    }
                }
                std::fflush(stdout), std::fflush(stderr);
                const pid_t pid = fork();
                if (pid < 0) throw UserError(std::string("fork: ") + std::strerror(errno));
                if (pid == 0) {
                    prctl(PR_SET_PDEATHSIG, SIGKILL);
                    signal(SIGINT, SIG_IGN);
                    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen((base + ".err").c_str(), "w", stderr))
                        _exit(4);
                    worker_process(index, base + ".json", base, known);
                }
                running.push_back({pid, index, Clock::now(), pkey});
            }
            int st = 0;
            const pid_t pid = waitpid(-1, &st, WNOHANG);
            if (pid <= 0) {
                usleep(200);
                progress.draw(false);
                continue;
            }
            auto it = std::find_if(running.begin(), running.end(), [&](const Slot& s) { return s.pid == pid; });
            if (it == running.end()) continue;
            const Slot slot = *it;
            running.erase(it);
            const std::string base = work + "/p" + std::to_string(slot.index);
            PointResult r;
            std::ifstream f(base + ".json");
            std::stringstream text;
            text << f.rdbuf();
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && f) {
                r = result_from_json(text.str());
            } else {
                r.ok = false;
                r.error = WIFSIGNALED(st) ? "worker process killed by signal " + std::to_string(WTERMSIG(st)) + " (" +
                                                strsignal(WTERMSIG(st)) + ")"
                                          : "worker process exited with status " + std::to_string(WEXITSTATUS(st));
                const std::string err = last_line(base + ".err");
                if (!err.empty()) r.error += ": " + err;
                r.seconds = since(slot.start);
            }
            r.index = slot.index;
            r.run = run;
            if (r.ok && r.has_accuracy && !slot.pkey.empty()) counts.emplace(slot.pkey, Counts(r.wrapped, r.saturated));
            commit(r, result_to_json(r, ctx, grid));
            std::error_code ec;
            for (const char* ext : {".json", ".err"}) fs::remove(base + ext, ec);
            if (r.ok) fs::remove_all(base, ec);
        }
    }
};

}  // namespace

/// --backend slurm: the job array script (and with --submit, sbatch; with --wait, the merge).
int slurm_sweep(const SweepOptions& opt, size_t points) {
    SlurmOptions so;
    so.tasks = opt.tasks, so.partition = opt.partition, so.time = opt.time, so.out = opt.out;
    if (so.tasks < 1) throw UserError("--tasks: must be at least 1, got " + std::to_string(so.tasks));
    so.nnsim = fs::read_symlink("/proc/self/exe").string();
    // The sweep's own arguments, without the backend's and without --out (each shard has its own).
    static const std::set<std::string> with_value = {"--backend", "--tasks", "--partition", "--time", "--out"};
    static const std::set<std::string> flags = {"--submit", "--wait"};
    for (size_t i = 0; i < opt.args.size(); ++i) {
        const std::string& a = opt.args[i];
        const std::string key = a.substr(0, a.find('='));
        if (flags.count(a)) continue;
        if (with_value.count(key)) {
            if (key == a) ++i;  // "--tasks 4": skip the value too
            continue;
        }
        so.sweep_args.push_back(a);
    }
    const std::string script = opt.out + "/slurm_array.sh";
    {
        std::ofstream f(script);
        if (!f || !(f << slurm_array_script(so))) throw UserError(script + ": cannot write");
    }
    fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
    std::printf("%zu points in %d shards: %s\nsubmit: sbatch %s\nmerge:  %s\n", points, so.tasks, script.c_str(),
                script.c_str(), slurm_merge_command(so).c_str());
    if (!opt.submit) return 0;
    const std::string cmd = std::string("sbatch ") + (opt.wait ? "--wait " : "") + "'" + script + "'";
    std::fflush(stdout);
    if (std::system(cmd.c_str()) != 0) throw UserError("sbatch failed: " + cmd);
    if (!opt.wait) return 0;
    const std::string merge = slurm_merge_command(so);
    std::fflush(stdout);
    return std::system(merge.c_str()) == 0 ? 0 : 2;
}

int cmd_sweep(const NetOptions& net, const SweepOptions& opt) {
    const auto t_start = Clock::now();
    Graph base = load_for_command(net);
    const bool simulate = opt.simulate || opt.verify;
    const std::string mode = opt.verify ? "verified" : simulate ? "simulated" : "analytical";
    const SweepGrid grid = make_grid(opt.sweep, base);
    const SweepContext ctx = make_context(base, mode, opt.input, opt.labels, opt.samples, opt.seed, opt.part);
    const int jobs = opt.jobs > 0 ? opt.jobs : std::max(1, int(std::thread::hardware_concurrency()));
    std::error_code ec;
    fs::create_directories(opt.out, ec);
    if (ec) throw UserError(opt.out + ": cannot create the output folder: " + ec.message());
    if (opt.backend == "slurm") return slurm_sweep(opt, grid.size());
    if (!opt.shard.empty() && !opt.merge.empty()) throw UserError("--shard and --merge: give one of them");
    const ShardSpec shard = opt.shard.empty() ? ShardSpec{} : parse_shard(opt.shard);
    SweepStore store(opt.out + "/sweep.db");

    // Points finished by earlier runs of the same sweep are taken from the store, not recomputed; with
    // --merge every point comes from the shards' stores.
    std::vector<PointResult> results;
    std::vector<uint64_t> todo;
    if (!opt.merge.empty()) results = merge_stores(opt.merge, ctx, grid);
    else todo = shard_points(store.restore(ctx, grid, opt.retry_failed, results), shard);
    const int64_t run = store.begin_run(ctx.hash, opt.command_line, grid.size());
    const size_t in_store = size_t(std::count_if(results.begin(), results.end(), [](auto& r) { return r.run > 0; }));
    std::printf("%s: %zu points (%s), %s, part %s, %zu samples per point; %zu stored, %zu to compute on %d %s\n",
                base.name.c_str(), grid.size(), grid.description.c_str(), mode.c_str(), ctx.part.name.c_str(),
                ctx.samples, in_store, todo.size(), jobs,
                simulate ? "worker processes" : jobs == 1 ? "thread" : "threads");
    std::fflush(stdout);

    Progress progress(todo.size());
    Sweep sweep{opt, grid, ctx, store, results, progress, jobs};
    g_interrupted = 0;
    struct sigaction sa {}, old_sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    const auto t0 = Clock::now();
    const double cpu0 = cpu_seconds();
    if (simulate) sweep.simulated(todo, run);
    else sweep.analytical(todo, run);
    const double seconds = since(t0), cpu = cpu_seconds() - cpu0;
    sigaction(SIGINT, &old_sa, nullptr);
    progress.draw(true);
    store.end_run(run, sweep.computed, g_interrupted ? "interrupted" : "finished");
    if (g_interrupted) {
        std::printf("interrupted: %zu points computed and stored in %s; run the same command again to continue\n",
                    sweep.computed, (opt.out + "/sweep.db").c_str());
        return 130;
    }

    if (shard.count > 1)  // a shard reports its own points only
        results.erase(std::remove_if(results.begin(), results.end(),
                                     [&](const PointResult& r) { return r.index % shard.count != shard.index; }),
                      results.end());
    mark_fronts_and_rank(results);
    write_csv(opt.out + "/results.csv", results, ctx, grid);
    write_json(opt.out + "/results.json", results, ctx, grid);
    const std::string plot = opt.no_plot ? "" : write_plot(opt.out, results, ctx);
    print_table(results, ctx, grid, opt.top);

    if (ctx.float_accuracy >= 0) std::printf("float model accuracy on the labels: %.2f%%\n", 100 * ctx.float_accuracy);
    std::printf("computed %zu points in %.3f s (%.0f points/s on %d %s; %.3f CPU s, %.0f points per CPU second), "
                "%zu taken from the store; total %.2f s\n",
                sweep.computed, seconds, seconds > 0 ? double(sweep.computed) / seconds : 0.0, jobs,
                simulate ? "worker processes" : "threads", cpu, cpu > 0 ? double(sweep.computed) / cpu : 0.0,
                grid.size() - todo.size(), since(t_start));
    std::printf("results: %s/results.csv, %s/results.json, %s; store %s/sweep.db\n", opt.out.c_str(), opt.out.c_str(),
                opt.no_plot ? "no plot" : plot.empty() ? (opt.out + "/pareto.png, " + opt.out + "/pareto.svg").c_str()
                                                       : ("no plot: " + plot).c_str(),
                opt.out.c_str());
    return 0;
}

}  // namespace nnsim
