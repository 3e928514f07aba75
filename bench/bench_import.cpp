// Import cost against the cost of reading the weights: `bench_import [MODEL.json]` (default: the
// largest bundled Keras model, KERAS_dense_16x200x200x200x200x200x5) times, alternately in the same
// process, (a) opening the model's weights HDF5 and reading every dataset it holds, and (b) the whole
// import (`load_network`: Keras JSON, weights, shape inference, validation), and prints their ratio.
// The target is an import that costs at most 2x reading the weights alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "core/hdf5_file.hpp"
#include "frontends/load.hpp"

namespace {

/// Reads every weight dataset of a Keras weights file, found the way Keras lists them (the root's
/// `layer_names`, each layer group's `weight_names`), and holds them all in memory as the imported
/// network does; returns the number of values read.
size_t read_all_weights(const std::string& h5) {
    nnsim::Hdf5File f(h5);
    std::vector<nnsim::WeightTensor> held;
    size_t values = 0;
    for (const std::string& layer : f.string_array_attr("/", "layer_names"))
        for (const std::string& var : f.string_array_attr("/" + layer, "weight_names")) {
            held.push_back(f.read("/" + layer + "/" + var));
            values += held.back().data.size();
        }
    return values;
}

/// Median of `reps` timings of fn(), in seconds.
double median_seconds(int reps, const std::function<void()>& fn) {
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const std::string json = argc > 1 ? argv[1]
                                      : std::string(NNSIM_SHARED_DIR) +
                                            "/external_models/keras/KERAS_dense_16x200x200x200x200x200x5.json";
    const std::string h5 = json.substr(0, json.size() - 5) + "_weights.h5";
    try {
        const size_t values = read_all_weights(h5);
        size_t layers = 0;
        // Alternate the two so that load on the machine affects both alike.
        std::vector<double> read_t, import_t;
        for (int round = 0; round < 7; ++round) {
            read_t.push_back(median_seconds(3, [&] { read_all_weights(h5); }));
            import_t.push_back(median_seconds(3, [&] { layers = nnsim::load_network(json).nodes.size(); }));
        }
        std::sort(read_t.begin(), read_t.end());
        std::sort(import_t.begin(), import_t.end());
        const double r = read_t[read_t.size() / 2], i = import_t[import_t.size() / 2];
        std::printf("model: %s (%zu layers, %zu weight values)\n", json.c_str(), layers, values);
        std::printf("  reading the weights HDF5 alone: %8.3f ms\n", r * 1e3);
        std::printf("  import (load_network):          %8.3f ms\n", i * 1e3);
        std::printf("  import / weight read:           %8.2fx  (target <= 2x)\n", i / r);
    } catch (const nnsim::UserError& e) {
        std::fprintf(stderr, "bench_import: %s\n", e.what());
        return 2;
    }
    return 0;
}
