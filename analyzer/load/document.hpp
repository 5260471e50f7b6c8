#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rbacgraph/diagnostics.hpp"
#include "rbacgraph/load.hpp"

namespace rbacgraph::load {

using Limits = LoadLimits;

enum class NodeType : unsigned char { kNull, kScalar, kSequence, kMapping };

/// How a scalar was written: quoted/JSON strings are strings; plain YAML scalars resolve by content.
enum class ScalarStyle : unsigned char { kString, kPlain, kBlock, kJsonNumber, kJsonBool };

/// What a scalar means once resolved (YAML 1.1 rules of go-yaml v2, which kubectl and the API server use).
enum class ScalarValue : unsigned char { kString, kNull, kBool, kInt, kFloat };

/// A parsed YAML/JSON node with its position; mapping keys are kept in order with their values.
struct Node {
    NodeType type = NodeType::kNull;
    ScalarStyle style = ScalarStyle::kString;
    int line = 0;  ///< 1-based
    int column = 0;
    std::string text;
    std::vector<Node> children;     ///< sequence items, or mapping values
    std::vector<std::string> keys;  ///< mapping keys, parallel to children

    const Node* find(std::string_view key) const;
    bool is_mapping() const { return type == NodeType::kMapping; }
    bool is_sequence() const { return type == NodeType::kSequence; }
    /// True for null, or a plain scalar that resolves to null.
    bool is_null() const;
    ScalarValue scalar_value() const;
    /// The text of a scalar that resolves to a string.
    std::optional<std::string_view> as_string() const;
    /// "string", "integer", "boolean", "null", "list", "mapping".
    std::string_view type_name() const;
    /// For messages: "integer '42'" for a scalar, just "list" or "mapping" otherwise.
    std::string describe() const;
};

/// The documents of one file, and the error that stopped parsing (documents before it are kept).
struct ParsedFile {
    std::vector<Node> documents;
    std::vector<Diagnostic> diagnostics;
};

/// Receives documents as the parser completes them, so a file's trees never all live at once.
class DocumentConsumer {
  public:
    DocumentConsumer() = default;
    DocumentConsumer(const DocumentConsumer&) = delete;
    DocumentConsumer& operator=(const DocumentConsumer&) = delete;
    virtual ~DocumentConsumer() = default;

    /// A whole document (a List's items already handed to list_item are no longer in it).
    virtual void document(Node&& document) = 0;
    /// The `items` list of a document's root mapping opens; a repeated `items` key opens it again.
    virtual void list_items_begin() {}
    /// A mapping in that `items` list is complete; true when the consumer took it out of the tree.
    virtual bool list_item(Node& /*item*/) { return false; }
};

/// Keeps every document whole, List items included.
class DocumentCollector final : public DocumentConsumer {
  public:
    explicit DocumentCollector(std::vector<Node>& documents) : documents_(documents) {}
    void document(Node&& document) override { documents_.push_back(std::move(document)); }

  private:
    std::vector<Node>& documents_;
};

/// kFastFirst: the fast reader (load/fast_yaml.hpp) up to the first document it does not fully understand,
/// yaml-cpp from there; kYamlCppOnly: yaml-cpp alone (the reference the fast reader is tested against).
enum class YamlReader { kFastFirst, kYamlCppOnly };

/// Parses a (multi-document) YAML stream without yaml-cpp's LoadAll, enforcing the limits.
void parse_yaml(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics,
                YamlReader reader = YamlReader::kFastFirst);
ParsedFile parse_yaml(std::string_view text, const std::string& file, const Limits& limits);

/// Parses one or more concatenated JSON values.
void parse_json(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics);
ParsedFile parse_json(std::string_view text, const std::string& file, const Limits& limits);

/// go-yaml v2 resolution of a plain scalar.
ScalarValue resolve_plain_scalar(std::string_view text);

}  // namespace rbacgraph::load
