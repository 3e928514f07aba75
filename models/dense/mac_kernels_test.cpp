// The dense kind's fast paths (deferred wraps in int32 or int64 vector lanes; the checked counting path)
// against a scalar reference written here from the arithmetic rules (every product and every partial
// sum cast to accum_t in input order, the sum cast to result_t, each cast counted), on random types,
// shapes, weights and inputs: identical integers and identical overflow counters, whichever path the
// layer takes.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/fixed.hpp"
#include "core/registry.hpp"
#include "models/dense/mac_kernels.hpp"

namespace nnsim {
namespace {

struct Rng {
    std::mt19937_64 e;
    int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(e); }
    bool coin() { return uniform(0, 1) == 1; }
    FixedType type(int min_w, int max_w, bool rounding_modes, bool overflow_modes) {
        FixedType t;
        t.width = uniform(min_w, max_w);
        t.integer = uniform(-2, t.width + 3);
        t.is_signed = uniform(0, 4) != 0;
        if (rounding_modes) t.round = RoundMode(uniform(0, 6));
        if (overflow_modes) t.overflow = OverflowMode(uniform(0, 3));
        return t;
    }
    /// A raw value of t: anywhere in its range, or at an edge.
    int64_t raw(const FixedType& t) {
        switch (uniform(0, 3)) {
            case 0: return t.raw_min();
            case 1: return t.raw_max();
            default: return std::uniform_int_distribution<int64_t>(t.raw_min(), t.raw_max())(e);
        }
    }
};

struct Counts {
    uint64_t casts = 0, wrapped = 0, saturated = 0;
    void add(CastEvent ev) {
        ++casts;
        wrapped += ev == CastEvent::kWrapped;
        saturated += ev == CastEvent::kSaturated;
    }
};

TEST(DenseKernels, FastAndCountingPathsEqualTheScalarRules) {
    Rng g{std::mt19937_64(20261203)};
    const LayerKind* dense = Registry::instance().find("dense");
    ASSERT_NE(dense, nullptr);
    for (int trial = 0; trial < 600; ++trial) {
        // Mostly the modes the fast paths take (WRAP accumulators, TRN or RND), widths up to 32 (int32
        // lanes) and up to 40 (int64 lanes); sometimes any mode (the general path).
        const bool any_mode = g.uniform(0, 5) == 0;
        const int max_w = g.coin() ? 16 : 40;
        const FixedType in = g.type(2, std::min(max_w, 24), false, false);
        const FixedType w = g.type(2, std::min(max_w, 24), false, false);
        const FixedType b = g.type(2, max_w, false, false);
        FixedType acc = g.type(4, max_w, any_mode, any_mode);
        if (!any_mode) acc.round = g.coin() ? RoundMode::kTrn : RoundMode::kRnd;
        const FixedType res = g.type(2, max_w, true, true);
        const int n_in = g.uniform(1, 70), n_out = g.uniform(1, 40);

        Node n;
        n.name = "d";
        n.kind = dense;
        n.params["n_out"] = int64_t(n_out);
        n.precision = {{"weight", w}, {"bias", b}, {"accum", acc}, {"result", res}};
        WeightTensor k{{n_in, n_out}, {}, "", ""}, bias{{n_out}, {}, "", ""};
        for (int i = 0; i < n_in * n_out; ++i) k.data.push_back(w.to_double(g.raw(w)));
        for (int j = 0; j < n_out; ++j) bias.data.push_back(b.to_double(g.raw(b)));
        n.weights = {{"kernel", k}, {"bias", bias}};
        const NodeInputs ni{{{n_in}}, {in}};
        auto op = dense->compile(n, ni);

        for (int sample = 0; sample < 4; ++sample) {
            std::vector<int64_t> x(static_cast<size_t>(n_in));
            for (auto& v : x) v = g.raw(in);
            // The rules, scalar.
            Counts c_prod, c_acc, c_res;
            std::vector<int64_t> want(static_cast<size_t>(n_out));
            const int fp = in.frac() + w.frac();
            for (int j = 0; j < n_out; ++j) {
                int64_t a = cast(cast_double(bias.data[size_t(j)], b), b.frac(), acc);
                for (int i = 0; i < n_in; ++i) {
                    CastEvent ev;
                    const __int128 p = __int128(x[size_t(i)]) * cast_double(k.data[size_t(i * n_out + j)], w);
                    const int64_t pc = cast(p, fp, acc, &ev);
                    c_prod.add(ev);
                    a = cast(__int128(a) + pc, acc.frac(), acc, &ev);
                    c_acc.add(ev);
                }
                CastEvent ev;
                want[size_t(j)] = cast(a, acc.frac(), res, &ev);
                c_res.add(ev);
            }
            const int64_t* args[] = {x.data()};
            std::vector<int64_t> fast(static_cast<size_t>(n_out)), counted(static_cast<size_t>(n_out));
            for (auto& ctr : op->counters()) ctr.casts = ctr.wrapped = ctr.saturated = 0;
            op->eval(args, fast.data(), false);
            op->eval(args, counted.data(), true);
            const std::string what = "trial " + std::to_string(trial) + ": " + std::to_string(n_in) + "x" +
                                     std::to_string(n_out) + " " + in.to_string() + " * " + w.to_string() + " -> " +
                                     acc.to_string() + " -> " + res.to_string();
            ASSERT_EQ(fast, want) << what;
            ASSERT_EQ(counted, want) << what;
            const auto& ctr = op->counters();
            ASSERT_EQ(ctr.size(), 3u);
            const Counts* ref[] = {&c_prod, &c_acc, &c_res};
            for (size_t q = 0; q < 3; ++q) {
                EXPECT_EQ(ctr[q].casts, ref[q]->casts) << what << " " << ctr[q].what;
                EXPECT_EQ(ctr[q].wrapped, ref[q]->wrapped) << what << " " << ctr[q].what;
                EXPECT_EQ(ctr[q].saturated, ref[q]->saturated) << what << " " << ctr[q].what;
            }
        }
    }
}

TEST(DenseKernels, FloatSumsEqualTheScalarLoopBitForBit) {
    // The float model's kernel adds each product to each output in input order, as the scalar loop
    // does, so every double is identical whichever clone runs (no multiply-add contracted).
    std::mt19937_64 e(20261204);
    std::normal_distribution<double> value(0.0, 3.0);
    for (int trial = 0; trial < 200; ++trial) {
        const int n_in = int(e() % 70) + 1, n_out = int(e() % 70) + 1;
        std::vector<double> x(static_cast<size_t>(n_in)), w(static_cast<size_t>(n_in * n_out)), bias(static_cast<size_t>(n_out));
        for (auto& v : x) v = value(e);
        for (auto& v : w) v = value(e);
        for (auto& v : bias) v = value(e);
        std::vector<double> got = bias, want = bias;
        mac_rows_double(x.data(), w.data(), got.data(), n_in, n_out);
        for (int i = 0; i < n_in; ++i)
            for (int j = 0; j < n_out; ++j) {
                volatile double product = x[size_t(i)] * w[size_t(i) * size_t(n_out) + size_t(j)];
                want[size_t(j)] += product;
            }
        for (int j = 0; j < n_out; ++j)
            ASSERT_EQ(std::memcmp(&got[size_t(j)], &want[size_t(j)], sizeof(double)), 0)
                << "trial " << trial << " " << n_in << "x" << n_out << " column " << j;
    }
}

}  // namespace
}  // namespace nnsim
