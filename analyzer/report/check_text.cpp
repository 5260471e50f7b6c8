#include <fmt/format.h>

#include <array>
#include <ostream>

#include "rbacgraph/report.hpp"
#include "report/paint.hpp"

namespace rbacgraph {
namespace {

constexpr std::size_t kArnsShown = 5;

std::string severity_counts(const CheckReport& report, RiskSeverity min_severity) {
    std::array<std::size_t, 5> counts{};
    for (const Finding& finding : report.findings) {
        if (!finding.suppression && !finding.known && *finding.severity >= min_severity) {
            ++counts[static_cast<std::size_t>(*finding.severity)];
        }
    }
    std::string text;
    for (int s = 4; s >= 0; --s) {
        if (counts[static_cast<std::size_t>(s)] > 0) {
            text += fmt::format("{}{} {}", text.empty() ? "" : ", ", counts[static_cast<std::size_t>(s)],
                                to_string(static_cast<RiskSeverity>(s)));
        }
    }
    return text;
}

}  // namespace

void write_check_text(std::ostream& out, const CheckReport& report, std::optional<RiskSeverity> fail_on,
                      const TextOptions& names) {
    std::size_t active = 0;
    std::size_t suppressed = 0;
    std::size_t known = 0;
    std::size_t below = 0;
    std::size_t listed = 0;
    for (const Finding& finding : report.findings) {
        if (*finding.severity < names.min_severity) {
            ++below;
            continue;
        }
        if (finding.known && !finding.suppression && !names.show_known) {
            ++known;
            continue;
        }
        ++listed;
        std::string state;
        if (finding.suppression) {
            ++suppressed;
            state = fmt::format(" [suppressed by {}: {}]", terminal_text(finding.suppression->source),
                                terminal_text(finding.suppression->reason));
        } else if (finding.known) {
            ++known;
            state = " [known: in the baseline]";
        } else {
            ++active;
        }
        // Each field from the input through terminal_text: a name cannot end the line or forge another.
        const std::string cluster =
            finding.cluster.empty() ? std::string() : "[" + terminal_text(finding.cluster) + "] ";
        out << fmt::format("{}: {}{} {} {}: {}{}\n", terminal_text(format_location(finding.location)),
                           cluster,
                           paint(to_string(*finding.severity), paint_of(*finding.severity), names.color),
                           finding.id, finding.rule, terminal_text(finding.message), state);
        if (!finding.arns.empty()) {
            std::string arns;
            for (std::size_t i = 0; i < finding.arns.size() && i < kArnsShown; ++i) {
                arns += (i == 0 ? "" : ", ") + terminal_text(finding.arns[i]);
            }
            if (finding.arns.size() > kArnsShown) {
                arns += fmt::format(" and {} more", finding.arns.size() - kArnsShown);
            }
            out << "    IAM: " << arns << '\n';
        }
        for (const std::string& evidence : finding.evidence) {
            out << "    evidence: " << terminal_text(evidence) << '\n';
        }
    }
    if (listed > 0) {
        out << '\n';
    }
    std::string line =
        active == 0 ? "no findings"
                    : fmt::format("{} findings ({})", active, severity_counts(report, names.min_severity));
    std::vector<std::string> extras;
    if (suppressed > 0) {
        extras.push_back(fmt::format("{} suppressed", suppressed));
    }
    if (known > 0) {
        extras.push_back(names.show_known ? fmt::format("{} known from the baseline", known)
                                          : fmt::format("{} known from the baseline, not listed ({})", known,
                                                        names.show_known_name));
    }
    if (below > 0) {
        extras.push_back(fmt::format("{} below {} not shown ({})", below, to_string(names.min_severity),
                                     names.min_severity_name));
    }
    if (report.baseline_fixed > 0) {
        extras.push_back(fmt::format("{} baseline findings fixed", report.baseline_fixed));
    }
    if (report.builtin_hidden > 0) {
        extras.push_back(fmt::format("{} on built-in Kubernetes/EKS objects not shown ({})",
                                     report.builtin_hidden, names.include_builtin));
    }
    for (const std::string& extra : extras) {
        line += "; " + extra;
    }
    out << line << '\n';
    if (fail_on) {
        const std::size_t failing = report.failing(fail_on);
        out << fmt::format("{} at or above {} ({}): {}\n", failing, to_string(*fail_on), names.fail_on,
                           failing > 0 ? paint("failing", Paint::kBad, names.color)
                                       : paint("passing", Paint::kGood, names.color));
    }
}

void write_rules_text(std::ostream& out, std::span<const Rule> rules) {
    std::size_t width = 0;
    for (const Rule& rule : rules) {
        width = std::max(width, rule.info.slug.size());
    }
    for (const Rule& rule : rules) {
        out << fmt::format("{}  {:<{}}  {:<8}  {}\n", rule.info.id, rule.info.slug, width,
                           to_string(rule.info.severity), rule.info.summary);
    }
}

void write_rules_markdown(std::ostream& out, std::span<const Rule> rules) {
    out << "# Rules\n\n"
           "<!-- Generated by `rbacgraph rules --markdown`; scripts/update-golden rewrites it and a test "
           "fails "
           "when it is stale. -->\n\n"
           "Every rule has a stable ID and slug (both accepted by `--enable`, `--disable` and suppressions) "
           "and a "
           "default severity; some findings are one level lower when the grant is limited to one namespace, "
           "as "
           "the rule's page says. `rbacgraph rules SLUG` prints a page.\n\n"
           "| ID | Rule | Severity | Summary |\n|---|---|---|---|\n";
    for (const Rule& rule : rules) {
        out << fmt::format("| {} | [{}]({}.md) | {} | {} |\n", rule.info.id, rule.info.slug, rule.info.slug,
                           to_string(rule.info.severity), rule.info.summary);
    }
}

}  // namespace rbacgraph
