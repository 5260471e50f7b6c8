#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "rbacgraph/check.hpp"
#include "rbacgraph/iam.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG402", "eks-api-escalation", "iam", RiskSeverity::kCritical,
    "An IAM principal can change the cluster's access entries or authentication mode, or hand a "
    "cluster-admin role to pods or a capability, through the EKS API"};

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
std::vector<std::string> admin_groups(const GrantTable& grants) {
    std::vector<std::string> out;
    for (const auto& [group, held] : grants.holders(HolderKind::kGroup)) {
        if (group.starts_with("system:")) {
            continue;  // EKS refuses kubernetesGroups starting with system: (eks-iam.md 4.2)
        }
        const bool admin =
            std::any_of(held.begin(), held.end(), [&](GrantId id) { return grants.cluster_admin(id); });
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

// "arn:...:cluster/NAME" -> "arn:...:<kind>/NAME/" + a character no ARN holds: every object of that kind in
// the cluster (see on_resource).
std::string every_in_cluster(const std::string& cluster_arn, std::string_view kind) {
    const std::size_t at = cluster_arn.find(":cluster/");
    if (at == std::string::npos) {
        return {};
    }
    return fmt::format("{}:{}/{}/\x01", cluster_arn.substr(0, at), kind, cluster_arn.substr(at + 9));
}

// The roles of the account a workload or capability could be given that this cluster maps to cluster admin.
std::vector<std::size_t> admin_roles_trusting(const CheckContext& context, bool pod_identity) {
    const IamIndex& iam = *context.iam();
    // eks-iam.md 9.5: a capability role trusts capabilities.eks.amazonaws.com.
    std::vector<std::pair<std::size_t, const IamStatement*>> capability_roles;
    if (!pod_identity) {
        capability_roles = iam.roles_trusting_service("capabilities.eks.amazonaws.com");
    }
    std::vector<std::size_t> out;
    for (std::size_t r = 0; r < iam.principals().size(); ++r) {
        const IamPrincipal& role = iam.principals()[r];
        if (role.role == nullptr) {
            continue;
        }
        if (pod_identity) {
            const IamEffect trust = pod_identity_trust(*role.role).effect;
            if (trust != IamEffect::kAllow && trust != IamEffect::kConditional) {
                continue;
            }
        } else {
            if (std::none_of(capability_roles.begin(), capability_roles.end(),
                             [&](const auto& pair) { return pair.first == r; })) {
                continue;
            }
        }
        const Identity identity = resolve_arn(context.graph(), role.arn);
        if (!identity.authenticated) {
            continue;
        }
        if (Authorizer(context.graph(), identity).cluster_admin()) {
            out.push_back(r);
        }
    }
    return out;
}

// eks-iam.md 7 rows 16-18: a principal that can attach a role to a ServiceAccount (Pod Identity) or to a
// capability, and pass that role, hands the pods or the capability whatever the role holds; here, a role this
// cluster maps to cluster admin. Resource types (eks-iam.md 10.3 lists only the access-entry actions;
// decision in docs/iam.md): Create* on the cluster ARN, Update* on every association or capability of the
// cluster.
void report_role_handoffs(const CheckContext& context, const std::string& cluster_arn,
                          std::vector<Finding>& out) {
    const IamIndex& iam = *context.iam();
    struct Handoff {
        bool pod_identity;
        std::string_view create;
        std::string_view update;
        std::string_view kind;
        std::string_view what;
    };
    static constexpr std::array<Handoff, 2> kHandoffs = {
        Handoff{
            true, "eks:CreatePodIdentityAssociation", "eks:UpdatePodIdentityAssociation",
            "podidentityassociation",
            "the pods of a ServiceAccount it names (anyone who can run a pod as it is then cluster admin)"},
        Handoff{
            false, "eks:CreateCapability", "eks:UpdateCapability", "capability",
            "an EKS capability (whoever drives it, ACK resources or Argo CD applications, then acts as that "
            "role)"}};
    for (const Handoff& handoff : kHandoffs) {
        const std::vector<std::size_t> roles = admin_roles_trusting(context, handoff.pod_identity);
        if (roles.empty()) {
            continue;
        }
        const std::string every = every_in_cluster(cluster_arn, handoff.kind);
        for (std::size_t i = 0; i < iam.principals().size(); ++i) {
            const IamPrincipal& principal = iam.principals()[i];
            std::vector<std::string_view> actions;
            bool conditional = false;
            for (const auto& [action, resource] :
                 {std::pair{handoff.create, cluster_arn}, std::pair{handoff.update, every}}) {
                const IamEffect effect = on_resource(iam, i, action, resource);
                if (granted(effect)) {
                    actions.push_back(action);
                    conditional = conditional || effect == IamEffect::kConditional;
                }
            }
            if (actions.empty()) {
                continue;
            }
            std::vector<std::string> passable;
            bool pass_conditional = false;
            for (const std::size_t r : roles) {
                // eks-iam.md 10.4: only roles of the caller's own account can be passed.
                if (iam.principals()[r].account != principal.account) {
                    continue;
                }
                const IamEffect pass =
                    iam.identity_decision(i, "iam:PassRole", {iam.principals()[r].arn, false}).effect;
                if (granted(pass)) {
                    passable.push_back(iam.principals()[r].name);
                    pass_conditional = pass_conditional || pass == IamEffect::kConditional;
                }
            }
            // UG-podid: creating an association requires iam:PassRole. For capabilities AWS does not say
            // (eks-iam.md 9.5, UNK): without PassRole the finding stands, one step lower, and says so.
            std::string pass_text;
            bool pass_unknown = false;
            if (passable.empty()) {
                if (handoff.pod_identity) {
                    continue;
                }
                pass_unknown = true;
                pass_text =
                    "; it may not pass that role, which stops it only if CreateCapability requires "
                    "iam:PassRole "
                    "(AWS does not say)";
            }
            const std::string role_names = passable.empty() ? iam.principals()[roles.front()].name
                                                            : fmt::format("{}", fmt::join(passable, ", "));
            const bool under_condition = conditional || pass_conditional;
            Finding finding = context.finding_for(
                principal,
                fmt::format(
                    "{} may call {} on {} and {} {}, which this cluster maps to cluster admin: it can give "
                    "that role to {}{}{}",
                    CheckContext::short_name(principal), fmt::join(actions, ", "), cluster_arn,
                    passable.empty() ? "name the role" : "pass (iam:PassRole)", role_names, handoff.what,
                    pass_text, under_condition ? " (under a condition or a policy not in the dump)" : ""));
            finding.key = fmt::format("{} {}", cluster_arn, handoff.kind);
            finding.severity = under_condition || pass_unknown ? RiskSeverity::kMedium : RiskSeverity::kHigh;
            out.push_back(std::move(finding));
        }
    }
}

void check(const CheckContext& context, std::vector<Finding>& out) {
    const auto& cluster = context.source().cluster;
    if (context.iam() == nullptr || !cluster || cluster->arn.empty()) {
        return;  // without describe-cluster there is no ARN to evaluate policies against
    }
    const IamIndex& iam = *context.iam();
    const std::string entries = every_in_cluster(cluster->arn, "access-entry");
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
            const std::vector<std::string> groups = admin_groups(context.grants());
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
    report_role_handoffs(context, cluster->arn, out);
}

}  // namespace

extern const Rule eks_api_escalation{kInfo, &check};

}  // namespace rbacgraph::rules
