// QKeras quantized_bits with alpha "auto" or "auto_po2" as a kernel quantizer (qkeras.hpp
// split_alpha): the layer keeps the kernel on the quantizer's grid and a rescale layer after it applies
// the per-channel scale, as hls4ml's QKerasFactorizeAlpha pass does (its ApplyAlpha layer, here a
// batchnorm node "<layer>_alpha" with gamma = scale, beta = the layer's bias, mean 0, variance 1 and
// epsilon 0, so that its scale and bias are exactly those values). The layer's bias moves to the
// rescale layer with its precision.
//
// QKeras's inference (quantized_bits.__call__, string alpha: symmetric is forced), per output channel
// (the last kernel axis), in float32 as TensorFlow computes it:
//   x' = x / m_i, m_i = 2^integer;  levels = 2 * (2^(bits-1) - 1)
//   scale = 2 * max|x'| / levels
//   auto_po2: scale = 2^round(log(scale + eps) / log 2), then 5 times: z from scale, and
//             scale = 2^round(log(mean(x' z) / (mean(z z) + eps) + eps) / log 2)   (eps = 1e-7)
//   z = sign(x') * min(floor(|x'| / scale + 0.5), levels / 2)
//   weight = m_i * z / m (m = 2^(bits-1): exact in fixed<bits, integer + 1>), channel scale = scale * m.
// The means are summed in double before the float32 division; TensorFlow's float32 reduction order
// could differ by an ulp, which matters only for a ratio within an ulp of 2^(k + 1/2).
#include <cmath>

#include "core/diag.hpp"
#include "core/registry.hpp"
#include "frontends/qkeras.hpp"

namespace nnsim {
namespace {

float po2_round(float s) {
    const float eps = 1e-7f;
    return std::pow(2.0f, std::nearbyint(std::log(s + eps) / float(std::log(2.0))));
}

}  // namespace

AlphaSplit qkeras_alpha_split(const WeightTensor& w, const QKerasQuantizer& q) {
    const size_t channels = size_t(w.shape.back()), rows = w.data.size() / channels;
    const float m = std::ldexp(1.0f, q.bits - 1), m_i = std::ldexp(1.0f, q.integer);
    const float levels = float(2 * ((1 << (q.bits - 1)) - 1));
    AlphaSplit out;
    out.grid.assign(w.data.size(), 0.0);
    out.scale.assign(channels, 0.0);
    std::vector<float> x(rows), z(rows);
    for (size_t c = 0; c < channels; ++c) {
        float top = 0;
        for (size_t r = 0; r < rows; ++r) {
            x[r] = float(w.data[r * channels + c]) / m_i;
            top = std::max(top, std::fabs(x[r]));
        }
        float scale = top * 2.0f / levels;
        const auto quantize = [&] {
            for (size_t r = 0; r < rows; ++r) {
                const float v = std::floor(std::fabs(x[r]) / scale + 0.5f);
                const float sign = x[r] > 0 ? 1.0f : (x[r] < 0 ? -1.0f : 0.0f);
                z[r] = sign * (v < levels / 2 ? v : levels / 2);
            }
        };
        if (q.alpha == "auto_po2") {
            scale = po2_round(scale);
            for (int it = 0; it < 5; ++it) {
                quantize();
                double qx = 0, qq = 0;
                for (size_t r = 0; r < rows; ++r) qx += double(x[r] * z[r]), qq += double(z[r] * z[r]);
                const float mean_qx = float(qx / double(rows)), mean_qq = float(qq / double(rows));
                scale = po2_round(mean_qx / (mean_qq + 1e-7f));
            }
        }
        quantize();
        for (size_t r = 0; r < rows; ++r) out.grid[r * channels + c] = double(m_i * z[r] / m);
        out.scale[c] = double(scale * m);
    }
    return out;
}

void insert_alpha_layer(Graph& g, const std::string& layer, const std::vector<double>& scale,
                        const QKerasQuantizer& q) {
    const int index = g.index_of(layer);
    NNSIM_ASSERT(index >= 0, "alpha of an unknown layer " + layer);
    Node& dense = g.nodes[size_t(index)];
    const std::string name = layer + "_alpha";
    Node alpha;
    alpha.name = name;
    alpha.kind = Registry::instance().find("batchnorm");
    alpha.inputs = {layer};
    alpha.where = dense.where;
    alpha.reuse_factor = 1;
    alpha.params["epsilon"] = 0.0;
    const Shape c{int(scale.size())};
    alpha.weights["gamma"] = WeightTensor{c, scale, "", ""};
    alpha.weights["moving_mean"] = WeightTensor{c, std::vector<double>(scale.size(), 0.0), "", ""};
    alpha.weights["moving_variance"] = WeightTensor{c, std::vector<double>(scale.size(), 1.0), "", ""};
    auto bias = dense.weights.find("bias");
    if (bias != dense.weights.end()) {
        alpha.weights["beta"] = bias->second;
        for (double& v : bias->second.data) v = 0.0;
        bias->second.file.clear(), bias->second.dataset.clear();
        auto pinned = g.quantizer_precision[layer].find("bias");
        if (pinned != g.quantizer_precision[layer].end()) {
            g.quantizer_precision[name]["bias"] = pinned->second;
            g.quantizer_precision[layer].erase(pinned);
        }
    }
    if (q.alpha == "auto_po2") {  // every scale 2^e exactly: the narrowest fixed type holding them
        int lo = 0, hi = 0;
        for (size_t i = 0; i < scale.size(); ++i) {
            const int e = std::ilogb(scale[i]);
            lo = i == 0 ? e : std::min(lo, e), hi = i == 0 ? e : std::max(hi, e);
        }
        FixedType t;
        t.is_signed = false;
        t.integer = std::max(1, hi + 1);
        t.width = t.integer + std::max(0, -lo);
        g.quantizer_precision[name]["scale"] = {t, q.text};
    }
    for (Node& n : g.nodes)
        for (std::string& in : n.inputs)
            if (in == layer) in = name;
    for (std::string& out : g.outputs)
        if (out == layer) out = name;
    g.nodes.insert(g.nodes.begin() + index + 1, std::move(alpha));
}

}  // namespace nnsim
