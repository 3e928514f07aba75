// Resource estimate of the lookup-table activations (sigmoid, tanh; table_activation_rtl.cpp): per
// element an index computation (shift with truncation toward zero, + N/2, clamp) into a registered
// index, and one table_size-entry ROM per element (Yosys builds one ROM per call of the table
// function). The registered index makes the ROM read synchronous, so memory_libmap may place it in
// block RAM; otherwise each varying ROM column is a function of the index bits.
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string>

#include "core/resources.hpp"
#include "models/common/table_activation.hpp"

namespace nnsim {

TableActivationKind::TableColumns TableActivationKind::columns(const Node& n) const {
    // The columns depend only on the kind, the table's size and the two types: computed once.
    const FixedType& tt = n.type("table");
    const FixedType& rt = n.type("result");
    const std::string key = std::string(name()) + "/" + std::to_string(n.get_int("table_size")) + "/" +
                            tt.to_string() + "/" + rt.to_string();
    static std::mutex mu;
    static std::map<std::string, TableColumns> cache;
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it == cache.end()) {
        TableColumns c;
        const std::vector<int64_t> values = table(n);
        res::rom_columns(values, tt, rt, c.stored, c.used, c.result);
        // Entries that are all >= 0 have constant zero top columns, which Yosys drops (and the cast's
        // overflow test with them); a column that repeats the sign bit of signed entries stays.
        int64_t lo = 0, hi = 0;
        for (int64_t v : values) lo = std::min(lo, v), hi = std::max(hi, v);
        c.entries = res::sig_of(tt);
        if (lo >= 0) {
            c.entries = SignalType{1, tt.frac(), false};
            while (c.entries.width < tt.width && hi >= (int64_t(1) << c.entries.width)) ++c.entries.width;
        }
        if (cache.size() > 4096) cache.clear();
        it = cache.emplace(key, c).first;
    }
    return it->second;
}

Resources TableActivationKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const FixedType& x = in.types[0];
    const FixedType& rt = n.type("result");
    const int size = int(n.get_int("table_size"));
    int nb = 0;
    while ((1 << nb) < size) ++nb;
    int rb = 0;
    while ((1 << rb) < range()) ++rb;
    const int s = rb + x.frac() - nb;
    const int qw = std::max(x.width, s + 1) + (s < 0 ? -s : 0) + 2;
    const int elems = int(shape_size(n.shape));
    const Timing t = timing(n, in, io);

    const TableColumns cols = columns(n);
    const int stored = cols.stored, used = cols.used, result = cols.result;
    const res::RomPlacement pl = res::place_rom(size, stored, true);

    // Index: truncation toward zero (an adder when s > 0 on a signed input); + N/2 and the clamp only
    // when the input's range reaches beyond the table (otherwise they are bit operations); with s < 0
    // the low -s index bits are constant zeros.
    const bool clamp = index_clamps(x, size, range());
    const int nb_eff = nb - (s < 0 ? std::min(nb, -s) : 0);
    const double lut_index = (s > 0 && x.is_signed ? qw : 0) + (clamp ? nb + 2 * std::ceil((qw - nb) / 6.0) : 0);
    const double lut_rom = pl.block ? 0 : res::rom_logic_luts(nb_eff, used);
    const double lut_cast = res::cast_luts(cols.entries, rt);
    Resources r;
    r.bram18 = pl.bram18 * elems;
    r.lut = (lut_index + lut_rom + lut_cast) * elems;
    // Registers: the index; the result register (only its varying bits) unless the block RAM takes it
    // as its output register, which it does when the cast between table and result is plain wires.
    const bool data_in_ram = pl.block && res::cast_is_wires(cols.entries, rt);
    r.ff = double(elems) * (nb_eff + (data_in_ram ? 0 : result));
    r += res::valid_pipeline(t.latency);
    const Resources sh = res::shell(t, elems * rt.width);
    r += sh;
    res::debug_components(n.name, {{"lut_index", lut_index * elems}, {"lut_rom", lut_rom * elems},
                                   {"lut_cast", lut_cast * elems}, {"rom_stored", double(stored)},
                                   {"rom_used", double(used)}, {"bram18", r.bram18}, {"lut_shell", sh.lut},
                                   {"ff_shell", sh.ff}, {"lut", r.lut}, {"ff", r.ff}});
    return r;
}

}  // namespace nnsim
