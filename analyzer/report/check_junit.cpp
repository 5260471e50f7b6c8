// check -o junit: JUnit XML as CI systems read it (GitLab's test report, Jenkins, Azure DevOps, the JUnit
// GitHub reporters): one test suite per rule that ran, one test case per finding, failing when the finding is
// at or above --fail-on, skipped when suppressed or in the baseline; a rule without findings is one passing
// case, so a dashboard shows what was checked.
#include <fmt/format.h>

#include <map>
#include <ostream>
#include <set>

#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

bool failing(const Finding& finding, std::optional<RiskSeverity> fail_on) {
    return fail_on && !finding.suppression && !finding.known && *finding.severity >= *fail_on;
}

}  // namespace

void write_check_junit(std::ostream& out, const CheckReport& report, std::span<const Rule> rules,
                       const std::set<std::string>& enabled, std::optional<RiskSeverity> fail_on) {
    std::map<std::string_view, std::vector<const Finding*>> by_rule;
    for (const Finding& finding : report.findings) {
        by_rule[finding.rule].push_back(&finding);
    }
    struct Suite {
        const Rule* rule = nullptr;
        std::size_t tests = 0;
        std::size_t failures = 0;
        std::size_t skipped = 0;
    };
    std::vector<Suite> suites;
    Suite total;
    for (const Rule& rule : rules) {
        if (!enabled.empty() && !enabled.contains(std::string(rule.info.slug))) {
            continue;
        }
        Suite suite{&rule, 1, 0, 0};
        if (const auto found = by_rule.find(rule.info.slug); found != by_rule.end()) {
            suite.tests = found->second.size();
            for (const Finding* finding : found->second) {
                suite.failures += failing(*finding, fail_on) ? 1 : 0;
                suite.skipped += finding->suppression || finding->known ? 1 : 0;
            }
        }
        total.tests += suite.tests;
        total.failures += suite.failures;
        total.skipped += suite.skipped;
        suites.push_back(suite);
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format(
        "<testsuites name=\"rbacgraph check\" tests=\"{}\" failures=\"{}\" errors=\"0\" "
        "skipped=\"{}\">\n",
        total.tests, total.failures, total.skipped);
    for (const Suite& suite : suites) {
        const RuleInfo& info = suite.rule->info;
        out << fmt::format(
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
            info.id, xml_text(info.slug), suite.tests, suite.failures, suite.skipped);
        const auto found = by_rule.find(info.slug);
        if (found == by_rule.end()) {
            out << fmt::format("    <testcase classname=\"rbacgraph.{}\" name=\"no findings\"/>\n",
                               xml_text(info.slug));
        } else {
            for (const Finding* finding : found->second) {
                const std::string where = format_location(finding->location);
                const std::string cluster = finding->cluster.empty() ? "" : "[" + finding->cluster + "] ";
                out << fmt::format(
                    "    <testcase classname=\"rbacgraph.{}\" name=\"{}{}: {}\" file=\"{}\" line=\"{}\">\n",
                    xml_text(info.slug), xml_text(cluster), xml_text(where), xml_text(finding->message),
                    xml_text(finding->location.file.str()), finding->location.line);
                if (finding->suppression) {
                    out << fmt::format("      <skipped message=\"suppressed by {}: {}\"/>\n",
                                       xml_text(finding->suppression->source),
                                       xml_text(finding->suppression->reason));
                } else if (finding->known) {
                    out << "      <skipped message=\"known: in the baseline\"/>\n";
                } else if (failing(*finding, fail_on)) {
                    out << fmt::format(
                        "      <failure type=\"{}\" message=\"{} {} {}\">{}: {} {} {}: {}\n"
                        "fingerprint {}; rule page: rbacgraph rules {}</failure>\n",
                        to_string(*finding->severity), to_string(*finding->severity), info.id,
                        xml_text(info.slug), xml_text(where), to_string(*finding->severity), info.id,
                        xml_text(info.slug), xml_text(finding->message), xml_text(finding->fingerprint),
                        xml_text(info.slug));
                } else {
                    out << fmt::format("      <system-out>{} (below {}): {}</system-out>\n",
                                       to_string(*finding->severity),
                                       fail_on ? to_string(*fail_on) : std::string_view("--fail-on never"),
                                       xml_text(finding->message));
                }
                out << "    </testcase>\n";
            }
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

}  // namespace rbacgraph
