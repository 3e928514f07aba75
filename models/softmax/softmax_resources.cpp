// Resource estimate of the softmax kind (softmax_rtl.cpp), per implementation:
//   stable   max chain and differences; per element an exp ROM (registered index or data, so block RAM
//            is possible); the exp values in registers; a balanced adder tree; the 1/x ROM (its data
//            register makes it synchronous); one product per element (DSP48E1 by the mul2dsp rules,
//            which absorbs the registers feeding it); the result casts and register.
//   latency  the same without the max stage (the exp index is the input's top bits).
//   argmax   a compare-and-select chain and a one-hot decode.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "core/resources.hpp"
#include "models/softmax/softmax.hpp"

namespace nnsim {

Resources SoftmaxKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const std::string impl = n.get_string("implementation");
    const FixedType& x = in.types[0];
    const FixedType& rt = n.type("result");
    const int len = int(shape_size(n.shape));
    const int w = x.width;
    const Timing t = timing(n, in, io);
    const res::Coefficients& k = res::coefficients();
    Resources r;
    double lut_a = 0, lut_rom = 0, lut_tree = 0, lut_cast = 0, ff_core = 0, bram = 0, dsp = 0;
    if (impl == "argmax") {
        int ib = 0;
        while ((1 << ib) < len) ++ib;
        ib = std::max(1, ib);
        lut_a = double(len - 1) * (std::ceil(w / 2.0) + w + ib) + double(len) * std::ceil(ib / 4.0);
        const int64_t one = cast(1, 0, rt);
        int ones = 0;
        for (int b = 0; b < rt.width && b < 64; ++b) ones += int((uint64_t(one) >> b) & 1);
        ff_core = ib + double(len) * ones;
    } else {
        const bool stable = impl == "stable";
        const FixedType& exp_t = n.type("exp_table");
        const FixedType& acc = n.type("accum");
        const FixedType& ii = n.type("inv_inp");
        const FixedType& inv_t = n.type("inv_table");
        // Table sizes and columns depend only on the implementation, the table size and the types.
        struct TableInfo {
            int exp_size, inv_size, stored, used, result, istored, ivarying, iresult;
        };
        TableInfo ti{};
        {
            static std::mutex mu;
            static std::map<std::string, TableInfo> cache;
            const std::string key = impl + "/" + std::to_string(n.get_int("table_size")) + "/" + x.to_string() + "/" +
                                    exp_t.to_string() + "/" + acc.to_string() + "/" + ii.to_string() + "/" +
                                    inv_t.to_string();
            std::lock_guard<std::mutex> lock(mu);
            auto it = cache.find(key);
            if (it == cache.end()) {
                const SoftmaxTables tabs = softmax_tables(n, x);
                TableInfo t{tabs.exp_size, tabs.inv_size, 0, 0, 0, 0, 0, 0};
                res::rom_columns(tabs.exp_table, exp_t, acc, t.stored, t.used, t.result);
                res::rom_columns(tabs.inv_table, inv_t, inv_t, t.istored, t.ivarying, t.iresult);
                if (cache.size() > 4096) cache.clear();
                it = cache.emplace(key, t).first;
            }
            ti = it->second;
        }
        int ne = 0, ni = 0;
        while ((1 << ne) < ti.exp_size) ++ne;
        while ((1 << ni) < ti.inv_size) ++ni;
        if (stable) {
            // max chain (compare + select) and the differences; the index bits are registered.
            lut_a = double(len - 1) * (std::ceil(w / 2.0) + w) + double(len) * k.adder_lut_per_bit * (w + 1);
            ff_core += double(len) * ne;
        }
        // exp ROMs, one per element; its data register (ev) is merged into the read port.
        const int stored = ti.stored, used = ti.used;
        // stable: the registered index makes the read synchronous; latency: only the exp value's
        // register can, when the cast between ROM and register is plain wires.
        const bool exp_sync = stable || res::cast_is_wires(res::sig_of(exp_t), acc);
        const res::RomPlacement pe = res::place_rom(ti.exp_size, stored, exp_sync);
        bram += pe.bram18 * len;
        if (!pe.block) lut_rom += len * res::rom_logic_luts(ne, used);
        // The exp values' register (its varying bits) stays unless the block RAM holds it.
        if (!(pe.block && res::cast_is_wires(res::sig_of(exp_t), acc))) ff_core += double(len) * ti.result;
        lut_cast += len * res::cast_luts(res::sig_of(exp_t), acc);
        // Adder tree with a cast after every addition, then inv_inp_t and the 1/x ROM.
        const res::Sig sum{acc.width + 1, acc.frac(), acc.is_signed};
        lut_tree = double(len - 1) * (k.adder_lut_per_bit * acc.width + res::cast_luts(sum, acc));
        lut_cast += res::cast_luts(res::sig_of(acc), ii);
        const int istored = ti.istored, ivarying = ti.ivarying;
        const res::RomPlacement pi = res::place_rom(ti.inv_size, istored, true);
        bram += pi.bram18;
        if (!pi.block) lut_rom += res::rom_logic_luts(ni, ivarying);
        // Products ew_i * inv: the registers feeding them go into the DSPs.
        const bool ps = acc.is_signed || inv_t.is_signed;
        const int pw = acc.width + inv_t.width + (acc.is_signed != inv_t.is_signed ? 1 : 0);
        const res::Sig prod{pw, acc.frac() + inv_t.frac(), ps};
        const int y_used = res::cast_is_wires(prod, rt) ? std::max(1, std::min(pw, prod.frac - rt.frac() + rt.width)) : pw;
        const int a = acc.width + (ps && !acc.is_signed ? 1 : 0);
        const int b = ivarying > 0 ? inv_t.width + (ps && !inv_t.is_signed ? 1 : 0) : 0;
        const int d = res::mul_dsps(a, ps, b, ps, std::min(y_used, a + b));
        dsp = double(d) * len;
        if (d == 0) {
            lut_a += double(len) * a * b * 0.5;
            ff_core += double(len) * acc.width + (pi.block ? 0 : ivarying);
        }
        lut_cast += len * res::cast_luts(prod, rt);
    }
    if (impl != "argmax") ff_core += double(len) * rt.width;  // result register
    r.dsp = dsp;
    r.bram18 = bram;
    r.lut = lut_a + lut_rom + lut_tree + lut_cast;
    r.ff = ff_core;
    r += res::valid_pipeline(t.latency);
    const Resources sh = res::shell(t, len * rt.width);
    r += sh;
    res::debug_components(n.name, {{"dsp", dsp}, {"bram18", bram}, {"lut_a", lut_a}, {"lut_rom", lut_rom},
                                   {"lut_tree", lut_tree}, {"lut_cast", lut_cast}, {"lut_shell", sh.lut},
                                   {"ff_core", ff_core}, {"ff_shell", sh.ff}, {"lut", r.lut}, {"ff", r.ff}});
    return r;
}

}  // namespace nnsim
