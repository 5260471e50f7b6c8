#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rbacgraph::load {

/// One parse event with yaml-cpp's mark (0-based line and column, byte offset).
struct YamlEvent {
    enum class Kind : std::uint8_t { kMapStart, kMapEnd, kSequenceStart, kSequenceEnd, kScalar };
    Kind kind = Kind::kScalar;
    bool plain = false;  ///< a plain scalar (resolved by content), else quoted or block
    int line = 0;
    int column = 0;
    std::size_t pos = 0;
    std::string value;
};

/// Reads the YAML that kubectl and most hand-written manifests use (block mappings and sequences, one-line
/// plain and quoted scalars, one-line flow collections, `|` and `|-` block scalars, comments) much faster
/// than yaml-cpp, producing the events yaml-cpp would. Any other construct (anchors, tags, multi-line flow or
/// scalars, folded scalars, tabs, CR, non-ASCII, empty values...) makes it stop at that document, and the
/// caller hands the rest of the stream to yaml-cpp, so what is accepted is always read as yaml-cpp reads it.
class FastYamlScanner {
  public:
    enum class Result { kDocument, kEnd, kUnsupported };

    FastYamlScanner(std::string_view text, std::size_t max_depth) : text_(text), max_depth_(max_depth) {}

    /// The events of the next document (none for an empty one).
    Result next(std::vector<YamlEvent>& events);

    /// Where the document that was last started begins: a line start, so yaml-cpp can take over there.
    std::size_t document_offset() const { return document_offset_; }
    int document_line() const { return document_line_; }
    /// The 0-based line the scanner stands at (after an empty document: the next marker, or past the end).
    int line() const { return cursor_.line; }

  private:
    struct Unsupported {};

    // A position in the text.
    struct Cursor {
        std::size_t pos = 0;
        int line = 0;
        std::size_t line_start = 0;
        int column() const { return static_cast<int>(pos - line_start); }
    };

    std::size_t line_end(std::size_t pos) const;
    bool at_line_end(std::size_t pos) const;
    bool is_document_marker(std::size_t line_start) const;
    void next_line();
    bool skip_to_content();
    std::size_t indent_of_line() const;
    void skip_spaces();
    void expect_line_end();

    void block_node(std::size_t indent, int depth);
    void block_mapping(std::size_t column, int depth);
    void block_sequence(std::size_t column, int depth);
    void block_value(std::size_t parent_indent, int depth, bool in_sequence);
    void block_scalar(std::size_t parent_indent);
    void flow_node(int depth);
    void flow_plain();
    void quoted();
    void plain_block_scalar();
    std::size_t find_key_colon() const;
    void key();

    void emit(YamlEvent::Kind kind, const Cursor& at, bool plain = false, std::string value = {});

    std::string_view text_;
    std::size_t max_depth_;
    Cursor cursor_;
    std::vector<YamlEvent>* events_ = nullptr;
    std::size_t document_offset_ = 0;
    int document_line_ = 0;
    bool started_ = false;
    bool ended_ = false;
};

}  // namespace rbacgraph::load
