// `nnsim import`: turn a Keras model (and an hls4ml config) into an nnsim network description.
#include <cstdio>
#include <fstream>

#include "core/diag.hpp"
#include "core/network_json.hpp"
#include "tools/nnsim/commands.hpp"

namespace nnsim {

int cmd_import(const ImportArgs& a) {
    Graph g = load_for_command(a.net);
    WriteOptions wo;
    wo.inline_weights = a.inline_weights;
    wo.out_path = a.out;
    const std::string text = write_network(g, wo);
    if (a.out.empty() || a.out == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    }
    std::ofstream f(a.out);
    if (!f || !(f << text)) throw UserError(a.out + ": cannot write network description");
    std::fprintf(stderr, "wrote %s: %zu layers\n", a.out.c_str(), g.nodes.size());
    // Where the precisions came from: the model's quantizers (QKeras), else the config or the defaults.
    if (!g.quantizer_precision.empty()) {
        std::printf("precisions from the model's quantizers (the others from the config or the defaults):\n");
        for (const Node& n : g.nodes) {
            auto it = g.quantizer_precision.find(n.name);
            if (it == g.quantizer_precision.end()) continue;
            std::printf("  %-24s", n.name.c_str());
            for (const auto& [var, p] : it->second)
                std::printf(" %s %s (%s)", var.c_str(), p.type.to_string().c_str(), p.quantizer.c_str());
            std::printf("\n");
        }
    }
    return 0;
}

}  // namespace nnsim
