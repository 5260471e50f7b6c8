// rbacgraph usage output (docs/usage.md): granted against used as text, JSON and Markdown, and the suggested
// roles as YAML kubectl applies. Every string from a log is the log writer's: escaped for each medium.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <ostream>
#include <set>
#include <string>
#include <tuple>

#include "rbacgraph/output_text.hpp"
#include "rbacgraph/report.hpp"
#include "rbacgraph/usage.hpp"

namespace rbacgraph {
namespace {

std::string count_text(std::size_t count, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", count, count == 1 ? one : many);
}

std::string window_text(const AuditReadStats& stats) {
    if (!stats.first) {
        return "no request";
    }
    return fmt::format("{} to {}", format_rfc3339(*stats.first), format_rfc3339(*stats.last));
}

std::string verdict_note(const UsedRequest& used, bool allowed) {
    if (!allowed) {
        return used.verdict == Verdict::kAllowed ? "  [the export allows it]" : "";
    }
    if (!used.decided_by.empty() && used.decided_by != "RBAC" && used.decided_by != "EKS access policy") {
        return "  by " + used.decided_by;
    }
    if (used.verdict == Verdict::kUndetermined) {
        return "  [the export cannot decide it]";
    }
    if (used.verdict == Verdict::kDenied) {
        return "  [the export does not allow it]";
    }
    return used.via.empty()
               ? std::string()
               : "  via " + used.via.front() +
                     (used.via.size() > 1 ? fmt::format(" (+{} more)", used.via.size() - 1) : "");
}

std::size_t rules_used(const GrantUse& grant) {
    return static_cast<std::size_t>(std::count(grant.rules_used.begin(), grant.rules_used.end(), true));
}

// Requests of one caller grouped as RBAC rules: one line per (resource or URL, namespace, named or not, how
// it was decided), its verbs and names merged, so that a log with thousands of object names reads as rules.
struct RequestGroup {
    const UsedRequest* first = nullptr;
    std::set<std::string> verbs;
    std::set<std::string> names;
    bool more_names = false;  ///< more names than the log keeps
    std::size_t count = 0;
    std::size_t dry_run = 0;
    std::int64_t last = 0;
};

constexpr std::size_t kNamesShown = 5;
constexpr std::size_t kNamesInJson = 50;

std::vector<RequestGroup> group_requests(const std::vector<UsedRequest>& requests, bool allowed) {
    std::map<std::tuple<bool, bool, std::string, std::string, std::string, std::string, std::string, bool,
                        std::string, std::string>,
             RequestGroup>
        groups;
    for (const UsedRequest& used : requests) {
        const Request& request = used.request;
        RequestGroup& group =
            groups[{used.impersonation, request.non_resource, request.ns, request.api_group, request.resource,
                    request.subresource, request.path, request.name.empty(), verdict_note(used, allowed),
                    used.via.empty() ? std::string() : used.via.front()}];
        if (group.first == nullptr) {
            group.first = &used;
        }
        group.verbs.insert(request.verb);
        group.names.insert(used.names.begin(), used.names.end());
        group.more_names = group.more_names || used.more_names;
        group.count += used.count;
        group.dry_run += used.dry_run;
        group.last = std::max(group.last, used.last);
    }
    std::vector<RequestGroup> out;
    out.reserve(groups.size());
    for (auto& [key, group] : groups) {
        out.push_back(std::move(group));
    }
    return out;
}

std::string group_line(const RequestGroup& group, bool allowed) {
    const Request& request = group.first->request;
    std::string line = group.first->impersonation ? "(to impersonate) " : "";
    line += fmt::format("{}", fmt::join(group.verbs, ", "));
    if (request.non_resource) {
        line += " " + request.path;
    } else {
        line += " " + request.resource + (request.api_group.empty() ? "" : "." + request.api_group) +
                (request.subresource.empty() ? "" : "/" + request.subresource);
        std::size_t shown = 0;
        for (const std::string& name : group.names) {
            if (shown == kNamesShown) {
                break;
            }
            line += (shown++ == 0 ? " " : ", ") + name;
        }
        if (group.names.size() > kNamesShown) {
            line += fmt::format(" (+{}{} more names)", group.names.size() - kNamesShown,
                                group.more_names ? "+" : "");
        }
        line += request.ns.empty() ? " (cluster scope)" : " -n " + request.ns;
    }
    if (group.count != 1) {
        line += fmt::format(" x{}", group.count);
    }
    if (group.dry_run != 0) {
        line += fmt::format(" ({} dry run)", group.dry_run);
    }
    return line + verdict_note(*group.first, allowed);
}

nlohmann::json group_json(const RequestGroup& group) {
    const UsedRequest& used = *group.first;
    const Request& request = used.request;
    nlohmann::json out = {{"verbs", group.verbs}};
    if (request.non_resource) {
        out["path"] = request.path;
    } else {
        out["apiGroup"] = request.api_group;
        out["resource"] = request.resource;
        if (!request.subresource.empty()) {
            out["subresource"] = request.subresource;
        }
        out["namespace"] = request.ns;
        std::vector<std::string> names;
        for (const std::string& name : group.names) {
            if (names.size() == kNamesInJson) {
                break;
            }
            names.push_back(name);
        }
        out["names"] = names;
        out["moreNames"] = group.names.size() - names.size();
        if (group.more_names) {
            out["namesCapped"] = true;  // more names were seen than the log keeps (UsageLog::kMaxNames)
        }
    }
    out["count"] = group.count;
    out["last"] = format_rfc3339(group.last);
    out["export"] = std::string(to_string(used.verdict));
    out["via"] = used.via;
    if (!used.decided_by.empty()) {
        out["decidedBy"] = used.decided_by;
    }
    if (group.dry_run != 0) {
        out["dryRun"] = group.dry_run;
    }
    if (used.impersonation) {
        out["impersonation"] = true;
    }
    return out;
}

nlohmann::json rule_json(const PolicyRule& rule) {
    nlohmann::json out = nlohmann::json::object();
    if (!rule.non_resource_urls.empty()) {
        out["nonResourceURLs"] = rule.non_resource_urls;
    } else {
        out["apiGroups"] = rule.api_groups;
        out["resources"] = rule.resources;
        if (!rule.resource_names.empty()) {
            out["resourceNames"] = rule.resource_names;
        }
    }
    out["verbs"] = rule.verbs;
    return out;
}

nlohmann::json suggestion_json(const RoleSuggestion& suggestion) {
    nlohmann::json roles = nlohmann::json::array();
    for (const Role& role : suggestion.roles) {
        nlohmann::json rules = nlohmann::json::array();
        for (const PolicyRule& rule : role.rules) {
            rules.push_back(rule_json(rule));
        }
        roles.push_back({{"kind", role.cluster_scoped ? "ClusterRole" : "Role"},
                         {"name", role.name},
                         {"namespace", role.ns},
                         {"rules", rules}});
    }
    return {{"caller", suggestion.caller},
            {"roles", roles},
            {"mappingChange", suggestion.mapping_change},
            {"removes", suggestion.removes},
            {"alreadyAllowed", suggestion.already_allowed},
            {"widened", suggestion.widened},
            {"verified", suggestion.verified},
            {"failures", suggestion.failures}};
}

void write_yaml_list(std::ostream& out, std::string_view key, const std::vector<std::string>& values,
                     std::string_view indent) {
    out << indent << key << ": [";
    for (std::size_t i = 0; i < values.size(); ++i) {
        out << (i == 0 ? "" : ", ") << json_text(values[i]);
    }
    out << "]\n";
}

void write_comment(std::ostream& out, std::string_view text) {
    // A comment is one line: a line break in a name from the log must not end it.
    std::string line;
    for (const char c : terminal_text(text)) {
        line += (c == '\n' || c == '\r') ? ' ' : c;
    }
    out << "# " << line << '\n';
}

}  // namespace

void write_usage_text(std::ostream& out, const UsageReport& report,
                      const std::vector<RoleSuggestion>* suggestions) {
    const AuditReadStats& stats = report.stats;
    out << fmt::format("Audit log: {} ({} allowed, {} refused), {}, from {}\n",
                       count_text(stats.requests, "request", "requests"), stats.allowed, stats.forbidden,
                       window_text(stats), count_text(stats.files, "file", "files"));
    out << fmt::format(
        "  not counted: {} RequestReceived, {} later stages of a request counted once, {} "
        "duplicates, {} without identity (401), {} without a decision, {} unreadable\n",
        stats.request_received, stats.stages_merged, stats.duplicates, stats.unauthenticated,
        stats.no_decision, stats.invalid);
    if (!stats.levels.empty()) {
        std::vector<std::string> levels;
        for (const auto& [level, count] : stats.levels) {
            levels.push_back(fmt::format("{} {}", terminal_text(level), count));
        }
        out << "  levels: " << fmt::format("{}", fmt::join(levels, ", ")) << '\n';
    }
    if (report.gaps.empty()) {
        out << "  gaps: none (every hour of the window holds a request)\n";
    } else {
        for (const auto& [from, to] : report.gaps) {
            out << fmt::format("  gap: no request from {} to {}\n", format_rfc3339(from), format_rfc3339(to));
        }
    }
    if (report.cloudtrail_records != 0) {
        out << fmt::format("CloudTrail: {}, {}\n", count_text(report.cloudtrail_records, "record", "records"),
                           count_text(report.role_assumptions, "role assumption", "role assumptions"));
        for (const std::string& refused : report.refused_assumptions) {
            out << "  refused: " << terminal_text(refused) << '\n';
        }
    }
    if (!report.findings.empty()) {
        out << fmt::format("\nWhat the export does not explain ({})\n",
                           report.findings.size() + report.findings_omitted);
        for (const UsageFinding& finding : report.findings) {
            out << "  " << finding.kind << "  " << terminal_text(finding.caller) << ": "
                << terminal_text(finding.message) << " (" << terminal_text(format_location(finding.location))
                << ")\n";
        }
        if (report.findings_omitted != 0) {
            out << fmt::format(
                "  ... and {} more of the same kinds (the first 10 of each kind per caller are "
                "shown)\n",
                report.findings_omitted);
        }
    }
    for (const CallerUsage& caller : report.callers) {
        out << '\n' << terminal_text(caller.username);
        if (!caller.arn.empty()) {
            out << "  " << terminal_text(caller.arn);
        }
        out << "  (" << caller.kind << (caller.admin ? ", cluster admin" : "") << ")\n";
        if (!caller.mapping.empty()) {
            out << "  mapping: " << terminal_text(caller.mapping) << '\n';
        }
        out << "  groups: " << terminal_text(fmt::format("{}", fmt::join(caller.groups, ", "))) << '\n';
        if (!caller.sessions.empty()) {
            out << "  sessions: " << terminal_text(fmt::format("{}", fmt::join(caller.sessions, ", ")))
                << '\n';
        }
        for (const std::string& route : caller.assumed_via) {
            out << "  assumed: " << terminal_text(route) << '\n';
        }
        out << fmt::format("  used: {}\n",
                           count_text(caller.allowed.size(), "distinct request", "distinct requests"));
        for (const RequestGroup& group : group_requests(caller.allowed, true)) {
            out << "    " << terminal_text(group_line(group, true)) << '\n';
        }
        if (!caller.forbidden.empty()) {
            out << fmt::format("  refused: {}\n",
                               count_text(caller.forbidden.size(), "distinct request", "distinct requests"));
            for (const RequestGroup& group : group_requests(caller.forbidden, false)) {
                out << "    " << terminal_text(group_line(group, false)) << '\n';
            }
        }
        if (caller.node) {
            out << "  grants: the Node authorizer decides for nodes; their RBAC grants are not compared\n";
        } else if (std::any_of(caller.grants.begin(), caller.grants.end(),
                               [](const GrantUse& grant) { return grant.requests != 0 || !grant.builtin; })) {
            out << "  grants:\n";
            for (const GrantUse& grant : caller.grants) {
                if (grant.requests == 0 && grant.builtin) {
                    continue;  // Kubernetes' own, which every caller of its kind holds
                }
                if (grant.requests == 0) {
                    out << "    unused  " << terminal_text(grant.via)
                        << (grant.cluster_admin ? " (cluster admin)" : "") << '\n';
                } else {
                    out << fmt::format("    used    {}: {} of {} rules, {}, last {}\n",
                                       terminal_text(grant.via), rules_used(grant), grant.rules_used.size(),
                                       count_text(grant.requests, "request", "requests"),
                                       format_rfc3339(*grant.last));
                }
            }
        }
        for (const std::string& note : caller.notes) {
            out << "  note: " << terminal_text(note) << '\n';
        }
    }
    if (!report.idle_principals.empty()) {
        out << "\nMapped principals with no request in the window\n";
        for (const IdlePrincipal& idle : report.idle_principals) {
            out << "  " << terminal_text(idle.arn) << (idle.admin ? "  holds cluster admin" : "") << "  ("
                << terminal_text(idle.mapping) << ", " << terminal_text(format_location(idle.location))
                << ")\n";
        }
    }
    out << fmt::format(
        "\nBindings and access policies that served no request: {} of the export's, {} built in\n",
        report.idle_sources.size(), report.idle_builtin);
    for (const IdleSource& idle : report.idle_sources) {
        out << "  " << terminal_text(idle.via) << (idle.cluster_admin ? "  (cluster admin)" : "") << "  ("
            << terminal_text(format_location(idle.location)) << ")\n";
    }
    if (suggestions != nullptr) {
        out << fmt::format("\nLeast-privilege roles ({}; -o yaml writes them for kubectl apply)\n",
                           suggestions->size());
        for (const RoleSuggestion& suggestion : *suggestions) {
            out << "  " << terminal_text(suggestion.caller)
                << fmt::format(": {} roles, {} of {} used requests allowed", suggestion.roles.size(),
                               suggestion.verified, suggestion.verified + suggestion.failures.size())
                << '\n';
            for (const Role& role : suggestion.roles) {
                out << "    " << terminal_text(role.display()) << '\n';
                for (const PolicyRule& rule : role.rules) {
                    out << "      " << terminal_text(describe_rule(rule)) << '\n';
                }
            }
            for (const std::string& change : suggestion.mapping_change) {
                out << "    change: " << terminal_text(change) << '\n';
            }
            for (const std::string& removed : suggestion.removes) {
                out << "    removes: " << terminal_text(removed) << '\n';
            }
            for (const std::string& widened : suggestion.widened) {
                out << "    widened: " << terminal_text(widened) << '\n';
            }
            for (const std::string& failure : suggestion.failures) {
                out << "    NOT ALLOWED by the suggestion: " << terminal_text(failure) << '\n';
            }
        }
    }
    out << "\nWhat absence of use does not prove\n";
    for (const std::string& caveat : report.caveats) {
        out << "  - " << caveat << '\n';
    }
}

nlohmann::json usage_json(const UsageReport& report, const std::vector<RoleSuggestion>* suggestions) {
    const AuditReadStats& stats = report.stats;
    nlohmann::json levels = nlohmann::json::object();
    for (const auto& [level, count] : stats.levels) {
        levels[level] = count;
    }
    nlohmann::json gaps = nlohmann::json::array();
    for (const auto& [from, to] : report.gaps) {
        gaps.push_back({{"from", format_rfc3339(from)}, {"to", format_rfc3339(to)}});
    }
    nlohmann::json out = {
        {"window",
         {{"first", stats.first ? nlohmann::json(format_rfc3339(*stats.first)) : nlohmann::json()},
          {"last", stats.last ? nlohmann::json(format_rfc3339(*stats.last)) : nlohmann::json()},
          {"gaps", gaps}}},
        {"read",
         {{"files", stats.files},
          {"events", stats.events},
          {"requests", stats.requests},
          {"allowed", stats.allowed},
          {"forbidden", stats.forbidden},
          {"requestReceived", stats.request_received},
          {"stagesMerged", stats.stages_merged},
          {"duplicates", stats.duplicates},
          {"unauthenticated", stats.unauthenticated},
          {"noDecision", stats.no_decision},
          {"unreadable", stats.invalid},
          {"dryRun", stats.dry_run},
          {"levels", levels}}},
        {"cloudtrail",
         {{"records", report.cloudtrail_records},
          {"roleAssumptions", report.role_assumptions},
          {"refused", report.refused_assumptions}}},
    };
    nlohmann::json findings = nlohmann::json::array();
    for (const UsageFinding& finding : report.findings) {
        findings.push_back({{"kind", finding.kind},
                            {"caller", finding.caller},
                            {"message", finding.message},
                            {"location", format_location(finding.location)}});
    }
    out["findings"] = findings;
    out["findingsOmitted"] = report.findings_omitted;
    nlohmann::json callers = nlohmann::json::array();
    for (const CallerUsage& caller : report.callers) {
        nlohmann::json allowed = nlohmann::json::array();
        for (const RequestGroup& group : group_requests(caller.allowed, true)) {
            allowed.push_back(group_json(group));
        }
        nlohmann::json refused = nlohmann::json::array();
        for (const RequestGroup& group : group_requests(caller.forbidden, false)) {
            refused.push_back(group_json(group));
        }
        nlohmann::json grants = nlohmann::json::array();
        for (const GrantUse& grant : caller.grants) {
            grants.push_back(
                {{"via", grant.via},
                 {"location", format_location(grant.location)},
                 {"requests", grant.requests},
                 {"last", grant.last ? nlohmann::json(format_rfc3339(*grant.last)) : nlohmann::json()},
                 {"rules", grant.rules_used.size()},
                 {"rulesUsed", rules_used(grant)},
                 {"clusterAdmin", grant.cluster_admin},
                 {"builtin", grant.builtin}});
        }
        callers.push_back({{"username", caller.username},
                           {"kind", caller.kind},
                           {"arn", caller.arn},
                           {"groups", caller.groups},
                           {"sessions", caller.sessions},
                           {"mapping", caller.mapping},
                           {"admin", caller.admin},
                           {"node", caller.node},
                           {"allowed", allowed},
                           {"refused", refused},
                           {"grants", grants},
                           {"assumedVia", caller.assumed_via},
                           {"notes", caller.notes}});
    }
    out["callers"] = callers;
    nlohmann::json idle = nlohmann::json::array();
    for (const IdlePrincipal& principal : report.idle_principals) {
        idle.push_back({{"arn", principal.arn},
                        {"mapping", principal.mapping},
                        {"location", format_location(principal.location)},
                        {"admin", principal.admin}});
    }
    out["idlePrincipals"] = idle;
    nlohmann::json sources = nlohmann::json::array();
    for (const IdleSource& source : report.idle_sources) {
        sources.push_back({{"via", source.via},
                           {"location", format_location(source.location)},
                           {"clusterAdmin", source.cluster_admin}});
    }
    out["idleSources"] = sources;
    out["idleBuiltin"] = report.idle_builtin;
    if (suggestions != nullptr) {
        nlohmann::json list = nlohmann::json::array();
        for (const RoleSuggestion& suggestion : *suggestions) {
            list.push_back(suggestion_json(suggestion));
        }
        out["suggestions"] = list;
    }
    out["caveats"] = report.caveats;
    return out;
}

void write_usage_markdown(std::ostream& out, const UsageReport& report,
                          const std::vector<RoleSuggestion>* suggestions) {
    const AuditReadStats& stats = report.stats;
    out << "### rbacgraph usage\n\n";
    out << fmt::format("{} ({} allowed, {} refused), {}.\n\n",
                       count_text(stats.requests, "request", "requests"), stats.allowed, stats.forbidden,
                       window_text(stats));
    if (!report.findings.empty()) {
        out << fmt::format("**The export does not explain {}:**\n\n",
                           count_text(report.findings.size(), "thing the log shows", "things the log shows"));
        for (const UsageFinding& finding : report.findings) {
            out << "- `" << finding.kind << "` " << markdown_text(finding.caller) << ": "
                << markdown_text(finding.message) << '\n';
        }
        out << '\n';
    }
    out << "| caller | kind | used | refused | grants used | cluster admin |\n|---|---|---:|---:|---:|---|\n";
    for (const CallerUsage& caller : report.callers) {
        const auto used = std::count_if(caller.grants.begin(), caller.grants.end(),
                                        [](const GrantUse& grant) { return grant.requests != 0; });
        out << "| " << markdown_text(caller.username) << " | " << caller.kind << " | "
            << caller.allowed.size() << " | " << caller.forbidden.size() << " | "
            << (caller.node ? std::string("(Node authorizer)")
                            : fmt::format("{} of {}", used, caller.grants.size()))
            << " | " << (caller.admin ? "yes" : "") << " |\n";
    }
    if (!report.idle_principals.empty()) {
        out << "\n**Mapped principals with no request in the window:**\n\n";
        for (const IdlePrincipal& idle : report.idle_principals) {
            out << "- " << markdown_text(idle.arn) << (idle.admin ? " (holds cluster admin)" : "") << '\n';
        }
    }
    if (suggestions != nullptr && !suggestions->empty()) {
        out << "\n**Least-privilege roles:**\n\n";
        for (const RoleSuggestion& suggestion : *suggestions) {
            out << fmt::format("- {}: {} roles, {} of {} used requests allowed\n",
                               markdown_text(suggestion.caller), suggestion.roles.size(), suggestion.verified,
                               suggestion.verified + suggestion.failures.size());
        }
    }
    out << "\n<details><summary>What absence of use does not prove</summary>\n\n";
    for (const std::string& caveat : report.caveats) {
        out << "- " << caveat << '\n';
    }
    out << "\n</details>\n";
}

void write_suggestions_yaml(std::ostream& out, const std::vector<RoleSuggestion>& suggestions) {
    bool first = true;
    for (const RoleSuggestion& suggestion : suggestions) {
        out << (first ? "" : "---\n");
        first = false;
        write_comment(out,
                      fmt::format("{}: {} of {} used requests allowed by these roles (checked by rbacgraph's "
                                  "grant table)",
                                  suggestion.caller, suggestion.verified,
                                  suggestion.verified + suggestion.failures.size()));
        for (const std::string& change : suggestion.mapping_change) {
            write_comment(out, "change: " + change);
        }
        for (const std::string& removed : suggestion.removes) {
            write_comment(out, "removes: " + removed);
        }
        for (const std::string& widened : suggestion.widened) {
            write_comment(out, "widened: " + widened);
        }
        for (const std::string& failure : suggestion.failures) {
            write_comment(out, "NOT ALLOWED by these roles: " + failure);
        }
        for (std::size_t i = 0; i < suggestion.roles.size(); ++i) {
            const Role& role = suggestion.roles[i];
            const Binding& binding = suggestion.bindings[i];
            out << (i == 0 ? "" : "---\n");
            out << "apiVersion: rbac.authorization.k8s.io/v1\nkind: "
                << (role.cluster_scoped ? "ClusterRole" : "Role")
                << "\nmetadata:\n  name: " << json_text(role.name) << '\n';
            if (!role.cluster_scoped) {
                out << "  namespace: " << json_text(role.ns) << '\n';
            }
            out << "rules:\n";
            for (const PolicyRule& rule : role.rules) {
                if (!rule.non_resource_urls.empty()) {
                    write_yaml_list(out, "- nonResourceURLs", rule.non_resource_urls, "");
                } else {
                    write_yaml_list(out, "- apiGroups", rule.api_groups, "");
                    write_yaml_list(out, "resources", rule.resources, "  ");
                    if (!rule.resource_names.empty()) {
                        write_yaml_list(out, "resourceNames", rule.resource_names, "  ");
                    }
                }
                write_yaml_list(out, "verbs", rule.verbs, "  ");
            }
            out << "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
                << (binding.cluster_scoped ? "ClusterRoleBinding" : "RoleBinding")
                << "\nmetadata:\n  name: " << json_text(binding.name) << '\n';
            if (!binding.cluster_scoped) {
                out << "  namespace: " << json_text(binding.ns) << '\n';
            }
            out << "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: " << binding.role_ref.kind
                << "\n  name: " << json_text(binding.role_ref.name) << "\nsubjects:\n";
            for (const Subject& subject : binding.subjects) {
                out << "- kind: " << subject.kind << "\n  name: " << json_text(subject.name) << '\n';
                if (!subject.api_group.empty()) {
                    out << "  apiGroup: " << subject.api_group << '\n';
                }
                if (!subject.ns.empty()) {
                    out << "  namespace: " << json_text(subject.ns) << '\n';
                }
            }
        }
    }
}

}  // namespace rbacgraph
