// Shared resource reporting of the nnsim commands (resource_report.hpp).
#include "tools/nnsim/resource_report.hpp"

#include <cstdio>

#include "core/diag.hpp"

namespace nnsim {

const PartInfo* resolve_part(const Graph& g, const std::string& part_option, std::string* note) {
    if (!part_option.empty()) return &find_part(part_option);
    if (g.part.empty()) return nullptr;
    try {
        return &find_part(g.part);
    } catch (const UserError&) {
        if (note) *note = "part " + g.part + " is not in the built-in table; use --part for utilisation";
        return nullptr;
    }
}

nlohmann::json resources_json(const Resources& r) {
    return {{"dsp", r.dsp}, {"lut", r.lut}, {"ff", r.ff}, {"bram18", r.bram18}, {"uram", r.uram}};
}

nlohmann::json utilisation_json(const Resources& used, const PartInfo& part) {
    const Utilisation u = utilisation(used, part);
    return {{"part", u.part},
            {"capacity", resources_json(u.capacity)},
            {"percent", resources_json(u.percent)},
            {"over_capacity", u.over}};
}

std::string resource_columns_header() {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%6s %8s %8s %6s", "DSP", "LUT", "FF", "BRAM18");
    return buf;
}

std::string resource_columns(const Resources& r) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%6.0f %8.0f %8.0f %6.0f", r.dsp, r.lut, r.ff, r.bram18);
    return buf;
}

}  // namespace nnsim
