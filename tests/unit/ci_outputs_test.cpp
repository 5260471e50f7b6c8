// check -o junit and -o markdown (docs/check.md "Outputs"): what CI systems parse must survive any message.
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
    report.findings[0].suppression = Suppression{"annotation", "reviewed", {}};
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
    CHECK(text.find("| a \\| b c |") != std::string::npos);
    CHECK(text.find("... and 1 more") != std::string::npos);
}

}  // namespace
}  // namespace rbacgraph::test
