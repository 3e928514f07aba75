// `nnsim gen`: write the network as synthesizable Verilog (rtl/generator.hpp), optionally linting it
// with Verilator.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/diag.hpp"
#include "rtl/generator.hpp"
#include "tools/nnsim/commands.hpp"

namespace nnsim {

int cmd_gen(const NetOptions& opt, const std::string& out, bool lint) {
    if (out.empty()) throw UserError("gen: --out DIR is required");
    Graph g = load_for_command(opt);
    const RtlDesign d = generate_rtl(g, out);
    std::printf("%s: top %s, %zu files in %s\n", g.name.c_str(), d.top.c_str(), d.files.size(), out.c_str());
    if (!lint) return 0;
    std::string cmd = "cd '" + out + "' && verilator --lint-only -Wall --top-module " + d.top;
    for (const auto& f : d.files) cmd += " '" + f + "'";
    cmd += " 2>&1";
    std::printf("lint: %s\n", cmd.c_str());
    const int rc = std::system(cmd.c_str());
    if (rc != 0) {
        std::fprintf(stderr, "nnsim: verilator lint reported problems (exit %d)\n", rc);
        return 1;
    }
    std::printf("lint: clean\n");
    return 0;
}

}  // namespace nnsim
