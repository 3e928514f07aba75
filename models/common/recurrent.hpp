// Recurrent layers (LSTM, GRU, SimpleRNN) as hls4ml's nnet_recurrent computes them: one cell applied
// to the T time steps of an input [T, n_in], the state starting at zero for every sample.
//
// The cell is built from existing kinds, so that the evaluator, the Verilog and the estimate share
// their arithmetic with the dense and table-activation layers:
//   a = dense(x_t; kernel, bias)            -> accum_t   (n_in -> G*n, reuse_factor)
//   b = dense(h_{t-1}; recurrent_kernel, recurrent_bias) -> accum_t (n -> G*n, recurrent_reuse_factor)
// LSTM (G = 4, Keras gate order i, f, c, o):
//   z = accum_t(a + b); i, f, o = recr_act_t(recurrent_activation(z)); g = act_t(activation(z_c))
//   c_t = state_t(g * i + c_{t-1} * f);  h_t = result_t(o * act_t(activation(c_t)))
// GRU (G = 3, order z, r, h), reset_after (Keras' default, hls4ml's template):
//   z, r = recr_act_t(recurrent_activation(accum_t(a_zr + b_zr)))
//   hh = act_t(activation(accum_t(a_h + accum_t(r * b_h))));  h_t = result_t(hh * (1 - z) + h_{t-1} * z)
// GRU without reset_after (one bias, the recurrent product of the candidate after the reset gate):
//   b = dense(h_{t-1}; recurrent_kernel[:, :2n]);  rh = result_t(r * h_{t-1})
//   hh = act_t(activation(accum_t(a_h + dense(rh; recurrent_kernel[:, 2n:]))))
// SimpleRNN (G = 1): h_t = result_t(activation(accum_t(a + b))).
// Products and sums of the element-wise steps are exact; each named type is one cast. Activations are
// hls4ml's lookup tables (sigmoid, tanh) with their own table_t and table_size.
//
// Timing (docs/timing.md, "Recurrent layers"): a cell step takes
//   L_step = L_mac + 2 (SimpleRNN),  L_mac + 6 (LSTM, GRU),  L_mac + L_mac_h + 6 (GRU, not reset_after)
// with L_mac the longer of the two dense latencies (RF + 1 Latency, RF + 2 Resource), 2 cycles per
// table lookup and one register per state update. static (one cell reused for every step):
//   II = latency = T * L_step;  non-static (one cell per step, a pipeline): II = max(RF, RF_r),
//   latency = T * L_step. Under io_stream (one time step per beat) one cell in either mode takes a beat
//   every L_step cycles and writes its output beat L_step cycles after the beat: II = L = L_step per
//   input beat.
#pragma once

#include <memory>
#include <vector>

#include "core/layer_kind.hpp"

namespace nnsim {

enum class CellType { kLstm, kGru, kSimpleRnn };

/// A recurrent layer's cell as nodes of existing kinds plus the element-wise steps between them.
struct RecurrentCell {
    CellType type = CellType::kSimpleRnn;
    int n_in = 0, n = 0, gates = 1, steps = 0;
    bool return_sequences = false, is_static = true, reset_after = true;
    Node kernel;       ///< dense: x_t -> a (G*n), result accum_t
    Node recurrent;    ///< dense: h_{t-1} -> b (G*n; 2n for GRU without reset_after), result accum_t
    Node recurrent_h;  ///< GRU without reset_after: dense rh -> n, result accum_t (unused otherwise)
    Node recr_act;     ///< table activation of the gates: accum_t -> recr_act_t (LSTM: 3n, GRU: 2n)
    Node act;          ///< table activation of the candidate: accum_t -> act_t (SimpleRNN: -> result_t)
    Node act_state;    ///< LSTM: the activation of c_t, state_t -> act_t
    FixedType x_t, accum, recr_act_t, act_t, state_t, result_t;
    /// Latencies of the parts (cycles).
    int lat_mac = 0, lat_k = 0, lat_r = 0, lat_h = 0, lat_table = 2;
    /// Cycles of one cell step, and the cell's II (the dense products' reuse factors).
    int step_latency() const;
    int cell_ii() const;
    bool has_h_product() const { return type == CellType::kGru && !reset_after; }
    /// Inputs of the parts, for compile()/estimate() of the part nodes.
    NodeInputs kernel_in() const;
    NodeInputs recurrent_in() const;
    NodeInputs recurrent_h_in() const;
    NodeInputs recr_act_in() const;
    NodeInputs act_in() const;
    NodeInputs act_state_in() const;
};

/// The cell of a validated recurrent node with input [T, n_in] of type `in.types[0]`.
RecurrentCell make_cell(const Node& node, const NodeInputs& in);

/// The layer kinds lstm, gru and simple_rnn (models/lstm, models/gru, models/simple_rnn).
class RecurrentKind : public LayerKind {
  public:
    explicit RecurrentKind(CellType type) : m_type(type) {}
    std::vector<ParamSpec> params() const override;
    std::vector<PrecisionVarSpec> precision_vars() const override;
    std::vector<WeightSpec> weight_specs() const override;
    void infer(Node& node, const NodeInputs& in, Diagnostics& diag) const override;
    std::unique_ptr<LayerOp> compile(const Node& node, const NodeInputs& in) const override;
    int64_t macs(const Node& node, const NodeInputs& in) const override;
    std::vector<int> valid_reuse_factors(const Node& node, const NodeInputs& in) const override;
    Timing timing(const Node& node, const NodeInputs& in, IoType io) const override;
    /// Under io_stream one time step per beat, as hls4ml streams them: output beat t (return_sequences)
    /// or the one output beat needs the input beats up to its step (recurrent_rtl.cpp).
    StreamStyle stream_style() const override { return StreamStyle::kRepack; }
    std::vector<int64_t> stream_needs(const Node& node, const NodeInputs& in) const override;
    void emit_rtl_stream(const Node& node, const RtlStreamSpec& spec, std::ostream& core,
                         std::ostream& wrap) const override;
    Resources estimate(const Node& node, const NodeInputs& in, IoType io) const override;  // recurrent_resources.cpp
    void emit_rtl_core(const Node& node, const RtlCoreSpec& spec, std::ostream& os) const override;  // recurrent_rtl.cpp
    CellType cell_type() const { return m_type; }

  private:
    CellType m_type;
};

}  // namespace nnsim
