// QKeras quantizers (qkeras.hpp): parsing a quantizer's config or string form, QKeras's inference
// arithmetic for weights, and the precisions hls4ml gives each quantizer.
#include "frontends/qkeras.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "core/diag.hpp"

namespace nnsim {
namespace {

using json = nlohmann::json;

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
    if (kw.count("threshold") && kw["threshold"].is_number()) r.threshold = kw["threshold"].get<double>();
    r.bits = bits;
    if (r.text.empty()) r.text = r.kind + "()";
    return r;
}

}  // namespace


double QKerasQuantizer::quantize(double x) const {
    if (kind == "binary") return x >= 0 ? 1.0 : -1.0;  // QKeras's and hls4ml's BinaryQuantizer
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

}  // namespace nnsim
