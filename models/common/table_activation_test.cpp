// The lookup tables' index clamp (table_activation.hpp): index_clamps, which decides whether the
// Verilog keeps the clamp and whether the estimate counts it, against every raw value of random small
// types, with the unclamped index written here from its definition (trunc0(x * N / R) + N/2 of the
// real value x, in exact rational arithmetic), and index() against the same definition clamped.
#include <gtest/gtest.h>

#include <random>

#include "models/common/table_activation.hpp"

namespace nnsim {
namespace {

/// trunc0(raw * 2^-F * N / R) + N/2, exactly.
long long index_by_definition(long long raw, int frac, int size, int range) {
    long long num = raw * size, den = range;
    if (frac >= 0) den <<= frac;
    else num <<= -frac;
    const long long q = num >= 0 ? num / den : -((-num) / den);
    return q + size / 2;
}

TEST(TableIndex, ClampDecisionMatchesEveryValue) {
    std::mt19937_64 rng(17);
    int clamped = 0, unclamped = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        FixedType t;
        t.width = int(rng() % 13) + 2;
        t.integer = int(rng() % (t.width + 9)) - 4;
        t.is_signed = rng() % 4 != 0;
        const int size = 1 << (int(rng() % 5) + 6);  // 64 .. 1024
        const int range = rng() % 2 ? 8 : 16;
        bool out_of_table = false;
        for (long long raw = t.raw_min(); raw <= t.raw_max(); ++raw) {
            const long long i = index_by_definition(raw, t.frac(), size, range);
            out_of_table = out_of_table || i < 0 || i > size - 1;
            const long long want = i < 0 ? 0 : i > size - 1 ? size - 1 : i;
            ASSERT_EQ(TableActivationKind::index(raw, t, size, range), want) << t.to_string() << " raw " << raw;
        }
        ASSERT_EQ(TableActivationKind::index_clamps(t, size, range), out_of_table)
            << t.to_string() << " size " << size << " range " << range;
        (out_of_table ? clamped : unclamped) += 1;
    }
    // Both decisions occur, so the comparison tests something either way.
    EXPECT_GT(clamped, 100);
    EXPECT_GT(unclamped, 100);
}

}  // namespace
}  // namespace nnsim
