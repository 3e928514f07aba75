// Verilog casts (rtl/verilog_cast.cpp) against nnsim::cast, bit for bit.
//
// Some hundreds of (source, destination) type pairs, directed (every rounding x overflow mode on a few
// shapes, saturated-bit counts 0..W+1, shifts at and beyond the source width, 1-bit types, a dense
// product, wide sources up to 128 bits) plus random ones, go into one module `cast_dut` with a port pair
// per cast. The module must lint clean under `verilator --lint-only -Wall` and synthesize under Yosys;
// one Verilator build simulates it on every input value (exhaustive up to 12 source bits, 2,000 values
// with the extremes, ties and overflow boundaries otherwise) and each output is compared with
// nnsim::cast. Needs verilator and yosys on PATH.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/fixed.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {
namespace {

namespace fs = std::filesystem;
using i128 = __int128;
using u128 = unsigned __int128;

constexpr int kExhaustiveBits = 12;  // sources up to this width are checked on every value
constexpr int kRandomValues = 2000;  // values per wider source

struct CastCase {
    SignalType from;
    FixedType to;
    std::vector<i128> values;  // raw source values, each within the source type
};

FixedType make_type(int width, int frac, bool is_signed, RoundMode r = RoundMode::kTrn,
                    OverflowMode o = OverflowMode::kWrap, int sat_bits = 0) {
    FixedType t;
    t.width = width;
    t.integer = width - frac;
    t.is_signed = is_signed;
    t.round = r;
    t.overflow = o;
    t.sat_bits = sat_bits;
    return t;
}

std::string describe(const SignalType& s) {
    return std::string(s.is_signed ? "signed" : "unsigned") + "[" + std::to_string(s.width) +
           "] frac " + std::to_string(s.frac);
}

std::string hex128(u128 v) {
    std::string s;
    do {
        s.insert(s.begin(), "0123456789abcdef"[int(v & 15)]);
        v >>= 4;
    } while (v != 0);
    return "0x" + s;
}

u128 mask128(int w) { return w >= 128 ? ~u128(0) : (u128(1) << w) - 1; }

/// The value of the low `w` bits of u in a source of that width.
i128 interpret(u128 u, int w, bool is_signed) {
    u &= mask128(w);
    if (is_signed && w < 128 && ((u >> (w - 1)) & 1)) u |= ~mask128(w);
    return i128(u);
}

/// Source values: all of them for narrow sources; otherwise the extremes, then random values of random
/// magnitude (to reach every overflow boundary), values whose dropped bits are a rounding tie or next
/// to one, and uniformly random bit patterns.
std::vector<i128> source_values(const SignalType& from, int dropped, std::mt19937_64& rng) {
    const int w = from.width;
    std::vector<i128> v;
    if (w <= kExhaustiveBits) {
        for (u128 u = 0; u < (u128(1) << w); ++u) v.push_back(interpret(u, w, from.is_signed));
        return v;
    }
    auto random_bits = [&]() { return (u128(rng()) << 64) | rng(); };
    const i128 lo = from.is_signed ? interpret(u128(1) << (w - 1), w, true) : 0;
    const i128 hi = from.is_signed ? i128(mask128(w - 1)) : i128(mask128(w));
    for (i128 x : {lo, hi, i128(0), i128(1), lo + 1, hi - 1}) v.push_back(x);
    if (from.is_signed) v.push_back(-1);
    while (int(v.size()) < kRandomValues) {
        const int kind = int(rng() % 4);
        u128 u = random_bits();
        if (kind == 0) {
            const int len = int(rng() % u128(w + 1));  // random magnitude, random sign
            u &= mask128(len);
            if (from.is_signed && (rng() & 1)) u = ~u;
        } else if (kind == 1 && dropped > 0 && dropped < w) {
            const u128 half = u128(1) << (dropped - 1);
            const u128 lows[] = {0, half, half - 1, half + 1, mask128(dropped)};
            u = (u & ~mask128(dropped)) | lows[rng() % 5];
        }
        v.push_back(interpret(u, w, from.is_signed));
    }
    return v;
}

const RoundMode kRounds[] = {RoundMode::kTrn,       RoundMode::kTrnZero, RoundMode::kRnd,
                             RoundMode::kRndZero,   RoundMode::kRndMinInf, RoundMode::kRndInf,
                             RoundMode::kRndConv};
const OverflowMode kOverflows[] = {OverflowMode::kWrap, OverflowMode::kSat, OverflowMode::kSatZero,
                                   OverflowMode::kSatSym};

/// The directed and random pairs. Deterministic: every test builds the same list.
std::vector<CastCase> build_cases() {
    std::vector<std::pair<SignalType, FixedType>> pairs;
    auto add = [&](SignalType f, FixedType t) { pairs.emplace_back(f, t); };

    // Every rounding x overflow mode on shapes that round and overflow: signed, unsigned source,
    // unsigned destination, appended zeros, the dense-layer product fixed<16,6> x fixed<16,6>.
    for (RoundMode r : kRounds) {
        for (OverflowMode o : kOverflows) {
            add({10, 6, true}, make_type(5, 2, true, r, o));
            add({10, 6, false}, make_type(5, 2, true, r, o));
            add({10, 6, true}, make_type(5, 2, false, r, o));
            add({9, 3, true}, make_type(6, 5, true, r, o));
            add({32, 20, true}, make_type(16, 10, true, r, o));
            add({32, 20, true}, make_type(8, 5, true, r, o));
        }
    }
    // WRAP with 0..W+1 saturated bits, rounding and not, both signednesses.
    for (int n = 0; n <= 6; ++n) {
        for (bool ss : {true, false}) {
            for (bool ts : {true, false}) {
                add({9, 4, ss}, make_type(5, 1, ts, RoundMode::kRnd, OverflowMode::kWrap, n));
                add({9, 1, ss}, make_type(5, 1, ts, RoundMode::kTrn, OverflowMode::kWrap, n));
            }
        }
    }
    // Dropping w-1 .. w+40 bits (the whole source and beyond) and appending up to w+5 zeros.
    for (int s : {5, 6, 7, 9, 46, -3, -4, -5, -9}) {
        for (bool ss : {true, false}) {
            for (RoundMode r : kRounds) {
                add({6, 2 + s, ss}, make_type(4, 2, true, r, OverflowMode::kSat));
            }
            add({6, 2 + s, ss}, make_type(4, 2, false, RoundMode::kRndConv, OverflowMode::kSatSym));
            add({6, 2 + s, ss}, make_type(4, 2, true, RoundMode::kRndInf, OverflowMode::kWrap, 2));
        }
    }
    // 1-bit sources and destinations.
    for (bool ss : {true, false}) {
        for (bool ts : {true, false}) {
            for (OverflowMode o : kOverflows) {
                add({1, 0, ss}, make_type(1, 0, ts, RoundMode::kRnd, o));
                add({1, 1, ss}, make_type(1, 0, ts, RoundMode::kRndConv, o));
                add({4, 2, ss}, make_type(1, 0, ts, RoundMode::kRndInf, o, 1));
                add({1, -2, ss}, make_type(3, 0, ts, RoundMode::kTrn, o));
            }
        }
    }
    // Same type: a plain assignment, except signed SAT_SYM whose minimum saturates.
    add({16, 10, true}, make_type(16, 10, true));
    add({16, 10, false}, make_type(16, 10, false, RoundMode::kRnd, OverflowMode::kSat));
    add({12, 4, true}, make_type(12, 4, true, RoundMode::kRnd, OverflowMode::kSatSym));
    // Wide sources and destinations (checked on random values).
    add({64, 40, true}, make_type(64, 34, true, RoundMode::kRnd, OverflowMode::kSat));
    add({128, 80, true}, make_type(64, 44, true, RoundMode::kRndConv, OverflowMode::kSat));
    add({128, 60, true}, make_type(40, 30, true, RoundMode::kRnd, OverflowMode::kSatSym));
    add({128, 60, true}, make_type(64, 60, true));
    add({127, 64, false}, make_type(64, 24, false, RoundMode::kRnd, OverflowMode::kSat));
    add({126, 10, false}, make_type(64, 10, true));
    add({48, 8, true}, make_type(50, 12, false, RoundMode::kTrn, OverflowMode::kSatZero));
    add({100, 0, true}, make_type(64, 0, true, RoundMode::kTrnZero, OverflowMode::kWrap, 3));
    add({64, 0, true}, make_type(64, 0, false, RoundMode::kTrn, OverflowMode::kSat));
    add({40, -3, true}, make_type(45, -5, true, RoundMode::kRndZero, OverflowMode::kSatSym));
    add({56, 30, false}, make_type(60, 20, true, RoundMode::kRndMinInf, OverflowMode::kWrap, 61));

    // Random pairs: narrow (mostly exhaustive) and wide.
    std::mt19937_64 rng(20240611);
    auto pick = [&](int lo, int hi) { return lo + int(rng() % uint64_t(hi - lo + 1)); };
    for (int k = 0; k < 160; ++k) {
        const bool wide = k >= 140;
        const int ws = wide ? pick(40, 128) : pick(1, 20);
        const bool ss = ws == 128 || (rng() & 1);
        const int fs = pick(-4, ws + 4);
        const int w = wide ? pick(24, 64) : (k % 10 == 0 ? pick(21, 64) : pick(1, 20));
        const int f = pick(fs - ws - 3, fs + 6);
        const OverflowMode o = kOverflows[rng() % 4];
        const int n = (o == OverflowMode::kWrap && (rng() & 1)) ? pick(0, w + 1) : 0;
        add({ws, fs, ss}, make_type(w, f, rng() & 1, kRounds[rng() % 7], o, n));
    }

    std::vector<CastCase> cases;
    for (const auto& [from, to] : pairs) {
        cases.push_back({from, to, source_values(from, from.frac - to.frac(), rng)});
    }
    return cases;
}

/// The module: in_<k> -> out_<k>. Every seventh source is passed as an expression, not a name.
std::string make_module(const std::vector<CastCase>& cases) {
    std::ostringstream ports, body;
    for (size_t k = 0; k < cases.size(); ++k) {
        const CastCase& c = cases[k];
        const std::string in = "in_" + std::to_string(k), out = "out_" + std::to_string(k);
        ports << "    input wire [" << c.from.width - 1 << ":0] " << in << ",\n";
        ports << "    output wire [" << c.to.width - 1 << ":0] " << out;
        ports << (k + 1 < cases.size() ? ",\n" : "\n");
        body << "    // " << k << ": " << describe(c.from) << " -> " << c.to.to_string() << "\n";
        const std::string src = k % 7 == 3 ? "(" + in + ")" : in;
        const std::string r = emit_cast(body, src, c.from, c.to, "c" + std::to_string(k));
        body << "    assign " << out << " = " << r << ";\n";
    }
    return "module cast_dut (\n" + ports.str() + ");\n" + body.str() + "endmodule\n";
}

int words(int width) { return (width + 31) / 32; }

/// The Verilated testbench: per round, reads every input (32-bit words, LSW first), evaluates, writes
/// every output as a 64-bit word.
std::string make_testbench(const std::vector<CastCase>& cases) {
    std::ostringstream s;
    int total = 0;
    s << "#include <cstdint>\n#include <cstdio>\n#include <memory>\n#include <vector>\n"
         "#include \"Vcast_dut.h\"\n#include \"verilated.h\"\n\n"
         "template <typename T> static void set_port(T& p, const uint32_t* w) {\n"
         "    if constexpr (sizeof(T) <= 4) p = T(w[0]); else p = T(w[0]) | (T(w[1]) << 32);\n}\n"
         "template <std::size_t N> static void set_port(VlWide<N>& p, const uint32_t* w) {\n"
         "    for (std::size_t i = 0; i < N; ++i) p.m_storage[i] = w[i];\n}\n\n"
         "int main(int argc, char** argv) {\n"
         "    if (argc != 3) return 2;\n"
         "    auto ctx = std::make_unique<VerilatedContext>();\n"
         "    auto top = std::make_unique<Vcast_dut>(ctx.get(), \"top\");\n"
         "    FILE* in = std::fopen(argv[1], \"rb\");\n"
         "    FILE* out = std::fopen(argv[2], \"wb\");\n"
         "    if (!in || !out) return 3;\n";
    for (const CastCase& c : cases) total += words(c.from.width);
    s << "    std::vector<uint32_t> w(" << total << ");\n";
    s << "    std::vector<uint64_t> r(" << cases.size() << ");\n";
    s << "    while (std::fread(w.data(), 4, w.size(), in) == w.size()) {\n";
    int at = 0;
    for (size_t k = 0; k < cases.size(); ++k) {
        s << "        set_port(top->in_" << k << ", &w[" << at << "]);\n";
        at += words(cases[k].from.width);
    }
    s << "        top->eval();\n";
    for (size_t k = 0; k < cases.size(); ++k) {
        s << "        r[" << k << "] = uint64_t(top->out_" << k << ");\n";
    }
    s << "        std::fwrite(r.data(), 8, r.size(), out);\n    }\n"
         "    top->final();\n    std::fclose(in);\n    std::fclose(out);\n    return 0;\n}\n";
    return s.str();
}

/// Runs a shell command in `dir`; returns its exit status and fills `output` with stdout + stderr.
int run(const std::string& dir, const std::string& cmd, std::string& output) {
    const std::string full = "cd '" + dir + "' && " + cmd + " 2>&1";
    FILE* p = popen(full.c_str(), "r");
    if (!p) return -1;
    output.clear();
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool on_path(const char* tool) {
    std::string out;
    return run("/", std::string("command -v ") + tool, out) == 0;
}

/// A fresh temporary folder holding cast_dut.v, removed at the end unless the test failed.
class CastDir {
  public:
    CastDir() {
        std::string pattern = (fs::temp_directory_path() / "nnsim_cast_XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path = pattern;
    }
    ~CastDir() {
        if (::testing::Test::HasFailure()) {
            std::fprintf(stderr, "kept %s for inspection\n", path.c_str());
        } else {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(fs::path(path) / name) << text;
    }
    std::string path;
};

void require_tools() {
    ASSERT_TRUE(on_path("verilator")) << "verilator is not on PATH (installed by the project setup)";
    ASSERT_TRUE(on_path("yosys")) << "yosys is not on PATH (installed by the project setup)";
}

// The generated module is clean under Verilator's full lint (WIDTH, UNUSED, ...), not one warning.
TEST(VerilogCast, LintsClean) {
    require_tools();
    const auto cases = build_cases();
    CastDir dir;
    dir.write("cast_dut.v", make_module(cases));
    std::string out;
    const int rc = run(dir.path, "verilator --lint-only -Wall cast_dut.v", out);
    EXPECT_EQ(rc, 0);
    EXPECT_TRUE(out.empty()) << "verilator -Wall reported:\n" << out.substr(0, 4000);
}

// Plain Verilog-2005 that Yosys reads (no -sv) and synthesizes without problems.
TEST(VerilogCast, YosysSynthesizes) {
    require_tools();
    const auto cases = build_cases();
    CastDir dir;
    dir.write("cast_dut.v", make_module(cases));
    std::string out;
    const int rc =
        run(dir.path, "yosys -q -p 'read_verilog cast_dut.v; synth -top cast_dut; check -assert'", out);
    EXPECT_EQ(rc, 0) << out.substr(0, 4000);
}

// Every output of every cast equals nnsim::cast on every input value.
TEST(VerilogCast, MatchesCastBitForBit) {
    require_tools();
    const auto cases = build_cases();
    CastDir dir;
    dir.write("cast_dut.v", make_module(cases));
    dir.write("tb.cpp", make_testbench(cases));
    std::string out;
    const int rc = run(dir.path,
                       "verilator --cc --exe --build -j 2 -O1 -CFLAGS -std=c++17 -MAKEFLAGS 'OPT_FAST=-O1' "
                       "cast_dut.v tb.cpp -o cast_tb",
                       out);
    ASSERT_EQ(rc, 0) << "Verilator build failed:\n" << out.substr(out.size() > 4000 ? out.size() - 4000 : 0);

    // Round r drives value r of every cast (value r mod count for casts with fewer values).
    size_t rounds = 0;
    for (const CastCase& c : cases) rounds = std::max(rounds, c.values.size());
    {
        std::vector<uint32_t> w;
        for (size_t r = 0; r < rounds; ++r) {
            for (const CastCase& c : cases) {
                u128 u = u128(c.values[r % c.values.size()]) & mask128(c.from.width);
                for (int i = 0; i < words(c.from.width); ++i) w.push_back(uint32_t(u >> (32 * i)));
            }
        }
        std::ofstream f(fs::path(dir.path) / "in.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(w.data()), std::streamsize(w.size() * 4));
    }
    ASSERT_EQ(run(dir.path, "obj_dir/cast_tb in.bin out.bin", out), 0) << out;

    std::ifstream f(fs::path(dir.path) / "out.bin", std::ios::binary);
    std::vector<uint64_t> got(rounds * cases.size());
    f.read(reinterpret_cast<char*>(got.data()), std::streamsize(got.size() * 8));
    ASSERT_EQ(size_t(f.gcount()), got.size() * 8) << "short simulation output";

    size_t checked = 0, mismatches = 0;
    for (size_t k = 0; k < cases.size(); ++k) {
        const CastCase& c = cases[k];
        const uint64_t mask = c.to.width == 64 ? ~uint64_t(0) : (uint64_t(1) << c.to.width) - 1;
        for (size_t r = 0; r < c.values.size(); ++r) {
            const uint64_t expect = uint64_t(cast(c.values[r], c.from.frac, c.to)) & mask;
            const uint64_t actual = got[r * cases.size() + k];
            ++checked;
            if (actual != expect && ++mismatches <= 20) {
                ADD_FAILURE() << "cast " << k << ": " << describe(c.from) << " -> " << c.to.to_string()
                              << ", source " << hex128(u128(c.values[r]) & mask128(c.from.width))
                              << ": Verilog " << hex128(actual) << ", nnsim::cast " << hex128(expect);
            }
        }
    }
    EXPECT_EQ(mismatches, 0u) << "of " << checked << " values";
    std::printf("checked %zu casts, %zu values\n", cases.size(), checked);
}

// Truncating, wrapping casts (every dense-layer product) are pure wiring; identical types a plain assign.
TEST(VerilogCast, TrivialCastsAreWires) {
    const SignalType product{32, 20, true};
    std::ostringstream a;
    const std::string r = emit_cast(a, "p", product, make_type(16, 10, true), "m0");
    EXPECT_EQ(r, "m0_o");
    for (const char* op : {"+", "?", "&", "|", "^", "=="}) {
        EXPECT_EQ(a.str().find(op), std::string::npos) << op << " in\n" << a.str();
    }
    std::ostringstream b;
    emit_cast(b, "x", signal_type(make_type(16, 10, true)), make_type(16, 10, true), "m1");
    EXPECT_EQ(b.str(), "    wire [15:0] m1_o;\n    assign m1_o = x;\n");
    // Rounding and saturation do produce logic.
    std::ostringstream c;
    emit_cast(c, "p", product, make_type(8, 5, true, RoundMode::kRnd, OverflowMode::kSat), "m2");
    EXPECT_NE(c.str().find("m2_ovf"), std::string::npos) << c.str();
    EXPECT_THROW(emit_cast(c, "p", {129, 0, true}, make_type(8, 5, true), "m3"), std::invalid_argument);
    EXPECT_THROW(emit_cast(c, "p", product, make_type(65, 5, true), "m4"), std::invalid_argument);
}

}  // namespace
}  // namespace nnsim
