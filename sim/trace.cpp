// Waveforms of the SystemC model (trace.hpp).
#include "sim/trace.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace nnsim {
namespace {

struct FifoSignals {
    const Channel* ch;
    sc_core::sc_signal<bool> wr, rd;
    sc_core::sc_signal<uint32_t> count, sample;
    sc_core::sc_signal<int64_t> data0;
};

struct LayerSignals {
    const LayerShell* mod;
    sc_core::sc_signal<uint32_t> pending, state;
};

/// Samples every cycle at its middle and drives the traced signals.
class Sampler : public sc_core::sc_module {
  public:
    SC_HAS_PROCESS(Sampler);
    Sampler(const sc_core::sc_module_name& n, const sc_core::sc_time& period) : sc_module(n), m_period(period) {
        SC_THREAD(run);
    }
    sc_core::sc_signal<bool> clk;
    std::vector<std::unique_ptr<FifoSignals>> fifos;
    std::vector<std::unique_ptr<LayerSignals>> layers;

  private:
    void run() {
        const sc_core::sc_time half = m_period / 2;
        while (true) {
            clk.write(true);
            wait(half);
            const uint64_t cycle = (sc_core::sc_time_stamp() - half).value() / m_period.value();
            for (auto& f : fifos) {
                f->wr.write(f->ch->last_write() == cycle);
                f->rd.write(f->ch->last_read() == cycle);
                f->count.write(uint32_t(f->ch->count()));
                f->sample.write(f->ch->last_token().sample);
                f->data0.write(f->ch->last_token().data ? f->ch->last_token().data[0] : 0);
            }
            for (auto& l : layers) {
                l->pending.write(l->mod->idle() ? 0u : 1u);
                const std::string w = l->mod->waiting_on();
                l->state.write(l->mod->idle() ? 0u : (w.find("space") != std::string::npos ? 2u : 1u));
            }
            clk.write(false);
            wait(half);
        }
    }
    sc_core::sc_time m_period;
};

}  // namespace

struct WaveTrace::Impl {
    sc_core::sc_trace_file* tf = nullptr;
    std::unique_ptr<Sampler> sampler;
    std::string vcd, gtkw;
    double period_ps = 0;
    std::vector<std::string> names;  ///< traced signal names in display order, with GTKWave format flags
};

WaveTrace::WaveTrace(const std::string& vcd_path, const Graph& g, const sc_core::sc_time& period,
                     const std::vector<std::unique_ptr<Channel>>& channels,
                     const std::vector<std::unique_ptr<LayerShell>>& layers)
    : m_impl(std::make_unique<Impl>()) {
    (void)g;
    std::string base = vcd_path;
    if (base.size() > 4 && base.substr(base.size() - 4) == ".vcd") base = base.substr(0, base.size() - 4);
    m_impl->vcd = base + ".vcd";
    m_impl->gtkw = base + ".gtkw";
    m_impl->tf = sc_core::sc_create_vcd_trace_file(base.c_str());
    m_impl->tf->set_time_unit(1, sc_core::SC_PS);
    m_impl->period_ps = period.to_seconds() * 1e12;
    m_impl->sampler = std::make_unique<Sampler>("nnsim_wave_sampler", period);
    Sampler& s = *m_impl->sampler;
    sc_core::sc_trace(m_impl->tf, s.clk, "top.clk");
    m_impl->names.push_back("@28\nSystemC.top.clk");
    for (const auto& c : channels) {
        auto f = std::make_unique<FifoSignals>();
        f->ch = c.get();
        const std::string p = "top." + c->name() + ".";
        sc_core::sc_trace(m_impl->tf, f->wr, p + "wr");
        sc_core::sc_trace(m_impl->tf, f->rd, p + "rd");
        sc_core::sc_trace(m_impl->tf, f->count, p + "count");
        sc_core::sc_trace(m_impl->tf, f->sample, p + "sample");
        sc_core::sc_trace(m_impl->tf, f->data0, p + "data0");
        const std::string q = "SystemC." + p;  // SystemC's VCD writer nests every name under scope "SystemC"
        m_impl->names.push_back("-" + c->name());
        m_impl->names.push_back("@28\n" + q + "wr");
        m_impl->names.push_back("@28\n" + q + "rd");
        m_impl->names.push_back("@24\n" + q + "count[31:0]");
        m_impl->names.push_back("@24\n" + q + "sample[31:0]");
        m_impl->names.push_back("@420\n" + q + "data0[63:0]");
        s.fifos.push_back(std::move(f));
    }
    for (const auto& l : layers) {
        auto ls = std::make_unique<LayerSignals>();
        ls->mod = l.get();
        const std::string p = "top." + l->node().name + ".";
        sc_core::sc_trace(m_impl->tf, ls->pending, p + "pending");
        sc_core::sc_trace(m_impl->tf, ls->state, p + "state");
        m_impl->names.push_back("-" + l->node().name);
        m_impl->names.push_back("@24\nSystemC." + p + "pending[31:0]");
        m_impl->names.push_back("@24\nSystemC." + p + "state[31:0]");
        s.layers.push_back(std::move(ls));
    }
}

WaveTrace::~WaveTrace() {
    if (m_impl && m_impl->tf) sc_core::sc_close_vcd_trace_file(m_impl->tf);
}

void WaveTrace::close(uint64_t cycles) {
    if (m_impl->tf) {
        sc_core::sc_close_vcd_trace_file(m_impl->tf);
        m_impl->tf = nullptr;
    }
    // GTKWave 3.3 shows 2^-zoom / 200 time units (ps here) per pixel; the wave pane of a 1400-px
    // window with these pane widths is about 720 px. Show the whole run, 16 to 200 cycles of it.
    const double shown = double(std::min<uint64_t>(std::max<uint64_t>(cycles + 1, 16), 200)) * m_impl->period_ps;
    const double zoom = -std::log2(shown * 200.0 / 720.0);
    std::ofstream f(m_impl->gtkw);
    f << "[dumpfile] \"" << m_impl->vcd << "\"\n[timestart] 0\n[size] 1400 800\n[pos] -1 -1\n"
      << "*" << zoom << " 0 -1\n[treeopen] SystemC.\n[treeopen] SystemC.top.\n[sst_width] 250\n"
      << "[signals_width] 300\n[sst_expanded] 1\n";
    for (const auto& n : m_impl->names) f << n << "\n";
}

}  // namespace nnsim
