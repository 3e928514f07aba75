// The interface every layer kind implements, and the compiled form it evaluates with.
//
// A layer kind (models/<kind>/) declares its parameters, precision variables and weights once
// (ParamSpec, PrecisionVarSpec, WeightSpec); the description reader, the validation, `nnsim help <kind>`
// and the JSON Schema in configs/ are all derived from those declarations. The kind then infers its
// output shape and compiles a node into a LayerOp, the bit-exact (and float) evaluator of that layer.
// Central code iterates nodes and calls these methods; nothing outside models/ switches on the kind.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "core/fixed.hpp"
#include "core/graph.hpp"

namespace nnsim {

/// kIntList: a JSON array of integers (a shape, say); min/max bound every element.
enum class ParamType { kBool, kInt, kFloat, kString, kIntList };

/// Declaration of one kind parameter (JSON key in the layer object).
struct ParamSpec {
    std::string name;                  ///< JSON key, snake_case
    ParamType type;
    ParamValue default_value;          ///< used when the key is absent (ignored when required)
    bool required = false;
    std::string doc;                   ///< one sentence, with the unit where there is one
    std::vector<std::string> choices;  ///< allowed values of a string parameter (empty: any)
    double min = -1e300;               ///< inclusive bounds of a numeric parameter (of each list element)
    double max = 1e300;
};

/// Declaration of one precision variable of a kind (hls4ml's weight_t, accum_t, table_t, ...).
struct PrecisionVarSpec {
    std::string name;           ///< "weight", "bias", "accum", "result", "table", ...
    std::string doc;
    std::string fixed_default;  ///< if non-empty, the default regardless of the model precision
                                ///< (hls4ml's table_t = ap_fixed<18,8>); otherwise the model precision
    bool follows_input = false; ///< default to the first input's precision instead of the model's
                                ///< (kinds that move values without arithmetic, such as reshape)
};

/// Declaration of one weight tensor of a kind.
struct WeightSpec {
    std::string name;  ///< "kernel", "bias", "gamma", ...
    std::string doc;
    bool required = true;
};

/// Overflow events of one quantization point of a layer (for `nnsim run`'s report).
struct OverflowCounter {
    std::string what;        ///< "product", "accum", "result", "softmax_diff", ...
    uint64_t casts = 0;      ///< number of values cast at this point
    uint64_t wrapped = 0;    ///< of which wrapped around
    uint64_t saturated = 0;  ///< of which saturated
};

/// A compiled layer: evaluates one inference, bit-exact on raw integers or in double precision.
class LayerOp {
  public:
    virtual ~LayerOp() = default;
    /// Raw integer evaluation. in[k] holds input k in its precision, out receives the result in the
    /// layer's result precision. With count = true, overflow events are added to counters(); the
    /// outputs are identical either way.
    virtual void eval(const int64_t* const* in, int64_t* out, bool count) = 0;
    /// Float reference evaluation of the same layer (no quantization at all).
    virtual void eval_float(const double* const* in, double* out) const = 0;
    /// Float evaluation with the layer's own quantization, for kinds that are an imported model's
    /// quantizers (HGQ's FixedPointQuantizer): the quantized float reference (Evaluator::run_float
    /// with quantizers). Default: eval_float.
    virtual void eval_float_quantized(const double* const* in, double* out) const { eval_float(in, out); }
    /// Raw evaluation of output beats [first, first + count) only, for a streaming kind
    /// (StreamStyle::kRepack) whose output beats are `beat_width` values wide: `out` is the whole
    /// result tensor, of which only those beats need to be written. Kinds whose output beats are
    /// cheap to compute alone (a convolution's output pixels) override it; the default evaluates all.
    virtual void eval_beats(const int64_t* const* in, int64_t* out, size_t first, size_t count, size_t beat_width) {
        (void)first, (void)count, (void)beat_width;
        eval(in, out, false);
    }
    std::vector<OverflowCounter>& counters() { return m_counters; }

  protected:
    /// Register a quantization point; returns its index into counters().
    size_t add_counter(const std::string& what) {
        m_counters.push_back(OverflowCounter{what});
        return m_counters.size() - 1;
    }
    /// cast() that records the event into counter `idx` when `count` is set.
    int64_t cast_counted(__int128 raw, int frac, const FixedType& t, size_t idx, bool count) {
        if (!count) return cast(raw, frac, t);
        CastEvent ev;
        int64_t r = cast(raw, frac, t, &ev);
        OverflowCounter& c = m_counters[idx];
        ++c.casts;
        if (ev == CastEvent::kWrapped) ++c.wrapped;
        if (ev == CastEvent::kSaturated) ++c.saturated;
        return r;
    }
    /// The same through a plan made for this cast (the element-wise loops' fast path).
    int64_t cast_counted(__int128 raw, const FastCast& plan, size_t idx, bool count) {
        return count ? cast_counted(raw, plan.frac(), plan.type(), idx, true) : plan(raw);
    }

  private:
    std::vector<OverflowCounter> m_counters;  ///< one entry per quantization point of the layer
};

/// Cycle behaviour of one layer: the timing contract that the SystemC model and the generated RTL
/// both implement (docs/timing.md). A sample accepted in cycle t has its result written to the output
/// FIFO in cycle t + latency at the earliest; the next sample can be accepted in cycle t + ii.
struct Timing {
    int ii = 1;       ///< initiation interval, cycles between accepted samples (>= 1)
    int latency = 1;  ///< cycles from accepting a sample to writing its result (>= 1)
};

/// How a kind moves a sample's values under io_stream, where a token (one FIFO word) is one pixel:
/// the last axis of a tensor, so a tensor [d0, ..., dk-1, C] takes d0 * ... * dk-1 beats per sample,
/// in row-major order (docs/timing.md, "Beats"). Under io_parallel every tensor is one beat.
enum class StreamStyle {
    /// One beat in from each input and one beat out per sample. Under io_stream the kind's inputs and
    /// output must then be single-pixel (flat) tensors; validation rejects anything else.
    kTensor,
    /// The kind acts on each pixel alone (element-wise, or along the last axis): output beat j is
    /// computed from beat j of every input, which are read in the same cycle; II and latency are per
    /// beat, and the kind's LayerOp is compiled for one pixel (input and output shapes [C]).
    kPixelwise,
    /// Output beats computed from the input beats received so far (reshape's row-major repack, a
    /// convolution's or pooling's sliding window, padding, cropping, resampling): output beat j is
    /// computed once the first needs[j] input beats have been accepted (LayerKind::stream_needs);
    /// output beats leave in order, at most one per cycle. II is per input beat; latency counts from
    /// the last input beat an output beat needs.
    kRepack,
};

struct RtlCoreSpec;    // rtl/verilog_util.hpp
struct RtlStreamSpec;  // rtl/verilog_util.hpp

/// FPGA resources of one layer or a whole design (7-series cells: DSP48E1, LUT1..6, FDRE/FDSE, RAMB18).
struct Resources {
    double dsp = 0;    ///< DSP48E1 slices
    double lut = 0;    ///< LUTs (LUT1..LUT6 counted as one each, LUTRAM included)
    double ff = 0;     ///< flip-flops
    double bram18 = 0; ///< 18 Kb block RAMs (a RAMB36 counts as two)
    double uram = 0;   ///< UltraRAM blocks (not used by the xc7 flow)
    Resources& operator+=(const Resources& o) {
        dsp += o.dsp, lut += o.lut, ff += o.ff, bram18 += o.bram18, uram += o.uram;
        return *this;
    }
};

/// Input information handed to a kind when it validates or compiles a node.
struct NodeInputs {
    std::vector<Shape> shapes;     ///< shape of each input tensor
    std::vector<FixedType> types;  ///< precision of each input tensor
};

/// One layer kind. Implementations are stateless singletons registered in models/registry.cpp.
class LayerKind {
  public:
    virtual ~LayerKind() = default;
    /// Name used in network descriptions ("dense", "relu", ...).
    virtual const char* name() const = 0;
    /// One line for `nnsim help`.
    virtual const char* summary() const = 0;
    /// hls4ml layer class used for LayerType lookups in hls4ml configs ("Dense", "Activation", ...).
    virtual const char* hls4ml_class() const = 0;
    virtual std::vector<ParamSpec> params() const { return {}; }
    /// Precision variables; "result" must be among them.
    virtual std::vector<PrecisionVarSpec> precision_vars() const {
        return {{"result", "type of the layer output", ""}};
    }
    virtual std::vector<WeightSpec> weight_specs() const { return {}; }
    /// Number of input tensors (2 for merges such as add).
    virtual int arity() const { return 1; }
    /// How the kind streams pixels under io_stream (see StreamStyle). Default: whole tensors.
    virtual StreamStyle stream_style() const { return StreamStyle::kTensor; }
    /// For StreamStyle::kRepack under io_stream: per output beat j (row-major pixels of the output),
    /// how many of the input's beats must have been accepted before beat j can be computed. The values
    /// are non-decreasing and lie in [1, input beats]. Default: the row-major repack of reshape
    /// (core/timing_model.hpp repack_needs). Only called when the input or the output has several
    /// beats; every other case is one beat in, one beat out.
    virtual std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const;
    /// Under io_stream only, after infer: report configurations of a validated node that the kind's
    /// stream style cannot stream (concatenate on a non-channel axis of multi-pixel tensors) to `diag`
    /// as in infer. Default: none.
    virtual void check_stream(const Node& node, const NodeInputs& in, Diagnostics& diag) const {
        (void)node, (void)in, (void)diag;
    }

    /// Check the node against its inputs (parameters already type-checked and defaulted, precisions
    /// filled in), report problems to `diag` prefixed with node.where, and set node.shape.
    virtual void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const = 0;
    /// Build the evaluator of a validated node.
    virtual std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const = 0;
    /// Multiply-accumulate operations per inference (0 for kinds without products).
    virtual int64_t macs(const Node& node, const NodeInputs& in) const {
        (void)node;
        (void)in;
        return 0;
    }
    /// Reuse factors that are valid for this layer, ascending (hls4ml's rule where it has one). Kinds whose
    /// timing does not depend on the reuse factor return {1}. Sweeps enumerate these values; under the
    /// Resource strategy validation rejects any other.
    virtual std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const {
        (void)node, (void)in;
        return {1};
    }
    /// The layer's II and latency for its configuration (reuse factor, strategy, io type, shapes).
    virtual Timing timing(const Node& node, const NodeInputs& in, IoType io) const = 0;
    /// Estimated resources of the layer's generated RTL (core and timing shell) for its configuration,
    /// calibrated against Yosys synth_xilinx -family xc7 (docs/resources.md). Default: none known.
    virtual Resources estimate(const Node& node, const NodeInputs& in, IoType io) const {
        (void)node, (void)in, (void)io;
        return {};
    }
    /// Write the layer's core as a Verilog module following `spec` (rtl/verilog_util.hpp): the datapath
    /// with exactly timing().latency cycles from in_valid to out_valid, bit-exact with compile().
    /// Kinds without an RTL implementation keep this default, which reports a UserError.
    virtual void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const {
        (void)spec, (void)os;
        throw UserError("layer " + node.name + ": kind " + name() + " has no Verilog generator yet");
    }
    /// How many pending results the core from emit_rtl_core() keeps itself, so that the timing shell
    /// (rtl/generator.cpp) need not copy them into its skid queue:
    ///   0  none;
    ///   1  it holds every result on out_data until its next out_valid (out_data changes only in
    ///      cycles where out_valid is high);
    ///   2  as 1, and a result it finishes while out_data still holds one the shell has not taken
    ///      waits inside the core: it has an input `out_take` (the shell writes out_data this cycle)
    ///      and raises out_valid the cycle after out_data takes the waiting result.
    virtual int rtl_held_results(const Node& node) const {
        (void)node;
        return 0;
    }
    /// For StreamStyle::kRepack with several beats in or out under io_stream: write the layer's
    /// streaming hardware, a module `spec.module` with the layer wrapper's ports (in0_data, in0_empty,
    /// in0_rd, out_data, out_wr, out_full; rtl/repack_shell.hpp) implementing the repack contract of
    /// docs/timing.md with stream_needs() and timing(), plus any modules it instantiates (into `core`).
    /// Default (rtl/repack_shell.cpp): the kind's whole-tensor core (emit_rtl_core with spec.whole)
    /// behind the generic repack shell, which buffers a whole sample; kinds with large tensors
    /// (convolutions, pooling) write line buffers instead.
    virtual void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                                 std::ostream& wrap) const;
    /// Absorb a per-output affine map y' = scale * y + shift into this node's weights (the batch-norm
    /// fusion pass); returns false if this kind cannot.
    virtual bool fold_affine(Node& node, const std::vector<double>& scale, const std::vector<double>& shift) const {
        (void)node;
        (void)scale;
        (void)shift;
        return false;
    }
};

}  // namespace nnsim
