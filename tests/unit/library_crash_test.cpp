// A crash inside a LibraryCall scope ends the process with one line naming the file and exit code 2;
// outside any scope a crash keeps its default action (library_crash.hpp).
#include "core/library_crash.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace {

void crash_inside(const char* file) {
    nnsim::install_library_crash_report();
    const nnsim::LibraryCall outer("outer.h5", "libhdf5");
    {
        const nnsim::LibraryCall inner(file, "libhdf5");
        raise(SIGSEGV);
    }
}

void crash_after_scopes() {
    nnsim::install_library_crash_report();
    { const nnsim::LibraryCall call("done.h5", "libhdf5"); }
    raise(SIGSEGV);
}

void bus_error_in_outer_scope() {
    nnsim::install_library_crash_report();
    const nnsim::LibraryCall outer("outer.h5", "libhdf5");
    { const nnsim::LibraryCall inner("inner.h5", "libhdf5"); }
    raise(SIGBUS);
}

}  // namespace

TEST(LibraryCrash, InsideAScopeIsAnInputErrorNamingTheFile) {
    EXPECT_EXIT(crash_inside("weights.h5"), testing::ExitedWithCode(2),
                "^nnsim: error: weights.h5: libhdf5 crashed reading this file; it is corrupt or truncated");
}

TEST(LibraryCrash, TheEnclosingScopeNamesItsFileAgain) {
    EXPECT_EXIT(bus_error_in_outer_scope(), testing::ExitedWithCode(2), "^nnsim: error: outer.h5: libhdf5 crashed");
}

TEST(LibraryCrash, OutsideAnyScopeTheCrashIsNnsimsOwn) {
    EXPECT_EXIT(crash_after_scopes(), testing::KilledBySignal(SIGSEGV), "");
}
