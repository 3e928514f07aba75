// Internal error reporting (see diag.hpp for the three error channels).
#include "core/diag.hpp"

#include <cstdio>
#include <cstdlib>

namespace nnsim {

void internal_error(const char* file, int line, const std::string& message) {
    std::fprintf(stderr, "nnsim: internal error at %s:%d: %s\n", file, line, message.c_str());
    std::abort();
}

}  // namespace nnsim
