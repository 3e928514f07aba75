// The build identity that keys the sweep store (core/build_id.hpp): the linker's GNU build-id of the
// test binary, read back from the loaded program headers, equals what readelf would print.
#include <gtest/gtest.h>

#include <iterator>
#include <fstream>
#include <string>

#include "core/build_id.hpp"

namespace nnsim {
namespace {

TEST(BuildId, IsTheLinkersNote) {
    const std::string& id = build_id();
    ASSERT_GE(id.size(), 16u) << "no GNU build-id note found (the linker is run with --build-id on Debian)";
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(&build_id(), &id);
    // The same bytes as in the executable file: its note holds the id verbatim.
    std::ifstream f("/proc/self/exe", std::ios::binary);
    const std::string image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::string raw;
    for (size_t i = 0; i + 1 < id.size(); i += 2) raw += char(std::stoi(id.substr(i, 2), nullptr, 16));
    EXPECT_NE(image.find(std::string("GNU\0", 4) + raw), std::string::npos);
}

}  // namespace
}  // namespace nnsim
