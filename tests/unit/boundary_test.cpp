// The grant table's door (issue 27): rules ask the table through rbacgraph/check.hpp and rbacgraph/grants.hpp
// and never read around it. Its rows are private, so no code outside analyzer/grants/ can name them; this
// test keeps the rest out of rules/: the graph's arrays (bindings, roles, rule sets, access-policy grants), a
// binding's subjects, the provenance of built-in objects as a decision, and the rule sets' "grants
// everything". Each of those let a rule re-derive "in force", "matches someone", "is admin" or "built in" on
// its own, and three rules gave answers the table contradicted.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Forbidden {
    std::regex pattern;
    std::string_view why;
};

const std::vector<Forbidden>& forbidden() {
    static const std::vector<Forbidden> kForbidden = {
        {std::regex(R"(\.(bindings|roles|rule_sets|access_policy_grants)\(\))"),
         "the graph's arrays: ask context.grants() (binding_source, grant, holders)"},
        {std::regex(R"((->|\bbinding\.)subjects\b)"),
         "a binding's subjects: the table's holders are the subjects that can match (Grant::subject)"},
        {std::regex(R"(Origin::kBuiltin)"),
         "provenance is not built-in status: Grant::builtin compares content"},
        {std::regex(R"(grants_everything|everything_rule)"),
         "use Grant::everything or Grant::cluster_admin()"},
        {std::regex(R"(\b(BindingNode|RoleNode|RuleSet|CompiledRule|ProbeMatcher|RowMatcher)\b)"),
         "graph internals"},
        {std::regex(R"((role|binding)_difference\()"), "use context.builtin_comparison()"},
    };
    return kForbidden;
}

// The public headers a rule may include: the check facade and the table's door, and the value headers they
// stand on (query.hpp for describe_rule; identity.hpp and iam.hpp for the IAM side; api_catalog.hpp, the
// model's catalog of resources and verbs, which reads no grant).
bool allowed_include(const std::string& header) {
    static const std::vector<std::string> kAllowed = {"rbacgraph/check.hpp", "rbacgraph/grants.hpp",
                                                      "rbacgraph/query.hpp", "rbacgraph/identity.hpp",
                                                      "rbacgraph/iam.hpp",   "rbacgraph/api_catalog.hpp"};
    return std::find(kAllowed.begin(), kAllowed.end(), header) != kAllowed.end();
}

// "line N: why" for every use of what the door hides, and every project header outside the allowed ones.
std::vector<std::string> violations(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream lines(text);
    int number = 0;
    const std::regex include(R"(#include\s+"([^"]+)\")");
    for (std::string line; std::getline(lines, line);) {
        ++number;
        const std::string code = line.substr(0, line.find("//"));  // comments may cite what they avoid
        std::smatch match;
        if (std::regex_search(code, match, include) && !allowed_include(match[1].str())) {
            out.push_back("line " + std::to_string(number) + ": includes " + match[1].str());
        }
        for (const Forbidden& rule : forbidden()) {
            if (std::regex_search(code, rule.pattern)) {
                out.push_back("line " + std::to_string(number) + ": " + std::string(rule.why));
            }
        }
    }
    return out;
}

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("boundary: the checker catches what reads around the grant table (controls)") {
    // Each is one way a rule read around the table before issue 27; the checker must see it.
    CHECK(violations("for (const auto& node : context.graph().bindings()) {}").size() == 1);
    CHECK(violations("const auto& subjects = bindings[b].binding->subjects;").size() == 1);
    CHECK(violations("if (binding.location.origin == Origin::kBuiltin) {}").size() == 1);
    CHECK(violations("return graph.rule_sets()[row.rule_set].grants_everything;").size() == 2);
    CHECK(violations("#include \"graph/builtin_status.hpp\"").size() == 1);
    // What rules may write: the table's answers, a finding's subjects, a cited source in a comment.
    CHECK(violations("finding.subjects = context.binding_holders(source.index);").empty());
    CHECK(violations("for (const GrantId id : context.grants().held_by(HolderKind::kGroup, g)) {}").empty());
    CHECK(violations("// rule.go appliesToUser reads binding->subjects").empty());
    CHECK(violations("#include \"rbacgraph/check.hpp\"").empty());
}

TEST_CASE("boundary: no rule reads around the grant table") {
    std::size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(RBACGRAPH_SOURCE_DIR) / "rules")) {
        if (entry.path().extension() != ".cpp" || entry.path().filename() == "catalog.cpp") {
            continue;
        }
        ++files;
        const std::string path = entry.path().lexically_relative(RBACGRAPH_SOURCE_DIR).string();
        SUBCASE(path.c_str()) {
            for (const std::string& violation : violations(read(entry.path()))) {
                FAIL_CHECK(path << " " << violation);
            }
        }
    }
    CHECK(files > 60);  // every rule was read
}
