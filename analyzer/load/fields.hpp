#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "load/document.hpp"

namespace rbacgraph::load {

/// Reads typed fields out of a Node and reports every mismatch as a located diagnostic.
class FieldReader {
  public:
    FieldReader(FileName file, std::string object, std::vector<Diagnostic>& diagnostics)
        : file_(file), object_(std::move(object)), diagnostics_(diagnostics) {}

    void set_object(std::string object) { object_ = std::move(object); }
    const std::string& object() const { return object_; }
    bool failed() const { return failed_; }

    SourceLocation at(const Node& node) const { return {file_, node.line, node.column}; }
    void error(const Node& node, std::string message);
    void warning(const Node& node, std::string message);

    /// A string field; absent or null gives nullopt, and an error when required.
    std::optional<std::string> string(const Node& mapping, std::string_view key, bool required);
    /// A list of strings; absent or null gives an empty list.
    std::vector<std::string> strings(const Node& mapping, std::string_view key);
    /// A nested mapping; absent or null gives nullptr, and an error when required.
    const Node* mapping(const Node& mapping, std::string_view key, bool required);
    /// A nested list; absent or null gives nullptr.
    const Node* sequence(const Node& mapping, std::string_view key);
    /// A map of strings to strings (labels); absent or null gives an empty map.
    std::map<std::string, std::string> string_map(const Node& mapping, std::string_view key);
    /// Warns about keys the real decoder would drop.
    void unknown_fields(const Node& mapping, std::initializer_list<std::string_view> known);

  private:
    FileName file_;
    std::string object_;
    std::vector<Diagnostic>& diagnostics_;
    bool failed_ = false;
};

}  // namespace rbacgraph::load
