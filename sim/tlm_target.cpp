// TLM-2.0 target at the network boundary (tlm_target.hpp).
#include "sim/tlm_target.hpp"

#include <cstring>

#include "core/diag.hpp"

namespace nnsim {

NetworkTlmTarget::NetworkTlmTarget(const sc_core::sc_module_name& name, const Graph& g, NetworkModel& model)
    : sc_module(name), socket("socket"), m_graph(g), m_model(model) {
    NNSIM_ASSERT(g.inputs.size() == 1 && g.outputs.size() == 1, "the TLM target needs one input and one output");
    socket.register_b_transport(this, &NetworkTlmTarget::b_transport);
}

void NetworkTlmTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    wait(delay);  // synchronize with the initiator's local time
    delay = sc_core::SC_ZERO_TIME;
    const uint64_t addr = trans.get_address();
    unsigned char* ptr = trans.get_data_ptr();
    const size_t len = trans.get_data_length();
    const size_t n_in = size_t(shape_size(m_graph.inputs[0].shape));
    const Node& out_node = *m_graph.find(m_graph.outputs[0]);
    const size_t n_out = size_t(shape_size(out_node.shape));
    trans.set_response_status(tlm::TLM_OK_RESPONSE);

    if (trans.is_write() && addr == kInputAddress) {
        if (len != 4 * n_in) return trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        std::vector<float> v(n_in);
        std::memcpy(v.data(), ptr, len);
        std::vector<int64_t> raw(n_in);
        for (size_t i = 0; i < n_in; ++i) raw[i] = cast_double(double(v[i]), m_graph.inputs[0].precision);
        m_model.feed(0).push(std::move(raw));
        const size_t index = m_written++;
        while (m_model.source(0).sent() <= index) wait(m_model.source(0).accepted);
        return;
    }
    if (trans.is_read() && addr == kOutputAddress) {
        if (len != 4 * n_out) return trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        Sink& sink = m_model.sink(0);
        while (sink.results() <= m_read) wait(sink.received);
        const FixedType& t = out_node.type("result");
        std::vector<float> v(n_out);
        for (size_t i = 0; i < n_out; ++i) v[i] = float(t.to_double(sink.result(m_read)[i]));
        std::memcpy(ptr, v.data(), len);
        ++m_read;
        return;
    }
    if (trans.is_read() && addr == kCountAddress && len == 8) {
        const uint64_t available = m_model.sink(0).results() - m_read;
        std::memcpy(ptr, &available, 8);
        return;
    }
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

}  // namespace nnsim
