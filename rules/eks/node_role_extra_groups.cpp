#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{"RG109", "node-role-extra-groups", "eks", RiskSeverity::kHigh,
                         "A node role mapped with groups beyond system:nodes and system:bootstrappers"};

// What EKS maps node, Fargate and Windows roles to (EKS user guide, aws-auth for nodes).
constexpr std::array<std::string_view, 4> kNodeGroups = {"system:nodes", "system:bootstrappers",
                                                         "system:node-proxier", "eks:kube-proxy-windows"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            const auto& groups = entry->groups;
            const bool node = entry->username.starts_with("system:node:") ||
                              std::find(groups.begin(), groups.end(), "system:nodes") != groups.end();
            if (!node) {
                continue;
            }
            std::vector<std::string> extra;
            std::copy_if(
                groups.begin(), groups.end(), std::back_inserter(extra), [](const std::string& group) {
                    return std::find(kNodeGroups.begin(), kNodeGroups.end(), group) == kNodeGroups.end();
                });
            if (extra.empty()) {
                continue;
            }
            out.push_back(context.finding_for_grant(
                *entry,
                fmt::format("node role {} is also mapped to {}: every instance of the node group (and "
                            "every pod that reaches the instance credentials) holds what those groups "
                            "are bound to",
                            entry->arn, fmt::join(extra, ", "))));
        }
    }
}

}  // namespace

extern const Rule node_role_extra_groups{kInfo, &check};

}  // namespace rbacgraph::rules
