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
    // Where every precision came from: the model's quantizers, the hls4ml config (its key), or the default.
    std::printf("precisions (where each came from: a quantizer of the model, the config's key, or the default):\n");
    for (const Node& n : g.nodes) {
        auto src = g.precision_source.find(n.name);
        std::printf("  %s:", n.name.c_str());
        const char* sep = " ";
        for (const auto& [var, type] : n.precision) {
            std::string from = "default";
            if (src != g.precision_source.end() && src->second.count(var)) from = src->second.at(var);
            std::printf("%s%s %s (%s)", sep, var.c_str(), type.to_string().c_str(), from.c_str());
            sep = ", ";
        }
        std::printf("\n");
    }
    return 0;
}

}  // namespace nnsim
