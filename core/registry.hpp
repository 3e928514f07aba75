// The registry of layer kinds: the one place that knows every kind by name.
//
// models/registry.cpp fills it with one line per kind (register_all_kinds). Everything else looks kinds
// up by name at the JSON boundary and then works through LayerKind pointers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/layer_kind.hpp"

namespace nnsim {

class Registry {
  public:
    /// The process-wide registry, filled on first use by register_all_kinds().
    static const Registry& instance();

    void add(std::unique_ptr<LayerKind> kind);
    /// Kind by name, or nullptr.
    const LayerKind* find(const std::string& name) const;
    const std::vector<std::unique_ptr<LayerKind>>& kinds() const { return m_kinds; }
    /// Comma-separated list of kind names, for error messages.
    std::string names() const;

  private:
    std::vector<std::unique_ptr<LayerKind>> m_kinds;  ///< in registration order
};

/// Defined in models/registry.cpp: one add() line per kind.
void register_all_kinds(Registry& reg);

}  // namespace nnsim
