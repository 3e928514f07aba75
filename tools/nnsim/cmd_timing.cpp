// `nnsim timing`: the timing model of a network without simulating it: per layer II, latency, valid
// reuse factors and output FIFO depth; for the network the first-sample latency, II and throughput.
// Also the resource estimate per layer and in total (core/resources.hpp) and the use of the FPGA part
// (--part, else the network's `part`).
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/diag.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "tools/nnsim/commands.hpp"
#include "tools/nnsim/resource_report.hpp"

namespace nnsim {

int cmd_timing(const NetOptions& opt, const std::string& json_out, const std::string& part) {
    Graph g = load_for_command(opt);
    // An explicit --part must be known; the network's own part only gives utilisation when it is.
    std::string part_note;
    const PartInfo* pi = resolve_part(g, part, &part_note);
    const NetworkTiming nt = analyze_timing(g, true);
    const NetworkResources nr = estimate_network(g);
    nlohmann::json j;
    j["network"] = g.name;
    j["io_type"] = io_type_name(g.io_type);
    j["clock_period_ns"] = g.clock_period_ns;
    j["latency"] = nt.latency;
    j["ii"] = nt.ii;
    j["bottleneck"] = nt.bottleneck;
    j["throughput_per_s"] = nt.throughput(g.clock_period_ns);
    j["layers"] = nlohmann::json::array();
    std::printf("%s (%s, %.3g ns): latency %lld cycles, II %lld cycles (set by %s), %.4g inferences/s\n",
                g.name.c_str(), io_type_name(g.io_type), g.clock_period_ns, (long long)nt.latency, (long long)nt.ii,
                nt.bottleneck.c_str(), nt.throughput(g.clock_period_ns));
    std::printf("  %-24s %-16s %-8s %5s %5s %5s %6s %6s %8s %8s %6s  %s\n", "layer", "kind", "strategy", "RF", "II",
                "lat", "fifo", "DSP", "LUT", "FF", "BRAM18", "valid reuse factors");
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        const auto valid = n.kind->valid_reuse_factors(n, node_inputs(g, n));
        std::string vs;
        for (size_t k = 0; k < valid.size(); ++k) {
            if (k == 12 && valid.size() > 14) {
                vs += " ... " + std::to_string(valid.back());
                break;
            }
            vs += (vs.empty() ? "" : " ") + std::to_string(valid[k]);
        }
        const Resources& r = nr.layers[i];
        std::printf("  %-24s %-16s %-8s %5d %5d %5d %6d %6.0f %8.0f %8.0f %6.0f  %s\n", n.name.c_str(), n.kind->name(),
                    strategy_name(n.strategy), n.reuse_factor, nt.layers[i].ii, nt.layers[i].latency,
                    fifo_depth(g, n.name), r.dsp, r.lut, r.ff, r.bram18, vs.c_str());
        j["layers"].push_back({{"name", n.name}, {"kind", n.kind->name()}, {"strategy", strategy_name(n.strategy)},
                               {"reuse_factor", n.reuse_factor}, {"ii", nt.layers[i].ii},
                               {"latency", nt.layers[i].latency}, {"fifo_depth", fifo_depth(g, n.name)},
                               {"valid_reuse_factors", valid}, {"resources", resources_json(r)}});
    }
    std::printf("  %-24s %-16s %-8s %5s %5s %5s %6s %6.0f %8.0f %8.0f %6.0f\n", "fifos", "", "", "", "", "", "",
                nr.fifos.dsp, nr.fifos.lut, nr.fifos.ff, nr.fifos.bram18);
    std::printf("  %-24s %-16s %-8s %5s %5s %5s %6s %6.0f %8.0f %8.0f %6.0f\n", "total (estimate)", "", "", "", "", "",
                "", nr.total.dsp, nr.total.lut, nr.total.ff, nr.total.bram18);
    j["resources"] = {{"fifos", resources_json(nr.fifos)}, {"total", resources_json(nr.total)}};
    // FIFOs shallower than the words they hold when samples enter at the II: the model's figures then
    // hold only if room elsewhere on the path takes those words (docs/timing.md, "FIFO depths").
    j["fifos"] = nlohmann::json::array();
    bool sufficient = true;
    for (const auto& f : nt.fifos) {
        j["fifos"].push_back(
            {{"name", f.name}, {"depth", f.depth}, {"needed", f.needed}, {"needed_first_sample", f.needed_first}});
        if (f.depth < f.needed) {
            sufficient = false;
            std::printf("  note: %s (depth %d) holds up to %d words at full rate (%d for the first sample alone); "
                        "unless FIFOs before it on the same path take the rest, expect stalls or a deadlock\n",
                        f.name.c_str(), f.depth, f.needed, f.needed_first);
        }
    }
    j["fifo_depths_sufficient"] = sufficient;
    if (pi) {
        std::printf("  utilisation of %s\n", utilisation_line(utilisation(nr.total, *pi)).c_str());
        j["utilisation"] = utilisation_json(nr.total, *pi);
    } else if (!part_note.empty()) {
        std::printf("  %s\n", part_note.c_str());
    }
    if (!json_out.empty()) {
        std::ofstream f(json_out);
        if (!f || !(f << j.dump(2) << "\n")) throw UserError(json_out + ": cannot write");
    }
    return 0;
}

}  // namespace nnsim
