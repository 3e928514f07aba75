// Fuzzes the sweep spec reader (YAML or JSON) against a small two-layer network, and applies the
// first and last points of the grid it gives: success or UserError.
#include "core/network_json.hpp"
#include "core/sweep.hpp"
#include "fuzz/fuzz_common.hpp"

namespace {
const char* const kNet =
    R"({"format":"nnsim-network","name":"fz","inputs":[{"name":"x","shape":[4]}],"layers":[)"
    R"({"name":"fc","kind":"dense","n_out":3,"weights":{"kernel":{"shape":[4,3],"data":[1,2,3,4,5,6,7,8,9,1,2,3]}}},)"
    R"({"name":"act","kind":"relu"}]})";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const nnsim::Graph base = nnsim::parse_network(kNet, "fuzz_net.json");
    const std::string path = nnsim::fuzz::as_file(data, size, ".yml");
    return nnsim::fuzz::guarded([&] {
        const nnsim::SweepGrid grid = nnsim::make_grid(path, base);
        if (grid.size() == 0) return;
        for (size_t i : {size_t(0), grid.size() - 1}) {
            nnsim::Graph g = base;
            nnsim::apply_point(g, base, grid.settings(i), nullptr, true);
        }
    });
}
