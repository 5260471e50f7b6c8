#pragma once

#include <ostream>

namespace rbacgraph::cli {

/// Runs the command line; returns the process exit code (0 yes/ok, 1 no, 2 usage or input errors).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// Ends the process with `code` once the output is flushed and standard output closed, without destroying
/// what keep_until_exit holds: freeing a large export object by object takes seconds the user waits for.
/// A write that failed (a full disk, a closed pipe with SIGPIPE ignored, a file cut by its size limit) is
/// reported and ends in exit 2 whatever `code` was: a CI gate must never pass on output it did not get.
/// Sanitizer builds return the code normally instead, so that LeakSanitizer still checks every run.
int finish(int code, std::ostream& out, std::ostream& err);

/// The stream that writes to the process's standard output (main's, through TerminalSafeBuffer): colours
/// are used only there, when it is a terminal.
void set_standard_output(const std::ostream* out);

}  // namespace rbacgraph::cli
