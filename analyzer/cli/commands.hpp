#pragma once

#include <ostream>

namespace rbacgraph::cli {

/// Runs the command line; returns the process exit code (0 yes/ok, 1 no, 2 usage or input errors).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// Ends the process with `code` once the output is flushed, without destroying what keep_until_exit holds:
/// freeing a large export object by object takes seconds the user waits for. Sanitizer builds return `code`
/// normally instead, so that LeakSanitizer still checks every run.
int finish(int code);

}  // namespace rbacgraph::cli
