// User-facing errors and their collection.
//
// Three channels, with different meanings:
//  - UserError: the input is wrong (bad JSON, a reuse factor that is not valid, a truncated HDF5 file).
//    Its message is one line naming the file, the JSON pointer or the layer, and what was expected.
//    The command-line tool prints it and exits with code 2.
//  - Diagnostics: validation collects every such problem before giving up, so the user sees all of them
//    at once; throw_if_errors() turns them into one UserError carrying all lines.
//  - NNSIM_ASSERT: a bug in nnsim itself, never triggered by user data.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace nnsim {

/// A problem with the user's input. what() holds one or more lines, each complete on its own.
class UserError : public std::runtime_error {
  public:
    explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

/// Collects validation errors; each becomes one output line "<where>: <message>".
class Diagnostics {
  public:
    void error(const std::string& where, const std::string& message) {
        m_lines.push_back(where.empty() ? message : where + ": " + message);
    }
    bool has_errors() const { return !m_lines.empty(); }
    const std::vector<std::string>& lines() const { return m_lines; }
    /// Throw one UserError with all collected lines (newline-separated) if any were collected.
    void throw_if_errors() const {
        if (m_lines.empty()) return;
        std::string all;
        for (const auto& l : m_lines) all += (all.empty() ? "" : "\n") + l;
        throw UserError(all);
    }

  private:
    std::vector<std::string> m_lines;  ///< one complete message per problem, in the order found
};

[[noreturn]] void internal_error(const char* file, int line, const std::string& message);

}  // namespace nnsim

/// Internal invariant; failing means a bug in nnsim, not bad input.
#define NNSIM_ASSERT(cond, msg)                                                \
    do {                                                                       \
        if (!(cond)) ::nnsim::internal_error(__FILE__, __LINE__, (msg));       \
    } while (0)
