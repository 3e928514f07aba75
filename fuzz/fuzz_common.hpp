// Shared by the libFuzzer harnesses (fuzz/*.cpp): the contract every reader keeps on any input. A
// reader either succeeds or throws UserError (what the command line turns into exit code 2); any other
// exception escapes to libFuzzer, which reports it as a crash, as it does sanitizer reports, timeouts
// (bench/fuzz.sh: -timeout=2) and memory over the limit (-rss_limit_mb=1024).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/diag.hpp"

namespace nnsim::fuzz {

/// Runs `read`; a UserError is the reader refusing the input, as it should.
template <class Read>
int guarded(Read&& read) {
    try {
        read();
    } catch (const UserError&) {
    }
    return 0;
}

/// The input as text.
inline std::string text_of(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

/// The input written to a file of this process (rewritten on every call), for readers that take a path.
inline std::string as_file(const uint8_t* data, size_t size, const char* suffix) {
    static const std::string dir = [] {
        const char* t = std::getenv("TMPDIR");
        return std::string(t && *t ? t : "/tmp");
    }();
    const std::string path = dir + "/nnsim_fuzz_" + std::to_string(getpid()) + suffix;
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return path;
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

}  // namespace nnsim::fuzz
