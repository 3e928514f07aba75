// Fuzzes the data-file reader (one sample a line, values separated by spaces): success or UserError.
#include "core/datafile.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = nnsim::fuzz::as_file(data, size, ".dat");
    return nnsim::fuzz::guarded([&] { nnsim::read_data_file(path, 0); });
}
