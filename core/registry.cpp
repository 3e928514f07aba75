// Registry lookups (registry.hpp). The list of kinds itself is in models/registry.cpp.
#include "core/registry.hpp"

namespace nnsim {

const Registry& Registry::instance() {
    static const Registry reg = [] {
        Registry r;
        register_all_kinds(r);
        return r;
    }();
    return reg;
}

void Registry::add(std::unique_ptr<LayerKind> kind) { m_kinds.push_back(std::move(kind)); }

const LayerKind* Registry::find(const std::string& name) const {
    for (const auto& k : m_kinds)
        if (name == k->name()) return k.get();
    return nullptr;
}

std::string Registry::names() const {
    std::string s;
    for (const auto& k : m_kinds) s += (s.empty() ? "" : ", ") + std::string(k->name());
    return s;
}

}  // namespace nnsim
