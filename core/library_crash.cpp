// Crash report for third-party readers (library_crash.hpp).
#include "core/library_crash.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace nnsim {
namespace {

char g_message[1024];             // the line to print, formatted when the scope opened
volatile sig_atomic_t g_open = 0; // scopes open

void on_fault(int sig) {
    if (g_open > 0) {
        const ssize_t n = write(STDERR_FILENO, g_message, std::strlen(g_message));
        (void)n;
        _exit(2);
    }
    // Not inside a library call: nnsim's own crash, which keeps its default action.
    signal(sig, SIG_DFL);
    raise(sig);
}

}  // namespace

void install_library_crash_report() {
    static bool installed = false;
    if (installed) return;
    installed = true;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fault;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE}) sigaction(sig, &sa, nullptr);
}

LibraryCall::LibraryCall(const std::string& file, const char* library) : m_saved(g_open > 0 ? g_message : "") {
    std::snprintf(g_message, sizeof g_message,
                  "nnsim: error: %s: %s crashed reading this file; it is corrupt or truncated (the library does "
                  "not check every field of a damaged file)\n",
                  file.c_str(), library);
    g_open = g_open + 1;
}

LibraryCall::~LibraryCall() {
    g_open = g_open - 1;
    if (g_open > 0) std::snprintf(g_message, sizeof g_message, "%s", m_saved.c_str());
}

}  // namespace nnsim
