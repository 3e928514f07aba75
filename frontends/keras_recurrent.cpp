// Keras LSTM, GRU and SimpleRNN -> the nnsim kinds lstm, gru and simple_rnn (models/common/recurrent.hpp).
// The weights keep Keras' layout (kernel [n_in, G*units], recurrent_kernel [units, G*units], gates side
// by side in Keras' order); a GRU with reset_after stores its two bias rows as one [2, 3*units] tensor,
// split here into bias and recurrent_bias. Options hls4ml does not implement are refused by name:
// go_backwards, stateful, return_state, and activations other than tanh and sigmoid (Bidirectional is
// not a mapped class: the importer's generic message names it).
#include "frontends/keras_layers.hpp"
#include "frontends/keras_weights.hpp"

namespace nnsim {

namespace {

const char* recurrent_kind(const std::string& keras_class) {
    if (keras_class == "LSTM") return "lstm";
    if (keras_class == "GRU") return "gru";
    return "simple_rnn";
}

/// The activation names nnsim's recurrent cells compute with tables.
bool table_activation(const nlohmann::json& a) { return a.is_string() && (a == "tanh" || a == "sigmoid"); }

}  // namespace

void KerasMapper::add_recurrent(const KerasLayer& l) {
    const std::string input = input_of(l);
    if (input.empty()) return;
    auto units = l.config->find("units");
    if (units == l.config->end() || !units->is_number_integer() || units->get<int64_t>() <= 0)
        return fail(l, "units must be a positive integer", "/config/units");
    for (const char* opt : {"go_backwards", "stateful", "return_state"}) {
        bool on = false;
        if (!bool_field(l, opt, false, on)) return;
        if (on) return fail(l, std::string(opt) + " is not supported (hls4ml does not implement it)", std::string("/config/") + opt);
    }
    auto s = m_shape.find(input);
    if (s != m_shape.end() && s->second.size() != 2)
        return fail(l, "input shape " + shape_to_string(s->second) + " is not [time steps, features]");
    bool use_bias = true, return_sequences = false, reset_after = true;
    if (!bool_field(l, "use_bias", true, use_bias) || !bool_field(l, "return_sequences", false, return_sequences) ||
        !bool_field(l, "reset_after", true, reset_after))
        return;
    const bool gated = l.class_name != "SimpleRNN";
    std::vector<std::pair<const char*, std::string>> acts = {{"activation", "tanh"}};
    if (gated) acts.push_back({"recurrent_activation", "sigmoid"});
    for (auto& [key, value] : acts) {
        auto it = l.config->find(key);
        if (it == l.config->end() || it->is_null()) continue;
        if (!table_activation(*it))
            return fail(l, std::string(key) + " " + it->dump() + " is not supported yet; supported: tanh, sigmoid",
                        std::string("/config/") + key);
        value = it->get<std::string>();
    }
    const int64_t n = units->get<int64_t>();
    Node& node = add_node(l, recurrent_kind(l.class_name), l.name, input);
    node.params["units"] = n;
    node.params["return_sequences"] = return_sequences;
    node.params["activation"] = acts[0].second;
    if (gated) node.params["recurrent_activation"] = acts[1].second;
    attach_weight(l, node, "kernel");
    attach_weight(l, node, "recurrent_kernel");
    if (use_bias) {
        attach_weight(l, node, "bias");
        WeightTensor& b = node.weights["bias"];
        if (l.class_name == "GRU") {
            node.params["reset_after"] = reset_after;
            if (reset_after && b.shape.size() == 2 && b.shape[0] == 2) {
                const int cols = b.shape[1];
                WeightTensor rb = b;
                rb.shape = {cols};
                rb.data.assign(b.data.begin() + cols, b.data.end());
                b.shape = {cols};
                b.data.resize(size_t(cols));
                node.weights["recurrent_bias"] = rb;
            } else if (reset_after) {
                return fail(l, "a GRU with reset_after has a bias of shape [2, 3*units], got " + shape_to_string(b.shape));
            }
        }
    } else if (l.class_name == "GRU") {
        node.params["reset_after"] = reset_after;
    }
    if (s != m_shape.end()) m_shape[l.name] = return_sequences ? Shape{s->second[0], int(n)} : Shape{int(n)};
}

}  // namespace nnsim
