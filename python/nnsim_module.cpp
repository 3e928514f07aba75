// `import nnsim`: the network, the bit-exact evaluator, the timing model and the resource estimate
// from Python (pybind11). Built by the same CMake into build/python (PYTHONPATH=build/python).
//
//   net = nnsim.load(path, weights=None, config=None, ignore_quantizers=False,
//                    precision=None, reuse_factor=None, strategy=None, io_type=None,
//                    layers={"fc1": {"reuse_factor": 4, "precision": "fixed<8,3>"}})
//   y = net.run(x)                    # x: [samples, inputs] floats -> [samples, outputs], bit-exact
//   y, trace = net.run(x, trace=True) # trace: {layer: [samples, values]} (hls4ml's trace)
//   net.float_run(x)                  # the float model (no quantization)
//   net.timing(), net.estimate(), net.layers, net.save(path)
// Errors raise nnsim.Error with the command line's one-line message. The GIL is released while the
// evaluator runs, so threads running separate networks proceed in parallel. This is the package's
// compiled half (nnsim._nnsim); python/nnsim/__init__.py adds simulate, sweep, gen and verify, which
// run the command-line tool (SystemC allows one elaboration per process).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/diag.hpp"
#include "core/evaluator.hpp"
#include "core/network_json.hpp"
#include "core/overrides.hpp"
#include "core/precision.hpp"
#include "core/resources.hpp"
#include "core/timing_model.hpp"
#include "core/validate.hpp"
#include "frontends/load.hpp"

namespace py = pybind11;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

py::dict resources_dict(const nnsim::Resources& r) {
    py::dict d;
    d["dsp"] = r.dsp, d["lut"] = r.lut, d["ff"] = r.ff, d["bram18"] = r.bram18;
    return d;
}

/// One loaded network and its evaluator.
class Network {
  public:
    explicit Network(nnsim::Graph g) : m_graph(std::move(g)), m_eval(std::make_unique<nnsim::Evaluator>(m_graph)) {
        for (size_t k = 0; k < m_graph.inputs.size(); ++k) m_in += m_eval->input_size(k);
        for (size_t idx : m_eval->output_nodes()) m_out += m_eval->node_size(idx);
    }

    /// Runs every row of x; `fixed` selects the bit-exact or the float evaluator.
    py::object evaluate(const Array& x, bool fixed, bool trace) {
        // One sample per row: [samples, values], or the network input's own shape after the samples
        // axis ([samples, T, features], [samples, H, W, C]) as Keras takes it.
        size_t per_sample = 1;
        for (py::ssize_t d = 1; d < x.ndim(); ++d) per_sample *= size_t(x.shape(d));
        if (x.ndim() < 2 || per_sample != m_in)
            throw nnsim::UserError("run: expected an array of shape [samples, " + std::to_string(m_in) +
                                   "] (or [samples, <input shape>]), got " + std::to_string(x.ndim()) +
                                   " dimensions with " + std::to_string(per_sample) + " values per sample");
        const size_t n = size_t(x.shape(0));
        std::vector<double> out(n * m_out);
        std::vector<std::vector<double>> layers(trace ? m_graph.nodes.size() : 0);
        const double* data = x.data();
        {
            py::gil_scoped_release release;
            for (size_t s = 0; s < n; ++s) {
                const double* row = data + s * m_in;
                std::vector<const double*> fin;
                size_t off = 0;
                for (size_t k = 0; k < m_graph.inputs.size(); ++k) {
                    fin.push_back(row + off);
                    if (fixed) m_eval->set_input(k, row + off);
                    off += m_eval->input_size(k);
                }
                if (fixed) m_eval->run(false);
                else m_eval->run_float(fin);
                double* y = out.data() + s * m_out;
                for (size_t idx : m_eval->output_nodes()) {
                    const std::vector<double> v = fixed ? m_eval->node_values(idx) : m_eval->node_float(idx);
                    y = std::copy(v.begin(), v.end(), y);
                }
                for (size_t i = 0; i < layers.size(); ++i) {
                    const std::vector<double> v = fixed ? m_eval->node_values(i) : m_eval->node_float(i);
                    layers[i].insert(layers[i].end(), v.begin(), v.end());
                }
            }
        }
        Array y({n, m_out});
        std::copy(out.begin(), out.end(), y.mutable_data());
        if (!trace) return std::move(y);
        py::dict t;
        for (size_t i = 0; i < layers.size(); ++i) {
            const size_t w = n ? layers[i].size() / n : m_eval->node_size(i);
            Array a({n, w});
            std::copy(layers[i].begin(), layers[i].end(), a.mutable_data());
            t[py::str(m_graph.nodes[i].name)] = a;
        }
        return py::make_tuple(y, t);
    }

    py::dict timing() const {
        const nnsim::NetworkTiming t = nnsim::analyze_timing(m_graph);
        py::dict d;
        d["latency"] = t.latency, d["ii"] = t.ii, d["bottleneck"] = t.bottleneck;
        d["clock_period_ns"] = m_graph.clock_period_ns;
        py::list layers;
        for (size_t i = 0; i < m_graph.nodes.size(); ++i) {
            py::dict l;
            l["name"] = m_graph.nodes[i].name, l["ii"] = t.layers[i].ii, l["latency"] = t.layers[i].latency;
            layers.append(l);
        }
        d["layers"] = layers;
        return d;
    }

    py::dict estimate() const {
        const nnsim::NetworkResources r = nnsim::estimate_network(m_graph);
        py::dict d;
        py::dict layers;
        for (size_t i = 0; i < m_graph.nodes.size(); ++i) layers[py::str(m_graph.nodes[i].name)] = resources_dict(r.layers[i]);
        d["layers"] = layers, d["fifos"] = resources_dict(r.fifos), d["total"] = resources_dict(r.total);
        return d;
    }

    py::list layers() const {
        py::list out;
        for (const nnsim::Node& n : m_graph.nodes) {
            py::dict l;
            l["name"] = n.name, l["kind"] = std::string(n.kind->name()), l["reuse_factor"] = n.reuse_factor;
            l["strategy"] = std::string(nnsim::strategy_name(n.strategy));
            py::dict p;
            for (const auto& [var, t] : n.precision) p[py::str(var)] = t.to_string();
            l["precision"] = p;
            out.append(l);
        }
        return out;
    }

    void save(const std::string& path) const {
        nnsim::WriteOptions o;
        o.out_path = path;
        o.inline_weights = true;
        const std::string text = nnsim::write_network(m_graph, o);
        std::ofstream f(path);
        if (!f || !(f << text)) throw nnsim::UserError(path + ": cannot write");
    }

    size_t inputs() const { return m_in; }
    size_t outputs() const { return m_out; }
    const std::string& name() const { return m_graph.name; }

  private:
    nnsim::Graph m_graph;
    std::unique_ptr<nnsim::Evaluator> m_eval;
    size_t m_in = 0, m_out = 0;
};

/// Per-layer overrides, like hls4ml's LayerName entries: {layer: {"precision": "fixed<8,3>" or
/// {var: type}, "reuse_factor": N, "strategy": "Latency" | "Resource"}}.
void apply_layer_overrides(nnsim::Graph& g, const py::dict& layers) {
    for (const auto& [key, value] : layers) {
        const std::string name = py::str(key);
        nnsim::Node* n = g.find(name);
        if (n == nullptr) throw nnsim::UserError("layers: no layer '" + name + "' in " + g.name);
        const std::string where = "layers['" + name + "']";
        for (const auto& [k, v] : py::cast<py::dict>(value)) {
            const std::string setting = py::str(k);
            auto type_of = [&](const std::string& text, const std::string& at) {
                nnsim::FixedType t;
                std::string err;
                if (!nnsim::parse_fixed_type(text, t, err)) throw nnsim::UserError(at + ": " + err);
                return t;
            };
            if (setting == "reuse_factor") {
                const int rf = py::cast<int>(v);
                if (rf < 1) throw nnsim::UserError(where + "['reuse_factor']: must be a positive integer");
                n->reuse_factor = rf;
            } else if (setting == "strategy") {
                const std::string s = py::str(v);
                if (s != "Latency" && s != "Resource")
                    throw nnsim::UserError(where + "['strategy']: expected Latency or Resource, got '" + s + "'");
                n->strategy = s == "Latency" ? nnsim::Strategy::kLatency : nnsim::Strategy::kResource;
            } else if (setting == "precision" && py::isinstance<py::dict>(v)) {
                for (const auto& [var, text] : py::cast<py::dict>(v))
                    n->precision[py::str(var)] = type_of(py::str(text), where + "['precision']['" + std::string(py::str(var)) + "']");
            } else if (setting == "precision") {
                const nnsim::FixedType t = type_of(py::str(v), where + "['precision']");
                for (const auto& var : n->kind->precision_vars())
                    if (var.fixed_default.empty()) n->precision[var.name] = t;
            } else {
                throw nnsim::UserError(where + ": unknown setting '" + setting +
                                       "' (expected precision, reuse_factor or strategy)");
            }
        }
    }
    nnsim::validate_or_throw(g);
}

std::unique_ptr<Network> load(const std::string& path, const std::string& weights, const std::string& config,
                              bool ignore_quantizers, const std::string& precision, int reuse_factor,
                              const std::string& strategy, const std::string& io_type, const py::dict& layers) {
    nnsim::LoadOptions lo;
    lo.weights = weights, lo.config = config, lo.ignore_quantizers = ignore_quantizers;
    nnsim::Graph g = nnsim::load_network(path, lo);
    nnsim::Overrides o;
    o.precision = precision, o.reuse_factor = reuse_factor, o.strategy = strategy, o.io_type = io_type;
    nnsim::apply_overrides(g, o);
    if (!layers.empty()) apply_layer_overrides(g, layers);
    return std::make_unique<Network>(std::move(g));
}

}  // namespace

PYBIND11_MODULE(_nnsim, m) {
    m.doc() = "nnsim: bit-exact hls4ml-style networks, their timing and resources, from Python";
    static py::exception<nnsim::UserError> error(m, "Error");
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const nnsim::UserError& e) {
            error(e.what());
        }
    });
    py::class_<Network>(m, "Network")
        .def("run", [](Network& n, const Array& x, bool trace) { return n.evaluate(x, true, trace); }, py::arg("x"),
             py::arg("trace") = false, "bit-exact outputs [samples, outputs] (and {layer: values} with trace=True)")
        .def("float_run", [](Network& n, const Array& x, bool trace) { return n.evaluate(x, false, trace); },
             py::arg("x"), py::arg("trace") = false, "the float model's outputs")
        .def("timing", &Network::timing, "latency and II in cycles, per layer and in total")
        .def("estimate", &Network::estimate, "DSP, LUT, FF and BRAM18 estimates per layer and in total")
        .def_property_readonly("layers", &Network::layers)
        .def_property_readonly("inputs", &Network::inputs)
        .def_property_readonly("outputs", &Network::outputs)
        .def_property_readonly("name", &Network::name)
        .def("save", &Network::save, py::arg("path"), "write the network description (weights inline)");
    m.def("load", &load, py::arg("path"), py::arg("weights") = "", py::arg("config") = "",
          py::arg("ignore_quantizers") = false, py::arg("precision") = "", py::arg("reuse_factor") = 0,
          py::arg("strategy") = "", py::arg("io_type") = "", py::arg("layers") = py::dict(),
          "load any network `nnsim --net` accepts, with hls4ml-style Model-level overrides and per-layer ones "
          "(layers={name: {'precision': ..., 'reuse_factor': ..., 'strategy': ...}})");
}
