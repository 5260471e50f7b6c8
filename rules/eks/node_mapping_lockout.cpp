#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG117", "node-mapping-lockout", "eks", RiskSeverity::kHigh,
    "A node mapping ({{EC2PrivateDNSName}} or system:node: username) whose identity the Node authorizer does "
    "not recognize: without group system:nodes and a system:node: username, the nodes cannot join"};

constexpr std::string_view kNodes = "system:nodes";
constexpr std::string_view kBootstrappers = "system:bootstrappers";
constexpr std::string_view kNodeUserPrefix = "system:node:";

bool has(const std::vector<std::string>& groups, std::string_view group) {
    return std::find(groups.begin(), groups.end(), group) != groups.end();
}

// A value copied from documentation with its placeholder brackets or quotes ("<system:nodes>").
std::string_view unwrapped(std::string_view text) {
    while (text.size() >= 2 &&
           ((text.front() == '<' && text.back() == '>') || (text.front() == '"' && text.back() == '"') ||
            (text.front() == '\'' && text.back() == '\''))) {
        text = text.substr(1, text.size() - 2);
    }
    return text;
}

// The written form of a group that was meant to be `wanted`, for the message; "" when none.
std::string near_miss(const std::vector<std::string>& groups, std::string_view wanted) {
    for (const std::string& group : groups) {
        if (group != wanted && unwrapped(group) == wanted) {
            return group;
        }
    }
    return {};
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const Graph& graph = context.graph();
    for (const auto* mappings : {&graph.role_mappings(), &graph.user_mappings()}) {
        for (const auto& [key, entry] : *mappings) {
            const std::string_view username = entry->username;
            const bool node_mapping = username.find("{{EC2PrivateDNSName}}") != std::string_view::npos ||
                                      unwrapped(username).starts_with(kNodeUserPrefix);
            // An entry that is not used locks nobody out (shadowed-mapping, unmatchable-mapping say why).
            if (!node_mapping ||
                aws_auth_entry_status(graph, *entry).state != AwsAuthEntryStatus::State::kInForce) {
                continue;
            }
            // k8s-rbac.md, Node authorizer: a request is a node's only for group system:nodes and a username
            // system:node:<nodeName>. EKS's node mapping also carries system:bootstrappers.
            std::vector<std::string> problems;
            if (!has(entry->groups, kNodes)) {
                const std::string miss = near_miss(entry->groups, kNodes);
                problems.push_back(miss.empty() ? "its groups lack system:nodes"
                                                : fmt::format("its group '{}' is not system:nodes (the "
                                                              "brackets or quotes are part of the name)",
                                                              miss));
            }
            if (!username.starts_with(kNodeUserPrefix)) {
                problems.push_back(
                    fmt::format("its username '{}' does not start with 'system:node:'", username));
            }
            if (!problems.empty()) {
                std::string text = problems.front();
                for (std::size_t i = 1; i < problems.size(); ++i) {
                    text += " and " + problems[i];
                }
                out.push_back(context.finding_for(
                    *entry,
                    fmt::format("{} is mapped as a node, but {}: the Node authorizer does not see its "
                                "instances as nodes, so they cannot register or read their pods "
                                "(EKS maps node roles to username system:node:{{{{EC2PrivateDNSName}}}} "
                                "with groups system:bootstrappers, system:nodes)",
                                entry->arn, text)));
                continue;
            }
            if (!has(entry->groups, kBootstrappers)) {
                Finding finding = context.finding_for(
                    *entry,
                    fmt::format(
                        "{} is mapped as a node without group system:bootstrappers, which EKS's "
                        "node mapping also carries{}; nodes register with system:nodes, but "
                        "what EKS binds to system:bootstrappers is missing for them",
                        entry->arn,
                        near_miss(entry->groups, kBootstrappers).empty()
                            ? ""
                            : fmt::format(" ('{}' is not it)", near_miss(entry->groups, kBootstrappers))));
                finding.severity = RiskSeverity::kLow;
                finding.key = "bootstrappers";
                out.push_back(std::move(finding));
            }
        }
    }
}

}  // namespace

extern const Rule node_mapping_lockout{kInfo, &check};

}  // namespace rbacgraph::rules
