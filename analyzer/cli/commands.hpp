#pragma once

#include <ostream>

namespace rbacgraph::cli {

/// Runs the command line; returns the process exit code (0 yes/ok, 1 no, 2 usage or input errors).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace rbacgraph::cli
