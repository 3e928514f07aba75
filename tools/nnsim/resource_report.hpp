// The resource figures that `nnsim timing`, `nnsim sim` and `nnsim synth` print and write: the part a
// command reports against and the JSON of estimates and utilisation (docs/resources.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/graph.hpp"
#include "core/resources.hpp"

namespace nnsim {

/// The part to report against: `--part` (unknown -> UserError, exit 2), else the network's `part` when
/// it is in the built-in table (otherwise `note` says why there is none), else none.
const PartInfo* resolve_part(const Graph& g, const std::string& part_option, std::string* note);

nlohmann::json resources_json(const Resources& r);

/// {"part", "capacity", "percent", "over_capacity"} of `used` on `part`.
nlohmann::json utilisation_json(const Resources& used, const PartInfo& part);

/// Per-layer table columns "   DSP      LUT       FF BRAM18" and one row of them.
std::string resource_columns_header();
std::string resource_columns(const Resources& r);

}  // namespace nnsim
