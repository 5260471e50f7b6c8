#include <fmt/format.h>

#include <set>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG303", "unbound-group", "lint", RiskSeverity::kInfo,
                         "A mapped group no binding uses, or a bound group nothing maps (dead grants)"};

// Groups that carry meaning without any binding in the export.
bool system_group(std::string_view group) {
    return group.starts_with("system:") || group.starts_with("eks:");
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    if (!context.source().aws_auth && graph.access_entries().empty()) {
        return;  // groups may come from another authenticator: nothing to compare with
    }
    std::set<std::string> mapped_groups;
    auto mapped_group = [&](const std::string& group, auto&& make_finding) {
        if (group.find("{{") != std::string::npos) {
            return;  // templated: compared per session by the authorizer, not here
        }
        mapped_groups.insert(group);
        if (!system_group(group) && context.grants().held_by(HolderKind::kGroup, group).empty()) {
            out.push_back(make_finding(group));
        }
    };
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, in_force] : *mappings) {
            const AwsAuthEntry* entry =
                in_force;  // clang 14 cannot capture structured bindings (P1091R3 came in clang 16)
            for (const std::string& group : entry->groups) {
                mapped_group(group, [&](const std::string& name) {
                    Finding finding = context.finding_for(
                        *entry,
                        fmt::format(
                            "{} is mapped to group '{}', which no binding in the export names: "
                            "the group grants nothing (a typo, or a binding missing from the export?)",
                            entry->arn, name));
                    finding.key += "|" + name;
                    return finding;
                });
            }
        }
    }
    for (const auto& [key, access] : graph.access_entries()) {
        const AccessEntry* entry = access;
        for (const std::string& group : entry->kubernetes_groups) {
            mapped_group(group, [&](const std::string& name) {
                Finding finding = context.finding_for(
                    *entry,
                    fmt::format("access entry of {} has kubernetesGroups '{}', which no binding in the "
                                "export names: it grants nothing",
                                entry->principal_arn, name));
                finding.key = name;
                return finding;
            });
        }
    }
    for (const auto& [group, rows] : context.grants().holders(HolderKind::kGroup)) {
        if (system_group(group) || mapped_groups.contains(group)) {
            continue;
        }
        const Binding& binding = *context.grants().grant(rows.front()).binding;
        Finding finding = context.finding_for(binding, "");
        finding.subjects = {"Group " + group};
        finding.key = group;
        finding.message = fmt::format(
            "Group {} is bound by {}{} but no aws-auth entry or access entry maps an "
            "ARN to it: the grant is dead (or the group comes from another "
            "authenticator)",
            group, binding.display(),
            rows.size() > 1 ? fmt::format(" and {} other bindings", rows.size() - 1) : "");
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule unbound_group{kInfo, &check};

}  // namespace rbacgraph::rules
