// Fuzzes the HDF5 reader on in-memory file images (HDF5's core driver): opening, the Keras attributes
// (layer_names, weight_names), group listings and every dataset they name: success or UserError.
#include "core/hdf5_file.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return nnsim::fuzz::guarded([&] {
        nnsim::Hdf5File f(data, size, "fuzz.h5");
        int budget = 64;  // datasets read per input
        for (const std::string& layer : f.string_array_attr("/", "layer_names")) {
            const std::string group = "/" + layer;
            for (const std::string& c : f.children(group)) (void)f.exists(group + "/" + c);
            for (const std::string& w : f.string_array_attr(group, "weight_names")) {
                if (--budget < 0) return;
                const std::string ds = group + "/" + w;
                if (f.exists(ds)) f.read(ds);
            }
        }
        (void)f.string_attr("/", "model_config");
    });
}
