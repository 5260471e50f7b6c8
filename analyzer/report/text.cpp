#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "rbacgraph/report.hpp"

namespace rbacgraph {
namespace {

std::size_t table_width = 0;  // set_table_width: 0 is no limit

// Columns a UTF-8 text takes (one per character; wide characters are rare in names and counted as one).
std::size_t text_columns(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(
        text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The text cut to `columns` with "..." in the middle, at character boundaries: the start and, longer, the end
// stay, as names carry their meaning at the end (an ARN's role, a binding's role).
std::string cut_to(const std::string& text, std::size_t columns) {
    const std::size_t total = text_columns(text);
    if (total <= columns || columns <= 3) {
        return total <= columns ? text : text.substr(0, columns);
    }
    const std::size_t head = (columns - 3) / 3;
    const std::size_t tail = columns - 3 - head;
    // Byte offset after `count` characters.
    const auto offset_of = [&](std::size_t count) {
        std::size_t at = 0;
        for (std::size_t seen = 0; at < text.size(); ++at) {
            if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && seen++ == count) {
                break;
            }
        }
        return at;
    };
    return text.substr(0, offset_of(head)) + "..." + text.substr(offset_of(total - tail));
}

// Columns padded to the widest cell; the last column is never padded, so lines carry no trailing blanks.
// With a table width set, the widest columns are cut until a line fits (none below 12 columns).
class Table {
  public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

    void print(std::ostream& out, std::string_view indent) const {
        std::vector<std::size_t> widths(headers_.size(), 0);
        for (std::size_t c = 0; c < headers_.size(); ++c) {
            widths[c] = text_columns(headers_[c]);
            for (const auto& row : rows_) {
                widths[c] = std::max(widths[c], text_columns(row[c]));
            }
        }
        const bool cut = fit(widths, indent.size());
        print_row(out, indent, headers_, widths);
        for (const auto& row : rows_) {
            print_row(out, indent, row, widths);
        }
        if (cut) {
            out << indent << "(cut to " << table_width << " columns; -o wide prints them whole)\n";
        }
    }

  private:
    // Narrows the widest column, a character at a time, until a line fits the table width; false when
    // nothing needed cutting.
    static bool fit(std::vector<std::size_t>& widths, std::size_t indent) {
        constexpr std::size_t kNarrowest = 12;
        bool cut = false;
        while (table_width > 0) {
            std::size_t line = indent + 2 * (widths.size() - 1);
            for (const std::size_t width : widths) {
                line += width;
            }
            // One column at a time, the widest, so that the cut columns end up equally wide.
            const auto widest = std::max_element(widths.begin(), widths.end());
            if (line <= table_width || *widest <= kNarrowest) {
                break;
            }
            --*widest;
            cut = true;
        }
        return cut;
    }

    static void print_row(std::ostream& out, std::string_view indent, const std::vector<std::string>& raw,
                          const std::vector<std::size_t>& widths) {
        std::vector<std::string> cells;
        cells.reserve(raw.size());
        for (std::size_t c = 0; c < raw.size(); ++c) {
            cells.push_back(cut_to(raw[c], widths[c]));
        }
        std::string line(indent);
        for (std::size_t c = 0; c < cells.size(); ++c) {
            line += cells[c];
            if (c + 1 < cells.size()) {
                line += std::string(widths[c] - text_columns(cells[c]) + 2, ' ');
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

// kubectl auth can-i --list prints Go's %v of each slice: "[get list]", "[]".
std::string bracketed(const std::vector<std::string>& words) {
    return fmt::format("[{}]", fmt::join(words, " "));
}

std::string join_or_dash(const std::vector<std::string>& items) {
    return items.empty() ? "" : fmt::format("{}", fmt::join(items, ", "));
}

}  // namespace

void set_table_width(std::size_t columns) {
    table_width = columns;
}

void write_can_i_text(std::ostream& out, const Graph& graph, const Identity& identity,
                      const Decision& decision, bool explain) {
    out << (decision.allowed()                           ? "yes"
            : decision.verdict == Verdict::kUndetermined ? "undetermined"
                                                         : "no")
        << '\n';
    if (decision.verdict == Verdict::kUndetermined && !explain) {
        // The cause, in one line; --explain gives the whole chain.
        out << "  reason  " << undetermined_reasons(graph, decision).front() << '\n';
    }
    if (!decision.unauthenticated.empty() && !explain) {
        out << "  reason  " << decision.unauthenticated << '\n';
    }
    // A "no" because the asker is nobody to the cluster says so: the question may name the wrong principal
    // or provider.
    if (!identity.authenticated && identity.may_be.empty() && decision.unauthenticated.empty() && !explain &&
        !identity.denial.empty()) {
        out << "  reason  does not authenticate: " << terminal_text(identity.denial) << '\n';
    }
    if (!explain) {
        return;
    }
    std::vector<ChainStep> steps = explain_identity(identity);
    for (const std::string& note : identity.notes) {
        steps.push_back({"note", note, {}});
    }
    for (const GrantMatch& grant : decision.grants) {
        const std::vector<ChainStep> more = explain_grant(graph, grant);
        steps.insert(steps.end(), more.begin(), more.end());
    }
    if (!decision.unauthenticated.empty()) {
        steps.push_back({"refused", decision.unauthenticated, {}});
    } else if (!decision.allowed() && identity.authenticated) {
        steps.push_back({"result",
                         decision.verdict == Verdict::kUndetermined
                             ? "no rule that applies and is known allows this request"
                             : "no rule of any binding or access policy that applies allows this request",
                         {}});
    }
    for (const std::string& reason : decision.reasons) {
        steps.push_back({"maybe", reason, {}});
    }
    for (const GrantMatch& grant : decision.undetermined) {
        const std::vector<ChainStep> chain = explain_grant(graph, grant);
        steps.push_back({"maybe", describe_grant(graph, grant) + " may allow it: " + grant.undetermined,
                         chain.empty() ? SourceLocation{} : chain.front().location});
    }
    write_steps(out, steps);
}

void write_what_can_text(std::ostream& out, const WhatCan& result) {
    write_identity(out, result.identity);
    if (!result.identity.authenticated && result.identity.may_be.empty()) {
        return;
    }
    out << '\n';
    if (!result.reach.empty()) {
        out << "Anonymous requests: " << result.reach << ".\n\n";
    }
    if (result.masters) {
        out << "system:masters: every request is allowed before RBAC or access policies are consulted; no "
               "binding can "
               "restrict it.\n";
        return;
    }
    // The built-in grants every authenticated user has are one line, not a table of discovery URLs.
    std::vector<PermissionRow> rows;
    std::vector<std::string> everyone;
    for (const PermissionRow& row : result.rows) {
        if (!row.everyone) {
            rows.push_back(row);
        } else if (const std::string binding =
                       row.via.substr(0, row.via.find(" -> ")).substr(row.via.find(' ') + 1);
                   std::find(everyone.begin(), everyone.end(), binding) == everyone.end()) {
            everyone.push_back(binding);
        }
    }
    std::sort(everyone.begin(), everyone.end());
    const auto write_everyone = [&] {
        if (!everyone.empty()) {
            out << (result.reach.empty()
                        ? "\nAlso, like every authenticated user: API discovery and self-reviews, through "
                          "the "
                          "built-in bindings "
                        : "\nAlso, like every caller: the health endpoints /healthz, /livez and /readyz, "
                          "through the built-in bindings ")
                << fmt::format("{}", fmt::join(everyone, ", ")) << " (-o json lists them).\n";
        }
    };
    // Grants known only in part: their stated rules are among the rows, and the rest is undetermined.
    const auto write_unexpanded = [&](bool after_rows) {
        if (result.unexpanded.empty()) {
            return;
        }
        out << (after_rows
                    ? "\nGrants rbacgraph cannot fully expand: beyond the rows above, what they allow is "
                      "undetermined\n"
                    : "No permissions rbacgraph can list; what these grants allow is undetermined:\n");
        Table table({"GRANT", "SCOPE", "KNOWN"});
        for (const UnexpandedGrant& grant : result.unexpanded) {
            table.add(
                {with_location(grant.via, grant.location),
                 grant.namespaces.empty() ? "cluster" : fmt::format("{}", fmt::join(grant.namespaces, ", ")),
                 grant.lower_bound ? "what AWS's prose names" : "nothing"});
        }
        table.print(out, "  ");
    };
    if (!result.cluster_admin_via.empty()) {
        for (const std::string& via : result.cluster_admin_via) {
            out << "Full cluster admin (every verb on every resource in every namespace) via " << via << "\n";
        }
        const auto others = std::count_if(rows.begin(), rows.end(), [&](const PermissionRow& row) {
            return std::find(result.cluster_admin_via.begin(), result.cluster_admin_via.end(), row.via) ==
                   result.cluster_admin_via.end();
        });
        out << "Every other grant (" << others << " rows) is subsumed by this; -o json lists them all.\n";
        return;
    }
    if (rows.empty() && !result.unexpanded.empty()) {
        write_unexpanded(false);
        write_everyone();
        return;
    }
    if (rows.empty() && !everyone.empty()) {
        out << "No permissions beyond what every authenticated user has: API discovery and self-reviews, "
               "through "
               "the built-in bindings "
            << fmt::format("{}", fmt::join(everyone, ", ")) << " (-o json lists them).\n";
        return;
    }
    if (rows.empty()) {
        out << "No permissions: no binding or access policy applies (beyond any the API server grants to "
               "everyone "
               "outside RBAC).\n";
        return;
    }
    std::size_t start = 0;
    bool first = true;
    while (start < rows.size()) {
        const PermissionRow& head = rows[start];
        std::size_t end = start;
        while (end < rows.size() && rows[end].scope == head.scope && rows[end].ns == head.ns) {
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
            const PermissionRow& row = rows[i];
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
    write_unexpanded(true);
    write_everyone();
}

void write_who_can_text(std::ostream& out, const Graph& graph, const WhoCan& result) {
    out << "Who can " << result.request.display() << "\n\n";
    const auto maybe_principals = static_cast<std::size_t>(
        std::count_if(result.principals.begin(), result.principals.end(),
                      [](const WhoCanPrincipal& principal) { return principal.undetermined; }));
    const auto write_principals = [&](bool undetermined) {
        Table table({"ARN", "USERNAME", "MAPPED BY", "VIA"});
        for (const WhoCanPrincipal& principal : result.principals) {
            if (principal.undetermined != undetermined) {
                continue;
            }
            std::string via = describe_grant(graph, principal.grant);
            if (undetermined && !principal.grant.undetermined.empty()) {
                via += " (undetermined: " + principal.grant.undetermined + ")";
            }
            table.add({principal.identity.arn, principal.identity.username.display(),
                       std::string(to_string(principal.identity.source)), via});
        }
        table.print(out, "  ");
    };
    out << "IAM principals (" << result.principals.size() - maybe_principals << ")\n";
    if (result.principals.size() == maybe_principals) {
        out << "  none of the mapped principals\n";
    } else {
        write_principals(false);
    }
    if (maybe_principals > 0) {
        out << "\nIAM principals that may be allowed: the input cannot decide (" << maybe_principals << ")\n";
        write_principals(true);
    }
    // The subjects of the export's bindings, then those of the built-in bootstrap bindings, then those that
    // may be allowed.
    const auto builtin = [](const WhoCanSubject& subject) {
        return subject.location.origin == Origin::kBuiltin;
    };
    const auto write_subjects = [&](std::string_view title, std::string_view after, bool always,
                                    auto&& wanted) {
        Table table({"KIND", "NAME", "VIA"});
        std::size_t count = 0;
        for (const WhoCanSubject& subject : result.subjects) {
            if (!wanted(subject)) {
                continue;
            }
            ++count;
            const std::string name = subject.subject.kind == "ServiceAccount"
                                         ? subject.subject.ns + "/" + subject.subject.name
                                         : subject.subject.name;
            table.add({subject.subject.kind, name, with_location(subject.via, subject.location)});
        }
        if (count > 0 || always) {
            out << "\n" << title << " (" << count << ")" << after << "\n";
            table.print(out, "  ");
        }
    };
    write_subjects("Kubernetes subjects", "", true,
                   [&](const WhoCanSubject& subject) { return !subject.undetermined && !builtin(subject); });
    write_subjects("Built-in subjects", ": the bootstrap policy every cluster has, not in the export", false,
                   [&](const WhoCanSubject& subject) { return !subject.undetermined && builtin(subject); });
    write_subjects("Kubernetes subjects that may be allowed", ": the input cannot decide", false,
                   [&](const WhoCanSubject& subject) { return subject.undetermined; });
    // Users and groups an OIDC identity provider's tokens can be: who, in the IdP, holds this access.
    Table oidc_table({"KIND", "NAME", "OIDC IDENTITY PROVIDER CLAIM"});
    std::size_t oidc_count = 0;
    for (const WhoCanSubject& subject : result.subjects) {
        for (const std::string& origin : subject.oidc) {
            oidc_table.add({subject.subject.kind, subject.subject.name, origin});
            ++oidc_count;
        }
    }
    if (oidc_count > 0) {
        out << "\nOf these, users and groups of OIDC identity providers (" << oidc_count << ")\n";
        oidc_table.print(out, "  ");
    }
    if (!result.refused.empty()) {
        out << "\nBound, but refused before authorization (" << result.refused.size() << ")\n";
        Table table({"KIND", "NAME", "VIA"});
        for (const WhoCanSubject& subject : result.refused) {
            table.add(
                {subject.subject.kind, subject.subject.name, with_location(subject.via, subject.location)});
        }
        table.print(out, "  ");
    }
    if (!result.anonymous_reach.empty()) {
        out << "\nAnonymous requests: " << result.anonymous_reach << ".\n";
    }
    if (!result.for_names.empty()) {
        out << "\nAllowed only for the names listed (resourceNames) (" << result.for_names.size() << ")\n";
        Table table({"WHO", "NAMES", "VIA"});
        for (const WhoCanForNames& holder : result.for_names) {
            std::string who;
            if (holder.principal) {
                who = holder.principal->arn;
            } else {
                who = holder.subject->kind + " " +
                      (holder.subject->kind == "ServiceAccount" ? holder.subject->ns + "/" : "") +
                      holder.subject->name;
            }
            table.add({who, fmt::format("{}", fmt::join(holder.names, ", ")),
                       with_location(holder.via, holder.location)});
        }
        table.print(out, "  ");
    }
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
    std::string line = fmt::format("loaded {} file{}", summary.files, summary.files == 1 ? "" : "s");
    if (summary.excluded > 0) {
        line += fmt::format(" ({} left out by exclude globs)", summary.excluded);
    }
    line += fmt::format(", {} document{}: {} used", summary.documents, summary.documents == 1 ? "" : "s",
                        summary.used);
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

void write_rules_list_text(std::ostream& out, const WhatCan& result, const RulesInNamespace& listed) {
    if (!result.identity.authenticated) {
        write_identity(out, result.identity);  // why there is nothing to list, or what it may be
        if (result.identity.may_be.empty()) {
            return;
        }
        out << '\n';
    }
    Table table({"Resources", "Non-Resource URLs", "Resource Names", "Verbs"});
    bool undetermined = false;
    for (const ListedRule& rule : listed.rules) {
        undetermined = undetermined || rule.undetermined;
        table.add({rule.resource, rule.resource.empty() ? bracketed({rule.non_resource_url}) : "[]",
                   bracketed(rule.resource_names),
                   bracketed(rule.verbs) + (rule.undetermined ? " (undetermined)" : "")});
    }
    table.print(out, "");
    if (listed.masters) {
        out << "\nsystem:masters: every request is allowed before RBAC or access policies are consulted.\n";
    }
    if (!result.reach.empty()) {
        out << "\nAnonymous requests: " << result.reach << ".\n";
    } else if (undetermined) {
        out << "\n(undetermined): the grant hinges on what the input cannot decide; what-can says why.\n";
    }
    if (!listed.unexpanded.empty()) {
        out << "\nGrants rbacgraph cannot fully expand; beyond the lines above, what they allow is "
               "undetermined:\n";
        for (const UnexpandedGrant& grant : listed.unexpanded) {
            out << "  " << with_location(grant.via, grant.location) << '\n';
        }
    }
}

nlohmann::json rules_list_json(const WhatCan& result, const RulesInNamespace& listed) {
    nlohmann::json rules = nlohmann::json::array();
    for (const ListedRule& rule : listed.rules) {
        nlohmann::json item;
        if (rule.resource.empty()) {
            item["nonResourceURL"] = rule.non_resource_url;
        } else {
            item["resource"] = rule.resource;
        }
        item["resourceNames"] = rule.resource_names;
        item["verbs"] = rule.verbs;
        item["undetermined"] = rule.undetermined;
        item["via"] = rule.via;
        rules.push_back(std::move(item));
    }
    nlohmann::json unexpanded = nlohmann::json::array();
    for (const UnexpandedGrant& grant : listed.unexpanded) {
        unexpanded.push_back({{"via", grant.via}, {"lowerBound", grant.lower_bound}});
    }
    nlohmann::json out = {
        {"identity", identity_json(result.identity)},
        {"namespace", listed.ns.empty() ? nlohmann::json(nullptr) : nlohmann::json(listed.ns)},
        {"systemMasters", listed.masters},
        {"rules", rules},
        {"unexpanded", unexpanded}};
    if (!result.reach.empty()) {
        out["anonymousReach"] = result.reach;
    }
    return out;
}

}  // namespace rbacgraph
