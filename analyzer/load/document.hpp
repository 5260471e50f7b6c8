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
    /// A CloudFormation short-form tag written on the node (!Ref, !Sub...): its intrinsic_key index + 1;
    /// 0 for none. Only the template reader gives it meaning (expand_intrinsics); to kubectl's reader it is a
    /// local tag like any other.
    unsigned char intrinsic = 0;
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
    /// A document whose root is null (`~`, `null`, nothing but a tag): no object, but where it stands
    /// decides how go-yaml v2 reads the document before it (load/yaml_reader.cpp, GoYamlDocuments).
    virtual void null_document(const Node& /*document*/) {}
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
/// libyaml from there; kFullReaderOnly: libyaml alone (the reference the fast reader is tested against).
enum class YamlReader { kFastFirst, kFullReaderOnly };

/// How the consumer of the YAML cuts it before go-yaml v2 reads it. kKubectlStream: a file kubectl applies,
/// cut into documents at lines that start with "---" (k8s.io/apimachinery's YAMLReader); kGoYamlValue: a
/// string one go-yaml v2 Unmarshal reads whole (aws-auth's mapRoles, mapUsers and mapAccounts).
enum class YamlSource { kKubectlStream, kGoYamlValue };

/// Where kubectl (or the authenticator) would refuse the bytes before YAML is even parsed: invalid UTF-8 or a
/// character go-yaml v2's reader does not allow (C0 controls but tab, CR and LF; DEL; C1 controls but NEL;
/// U+FFFE/U+FFFF; surrogates), or, in a kubectl stream, a "---" line with more than a comment after it.
struct ByteRefusal {
    std::size_t document_start = 0;  ///< where the refused document starts: everything before it is read
    int line = 0;                    ///< 1-based position of the offending bytes
    int column = 0;
    std::string reason;
    /// The real readers read these bytes, only otherwise than we would: refused so as not to guess.
    bool read_differently = false;
};
/// The bytes as kubectl cuts them: the lines of its document separators (a kubectl stream only), the lines
/// after which go-yaml v2's Unmarshal reads nothing more of its chunk ("...", and "---" inside one value),
/// and the first refusal.
struct KubectlCut {
    std::vector<int> separator_lines;
    std::vector<int> end_marker_lines;
    /// "---" lines with a comment (or, after lone CRs, anything kubectl's line holds): [start, end) offsets,
    /// parsed as a bare "---" and blank lines.
    std::vector<std::pair<std::size_t, std::size_t>> separators_to_clean;
    /// Offsets of byte order marks that start a piece after a separator: go-yaml drops a BOM at the start
    /// of its input (yaml_parser_determine_encoding); a second is refused (cut_as_kubectl).
    std::vector<std::size_t> piece_boms;
    /// The first blank or comment line indented with a tab (1-based): go-yaml refuses its document unless
    /// the line is inside a scalar or a flow collection, which a line scan cannot tell; warned about.
    int tab_indented_blank_line = 0;
    std::optional<ByteRefusal> refusal;
};
/// `original` is the text before lone CRs were made LF ("" when none were): kubectl cuts lines at LF only.
KubectlCut cut_as_kubectl(std::string_view text, YamlSource source, std::string_view original = {});

/// Parses a (multi-document) YAML stream as go-yaml v2 reads it, enforcing the limits. Bytes go-yaml v2
/// or kubectl's document cutting refuse (cut_as_kubectl) end the reading there with an error; in a kubectl
/// stream (or one value), what follows the first document of a chunk is dropped as go-yaml v2 drops it or
/// refused as it refuses it.
void parse_yaml(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics,
                YamlReader reader = YamlReader::kFastFirst, YamlSource source = YamlSource::kKubectlStream);
ParsedFile parse_yaml(std::string_view text, const std::string& file, const Limits& limits,
                      YamlSource source = YamlSource::kKubectlStream);

/// Parses one or more concatenated JSON values.
void parse_json(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics);
ParsedFile parse_json(std::string_view text, const std::string& file, const Limits& limits);

/// CloudFormation's short-form tags (!Ref, !Sub, !GetAtt...) stand for the one-key mappings of the JSON form
/// ({"Ref": ...}, {"Fn::Sub": ...}; AWS CloudFormation user guide, intrinsic-function-reference): the index
/// + 1 of the tag's function (0: not one), and the mapping key of index + 1.
unsigned char intrinsic_of_tag(std::string_view tag);
std::string_view intrinsic_key(unsigned char intrinsic);
/// `node` with every short-form tag replaced by its JSON form, as CloudFormation reads a template.
Node expand_intrinsics(const Node& node);

/// go-yaml v2 resolution of a plain scalar.
ScalarValue resolve_plain_scalar(std::string_view text);

}  // namespace rbacgraph::load
