// Helpers shared by the importer tests (frontends_test.cpp, frontends_config_test.cpp): paths of the
// external models, a scratch folder per test, and capturing the message of an expected UserError.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/diag.hpp"

namespace nnsim::testing {

/// A file under shared/external_models.
inline std::string external(const std::string& rel) {
    return std::string(NNSIM_SHARED_DIR) + "/external_models/" + rel;
}

/// A fresh folder for one test, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_path = std::filesystem::temp_directory_path() /
                 ("nnsim_frontends_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
                  std::to_string(::getpid()));
        std::filesystem::remove_all(m_path);
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    /// Path of a file in the folder.
    std::string file(const std::string& name) const { return (m_path / name).string(); }
    /// Write a text file into the folder and return its path.
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(file(name), std::ios::binary) << text;
        return file(name);
    }

  private:
    std::filesystem::path m_path;  ///< the folder
};

/// The message of the UserError `f` throws; records a test failure if it throws nothing or another type.
template <typename F>
std::string user_error_of(F&& f) {
    try {
        f();
    } catch (const UserError& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected a UserError, got another exception: " << e.what();
        return "";
    }
    ADD_FAILURE() << "expected a UserError, nothing was thrown";
    return "";
}

/// Whether `text` contains `part`, with the text in the failure message.
inline ::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

}  // namespace nnsim::testing
