#include <fmt/format.h>

#include <algorithm>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG402", "eks-api-escalation", "iam", RiskSeverity::kCritical,
    "An IAM principal can change the cluster's access entries or authentication mode through "
    "the EKS API"};

struct Allowed {
    IamEffect create = IamEffect::kImplicitDeny;
    IamEffect associate = IamEffect::kImplicitDeny;
    IamEffect update = IamEffect::kImplicitDeny;
    IamEffect config = IamEffect::kImplicitDeny;
};

bool granted(IamEffect effect) {
    return effect == IamEffect::kAllow || effect == IamEffect::kConditional;
}

// eks-iam.md 10.3 (SAR-eks): eks:CreateAccessEntry and eks:UpdateClusterConfig are authorized on the
// cluster's ARN; eks:AssociateAccessPolicy and eks:UpdateAccessEntry on access-entry ARNs, so they count when
// allowed on every access entry of the cluster. `entries` stands for any of them: its last character is one
// no ARN holds, so only a wildcard matches it (access-entry/prod/* does; access-entry/prod/role/1111/admin/*
// does not).
IamEffect on_resource(const IamIndex& iam, std::size_t principal, std::string_view action,
                      const std::string& resource) {
    if (resource.empty()) {
        return IamEffect::kImplicitDeny;
    }
    return iam.identity_decision(principal, action, {resource, false}).effect;
}

// Non-system groups a ClusterRoleBinding makes cluster admin: what an entry's kubernetesGroups can be changed
// to.
std::vector<std::string> admin_groups(const Graph& graph) {
    std::vector<std::string> out;
    for (const auto& [group, rows] : graph.group_rows()) {
        if (group.starts_with("system:")) {
            continue;  // EKS refuses kubernetesGroups starting with system: (eks-iam.md 4.2)
        }
        const bool admin = std::any_of(rows.begin(), rows.end(), [&](std::uint32_t r) {
            const GrantRow& row = graph.rows()[r];
            return row.scope == GrantScope::kCluster && graph.rule_sets()[row.rule_set].grants_everything;
        });
        if (admin) {
            out.push_back(group);
        }
    }
    return out;
}

// The access entries the principal can act through: its own, and those of the roles it reaches.
std::vector<std::string> usable_entries(const CheckContext& context, std::size_t principal) {
    const IamIndex& iam = *context.iam();
    std::vector<std::string> arns = {iam.principals()[principal].arn};
    for (const IamRoute& route : iam.routes_from(iam.caller(principal))) {
        if (!route.conditional) {
            arns.push_back(iam.principals()[route.role()].arn);
        }
    }
    std::vector<std::string> out;
    for (const std::string& arn : arns) {
        if (context.graph().access_entries().contains(access_entry_key(arn))) {
            out.push_back(arn);
        }
    }
    return out;
}

// "arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME" -> "arn:PARTITION:eks:REGION:ACCOUNT:access-entry/NAME/".
std::string access_entry_prefix(const std::string& cluster_arn) {
    const std::size_t at = cluster_arn.find(":cluster/");
    if (at == std::string::npos) {
        return {};
    }
    return cluster_arn.substr(0, at) + ":access-entry/" + cluster_arn.substr(at + 9) + "/";
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& cluster = context.source().cluster;
    if (context.iam() == nullptr || !cluster || cluster->arn.empty()) {
        return;  // without describe-cluster there is no ARN to evaluate policies against
    }
    const IamIndex& iam = *context.iam();
    const std::string prefix = access_entry_prefix(cluster->arn);
    const std::string entries = prefix.empty() ? prefix : prefix + '\x01';
    const bool config_map = context.graph().mode() == AuthenticationMode::kConfigMap ||
                            context.graph().mode() == AuthenticationMode::kUnknown;
    for (std::size_t i = 0; i < iam.principals().size(); ++i) {
        Allowed allowed;
        allowed.create = on_resource(iam, i, "eks:CreateAccessEntry", cluster->arn);
        allowed.associate = on_resource(iam, i, "eks:AssociateAccessPolicy", entries);
        allowed.update = on_resource(iam, i, "eks:UpdateAccessEntry", entries);
        allowed.config = on_resource(iam, i, "eks:UpdateClusterConfig", cluster->arn);
        std::vector<std::string> actions;
        bool conditional = false;
        for (const auto& [name, effect] : {std::pair{"eks:CreateAccessEntry", allowed.create},
                                           {"eks:AssociateAccessPolicy", allowed.associate},
                                           {"eks:UpdateAccessEntry", allowed.update},
                                           {"eks:UpdateClusterConfig", allowed.config}}) {
            if (granted(effect)) {
                actions.emplace_back(name);
                conditional = conditional || effect == IamEffect::kConditional;
            }
        }
        if (actions.empty()) {
            continue;
        }
        const bool admin_now = granted(allowed.create) && granted(allowed.associate);
        const bool entries_usable = !config_map || granted(allowed.config);
        RiskSeverity severity = RiskSeverity::kMedium;
        std::string consequence =
            "it can switch the cluster to an access-entry mode, which opens it to whoever holds the other "
            "access-entry actions";
        if (admin_now && entries_usable) {
            severity = RiskSeverity::kCritical;
            consequence =
                "it can create an access entry for a principal it controls and associate "
                "AmazonEKSClusterAdminPolicy: cluster admin without touching Kubernetes";
        } else if (granted(allowed.create) || granted(allowed.associate) || granted(allowed.update)) {
            severity = entries_usable ? RiskSeverity::kHigh : RiskSeverity::kMedium;
            consequence =
                entries_usable
                    ? "it can give an entry it uses groups or usernames that RBAC bindings trust, or "
                      "access policies"
                    : "once the cluster leaves CONFIG_MAP mode it can grant itself access through access "
                      "entries";
        }
        // eks-iam.md 7 row 6: an entry it can use, given a group that a ClusterRoleBinding makes admin.
        if (severity != RiskSeverity::kCritical && granted(allowed.update) && entries_usable &&
            !context.graph().access_entries().empty()) {
            const std::vector<std::string> groups = admin_groups(context.graph());
            const std::vector<std::string> usable =
                groups.empty() ? std::vector<std::string>{} : usable_entries(context, i);
            if (!usable.empty()) {
                severity = RiskSeverity::kCritical;
                consequence = fmt::format(
                    "it can set the kubernetesGroups of the access entry of {}, which it can act as, to {}, "
                    "which a "
                    "ClusterRoleBinding makes cluster admin",
                    usable.front(), groups.front());
            }
        }
        if (config_map && admin_now && !granted(allowed.config)) {
            consequence +=
                " (the cluster is in CONFIG_MAP mode, which refuses access entries until "
                "eks:UpdateClusterConfig changes it)";
        }
        const IamPrincipal& principal = iam.principals()[i];
        Finding finding = context.finding_for(
            principal, fmt::format("{} may call {} on {}: {}{}", CheckContext::short_name(principal),
                                   fmt::join(actions, ", "), cluster->arn, consequence,
                                   conditional ? " (under a condition or a policy not in the dump)" : ""));
        finding.key = cluster->arn;
        finding.severity = conditional ? lower(severity) : severity;
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule eks_api_escalation{kInfo, &check};

}  // namespace rbacgraph::rules
