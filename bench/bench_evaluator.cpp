// Benchmark: throughput of the bit-exact evaluator on KERAS_3layer next to a bare integer loop of the
// same network (int32 arrays, same compiler flags, no quantization steps), measured in the same run.
// Prints inferences/s, MAC/s and the ratio evaluator / bare loop (target: at least 0.5).
//
//   bench_evaluator [model.json|description] [--precision fixed<16,6>] [--seconds 1.0]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "core/evaluator.hpp"
#include "core/overrides.hpp"
#include "frontends/load.hpp"

namespace {


/// The same network as plain int32 layers: y = relu(W x + b), computed with no quantization at all.
struct BareLayer {
    int n_in, n_out;
    bool relu;
    std::vector<int32_t> w;  ///< [n_in][n_out]
    std::vector<int32_t> b;
};

void bare_forward(const std::vector<BareLayer>& layers, const int32_t* x0, std::vector<std::vector<int32_t>>& act) {
    const int32_t* x = x0;
    for (size_t l = 0; l < layers.size(); ++l) {
        const BareLayer& L = layers[l];
        int32_t* y = act[l].data();
        for (int j = 0; j < L.n_out; ++j) y[j] = L.b[size_t(j)];
        for (int i = 0; i < L.n_in; ++i) {
            const int32_t xi = x[i];
            const int32_t* w = L.w.data() + size_t(i) * size_t(L.n_out);
            for (int j = 0; j < L.n_out; ++j) y[j] += xi * w[j];
        }
        if (L.relu)
            for (int j = 0; j < L.n_out; ++j) y[j] = y[j] > 0 ? y[j] : 0;
        x = y;
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string model = std::string(NNSIM_SHARED_DIR) + "/external_models/keras/KERAS_3layer.json";
    std::string precision = "fixed<16,6>";
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--precision") && i + 1 < argc) precision = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else model = argv[i];
    }
    nnsim::Graph g = nnsim::load_network(model, {});
    nnsim::Overrides o;
    o.precision = precision;
    nnsim::apply_overrides(g, o);
    nnsim::Evaluator ev(g);

    // Bare network from the same weights, quantized to raw integers once.
    std::vector<BareLayer> bare;
    for (const auto& n : g.nodes) {
        if (n.weights.count("kernel")) {
            BareLayer L;
            L.n_in = n.weights.at("kernel").shape[0];
            L.n_out = n.weights.at("kernel").shape[1];
            L.relu = false;
            for (double v : n.weights.at("kernel").data) L.w.push_back(int32_t(nnsim::cast_double(v, n.type("weight"))));
            for (double v : n.weights.at("bias").data) L.b.push_back(int32_t(nnsim::cast_double(v, n.type("bias"))));
            bare.push_back(L);
        } else if (!bare.empty() && std::string(n.kind->name()) == "relu") {
            bare.back().relu = true;
        }
    }
    std::vector<std::vector<int32_t>> act;
    for (const auto& L : bare) act.emplace_back(size_t(L.n_out), 0);

    // A pool of random inputs (standard normal), quantized once for both paths.
    const size_t pool = 1024;
    const bench::InputPool inputs = bench::make_input_pool(ev, pool);
    auto measure = [&](auto&& body) { return bench::measure_rate(seconds, pool, body); };
    int64_t sink = 0;
    const double bare_rate = measure([&](size_t s) {
        bare_forward(bare, inputs.raw32[s].data(), act);
        sink += act.back()[0];
    });
    const double eval_rate = measure([&](size_t s) {
        ev.set_input_raw(0, inputs.raw[s].data());
        ev.run(false);
        sink += ev.node_raw(ev.output_nodes()[0])[0];
    });
    const double counted_rate = measure([&](size_t s) {
        ev.set_input_raw(0, inputs.raw[s].data());
        ev.run(true);
        sink += ev.node_raw(ev.output_nodes()[0])[0];
    });
    const double macs = double(ev.macs());
    std::printf("network %s, precision %s, %lld MAC per inference\n", g.name.c_str(), precision.c_str(),
                (long long)ev.macs());
    std::printf("%-34s %14s %12s %8s\n", "path", "inferences/s", "GMAC/s", "ratio");
    std::printf("%-34s %14.0f %12.3f %8.2f\n", "bare int32 loop (baseline)", bare_rate, bare_rate * macs / 1e9, 1.0);
    std::printf("%-34s %14.0f %12.3f %8.2f\n", "evaluator, bit-exact", eval_rate, eval_rate * macs / 1e9,
                eval_rate / bare_rate);
    std::printf("%-34s %14.0f %12.3f %8.2f\n", "evaluator, counting overflows", counted_rate,
                counted_rate * macs / 1e9, counted_rate / bare_rate);
    std::printf("target: evaluator >= 0.50 of the bare loop: %s (checksum %lld)\n",
                eval_rate >= 0.5 * bare_rate ? "met" : "NOT met", (long long)sink);
    return 0;
}
