#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG108", "reserved-username", "eks", RiskSeverity::kHigh,
    "A mapping's username impersonates a system identity (system:, eks:, kubernetes-admin)"};

// The node groups EKS itself puts in node, Fargate and Windows mappings.
constexpr std::array<std::string_view, 4> kNodeGroups = {"system:nodes", "system:bootstrappers",
                                                         "system:node-proxier", "eks:kube-proxy-windows"};

bool is_node_mapping(std::string_view username, const std::vector<std::string>& groups) {
    const bool node_name =
        username == "system:node:{{EC2PrivateDNSName}}" || username == "system:node:{{SessionName}}";
    const bool node_groups =
        std::find(groups.begin(), groups.end(), "system:nodes") != groups.end() &&
        std::all_of(groups.begin(), groups.end(), [](const std::string& group) {
            return std::find(kNodeGroups.begin(), kNodeGroups.end(), group) != kNodeGroups.end();
        });
    return node_name && node_groups;
}

// EKS forbids these prefixes in access-entry usernames (user guide, creating access entries); the same names
// in aws-auth are accepted and act as the system identity.
std::optional<std::string> reserved(std::string_view username) {
    for (const std::string_view prefix : {"system:", "eks:", "aws:", "amazon:", "iam:"}) {
        if (username.starts_with(prefix)) {
            return fmt::format("starts with '{}', a prefix reserved for Kubernetes and EKS components",
                               prefix);
        }
    }
    if (username == "kubernetes-admin") {
        return std::string("is the name EKS shows for the cluster creator");
    }
    return std::nullopt;
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            if (is_node_mapping(entry->username, entry->groups)) {
                continue;
            }
            if (const auto why = reserved(entry->username)) {
                out.push_back(context.finding_for_grant(
                    *entry,
                    fmt::format("{} is mapped to username '{}', which {}: its callers act as that identity "
                                "and gain every binding made for it",
                                entry->arn, entry->username, *why)));
            }
        }
    }
    for (const auto& [key, entry] : graph.access_entries()) {
        if (entry->username && entry->type == "STANDARD") {
            if (const auto why = reserved(*entry->username)) {
                out.push_back(
                    context.finding_for(*entry, fmt::format("access entry of {} has username '{}', which {}",
                                                            entry->principal_arn, *entry->username, *why)));
            }
        }
    }
}

}  // namespace

extern const Rule reserved_username{kInfo, &check};

}  // namespace rbacgraph::rules
