// A crash inside a third-party reader, reported as the input error it is.
//
// Debian's libhdf5 1.10 does not check every field of a file's headers: on some corrupt files it
// reads through a null or wild pointer (bench/fuzz.sh finds such files within minutes). nnsim cannot
// fix the library, but it can keep its promise about bad input: while a LibraryCall scope is open, a
// SIGSEGV, SIGBUS or SIGFPE ends the process with one line naming the file and the library, and exit
// code 2, instead of a bare "Segmentation fault". Outside such a scope a crash is nnsim's own and
// takes its normal course (core dump, sanitizer report). The handler is installed by the command
// line (install_library_crash_report); libraries and fuzzers that never install it are unaffected.
#pragma once

#include <string>

namespace nnsim {

/// Install the handler (idempotent). Signal-safe: the message is formatted when a scope opens.
void install_library_crash_report();

/// Marks a call into `library` on `file`; nestable (the innermost names the file), one thread.
class LibraryCall {
  public:
    LibraryCall(const std::string& file, const char* library);
    ~LibraryCall();
    LibraryCall(const LibraryCall&) = delete;
    LibraryCall& operator=(const LibraryCall&) = delete;

  private:
    std::string m_saved;  ///< the enclosing scope's message, restored on exit
};

}  // namespace nnsim
