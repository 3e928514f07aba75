// The reformatting kinds' shared base (gather.hpp): evaluator, needs, timing, resources, Verilog core.
#include "models/common/gather.hpp"

#include <algorithm>
#include <sstream>

#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "rtl/gather_shell.hpp"
#include "rtl/verilog_cast.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {
namespace {

/// out[j, c] = src[j] < 0 ? 0 : result_t(in[src[j], c]).
class GatherOp : public LayerOp {
  public:
    GatherOp(std::vector<int64_t> src, size_t chans, const FixedType& in, const FixedType& res)
        : m_src(std::move(src)), m_chans(chans), m_in_frac(in.frac()), m_res(res), m_copy(in == res) {
        m_c_result = add_counter("result");
    }
    void eval(const int64_t* const* in, int64_t* out, bool count) override {
        gather(in[0], out, 0, m_src.size(), count);
    }
    void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t beat_width) override {
        // Beats of beat_width values (one pixel under io_stream, the whole tensor as one beat otherwise).
        const size_t px = beat_width / m_chans;
        gather(in[0], out, first * px, count * px, false);
    }
    void eval_float(const double* const* in, double* out) const override {
        for (size_t j = 0; j < m_src.size(); ++j)
            for (size_t c = 0; c < m_chans; ++c)
                out[j * m_chans + c] = m_src[j] < 0 ? 0.0 : in[0][size_t(m_src[j]) * m_chans + c];
    }

  private:
    void gather(const int64_t* x, int64_t* out, size_t first, size_t count, bool counted) {
        for (size_t j = first; j < first + count; ++j) {
            int64_t* o = out + j * m_chans;
            if (m_src[j] < 0) {
                std::fill(o, o + m_chans, 0);
                continue;
            }
            const int64_t* s = x + size_t(m_src[j]) * m_chans;
            if (m_copy && !counted)
                std::copy(s, s + m_chans, o);
            else
                for (size_t c = 0; c < m_chans; ++c) o[c] = cast_counted(s[c], m_in_frac, m_res, m_c_result, counted);
        }
    }

    std::vector<int64_t> m_src;  ///< per output pixel: the input pixel copied, -1 for zeros
    size_t m_chans;              ///< channels (values per pixel)
    int m_in_frac;               ///< fraction bits of the input
    FixedType m_res;             ///< result type
    bool m_copy;                 ///< same type in and out: raw integers pass unchanged
    size_t m_c_result;           ///< overflow counter of the cast
};

}  // namespace

std::vector<int64_t> gather_needs(const std::vector<int64_t>& src) {
    std::vector<int64_t> needs(src.size());
    int64_t most = 1;
    for (size_t j = 0; j < src.size(); ++j) {
        most = std::max(most, src[j] + 1);
        needs[j] = most;
    }
    return needs;
}

std::vector<int64_t> gather_grid(int64_t w, const std::vector<int64_t>& row, const std::vector<int64_t>& col) {
    std::vector<int64_t> src;
    src.reserve(row.size() * col.size());
    for (int64_t y : row)
        for (int64_t x : col) src.push_back(y < 0 || x < 0 ? -1 : y * w + x);
    return src;
}

std::string int_list_of(const Node& n, const std::string& key, size_t count, std::vector<int64_t>& v) {
    v = n.get_int_list(key);
    if (v.size() == count) return "";
    std::ostringstream s;
    s << key << " has " << v.size() << " entries, expected " << count;
    return s.str();
}

std::vector<PrecisionVarSpec> GatherKind::precision_vars() const {
    PrecisionVarSpec r{"result", "type of the layer output", ""};
    r.follows_input = true;
    return {r};
}

GatherMap GatherKind::map_of(const Node& n, const NodeInputs& in) const {
    GatherMap m;
    const std::string err = gather_map(n, in.shapes[0], m);
    NNSIM_ASSERT(err.empty(), "layer " + n.name + ": " + err);
    return m;
}

void GatherKind::infer(Node& n, const NodeInputs& in, Diagnostics& diag) const {
    const Shape& s = in.shapes[0];
    if (int(s.size()) != spatial_dims() + 1) {
        diag.error("", std::string("expects a ") +
                           (spatial_dims() == 1 ? "[width, channels]" : "[height, width, channels]") + " input, got " +
                           shape_to_string(s));
        return;
    }
    GatherMap m;
    const std::string err = gather_map(n, s, m);
    if (!err.empty()) {
        diag.error("", err);
        return;
    }
    n.shape = m.out;
}

std::unique_ptr<LayerOp> GatherKind::compile(const Node& n, const NodeInputs& in) const {
    GatherMap m = map_of(n, in);
    return std::make_unique<GatherOp>(std::move(m.src), size_t(in.shapes[0].back()), in.types[0], n.type("result"));
}

std::vector<int64_t> GatherKind::stream_needs(const Node& n, const NodeInputs& in) const {
    return gather_needs(map_of(n, in).src);
}

// One register stage: II 1 (per input beat under io_stream), latency 1.
Timing GatherKind::timing(const Node& n, const NodeInputs& in, IoType io) const {
    (void)n, (void)in, (void)io;
    return {1, 1};
}

// io_parallel (and single-beat streams): the result register and the generator's shell, as wide as the
// distinct copied input elements, and a cast per copied input element when the types differ (matches
// Yosys on the test designs within 1 %). io_stream: the gather shell (rtl/gather_shell.hpp), fitted to
// Yosys 0.23 synth_xilinx on 12 shells x 2 widths (pad, crop, upsample, 1D and 2D, R from 1 to 16;
// total LUTs within 4 %, single shells within about 35 %, FFs within 10 %): FFs are the ring of R
// result beats and the counters (input beat, head beat, pending, ring pointers when R > 1); LUTs are
// 0.6 per bit and extra ring slot for the read multiplexer with its zero gate, 30 for the ring
// pointers and the slot arithmetic (R > 1), 1.5 per counter bit, the head beat's ROM in logic, and one
// cast per channel.
BorderGeometry border_geometry(const Node& n, const Shape& in, int dims, const std::string& key) {
    const auto& p = n.get_int_list(key);
    BorderGeometry g;
    if (dims == 1) {
        g.w = in[0];
        g.left = p[0], g.right = p[1];
    } else {
        g.h = in[0], g.w = in[1];
        g.top = p[0], g.bottom = p[1], g.left = p[2], g.right = p[3];
    }
    return g;
}

Resources GatherKind::estimate(const Node& n, const NodeInputs& in, IoType io) const {
    const GatherMap m = map_of(n, in);
    const FixedType& res = n.type("result");
    const int w = res.width, chans = int(in.shapes[0].back());
    const bool cast = !(in.types[0] == res);
    const double cast_l = cast ? res::cast_luts(res::sig_of(in.types[0]), res) : 0.0;
    const Timing t = timing(n, in, io);
    const int64_t bi = io == IoType::kStream ? shape_pixels(in.shapes[0]) : 1;
    const int64_t bo = io == IoType::kStream ? shape_pixels(n.shape) : 1;
    Resources r;
    if (bi == 1 && bo == 1) {
        // Yosys merges registers holding the same input element (upsampling's copies) and drops the
        // constant zeros, in the core and in the shell's queue alike: both are as wide as the distinct
        // copied input elements.
        std::vector<int64_t> used(m.src);
        used.erase(std::remove(used.begin(), used.end(), -1), used.end());
        std::sort(used.begin(), used.end());
        const int distinct = int(std::unique(used.begin(), used.end()) - used.begin()) * chans;
        r.ff = double(distinct) * w;
        r.lut = distinct * cast_l;
        r += res::valid_pipeline(1);
        return r += res::shell(t, distinct * w);
    }
    const GatherPlan p = plan_gather(m.src, gather_needs(m.src), bi, t);
    const int ko = chans * w;
    const bool zeros = std::any_of(m.src.begin(), m.src.end(), [](int64_t s) { return s < 0; });
    const int counter_bits = bits_for(uint64_t(std::max<int64_t>(1, bi - 1))) +
                             bits_for(uint64_t(std::max<int64_t>(1, bo - 1))) + bits_for(uint64_t(2 * p.capacity)) + 1;
    const int rw = p.ring > 1 ? bits_for(uint64_t(p.ring)) + 1 : 0;
    r.ff = double(p.ring) * ko + counter_bits + 2.0 * rw;
    r.lut = 0.6 * ko * double(p.ring - 1) + (p.ring > 1 ? 30.0 : 0.0) + 1.5 * counter_bits +
            res::rom_logic_luts(bits_for(uint64_t(std::max<int64_t>(1, bo - 1))), (zeros ? 1 : 0) + rw) +
            chans * cast_l;
    return r;
}

void GatherKind::emit_rtl_core(const Node& n, const RtlCoreSpec& spec, std::ostream& os) const {
    const FixedType& in = spec.in_types[0];
    const FixedType& res = spec.out_type;
    GatherMap m;
    const std::string err = gather_map(n, input_shape(n), m);
    NNSIM_ASSERT(err.empty(), "layer " + n.name + ": " + err);
    const int chans = spec.out_elems / int(m.src.size());
    emit_core_header(os, spec,
                     "Layer " + n.name + " (" + name() + "): every output pixel zero or a copy of one input pixel" +
                         (in == res ? "." : ", cast from " + in.to_string() + " to " + res.to_string() + "."));
    std::ostringstream body;
    std::vector<std::string> val(size_t(spec.in_elems[0]));
    for (int64_t s : m.src)
        for (int c = 0; s >= 0 && c < chans; ++c) {
            const size_t i = size_t(s * chans + c);
            if (!val[i].empty()) continue;
            const std::string x = elem("in_data", int(i), in.width);
            val[i] = in == res ? x : emit_cast(body, x, signal_type(in), res, "e" + std::to_string(i));
        }
    os << body.str() << "    reg [" << spec.out_width - 1 << ":0] res;\n    assign out_data = res;\n"
       << "    always @(posedge clk) begin\n        if (in_valid) begin\n";
    for (size_t j = 0; j < m.src.size(); ++j)
        for (int c = 0; c < chans; ++c) {
            const int o = int(j) * chans + c;
            os << "            " << elem("res", o, res.width)
               << " <= " << (m.src[j] < 0 ? vconst(res.width, 0) : val[size_t(m.src[j] * chans + c)]) << ";\n";
        }
    os << "        end\n    end\nendmodule\n";
}

}  // namespace nnsim
