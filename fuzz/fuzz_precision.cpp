// Fuzzes the precision-string parser: it never throws, and what it accepts prints as a string that
// parses back to the same type.
#include <cstdlib>

#include "core/precision.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = nnsim::fuzz::text_of(data, size);
    nnsim::FixedType t, back;
    std::string error;
    if (!nnsim::parse_fixed_type(text, t, error)) return 0;
    if (!nnsim::parse_fixed_type(t.to_string(), back, error) || !(back == t)) std::abort();
    return 0;
}
