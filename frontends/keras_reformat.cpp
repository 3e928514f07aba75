// Keras ZeroPadding1D/2D, Cropping1D/2D and UpSampling1D/2D -> the nnsim kinds zero_padding1d/2d,
// cropping1d/2d, upsampling1d/2d (keras_layers.hpp). Keras writes the amounts as an integer, a pair,
// or (2D) a pair of pairs ((top, bottom), (left, right)); nnsim takes the flat list [top, bottom,
// left, right]. Only channels_last data and nearest interpolation are supported.
#include "frontends/keras_layers.hpp"

namespace nnsim {
namespace {

/// The amounts of a Keras field as nnsim's flat list of `dims` pairs (sizes: `dims` values, pairs =
/// false). Returns false if the JSON has another form.
bool flat_amounts(const nlohmann::json& v, int dims, bool pairs, std::vector<int64_t>& out) {
    out.clear();
    const size_t want = size_t(pairs ? 2 * dims : dims);
    if (v.is_number_integer()) {
        out.assign(want, v.get<int64_t>());
        return true;
    }
    if (!v.is_array()) return false;
    for (const auto& e : v) {
        if (e.is_number_integer()) {
            // A pair (a, b) of a 2D field means (a, a) rows and (b, b) columns.
            const int64_t x = e.get<int64_t>();
            if (pairs && dims == 2 && v.size() == 2)
                out.insert(out.end(), {x, x});
            else
                out.push_back(x);
        } else if (e.is_array()) {
            for (const auto& f : e) {
                if (!f.is_number_integer()) return false;
                out.push_back(f.get<int64_t>());
            }
        } else {
            return false;
        }
    }
    return out.size() == want;
}

}  // namespace

void KerasMapper::add_reformat(const KerasLayer& l) {
    const std::string& cls = l.class_name;
    const int dims = keras_image_dims(cls);
    const char* kind = nullptr;
    const char* field = nullptr;
    if (cls.rfind("ZeroPadding", 0) == 0)
        kind = dims == 1 ? "zero_padding1d" : "zero_padding2d", field = "padding";
    else if (cls.rfind("Cropping", 0) == 0)
        kind = dims == 1 ? "cropping1d" : "cropping2d", field = "cropping";
    else
        kind = dims == 1 ? "upsampling1d" : "upsampling2d", field = "size";
    const bool pairs = std::string(field) != "size";
    const std::string input = input_of(l);
    if (input.empty()) return;
    const nlohmann::json& cfg = *l.config;
    if (!check_channels_last(l)) return;
    if (cfg.contains("interpolation") && cfg["interpolation"].is_string() && cfg["interpolation"] != "nearest") {
        fail(l, "only nearest interpolation is supported, got " + cfg["interpolation"].dump(), "/config/interpolation");
        return;
    }
    std::vector<int64_t> amounts;
    if (!cfg.contains(field)) {
        // Keras defaults: padding 1, Cropping1D 1, Cropping2D 0, size 2.
        const int64_t d = !pairs ? 2 : (std::string(field) == "padding" || dims == 1) ? 1 : 0;
        amounts.assign(size_t(pairs ? 2 * dims : dims), d);
    } else if (!flat_amounts(cfg[field], dims, pairs, amounts)) {
        fail(l,
             std::string(field) + " must be an integer or " + (pairs ? "pairs of integers" : "integers") + ", got " +
                 cfg[field].dump(),
             std::string("/config/") + field);
        return;
    }
    Node& n = add_node(l, kind, l.name, input);
    n.params[field] = amounts;
    // The output shape, for later layers that need it (Flatten); validation checks the amounts.
    auto s = m_shape.find(input);
    if (s == m_shape.end() || int(s->second.size()) != dims + 1) return;
    Shape out = s->second;
    for (int d = 0; d < dims; ++d) {
        const int64_t a = pairs ? amounts[size_t(2 * d)] + amounts[size_t(2 * d + 1)] : amounts[size_t(d)];
        out[size_t(d)] = cls.rfind("ZeroPadding", 0) == 0 ? int(out[size_t(d)] + a)
                         : cls.rfind("Cropping", 0) == 0  ? int(out[size_t(d)] - a)
                                                          : int(out[size_t(d)] * a);
    }
    m_shape[l.name] = out;
}

}  // namespace nnsim
