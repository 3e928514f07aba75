// Fuzzes the data-file reader (one sample a line, values separated by spaces): success or UserError.
#include <sstream>

#include "core/datafile.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(nnsim::fuzz::text_of(data, size));
    return nnsim::fuzz::guarded([&] { nnsim::read_data_stream(in, "fuzz.dat", 0); });
}
