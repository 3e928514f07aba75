// Fuzzes the ONNX/QONNX importer (protobuf parsing, graph checks, operator mapping): success or UserError.
#include "frontends/onnx.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = nnsim::fuzz::as_file(data, size, ".onnx");
    return nnsim::fuzz::guarded([&] { nnsim::import_onnx(path); });
}
