// Whole-network overrides (overrides.hpp).
#include "core/overrides.hpp"

#include "core/diag.hpp"
#include "core/layer_kind.hpp"
#include "core/precision.hpp"
#include "core/validate.hpp"

#include <cstdlib>
#include <spdlog/spdlog.h>
#include "models/batchnorm/fuse_batchnorm.hpp"

namespace nnsim {

void apply_overrides(Graph& g, const Overrides& o) {
    if (!o.precision.empty()) {
        FixedType t;
        std::string err;
        if (!parse_fixed_type(o.precision, t, err)) throw UserError("--precision: " + err);
        // As hls4ml's Model-level precision: a precision the model's own quantizers fix (QKeras, HGQ,
        // QONNX) stays; every other variable takes the type.
        auto quantized = [&](const std::string& name, const std::string& var) {
            auto vars = g.precision_source.find(name);
            if (vars == g.precision_source.end()) return false;
            auto src = vars->second.find(var);
            return src != vars->second.end() && src->second.rfind("quantizer", 0) == 0;
        };
        g.default_precision = t;
        for (auto& in : g.inputs)
            if (!quantized(in.name, "result")) in.precision = t;
        for (auto& n : g.nodes)
            for (const auto& v : n.kind->precision_vars())
                if (v.fixed_default.empty() && !quantized(n.name, v.name)) n.precision[v.name] = t;
    }
    if (o.reuse_factor != 0) {
        if (o.reuse_factor < 0) throw UserError("--reuse-factor: must be a positive integer, got " +
                                                std::to_string(o.reuse_factor));
        g.default_reuse_factor = o.reuse_factor;
        for (auto& n : g.nodes) n.reuse_factor = o.reuse_factor;
    }
    if (!o.strategy.empty()) {
        Strategy s;
        if (o.strategy == "Latency" || o.strategy == "latency") s = Strategy::kLatency;
        else if (o.strategy == "Resource" || o.strategy == "resource") s = Strategy::kResource;
        else throw UserError("--strategy: expected Latency or Resource, got '" + o.strategy + "'");
        g.default_strategy = s;
        for (auto& n : g.nodes) n.strategy = s;
    }
    if (!o.io_type.empty()) {
        if (o.io_type == "io_parallel") g.io_type = IoType::kParallel;
        else if (o.io_type == "io_stream") g.io_type = IoType::kStream;
        else throw UserError("--io-type: expected io_parallel or io_stream, got '" + o.io_type + "'");
    }
    if (o.reuse_factor != 0) {
        // As hls4ml: where the global value is not valid for a layer under Resource, take the closest
        // valid one (and say so), rather than failing the whole network.
        for (auto& n : g.nodes) {
            if (n.strategy != Strategy::kResource) continue;
            const std::vector<int> valid = n.kind->valid_reuse_factors(n, node_inputs(g, n));
            if (valid.size() <= 1) continue;
            int best = valid[0];
            for (int v : valid)
                if (std::abs(v - o.reuse_factor) < std::abs(best - o.reuse_factor)) best = v;
            if (best != o.reuse_factor) {
                spdlog::warn("layer {}: reuse factor {} is not valid under Resource; using {}", n.name,
                             o.reuse_factor, best);
                n.reuse_factor = best;
            }
        }
    }
    if (o.fifo_depth != 0) {
        if (o.fifo_depth < 0) throw UserError("--fifo-depth: must be a positive integer, got " +
                                              std::to_string(o.fifo_depth));
        for (auto& n : g.nodes) n.fifo_depth = o.fifo_depth;
    }
    if (o.fuse_batchnorm) fuse_batchnorm(g);
    validate_or_throw(g);
}

}  // namespace nnsim
