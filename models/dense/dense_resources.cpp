// Resource estimate of the dense kind (dense_rtl.cpp's core plus the timing shell).
//
// The core takes its product list (MacPlan: the dense kind's n_in * n_out products, chunked by input
// when RF divides n_in, or another kind's sparse list; dense.hpp), in RF groups of M = ceil(products / RF); multiplier m computes product k * M + m in cycle k. Per multiplier:
//   RF 1   the weight is a constant: 0 -> nothing, +-2^s -> a shift, otherwise a constant product;
//   RF > 1 the weight is a multiplexer (Latency; a ROM from RF 8 on, as Yosys's proc_rom builds it) or
//          a registered ROM word (Resource) over the weights of its k = 0..RF-1 products (0 for the
//          padding products and for the ROM's unused addresses); a constant column set behaves as a
//          constant, and Yosys narrows the operand to the bit positions that vary.
// DSP48E1s follow mul2dsp (res::mul_dsps) with the operand widths Yosys leaves. The accumulation is,
// per output and group, a sum of the group's products (a carry-save tree with a wrapping accumulator,
// a chain of saturating adders otherwise), selected by k when RF > 1. Flip-flops: the valid pipeline,
// the input register (absorbed into the DSPs' A/B registers where a multiplier reads it directly), the
// Resource strategy's delayed copies, accumulators, result register, and the data register of every
// weight ROM (RF >= 8).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/resources.hpp"
#include "models/dense/dense.hpp"

namespace nnsim {
namespace {

int bits_for_n(uint64_t n) {
    int b = 1;
    while (b < 64 && (uint64_t(1) << b) <= n) ++b;
    return b;
}

uint64_t mix64(uint64_t z) {  // splitmix64 finalizer
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int popcount64(uint64_t u) {
    int n = 0;
    for (; u; u &= u - 1) ++n;
    return n;
}

}  // namespace

Resources DenseKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    FixedType xt = in.types[0];
    if (reads_binary_input(n)) xt = FixedType{2, 2, true};  // the MAC core reads int<2> codes of +-1
    return estimate_mac_core(n, dense_plan(n, int(shape_size(in.shapes[0]))), xt, timing(n, in, io));
}

namespace {

/// The XNOR and popcount core (mac_uses_xnor): per output a popcount tree over its nonzero weights
/// (fitted on Yosys: 0.6 LUT per adder bit, as ABC packs the narrow adders into 6-input LUTs) and the
/// accumulator add; flip-flops for the inputs' sign bits, accumulators and results.
Resources estimate_xnor_core(const Node& n, const MacPlan& plan, const Timing& t) {
    const FixedType& at = n.type("accum");
    const FixedType& rt = n.type("result");
    std::vector<int> terms(size_t(plan.n_out), 0);
    std::vector<char> read(size_t(plan.n_in), 0);
    for (int64_t p = 0; p < plan.total(); ++p)
        if (plan.weight[size_t(p)] != 0) {
            ++terms[size_t(plan.out_idx[size_t(p)])];
            read[size_t(plan.in_idx[size_t(p)])] = 1;
        }
    Resources r;
    for (int j = 0; j < plan.n_out; ++j)
        if (terms[size_t(j)] > 0) r.lut += 0.6 * popcount_adder_bits(terms[size_t(j)]) + at.width;
    r.lut += plan.n_out * res::cast_luts(res::sig_of(at), rt);
    r.ff = double(std::count(read.begin(), read.end(), 1)) + 1 + double(plan.n_out) * (at.width + rt.width);
    r += res::valid_pipeline(t.latency);
    r += res::shell(t, plan.n_out * rt.width, n.kind->rtl_held_results(n));
    return r;
}

}  // namespace

Resources estimate_mac_core(const Node& n, const MacPlan& plan, const FixedType& xt, const Timing& t, bool x_in_dsp) {
    if (mac_uses_xnor(n, plan, xt)) return estimate_xnor_core(n, plan, t);
    const FixedType& wt = n.type("weight");
    const FixedType& at = n.type("accum");
    const FixedType& rt = n.type("result");
    const int n_in = plan.n_in;
    const int n_out = plan.n_out;
    const int rf = n.reuse_factor;
    const bool resource = n.strategy == Strategy::kResource;
    const int64_t total = plan.total();
    const int m_count = int((total + rf - 1) / rf);
    const int kw = bits_for_n(uint64_t(rf > 1 ? rf - 1 : 1));
    const bool psigned = xt.is_signed || wt.is_signed;
    const int pw = xt.width + wt.width + (xt.is_signed != wt.is_signed ? 1 : 0);
    const res::Sig prod{pw, xt.frac() + wt.frac(), psigned};
    const res::Sig acc_sig = res::sig_of(at);
    const bool acc_wraps = at.overflow == OverflowMode::kWrap && at.sat_bits == 0;
    const res::Coefficients& c = res::coefficients();

    // Quantized weights, as the RTL writes them.
    auto weight = [&](int64_t p) { return plan.weight[size_t(p)]; };
    auto input = [&](int64_t p) { return plan.in_idx[size_t(p)]; };
    auto w_nonzero = [&](int64_t p) { return weight(p) != 0; };

    // Operand widths as Yosys reduces them: x sign- or zero-extended into a signed product keeps one
    // extra bit when it is unsigned.
    const int a_width = xt.width + (psigned && !xt.is_signed ? 1 : 0);
    // Highest product bit the cast to accum_t reads (+1); all of them when the cast has logic.
    const bool prod_cast_wires = res::cast_is_wires(prod, at);
    const int y_used = prod_cast_wires ? std::max(1, std::min(pw, prod.frac - at.frac() + at.width)) : pw;

    // The weight operand when RF > 1, as Yosys sees it while it packs DSPs:
    //   RF 2            a 2:1 multiplexer it narrows (wreduce) and folds when both weights agree;
    //   RF 3, 5, 6, 7   a multiplexer over the RF weights and the case default 0, narrowed likewise;
    //   RF 4            a full case over the 2-bit counter: not narrowed or folded before DSP packing;
    //   RF >= 8         a ROM (proc_rom) of 2^ceil(log2 RF) words, unused ones 0: opaque, full width;
    //   Resource        the registered ROM word: opaque, full width, from RF 2 on.
    // The x operand likewise: a plain register with RF 1, or RF 2 when both products read one input;
    // otherwise a multiplexer that keeps the register out of the DSP.
    // With Resource, the weight reaches the multiplier through the word register (w_word), which
    // Yosys does not fold before packing DSPs either: opaque for every RF > 1.
    const bool rom = rf >= 8;
    const bool full_case = rf >= 4 && (int64_t(1) << kw) == int64_t(rf);
    const bool opaque = rom || full_case || (resource && rf > 1);
    const bool has_default = rf > 2 && (int64_t(1) << kw) != int64_t(rf);
    // Resource ROM placement (one word of M weights per k).
    res::RomPlacement pl;
    if (resource && rf > 1) pl = res::place_rom(rf, m_count * wt.width, rom);

    double dsp = 0, lut_soft = 0;
    std::vector<char> mul_zero(size_t(m_count), 0);     // product constantly zero (no cell, no term)
    std::vector<char> mul_dsp(size_t(m_count), 0);      // product in a DSP
    std::vector<int> mul_x(size_t(m_count), -1);        // input element a DSP reads straight from its register
    // Distinct x multiplexers (Yosys merges equal ones), by a hash of the input sequence, with their
    // number of distinct inputs.
    std::unordered_map<uint64_t, int> x_muxes;
    std::vector<int> stamp(size_t(n_in), 0);
    int stamp_gen = 0;
    // Weight columns (one bit of one multiplier's weight over the words) that vary: after mapping, each
    // distinct one is a small function of k (logic) and, for ROMs, a data flip-flop; Yosys merges equal
    // columns across multipliers. Kept as hashes.
    std::vector<uint64_t> columns;
    const int words = rf > 1 ? (rom ? (1 << kw) : rf + (has_default ? 1 : 0)) : 0;
    std::vector<int64_t> vals;
    std::vector<int> seq;
    // Multipliers that share a cell with an earlier identical one: their DSPs are counted once.
    std::vector<std::pair<uint64_t, int>> dsp_cells;  // (product hash, DSPs)
    dsp_cells.reserve(size_t(m_count));
    for (int m = 0; m < m_count; ++m) {
        if (rf == 1) {
            // Fast path: one constant product x_i * w.
            const int64_t cv = weight(m);
            if (cv == 0) {
                mul_zero[size_t(m)] = 1;
                continue;
            }
            if (res::is_pow2_abs(cv)) continue;  // a shift (negated for -2^s)
            const int tz = __builtin_ctzll(uint64_t(cv));
            const int b_width = res::const_width(cv >> tz, psigned);
            const int y = std::min(y_used - tz, a_width + b_width);
            const int d = res::mul_dsps(a_width, psigned, b_width, psigned, y);
            const int i = input(m);
            if (d > 0) {
                mul_dsp[size_t(m)] = 1;
                mul_x[size_t(m)] = i;
                dsp_cells.emplace_back(mix64(uint64_t(cv) ^ (uint64_t(uint32_t(i)) << 40)), d);
            } else {
                const uint64_t mag = uint64_t(cv < 0 ? -cv : cv);
                lut_soft += double(popcount64(mag) - 1) * (a_width + 1);
            }
            continue;
        }
        vals.clear();
        seq.clear();
        for (int k = 0; k < rf; ++k) {
            const int64_t p = int64_t(k) * m_count + m;
            if (p < total) {
                vals.push_back(weight(p));
                seq.push_back(input(p));
            } else {
                vals.push_back(0);
                seq.push_back(-1);
            }
        }
        while (int(vals.size()) < words) vals.push_back(0);  // default words / input
        const bool all_equal = std::all_of(vals.begin(), vals.end(), [&](int64_t v) { return v == vals[0]; });
        const bool constant = all_equal && !opaque;
        if (constant && vals[0] == 0) {
            mul_zero[size_t(m)] = 1;
            continue;
        }
        if (rf > 1 && !all_equal) {
            // Columns: bit b of every word, as 64-bit chunks hashed together; only the varying bits.
            const int nb = int(vals.size());
            uint64_t any = 0, all = ~uint64_t(0);
            for (int64_t v : vals) any |= uint64_t(v), all &= uint64_t(v);
            const uint64_t varying = (any & ~all) & (wt.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << wt.width) - 1);
            for (int b = 0; b < wt.width; ++b) {
                if (!((varying >> b) & 1)) continue;
                uint64_t h = 0x9e3779b97f4a7c15ull, chunk = 0;
                for (int i = 0; i < nb; ++i) {
                    chunk |= ((uint64_t(vals[size_t(i)]) >> b) & 1) << (i % 64);
                    if (i % 64 == 63 || i == nb - 1) h = mix64(h ^ chunk), chunk = 0;
                }
                columns.push_back(h);
            }
        }
        uint64_t hp = 0x51ed27f1b3a9c0d7ull;
        for (size_t i = 0; i < vals.size(); ++i)
            hp = mix64(hp ^ uint64_t(vals[i]) ^ (uint64_t(uint32_t(i < seq.size() ? seq[i] : -2)) << 40));
        bool same_x = true;
        for (int v : seq) same_x = same_x && v == seq[0];
        const bool x_direct = same_x && seq[0] >= 0 && rf <= 2;
        if (rf > 1 && !(same_x && rf <= 2)) {
            // The multiplexer: the distinct inputs and, from RF 3 on, the default 0.
            uint64_t hx = 0x2545f4914f6cdd1dull;
            for (int v : seq) hx = mix64(hx ^ uint64_t(uint32_t(v)));
            if (!x_muxes.count(hx)) {
                int distinct = 0;
                bool zero_in = rf > 2;  // the default input
                ++stamp_gen;
                for (int v : seq) {
                    if (v < 0) zero_in = true;
                    else if (stamp[size_t(v)] != stamp_gen) stamp[size_t(v)] = stamp_gen, ++distinct;
                }
                x_muxes[hx] = distinct + (zero_in ? 1 : 0);
            }
        }
        int b_width, tz = 0;
        if (constant) {
            const int64_t cv = vals[0];
            if (res::is_pow2_abs(cv)) continue;  // a shift (negated for -2^s): adder operands only
            while (tz < 62 && !((uint64_t(cv) >> tz) & 1)) ++tz;
            b_width = res::const_width(cv >> tz, psigned);
        } else if (opaque) {
            b_width = wt.width + (psigned && !wt.is_signed ? 1 : 0);
        } else {
            // Trailing bit positions that are 0 in every weight are shifted out of the product.
            uint64_t ormask = 0;
            for (int64_t v : vals) ormask |= uint64_t(v);
            while (tz < 62 && !((ormask >> tz) & 1)) ++tz;
            b_width = res::mux_const_width(vals, wt.width, wt.is_signed) + (psigned && !wt.is_signed ? 1 : 0) - tz;
        }
        const int y = std::min(y_used - tz, a_width + b_width);
        const int d = res::mul_dsps(a_width, psigned, b_width, psigned, y);
        mul_dsp[size_t(m)] = d > 0;
        if (d > 0 && x_direct) mul_x[size_t(m)] = seq[0];
        // With Resource the weight comes from the multiplier's own slice of the word register: its
        // products are never identical to another multiplier's, even when both weights are all zero.
        if (resource) hp = mix64(hp ^ (uint64_t(uint32_t(m)) << 20) ^ 0x7f4a7c159e3779b9ull);
        if (d > 0) {
            dsp_cells.emplace_back(hp, d);
        } else if (constant) {
            const uint64_t mag = uint64_t(vals[0] < 0 ? -vals[0] : vals[0]);
            lut_soft += double(popcount64(mag) - 1) * (a_width + 1);
        } else {
            lut_soft += double(b_width) * a_width * 0.5;
        }
    }
    std::sort(dsp_cells.begin(), dsp_cells.end());
    for (size_t i = 0; i < dsp_cells.size(); ++i)
        if (i == 0 || dsp_cells[i].first != dsp_cells[i - 1].first) dsp += dsp_cells[i].second;
    double bram18 = 0, lut_wlogic = 0, ff_wreg = 0;
    std::sort(columns.begin(), columns.end());
    const double ncols = double(std::unique(columns.begin(), columns.end()) - columns.begin());
    if (pl.block) {
        bram18 = pl.bram18;  // data register inside the block RAM
    } else if (rf > 1) {
        lut_wlogic = res::rom_logic_luts(kw, 1) * ncols;
        // Data registers: the ROMs' (RF >= 8); below that the Resource word register, which the DSPs
        // absorb.
        if (rom) ff_wreg = ncols;
    }

    // Accumulation: output j's products fall into the groups k of their multipliers m = p - k * M; a
    // group's list of multipliers is a range of m without the constant-zero ones (with RF 1, without
    // the zero weights).
    double lut_sum = 0, lut_cast = 0, lut_accmux = 0;
    std::vector<int> nonzero_prefix(size_t(m_count) + 1, 0);
    for (int m = 0; m < m_count; ++m) nonzero_prefix[size_t(m) + 1] = nonzero_prefix[size_t(m)] + (mul_zero[size_t(m)] ? 0 : 1);
    // Product casts: with a wrapping accumulator and no overflow logic, a rounding increment is one
    // more single-bit summand of the $macc (one LUT); otherwise the cast's own logic.
    const bool prod_round_only = acc_wraps && !prod_cast_wires && res::cast_luts(prod, at) > 0 &&
                                 at.overflow == OverflowMode::kWrap && at.sat_bits == 0;
    const double prod_cast = prod_round_only ? 1.0 : res::cast_luts(prod, at);
    for (int m = 0; m < m_count; ++m)
        if (!mul_zero[size_t(m)]) lut_cast += prod_cast;
    const res::Sig sum_sig{at.width + 1, at.frac(), at.is_signed};
    const double add_cast = acc_wraps ? 0 : res::cast_luts(sum_sig, at);
    // Each output's sum is a Yosys $macc of the accumulator and its group's products, mapped by
    // maccmap into a carry-save tree: the summands in a fixed order (the accumulator first), reduced
    // three by three per level, then one carry chain. Only the first full adder row of every level
    // depends on the accumulator, so outputs whose groups use the same multipliers share the rest of
    // the tree (Yosys merges identical adder cells).
    auto levels = [](int n) {
        int l = 0;
        while (n > 2) n = 2 * (n / 3) + n % 3, ++l;
        return l;
    };
    std::map<std::pair<int, int>, int> list_uses;  // RF > 1: outputs using each multiplier range
    double f_unique = 0, f_shared = 0, f_final = 0, f_sat = 0, lut_addcast = 0, f_small = 0;
    double f_slot = 0, f_mask = 0, f_accadd = 0, f_tree = 0;
    const bool sum_tree = mac_uses_sum_tree(n, xt);
    std::vector<std::pair<int, int>> groups_j;
    if (rf > 1 && acc_wraps) {
        // dense_rtl.cpp's slot sums: per slot a tree of two-input carry-chain adders over its
        // multipliers (masked by k where a multiplier changes slot), then per output one adder per
        // slot it reads and the k-selected update.
        std::vector<std::vector<int>> member_groups;  // slot -> per multiplier: groups in that slot
        std::vector<std::set<int>> out_slots(static_cast<size_t>(n_out));
        std::vector<std::set<int>> out_groups(static_cast<size_t>(n_out));
        std::vector<int> active(static_cast<size_t>(m_count), 0);
        for (int k = 0; k < rf && int64_t(k) * m_count < total; ++k) {
            const int64_t lo = int64_t(k) * m_count, hi = std::min(total, lo + m_count), j0 = plan.out_idx[size_t(lo)];
            for (int64_t p = lo; p < hi; ++p) {
                const int m = int(p - lo), j = plan.out_idx[size_t(p)], t = int(j - j0);
                if (size_t(t) >= member_groups.size()) member_groups.resize(size_t(t) + 1, std::vector<int>(size_t(m_count), 0));
                ++member_groups[size_t(t)][size_t(m)];
                ++active[size_t(m)];
                out_slots[size_t(j)].insert(t);
                out_groups[size_t(j)].insert(k);
            }
        }
        for (const auto& mg : member_groups) {
            int terms = 0;
            for (int m = 0; m < m_count; ++m) {
                if (!mg[size_t(m)] || mul_zero[size_t(m)]) continue;
                ++terms;
                if (mg[size_t(m)] != active[size_t(m)]) f_mask += at.width;
            }
            if (terms >= 2) f_slot += double(terms - 1) * at.width;
        }
        for (int j = 0; j < n_out; ++j) {
            const auto& os = out_slots[size_t(j)];
            f_accadd += double(os.size()) * at.width;
            // One slot in every group (the input-chunked plan): acc_next is the sum itself.
            if (os.size() == 1 && int(out_groups[size_t(j)].size()) == rf) continue;
            lut_accmux += c.slot_update_lut_factor * res::mux_luts(int(os.size()) + 1, at.width);
        }
    }
    // Per output, its products' multiplier ranges [lo, hi) per group, in list order.
    std::vector<std::vector<std::pair<int, int>>> ranges(static_cast<size_t>(n_out));
    if (!(rf > 1 && acc_wraps))
        for (int64_t p = 0; p < total; ++p) {
            const int j = plan.out_idx[size_t(p)], m = int(p % m_count);
            auto& r = ranges[size_t(j)];
            if (!r.empty() && r.back().second == m && m != 0) ++r.back().second;
            else r.emplace_back(m, m + 1);
        }
    for (int j = 0; j < n_out && !(rf > 1 && acc_wraps); ++j) {
        groups_j.clear();
        for (const auto& [lo, hi] : ranges[size_t(j)]) {
            int count = 0;
            if (rf == 1) {
                for (int m = lo; m < hi; ++m) count += (!mul_zero[size_t(m)] && w_nonzero(m)) ? 1 : 0;
            } else {
                count = nonzero_prefix[size_t(hi)] - nonzero_prefix[size_t(lo)];
            }
            if (count == 0) continue;
            const std::pair<int, int> key{lo, hi};
            if (std::find(groups_j.begin(), groups_j.end(), key) != groups_j.end()) continue;  // merged
            groups_j.push_back(key);
            if (sum_tree) {
                // dense_rtl.cpp's emit_sum_tree: ops - 1 two-input adders on carry chains.
                f_tree += double(count) * at.width;
            } else if (acc_wraps) {
                const int ops = count + 1;
                f_final += at.width;
                f_shared += double(levels(ops)) * at.width;
                const bool first = rf == 1 || list_uses[key]++ == 0;
                if (first) {
                    f_unique += double(ops - 2 - levels(ops)) * at.width;
                    // A tree of three to seven summands keeps nearly every full adder of its rows in its
                    // own LUTs (ABC finds little to merge): measured per bit, Yosys xc7 on 6-output
                    // layers of 2..6 inputs at 8 and 16 bits. The fitted terms above describe larger trees.
                    static constexpr double kSmallTree[] = {0, 0, 0, 1.85, 4.2, 6.6, 6.9, 8.0};
                    if (ops <= 7) {
                        const double fitted = c.csa_lut_per_bit * (ops - 2 - levels(ops)) +
                                              c.csa_shared_lut_per_bit * levels(ops);
                        f_small += std::max(0.0, kSmallTree[ops] - fitted) * at.width;
                    }
                }
            } else {
                f_sat += double(count) * (at.width + 1);
                lut_addcast += double(count) * add_cast;
            }
        }
        // Every group adding the same multipliers (the input-chunked plan): one expression for all k.
        const bool same_every_group = groups_j.size() == 1 && int(ranges[size_t(j)].size()) == rf;
        if (rf > 1 && !same_every_group)
            lut_accmux += c.acc_update_lut_factor * res::mux_luts(int(groups_j.size()) + 1, at.width);
    }
    lut_sum += c.adder_lut_per_bit * (f_slot + f_accadd) + c.slot_mask_lut_per_bit * f_mask;
    lut_sum += c.csa_lut_per_bit * f_unique + c.csa_shared_lut_per_bit * f_shared + c.final_adder_lut_per_bit * f_final +
               c.sat_add_lut_per_bit * f_sat + lut_addcast + f_small + c.adder_lut_per_bit * f_tree;
    const double lut_rescast = n_out * res::cast_luts(acc_sig, rt);
    double lut_xmux = 0;
    for (const auto& [h, inputs] : x_muxes) lut_xmux += res::mux_luts(inputs, xt.width);

    // Flip-flops. An input's register keeps the bits that some use reads: none for a DSP that reads it
    // directly (the DSP's A register takes them); for a constant product in logic at RF 1, the bits
    // below y_used - tz (higher ones reach no product bit the cast keeps) and, for a positive power of
    // two whose cast only truncates, not those the cast shifts out; otherwise all of them.
    const int cast_drops = prod_cast_wires ? std::max(0, prod.frac - at.frac()) : 0;
    auto bits_read = [&](int64_t cv) {
        const int tz = __builtin_ctzll(uint64_t(cv));
        const int hi = std::max(0, std::min(xt.width, y_used - tz));
        const int lo = cv > 0 && res::is_pow2_abs(cv) ? std::min(hi, std::max(0, cast_drops - tz)) : 0;
        return hi - lo;
    };
    std::vector<char> x_used(size_t(n_in), 0);
    std::vector<int> x_bits(size_t(n_in), 0);
    for (int64_t p = 0; p < total; ++p) {
        const int m = int(p % m_count);
        if (mul_zero[size_t(m)] || (rf == 1 && weight(p) == 0)) continue;
        const int i = input(p);
        x_used[size_t(i)] = 1;
        if (x_in_dsp && mul_dsp[size_t(m)] && mul_x[size_t(m)] == i) continue;
        const int bits = rf == 1 && !mul_dsp[size_t(m)] ? bits_read(weight(p)) : xt.width;
        x_bits[size_t(i)] = std::max(x_bits[size_t(i)], bits);
    }
    double ff_x = 0;
    for (int i = 0; i < n_in; ++i) {
        if (!x_used[size_t(i)]) continue;
        if (resource) ff_x += xt.width + (x_bits[size_t(i)] > 0 ? xt.width : 0);  // x_reg, x_b
        else ff_x += x_bits[size_t(i)];
    }
    const double ff_ctrl = 1 + (rf > 1 ? kw : 0) + (resource ? 2 + (rf > 1 ? kw : 0) : 0);
    const double ff_acc = double(n_out) * at.width;
    const double ff_res = double(n_out) * rt.width;

    Resources r;
    r.dsp = dsp;
    r.bram18 = bram18;
    r.ff = ff_x + ff_ctrl + ff_acc + ff_res + ff_wreg;
    r.lut = lut_sum + lut_cast + lut_accmux + lut_rescast + lut_xmux + lut_wlogic + lut_soft;
    r += res::valid_pipeline(t.latency);
    const Resources sh = res::shell(t, n_out * rt.width, n.kind->rtl_held_results(n));
    r += sh;
    res::debug_components(n.name, {{"dsp", dsp},
                                   {"f_unique", f_unique},
                                   {"f_shared", f_shared},
                                   {"f_final", f_final},
                                   {"f_sat", f_sat},
                                   {"f_slot", f_slot},
                                   {"f_mask", f_mask},
                                   {"f_accadd", f_accadd},
                                   {"lut_addcast", lut_addcast},
                                   {"lut_sum", lut_sum},
                                   {"lut_cast", lut_cast},
                                   {"lut_accmux", lut_accmux},
                                   {"lut_rescast", lut_rescast},
                                   {"lut_xmux", lut_xmux},
                                   {"lut_wlogic", lut_wlogic},
                                   {"lut_soft", lut_soft},
                                   {"lut_shell", sh.lut},
                                   {"ff_x", ff_x},
                                   {"ff_wreg", ff_wreg},
                                   {"ff_acc", ff_acc},
                                   {"ff_res", ff_res},
                                   {"ff_shell", sh.ff},
                                   {"ff_vld", double(t.latency)},
                                   {"lut", r.lut},
                                   {"ff", r.ff}});
    return r;
}

}  // namespace nnsim
