// Benchmark: throughput of the bit-exact evaluator on a CNN (default configs/svhn_cnn.json) next to a
// bare integer loop of the same layers measured in the same run: every convolution as im2col plus
// int32 dot products, max pooling, batch norm as an int32 multiply-add, relu and dense layers, on the
// network's own quantized weights, with the same compiler flags and no quantization steps.
// Prints images/s, input pixels/s, GMAC/s and the ratio evaluator / bare loop (target: at least 0.5).
//
//   bench_cnn [network] [--seconds 1.0]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/bench_util.hpp"
#include "core/evaluator.hpp"
#include "frontends/load.hpp"

namespace {

using nnsim::Node;

/// One layer of the bare network, on an int32 tensor [h, w, c] (flat tensors: h = w = 1).
struct BareLayer {
    enum Op { kConv, kDense, kRelu, kMaxPool, kScale, kNone } op = kNone;
    int h = 1, w = 1, c = 1;          ///< input shape
    int kh = 1, kw = 1, sh = 1, sw = 1;  ///< window and stride (conv, pooling)
    int oh = 1, ow = 1, f = 1;        ///< output shape
    std::vector<int32_t> wt, b;       ///< conv/dense: [k, f] row-major; scale: per-channel scale, shift
};

/// An integer-list parameter, or `dflt` when absent or empty (pooling's strides: the pool size).
std::vector<int> int_list(const Node& n, const char* key, std::vector<int> dflt) {
    if (!n.has_param(key) || n.get_int_list(key).empty()) return dflt;
    const auto& v = n.get_int_list(key);
    return std::vector<int>(v.begin(), v.end());
}

/// The bare network of `g`: layers recognised by their weights and parameters (a 4-D kernel is a
/// convolution, a 2-D one a dense layer, `pool_size` a max pooling, gamma a batch norm).
std::vector<BareLayer> bare_network(const nnsim::Graph& g) {
    std::vector<BareLayer> out;
    for (const auto& n : g.nodes) {
        const nnsim::Shape in = g.shape_of(n.inputs[0]);
        BareLayer L;
        L.h = in.size() == 3 ? in[0] : 1;
        L.w = in.size() >= 2 ? in[in.size() - 2] : 1;
        L.c = in.back();
        const std::string kind = n.kind->name();
        auto quant = [&](const char* wname, const char* var, std::vector<int32_t>& dst) {
            auto it = n.weights.find(wname);
            if (it == n.weights.end()) return;
            for (double v : it->second.data) dst.push_back(int32_t(nnsim::cast_double(v, n.type(var))));
        };
        if (n.weights.count("kernel") && n.weights.at("kernel").shape.size() == 4) {
            const auto& k = n.weights.at("kernel").shape;
            L.op = BareLayer::kConv;
            L.kh = k[0], L.kw = k[1], L.f = k[3];
            const auto s = int_list(n, "strides", {1, 1});
            L.sh = s[0], L.sw = s[1];
            quant("kernel", "weight", L.wt);
            quant("bias", "bias", L.b);
        } else if (n.weights.count("kernel") && n.weights.at("kernel").shape.size() == 2) {
            L.op = BareLayer::kDense;
            L.h = L.w = 1;
            L.c = int(nnsim::shape_size(in));
            L.f = n.weights.at("kernel").shape[1];
            quant("kernel", "weight", L.wt);
            quant("bias", "bias", L.b);
        } else if (kind == "relu") {
            L.op = BareLayer::kRelu;
        } else if (n.has_param("pool_size")) {
            L.op = BareLayer::kMaxPool;
            const auto p = int_list(n, "pool_size", {2, 2});
            const auto s = int_list(n, "strides", p);
            L.kh = p[0], L.kw = p[1], L.sh = s[0], L.sw = s[1];
        } else if (n.weights.count("gamma")) {
            L.op = BareLayer::kScale;
            quant("gamma", "result", L.wt);
            quant("beta", "result", L.b);
        }
        if (L.op == BareLayer::kNone) continue;
        L.oh = L.op == BareLayer::kConv || L.op == BareLayer::kMaxPool ? (L.h - L.kh) / L.sh + 1 : L.h;
        L.ow = L.op == BareLayer::kConv || L.op == BareLayer::kMaxPool ? (L.w - L.kw) / L.sw + 1 : L.w;
        if (L.op != BareLayer::kConv && L.op != BareLayer::kDense) L.f = L.c;
        out.push_back(L);
    }
    return out;
}

/// One inference of the bare network; `col` is the im2col scratch buffer.
const int32_t* bare_forward(const std::vector<BareLayer>& layers, const int32_t* x,
                            std::vector<std::vector<int32_t>>& act, std::vector<int32_t>& col) {
    for (size_t l = 0; l < layers.size(); ++l) {
        const BareLayer& L = layers[l];
        int32_t* y = act[l].data();
        switch (L.op) {
        case BareLayer::kConv: {
            const int kn = L.kh * L.kw * L.c;
            for (int oy = 0; oy < L.oh; ++oy)
                for (int ox = 0; ox < L.ow; ++ox) {
                    int32_t* cp = col.data();  // im2col of this output pixel
                    for (int ky = 0; ky < L.kh; ++ky)
                        for (int kx = 0; kx < L.kw; ++kx) {
                            const int32_t* src = x + (size_t(oy * L.sh + ky) * L.w + size_t(ox * L.sw + kx)) * L.c;
                            cp = std::copy(src, src + L.c, cp);
                        }
                    int32_t* yp = y + (size_t(oy) * L.ow + size_t(ox)) * L.f;
                    for (int j = 0; j < L.f; ++j) yp[j] = L.b.empty() ? 0 : L.b[size_t(j)];
                    for (int i = 0; i < kn; ++i) {
                        const int32_t xi = col[size_t(i)];
                        const int32_t* w = L.wt.data() + size_t(i) * L.f;
                        for (int j = 0; j < L.f; ++j) yp[j] += xi * w[j];
                    }
                }
            break;
        }
        case BareLayer::kDense:
            for (int j = 0; j < L.f; ++j) y[j] = L.b.empty() ? 0 : L.b[size_t(j)];
            for (int i = 0; i < L.c; ++i) {
                const int32_t xi = x[i];
                const int32_t* w = L.wt.data() + size_t(i) * L.f;
                for (int j = 0; j < L.f; ++j) y[j] += xi * w[j];
            }
            break;
        case BareLayer::kRelu:
            for (size_t i = 0; i < act[l].size(); ++i) y[i] = x[i] > 0 ? x[i] : 0;
            break;
        case BareLayer::kMaxPool:
            for (int oy = 0; oy < L.oh; ++oy)
                for (int ox = 0; ox < L.ow; ++ox)
                    for (int c = 0; c < L.c; ++c) {
                        int32_t m = INT32_MIN;
                        for (int ky = 0; ky < L.kh; ++ky)
                            for (int kx = 0; kx < L.kw; ++kx)
                                m = std::max(m, x[(size_t(oy * L.sh + ky) * L.w + size_t(ox * L.sw + kx)) * L.c + c]);
                        y[(size_t(oy) * L.ow + size_t(ox)) * L.c + c] = m;
                    }
            break;
        case BareLayer::kScale:
            for (size_t i = 0; i < act[l].size(); ++i) {
                const size_t c = i % size_t(L.c);
                y[i] = x[i] * L.wt[c] + L.b[c];
            }
            break;
        case BareLayer::kNone:
            break;
        }
        x = y;
    }
    return x;
}

}  // namespace

int main(int argc, char** argv) {
    std::string model = "configs/svhn_cnn.json";
    double seconds = 1.0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
        else model = argv[i];
    }
    nnsim::Graph g = nnsim::load_network(model, {});
    nnsim::Evaluator ev(g);
    const std::vector<BareLayer> bare = bare_network(g);
    std::vector<std::vector<int32_t>> act;
    size_t col_size = 1;
    for (const auto& L : bare) {
        act.emplace_back(size_t(L.oh) * L.ow * L.f, 0);
        col_size = std::max(col_size, size_t(L.kh) * L.kw * L.c);
    }
    std::vector<int32_t> col(col_size);

    // A pool of random inputs (standard normal), quantized once for both paths.
    const size_t pool = 64;
    const bench::InputPool inputs = bench::make_input_pool(ev, pool);
    auto measure = [&](auto&& body) { return bench::measure_rate(seconds, pool, body); };
    int64_t sink = 0;
    const double bare_rate =
        measure([&](size_t s) { sink += bare_forward(bare, inputs.raw32[s].data(), act, col)[0]; });
    const double eval_rate = measure([&](size_t s) {
        ev.set_input_raw(0, inputs.raw[s].data());
        ev.run(false);
        sink += ev.node_raw(ev.output_nodes()[0])[0];
    });
    const nnsim::Shape in_shape = g.inputs[0].shape;
    const double pixels = double(nnsim::shape_pixels(in_shape)), macs = double(ev.macs());
    std::printf("network %s, input %s (%.0f pixels), %lld MAC per image, %zu bare layers\n", g.name.c_str(),
                nnsim::shape_to_string(in_shape).c_str(), pixels, (long long)ev.macs(), bare.size());
    std::printf("%-30s %12s %14s %10s %8s\n", "path", "images/s", "pixels/s", "GMAC/s", "ratio");
    std::printf("%-30s %12.0f %14.0f %10.3f %8.2f\n", "bare im2col int32 (baseline)", bare_rate, bare_rate * pixels,
                bare_rate * macs / 1e9, 1.0);
    std::printf("%-30s %12.0f %14.0f %10.3f %8.2f\n", "evaluator, bit-exact", eval_rate, eval_rate * pixels,
                eval_rate * macs / 1e9, eval_rate / bare_rate);
    std::printf("target: evaluator >= 0.50 of the bare loop: %s (checksum %lld)\n",
                eval_rate >= 0.5 * bare_rate ? "met" : "NOT met", (long long)sink);
    return 0;
}
