// The binary and ternary dense layers of hls4ml's Keras examples (keras_layers.hpp binarize_kernel):
// their kernels are stored as trained floats and quantized at inference as hls4ml's BinaryQuantizer
// (bits 2) and TernaryQuantizer do; the weights are then exact in int<2>, which the importer pins
// (Graph::quantizer_precision, applied after any hls4ml config, as for QKeras).
#include "core/precision.hpp"
#include "frontends/keras_layers.hpp"

namespace nnsim {

void KerasMapper::binarize_kernel(const KerasLayer& l, Node& n) {
    auto k = n.weights.find("kernel");
    if (k == n.weights.end()) return;
    const bool binary = l.class_name == "BinaryDense";
    for (double& w : k->second.data) w = binary ? (w >= 0 ? 1.0 : -1.0) : (w > 0.5 ? 1.0 : (w <= -0.5 ? -1.0 : 0.0));
    k->second.file.clear(), k->second.dataset.clear();  // no longer the file's values
    FixedType int2;
    std::string error;
    parse_fixed_type("int<2>", int2, error);
    m_graph.quantizer_precision[n.name]["weight"] = {int2, binary ? "binary (BinaryDense)" : "ternary (TernaryDense)"};
}

}  // namespace nnsim
