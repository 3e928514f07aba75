// Example host for the TLM-2.0 boundary of the network model: a small virtual platform in which an
// initiator (a CPU stand-in) writes samples to the network target, reads the results back, and
// prints them in the hls4ml testbench format.
//
//   tlm_host --net NET [--input in.dat | --samples N --seed S] [--output out.dat]
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

#include "core/datafile.hpp"
#include "core/diag.hpp"
#include "frontends/load.hpp"
#include "sim/network_sim.hpp"
#include "sim/tlm_target.hpp"

namespace {

const int kQuiet = setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);

/// Writes every sample, then reads every result, through blocking transport.
class Host : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Host);
    tlm_utils::simple_initiator_socket<Host> socket;
    Host(const sc_core::sc_module_name& n, std::vector<std::vector<double>> samples, size_t n_out,
         nnsim::NetworkTlmTarget* target)
        : sc_module(n), socket("socket"), m_samples(std::move(samples)), m_n_out(n_out), m_target(target) {
        SC_THREAD(run);
    }
    std::vector<std::vector<double>> results;
    bool ok = true;

  private:
    bool transport(tlm::tlm_command cmd, uint64_t addr, void* data, size_t len) {
        tlm::tlm_generic_payload trans;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        trans.set_command(cmd);
        trans.set_address(addr);
        trans.set_data_ptr(static_cast<unsigned char*>(data));
        trans.set_data_length(unsigned(len));
        trans.set_streaming_width(unsigned(len));
        trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(trans, delay);
        wait(delay);
        if (trans.is_response_error()) {
            std::fprintf(stderr, "tlm_host: %s\n", trans.get_response_string().c_str());
            return false;
        }
        return true;
    }
    void run() {
        // Write every sample (each call returns when the model has accepted it), then read the results.
        for (const auto& s : m_samples) {
            std::vector<float> v(s.begin(), s.end());
            ok = ok && transport(tlm::TLM_WRITE_COMMAND, nnsim::NetworkTlmTarget::kInputAddress, v.data(), 4 * v.size());
        }
        m_target->end_of_input();
        for (size_t k = 0; k < m_samples.size() && ok; ++k) {
            std::vector<float> v(m_n_out);
            ok = transport(tlm::TLM_READ_COMMAND, nnsim::NetworkTlmTarget::kOutputAddress, v.data(), 4 * v.size());
            results.emplace_back(v.begin(), v.end());
        }
        sc_core::sc_stop();
    }
    std::vector<std::vector<double>> m_samples;
    size_t m_n_out;
    nnsim::NetworkTlmTarget* m_target;
};

}  // namespace

extern "C" int sc_main(int argc, char** argv) {
    std::string net, input, output;
    int samples = 10;
    unsigned long seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--net") net = argv[i + 1];
        else if (k == "--input") input = argv[i + 1];
        else if (k == "--output") output = argv[i + 1];
        else if (k == "--samples") samples = std::atoi(argv[i + 1]);
        else if (k == "--seed") seed = std::stoul(argv[i + 1]);
        else {
            std::fprintf(stderr, "tlm_host: unknown option %s\n", k.c_str());
            return 2;
        }
    }
    try {
        nnsim::Graph g = nnsim::load_network(net, {});
        const size_t n_in = size_t(nnsim::shape_size(g.inputs.at(0).shape));
        std::vector<std::vector<double>> data;
        if (!input.empty()) {
            data = nnsim::read_data_file(input, n_in);
        } else {
            std::mt19937_64 rng(seed);
            std::normal_distribution<double> normal(0.0, 1.0);
            data.assign(size_t(samples), std::vector<double>(n_in));
            for (auto& s : data)
                for (auto& v : s) v = normal(rng);
        }
        nnsim::SimOptions opt;
        opt.stop_when_done = false;  // the host stops the simulation after its last read
        nnsim::NetworkModel model(g, opt);
        nnsim::NetworkTlmTarget target("network", g, model);
        Host host("host", data, size_t(nnsim::shape_size(g.find(g.outputs[0])->shape)), &target);
        host.socket.bind(target.socket);
        const nnsim::SimResult r = model.run();
        std::printf("tlm_host: %zu samples through b_transport in %llu cycles\n", host.results.size(),
                    (unsigned long long)r.cycles);
        if (!output.empty()) nnsim::write_data_file(output, host.results);
        return host.ok && host.results.size() == data.size() ? 0 : 1;
    } catch (const nnsim::UserError& e) {
        std::fprintf(stderr, "tlm_host: error: %s\n", e.what());
        return 2;
    }
}
