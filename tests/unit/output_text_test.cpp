// Names are the input's bytes (issue 28): every output makes them safe its own way, and none can end the run.
#include "rbacgraph/output_text.hpp"

#include <doctest/doctest.h>

#include <sstream>

namespace rbacgraph::test {
namespace {

// RFC 3629 section 4 (the UTF-8 syntax) and section 10 (overlong forms and surrogates are invalid).
TEST_CASE("valid_utf8: every byte outside valid UTF-8 becomes U+FFFD, valid text is unchanged") {
    CHECK(valid_utf8("plain ascii") == "plain ascii");
    CHECK(valid_utf8("gr\xC3\xBC\xC3\x9F") == "gr\xC3\xBC\xC3\x9F");      // positive control: ü ß
    CHECK(valid_utf8("\xF0\x9F\x94\x91 key") == "\xF0\x9F\x94\x91 key");  // a 4-byte sequence
    CHECK(valid_utf8("mal\xFFory") == "mal\xEF\xBF\xBDory");              // a byte that is never UTF-8
    CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
    CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    CHECK(valid_utf8("\xF4\x90\x80\x80").find("\xF4") == std::string::npos);      // above U+10FFFF
    CHECK(valid_utf8("cut \xE2\x82") == "cut \xEF\xBF\xBD\xEF\xBF\xBD");          // truncated at the end
}

TEST_CASE("json_text: invalid UTF-8 is written as U+FFFD instead of throwing") {
    const nlohmann::json value = {{"name", "mal\xFFory"}};
    CHECK_THROWS(value.dump());  // nlohmann's default: what ended runs before
    CHECK(json_text(value) == "{\"name\":\"mal\xEF\xBF\xBDory\"}");
    CHECK(nlohmann::json::parse(json_text(value))["name"] == "mal\xEF\xBF\xBDory");
}

// XML 1.0 section 2.2 (Char): tab, newline, carriage return and U+0020 up; not U+FFFE or U+FFFF.
TEST_CASE("xml_text: entities, and what XML 1.0 cannot carry as U+FFFD") {
    CHECK(xml_text("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
    CHECK(xml_text("tab\tok") == "tab\tok");
    CHECK(xml_text("bell\x07") == "bell\xEF\xBF\xBD");
    CHECK(xml_text("mal\xFFory") == "mal\xEF\xBF\xBDory");
    CHECK(xml_text("\xEF\xBF\xBF") == "\xEF\xBF\xBD");  // U+FFFF
}

TEST_CASE("terminal_text: controls, invalid bytes and bidirectional overrides are shown, not obeyed") {
    CHECK(terminal_text("alice") == "alice");  // positive control
    CHECK(terminal_text("a\x1b[2Kb") == "a\\x1b[2Kb");
    CHECK(terminal_text("fake\rline\nnext") == "fake\\x0dline\\x0anext");
    CHECK(terminal_text("del\x7f") == "del\\x7f");
    CHECK(terminal_text("mal\xFFory") == "mal\\xffory");
    CHECK(terminal_text("\xC2\x9B"
                        "31m") == "\\u{009b}31m");                            // C1 CSI
    CHECK(terminal_text("admin\xE2\x80\xAEnimda") == "admin\\u{202e}nimda");  // right-to-left override
    CHECK(terminal_text("caf\xC3\xA9") == "caf\xC3\xA9");                     // printable UTF-8 stays
}

TEST_CASE("markdown_text and html_text: no comment, tag, link or code span opens from a name") {
    CHECK(markdown_text("x<!-- hidden") == "x\\<\\!-- hidden");
    CHECK(markdown_text("a|b") == "a\\|b");
    CHECK(markdown_text("`code` [l](u) *e*") == "\\`code\\` \\[l\\](u) \\*e\\*");
    CHECK(markdown_text("plain words") == "plain words");  // positive control
    CHECK(html_text("<b>&\"") == "&lt;b&gt;&amp;&quot;");
}

TEST_CASE("TerminalSafeBuffer: escapes control bytes in passing, keeps paint's colours, newline and tab") {
    std::ostringstream target;
    TerminalSafeBuffer buffer(target.rdbuf());
    std::ostream out(&buffer);
    out << "line one\tok\n";                                // positive control
    out << "\x1b[1;31mhigh\x1b[0m ";                        // paint's own codes pass
    out << "x\x1b[2Ky\rz\x07 \x1b[8mhidden\x1b[0m";         // erase line, CR, bell, conceal: shown
    out << '\x1b' << '[' << '3' << '3' << 'm' << "yellow";  // a paint code written a char at a time
    out << "\x1b";
    out.flush();  // an ESC open at a flush is not paint's
    CHECK(
        target.str() ==
        "line one\tok\n\x1b[1;31mhigh\x1b[0m x\\x1b[2Ky\\x0dz\\x07 \\x1b[8mhidden\x1b[0m\x1b[33myellow\\x1b");
}

}  // namespace
}  // namespace rbacgraph::test
