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
    for (std::size_t i = 0; i < iam.principals().size(); ++i) {
        const IamPrincipal& principal = iam.principals()[i];
        const std::string clusters = fmt::format("arn:{}:eks:", principal.partition);
        const IamEffect create = iam.identity_decision(i, "eks:CreateCluster", {clusters, true}).effect;
        if (create != IamEffect::kAllow && create != IamEffect::kConditional) {
            continue;
        }
        std::vector<std::string> passable;
        bool conditional = create == IamEffect::kConditional;
        for (const auto& [role, statement] : cluster_roles) {
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
        Finding finding = context.finding_for(
            principal,
            fmt::format(
                "{} may call eks:CreateCluster and iam:PassRole on {} (trusting eks.amazonaws.com): the "
                "creator of a cluster is its admin (bootstrapClusterCreatorAdminPermissions defaults to "
                "true), and the cluster runs with that role's AWS permissions{}",
                CheckContext::short_name(principal), fmt::join(passable, ", "),
                conditional ? " (under a condition or a policy not in the dump)" : ""));
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
