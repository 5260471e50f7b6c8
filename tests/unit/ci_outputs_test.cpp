// check -o junit and -o markdown (docs/check.md "Outputs"): what CI systems parse must survive any message.
#include <regex>
#include <set>
#include <sstream>

#include "helpers.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/rules.hpp"

namespace rbacgraph::test {
namespace {

CheckReport one_finding(std::string message, RiskSeverity severity) {
    CheckReport report;
    Finding finding;
    finding.rule = "secrets-access";
    finding.id = "RG206";
    finding.severity = severity;
    finding.message = std::move(message);
    finding.location = {"dir/a&b.yaml", 3, 1};
    finding.fingerprint = "0123456789abcdef";
    report.findings.push_back(std::move(finding));
    return report;
}

// XML 1.0 (W3C, section 2.2 "Characters" and 2.4 "Character Data"): '<' and '&' never appear raw in text or
// attributes, and C0 control characters other than tab, newline and carriage return are not allowed at all.
TEST_CASE("junit: every message is escaped, and control characters XML cannot carry are replaced") {
    const std::span<const Rule> rules = builtin_rules();
    const CheckReport report = one_finding("a <b> & \"c\" 'd' \x01 end", RiskSeverity::kHigh);
    std::ostringstream out;
    write_check_junit(out, report, rules, {"secrets-access"}, RiskSeverity::kHigh);
    const std::string xml = out.str();
    CHECK(xml.find("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; \xEF\xBF\xBD end") != std::string::npos);
    CHECK(xml.find('\x01') == std::string::npos);
    CHECK(xml.find("file=\"dir/a&amp;b.yaml\" line=\"3\"") != std::string::npos);
    CHECK(xml.find("<failure type=\"high\"") != std::string::npos);
    // Only the enabled rule has a suite.
    CHECK(xml.find("tests=\"1\" failures=\"1\"") != std::string::npos);
    CHECK(xml.find("RG101") == std::string::npos);
}

TEST_CASE(
    "junit: below the threshold passes, suppressed is skipped, a rule without findings is one passing case") {
    const std::span<const Rule> rules = builtin_rules();
    CheckReport report = one_finding("low one", RiskSeverity::kLow);
    std::ostringstream below;
    write_check_junit(below, report, rules, {"secrets-access", "pod-exec"}, RiskSeverity::kHigh);
    CHECK(below.str().find("<failure") == std::string::npos);
    CHECK(below.str().find("<system-out>low (below high): low one</system-out>") != std::string::npos);
    CHECK(below.str().find("name=\"RG207 pod-exec\" tests=\"1\" failures=\"0\"") != std::string::npos);
    CHECK(below.str().find("name=\"no findings\"") != std::string::npos);
    // Positive control: at the threshold it fails.
    std::ostringstream at;
    write_check_junit(at, report, rules, {"secrets-access"}, RiskSeverity::kLow);
    CHECK(at.str().find("<failure type=\"low\"") != std::string::npos);
    report.findings[0].suppression =
        std::make_shared<const Suppression>(Suppression{"annotation", "reviewed", {}});
    std::ostringstream skipped;
    write_check_junit(skipped, report, rules, {"secrets-access"}, RiskSeverity::kLow);
    CHECK(skipped.str().find("<skipped message=\"suppressed by annotation: reviewed\"/>") !=
          std::string::npos);
    CHECK(skipped.str().find("<failure") == std::string::npos);
}

TEST_CASE("markdown: pipes and newlines cannot break the findings table, and rows are capped") {
    CheckReport report = one_finding("a | b\nc", RiskSeverity::kCritical);
    report.findings.push_back(report.findings.front());
    std::ostringstream out;
    write_check_markdown(out, report, RiskSeverity::kHigh, 1);
    const std::string text = out.str();
    CHECK(text.find("2 finding(s) at or above high (--fail-on): failing") != std::string::npos);
    // The newline is shown as \x0a (terminal_text), its backslash escaped for Markdown.
    CHECK(text.find("| a \\| b\\\\x0ac |") != std::string::npos);
    CHECK(text.find("... and 1 more") != std::string::npos);
}

// A name is the manifest writer's: it must not open an HTML comment (which hides the rest of a PR comment), a
// tag, a link or a code span. Positive control: the same words without markup are shown as they are.
TEST_CASE("markdown: a name cannot open a comment, a tag, a link or a code span") {
    std::ostringstream out;
    write_check_markdown(out, one_finding("User x<!-- `a` [b](c) <img src=x> **bold**", RiskSeverity::kHigh),
                         RiskSeverity::kHigh, 10);
    const std::string text = out.str();
    CHECK(text.find("<!--") == std::string::npos);
    CHECK(text.find(" <img") == std::string::npos);  // every '<' is escaped: "\\<img" renders as text
    CHECK(text.find("\\<img") != std::string::npos);
    CHECK(text.find("x\\<\\!--") != std::string::npos);
    CHECK(text.find("\\`a\\`") != std::string::npos);
    CHECK(text.find("\\[b\\](c)") != std::string::npos);
    CHECK(text.find("\\*\\*bold\\*\\*") != std::string::npos);
    std::ostringstream plain;
    write_check_markdown(plain, one_finding("User alice can read Secrets", RiskSeverity::kHigh),
                         RiskSeverity::kHigh, 10);
    CHECK(plain.str().find("| User alice can read Secrets |") != std::string::npos);
}

// GitLab's SAST report (security-report-schemas 15.x, testdata/schemas/README.md): what the schema requires
// of every vulnerability holds for every rule, and what GitLab cannot represent stays out.
TEST_CASE(
    "gitlab-sast: every rule's name fits the schema, ids are stable UUIDs, the fingerprint comes first") {
    const std::span<const Rule> rules = builtin_rules();
    CheckReport report;
    for (const Rule& rule : rules) {
        Finding finding;
        finding.rule = rule.info.slug;
        finding.id = rule.info.id;
        finding.severity = rule.info.severity;
        finding.message = "m";
        finding.location = {"/repo/rbac/a.yaml", 3, 1};
        finding.fingerprint = "fp-" + std::string(finding.rule);
        report.findings.push_back(std::move(finding));
    }
    GitlabSastOptions options;
    options.working_directory = "/repo";
    options.start_time = options.end_time = "2026-01-01T00:00:00";
    const nlohmann::json gitlab = check_gitlab_sast(report, rules, {}, options);
    const nlohmann::json& vulnerabilities = gitlab["vulnerabilities"];
    REQUIRE(vulnerabilities.size() == rules.size());
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> ids;
    for (const nlohmann::json& vulnerability : vulnerabilities) {
        CAPTURE(vulnerability["name"].get<std::string>());
        CHECK(vulnerability["name"].get<std::string>().size() <= 255);
        CHECK(std::regex_match(vulnerability["id"].get<std::string>(), uuid));
        CHECK(ids.insert(vulnerability["id"].get<std::string>()).second);
        CHECK(vulnerability["identifiers"][0]["type"] == "rbacgraph_finding");
        CHECK(vulnerability["identifiers"][1]["type"] == "rbacgraph_rule_id");
        CHECK(vulnerability["location"] == nlohmann::json{{"file", "rbac/a.yaml"}, {"start_line", 3}});
    }
    // The same finding, the same id in another run.
    CHECK(check_gitlab_sast(report, rules, {}, {})["vulnerabilities"][0]["id"] == vulnerabilities[0]["id"]);
    CHECK(gitlab["scan"]["status"] == "success");
}

TEST_CASE("gitlab-sast: suppressed, baselined and stdin findings, and input errors") {
    const std::span<const Rule> rules = builtin_rules();
    CheckReport report = one_finding("open", RiskSeverity::kHigh);
    report.findings.push_back(report.findings.front());
    report.findings[1].suppression =
        std::make_shared<const Suppression>(Suppression{"annotation", "reviewed", {}});
    report.findings.push_back(report.findings.front());
    report.findings[2].known = true;
    report.findings.push_back(report.findings.front());
    report.findings[3].location = {"<stdin>", 4, 1};
    const Diagnostic error{Severity::kError, {"bad.yaml", 2, 1}, "", "not YAML"};
    const nlohmann::json gitlab = check_gitlab_sast(report, rules, {error}, {});
    // Positive control: the open finding and the one from standard input are there, the latter without a
    // file.
    REQUIRE(gitlab["vulnerabilities"].size() == 2);
    CHECK(gitlab["vulnerabilities"][0]["location"]["file"] == "dir/a&b.yaml");
    CHECK(gitlab["vulnerabilities"][1]["location"] == nlohmann::json::object());
    CHECK(gitlab["scan"]["status"] == "failure");
    CHECK(gitlab["scan"]["messages"][0] ==
          nlohmann::json{{"level", "fatal"}, {"value", "bad.yaml:2:1: error: not YAML"}});
    CHECK(gitlab["scan"]["messages"][1]["value"] ==
          "2 suppressed or baselined findings left out (GitLab would open them)");
}

}  // namespace
}  // namespace rbacgraph::test
