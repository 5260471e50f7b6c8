#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

// Columns padded to the widest cell; the last column is never padded, so lines carry no trailing blanks.
class Table {
  public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

    void print(std::ostream& out, std::string_view indent) const {
        std::vector<std::size_t> widths(headers_.size(), 0);
        for (std::size_t c = 0; c < headers_.size(); ++c) {
            widths[c] = headers_[c].size();
            for (const auto& row : rows_) {
                widths[c] = std::max(widths[c], row[c].size());
            }
        }
        print_row(out, indent, headers_, widths);
        for (const auto& row : rows_) {
            print_row(out, indent, row, widths);
        }
    }

  private:
    static void print_row(std::ostream& out, std::string_view indent, const std::vector<std::string>& cells,
                          const std::vector<std::size_t>& widths) {
        std::string line(indent);
        for (std::size_t c = 0; c < cells.size(); ++c) {
            line += cells[c];
            if (c + 1 < cells.size()) {
                line += std::string(widths[c] - cells[c].size() + 2, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out << line << '\n';
    }

    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

std::string with_location(const std::string& text, const SourceLocation& location) {
    return location.file.empty() ? text : fmt::format("{} ({})", text, format_location(location));
}

std::string groups_text(const std::vector<IdentityValue>& groups) {
    std::vector<std::string> names;
    names.reserve(groups.size());
    for (const IdentityValue& group : groups) {
        names.push_back(group.display());
    }
    return names.empty() ? "(none)" : fmt::format("{}", fmt::join(names, ", "));
}

void write_identity(std::ostream& out, const Identity& identity) {
    out << (identity.arn.empty() ? "user " + identity.username.display() : identity.arn) << '\n';
    if (!identity.canonical_arn.empty() && identity.canonical_arn != identity.arn) {
        out << "  matched as       " << identity.canonical_arn << '\n';
    }
    if (!identity.authenticated) {
        out << "  does not authenticate: " << identity.denial << '\n';
    } else {
        out << "  authenticates by " << with_location(identity.source_detail, identity.source_location)
            << '\n';
        out << "  username         " << identity.username.display() << '\n';
        out << "  groups           " << groups_text(identity.groups) << '\n';
    }
    for (const std::string& note : identity.notes) {
        out << "  note: " << note << '\n';
    }
}

void write_steps(std::ostream& out, const std::vector<ChainStep>& steps) {
    std::size_t width = 0;
    for (const ChainStep& step : steps) {
        width = std::max(width, step.label.size());
    }
    for (const ChainStep& step : steps) {
        out << "  " << step.label << std::string(width - step.label.size() + 2, ' ')
            << with_location(step.text, step.location) << '\n';
    }
}

std::string_view section_title(const PermissionRow& row) {
    switch (row.scope) {
        case PermissionRow::Scope::kCluster:
            return "Cluster-wide (every namespace and cluster-scoped resources)";
        case PermissionRow::Scope::kNonResource:
            return "Non-resource URLs";
        case PermissionRow::Scope::kNamespace:
            break;
    }
    return "Namespace";
}

std::string join_or_dash(const std::vector<std::string>& items) {
    return items.empty() ? "" : fmt::format("{}", fmt::join(items, ", "));
}

}  // namespace

void write_can_i_text(std::ostream& out, const Graph& graph, const Identity& identity,
                      const Decision& decision, bool explain) {
    out << (decision.allowed() ? "yes" : "no") << '\n';
    if (!explain) {
        return;
    }
    std::vector<ChainStep> steps = explain_identity(identity);
    for (const std::string& note : identity.notes) {
        steps.push_back({"note", note, {}});
    }
    for (const Grant& grant : decision.grants) {
        const std::vector<ChainStep> more = explain_grant(graph, grant);
        steps.insert(steps.end(), more.begin(), more.end());
    }
    if (!decision.allowed() && identity.authenticated) {
        steps.push_back(
            {"result", "no rule of any binding or access policy that applies allows this request", {}});
    }
    for (const Grant& grant : decision.undetermined) {
        steps.push_back({"maybe",
                         "undetermined: " + describe_grant(graph, grant) +
                             " would allow it if a value not known offline matched",
                         {}});
    }
    write_steps(out, steps);
}

void write_what_can_text(std::ostream& out, const WhatCan& result) {
    write_identity(out, result.identity);
    if (!result.identity.authenticated) {
        return;
    }
    out << '\n';
    if (result.masters) {
        out << "system:masters: every request is allowed before RBAC or access policies are consulted; no "
               "binding can "
               "restrict it.\n";
        return;
    }
    if (!result.cluster_admin_via.empty()) {
        for (const std::string& via : result.cluster_admin_via) {
            out << "Full cluster admin (every verb on every resource in every namespace) via " << via << "\n";
        }
        const auto others =
            std::count_if(result.rows.begin(), result.rows.end(), [&](const PermissionRow& row) {
                return std::find(result.cluster_admin_via.begin(), result.cluster_admin_via.end(), row.via) ==
                       result.cluster_admin_via.end();
            });
        out << "Every other grant (" << others << " rows) is subsumed by this; -o json lists them all.\n";
        return;
    }
    if (result.rows.empty()) {
        out << "No permissions: no binding or access policy applies (beyond any the API server grants to "
               "everyone "
               "outside RBAC).\n";
        return;
    }
    std::size_t start = 0;
    bool first = true;
    while (start < result.rows.size()) {
        const PermissionRow& head = result.rows[start];
        std::size_t end = start;
        while (end < result.rows.size() && result.rows[end].scope == head.scope &&
               result.rows[end].ns == head.ns) {
            ++end;
        }
        if (!first) {
            out << '\n';
        }
        first = false;
        if (head.scope == PermissionRow::Scope::kNamespace) {
            out << section_title(head) << ' ' << head.ns << '\n';
        } else {
            out << section_title(head) << '\n';
        }
        const bool urls = head.scope == PermissionRow::Scope::kNonResource;
        Table table(urls ? std::vector<std::string>{"URL", "VERBS", "VIA"}
                         : std::vector<std::string>{"RESOURCE", "NAMES", "VERBS", "VIA"});
        for (std::size_t i = start; i < end; ++i) {
            const PermissionRow& row = result.rows[i];
            const std::string via = row.undetermined ? row.via + " [undetermined]" : row.via;
            if (urls) {
                table.add({row.resource, join_or_dash(row.verbs), via});
            } else {
                table.add({row.resource, join_or_dash(row.resource_names), join_or_dash(row.verbs), via});
            }
        }
        table.print(out, "  ");
        start = end;
    }
}

void write_who_can_text(std::ostream& out, const Graph& graph, const WhoCan& result) {
    out << "Who can " << result.request.display() << "\n\n";
    out << "IAM principals (" << result.principals.size() << ")\n";
    if (result.principals.empty()) {
        out << "  none of the mapped principals\n";
    } else {
        Table table({"ARN", "USERNAME", "MAPPED BY", "VIA"});
        for (const WhoCanPrincipal& principal : result.principals) {
            std::string via = describe_grant(graph, principal.grant);
            if (principal.undetermined) {
                via += " [undetermined]";
            }
            table.add({principal.identity.arn, principal.identity.username.display(),
                       std::string(to_string(principal.identity.source)), via});
        }
        table.print(out, "  ");
    }
    out << "\nKubernetes subjects (" << result.subjects.size() << ")\n";
    Table table({"KIND", "NAME", "VIA"});
    for (const WhoCanSubject& subject : result.subjects) {
        const std::string name = subject.subject.kind == "ServiceAccount"
                                     ? subject.subject.ns + "/" + subject.subject.name
                                     : subject.subject.name;
        table.add({subject.subject.kind, name, with_location(subject.via, subject.location)});
    }
    table.print(out, "  ");
}

std::string summary_line(const Export& source, const std::vector<Diagnostic>& diagnostics) {
    const LoadSummary& summary = source.summary;
    auto kinds = [](const std::map<std::string, std::size_t>& counts) {
        std::vector<std::string> parts;
        parts.reserve(counts.size());
        for (const auto& [kind, count] : counts) {
            parts.push_back(fmt::format("{} {}", count, kind));
        }
        return fmt::format("{}", fmt::join(parts, ", "));
    };
    std::size_t skipped = 0;
    for (const auto& [kind, count] : summary.skipped_by_kind) {
        skipped += count;
    }
    const std::size_t errors = count_errors(diagnostics);
    const auto warnings = static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::kWarning; }));
    std::string line =
        fmt::format("loaded {} file{}, {} document{}: {} used", summary.files, summary.files == 1 ? "" : "s",
                    summary.documents, summary.documents == 1 ? "" : "s", summary.used);
    if (summary.used > 0) {
        line += " (" + kinds(summary.used_by_kind) + ")";
    }
    line += fmt::format(", {} skipped", skipped);
    if (skipped > 0) {
        line += " (" + kinds(summary.skipped_by_kind) + ")";
    }
    line += fmt::format(", {} rejected; {} error{}, {} warning{}", summary.rejected, errors,
                        errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    return line;
}

}  // namespace rbacgraph
