// Lookup-table activations (table_activation.hpp).
#include "models/common/table_activation.hpp"

namespace nnsim {

std::vector<ParamSpec> LookupTableKind::params() const {
    return {{"table_size", ParamType::kInt, int64_t(1024), false, "number of table entries (hls4ml table_size)", {}, 2,
             1 << 20}};
}

std::vector<PrecisionVarSpec> LookupTableKind::precision_vars() const {
    return {{"table", "type of the table entries (hls4ml table_t)", "fixed<18,8>"},
            {"result", "type of the layer output", ""}};
}

void TableActivationKind::infer(Node& node, const NodeInputs& in, Diagnostics& diag) const {
    UnaryKind::infer(node, in, diag);
}

std::vector<int64_t> TableActivationKind::table(const Node& n) const {
    const int size = int(n.get_int("table_size"));
    const FixedType& t = n.type("table");
    const int r = range();
    std::vector<int64_t> tab(static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) {
        // hls4ml: float in_val = 2 * (R/2) * (ii - float(N) / 2.0) / float(N);  (double math, then float)
        const float in_val = float(double(r) * (double(i) - double(float(size)) / 2.0) / double(float(size)));
        tab[size_t(i)] = cast_double(entry(in_val), t);
    }
    return tab;
}

namespace {

/// trunc0(x * N / R) + N/2 for x = raw * 2^-F, before the clamp to [0, N-1].
__int128 unclamped_index(int64_t x_raw, const FixedType& in, int size, int r) {
    const int f = in.frac();
    __int128 num = __int128(x_raw) * size;
    __int128 den = r;
    if (f >= 0) den <<= f;
    else num <<= -f;
    const __int128 q = num / den;  // C++ division truncates toward zero
    return q + (__int128(r / 2) * size) / r;
}

}  // namespace

int TableActivationKind::index(int64_t x_raw, const FixedType& in, int size, int r) {
    const __int128 idx = unclamped_index(x_raw, in, size, r);
    return int(idx < 0 ? 0 : idx > size - 1 ? size - 1 : idx);
}

bool TableActivationKind::index_clamps(const FixedType& in, int size, int r) {
    // The index grows with x: its extremes are those of the type's extremes.
    return unclamped_index(in.raw_min(), in, size, r) < 0 || unclamped_index(in.raw_max(), in, size, r) > size - 1;
}

std::unique_ptr<LayerOp> TableActivationKind::compile(const Node& n, const NodeInputs& in) const {
    std::vector<int64_t> tab = table(n);
    const FixedType in_t = in.types[0];
    const int size = int(n.get_int("table_size"));
    const int r = range();
    const int ft = n.type("table").frac();
    const TableActivationKind* self = this;
    return make_unary_op(
        n,
        [tab = std::move(tab), in_t, size, r, ft](int64_t x) {
            return Exact{tab[size_t(index(x, in_t, size, r))], ft};
        },
        [self](double x) { return self->exact(x); });
}

}  // namespace nnsim
