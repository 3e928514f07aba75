// Reading and writing hls4ml testbench data files (datafile.hpp).
#include "core/datafile.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.hpp"

namespace nnsim {

namespace {

/// One value of a data file: a finite decimal number spanning [p, end). from_chars (correctly rounded,
/// like strtod, and several times faster) takes the usual spellings; anything it refuses or leaves
/// partly read goes to strtod, which also takes a leading '+' and hexadecimal floats, so the accepted
/// spellings are strtod's. Returns false for anything else.
bool parse_value(const char* p, const char* end, double& v) {
    const auto r = std::from_chars(p, end, v);
    if (r.ec == std::errc() && r.ptr == end) return std::isfinite(v);
    const std::string token(p, end);  // strtod needs the end marked (the text may be a mapped file)
    errno = 0;
    char* num_end = nullptr;
    v = std::strtod(token.c_str(), &num_end);
    return num_end == token.c_str() + token.size() && !token.empty() && errno != ERANGE && std::isfinite(v);
}

std::vector<std::vector<double>> parse_data_text(const char* p, const char* const end, const std::string& path,
                                                 size_t columns) {
    // One scan over the whole text: lines end at '\n', values are separated by blanks (space, tab,
    // '\r', '\v', '\f'); each value must be exactly one finite number.
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
    std::vector<std::vector<double>> rows;
    std::vector<double> row;
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
            double v = 0;
            if (!parse_value(p, tok_end, v))
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

/// Append v in the shortest form that reads back identically (fixed or scientific, whichever is
/// shorter; fixed on a tie).
void append_value(std::string& out, double v) {
    char buf[64];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

}  // namespace

std::vector<std::vector<double>> read_data_file(const std::string& path, size_t columns) {
    // A regular file is mapped and parsed in place (no copy); anything else is read as a stream.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw UserError(path + ": cannot open data file");
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        const size_t size = size_t(st.st_size);
        void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        ::close(fd);
        if (map == MAP_FAILED) throw UserError(path + ": cannot read data file");
        ::madvise(map, size, MADV_SEQUENTIAL);
        struct Unmap {
            void* p;
            size_t n;
            ~Unmap() { ::munmap(p, n); }
        } unmap{map, size};
        const char* text = static_cast<const char*>(map);
        return parse_data_text(text, text + size, path, columns);
    }
    ::close(fd);
    std::ifstream f(path, std::ios::binary);
    if (!f) throw UserError(path + ": cannot open data file");
    return read_data_stream(f, path, columns);
}

std::vector<std::vector<double>> read_data_stream(std::istream& in, const std::string& path, size_t columns) {
    std::ostringstream text;
    if (in.peek() != std::char_traits<char>::eof()) text << in.rdbuf();
    const std::string s = text.str();
    return parse_data_text(s.data(), s.data() + s.size(), path, columns);
}

std::string format_value(double v) {
    std::string s;
    append_value(s, v);
    return s;
}

void write_data_file(const std::string& path, const std::vector<std::vector<double>>& rows) {
    std::ofstream f(path, std::ios::binary);
    if (!f) throw UserError(path + ": cannot write data file");
    std::string line;
    for (const auto& row : rows) {
        line.clear();
        for (size_t i = 0; i < row.size(); ++i) {
            if (i) line += ' ';
            append_value(line, row[i]);
        }
        line += '\n';
        f.write(line.data(), std::streamsize(line.size()));
    }
    if (!f.flush()) throw UserError(path + ": write failed");
}

}  // namespace nnsim
