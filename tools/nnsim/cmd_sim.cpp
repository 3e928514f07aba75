// `nnsim sim`: run the cycle-accurate SystemC model, check its output words against the bit-exact
// evaluator, and report latency, II, throughput, per-layer activity and per-FIFO occupancy next to
// the timing model's figures.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/datafile.hpp"
#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/samples.hpp"
#include "core/timing_model.hpp"
#include "core/waveform_budget.hpp"
#include "sim/network_sim.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/resource_report.hpp"

namespace nnsim {
namespace {

/// Average interval between consecutive handshakes over the second half of a run (steady state).
double steady_interval(const std::vector<uint64_t>& cycles) {
    if (cycles.size() < 2) return 0;
    const size_t from = cycles.size() / 2 == cycles.size() - 1 ? 0 : cycles.size() / 2;
    return double(cycles.back() - cycles[from]) / double(cycles.size() - 1 - from);
}

}  // namespace

int cmd_sim(const SimArgs& a) {
    Graph g = load_for_command(a.net);
    std::string part_note;  // an unknown --part is an error before anything runs
    const PartInfo* part = resolve_part(g, a.part, &part_note);
    if (!(a.input_ratio > 0 && a.input_ratio <= 1)) throw UserError("--input-ratio: must be in (0, 1]");
    if (!(a.ready_ratio > 0 && a.ready_ratio <= 1)) throw UserError("--ready-ratio: must be in (0, 1]");
    const auto check_waves = [&](size_t samples) {
        if (a.vcd.empty()) return;
        const WaveformEstimate e = estimate_waveforms(g, samples, a.input_ratio, a.ready_ratio);
        check_waveform_budget(a.vcd, e.model_bytes, e, samples);
    };
    if (a.input.empty()) check_waves(default_sample_count(a.input, a.samples));  // before making them
    Evaluator ev(g);
    const auto samples = make_samples(a.input, default_sample_count(a.input, a.samples), a.seed, sample_columns(ev));
    if (!a.input.empty()) check_waves(samples.size());
    // Quantize the inputs and compute the expected outputs with the untimed evaluator.
    const auto raw = quantize_samples(ev, samples);
    std::vector<std::vector<std::vector<int64_t>>> expected(ev.output_nodes().size());
    for (size_t s = 0; s < samples.size(); ++s) {
        for (size_t k = 0; k < raw.size(); ++k) ev.set_input_raw(k, raw[k][s].data());
        ev.run(false);
        for (size_t o = 0; o < ev.output_nodes().size(); ++o) expected[o].push_back(ev.node_raw(ev.output_nodes()[o]));
    }

    SimOptions opt;
    opt.input_pattern = CyclePattern{a.input_ratio, a.stall_seed * 2 + 1};
    opt.output_pattern = CyclePattern{a.ready_ratio, a.stall_seed * 2 + 2};
    opt.deadlock_cycles = a.deadlock_cycles;
    opt.vcd = a.vcd;
    opt.scheduler = scheduler_from_name(a.scheduler);
    const SimResult r = simulate(g, raw, opt);
    const NetworkTiming model = analyze_timing(g);

    // Output words against the evaluator, in order.
    size_t words = 0, mismatches = 0;
    std::string first_mismatch;
    for (size_t o = 0; o < r.outputs.size(); ++o)
        for (size_t s = 0; s < r.outputs[o].size(); ++s)
            for (size_t i = 0; i < r.outputs[o][s].size(); ++i, ++words)
                if (r.outputs[o][s][i] != expected[o][s][i] && mismatches++ == 0)
                    first_mismatch = "output " + g.outputs[o] + " sample " + std::to_string(s) + " word " +
                                     std::to_string(i) + ": model " + std::to_string(r.outputs[o][s][i]) +
                                     ", evaluator " + std::to_string(expected[o][s][i]);

    const size_t n = r.output_cycles.size();
    nlohmann::json j;
    j["network"] = g.name;
    j["samples"] = samples.size();
    j["completed"] = r.completed;
    j["cycles"] = r.cycles;
    j["clock_period_ns"] = g.clock_period_ns;
    j["model"] = {{"latency", model.latency}, {"ii", model.ii}, {"bottleneck", model.bottleneck},
                  {"throughput_per_s", model.throughput(g.clock_period_ns)}};
    if (n > 0 && !r.input_cycles.empty()) {
        std::vector<int64_t> lat;
        for (size_t i = 0; i < n; ++i) lat.push_back(int64_t(r.output_cycles[i]) - int64_t(r.input_cycles[i]));
        double avg = 0;
        for (auto l : lat) avg += double(l);
        avg /= double(n);
        const double ii_in = steady_interval(r.input_cycles), ii_out = steady_interval(r.output_cycles);
        const double ii = std::max(ii_in, ii_out);
        j["measured"] = {{"latency_first_sample", lat[0]},
                         {"latency_total", int64_t(r.output_cycles.back()) - int64_t(r.input_cycles.front())},
                         {"latency_min", *std::min_element(lat.begin(), lat.end())},
                         {"latency_max", *std::max_element(lat.begin(), lat.end())},
                         {"latency_avg", avg},
                         {"ii_inputs", ii_in},
                         {"ii_outputs", ii_out},
                         {"ii", ii},
                         {"throughput_per_s", ii > 0 ? 1e9 / (ii * g.clock_period_ns) : 0.0}};
    }
    j["check"] = {{"words", words}, {"mismatches", mismatches}};
    // Resource estimates (docs/resources.md): per layer (graph order, as r.layers), FIFOs, total.
    const NetworkResources res = estimate_network(g);
    j["layers"] = nlohmann::json::array();
    for (size_t i = 0; i < r.layers.size(); ++i) {
        const auto& l = r.layers[i];
        j["layers"].push_back({{"name", l.name}, {"kind", l.kind}, {"ii", l.timing.ii},
                               {"latency", l.timing.latency}, {"accepted", l.accepted}, {"written", l.written},
                               {"busy_cycles", l.busy_cycles}, {"stall_in_cycles", l.stall_in_cycles},
                               {"stall_out_cycles", l.stall_out_cycles},
                               {"resources", resources_json(res.layers[i])}});
    }
    j["resources"] = {{"fifos", resources_json(res.fifos)}, {"total", resources_json(res.total)}};
    if (part) j["utilisation"] = utilisation_json(res.total, *part);
    j["fifos"] = nlohmann::json::array();
    for (const auto& f : r.fifos)
        j["fifos"].push_back({{"name", f.name}, {"depth", f.depth}, {"max_occupancy", f.max_occupancy},
                              {"writes", f.writes}});
    j["handshakes"] = {{"inputs", r.input_cycles}, {"outputs", r.output_cycles}};
    j["scheduler"] = r.scheduler;
    j["wall_seconds"] = r.wall_seconds;
    if (r.deadlocked) j["deadlock"] = r.deadlock_report;

    std::printf("%s: %zu samples, %llu cycles at %.3g ns (%s)\n", g.name.c_str(), samples.size(),
                (unsigned long long)r.cycles, g.clock_period_ns, io_type_name(g.io_type));
    if (j.contains("measured")) {
        const auto& m = j["measured"];
        std::printf("  latency: first sample %lld cycles (model %lld), first input to last output %lld, "
                    "per sample min/avg/max %lld/%.1f/%lld\n",
                    (long long)m["latency_first_sample"], (long long)model.latency, (long long)m["latency_total"],
                    (long long)m["latency_min"], double(m["latency_avg"]), (long long)m["latency_max"]);
        std::printf("  II: %.3g cycles (model %lld, set by %s), throughput %.4g inferences/s\n", double(m["ii"]),
                    (long long)model.ii, model.bottleneck.c_str(), double(m["throughput_per_s"]));
    }
    std::printf("  %-24s %-16s %4s %4s %9s %10s %10s %10s %s\n", "layer", "kind", "II", "lat", "samples", "busy",
                "stall_in", "stall_out", resource_columns_header().c_str());
    for (size_t i = 0; i < r.layers.size(); ++i) {
        const auto& l = r.layers[i];
        std::printf("  %-24s %-16s %4d %4d %9llu %10llu %10llu %10llu %s\n", l.name.c_str(), l.kind.c_str(),
                    l.timing.ii, l.timing.latency, (unsigned long long)l.accepted, (unsigned long long)l.busy_cycles,
                    (unsigned long long)l.stall_in_cycles, (unsigned long long)l.stall_out_cycles,
                    resource_columns(res.layers[i]).c_str());
    }
    std::printf("  %-24s %-16s %4s %4s %9s %10s %10s %10s %s\n", "fifos", "", "", "", "", "", "", "",
                resource_columns(res.fifos).c_str());
    std::printf("  %-24s %-16s %4s %4s %9s %10s %10s %10s %s\n", "total (estimate)", "", "", "", "", "", "", "",
                resource_columns(res.total).c_str());
    if (part) std::printf("  utilisation of %s\n", utilisation_line(utilisation(res.total, *part)).c_str());
    else if (!part_note.empty()) std::printf("  %s\n", part_note.c_str());
    std::printf("  %-40s %6s %9s %9s\n", "fifo", "depth", "max_occ", "writes");
    for (const auto& f : r.fifos)
        std::printf("  %-40s %6d %9d %9llu\n", f.name.c_str(), f.depth, f.max_occupancy, (unsigned long long)f.writes);
    std::printf("  check: %zu output words, %zu differ from the bit-exact evaluator\n", words, mismatches);
    if (!a.vcd.empty()) std::printf("  waveforms: %s (GTKWave view: .gtkw beside it)\n", a.vcd.c_str());

    if (!a.report.empty()) {
        std::ofstream f(a.report);
        if (!f || !(f << j.dump(2) << "\n")) throw UserError(a.report + ": cannot write report");
    }
    if (!a.output.empty()) {
        std::vector<std::vector<double>> rows;
        for (size_t s = 0; s < (r.outputs.empty() ? 0 : r.outputs[0].size()); ++s) {
            std::vector<double> row;
            for (size_t o = 0; o < r.outputs.size(); ++o) {
                const FixedType& t = g.find(g.outputs[o])->type("result");
                for (int64_t v : r.outputs[o][s]) row.push_back(t.to_double(v));
            }
            rows.push_back(row);
        }
        write_data_file(a.output, rows);
    }
    if (r.deadlocked) {
        std::fprintf(stderr, "nnsim: deadlock: %s\n", r.deadlock_report.c_str());
        return 3;
    }
    if (mismatches > 0) {
        std::fprintf(stderr, "nnsim: internal error: model output differs from the evaluator: %s\n",
                     first_mismatch.c_str());
        return 1;
    }
    return 0;
}

}  // namespace nnsim
