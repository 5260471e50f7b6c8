#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG101", "system-masters-mapping", "eks", RiskSeverity::kCritical,
                         "An aws-auth entry or access entry puts an IAM ARN in system:masters"};

bool names_masters(const std::vector<std::string>& groups) {
    return std::find(groups.begin(), groups.end(), "system:masters") != groups.end();
}

// An entry in force is cluster admin; one that is not is a dormant admin mapping, reported with what would
// bring it back (the next person to "fix" it makes an admin): medium, or low when nothing can (API mode, an
// impossible name).
Finding masters_entry_finding(const CheckContext& context, const AwsAuthEntry& entry) {
    const AwsAuthEntryStatus status = aws_auth_entry_status(context.graph(), entry);
    if (status.state == AwsAuthEntryStatus::State::kInForce) {
        return context.finding_for(entry, entry.arn +
                                              " is mapped into group system:masters: it is cluster admin "
                                              "through the authorizer's privileged group, before and beyond "
                                              "any RBAC rule, and no RBAC change can take that away");
    }
    const bool shadowed = status.state == AwsAuthEntryStatus::State::kShadowed;
    Finding finding = context.finding_for(
        entry,
        fmt::format(
            "dormant admin mapping: {} is mapped into group system:masters, but this entry {} ({}); {}",
            entry.arn, shadowed ? "is not used" : "never matches", status.reason,
            status.revival.empty()
                ? "it grants nothing here: delete it rather than leave an admin mapping to be copied"
                : status.revival + " makes it cluster admin: delete this entry, or map a group bound to what "
                                   "it needs"));
    finding.severity = status.revival.empty() ? RiskSeverity::kLow : RiskSeverity::kMedium;
    finding.key = "dormant";
    return finding;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            // A mapUsers entry whose ARN mapRoles also holds loses to it: duplicate-mapping reports that.
            if (names_masters(entry->groups) &&
                !(mappings == &graph.user_mappings() && graph.role_mappings().contains(key))) {
                out.push_back(masters_entry_finding(context, *entry));
            }
        }
    }
    if (graph.mode() == AuthenticationMode::kApi || graph.mode() == AuthenticationMode::kApiAndConfigMap) {
        for (const auto& [key, entry] : graph.access_entries()) {
            if (names_masters(entry->kubernetes_groups)) {
                out.push_back(context.finding_for(
                    *entry, entry->principal_arn +
                                " has an access entry with kubernetesGroups system:masters: it "
                                "is cluster admin beyond any RBAC rule"));
            }
        }
    }
}

}  // namespace

extern const Rule system_masters_mapping{kInfo, &check};

}  // namespace rbacgraph::rules
