// Parsing of hls4ml precision strings into FixedType.
//
// Accepted spellings (case-sensitive names, spaces ignored), as hls4ml writes them:
//   fixed<W,I[,Q[,O[,N]]]>   ufixed<...>   ap_fixed<...>   ap_ufixed<...>
//   int<W>   uint<W>   ap_int<W>   ap_uint<W>
// Q is one of TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF, RND_CONV and O one of WRAP, SAT,
// SAT_ZERO, SAT_SYM, each optionally prefixed with AP_ (ap_fixed) or SC_ (sc_fixed).
#include "core/precision.hpp"

#include <cctype>
#include <vector>

namespace nnsim {
namespace {

bool parse_int(const std::string& s, int& out) {
    if (s.empty()) return false;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == s.size()) return false;
    for (size_t k = i; k < s.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
    if (s.size() > 6) return false;
    out = std::stoi(s);
    return true;
}

std::string strip_prefix(const std::string& s) {
    if (s.rfind("AP_", 0) == 0 || s.rfind("SC_", 0) == 0) return s.substr(3);
    return s;
}

}  // namespace

bool parse_round_mode(const std::string& text, RoundMode& out) {
    static const std::pair<const char*, RoundMode> kModes[] = {
        {"TRN", RoundMode::kTrn},           {"TRN_ZERO", RoundMode::kTrnZero},
        {"RND", RoundMode::kRnd},           {"RND_ZERO", RoundMode::kRndZero},
        {"RND_INF", RoundMode::kRndInf},    {"RND_MIN_INF", RoundMode::kRndMinInf},
        {"RND_CONV", RoundMode::kRndConv},
    };
    const std::string s = strip_prefix(text);
    for (const auto& m : kModes)
        if (s == m.first) {
            out = m.second;
            return true;
        }
    return false;
}

bool parse_overflow_mode(const std::string& text, OverflowMode& out) {
    static const std::pair<const char*, OverflowMode> kModes[] = {
        {"WRAP", OverflowMode::kWrap},
        {"SAT", OverflowMode::kSat},
        {"SAT_ZERO", OverflowMode::kSatZero},
        {"SAT_SYM", OverflowMode::kSatSym},
    };
    const std::string s = strip_prefix(text);
    for (const auto& m : kModes)
        if (s == m.first) {
            out = m.second;
            return true;
        }
    return false;
}

bool parse_fixed_type(const std::string& text, FixedType& out, std::string& error) {
    std::string s;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) s += c;
    const size_t lt = s.find('<');
    if (lt == std::string::npos || s.back() != '>') {
        error = "expected a precision such as fixed<16,6>, ufixed<8,3,RND,SAT>, int<8> (got '" + text + "')";
        return false;
    }
    std::string base = s.substr(0, lt);
    if (base.rfind("ap_", 0) == 0) base = base.substr(3);
    std::vector<std::string> args;
    {
        std::string cur;
        for (size_t i = lt + 1; i + 1 < s.size(); ++i) {
            if (s[i] == ',') {
                args.push_back(cur);
                cur.clear();
            } else {
                cur += s[i];
            }
        }
        args.push_back(cur);
    }
    FixedType t;
    const bool is_int = base == "int" || base == "uint";
    const bool is_fixed = base == "fixed" || base == "ufixed";
    if (!is_int && !is_fixed) {
        error = "unknown precision type '" + base + "' in '" + text +
                "' (expected fixed, ufixed, ap_fixed, ap_ufixed, int, uint, ap_int or ap_uint)";
        return false;
    }
    t.is_signed = base == "int" || base == "fixed";
    const size_t max_args = is_int ? 1 : 5;
    if (args.size() < (is_int ? 1u : 2u) || args.size() > max_args) {
        error = "'" + text + "' has " + std::to_string(args.size()) + " parameters; expected " +
                (is_int ? std::string("<W>") : std::string("<W,I[,Q[,O[,N]]]>"));
        return false;
    }
    if (!parse_int(args[0], t.width)) {
        error = "width '" + args[0] + "' in '" + text + "' is not an integer";
        return false;
    }
    const int max_width = t.is_signed ? 64 : 63;
    if (t.width < 1 || t.width > max_width) {
        error = "width " + args[0] + " in '" + text + "' is out of range (1.." + std::to_string(max_width) + ")";
        return false;
    }
    t.integer = t.width;
    if (is_fixed) {
        if (!parse_int(args[1], t.integer)) {
            error = "integer bits '" + args[1] + "' in '" + text + "' is not an integer";
            return false;
        }
        if (t.integer < -64 || t.integer > 128 || t.width - t.integer > 64) {
            error = "integer bits " + args[1] + " in '" + text + "' give a binary point out of range";
            return false;
        }
        if (args.size() > 2 && !parse_round_mode(args[2], t.round)) {
            error = "unknown rounding mode '" + args[2] + "' in '" + text +
                    "' (expected TRN, TRN_ZERO, RND, RND_ZERO, RND_INF, RND_MIN_INF or RND_CONV)";
            return false;
        }
        if (args.size() > 3 && !parse_overflow_mode(args[3], t.overflow)) {
            error = "unknown saturation mode '" + args[3] + "' in '" + text +
                    "' (expected WRAP, SAT, SAT_ZERO or SAT_SYM)";
            return false;
        }
        if (args.size() > 4) {
            if (!parse_int(args[4], t.sat_bits) || t.sat_bits < 0 || t.sat_bits > t.width) {
                error = "saturation bits '" + args[4] + "' in '" + text + "' must be in 0.." +
                        std::to_string(t.width);
                return false;
            }
        }
    }
    out = t;
    return true;
}

}  // namespace nnsim
