// check -o markdown: a summary for a pull-request or merge-request comment: the verdict, the counts by
// severity, then the findings most severe first (at most max_rows; the JSON has them all).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ostream>

#include "rbacgraph/report.hpp"

namespace rbacgraph {

void write_check_markdown(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                          std::size_t max_rows, RiskSeverity min_severity) {
    std::vector<const Finding*> active;
    std::size_t quiet = 0;
    std::size_t below = 0;
    std::array<std::size_t, 5> counts{};
    for (const Finding& finding : report.findings) {
        if (finding.suppression || finding.known) {
            ++quiet;
            continue;
        }
        if (*finding.severity < min_severity) {
            ++below;
            continue;
        }
        active.push_back(&finding);
        ++counts[static_cast<std::size_t>(*finding.severity)];
    }
    std::stable_sort(active.begin(), active.end(),
                     [](const Finding* a, const Finding* b) { return *a->severity > *b->severity; });
    out << "### rbacgraph check\n\n";
    if (fail_on) {
        const std::size_t failing = report.failing(fail_on);
        out << fmt::format("{} finding(s) at or above {} (--fail-on): {}\n\n", failing, to_string(*fail_on),
                           failing > 0 ? "failing" : "passing");
    } else {
        out << "--fail-on never: passing\n\n";
    }
    out << "| severity | findings |\n|---|---|\n";
    for (int s = 4; s >= 0; --s) {
        out << fmt::format("| {} | {} |\n", to_string(static_cast<RiskSeverity>(s)),
                           counts[static_cast<std::size_t>(s)]);
    }
    if (quiet > 0) {
        out << fmt::format("| suppressed or in the baseline | {} |\n", quiet);
    }
    if (below > 0) {
        out << fmt::format("| below {} (--min-severity), not listed | {} |\n", to_string(min_severity),
                           below);
    }
    out << '\n';
    if (active.empty()) {
        out << "No findings.\n";
        return;
    }
    out << fmt::format("<details{}><summary>Findings ({})</summary>\n\n", active.size() <= 10 ? " open" : "",
                       active.size());
    out << "| severity | rule | where | message |\n|---|---|---|---|\n";
    for (std::size_t i = 0; i < active.size() && i < max_rows; ++i) {
        const Finding& finding = *active[i];
        const std::string cluster = finding.cluster.empty() ? "" : "[" + finding.cluster + "] ";
        out << fmt::format("| {} | {} {} | {} | {} |\n", to_string(*finding.severity), finding.id,
                           finding.rule, markdown_text(cluster + format_location(finding.location)),
                           markdown_text(finding.message));
    }
    if (active.size() > max_rows) {
        out << fmt::format("\n... and {} more (rbacgraph check -o json lists them all)\n",
                           active.size() - max_rows);
    }
    out << "\n</details>\n";
}

}  // namespace rbacgraph
