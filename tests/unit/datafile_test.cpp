// hls4ml testbench data files (core/datafile.hpp): every value written reads back identically, the
// accepted spellings are strtod's, and bad files are one error naming the file and line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "core/datafile.hpp"
#include "core/diag.hpp"

namespace nnsim {
namespace {

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "nnsim_datafile_" + name;
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
}

std::string error_of(const std::string& path) {
    try {
        read_data_file(path, 0);
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

TEST(DataFile, ValuesReadBackExactly) {
    std::mt19937_64 e(7);
    std::vector<std::vector<double>> rows;
    for (int r = 0; r < 300; ++r) {
        std::vector<double> row;
        for (int c = 0; c < 7; ++c) {
            const uint64_t kind = e() % 5;
            double v = 0;
            if (kind == 0) v = std::ldexp(double(int64_t(e() % 65536) - 32768), -int(e() % 20));  // fixed-point
            if (kind == 1) v = std::normal_distribution<double>(0, 1)(e);
            if (kind == 2) v = std::ldexp(std::normal_distribution<double>(0, 1)(e), int(e() % 200) - 100);
            if (kind == 3) v = (e() % 2 ? 1 : -1) * std::numeric_limits<double>::max();
            if (kind == 4) v = (e() % 2 ? -0.0 : 0.0);
            row.push_back(v);
        }
        rows.push_back(row);
    }
    const std::string path = temp_path("roundtrip.dat");
    write_data_file(path, rows);
    const auto back = read_data_file(path, 7);
    ASSERT_EQ(back.size(), rows.size());
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < 7; ++c)
            ASSERT_EQ(std::signbit(back[r][c]), std::signbit(rows[r][c])) << r << " " << c;
    EXPECT_EQ(back, rows);
    EXPECT_EQ(format_value(0.0009765625), "0.0009765625");
    EXPECT_EQ(format_value(0.1), "0.1");
    EXPECT_EQ(format_value(-3.0517578125e-05), "-3.0517578125e-05");
    EXPECT_EQ(format_value(1e8), "1e+08");
}

TEST(DataFile, AcceptsStrtodSpellingsAndBlankLines) {
    const std::string path = temp_path("spellings.dat");
    write_text(path, "\n+1.5\t0x1p-2  -2E1\r\n\n  3 .5 1e-3\n7 8 9");  // no newline at the end
    const auto rows = read_data_file(path, 0);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<double>{1.5, 0.25, -20}));
    EXPECT_EQ(rows[1], (std::vector<double>{3, 0.5, 1e-3}));
    EXPECT_EQ(rows[2], (std::vector<double>{7, 8, 9}));
    std::istringstream in("1 2\n3 4\n");
    EXPECT_EQ(read_data_stream(in, "stdin", 2).size(), 2u);
}

TEST(DataFile, BadFilesNameTheFileAndLine) {
    const std::string path = temp_path("bad.dat");
    const struct {
        const char* text;
        const char* error;  ///< after the path
    } cases[] = {
        {"1 2\n3 x4\n", ":2: 'x4' is not a finite number"},
        {"1 2\n3 1e999\n", ":2: '1e999' is not a finite number"},
        {"1 2\nnan 4\n", ":2: 'nan' is not a finite number"},
        {"1 2\n3\n", ":2: expected 2 values per sample, got 1"},
        {"1 2 -", ":1: '-' is not a finite number"},
        {"\n \n", ": no samples (expected one sample per line)"},
        {"", ": no samples (expected one sample per line)"},
    };
    for (const auto& c : cases) {
        write_text(path, c.text);
        EXPECT_EQ(error_of(path), path + c.error) << c.text;
    }
    EXPECT_EQ(error_of(temp_path("missing.dat")), temp_path("missing.dat") + ": cannot open data file");
}

}  // namespace
}  // namespace nnsim
