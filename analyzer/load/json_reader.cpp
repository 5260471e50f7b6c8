#include <fmt/format.h>

#include <iterator>
#include <nlohmann/json.hpp>

#include "load/document.hpp"

namespace rbacgraph::load {
namespace {

// Tracks the line and column of the character the JSON lexer reads, so events get a position.
struct Position {
    int line = 1;
    const char* line_start = nullptr;
    const char* furthest = nullptr;
};

class CountingIterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    CountingIterator(const char* current, Position* position) : current_(current), position_(position) {}
    reference operator*() const { return *current_; }
    CountingIterator& operator++() {
        if (*current_ == '\n') {
            ++position_->line;
            position_->line_start = current_ + 1;
        }
        ++current_;
        position_->furthest = current_;
        return *this;
    }
    CountingIterator operator++(int) {
        CountingIterator before = *this;
        ++*this;
        return before;
    }
    bool operator==(const CountingIterator& other) const { return current_ == other.current_; }
    bool operator!=(const CountingIterator& other) const { return current_ != other.current_; }

  private:
    const char* current_;
    Position* position_;
};

class TreeSax {
  public:
    using json = nlohmann::json;
    TreeSax(Position& position, const Limits& limits, DocumentConsumer& consumer)
        : position_(position), limits_(limits), consumer_(consumer) {}

    std::optional<Node> document;
    std::vector<std::pair<int, std::string>> duplicate_keys;  ///< (line, key) of repeated keys
    std::string failure;
    int failure_line = 0;
    int failure_column = 0;

    bool null() { return add(make(NodeType::kNull, ScalarStyle::kString, {})); }
    bool boolean(bool value) {
        return add(make(NodeType::kScalar, ScalarStyle::kJsonBool, value ? "true" : "false"));
    }
    bool number_integer(json::number_integer_t value) {
        return add(make(NodeType::kScalar, ScalarStyle::kJsonNumber, std::to_string(value)));
    }
    bool number_unsigned(json::number_unsigned_t value) {
        return add(make(NodeType::kScalar, ScalarStyle::kJsonNumber, std::to_string(value)));
    }
    bool number_float(json::number_float_t /*value*/, const std::string& text) {
        return add(make(NodeType::kScalar, ScalarStyle::kJsonNumber, text));
    }
    bool string(std::string& value) {
        return add(make(NodeType::kScalar, ScalarStyle::kString, std::move(value)));
    }
    bool binary(json::binary_t& /*value*/) { return fail("binary values are not JSON"); }
    bool start_object(std::size_t /*size*/) { return open(NodeType::kMapping); }
    bool end_object() { return close(); }
    bool start_array(std::size_t /*size*/) { return open(NodeType::kSequence); }
    bool end_array() { return close(); }
    bool key(std::string& value) {
        pending_keys_.push_back(std::move(value));
        key_lines_.push_back(position_.line);
        return true;
    }
    bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                     const nlohmann::detail::exception& error) {
        // The message of nlohmann's parse_error already names the line and column.
        std::string message = error.what();
        if (const std::size_t cut = message.find("] "); cut != std::string::npos) {
            message = message.substr(cut + 2);
        }
        failure = "invalid JSON: " + message;
        failure_line = position_.line;
        failure_column = column();
        return false;
    }

  private:
    int column() const {
        return position_.line_start == nullptr ? 0
                                               : static_cast<int>(position_.furthest - position_.line_start);
    }

    Node make(NodeType type, ScalarStyle style, std::string text) {
        Node node;
        node.type = type;
        node.style = style;
        node.text = std::move(text);
        node.line = position_.line;
        node.column = column();
        return node;
    }

    bool fail(std::string message) {
        failure = std::move(message);
        failure_line = position_.line;
        failure_column = column();
        return false;
    }

    bool open(NodeType type) {
        if (stack_.size() >= limits_.max_depth) {
            return fail(fmt::format("JSON rejected: nesting deeper than {} levels", limits_.max_depth));
        }
        if (++nodes_ > limits_.max_nodes_per_file) {
            return fail(
                fmt::format("JSON rejected: more than {} values in one file", limits_.max_nodes_per_file));
        }
        if (type == NodeType::kSequence && stack_.size() == 1 && stack_.front().is_mapping() &&
            !pending_keys_.empty() && pending_keys_.back() == "items") {
            in_root_items_ = true;
            consumer_.list_items_begin();
        } else if (stack_.size() == 1) {
            in_root_items_ = false;
        }
        stack_.push_back(make(type, ScalarStyle::kString, {}));
        return true;
    }

    bool close() {
        Node node = std::move(stack_.back());
        stack_.pop_back();
        return attach(std::move(node));
    }

    bool add(Node node) {
        if (++nodes_ > limits_.max_nodes_per_file) {
            return fail(
                fmt::format("JSON rejected: more than {} values in one file", limits_.max_nodes_per_file));
        }
        return attach(std::move(node));
    }

    bool attach(Node node) {
        if (stack_.empty()) {
            document = std::move(node);
            return true;
        }
        Node& parent = stack_.back();
        if (parent.type == NodeType::kSequence) {
            if (in_root_items_ && stack_.size() == 2 && node.is_mapping() && consumer_.list_item(node)) {
                return true;
            }
            parent.children.push_back(std::move(node));
            return true;
        }
        std::string key = std::move(pending_keys_.back());
        pending_keys_.pop_back();
        const int key_line = key_lines_.back();
        key_lines_.pop_back();
        for (std::size_t i = 0; i < parent.keys.size(); ++i) {
            if (parent.keys[i] == key) {
                // encoding/json keeps the last of repeated keys.
                duplicate_keys.push_back({key_line, key});
                parent.children[i] = std::move(node);
                return true;
            }
        }
        parent.keys.push_back(std::move(key));
        parent.children.push_back(std::move(node));
        return true;
    }

    Position& position_;
    const Limits& limits_;
    DocumentConsumer& consumer_;
    std::vector<Node> stack_;
    bool in_root_items_ = false;  ///< the container open at depth 2 is the root mapping's `items` list
    std::vector<std::string> pending_keys_;
    std::vector<int> key_lines_;
    std::size_t nodes_ = 0;
};

bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

void parse_json(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    Position position;
    position.line_start = text.data();
    position.furthest = text.data();
    const char* const end = text.data() + text.size();
    const char* cursor = text.data();
    // Several JSON values may be concatenated (e.g. describe-access-entry outputs appended to one file).
    while (true) {
        while (cursor != end && is_json_space(*cursor)) {
            if (*cursor == '\n') {
                ++position.line;
                position.line_start = cursor + 1;
            }
            ++cursor;
        }
        if (cursor == end) {
            break;
        }
        position.furthest = cursor;
        TreeSax sax(position, limits, consumer);
        const bool ok =
            nlohmann::json::sax_parse(CountingIterator(cursor, &position), CountingIterator(end, &position),
                                      &sax, nlohmann::json::input_format_t::json, false);
        for (const auto& [line, key] : sax.duplicate_keys) {
            diagnostics.push_back({Severity::kWarning,
                                   {file, line, 0},
                                   "",
                                   fmt::format("duplicate key '{}'; the last value is used, as Go's "
                                               "encoding/json does",
                                               key)});
        }
        if (!ok || !sax.document) {
            diagnostics.push_back({Severity::kError,
                                   {file, sax.failure_line, sax.failure_column},
                                   "",
                                   (sax.failure.empty() ? std::string("invalid JSON") : sax.failure) +
                                       "; the rest of the file is not read"});
            break;
        }
        consumer.document(std::move(*sax.document));
        cursor = position.furthest;
    }
}

ParsedFile parse_json(std::string_view text, const std::string& file, const Limits& limits) {
    ParsedFile parsed;
    DocumentCollector collector(parsed.documents);
    parse_json(text, file, limits, collector, parsed.diagnostics);
    return parsed;
}

}  // namespace rbacgraph::load
