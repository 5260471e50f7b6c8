#pragma once

#include <string>
#include <vector>

namespace rbacgraph {

/// Where a piece of input came from; line and column are 1-based, 0 means unknown.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

/// How serious a diagnostic is: errors mean part of the input was not understood.
enum class Severity { kError, kWarning, kNote };

/// One message about the input, tied to a file position and an object when known.
struct Diagnostic {
    Severity severity = Severity::kError;
    SourceLocation location;
    std::string object;  ///< e.g. "ClusterRole admin" or "ConfigMap kube-system/aws-auth"; may be empty
    std::string message;
};

/// Renders "file:line:col: error: message [object]" as compilers do.
std::string format_diagnostic(const Diagnostic& diagnostic);

/// Renders "file:line" (or just "file" when the line is unknown).
std::string format_location(const SourceLocation& location);

/// Returns the number of error-severity diagnostics.
std::size_t count_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace rbacgraph
