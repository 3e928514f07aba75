// Waveform size estimate and bound (waveform_budget.hpp).
#include "core/waveform_budget.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/diag.hpp"
#include "core/timing_model.hpp"

namespace nnsim {
namespace {

/// Bytes of one VCD value change: 'b', the bits, a space, an identifier of up to 4 characters, '\n'.
uint64_t change_bytes(uint64_t bits) { return bits == 1 ? 6 : bits + 7; }

std::string human(double bytes) {
    char buf[32];
    if (bytes >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
    else std::snprintf(buf, sizeof buf, "%.0f MB", std::ceil(bytes / 1e6));
    return buf;
}

}  // namespace

WaveformEstimate estimate_waveforms(const Graph& g, uint64_t samples, double input_ratio, double ready_ratio) {
    WaveformEstimate e;
    const NetworkTiming t = analyze_timing(g);
    const double stretch = 1.0 / std::max(1e-3, std::min(input_ratio, ready_ratio));
    e.cycles = uint64_t(double(t.latency + int64_t(samples) * std::max<int64_t>(1, t.ii)) * stretch) + 1;
    // FIFOs: one per consumer of every tensor (a network output has the sink as its consumer).
    uint64_t fifos = 0, word_changes = 0;  // FIFOs, and bytes of one change of every FIFO's data word
    const auto add_tensor = [&](const std::string& tensor, uint64_t consumers) {
        fifos += consumers;
        word_changes += consumers * change_bytes(uint64_t(beat_width(g, tensor)) * uint64_t(g.type_of(tensor).width));
    };
    for (const auto& in : g.inputs) {
        uint64_t c = 0;
        for (const auto& n : g.nodes) c += uint64_t(std::count(n.inputs.begin(), n.inputs.end(), in.name));
        add_tensor(in.name, c);
    }
    for (const auto& node : g.nodes) {
        uint64_t c = uint64_t(std::count(g.outputs.begin(), g.outputs.end(), node.name));
        for (const auto& n : g.nodes) c += uint64_t(std::count(n.inputs.begin(), n.inputs.end(), node.name));
        add_tensor(node.name, c);
    }
    const uint64_t timestamps = 2 * 16;  // '#<ps>' twice a cycle (clock edges)
    const uint64_t per_fifo = 2 * change_bytes(1) + 2 * change_bytes(32) + change_bytes(64);
    const uint64_t per_layer = 2 * change_bytes(32);
    e.model_bytes = e.cycles * (timestamps + 2 * change_bytes(1) + fifos * per_fifo + g.nodes.size() * per_layer);
    // Verilator at depth 2 traces the FIFOs and every layer wrapper's ports and registers: about four
    // changes of every FIFO word per cycle (KERAS_3layer, 300 samples: 12.5 KB per cycle written, 16 KB
    // estimated), and the handshakes.
    e.rtl_bytes = e.cycles * (timestamps + 2 * change_bytes(1) + 4 * word_changes + fifos * 4 * change_bytes(1));
    return e;
}

void check_waveform_budget(const std::string& path, uint64_t bytes, const WaveformEstimate& e, uint64_t samples) {
    const char* force = std::getenv("NNSIM_NO_SIZE_LIMIT");
    if (force && *force && std::string(force) != "0") return;
    namespace fs = std::filesystem;
    double bound = 8.0 * (1ull << 30);
    std::error_code ec;
    fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
    while (!dir.empty() && !fs::exists(dir, ec) && dir != dir.parent_path()) dir = dir.parent_path();
    const fs::space_info space = fs::space(dir, ec);
    const bool disk_bound = !ec && 0.9 * double(space.available) < bound;
    if (disk_bound) bound = 0.9 * double(space.available);
    if (double(bytes) <= bound) return;
    const uint64_t fits = std::max<uint64_t>(1, uint64_t(double(samples) * bound / double(bytes)));
    throw UserError(path + ": the waveforms of " + std::to_string(samples) + " samples (about " +
                    std::to_string(e.cycles) + " cycles) may take up to " + human(double(bytes)) + ", more than " +
                    (disk_bound ? "90 % of the free disk space (" + human(bound) + ")" : "the bound of 8 GiB") +
                    "; trace fewer samples (--samples " + std::to_string(fits) +
                    " fits), or set NNSIM_NO_SIZE_LIMIT=1 to write them anyway");
}

}  // namespace nnsim
