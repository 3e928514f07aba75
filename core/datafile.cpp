// Reading and writing hls4ml testbench data files (datafile.hpp).
#include "core/datafile.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/diag.hpp"

namespace nnsim {

std::vector<std::vector<double>> read_data_file(const std::string& path, size_t columns) {
    std::ifstream f(path);
    if (!f) throw UserError(path + ": cannot open data file");
    return read_data_stream(f, path, columns);
}

std::vector<std::vector<double>> read_data_stream(std::istream& f, const std::string& path, size_t columns) {
    std::vector<std::vector<double>> rows;
    std::string line;
    size_t line_no = 0;
    while (std::getline(f, line)) {
        ++line_no;
        std::istringstream s(line);
        std::vector<double> row;
        std::string tok;
        while (s >> tok) {
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(tok.c_str(), &end);
            if (end == tok.c_str() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
                throw UserError(path + ":" + std::to_string(line_no) + ": '" + tok + "' is not a finite number");
            row.push_back(v);
        }
        if (row.empty()) continue;
        if (columns == 0) columns = row.size();
        if (row.size() != columns)
            throw UserError(path + ":" + std::to_string(line_no) + ": expected " + std::to_string(columns) +
                            " values per sample, got " + std::to_string(row.size()));
        rows.push_back(std::move(row));
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
