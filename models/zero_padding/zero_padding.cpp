// Zero padding kinds (zero_padding.hpp).
#include "models/zero_padding/zero_padding.hpp"

namespace nnsim {
namespace {

/// Output index i of an axis of n inputs padded by `before` and `after`: the input index or -1.
std::vector<int64_t> padded_axis(int64_t n, int64_t before, int64_t after) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < before + n + after; ++i) v.push_back(i < before || i >= before + n ? -1 : i - before);
    return v;
}

}  // namespace

std::vector<ParamSpec> ZeroPaddingKind::params() const {
    const bool one = m_dims == 1;
    return {{"padding",
             ParamType::kIntList,
             one ? std::vector<int64_t>{1, 1} : std::vector<int64_t>{1, 1, 1, 1},
             false,
             one ? "zero pixels [left, right] of the sequence" : "zero rows and columns [top, bottom, left, right]",
             {},
             0,
             1 << 20}};
}

std::string ZeroPaddingKind::gather_map(const Node& n, const Shape& in, GatherMap& m) const {
    std::vector<int64_t> p;
    std::string err = int_list_of(n, "padding", m_dims == 1 ? 2 : 4, p);
    if (!err.empty()) return err;
    if (m_dims == 1) p.insert(p.begin(), {0, 0});
    const int64_t h = m_dims == 1 ? 1 : in[0], w = in[size_t(m_dims - 1)];
    m.src = gather_grid(w, padded_axis(h, p[0], p[1]), padded_axis(w, p[2], p[3]));
    m.out = m_dims == 1 ? Shape{int(p[2] + w + p[3]), in.back()}
                        : Shape{int(p[0] + h + p[1]), int(p[2] + w + p[3]), in.back()};
    return "";
}

Shape ZeroPaddingKind::input_shape(const Node& n) const {
    const auto& p = n.get_int_list("padding");
    if (m_dims == 1) return {int(n.shape[0] - p[0] - p[1]), n.shape[1]};
    return {int(n.shape[0] - p[0] - p[1]), int(n.shape[1] - p[2] - p[3]), n.shape[2]};
}

}  // namespace nnsim
