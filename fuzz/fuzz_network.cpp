// Fuzzes the network-description reader (JSON, validation, weights inline): success or UserError.
#include "core/network_json.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = nnsim::fuzz::text_of(data, size);
    return nnsim::fuzz::guarded([&] { nnsim::parse_network(text, "fuzz.json"); });
}
