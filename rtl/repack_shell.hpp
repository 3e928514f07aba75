// The RTL repack shell (reshape under io_stream): sim/repack_module.hpp in logic, for a kind with
// II 1 and latency 1 (the only repack kind, reshape). See repack_shell.cpp.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/graph.hpp"
#include "rtl/verilog_util.hpp"

namespace nnsim {

/// Writes module `mod`: input beats of `in_beat_width` bits, output beats of `out_beat_width` bits,
/// the whole-tensor core `spec.module` (its in_data is the sample, its out_data the result tensor),
/// `needs` from repack_needs. Ports as the layer wrapper's (in0_data/_empty/_rd, out_data/_wr/_full).
void emit_repack_shell(std::ostream& os, const std::string& mod, const Node& n, const RtlCoreSpec& spec,
                       int in_beats, const std::vector<int64_t>& needs);

}  // namespace nnsim
