// Resource estimates: building blocks, network totals and the part table (resources.hpp).
//
// The building blocks reproduce the decisions Yosys 0.23 makes in `synth_xilinx -family xc7` where
// those decisions are rules (which multiplications become DSP48E1s, which ROMs become block RAMs,
// which memories become LUTRAM), and count LUTs and flip-flops structurally elsewhere, with the few
// coefficients of coefficients() fitted on the calibration grid (docs/resources.md).
#include "core/resources.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "core/diag.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

// ---------------------------------------------------------------------------------------------
// Parts.

const std::vector<PartInfo>& known_parts() {
    // Capacities from the vendor data sheets: DSP slices, LUTs, FFs, 18 Kb block RAMs (2 per 36 Kb
    // block), UltraRAMs.
    static const std::vector<PartInfo> parts = {
        {"xc7a35t", "7-series", {90, 20800, 41600, 100, 0}},
        {"xc7a100t", "7-series", {240, 63400, 126800, 270, 0}},
        {"xc7z020", "7-series", {220, 53200, 106400, 280, 0}},
        {"xc7k325t", "7-series", {840, 203800, 407600, 890, 0}},
        {"xc7vx690t", "7-series", {3600, 433200, 866400, 2940, 0}},
        {"xcku115", "UltraScale", {5520, 663360, 1326720, 4320, 0}},
        {"xczu9eg", "UltraScale+", {2520, 274080, 548160, 1824, 0}},
        {"xcvu9p", "UltraScale+", {6840, 1182240, 2364480, 4320, 960}},
        {"xcvu13p", "UltraScale+", {12288, 1728000, 3456000, 5376, 1280}},
        {"xcu200", "UltraScale+", {6840, 1182240, 2364480, 4320, 960}},
        {"xcu250", "UltraScale+", {12288, 1728000, 3456000, 5376, 1280}},
    };
    return parts;
}

const PartInfo& find_part(const std::string& part) {
    std::string p;
    for (char c : part) p += char(std::tolower(static_cast<unsigned char>(c)));
    const PartInfo* best = nullptr;
    for (const auto& k : known_parts())
        if (p.compare(0, k.name.size(), k.name) == 0 && (!best || k.name.size() > best->name.size())) best = &k;
    if (best) return *best;
    std::string names;
    for (const auto& k : known_parts()) names += (names.empty() ? "" : ", ") + k.name;
    throw UserError("unknown part '" + part + "' (known: " + names + ")");
}

Utilisation utilisation(const Resources& used, const PartInfo& part) {
    Utilisation u;
    u.part = part.name;
    u.capacity = part.capacity;
    auto pct = [](double use, double cap) { return cap > 0 ? 100.0 * use / cap : (use > 0 ? 1e9 : 0.0); };
    u.percent = {pct(used.dsp, part.capacity.dsp), pct(used.lut, part.capacity.lut), pct(used.ff, part.capacity.ff),
                 pct(used.bram18, part.capacity.bram18), pct(used.uram, part.capacity.uram)};
    if (u.percent.dsp > 100) u.over.push_back("DSP");
    if (u.percent.lut > 100) u.over.push_back("LUT");
    if (u.percent.ff > 100) u.over.push_back("FF");
    if (u.percent.bram18 > 100) u.over.push_back("BRAM18");
    if (u.percent.uram > 100) u.over.push_back("URAM");
    return u;
}

std::string utilisation_line(const Utilisation& u) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s: DSP %.1f %%, LUT %.1f %%, FF %.1f %%, BRAM18 %.1f %%", u.part.c_str(),
                  u.percent.dsp, u.percent.lut, u.percent.ff, u.percent.bram18);
    std::string s = buf;
    if (u.capacity.uram > 0) {
        std::snprintf(buf, sizeof buf, ", URAM %.1f %%", u.percent.uram);
        s += buf;
    }
    if (!u.over.empty()) {
        s += " -- over capacity:";
        for (size_t i = 0; i < u.over.size(); ++i) {
            const std::string& r = u.over[i];
            const double p = r == "DSP" ? u.percent.dsp : r == "LUT" ? u.percent.lut : r == "FF" ? u.percent.ff
                           : r == "BRAM18" ? u.percent.bram18 : u.percent.uram;
            std::snprintf(buf, sizeof buf, "%s %s (%.1f %%)", i ? "," : "", r.c_str(), p);
            s += buf;
        }
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Building blocks.

namespace res {

const Coefficients& coefficients() {
    static const Coefficients c = [] {
        Coefficients k{
            2.571, // csa_lut_per_bit
            1.006, // csa_shared_lut_per_bit
            0.0,   // sat_add_lut_per_bit (the saturating cast after each addition carries the cost)
            0.0,   // final_adder_lut_per_bit (absorbed by the carry-save coefficient)
            3.694, // acc_update_lut_factor
            1.0,   // adder_lut_per_bit
            12.0,  // control_lut
            1.0,   // cast_mux_lut_per_bit
            0.0,   // slot_mask_lut_per_bit (absorbed into the first adder row's LUTs)
            1.0,   // slot_update_lut_factor
            0.5,   // round_adder_lut_per_bit (the increment merges with the sum before it)
        };
        const std::pair<const char*, double*> names[] = {
            {"csa_lut_per_bit", &k.csa_lut_per_bit}, {"csa_shared_lut_per_bit", &k.csa_shared_lut_per_bit},
            {"sat_add_lut_per_bit", &k.sat_add_lut_per_bit}, {"final_adder_lut_per_bit", &k.final_adder_lut_per_bit},
            {"acc_update_lut_factor", &k.acc_update_lut_factor}, {"adder_lut_per_bit", &k.adder_lut_per_bit},
            {"control_lut", &k.control_lut}, {"cast_mux_lut_per_bit", &k.cast_mux_lut_per_bit},
            {"slot_mask_lut_per_bit", &k.slot_mask_lut_per_bit},
            {"slot_update_lut_factor", &k.slot_update_lut_factor}, {"round_adder_lut_per_bit", &k.round_adder_lut_per_bit}};
        const char* env = std::getenv("NNSIM_RESOURCE_COEFFS");
        std::string spec = env ? env : "";
        size_t pos = 0;
        while (pos < spec.size()) {
            size_t end = spec.find(',', pos);
            if (end == std::string::npos) end = spec.size();
            const std::string item = spec.substr(pos, end - pos);
            const size_t eq = item.find('=');
            for (const auto& [name, field] : names)
                if (eq != std::string::npos && item.substr(0, eq) == name) *field = std::atof(item.c_str() + eq + 1);
            pos = end + 1;
        }
        return k;
    }();
    return c;
}

namespace {

// mul2dsp.v for xc7: DSP_A_MAXWIDTH 25, DSP_B_MAXWIDTH 18, DSP_A_MAXWIDTH_PARTIAL 18, min widths 2/2/9,
// DSP_SIGNEDONLY. `top` is the original $mul cell (swap and signed-only rewrite apply to it only).
int mul2dsp(int a, bool as, int b, bool bs, int y, bool top) {
    if (a < 2 || b < 2 || y < 9) return 0;
    if (top && !as && !bs) return mul2dsp(a + 1, true, b + 1, true, y, true);
    if (top && a < b) return mul2dsp(b, bs, a, as, y, true);
    constexpr int kMaxA = 25, kMaxB = 18, kPartA = 18, kPartB = 18, kHead = 1;
    if (a > kMaxA) {
        const int n = (a - kMaxA + kPartA - kHead - 1) / (kPartA - kHead);
        const int part_y = std::min(y, b + kPartA);
        const int last_a = a - n * (kPartA - kHead);
        int d = n * mul2dsp(kPartA, true, b, bs, part_y, false);
        return d + mul2dsp(last_a, as, b, bs, b + last_a, false);
    }
    if (b > kMaxB) {
        const int n = (b - kMaxB + kPartB - kHead - 1) / (kPartB - kHead);
        const int part_y = std::min(y, a + kPartB);
        const int last_b = b - n * (kPartB - kHead);
        int d = n * mul2dsp(a, as, kPartB, true, part_y, false);
        return d + mul2dsp(a, as, last_b, bs, a + last_b, false);
    }
    return 1;
}

}  // namespace

int64_t quantize(double v, const FixedType& t) {
    if (t.round == RoundMode::kTrn && t.overflow == OverflowMode::kWrap && t.sat_bits == 0 && t.width < 63 &&
        std::isfinite(v)) {
        const double x = std::floor(std::ldexp(v, t.frac()));
        if (std::fabs(x) < 9.0e15) {
            const uint64_t u = uint64_t(int64_t(x)) & ((uint64_t(1) << t.width) - 1);
            return t.is_signed ? int64_t(u << (64 - t.width)) >> (64 - t.width) : int64_t(u);
        }
    }
    return cast_double(v, t);
}

int mul_dsps(int a_width, bool a_signed, int b_width, bool b_signed, int y_width) {
    return mul2dsp(a_width, a_signed, b_width, b_signed, y_width, true);
}

int const_width(int64_t c, bool is_signed) {
    if (c == 0) return 0;
    if (!is_signed) return 64 - __builtin_clzll(uint64_t(c));
    return 64 - __builtin_clrsbll(c);  // redundant sign bits removed
}

bool is_pow2_abs(int64_t c) {
    if (c == 0) return false;
    const uint64_t u = c < 0 ? uint64_t(-c) : uint64_t(c);
    return (u & (u - 1)) == 0;
}

int mux_const_width(const std::vector<int64_t>& values, int width, bool is_signed) {
    // Column i is constant 0 when no value has bit i, constant 1 when all have it, else varying.
    uint64_t any = 0, all = ~uint64_t(0);
    for (int64_t v : values) any |= uint64_t(v), all &= uint64_t(v);
    auto kind = [&](int i) -> int {
        const bool a = i < 64 ? (any >> i) & 1 : any >> 63;
        const bool l = i < 64 ? (all >> i) & 1 : all >> 63;
        return !a ? 0 : l ? 1 : 2;
    };
    int n = width;
    if (is_signed) {
        while (n > 1 && kind(n - 1) != 2 && kind(n - 1) == kind(n - 2)) --n;
    } else {
        while (n > 0 && kind(n - 1) == 0) --n;
    }
    return n;
}

int varying_bits(const std::vector<int64_t>& values, int width) {
    if (values.empty()) return 0;
    uint64_t diff = 0;
    for (int64_t v : values) diff |= uint64_t(v) ^ uint64_t(values[0]);
    int n = 0;
    for (int i = 0; i < width && i < 64; ++i) n += int((diff >> i) & 1);
    return n;
}

namespace {

/// The block RAM configurations of Yosys's xc7 library (brams_xc7.txt) as memory_libmap costs them.
struct BramMode {
    int abits;
    std::vector<int> dbits;
    int cost;
    int bram18;  // 18 Kb blocks per cell
};
const std::vector<BramMode>& bram_modes() {
    static const std::vector<BramMode> modes = {
        {14, {1, 2, 4, 9, 18}, 129, 1},        // TDP HALF (RAMB18)
        {15, {1, 2, 4, 9, 18, 36}, 257, 2},    // TDP FULL (RAMB36)
        {16, {1, 2, 4, 9}, 513, 4},            // TDP CASCADE (two RAMB36)
        {14, {1, 2, 4, 9, 18, 36}, 129, 1},    // SDP HALF
        {15, {1, 2, 4, 9, 18, 36, 72}, 257, 2} // SDP FULL
    };
    return modes;
}

int64_t pow2_size(int64_t words) {
    return int64_t(1) << int(std::ceil(std::log2(double(std::max<int64_t>(words, 1)))));
}

}  // namespace

RomPlacement place_rom(int64_t words, int width, bool sync) {
    RomPlacement p;
    if (!sync || words <= 0 || width <= 0) return p;
    // memory_libmap: logic costs width * size / 64 (compared as an int); a block RAM configuration
    // costs its cell cost per replicate plus 0.5 per bit of read multiplexing.
    const int64_t size = pow2_size(words);
    const int64_t logic = int64_t(double(width) * double(size) / 64.0);
    const std::vector<BramMode>& modes = bram_modes();
    double best = 0;
    bool got = false;
    double best_b18 = 0;
    for (const auto& m : modes) {
        for (size_t i = 0; i < m.dbits.size(); ++i) {
            const int64_t depth = int64_t(1) << (m.abits - int(i));
            const int64_t mult_a = (size - 1) / depth + 1;
            const int64_t bits = mult_a * width;
            const int64_t repl = (bits + m.dbits[i] - 1) / m.dbits[i];
            const double cost = double(m.cost) * double(repl) + 0.5 * double((mult_a - 1) * width);
            if (!got || cost < best) {
                best = cost;
                best_b18 = double(repl * m.bram18);
                got = true;
            }
        }
    }
    if (got && best < double(logic)) {
        p.block = true;
        p.bram18 = best_b18;
    }
    return p;
}

RamPlacement block_ram(int64_t words, int width) {
    RamPlacement p;
    if (words <= 0 || width <= 0) return p;
    const int64_t size = pow2_size(words);
    double best = -1;
    for (const auto& m : bram_modes()) {
        for (size_t i = 0; i < m.dbits.size(); ++i) {
            const int64_t depth = int64_t(1) << (m.abits - int(i));
            const int64_t mult_a = (size - 1) / depth + 1;
            const int64_t repl = mult_a * ((width + m.dbits[i] - 1) / m.dbits[i]);
            const double cost = double(m.cost) * double(repl) + 0.5 * double((mult_a - 1) * width);
            if (best < 0 || cost < best) {
                best = cost;
                p.bram18 = double(repl * m.bram18);
                p.address_blocks = mult_a;
            }
        }
    }
    return p;
}

void rom_columns(const std::vector<int64_t>& values, const FixedType& from, const FixedType& to, int& stored,
                 int& used, int& result) {
    int lo = 0, hi = from.width - 1;
    if (cast_is_wires(sig_of(from), to)) {
        const int s = from.frac() - to.frac();
        lo = std::max(0, s);
        hi = std::min(from.width - 1, s + to.width - 1);
    }
    uint64_t diff = 0;
    for (int64_t v : values) diff |= uint64_t(v) ^ uint64_t(values.empty() ? 0 : values[0]);
    stored = used = 0;
    for (int b = 0; b < from.width && b < 64; ++b) {
        if (!((diff >> b) & 1)) continue;
        ++stored;
        if (b >= lo && b <= hi) ++used;
    }
    uint64_t rdiff = 0;
    const int64_t r0 = values.empty() ? 0 : cast(values[0], from.frac(), to);
    for (int64_t v : values) rdiff |= uint64_t(cast(v, from.frac(), to)) ^ uint64_t(r0);
    result = 0;
    for (int b = 0; b < to.width && b < 64; ++b) result += int((rdiff >> b) & 1);
}

double rom_logic_luts(int addr_bits, int varying_columns) {
    if (varying_columns <= 0) return 0;
    double per;
    // A 6-input function per LUT; wider ones as LUT6 trees with MUXF7/F8, which ABC shrinks for
    // smooth tables (fitted: 0.75 of the full tree).
    if (addr_bits <= 6) per = 1;
    else per = 0.75 * std::pow(2.0, addr_bits - 6) * (addr_bits > 8 ? 4.0 / 3.0 : 1.0);
    return per * varying_columns;
}

Resources async_ram(int depth, int width) {
    Resources r;
    if (depth <= 0 || width <= 0) return r;
    // memory_libmap on lutrams_xc5v.txt: simple-dual-port LUTRAM costs (repl + 7 * width / w_cell) per
    // address block, soft logic 1 per bit; RAM32M holds 32 x 6, RAM64M 64 x 3.
    const double logic = double(depth) * width;
    double best = 1e300;
    double luts = 0;
    for (int abits : {5, 6}) {
        const int w_cell = abits == 5 ? 6 : 3;
        const int64_t mult_a = (depth - 1) / (int64_t(1) << abits) + 1;
        const int64_t repl = (mult_a * width + w_cell - 1) / w_cell;
        const double cost = double(repl) + 7.0 * double(mult_a * width) / w_cell + 0.5 * double((mult_a - 1) * width) +
                            0.5 * double(mult_a > 1 ? mult_a : 0);
        if (cost < best) {
            best = cost;
            luts = 4.0 * double(repl) + (mult_a > 1 ? double(width) * double(mult_a - 1) / 3.0 : 0.0);
        }
    }
    if (best < logic) {
        r.lut = luts;
    } else {
        r.ff = double(depth) * width;
        r.lut = depth > 1 ? double(width) * (depth - 1) / 3.0 : 0;
    }
    return r;
}

namespace {

struct CastShape {
    bool rounds = false;
    bool overflow = false;
    int wv = 0;  // width of the rounded value (overflow logic)
};

// The decisions of emit_cast() in rtl/verilog_cast.cpp.
CastShape cast_shape(const Sig& from, const FixedType& to) {
    const CastPlan p = plan_cast(from, to);
    return CastShape{p.rounds, p.overflow_logic, p.rounded_width};
}

}  // namespace

bool cast_is_wires(const Sig& from, const FixedType& to) {
    const CastShape c = cast_shape(from, to);
    return !c.rounds && !c.overflow;
}

double cast_luts(const Sig& from, const FixedType& to) {
    const CastShape c = cast_shape(from, to);
    const Coefficients& k = coefficients();
    double l = 0;
    if (c.rounds) l += k.round_adder_lut_per_bit * (c.overflow ? c.wv : to.width);
    if (c.overflow) l += std::ceil(double(std::max(c.wv - to.width + 1, 1)) / 3.0) + k.cast_mux_lut_per_bit * to.width;
    return l;
}

void debug_components(const std::string& layer, const std::vector<std::pair<std::string, double>>& parts) {
    static const bool on = std::getenv("NNSIM_RESOURCE_DEBUG") != nullptr;
    if (!on) return;
    std::string s = "{\"layer\": \"" + layer + "\"";
    for (const auto& p : parts) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", p.second);
        s += ", \"" + p.first + "\": " + buf;
    }
    std::fprintf(stderr, "%s}\n", s.c_str());
}

Resources valid_pipeline(int latency) {
    Resources r;
    r.ff = latency;
    return r;
}

/// Bits of a counter that counts up to n (at least 1).
int bits_for_count(uint64_t n) {
    int b = 1;
    while (b < 64 && (uint64_t(1) << b) <= n) ++b;
    return b;
}

Resources shell(const Timing& t, int out_width, int held) {
    const int p = (t.latency + t.ii - 1) / t.ii;
    const Coefficients& k = coefficients();
    if (held >= p || (held == 1 && p == 2)) {
        const bool reg = held < p;  // the one register `prev` and its multiplexer
        Resources r;
        r.ff = 2 + (reg ? out_width + 1 : 0) + bits_for_count(uint64_t(p));
        r.lut = (reg ? out_width : 0) + k.control_lut;
        if (t.ii > 1) r.ff += bits_for_count(uint64_t(t.ii - 1)), r.lut += bits_for_count(uint64_t(t.ii - 1));
        return r;
    }
    Resources r = async_ram(p, out_width);
    const int qw = [](uint64_t n) { int b = 1; while (b < 64 && (uint64_t(1) << b) <= n) ++b; return b; }(uint64_t(p));
    const int pw = p > 1 ? [](uint64_t n) { int b = 1; while (b < 64 && (uint64_t(1) << b) <= n) ++b; return b; }(uint64_t(p - 1)) : 0;
    int iw = 0;
    if (t.ii > 1) {
        iw = 1;
        while (iw < 64 && (uint64_t(1) << iw) <= uint64_t(t.ii - 1)) ++iw;
    }
    r.ff += 2 * qw + 2 * pw + iw;
    r.lut += out_width + k.control_lut + iw;
    return r;
}

double sum_luts(int operands, int width) {
    const Coefficients& k = coefficients();
    if (operands <= 1 || width <= 0) return 0;
    return k.adder_lut_per_bit * width + k.csa_lut_per_bit * double(operands - 2) * width;
}

double mux_luts(int inputs, int width) {
    if (inputs <= 1 || width <= 0) return 0;
    const double per = inputs <= 4 ? 1.0 : std::ceil(inputs / 4.0) * (inputs > 16 ? 4.0 / 3.0 : 1.0);
    return per * width;
}

}  // namespace res

// ---------------------------------------------------------------------------------------------
// Network totals.

bool fifo_in_block_ram(int depth, int width) { return res::place_rom(depth, width, /*sync=*/true).block; }

Resources estimate_fifo(int depth, int width) {
    int aw = 1;
    while (aw < 64 && (uint64_t(1) << aw) <= uint64_t(std::max(depth - 1, 1))) ++aw;
    int cw = 1;
    while (cw < 64 && (uint64_t(1) << cw) <= uint64_t(depth)) ++cw;
    if (fifo_in_block_ram(depth, width)) {
        // nnsim_fifo_bram: the memory and its read register in block RAM; pointers, count, head select
        // and bypass register in FFs; the head multiplexer (1 LUT per bit), pointer and count logic, and
        // the multiplexer over the cells in depth. Against Yosys on the module alone, 1024 .. 262144
        // words of 8 .. 96 bits: BRAM18 exact, FF and LUT within 5 %.
        const res::RamPlacement ram = res::block_ram(depth, width);
        Resources r;
        r.bram18 = ram.bram18;
        r.ff = 2.0 * aw + cw + 1 + width;
        r.lut = width + 4.0 * aw + cw - 8 + double(width) * double(ram.address_blocks - 1) / 3.0;
        return r;
    }
    Resources r = res::async_ram(depth, width);
    // Pointers and count; the read address is duplicated when the LUTRAM's read port takes it.
    r.ff += 3 * aw + cw;
    r.lut += 2.0 * aw + cw + 3;
    return r;
}

Resources estimate_layer(const Graph& g, const Node& n, const NodeInputs& in) {
    Node pixel;
    NodeInputs pixel_in = in;
    if (pixel_view(g, n, pixel, pixel_in)) return n.kind->estimate(pixel, pixel_in, g.io_type);
    return n.kind->estimate(n, in, g.io_type);
}

NetworkResources estimate_network(const Graph& g) {
    NetworkResources nr;
    // A FIFO word is a whole tensor (io_parallel) or one pixel (io_stream).
    std::map<std::string, int> word_width;
    for (const auto& in : g.inputs) word_width[in.name] = int(beat_width(g, in.name)) * in.precision.width;
    for (const auto& n : g.nodes) word_width[n.name] = int(beat_width(g, n.name)) * n.type("result").width;
    for (const auto& n : g.nodes) {
        const NodeInputs in = node_inputs(g, n);
        Resources r = estimate_layer(g, n, in);
        nr.layers.push_back(r);
        nr.total += r;
        for (const auto& t : n.inputs) nr.fifos += estimate_fifo(fifo_depth(g, t), word_width[t]);
    }
    for (const auto& o : g.outputs) nr.fifos += estimate_fifo(fifo_depth(g, o), word_width[o]);
    nr.total += nr.fifos;
    return nr;
}

}  // namespace nnsim
