// Fuzzes the Keras model-JSON importer (structure, layer configs) against a fixed weights file
// (NNSIM_FUZZ_WEIGHTS, default ../shared's KERAS_3layer_weights.h5): success or UserError.
#include <cstdlib>

#include "frontends/file_formats.hpp"
#include "frontends/keras.hpp"
#include "fuzz/fuzz_common.hpp"

namespace {
std::string g_weights;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const char* w = std::getenv("NNSIM_FUZZ_WEIGHTS");
    g_weights = w ? w : "../shared/external_models/keras/KERAS_3layer_weights.h5";
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text = nnsim::fuzz::text_of(data, size);
    return nnsim::fuzz::guarded([&] {
        const nlohmann::json j = nnsim::parse_json_text(text, "fuzz.json");
        if (!nnsim::looks_like_keras_model(j)) return;
        nnsim::import_keras_model(j, "fuzz.json", "", "fuzz", g_weights);
    });
}
