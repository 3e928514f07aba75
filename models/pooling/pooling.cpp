// Pooling kinds (pooling.hpp): declarations, shape checks, compile, timing.
#include "models/pooling/pooling.hpp"

#include "models/pooling/pool_common.hpp"

namespace nnsim {
namespace {

ParamSpec op_param() {
    return {"op", ParamType::kString, std::string("max"), true, "pooling operation: max or average",
            {"max", "average"}};
}

std::vector<PrecisionVarSpec> pool_precision_vars() {
    return {{"result", "type of the layer output", ""},
            {"accum", "type of the running sum of an average (each input and each partial sum is cast to it); "
                      "unused by max",
             ""}};
}

/// The input must be [W, C] (dims 1) or [H, W, C] (dims 2); reports and returns false otherwise.
bool check_rank(const Node& n, const NodeInputs& in, int dims, Diagnostics& diag) {
    const Shape& s = in.shapes[0];
    if (int(s.size()) == dims + 1) return true;
    diag.error("", std::string(n.kind->name()) + " expects an input of shape " + (dims == 1 ? "[W, C]" : "[H, W, C]") +
                       " (channels last), got " + shape_to_string(s) + " (" + n.inputs[0] + ")");
    return false;
}

std::string list_to_string(const std::vector<int64_t>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

}  // namespace

PoolingKindBase::PoolingKindBase(int dims, const std::string& prefix)
    : m_dims(dims), m_name(prefix + "pooling" + std::to_string(dims) + "d"),
      m_class(std::string(prefix.empty() ? "" : "Global") + "Pooling" + std::to_string(dims) + "D") {}

std::vector<PrecisionVarSpec> PoolingKindBase::precision_vars() const { return pool_precision_vars(); }

// ---------------------------------------------------------------------------------- windowed pooling

const char* PoolingKind::summary() const {
    return m_dims == 1 ? "max or average over sliding windows of a [W, C] input (MaxPooling1D, AveragePooling1D)"
                       : "max or average over sliding windows of an [H, W, C] input (MaxPooling2D, AveragePooling2D)";
}

std::vector<ParamSpec> PoolingKind::params() const {
    const std::string axes = m_dims == 1 ? "[p]" : "[ph, pw]";
    return {op_param(),
            {"pool_size", ParamType::kIntList, std::vector<int64_t>{}, true, "window size " + axes + ", in pixels", {},
             1, 1 << 20},
            {"strides", ParamType::kIntList, std::vector<int64_t>{}, false,
             "step between windows " + (m_dims == 1 ? std::string("[s]") : std::string("[sh, sw]")) +
                 ", in pixels; default (absent or []): pool_size",
             {}, 1, 1 << 20},
            {"padding", ParamType::kString, std::string("valid"), false,
             "Keras padding: valid (windows inside the input) or same (out = ceil(in / stride); max ignores "
             "the pad, average divides by the pixels inside the input)",
             {"valid", "same"}}};
}

void PoolingKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    if (!check_rank(n, in, m_dims, diag)) return;
    const auto& k = n.get_int_list("pool_size");
    const auto& s = n.get_int_list("strides");
    const std::string want = m_dims == 1 ? "one entry [p]" : "two entries [ph, pw]";
    if (int(k.size()) != m_dims) {
        diag.error("", "pool_size " + list_to_string(k) + " must have " + want);
        return;
    }
    if (!s.empty() && int(s.size()) != m_dims) {
        diag.error("", "strides " + list_to_string(s) + " must have " + want + " (or be absent: pool_size)");
        return;
    }
    const Shape& x = in.shapes[0];
    for (int a = 0; a < m_dims; ++a)
        if (k[size_t(a)] > x[size_t(a)]) {
            diag.error("", "pool_size " + list_to_string(k) + " is larger than the input " + shape_to_string(x) + " (" +
                               n.inputs[0] + ")");
            return;
        }
    const PoolGeometry g = pool_geometry(n, x, false);
    n.shape = m_dims == 1 ? Shape{g.out_w, g.chans} : Shape{g.out_h, g.out_w, g.chans};
}

std::unique_ptr<LayerOp> PoolingKind::compile(const Node& n, const NodeInputs& in) const {
    return make_pool_op(pool_geometry(n, in.shapes[0], false), pool_op_of(n), in.types[0], n.type("accum"),
                        n.type("result"));
}

std::vector<int64_t> PoolingKind::stream_needs(const Node& n, const NodeInputs& in) const {
    const PoolGeometry g = pool_geometry(n, in.shapes[0], false);
    return g.padded ? pool_needs(g) : window_needs(g);
}

// "same" padding under io_stream goes through the generic repack shell, whose core has latency 1:
// an average then divides in the same cycle as it sums.
Timing PoolingKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    const bool repack_shell = io == IoType::kStream && pool_geometry(n, in.shapes[0], false).padded &&
                              (shape_pixels(in.shapes[0]) > 1 || shape_pixels(n.shape) > 1);
    return repack_shell ? Timing{1, 1} : pool_timing(pool_op_of(n));
}

// ---------------------------------------------------------------------------------- global pooling

const char* GlobalPoolingKind::summary() const {
    return m_dims == 1 ? "max or average over all pixels of a [W, C] input, per channel: [C] (GlobalMax/AveragePooling1D)"
                       : "max or average over all pixels of an [H, W, C] input, per channel: [C] "
                         "(GlobalMax/AveragePooling2D)";
}

std::vector<ParamSpec> GlobalPoolingKind::params() const { return {op_param()}; }

void GlobalPoolingKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    if (!check_rank(n, in, m_dims, diag)) return;
    n.shape = Shape{in.shapes[0].back()};
}

std::unique_ptr<LayerOp> GlobalPoolingKind::compile(const Node& n, const NodeInputs& in) const {
    return make_pool_op(pool_geometry(n, in.shapes[0], true), pool_op_of(n), in.types[0], n.type("accum"),
                        n.type("result"));
}

std::vector<int64_t> GlobalPoolingKind::stream_needs(const Node& n, const NodeInputs& in) const {
    (void)n;
    return {shape_pixels(in.shapes[0])};
}

Timing GlobalPoolingKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)in, (void)io;
    return pool_timing(pool_op_of(n));
}

}  // namespace nnsim
