// QKeras quantizers and the lowering of QKeras layers (qkeras.hpp).
#include "frontends/qkeras.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/diag.hpp"
#include "core/layer_kind.hpp"

namespace nnsim {
namespace {

using json = nlohmann::json;

const std::map<std::string, std::string>& float_classes() {
    static const std::map<std::string, std::string> k = {
        {"QDense", "Dense"},         {"QConv1D", "Conv1D"},
        {"QConv2D", "Conv2D"},       {"QDepthwiseConv2D", "DepthwiseConv2D"},
        {"QSeparableConv1D", "SeparableConv1D"}, {"QSeparableConv2D", "SeparableConv2D"},
        {"QActivation", "Activation"}, {"QLSTM", "LSTM"}, {"QGRU", "GRU"}, {"QSimpleRNN", "SimpleRNN"},
        {"QBatchNormalization", "BatchNormalization"}};
    return k;
}

/// The quantizer keys of a Q-layer's config and the weight each one quantizes.
const std::map<std::string, std::string>& weight_quantizer_keys() {
    static const std::map<std::string, std::string> k = {{"kernel_quantizer", "kernel"},
                                                         {"bias_quantizer", "bias"},
                                                         {"depthwise_quantizer", "depthwise_kernel"},
                                                         {"pointwise_quantizer", "pointwise_kernel"},
                                                         {"recurrent_quantizer", "recurrent_kernel"}};
    return k;
}

/// "name(a, b, key=value)" -> class name, positional and keyword arguments (as JSON values).
void parse_call(const std::string& text, std::string& name, std::vector<json>& args, std::map<std::string, json>& kw,
                const std::string& fail) {
    const size_t open = text.find('(');
    name = text.substr(0, open);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (open == std::string::npos) return;
    if (text.back() != ')') throw UserError(fail + "expected name(arguments)");
    std::string inner = text.substr(open + 1, text.size() - open - 2);
    size_t pos = 0;
    while (pos <= inner.size()) {
        size_t comma = inner.find(',', pos);
        if (comma == std::string::npos) comma = inner.size();
        std::string item = inner.substr(pos, comma - pos);
        pos = comma + 1;
        const auto trim = [](std::string s) {
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
            while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
            return s;
        };
        item = trim(item);
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        const std::string value = trim(eq == std::string::npos ? item : item.substr(eq + 1));
        json v;
        if (value == "True") v = true;
        else if (value == "False") v = false;
        else if (value == "None") v = nullptr;
        else {
            try {
                size_t used = 0;
                const double d = std::stod(value, &used);
                if (used != value.size()) throw std::invalid_argument(value);
                v = d;
            } catch (const std::exception&) {
                v = value;  // a string argument such as alpha='auto_po2'
            }
        }
        if (eq == std::string::npos) args.push_back(v);
        else kw[trim(item.substr(0, eq))] = v;
    }
}

int as_int(const json& v, const std::string& fail, const char* what) {
    if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
    if (!v.is_number() || std::floor(v.get<double>()) != v.get<double>())
        throw UserError(fail + std::string(what) + " must be an integer");
    return int(v.get<double>());
}

/// binary(use_01, alpha, use_stochastic_rounding) and ternary(alpha, threshold, use_stochastic_rounding,
/// number_of_unrolls): arguments in that order, alpha 1 only, no stochastic rounding, binary +-1 only.
QKerasQuantizer sign_quantizer(QKerasQuantizer r, const std::vector<json>& args, std::map<std::string, json>& kw,
                               const std::string& fail, const std::vector<std::string>& names, int bits) {
    if (args.size() > names.size()) throw UserError(fail + r.kind + ": too many arguments");
    for (size_t i = 0; i < args.size(); ++i) kw[names[i]] = args[i];
    for (const auto& [k, v] : kw)
        if (std::find(names.begin(), names.end(), k) == names.end())
            throw UserError(fail + r.kind + ": unknown argument '" + k + "'");
    if (kw.count("use_01") && as_int(kw["use_01"], fail, "use_01"))
        throw UserError(fail + r.kind + "(use_01=1) is not supported yet (only +-1)");
    if (kw.count("alpha") && !kw["alpha"].is_null() && !(kw["alpha"].is_number() && kw["alpha"].get<double>() == 1.0))
        throw UserError(fail + r.kind + " alpha=" + kw["alpha"].dump() + " is not supported yet (only alpha=1)");
    if (kw.count("use_stochastic_rounding") && kw["use_stochastic_rounding"].is_boolean() &&
        kw["use_stochastic_rounding"].get<bool>())
        throw UserError(fail + r.kind + ": stochastic rounding has no hardware equivalent");
    r.bits = bits;
    if (r.text.empty()) r.text = r.kind + "()";
    return r;
}

}  // namespace

double QKerasQuantizer::quantize(double x) const {
    if (kind == "binary") return x > 0 ? 1.0 : -1.0;  // hls4ml's BinaryQuantizer (QKeras: x >= 0 ? 1 : -1)
    if (kind == "ternary") return x > 0.5 ? 1.0 : (x <= -0.5 ? -1.0 : 0.0);  // hls4ml's TernaryQuantizer
    if (kind == "quantized_po2") {
        const double eps = 1e-7;  // tf.keras.backend.epsilon()
        const double sign = x < 0 ? -1.0 : 1.0;
        double a = std::fabs(x);
        if (a < eps) return sign * std::ldexp(1.0, min_exp);
        if (max_value >= 0 && a >= max_value) a = max_value;
        const double l = std::nearbyint(std::log2(a));  // ties to even, as tf.round
        return sign * std::ldexp(1.0, int(std::min(std::max(l, double(min_exp)), double(max_exp))));
    }
    if (kind == "quantized_relu") {
        const double scale = std::ldexp(1.0, bits - integer);
        const double v = std::nearbyint(std::max(x, 0.0) * scale) / scale;  // ties to even (default FE_TONEAREST)
        return std::min(v, std::ldexp(1.0, integer) - 1.0 / scale);
    }
    const double m = std::ldexp(1.0, bits - (keep_negative ? 1 : 0)), m_i = std::ldexp(1.0, integer);
    const double lo = keep_negative ? (symmetric ? 1.0 : 0.0) - m : 0.0;
    const double p = std::min(std::max(std::nearbyint(x * m / m_i), lo), m - 1);
    return m_i * p / m;
}

FixedType QKerasQuantizer::weight_type() const {
    FixedType t;
    if (kind == "binary" || kind == "ternary") {  // -1, (0,) +1: int<2>
        t.width = 2, t.integer = 2;
        return t;
    }
    if (kind == "quantized_po2") {  // every +-2^e, e in [min_exp, max_exp], exactly
        t.integer = std::max(1, top_exp + 2);
        t.width = t.integer + std::max(0, -min_exp);
        return t;
    }
    t.width = bits;
    t.is_signed = keep_negative;
    t.integer = integer + (keep_negative ? 1 : 0);
    return t;
}

FixedType QKerasQuantizer::activation_type() const {
    FixedType t = weight_type();
    if (kind == "binary" || kind == "ternary") return t;
    if (kind == "quantized_tanh" || kind == "quantized_sigmoid") {
        t.width = bits;
        t.integer = kind == "quantized_tanh" ? 1 : 0;
        t.is_signed = kind == "quantized_tanh";
        t.round = RoundMode::kRndConv;
        t.overflow = symmetric && kind == "quantized_tanh" ? OverflowMode::kSatSym : OverflowMode::kSat;
        return t;
    }
    if (kind == "quantized_relu") t.width = bits + 1, t.integer = integer + 1, t.is_signed = true;
    t.round = RoundMode::kRndConv;
    t.overflow = OverflowMode::kSat;
    return t;
}

QKerasQuantizer parse_qkeras_quantizer(const json& q, const std::string& file, const std::string& where,
                                       const std::string& layer) {
    const std::string fail = file + ": " + where + " (layer '" + layer + "'): ";
    QKerasQuantizer r;
    std::vector<json> args;
    std::map<std::string, json> kw;
    if (q.is_string()) {
        parse_call(q.get<std::string>(), r.kind, args, kw, fail);
        r.text = q.get<std::string>();
    } else if (q.is_object() && q.contains("class_name") && q["class_name"].is_string()) {
        r.kind = q["class_name"].get<std::string>();
        if (q.contains("config") && q["config"].is_object())
            for (const auto& [k, v] : q["config"].items()) kw[k] = v;
    } else {
        throw UserError(fail + "expected a QKeras quantizer (an object with class_name and config, or its string form)");
    }
    const std::vector<std::string> order =
        r.kind == "quantized_relu"      ? std::vector<std::string>{"bits", "integer", "use_sigmoid"}
        : r.kind == "quantized_tanh"    ? std::vector<std::string>{"bits", "use_stochastic_rounding", "symmetric", "use_real_tanh"}
        : r.kind == "quantized_sigmoid" ? std::vector<std::string>{"bits", "symmetric", "use_real_sigmoid", "use_stochastic_rounding"}
        : r.kind == "quantized_po2"
            ? std::vector<std::string>{"bits", "max_value", "use_stochastic_rounding", "quadratic_approximation"}
            : std::vector<std::string>{"bits", "integer", "symmetric", "keep_negative"};
    static const std::set<std::string> kinds = {"quantized_bits", "quantized_relu", "quantized_po2", "binary",
                                                "ternary", "quantized_tanh", "quantized_sigmoid"};
    if (r.kind == "quantized_relu_po2")
        throw UserError(fail + "quantized_relu_po2 is not supported (hls4ml does not convert it either: its "
                               "QActivation handler refuses it)");
    if (!kinds.count(r.kind))
        throw UserError(fail + "quantizer " + r.kind +
                        " is not supported yet (supported: quantized_bits, quantized_relu, binary, ternary, quantized_po2 "
                        "for weights, quantized_tanh and quantized_sigmoid as activations; --ignore-quantizers reads "
                        "the model with float weights)");
    if (r.kind == "ternary")
        return sign_quantizer(r, args, kw, fail, {"alpha", "threshold", "use_stochastic_rounding", "number_of_unrolls"}, 2);
    if (r.kind == "binary") return sign_quantizer(r, args, kw, fail, {"use_01", "alpha", "use_stochastic_rounding"}, 1);
    for (size_t i = 0; i < args.size(); ++i) {
        if (i >= order.size()) throw UserError(fail + r.kind + ": too many arguments");
        kw[order[i]] = args[i];
    }
    static const std::set<std::string> known = {"bits", "integer", "symmetric", "keep_negative", "alpha",
                                                "use_stochastic_rounding", "qnoise_factor", "use_sigmoid",
                                                "negative_slope", "relu_upper_bound", "var_name", "use_ste",
                                                "use_variables", "min_po2_exponent", "max_po2_exponent",
                                                "scale_axis", "elements_per_scale", "post_training_scale",
                                                "max_value", "quadratic_approximation", "log2_rounding",
                                                "use_real_tanh", "use_real_sigmoid"};
    for (const auto& [k, v] : kw) {
        if (!known.count(k)) throw UserError(fail + r.kind + ": unknown argument '" + k + "'");
    }
    if (!kw.count("bits")) throw UserError(fail + r.kind + ": missing bits");
    r.bits = as_int(kw["bits"], fail, "bits");
    r.integer = kw.count("integer") ? as_int(kw["integer"], fail, "integer") : 0;
    const auto flag = [&](const char* k) {
        return kw.count(k) && !kw[k].is_null() && ((kw[k].is_boolean() && kw[k].get<bool>()) ||
                                                   (kw[k].is_number() && kw[k].get<double>() != 0.0));
    };
    if (r.kind == "quantized_tanh" || r.kind == "quantized_sigmoid") {
        for (const auto& [k, v] : kw)
            if (k != "bits" && k != "symmetric" && k != "use_stochastic_rounding" &&
                k != (r.kind == "quantized_tanh" ? "use_real_tanh" : "use_real_sigmoid"))
                throw UserError(fail + r.kind + ": unknown argument '" + k + "'");
        r.keep_negative = r.kind == "quantized_tanh";
        r.symmetric = flag("symmetric");
        r.use_real = flag(r.kind == "quantized_tanh" ? "use_real_tanh" : "use_real_sigmoid");
        r.integer = r.kind == "quantized_tanh" ? 1 : 0;
        if (r.bits < 2 || r.bits > 32) throw UserError(fail + r.kind + ": bits " + std::to_string(r.bits) + " (expected 2..32)");
    } else if (r.kind == "quantized_po2") {
        r.keep_negative = true;
        if (kw.count("max_value") && !kw["max_value"].is_null()) {
            if (!kw["max_value"].is_number() || !(kw["max_value"].get<double>() > 0))
                throw UserError(fail + "quantized_po2: max_value must be a positive number");
            r.max_value = kw["max_value"].get<double>();
        }
        if (kw.count("quadratic_approximation") && as_int(kw["quadratic_approximation"], fail, "quadratic_approximation"))
            throw UserError(fail + "quantized_po2: quadratic_approximation is not supported yet");
        if (kw.count("log2_rounding") && !(kw["log2_rounding"].is_string() && kw["log2_rounding"] == "rnd"))
            throw UserError(fail + "quantized_po2: log2_rounding " + kw["log2_rounding"].dump() +
                            " is not supported yet (only \"rnd\")");
        if (r.bits < 2 || r.bits > 8) throw UserError(fail + "quantized_po2: bits " + std::to_string(r.bits) + " (expected 2..8)");
        const int k = r.bits - 1 - (r.max_value < 0 || r.max_value > 1 ? 1 : 0);
        r.min_exp = -(1 << k);
        r.max_exp = (1 << k) - 1;
        // max_value caps |x| before the rounding, so no exponent beyond round(log2(max_value)) occurs.
        r.top_exp = r.max_exp;
        if (r.max_value > 0)
            r.top_exp = std::max(r.min_exp, std::min(r.max_exp, int(std::nearbyint(std::log2(r.max_value)))));
        if (r.weight_type().width > 32)
            throw UserError(fail + "quantized_po2(" + std::to_string(r.bits) + "): exponents 2^" + std::to_string(r.min_exp) +
                            "..2^" + std::to_string(r.top_exp) + " need more than 32 bits as fixed point (not supported)");
    } else if (r.kind == "quantized_bits") {
        r.keep_negative = !kw.count("keep_negative") || as_int(kw["keep_negative"], fail, "keep_negative") != 0;
        r.symmetric = kw.count("symmetric") && as_int(kw["symmetric"], fail, "symmetric") != 0;
        if (kw.count("alpha") && !kw["alpha"].is_null() && !(kw["alpha"].is_number() && kw["alpha"].get<double>() == 1.0)) {
            std::string a = kw["alpha"].is_string() ? kw["alpha"].get<std::string>() : "";
            if (a.size() >= 2 && (a.front() == '\'' || a.front() == '"') && a.back() == a.front()) a = a.substr(1, a.size() - 2);
            if (a != "auto" && a != "auto_po2")
                throw UserError(fail + "quantized_bits alpha=" + (a.empty() ? kw["alpha"].dump() : a) +
                                " is not supported yet (alpha 1, \"auto\" or \"auto_po2\")");
            for (const char* k : {"scale_axis", "elements_per_scale", "min_po2_exponent", "max_po2_exponent",
                                  "post_training_scale"})
                if (kw.count(k) && !kw[k].is_null())
                    throw UserError(fail + "quantized_bits with alpha " + a + ": " + k + " is not supported yet");
            if (!r.keep_negative) throw UserError(fail + "quantized_bits with alpha " + a + " needs keep_negative");
            if (r.bits < 2) throw UserError(fail + "quantized_bits with alpha " + a + " needs at least 2 bits");
            r.alpha = a;
            r.symmetric = true;  // QKeras forces it for a string alpha
        }
    } else {
        r.keep_negative = false;
        const auto nonzero = [&](const char* k) {
            return kw.count(k) && !kw[k].is_null() && !(kw[k].is_number() && kw[k].get<double>() == 0.0) &&
                   !(kw[k].is_boolean() && !kw[k].get<bool>());
        };
        if (nonzero("use_sigmoid") || nonzero("negative_slope") || nonzero("relu_upper_bound"))
            throw UserError(fail + "quantized_relu with use_sigmoid, negative_slope or relu_upper_bound is not supported yet");
    }
    if (kw.count("use_stochastic_rounding") && kw["use_stochastic_rounding"].is_boolean() &&
        kw["use_stochastic_rounding"].get<bool>())
        throw UserError(fail + r.kind + ": stochastic rounding has no hardware equivalent");
    if (r.kind != "quantized_po2" && r.kind != "quantized_tanh" && r.kind != "quantized_sigmoid" &&
        (r.bits < 1 || r.bits > 32 || r.integer < 0 || r.integer > r.bits))
        throw UserError(fail + r.kind + ": bits " + std::to_string(r.bits) + ", integer " + std::to_string(r.integer) +
                        " (expected 1 <= bits <= 32, 0 <= integer <= bits)");
    if (r.text.empty() && r.kind == "quantized_po2") {
        r.text = "quantized_po2(" + std::to_string(r.bits);
        if (r.max_value >= 0) r.text += "," + nlohmann::json(r.max_value).dump();
        r.text += ")";
    }
    if (r.text.empty() && (r.kind == "quantized_tanh" || r.kind == "quantized_sigmoid")) {
        r.text = r.kind + "(" + std::to_string(r.bits) + (r.symmetric ? ",symmetric=1" : "") +
                 (r.use_real ? ",use_real=1" : "") + ")";
    }
    if (r.text.empty()) {
        r.text = r.kind + "(" + std::to_string(r.bits) + "," + std::to_string(r.integer);
        if (r.kind == "quantized_bits") r.text += "," + std::to_string(r.keep_negative ? 1 : 0);
        if (!r.alpha.empty()) r.text += ",alpha=" + r.alpha;
        r.text += ")";
    }
    return r;
}

json lower_qkeras(const json& model, const std::string& source_file, QKerasQuantizers& found) {
    json m = model;
    if (!m.is_object() || !m.contains("config")) return m;
    json* layers = &m["config"];
    std::string base = "/config";
    if (layers->is_object() && layers->contains("layers")) layers = &(*layers)["layers"], base += "/layers";
    if (!layers->is_array()) return m;
    for (size_t i = 0; i < layers->size(); ++i) {
        json& l = (*layers)[i];
        if (!l.is_object() || !l.contains("class_name") || !l["class_name"].is_string() || !l.contains("config") ||
            !l["config"].is_object())
            continue;
        const auto it = float_classes().find(l["class_name"].get<std::string>());
        if (it == float_classes().end()) continue;
        json& c = l["config"];
        const std::string name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : "";
        const std::string where = base + "/" + std::to_string(i) + "/config";
        auto& q = found[name];
        if (c.contains("state_quantizer") && !c["state_quantizer"].is_null())
            throw UserError(source_file + ": " + where + "/state_quantizer (layer '" + name +
                            "'): a state quantizer is not supported yet (the state keeps the layer's state and result "
                            "precisions)");
        c.erase("state_quantizer");
        // QBatchNormalization: its gamma, beta, mean and variance quantizers quantize those parameters
        // (QKeras's inference values); the batchnorm kind then folds them into its scale and bias, as
        // hls4ml does.
        static const std::map<std::string, std::string> bn_keys = {{"gamma_quantizer", "gamma"},
                                                                   {"beta_quantizer", "beta"},
                                                                   {"mean_quantizer", "moving_mean"},
                                                                   {"variance_quantizer", "moving_variance"}};
        for (const auto& [key, weight] : bn_keys) {
            if (c.contains(key) && !c[key].is_null()) {
                QKerasQuantizer bq = parse_qkeras_quantizer(c[key], source_file, where + "/" + key, name);
                if (bq.kind != "quantized_bits" && bq.kind != "quantized_po2" && bq.kind != "quantized_relu")
                    throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): " + bq.kind +
                                    " as a batch-normalization parameter quantizer is not supported");
                if (!bq.alpha.empty())
                    throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name +
                                    "'): alpha " + bq.alpha + " is supported for kernels only");
                q["bn_" + weight] = bq;
            }
            c.erase(key);
        }
        for (const auto& [key, weight] : weight_quantizer_keys()) {
            if (!c.contains(key) || c[key].is_null()) continue;
            q[weight] = parse_qkeras_quantizer(c[key], source_file, where + "/" + key, name);
            const bool alpha_layer = it->first == "QDense" || it->first == "QConv1D" || it->first == "QConv2D";
            if (!q[weight].alpha.empty() && (weight != "kernel" || !alpha_layer))
                throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): alpha " +
                                q[weight].alpha + " is supported for the kernel of QDense and QConv1D/2D only (as in hls4ml)");
            if (q[weight].kind == "quantized_tanh" || q[weight].kind == "quantized_sigmoid")
                throw UserError(source_file + ": " + where + "/" + key + " (layer '" + name + "'): " + q[weight].kind +
                                " is an activation quantizer; as a weight quantizer it is not supported");
            c.erase(key);
        }
        if (c.contains("activation")) {
            const json& a = c["activation"];
            static const std::set<std::string> bare = {"binary", "stochastic_binary", "ternary", "stochastic_ternary",
                                                       "bernoulli"};  // QKeras quantizers named without arguments
            const bool quantizer = a.is_object() || (a.is_string() && a.get<std::string>().find('(') != std::string::npos) ||
                                   (a.is_string() && a.get<std::string>().rfind("quantized_", 0) == 0) ||
                                   (a.is_string() && bare.count(a.get<std::string>()));
            if (quantizer) {
                const QKerasQuantizer aq = parse_qkeras_quantizer(a, source_file, where + "/activation", name);
                if (aq.kind == "quantized_po2")
                    throw UserError(source_file + ": " + where + "/activation (layer '" + name +
                                    "'): quantized_po2 as an activation is not supported yet (its results are powers "
                                    "of two, hls4ml's exponent type)");
                const bool hard = (aq.kind == "quantized_tanh" || aq.kind == "quantized_sigmoid") && !aq.use_real;
                if (it->first != "QActivation" && aq.kind != "quantized_relu")
                    throw UserError(source_file + ": " + where + "/activation (layer '" + name + "'): " + aq.kind +
                                    " as the activation of a " + it->first +
                                    " is not supported yet (a QActivation after the layer is)");
                q["activation"] = aq;
                // binary, ternary: hls4ml's binary_tanh (x > 0 ? 1 : -1; QKeras gives +1 for x = 0) and
                // ternary_tanh (thresholds +-1; QKeras's default threshold is 0.33).
                // quantized_tanh/sigmoid: hls4ml's HardActivation (slope and shift 0.5, set by
                // apply_qkeras_quantizers), or with use_real_* the tanh/sigmoid tables.
                c["activation"] = aq.kind == "quantized_relu"      ? "relu"
                                  : aq.kind == "binary"            ? "binary_tanh"
                                  : aq.kind == "ternary"           ? "ternary_tanh"
                                  : aq.kind == "quantized_tanh"    ? (hard ? "hard_tanh" : "tanh")
                                  : aq.kind == "quantized_sigmoid" ? (hard ? "hard_sigmoid" : "sigmoid")
                                                                   : "linear";
            }
        }
        l["class_name"] = it->second;
    }
    return m;
}

void apply_qkeras_quantizers(Graph& g, const QKerasQuantizers& q) {
    std::map<std::string, Node*> by_name;
    for (Node& n : g.nodes) by_name[n.name] = &n;
    auto node = [&](const std::string& name) -> Node* {
        auto it = by_name.find(name);
        return it == by_name.end() ? nullptr : it->second;
    };
    auto set_weight = [&](Node* n, const char* weight, const char* var, const QKerasQuantizer& quant) {
        if (n == nullptr) return;
        auto w = n->weights.find(weight);
        if (w == n->weights.end()) return;
        for (double& v : w->second.data) v = quant.quantize(v);
        w->second.file.clear(), w->second.dataset.clear();  // quantized: no longer the file's values
        g.quantizer_precision[n->name][var] = {quant.weight_type(), quant.text};
    };
    std::vector<std::pair<std::string, const QKerasQuantizer*>> alpha_layers;
    for (const auto& [layer, roles] : q) {
        // Separable layers are split into "<layer>_depthwise" and "<layer>_pointwise" (keras_conv.cpp).
        Node* own = node(layer);
        Node* dw = own ? own : node(layer + "_depthwise");
        Node* last = own ? own : node(layer + "_pointwise");
        for (const auto& [role, quant] : roles) {
            if (role.rfind("bn_", 0) == 0 && own != nullptr) {  // a QBatchNormalization parameter
                auto w = own->weights.find(role.substr(3));
                if (w == own->weights.end()) continue;
                for (double& v : w->second.data) v = quant.quantize(v);
                w->second.file.clear(), w->second.dataset.clear();
                continue;
            }
            if (role == "kernel" && !quant.alpha.empty()) alpha_layers.emplace_back(layer, &quant);
            else if (role == "kernel") set_weight(own, "kernel", "weight", quant);
            else if (role == "depthwise_kernel") set_weight(dw, "kernel", "weight", quant);
            else if (role == "pointwise_kernel") set_weight(node(layer + "_pointwise"), "kernel", "weight", quant);
            else if (role == "recurrent_kernel") set_weight(own, "recurrent_kernel", "recurrent_weight", quant);
            else if (role == "bias") {
                set_weight(last, "bias", "bias", quant);
                set_weight(last, "recurrent_bias", "recurrent_bias", quant);  // a GRU's second bias row
            }
        }
        auto act = roles.find("activation");
        if (act == roles.end() || last == nullptr) continue;
        // A QActivation is its own node; a Q-layer's quantized_relu is split off as "<layer>_relu".
        Node* target = last->weights.empty() ? last : node(last->name + "_relu");
        if (target == nullptr) continue;
        g.quantizer_precision[target->name]["result"] = {act->second.activation_type(), act->second.text};
        const auto params = target->kind->params();
        const bool has_slope =
            std::any_of(params.begin(), params.end(), [](const ParamSpec& p) { return p.name == "slope"; });
        if (has_slope) {  // QKeras's hard_sigmoid: slope and shift 0.5, in ufixed<2,0>
            FixedType half;
            half.width = 2, half.integer = 0, half.is_signed = false;
            target->params["slope"] = 0.5;
            target->params["shift"] = 0.5;
            g.quantizer_precision[target->name]["slope"] = {half, act->second.text};
            g.quantizer_precision[target->name]["shift"] = {half, act->second.text};
        }
    }
    // alpha auto/auto_po2: the kernel on the quantizer's grid, the scale in a layer after it (inserted
    // last: the node pointers above stay valid until then).
    for (const auto& [layer, quant] : alpha_layers) {
        Node* n = g.find(layer);  // not by_name: each insertion moves the nodes
        if (n == nullptr || !n->weights.count("kernel")) continue;
        WeightTensor& k = n->weights["kernel"];
        const AlphaSplit split = qkeras_alpha_split(k, *quant);
        k.data = split.grid;
        k.file.clear(), k.dataset.clear();
        g.quantizer_precision[layer]["weight"] = {quant->weight_type(), quant->text};
        insert_alpha_layer(g, layer, split.scale, *quant);
    }
}

}  // namespace nnsim
