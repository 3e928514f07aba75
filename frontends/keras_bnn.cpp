// hls4ml's two passes for binary and ternary Keras networks (its "quantization" flow), applied to an
// imported graph (keras_bnn.hpp):
//  1. merge_batch_norm_quantized_tanh: a batchnorm whose only reader is a binary_tanh or ternary_tanh
//     activation becomes one batchnorm_quantized_tanh layer (thresholds on its input; the ternary
//     threshold is 0.5 for Keras's ternary_tanh, a QKeras ternary QActivation's own or 0.33). The
//     merged layer keeps the batchnorm's name and weights; the activation's readers read it.
//  2. quantize_dense_output: a BinaryDense or TernaryDense reading such a layer sums +-1 (or -1/0/+1)
//     products: its accumulator and result become int<ceil(log2(n_in)) + 2> and its bias is dropped
//     (hls4ml sets it to zero), both pinned like quantizer precisions; after a binary layer it reads
//     its inputs as bits (binary_input: XNOR and popcount in the Verilog). A threshold layer after it
//     then floors its thresholds to integers (its input type's grid).
#include "frontends/keras_bnn.hpp"

#include <algorithm>
#include <cmath>
#include <spdlog/spdlog.h>

#include "core/precision.hpp"
#include "core/registry.hpp"

namespace nnsim {
namespace {

FixedType int_type(int bits) {
    FixedType t;
    std::string err;
    parse_fixed_type("int<" + std::to_string(bits) + ">", t, err);
    return t;
}

/// How many nodes read tensor `name` (as an input, or as a graph output).
int readers(const Graph& g, const std::string& name) {
    int k = int(std::count(g.outputs.begin(), g.outputs.end(), name));
    for (const Node& n : g.nodes) k += int(std::count(n.inputs.begin(), n.inputs.end(), name));
    return k;
}

/// The weight quantizer's text a binary/ternary dense layer was pinned with, or "".
std::string dense_quantizer(const Graph& g, const Node& n) {
    auto vars = g.quantizer_precision.find(n.name);
    if (vars == g.quantizer_precision.end()) return "";
    auto w = vars->second.find("weight");
    if (w == vars->second.end()) return "";
    const std::string& q = w->second.quantizer;
    return q.find("(BinaryDense)") != std::string::npos || q.find("(TernaryDense)") != std::string::npos ? q : "";
}

void merge_batchnorm_quantized_tanh(Graph& g, const QKerasQuantizers& quantizers) {
    const Registry& reg = Registry::instance();
    const LayerKind* bn_kind = reg.find("batchnorm");
    const LayerKind* bipolar = reg.find("bipolar");
    const LayerKind* ternary = reg.find("ternary");
    const LayerKind* merged = reg.find("batchnorm_quantized_tanh");
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        Node& act = g.nodes[i];
        if ((act.kind != bipolar && act.kind != ternary) || act.inputs.size() != 1) continue;
        Node* bn = g.find(act.inputs[0]);
        if (bn == nullptr || bn->kind != bn_kind || readers(g, bn->name) != 1) continue;
        const bool is_ternary = act.kind == ternary;
        double threshold = 0.5;  // Keras's ternary_tanh activation: hls4ml's default
        auto q = quantizers.find(act.name);
        if (is_ternary && q != quantizers.end() && q->second.count("activation")) {
            const double t = q->second.at("activation").threshold;
            threshold = t >= 0 ? t : 0.33;  // hls4ml's TernaryTanh: the quantizer's threshold, or 0.33
        }
        bn->kind = merged;
        bn->params["quantize"] = std::string(is_ternary ? "ternary" : "binary");
        bn->params["threshold"] = threshold;
        bn->precision.clear();
        bn->precision["result"] = int_type(2);
        g.precision_source.erase(bn->name);
        g.quantizer_precision[bn->name]["result"] = {int_type(2), "hls4ml BatchNormalizationQuantizedTanh"};
        const std::string gone = act.name, now = bn->name;
        g.precision_source.erase(gone);
        g.quantizer_precision.erase(gone);
        g.nodes.erase(g.nodes.begin() + std::ptrdiff_t(i));
        for (Node& n : g.nodes) std::replace(n.inputs.begin(), n.inputs.end(), gone, now);
        std::replace(g.outputs.begin(), g.outputs.end(), gone, now);
        --i;
    }
}

void quantize_dense_output(Graph& g) {
    const Registry& reg = Registry::instance();
    const LayerKind* dense = reg.find("dense");
    const LayerKind* merged = reg.find("batchnorm_quantized_tanh");
    for (Node& n : g.nodes) {
        if (n.kind != dense || n.inputs.size() != 1 || dense_quantizer(g, n).empty()) continue;
        const Node* in = g.find(n.inputs[0]);
        auto kernel = n.weights.find("kernel");
        if (in == nullptr || in->kind != merged || kernel == n.weights.end() || kernel->second.shape.empty()) continue;
        const int64_t n_in = kernel->second.shape[0];
        const FixedType t = int_type(int(std::ceil(std::log2(double(n_in)))) + 2);
        const std::string why = "hls4ml QuantizeDenseOutput (" + dense_quantizer(g, n) + " after a threshold layer)";
        for (const char* var : {"accum", "result"}) {
            n.precision[var] = t;
            g.quantizer_precision[n.name][var] = {t, why};
        }
        // A binary threshold layer's output is one bit in hls4ml, read as +-1 by the XNOR (or data_binary)
        // product: the dense layer reads its inputs as +-1.
        if (in->get_string("quantize") == "binary") n.params["binary_input"] = true;
        auto bias = n.weights.find("bias");
        if (bias != n.weights.end()) {
            if (std::any_of(bias->second.data.begin(), bias->second.data.end(), [](double b) { return b != 0; }))
                spdlog::warn("layer {}: its bias is dropped, as hls4ml's QuantizeDenseOutput sets it to zero", n.name);
            n.weights.erase(bias);
        }
    }
}

}  // namespace

void apply_hls4ml_binary_passes(Graph& g, const QKerasQuantizers& quantizers) {
    merge_batchnorm_quantized_tanh(g, quantizers);
    quantize_dense_output(g);
}

}  // namespace nnsim
