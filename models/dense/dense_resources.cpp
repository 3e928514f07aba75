// Resource estimate of the dense kind (dense_rtl.cpp's core plus the timing shell).
//
// The core takes the n_in * n_out products in output-major order p = j * n_in + i, in RF groups of
// M = ceil(n_in * n_out / RF); multiplier m computes product k * M + m in cycle k. Per multiplier:
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

int popcount64(uint64_t u) {
    int n = 0;
    for (; u; u &= u - 1) ++n;
    return n;
}

}  // namespace

Resources DenseKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& xt = in.types[0];
    const FixedType& wt = n.type("weight");
    const FixedType& at = n.type("accum");
    const FixedType& rt = n.type("result");
    const int n_in = int(shape_size(in.shapes[0]));
    const int n_out = int(n.get_int("n_out"));
    const int rf = n.reuse_factor;
    const bool resource = n.strategy == Strategy::kResource;
    const int64_t total = int64_t(n_in) * n_out;
    const int m_count = int((total + rf - 1) / rf);
    const int kw = bits_for_n(uint64_t(rf > 1 ? rf - 1 : 1));
    const bool psigned = xt.is_signed || wt.is_signed;
    const int pw = xt.width + wt.width + (xt.is_signed != wt.is_signed ? 1 : 0);
    const res::Sig prod{pw, xt.frac() + wt.frac(), psigned};
    const res::Sig acc_sig = res::sig_of(at);
    const bool acc_wraps = at.overflow == OverflowMode::kWrap && at.sat_bits == 0;
    const res::Coefficients& c = res::coefficients();
    const Timing t = timing(n, in, io);

    // Quantized weights, as the RTL writes them.
    const WeightTensor& kernel = n.weights.at("kernel");
    std::vector<int64_t> w(kernel.data.size());
    for (size_t i = 0; i < w.size(); ++i) w[i] = cast_double(kernel.data[i], wt);
    auto weight = [&](int64_t p) { return w[size_t((p % n_in) * n_out + p / n_in)]; };

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
    //   RF >= 8         a ROM (proc_rom) of 2^ceil(log2 RF) words, unused ones 0: opaque, full width.
    // The x operand likewise: a plain register with RF 1, or RF 2 when both products read one input;
    // otherwise a multiplexer that keeps the register out of the DSP.
    const bool rom = rf >= 8;
    const bool full_case = rf >= 4 && (int64_t(1) << kw) == int64_t(rf);
    const bool opaque = rom || full_case;
    const bool has_default = rf > 2 && (int64_t(1) << kw) != int64_t(rf);
    // Resource ROM placement (one word of M weights per k).
    res::RomPlacement pl;
    if (resource && rf > 1) pl = res::place_rom(rf, m_count * wt.width, rom);

    double dsp = 0, lut_soft = 0;
    std::vector<char> mul_zero(size_t(m_count), 0);     // product constantly zero (no cell, no term)
    std::vector<char> mul_dsp(size_t(m_count), 0);      // product in a DSP
    std::vector<int> mul_x(size_t(m_count), -1);        // input element a DSP reads straight from its register
    std::set<std::vector<int>> x_mux_seqs;              // distinct x multiplexers (Yosys merges equal ones)
    // Weight columns (one bit of one multiplier's weight over the words) that vary: after mapping, each
    // distinct one is a small function of k (logic) and, for ROMs, a data flip-flop; Yosys merges equal
    // columns across multipliers.
    std::set<std::vector<uint64_t>> columns;
    const int words = rf > 1 ? (rom ? (1 << kw) : rf + (has_default ? 1 : 0)) : 0;
    std::vector<int64_t> vals;
    std::vector<int> seq;
    // Yosys merges identical multipliers (same x operand, same weight constant or column).
    std::set<std::pair<std::vector<int>, std::vector<int64_t>>> seen_products;
    for (int m = 0; m < m_count; ++m) {
        vals.clear();
        seq.clear();
        for (int k = 0; k < rf; ++k) {
            const int64_t p = int64_t(k) * m_count + m;
            if (p < total) {
                vals.push_back(weight(p));
                seq.push_back(int(p % n_in));
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
            const int nb = int(vals.size());
            for (int b = 0; b < wt.width; ++b) {
                std::vector<uint64_t> col(size_t((nb + 63) / 64), 0);
                bool any0 = false, any1 = false;
                for (int i = 0; i < nb; ++i) {
                    const bool bit = (uint64_t(vals[size_t(i)]) >> b) & 1;
                    any0 = any0 || !bit, any1 = any1 || bit;
                    if (bit) col[size_t(i / 64)] |= uint64_t(1) << (i % 64);
                }
                if (any0 && any1) columns.insert(col);
            }
        }
        const bool duplicate = !seen_products.insert({seq, vals}).second;
        std::set<int> xs(seq.begin(), seq.end());
        if (rf > 2) xs.insert(-1);  // the multiplexer's default input
        const bool x_direct = xs.size() == 1 && !(opaque && rf > 2);
        if (!x_direct) x_mux_seqs.insert(seq);
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
        if (d > 0 && x_direct) mul_x[size_t(m)] = *xs.begin();
        if (duplicate) continue;  // shares the first such multiplier's cell
        if (d > 0) {
            dsp += d;
        } else if (constant) {
            const uint64_t mag = uint64_t(vals[0] < 0 ? -vals[0] : vals[0]);
            lut_soft += double(popcount64(mag) - 1) * (a_width + 1);
        } else {
            lut_soft += double(b_width) * a_width * 0.5;
        }
    }
    double bram18 = 0, lut_wlogic = 0, ff_wreg = 0;
    const double ncols = double(columns.size());
    if (pl.block) {
        bram18 = pl.bram18;  // data register inside the block RAM
    } else if (rf > 1) {
        lut_wlogic = res::rom_logic_luts(kw, 1) * ncols;
        // Data registers: the ROMs' (RF >= 8); below that the Resource word register, which the DSPs
        // absorb.
        if (rom) ff_wreg = ncols;
    }

    // Accumulation: per output j, the groups k touching it and the multipliers with non-zero terms.
    double lut_sum = 0, lut_cast = 0, lut_accmux = 0;
    std::vector<std::map<int, std::vector<int>>> terms(static_cast<size_t>(n_out));
    for (int64_t p = 0; p < total; ++p) {
        const int j = int(p / n_in), k = int(p / m_count), m = int(p % m_count);
        auto& list = terms[size_t(j)][k];
        if (mul_zero[size_t(m)]) continue;
        if (rf == 1 && weight(p) == 0) continue;
        list.push_back(m);
    }
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
    std::map<std::vector<int>, int> list_uses;
    double f_unique = 0, f_shared = 0, f_final = 0, f_sat = 0, lut_addcast = 0;
    for (int j = 0; j < n_out; ++j) {
        std::set<std::vector<int>> groups_j;
        for (const auto& [k, list] : terms[size_t(j)]) {
            if (list.empty()) continue;
            if (!groups_j.insert(list).second) continue;  // same expression as another group: merged
            if (acc_wraps) {
                const int ops = int(list.size()) + 1;
                f_final += at.width;
                f_shared += double(levels(ops)) * at.width;
                if (list_uses[list]++ == 0) f_unique += double(ops - 2 - levels(ops)) * at.width;
            } else {
                f_sat += double(list.size()) * (at.width + 1);
                lut_addcast += double(list.size()) * add_cast;
            }
        }
        if (rf > 1) lut_accmux += c.acc_update_lut_factor * res::mux_luts(int(groups_j.size()) + 1, at.width);
    }
    lut_sum += c.csa_lut_per_bit * f_unique + c.csa_shared_lut_per_bit * f_shared + c.final_adder_lut_per_bit * f_final +
               c.sat_add_lut_per_bit * f_sat + lut_addcast;
    const double lut_rescast = n_out * res::cast_luts(acc_sig, rt);
    double lut_xmux = 0;
    for (const auto& s : x_mux_seqs) {
        std::set<int> distinct(s.begin(), s.end());
        if (rf > 2) distinct.insert(-1);
        lut_xmux += res::mux_luts(int(distinct.size()), xt.width);
    }

    // Flip-flops.
    std::vector<char> x_used(size_t(n_in), 0), x_reg_needed(size_t(n_in), 0);
    for (int64_t p = 0; p < total; ++p) {
        const int m = int(p % m_count);
        if (mul_zero[size_t(m)] || (rf == 1 && weight(p) == 0)) continue;
        const int i = int(p % n_in);
        x_used[size_t(i)] = 1;
        // The register stays unless this use is a DSP reading it directly.
        if (!(mul_dsp[size_t(m)] && mul_x[size_t(m)] == i)) x_reg_needed[size_t(i)] = 1;
    }
    double ff_x = 0;
    for (int i = 0; i < n_in; ++i) {
        if (!x_used[size_t(i)]) continue;
        if (resource) ff_x += xt.width + (x_reg_needed[size_t(i)] ? xt.width : 0);  // x_reg, x_b
        else ff_x += x_reg_needed[size_t(i)] ? xt.width : 0;
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
    const Resources sh = res::shell(t, n_out * rt.width);
    r += sh;
    res::debug_components(n.name, {{"dsp", dsp},
                                   {"f_unique", f_unique},
                                   {"f_shared", f_shared},
                                   {"f_final", f_final},
                                   {"f_sat", f_sat},
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
