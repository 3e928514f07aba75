// Precision strings: every spelling hls4ml writes parses to the right format, and bad strings give a
// one-line explanation of what was expected.
#include <gtest/gtest.h>

#include "core/precision.hpp"

namespace nnsim {
namespace {

FixedType parse_ok(const std::string& s) {
    FixedType t;
    std::string err;
    EXPECT_TRUE(parse_fixed_type(s, t, err)) << s << ": " << err;
    return t;
}

std::string parse_error(const std::string& s) {
    FixedType t;
    std::string err;
    EXPECT_FALSE(parse_fixed_type(s, t, err)) << s;
    return err;
}

// Plain and ap_ spellings give the same type with hls4ml's defaults (TRN, WRAP).
TEST(Precision, FixedSpellings) {
    for (const char* s : {"fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<16, 6>", "fixed<16,6,TRN,WRAP>"}) {
        const FixedType t = parse_ok(s);
        EXPECT_EQ(t.width, 16);
        EXPECT_EQ(t.integer, 6);
        EXPECT_TRUE(t.is_signed);
        EXPECT_EQ(t.round, RoundMode::kTrn);
        EXPECT_EQ(t.overflow, OverflowMode::kWrap);
        EXPECT_EQ(t.to_string(), "fixed<16,6>");
    }
}

// Every rounding and saturation mode, with and without the AP_ prefix, and saturation bits.
TEST(Precision, AllModes) {
    const char* rounds[] = {"TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_INF", "RND_MIN_INF", "RND_CONV"};
    const char* sats[] = {"WRAP", "SAT", "SAT_ZERO", "SAT_SYM"};
    for (const char* r : rounds)
        for (const char* o : sats) {
            const FixedType a = parse_ok(std::string("ap_ufixed<10,4,AP_") + r + ",AP_" + o + ">");
            const FixedType b = parse_ok(std::string("ufixed<10,4,") + r + "," + o + ">");
            EXPECT_EQ(a, b);
            EXPECT_FALSE(a.is_signed);
            EXPECT_EQ(round_mode_name(a.round), std::string(r));
            EXPECT_EQ(overflow_mode_name(a.overflow), std::string(o));
            EXPECT_EQ(parse_ok(a.to_string()), a);
        }
    EXPECT_EQ(parse_ok("ap_fixed<8,3,AP_RND,AP_WRAP,2>").sat_bits, 2);
}

TEST(Precision, Integers) {
    FixedType t = parse_ok("int<8>");
    EXPECT_EQ(t.width, 8);
    EXPECT_EQ(t.integer, 8);
    EXPECT_EQ(t.frac(), 0);
    t = parse_ok("ap_uint<3>");
    EXPECT_FALSE(t.is_signed);
    EXPECT_EQ(t.to_string(), "uint<3>");
}

// The acceptance example and its neighbours: each error names the bad part and what was expected.
TEST(Precision, BadStrings) {
    EXPECT_NE(parse_error("fixed<4,8,XYZ>").find("unknown rounding mode 'XYZ'"), std::string::npos);
    EXPECT_NE(parse_error("fixed<4,8,RND,XYZ>").find("unknown saturation mode 'XYZ'"), std::string::npos);
    EXPECT_NE(parse_error("float<4,8>").find("unknown precision type 'float'"), std::string::npos);
    EXPECT_NE(parse_error("fixed<0,0>").find("out of range"), std::string::npos);
    EXPECT_NE(parse_error("fixed<65,3>").find("out of range"), std::string::npos);
    EXPECT_NE(parse_error("fixed<16>").find("expected <W,I"), std::string::npos);
    EXPECT_NE(parse_error("fixed16,6").find("expected a precision"), std::string::npos);
    EXPECT_NE(parse_error("fixed<a,6>").find("width 'a'"), std::string::npos);
}

}  // namespace
}  // namespace nnsim
