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
    return 0;
}

}  // namespace nnsim
