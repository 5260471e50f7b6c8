#pragma once
// Names are the input's bytes, written by whoever wrote the manifest: any byte, valid UTF-8 or not, control
// characters included. Every output goes through one of these, so that no name can end a run (invalid UTF-8
// in JSON), break a document (XML), or rewrite what a reader sees (a terminal's escape sequences and carriage
// returns, bidirectional overrides, a Markdown comment marker). docs/cli.md ("Names with unusual bytes") says
// how each output shows such bytes.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rbacgraph {

/// A JSON value as text: the one way rbacgraph writes JSON (every report, SARIF, GitLab, batch answers). A
/// byte that is not valid UTF-8 is written as U+FFFD, since JSON text is UTF-8 (RFC 8259 section 8.1);
/// nlohmann's default would throw type_error 316 and end the run.
std::string json_text(const nlohmann::json& value, int indent = -1);

/// The length of the valid UTF-8 sequence at `i` (1 to 4), its code point in `code_point`; 0 when the bytes
/// there are not UTF-8 (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF).
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t& code_point);

/// The text with every byte that is not part of valid UTF-8 replaced by U+FFFD (one per byte, as nlohmann's
/// replace handler does): overlong forms, surrogates and code points above U+10FFFF are invalid (RFC 3629).
std::string valid_utf8(std::string_view text);

/// XML 1.0 character data or attribute value: valid UTF-8, the five special characters as entities, and the
/// characters XML 1.0 cannot carry (controls but tab, newline and carriage return; U+FFFE, U+FFFF) as U+FFFD.
std::string xml_text(std::string_view text);

/// One field of terminal text (a name, a message): nothing in it can move the cursor, recolour, end the line
/// or reorder what follows. Control characters (C0 including newline, carriage return and ESC; DEL) and bytes
/// that are not valid UTF-8 are written as \xNN; C1 controls and the bidirectional controls (U+202A-U+202E,
/// U+2066-U+2069, U+200E, U+200F, U+061C) as \u{NNNN}; a backslash stays a backslash.
std::string terminal_text(std::string_view text);

/// A value as one word for POSIX sh, zsh and fish: in single quotes, each quote written as '\''.
std::string shell_quoted(std::string_view text);

/// One field of GitHub/GitLab Markdown (a table cell, a list item; not inside a code span): terminal_text's
/// escapes, then every character Markdown or HTML gives a meaning (\ ` * _ [ ] < > & | # ! ~) escaped with a
/// backslash, so a name cannot open a comment (<!--), a tag or a link, or split a table cell.
std::string markdown_text(std::string_view text);

/// Text inside an HTML element of a Markdown comment (<summary>): terminal_text's escapes, then & < > " as
/// entities.
std::string html_text(std::string_view text);

}  // namespace rbacgraph

#include <streambuf>

namespace rbacgraph {

/// A stream buffer in front of a terminal's (stdout, stderr) that writes control characters as \xNN, whatever
/// wrote them: the net under every text output, for the names a writer did not pass through terminal_text.
/// Newline and tab pass; ESC passes only as one of the SGR colour codes rbacgraph's own paint writes
/// (report/paint.hpp), so a name can neither move the cursor, erase a line nor conceal text. Newlines inside
/// a name are the writers' to escape (terminal_text), since here they cannot be told from the writer's own.
class TerminalSafeBuffer : public std::streambuf {
  public:
    explicit TerminalSafeBuffer(std::streambuf* target) : target_(target) {}
    TerminalSafeBuffer(const TerminalSafeBuffer&) = delete;
    TerminalSafeBuffer& operator=(const TerminalSafeBuffer&) = delete;
    ~TerminalSafeBuffer() override;

  protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* text, std::streamsize count) override;
    int sync() override;

  private:
    bool put(char c);
    bool put_escape_pending();
    std::streambuf* target_;
    std::string pending_;  ///< an ESC sequence being read
};

}  // namespace rbacgraph
