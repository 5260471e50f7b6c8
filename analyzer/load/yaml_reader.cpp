#include <fmt/format.h>
#include <yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "load/document.hpp"
#include "load/fast_yaml.hpp"
#include "rbacgraph/arn.hpp"
#include "rbacgraph/output_text.hpp"

namespace rbacgraph::load {
namespace {

// A node's position as the parser reports it: byte offset, 0-based line and column (in bytes).
struct Mark {
    int pos = 0;
    int line = 0;
    int column = 0;
};
using AnchorId = std::size_t;  ///< 0: no anchor
enum class CollectionStyle { kBlock, kFlow };

struct LimitExceeded {
    int line = 0;
    int column = 0;
    std::string message;
};

// Builds Node trees from parse events (libyaml's, or the fast reader's); containers under construction live
// on a stack and are moved into their parent when they close, so no pointer into a growing vector is ever
// kept. The events keep the conventions of yaml-cpp, rbacgraph's reader before libyaml: an untagged plain
// scalar is tagged "?", another untagged one "!", an empty node or an untagged plain null is OnNull. The
// require_* checks were written against yaml-cpp's readings; libyaml refuses those inputs itself, as go-yaml
// v2 does, and the checks remain a second guard (the fast reader's events pass through them too).
class TreeBuilder {
  public:
    TreeBuilder(std::string_view text, const Limits& limits, const std::string& file,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics)
        : text_(text),
          has_tab_(text.find('\t') != std::string_view::npos),
          limits_(limits),
          file_(file),
          consumer_(consumer),
          diagnostics_(diagnostics) {}

    std::optional<Node> take_document() {
        if (document_) {
            last_document_line_ = document_start_line_;
        }
        return std::exchange(document_, std::nullopt);
    }
    /// A whole document read without events (the fast reader's empty ones), starting at 1-based `line`.
    void note_document(int line) { last_document_line_ = line; }
    /// The 1-based line where the last whole document taken starts (its "---", or its first node; 0: none
    /// yet).
    int last_document_line() const { return last_document_line_; }

    /// From here on, events come from `text`, which starts at line `line_offset` (0-based) of the file.
    void rebase(std::string_view text, int line_offset) {
        text_ = text;
        line_offset_ = line_offset;
    }
    int line_offset() const { return line_offset_; }

    void OnDocumentStart(const Mark& mark) {
        document_start_line_ = line_offset_ + mark.line + 1;
        stack_.clear();
        anchors_.clear();
        document_.reset();
    }
    void OnDocumentEnd() {}

    void OnNull(const Mark& mark, AnchorId anchor) {
        if (anchor != 0) {
            require_anchor_characters(mark);
        }
        if (!stack_.empty() && !stack_.back().flow && stack_.back().node.type == NodeType::kSequence) {
            require_no_tab_after_empty_entry(mark);
        }
        // An empty value whose anchor or tag stands on the next line at its key's indentation ("key:\n&a"):
        // go-yaml v2 starts the next key there, which has no ':'.
        if (anchor != 0 || written_tag(mark)) {
            require_value_deeper_than_key(make(mark));
            require_properties_deeper_than_key(mark, false);
        }
        // yaml-cpp reports an empty node as null whatever its tag; go-yaml v2 reads an empty node with a tag
        // other than !!null as that tag's value of "": a string for a local tag ("!x" alone is ""), an error
        // for !!int and the other typed tags.
        if (const std::optional<std::string> tag = written_tag(mark); tag && *tag != "!!null") {
            const std::string full = tag->starts_with("!!") ? "tag:yaml.org,2002:" + tag->substr(2) : *tag;
            OnScalar(mark, full, anchor, "");
            return;
        }
        // go-yaml v2 refuses an empty entry in a flow sequence ("[,get]", "[a,,b]": did not find expected
        // node content); yaml-cpp reads a null there.
        if (!stack_.empty() && stack_.back().flow && stack_.back().node.type == NodeType::kSequence) {
            const std::size_t at = content_start(static_cast<std::size_t>(mark.pos));
            if (at < text_.size() && (text_[at] == ',' || text_[at] == ']')) {
                throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                    "an empty entry in a flow list (go-yaml v2: did not find expected node "
                                    "content), so kubectl refuses this document"};
            }
        }
        Node node = make(mark);
        node.type = NodeType::kNull;
        complete(std::move(node), anchor, mark.pos);
    }

    void OnAlias(const Mark& mark, AnchorId anchor) {
        require_no_tab_before(mark);
        require_anchor_characters(mark);
        const auto found = anchors_.find(anchor);
        if (found == anchors_.end()) {
            throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1, "alias to an unknown anchor"};
        }
        count_nodes(found->second, mark);
        complete(Node(found->second), 0, mark.pos);
    }

    void OnScalar(const Mark& mark, const std::string& tag, AnchorId anchor, const std::string& value) {
        Node node = make(mark);
        require_no_tab_before(mark);
        require_properties_deeper_than_key(mark, !value.empty());
        require_tag_characters(mark, tag);
        if (anchor != 0) {
            require_anchor_characters(mark);
        }
        node.type = NodeType::kScalar;
        // yaml-cpp tags plain scalars "?" and quoted or block scalars "!".
        node.style = tag == "?" ? ScalarStyle::kPlain : ScalarStyle::kString;
        if (tag != "?" && tag != "!") {
            // A core tag (!!int "42") resolves the text as that type; go-yaml v2 reads a scalar with any
            // other tag (a local one, "!foo 12") as a string (decode.go: a tag it does not know is not
            // resolved).
            const bool typed = tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:bool" ||
                               tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:null";
            node.style = typed ? ScalarStyle::kPlain : ScalarStyle::kString;
            if (typed) {
                require_tagged_type(node, tag, value);
            }
        }
        const std::size_t position = content_start(static_cast<std::size_t>(mark.pos));
        if (node.style == ScalarStyle::kString && position < text_.size() &&
            (text_[position] == '|' || text_[position] == '>')) {
            node.style = ScalarStyle::kBlock;
        }
        if (node.style == ScalarStyle::kString && position < text_.size() &&
            (text_[position] == '"' || text_[position] == '\'')) {
            require_closing_quote(node, position);
        }
        // go-yaml v2 scannerc.go (yaml_parser_fetch_next_token): in a flow collection a plain scalar cannot
        // start with ':' or '?' ("did not find expected node content"); yaml-cpp (YAML 1.2) reads `[:b]`.
        if (tag == "?" && !stack_.empty() && stack_.back().flow && position < text_.size() &&
            (text_[position] == ':' || text_[position] == '?')) {
            throw LimitExceeded{
                node.line, node.column,
                "a plain value in a flow collection starts with ':' or '?' (go-yaml v2: did not "
                "find expected node content), so kubectl refuses this document"};
        }
        // go-yaml v2 ends a plain scalar in a flow collection at '?' (scannerc.go
        // yaml_parser_scan_plain_scalar), where it then reads a key indicator; libyaml 0.2.5 keeps the '?' in
        // the text ("[get?x]").
        if (!stack_.empty() && stack_.back().flow && position < text_.size() &&
            std::string_view("\"'|>").find(text_[position]) == std::string_view::npos &&
            value.find('?', 1) != std::string::npos) {
            throw LimitExceeded{
                node.line, node.column,
                "a plain value in a flow collection holds '?', where go-yaml v2 (kubectl) ends "
                "it and reads a key indicator, so it would read this document differently"};
        }
        // go-yaml v2 ends a plain scalar in a flow collection at ": " only: "[get:]" is the string "get:" to
        // it and the mapping {get: null} to a YAML 1.2 reader (yaml-cpp), for which ':' before ',', ']' or
        // '}' is a value indicator. Such a ':' refuses the document rather than be read one way silently.
        if (tag == "?" && !stack_.empty() && stack_.back().flow &&
            position + value.size() + 1 < text_.size() && text_.substr(position, value.size()) == value &&
            text_[position + value.size()] == ':' &&
            std::string_view(",]}").find(text_[position + value.size() + 1]) != std::string_view::npos) {
            throw LimitExceeded{
                node.line, node.column,
                "a plain value in a flow collection is followed by ':' and then ',', ']' or "
                "'}'; go-yaml v2 (kubectl) reads the ':' as part of the text, YAML 1.2 readers "
                "as a key's ':', so the two would read this document differently"};
        }
        node.text = value;
        if (tag == "tag:yaml.org,2002:binary") {
            // go-yaml v2 decodes !!binary to its bytes (decode.go, scalar()): `name: !!binary
            // Y2x1c3Rlci1hZG1pbg==` is cluster-admin to kubectl.
            node.style = ScalarStyle::kString;
            auto bytes = decode_base64(value);
            if (!bytes) {
                throw LimitExceeded{
                    node.line, node.column,
                    "!!binary value is not valid base64 (go-yaml v2: invalid base64 data), so kubectl "
                    "refuses this document"};
            }
            // The decoded bytes reach the API server through encoding/json, which writes each byte that is
            // not UTF-8 as U+FFFD (sigs.k8s.io/yaml's json.Marshal): that is the name the cluster stores.
            node.text = valid_utf8(*bytes);
        }
        node.intrinsic = intrinsic_of_tag(tag);
        complete(std::move(node), anchor, mark.pos);
    }

    void OnSequenceStart(const Mark& mark, const std::string& tag, AnchorId anchor, CollectionStyle style) {
        require_no_tab_before(mark);
        require_tag_characters(mark, tag);
        if (anchor != 0) {
            require_anchor_characters(mark);
        }
        const bool flow = is_flow(mark, style);
        if (flow) {
            require_value_deeper_than_key(make(mark));
        }
        open(mark, NodeType::kSequence, anchor);
        stack_.back().node.intrinsic = intrinsic_of_tag(tag);
        stack_.back().flow = flow;
    }
    void OnSequenceEnd() { close(); }

    void OnMapStart(const Mark& mark, const std::string& tag, AnchorId anchor, CollectionStyle style) {
        require_no_tab_before(mark);
        require_tag_characters(mark, tag);
        if (anchor != 0) {
            require_anchor_characters(mark);
        }
        const bool flow = is_flow(mark, style);
        if (flow) {
            require_value_deeper_than_key(make(mark));
        }
        open(mark, NodeType::kMapping, anchor);
        stack_.back().node.intrinsic = intrinsic_of_tag(tag);
        stack_.back().flow = flow;
    }
    void OnMapEnd() { close(); }

  private:
    // Where the next property or the content starts after the token at `at` (an anchor or a tag) and the
    // blanks and line breaks that follow it.
    std::size_t after_property(std::size_t at) const {
        at = text_.find_first_of(" \t\r\n", at);
        at = at == std::string_view::npos ? text_.size() : text_.find_first_not_of(" \t\r\n", at);
        // A comment after the property runs to its line's end ("&a # c" then "!x" on the next line: fuzz
        // seed property-after-comment).
        while (at != std::string_view::npos && at < text_.size() && text_[at] == '#') {
            at = text_.find('\n', at);
            at = at == std::string_view::npos ? text_.size() : text_.find_first_not_of(" \t\r\n", at);
        }
        return at == std::string_view::npos ? text_.size() : at;
    }

    // Where a node's tag is written, past its anchor (a node's mark is at its first property).
    std::size_t tag_position(const Mark& mark) const {
        const auto at = static_cast<std::size_t>(mark.pos);
        return at < text_.size() && text_[at] == '&' ? after_property(at) : at;
    }

    // The tag written before a node ("!x", "!!int"), past an anchor; nullopt when there is none.
    std::optional<std::string> written_tag(const Mark& mark) const {
        const std::size_t at = tag_position(mark);
        if (at >= text_.size() || text_[at] != '!') {
            return std::nullopt;
        }
        const std::size_t end = std::min(text_.find_first_of(" \t\r\n,]}", at), text_.size());
        return std::string(text_.substr(at, end - at));
    }

    // A node's mark is at its first property (an anchor, a tag); its content starts after them.
    std::size_t content_start(std::size_t at) const {
        while (at < text_.size() && (text_[at] == '&' || text_[at] == '!')) {
            if (text_[at] == '!' && at + 1 < text_.size() && text_[at + 1] == '<') {
                at = text_.find('>', at);
                at = at == std::string_view::npos ? text_.size() : at + 1;
            }
            at = after_property(at);
        }
        return at;
    }

    // The fast reader replays its one-line flow collections as block ones; the text tells.
    bool is_flow(const Mark& mark, CollectionStyle style) const {
        const std::size_t position = content_start(static_cast<std::size_t>(mark.pos));
        return style == CollectionStyle::kFlow ||
               (position < text_.size() && (text_[position] == '{' || text_[position] == '['));
    }

    struct Frame {
        Node node;
        AnchorId anchor = 0;
        std::optional<Node> pending_key;
        bool root_items = false;  ///< the `items` list of the document's root mapping
        /// With a merge key in the mapping: which entries a merge set (empty until the first merge).
        std::vector<bool> merged;
        bool flow = false;                           ///< a flow collection ({...} or [...]), not a block one
        std::size_t pending_key_offset = kNoOffset;  ///< where pending_key starts in the text
    };
    static constexpr std::size_t kNoOffset = std::string_view::npos;

    Node make(const Mark& mark) {
        if (++nodes_ > limits_.max_nodes_per_file) {
            throw LimitExceeded{
                line_offset_ + mark.line + 1, mark.column + 1,
                fmt::format("more than {} YAML nodes in one file", limits_.max_nodes_per_file)};
        }
        Node node;
        node.line = line_offset_ + mark.line + 1;
        node.column = mark.column + 1;
        return node;
    }

    // Real exports use few, small aliases; expansion beyond the size of the input itself is a "billion
    // laughs" bomb, so it is stopped before it costs memory.
    void count_nodes(const Node& node, const Mark& mark) {
        const std::size_t alias_budget = limits_.max_alias_nodes != 0
                                             ? limits_.max_alias_nodes
                                             : std::max<std::size_t>(100'000, text_.size());
        std::vector<const Node*> pending{&node};
        while (!pending.empty()) {
            const Node* current = pending.back();
            pending.pop_back();
            ++nodes_;
            if (++alias_nodes_ > alias_budget || nodes_ > limits_.max_nodes_per_file) {
                throw LimitExceeded{
                    line_offset_ + mark.line + 1, mark.column + 1,
                    fmt::format("aliases expand to more than {} nodes (an alias bomb?); raise {} if this is "
                                "intended",
                                alias_budget, limits_.max_alias_nodes_setting)};
            }
            for (const Node& child : current->children) {
                pending.push_back(&child);
            }
        }
    }

    void open(const Mark& mark, NodeType type, AnchorId anchor) {
        if (stack_.size() >= limits_.max_depth) {
            throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                fmt::format("nesting deeper than {} levels", limits_.max_depth)};
        }
        Frame frame{make(mark), anchor, std::nullopt, false, {}};
        frame.node.type = type;
        frame.root_items = type == NodeType::kSequence && stack_.size() == 1 &&
                           stack_.front().node.is_mapping() && stack_.front().pending_key &&
                           stack_.front().pending_key->text == "items";
        if (frame.root_items) {
            consumer_.list_items_begin();
        }
        stack_.push_back(std::move(frame));
    }

    void close() {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        complete(std::move(frame.node), frame.anchor, kNoOffset);
    }

    void complete(Node node, AnchorId anchor, std::size_t offset) {
        if (anchor != 0) {
            anchors_[anchor] = node;
        }
        if (stack_.empty()) {
            require_json_value(node);
            document_ = std::move(node);
            return;
        }
        Frame& parent = stack_.back();
        if (parent.node.type == NodeType::kSequence) {
            require_json_value(node);
            if (parent.root_items && node.is_mapping() && anchor == 0 && consumer_.list_item(node)) {
                return;
            }
            parent.node.children.push_back(std::move(node));
            return;
        }
        if (!parent.pending_key) {
            parent.pending_key = std::move(node);
            parent.pending_key_offset = offset;
            return;
        }
        Node key = std::move(*parent.pending_key);
        parent.pending_key.reset();
        const bool empty_value =
            node.type == NodeType::kNull || (node.type == NodeType::kScalar && node.text.empty());
        if (!parent.flow && empty_value && key.type != NodeType::kMapping &&
            key.type != NodeType::kSequence) {
            require_key_indicator(key, parent.pending_key_offset);
        }
        require_json_value(node);
        if (!parent.flow && node.type == NodeType::kScalar) {
            require_value_deeper_than(key, node);
        }
        add_entry(parent, std::move(key), std::move(node));
    }

    // yaml-cpp takes a scalar or a flow collection on the line after its key, at the key's indentation, as
    // the key's value; go-yaml v2 reads it as the next key, which has no ':' ("could not find expected ':'").
    // (A block list there is the key's value to both.)
    void require_value_deeper_than_key(const Node& value) const {
        if (!stack_.empty() && !stack_.back().flow && stack_.back().node.type == NodeType::kMapping &&
            stack_.back().pending_key) {
            require_value_deeper_than(*stack_.back().pending_key, value);
        }
    }
    // The same for what follows a value's properties on a later line ("key: !!str\n&a", "key: &a\nvalue"):
    // go-yaml v2 starts the next key there.
    void require_properties_deeper_than_key(const Mark& mark, bool has_content) const {
        if (stack_.empty() || stack_.back().flow || stack_.back().node.type != NodeType::kMapping ||
            !stack_.back().pending_key) {
            return;
        }
        const Node& key = *stack_.back().pending_key;
        std::size_t at = std::min(static_cast<std::size_t>(mark.pos), text_.size());
        int line = mark.line;
        std::size_t line_start = 0;  // set at each line break crossed: only a later line is judged
        while (at < text_.size() && (text_[at] == '!' || text_[at] == '&')) {
            at = std::min(text_.find_first_of(" \t\r\n", at), text_.size());  // the property
            for (; at < text_.size() && std::string_view(" \t\r\n").find(text_[at]) != std::string_view::npos;
                 ++at) {
                if (text_[at] == '\n') {
                    ++line;
                    line_start = at + 1;
                }
            }
            // A property there, or content this value took from there; anything else is the next key.
            const bool property = at < text_.size() && (text_[at] == '!' || text_[at] == '&');
            if (line > mark.line && at < text_.size() && text_[at] != '#' && (property || has_content) &&
                static_cast<int>(at - line_start) + 1 <= key.column) {
                throw LimitExceeded{
                    line_offset_ + line + 1, static_cast<int>(at - line_start) + 1,
                    fmt::format(
                        "a property of the value of '{}' stands on a later line no deeper than the key "
                        "(go-yaml v2 reads it as a key: could not find expected ':'), so kubectl refuses "
                        "this document",
                        key.text)};
            }
        }
    }
    static void require_value_deeper_than(const Node& key, const Node& value) {
        if (value.line > key.line && value.column <= key.column) {
            throw LimitExceeded{
                value.line, value.column,
                fmt::format("the value of '{}' starts on the next line no deeper than its key "
                            "(go-yaml v2 reads it as a key: could not find expected ':'), so "
                            "kubectl refuses this document",
                            key.text)};
        }
    }

    // sigs.k8s.io/yaml turns the document into JSON with encoding/json, which has no NaN or infinity
    // ("json: unsupported value: NaN"), so a .nan or .inf value refuses the whole document (as a key it is
    // the text ".nan").
    void require_json_value(const Node& node) const {
        // Only ".nan", ".inf", "+.inf", "-.inf" in any case qualify: most values are rejected by a glance.
        if (node.type != NodeType::kScalar || node.style != ScalarStyle::kPlain || node.text.size() < 4 ||
            node.text.size() > 5 || (node.text[0] != '.' && node.text[1] != '.')) {
            return;
        }
        const std::string lower = ascii_lower(node.text);
        if ((lower == ".nan" || lower == ".inf" || lower == "+.inf" || lower == "-.inf") &&
            node.scalar_value() == ScalarValue::kFloat) {
            throw LimitExceeded{node.line, node.column,
                                fmt::format("'{}' is a number JSON cannot hold (json: unsupported value), so "
                                            "kubectl refuses this document",
                                            node.text)};
        }
    }

    // go-yaml v2 scannerc.go yaml_parser_scan_tag_uri: a tag is made of letters, digits, '-', '_' and
    // ;/?:@&=+$,.!~*'()[] or %XX escapes, then whitespace or a line break ("did not find expected whitespace
    // or line break"); yaml-cpp takes other bytes into the tag or the value. A node's mark is at its first
    // property (an anchor, then the tag).
    void require_tag_characters(const Mark& mark, const std::string& tag) const {
        if (tag.empty() || tag == "?") {
            return;  // untagged plain (a quoted or block scalar is "!": its source is checked)
        }
        std::size_t at = tag_position(mark);
        if (at >= text_.size() || text_[at] != '!') {
            return;  // the tag is not where it is expected: leave it to the parser
        }
        // In a flow collection yaml-cpp ends a tag at ',', '[' or ']'; go-yaml v2 takes them into the tag.
        const bool flow = !stack_.empty() && stack_.back().flow;
        static constexpr std::string_view kUriPunctuation = "-_;/?:@&=+$,.!~*'()[]%";  // '%': see below
        // A named handle ("!name!suffix") needs a %TAG directive, which no manifest kubectl reads can hold
        // (yaml_parser_parse_node: "found undefined tag handle").
        const std::size_t tag_end = std::min(text_.find_first_of(" \t\r\n", at), text_.size());
        const std::string_view written = text_.substr(at, tag_end - at);
        if (!written.starts_with("!!") && !written.starts_with("!<") &&
            written.find('!', 1) != std::string_view::npos) {
            throw LimitExceeded{
                line_offset_ + mark.line + 1, mark.column + 1,
                fmt::format("the tag '{}' uses a named handle no %TAG directive defines (go-yaml "
                            "v2: found undefined tag handle), so kubectl refuses this document",
                            written)};
        }
        ++at;
        if (at < text_.size() && text_[at] == '<') {
            at = text_.find('>', at);  // a verbatim tag, !<...>: checked up to its '>'
            if (at == std::string_view::npos) {
                return;
            }
            ++at;
        }
        for (; at < text_.size(); ++at) {
            const char c = text_[at];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return;
            }
            const bool alphanumeric =
                (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alphanumeric && kUriPunctuation.find(c) == std::string_view::npos) {
                throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                    "a tag holds a character tags cannot (go-yaml v2: did not find expected "
                                    "whitespace or line break), so kubectl refuses this document"};
            }
            // go-yaml decodes %XX escapes (yaml_parser_scan_uri_escapes: "!!%69nt" is !!int) and refuses
            // those that are not UTF-8; no manifest needs them, so any is refused rather than decoded.
            if (c == '%') {
                throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                    "a tag holds a %-escape, which go-yaml v2 decodes (or refuses when the "
                                    "bytes are not UTF-8) and rbacgraph does not, so the two would read this "
                                    "document differently"};
            }
            if (flow && (c == ',' || c == '[' || c == ']')) {
                throw LimitExceeded{
                    line_offset_ + mark.line + 1, mark.column + 1,
                    fmt::format(
                        "a tag inside a flow collection is followed by '{}' with no space "
                        "between; go-yaml v2 (kubectl) reads the '{}' into the tag, "
                        "libyaml ends the tag there, so rbacgraph would read this document differently",
                        c, c)};
            }
        }
    }

    // go-yaml v2 scannerc.go yaml_parser_scan_to_next_token skips a tab only in a flow collection or where a
    // simple key is not allowed; in block context a key is allowed at a line's start and after "- ", "? " and
    // ": ", so a tab there before a node is "found character that cannot start any token". yaml-cpp skips it
    // ("- \tb" is [b] to it), so a node with only blanks and those indicators before it on its line, a tab
    // among them, refuses the document.
    // An empty entry of a block list whose '-' is followed by a tab ("- \t", "-\t# c"): after '-' go-yaml v2
    // allows a key, so it does not skip the tab ("found character that cannot start any token"); yaml-cpp
    // reads a null. yaml-cpp marks the empty node where the next token starts, so the '-' is on the last
    // line before it that is not blank or a comment.
    void require_no_tab_after_empty_entry(const Mark& mark) const {
        std::size_t end = std::min(static_cast<std::size_t>(mark.pos), text_.size());
        while (end > 0) {
            const std::size_t start = end == 0 ? 0 : text_.rfind('\n', end - 1);
            const std::size_t line_start = start == std::string_view::npos ? 0 : start + 1;
            const std::string_view line = text_.substr(line_start, end - line_start);
            const std::size_t first = line.find_first_not_of(" \t\r\n");
            if (first == std::string_view::npos || line[first] == '#') {
                end = line_start == 0 ? 0 : line_start - 1;
                continue;
            }
            // The line's run of block entry indicators ("- - "), then what follows the last.
            std::size_t at = first;
            while (at < line.size() && line[at] == '-' &&
                   (at + 1 == line.size() ||
                    std::string_view(" \t\r\n").find(line[at + 1]) != std::string_view::npos)) {
                at = line.find_first_not_of(" \t", at + 1);
                if (at == std::string_view::npos) {
                    at = line.size();
                }
            }
            const std::size_t last_dash = line.find_last_of('-', at == 0 ? 0 : at - 1);
            const bool only_blanks_or_comment =
                at == line.size() || line[at] == '#' || line[at] == '\r' || line[at] == '\n';
            if (at > first && only_blanks_or_comment && last_dash != std::string_view::npos &&
                line.substr(last_dash, at - last_dash).find('\t') != std::string_view::npos) {
                throw LimitExceeded{
                    line_offset_ +
                        static_cast<int>(std::count(
                            text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(line_start), '\n')) +
                        1,
                    static_cast<int>(last_dash) + 2,
                    "a tab after '-' where the entry is empty (go-yaml v2: found character that "
                    "cannot start any token), so kubectl refuses this document"};
            }
            return;
        }
    }

    void require_no_tab_before(const Mark& mark) const {
        if (!has_tab_ || (!stack_.empty() && stack_.back().flow)) {
            return;  // a text without a tab has none before any value (most texts hold none, and walking
                     // back to each node's line start was a twentieth of reading YAML)
        }
        // The node's first property, and its content, which may start on a later line ("!tag" then a line
        // break: the break allows a key again).
        const auto at = std::min(static_cast<std::size_t>(mark.pos), text_.size());
        const auto tab_where_key_may_start = [&](std::size_t position) {
            const std::size_t line_start = position == 0 ? 0 : text_.rfind('\n', position - 1) + 1;
            const std::string_view before = text_.substr(line_start, position - line_start);
            return before.find('\t') != std::string_view::npos &&
                   before.find_first_not_of(" \t-?:") == std::string_view::npos;
        };
        const std::size_t content = std::min(content_start(at), text_.size());
        const bool content_on_later_line =
            text_.substr(at, content - at).find('\n') != std::string_view::npos;
        if (tab_where_key_may_start(at) || (content_on_later_line && tab_where_key_may_start(content))) {
            throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                "a tab before this value where a key may start (go-yaml v2: found character "
                                "that cannot start any token), so kubectl refuses this document"};
        }
    }

    // go-yaml v2 scannerc.go yaml_parser_scan_anchor: an anchor or alias name is letters, digits, '-' and '_'
    // only, and ends at a blank or one of ?:,]}%@`. yaml-cpp takes more into the name ("&ind:" is the anchor
    // "ind:" to it, the anchor "ind" on an empty node to go-yaml), so such a name is refused.
    void require_anchor_characters(const Mark& mark) const {
        auto at = static_cast<std::size_t>(mark.pos);
        // A tag may come first ("!x &a"): the anchor follows it and the blanks after it.
        if (at < text_.size() && text_[at] == '!') {
            at = std::min(text_.find_first_of(" \t\r\n", at), text_.size());
            at = std::min(text_.find_first_not_of(" \t\r\n", at), text_.size());
        }
        if (at >= text_.size() || (text_[at] != '&' && text_[at] != '*')) {
            return;
        }
        const std::size_t name_start = at + 1;
        for (++at; at < text_.size(); ++at) {
            const char c = text_[at];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                break;
            }
            const bool name = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                              c == '-' || c == '_';
            // Both end a name at ',', ']' or '}' inside a flow collection.
            if (!name && !stack_.empty() && stack_.back().flow && (c == ',' || c == ']' || c == '}')) {
                return;
            }
            if (!name) {
                throw LimitExceeded{
                    line_offset_ + mark.line + 1, mark.column + 1,
                    fmt::format("an anchor or alias name holds '{}', which go-yaml v2 (kubectl) "
                                "ends the name at and a YAML 1.2 reader does not, so rbacgraph would read "
                                "this document differently",
                                c)};
            }
        }
        // go-yaml v2 refuses an empty name ("did not find expected alphabetic or numeric character").
        if (at == name_start) {
            throw LimitExceeded{line_offset_ + mark.line + 1, mark.column + 1,
                                "an anchor or alias without a name (go-yaml v2: did not find expected "
                                "alphabetic or numeric character), so kubectl refuses this document"};
        }
    }

    // go-yaml v2 resolve.go: a scalar tagged !!int, !!bool, !!float or !!null must resolve to that type (an
    // integer may be a !!float), else "cannot decode !!str `x` as a !!bool" refuses the document.
    static void require_tagged_type(const Node& node, const std::string& tag, const std::string& value) {
        const ScalarValue resolved = resolve_plain_scalar(value);
        const std::string_view type =
            std::string_view(tag).substr(std::string_view("tag:yaml.org,2002:").size());
        const bool fits =
            (type == "int" && resolved == ScalarValue::kInt) ||
            (type == "bool" && resolved == ScalarValue::kBool) ||
            (type == "float" && (resolved == ScalarValue::kFloat || resolved == ScalarValue::kInt)) ||
            (type == "null" && resolved == ScalarValue::kNull);
        if (!fits) {
            throw LimitExceeded{
                node.line, node.column,
                fmt::format("'{}' is not a !!{} (go-yaml v2: cannot decode it as one), so kubectl "
                            "refuses this document",
                            value, type)};
        }
    }

    // yaml-cpp takes a quoted scalar the text ends inside as ending there; go-yaml v2 refuses the document
    // ("found unexpected end of stream"). Double quotes escape with a backslash, single quotes by doubling.
    void require_closing_quote(const Node& node, std::size_t open) const {
        const char quote = text_[open];
        for (std::size_t at = open + 1; at < text_.size(); ++at) {
            if (quote == '"' && text_[at] == '\\') {
                // libyaml 0.2 reads "\/" as '/' (YAML 1.2, JSON); go-yaml v2 was ported before and refuses it
                // (yaml_parser_scan_flow_scalar: found unknown escape character).
                if (at + 1 < text_.size() && text_[at + 1] == '/') {
                    throw LimitExceeded{node.line, node.column,
                                        "'\\/' in a double-quoted string (go-yaml v2: found unknown escape "
                                        "character), so kubectl refuses this document"};
                }
                ++at;
            } else if (text_[at] == quote) {
                if (quote == '\'' && at + 1 < text_.size() && text_[at + 1] == '\'') {
                    ++at;
                    continue;
                }
                return;
            }
        }
        throw LimitExceeded{node.line, node.column,
                            "the file ends inside this quoted string (go-yaml v2: found unexpected end of "
                            "stream), so kubectl refuses this document"};
    }

    // yaml-cpp reads a plain scalar alone on the last line of a block mapping ("verbs" with no ':') as a key
    // with no value; go-yaml v2 refuses the document ("could not find expected ':'"), so kubectl never
    // applies it. A key with no value must have its ':' on its line, unless the key is explicit ("? key").
    void require_key_indicator(const Node& key, std::size_t offset) const {
        if (offset == kNoOffset || offset >= text_.size()) {
            return;
        }
        const std::size_t line_start =
            text_.rfind('\n', offset) == std::string_view::npos ? 0 : text_.rfind('\n', offset) + 1;
        // An explicit key: in block context '?' is the key indicator only when a blank or the end follows
        // (scannerc.go yaml_parser_fetch_next_token); "??" is a plain scalar, which needs its ':'.
        const std::size_t first = text_.find_first_not_of(" \t", line_start);
        if (first != std::string_view::npos && text_[first] == '?' &&
            (first + 1 == text_.size() ||
             std::string_view(" \t\r\n").find(text_[first + 1]) != std::string_view::npos)) {
            return;
        }
        // A tag may hold ':' ("!a: key" is the key "key" tagged "!a:"); the indicator follows the content.
        const std::size_t content = content_start(offset);
        const std::size_t line_end = std::min(text_.find('\n', content), text_.size());
        for (std::size_t at = text_.find(':', content); at < line_end; at = text_.find(':', at + 1)) {
            if (at + 1 == text_.size() || text_[at + 1] == ' ' || text_[at + 1] == '\t' ||
                text_[at + 1] == '\r' || text_[at + 1] == '\n') {
                return;
            }
        }
        throw LimitExceeded{
            key.line, key.column,
            fmt::format("no ':' after the mapping key '{}' on its line (go-yaml v2: could not "
                        "find expected ':'), so kubectl refuses this document",
                        key.text)};
    }

    void add_entry(Frame& frame, Node key, Node value) {
        Node& mapping = frame.node;
        if (key.type != NodeType::kScalar && key.type != NodeType::kNull) {
            throw LimitExceeded{key.line, key.column,
                                "a mapping key is a list or mapping, which Kubernetes and "
                                "the AWS CLI never produce"};
        }
        // sigs.k8s.io/yaml convertToJSONableObject: a null key ("null:", "~:", ": x") has no JSON form
        // ("Unsupported map key of type: <nil>"), so kubectl refuses the document.
        if (key.is_null()) {
            throw LimitExceeded{
                key.line, key.column,
                "a mapping key is null (null, ~ or nothing before the ':'), which kubectl cannot "
                "turn into JSON, so it refuses this document"};
        }
        if (key.text == "<<" && key.style == ScalarStyle::kPlain) {
            // go-yaml v2 decode.go merge(): the value must be a mapping or a list of mappings, else "map
            // merge requires map or sequence of maps as the value" refuses the document.
            const bool mappings = value.type == NodeType::kMapping ||
                                  (value.type == NodeType::kSequence &&
                                   std::all_of(value.children.begin(), value.children.end(),
                                               [](const Node& item) { return item.is_mapping(); }));
            if (!mappings) {
                throw LimitExceeded{
                    key.line, key.column,
                    fmt::format("the merge key '<<' holds a {}, not a mapping or a list of "
                                "mappings (go-yaml v2: map merge requires map or sequence of maps "
                                "as the value), so kubectl refuses this document",
                                value.type_name())};
            }
            merge(frame, key, std::move(value));
            return;
        }
        resolve_key(key);
        for (std::size_t i = 0; i < mapping.keys.size(); ++i) {
            if (mapping.keys[i] == key.text) {
                if (i < frame.merged.size() && frame.merged[i]) {
                    // A key after a merge that gave it: it wins in go-yaml v2 and by the specification.
                    frame.merged[i] = false;
                    mapping.children[i] = std::move(value);
                    return;
                }
                // go-yaml v2 and encoding/json keep the last value of a repeated key.
                diagnostics_.push_back(
                    {Severity::kWarning,
                     {file_, key.line, key.column},
                     "",
                     fmt::format("duplicate key '{}' (first at line {}); the last value is "
                                 "used, as the API server's decoder does",
                                 key.text, mapping.children[i].line)});
                mapping.children[i] = std::move(value);
                return;
            }
        }
        mapping.keys.push_back(std::move(key.text));
        mapping.children.push_back(std::move(value));
        if (!frame.merged.empty()) {
            frame.merged.push_back(false);
        }
    }

    // A plain key that YAML 1.1 resolves to a boolean, a number or null is that value to go-yaml v2, and
    // sigs.k8s.io/yaml writes it as JSON text ("true", "10", "null"): `y: x` is {"true": "x"} to kubectl.
    void resolve_key(Node& key) {
        if (key.type != NodeType::kScalar || key.style != ScalarStyle::kPlain) {
            return;
        }
        std::string resolved;
        switch (key.scalar_value()) {
            case ScalarValue::kString:
                return;
            case ScalarValue::kNull:
                resolved = "null";
                break;
            case ScalarValue::kBool:
                resolved = bool_text(key.text);
                break;
            case ScalarValue::kInt:
                if (auto number = number_text(key.text)) {
                    resolved = std::move(*number);
                } else {
                    return;
                }
                break;
            case ScalarValue::kFloat:
                if (auto number = float_key_text(key.text)) {
                    resolved = std::move(*number);
                } else {
                    return;
                }
                break;
        }
        if (resolved != key.text) {
            diagnostics_.push_back(
                {Severity::kWarning,
                 {file_, key.line, key.column},
                 "",
                 fmt::format(
                     "the key '{}' is read as '{}', as kubectl's reader (go-yaml v2, YAML 1.1) reads it; "
                     "quote it to keep the text",
                     key.text, resolved)});
            key.text = std::move(resolved);
        }
    }

    static std::string bool_text(std::string_view text) {
        for (const std::string_view truth :
             {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
            if (text == truth) {
                return "true";
            }
        }
        return "false";
    }

    // A YAML 1.1 number key as strconv writes it (decimal integers; floats in Go's shortest form is beyond
    // this: such keys are left as written).
    static std::optional<std::string> number_text(std::string_view text) {
        std::string digits(text);
        std::erase(digits, '_');
        const bool negative = digits.starts_with('-');
        if (digits.starts_with('-') || digits.starts_with('+')) {
            digits.erase(0, 1);
        }
        int base = 10;
        if (digits.starts_with("0x") || digits.starts_with("0X")) {
            base = 16;
            digits.erase(0, 2);
        } else if (digits.starts_with("0b") || digits.starts_with("0B")) {
            base = 2;
            digits.erase(0, 2);
        } else if (digits.starts_with("0o") || digits.starts_with("0O")) {
            base = 8;
            digits.erase(0, 2);
        } else if (digits.size() > 1 && digits.starts_with('0')) {
            base = 8;
            digits.erase(0, 1);
        }
        // 'e' is a digit of a hexadecimal key ("0xe: x" is {"14": x} to kubectl; fuzz seed hex-key-with-e),
        // an exponent of a decimal one.
        if (digits.empty() || digits.find_first_of(base == 16 ? ".:" : ".eE:") != std::string::npos) {
            return std::nullopt;
        }
        try {
            std::size_t used = 0;
            const long long value = std::stoll(digits, &used, base);
            if (used != digits.size()) {
                return std::nullopt;
            }
            return std::to_string(negative ? -value : value);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

    // A YAML 1.1 float key as sigs.k8s.io/yaml writes it (yaml.go, convertToJSONableObject):
    // strconv.FormatFloat(value, 'g', -1, 32), the shortest text that reads back as the same float32, in %g
    // form (an exponent when it is below -4 or at least 6, written e+06), and .inf, -.inf, .nan for the rest.
    static std::optional<std::string> float_key_text(std::string_view text) {
        std::string digits(text);
        std::erase(digits, '_');
        const std::string lower = ascii_lower(digits);
        if (lower == ".nan") {
            return std::string(".nan");
        }
        if (lower == ".inf" || lower == "+.inf") {
            return std::string(".inf");
        }
        if (lower == "-.inf") {
            return std::string("-.inf");
        }
        // strtod, not stod: an underflow is 0 to Go's ParseFloat (no error), so "3E-33333333339: x" is
        // {"0": x} to kubectl (fuzz seed float-key-underflow); stod throws on it.
        char* end = nullptr;
        const double parsed = std::strtod(digits.c_str(), &end);
        if (digits.empty() || end != digits.c_str() + digits.size()) {
            return std::nullopt;
        }
        const auto value = static_cast<float>(parsed);
        if (std::isinf(value)) {
            return std::string(value > 0 ? ".inf" : "-.inf");
        }
        std::array<char, 64> buffer{};
        const auto written =
            std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::scientific);
        std::string scientific(buffer.data(), written.ptr);  // [-]d[.ddd]e[+-]xx
        const bool negative = scientific.starts_with('-');
        if (negative) {
            scientific.erase(0, 1);
        }
        const std::size_t e = scientific.find('e');
        std::string mantissa = scientific.substr(0, e);
        const int exponent = std::stoi(scientific.substr(e + 1));
        std::erase(mantissa, '.');
        std::string out = negative ? "-" : "";
        if (exponent < -4 || exponent >= 6) {
            out += mantissa.substr(0, 1);
            if (mantissa.size() > 1) {
                out += "." + mantissa.substr(1);
            }
            out += fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
        } else if (exponent < 0) {
            out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + mantissa;
        } else if (static_cast<std::size_t>(exponent) + 1 >= mantissa.size()) {
            out += mantissa + std::string(static_cast<std::size_t>(exponent) + 1 - mantissa.size(), '0');
        } else {
            out += mantissa.substr(0, static_cast<std::size_t>(exponent) + 1) + "." +
                   mantissa.substr(static_cast<std::size_t>(exponent) + 1);
        }
        return out;
    }

    // RFC 4648 base64, whitespace ignored (go-yaml v2 removes line breaks before decoding).
    static std::optional<std::string> decode_base64(std::string_view text) {
        std::string out;
        unsigned int buffer = 0;
        int bits = 0;
        std::size_t padding = 0;
        for (const char c : text) {
            unsigned int value = 0;
            if (c >= 'A' && c <= 'Z') {
                value = static_cast<unsigned int>(c - 'A');
            } else if (c >= 'a' && c <= 'z') {
                value = static_cast<unsigned int>(c - 'a' + 26);
            } else if (c >= '0' && c <= '9') {
                value = static_cast<unsigned int>(c - '0' + 52);
            } else if (c == '+') {
                value = 62;
            } else if (c == '/') {
                value = 63;
            } else if (c == '=') {
                ++padding;
                continue;
            } else if (c == '\n' || c == '\r') {
                continue;  // encoding/base64 skips line breaks, nothing else
            } else {
                return std::nullopt;
            }
            if (padding > 0) {
                return std::nullopt;  // data after padding
            }
            buffer = (buffer << 6u) | value;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.push_back(static_cast<char>((buffer >> static_cast<unsigned int>(bits)) & 0xFFu));
            }
        }
        // base64.StdEncoding (go-yaml v2 decode.go) wants whole quanta of four characters, padding included.
        const auto characters = static_cast<std::size_t>(
            std::count_if(text.begin(), text.end(), [](char c) { return c != '\n' && c != '\r'; }));
        if (padding > 2 || characters % 4 != 0) {
            return std::nullopt;
        }
        return out;
    }

    // A merge key ("<<: *defaults") as go-yaml v2 (kubectl, sigs.k8s.io/yaml, aws-iam-authenticator) reads
    // it: the mapping's entries are decoded in order and each sets its key, so a merge overrides the keys
    // before it and the keys after it override the merge (decode.go, mapping() and merge()); of a list of
    // merged mappings, the earlier ones win (merge() walks the list backwards). The YAML 1.1 merge type says
    // explicit keys always win; go-yaml v2 does not, so a reviewer who reads the file by the specification is
    // warned wherever the two differ.
    void merge(Frame& frame, const Node& key, Node value) {
        Node& mapping = frame.node;
        frame.merged.resize(mapping.keys.size(), false);
        std::vector<Node> sources;
        if (value.type == NodeType::kMapping) {
            sources.push_back(std::move(value));
        } else {
            sources.assign(std::make_move_iterator(value.children.rbegin()),
                           std::make_move_iterator(value.children.rend()));
        }
        for (Node& source : sources) {
            for (std::size_t k = 0; source.type == NodeType::kMapping && k < source.keys.size(); ++k) {
                bool replaced = false;
                for (std::size_t i = 0; i < mapping.keys.size(); ++i) {
                    if (mapping.keys[i] == source.keys[k]) {
                        if (!frame.merged[i]) {  // an explicit key: here the two readings differ
                            diagnostics_.push_back(
                                {Severity::kWarning,
                                 {file_, key.line, key.column},
                                 "",
                                 fmt::format(
                                     "the merge key '<<' replaces '{}' given before it (line {}): kubectl's "
                                     "reader (go-yaml v2) lets the later win, and so does rbacgraph; "
                                     "by the YAML merge specification the explicit key would stay",
                                     source.keys[k], mapping.children[i].line)});
                        }
                        mapping.children[i] = std::move(source.children[k]);
                        frame.merged[i] = true;
                        replaced = true;
                        break;
                    }
                }
                if (!replaced) {
                    mapping.keys.push_back(source.keys[k]);
                    mapping.children.push_back(std::move(source.children[k]));
                    frame.merged.push_back(true);
                }
            }
        }
    }

    std::string_view text_;
    bool has_tab_ = false;  ///< some tab in text_: only then can require_no_tab_before refuse
    const Limits& limits_;
    const std::string& file_;
    DocumentConsumer& consumer_;
    std::vector<Diagnostic>& diagnostics_;
    std::vector<Frame> stack_;
    std::unordered_map<AnchorId, Node> anchors_;
    std::optional<Node> document_;
    std::size_t nodes_ = 0;
    std::size_t alias_nodes_ = 0;
    int line_offset_ = 0;
    int last_document_line_ = 0;
    int document_start_line_ = 0;
};

}  // namespace

namespace {

Mark mark_of(const YamlEvent& event) {
    Mark mark;
    mark.pos = static_cast<int>(event.pos);
    mark.line = event.line;
    mark.column = event.column;
    return mark;
}

// `start_line` (0-based): the document's "---" line, or its first line of content, where libyaml starts it.
void replay(std::vector<YamlEvent>& events, TreeBuilder& builder, int start_line) {
    builder.OnDocumentStart(Mark{0, start_line, 0});
    for (YamlEvent& event : events) {
        switch (event.kind) {
            case YamlEvent::Kind::kMapStart:
                builder.OnMapStart(mark_of(event), "?", 0, CollectionStyle::kBlock);
                break;
            case YamlEvent::Kind::kMapEnd:
                builder.OnMapEnd();
                break;
            case YamlEvent::Kind::kSequenceStart:
                builder.OnSequenceStart(mark_of(event), "?", 0, CollectionStyle::kBlock);
                break;
            case YamlEvent::Kind::kSequenceEnd:
                builder.OnSequenceEnd();
                break;
            case YamlEvent::Kind::kScalar:
                // yaml-cpp reports an untagged plain null ("", ~, null, Null, NULL) as a null, not a scalar.
                if (event.plain && (event.value.empty() || event.value == "~" || event.value == "null" ||
                                    event.value == "Null" || event.value == "NULL")) {
                    builder.OnNull(mark_of(event), 0);
                } else {
                    builder.OnScalar(mark_of(event), event.plain ? "?" : "!", 0, event.value);
                }
                break;
        }
    }
    builder.OnDocumentEnd();
}

void hand_over(TreeBuilder& builder, DocumentConsumer& consumer) {
    if (std::optional<Node> document = builder.take_document(); document && !document->is_null()) {
        consumer.document(std::move(*document));
    } else if (document) {
        consumer.null_document(*document);
    }
}

// libyaml, the C library go-yaml v2 is a line-by-line port of (scannerc.go, parserc.go), reads `text`: its
// scanner decides simple keys, indentation, tabs and folding as go-yaml's does, where yaml-cpp (a YAML 1.2
// reader of its own) differed in ways the differential fuzzer kept finding (docs/decisions.md).
struct LibyamlSyntaxError {
    int line = 0;  ///< 0-based, within `text`
    int column = 0;
    std::string message;
};

// Where libyaml 0.2.5 refuses what go-yaml v2 reads, because libyaml changed after go-yaml was ported from
// it (libyaml commits 20496ee, 6cc8b63, f41d360): the refusal says the two readers differ, not that
// kubectl refuses the document. `at` is the problem's byte offset.
std::optional<std::string> libyaml_only_refusal(std::string_view problem, std::string_view text,
                                                std::size_t at) {
    const auto next = [&](std::size_t offset) { return offset < text.size() ? text[offset] : '\0'; };
    if (problem == "found unexpected ':'") {
        return "a plain value in a flow collection ends with ':' before ',', '?', '[', ']', '{' or '}'; "
               "go-yaml v2 (kubectl) reads the ':' as part of the text, libyaml refuses it, so rbacgraph "
               "would read this document differently";
    }
    if (problem == "found unknown escape character" && next(at) == '\\' && next(at + 1) == '\'') {
        return "'\\'' in a double-quoted string: go-yaml v2 (kubectl) reads it as a quote, libyaml refuses "
               "it, so rbacgraph would read this document differently";
    }
    if (problem == "did not find expected whitespace or line break" &&
        (next(at) == ',' || next(at) == '[' || next(at) == ']')) {
        return fmt::format(
            "a tag is followed by '{}': go-yaml v2 (kubectl) reads it into the tag, libyaml "
            "ends the tag there, so rbacgraph would read this document differently",
            next(at));
    }
    return std::nullopt;
}

class LibyamlReader {
  public:
    explicit LibyamlReader(std::string_view text) : text_(text) {
        if (yaml_parser_initialize(&parser_) == 0) {
            throw std::bad_alloc();
        }
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                     text.size());
        yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
        // libyaml counts marks in characters; TreeBuilder reads the text at byte offsets.
        if (std::any_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
            for (std::size_t at = 0; at < text.size(); ++at) {
                if ((static_cast<unsigned char>(text[at]) & 0xC0U) != 0x80U) {
                    character_offsets_.push_back(at);
                }
            }
            character_offsets_.push_back(text.size());
        }
    }
    LibyamlReader(const LibyamlReader&) = delete;
    LibyamlReader& operator=(const LibyamlReader&) = delete;
    ~LibyamlReader() { yaml_parser_delete(&parser_); }

    void read(TreeBuilder& builder, DocumentConsumer& consumer) {
        std::unordered_map<std::string, AnchorId> anchors;
        AnchorId next_anchor = 0;
        const auto anchor_of = [&](const yaml_char_t* name) -> AnchorId {
            if (name == nullptr) {
                return 0;
            }
            return anchors[reinterpret_cast<const char*>(name)] = ++next_anchor;
        };
        for (;;) {
            yaml_event_t event;
            if (yaml_parser_parse(&parser_, &event) == 0) {
                throw syntax_error();
            }
            const Event owned(event);
            const Mark mark = mark_of(event.start_mark);
            switch (event.type) {
                case YAML_STREAM_END_EVENT:
                    return;
                case YAML_DOCUMENT_START_EVENT:
                    anchors.clear();
                    builder.OnDocumentStart(mark);
                    break;
                case YAML_DOCUMENT_END_EVENT:
                    builder.OnDocumentEnd();
                    hand_over(builder, consumer);
                    break;
                case YAML_ALIAS_EVENT: {
                    const auto found = anchors.find(reinterpret_cast<const char*>(event.data.alias.anchor));
                    // An alias to no anchor gets an id no anchor has: TreeBuilder refuses it, as go-yaml v2
                    // does ("unknown anchor 'x' referenced").
                    builder.OnAlias(mark, found == anchors.end() ? ++next_anchor : found->second);
                    break;
                }
                case YAML_SCALAR_EVENT: {
                    const auto& scalar = event.data.scalar;
                    const std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
                    const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
                    const AnchorId anchor = anchor_of(scalar.anchor);
                    // yaml-cpp's conventions, which TreeBuilder keeps: an empty node, or an untagged plain
                    // null, is OnNull; an untagged plain scalar is tagged "?", another untagged one "!".
                    if (plain &&
                        (value.empty() || (scalar.tag == nullptr && (value == "~" || value == "null" ||
                                                                     value == "Null" || value == "NULL")))) {
                        builder.OnNull(mark, anchor);
                        break;
                    }
                    // go-yaml v2 reads "! <<" (the non-specific tag on a plain scalar) as implicit, so as a
                    // merge key (decode.go isMerge), yet resolves "! x" as a string: refused rather than read
                    // one way (fuzz seed non-specific-tag-merge-key).
                    if (plain && scalar.tag != nullptr && std::string_view(tag_or(scalar.tag, "")) == "!" &&
                        value == "<<") {
                        throw LibyamlSyntaxError{
                            mark.line, mark.column,
                            "a '<<' key with the non-specific tag '!': go-yaml v2 (kubectl) "
                            "merges it, so rbacgraph would read this document differently"};
                    }
                    const std::string tag = tag_or(scalar.tag, plain ? "?" : "!");
                    builder.OnScalar(mark, tag, anchor, value);
                    break;
                }
                case YAML_SEQUENCE_START_EVENT: {
                    const auto& start = event.data.sequence_start;
                    builder.OnSequenceStart(mark, tag_or(start.tag, "?"), anchor_of(start.anchor),
                                            style_of(start.style == YAML_FLOW_SEQUENCE_STYLE));
                    break;
                }
                case YAML_SEQUENCE_END_EVENT:
                    builder.OnSequenceEnd();
                    break;
                case YAML_MAPPING_START_EVENT: {
                    const auto& start = event.data.mapping_start;
                    builder.OnMapStart(mark, tag_or(start.tag, "?"), anchor_of(start.anchor),
                                       style_of(start.style == YAML_FLOW_MAPPING_STYLE));
                    break;
                }
                case YAML_MAPPING_END_EVENT:
                    builder.OnMapEnd();
                    break;
                default:
                    break;
            }
        }
    }

  private:
    static const char* tag_or(const yaml_char_t* tag, const char* untagged) {
        return tag != nullptr ? reinterpret_cast<const char*>(tag) : untagged;
    }
    static CollectionStyle style_of(bool flow) {
        return flow ? CollectionStyle::kFlow : CollectionStyle::kBlock;
    }

    // Deletes a parsed event when the step that handles it ends, however it ends.
    class Event {
      public:
        explicit Event(yaml_event_t& event) : event_(event) {}
        Event(const Event&) = delete;
        Event& operator=(const Event&) = delete;
        ~Event() { yaml_event_delete(&event_); }

      private:
        yaml_event_t& event_;
    };

    std::size_t byte_offset(std::size_t character) const {
        if (character_offsets_.empty()) {
            return std::min(character, text_.size());
        }
        return character_offsets_[std::min(character, character_offsets_.size() - 1)];
    }

    Mark mark_of(const yaml_mark_t& at) const {
        Mark mark;
        const std::size_t offset = byte_offset(at.index);
        mark.pos = static_cast<int>(offset);
        mark.line = static_cast<int>(at.line);
        mark.column = static_cast<int>(offset - byte_offset(at.index - std::min(at.index, at.column)));
        return mark;
    }

    LibyamlSyntaxError syntax_error() const {
        const yaml_mark_t& at = parser_.problem != nullptr ? parser_.problem_mark : parser_.mark;
        std::string message = parser_.problem != nullptr ? parser_.problem : "the YAML parser failed";
        if (parser_.context != nullptr) {
            message = fmt::format("{} ({})", message, parser_.context);
        }
        if (parser_.error == YAML_MEMORY_ERROR) {
            throw std::bad_alloc();
        }
        const Mark mark = mark_of(at);
        if (auto differently = libyaml_only_refusal(parser_.problem != nullptr ? parser_.problem : "", text_,
                                                    static_cast<std::size_t>(mark.pos))) {
            message = std::move(*differently);
        }
        return {mark.line, mark.column, std::move(message)};
    }

    std::string_view text_;
    yaml_parser_t parser_{};
    std::vector<std::size_t> character_offsets_;  ///< byte offset of each character; empty for ASCII text
};

std::optional<std::string> refused_directive(std::string_view line) {
    const std::size_t end = line.find_first_of(" \t\r\n");
    const std::string_view name =
        line.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
    if (name == "TAG") {
        return std::nullopt;
    }
    if (name == "YAML") {
        const std::size_t version = line.find_first_not_of(" \t", end);
        if (version != std::string_view::npos && line.substr(version).starts_with("1.1")) {
            const std::size_t after = version + 3;
            if (after >= line.size() || line[after] == ' ' || line[after] == '\t' || line[after] == '\r' ||
                line[after] == '\n') {
                return std::nullopt;
            }
        }
        return fmt::format(
            "the directive \"{}\" asks for a YAML version go-yaml v2 refuses (it reads %YAML 1.1 only)",
            line.substr(0, line.find_last_not_of(" \t\r\n") + 1));
    }
    return fmt::format("\"{}\" is a YAML directive go-yaml v2 does not know (it knows %YAML and %TAG)",
                       line.substr(0, std::min<std::size_t>(line.find_last_not_of(" \t\r\n") + 1, 40)));
}

bool has_lone_carriage_return(std::string_view text) {
    for (std::size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1)) {
        if (at + 1 == text.size() || text[at + 1] != '\n') {
            return true;
        }
    }
    return false;
}

// go-yaml v2's reader (readerc.go, yaml_parser_update_buffer) decodes UTF-8 strictly and allows only
// #x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; anything else
// refuses the whole document ("control characters are not allowed", "invalid leading UTF-8 octet", ...).
struct CharacterRefusal {
    std::string reason;
    bool read_differently = false;  ///< go-yaml reads the character, as something else than we do
};

std::optional<CharacterRefusal> refused_character(std::string_view text, std::size_t& at) {
    std::uint32_t value = 0;
    const std::size_t width = utf8_sequence(text, at, value);
    if (width == 0) {
        return CharacterRefusal{fmt::format("byte 0x{:02X} is not UTF-8 (go-yaml: invalid UTF-8)",
                                            static_cast<unsigned char>(text[at]))};
    }
    // go-yaml v2 (yamlh.go is_break, scannerc.go read_line) takes NEL, LINE SEPARATOR and PARAGRAPH
    // SEPARATOR as line breaks (NEL even becomes "\n" in a scalar); YAML 1.2 and our readers take them as
    // characters, so a mapping or a scalar around one has another shape to kubectl than here.
    if (value == 0x85 || value == 0x2028 || value == 0x2029) {
        return CharacterRefusal{
            fmt::format("U+{:04X} is a line break to go-yaml v2 (kubectl, the authenticator) and a character "
                        "to rbacgraph's reader, so the two would read this document differently",
                        value),
            true};
    }
    if (value == 0x09 || value == 0x0A || value == 0x0D || (value >= 0x20 && value <= 0x7E) ||
        (value >= 0xA0 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD) || value >= 0x10000) {
        at += width;
        return std::nullopt;
    }
    return CharacterRefusal{
        fmt::format("control character U+{:04X} (go-yaml: control characters are not allowed)", value)};
}

}  // namespace

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A second BOM where go-yaml's input starts is skipped by its scanner at the first column
// (yaml_parser_scan_to_next_token) but counted as a column, so the first line is indented by one and what
// follows reads otherwise ("a: 1" then "b: 2" is "did not find expected key"; "--: 1" is the key "-").
// No writer means that: refused as read differently rather than guessed.
ByteRefusal second_bom(std::size_t document_start, int line) {
    return ByteRefusal{document_start, line, 1,
                       "two byte order marks start this document; go-yaml v2 (kubectl, the authenticator) "
                       "counts the second as a column of indentation, so it would read this document "
                       "differently",
                       true};
}

KubectlCut cut_as_kubectl(std::string_view text, YamlSource source, std::string_view original) {
    KubectlCut cut;
    if (text.starts_with(kBom)) {  // the first was dropped with the encoding (parse_yaml)
        cut.refusal = second_bom(0, 1);
        return cut;
    }
    std::size_t document_start = 0;
    bool document_content = false;  // a line of content since the document began (directives come before)
    int line_number = 0;
    std::size_t line_start = 0;
    // Only spaces or a comment may follow a document marker on its line.
    const auto bare_marker = [](std::string_view line, std::string_view marker) {
        if (!line.starts_with(marker)) {
            return false;
        }
        const std::size_t content = line.find_first_not_of(" \t\r\n\v\f", marker.size());
        return content == std::string_view::npos || line[content] == '#';
    };
    while (line_start < text.size()) {
        ++line_number;
        const std::size_t newline = text.find('\n', line_start);
        std::size_t line_end = newline == std::string_view::npos ? text.size() : newline + 1;
        const std::string_view line = text.substr(line_start, line_end - line_start);
        // A line that starts after a lone CR (made LF for our readers) is no line to kubectl, which cuts at
        // LF only; to go-yaml it is one, so a "---" there starts a document Unmarshal does not read.
        const bool kubectl_line =
            line_start == 0 || line_start > original.size() || original[line_start - 1] == '\n';
        // kubectl's line runs to the next LF: after a lone CR, what follows is still part of it.
        std::string_view whole_line = line;
        if (!original.empty()) {
            const std::size_t lf = original.find('\n', line_start);
            whole_line =
                text.substr(line_start, (lf == std::string_view::npos ? text.size() : lf + 1) - line_start);
        }
        if (line.starts_with("---")) {
            if (source == YamlSource::kGoYamlValue || !kubectl_line) {
                cut.end_marker_lines.push_back(line_number);  // one Unmarshal: what follows is ignored
            } else if (bare_marker(whole_line, "---")) {
                // kubectl drops the whole line, comment and all, whatever lone CRs split it into for go-yaml
                // ("---\r# c\rkind: x" hides "kind: x"): it is parsed as a bare "---" and blank lines.
                if (whole_line.find_first_not_of(" \t\r\n\v\f", 3) != std::string_view::npos) {
                    cut.separators_to_clean.push_back({line_start, line_start + whole_line.size()});
                }
                line_end = line_start + whole_line.size();
                const auto lines_within = std::count(whole_line.begin(), whole_line.end(), '\n');
                cut.separator_lines.push_back(line_number);
                line_number += static_cast<int>(std::max<std::ptrdiff_t>(lines_within, 1) - 1);
                document_start = line_end;
                document_content = false;
                // One BOM goes with the encoding (yaml_parser_determine_encoding) and is dropped.
                if (text.substr(line_end).starts_with(kBom)) {
                    cut.piece_boms.push_back(line_end);
                    if (text.substr(line_end + 3).starts_with(kBom)) {
                        cut.refusal = second_bom(line_end, line_number + 1);
                        return cut;
                    }
                }
            } else {
                // apimachinery's YAMLReader: "invalid Yaml document separator", and the document it would
                // have ended is lost too.
                const std::string_view shown = whole_line.substr(
                    0, std::min<std::size_t>(whole_line.find_last_not_of(" \t\r\n") + 1, 40));
                cut.refusal =
                    ByteRefusal{document_start, line_number, 4,
                                fmt::format("\"{}\" is not a document separator kubectl accepts (only a "
                                            "comment may follow \"---\" on its line)",
                                            shown)};
                return cut;
            }
        } else if (line.starts_with("...") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' ||
                                               line[3] == '\r' || line[3] == '\n')) {
            // A document end ("..." then a blank: whatever follows on the line is past the document).
            if (!document_content) {
                // A document end with no document before it in go-yaml's input: "did not find expected node
                // content". yaml-cpp skips it.
                cut.refusal = ByteRefusal{document_start, line_number, 1,
                                          "a \"...\" document end with no document before it"};
                return cut;
            }
            cut.end_marker_lines.push_back(line_number);
        } else if (line.starts_with('%') && document_content) {
            // go-yaml's scanner takes '%' at the start of any line as a directive
            // (yaml_parser_fetch_next_token), and a directive inside a document refuses it; yaml-cpp reads
            // the line as text.
            cut.refusal = ByteRefusal{document_start, line_number, 1,
                                      "a line starting with '%' inside a document, which go-yaml reads as a "
                                      "YAML directive"};
            return cut;
        } else if (line.starts_with('%') && !document_content) {
            // go-yaml v2 (parserc.go yaml_parser_process_directives) accepts "%YAML 1.1" and "%TAG" only:
            // "found incompatible YAML document", "found unknown directive name" refuse the document.
            // yaml-cpp ignores directives it does not know.
            // In a kubectl stream every directive is refused: the "---" that must follow it cuts the file
            // there, and go-yaml reads the directive alone ("did not find expected <document start>").
            std::optional<std::string> reason = refused_directive(line);
            if (!reason && source == YamlSource::kKubectlStream) {
                reason =
                    "a YAML directive: kubectl cuts the file at the \"---\" that follows it, and go-yaml "
                    "refuses the directive alone";
            }
            if (reason) {
                cut.refusal = ByteRefusal{document_start, line_number, 1, *reason};
                return cut;
            }
        } else if (const std::size_t content = line.find_first_not_of(" \t\r\n");
                   content != std::string_view::npos && line[content] != '#') {
            document_content = true;
        }
        if (cut.tab_indented_blank_line == 0) {
            const std::size_t content = line.find_first_not_of(" \t\r\n");
            const std::size_t tab = line.find('\t');
            if (tab != std::string_view::npos && tab < content &&
                (content == std::string_view::npos || line[content] == '#')) {
                cut.tab_indented_blank_line = line_number;
            }
        }
        for (std::size_t at = line_start; at < line_end;) {
            // Plain ASCII is the common case: skip it a byte at a time without decoding.
            const unsigned char c = static_cast<unsigned char>(text[at]);
            if ((c >= 0x20 && c <= 0x7E) || c == '\n' || c == '\t' || c == '\r') {
                ++at;
                continue;
            }
            const std::size_t before = at;
            // A byte order mark at a line's start past the start of a piece (where it goes with the
            // encoding): both readers skip one there as indentation (scan_to_next_token, "Allow the BOM"),
            // but go-yaml v2 then reads it into a key in places libyaml does not ("a: 1" then "<BOM>b: 2" is
            // {a: 1, <BOM>b: 2} to kubectl and an error to libyaml; fuzz seed bom-inside-document). Inside a
            // line it is text to both.
            if (at == line_start && text.substr(at).starts_with(kBom) &&
                std::find(cut.piece_boms.begin(), cut.piece_boms.end(), at) == cut.piece_boms.end()) {
                cut.refusal =
                    ByteRefusal{document_start, line_number, static_cast<int>(before - line_start) + 1,
                                "a byte order mark inside the document: go-yaml v2 (kubectl, the "
                                "authenticator) reads it as text where libyaml does not, so rbacgraph "
                                "would read this document differently",
                                true};
                return cut;
            }
            if (std::optional<CharacterRefusal> refused = refused_character(text, at)) {
                cut.refusal =
                    ByteRefusal{document_start, line_number, static_cast<int>(before - line_start) + 1,
                                std::move(refused->reason), refused->read_differently};
                return cut;
            }
        }
        line_start = line_end;
    }
    return cut;
}

namespace {

// The byte offset where 1-based `line` starts.
std::size_t line_start_offset(std::string_view text, int line) {
    std::size_t at = 0;
    for (int current = 1; current < line && at < text.size(); ++current) {
        const std::size_t newline = text.find('\n', at);
        at = newline == std::string_view::npos ? text.size() : newline + 1;
    }
    return at;
}

void parse_yaml_text(std::string_view text, const std::string& file, const Limits& limits,
                     DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics, YamlReader reader,
                     const KubectlCut& cut, YamlSource source) {
    TreeBuilder builder(text, limits, file, consumer, diagnostics);
    const auto piece_of = [&](int line) {
        return std::upper_bound(cut.separator_lines.begin(), cut.separator_lines.end(), line) -
               cut.separator_lines.begin();
    };
    try {
        std::size_t rest = 0;
        if (reader == YamlReader::kFastFirst) {
            // The fast reader takes the documents it fully understands; libyaml the rest from the first it
            // does not.
            FastYamlScanner scanner(text, limits.max_depth);
            std::vector<YamlEvent> events;
            rest = text.size();
            for (auto result = scanner.next(events); result != FastYamlScanner::Result::kEnd;
                 result = scanner.next(events)) {
                if (result == FastYamlScanner::Result::kUnsupported) {
                    rest = scanner.document_offset();
                    builder.rebase(text.substr(rest), scanner.document_line());
                    break;
                }
                if (!events.empty()) {
                    replay(events, builder, scanner.document_line());
                    hand_over(builder, consumer);
                } else {
                    // An empty document ("---" then a marker or the end), which libyaml reports as null,
                    // marked at what follows it. It is the piece's first document as much as any other.
                    builder.note_document(scanner.document_line() + 1);
                    Node empty;
                    empty.type = NodeType::kNull;
                    empty.line = scanner.line() + 1;  // where libyaml marks it: what follows it
                    empty.column = 1;
                    consumer.null_document(empty);
                }
            }
        }
        while (rest < text.size()) {
            try {
                LibyamlReader(text.substr(rest)).read(builder, consumer);
                break;
            } catch (const LibyamlSyntaxError& error) {
                const int line = builder.line_offset() + error.line + 1;
                const int column = error.column + 1;
                // go-yaml v2's Unmarshal reads the first document of its input and stops: an error after a
                // whole document of the same piece (one chunk kubectl cut at "---" lines, or one aws-auth
                // value) is in text it never reads.
                const int last = builder.last_document_line();
                if (last == 0 || last > line || piece_of(last) != piece_of(line)) {
                    diagnostics.push_back(
                        {Severity::kError,
                         {file, line, column},
                         "",
                         fmt::format("invalid YAML: {}; the rest of the file is not read", error.message)});
                    return;
                }
                diagnostics.push_back(
                    {Severity::kWarning,
                     {file, line, column},
                     "",
                     fmt::format("this YAML follows the document at line {} with no \"---\" line between "
                                 "them and is not valid YAML ({}); kubectl and the authenticator (go-yaml "
                                 "v2) read only the first document there and never see it, and rbacgraph "
                                 "ignores it too",
                                 last, error.message)});
                const auto next =
                    std::upper_bound(cut.separator_lines.begin(), cut.separator_lines.end(), line);
                if (source == YamlSource::kGoYamlValue || next == cut.separator_lines.end()) {
                    break;
                }
                rest = line_start_offset(text, *next);
                builder.rebase(text.substr(rest), *next - 1);
            }
        }
    } catch (const LimitExceeded& limit) {
        diagnostics.push_back(
            {Severity::kError,
             {file, limit.line, limit.column},
             "",
             fmt::format("YAML rejected: {}; the rest of the file is not read", limit.message)});
    }
}

// kubectl hands go-yaml v2's Unmarshal one chunk between "---" lines at a time (the authenticator one whole
// mapRoles string), and Unmarshal reads the first document of its input only. yaml-cpp reads what follows
// that document as more documents; go-yaml v2 either ignores it (after "...", or when it is less indented
// than the first document's root, which closes it) or refuses the chunk (content at the root's indentation
// or deeper continues a collection it cannot continue: "did not find expected key" / "'-' indicator").
// So the first document of a chunk is held until the chunk ends, and the rest is dropped with a warning, or
// the whole chunk with an error.
class GoYamlDocuments final : public DocumentConsumer {
  public:
    GoYamlDocuments(DocumentConsumer& inner, std::string_view text, const KubectlCut& cut,
                    const std::string& file, std::vector<Diagnostic>& diagnostics, YamlSource source)
        : inner_(inner), text_(text), cut_(cut), file_(file), diagnostics_(diagnostics), source_(source) {}
    GoYamlDocuments(const GoYamlDocuments&) = delete;
    GoYamlDocuments& operator=(const GoYamlDocuments&) = delete;
    ~GoYamlDocuments() override = default;

    void document(Node&& document) override {
        if (follows_first(document)) {
            first_ = std::move(document);
        }
    }
    // A null document is never an object, but it is a document to go-yaml v2 like any other: "- a\n~" is
    // refused, and a null first document makes what follows it in the piece ignored or refused.
    // yaml-cpp also reports an empty document (a "---" line with nothing after it) as null, marked at the
    // next marker, a comment or the end of the text, and repeats a document it cannot read at one place;
    // neither is a document to go-yaml v2.
    // In one go-yaml value (aws-auth's strings) no "---" line is cut away, so an empty document there ("---"
    // then "---", a comment or the end) is one to go-yaml v2: the first one makes Unmarshal read null.
    // A "---" after a lone CR is no separator to kubectl (it cuts at LF), so go-yaml reads it as a document
    // start inside the piece, and an empty document there is one to it too (fuzz seed
    // empty-document-after-lone-cr).
    void null_document(const Node& document) override {
        // The empty document is reported at what follows it (the next marker); the "---" that opens it is the
        // last marker line before. Only when that one is no kubectl separator does go-yaml see the document
        // (a separator's empty piece is no document to it: yaml_differential seed
        // empty-document-after-separator).
        int opening = 0;
        bool go_yaml_marker_before = false;
        for (const int line : cut_.separator_lines) {
            if (line < document.line && line > opening) {
                opening = line;
            }
        }
        for (const int line : cut_.end_marker_lines) {
            if (line < document.line && line > opening) {
                opening = line;
                go_yaml_marker_before = true;
            }
        }
        if ((source_ != YamlSource::kGoYamlValue && !go_yaml_marker_before &&
             !holds_content(document.line, document.column)) ||
            (first_ && first_->line == document.line && first_->column == document.column)) {
            return;
        }
        if (follows_first(document)) {
            first_ = document;
        }
    }
    void list_items_begin() override { inner_.list_items_begin(); }
    bool list_item(Node& item) override { return inner_.list_item(item); }

    /// Hands over the held document: the chunk (or the stream) ended.
    void finish() {
        if (first_ && !first_->is_null()) {
            inner_.document(std::move(*first_));
        }
        first_.reset();
        refused_ = false;
    }

  private:
    // True when `document` is the first of its piece (to be held); otherwise reports what go-yaml v2 does
    // with it (ignored: a warning; refused with the first: an error).
    bool follows_first(const Node& document) {
        const std::ptrdiff_t chunk = chunk_of(document.line);
        if (chunk != chunk_ || (!first_ && !refused_)) {
            finish();
            chunk_ = chunk;
            return true;
        }
        if (refused_) {
            return false;
        }
        // Within a piece the first document is held until the piece ends or is refused (refused_ above).
        const int first_line = first_->line;
        const bool ended = std::any_of(cut_.end_marker_lines.begin(), cut_.end_marker_lines.end(),
                                       [&](int line) { return line >= first_line && line <= document.line; });
        if (ended || document.column < first_->column) {
            diagnostics_.push_back(
                {Severity::kWarning,
                 {file_, document.line, document.column},
                 "",
                 fmt::format("this YAML follows {}; kubectl and the authenticator (go-yaml v2) read only the "
                             "first document there and ignore this one, and so does rbacgraph",
                             ended ? "a \"...\" line that ends the document before it"
                                   : "a document with no \"---\" line between them")});
            return false;
        }
        diagnostics_.push_back(
            {Severity::kError,
             {file_, document.line, document.column},
             "",
             fmt::format("go-yaml v2 (kubectl, the authenticator) refuses the document at line "
                         "{}: this line continues it at the same indentation as a new "
                         "document, which YAML does not allow; nothing from it is read",
                         first_line)});
        first_.reset();
        refused_ = true;
        return false;
    }

    // Whether the text at 1-based (line, column) starts a node rather than a marker, a comment or nothing.
    // Documents come in order, so the line cursor only moves forward.
    bool holds_content(int line, int column) {
        if (line < cursor_line_) {
            cursor_line_ = 1;
            cursor_offset_ = 0;
        }
        while (cursor_line_ < line && cursor_offset_ < text_.size()) {
            const std::size_t end = text_.find('\n', cursor_offset_);
            cursor_offset_ = end == std::string_view::npos ? text_.size() : end + 1;
            ++cursor_line_;
        }
        const std::size_t at = cursor_offset_ + static_cast<std::size_t>(std::max(column, 1) - 1);
        if (cursor_line_ != line || at >= text_.size()) {
            return false;
        }
        const std::string_view rest = text_.substr(at);
        const bool marker = column == 1 && (rest.starts_with("---") || rest.starts_with("..."));
        return !marker && rest.front() != '#' && rest.front() != '\n' && rest.front() != ' ' &&
               rest.front() != '\t' && rest.front() != '\r';
    }

    std::ptrdiff_t chunk_of(int line) const {
        return std::upper_bound(cut_.separator_lines.begin(), cut_.separator_lines.end(), line) -
               cut_.separator_lines.begin();
    }

    DocumentConsumer& inner_;
    std::string_view text_;
    int cursor_line_ = 1;
    std::size_t cursor_offset_ = 0;
    const KubectlCut& cut_;
    const std::string& file_;
    std::vector<Diagnostic>& diagnostics_;
    std::ptrdiff_t chunk_ = -1;
    std::optional<Node> first_;
    bool refused_ = false;
    YamlSource source_;
};

}  // namespace

void parse_yaml(std::string_view text, const std::string& file, const Limits& limits,
                DocumentConsumer& consumer, std::vector<Diagnostic>& diagnostics, YamlReader reader,
                YamlSource source) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    // YAML 1.1 and 1.2 (section 5.4) take a lone CR as a line break, and so does go-yaml v2; our readers take
    // LF and CRLF only. A line break inside a scalar is read as LF either way, so the text with every lone CR
    // made LF is the same YAML, with the same offsets.
    // kubectl's LineReader also ends the last line with LF when the file does not, which a block scalar at
    // the end of the file keeps ("name: |\n  admin" is "admin\n").
    std::string lines;
    const std::string_view original = text;
    const bool lone_cr = has_lone_carriage_return(text);
    const bool unterminated = source == YamlSource::kKubectlStream && !text.empty() && text.back() != '\n';
    if (lone_cr || unterminated) {
        lines.assign(text);
        for (std::size_t i = 0; lone_cr && i < lines.size(); ++i) {
            if (lines[i] == '\r' && (i + 1 == lines.size() || lines[i + 1] != '\n')) {
                lines[i] = '\n';
            }
        }
        if (!lines.ends_with('\n') && source == YamlSource::kKubectlStream) {
            lines.push_back('\n');
        }
        text = lines;
    }
    // Bytes kubectl and the authenticator refuse are refused here too, before libyaml (which reads some of
    // them) can give their document a meaning the cluster never sees; the documents before are read.
    const KubectlCut cut = cut_as_kubectl(text, source, lone_cr ? original : std::string_view());
    if (!cut.separators_to_clean.empty()) {
        if (lines.empty()) {
            lines.assign(text);
        }
        for (const auto& [start, end] : cut.separators_to_clean) {
            for (std::size_t i = start + 3; i < std::min(end, lines.size()); ++i) {
                if (lines[i] != '\n') {
                    lines[i] = ' ';
                }
            }
        }
        text = lines;
    }
    if (cut.refusal) {
        text = text.substr(0, cut.refusal->document_start);
    }
    if (!cut.piece_boms.empty()) {
        // Dropped as go-yaml drops them; lines keep their numbers (a BOM is no line break).
        if (lines.empty()) {
            lines.assign(text);
        }
        lines.resize(text.size());
        for (std::size_t i = cut.piece_boms.size(); i-- > 0;) {  // later offsets first
            if (cut.piece_boms[i] + 3 <= lines.size()) {
                lines.erase(cut.piece_boms[i], 3);
            }
        }
        text = lines;
    }
    if (cut.tab_indented_blank_line != 0) {
        diagnostics.push_back(
            {Severity::kWarning,
             {file, cut.tab_indented_blank_line, 1},
             "",
             "a blank or comment line indented with a tab: go-yaml v2 (kubectl) refuses the document it is "
             "in "
             "unless the line is inside a quoted or block string or a flow collection (\"found character "
             "that "
             "cannot start any token\"); rbacgraph reads the document as a YAML 1.2 reader does. Indent with "
             "spaces"});
    }
    GoYamlDocuments documents(consumer, text, cut, file, diagnostics, source);
    parse_yaml_text(text, file, limits, documents, diagnostics, reader, cut, source);
    documents.finish();
    if (cut.refusal) {
        diagnostics.push_back(
            {Severity::kError,
             {file, cut.refusal->line, cut.refusal->column},
             "",
             fmt::format("YAML rejected{}: {}; this document and the rest of the file are not read",
                         cut.refusal->read_differently ? "" : " as go-yaml v2 and kubectl reject it",
                         cut.refusal->reason)});
    }
}

ParsedFile parse_yaml(std::string_view text, const std::string& file, const Limits& limits,
                      YamlSource source) {
    ParsedFile parsed;
    DocumentCollector collector(parsed.documents);
    parse_yaml(text, file, limits, collector, parsed.diagnostics, YamlReader::kFastFirst, source);
    return parsed;
}

}  // namespace rbacgraph::load
