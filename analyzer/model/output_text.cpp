#include "rbacgraph/output_text.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace rbacgraph {

// RFC 3629 section 4: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t& code_point) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    std::size_t length = 0;
    std::uint32_t minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1Fu;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0Fu;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07u;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u) {
            return 0;
        }
        code_point = (code_point << 6u) | (byte(i + k) & 0x3Fu);
    }
    if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
        return 0;
    }
    return length;
}

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The entity XML and HTML text write for a special character ("" for any other); the apostrophe only where
// attribute values may be single-quoted (XML).
std::string_view entity(std::uint32_t c, bool apostrophe) {
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        case '\'':
            return apostrophe ? "&apos;" : "";
        default:
            return "";
    }
}

bool bidirectional_control(std::uint32_t c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F ||
           c == 0x061C;
}

}  // namespace

std::string json_text(const nlohmann::json& value, int indent) {
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t code_point = 0;
        const std::size_t length = utf8_sequence(text, i, code_point);
        if (length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

std::string xml_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t c = 0;
        const std::size_t length = utf8_sequence(text, i, c);
        if (length == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) {
            out += kReplacement;
            i += length == 0 ? 1 : length;
            continue;
        }
        if (const std::string_view escaped = entity(c, true); !escaped.empty()) {
            out += escaped;
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    return out;
}

std::string shell_quoted(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

std::string terminal_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        std::uint32_t c = 0;
        const std::size_t length = utf8_sequence(text, i, c);
        if (length == 0 || c < 0x20 || c == 0x7F) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
            ++i;
            continue;
        }
        if ((c >= 0x80 && c <= 0x9F) || bidirectional_control(c)) {
            out += fmt::format("\\u{{{:04x}}}", c);
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    return out;
}

std::string markdown_text(std::string_view text) {
    const std::string safe = terminal_text(text);
    std::string out;
    out.reserve(safe.size());
    for (const char c : safe) {
        if (std::string_view("\\`*_[]<>&|#!~").find(c) != std::string_view::npos) {
            out.push_back('\\');
        }
        out.push_back(c);
    }
    return out;
}

std::string html_text(std::string_view text) {
    const std::string safe = terminal_text(text);
    std::string out;
    out.reserve(safe.size());
    for (const char c : safe) {
        if (const std::string_view escaped = entity(static_cast<unsigned char>(c), false); !escaped.empty()) {
            out += escaped;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace rbacgraph

namespace rbacgraph {
namespace {

// The SGR sequences report/paint.hpp writes, and nothing else.
bool paint_sequence(std::string_view sequence) {
    for (const std::string_view allowed :
         {"\x1b[0m", "\x1b[1;35m", "\x1b[1;31m", "\x1b[33m", "\x1b[36m", "\x1b[32m", "\x1b[31m", "\x1b[2m"}) {
        if (sequence == allowed) {
            return true;
        }
    }
    return false;
}

constexpr std::size_t kLongestPaint = 7;  // "\x1b[1;35m"

}  // namespace

TerminalSafeBuffer::~TerminalSafeBuffer() {
    put_escape_pending();
}

bool TerminalSafeBuffer::put_escape_pending() {
    // Not one of paint's: the ESC as text, the rest as it comes.
    if (pending_.empty()) {
        return true;
    }
    const std::string rest = pending_.substr(1);
    pending_.clear();
    if (target_->sputn("\\x1b", 4) != 4) {
        return false;
    }
    for (const char c : rest) {
        if (!put(c)) {
            return false;
        }
    }
    return true;
}

bool TerminalSafeBuffer::put(char c) {
    if (!pending_.empty()) {
        pending_.push_back(c);
        if (c == 'm' || pending_.size() >= kLongestPaint) {
            if (paint_sequence(pending_)) {
                const auto size = static_cast<std::streamsize>(pending_.size());
                const bool written = target_->sputn(pending_.data(), size) == size;
                pending_.clear();
                return written;
            }
            return put_escape_pending();
        }
        return true;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte == 0x1b) {
        pending_.push_back(c);
        return true;
    }
    if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
        const std::string escaped = fmt::format("\\x{:02x}", byte);
        return target_->sputn(escaped.data(), static_cast<std::streamsize>(escaped.size())) ==
               static_cast<std::streamsize>(escaped.size());
    }
    return target_->sputc(c) != traits_type::eof();
}

TerminalSafeBuffer::int_type TerminalSafeBuffer::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) {
        return traits_type::not_eof(c);
    }
    return put(traits_type::to_char_type(c)) ? c : traits_type::eof();
}

std::streamsize TerminalSafeBuffer::xsputn(const char* text, std::streamsize count) {
    // The common case, text without control bytes, goes through in one piece.
    std::streamsize done = 0;
    while (done < count) {
        std::streamsize run = done;
        if (pending_.empty()) {
            while (run < count) {
                const auto byte = static_cast<unsigned char>(text[run]);
                if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f) {
                    break;
                }
                ++run;
            }
        }
        if (run > done) {
            if (target_->sputn(text + done, run - done) != run - done) {
                return done;
            }
            done = run;
            continue;
        }
        if (!put(text[done])) {
            return done;
        }
        ++done;
    }
    return done;
}

int TerminalSafeBuffer::sync() {
    // paint writes each sequence in one piece, so an ESC still open at a flush is not one of its sequences.
    if (!put_escape_pending()) {
        return -1;
    }
    return target_->pubsync();
}

}  // namespace rbacgraph
