#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rbacgraph {

/// A file name kept once per process: every object and rule records where it came from, and a copy of the
/// name in each would cost more than the object itself in a large export.
class FileName {
  public:
    FileName();
    FileName(std::string_view name);  // NOLINT(google-explicit-constructor): a name is a file name
    FileName(const std::string& name)
        : FileName(std::string_view(name)) {}                         // NOLINT(google-explicit-constructor)
    FileName(const char* name) : FileName(std::string_view(name)) {}  // NOLINT(google-explicit-constructor)

    const std::string& str() const { return *name_; }
    operator const std::string&() const { return *name_; }  // NOLINT(google-explicit-constructor)
    bool empty() const { return name_->empty(); }

    friend bool operator==(const FileName& a, const FileName& b) { return a.name_ == b.name_; }
    friend bool operator==(const FileName& a, std::string_view b) { return *a.name_ == b; }
    friend bool operator==(const FileName& a, const std::string& b) { return *a.name_ == b; }
    friend bool operator==(const FileName& a, const char* b) { return *a.name_ == b; }
    friend std::strong_ordering operator<=>(const FileName& a, const FileName& b) {
        return a.name_ == b.name_ ? std::strong_ordering::equal : *a.name_ <=> *b.name_;
    }

  private:
    const std::string* name_;
};

/// What a location points into.
enum class Origin : std::uint8_t {
    kInput,    ///< a file (or stdin) the user gave
    kBuiltin,  ///< an object every cluster has, compiled into rbacgraph (not in the export)
    kSetting,  ///< a value given as a setting (file names the setting, e.g. the command-line option)
};

/// Where a piece of input came from; line and column are 1-based, 0 means unknown.
struct SourceLocation {
    FileName file;
    int line = 0;
    int column = 0;
    Origin origin = Origin::kInput;

    /// A value given as a setting; `name` says which, as the user gave it (e.g. "--creator").
    static SourceLocation setting(std::string_view name) { return {name, 0, 0, Origin::kSetting}; }
    /// The same file, line and column (the origin aside): the same place in the input.
    bool same_place(const SourceLocation& other) const {
        return file == other.file && line == other.line && column == other.column;
    }
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
