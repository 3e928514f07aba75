// Stimulus and back-pressure patterns, defined per clock cycle so that the SystemC model can skip
// cycles and the RTL testbench can apply the very same pattern cycle by cycle.
//
// A pattern is "active" in cycle t when ratio >= 1, or when hash(seed, t) / 2^64 < ratio, with hash a
// fixed splitmix64 finalizer: stateless, so the value of any cycle is known without simulating the
// cycles before it. The source offers the next sample only in active cycles of the input pattern; the
// sink is ready only in active cycles of the output pattern.
#pragma once

#include <cstdint>

namespace nnsim {

/// splitmix64 finalizer of (seed, cycle).
inline uint64_t cycle_hash(uint64_t seed, uint64_t cycle) {
    uint64_t z = seed * 0x9E3779B97F4A7C15ull + cycle + 0x632BE59BD9B4E019ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// An on/off pattern over cycles.
struct CyclePattern {
    double ratio = 1.0;  ///< fraction of active cycles, in (0, 1]; 1 = every cycle
    uint64_t seed = 0;   ///< pattern seed

    bool always() const { return ratio >= 1.0; }
    bool active(uint64_t cycle) const {
        if (always()) return true;
        // Compare the top 53 bits as a fraction in [0, 1).
        const double u = double(cycle_hash(seed, cycle) >> 11) * (1.0 / 9007199254740992.0);
        return u < ratio;
    }
    /// The first active cycle >= `cycle`.
    uint64_t next_active(uint64_t cycle) const {
        while (!active(cycle)) ++cycle;
        return cycle;
    }
};

}  // namespace nnsim
