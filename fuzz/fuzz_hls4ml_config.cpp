// Fuzzes the hls4ml config reader (YAML or JSON text): success or UserError.
#include "frontends/file_formats.hpp"
#include "frontends/hls4ml_config.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = nnsim::fuzz::text_of(data, size);
    return nnsim::fuzz::guarded([&] {
        const nlohmann::json j = nnsim::looks_like_json(text) ? nnsim::parse_json_text(text, "fuzz.yml")
                                                              : nnsim::parse_yaml_text(text, "fuzz.yml");
        if (nnsim::looks_like_hls4ml_config(j)) nnsim::parse_hls4ml_config(j, "fuzz.yml");
    });
}
