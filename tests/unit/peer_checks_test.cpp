// docs/check.md "Every check of six peers, one row each": every row names rules of the catalog, a query
// command, or "no rule (x)" with a letter docs/decisions.md ("Peer checks without a rule") explains. The
// table is a claim to users; this keeps a renamed rule or a dropped decision from leaving it wrong.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.hpp"
#include "rbacgraph/rules.hpp"

namespace fs = std::filesystem;
using namespace rbacgraph;
using rbacgraph::test::read_text;

namespace {

const fs::path kSource = RBACGRAPH_SOURCE_DIR;

// The text from a heading line to the next heading of the same or a higher level.
std::string section(const std::string& text, const std::string& heading) {
    const std::size_t start = text.find("\n" + heading + "\n");
    REQUIRE_MESSAGE(start != std::string::npos, "no section '", heading, "'");
    const std::size_t end = text.find("\n## ", start + heading.size() + 1);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

struct Row {
    std::string check;
    std::string answer;  ///< the rbacgraph column
};

// The body rows of every table in a section (not the header or the |---| line).
std::vector<Row> table_rows(const std::string& text) {
    std::vector<Row> rows;
    std::istringstream lines(text);
    std::string line;
    bool header_seen = false;
    while (std::getline(lines, line)) {
        if (line.starts_with("|---")) {
            header_seen = true;
            continue;
        }
        if (!line.starts_with("| ")) {
            header_seen = false;
            continue;
        }
        if (!header_seen) {
            continue;  // the header line
        }
        const std::size_t last = line.rfind(" | ");
        REQUIRE_MESSAGE(last != std::string::npos, "malformed row: ", line);
        std::string answer = line.substr(last + 3);
        if (answer.ends_with(" |")) {
            answer.resize(answer.size() - 2);
        }
        rows.push_back({line.substr(2, line.find(" | ") - 2), answer});
    }
    return rows;
}

// The commands a row may name instead of a rule.
const std::set<std::string> kCommands = {"what-can", "can-i --explain", "who-can", "graph --focus"};

// What is wrong with the rows: a name that is neither a rule nor a command, a letter with no decision, a row
// answering nothing. `cited` collects the letters the rows use.
std::vector<std::string> problems(const std::vector<Row>& rows, const std::set<std::string>& slugs,
                                  const std::set<std::string>& letters, std::set<std::string>& cited) {
    std::vector<std::string> out;
    const std::regex quoted("`([^`]+)`");
    const std::regex no_rule(R"(no rule \(([a-z])\))");
    for (const Row& row : rows) {
        bool answered = false;
        for (auto it = std::sregex_iterator(row.answer.begin(), row.answer.end(), quoted);
             it != std::sregex_iterator(); ++it) {
            const std::string name = (*it)[1];
            if (!slugs.contains(name) && !kCommands.contains(name)) {
                out.push_back(row.check + ": not a rule or command: " + name);
            }
            answered = true;
        }
        for (auto it = std::sregex_iterator(row.answer.begin(), row.answer.end(), no_rule);
             it != std::sregex_iterator(); ++it) {
            const std::string letter = (*it)[1];
            if (!letters.contains(letter)) {
                out.push_back(row.check + ": no decision (" + letter + ")");
            }
            cited.insert(letter);
            answered = true;
        }
        if (!answered) {
            out.push_back(row.check + ": names no rule and no decision");
        }
    }
    return out;
}

}  // namespace

TEST_CASE("peer check table: every row names catalog rules, a command, or a decision that exists") {
    const std::string decisions =
        section(read_text(kSource / "docs/decisions.md"), "## Peer checks without a rule");
    std::set<std::string> letters;
    const std::regex decision(R"(\*\*\(([a-z])\) )");
    for (auto it = std::sregex_iterator(decisions.begin(), decisions.end(), decision);
         it != std::sregex_iterator(); ++it) {
        letters.insert((*it)[1]);
    }
    CHECK(letters.size() >= 10);

    std::set<std::string> slugs;
    for (const Rule& rule : builtin_rules()) {
        slugs.insert(std::string(rule.info.slug));
    }

    const std::vector<Row> rows = table_rows(
        section(read_text(kSource / "docs/check.md"), "## Every check of six peers, one row each"));
    // Six peers, each with its RBAC checks: far more rows than peers (a truncated table fails here).
    CHECK(rows.size() >= 150);
    std::set<std::string> cited;
    for (const std::string& problem : problems(rows, slugs, letters, cited)) {
        FAIL_CHECK(problem);
    }
    // A decision nobody cites is stale.
    CHECK(cited == letters);
}

TEST_CASE("peer check table: the checker rejects what it should (positive control)") {
    const std::vector<Row> rows = table_rows(
        "| check | what | rbacgraph |\n|---|---|---|\n| KSV-1 | x | `secrets-access` |\n| KSV-2 | y | no "
        "rule (b) "
        "|\n| KSV-3 | z | `secret-access`, no rule (q) |\n| KSV-4 | w | covered |\n\nprose | not a row\n");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].check == "KSV-1");
    CHECK(rows[0].answer == "`secrets-access`");
    std::set<std::string> cited;
    const std::vector<std::string> found = problems(rows, {"secrets-access"}, {"b"}, cited);
    CHECK(found == std::vector<std::string>{"KSV-3: not a rule or command: secret-access",
                                            "KSV-3: no decision (q)",
                                            "KSV-4: names no rule and no decision"});
    CHECK(cited == std::set<std::string>{"b", "q"});
}
