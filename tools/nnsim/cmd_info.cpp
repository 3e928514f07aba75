// `nnsim validate`, `nnsim schema`, `nnsim help <kind>` and the shared network loading.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/diag.hpp"
#include "core/layer_kind.hpp"
#include "core/network_json.hpp"
#include "core/registry.hpp"
#include "frontends/load.hpp"
#include "tools/nnsim/commands.hpp"

namespace nnsim {

Graph load_for_command(const NetOptions& opt) {
    if (opt.net.empty()) throw UserError("--net: a network file is required");
    LoadOptions lo;
    lo.weights = opt.weights;
    lo.config = opt.config;
    lo.ignore_quantizers = opt.ignore_quantizers;
    Graph g = load_network(opt.net, lo);
    apply_overrides(g, opt.overrides);
    return g;
}

int cmd_validate(const NetOptions& opt) {
    Graph g = load_for_command(opt);
    std::printf("%s: ok: %zu inputs, %zu layers, outputs:", opt.net.c_str(), g.inputs.size(), g.nodes.size());
    for (const auto& o : g.outputs) std::printf(" %s%s", o.c_str(), shape_to_string(g.find(o)->shape).c_str());
    std::printf("\n");
    return 0;
}

int cmd_schema(const std::string& out) {
    const std::string s = network_schema();
    if (out.empty() || out == "-") {
        std::fwrite(s.data(), 1, s.size(), stdout);
        return 0;
    }
    std::ofstream f(out);
    if (!f || !(f << s)) throw UserError(out + ": cannot write");
    return 0;
}

namespace {

std::string param_value_string(const ParamValue& v) {
    if (auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
    if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
    if (auto* d = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", *d);
        return buf;
    }
    if (auto* l = std::get_if<std::vector<int64_t>>(&v)) {
        std::string s;
        for (int64_t x : *l) s += (s.empty() ? "" : ", ") + std::to_string(x);
        return "[" + s + "]";
    }
    return "\"" + std::get<std::string>(v) + "\"";
}

}  // namespace

int cmd_help_kind(const std::string& kind) {
    const Registry& reg = Registry::instance();
    if (kind.empty()) {
        std::printf("layer kinds (nnsim help <kind> for details):\n");
        for (const auto& k : reg.kinds()) std::printf("  %-17s %s\n", k->name(), k->summary());
        return 0;
    }
    const LayerKind* k = reg.find(kind);
    if (!k) throw UserError("unknown layer kind '" + kind + "'; expected one of " + reg.names());
    std::printf("%s: %s\n  hls4ml layer class: %s\n", k->name(), k->summary(), k->hls4ml_class());
    std::printf("parameters:\n");
    if (k->params().empty()) std::printf("  (none)\n");
    for (const auto& p : k->params()) {
        std::printf("  %-16s %s%s", p.name.c_str(), p.doc.c_str(),
                    p.required ? " (required)" : (" (default " + param_value_string(p.default_value) + ")").c_str());
        if (!p.choices.empty()) {
            std::printf(" one of:");
            for (const auto& c : p.choices) std::printf(" %s", c.c_str());
        }
        std::printf("\n");
    }
    std::printf("precision variables:\n");
    for (const auto& v : k->precision_vars())
        std::printf("  %-16s %s (default %s)\n", v.name.c_str(), v.doc.c_str(),
                    v.follows_input ? "the input precision"
                    : v.fixed_default.empty() ? "the model precision" : v.fixed_default.c_str());
    if (!k->weight_specs().empty()) {
        std::printf("weights:\n");
        for (const auto& w : k->weight_specs())
            std::printf("  %-16s %s%s\n", w.name.c_str(), w.doc.c_str(), w.required ? "" : " (optional)");
    }
    return 0;
}

}  // namespace nnsim
