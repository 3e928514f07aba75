// Parsing of hls4ml precision strings ("fixed<16,6>", "ap_fixed<8,3,AP_RND,AP_SAT>", "int<8>", ...).
#pragma once

#include <string>

#include "core/fixed.hpp"

namespace nnsim {

/// Parse a precision string. On failure returns false and sets `error` to a one-line explanation that
/// names the offending part and what was expected.
bool parse_fixed_type(const std::string& text, FixedType& out, std::string& error);

bool parse_round_mode(const std::string& text, RoundMode& out);
bool parse_overflow_mode(const std::string& text, OverflowMode& out);

}  // namespace nnsim
