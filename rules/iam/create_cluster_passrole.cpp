#include <fmt/format.h>

#include "rbacgraph/check.hpp"

namespace rbacgraph::rules {
namespace {

constexpr RuleInfo kInfo{
    "RG403", "create-cluster-passrole", "iam", RiskSeverity::kHigh,
    "An IAM principal can create EKS clusters and pass them a role: admin of a cluster it "
    "creates, running as a role it could not otherwise use"};

void check(const CheckContext& context, std::vector<Finding>& out) {
    // About the account, not about one cluster: reported once per run.
    if (context.iam() == nullptr || !context.first_cluster()) {
        return;
    }
    const IamIndex& iam = *context.iam();
    const auto cluster_roles = iam.roles_trusting_service("eks.amazonaws.com");
    // eks-iam.md 10.3 (SAR-eks): eks:CreateCluster has no resource type, so only a statement whose Resource
    // covers everything grants it; a name no ARN pattern but a bare wildcard matches stands for "every
    // resource".
    const IamResource every_resource{"\x01", false};
    for (std::size_t i = 0; i < iam.principals().size(); ++i) {
        const IamPrincipal& principal = iam.principals()[i];
        const IamEffect create = iam.identity_decision(i, "eks:CreateCluster", every_resource).effect;
        if (create != IamEffect::kAllow && create != IamEffect::kConditional) {
            continue;
        }
        std::vector<std::string> passable;
        bool conditional = create == IamEffect::kConditional;
        for (const auto& [role, statement] : cluster_roles) {
            // eks-iam.md 10.4 (IAM-more id_roles_use_passrole): a role of another account cannot be passed.
            if (iam.principals()[role].account != principal.account) {
                continue;
            }
            const IamEffect pass =
                iam.identity_decision(i, "iam:PassRole", {iam.principals()[role].arn, false}).effect;
            if (pass == IamEffect::kAllow || pass == IamEffect::kConditional) {
                passable.push_back(iam.principals()[role].name);
                conditional = conditional || pass == IamEffect::kConditional;
            }
        }
        if (passable.empty()) {
            continue;
        }
        // CreateCluster also creates the creator's access entry (eks:CreateAccessEntry on the new cluster,
        // SAR-eks); whether an explicit Deny of that action stops it is not established (eks-iam.md 10.3).
        const std::string new_clusters = fmt::format("arn:{}:eks:", principal.partition);
        const bool entry_denied =
            iam.identity_decision(i, "eks:CreateAccessEntry", {new_clusters, true}).effect ==
            IamEffect::kDeny;
        conditional = conditional || entry_denied;
        Finding finding = context.finding_for(
            principal,
            fmt::format(
                "{} may call eks:CreateCluster and iam:PassRole on {} (trusting eks.amazonaws.com): the "
                "creator of a cluster is its admin (bootstrapClusterCreatorAdminPermissions defaults to "
                "true, and CreateCluster creates that access entry itself), and the cluster runs with that "
                "role's "
                "AWS permissions{}",
                CheckContext::short_name(principal), fmt::join(passable, ", "),
                entry_denied
                    ? " (eks:CreateAccessEntry is denied to it, and whether that stops the creator's "
                      "entry is not established)"
                : conditional ? " (under a condition or a policy not in the dump)"
                              : ""));
        finding.account_wide = true;
        if (conditional) {
            finding.severity = lower(kInfo.severity);
        }
        out.push_back(std::move(finding));
    }
}

}  // namespace

extern const Rule create_cluster_passrole{kInfo, &check};

}  // namespace rbacgraph::rules
