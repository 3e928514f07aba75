// Shared pieces of the reformatting kinds' io_stream shells (zero padding, cropping, nearest
// upsampling; models/common/gather.hpp), each cycle for cycle the repack contract of
// sim/repack_module.hpp with II 1 and latency 1, without buffering a whole sample:
//   pend   = output beats released and not yet written (all ready: latency 1)
//   pop    = pend != 0 & ~out_full                           -> out_wr
//   accept = ~in0_empty & (pend - pop + released(in_beat)) <= C   -> in0_rd
//   pend  <= pend - pop + (accept ? released(in_beat) : 0)
// with C = repack_capacity (the most beats one input beat releases; latency 1 adds none). Each kind
// computes released() and the source of each output beat from row and column counters; the copied
// input beats wait in a queue or ring. plan_gather gives C and the fewest ring slots R for which no
// kept beat is overwritten while an output beat that copies it can still be written, over every
// state the accept rule allows (about one input row for 2D upsampling).
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "core/fixed.hpp"
#include "core/graph.hpp"
#include "core/layer_kind.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

/// The static structure of one gather shell.
struct GatherPlan {
    int64_t capacity = 1;           ///< C of the repack contract
    int64_t ring = 1;               ///< R, ring slots
    int64_t kept = 0;               ///< input beats per sample that some output beat copies
    std::vector<int64_t> released;  ///< per input beat: output beats it releases
    std::vector<bool> keep;         ///< per input beat: copied by some output beat
    std::vector<int64_t>
        slot;  ///< per output beat: ring offset of its source from its sample's first kept beat (mod R), -1 zeros
};

/// The plan for `src` (per output beat: input beat copied, -1 zeros), `needs`, `in_beats` input beats
/// per sample and timing `t`.
GatherPlan plan_gather(const std::vector<int64_t>& src, const std::vector<int64_t>& needs, int64_t in_beats,
                       const Timing& t);

/// Pieces shared with the kinds' counter-based shells (zero padding, upsampling), which keep this
/// contract without per-beat ROMs:
/// the port list of the layer wrapper `module`, `ki`/`ko` bits per input/output beat;
void emit_shell_ports(std::ostream& os, const std::string& module, int ki, int ko);
/// the contract's counting on an `aw`-bit pending count against C = `capacity`, given a wire `rel_n`
/// (beats the current input beat releases): declares pend, pop, pend_after_pop, accept and drives
/// in0_rd and out_wr; the state update is "pend <= pend_after_pop + (accept ? rel_n : 0)";
void emit_release_handshake(std::ostream& os, int aw, int64_t capacity);
/// in0_data cast from in_type to res_type per channel, as a wire; returns its name (in0_data itself
/// when the types are equal);
std::string emit_input_cast(std::ostream& os, int chans, const FixedType& in_type, const FixedType& res_type);
/// "(r == n-1) ? 0 : r + 1" for a `bits`-bit counter r over 0..n-1.
std::string wrap_increment(const std::string& r, int bits, int64_t n);


}  // namespace nnsim
