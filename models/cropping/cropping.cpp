// Cropping kinds (cropping.hpp).
#include "models/cropping/cropping.hpp"

namespace nnsim {
namespace {

std::vector<int64_t> cropped_axis(int64_t n, int64_t before, int64_t after) {
    std::vector<int64_t> v;
    for (int64_t i = before; i < n - after; ++i) v.push_back(i);
    return v;
}

std::string list_text(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

}  // namespace

std::vector<ParamSpec> CroppingKind::params() const {
    const bool one = m_dims == 1;
    return {
        {"cropping",
         ParamType::kIntList,
         one ? std::vector<int64_t>{1, 1} : std::vector<int64_t>{0, 0, 0, 0},
         false,
         one ? "pixels removed [left, right] from the sequence" : "rows and columns removed [top, bottom, left, right]",
         {},
         0,
         1 << 20}};
}

std::string CroppingKind::gather_map(const Node& n, const Shape& in, GatherMap& m) const {
    std::vector<int64_t> c;
    std::string err = int_list_of(n, "cropping", m_dims == 1 ? 2 : 4, c);
    if (!err.empty()) return err;
    const std::vector<int64_t> given = c;
    if (m_dims == 1) c.insert(c.begin(), {0, 0});
    const int64_t h = m_dims == 1 ? 1 : in[0], w = in[size_t(m_dims - 1)];
    if (c[0] + c[1] >= h || c[2] + c[3] >= w)
        return "cropping " + list_text(given) + " removes every " + (c[2] + c[3] >= w ? "column" : "row") +
               " of input " + shape_to_string(in);
    m.src = gather_grid(w, cropped_axis(h, c[0], c[1]), cropped_axis(w, c[2], c[3]));
    const int oh = int(h - c[0] - c[1]), ow = int(w - c[2] - c[3]);
    m.out = m_dims == 1 ? Shape{ow, in.back()} : Shape{oh, ow, in.back()};
    return "";
}

Shape CroppingKind::input_shape(const Node& n) const {
    const auto& c = n.get_int_list("cropping");
    if (m_dims == 1) return {int(n.shape[0] + c[0] + c[1]), n.shape[1]};
    return {int(n.shape[0] + c[0] + c[1]), int(n.shape[1] + c[2] + c[3]), n.shape[2]};
}

}  // namespace nnsim
