// Upsampling kinds (upsampling.hpp).
#include "models/upsampling/upsampling.hpp"

namespace nnsim {
namespace {

std::vector<int64_t> repeated_axis(int64_t n, int64_t s) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < n * s; ++i) v.push_back(i / s);
    return v;
}

}  // namespace

std::vector<ParamSpec> UpSamplingKind::params() const {
    std::vector<ParamSpec> p{{"size",
                              ParamType::kIntList,
                              m_dims == 1 ? std::vector<int64_t>{2} : std::vector<int64_t>{2, 2},
                              false,
                              m_dims == 1 ? "repeats [s] of each pixel" : "repeats [sh, sw] of each row and column",
                              {},
                              1,
                              1 << 16}};
    if (m_dims == 2)
        p.push_back({"interpolation",
                     ParamType::kString,
                     std::string("nearest"),
                     false,
                     "how new pixels get their values: a copy of the nearest input pixel",
                     {"nearest"}});
    return p;
}

std::string UpSamplingKind::gather_map(const Node& n, const Shape& in, GatherMap& m) const {
    std::vector<int64_t> s;
    std::string err = int_list_of(n, "size", size_t(m_dims), s);
    if (!err.empty()) return err;
    if (m_dims == 1) s.insert(s.begin(), 1);
    const int64_t h = m_dims == 1 ? 1 : in[0], w = in[size_t(m_dims - 1)];
    m.src = gather_grid(w, repeated_axis(h, s[0]), repeated_axis(w, s[1]));
    m.out = m_dims == 1 ? Shape{int(w * s[1]), in.back()} : Shape{int(h * s[0]), int(w * s[1]), in.back()};
    return "";
}

Shape UpSamplingKind::input_shape(const Node& n) const {
    const auto& s = n.get_int_list("size");
    if (m_dims == 1) return {int(n.shape[0] / s[0]), n.shape[1]};
    return {int(n.shape[0] / s[0]), int(n.shape[1] / s[1]), n.shape[2]};
}

}  // namespace nnsim
