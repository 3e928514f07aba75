// Batch-norm fusion pass (fuse_batchnorm.hpp).
#include "models/batchnorm/fuse_batchnorm.hpp"

#include "core/layer_kind.hpp"
#include "models/batchnorm/batchnorm.hpp"

namespace nnsim {
namespace {

/// How many nodes (and graph outputs) read tensor `t`.
int consumers(const Graph& g, const std::string& t) {
    int c = 0;
    for (const auto& n : g.nodes)
        for (const auto& i : n.inputs) c += i == t;
    for (const auto& o : g.outputs) c += o == t;
    return c;
}

}  // namespace

int fuse_batchnorm(Graph& g) {
    int fused = 0;
    const std::string bn_kind = BatchNormKind().name();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        Node& bn = g.nodes[i];
        if (bn.kind->name() != bn_kind || bn.inputs.size() != 1) continue;
        Node* prev = g.find(bn.inputs[0]);
        if (prev == nullptr || consumers(g, prev->name) != 1) continue;
        std::vector<double> scale, bias;
        batchnorm_scale_bias(bn, scale, bias);
        if (!prev->kind->fold_affine(*prev, scale, bias)) continue;
        prev->precision["result"] = bn.type("result");
        const std::string bn_name = bn.name, prev_name = prev->name;
        for (auto& n : g.nodes)
            for (auto& in : n.inputs)
                if (in == bn_name) in = prev_name;
        for (auto& o : g.outputs)
            if (o == bn_name) o = prev_name;
        g.nodes.erase(g.nodes.begin() + long(i));
        --i;
        ++fused;
    }
    return fused;
}

}  // namespace nnsim
