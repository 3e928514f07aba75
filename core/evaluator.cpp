// The reference evaluator (evaluator.hpp).
#include "core/evaluator.hpp"

#include "core/diag.hpp"
#include "core/validate.hpp"

namespace nnsim {

Evaluator::Evaluator(const Graph& g) : m_graph(g) {
    for (const auto& in : g.inputs) {
        m_input_raw.emplace_back(size_t(shape_size(in.shape)), 0);
        m_input_float.emplace_back(size_t(shape_size(in.shape)), 0.0);
    }
    m_node_raw.resize(g.nodes.size());
    m_node_float.resize(g.nodes.size());
    m_quantized_result.assign(g.nodes.size(), nullptr);
    auto quantizer_of = [&](const std::string& name) -> const FixedType* {
        auto q = g.quantizer_precision.find(name);
        if (q == g.quantizer_precision.end()) return nullptr;
        auto r = q->second.find("result");
        return r == q->second.end() ? nullptr : &r->second.type;
    };
    for (const auto& in : g.inputs) m_quantized_input.push_back(quantizer_of(in.name));
    for (size_t i = 0; i < g.nodes.size(); ++i) m_quantized_result[i] = quantizer_of(g.nodes[i].name);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        m_node_raw[i].assign(size_t(shape_size(n.shape)), 0);
        m_node_float[i].assign(size_t(shape_size(n.shape)), 0.0);
    }
    // Bind argument pointers once: buffers never move after this point.
    for (size_t i = 0; i < g.nodes.size(); ++i) {
        const Node& n = g.nodes[i];
        std::vector<const int64_t*> args;
        std::vector<const double*> fargs;
        for (const auto& t : n.inputs) {
            bool found = false;
            for (size_t k = 0; k < g.inputs.size() && !found; ++k)
                if (g.inputs[k].name == t) {
                    args.push_back(m_input_raw[k].data());
                    fargs.push_back(m_input_float[k].data());
                    found = true;
                }
            const int idx = g.index_of(t);
            if (!found && idx >= 0) {
                args.push_back(m_node_raw[size_t(idx)].data());
                fargs.push_back(m_node_float[size_t(idx)].data());
                found = true;
            }
            NNSIM_ASSERT(found, "unbound input " + t + " of " + n.name);
        }
        m_args.push_back(args);
        m_fargs.push_back(fargs);
        const NodeInputs in = node_inputs(g, n);
        m_ops.push_back(n.kind->compile(n, in));
        m_macs += n.kind->macs(n, in);
    }
    for (const auto& o : g.outputs) m_outputs.push_back(size_t(g.index_of(o)));
}

void Evaluator::set_input(size_t k, const double* values) {
    const FixedType& t = m_graph.inputs[k].precision;
    for (size_t i = 0; i < m_input_raw[k].size(); ++i) m_input_raw[k][i] = cast_double(double(float(values[i])), t);
}

void Evaluator::set_input_raw(size_t k, const int64_t* raw) {
    std::copy(raw, raw + m_input_raw[k].size(), m_input_raw[k].begin());
}

void Evaluator::run(bool count) {
    for (size_t i = 0; i < m_ops.size(); ++i) m_ops[i]->eval(m_args[i].data(), m_node_raw[i].data(), count);
}

std::vector<double> Evaluator::node_values(size_t node) const {
    const FixedType& t = m_graph.nodes[node].type("result");
    std::vector<double> v(m_node_raw[node].size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.to_double(m_node_raw[node][i]);
    return v;
}

void Evaluator::run_float(const std::vector<const double*>& inputs, bool quantizers) {
    NNSIM_ASSERT(inputs.size() == m_input_float.size(), "wrong number of float inputs");
    for (size_t k = 0; k < inputs.size(); ++k) {
        std::copy(inputs[k], inputs[k] + m_input_float[k].size(), m_input_float[k].begin());
        if (quantizers && m_quantized_input[k] != nullptr)
            for (double& v : m_input_float[k]) v = m_quantized_input[k]->to_double(cast_double(v, *m_quantized_input[k]));
    }
    for (size_t i = 0; i < m_ops.size(); ++i) {
        if (quantizers) m_ops[i]->eval_float_quantized(m_fargs[i].data(), m_node_float[i].data());
        else m_ops[i]->eval_float(m_fargs[i].data(), m_node_float[i].data());
        if (quantizers && m_quantized_result[i] != nullptr)
            for (double& v : m_node_float[i]) v = m_quantized_result[i]->to_double(cast_double(v, *m_quantized_result[i]));
    }
}

bool Evaluator::has_activation_quantizers() const {
    for (const FixedType* t : m_quantized_result)
        if (t != nullptr) return true;
    for (const FixedType* t : m_quantized_input)
        if (t != nullptr) return true;
    return false;
}

}  // namespace nnsim
