// Reading and writing hls4ml testbench data files (datafile.hpp).
#include "core/datafile.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/diag.hpp"

namespace nnsim {

std::vector<std::vector<double>> read_data_file(const std::string& path, size_t columns) {
    std::ifstream f(path);
    if (!f) throw UserError(path + ": cannot open data file");
    return read_data_stream(f, path, columns);
}

std::vector<std::vector<double>> read_data_stream(std::istream& f, const std::string& path, size_t columns) {
    // One scan over the whole text: lines end at '\n', values are separated by blanks (space, tab,
    // '\r', '\v', '\f'); each value must be exactly one finite strtod number.
    const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    std::vector<std::vector<double>> rows;
    std::vector<double> row;
    const char* p = text.c_str();
    const char* const end = p + text.size();
    size_t line_no = 0;
    while (p < end) {
        ++line_no;
        const char* eol = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        if (!eol) eol = end;
        row.clear();
        while (true) {
            while (p < eol && blank(*p)) ++p;
            if (p == eol) break;
            const char* tok_end = p;
            while (tok_end < eol && !blank(*tok_end)) ++tok_end;
            errno = 0;
            char* num_end = nullptr;
            const double v = *p == '\0' ? 0.0 : std::strtod(p, &num_end);
            if (num_end != tok_end || errno == ERANGE || !std::isfinite(v))
                throw UserError(path + ":" + std::to_string(line_no) + ": '" + std::string(p, tok_end) +
                                "' is not a finite number");
            row.push_back(v);
            p = tok_end;
        }
        p = eol + 1;
        if (row.empty()) continue;
        if (columns == 0) columns = row.size();
        if (row.size() != columns)
            throw UserError(path + ":" + std::to_string(line_no) + ": expected " + std::to_string(columns) +
                            " values per sample, got " + std::to_string(row.size()));
        rows.push_back(row);
    }
    if (rows.empty()) throw UserError(path + ": no samples (expected one sample per line)");
    return rows;
}

std::string format_value(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // Prefer the shortest representation that reads back identically.
    for (int p = 6; p < 17; ++p) {
        char shorter[40];
        std::snprintf(shorter, sizeof shorter, "%.*g", p, v);
        if (std::strtod(shorter, nullptr) == v) return shorter;
    }
    return buf;
}

void write_data_file(const std::string& path, const std::vector<std::vector<double>>& rows) {
    std::ofstream f(path);
    if (!f) throw UserError(path + ": cannot write data file");
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) f << (i ? " " : "") << format_value(row[i]);
        f << "\n";
    }
    if (!f) throw UserError(path + ": write failed");
}

}  // namespace nnsim
