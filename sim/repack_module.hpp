// The timing shell of repacking kinds (StreamStyle::kRepack, e.g. reshape): the same elements of a
// sample leave in beats of a different width than they came in (docs/timing.md, "Repack").
//
// Timing contract, evaluated at the start of every cycle t from registered state, with needs[j] the
// number of input beats that hold the elements of output beat j (core/timing_model.hpp repack_needs):
//   pop    = the oldest released output beat is ready and every output channel has a free slot
//            -> it is written to all outputs in cycle t (so at most one output beat per cycle);
//   accept = t >= last accept + II, every input holds a word, and the results held after this
//            cycle's pop plus the output beats this input beat releases fit in
//            C = (most beats one input beat releases) + ceil(L / II) - 1
//            (needs[j] from LayerKind::stream_needs: a row-major repack, a sliding window, ...)
//            -> the input beat is read; every output beat j with needs[j] = (this beat's index + 1)
//               is released, ready at t + L.
// So [8,4] -> [32] writes its one beat L cycles after the eighth input beat, and [32] -> [8,4] writes
// eight beats on eight consecutive cycles starting L cycles after its one input beat.
//
// Values: the input beats of a sample are copied into a whole-tensor buffer; when a beat releases
// output beats, the kind's LayerOp (compiled for the whole tensor, as the evaluator uses it) computes
// those beats from that buffer (LayerOp::eval_beats) and they are copied out. Output beat j depends only on input beats
// before needs[j], so the not-yet-filled rest of the buffer never reaches an output: the values are
// the evaluator's, bit for bit.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "sim/layer_module.hpp"

namespace nnsim {

class RepackModule : public LayerShell {
  public:
    /// `in_width`/`out_width`: values per input/output beat; `needs`: per output beat, the input beats
    /// it needs (repack_needs); `output_slots`: the deepest output FIFO.
    RepackModule(const sc_core::sc_module_name& name, const Node& node, const Timing& timing,
                 std::unique_ptr<LayerOp> op, const sc_core::sc_time& period, size_t in_beats, size_t in_width,
                 size_t out_width, const std::vector<int64_t>& needs, size_t output_slots);

    void step() override;

  private:
    /// Accept input beat m_in_beat in cycle t (the caller checked that it may).
    void accept(uint64_t t);

    std::unique_ptr<LayerOp> m_op;              ///< the kind's evaluator of the whole tensor
    size_t m_in_beats, m_in_width, m_out_width; ///< beat structure of the input and the output
    std::vector<size_t> m_first_released;       ///< per input beat: first output beat it releases
    std::vector<size_t> m_released;             ///< per input beat: how many output beats it releases
    size_t m_capacity;                          ///< C, see the file comment
    std::vector<std::vector<int64_t>> m_in_buf; ///< per input: the current sample's values
    std::vector<const int64_t*> m_args;         ///< pointers into m_in_buf, for the op
    std::vector<int64_t> m_out_buf;             ///< the op's whole-tensor result
    ResultSlots m_slots;                        ///< output beat storage
    size_t m_in_beat = 0;                       ///< index of the next input beat within its sample
    uint64_t m_next_accept = 0;                 ///< earliest cycle of the next accept (II)
};

}  // namespace nnsim
