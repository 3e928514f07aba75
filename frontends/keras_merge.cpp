// Keras merge layers (keras_layers.hpp): Add, Subtract, Multiply, Average, Maximum, Minimum (the nnsim
// kinds of the same names) and Concatenate, each of two inputs.
#include <cctype>

#include "core/registry.hpp"
#include "frontends/keras_layers.hpp"

namespace nnsim {

// Two-input merges: Add, Subtract, Multiply, Average, Maximum, Minimum (the nnsim kinds of the same
// names) and Concatenate, whose Keras axis counts the batch dimension (nnsim's does not).
void KerasMapper::add_merge(const KerasLayer& l) {
    if (l.inbound.size() != 2)
        return fail(l, "layer '" + l.name + "' (" + l.class_name + ") takes 2 inputs, got " +
                           std::to_string(l.inbound.size()) + " (merges of more inputs are not supported yet)");
    std::vector<std::string> inputs;
    for (const auto& producer : l.inbound) {
        auto it = m_tensor.find(producer);
        if (it != m_tensor.end()) {
            inputs.push_back(it->second);
        } else {
            if (m_failed.count(producer)) m_failed.insert(l.name);
            else fail(l, "input '" + producer + "' is not an earlier layer of the model");
            return;
        }
    }
    std::string kind = l.class_name;
    for (auto& c : kind) c = char(std::tolower(static_cast<unsigned char>(c)));
    int64_t axis = -1;
    if (kind == "concatenate") {
        double a = -1;
        if (!number_field(l, "axis", -1, a)) return;
        axis = int64_t(a);
        if (axis == 0) return fail(l, "axis 0 is the batch axis; nnsim cannot concatenate along it", "/config/axis");
        if (axis > 0) axis -= 1;
    }
    Node& n = add_node(l, kind.c_str(), l.name, inputs[0]);
    n.inputs = inputs;
    if (kind == "concatenate") {
        n.params["axis"] = axis;
        auto s0 = m_shape.find(inputs[0]), s1 = m_shape.find(inputs[1]);
        if (s0 != m_shape.end() && s1 != m_shape.end() && s0->second.size() == s1->second.size()) {
            Shape out = s0->second;
            const int64_t rank = int64_t(out.size());
            const int64_t ax = axis < 0 ? axis + rank : axis;
            if (ax >= 0 && ax < rank) out[size_t(ax)] += s1->second[size_t(ax)];
            m_shape[l.name] = out;
        }
    }
}

}  // namespace nnsim
