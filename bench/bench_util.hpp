// Shared pieces of the evaluator benchmarks: a pool of seeded standard-normal inputs quantized once
// to the network's input type, and a rate measurement that loops over the pool for a time budget.
#pragma once

#include <chrono>
#include <random>
#include <vector>

#include "core/evaluator.hpp"

namespace bench {

/// `pool` standard-normal samples (seed 42) of input 0, as raw integers of the input type and as int32.
struct InputPool {
    std::vector<std::vector<int64_t>> raw;
    std::vector<std::vector<int32_t>> raw32;
};

inline InputPool make_input_pool(nnsim::Evaluator& ev, size_t pool) {
    InputPool p;
    const size_t n_in = ev.input_size(0);
    std::mt19937 rng(42);
    std::normal_distribution<double> normal(0.0, 1.0);
    for (size_t s = 0; s < pool; ++s) {
        std::vector<double> x(n_in);
        for (auto& v : x) v = normal(rng);
        ev.set_input(0, x.data());
        p.raw.push_back(ev.input_raw(0));
        p.raw32.emplace_back(p.raw.back().begin(), p.raw.back().end());
    }
    return p;
}

/// Calls body(s) for s over [0, pool) repeatedly for at least `seconds`; returns calls per second.
template <typename Body>
double measure_rate(double seconds, size_t pool, Body&& body) {
    size_t count = 0;
    const auto t0 = std::chrono::steady_clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        for (size_t s = 0; s < pool; ++s) body(s);
        count += pool;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return double(count) / elapsed;
}

}  // namespace bench
