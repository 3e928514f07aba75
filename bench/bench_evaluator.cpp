// Benchmark: throughput of the bit-exact evaluator next to bare integer loops of the same network
// (int32 arrays, no quantization steps, loops ordered input-outer so the inner loop runs over
// outputs), measured in the same run: the bare loop built with the shipped flags, and the same loop
// built for AVX2 (a target attribute; it runs only where the CPU has AVX2). By default three
// configurations: KERAS_3layer at fixed<16,6> and fixed<8,3>, KERAS_dense_16x200x200x200x200x200x5 at
// fixed<16,6>. Targets: the evaluator at least 0.5 of the AVX2 loop, the overflow-counting path (what
// `nnsim run` does by default) at least 0.25 of it, and on KERAS_3layer the evaluator at least 100x
// hls4ml's compiled C simulation (a rate recorded on this machine kind: it cannot run here).
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

/// One layer without the activation: y = b + x W (restrict pointers, so the inner loop vectorizes
/// without alias checks).
__attribute__((always_inline)) inline void bare_layer(const BareLayer& L, const int32_t* __restrict x,
                                                      int32_t* __restrict y) {
    const int32_t* __restrict b = L.b.data();
    for (int j = 0; j < L.n_out; ++j) y[j] = b[j];
    for (int i = 0; i < L.n_in; ++i) {
        const int32_t xi = x[i];
        const int32_t* __restrict w = L.w.data() + size_t(i) * size_t(L.n_out);
        for (int j = 0; j < L.n_out; ++j) y[j] += xi * w[j];
    }
}

template <int Variant>  // 0: the shipped flags; 1: the AVX2 instance (see bare_forward_avx2)
__attribute__((always_inline)) inline void bare_forward_impl(const std::vector<BareLayer>& layers, const int32_t* x0,
                                                             std::vector<std::vector<int32_t>>& act) {
    const int32_t* x = x0;
    for (size_t l = 0; l < layers.size(); ++l) {
        const BareLayer& L = layers[l];
        int32_t* y = act[l].data();
        bare_layer(L, x, y);
        if (L.relu)
            for (int j = 0; j < L.n_out; ++j) y[j] = y[j] > 0 ? y[j] : 0;
        x = y;
    }
}

void bare_forward(const std::vector<BareLayer>& layers, const int32_t* x0, std::vector<std::vector<int32_t>>& act) {
    bare_forward_impl<0>(layers, x0, act);
}

#if defined(__x86_64__) && defined(__GNUC__)
#define NNSIM_BENCH_AVX2 1
__attribute__((target("avx2"))) void bare_forward_avx2(const std::vector<BareLayer>& layers, const int32_t* x0,
                                                       std::vector<std::vector<int32_t>>& act) {
    bare_forward_impl<1>(layers, x0, act);
}
#endif

/// Measures one network at one precision and prints its block; returns false when a target is missed.
bool bench_one(const std::string& model, const std::string& precision, double seconds) {
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

    // A pool of random inputs (standard normal), quantized once for every path.
    const size_t pool = 1024;
    const bench::InputPool inputs = bench::make_input_pool(ev, pool);
    auto measure = [&](auto&& body) { return bench::measure_rate(seconds, pool, body); };
    int64_t sink = 0;
    const double bare_rate = measure([&](size_t s) {
        bare_forward(bare, inputs.raw32[s].data(), act);
        sink += act.back()[0];
    });
    double avx2_rate = 0;
#ifdef NNSIM_BENCH_AVX2
    if (__builtin_cpu_supports("avx2"))
        avx2_rate = measure([&](size_t s) {
            bare_forward_avx2(bare, inputs.raw32[s].data(), act);
            sink += act.back()[0];
        });
#endif
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
    const double base = avx2_rate > 0 ? avx2_rate : bare_rate;
    std::printf("\nnetwork %s, precision %s, %lld MAC per inference\n", g.name.c_str(), precision.c_str(),
                (long long)ev.macs());
    std::printf("%-34s %14s %12s %8s\n", "path", "inferences/s", "GMAC/s", "ratio");
    auto row = [&](const char* what, double rate) {
        std::printf("%-34s %14.0f %12.3f %8.2f\n", what, rate, rate * macs / 1e9, rate / base);
    };
    row("bare int32 loop", bare_rate);
    if (avx2_rate > 0) row("bare int32 loop, AVX2 (baseline)", avx2_rate);
    row("evaluator, bit-exact", eval_rate);
    row("evaluator, counting overflows", counted_rate);
    bool eval_met = eval_rate >= 0.5 * base;
    const bool count_met = counted_rate >= 0.25 * base;
    if (g.name == "KERAS_3layer") {
        // hls4ml's compiled C simulation of the jet tagger cannot run here (no Vivado headers): its rate
        // was measured once on this machine kind, so this ratio moves with the machine's load.
        const double hls4ml_csim_rate = 20800;
        std::printf("evaluator against hls4ml's C simulation (about %.0f inferences/s on this machine kind): "
                    "%.0fx (target 100x: %s)\n",
                    hls4ml_csim_rate, eval_rate / hls4ml_csim_rate, eval_rate >= 100 * hls4ml_csim_rate ? "met" : "NOT met");
        eval_met = eval_met && eval_rate >= 100 * hls4ml_csim_rate;
    }
    std::printf("targets: evaluator >= 0.50 of the %s loop: %s; counting >= 0.25: %s (checksum %lld)\n",
                avx2_rate > 0 ? "AVX2" : "bare", eval_met ? "met" : "NOT met", count_met ? "met" : "NOT met",
                (long long)sink);
    return eval_met && count_met;
}

}  // namespace

int main(int argc, char** argv) try {
    const std::string keras = std::string(NNSIM_SHARED_DIR) + "/external_models/keras/";
    std::string model, precision = "fixed<16,6>";
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--precision") && i + 1 < argc) precision = argv[++i];
        else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else model = argv[i];
    }
    if (!model.empty()) return bench_one(model, precision, seconds) ? 0 : 1;
    bool met = bench_one(keras + "KERAS_3layer.json", "fixed<16,6>", seconds);
    met = bench_one(keras + "KERAS_3layer.json", "fixed<8,3>", seconds) && met;
    met = bench_one(keras + "KERAS_dense_16x200x200x200x200x200x5.json", "fixed<16,6>", seconds) && met;
    return met ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "bench_evaluator: %s\n", e.what());
    return 2;
}
