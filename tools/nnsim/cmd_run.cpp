// `nnsim run`: bit-exact inference over a data file, compared with the float model and a reference,
// with per-layer counts of values that wrapped or saturated.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/datafile.hpp"
#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/samples.hpp"
#include "tools/nnsim/commands.hpp"

namespace nnsim {
namespace {

/// Running comparison of predictions against another set of values.
struct Agreement {
    double max_abs_diff = 0;
    size_t argmax_same = 0;
    size_t samples = 0;
    void add(const std::vector<double>& a, const std::vector<double>& b) {
        ++samples;
        size_t ia = 0, ib = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            max_abs_diff = std::max(max_abs_diff, std::fabs(a[i] - b[i]));
            if (a[i] > a[ia]) ia = i;
            if (b[i] > b[ib]) ib = i;
        }
        // A single output is a score: compare the decisions at 0.5 instead of an argmax.
        if (a.size() == 1) argmax_same += (a[0] >= 0.5) == (b[0] >= 0.5);
        else argmax_same += ia == ib;
    }
    double rate() const { return samples ? double(argmax_same) / double(samples) : 0.0; }
    nlohmann::json to_json() const {
        return {{"max_abs_diff", max_abs_diff}, {"argmax_agreement", rate()}, {"argmax_same", argmax_same},
                {"samples", samples}};
    }
};

std::vector<double> gather_outputs(const Evaluator& ev, bool fixed) {
    std::vector<double> out;
    for (size_t idx : ev.output_nodes()) {
        if (fixed) {
            const auto v = ev.node_values(idx);
            out.insert(out.end(), v.begin(), v.end());
        } else {
            const auto& v = ev.node_float(idx);
            out.insert(out.end(), v.begin(), v.end());
        }
    }
    return out;
}

}  // namespace

int cmd_run(const RunArgs& a) {
    Graph g = load_for_command(a.net);
    Evaluator ev(g);
    if (a.input.empty() && a.random_samples <= 0) throw UserError("run: give --input FILE or --random-samples N");
    const auto samples =
        make_samples(a.input, a.input.empty() ? a.random_samples : a.samples, a.seed, sample_columns(ev));
    size_t out_cols = 0;
    for (size_t idx : ev.output_nodes()) out_cols += ev.node_size(idx);
    std::vector<std::vector<double>> reference;
    if (!a.reference.empty()) {
        reference = read_data_file(a.reference, out_cols);
        if (reference.size() < samples.size())
            throw UserError(a.reference + ": has " + std::to_string(reference.size()) + " samples, input " + a.input +
                            " has " + std::to_string(samples.size()));
    }
    std::vector<std::vector<std::vector<double>>> trace_fixed, trace_float;  // [node][sample][value]
    if (!a.trace_dir.empty()) {
        trace_fixed.resize(g.nodes.size());
        trace_float.resize(g.nodes.size());
    }
    Agreement vs_float, vs_qfloat, vs_ref;
    const bool quantized_reference = ev.has_activation_quantizers();
    std::vector<std::vector<double>> predictions;
    for (const auto& s : samples) {
        std::vector<const double*> fin;
        size_t off = 0;
        for (size_t k = 0; k < g.inputs.size(); ++k) {
            ev.set_input(k, s.data() + off);
            fin.push_back(s.data() + off);
            off += ev.input_size(k);
        }
        ev.run(true);
        std::vector<double> y = gather_outputs(ev, true);
        if (quantized_reference) {
            ev.run_float(fin, true);
            vs_qfloat.add(y, gather_outputs(ev, false));
        }
        ev.run_float(fin);
        vs_float.add(y, gather_outputs(ev, false));
        if (!reference.empty()) vs_ref.add(y, reference[predictions.size()]);
        for (size_t i = 0; i < trace_fixed.size(); ++i) {
            trace_fixed[i].push_back(ev.node_values(i));
            trace_float[i].push_back(ev.node_float(i));
        }
        predictions.push_back(std::move(y));
    }
    if (!a.output.empty()) write_data_file(a.output, predictions);
    if (!a.trace_dir.empty()) {
        std::filesystem::create_directories(a.trace_dir);
        for (size_t i = 0; i < g.nodes.size(); ++i) {
            write_data_file(a.trace_dir + "/" + g.nodes[i].name + ".dat", trace_fixed[i]);
            write_data_file(a.trace_dir + "/" + g.nodes[i].name + ".float.dat", trace_float[i]);
        }
    }

    std::printf("%s: %zu samples, %lld MAC per inference\n", g.name.c_str(), samples.size(), (long long)ev.macs());
    std::printf("  vs float model: max |diff| %.6g, argmax agreement %.2f%% (%zu/%zu)\n", vs_float.max_abs_diff,
                100 * vs_float.rate(), vs_float.argmax_same, vs_float.samples);
    if (quantized_reference)
        std::printf("  vs float model with the activation quantizers applied: max |diff| %.6g, argmax agreement "
                    "%.2f%% (%zu/%zu)\n",
                    vs_qfloat.max_abs_diff, 100 * vs_qfloat.rate(), vs_qfloat.argmax_same, vs_qfloat.samples);
    if (!reference.empty())
        std::printf("  vs %s: max |diff| %.6g, argmax agreement %.2f%% (%zu/%zu)\n", a.reference.c_str(),
                    vs_ref.max_abs_diff, 100 * vs_ref.rate(), vs_ref.argmax_same, vs_ref.samples);
    std::printf("overflow events per layer (values cast at each quantization point):\n");
    std::printf("  %-24s %-13s %10s %10s %12s\n", "layer", "point", "wrapped", "saturated", "casts");
    nlohmann::json layers = nlohmann::json::array();
    uint64_t total_events = 0;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        nlohmann::json points = nlohmann::json::array();
        for (const auto& c : ev.counters(i)) {
            if (c.casts == 0) continue;
            std::printf("  %-24s %-13s %10llu %10llu %12llu\n", g.nodes[i].name.c_str(), c.what.c_str(),
                        (unsigned long long)c.wrapped, (unsigned long long)c.saturated, (unsigned long long)c.casts);
            points.push_back({{"point", c.what}, {"wrapped", c.wrapped}, {"saturated", c.saturated}, {"casts", c.casts}});
            total_events += c.wrapped + c.saturated;
        }
        layers.push_back({{"layer", g.nodes[i].name}, {"kind", g.nodes[i].kind->name()}, {"overflow", points}});
    }
    std::printf("  total: %llu values wrapped or saturated\n", (unsigned long long)total_events);
    if (!a.report.empty()) {
        nlohmann::json r = {{"network", g.name}, {"samples", samples.size()}, {"macs_per_inference", ev.macs()},
                            {"vs_float", vs_float.to_json()}, {"layers", layers},
                            {"overflow_events", total_events}};
        if (!reference.empty()) r["vs_reference"] = vs_ref.to_json();
        if (quantized_reference) r["vs_quantized_float"] = vs_qfloat.to_json();
        std::ofstream f(a.report);
        if (!f || !(f << r.dump(2) << "\n")) throw UserError(a.report + ": cannot write report");
    }
    return 0;
}

}  // namespace nnsim
