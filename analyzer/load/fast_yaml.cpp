#include "load/fast_yaml.hpp"

#include <algorithm>

namespace rbacgraph::load {
namespace {

bool is_space_or_end(std::string_view text, std::size_t pos) {
    return pos >= text.size() || text[pos] == ' ' || text[pos] == '\n';
}

// Characters that give a plain scalar a different meaning when they start it (YAML 1.2, 7.3.3 / 5.3).
bool starts_specially(char c) {
    return std::string_view("-?:,[]{}#&*!|>'\"%@`").find(c) != std::string_view::npos;
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6U)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3FU)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (code >> 12U)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6U) & 0x3FU)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3FU)));
    }
}

}  // namespace

FastYamlScanner::Result FastYamlScanner::next(std::vector<YamlEvent>& events) {
    events.clear();
    events_ = &events;
    if (ended_) {
        return Result::kEnd;
    }
    try {
        if (!started_) {
            started_ = true;
            cursor_.line = -1;
            next_line();  // validates the first line
        }
        if (!skip_to_content()) {
            ended_ = true;
            return Result::kEnd;
        }
        document_offset_ = cursor_.line_start;
        document_line_ = cursor_.line;
        if (is_document_marker(cursor_.line_start)) {
            if (text_.substr(cursor_.line_start, 3) != "---") {
                throw Unsupported{};  // "..." ends a document explicitly
            }
            cursor_.pos = cursor_.line_start + 3;
            expect_line_end();
            next_line();
            if (!skip_to_content() || is_document_marker(cursor_.line_start)) {
                if (cursor_.pos < text_.size() && text_.substr(cursor_.line_start, 3) == "...") {
                    throw Unsupported{};
                }
                return Result::kDocument;  // an empty document, which yaml-cpp reports as null
            }
        }
        block_node(indent_of_line(), 0);
        if (skip_to_content() &&
            (!is_document_marker(cursor_.line_start) || text_.substr(cursor_.line_start, 3) != "---")) {
            throw Unsupported{};
        }
        return Result::kDocument;
    } catch (const Unsupported&) {
        ended_ = true;
        events.clear();
        return Result::kUnsupported;
    }
}

std::size_t FastYamlScanner::line_end(std::size_t pos) const {
    const std::size_t end = text_.find('\n', pos);
    return end == std::string_view::npos ? text_.size() : end;
}

bool FastYamlScanner::at_line_end(std::size_t pos) const {
    return pos >= text_.size() || text_[pos] == '\n';
}

bool FastYamlScanner::is_document_marker(std::size_t line_start) const {
    const std::string_view head = text_.substr(line_start, 3);
    return (head == "---" || head == "...") && is_space_or_end(text_, line_start + 3);
}

// Moves to the start of the next line, refusing lines yaml-cpp might count or read differently.
void FastYamlScanner::next_line() {
    std::size_t start = cursor_.line < 0 ? 0 : line_end(cursor_.pos);
    if (cursor_.line >= 0 && start < text_.size()) {
        ++start;  // past '\n'
    }
    cursor_.line += 1;
    cursor_.line_start = start;
    cursor_.pos = start;
    const std::size_t end = line_end(start);
    for (std::size_t i = start; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text_[i]);
        if (c == '\t' || c == '\r' || c >= 0x80 || c < 0x20) {
            throw Unsupported{};
        }
    }
}

// Skips blank and comment lines; false at the end of the text. The cursor ends on the line's content.
bool FastYamlScanner::skip_to_content() {
    while (cursor_.line_start < text_.size()) {
        std::size_t pos = cursor_.line_start;
        while (pos < text_.size() && text_[pos] == ' ') {
            ++pos;
        }
        if (!at_line_end(pos) && text_[pos] != '#') {
            cursor_.pos = pos;
            return true;
        }
        cursor_.pos = pos;
        if (line_end(pos) >= text_.size()) {
            cursor_.line_start = text_.size();
            cursor_.pos = text_.size();
            return false;
        }
        next_line();
    }
    return false;
}

std::size_t FastYamlScanner::indent_of_line() const {
    std::size_t pos = cursor_.line_start;
    while (pos < text_.size() && text_[pos] == ' ') {
        ++pos;
    }
    return pos - cursor_.line_start;
}

void FastYamlScanner::skip_spaces() {
    while (cursor_.pos < text_.size() && text_[cursor_.pos] == ' ') {
        ++cursor_.pos;
    }
}

// Only spaces and a comment may follow a value on its line.
void FastYamlScanner::expect_line_end() {
    const std::size_t before = cursor_.pos;
    skip_spaces();
    if (at_line_end(cursor_.pos)) {
        return;
    }
    if (text_[cursor_.pos] != '#' || cursor_.pos == before) {
        throw Unsupported{};
    }
}

void FastYamlScanner::emit(YamlEvent::Kind kind, const Cursor& at, bool plain, std::string value) {
    events_->push_back({kind, plain, at.line, at.column(), at.pos, std::move(value)});
}

void FastYamlScanner::block_node(std::size_t indent, int depth) {
    if (static_cast<std::size_t>(depth) >= max_depth_) {
        throw Unsupported{};  // yaml-cpp and the tree builder report the limit
    }
    cursor_.pos = cursor_.line_start + indent;
    if (text_[cursor_.pos] == '-' && is_space_or_end(text_, cursor_.pos + 1)) {
        block_sequence(indent, depth);
    } else if (find_key_colon() != std::string_view::npos) {
        block_mapping(indent, depth);
    } else {
        throw Unsupported{};
    }
}

// Where the ':' of a `key: value` line is, or npos when the cursor is not at a simple key.
std::size_t FastYamlScanner::find_key_colon() const {
    const std::size_t end = line_end(cursor_.pos);
    std::size_t pos = cursor_.pos;
    if (text_[pos] == '"' || text_[pos] == '\'') {
        const char quote = text_[pos];
        for (++pos; pos < end; ++pos) {
            if (quote == '"' && text_[pos] == '\\') {
                ++pos;
            } else if (text_[pos] == quote) {
                if (quote == '\'' && pos + 1 < end && text_[pos + 1] == '\'') {
                    ++pos;
                    continue;
                }
                break;
            }
        }
        ++pos;
        while (pos < end && text_[pos] == ' ') {
            ++pos;
        }
        return pos < end && text_[pos] == ':' && is_space_or_end(text_, pos + 1) ? pos
                                                                                 : std::string_view::npos;
    }
    for (; pos < end; ++pos) {
        if (text_[pos] == ':' && is_space_or_end(text_, pos + 1)) {
            return pos;
        }
        if (text_[pos] == '#' && pos > cursor_.pos && text_[pos - 1] == ' ') {
            return std::string_view::npos;
        }
    }
    return std::string_view::npos;
}

// yaml-cpp refuses an implicit key whose ':' is more than 1024 characters on (the YAML 1.2 limit); such
// keys go to yaml-cpp, which gives the error.
constexpr std::size_t kLongKey = 1000;

void FastYamlScanner::key() {
    const std::size_t start = cursor_.pos;
    const char first = text_[cursor_.pos];
    if (first == '"' || first == '\'') {
        quoted();
        skip_spaces();
    } else {
        const std::size_t colon = find_key_colon();
        if (colon == std::string_view::npos || starts_specially(first)) {
            throw Unsupported{};
        }
        std::size_t end = colon;
        while (end > cursor_.pos && text_[end - 1] == ' ') {
            --end;
        }
        emit(YamlEvent::Kind::kScalar, cursor_, true,
             std::string(text_.substr(cursor_.pos, end - cursor_.pos)));
        cursor_.pos = colon;
    }
    if (cursor_.pos >= text_.size() || text_[cursor_.pos] != ':' ||
        !is_space_or_end(text_, cursor_.pos + 1) || cursor_.pos - start > kLongKey) {
        throw Unsupported{};
    }
    ++cursor_.pos;
}

void FastYamlScanner::block_mapping(std::size_t column, int depth) {
    emit(YamlEvent::Kind::kMapStart, cursor_);
    while (true) {
        key();
        block_value(column, depth + 1, false);
        if (!skip_to_content() || is_document_marker(cursor_.line_start)) {
            break;
        }
        const std::size_t indent = indent_of_line();
        if (indent < column) {
            break;
        }
        if (indent > column || (text_[cursor_.pos] == '-' && is_space_or_end(text_, cursor_.pos + 1))) {
            throw Unsupported{};
        }
    }
    emit(YamlEvent::Kind::kMapEnd, cursor_);
}

void FastYamlScanner::block_sequence(std::size_t column, int depth) {
    emit(YamlEvent::Kind::kSequenceStart, cursor_);
    while (true) {
        ++cursor_.pos;  // past '-'
        block_value(column, depth + 1, true);
        if (!skip_to_content() || is_document_marker(cursor_.line_start)) {
            break;
        }
        const std::size_t indent = indent_of_line();
        if (indent < column) {
            break;
        }
        if (indent > column) {
            throw Unsupported{};
        }
        if (text_[cursor_.pos] != '-' || !is_space_or_end(text_, cursor_.pos + 1)) {
            break;  // the next key of the mapping this indentless sequence is the value of
        }
    }
    emit(YamlEvent::Kind::kSequenceEnd, cursor_);
}

// The value after `key:` or `-`. On return the cursor is on a later line (or at the end).
void FastYamlScanner::block_value(std::size_t parent_indent, int depth, bool in_sequence) {
    if (static_cast<std::size_t>(depth) >= max_depth_) {
        throw Unsupported{};
    }
    skip_spaces();
    const char c = cursor_.pos < text_.size() ? text_[cursor_.pos] : '\n';
    if (c == '\n' || c == '#') {
        next_line();
        if (!skip_to_content() || is_document_marker(cursor_.line_start)) {
            throw Unsupported{};  // an empty value; yaml-cpp's null marks are not reproduced
        }
        const std::size_t indent = indent_of_line();
        const bool dash = text_[cursor_.pos] == '-' && is_space_or_end(text_, cursor_.pos + 1);
        if (indent > parent_indent || (indent == parent_indent && !in_sequence && dash)) {
            block_node(indent, depth);
            return;
        }
        throw Unsupported{};
    }
    if (c == '|') {
        block_scalar(parent_indent);
    } else if (c == '[' || c == '{') {
        flow_node(depth);
        expect_line_end();
        next_line();
    } else if (c == '"' || c == '\'') {
        quoted();
        expect_line_end();
        next_line();
    } else if (starts_specially(c) && (c != '-' || is_space_or_end(text_, cursor_.pos + 1))) {
        throw Unsupported{};
    } else if (in_sequence && find_key_colon() != std::string_view::npos) {
        block_mapping(cursor_.pos - cursor_.line_start, depth);
        return;
    } else {
        plain_block_scalar();
        next_line();
    }
    // A more indented line after a one-line value would continue it (or be an error); not read here.
    if (skip_to_content() && indent_of_line() > parent_indent) {
        throw Unsupported{};
    }
}

void FastYamlScanner::plain_block_scalar() {
    const std::size_t end = line_end(cursor_.pos);
    std::size_t stop = end;
    for (std::size_t pos = cursor_.pos; pos < end; ++pos) {
        if (text_[pos] == '#' && text_[pos - 1] == ' ') {
            stop = pos;
            break;
        }
        if (text_[pos] == ':' && is_space_or_end(text_, pos + 1)) {
            throw Unsupported{};  // "mapping values are not allowed here"
        }
    }
    while (stop > cursor_.pos && text_[stop - 1] == ' ') {
        --stop;
    }
    emit(YamlEvent::Kind::kScalar, cursor_, true, std::string(text_.substr(cursor_.pos, stop - cursor_.pos)));
    cursor_.pos = end;
}

// `|` or `|-` followed by lines indented more than the parent: the literal text, as YAML 1.2 8.1.2 reads it.
void FastYamlScanner::block_scalar(std::size_t parent_indent) {
    const Cursor at = cursor_;
    ++cursor_.pos;
    bool strip = false;
    if (cursor_.pos < text_.size() && text_[cursor_.pos] == '-') {
        strip = true;
        ++cursor_.pos;
    }
    if (!is_space_or_end(text_, cursor_.pos)) {
        throw Unsupported{};  // keep chomping, explicit indentation
    }
    expect_line_end();
    std::vector<std::string_view> lines;
    std::size_t indent = 0;
    bool last_terminated = false;  // a last line at the end of the text has no line break to keep
    while (true) {
        if (line_end(cursor_.pos) >= text_.size() && cursor_.pos >= text_.size()) {
            break;
        }
        next_line();
        if (cursor_.line_start >= text_.size()) {
            break;
        }
        const std::size_t spaces = indent_of_line();
        const bool blank = at_line_end(cursor_.line_start + spaces);
        if (indent == 0) {
            if (blank) {
                if (spaces > parent_indent) {
                    throw Unsupported{};  // leading blank lines that could set the indentation
                }
                lines.emplace_back();
                continue;
            }
            if (spaces <= parent_indent) {
                throw Unsupported{};  // an empty block scalar
            }
            indent = spaces;
        }
        if (blank) {
            if (spaces > indent) {
                throw Unsupported{};
            }
            lines.emplace_back();
            continue;
        }
        if (spaces < indent) {
            break;
        }
        const std::size_t end = line_end(cursor_.line_start);
        lines.push_back(text_.substr(cursor_.line_start + indent, end - cursor_.line_start - indent));
        last_terminated = end < text_.size();
    }
    if (indent == 0) {
        throw Unsupported{};
    }
    while (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
    std::string value;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        value.append(lines[i]);
        if (i + 1 < lines.size() || (!strip && last_terminated)) {
            value.push_back('\n');
        }
    }
    emit(YamlEvent::Kind::kScalar, at, false, std::move(value));
    // The cursor is on the first line after the scalar (or at the end); make it a line start.
    if (cursor_.line_start < text_.size()) {
        cursor_.pos = cursor_.line_start;
    }
}

void FastYamlScanner::quoted() {
    const Cursor at = cursor_;
    const char quote = text_[cursor_.pos];
    std::string value;
    std::size_t pos = cursor_.pos + 1;
    while (true) {
        if (at_line_end(pos)) {
            throw Unsupported{};  // multi-line quoted scalars fold lines
        }
        const char c = text_[pos];
        if (c == quote) {
            if (quote == '\'' && pos + 1 < text_.size() && text_[pos + 1] == '\'') {
                value.push_back('\'');
                pos += 2;
                continue;
            }
            ++pos;
            break;
        }
        if (quote == '"' && c == '\\') {
            const char escaped = pos + 1 < text_.size() ? text_[pos + 1] : '\n';
            pos += 2;
            switch (escaped) {
                case '\\':
                case '"':
                    value.push_back(escaped);
                    break;
                case 'n':
                    value.push_back('\n');
                    break;
                case 't':
                    value.push_back('\t');
                    break;
                case 'r':
                    value.push_back('\r');
                    break;
                case 'u': {
                    if (pos + 4 > text_.size()) {
                        throw Unsupported{};
                    }
                    unsigned code = 0;
                    for (std::size_t i = 0; i < 4; ++i) {
                        const char h = text_[pos + i];
                        const int digit = h >= '0' && h <= '9'   ? h - '0'
                                          : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                          : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                                 : -1;
                        if (digit < 0) {
                            throw Unsupported{};
                        }
                        code = code * 16 + static_cast<unsigned>(digit);
                    }
                    if (code == 0 || (code >= 0xD800 && code <= 0xDFFF)) {
                        throw Unsupported{};
                    }
                    append_utf8(value, code);
                    pos += 4;
                    break;
                }
                default:
                    throw Unsupported{};
            }
            continue;
        }
        value.push_back(c);
        ++pos;
    }
    emit(YamlEvent::Kind::kScalar, at, false, std::move(value));
    cursor_.pos = pos;
}

void FastYamlScanner::flow_plain() {
    const std::size_t start = cursor_.pos;
    if (at_line_end(start) || starts_specially(text_[start])) {
        throw Unsupported{};
    }
    std::size_t pos = start;
    while (!at_line_end(pos)) {
        const char c = text_[pos];
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') {
            break;
        }
        if (c == '?') {
            throw Unsupported{};  // yaml-cpp ends a plain scalar in a flow collection at '?', YAML 1.2 does
                                  // not
        }
        if (c == ':') {
            const char after = pos + 1 < text_.size() ? text_[pos + 1] : '\n';
            if (after == ' ' || after == '\n') {
                break;
            }
            if (after == ',' || after == '[' || after == ']' || after == '{' || after == '}') {
                throw Unsupported{};
            }
        }
        if (c == '#' && text_[pos - 1] == ' ') {
            throw Unsupported{};  // a comment inside a flow collection
        }
        ++pos;
    }
    std::size_t end = pos;
    while (end > start && text_[end - 1] == ' ') {
        --end;
    }
    emit(YamlEvent::Kind::kScalar, cursor_, true, std::string(text_.substr(start, end - start)));
    cursor_.pos = pos;
}

// A flow collection that closes on its own line.
void FastYamlScanner::flow_node(int depth) {
    if (static_cast<std::size_t>(depth) >= max_depth_) {
        throw Unsupported{};
    }
    const bool mapping = text_[cursor_.pos] == '{';
    const char close = mapping ? '}' : ']';
    emit(mapping ? YamlEvent::Kind::kMapStart : YamlEvent::Kind::kSequenceStart, cursor_);
    ++cursor_.pos;
    skip_spaces();
    if (cursor_.pos < text_.size() && text_[cursor_.pos] == close) {
        ++cursor_.pos;
        emit(mapping ? YamlEvent::Kind::kMapEnd : YamlEvent::Kind::kSequenceEnd, cursor_);
        return;
    }
    const auto item = [&](bool is_key) {
        skip_spaces();
        const char c = cursor_.pos < text_.size() ? text_[cursor_.pos] : '\n';
        if ((c == '[' || c == '{') && is_key) {
            throw Unsupported{};  // a collection as a key
        }
        if (c == '[' || c == '{') {
            flow_node(depth + 1);
        } else if (c == '"' || c == '\'') {
            quoted();
        } else {
            flow_plain();
        }
        skip_spaces();
    };
    while (true) {
        const std::size_t item_start = cursor_.pos;
        item(mapping);
        if (mapping) {
            if (cursor_.pos >= text_.size() || text_[cursor_.pos] != ':' ||
                !is_space_or_end(text_, cursor_.pos + 1) || cursor_.pos - item_start > kLongKey) {
                throw Unsupported{};
            }
            ++cursor_.pos;
            item(false);
        }
        const char c = cursor_.pos < text_.size() ? text_[cursor_.pos] : '\n';
        if (c == close) {
            ++cursor_.pos;
            break;
        }
        if (c != ',') {
            throw Unsupported{};
        }
        ++cursor_.pos;
        skip_spaces();
        if (cursor_.pos >= text_.size() || text_[cursor_.pos] == close) {
            throw Unsupported{};  // a trailing comma
        }
    }
    emit(mapping ? YamlEvent::Kind::kMapEnd : YamlEvent::Kind::kSequenceEnd, cursor_);
}

}  // namespace rbacgraph::load
