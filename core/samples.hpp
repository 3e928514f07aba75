// The samples a run uses, shared by `nnsim run`, `sim`, `verify` and sweeps so that the same seed gives
// the same samples everywhere: a data file in the hls4ml testbench format, or seeded standard-normal
// samples (std::mt19937_64 + std::normal_distribution).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/evaluator.hpp"

namespace nnsim {

/// Read `input` (keeping the first `count` samples when count > 0), or, when `input` is empty, make
/// `count` random samples of `columns` values from `seed`. Throws UserError for a bad file or count.
std::vector<std::vector<double>> make_samples(const std::string& input, int count, uint64_t seed, size_t columns);

/// The sample count of a `--samples` option whose 0 means "the default": every sample of `input`
/// when a file is given, else 100 random samples.
inline int default_sample_count(const std::string& input, int samples) {
    return samples != 0 ? samples : input.empty() ? 100 : 0;
}

/// Columns of one sample: every network input's values, concatenated in input order.
size_t sample_columns(const Evaluator& ev);

/// Convert samples to every network input's precision: result[k][s] = raw values of input k, sample s.
std::vector<std::vector<std::vector<int64_t>>> quantize_samples(Evaluator& ev,
                                                                const std::vector<std::vector<double>>& samples);

}  // namespace nnsim
