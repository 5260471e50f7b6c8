#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG101", "system-masters-mapping", "eks", RiskSeverity::kCritical,
                         "An aws-auth entry or access entry puts an IAM ARN in system:masters"};

bool names_masters(const std::vector<std::string>& groups) {
    return std::find(groups.begin(), groups.end(), "system:masters") != groups.end();
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    // aws-auth is read in CONFIG_MAP and API_AND_CONFIG_MAP modes only (shadowed-mapping covers API mode).
    if (graph.mode() != AuthenticationMode::kApi) {
        for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
            for (const auto& [key, entry] : *mappings) {
                // In API_AND_CONFIG_MAP an access entry for the same principal wins (shadowed-mapping).
                const bool shadowed = graph.mode() == AuthenticationMode::kApiAndConfigMap &&
                                      graph.access_entries().contains(access_entry_key(entry->arn));
                if (names_masters(entry->groups) && !shadowed) {
                    out.push_back(context.finding_for(
                        *entry, entry->arn +
                                    " is mapped into group system:masters: it is cluster admin through the "
                                    "authorizer's privileged group, before and beyond any RBAC rule, and no "
                                    "RBAC change can take that away"));
                }
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
