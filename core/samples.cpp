// Samples for runs (samples.hpp).
#include "core/samples.hpp"

#include <random>

#include "core/datafile.hpp"
#include "core/diag.hpp"

namespace nnsim {

std::vector<std::vector<double>> make_samples(const std::string& input, int count, uint64_t seed, size_t columns) {
    if (!input.empty()) {
        auto samples = read_data_file(input, columns);
        if (count > 0 && size_t(count) < samples.size()) samples.resize(size_t(count));
        return samples;
    }
    if (count <= 0) throw UserError("give --input FILE or a positive number of random samples");
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<std::vector<double>> samples(static_cast<size_t>(count), std::vector<double>(columns));
    for (auto& s : samples)
        for (auto& v : s) v = normal(rng);
    return samples;
}

size_t sample_columns(const Evaluator& ev) {
    size_t n = 0;
    for (size_t k = 0; k < ev.graph().inputs.size(); ++k) n += ev.input_size(k);
    return n;
}

std::vector<std::vector<std::vector<int64_t>>> quantize_samples(Evaluator& ev,
                                                                const std::vector<std::vector<double>>& samples) {
    std::vector<std::vector<std::vector<int64_t>>> raw(ev.graph().inputs.size());
    for (const auto& s : samples) {
        size_t off = 0;
        for (size_t k = 0; k < raw.size(); ++k) {
            ev.set_input(k, s.data() + off);
            raw[k].push_back(ev.input_raw(k));
            off += ev.input_size(k);
        }
    }
    return raw;
}

}  // namespace nnsim
