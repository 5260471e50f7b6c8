// Meta-tests over the rule catalog (kube-linter built_in_checks_test.go, Ruff's doc checks): every rule has a
// well-formed unique ID and slug, its source file, a doc page with the required sections, and closed-world
// fixtures that fire and stay quiet.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/check.hpp"
#include "rbacgraph/load.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace fs = std::filesystem;
using namespace rbacgraph;
using rbacgraph::test::read_text;

namespace {

const fs::path kSource = RBACGRAPH_SOURCE_DIR;

std::string snake(std::string_view slug) {
    std::string out(slug);
    std::replace(out.begin(), out.end(), '-', '_');
    return out;
}

// One expected finding: its line, rule, and (when the fixture pins it) severity.
struct Expected {
    int line = 0;
    std::string slug;
    std::string severity;  ///< "" = any

    auto operator<=>(const Expected&) const = default;
};

// "# expect: a, b(medium)" on a line: findings of those rules must point at that line, with that severity
// where one is given in parentheses.
std::multiset<Expected> expectations(const std::string& text) {
    std::multiset<Expected> out;
    std::istringstream lines(text);
    const std::regex expect(R"(#\s*expect:\s*([a-z0-9, ()-]+))");
    const std::regex item(R"(([a-z0-9-]+)(?:\(([a-z]+)\))?)");
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        std::smatch match;
        if (std::regex_search(line, match, expect)) {
            std::istringstream slugs(match[1].str());
            for (std::string slug; std::getline(slugs, slug, ',');) {
                slug.erase(0, slug.find_first_not_of(' '));
                slug.erase(slug.find_last_not_of(' ') + 1);
                std::smatch parts;
                const bool well_formed = std::regex_match(slug, parts, item);
                REQUIRE_MESSAGE(well_formed, slug);
                out.insert({number, parts[1].str(), parts[2].str()});
            }
        }
    }
    return out;
}

std::vector<Finding> findings_of(const Rule& rule, const fs::path& fixture) {
    Export source = load_paths({fixture.string()});
    REQUIRE_MESSAGE(source.summary.files == 1, fixture);
    // Fixtures are valid input, except where reading the broken input is the rule.
    if (rule.info.slug != "invalid-aws-auth") {
        CHECK_MESSAGE(count_errors(source.diagnostics) == 0, format_diagnostic(source.diagnostics.front()));
    }
    // An estate of one unnamed cluster, so that IAM dumps in the fixture feed the iam rules.
    std::vector<IamAccountDetails> iam = std::move(source.iam);
    const Estate estate({{"", std::make_shared<const Graph>(std::move(source))}}, std::move(iam));
    CheckRun run;
    run.rules = builtin_rules();
    run.options.enabled = {std::string(rule.info.slug)};
    return run_checks(estate, run).findings;
}

void check_rule_identity(const Rule& rule, const std::regex& id_form, const std::regex& slug_form) {
    CHECK(std::regex_match(std::string(rule.info.id), id_form));
    CHECK(std::regex_match(std::string(rule.info.slug), slug_form));
    CHECK((rule.check != nullptr));
    CHECK(!rule.info.summary.empty());
    // Families own ID ranges: eks 1xx, rbac 2xx, lint 3xx, iam 4xx.
    const std::map<std::string_view, char> hundreds = {
        {"eks", '1'}, {"rbac", '2'}, {"lint", '3'}, {"iam", '4'}};
    REQUIRE(hundreds.contains(rule.info.family));
    CHECK(rule.info.id[2] == hundreds.at(rule.info.family));
    CHECK(fs::exists(kSource / "rules" / std::string(rule.info.family) / (snake(rule.info.slug) + ".cpp")));
}

void check_rule_page(const Rule& rule) {
    const fs::path page = kSource / "docs" / "rules" / (std::string(rule.info.slug) + ".md");
    REQUIRE(fs::exists(page));
    const std::string text = read_text(page);
    CHECK(rule_doc(rule.info.slug) == text);
    for (const char* section : {"## What it detects", "## Why it matters", "## How an attacker uses it",
                                "## How to fix", "## Example"}) {
        CHECK_MESSAGE(text.find(section) != std::string::npos, section);
    }
    // The header says what the RuleInfo says: title with slug and ID, severity and family.
    const std::string header =
        fmt::format("# {} ({})\n\n**Severity:** {} \u00b7 **Family:** {}\n", rule.info.slug, rule.info.id,
                    to_string(rule.info.severity), rule.info.family);
    CHECK_MESSAGE(text.starts_with(header), header);
}

void check_rule_fixtures(const Rule& rule) {
    const std::string slug(rule.info.slug);
    CAPTURE(slug);
    const fs::path dir = kSource / "testdata" / "rules" / slug;
    REQUIRE(fs::is_directory(dir));
    std::vector<fs::path> fixtures;
    for (const auto& entry : fs::directory_iterator(dir)) {
        fixtures.push_back(entry.path());
    }
    std::sort(fixtures.begin(), fixtures.end());
    bool fires = false;
    bool quiet = false;
    for (const fs::path& fixture : fixtures) {
        CAPTURE(fixture.filename().string());
        std::multiset<Expected> expected;
        for (const Expected& expectation : expectations(read_text(fixture))) {
            if (expectation.slug == slug) {
                expected.insert(expectation);
            }
        }
        // A finding's severity is compared only where the fixture pins one on that line.
        const auto pinned = [&](int line) {
            return std::any_of(expected.begin(), expected.end(), [&](const Expected& item) {
                return item.line == line && !item.severity.empty();
            });
        };
        std::multiset<Expected> actual;
        for (const Finding& finding : findings_of(rule, fixture)) {
            CHECK(finding.location.file == fixture.string());
            if (!finding.suppression) {
                const int line = static_cast<int>(finding.location.line);
                actual.insert({line, std::string(finding.rule),
                               pinned(line)
                                   ? std::string(to_string(finding.severity.value_or(rule.info.severity)))
                                   : std::string()});
            }
        }
        CHECK(actual == expected);
        const std::string name = fixture.filename().string();
        if (name.starts_with("fires")) {
            fires = true;
            CHECK_MESSAGE(!expected.empty(), "a fires-* fixture needs # expect: lines");
        } else {
            REQUIRE_MESSAGE(name.starts_with("quiet"), "fixtures are named fires-* or quiet-*");
            quiet = true;
            CHECK(expected.empty());
        }
    }
    CHECK_MESSAGE(fires, "no fires-* fixture");
    CHECK_MESSAGE(quiet, "no quiet-* fixture");
}

}  // namespace

TEST_CASE("rule IDs and slugs are well formed, unique, and never reuse a retired one") {
    const std::regex id_form("RG[1-9][0-9]{2}");
    const std::regex slug_form("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    std::set<std::string_view> ids;
    std::set<std::string_view> slugs;
    for (const RetiredRule& retired : retired_rules()) {
        ids.insert(retired.id);
        slugs.insert(retired.slug);
    }
    for (const Rule& rule : builtin_rules()) {
        CAPTURE(rule.info.slug);
        CHECK(ids.insert(rule.info.id).second);
        CHECK(slugs.insert(rule.info.slug).second);
    }
    // One subcase per rule: a rule's failure is reported under its own name and does not hide the others'.
    for (const Rule& rule : builtin_rules()) {
        SUBCASE(std::string(rule.info.slug).c_str()) {
            check_rule_identity(rule, id_form, slug_form);
        }
    }
}

TEST_CASE("every rule has a doc page with the required sections, compiled in") {
    for (const Rule& rule : builtin_rules()) {
        SUBCASE(std::string(rule.info.slug).c_str()) {
            check_rule_page(rule);
        }
    }
}

// The other direction: nothing in the rule folders belongs to no rule (a source file left out of catalog.def
// would compile and never run; a page or fixture folder of a renamed rule would go stale unseen).
TEST_CASE("every rule source, page and fixture folder belongs to a catalog rule") {
    std::set<std::string> slugs;
    for (const Rule& rule : builtin_rules()) {
        slugs.insert(std::string(rule.info.slug));
    }
    std::set<std::string> retired;
    for (const RetiredRule& rule : retired_rules()) {
        retired.insert(std::string(rule.slug));
    }
    const auto slug_of = [](const fs::path& path) {
        std::string name = path.stem().string();
        std::replace(name.begin(), name.end(), '_', '-');
        return name;
    };
    std::size_t sources = 0;
    for (const auto& family : fs::directory_iterator(kSource / "rules")) {
        if (!family.is_directory()) {
            continue;
        }
        for (const auto& file : fs::directory_iterator(family.path())) {
            CAPTURE(file.path().string());
            CHECK(slugs.contains(slug_of(file.path())));
            ++sources;
        }
    }
    CHECK(sources == slugs.size());
    for (const auto& page : fs::directory_iterator(kSource / "docs" / "rules")) {
        if (page.path().filename() == "README.md") {
            continue;
        }
        CAPTURE(page.path().string());
        CHECK((slugs.contains(slug_of(page.path())) || retired.contains(slug_of(page.path()))));
    }
    for (const auto& folder : fs::directory_iterator(kSource / "testdata" / "rules")) {
        CAPTURE(folder.path().string());
        CHECK(slugs.contains(folder.path().filename().string()));
    }
}

TEST_CASE("docs/rules/README.md is the generated index") {
    std::ostringstream index;
    write_rules_markdown(index, builtin_rules());
    CHECK_MESSAGE(read_text(kSource / "docs" / "rules" / "README.md") == index.str(),
                  "stale: run scripts/update-golden");
}

TEST_CASE("rule fixtures: findings are exactly the '# expect:' lines, and every rule fires and stays quiet") {
    for (const Rule& rule : builtin_rules()) {
        const std::string slug(rule.info.slug);
        SUBCASE(slug.c_str()) {
            check_rule_fixtures(rule);
        }
    }
}
