// Lookup-table activations (sigmoid, tanh): hls4ml's table construction and index arithmetic.
//
// Table of N = table_size entries of table_t (default ap_fixed<18,8>, TRN/WRAP, not the model
// precision) covering x in [-R/2, R/2): entry i is f(in_i) with in_i = float(R * (i - N/2) / N),
// converted to table_t. The index of an input x is trunc0(x * N / R) + floor(N/2), where the conversion
// to int truncates toward zero (as ap_fixed's conversion to int does), clamped to [0, N-1]. The output
// is result_t(table[index]). Sigmoid uses R = 16, tanh R = 8 (hls4ml_reference.md sections 2.4, 9).
#pragma once

#include <vector>

#include "models/common/unary.hpp"
#include "rtl/verilog_cast.hpp"

namespace nnsim {

/// What every element-wise kind with a lookup table shares (these and elu/selu): the `table_size`
/// parameter, the table_t (default fixed<18,8>) and result precisions, and a latency-2 core (the index
/// registered, then the ROM read and the result registered) that holds no pending result.
class LookupTableKind : public UnaryKind {
  public:
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override {
        (void)node, (void)in, (void)io;
        return {1, 2};
    }
    int rtl_held_results(const Node& node) const override {
        (void)node;
        return 0;
    }
};

/// A kind whose element function is a table lookup. Subclasses give the range R and the function.
class TableActivationKind : public LookupTableKind {
  public:
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;
    /// Table contents (raw values of table_t) for a node; used by the model and by the RTL ROMs.
    std::vector<int64_t> table(const Node& node) const;
    /// The table's ROM columns as res::rom_columns counts them (stored, used by the cast, and the bits
    /// of the results that vary: what a register of the results keeps).
    struct TableColumns {
        int stored = 0, used = 0, result = 0;
        /// What the cast after the ROM reads once Yosys has dropped the constant top columns: table_t,
        /// or for entries that are all >= 0 the narrowest unsigned signal that holds them.
        SignalType entries{1, 0, false};
    };
    TableColumns columns(const Node& node) const;
    /// Table index of a raw input of type `in` (the exact hls4ml arithmetic).
    static int index(int64_t x_raw, const FixedType& in, int table_size, int range);
    /// Whether some input of type `in` has an index outside [0, N-1] before the clamp (otherwise the
    /// Verilog leaves the clamp out).
    static bool index_clamps(const FixedType& in, int table_size, int range);

  protected:
    /// Width R of the input interval the table covers.
    virtual int range() const = 0;
    /// The table entry for input value `in` as hls4ml computes it (float or double as it does).
    virtual double entry(float in) const = 0;
    /// The exact function, for the float evaluator.
    virtual double exact(double x) const = 0;
};

}  // namespace nnsim
