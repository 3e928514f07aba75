// A TLM-2.0 target socket at the boundary of the network model, so that the model can be dropped into a
// larger SystemC virtual platform.
//
// Address map (blocking transport, b_transport):
//   WRITE 0x0000, 4 * n_in bytes:  one input sample as float32 values (converted to the input type as
//                                  hls4ml's testbench does); returns once the model accepted the sample
//   READ  0x1000, 4 * n_out bytes: the next result in order as float32 values; waits until it exists
//   READ  0x2000, 8 bytes:         number of results available (uint64)
// The target synchronizes first (it waits out the annotated delay of the request), then waits in
// simulated time for the model, so time in the response is the model's: delay comes back zero.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "core/graph.hpp"
#include "sim/network_sim.hpp"

namespace nnsim {

class NetworkTlmTarget : public sc_core::sc_module {
  public:
    static constexpr uint64_t kInputAddress = 0x0000;
    static constexpr uint64_t kOutputAddress = 0x1000;
    static constexpr uint64_t kCountAddress = 0x2000;

    tlm_utils::simple_target_socket<NetworkTlmTarget> socket;

    /// `model` must have one input and one output.
    NetworkTlmTarget(const sc_core::sc_module_name& name, const Graph& g, NetworkModel& model);
    /// No more samples will be written (lets the model finish cleanly).
    void end_of_input() { m_model.feed(0).closed = true; }

  private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    const Graph& m_graph;
    NetworkModel& m_model;
    size_t m_written = 0;  ///< samples written so far
    size_t m_read = 0;     ///< results read so far
};

}  // namespace nnsim
